//! The native module `causeway._causeway` behind the `causeway` Python package.
//!
//! Decoding reads the caller's buffer in place (a `bytes` object is kept, not copied, by the
//! frame it yields); results are small objects whose attributes are computed from the frame's
//! bytes when read. Errors become the exception classes of `causeway._errors`. No Rust panic is
//! expected; pyo3 turns one into `pyo3_runtime.PanicException` rather than aborting.

use pyo3::prelude::*;

mod api;
mod convert;
mod epa;
mod errors;
mod input;
mod mbus;
mod modbus;
mod translate;
mod wpan;

/// The native module.
#[pymodule]
fn _causeway(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    api::register(m)?;
    modbus::register(m)?;
    mbus::register(m)?;
    epa::register(m)?;
    wpan::register(m)?;
    translate::register(m)?;
    Ok(())
}
