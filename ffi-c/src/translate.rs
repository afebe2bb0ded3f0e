//! The translation engine for C: a map read from TOML text, a translator on the heap, frames and
//! points in; Modbus replies, WPA-L replies and outbound requests out, into caller buffers or
//! through callbacks.
//!
//! The engine keeps point states and images, so it allocates when created; the calls on it work
//! in its own memory and the caller's buffers. Callers own sockets, serial lines and the clock:
//! every call takes `now_ms` (milliseconds since the Unix epoch).

use core::ffi::{c_char, c_void, CStr};

use causeway_codecs::cursor::Writer;
use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::translate::{Destination, Input, Map, Outbound, StatusCode, Translator};
use causeway_codecs::Layer;
use causeway_core::{
    Bytes, DateTime, Device, Function, Point, Precision, Quality, Quantity, Reason, Text, Unit,
    Value, Zone,
};

use crate::causeway_result::{self, *};
use crate::error::fail;
use crate::point::{causeway_point, causeway_value, causeway_value_kind, CAUSEWAY_DEVICE_LEN};
use crate::wpan::{causeway_wpan_keys, fcs_of, Keys};
use crate::{causeway_bytes, causeway_error, guard, input, put};

/// A translator: the map, each map point's last value and the target images. Create with
/// [`causeway_translator_new`], free with [`causeway_translator_free`].
pub struct causeway_translator {
    inner: Translator,
}

/// One problem of a map: the TOML line (1-based; 0 when unknown), the point it belongs to
/// (empty when none) and what is wrong. Views are valid during the callback only.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_map_error {
    /// TOML line.
    pub line: usize,
    /// The point's name, UTF-8, not NUL-terminated.
    pub point: causeway_bytes,
    /// The problem, UTF-8, not NUL-terminated.
    pub message: causeway_bytes,
}

/// Called once per map problem.
pub type causeway_map_error_callback =
    Option<unsafe extern "C" fn(error: *const causeway_map_error, user: *mut c_void)>;

/// The kind of a frame given to [`causeway_translator_ingest`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_translator_input {
    /// An M-Bus link-layer frame.
    CAUSEWAY_INPUT_MBUS = 0,
    /// An Ethernet frame (without FCS) carrying EPA-S, raw or on UDP `epa_port`.
    CAUSEWAY_INPUT_EPA_FRAME = 1,
    /// An EPA-S message (header and body), as a UDP socket delivers it.
    CAUSEWAY_INPUT_EPA_MESSAGE = 2,
    /// An 802.15.4 frame with FCS carrying WPA-L.
    CAUSEWAY_INPUT_WPAN = 3,
    /// An 802.15.4 frame without FCS carrying WPA-L.
    CAUSEWAY_INPUT_WPAN_NO_FCS = 4,
}

/// How a Modbus ADU travels.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_modbus_framing {
    /// Modbus/TCP (MBAP header).
    CAUSEWAY_FRAMING_TCP = 0,
    /// RTU (binary, CRC).
    CAUSEWAY_FRAMING_RTU = 1,
    /// ASCII (hex text, LRC).
    CAUSEWAY_FRAMING_ASCII = 2,
    /// RTU ADUs in a TCP stream.
    CAUSEWAY_FRAMING_RTU_OVER_TCP = 3,
}

/// The state of a map point, as a Modbus status register shows it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_point_status {
    /// A Good value within its staleness limit.
    CAUSEWAY_STATUS_GOOD = 0,
    /// An Uncertain value.
    CAUSEWAY_STATUS_UNCERTAIN = 1,
    /// A Bad value.
    CAUSEWAY_STATUS_BAD = 2,
    /// No value for longer than the staleness limit.
    CAUSEWAY_STATUS_STALE = 3,
    /// No value yet.
    CAUSEWAY_STATUS_NO_DATA = 4,
}

