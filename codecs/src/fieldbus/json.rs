//! The JSON form of typed values, shared by the EPA-S and WPA-L encoders and decoders: `type`,
//! `type_name`, `len` and `value` — numbers, text, hex for octet and bit strings,
//! `{ms, minute, hour, day, month, year}` for a DATE, `{ms, days}` for TIME_OF_DAY and
//! TIME_DIFFERENCE, nanoseconds for TIME_VALUE; a BOOLEAN octet other than 0 or 1 is kept as
//! `raw`, and a NaN's payload as `bits` (the float's bits as an integer).

use alloc::string::String;

use serde_json::{json, Map, Value as Json};

use crate::error::Result;
use crate::fields::{field_error, Fields};
use crate::registry::hex;

use super::{TypeCode, TypedValue};

/// Text of Latin-1 octets.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// A float as a JSON number, or `"NaN"`, `"inf"`, `"-inf"`.
pub fn float(v: f64) -> Json {
    match serde_json::Number::from_f64(v) {
        Some(n) => Json::Number(n),
        None if v.is_nan() => json!("NaN"),
        None if v > 0.0 => json!("inf"),
        None => json!("-inf"),
    }
}

/// The JSON of a typed value: `type`, `type_name`, `len`, `value` (and `raw` for a BOOLEAN octet
/// other than 0 or 1).
pub fn typed_json(v: &TypedValue<'_>) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("type".into(), json!(v.code()));
    if let Some(name) = TypeCode(v.code()).name() {
        m.insert("type_name".into(), json!(name));
    }
    m.insert("len".into(), json!(v.len()));
    let value = match *v {
        TypedValue::Boolean(b) => {
            if b > 1 {
                m.insert("raw".into(), json!(b));
            }
            json!(b != 0)
        }
        TypedValue::Int8(x) => json!(x),
        TypedValue::Int16(x) => json!(x),
        TypedValue::Int32(x) => json!(x),
        TypedValue::Int64(x) | TypedValue::TimeValue(x) => json!(x),
        TypedValue::UInt8(x) => json!(x),
        TypedValue::UInt16(x) => json!(x),
        TypedValue::UInt32(x) => json!(x),
        TypedValue::UInt64(x) => json!(x),
        TypedValue::Float32(x) => {
            if x.is_nan() {
                m.insert("bits".into(), json!(x.to_bits()));
            }
            float(f64::from(x))
        }
        TypedValue::Float64(x) => {
            if x.is_nan() {
                m.insert("bits".into(), json!(x.to_bits()));
            }
            float(x)
        }
        TypedValue::VisibleString(b) => json!(latin1(b)),
        TypedValue::OctetString(b)
        | TypedValue::BitString(b)
        | TypedValue::Other { bytes: b, .. } => {
            json!(hex(b))
        }
        TypedValue::Date {
            ms,
            minute,
            hour,
            day,
            month,
            year,
        } => {
            json!({"ms": ms, "minute": minute, "hour": hour, "day": day, "month": month, "year": year})
        }
        TypedValue::TimeOfDay { ms, days } | TypedValue::TimeDifference { ms, days } => {
            json!({"ms": ms, "days": days})
        }
    };
    m.insert("value".into(), value);
    m
}

