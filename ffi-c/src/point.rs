//! Canonical points for C: a tagged value, the canonical device and address strings, UCUM unit
//! and quantity names (static strings), quality, timestamp and qualifiers.

use core::fmt::Write;

use causeway_core::{Point, Severity, Value};

use crate::causeway_bytes;

/// The kind of a [`causeway_value`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_value_kind {
    /// No value.
    CAUSEWAY_VALUE_NULL = 0,
    /// `boolean`.
    CAUSEWAY_VALUE_BOOL = 1,
    /// `integer` (signed).
    CAUSEWAY_VALUE_INT = 2,
    /// `uinteger`.
    CAUSEWAY_VALUE_UINT = 3,
    /// `real` (binary floating point).
    CAUSEWAY_VALUE_FLOAT = 4,
    /// Exact decimal `mantissa × 10^exponent` (`real` holds the nearest double).
    CAUSEWAY_VALUE_DECIMAL = 5,
    /// Text in `bytes` (Latin-1); `reversed` when stored last character first.
    CAUSEWAY_VALUE_TEXT = 6,
    /// Raw `bytes`.
    CAUSEWAY_VALUE_BYTES = 7,
    /// A date-time in `datetime`.
    CAUSEWAY_VALUE_DATETIME = 8,
    /// A duration of `duration_ns` nanoseconds.
    CAUSEWAY_VALUE_DURATION = 9,
    /// Owned text that C cannot borrow (not produced by decoders).
    CAUSEWAY_VALUE_OTHER = 10,
}

/// A calendar date-time as the device sent it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_datetime {
    /// Year, e.g. 2024.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–60.
    pub second: u8,
    /// 0 date only, 1 minutes, 2 seconds, 3 milliseconds, 4 nanoseconds.
    pub precision: u8,
    /// 0–999 999 999.
    pub nanosecond: u32,
    /// UTC (else the device's local time).
    pub utc: bool,
}

/// A value: `kind` says which fields mean something.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_value {
    /// Which fields are set.
    pub kind: causeway_value_kind,
    /// `CAUSEWAY_VALUE_BOOL`.
    pub boolean: bool,
    /// `CAUSEWAY_VALUE_INT`.
    pub integer: i64,
    /// `CAUSEWAY_VALUE_UINT`.
    pub uinteger: u64,
    /// `CAUSEWAY_VALUE_FLOAT`, and the nearest double of a decimal.
    pub real: f64,
    /// `CAUSEWAY_VALUE_DECIMAL` mantissa.
    pub mantissa: i64,
    /// `CAUSEWAY_VALUE_DECIMAL` power of ten.
    pub exponent: i16,
    /// `CAUSEWAY_VALUE_TEXT` / `_BYTES`: a view into the decoded input.
    pub bytes: causeway_bytes,
    /// Text stored last character first (M-Bus).
    pub reversed: bool,
    /// `CAUSEWAY_VALUE_DATETIME`.
    pub datetime: causeway_datetime,
    /// `CAUSEWAY_VALUE_DURATION`.
    pub duration_ns: u64,
}

/// Room for a canonical device string (the longest, an IPv6 Modbus host, is under 80 bytes).
pub const CAUSEWAY_DEVICE_LEN: usize = 96;
/// Room for a canonical address string.
pub const CAUSEWAY_ADDRESS_LEN: usize = 32;

/// One canonical point. Strings are NUL-terminated; `unit`, `quantity` and `reason` are static.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_point {
    /// Canonical device, e.g. `mbus:id=12345678,man=LUG,ver=2,med=heat`.
    pub device: [u8; CAUSEWAY_DEVICE_LEN],
    /// Canonical address, e.g. `rec:3` or `holding:0`.
    pub address: [u8; CAUSEWAY_ADDRESS_LEN],
    /// The value, scaled to `unit`.
    pub value: causeway_value,
    /// UCUM unit code (empty when there is none); static, not NUL-terminated.
    pub unit: causeway_bytes,
    /// Quantity name (empty when unknown); static, not NUL-terminated.
    pub quantity: causeway_bytes,
    /// 0 good, 1 uncertain, 2 bad.
    pub severity: u8,
    /// Reason name (`none`, `protocol_error`, ...); static, not NUL-terminated.
    pub reason: causeway_bytes,
    /// Whether `code` is set.
    pub has_code: bool,
    /// The protocol's own quality code (Modbus exception, M-Bus error code).
    pub code: u32,
    /// Whether `timestamp` is set.
    pub has_timestamp: bool,
    /// Device time of the value.
    pub timestamp: causeway_datetime,
    /// Function: -1 none, 0 instantaneous, 1 maximum, 2 minimum, 3 error.
    pub function: i8,
    /// Whether `storage`, `tariff`, `subunit` are set.
    pub has_storage: bool,
    /// Storage number.
    pub storage: u64,
    /// Tariff.
    pub tariff: u32,
    /// Subunit.
    pub subunit: u32,
}

fn datetime(d: &causeway_core::DateTime) -> causeway_datetime {
    causeway_datetime {
        year: d.year,
        month: d.month,
        day: d.day,
        hour: d.hour,
        minute: d.minute,
        second: d.second,
        precision: d.precision as u8,
        nanosecond: d.nanosecond,
        utc: d.zone == causeway_core::Zone::Utc,
    }
}