/// Where a [`causeway_outbound`] goes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_destination_kind {
    /// An EPA-S application (`app`); `bytes` is an EPA-S message (a UDP payload).
    CAUSEWAY_DESTINATION_EPA = 0,
    /// A WPA-L node (`pan`, `short_addr`); `bytes` is an 802.15.4 frame with FCS.
    CAUSEWAY_DESTINATION_WPAN = 1,
    /// An M-Bus slave (`address`); `bytes` is a link-layer frame.
    CAUSEWAY_DESTINATION_MBUS = 2,
    /// A Modbus server (`address` is the unit id); `bytes` is a Modbus/TCP request ADU.
    CAUSEWAY_DESTINATION_MODBUS = 3,
}

/// A message the translator wants sent. Valid during the callback only.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_outbound {
    /// Index of the map point it carries.
    pub point: usize,
    /// Where it goes.
    pub kind: causeway_destination_kind,
    /// EPA-S application id.
    pub app: u16,
    /// 802.15.4 PAN id.
    pub pan: u16,
    /// 802.15.4 short address (0xFFFF: broadcast).
    pub short_addr: u16,
    /// M-Bus primary address or Modbus unit id.
    pub address: u8,
    /// The canonical device string, NUL-terminated.
    pub device: [u8; CAUSEWAY_DEVICE_LEN],
    /// The bytes to send.
    pub bytes: causeway_bytes,
}

/// Called once per outbound message, after the call that made them has finished its work on the
/// translator: the callback may use the translator (not free it).
pub type causeway_outbound_callback =
    Option<unsafe extern "C" fn(outbound: *const causeway_outbound, user: *mut c_void)>;

fn framing_of(framing: u32) -> Option<Framing> {
    use causeway_modbus_framing::*;
    [
        (CAUSEWAY_FRAMING_TCP, Framing::Tcp),
        (CAUSEWAY_FRAMING_RTU, Framing::Rtu),
        (CAUSEWAY_FRAMING_ASCII, Framing::Ascii),
        (CAUSEWAY_FRAMING_RTU_OVER_TCP, Framing::RtuOverTcp),
    ]
    .into_iter()
    .find(|(k, _)| *k as u32 == framing)
    .map(|(_, f)| f)
}

fn status_to_c(s: StatusCode) -> causeway_point_status {
    use causeway_point_status::*;
    match s {
        StatusCode::Good => CAUSEWAY_STATUS_GOOD,
        StatusCode::Uncertain => CAUSEWAY_STATUS_UNCERTAIN,
        StatusCode::Bad => CAUSEWAY_STATUS_BAD,
        StatusCode::Stale => CAUSEWAY_STATUS_STALE,
        StatusCode::NoData => CAUSEWAY_STATUS_NO_DATA,
    }
}

fn outbound_to_c(o: &Outbound) -> causeway_outbound {
    use causeway_destination_kind::*;
    let mut c = causeway_outbound {
        point: o.point,
        kind: CAUSEWAY_DESTINATION_EPA,
        app: 0,
        pan: 0,
        short_addr: 0,
        address: 0,
        device: [0; CAUSEWAY_DEVICE_LEN],
        bytes: causeway_bytes::of(&o.bytes),
    };
    match o.destination {
        Destination::Epa { app } => c.app = app,
        Destination::Wpan { pan, short } => {
            (c.kind, c.pan, c.short_addr) = (CAUSEWAY_DESTINATION_WPAN, pan, short)
        }
        Destination::MBus { address } => (c.kind, c.address) = (CAUSEWAY_DESTINATION_MBUS, address),
        Destination::Modbus { unit } => (c.kind, c.address) = (CAUSEWAY_DESTINATION_MODBUS, unit),
    }
    crate::point::cstring(&mut c.device, o.destination.device());
    c
}

/// Hands each of `outbound` to `cb` (when there is one).
fn deliver(outbound: &[Outbound], cb: causeway_outbound_callback, user: *mut c_void) {
    if let Some(cb) = cb {
        for o in outbound {
            let c = outbound_to_c(o);
            // SAFETY: the caller's callback, with a pointer valid for the call.
            unsafe { cb(&c, user) };
        }
    }
}

/// A NUL-terminated UTF-8 string, or `None` for NULL or invalid UTF-8.
///
/// # Safety
/// `s` NULL or a valid C string.
unsafe fn c_str<'a>(s: *const c_char) -> Option<&'a str> {
    if s.is_null() {
        return None;
    }
    // SAFETY: the caller's NUL-terminated string.
    unsafe { CStr::from_ptr(s) }.to_str().ok()
}

