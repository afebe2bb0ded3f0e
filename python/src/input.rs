//! Caller buffers in, frame bytes kept.
//!
//! A `bytes` argument is read in place and a frame decoded from it keeps a reference to it (no
//! copy). Any other buffer (`bytearray`, `memoryview`, `array`, ...) is read in place while the
//! call runs, and a frame decoded from it keeps a copy of just its own bytes, since the caller
//! may change the buffer afterwards.

use core::ops::Range;

use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// A caller's buffer, readable for the duration of a call.
pub enum Input<'py> {
    /// An immutable `bytes` object.
    Bytes(Bound<'py, PyBytes>),
    /// Any other object exporting a contiguous buffer of bytes.
    Buffer(Python<'py>, PyUntypedBuffer),
}

impl<'py> Input<'py> {
    /// Takes any object with the buffer protocol whose items are single bytes.
    pub fn new(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        // Exactly `bytes`: a subclass may carry attributes (a `__dict__`) and is copied instead.
        if let Ok(b) = obj.cast_exact::<PyBytes>() {
            return Ok(Input::Bytes(b.clone()));
        }
        let buf = PyUntypedBuffer::get(obj).map_err(|_| {
            PyTypeError::new_err(format!(
                "expected a bytes-like object, got {}",
                obj.get_type()
                    .name()
                    .map_or_else(|_| "?".to_owned(), |n| n.to_string())
            ))
        })?;
        if buf.item_size() != 1 || !buf.is_c_contiguous() {
            return Err(PyTypeError::new_err(
                "expected a contiguous buffer of single bytes",
            ));
        }
        Ok(Input::Buffer(obj.py(), buf))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Input::Bytes(b) => b.as_bytes(),
            // SAFETY: the buffer is C-contiguous with one-byte items and not empty, so `buf_ptr`
            // points at `len_bytes` readable bytes that stay valid while `self` holds the export.
            // Callers do not run Python code (which could write to the buffer, or let another
            // thread do so) while they hold the slice: decoders only parse it, and batch work
            // that allocates Python objects first turns the input into `bytes` (`into_bytes`).
            Input::Buffer(_, buf) if buf.len_bytes() == 0 => &[],
            Input::Buffer(_, buf) => unsafe {
                core::slice::from_raw_parts(buf.buf_ptr().cast::<u8>(), buf.len_bytes())
            },
        }
    }

    /// The same bytes as one immutable `bytes` object (copied once unless they already are one),
    /// for work that runs Python code while it reads them and whose frames share them.
    pub fn into_bytes(self) -> Input<'py> {
        if let Input::Buffer(py, _) = &self {
            return Input::Bytes(PyBytes::new(*py, self.as_slice()));
        }
        self
    }

    /// The bytes of `range` as a [`Span`]: the caller's own object when it passed `bytes`, else
    /// a copy of the range.
    pub fn span(&self, range: Range<usize>) -> Span {
        match self {
            Input::Bytes(b) => Span {
                obj: b.clone().unbind(),
                range,
            },
            Input::Buffer(py, _) => {
                let copy = PyBytes::new(*py, self.as_slice().get(range.clone()).unwrap_or(&[]));
                Span {
                    range: 0..range.len(),
                    obj: copy.unbind(),
                }
            }
        }
    }
}

/// A frame's bytes: a range of a `bytes` object.
pub struct Span {
    obj: Py<PyBytes>,
    range: Range<usize>,
}

impl Span {
    /// Another reference to the same bytes.
    pub fn clone_ref(&self, py: Python<'_>) -> Span {
        Span {
            obj: self.obj.clone_ref(py),
            range: self.range.clone(),
        }
    }

    /// The frame's bytes.
    pub fn bytes<'a>(&'a self, py: Python<'_>) -> &'a [u8] {
        self.obj.as_bytes(py).get(self.range.clone()).unwrap_or(&[])
    }

    /// The frame's bytes as a `bytes` object (the same object when it holds exactly the frame).
    pub fn to_object<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let obj = self.obj.bind(py);
        if self.range.start == 0 && self.range.end == obj.as_bytes().len() {
            obj.clone()
        } else {
            PyBytes::new(py, self.bytes(py))
        }
    }
}
