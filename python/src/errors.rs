//! Codec errors as the exception classes defined in `causeway/_errors.py`.

use causeway_codecs::registry::error_json;
use causeway_codecs::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use crate::convert::json_to_py;

static DECODE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CHECKSUM_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INCOMPLETE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ENCODE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn exception(py: Python<'_>, class: (&'static PyOnceLock<Py<PyType>>, &str), e: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = class.0.import(py, "causeway._errors", class.1)?;
        let json = error_json(e);
        let kwargs = PyDict::new(py);
        if let Some(fields) = json.as_object() {
            for (key, value) in fields.iter().filter(|(k, _)| k.as_str() != "message") {
                kwargs.set_item(key, json_to_py(py, value)?)?;
            }
        }
        Ok(PyErr::from_value(
            class.call((e.to_string(),), Some(&kwargs))?,
        ))
    };
    build().unwrap_or_else(|err| err)
}

/// A decoding error: `ChecksumError`, `IncompleteError` or `DecodeError`.
pub fn decode_error(py: Python<'_>, e: &Error) -> PyErr {
    let class = match e.kind {
        ErrorKind::Checksum { .. } => (&CHECKSUM_ERROR, "ChecksumError"),
        ErrorKind::Truncated { .. } => (&INCOMPLETE_ERROR, "IncompleteError"),
        _ => (&DECODE_ERROR, "DecodeError"),
    };
    exception(py, class, e)
}

/// An encoding error (a bad field, or no room in the output): `EncodeError`.
pub fn encode_error(py: Python<'_>, e: &Error) -> PyErr {
    exception(py, (&ENCODE_ERROR, "EncodeError"), e)
}

/// The `DecodeError` instance for `e` (for `Skipped.error`).
pub fn decode_error_value(py: Python<'_>, e: &Error) -> Py<PyAny> {
    decode_error(py, e).into_value(py).into_any()
}
