//! Exact decimal numbers: `mantissa × 10^exponent`.
//!
//! Meter protocols scale integers by powers of ten (M-Bus VIF `10^(n-3) m3`, Modbus map scales).
//! Converting those to `f64` early loses exactness (`1234 × 10^-3` is not representable), so the
//! canonical model keeps them as [`Decimal`] and prints them exactly: `1.234`, `-0.05`, `12340`.
//! The scale is part of the value's text form (`1.200` stays `1.200`), but equality is numeric.

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::str::FromStr;

/// An exact decimal number `mantissa × 10^exponent`.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    mantissa: i64,
    exponent: i16,
}

/// Why a decimal string was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid decimal at position {position}: expected {expected}")]
pub struct DecimalParseError {
    /// Byte position in the input where parsing failed.
    pub position: usize,
    /// What was expected there.
    pub expected: &'static str,
}

/// Powers of ten that fit in an `i128` (10^0 ..= 10^38).
fn pow10_i128(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    /// Zero (`0`).
    pub const ZERO: Decimal = Decimal::new(0, 0);

    /// `mantissa × 10^exponent`.
    pub const fn new(mantissa: i64, exponent: i16) -> Self {
        Decimal { mantissa, exponent }
    }

    /// The integer mantissa.
    pub const fn mantissa(self) -> i64 {
        self.mantissa
    }

    /// The power-of-ten exponent.
    pub const fn exponent(self) -> i16 {
        self.exponent
    }

    /// The same number with trailing zeros moved from the mantissa into the exponent.
    pub fn normalized(self) -> Self {
        let (mut m, mut e) = (self.mantissa, self.exponent);
        if m == 0 {
            return Decimal::ZERO;
        }
        while m % 10 == 0 && e < i16::MAX {
            m /= 10;
            e += 1;
        }
        Decimal::new(m, e)
    }

    /// Builds a decimal from an `i128` mantissa, reducing trailing zeros if the mantissa is too
    /// large for `i64`. `None` when it cannot be represented exactly.
    fn from_i128(mut m: i128, mut e: i32) -> Option<Self> {
        while i64::try_from(m).is_err() && m % 10 == 0 {
            m /= 10;
            e = e.checked_add(1)?;
        }
        Some(Decimal::new(i64::try_from(m).ok()?, i16::try_from(e).ok()?))
    }

    /// Aligns two decimals to a common exponent (the smaller one), as i128 mantissas.
    fn aligned(self, other: Self) -> Option<(i128, i128, i32)> {
        let e = self.exponent.min(other.exponent);
        let scale_a = pow10_i128(u32::try_from(i32::from(self.exponent) - i32::from(e)).ok()?)?;
        let scale_b = pow10_i128(u32::try_from(i32::from(other.exponent) - i32::from(e)).ok()?)?;
        let a = i128::from(self.mantissa).checked_mul(scale_a)?;
        let b = i128::from(other.mantissa).checked_mul(scale_b)?;
        Some((a, b, i32::from(e)))
    }

    /// Exact sum, `None` if it does not fit.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        if self.mantissa == 0 {
            return Some(other);
        }
        if other.mantissa == 0 {
            return Some(self);
        }
        let (a, b, e) = self.aligned(other)?;
        Self::from_i128(a.checked_add(b)?, e)
    }

    /// Exact difference, `None` if it does not fit.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(Decimal::new(other.mantissa.checked_neg()?, other.exponent))
    }

    /// Exact product, `None` if it does not fit.
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        let m = i128::from(self.mantissa).checked_mul(i128::from(other.mantissa))?;
        Self::from_i128(m, i32::from(self.exponent) + i32::from(other.exponent))
    }

    /// Exact multiplication by the fraction `num / den`; `None` when the result has no exact
    /// decimal form that fits (e.g. dividing by 3).
    pub fn checked_mul_ratio(self, num: i128, den: i128) -> Option<Self> {
        if den == 0 {
            return None;
        }
        let mut m = i128::from(self.mantissa).checked_mul(num)?;
        let mut e = i32::from(self.exponent);
        let (m_sign, den) = if den < 0 { (-1, -den) } else { (1, den) };
        m = m.checked_mul(m_sign)?;
        // Scale up by tens until the division is exact (finite decimal) or we run out of room.
        loop {
            if m % den == 0 {
                return Self::from_i128(m / den, e);
            }
            m = m.checked_mul(10)?;
            e = e.checked_sub(1)?;
        }
    }

    /// Multiplies by `10^n` exactly (changes only the exponent).
    pub fn checked_scale(self, n: i16) -> Option<Self> {
        Some(Decimal::new(self.mantissa, self.exponent.checked_add(n)?))
    }

    /// The nearest `f64` (correctly rounded).
    pub fn to_f64(self) -> f64 {
        // Clinger's fast path: both operands exact in f64, one rounding.
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if self.mantissa.unsigned_abs() <= 1 << 53 {
            if let Some(&p) = POW10.get(usize::from(self.exponent.unsigned_abs())) {
                let m = self.mantissa as f64;
                return if self.exponent >= 0 { m * p } else { m / p };
            }
        }
        self.to_f64_slow()
    }

    /// `to_f64` through text and core's correctly rounded parser, for any range.
    fn to_f64_slow(self) -> f64 {
        // "<mantissa>e<exponent>" is at most 20 + 1 + 6 bytes; core's float parser rounds correctly.
        let mut buf = StackBuf::<32>::new();
        if fmt::write(
            &mut buf,
            format_args!("{}e{}", self.mantissa, self.exponent),
        )
        .is_err()
        {
            return f64::NAN;
        }
        buf.as_str().parse().unwrap_or(f64::NAN)
    }

    /// The value as an integer when it has no fractional part and fits.
    pub fn to_i64(self) -> Option<i64> {
        let n = self.normalized();
        if n.exponent < 0 {
            return None;
        }
        let scale = 10i64.checked_pow(u32::try_from(n.exponent).ok()?)?;
        n.mantissa.checked_mul(scale)
    }

    /// The shortest decimal that reads back as `value` in `f32` (a meter's 12.3 stays 12.3), or
    /// `None` for NaN and infinities.
    pub fn from_f32(value: f32) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        Self::from_f32_places(value).or_else(|| Self::from_f32_text(value))
    }

    /// [`Decimal::from_f32`] for magnitudes from 10^-3 to 2^24 with at most 12 decimal places
    /// (what meters send): the fewest places `k` at which the nearest `k`-place decimal lies in
    /// the interval of reals that round to `value` (ties to even, as the text form decides).
    /// Every step is exact in `f64`: a 24-bit significand times 10^k (k ≤ 12) needs at most 52
    /// bits. `None` outside that range, or on a tie between two candidates.
    fn from_f32_places(value: f32) -> Option<Self> {
        if value == 0.0 {
            return Some(Decimal::ZERO);
        }
        let magnitude = f64::from(value.abs());
        if !(1e-3..16_777_216.0).contains(&magnitude) {
            return None;
        }
        let bits = value.to_bits();
        // Distance to the neighbouring f32 values: 2^(e - 150) for biased exponent e (normal
        // here), half of it below a power of two.
        let ulp = f64::from_bits((u64::from((bits >> 23) & 0xFF) + 1023 - 150) << 52);
        let half_above = ulp / 2.0;
        let half_below = if bits & 0x7F_FFFF == 0 {
            ulp / 4.0
        } else {
            half_above
        };
        let inclusive = bits & 1 == 0;
        let mut scale = 1.0f64;
        for places in 0..=12i16 {
            let x = magnitude * scale;
            // The loop ends by the places where `half * scale` passes 0.5, and `half` is at
            // least a quarter ulp (2^-25 of the magnitude), so `x` stays below 10 * 2^25: exact
            // in `i64`, whose conversions are single instructions.
            let whole = x as i64;
            let below = x - whole as f64;
            let (m, distance, half) = if below < 0.5 {
                (whole, below, half_below)
            } else if below > 0.5 {
                (whole + 1, 1.0 - below, half_above)
            } else {
                return None;
            };
            let half = half * scale;
            if distance < half || (distance == half && inclusive) {
                let m = if value < 0.0 { -m } else { m };
                return Some(Decimal::new(m, -places).normalized());
            }
            scale *= 10.0;
        }
        None
    }

    /// [`Decimal::from_f32`] through core's shortest round-trip formatting, for any range.
    fn from_f32_text(value: f32) -> Option<Self> {
        let mut buf = StackBuf::<64>::new();
        fmt::write(&mut buf, format_args!("{:e}", value)).ok()?;
        buf.as_str().parse().ok()
    }

    /// The decimal closest to `value` with the shortest text that parses back to it, or `None`
    /// for NaN, infinities and values outside the `i64`-mantissa range.
    pub fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        let mut buf = StackBuf::<64>::new();
        fmt::write(&mut buf, format_args!("{:e}", value)).ok()?;
        buf.as_str().parse().ok()
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.normalized(), other.normalized());
        match a.aligned(b) {
            Some((x, y, _)) => x.cmp(&y),
            // Exponents too far apart to align: compare signs, then magnitudes by exponent.
            None => {
                let sign = a.mantissa.signum().cmp(&b.mantissa.signum());
                if sign != Ordering::Equal {
                    return sign;
                }
                let magnitude = (a.exponent, a.mantissa.unsigned_abs())
                    .cmp(&(b.exponent, b.mantissa.unsigned_abs()));
                if a.mantissa < 0 {
                    magnitude.reverse()
                } else {
                    magnitude
                }
            }
        }
    }
}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let n = self.normalized();
        n.mantissa.hash(state);
        n.exponent.hash(state);
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal::new(value, 0)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = StackBuf::<24>::new();
        fmt::write(
            &mut digits,
            format_args!("{}", self.mantissa.unsigned_abs()),
        )?;
        let digits = digits.as_str();
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        if self.exponent >= 0 {
            f.write_str(digits)?;
            if self.mantissa != 0 {
                for _ in 0..self.exponent {
                    f.write_str("0")?;
                }
            }
            return Ok(());
        }
        let frac = usize::from(self.exponent.unsigned_abs());
        if digits.len() > frac {
            let (int, fraction) = digits.split_at(digits.len() - frac);
            write!(f, "{int}.{fraction}")
        } else {
            f.write_str("0.")?;
            for _ in 0..frac - digits.len() {
                f.write_str("0")?;
            }
            f.write_str(digits)
        }
    }
}

