//! The data types shared by the EPA-S and WPA-L profiles (`docs/profiles/README.md`, "Shared
//! data-type codes"), numbered as the Fieldbus data types are. EPA-S sends multi-octet values
//! big-endian, WPA-L little-endian; everything else is the same.
//!
//! A value whose length does not match its type's fixed size is a decode error naming the type
//! and the offset; an unknown type code decodes as opaque bytes with the code kept. Date fields
//! out of range are not an error: the value converts to a Bad-quality point instead.

use causeway_core::{
    Address, Bytes, DateTime, Device, Point, Precision, Quality, Reason, Text, Value, Zone,
};

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

#[cfg(feature = "alloc")]
pub mod json;

/// A data-type code (open: unknown codes are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeCode(pub u8);

impl TypeCode {
    /// BOOLEAN, 1 octet.
    pub const BOOLEAN: Self = Self(1);
    /// INT8.
    pub const INT8: Self = Self(2);
    /// INT16.
    pub const INT16: Self = Self(3);
    /// INT32.
    pub const INT32: Self = Self(4);
    /// UINT8.
    pub const UINT8: Self = Self(5);
    /// UINT16.
    pub const UINT16: Self = Self(6);
    /// UINT32.
    pub const UINT32: Self = Self(7);
    /// FLOAT32 (IEEE 754).
    pub const FLOAT32: Self = Self(8);
    /// VISIBLE_STRING, any length.
    pub const VISIBLE_STRING: Self = Self(9);
    /// OCTET_STRING, any length.
    pub const OCTET_STRING: Self = Self(10);
    /// DATE: ms (u16), minute, hour, day, month, year − 1900.
    pub const DATE: Self = Self(11);
    /// TIME_OF_DAY: ms of the day (u32), days since 1984-01-01 (u16).
    pub const TIME_OF_DAY: Self = Self(12);
    /// TIME_DIFFERENCE: ms (u32), days (u16).
    pub const TIME_DIFFERENCE: Self = Self(13);
    /// BIT_STRING, any length.
    pub const BIT_STRING: Self = Self(14);
    /// TIME_VALUE: nanoseconds since the PTP epoch (i64).
    pub const TIME_VALUE: Self = Self(21);
    /// INT64.
    pub const INT64: Self = Self(0x40);
    /// UINT64.
    pub const UINT64: Self = Self(0x41);
    /// FLOAT64.
    pub const FLOAT64: Self = Self(0x42);

    const TABLE: [(TypeCode, &'static str, Option<usize>); 18] = [
        (Self::BOOLEAN, "BOOLEAN", Some(1)),
        (Self::INT8, "INT8", Some(1)),
        (Self::INT16, "INT16", Some(2)),
        (Self::INT32, "INT32", Some(4)),
        (Self::UINT8, "UINT8", Some(1)),
        (Self::UINT16, "UINT16", Some(2)),
        (Self::UINT32, "UINT32", Some(4)),
        (Self::FLOAT32, "FLOAT32", Some(4)),
        (Self::VISIBLE_STRING, "VISIBLE_STRING", None),
        (Self::OCTET_STRING, "OCTET_STRING", None),
        (Self::DATE, "DATE", Some(7)),
        (Self::TIME_OF_DAY, "TIME_OF_DAY", Some(6)),
        (Self::TIME_DIFFERENCE, "TIME_DIFFERENCE", Some(6)),
        (Self::BIT_STRING, "BIT_STRING", None),
        (Self::TIME_VALUE, "TIME_VALUE", Some(8)),
        (Self::INT64, "INT64", Some(8)),
        (Self::UINT64, "UINT64", Some(8)),
        (Self::FLOAT64, "FLOAT64", Some(8)),
    ];

    fn entry(self) -> Option<&'static (TypeCode, &'static str, Option<usize>)> {
        Self::TABLE.iter().find(|(c, ..)| *c == self)
    }

    /// The type's name, `None` for a code the table does not define.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }

    /// The code of a name as [`TypeCode::name`] gives it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::TABLE.iter().find(|e| e.1 == name).map(|e| e.0)
    }

    /// The fixed size in octets; `None` for strings and unknown codes.
    pub fn fixed_size(self) -> Option<usize> {
        self.entry().and_then(|e| e.2)
    }
}