/// A static name from a view (units, quantities, reasons are names from fixed tables).
///
/// # Safety
/// `b.ptr` readable for `b.len`.
unsafe fn name<'a>(b: causeway_bytes) -> Option<&'a str> {
    // SAFETY: as promised by the caller.
    unsafe { b.as_slice() }.and_then(|b| core::str::from_utf8(b).ok())
}

/// Whether the kind C stored at `kind` is one of [`causeway_value_kind`] (C may store any
/// integer there; reading it as the Rust enum first would be undefined behaviour).
///
/// # Safety
/// `kind` readable.
unsafe fn known_kind(kind: *const causeway_value_kind) -> bool {
    // SAFETY: readable as promised; a C enum is an `int`.
    let raw = unsafe { kind.cast::<u32>().read() };
    raw <= causeway_value_kind::CAUSEWAY_VALUE_OTHER as u32
}

/// The caller's value once its pointer and kind are checked.
///
/// # Safety
/// `v` NULL or readable.
unsafe fn checked_value<'a>(
    v: *const causeway_value,
) -> Result<&'a causeway_value, causeway_result> {
    if v.is_null() {
        return Err(CAUSEWAY_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL and readable; the reference is made only once the kind is valid.
    unsafe {
        if !known_kind(core::ptr::addr_of!((*v).kind)) {
            return Err(CAUSEWAY_BAD_ARGUMENT);
        }
        Ok(&*v)
    }
}

/// The Rust form of a C value; text and bytes borrow the caller's memory.
///
/// # Safety
/// `v.bytes` readable for its length.
unsafe fn value_from_c<'a>(v: &causeway_value) -> Option<Value<'a>> {
    use causeway_value_kind::*;
    Some(match v.kind {
        CAUSEWAY_VALUE_NULL => Value::Null,
        CAUSEWAY_VALUE_BOOL => Value::Bool(v.boolean),
        CAUSEWAY_VALUE_INT => Value::Int(v.integer),
        CAUSEWAY_VALUE_UINT => Value::UInt(v.uinteger),
        CAUSEWAY_VALUE_FLOAT => Value::Float(v.real),
        CAUSEWAY_VALUE_DECIMAL => {
            Value::Decimal(causeway_core::Decimal::new(v.mantissa, v.exponent))
        }
        // SAFETY: as promised by the caller.
        CAUSEWAY_VALUE_TEXT => match unsafe { v.bytes.as_slice() }? {
            b if v.reversed => Value::Text(Text::reversed(b)),
            b => Value::Text(Text::new(b)),
        },
        // SAFETY: as promised by the caller.
        CAUSEWAY_VALUE_BYTES => Value::Bytes(Bytes::new(unsafe { v.bytes.as_slice() }?)),
        CAUSEWAY_VALUE_DATETIME => Value::DateTime(datetime_from_c(&v.datetime)?),
        CAUSEWAY_VALUE_DURATION => Value::Duration(core::time::Duration::from_nanos(v.duration_ns)),
        CAUSEWAY_VALUE_OTHER => return None,
    })
}

fn datetime_from_c(d: &crate::point::causeway_datetime) -> Option<DateTime> {
    let precision = [
        Precision::Day,
        Precision::Minute,
        Precision::Second,
        Precision::Millisecond,
        Precision::Nanosecond,
    ]
    .get(usize::from(d.precision))
    .copied()?;
    Some(DateTime {
        year: d.year,
        month: d.month,
        day: d.day,
        hour: d.hour,
        minute: d.minute,
        second: d.second,
        nanosecond: d.nanosecond,
        precision,
        zone: if d.utc { Zone::Utc } else { Zone::Local },
    })
}

/// The UTF-8 text before the first NUL of `s`.
fn nul_terminated(s: &[u8]) -> Option<&str> {
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    core::str::from_utf8(s.get(..end)?).ok()
}

/// The Rust form of a C point (the inverse of what the decoders give C).
///
/// # Safety
/// The point's views readable for their lengths.
unsafe fn point_from_c<'a>(c: &causeway_point) -> Option<Point<'a>> {
    let device: Device = nul_terminated(&c.device)?.parse().ok()?;
    let address = nul_terminated(&c.address)?.parse().ok()?;
    // SAFETY: as promised by the caller.
    let mut p = Point::new(device, address, unsafe { value_from_c(&c.value) }?);
    // SAFETY: as promised by the caller (here and below).
    p.unit = match unsafe { name(c.unit) }? {
        "" => None,
        u => Some(u.parse::<Unit>().ok()?),
    };
    // SAFETY: as above.
    p.quantity = match unsafe { name(c.quantity) }? {
        "" => None,
        q => Some(Quantity::from_name(q)?),
    };
    // SAFETY: as above.
    let reason = match unsafe { name(c.reason) }? {
        "" => Reason::None,
        r => Reason::from_name(r)?,
    };
    let code = c.has_code.then_some(c.code);
    p.quality = match c.severity {
        0 => Quality::GOOD,
        1 => Quality::uncertain(reason, code),
        2 => Quality::bad(reason, code),
        _ => return None,
    };
    p.timestamp = if c.has_timestamp {
        Some(datetime_from_c(&c.timestamp)?)
    } else {
        None
    };
    p.qualifiers.function = match c.function {
        -1 => None,
        f => Some(*Function::ALL.get(usize::try_from(f).ok()?)?),
    };
    if c.has_storage {
        p.qualifiers.storage = Some(c.storage);
        p.qualifiers.tariff = Some(c.tariff);
        p.qualifiers.subunit = Some(c.subunit);
    }
    Some(p)
}

/// Runs `f` on a live translator.
///
/// # Safety
/// `t` NULL or from [`causeway_translator_new`].
unsafe fn with(
    t: *mut causeway_translator,
    f: impl FnOnce(&mut Translator) -> causeway_result,
) -> causeway_result {
    guard(|| {
        // SAFETY: as promised by the caller.
        match unsafe { t.as_mut() } {
            Some(t) => f(&mut t.inner),
            None => CAUSEWAY_NULL_ARGUMENT,
        }
    })
}

/// Reads a map from TOML text (`len` bytes of UTF-8) and creates a translator for it in `*out`.
/// An invalid map is `CAUSEWAY_INVALID`: `on_error` (may be NULL) is called once for every
/// problem found, each with its TOML line. Free the translator with [`causeway_translator_free`].
///
/// # Safety
/// `toml` readable for `len`; `out` valid; `on_error` NULL or callable with `user`.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_new(
    toml: *const u8,
    len: usize,
    on_error: causeway_map_error_callback,
    user: *mut c_void,
    out: *mut *mut causeway_translator,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller's text.
        let Some(bytes) = (unsafe { input(toml, len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let report = |line: usize, point: &str, message: &str| {
            if let Some(cb) = on_error {
                let e = causeway_map_error {
                    line,
                    point: causeway_bytes::of(point.as_bytes()),
                    message: causeway_bytes::of(message.as_bytes()),
                };
                // SAFETY: the caller's callback, with a pointer valid for the call.
                unsafe { cb(&e, user) };
            }
        };
        let Ok(text) = core::str::from_utf8(bytes) else {
            report(0, "", "the map is not UTF-8 text");
            return CAUSEWAY_INVALID;
        };
        match Map::from_toml(text).and_then(Translator::new) {
            Ok(inner) => {
                let t = std::boxed::Box::new(causeway_translator { inner });
                // SAFETY: checked non-NULL.
                unsafe { put(out, std::boxed::Box::into_raw(t)) }
            }
            Err(errors) => {
                for e in &errors {
                    report(e.line, e.point.as_deref().unwrap_or(""), &e.message);
                }
                CAUSEWAY_INVALID
            }
        }
    })
}

/// Frees a translator from [`causeway_translator_new`] (NULL is ignored).
///
/// # Safety
/// `t` must come from `causeway_translator_new` and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_free(t: *mut causeway_translator) {
    if !t.is_null() {
        // SAFETY: created by Box::into_raw in causeway_translator_new.
        drop(unsafe { std::boxed::Box::from_raw(t) });
    }
}

