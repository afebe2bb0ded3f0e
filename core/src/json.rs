//! The stable JSON form of a point (serde; written and read with `serde_json`).
//!
//! ```json
//! {"device":"mbus:id=12345678,man=LUG,ver=2,med=heat","address":"rec:3",
//!  "value":1.234,"value_type":"decimal","quantity":"volume","unit":"m3",
//!  "quality":{"severity":"good"},"timestamp":"2024-03-01T12:30",
//!  "qualifiers":{"function":"instantaneous","storage":0}}
//! ```
//!
//! Keys are snake_case; absent optional fields are omitted. Decimals are written as JSON numbers
//! with their exact digits (`1.234`, `1.200`, `12340`), which needs `serde_json`'s `raw_value`.
//! Non-finite floats are written as the strings `"NaN"`, `"inf"`, `"-inf"`; bytes as lower-case
//! hex; date-times in ISO 8601; durations as exact decimal seconds.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Display;
use core::time::Duration;

use serde::de::Error as _;
use serde::ser::{Error as _, SerializeMap};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::decimal::Decimal;
use crate::id::{Address, Device};
use crate::point::{ByteOrder, DataType, Function, Point, Qualifiers};
use crate::quality::{Quality, Reason, Severity};
use crate::unit::{Quantity, Unit};
use crate::value::{Bytes, DateTime, Text, Value};

struct AsStr<T>(T);

impl<T: Display> Serialize for AsStr<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Writes `text` as a raw JSON number.
fn raw_number<S: Serializer>(s: S, text: String) -> Result<S::Ok, S::Error> {
    RawValue::from_string(text)
        .map_err(S::Error::custom)?
        .serialize(s)
}

fn duration_text(d: Duration) -> String {
    let mut text = d.as_secs().to_string();
    if d.subsec_nanos() != 0 {
        let frac = alloc::format!("{:09}", d.subsec_nanos());
        text.push('.');
        text.push_str(frac.trim_end_matches('0'));
    }
    text
}

fn parse_duration(text: &str) -> Option<Duration> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
    };
    Some(Duration::new(secs.parse().ok()?, nanos))
}

/// Serializes a bare [`Value`] in the point JSON form's `value` encoding.
pub struct ValueJson<'v, 'a>(pub &'v Value<'a>);

impl Serialize for ValueJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::UInt(u) => s.serialize_u64(*u),
            Value::Float(f) if f.is_nan() => s.serialize_str("NaN"),
            Value::Float(f) if f.is_infinite() => {
                s.serialize_str(if *f > 0.0 { "inf" } else { "-inf" })
            }
            Value::Float(f) => s.serialize_f64(*f),
            Value::Decimal(d) => raw_number(s, d.to_string()),
            Value::Text(t) => s.collect_str(t),
            Value::Bytes(b) => s.collect_str(b),
            Value::DateTime(d) => s.collect_str(d),
            Value::Duration(d) => raw_number(s, duration_text(*d)),
        }
    }
}

impl Serialize for Quality {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("severity", self.severity.name())?;
        if self.reason != Reason::None {
            m.serialize_entry("reason", self.reason.name())?;
        }
        if let Some(code) = self.code {
            m.serialize_entry("code", &code)?;
        }
        m.end()
    }
}

impl Serialize for Qualifiers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(f) = self.function {
            m.serialize_entry("function", f.name())?;
        }
        if let Some(v) = self.storage {
            m.serialize_entry("storage", &v)?;
        }
        if let Some(v) = self.tariff {
            m.serialize_entry("tariff", &v)?;
        }
        if let Some(v) = self.subunit {
            m.serialize_entry("subunit", &v)?;
        }
        if let Some(v) = self.data_type {
            m.serialize_entry("data_type", v.name())?;
        }
        if let Some(v) = self.byte_order {
            m.serialize_entry("byte_order", v.name())?;
        }
        m.end()
    }
}