impl FromStr for Decimal {
    type Err = DecimalParseError;

    /// Parses `[-+]digits[.digits][(e|E)[-+]digits]`; the scale is kept (`1.20` has exponent -2).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |position, expected| DecimalParseError { position, expected };
        let bytes = s.as_bytes();
        let mut i = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut magnitude: u64 = 0;
        // Zeros not yet multiplied in, so trailing zeros beyond u64 move into the exponent.
        let mut zeros: u32 = 0;
        let mut exponent: i32 = 0;
        let mut digits = 0usize;
        let mut seen_point = false;
        while let Some(&c) = bytes.get(i) {
            match c {
                b'0'..=b'9' => {
                    if c == b'0' {
                        zeros += 1;
                    } else if magnitude == 0 {
                        magnitude = u64::from(c - b'0');
                        zeros = 0;
                    } else {
                        magnitude = 10u64
                            .checked_pow(zeros + 1)
                            .and_then(|scale| magnitude.checked_mul(scale))
                            .and_then(|m| m.checked_add(u64::from(c - b'0')))
                            .ok_or(err(i, "at most 19 significant digits"))?;
                        zeros = 0;
                    }
                    if seen_point {
                        exponent -= 1;
                    }
                    digits += 1;
                }
                b'.' if !seen_point => seen_point = true,
                b'e' | b'E' => break,
                _ => return Err(err(i, "a digit, '.' or an exponent")),
            }
            i += 1;
        }
        match 10u64
            .checked_pow(zeros)
            .and_then(|s| magnitude.checked_mul(s))
        {
            Some(m) if i64::try_from(m).is_ok() || m == 1 << 63 => magnitude = m,
            _ => exponent += i32::try_from(zeros).unwrap_or(i32::MAX),
        }
        if digits == 0 {
            return Err(err(i, "a digit"));
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            let rest = s.get(i..).unwrap_or("");
            let exp: i32 = rest.parse().map_err(|_| err(i, "an integer exponent"))?;
            exponent = exponent
                .checked_add(exp)
                .ok_or(err(i, "a smaller exponent"))?;
        }
        let signed = if negative {
            0i128 - i128::from(magnitude)
        } else {
            i128::from(magnitude)
        };
        let mantissa =
            i64::try_from(signed).map_err(|_| err(0, "a mantissa within the i64 range"))?;
        let exponent = i16::try_from(exponent).map_err(|_| err(i, "an exponent within ±32767"))?;
        Ok(Decimal::new(mantissa, exponent))
    }
}