fn text_view(t: &causeway_core::Text<'_>) -> Option<(causeway_bytes, bool)> {
    t.raw()
        .map(|(bytes, reversed)| (causeway_bytes::of(bytes), reversed))
}

pub(crate) fn value(v: &Value<'_>) -> causeway_value {
    let mut c = causeway_value {
        kind: causeway_value_kind::CAUSEWAY_VALUE_NULL,
        boolean: false,
        integer: 0,
        uinteger: 0,
        real: 0.0,
        mantissa: 0,
        exponent: 0,
        bytes: causeway_bytes::EMPTY,
        reversed: false,
        datetime: causeway_datetime::default(),
        duration_ns: 0,
    };
    match v {
        Value::Null => {}
        Value::Bool(b) => (c.kind, c.boolean) = (causeway_value_kind::CAUSEWAY_VALUE_BOOL, *b),
        Value::Int(i) => {
            (c.kind, c.integer, c.real) = (causeway_value_kind::CAUSEWAY_VALUE_INT, *i, *i as f64)
        }
        Value::UInt(u) => {
            (c.kind, c.uinteger, c.real) = (causeway_value_kind::CAUSEWAY_VALUE_UINT, *u, *u as f64)
        }
        Value::Float(f) => (c.kind, c.real) = (causeway_value_kind::CAUSEWAY_VALUE_FLOAT, *f),
        Value::Decimal(d) => {
            (c.kind, c.mantissa, c.exponent, c.real) = (
                causeway_value_kind::CAUSEWAY_VALUE_DECIMAL,
                d.mantissa(),
                d.exponent(),
                d.to_f64(),
            )
        }
        Value::Text(t) => match text_view(t) {
            Some((bytes, reversed)) => {
                (c.kind, c.bytes, c.reversed) =
                    (causeway_value_kind::CAUSEWAY_VALUE_TEXT, bytes, reversed)
            }
            None => c.kind = causeway_value_kind::CAUSEWAY_VALUE_OTHER,
        },
        Value::Bytes(b) => {
            (c.kind, c.bytes) = (
                causeway_value_kind::CAUSEWAY_VALUE_BYTES,
                causeway_bytes::of(b.as_slice()),
            )
        }
        Value::DateTime(d) => {
            (c.kind, c.datetime) = (causeway_value_kind::CAUSEWAY_VALUE_DATETIME, datetime(d))
        }
        Value::Duration(d) => {
            (c.kind, c.duration_ns) = (
                causeway_value_kind::CAUSEWAY_VALUE_DURATION,
                u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
            )
        }
    }
    c
}

struct Fixed<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Write for Fixed<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            if self.len + 1 >= self.buf.len() {
                return Err(core::fmt::Error);
            }
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
            }
            self.len += 1;
        }
        Ok(())
    }
}

pub(crate) fn cstring(dst: &mut [u8], what: impl core::fmt::Display) {
    dst.fill(0);
    let mut f = Fixed { buf: dst, len: 0 };
    let _ = write!(f, "{what}");
}

fn stat(s: &'static str) -> causeway_bytes {
    causeway_bytes::of(s.as_bytes())
}

/// The C form of `p`; borrowed views stay valid as long as the decoded input.
pub(crate) fn point(p: &Point<'_>) -> causeway_point {
    let mut c = causeway_point {
        device: [0; CAUSEWAY_DEVICE_LEN],
        address: [0; CAUSEWAY_ADDRESS_LEN],
        value: value(&p.value),
        unit: p.unit.map_or(causeway_bytes::EMPTY, |u| stat(u.code())),
        quantity: p.quantity.map_or(causeway_bytes::EMPTY, |q| stat(q.name())),
        severity: match p.quality.severity {
            Severity::Good => 0,
            Severity::Uncertain => 1,
            Severity::Bad => 2,
        },
        reason: stat(p.quality.reason.name()),
        has_code: p.quality.code.is_some(),
        code: p.quality.code.unwrap_or(0),
        has_timestamp: p.timestamp.is_some(),
        timestamp: p.timestamp.as_ref().map(datetime).unwrap_or_default(),
        function: p.qualifiers.function.map_or(-1, |f| f as i8),
        has_storage: p.qualifiers.storage.is_some(),
        storage: p.qualifiers.storage.unwrap_or(0),
        tariff: p.qualifiers.tariff.unwrap_or(0),
        subunit: p.qualifiers.subunit.unwrap_or(0),
    };
    cstring(&mut c.device, p.device);
    cstring(&mut c.address, p.address);
    c
}

/// Called once per point; `point` is valid only during the call.
pub type causeway_point_callback =
    Option<unsafe extern "C" fn(point: *const causeway_point, user: *mut core::ffi::c_void)>;

/// Calls `cb` with the C form of `p`.
pub(crate) fn emit_point(
    cb: unsafe extern "C" fn(*const causeway_point, *mut core::ffi::c_void),
    user: *mut core::ffi::c_void,
    p: &Point<'_>,
) {
    let c = point(p);
    // SAFETY: the caller's callback, called with a pointer valid for the call.
    unsafe { cb(&c, user) };
}
