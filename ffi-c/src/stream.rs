//! Stream deframers for C: push received bytes, take frames (and skipped garbage) out.

use causeway_codecs::buffer::{Buffer, Event, Stream};
use causeway_codecs::deframers::AnyDeframer;
use causeway_codecs::Role;

use crate::error::{causeway_error, causeway_result, fail};
use crate::{causeway_bytes, guard, input, place, storage_size};

use causeway_result::*;

/// Which frames a stream finds.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_stream_kind {
    /// Modbus RTU requests (a server's receive side).
    CAUSEWAY_STREAM_MODBUS_RTU_REQUESTS = 0,
    /// Modbus RTU responses (a client's receive side).
    CAUSEWAY_STREAM_MODBUS_RTU_RESPONSES = 1,
    /// Modbus RTU on a shared bus: requests followed by their responses.
    CAUSEWAY_STREAM_MODBUS_RTU_BUS = 2,
    /// Modbus TCP (MBAP) byte stream.
    CAUSEWAY_STREAM_MODBUS_TCP = 3,
    /// Modbus ASCII characters.
    CAUSEWAY_STREAM_MODBUS_ASCII = 4,
    /// M-Bus link-layer frames on a serial line.
    CAUSEWAY_STREAM_MBUS = 5,
}

/// The deframer for a `causeway_stream_kind` value; C may pass any integer, so it is taken as
/// one and checked (an out-of-range enum would be undefined behaviour in Rust).
fn deframer_of(kind: u32) -> Option<AnyDeframer> {
    use causeway_stream_kind::*;
    let (protocol, role) = [
        (
            CAUSEWAY_STREAM_MODBUS_RTU_REQUESTS,
            "modbus-rtu",
            Some(Role::Request),
        ),
        (
            CAUSEWAY_STREAM_MODBUS_RTU_RESPONSES,
            "modbus-rtu",
            Some(Role::Response),
        ),
        (CAUSEWAY_STREAM_MODBUS_RTU_BUS, "modbus-rtu", None),
        (CAUSEWAY_STREAM_MODBUS_TCP, "modbus-tcp", None),
        (CAUSEWAY_STREAM_MODBUS_ASCII, "modbus-ascii", None),
        (CAUSEWAY_STREAM_MBUS, "mbus", None),
    ]
    .into_iter()
    .find(|(k, ..)| *k as u32 == kind)
    .map(|(_, p, r)| (p, r))?;
    AnyDeframer::for_protocol(protocol, role)
}

/// Caller (or heap) storage seen as a [`Buffer`].
#[derive(Debug)]
struct RawBuf {
    ptr: *mut u8,
    len: usize,
}