/// The number of points of the map in `*out`.
///
/// # Safety
/// `t` valid; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_point_count(
    t: *mut causeway_translator,
    out: *mut usize,
) -> causeway_result {
    // SAFETY: the caller's translator and output.
    unsafe { with(t, |t| put(out, t.map().points.len())) }
}

/// The index of the map point called `name` (`len` bytes of UTF-8) in `*out`;
/// `CAUSEWAY_BAD_ARGUMENT` when the map has no such point.
///
/// # Safety
/// `t` valid; `name` readable for `len`; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_index_of(
    t: *mut causeway_translator,
    name: *const u8,
    len: usize,
    out: *mut usize,
) -> causeway_result {
    // SAFETY: the caller's translator, name and output.
    unsafe {
        with(t, |t| {
            let Some(name) = input(name, len) else {
                return CAUSEWAY_NULL_ARGUMENT;
            };
            match core::str::from_utf8(name).ok().and_then(|n| t.index_of(n)) {
                Some(i) => put(out, i),
                None => CAUSEWAY_BAD_ARGUMENT,
            }
        })
    }
}

/// The name of map point `index` in `*out` (a view into the translator, valid while it lives).
///
/// # Safety
/// `t` valid; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_point_name(
    t: *mut causeway_translator,
    index: usize,
    out: *mut causeway_bytes,
) -> causeway_result {
    // SAFETY: the caller's translator and output.
    unsafe {
        with(t, |t| match t.map().points.get(index) {
            Some(p) => put(out, causeway_bytes::of(p.name.as_bytes())),
            None => CAUSEWAY_BAD_ARGUMENT,
        })
    }
}