/// A fixed-size `fmt::Write` target for formatting numbers without allocation.
pub(crate) struct StackBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackBuf<N> {
    pub(crate) const fn new() -> Self {
        StackBuf {
            buf: [0; N],
            len: 0,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl<const N: usize> fmt::Write for StackBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn formats_exactly() {
        assert_eq!(Decimal::new(1234, -3).to_string(), "1.234");
        assert_eq!(Decimal::new(-5, -2).to_string(), "-0.05");
        assert_eq!(Decimal::new(1234, 1).to_string(), "12340");
        assert_eq!(Decimal::new(1200, -3).to_string(), "1.200");
        assert_eq!(Decimal::new(0, -3).to_string(), "0.000");
        assert_eq!(Decimal::new(0, 3).to_string(), "0");
        assert_eq!(Decimal::new(7, -1).to_string(), "0.7");
        assert_eq!(
            Decimal::new(i64::MIN, 0).to_string(),
            "-9223372036854775808"
        );
        assert_eq!(Decimal::new(-123, -5).to_string(), "-0.00123");
    }

    #[test]
    fn parses_and_keeps_scale() {
        let d: Decimal = "1.200".parse().unwrap();
        assert_eq!((d.mantissa(), d.exponent()), (1200, -3));
        let d: Decimal = "-0.05".parse().unwrap();
        assert_eq!((d.mantissa(), d.exponent()), (-5, -2));
        let d: Decimal = "1.5e3".parse().unwrap();
        assert_eq!((d.mantissa(), d.exponent()), (15, 2));
        assert_eq!("12a".parse::<Decimal>().unwrap_err().position, 2);
        assert_eq!("".parse::<Decimal>().unwrap_err().position, 0);
        assert!("1.2.3".parse::<Decimal>().is_err());
        assert!("99999999999999999999".parse::<Decimal>().is_err());
    }

    #[test]
    fn equality_is_numeric() {
        assert_eq!(Decimal::new(12, -1), Decimal::new(1200, -3));
        assert!(Decimal::new(-1, 0) < Decimal::new(1, -300));
        assert!(Decimal::new(1, 300) > Decimal::new(i64::MAX, 0));
    }

    #[test]
    fn converts_to_f64_correctly_rounded() {
        assert_eq!(Decimal::new(1234, -3).to_f64(), 1.234);
        assert_eq!(Decimal::new(-5, -2).to_f64(), -0.05);
        assert_eq!(Decimal::new(1234, 1).to_f64(), 12340.0);
        assert_eq!(Decimal::new(1, -400).to_f64(), 0.0);
        assert_eq!(Decimal::new(3, 400).to_f64(), f64::INFINITY);
        assert_eq!(Decimal::from_f64(0.1), Some(Decimal::new(1, -1)));
        assert_eq!(Decimal::from_f32(12.3), Some(Decimal::new(123, -1)));
        assert_eq!(Decimal::from_f32(1200.0), Some(Decimal::new(12, 2)));
        assert_eq!(Decimal::from_f32(-0.001), Some(Decimal::new(-1, -3)));
        // Powers of two: the gap below is half the gap above.
        assert_eq!(Decimal::from_f32(0.5), Some(Decimal::new(5, -1)));
        assert_eq!(Decimal::from_f32(1.0e-7), Some(Decimal::new(1, -7)));
        assert_eq!(
            Decimal::from_f32(16_777_216.0),
            Some(Decimal::new(16_777_216, 0))
        );
        assert_eq!(Decimal::from_f32(f32::NAN), None);
    }

    #[test]
    fn exact_arithmetic() {
        let a = Decimal::new(1234, -3);
        assert_eq!(
            a.checked_add(Decimal::new(27315, -2)),
            Some(Decimal::new(274384, -3))
        );
        assert_eq!(a.checked_mul_ratio(1, 1000), Some(Decimal::new(1234, -6)));
        assert_eq!(
            Decimal::new(1, 0).checked_mul_ratio(1, 8),
            Some(Decimal::new(125, -3))
        );
        assert_eq!(Decimal::new(1, 0).checked_mul_ratio(1, 3), None);
        assert_eq!(
            Decimal::new(i64::MAX, 0).checked_mul(Decimal::new(3, 0)),
            None
        );
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(m in any::<i64>(), e in -40i16..40) {
            let d = Decimal::new(m, e);
            let text = d.to_string();
            let back: Decimal = text.parse().unwrap();
            prop_assert_eq!(back, d);
            // The scale survives for non-negative exponents only when the mantissa is non-zero.
            if e < 0 { prop_assert_eq!((back.mantissa(), back.exponent()), (m, e)); }
        }

        #[test]
        fn f32_places_match_core_shortest_text(bits in any::<u32>(), near in 1e-3f32..1.7e7) {
            // The fast path agrees digit for digit with core's shortest round-trip text, over
            // every bit pattern and densely over the range it serves.
            for value in [f32::from_bits(bits), near, -near] {
                let text = Decimal::from_f32_text(value).map(|d| (d.mantissa(), d.exponent()));
                if let Some(fast) = Decimal::from_f32_places(value) {
                    prop_assert_eq!(Some((fast.mantissa(), fast.exponent())), text, "{:e}", value);
                }
                let all = Decimal::from_f32(value).map(|d| (d.mantissa(), d.exponent()));
                prop_assert_eq!(all, text);
            }
        }

        #[test]
        fn f64_matches_std_parse(m in any::<i64>(), e in -30i16..30) {
            let d = Decimal::new(m, e);
            let expected: f64 = std::format!("{m}e{e}").parse().unwrap();
            prop_assert_eq!(d.to_f64(), expected);
        }
    }
}
