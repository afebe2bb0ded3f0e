//! M-Bus data types (EN 13757-3 §6.3 and Annex A): integers (type B, two's complement, LSB
//! first), BCD (type A, with the `F` sign nibble and `A`–`E` error nibbles), IEEE 754 real
//! (type H), dates and times (types F, G, I, J) and the variable-length LVAR encodings.
//!
//! Century rule (Annex A, as libmbus applies it): type F carries hundred-year bits HY, and
//! `year = 1900 + 100·HY + yy`, except that HY = 0 with yy ≤ 80 means 2000 + yy (meters that
//! predate the HY bits). Types G and I have no HY bits: yy ≤ 80 is 20yy, else 19yy.

use causeway_core::{DateTime, Precision};

/// A decoded data field, before the VIF gives it a unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DataValue<'a> {
    /// No data (data field 0, or 8: selection for readout).
    None,
    /// A signed integer (types B, and BCD without error nibbles).
    Int(i64),
    /// An unsigned integer too large for `i64` (64-bit binary with the top bit set, kept as
    /// unsigned rather than misread).
    UInt(u64),
    /// A 32-bit real.
    Real(f32),
    /// BCD digits containing an error nibble (`A`–`E`, or `F` below the top digit): the raw
    /// bytes, LSB first.
    BcdError(&'a [u8]),
    /// A date or date-time; `invalid` when the IV bit is set or the fields are out of range.
    Date {
        /// The date-time as sent (fields may be zero when invalid).
        value: Option<DateTime>,
        /// The "time invalid" bit, or fields that are not a date.
        invalid: bool,
        /// Summer time flag (types F and I).
        summer_time: bool,
    },
    /// A time of day (type J) in seconds since midnight; `None` when a field is out of range.
    TimeOfDay(Option<u32>),
    /// Text sent last character first (LVAR 0x00–0xBF).
    Text(&'a [u8]),
    /// Raw bytes (binary LVAR, manufacturer data).
    Bytes(&'a [u8]),
}

/// Little-endian signed integer of 1–8 bytes.
pub fn int_le(bytes: &[u8]) -> i64 {
    sign_extend(uint_le(bytes), bytes.len())
}

/// `raw` read from `len` bytes, sign-extended from its top bit (8 bytes and more: as is).
pub const fn sign_extend(raw: u64, len: usize) -> i64 {
    if len == 0 || len >= 8 {
        return raw as i64;
    }
    let shift = 64 - 8 * len as u32;
    ((raw << shift) as i64) >> shift
}

/// Little-endian unsigned integer of the first 8 (or fewer) bytes.
pub fn uint_le(bytes: &[u8]) -> u64 {
    match *bytes {
        [] => 0,
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_le_bytes([a, b])),
        [a, b, c] => u64::from(u32::from_le_bytes([a, b, c, 0])),
        [a, b, c, d] => u64::from(u32::from_le_bytes([a, b, c, d])),
        [a, b, c, d, e] => u64::from_le_bytes([a, b, c, d, e, 0, 0, 0]),
        [a, b, c, d, e, f] => u64::from_le_bytes([a, b, c, d, e, f, 0, 0]),
        [a, b, c, d, e, f, g] => u64::from_le_bytes([a, b, c, d, e, f, g, 0]),
        [a, b, c, d, e, f, g, h, ..] => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
    }
}

/// Decodes BCD digits (LSB byte first, low nibble = lower digit). An `F` in the most significant
/// nibble is a minus sign; any other nibble above 9 is an error (returns `None`), as is a value
/// beyond `i64`.
#[inline]
pub fn bcd(bytes: &[u8]) -> Option<i64> {
    // The most significant 8 bytes (16 digits; all of them in a record) carry the sign nibble.
    let (rest, top) = bytes.split_at(bytes.len().saturating_sub(8));
    let (mut magnitude, negative) = bcd_top(uint_le(top), top.len())?;
    for chunk in rest.rchunks(8) {
        let scale = 10u64.pow(2 * chunk.len() as u32);
        magnitude = magnitude
            .checked_mul(scale)?
            .checked_add(bcd_digits(uint_le(chunk))?)?;
    }
    let m = i64::try_from(magnitude).ok()?;
    Some(if negative { -m } else { m })
}

/// [`bcd`] of `len` (at most 8) bytes already read as one little-endian number.
#[inline(always)]
pub(crate) const fn bcd_word(raw: u64, len: usize) -> Option<i64> {
    match bcd_top(raw, len) {
        // At most 16 digits: below 10^16, within i64.
        Some((m, negative)) => Some(if negative { -(m as i64) } else { m as i64 }),
        None => None,
    }
}

/// The digits of `len` (at most 8) bytes read as one number, and whether the top nibble is the
/// `F` sign.
#[inline]
const fn bcd_top(raw: u64, len: usize) -> Option<(u64, bool)> {
    if len == 0 {
        return Some((0, false));
    }
    let sign = 8 * len as u32 - 4;
    let negative = (raw >> sign) & 0xF == 0xF;
    let raw = if negative { raw & !(0xF << sign) } else { raw };
    match bcd_digits(raw) {
        Some(m) => Some((m, negative)),
        None => None,
    }
}

/// Up to 16 packed BCD digits to binary, all lanes at once; `None` if a nibble is above 9.
#[inline(always)]
const fn bcd_digits(raw: u64) -> Option<u64> {
    const NIBBLE_BIT3: u64 = 0x8888_8888_8888_8888;
    // A nibble above 9 has bit 3 and bit 2 or 1 set.
    if raw & ((raw << 1) | (raw << 2)) & NIBBLE_BIT3 != 0 {
        return None;
    }
    let x = (raw & 0x0F0F_0F0F_0F0F_0F0F) + ((raw >> 4) & 0x0F0F_0F0F_0F0F_0F0F) * 10;
    let x = (x & 0x00FF_00FF_00FF_00FF) + ((x >> 8) & 0x00FF_00FF_00FF_00FF) * 100;
    let x = (x & 0x0000_FFFF_0000_FFFF) + ((x >> 16) & 0x0000_FFFF_0000_FFFF) * 10_000;
    Some((x & 0xFFFF_FFFF) + (x >> 32) * 100_000_000)
}

fn year(yy: u16, hundred: Option<u16>) -> u16 {
    match hundred {
        Some(hy) if hy > 0 => 1900 + 100 * hy + yy,
        _ if yy <= 80 => 2000 + yy,
        _ => 1900 + yy,
    }
}

fn date_value(dt: DateTime, invalid: bool, summer_time: bool) -> DataValue<'static> {
    match dt.checked() {
        Ok(dt) => DataValue::Date {
            value: Some(dt),
            invalid,
            summer_time,
        },
        Err(_) => DataValue::Date {
            value: None,
            invalid: true,
            summer_time,
        },
    }
}