impl Buffer for RawBuf {
    fn capacity(&self) -> usize {
        self.len
    }
    fn reserve(&mut self, len: usize) -> bool {
        len <= self.len
    }
    fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` points at `len` bytes owned by this stream for its lifetime.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

/// A stream deframer (opaque).
#[derive(Debug)]
pub struct causeway_stream {
    inner: Stream<RawBuf, AnyDeframer>,
    #[cfg(feature = "std")]
    /// Owns the buffer of a heap stream (RawBuf points into it).
    _heap: Option<std::boxed::Box<[u8]>>,
}

/// An item a stream hands out; `bytes` is valid until the next call on the stream.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_stream_event {
    /// A complete, checked frame (else skipped garbage).
    pub is_frame: bool,
    /// The frame or the skipped bytes.
    pub bytes: causeway_bytes,
}

/// Bytes of memory [`causeway_stream_init_in`] needs for the stream object (16-byte aligned).
#[no_mangle]
pub extern "C" fn causeway_stream_size() -> usize {
    storage_size::<causeway_stream>()
}

/// Creates a stream of `kind` (a [`causeway_stream_kind`]) in caller memory (no heap): the object in `mem` (`mem_len` bytes, at least
/// [`causeway_stream_size`], 16-byte aligned), the byte buffer in `buffer` (`buffer_len` bytes;
/// the largest frame must fit: 256 for Modbus RTU, 260 TCP, 513 ASCII, 261 M-Bus). Both must
/// outlive the stream; there is nothing to free.
///
/// # Safety
/// `mem` writable for `mem_len`, `buffer` writable for `buffer_len`, both unused elsewhere while
/// the stream lives; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_stream_init_in(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    kind: u32,
    buffer: *mut u8,
    buffer_len: usize,
    out: *mut *mut causeway_stream,
) -> causeway_result {
    guard(|| {
        if buffer.is_null() || out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let Some(d) = deframer_of(kind) else {
            return CAUSEWAY_BAD_ARGUMENT;
        };
        let stream = causeway_stream {
            inner: Stream::new(
                RawBuf {
                    ptr: buffer,
                    len: buffer_len,
                },
                d,
            ),
            #[cfg(feature = "std")]
            _heap: None,
        };
        // SAFETY: `place` checks the caller's memory and `out`.
        unsafe { place(mem, mem_len, stream, out) }
    })
}

/// Creates a stream of `kind` (a [`causeway_stream_kind`]) on the heap with a buffer of `capacity` bytes; free it with
/// [`causeway_stream_free`]. NULL for an unknown kind.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn causeway_stream_new(kind: u32, capacity: usize) -> *mut causeway_stream {
    std::panic::catch_unwind(|| {
        let d = deframer_of(kind)?;
        let mut heap = std::vec![0u8; capacity].into_boxed_slice();
        let buf = RawBuf {
            ptr: heap.as_mut_ptr(),
            len: heap.len(),
        };
        Some(std::boxed::Box::into_raw(std::boxed::Box::new(
            causeway_stream {
                inner: Stream::new(buf, d),
                _heap: Some(heap),
            },
        )))
    })
    .ok()
    .flatten()
    .unwrap_or(core::ptr::null_mut())
}

/// Frees a stream from [`causeway_stream_new`] (NULL is ignored; never pass one from
/// [`causeway_stream_init_in`]).
///
/// # Safety
/// `stream` must come from `causeway_stream_new` and not be used afterwards.
#[cfg(feature = "std")]
#[no_mangle]
pub unsafe extern "C" fn causeway_stream_free(stream: *mut causeway_stream) {
    if !stream.is_null() {
        // SAFETY: created by Box::into_raw in causeway_stream_new.
        drop(unsafe { std::boxed::Box::from_raw(stream) });
    }
}

/// Appends received bytes. `CAUSEWAY_CAPACITY` when they do not fit (take frames out first).
///
/// # Safety
/// `stream` valid; `data` readable for `len`; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_stream_push(
    stream: *mut causeway_stream,
    data: *const u8,
    len: usize,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a live stream.
        let (Some(s), Some(data)) = (unsafe { stream.as_mut() }, unsafe { input(data, len) })
        else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        match s.inner.push(data) {
            Ok(()) => CAUSEWAY_OK,
            Err(e) => fail(err, &e),
        }
    })
}

/// Takes the next frame or skipped span: `CAUSEWAY_OK` with `out` filled, or
/// `CAUSEWAY_NEED_MORE` (then `needed`, if not NULL, receives how many bytes at least).
///
/// # Safety
/// `stream` valid; `out` valid; `needed` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_stream_next(
    stream: *mut causeway_stream,
    out: *mut causeway_stream_event,
    needed: *mut usize,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a live stream.
        let Some(s) = (unsafe { stream.as_mut() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let event = match s.inner.next_event() {
            Some(Event::Frame(f)) => causeway_stream_event {
                is_frame: true,
                bytes: causeway_bytes::of(f),
            },
            Some(Event::Skipped(g)) => causeway_stream_event {
                is_frame: false,
                bytes: causeway_bytes::of(g),
            },
            None => {
                if !needed.is_null() {
                    // SAFETY: checked non-NULL.
                    unsafe { needed.write(s.inner.needed()) };
                }
                return CAUSEWAY_NEED_MORE;
            }
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(event) };
        CAUSEWAY_OK
    })
}

/// Tells a Modbus RTU stream that the line was silent for 3.5 characters: an incomplete frame
/// at the front is dropped up to the next complete one. Other streams ignore it.
///
/// # Safety
/// `stream` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_stream_line_idle(
    stream: *mut causeway_stream,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a live stream.
        let Some(s) = (unsafe { stream.as_mut() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        s.inner.deframer_mut().line_idle();
        CAUSEWAY_OK
    })
}