/// The typed value of the JSON keys `type`, `value` (and `raw`), with variable-length octets
/// written to `scratch`.
pub fn typed_from_json<'s>(f: &Fields<'_>, scratch: &'s mut [u8]) -> Result<TypedValue<'s>> {
    let layer = f.layer();
    let code = f.u8("type")?;
    let num = |expected: &'static str| {
        f.get("value")
            .and_then(Json::as_f64)
            .ok_or(field_error(layer, "value", expected))
    };
    let int = |expected| f.uint::<u64>("value", expected);
    let sint = |expected: &'static str| {
        f.get("value")
            .and_then(Json::as_i64)
            .ok_or(field_error(layer, "value", expected))
    };
    let fit = |e: &'static str| field_error(layer, "value", e);
    let float = || -> Result<f64> {
        match f.get("value") {
            Some(Json::String(s)) => match s.as_str() {
                "NaN" => Ok(f64::NAN),
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                _ => Err(fit("a number, \"NaN\", \"inf\" or \"-inf\"")),
            },
            _ => num("a number, \"NaN\", \"inf\" or \"-inf\""),
        }
    };
    let sub = || f.object("value");
    Ok(match TypeCode(code) {
        TypeCode::BOOLEAN => TypedValue::Boolean(match f.optional("raw", Fields::u8)? {
            Some(raw) => raw,
            None => u8::from(f.bool("value")?),
        }),
        TypeCode::INT8 => TypedValue::Int8(
            i8::try_from(sint("an integer -128..=127")?)
                .map_err(|_| fit("an integer -128..=127"))?,
        ),
        TypeCode::INT16 => {
            TypedValue::Int16(i16::try_from(sint("an INT16")?).map_err(|_| fit("an INT16"))?)
        }
        TypeCode::INT32 => {
            TypedValue::Int32(i32::try_from(sint("an INT32")?).map_err(|_| fit("an INT32"))?)
        }
        TypeCode::INT64 => TypedValue::Int64(sint("an INT64")?),
        TypeCode::TIME_VALUE => TypedValue::TimeValue(sint("nanoseconds as an INT64")?),
        TypeCode::UINT8 => TypedValue::UInt8(f.u8("value")?),
        TypeCode::UINT16 => TypedValue::UInt16(f.u16("value")?),
        TypeCode::UINT32 => {
            TypedValue::UInt32(u32::try_from(int("a UINT32")?).map_err(|_| fit("a UINT32"))?)
        }
        TypeCode::UINT64 => TypedValue::UInt64(int("a UINT64")?),
        TypeCode::FLOAT32 => TypedValue::Float32(match f.get("bits") {
            Some(_) => f32::from_bits(f.uint("bits", "the float's 32 bits")?),
            None => float()? as f32,
        }),
        TypeCode::FLOAT64 => TypedValue::Float64(match f.get("bits") {
            Some(_) => f64::from_bits(f.uint("bits", "the float's 64 bits")?),
            None => float()?,
        }),
        TypeCode::VISIBLE_STRING => TypedValue::VisibleString(latin1_into(f, "value", scratch)?),
        TypeCode::DATE => {
            let d = sub()?;
            TypedValue::Date {
                ms: d.u16("ms")?,
                minute: d.u8("minute")?,
                hour: d.u8("hour")?,
                day: d.u8("day")?,
                month: d.u8("month")?,
                year: d.u8("year")?,
            }
        }
        TypeCode::TIME_OF_DAY | TypeCode::TIME_DIFFERENCE => {
            let d = sub()?;
            let (ms, days) = (
                d.uint::<u32>("ms", "milliseconds 0..=2^32-1")?,
                d.u16("days")?,
            );
            if TypeCode(code) == TypeCode::TIME_OF_DAY {
                TypedValue::TimeOfDay { ms, days }
            } else {
                TypedValue::TimeDifference { ms, days }
            }
        }
        TypeCode::OCTET_STRING | TypeCode::BIT_STRING | TypeCode(_) => {
            let n = f.hex("value", scratch)?;
            let bytes = scratch.get(..n).unwrap_or(&[]);
            match TypeCode(code) {
                TypeCode::OCTET_STRING => TypedValue::OctetString(bytes),
                TypeCode::BIT_STRING => TypedValue::BitString(bytes),
                _ => TypedValue::Other { code, bytes },
            }
        }
    })
}

/// The Latin-1 octets of the text at `key`, written to `scratch`.
pub fn latin1_into<'s>(
    f: &Fields<'_>,
    key: &'static str,
    scratch: &'s mut [u8],
) -> Result<&'s [u8]> {
    let text = f.str(key)?;
    let mut n = 0;
    for c in text.chars() {
        let dst =
            scratch
                .get_mut(n)
                .ok_or(field_error(f.layer(), key, "text that fits the frame"))?;
        *dst = u8::try_from(c).map_err(|_| field_error(f.layer(), key, "Latin-1 text"))?;
        n += 1;
    }
    Ok(scratch.get(..n).unwrap_or(&[]))
}
