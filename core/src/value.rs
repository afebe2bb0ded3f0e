//! Point values: the sum of what the four protocol families can carry.
//!
//! Text and byte values borrow from the decoded frame. M-Bus sends ASCII strings last character
//! first (EN 13757-3 §6.3, LVAR), so [`Text`] can also be a *reversed* view — still no copy.

use core::fmt;

use crate::decimal::Decimal;

/// Text borrowed from a frame (possibly stored reversed on the wire), or owned after a JSON read.
#[derive(Clone, Debug)]
pub struct Text<'a>(TextRepr<'a>);

#[derive(Clone, Debug)]
enum TextRepr<'a> {
    Forward(&'a [u8]),
    Reversed(&'a [u8]),
    /// Bytes swapped within each 16-bit word; `len` characters in reading order.
    SwappedPairs(&'a [u8], usize),
    #[cfg(feature = "alloc")]
    Owned(alloc::string::String),
}

impl<'a> Text<'a> {
    /// Text in wire order. Bytes are read as Latin-1 (every byte is one character), which is
    /// exact for ASCII and for the 8-bit strings meters send.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Text(TextRepr::Forward(bytes))
    }

    /// Text whose wire bytes are in reverse character order (M-Bus LVAR ASCII).
    pub const fn reversed(bytes: &'a [u8]) -> Self {
        Text(TextRepr::Reversed(bytes))
    }

    /// Text stored with the two bytes of every 16-bit word swapped (Modbus strings in `BADC`
    /// order); the first `len` characters in reading order.
    pub const fn swapped_pairs(bytes: &'a [u8], len: usize) -> Self {
        Text(TextRepr::SwappedPairs(bytes, len))
    }

    /// Owned text (after reading JSON).
    #[cfg(feature = "alloc")]
    pub fn owned(text: alloc::string::String) -> Text<'static> {
        Text(TextRepr::Owned(text))
    }

    /// The borrowed wire bytes and whether they are stored last character first, for text that
    /// borrows its frame in either order (`None` for swapped-pair and owned text).
    pub fn raw(&self) -> Option<(&'a [u8], bool)> {
        match self.0 {
            TextRepr::Forward(b) => Some((b, false)),
            TextRepr::Reversed(b) => Some((b, true)),
            _ => None,
        }
    }

    /// The characters in reading order.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        let (bytes, len) = match &self.0 {
            TextRepr::Forward(b) | TextRepr::Reversed(b) => (*b, b.len()),
            TextRepr::SwappedPairs(b, n) => (*b, (*n).min(b.len())),
            #[cfg(feature = "alloc")]
            TextRepr::Owned(_) => (&[][..], 0),
        };
        let byte_at = move |i: usize| match &self.0 {
            TextRepr::Reversed(_) => bytes.get(len - 1 - i),
            TextRepr::SwappedPairs(..) => bytes.get(i ^ 1),
            _ => bytes.get(i),
        };
        let owned = match &self.0 {
            #[cfg(feature = "alloc")]
            TextRepr::Owned(s) => s.as_str(),
            _ => "",
        };
        (0..len)
            .filter_map(move |i| byte_at(i).map(|&b| char::from(b)))
            .chain(owned.chars())
    }

    /// Copies the text into an owned value.
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Text<'static> {
        Text::owned(self.chars().collect())
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.chars().eq(other.chars())
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        self.chars().try_for_each(|c| f.write_char(c))
    }
}

/// Raw bytes borrowed from a frame, or owned after a JSON read.
#[derive(Clone, Debug)]
pub struct Bytes<'a>(BytesRepr<'a>);

#[derive(Clone, Debug)]
enum BytesRepr<'a> {
    Borrowed(&'a [u8]),
    #[cfg(feature = "alloc")]
    Owned(alloc::vec::Vec<u8>),
}