/// Map point `index` at `now_ms` as a canonical point of its source (value in the point's unit;
/// a stale value is Uncertain with reason `stale`) in `*out`, and its status in `*status` (may
/// be NULL). Bytes values are views into the translator, valid until the next call that changes
/// it; text values (which the translator keeps as its own copy) come as `CAUSEWAY_VALUE_OTHER`.
///
/// # Safety
/// `t` valid; `out` valid; `status` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_point(
    t: *mut causeway_translator,
    index: usize,
    now_ms: u64,
    out: *mut causeway_point,
    status: *mut causeway_point_status,
) -> causeway_result {
    // SAFETY: the caller's translator and outputs.
    unsafe {
        with(t, |t| {
            let Some(p) = t.point(index, now_ms) else {
                return CAUSEWAY_BAD_ARGUMENT;
            };
            if out.is_null() {
                return CAUSEWAY_NULL_ARGUMENT;
            }
            let mut c = crate::point::point(&p);
            // The value's views must point into the translator, not into the copy in `p`.
            if let Some(state) = t.state(index) {
                c.value = crate::point::value(&state.value);
            }
            if !status.is_null() {
                status.write(status_to_c(t.status(index, now_ms)));
            }
            put(out, c)
        })
    }
}

/// Decodes a frame of `kind` (a [`causeway_translator_input`]) and ingests its points; `*updated`
/// is how many map points it updated. `epa_port` is EPA-S's UDP port for
/// `CAUSEWAY_INPUT_EPA_FRAME`; `keys` (may be NULL) unsecure 802.15.4 frames.
///
/// # Safety
/// `t` valid; `frame` readable for `len`; `keys` NULL or valid; `updated` valid; `err` valid or
/// NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_ingest(
    t: *mut causeway_translator,
    kind: u32,
    frame: *const u8,
    len: usize,
    epa_port: u16,
    keys: *const causeway_wpan_keys,
    now_ms: u64,
    updated: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    use causeway_translator_input::*;
    // SAFETY: the caller's translator, frame, keys and outputs.
    unsafe {
        with(t, |t| {
            let Some(bytes) = input(frame, len) else {
                return CAUSEWAY_NULL_ARGUMENT;
            };
            let wpan = |with_fcs| Input::Wpan {
                psdu: bytes,
                fcs: fcs_of(with_fcs),
            };
            let input = match kind {
                k if k == CAUSEWAY_INPUT_MBUS as u32 => Input::MBus(bytes),
                k if k == CAUSEWAY_INPUT_EPA_FRAME as u32 => Input::EpaFrame {
                    frame: bytes,
                    port: epa_port,
                },
                k if k == CAUSEWAY_INPUT_EPA_MESSAGE as u32 => Input::EpaMessage(bytes),
                k if k == CAUSEWAY_INPUT_WPAN as u32 => wpan(true),
                k if k == CAUSEWAY_INPUT_WPAN_NO_FCS as u32 => wpan(false),
                _ => return CAUSEWAY_BAD_ARGUMENT,
            };
            let keys = match Keys::read(keys) {
                Ok(k) => k,
                Err(e) => return fail(err, &e),
            };
            match t.ingest_with_keys(input, &keys.store(), now_ms) {
                Ok(n) => put(updated, n),
                Err(e) => fail(err, &e),
            }
        })
    }
}