/// Octet order of multi-octet values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Most significant octet first (EPA-S).
    Big,
    /// Least significant octet first (WPA-L).
    Little,
}

impl Order {
    fn read<const N: usize>(self, bytes: &[u8]) -> [u8; N] {
        let mut a = [0u8; N];
        if let Some(src) = bytes.get(..N) {
            a.copy_from_slice(src);
        }
        if self == Order::Little {
            a.reverse();
        }
        a
    }

    fn write<const N: usize>(self, w: &mut Writer<'_>, mut be: [u8; N]) -> Result<()> {
        if self == Order::Little {
            be.reverse();
        }
        w.put(&be)
    }
}

/// A typed value, decoded from its type code and octets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TypedValue<'a> {
    /// BOOLEAN: 0 is false, any other octet true (kept as sent).
    Boolean(u8),
    /// INT8.
    Int8(i8),
    /// INT16.
    Int16(i16),
    /// INT32.
    Int32(i32),
    /// INT64.
    Int64(i64),
    /// UINT8.
    UInt8(u8),
    /// UINT16.
    UInt16(u16),
    /// UINT32.
    UInt32(u32),
    /// UINT64.
    UInt64(u64),
    /// FLOAT32.
    Float32(f32),
    /// FLOAT64.
    Float64(f64),
    /// VISIBLE_STRING (ASCII text).
    VisibleString(&'a [u8]),
    /// OCTET_STRING.
    OctetString(&'a [u8]),
    /// BIT_STRING.
    BitString(&'a [u8]),
    /// DATE, fields as sent.
    Date {
        /// Milliseconds within the minute.
        ms: u16,
        /// Minute.
        minute: u8,
        /// Hour.
        hour: u8,
        /// Day of the month.
        day: u8,
        /// Month.
        month: u8,
        /// Year − 1900.
        year: u8,
    },
    /// TIME_OF_DAY.
    TimeOfDay {
        /// Milliseconds since midnight.
        ms: u32,
        /// Days since 1984-01-01.
        days: u16,
    },
    /// TIME_DIFFERENCE.
    TimeDifference {
        /// Milliseconds.
        ms: u32,
        /// Days.
        days: u16,
    },
    /// TIME_VALUE: nanoseconds since the PTP epoch.
    TimeValue(i64),
    /// A type code the table does not define, with its octets.
    Other {
        /// The code.
        code: u8,
        /// The octets.
        bytes: &'a [u8],
    },
}

/// Days from 1970-01-01 to 1984-01-01 (the TIME_OF_DAY epoch).
const DAYS_1970_TO_1984: i64 = 5113;

impl<'a> TypedValue<'a> {
    /// Decodes `bytes` as type `code` in `order`; errors name `layer` and `offset` (the octets'
    /// position in the frame).
    pub fn decode(
        code: u8,
        bytes: &'a [u8],
        order: Order,
        layer: Layer,
        offset: usize,
    ) -> Result<Self> {
        let t = TypeCode(code);
        if let Some(size) = t.fixed_size() {
            if bytes.len() != size {
                return Err(Error::new(
                    layer,
                    offset,
                    ErrorKind::Length {
                        field: t.name().unwrap_or("value"),
                        expected: size,
                        found: bytes.len(),
                    },
                ));
            }
        }
        let b = bytes;
        Ok(match t {
            TypeCode::BOOLEAN => TypedValue::Boolean(b.first().copied().unwrap_or(0)),
            TypeCode::INT8 => TypedValue::Int8(i8::from_be_bytes(order.read(b))),
            TypeCode::INT16 => TypedValue::Int16(i16::from_be_bytes(order.read(b))),
            TypeCode::INT32 => TypedValue::Int32(i32::from_be_bytes(order.read(b))),
            TypeCode::INT64 => TypedValue::Int64(i64::from_be_bytes(order.read(b))),
            TypeCode::UINT8 => TypedValue::UInt8(b.first().copied().unwrap_or(0)),
            TypeCode::UINT16 => TypedValue::UInt16(u16::from_be_bytes(order.read(b))),
            TypeCode::UINT32 => TypedValue::UInt32(u32::from_be_bytes(order.read(b))),
            TypeCode::UINT64 => TypedValue::UInt64(u64::from_be_bytes(order.read(b))),
            TypeCode::FLOAT32 => TypedValue::Float32(f32::from_be_bytes(order.read(b))),
            TypeCode::FLOAT64 => TypedValue::Float64(f64::from_be_bytes(order.read(b))),
            TypeCode::VISIBLE_STRING => TypedValue::VisibleString(b),
            TypeCode::OCTET_STRING => TypedValue::OctetString(b),
            TypeCode::BIT_STRING => TypedValue::BitString(b),
            TypeCode::DATE => match *b {
                [b0, b1, minute, hour, day, month, year] => TypedValue::Date {
                    ms: u16::from_be_bytes(order.read(&[b0, b1])),
                    minute,
                    hour,
                    day,
                    month,
                    year,
                },
                _ => TypedValue::Other { code, bytes: b },
            },
            TypeCode::TIME_OF_DAY | TypeCode::TIME_DIFFERENCE => {
                let ms = u32::from_be_bytes(order.read(b));
                let days = u16::from_be_bytes(order.read(b.get(4..).unwrap_or(&[])));
                if t == TypeCode::TIME_OF_DAY {
                    TypedValue::TimeOfDay { ms, days }
                } else {
                    TypedValue::TimeDifference { ms, days }
                }
            }
            TypeCode::TIME_VALUE => TypedValue::TimeValue(i64::from_be_bytes(order.read(b))),
            _ => TypedValue::Other { code, bytes: b },
        })
    }

    /// Reads the `len` octets of a value of type `code` whose length field was at `len_at` (an
    /// offset of `r`, whose input starts `base` octets into the frame); with `last`, `len` must
    /// be exactly what remains.
    pub fn read(
        r: &mut Reader<'a>,
        code: u8,
        len: usize,
        len_at: usize,
        last: bool,
        order: Order,
        base: usize,
    ) -> Result<Self> {
        if last && len != r.remaining() {
            return Err(Error::new(
                r.layer(),
                base + len_at,
                ErrorKind::Length {
                    field: "value len",
                    expected: r.remaining(),
                    found: len,
                },
            ));
        }
        let at = r.pos();
        let bytes = r.take(len).map_err(|e| e.shifted(base))?;
        TypedValue::decode(code, bytes, order, r.layer(), base + at)
    }

    /// The type code.
    pub fn code(&self) -> u8 {
        match self {
            TypedValue::Boolean(_) => TypeCode::BOOLEAN.0,
            TypedValue::Int8(_) => TypeCode::INT8.0,
            TypedValue::Int16(_) => TypeCode::INT16.0,
            TypedValue::Int32(_) => TypeCode::INT32.0,
            TypedValue::Int64(_) => TypeCode::INT64.0,
            TypedValue::UInt8(_) => TypeCode::UINT8.0,
            TypedValue::UInt16(_) => TypeCode::UINT16.0,
            TypedValue::UInt32(_) => TypeCode::UINT32.0,
            TypedValue::UInt64(_) => TypeCode::UINT64.0,
            TypedValue::Float32(_) => TypeCode::FLOAT32.0,
            TypedValue::Float64(_) => TypeCode::FLOAT64.0,
            TypedValue::VisibleString(_) => TypeCode::VISIBLE_STRING.0,
            TypedValue::OctetString(_) => TypeCode::OCTET_STRING.0,
            TypedValue::BitString(_) => TypeCode::BIT_STRING.0,
            TypedValue::Date { .. } => TypeCode::DATE.0,
            TypedValue::TimeOfDay { .. } => TypeCode::TIME_OF_DAY.0,
            TypedValue::TimeDifference { .. } => TypeCode::TIME_DIFFERENCE.0,
            TypedValue::TimeValue(_) => TypeCode::TIME_VALUE.0,
            TypedValue::Other { code, .. } => *code,
        }
    }

    /// The number of octets on the wire.
    pub fn len(&self) -> usize {
        match self {
            TypedValue::VisibleString(b)
            | TypedValue::OctetString(b)
            | TypedValue::BitString(b)
            | TypedValue::Other { bytes: b, .. } => b.len(),
            other => TypeCode(other.code()).fixed_size().unwrap_or(0),
        }
    }

    /// Whether the value has no octets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the value's octets in `order`.
    pub fn emit(&self, order: Order, w: &mut Writer<'_>) -> Result<()> {
        match *self {
            TypedValue::Boolean(v) | TypedValue::UInt8(v) => w.u8(v),
            TypedValue::Int8(v) => order.write(w, v.to_be_bytes()),
            TypedValue::Int16(v) => order.write(w, v.to_be_bytes()),
            TypedValue::Int32(v) => order.write(w, v.to_be_bytes()),
            TypedValue::Int64(v) | TypedValue::TimeValue(v) => order.write(w, v.to_be_bytes()),
            TypedValue::UInt16(v) => order.write(w, v.to_be_bytes()),
            TypedValue::UInt32(v) => order.write(w, v.to_be_bytes()),
            TypedValue::UInt64(v) => order.write(w, v.to_be_bytes()),
            TypedValue::Float32(v) => order.write(w, v.to_be_bytes()),
            TypedValue::Float64(v) => order.write(w, v.to_be_bytes()),
            TypedValue::VisibleString(b)
            | TypedValue::OctetString(b)
            | TypedValue::BitString(b)
            | TypedValue::Other { bytes: b, .. } => w.put(b),
            TypedValue::Date {
                ms,
                minute,
                hour,
                day,
                month,
                year,
            } => {
                order.write(w, ms.to_be_bytes())?;
                w.put(&[minute, hour, day, month, year])
            }
            TypedValue::TimeOfDay { ms, days } | TypedValue::TimeDifference { ms, days } => {
                order.write(w, ms.to_be_bytes())?;
                order.write(w, days.to_be_bytes())
            }
        }
    }

    /// The point of this value at `device`/`address` with `quality`, or the value's own Bad
    /// quality when it is worse (a DATE that is no date).
    pub fn point(&self, device: Device, address: Address, quality: Quality) -> Point<'a> {
        let (v, value_quality) = self.to_value();
        let mut p = Point::new(device, address, v);
        p.quality = if value_quality.severity > quality.severity {
            value_quality
        } else {
            quality
        };
        p
    }

    /// `value` as type `code`: numbers rounded to the nearest integer for integer types and
    /// range-checked, booleans as 0/1, bytes as OCTET_STRING / BIT_STRING, text as
    /// VISIBLE_STRING when it is plain octets. `None` when the value does not fit the type.
    pub fn from_value(code: TypeCode, value: &'a Value<'_>) -> Option<Self> {
        let number = || value.as_f64();
        let int = || -> Option<i128> {
            match value {
                Value::Int(i) => Some(i128::from(*i)),
                Value::UInt(u) => Some(i128::from(*u)),
                _ => round_half_away(number()?),
            }
        };
        Some(match code {
            TypeCode::BOOLEAN => TypedValue::Boolean(u8::from(number()? != 0.0)),
            TypeCode::INT8 => TypedValue::Int8(i8::try_from(int()?).ok()?),
            TypeCode::INT16 => TypedValue::Int16(i16::try_from(int()?).ok()?),
            TypeCode::INT32 => TypedValue::Int32(i32::try_from(int()?).ok()?),
            TypeCode::INT64 => TypedValue::Int64(i64::try_from(int()?).ok()?),
            TypeCode::UINT8 => TypedValue::UInt8(u8::try_from(int()?).ok()?),
            TypeCode::UINT16 => TypedValue::UInt16(u16::try_from(int()?).ok()?),
            TypeCode::UINT32 => TypedValue::UInt32(u32::try_from(int()?).ok()?),
            TypeCode::UINT64 => TypedValue::UInt64(u64::try_from(int()?).ok()?),
            TypeCode::FLOAT32 => {
                let v = number()?;
                let f = v as f32;
                (f.is_finite() || !v.is_finite()).then_some(TypedValue::Float32(f))?
            }
            TypeCode::FLOAT64 => TypedValue::Float64(number()?),
            TypeCode::OCTET_STRING => match value {
                Value::Bytes(b) => TypedValue::OctetString(b.as_slice()),
                _ => return None,
            },
            TypeCode::BIT_STRING => match value {
                Value::Bytes(b) => TypedValue::BitString(b.as_slice()),
                _ => return None,
            },
            TypeCode::VISIBLE_STRING => match value {
                Value::Text(t) => TypedValue::VisibleString(t.raw().filter(|r| !r.1)?.0),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The canonical value, with Bad quality for a date whose fields do not form a date.
    pub fn to_value(&self) -> (Value<'a>, Quality) {
        let good = Quality::GOOD;
        let bad = || (Value::Null, Quality::bad(Reason::InvalidEncoding, None));
        let value = match *self {
            TypedValue::Boolean(v) => Value::Bool(v != 0),
            TypedValue::Int8(v) => Value::Int(i64::from(v)),
            TypedValue::Int16(v) => Value::Int(i64::from(v)),
            TypedValue::Int32(v) => Value::Int(i64::from(v)),
            TypedValue::Int64(v) => Value::Int(v),
            TypedValue::UInt8(v) => Value::UInt(u64::from(v)),
            TypedValue::UInt16(v) => Value::UInt(u64::from(v)),
            TypedValue::UInt32(v) => Value::UInt(u64::from(v)),
            TypedValue::UInt64(v) => Value::UInt(v),
            TypedValue::Float32(v) => Value::Float(f64::from(v)),
            TypedValue::Float64(v) => Value::Float(v),
            TypedValue::VisibleString(b) => Value::Text(Text::new(b)),
            TypedValue::OctetString(b)
            | TypedValue::BitString(b)
            | TypedValue::Other { bytes: b, .. } => Value::Bytes(Bytes::new(b)),
            TypedValue::Date {
                ms,
                minute,
                hour,
                day,
                month,
                year,
            } => {
                let dt = DateTime {
                    hour,
                    minute,
                    second: (ms / 1000) as u8,
                    nanosecond: u32::from(ms % 1000) * 1_000_000,
                    ..DateTime::local(1900 + u16::from(year), month, day, Precision::Millisecond)
                };
                match (ms < 60_000, dt.checked()) {
                    (true, Ok(dt)) => Value::DateTime(dt),
                    _ => return bad(),
                }
            }
            TypedValue::TimeOfDay { ms, days } => {
                if ms >= 86_400_000 {
                    return bad();
                }
                let nanos = ((DAYS_1970_TO_1984 + i64::from(days)) * 86_400_000 + i64::from(ms))
                    * 1_000_000;
                Value::DateTime(DateTime {
                    zone: Zone::Local,
                    precision: Precision::Millisecond,
                    ..DateTime::from_unix_nanos(nanos)
                })
            }
            TypedValue::TimeDifference { ms, days } => Value::Duration(
                core::time::Duration::from_millis(u64::from(ms))
                    + core::time::Duration::from_secs(u64::from(days) * 86_400),
            ),
            TypedValue::TimeValue(ns) => Value::DateTime(DateTime::from_unix_nanos(ns)),
        };
        (value, good)
    }
}

/// `v` rounded half away from zero, when it is a finite number an i128 holds comfortably.
fn round_half_away(v: f64) -> Option<i128> {
    if !v.is_finite() || v.abs() >= 1.9e19 {
        return None;
    }
    let t = v as i128;
    let frac = v - t as f64;
    Some(if frac >= 0.5 {
        t + 1
    } else if frac <= -0.5 {
        t - 1
    } else {
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(code: u8, bytes: &[u8], order: Order) -> TypedValue<'_> {
        let v = TypedValue::decode(code, bytes, order, Layer::Epa, 0).unwrap();
        let mut out = [0u8; 16];
        let mut w = Writer::new(&mut out, Layer::Epa);
        v.emit(order, &mut w).unwrap();
        assert_eq!(w.written(), bytes, "code {code}");
        assert_eq!((v.code(), v.len()), (code, bytes.len()));
        v
    }

    #[test]
    fn float32_in_both_orders() {
        // The profiles' vectors: FLOAT32 12.5 is 41 48 00 00 big-endian (EPA-S) and
        // 00 00 48 41 little-endian (WPA-L).
        let be = round_trip(8, &[0x41, 0x48, 0x00, 0x00], Order::Big);
        let le = round_trip(8, &[0x00, 0x00, 0x48, 0x41], Order::Little);
        assert_eq!(
            (be, le),
            (TypedValue::Float32(12.5), TypedValue::Float32(12.5))
        );
        assert_eq!(be.to_value().0, Value::Float(12.5));
    }

    #[test]
    fn every_fixed_type_round_trips() {
        for (code, bytes) in [
            (1u8, &[0xFF][..]),
            (2, &[0x80]),
            (3, &[0xFF, 0xFE]),
            (4, &[1, 2, 3, 4]),
            (5, &[200]),
            (6, &[0xAB, 0xCD]),
            (7, &[0xDE, 0xAD, 0xBE, 0xEF]),
            (11, &[0x75, 0x30, 30, 12, 24, 12, 124]),
            (12, &[0, 0, 0, 1, 0, 2]),
            (13, &[0, 0, 0x03, 0xE8, 0, 1]),
            (21, &[0, 0, 0, 0, 0, 0, 0, 1]),
            (0x40, &[0x80, 0, 0, 0, 0, 0, 0, 0]),
            (0x41, &[0xFF; 8]),
            (0x42, &[0x40, 0x29, 0, 0, 0, 0, 0, 0]),
            (0x99, &[1, 2, 3]),
        ] {
            round_trip(code, bytes, Order::Big);
            round_trip(code, bytes, Order::Little);
        }
        assert_eq!(
            round_trip(3, &[0xFF, 0xFE], Order::Big),
            TypedValue::Int16(-2)
        );
        assert_eq!(
            round_trip(3, &[0xFE, 0xFF], Order::Little),
            TypedValue::Int16(-2)
        );
        assert_eq!(
            round_trip(0x42, &[0x40, 0x29, 0, 0, 0, 0, 0, 0], Order::Big)
                .to_value()
                .0,
            Value::Float(12.5)
        );
    }

    #[test]
    fn dates_and_times() {
        // 2024-12-24 12:30:30.000 (year 124 since 1900; 30 000 ms in the minute).
        let d = round_trip(11, &[0x75, 0x30, 30, 12, 24, 12, 124], Order::Big);
        let Value::DateTime(dt) = d.to_value().0 else {
            panic!("{d:?}")
        };
        assert_eq!(std::format!("{dt}"), "2024-12-24T12:30:30.000");
        // Month 13 is no date: a Bad point, not an error.
        let bad = round_trip(11, &[0, 0, 0, 0, 1, 13, 124], Order::Big).to_value();
        assert_eq!(
            (bad.0, bad.1.severity),
            (Value::Null, causeway_core::Severity::Bad)
        );
        // TIME_OF_DAY: 1 ms after midnight, 2 days after 1984-01-01.
        let t = round_trip(12, &[0, 0, 0, 1, 0, 2], Order::Big).to_value().0;
        let Value::DateTime(t) = t else { panic!() };
        assert_eq!(
            (t.year, t.month, t.day, t.nanosecond),
            (1984, 1, 3, 1_000_000)
        );
        let dt = round_trip(13, &[0, 0, 0x03, 0xE8, 0, 1], Order::Big)
            .to_value()
            .0;
        assert_eq!(dt, Value::Duration(core::time::Duration::from_secs(86_401)));
    }

    #[test]
    fn wrong_lengths_name_the_type() {
        let e = TypedValue::decode(4, &[1, 2], Order::Big, Layer::Epa, 30).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                30,
                ErrorKind::Length {
                    field: "INT32",
                    expected: 4,
                    found: 2
                }
            )
        );
        assert_eq!(TypeCode::from_name("FLOAT64"), Some(TypeCode::FLOAT64));
        assert_eq!(TypeCode(0x99).name(), None);
    }
}