impl Serialize for Point<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("device", &AsStr(&self.device))?;
        m.serialize_entry("address", &AsStr(&self.address))?;
        m.serialize_entry("value", &ValueJson(&self.value))?;
        m.serialize_entry("value_type", self.value.type_name())?;
        if let Some(q) = self.quantity {
            m.serialize_entry("quantity", q.name())?;
        }
        if let Some(u) = self.unit {
            m.serialize_entry("unit", u.code())?;
        }
        m.serialize_entry("quality", &self.quality)?;
        if let Some(t) = &self.timestamp {
            m.serialize_entry("timestamp", &AsStr(t))?;
        }
        if !self.qualifiers.is_empty() {
            m.serialize_entry("qualifiers", &self.qualifiers)?;
        }
        m.end()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QualityIn {
    severity: String,
    reason: Option<String>,
    code: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct QualifiersIn {
    function: Option<String>,
    storage: Option<u64>,
    tariff: Option<u32>,
    subunit: Option<u32>,
    data_type: Option<String>,
    byte_order: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointIn {
    device: String,
    address: String,
    value: Box<RawValue>,
    value_type: String,
    quantity: Option<String>,
    unit: Option<String>,
    quality: QualityIn,
    timestamp: Option<String>,
    #[serde(default)]
    qualifiers: QualifiersIn,
}

fn named<T, E: serde::de::Error>(
    field: &str,
    name: Option<String>,
    lookup: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, E> {
    name.map(|n| lookup(&n).ok_or_else(|| E::custom(alloc::format!("unknown {field} {n:?}"))))
        .transpose()
}

fn value_from_json<E: serde::de::Error>(ty: &str, raw: &RawValue) -> Result<Value<'static>, E> {
    let text = raw.get();
    let json =
        |t: &str| -> Result<serde_json::Value, E> { serde_json::from_str(t).map_err(E::custom) };
    let string = || -> Result<String, E> {
        match json(text)? {
            serde_json::Value::String(s) => Ok(s),
            other => Err(E::custom(alloc::format!(
                "expected a string for {ty}, found {other}"
            ))),
        }
    };
    let bad = |what: &str| E::custom(alloc::format!("invalid {ty} value {text}: {what}"));
    Ok(match ty {
        "null" => Value::Null,
        "bool" => Value::Bool(serde_json::from_str(text).map_err(E::custom)?),
        "int" => Value::Int(serde_json::from_str(text).map_err(E::custom)?),
        "uint" => Value::UInt(serde_json::from_str(text).map_err(E::custom)?),
        "float" => match text {
            "\"NaN\"" => Value::Float(f64::NAN),
            "\"inf\"" => Value::Float(f64::INFINITY),
            "\"-inf\"" => Value::Float(f64::NEG_INFINITY),
            _ => Value::Float(serde_json::from_str(text).map_err(E::custom)?),
        },
        "decimal" => Value::Decimal(text.parse::<Decimal>().map_err(E::custom)?),
        "text" => Value::Text(Text::owned(string()?)),
        "bytes" => {
            let hex = string()?;
            let bytes: Option<Vec<u8>> = (hex.len() % 2 == 0)
                .then(|| {
                    (0..hex.len())
                        .step_by(2)
                        .map(|i| {
                            hex.get(i..i + 2)
                                .and_then(|h| u8::from_str_radix(h, 16).ok())
                        })
                        .collect()
                })
                .flatten();
            Value::Bytes(Bytes::owned(bytes.ok_or_else(|| bad("expected hex"))?))
        }
        "datetime" => Value::DateTime(string()?.parse::<DateTime>().map_err(E::custom)?),
        "duration" => Value::Duration(parse_duration(text).ok_or_else(|| bad("expected seconds"))?),
        other => return Err(E::custom(alloc::format!("unknown value_type {other:?}"))),
    })
}

impl<'de> Deserialize<'de> for Point<'static> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let p = PointIn::deserialize(d)?;
        let q = p.qualifiers;
        Ok(Point {
            device: p.device.parse::<Device>().map_err(D::Error::custom)?,
            address: p.address.parse::<Address>().map_err(D::Error::custom)?,
            value: value_from_json(&p.value_type, &p.value)?,
            quantity: named("quantity", p.quantity, Quantity::from_name)?,
            unit: named("unit", p.unit, Unit::from_code)?,
            quality: Quality {
                severity: named("severity", Some(p.quality.severity), Severity::from_name)?
                    .unwrap_or(Severity::Bad),
                reason: named("reason", p.quality.reason, Reason::from_name)?
                    .unwrap_or(Reason::None),
                code: p.quality.code,
            },
            timestamp: p
                .timestamp
                .map(|t| t.parse::<DateTime>())
                .transpose()
                .map_err(D::Error::custom)?,
            qualifiers: Qualifiers {
                function: named("function", q.function, Function::from_name)?,
                storage: q.storage,
                tariff: q.tariff,
                subunit: q.subunit,
                data_type: named("data_type", q.data_type, DataType::from_name)?,
                byte_order: named("byte_order", q.byte_order, ByteOrder::from_name)?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{Manufacturer, Medium, ModbusTable};
    use proptest::prelude::*;

    fn mbus_point() -> Point<'static> {
        let mut p = Point::new(
            Device::MBus {
                id: 0x1234_5678,
                manufacturer: Manufacturer(0x32A7),
                version: 2,
                medium: Medium(4),
            },
            Address::MBus { record: 3 },
            Value::Decimal(Decimal::new(1234, -3)),
        );
        p.quantity = Some(Quantity::Volume);
        p.unit = Some(Unit::CubicMetre);
        p.timestamp = Some(DateTime::date(2024, 3, 1).unwrap());
        p.qualifiers.function = Some(Function::Instantaneous);
        p.qualifiers.storage = Some(0);
        p
    }

    #[test]
    fn stable_json_form() {
        let json = serde_json::to_string(&mbus_point()).unwrap();
        assert_eq!(
            json,
            r#"{"device":"mbus:id=12345678,man=LUG,ver=2,med=heat","address":"rec:3","value":1.234,"value_type":"decimal","quantity":"volume","unit":"m3","quality":{"severity":"good"},"timestamp":"2024-03-01","qualifiers":{"function":"instantaneous","storage":0}}"#
        );
        let back: Point<'static> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, mbus_point());
    }

    #[test]
    fn decimals_print_exactly() {
        for (m, e, text) in [
            (1234, -3, "1.234"),
            (-5, -2, "-0.05"),
            (1234, 1, "12340"),
            (1200, -3, "1.200"),
        ] {
            let p = Point::new(
                Device::Epa { app: 1 },
                Address::Epa { obj: 1, attr: 1 },
                Value::Decimal(Decimal::new(m, e)),
            );
            let json = serde_json::to_string(&p).unwrap();
            assert!(
                json.contains(&alloc::format!("\"value\":{text},")),
                "{json}"
            );
        }
    }

    #[test]
    fn bad_quality_and_errors() {
        let mut p = Point::new(
            Device::Modbus {
                unit: 17,
                host: None,
                port: None,
            },
            Address::Modbus {
                table: ModbusTable::HoldingRegister,
                index: 0,
            },
            Value::Null,
        );
        p.quality = Quality::bad(Reason::ProtocolError, Some(2));
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""quality":{"severity":"bad","reason":"protocol_error","code":2}"#));
        assert_eq!(serde_json::from_str::<Point<'static>>(&json).unwrap(), p);
        let broken = json.replace("holding:0", "holding:x");
        let err = serde_json::from_str::<Point<'static>>(&broken)
            .unwrap_err()
            .to_string();
        assert!(err.contains("position 8"), "{err}");
    }

    fn value() -> impl Strategy<Value = Value<'static>> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<u64>().prop_map(Value::UInt),
            any::<f64>()
                .prop_filter("NaN != NaN", |f| !f.is_nan())
                .prop_map(Value::Float),
            (any::<i64>(), -30i16..30).prop_map(|(m, e)| Value::Decimal(Decimal::new(m, e))),
            ".{0,12}".prop_map(|s| Value::Text(Text::owned(s))),
            proptest::collection::vec(any::<u8>(), 0..12)
                .prop_map(|b| Value::Bytes(Bytes::owned(b))),
            (any::<i64>()).prop_map(|n| Value::DateTime(DateTime::from_unix_nanos(n))),
            (any::<u64>(), 0u32..1_000_000_000)
                .prop_map(|(s, n)| Value::Duration(Duration::new(s, n))),
        ]
    }

    proptest! {
        #[test]
        fn json_round_trip(v in value(), storage in any::<Option<u64>>(), code in any::<Option<u32>>()) {
            let mut p = mbus_point();
            p.value = v;
            p.qualifiers.storage = storage;
            p.quality.code = code;
            let json = serde_json::to_string(&p).unwrap();
            let back: Point<'static> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, p);
        }
    }
}