/// Ingests a Modbus exchange seen on a line or socket: the request ADU and the response ADU to
/// it, both of `framing` (a [`causeway_modbus_framing`]); the map's Modbus source fields take
/// their values from the response. `*updated` is how many map points it updated.
///
/// # Safety
/// `t` valid; `request` / `response` readable for their lengths; `updated` valid; `err` valid
/// or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_ingest_modbus(
    t: *mut causeway_translator,
    framing: u32,
    request: *const u8,
    request_len: usize,
    response: *const u8,
    response_len: usize,
    now_ms: u64,
    updated: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    // SAFETY: the caller's translator, ADUs and outputs.
    unsafe {
        with(t, |t| {
            let (Some(request), Some(response)) =
                (input(request, request_len), input(response, response_len))
            else {
                return CAUSEWAY_NULL_ARGUMENT;
            };
            let Some(framing) = framing_of(framing) else {
                return CAUSEWAY_BAD_ARGUMENT;
            };
            let exchange = Input::ModbusExchange {
                framing,
                request,
                response,
            };
            match t.ingest(exchange, now_ms) {
                Ok(n) => put(updated, n),
                Err(e) => fail(err, &e),
            }
        })
    }
}

/// Ingests a canonical point (as the decoders give them, or built by the caller): every map
/// point whose source it is takes its value. `*updated` is how many map points it updated;
/// `CAUSEWAY_BAD_ARGUMENT` when the point's device, address, unit, quantity, reason or value
/// kind is not one causeway knows.
///
/// # Safety
/// `t` valid; `point` valid with its views readable; `updated` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_ingest_point(
    t: *mut causeway_translator,
    point: *const causeway_point,
    now_ms: u64,
    updated: *mut usize,
) -> causeway_result {
    // SAFETY: the caller's translator, point and output.
    unsafe {
        with(t, |t| {
            if point.is_null() {
                return CAUSEWAY_NULL_ARGUMENT;
            }
            if !known_kind(core::ptr::addr_of!((*point).value.kind)) {
                return CAUSEWAY_BAD_ARGUMENT;
            }
            match point_from_c(&*point) {
                Some(p) => put(updated, t.ingest_point(&p, now_ms)),
                None => CAUSEWAY_BAD_ARGUMENT,
            }
        })
    }
}

