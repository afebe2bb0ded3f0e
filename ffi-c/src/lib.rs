//! # causeway C API
//!
//! Conventions (after rustls-ffi):
//! - Every function returns a [`causeway_result`]; outputs are written only on `CAUSEWAY_OK`.
//! - Every pointer is checked for NULL (`CAUSEWAY_NULL_ARGUMENT`); every length is checked.
//! - Every export runs inside `catch_unwind` (`CAUSEWAY_PANIC`, which should never be seen).
//! - Views (`causeway_bytes`) point into the caller's own input and live as long as it does:
//!   decoding allocates nothing and there is nothing to free.
//! - State that must persist (stream deframers, the M-Bus master) is an opaque handle, created
//!   either on the heap (`_new` / `_free`) or in caller memory (`_init_in`, no heap).
//! - Decode errors fill a `causeway_error` (code, layer, byte offset, expected, found) when the
//!   caller passes one; `causeway_error_message` renders it into a caller buffer.
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_camel_case_types)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "epa")]
mod epa;
mod error;
#[cfg(feature = "mbus")]
mod mbus;
#[cfg(feature = "modbus")]
mod modbus;
mod point;
mod stream;
#[cfg(feature = "translate")]
mod translate;
#[cfg(feature = "wiapa")]
mod wpan;

#[cfg(feature = "epa")]
pub use epa::*;
pub use error::*;
#[cfg(feature = "mbus")]
pub use mbus::*;
#[cfg(feature = "modbus")]
pub use modbus::*;
pub use point::*;
pub use stream::*;
#[cfg(feature = "translate")]
pub use translate::*;
#[cfg(feature = "wiapa")]
pub use wpan::*;

/// A read-only view of bytes owned by someone else (usually the caller's input buffer).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_bytes {
    /// First byte (never NULL: empty views point at a static empty array).
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl causeway_bytes {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        causeway_bytes {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// The bytes the view points at; `None` for a NULL pointer with a non-zero length.
    ///
    /// # Safety
    /// A non-NULL `ptr` must point at `len` readable bytes that stay valid for `'a`.
    #[cfg(any(
        feature = "modbus",
        feature = "mbus",
        feature = "epa",
        feature = "wiapa",
        feature = "translate"
    ))]
    pub(crate) unsafe fn as_slice<'a>(&self) -> Option<&'a [u8]> {
        // SAFETY: forwarded to the caller.
        unsafe { input(self.ptr, self.len) }
    }

    /// The bytes of a caller's view; an error naming `field` of `layer` if the pointer is NULL
    /// with a non-zero length. The view must point at bytes valid for the call.
    #[cfg(any(feature = "epa", feature = "wiapa"))]
    pub(crate) fn view<'a>(
        &self,
        field: &'static str,
        layer: causeway_codecs::Layer,
    ) -> Result<&'a [u8], causeway_codecs::Error> {
        // SAFETY: the caller's view, valid for the call.
        unsafe { self.as_slice() }.ok_or(causeway_codecs::Error::invalid(
            layer,
            0,
            field,
            "a pointer to the octets",
            0,
        ))
    }

    pub(crate) const EMPTY: causeway_bytes = causeway_bytes {
        ptr: [].as_ptr(),
        len: 0,
    };
}

impl Default for causeway_bytes {
    fn default() -> Self {
        causeway_bytes::EMPTY
    }
}

/// Writes `v` to `out` (checked non-NULL).
///
/// # Safety
/// `out` NULL or writable.
#[cfg(any(feature = "mbus", feature = "translate"))]
pub(crate) unsafe fn put<T>(out: *mut T, v: T) -> causeway_result {
    if out.is_null() {
        return causeway_result::CAUSEWAY_NULL_ARGUMENT;
    }
    // SAFETY: checked non-NULL; the caller's output.
    unsafe { out.write(v) };
    causeway_result::CAUSEWAY_OK
}