/// Type G: 16-bit date. `FF FF` (and any impossible day or month) is invalid.
pub fn date_g(b: [u8; 2]) -> DataValue<'static> {
    let [b0, b1] = b;
    let yy = u16::from(b0 >> 5) | u16::from(b1 >> 4) << 3;
    let invalid = b == [0xFF, 0xFF];
    date_value(
        DateTime::local(year(yy, None), b1 & 0x0F, b0 & 0x1F, Precision::Day),
        invalid,
        false,
    )
}

/// Type F: 32-bit date and time to the minute, with IV (invalid) and SU (summer time) bits.
pub fn date_f(b: [u8; 4]) -> DataValue<'static> {
    let [b0, b1, b2, b3] = b;
    let yy = u16::from(b2 >> 5) | u16::from(b3 >> 4) << 3;
    let hy = u16::from((b1 >> 5) & 0x03);
    let mut dt = DateTime::local(year(yy, Some(hy)), b3 & 0x0F, b2 & 0x1F, Precision::Minute);
    dt.hour = b1 & 0x1F;
    dt.minute = b0 & 0x3F;
    date_value(dt, b0 & 0x80 != 0, b1 & 0x80 != 0)
}

/// Type I: 48-bit date and time to the second.
pub fn date_i(b: [u8; 6]) -> DataValue<'static> {
    let [b0, b1, b2, b3, b4, _week] = b;
    let yy = u16::from(b3 >> 5) | u16::from(b4 >> 4) << 3;
    let mut dt = DateTime::local(year(yy, None), b4 & 0x0F, b3 & 0x1F, Precision::Second);
    dt.hour = b2 & 0x1F;
    dt.minute = b1 & 0x3F;
    dt.second = b0 & 0x3F;
    date_value(dt, b1 & 0x80 != 0, b0 & 0x40 != 0)
}

/// Type J: 24-bit time of day; returned as seconds since midnight, or `None` if out of range.
pub fn time_j(b: [u8; 3]) -> Option<u32> {
    let [s, m, h] = b;
    let (s, m, h) = (
        u32::from(s & 0x3F),
        u32::from(m & 0x3F),
        u32::from(h & 0x1F),
    );
    (s < 60 && m < 60 && h < 24).then_some(h * 3600 + m * 60 + s)
}