impl<'a> Bytes<'a> {
    /// Bytes borrowed from the input.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Bytes(BytesRepr::Borrowed(bytes))
    }

    /// Owned bytes.
    #[cfg(feature = "alloc")]
    pub fn owned(bytes: alloc::vec::Vec<u8>) -> Bytes<'static> {
        Bytes(BytesRepr::Owned(bytes))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            BytesRepr::Borrowed(b) => b,
            #[cfg(feature = "alloc")]
            BytesRepr::Owned(v) => v,
        }
    }

    /// Copies the bytes into an owned value.
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Bytes<'static> {
        Bytes::owned(self.as_slice().to_vec())
    }
}

impl PartialEq for Bytes<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl fmt::Display for Bytes<'_> {
    /// Lower-case hex, no separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice()
            .iter()
            .try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// How much of a [`DateTime`] the device actually sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// A date only (M-Bus type G).
    Day,
    /// Date, hour and minute (M-Bus type F).
    Minute,
    /// Down to the second (M-Bus type I/J).
    Second,
    /// Down to the millisecond (the profiles' DATE and TIME_OF_DAY, WPA-L `ts_ms`).
    Millisecond,
    /// Down to the nanosecond (EPA-S `ts_ns`).
    Nanosecond,
}

/// Whether a [`DateTime`] is UTC or the device's local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Zone {
    /// Wall-clock time of the device, zone unknown (most meters).
    Local,
    /// UTC (EPA-S and 802.15.4 timestamps).
    Utc,
}

/// A calendar date and time as the device sent it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// Full year, e.g. 2024.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–60 (leap second allowed).
    pub second: u8,
    /// 0–999 999 999.
    pub nanosecond: u32,
    /// How much of the above is meaningful.
    pub precision: Precision,
    /// Local or UTC.
    pub zone: Zone,
}

/// Why a date-time string or set of fields was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid date-time at position {position}: expected {expected}")]
pub struct DateTimeError {
    /// Byte position of the problem in the input string (0 for field checks).
    pub position: usize,
    /// What was expected.
    pub expected: &'static str,
}

const fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` of `year`, 0 for an invalid month.
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year as i64) => 29,
        2 => 28,
        _ => 0,
    }
}

impl DateTime {
    /// Local midnight of a date at `precision` (fields unchecked; see [`DateTime::checked`]).
    pub const fn local(year: u16, month: u8, day: u8, precision: Precision) -> Self {
        DateTime {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanosecond: 0,
            precision,
            zone: Zone::Local,
        }
    }

    /// A date (precision [`Precision::Day`]), checked.
    pub fn date(year: u16, month: u8, day: u8) -> Result<Self, DateTimeError> {
        DateTime::local(year, month, day, Precision::Day).checked()
    }

    /// Checks every field's range.
    pub fn checked(self) -> Result<Self, DateTimeError> {
        let bad = |expected| {
            Err(DateTimeError {
                position: 0,
                expected,
            })
        };
        if !(1..=12).contains(&self.month) {
            return bad("month 1-12");
        }
        if self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return bad("a day that exists in that month");
        }
        if self.hour > 23 || self.minute > 59 || self.second > 60 {
            return bad("hour 0-23, minute 0-59, second 0-60");
        }
        if self.nanosecond >= 1_000_000_000 {
            return bad("nanosecond below 10^9");
        }
        Ok(self)
    }

    /// UTC date-time from nanoseconds since 1970-01-01T00:00:00 (the PTP epoch, ignoring the
    /// TAI–UTC offset, which the caller applies if it needs civil UTC).
    pub fn from_unix_nanos(nanos: i64) -> Self {
        let secs = nanos.div_euclid(1_000_000_000);
        let nanosecond = nanos.rem_euclid(1_000_000_000) as u32;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        // Civil-from-days (H. Hinnant), valid over the whole i64 nanosecond range.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        DateTime {
            year,
            month,
            day,
            hour: (sod / 3600) as u8,
            minute: (sod % 3600 / 60) as u8,
            second: (sod % 60) as u8,
            nanosecond,
            precision: Precision::Nanosecond,
            zone: Zone::Utc,
        }
    }

    /// Nanoseconds since 1970-01-01T00:00:00 in this date-time's own zone; `None` if the date-time
    /// is outside the i64 range.
    pub fn to_unix_nanos(&self) -> Option<i64> {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs.checked_mul(1_000_000_000)?
            .checked_add(i64::from(self.nanosecond))
    }
}

impl fmt::Display for DateTime {
    /// ISO 8601: `2024-03-01`, `2024-03-01T12:30`, `2024-03-01T12:30:05`,
    /// `2024-03-01T12:30:05.250`, `2024-03-01T12:30:05.000000123Z` (trailing `Z` only for UTC).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        match self.precision {
            Precision::Day => {}
            Precision::Minute => write!(f, "T{:02}:{:02}", self.hour, self.minute)?,
            Precision::Second => {
                write!(f, "T{:02}:{:02}:{:02}", self.hour, self.minute, self.second)?
            }
            Precision::Millisecond => write!(
                f,
                "T{:02}:{:02}:{:02}.{:03}",
                self.hour,
                self.minute,
                self.second,
                self.nanosecond / 1_000_000
            )?,
            Precision::Nanosecond => write!(
                f,
                "T{:02}:{:02}:{:02}.{:09}",
                self.hour, self.minute, self.second, self.nanosecond
            )?,
        }
        if self.zone == Zone::Utc {
            f.write_str("Z")?;
        }
        Ok(())
    }
}

impl core::str::FromStr for DateTime {
    type Err = DateTimeError;

    /// Parses exactly the forms [`DateTime`]'s `Display` writes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (body, zone) = match s.strip_suffix('Z') {
            Some(body) => (body, Zone::Utc),
            None => (s, Zone::Local),
        };
        let num = |from: usize, len: usize| -> Result<u32, DateTimeError> {
            let part = body.get(from..from + len).ok_or(DateTimeError {
                position: from,
                expected: "more digits",
            })?;
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateTimeError {
                    position: from,
                    expected: "digits",
                });
            }
            part.parse().map_err(|_| DateTimeError {
                position: from,
                expected: "digits",
            })
        };
        let sep = |at: usize, c: u8, expected| match body.as_bytes().get(at) {
            Some(&b) if b == c => Ok(()),
            _ => Err(DateTimeError {
                position: at,
                expected,
            }),
        };
        sep(4, b'-', "'-' after the year")?;
        sep(7, b'-', "'-' after the month")?;
        let mut dt = DateTime {
            year: num(0, 4)? as u16,
            month: num(5, 2)? as u8,
            day: num(8, 2)? as u8,
            hour: 0,
            minute: 0,
            second: 0,
            nanosecond: 0,
            precision: Precision::Day,
            zone,
        };
        let precision = match body.len() {
            10 => Precision::Day,
            16 => Precision::Minute,
            19 => Precision::Second,
            23 => Precision::Millisecond,
            29 => Precision::Nanosecond,
            n => {
                return Err(DateTimeError {
                    position: n.min(s.len()),
                    expected: "YYYY-MM-DD[Thh:mm[:ss[.mmm|.nnnnnnnnn]]][Z]",
                })
            }
        };
        if precision >= Precision::Minute {
            sep(10, b'T', "'T' before the time")?;
            sep(13, b':', "':' after the hour")?;
            dt.hour = num(11, 2)? as u8;
            dt.minute = num(14, 2)? as u8;
        }
        if precision >= Precision::Second {
            sep(16, b':', "':' after the minute")?;
            dt.second = num(17, 2)? as u8;
        }
        if precision == Precision::Millisecond {
            sep(19, b'.', "'.' before the milliseconds")?;
            dt.nanosecond = num(20, 3)? * 1_000_000;
        }
        if precision == Precision::Nanosecond {
            sep(19, b'.', "'.' before the nanoseconds")?;
            dt.nanosecond = num(20, 9)?;
        }
        dt.precision = precision;
        dt.checked()
    }
}

/// A decoded value. `Text` and `Bytes` borrow from the frame they came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// No value (an empty register, an M-Bus "no data" record).
    Null,
    /// A boolean (a coil, a BOOLEAN attribute).
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A binary floating-point number.
    Float(f64),
    /// An exact decimal (scaled integers).
    Decimal(Decimal),
    /// Text.
    Text(Text<'a>),
    /// Raw bytes.
    Bytes(Bytes<'a>),
    /// A calendar date-time.
    DateTime(DateTime),
    /// A duration.
    Duration(core::time::Duration),
}

impl Value<'_> {
    /// The value's kind as the JSON `value_type` names it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::UInt(_) => "uint",
            Value::Float(_) => "float",
            Value::Decimal(_) => "decimal",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
            Value::DateTime(_) => "datetime",
            Value::Duration(_) => "duration",
        }
    }

    /// The numeric value as `f64`, for numbers (and durations in seconds).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::UInt(u) => Some(u as f64),
            Value::Float(f) => Some(f),
            Value::Decimal(d) => Some(d.to_f64()),
            Value::Bool(b) => Some(f64::from(u8::from(b))),
            Value::Duration(d) => Some(d.as_secs_f64()),
            _ => None,
        }
    }

    /// The value as an exact decimal, for integers and decimals.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match *self {
            Value::Int(i) => Some(Decimal::new(i, 0)),
            Value::UInt(u) => i64::try_from(u).ok().map(|i| Decimal::new(i, 0)),
            Value::Decimal(d) => Some(d),
            _ => None,
        }
    }

    /// Copies borrowed text and bytes so the value outlives its frame.
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::UInt(u) => Value::UInt(u),
            Value::Float(f) => Value::Float(f),
            Value::Decimal(d) => Value::Decimal(d),
            Value::Text(t) => Value::Text(t.into_owned()),
            Value::Bytes(b) => Value::Bytes(b.into_owned()),
            Value::DateTime(d) => Value::DateTime(d),
            Value::Duration(d) => Value::Duration(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn reversed_text_reads_in_order() {
        assert_eq!(Text::reversed(b"CBA").to_string(), "ABC");
        assert_eq!(Text::reversed(b"CBA"), Text::new(b"ABC"));
        assert_eq!(Text::swapped_pairs(b"BADC\0E", 5).to_string(), "ABCDE");
        assert_eq!(Bytes::new(&[0x0a, 0xff]).to_string(), "0aff");
    }

    #[test]
    fn date_time_forms() {
        let d = DateTime::date(2024, 2, 29).unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert!(DateTime::date(2023, 2, 29).is_err());
        assert!(DateTime::date(1900, 2, 29).is_err());
        assert!(DateTime::date(2000, 2, 29).is_ok());
        // 2024-03-01T12:30:05.000000123Z, from the civil calendar (1709296205 s since 1970).
        let t = DateTime::from_unix_nanos(1_709_296_205_000_000_123);
        assert_eq!(t.to_string(), "2024-03-01T12:30:05.000000123Z");
        assert_eq!(t.to_unix_nanos(), Some(1_709_296_205_000_000_123));
        assert_eq!(
            DateTime::from_unix_nanos(-1).to_string(),
            "1969-12-31T23:59:59.999999999Z"
        );
        let m: DateTime = "2024-03-01T12:30".parse().unwrap();
        assert_eq!((m.hour, m.minute, m.precision), (12, 30, Precision::Minute));
        let ms: DateTime = "2024-03-01T12:30:05.250".parse().unwrap();
        assert_eq!(
            (ms.nanosecond, ms.precision, ms.to_string().as_str()),
            (
                250_000_000,
                Precision::Millisecond,
                "2024-03-01T12:30:05.250"
            )
        );
        assert_eq!(
            "2024-13-01".parse::<DateTime>().unwrap_err().expected,
            "month 1-12"
        );
        assert_eq!("2024/03/01".parse::<DateTime>().unwrap_err().position, 4);
    }

    proptest! {
        #[test]
        fn unix_nanos_round_trip(n in any::<i64>()) {
            let t = DateTime::from_unix_nanos(n);
            prop_assert_eq!(t.to_unix_nanos(), Some(n));
            let back: DateTime = t.to_string().parse().unwrap();
            prop_assert_eq!(back, t);
        }
    }
}