/// The bytes at `ptr .. ptr + len`, or `None` for a NULL pointer with a non-zero length.
///
/// # Safety
/// `ptr` must point at `len` readable bytes (or be NULL / dangling with `len == 0`).
pub(crate) unsafe fn input<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the caller promises `len` readable bytes at `ptr`.
    Some(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The writable bytes at `ptr .. ptr + len`.
///
/// # Safety
/// `ptr` must point at `len` writable bytes not aliased elsewhere during the call.
pub(crate) unsafe fn output<'a>(ptr: *mut u8, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if ptr.is_null() {
        return None;
    }
    // SAFETY: as promised by the caller.
    Some(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// Shared body of every writer: check the buffers, run `f`, report the length written.
pub(crate) fn emit(
    data: *const u8,
    data_len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
    f: impl FnOnce(&[u8], &mut [u8]) -> Result<usize, causeway_codecs::Error>,
) -> causeway_result {
    guard(|| {
        // SAFETY: the callers pass the pointers they were given, with their lengths.
        let (Some(data), Some(out)) = (unsafe { input(data, data_len) }, unsafe {
            output(buf, cap)
        }) else {
            return causeway_result::CAUSEWAY_NULL_ARGUMENT;
        };
        if out_len.is_null() {
            return causeway_result::CAUSEWAY_NULL_ARGUMENT;
        }
        match f(data, out) {
            // SAFETY: checked non-NULL.
            Ok(n) => unsafe {
                out_len.write(n);
                causeway_result::CAUSEWAY_OK
            },
            Err(e) if matches!(e.kind, causeway_codecs::ErrorKind::Capacity { .. }) => {
                error::fail(err, &e);
                causeway_result::CAUSEWAY_BUFFER_TOO_SMALL
            }
            Err(e) => error::fail(err, &e),
        }
    })
}

/// [`emit`] for writers that read no caller bytes (builders from arguments or structs).
pub(crate) fn build(
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
    f: impl FnOnce(&mut [u8]) -> Result<usize, causeway_codecs::Error>,
) -> causeway_result {
    emit([].as_ptr(), 0, buf, cap, out_len, err, |_, out| f(out))
}

/// The shape of the decode exports: checks the pointers, runs `decode` on the caller's bytes,
/// writes its result to `out` only on success and reports a failure in `err`.
pub(crate) fn decode_into<T>(
    frame: *const u8,
    len: usize,
    out: *mut T,
    err: *mut causeway_error,
    decode: impl FnOnce(&[u8]) -> Result<T, causeway_codecs::Error>,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller's pointer and length (checked non-NULL when non-empty).
        let Some(bytes) = (unsafe { input(frame, len) }) else {
            return causeway_result::CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return causeway_result::CAUSEWAY_NULL_ARGUMENT;
        }
        match decode(bytes) {
            Ok(v) => {
                // SAFETY: checked non-NULL.
                unsafe { out.write(v) };
                causeway_result::CAUSEWAY_OK
            }
            Err(e) => error::fail(err, &e),
        }
    })
}

/// Runs `f`, turning a panic into `CAUSEWAY_PANIC` (with `std`; without it panics abort).
pub(crate) fn guard(f: impl FnOnce() -> causeway_result) -> causeway_result {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .unwrap_or(causeway_result::CAUSEWAY_PANIC)
    }
    #[cfg(not(feature = "std"))]
    {
        f()
    }
}

/// Places `value` in caller memory `mem` (`len` bytes), checking size and alignment, and points
/// `*out` at it: the body of every `_init_in`.
///
/// # Safety
/// `mem` must be writable for `len` bytes and not used for anything else while the value lives;
/// `out` NULL or valid.
pub(crate) unsafe fn place<T>(
    mem: *mut core::ffi::c_void,
    len: usize,
    value: T,
    out: *mut *mut T,
) -> causeway_result {
    let ptr = mem.cast::<T>();
    if mem.is_null() || out.is_null() {
        return causeway_result::CAUSEWAY_NULL_ARGUMENT;
    }
    if len < core::mem::size_of::<T>() || ptr.align_offset(core::mem::align_of::<T>()) != 0 {
        return causeway_result::CAUSEWAY_BUFFER_TOO_SMALL;
    }
    // SAFETY: size and alignment checked; the caller gives us the memory and `out`.
    unsafe {
        ptr.write(value);
        out.write(ptr);
    }
    causeway_result::CAUSEWAY_OK
}

/// Memory a handle needs when placed in caller storage: size and alignment of `T`, rounded so
/// any buffer of `causeway_*_size()` bytes aligned to 16 works.
pub(crate) const fn storage_size<T>() -> usize {
    core::mem::size_of::<T>()
}

/// Without `std` a panic cannot be caught at the boundary; the firmware build uses
/// `panic = "abort"` and a panic (a bug) stops here.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

/// The precompiled `core` refers to the unwinding personality even under `panic = "abort"`;
/// nothing unwinds in a `no_std` build, so an empty one satisfies the linker.
#[cfg(not(feature = "std"))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// The library version, `major * 10000 + minor * 100 + patch`.
#[no_mangle]
pub extern "C" fn causeway_version() -> u32 {
    let v = |s: &str| s.parse::<u32>().unwrap_or(0);
    v(env!("CARGO_PKG_VERSION_MAJOR")) * 10_000
        + v(env!("CARGO_PKG_VERSION_MINOR")) * 100
        + v(env!("CARGO_PKG_VERSION_PATCH"))
}