/// Writes BCD digits of `value` into `out` (LSB first); negative values get the `F` sign nibble.
pub fn encode_bcd(value: i64, out: &mut [u8]) -> bool {
    let digits = out.len() * 2;
    let mut v = value.unsigned_abs();
    for i in 0..digits {
        let nibble = if i + 1 == digits && value < 0 {
            0xF
        } else {
            let d = (v % 10) as u8;
            v /= 10;
            d
        };
        if let Some(byte) = out.get_mut(i / 2) {
            if i % 2 == 0 {
                *byte = nibble;
            } else {
                *byte |= nibble << 4;
            }
        }
    }
    v == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn integers_are_signed_little_endian() {
        assert_eq!(int_le(&[0xFF]), -1);
        assert_eq!(int_le(&[0x34, 0x12]), 0x1234);
        assert_eq!(int_le(&[0x00, 0x00, 0x80]), -0x80_0000);
        assert_eq!(int_le(&[0x01, 0, 0, 0, 0, 0x80]), -0x8000_0000_0000 + 1);
        assert_eq!(uint_le(&[0xFF; 8]), u64::MAX);
        assert_eq!(uint_le(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), 0x0807_0605_0403_0201);
    }

    /// Digit by digit, as EN 13757-3 Annex A describes type A: the reference for [`bcd`].
    fn bcd_reference(bytes: &[u8]) -> Option<i64> {
        let mut value: i64 = 0;
        let mut negative = false;
        let digits = bytes.len() * 2;
        for i in (0..digits).rev() {
            let nibble = if i % 2 == 0 {
                bytes[i / 2] & 0x0F
            } else {
                bytes[i / 2] >> 4
            };
            match nibble {
                0..=9 => value = value.checked_mul(10)?.checked_add(i64::from(nibble))?,
                0xF if i + 1 == digits => negative = true,
                _ => return None,
            }
        }
        Some(if negative { -value } else { value })
    }

    proptest::proptest! {
        #[test]
        fn bcd_matches_digit_by_digit(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
                                      digits in proptest::collection::vec(0u8..10, 0..24), sign in proptest::prelude::any::<bool>()) {
            proptest::prop_assert_eq!(bcd(&bytes), bcd_reference(&bytes));
            // Valid digits (most of what meters send), with and without the sign nibble.
            let mut packed: std::vec::Vec<u8> = digits.chunks(2).map(|p| p[0] | p.get(1).map_or(0, |d| d << 4)).collect();
            if let (true, Some(top)) = (sign, packed.last_mut()) { *top |= 0xF0; }
            proptest::prop_assert_eq!(bcd(&packed), bcd_reference(&packed));
        }
    }

    #[test]
    fn bcd_sign_and_errors() {
        // EN 13757-3 type A: 0x12345678 sent as 78 56 34 12.
        assert_eq!(bcd(&[0x78, 0x56, 0x34, 0x12]), Some(12_345_678));
        assert_eq!(bcd(&[0x34, 0xF2]), Some(-234));
        assert_eq!(bcd(&[0x99; 9]), Some(999_999_999_999_999_999));
        assert_eq!(bcd(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0xF0]), Some(-1));
        assert_eq!(bcd(&[0x99; 10]), None, "beyond i64");
        assert_eq!(bcd(&[0x3A, 0x12]), None);
        assert_eq!(
            bcd(&[0xF4, 0x12]),
            None,
            "F below the top digit is an error"
        );
        let mut out = [0u8; 2];
        assert!(encode_bcd(-234, &mut out));
        assert_eq!(out, [0x34, 0xF2]);
        assert!(!encode_bcd(123_456, &mut out), "too many digits");
    }

    #[test]
    fn dates() {
        // libmbus test frame ACW_Itron-BM-plus-m: 0B 0B CD 13 is 2014-03-13T11:11 (type F).
        let DataValue::Date {
            value: Some(d),
            invalid: false,
            summer_time: false,
        } = date_f([0x0B, 0x0B, 0xCD, 0x13])
        else {
            panic!("valid date expected");
        };
        assert_eq!(d.to_string(), "2014-03-13T11:11");
        // Type G: day 31 (b0 bits 0-4), month 12 (b1 bits 0-3), yy 8 = low bits 000 in b0,
        // high bits 0001 in b1: 1F 1C.
        let DataValue::Date { value: Some(g), .. } = date_g([0x1F, 0x1C]) else {
            panic!()
        };
        assert_eq!(g.to_string(), "2008-12-31");
        assert_eq!(
            date_g([0xFF, 0xFF]),
            DataValue::Date {
                value: None,
                invalid: true,
                summer_time: false
            }
        );
        assert!(matches!(
            date_g([0x00, 0x00]),
            DataValue::Date {
                value: None,
                invalid: true,
                ..
            }
        ));
        // Hundred-year bits: HY = 1, yy = 5 is 2005; HY = 0, yy = 95 is 1995.
        let DataValue::Date { value: Some(d), .. } = date_f([0, 0x20, 0xA1, 0x01]) else {
            panic!()
        };
        assert_eq!(d.year, 2005);
        let DataValue::Date { value: Some(d), .. } = date_f([0, 0x00, 0xE1, 0xB1]) else {
            panic!()
        };
        assert_eq!(d.year, 1995);
        assert_eq!(time_j([5, 4, 3]), Some(3 * 3600 + 4 * 60 + 5));
    }
}