/// Answers a Modbus request ADU of `framing` from the image into `buf` (`cap` at least 260
/// octets for TCP, 513 for ASCII); `*out_len` is the reply's length, 0 when a server on a serial
/// line stays silent (a broadcast, another unit). A write to writable points calls `on_outbound`
/// (may be NULL) with the requests for their sources. A request that fails its framing checks is
/// an error (nothing to send); a request the server cannot carry out gets its exception.
///
/// # Safety
/// `t` valid; `request` readable for `len`; `buf` writable for `cap`; `out_len` valid;
/// `on_outbound` NULL or callable with `user`; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_modbus_request(
    t: *mut causeway_translator,
    framing: u32,
    request: *const u8,
    len: usize,
    now_ms: u64,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    on_outbound: causeway_outbound_callback,
    user: *mut c_void,
    err: *mut causeway_error,
) -> causeway_result {
    // SAFETY: the caller's translator.
    let Some(t) = (unsafe { t.as_mut() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    let Some(framing) = framing_of(framing) else {
        return CAUSEWAY_BAD_ARGUMENT;
    };
    let mut outbound = std::vec::Vec::new();
    let result = crate::emit(request, len, buf, cap, out_len, err, |req, out| {
        let reply = t.inner.modbus_request(framing, req, now_ms, out)?;
        outbound = reply.outbound;
        Ok(reply.len)
    });
    deliver(&outbound, on_outbound, user);
    result
}

/// Calls `cb` with every EPA-S DISTRIBUTE and WPA-L PUBLISH due at `now_ms`: for points whose
/// value or status changed since last published, or whose cycle came round.
///
/// # Safety
/// `t` valid; `cb` NULL or callable with `user`; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_publish(
    t: *mut causeway_translator,
    now_ms: u64,
    cb: causeway_outbound_callback,
    user: *mut c_void,
    err: *mut causeway_error,
) -> causeway_result {
    let mut due = std::vec::Vec::new();
    // SAFETY: the caller's translator.
    let result = unsafe {
        with(t, |t| match t.publish(now_ms, |o| due.push(o)) {
            Ok(()) => CAUSEWAY_OK,
            Err(e) => fail(err, &e),
        })
    };
    // What was made before a failure has counted as published: it is delivered too.
    deliver(&due, cb, user);
    result
}

/// Answers a WPA-L READ_REQ (an 802.15.4 frame, with FCS when `with_fcs`) from the attribute
/// table: the READ_RSP frame (with FCS) goes to `buf`, `*out_len` is its length, 0 when the
/// frame is not a READ_REQ for this node.
///
/// # Safety
/// `t` valid; `psdu` readable for `len`; `buf` writable for `cap`; `out_len` valid; `err` valid
/// or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_wpan_request(
    t: *mut causeway_translator,
    psdu: *const u8,
    len: usize,
    with_fcs: bool,
    now_ms: u64,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    // SAFETY: the caller's translator.
    let Some(t) = (unsafe { t.as_mut() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    crate::emit(psdu, len, buf, cap, out_len, err, |frame, out| {
        let Some(reply) = t.inner.wpan_request(frame, fcs_of(with_fcs), now_ms)? else {
            return Ok(0);
        };
        let mut w = Writer::new(out, Layer::Ieee802154);
        w.put(&reply)?;
        Ok(w.pos())
    })
}

/// Builds the request that sets map point `index` to `value` (in `unit`, a UCUM code; NULL for
/// the point's own unit) at its source, and calls `cb` with it. `CAUSEWAY_BAD_ARGUMENT` for an
/// index the map does not have, a value of kind `CAUSEWAY_VALUE_OTHER` or an unknown one, or a
/// unit causeway does not know.
///
/// # Safety
/// `t` valid; `value` valid with its views readable; `unit` NULL or a C string; `cb` NULL or
/// callable with `user`; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_translator_write(
    t: *mut causeway_translator,
    index: usize,
    value: *const causeway_value,
    unit: *const c_char,
    cb: causeway_outbound_callback,
    user: *mut c_void,
    err: *mut causeway_error,
) -> causeway_result {
    let mut request = None;
    // SAFETY: the caller's translator, value and unit.
    let result = unsafe {
        with(t, |t| {
            let v = match checked_value(value) {
                Ok(v) => v,
                Err(code) => return code,
            };
            let Some(v) = value_from_c(v) else {
                return CAUSEWAY_BAD_ARGUMENT;
            };
            let unit = match (unit.is_null(), c_str(unit).map(str::parse::<Unit>)) {
                (true, _) => None,
                (false, Some(Ok(u))) => Some(u),
                (false, _) => return CAUSEWAY_BAD_ARGUMENT,
            };
            if index >= t.map().points.len() {
                return CAUSEWAY_BAD_ARGUMENT;
            }
            match t.write_request(index, &v, unit) {
                Ok(o) => {
                    request = Some(o);
                    CAUSEWAY_OK
                }
                Err(e) => fail(err, &e),
            }
        })
    };
    deliver(request.as_slice(), cb, user);
    result
}
