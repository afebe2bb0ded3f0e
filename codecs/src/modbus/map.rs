//! Register maps: how typed values sit in Modbus register and coil images.
//!
//! A [`Field`] says where a value lives (table, address), its wire type (u16 … f64, string, bit
//! field), the byte order of multi-register values (`ABCD` big-endian, `CDAB` word swap, `BADC`
//! byte swap, `DCBA` little-endian — libmodbus's naming; its 123456.0 = 0x47F12000 vectors are the
//! tests), an optional scale and offset (applied exactly on integers: `raw × scale + offset` is a
//! [`Decimal`]), and the unit and quantity of the result.
//!
//! With `alloc`, a [`RegisterMap`] is a list of named fields read from TOML:
//!
//! ```toml
//! unit = 17
//! [[field]]
//! name = "energy"
//! table = "holding"
//! address = 100
//! type = "f32"
//! byte_order = "CDAB"
//! unit = "kWh"
//! quantity = "energy"
//! ```

use causeway_core::{ByteOrder, DataType, Decimal, ModbusTable, Quantity, Text, Unit, Value};

use crate::error::{Error, ErrorKind, Layer, Result};

use super::pdu::{Bits, Registers};

const L: Layer = Layer::ModbusPdu;

/// Where and how one value is stored.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "alloc", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "alloc", serde(deny_unknown_fields))]
pub struct Field {
    /// The table.
    #[cfg_attr(feature = "alloc", serde(with = "serde_named::table"))]
    pub table: ModbusTable,
    /// First address (0-based).
    pub address: u16,
    /// Wire type.
    #[cfg_attr(
        feature = "alloc",
        serde(rename = "type", with = "serde_named::data_type")
    )]
    pub data_type: DataType,
    /// Byte order of multi-register values (and of string characters: `BADC` swaps each pair;
    /// `bytes` fields are raw register bytes in wire order whatever this says).
    #[cfg_attr(
        feature = "alloc",
        serde(default = "abcd", with = "serde_named::byte_order")
    )]
    pub byte_order: ByteOrder,
    /// Registers a string or byte field spans.
    #[cfg_attr(feature = "alloc", serde(default))]
    pub length: u16,
    /// First bit of a `bool` or `bits` field inside its register (0 = LSB).
    #[cfg_attr(feature = "alloc", serde(default))]
    pub bit: u8,
    /// Number of bits of a `bits` field (1–16; 0 means the whole register).
    #[cfg_attr(feature = "alloc", serde(default))]
    pub bits: u8,
    /// Multiplier applied to the raw number.
    #[cfg_attr(feature = "alloc", serde(default, with = "serde_named::decimal"))]
    pub scale: Option<Decimal>,
    /// Added after scaling.
    #[cfg_attr(feature = "alloc", serde(default, with = "serde_named::decimal"))]
    pub offset: Option<Decimal>,
    /// Unit of the scaled value.
    #[cfg_attr(feature = "alloc", serde(default, with = "serde_named::unit"))]
    pub unit: Option<Unit>,
    /// What it measures.
    #[cfg_attr(feature = "alloc", serde(default, with = "serde_named::quantity"))]
    pub quantity: Option<Quantity>,
}

#[cfg(feature = "alloc")]
fn abcd() -> ByteOrder {
    ByteOrder::Abcd
}

impl Field {
    /// A field with default order, no scaling, no unit.
    pub const fn new(table: ModbusTable, address: u16, data_type: DataType) -> Self {
        Field {
            table,
            address,
            data_type,
            byte_order: ByteOrder::Abcd,
            length: 0,
            bit: 0,
            bits: 0,
            scale: None,
            offset: None,
            unit: None,
            quantity: None,
        }
    }

    /// Registers (or coils) the field occupies.
    pub const fn count(&self) -> u16 {
        match self.data_type {
            DataType::U32 | DataType::I32 | DataType::F32 => 2,
            DataType::U64 | DataType::I64 | DataType::F64 => 4,
            DataType::String | DataType::Bytes => self.length,
            _ => 1,
        }
    }

    /// The bits of its register a `bool` or `bits` field occupies (`0xFFFF` for other types,
    /// which fill whole registers); bits past 15 are outside the register.
    pub fn bit_mask(&self) -> u32 {
        let width = match self.data_type {
            DataType::Bool => 1,
            DataType::Bits if self.bits != 0 => u32::from(self.bits.min(16)),
            _ => 16,
        };
        ((1u32 << width) - 1) << u32::from(self.bit.min(15))
    }

    fn is_bit_table(&self) -> bool {
        matches!(self.table, ModbusTable::Coil | ModbusTable::DiscreteInput)
    }

    /// Decodes the field from `regs`, whose first register is at address `start`.
    pub fn decode<'a>(&self, start: u16, regs: Registers<'a>) -> Result<Value<'a>> {
        let bytes = self.window(start, regs.len(), regs.as_bytes(), 2)?;
        let raw = match self.data_type {
            DataType::String => return Ok(Value::Text(text(bytes, self.byte_order))),
            DataType::Bytes => return Ok(Value::Bytes(causeway_core::Bytes::new(bytes))),
            DataType::Bool | DataType::Bits => {
                let reg = u16::from_be_bytes(be8::<2>(bytes));
                let width = if self.bits == 0 {
                    16
                } else {
                    u32::from(self.bits.min(16))
                };
                let shifted = u32::from(reg) >> u32::from(self.bit.min(15));
                let mask = if width >= 32 {
                    u32::MAX
                } else {
                    (1u32 << width) - 1
                };
                return Ok(if self.data_type == DataType::Bool {
                    Value::Bool(shifted & 1 != 0)
                } else {
                    self.scaled_int(i128::from(shifted & mask))
                });
            }
            _ => ordered(bytes, self.byte_order),
        };
        Ok(match self.data_type {
            DataType::U16 => self.scaled_int(i128::from(u16::from_be_bytes(be8::<2>(&raw[6..])))),
            DataType::I16 => self.scaled_int(i128::from(i16::from_be_bytes(be8::<2>(&raw[6..])))),
            DataType::U32 => self.scaled_int(i128::from(u32::from_be_bytes(be8::<4>(&raw[4..])))),
            DataType::I32 => self.scaled_int(i128::from(i32::from_be_bytes(be8::<4>(&raw[4..])))),
            DataType::U64 => self.scaled_int(i128::from(u64::from_be_bytes(raw))),
            DataType::I64 => self.scaled_int(i128::from(i64::from_be_bytes(raw))),
            DataType::F32 => self.scaled_float(f64::from(f32::from_be_bytes(be8::<4>(&raw[4..])))),
            DataType::F64 => self.scaled_float(f64::from_be_bytes(raw)),
            other => return Err(unsupported(other)),
        })
    }

    /// Decodes a coil or discrete-input field from `bits`, whose first bit is at `start`.
    pub fn decode_bit(&self, start: u16, bits: Bits<'_>) -> Result<Value<'static>> {
        let i = usize::from(self.address.wrapping_sub(start));
        if self.address < start || i >= bits.len() {
            return Err(self.outside(start, bits.len()));
        }
        bits.get(i)
            .map(Value::Bool)
            .ok_or(self.outside(start, bits.len()))
    }

    /// Encodes `value` into the register image `regs` (big-endian wire bytes), whose first
    /// register is at address `start`. Scale and offset are undone first.
    pub fn encode(&self, value: &Value<'_>, start: u16, regs: &mut [u8]) -> Result<()> {
        let count = regs.len() / 2;
        let first = usize::from(self.address.wrapping_sub(start));
        let n = usize::from(self.count());
        if self.address < start || first + n > count || self.is_bit_table() {
            return Err(self.outside(start, count));
        }
        let dst = regs
            .get_mut(first * 2..(first + n) * 2)
            .ok_or(self.outside(start, count))?;
        match self.data_type {
            DataType::String | DataType::Bytes => {
                dst.fill(0);
                let mut i = 0usize;
                let mut put = |b: u8| {
                    // Strings swap character pairs in BADC order; raw bytes keep wire order.
                    let swap =
                        self.byte_order == ByteOrder::Badc && self.data_type == DataType::String;
                    let at = if swap { i ^ 1 } else { i };
                    if let Some(slot) = dst.get_mut(at) {
                        *slot = b;
                    }
                    i += 1;
                };
                match value {
                    Value::Text(t) => t
                        .chars()
                        .take(n * 2)
                        .for_each(|c| put(u8::try_from(c).unwrap_or(b'?'))),
                    Value::Bytes(b) => b.as_slice().iter().take(n * 2).for_each(|&b| put(b)),
                    other => return Err(not_representable(other)),
                }
                return Ok(());
            }
            DataType::Bool | DataType::Bits => {
                let raw = match value {
                    Value::Bool(b) => u64::from(*b),
                    other => u64::try_from(self.unscale_int(other)?).map_err(|_| range_error())?,
                };
                let mask = self.bit_mask();
                let current = u32::from(u16::from_be_bytes(be8::<2>(dst)));
                let shifted =
                    (u32::try_from(raw).map_err(|_| range_error())?) << u32::from(self.bit.min(15));
                if shifted & !mask != 0 {
                    return Err(range_error());
                }
                dst.copy_from_slice(&(((current & !mask) | shifted) as u16).to_be_bytes());
                return Ok(());
            }
            _ => {}
        }
        // An integer within the type's range, as the low bytes of its two's complement.
        let int = |lo: i128, hi: i128| -> Result<[u8; 8]> {
            let v = self.unscale_int(value)?;
            if (lo..=hi).contains(&v) {
                Ok((v as u64).to_be_bytes())
            } else {
                Err(range_error())
            }
        };
        let be: [u8; 8] = match self.data_type {
            DataType::U16 => int(0, u16::MAX.into())?,
            DataType::I16 => int(i16::MIN.into(), i16::MAX.into())?,
            DataType::U32 => int(0, u32::MAX.into())?,
            DataType::I32 => int(i32::MIN.into(), i32::MAX.into())?,
            DataType::U64 => int(0, u64::MAX.into())?,
            DataType::I64 => int(i64::MIN.into(), i64::MAX.into())?,
            DataType::F32 => u64::from((self.unscale_float(value)? as f32).to_bits()).to_be_bytes(),
            DataType::F64 => self.unscale_float(value)?.to_be_bytes(),
            other => return Err(unsupported(other)),
        };
        // Word and byte orders are their own inverses: the permutation that reads a value from
        // registers also places it there.
        let placed = ordered(be.get(8 - n * 2..).unwrap_or(&[]), self.byte_order);
        for (d, b) in dst.iter_mut().zip(placed.get(8 - n * 2..).unwrap_or(&[])) {
            *d = *b;
        }
        Ok(())
    }

    fn window<'a>(
        &self,
        start: u16,
        count: usize,
        bytes: &'a [u8],
        width: usize,
    ) -> Result<&'a [u8]> {
        let first = usize::from(self.address.wrapping_sub(start));
        let n = usize::from(self.count());
        if self.address < start || first + n > count || n == 0 || self.is_bit_table() {
            return Err(self.outside(start, count));
        }
        bytes
            .get(first * width..(first + n) * width)
            .ok_or(self.outside(start, count))
    }

    fn outside(&self, start: u16, count: usize) -> Error {
        Error::new(
            L,
            0,
            ErrorKind::Length {
                field: "register map window",
                expected: usize::from(self.address) + usize::from(self.count()),
                found: usize::from(start) + count,
            },
        )
    }

    fn scaled_int(&self, raw: i128) -> Value<'static> {
        if self.scale.is_none() && self.offset.is_none() {
            return match i64::try_from(raw) {
                Ok(i) if raw < 0 => Value::Int(i),
                _ => u64::try_from(raw).map_or(Value::Null, Value::UInt),
            };
        }
        let exact = i64::try_from(raw).ok().and_then(|r| {
            let scaled =
                Decimal::new(r, 0).checked_mul(self.scale.unwrap_or(Decimal::new(1, 0)))?;
            scaled.checked_add(self.offset.unwrap_or(Decimal::ZERO))
        });
        exact.map_or_else(|| self.scaled_float(raw as f64), Value::Decimal)
    }

    fn scaled_float(&self, raw: f64) -> Value<'static> {
        let scale = self.scale.map_or(1.0, Decimal::to_f64);
        let offset = self.offset.map_or(0.0, Decimal::to_f64);
        Value::Float(raw * scale + offset)
    }

    /// The raw integer for `value` (inverse of scale and offset; must come out whole).
    fn unscale_int(&self, value: &Value<'_>) -> Result<i128> {
        if self.scale.is_none() && self.offset.is_none() {
            match *value {
                Value::UInt(u) => return Ok(i128::from(u)),
                Value::Int(i) => return Ok(i128::from(i)),
                _ => {}
            }
        }
        if let Some(d) = value.as_decimal() {
            let shifted = d
                .checked_sub(self.offset.unwrap_or(Decimal::ZERO))
                .ok_or(range_error())?;
            let raw = match self.scale {
                None => Some(shifted),
                Some(s) => {
                    let s = s.normalized();
                    // Divide by mantissa × 10^exp exactly.
                    shifted
                        .checked_scale(s.exponent().checked_neg().ok_or(range_error())?)
                        .and_then(|x| x.checked_mul_ratio(1, i128::from(s.mantissa())))
                }
            };
            if let Some(i) = raw.and_then(Decimal::to_i64) {
                return Ok(i128::from(i));
            }
        }
        // Whole floats only (`as` saturates, so the round trip also rejects out-of-range values).
        let f = self.unscale_float(value)?;
        let whole = f as i128;
        if f.is_finite() && whole as f64 == f {
            Ok(whole)
        } else {
            Err(range_error())
        }
    }

    fn unscale_float(&self, value: &Value<'_>) -> Result<f64> {
        let v = value.as_f64().ok_or(not_representable(value))?;
        let scale = self.scale.map_or(1.0, Decimal::to_f64);
        let offset = self.offset.map_or(0.0, Decimal::to_f64);
        Ok((v - offset) / scale)
    }
}

fn range_error() -> Error {
    Error::invalid(L, 0, "value", "a value that fits the field's type", 0)
}

fn not_representable(v: &Value<'_>) -> Error {
    Error::new(
        L,
        0,
        ErrorKind::Unsupported {
            what: "value type for this field",
            found: v.type_name().len() as u64,
        },
    )
}

fn unsupported(t: DataType) -> Error {
    Error::new(
        L,
        0,
        ErrorKind::Unsupported {
            what: "data type in a register map",
            found: t as u64,
        },
    )
}

fn be8<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, i) in out.iter_mut().zip(b) {
        *o = *i;
    }
    out
}

/// Big-endian value bytes (right-aligned in 8) from register bytes in `order`.
fn ordered(regs: &[u8], order: ByteOrder) -> [u8; 8] {
    let n = (regs.len() / 2).min(4);
    let mut out = [0u8; 8];
    for k in 0..n {
        let src = match order {
            ByteOrder::Abcd | ByteOrder::Badc => k,
            ByteOrder::Cdab | ByteOrder::Dcba => n - 1 - k,
        };
        let (a, b) = (
            regs.get(src * 2).copied().unwrap_or(0),
            regs.get(src * 2 + 1).copied().unwrap_or(0),
        );
        let (hi, lo) = match order {
            ByteOrder::Abcd | ByteOrder::Cdab => (a, b),
            ByteOrder::Badc | ByteOrder::Dcba => (b, a),
        };
        let at = 8 - 2 * (n - k);
        if let Some(d) = out.get_mut(at..at + 2) {
            d.copy_from_slice(&[hi, lo]);
        }
    }
    out
}

/// String characters from register bytes, trailing NULs and spaces trimmed; `BADC` swaps pairs.
fn text(bytes: &[u8], order: ByteOrder) -> Text<'_> {
    let swapped = order == ByteOrder::Badc;
    let char_at = |i: usize| {
        bytes
            .get(if swapped { i ^ 1 } else { i })
            .copied()
            .unwrap_or(0)
    };
    let mut len = bytes.len();
    while len > 0 && matches!(char_at(len - 1), 0 | b' ') {
        len -= 1;
    }
    if swapped {
        Text::swapped_pairs(bytes, len)
    } else {
        Text::new(bytes.get(..len).unwrap_or(&[]))
    }
}

/// serde adapters: named enums as their stable strings, decimals as strings or numbers.
#[cfg(feature = "alloc")]
pub(crate) mod serde_named {
    macro_rules! named {
        ($m:ident, $t:ty, $name:expr, $from:expr) => {
            pub mod $m {
                use alloc::string::String;
                #[allow(unused_imports)]
                use causeway_core::*;
                use serde::{Deserialize, Deserializer, Serializer};
                pub fn serialize<S: Serializer>(v: &$t, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_str($name(*v))
                }
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                    let text = String::deserialize(d)?;
                    $from(&text).ok_or_else(|| {
                        serde::de::Error::custom(alloc::format!(
                            "unknown {} {text:?}",
                            stringify!($m)
                        ))
                    })
                }
            }
        };
    }
    named!(
        table,
        ModbusTable,
        ModbusTable::name,
        ModbusTable::from_name
    );
    named!(data_type, DataType, DataType::name, DataType::from_name);
    named!(byte_order, ByteOrder, ByteOrder::name, ByteOrder::from_name);

    macro_rules! optional {
        ($m:ident, $t:ty, $name:expr, $from:expr) => {
            pub mod $m {
                use alloc::string::String;
                #[allow(unused_imports)]
                use causeway_core::*;
                use serde::{Deserialize, Deserializer, Serializer};
                pub fn serialize<S: Serializer>(v: &Option<$t>, s: S) -> Result<S::Ok, S::Error> {
                    match v {
                        Some(v) => s.serialize_str($name(*v)),
                        None => s.serialize_none(),
                    }
                }
                pub fn deserialize<'de, D: Deserializer<'de>>(
                    d: D,
                ) -> Result<Option<$t>, D::Error> {
                    let text = Option::<String>::deserialize(d)?;
                    text.map(|t| {
                        $from(&t).ok_or_else(|| {
                            serde::de::Error::custom(alloc::format!(
                                "unknown {} {t:?}",
                                stringify!($m)
                            ))
                        })
                    })
                    .transpose()
                }
            }
        };
    }
    optional!(unit, Unit, Unit::code, Unit::from_code);
    optional!(quantity, Quantity, Quantity::name, Quantity::from_name);

    pub mod decimal {
        use alloc::string::{String, ToString};
        use causeway_core::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(d) => s.serialize_str(&d.to_string()),
                None => s.serialize_none(),
            }
        }

        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Num {
            Int(i64),
            Float(f64),
            Text(String),
        }

        /// Accepts `"0.1"` (exact), integers, or floats (converted to their shortest decimal).
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            let err =
                |what: &str| serde::de::Error::custom(alloc::format!("invalid decimal {what}"));
            Ok(match Option::<Num>::deserialize(d)? {
                None => None,
                Some(Num::Int(i)) => Some(Decimal::new(i, 0)),
                Some(Num::Float(f)) => Some(Decimal::from_f64(f).ok_or_else(|| err("float"))?),
                Some(Num::Text(t)) => Some(t.parse().map_err(|_| err(&t))?),
            })
        }
    }
}

/// A named field of a [`RegisterMap`].
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct NamedField {
    /// The point's name in the map.
    pub name: alloc::string::String,
    /// Where and how it is stored.
    #[serde(flatten)]
    pub field: Field,
}

/// A device's register map (TOML or built in code).
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterMap {
    /// Unit id of the device.
    pub unit: u8,
    /// The fields.
    #[serde(default, rename = "field")]
    pub fields: alloc::vec::Vec<NamedField>,
}

#[cfg(feature = "alloc")]
impl RegisterMap {
    /// The fields of `table` that lie wholly inside `start .. start + count`.
    pub fn fields_in(
        &self,
        table: ModbusTable,
        start: u16,
        count: usize,
    ) -> impl Iterator<Item = &NamedField> {
        let end = usize::from(start) + count;
        self.fields.iter().filter(move |f| {
            f.field.table == table
                && f.field.address >= start
                && usize::from(f.field.address) + usize::from(f.field.count().max(1)) <= end
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libmodbus tests/unit-test.h: 123456.0 as IEEE 754 in each order, as two registers.
    const ORDERS: [(ByteOrder, [u8; 4]); 4] = [
        (ByteOrder::Abcd, [0x47, 0xF1, 0x20, 0x00]),
        (ByteOrder::Dcba, [0x00, 0x20, 0xF1, 0x47]),
        (ByteOrder::Badc, [0xF1, 0x47, 0x00, 0x20]),
        (ByteOrder::Cdab, [0x20, 0x00, 0x47, 0xF1]),
    ];

    #[test]
    fn libmodbus_float_orders() {
        for (order, wire) in ORDERS {
            let mut f = Field::new(ModbusTable::HoldingRegister, 0, DataType::F32);
            f.byte_order = order;
            let regs = Registers::new(&wire).unwrap();
            assert_eq!(
                f.decode(0, regs).unwrap(),
                Value::Float(123456.0),
                "{order:?}"
            );
            let mut out = [0u8; 4];
            f.encode(&Value::Float(123456.0), 0, &mut out).unwrap();
            assert_eq!(out, wire, "{order:?}");
        }
    }

    #[test]
    fn integers_scale_exactly() {
        let mut f = Field::new(ModbusTable::InputRegister, 10, DataType::I16);
        f.scale = Some(Decimal::new(1, -1));
        f.unit = Some(Unit::Celsius);
        // Register 11 of a window starting at 10 holds 0xFF38 = -200 -> -20.0.
        let regs = Registers::new(&[0x00, 0x01, 0xFF, 0x38]).unwrap();
        f.address = 11;
        assert_eq!(
            f.decode(10, regs).unwrap(),
            Value::Decimal(Decimal::new(-200, -1))
        );
        let mut out = [0u8; 4];
        f.encode(&Value::Decimal(Decimal::new(-20, 0)), 10, &mut out)
            .unwrap();
        assert_eq!(out, [0, 0, 0xFF, 0x38]);
        // Outside the window.
        f.address = 12;
        assert!(f.decode(10, regs).is_err());
    }

    #[test]
    fn u32_and_u64_word_orders() {
        let mut f = Field::new(ModbusTable::HoldingRegister, 0, DataType::U32);
        f.byte_order = ByteOrder::Cdab;
        let regs = Registers::new(&[0x56, 0x78, 0x12, 0x34]).unwrap();
        assert_eq!(f.decode(0, regs).unwrap(), Value::UInt(0x1234_5678));
        f.data_type = DataType::U64;
        f.byte_order = ByteOrder::Dcba;
        let wire = [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01];
        assert_eq!(
            f.decode(0, Registers::new(&wire).unwrap()).unwrap(),
            Value::UInt(0x0102_0304_0506_0708)
        );
        let mut out = [0u8; 8];
        f.encode(&Value::UInt(0x0102_0304_0506_0708), 0, &mut out)
            .unwrap();
        assert_eq!(out, wire);
    }

    #[test]
    fn large_u64_encodes_exactly() {
        let f = Field::new(ModbusTable::HoldingRegister, 0, DataType::U64);
        let mut out = [0u8; 8];
        f.encode(&Value::UInt(18_410_715_289_642_868_997), 0, &mut out)
            .unwrap();
        assert_eq!(u64::from_be_bytes(out), 18_410_715_289_642_868_997);
    }

    #[test]
    fn strings_and_bits() {
        let mut f = Field::new(ModbusTable::HoldingRegister, 0, DataType::String);
        f.length = 3;
        assert_eq!(
            f.decode(0, Registers::new(b"ABCD\0\0").unwrap()).unwrap(),
            Value::Text(Text::new(b"ABCD"))
        );
        f.byte_order = ByteOrder::Badc;
        assert_eq!(
            f.decode(0, Registers::new(b"BADC E").unwrap()).unwrap(),
            Value::Text(Text::new(b"ABCDE"))
        );
        let mut out = [0u8; 6];
        f.encode(&Value::Text(Text::new(b"ABCDE")), 0, &mut out)
            .unwrap();
        assert_eq!(&out, b"BADC\0E");
        let mut b = Field::new(ModbusTable::HoldingRegister, 0, DataType::Bits);
        b.bit = 4;
        b.bits = 4;
        assert_eq!(
            b.decode(0, Registers::new(&[0x12, 0xA5]).unwrap()).unwrap(),
            Value::UInt(0xA)
        );
        let flag = Field {
            bit: 15,
            ..Field::new(ModbusTable::HoldingRegister, 0, DataType::Bool)
        };
        assert_eq!(
            flag.decode(0, Registers::new(&[0x80, 0x00]).unwrap())
                .unwrap(),
            Value::Bool(true)
        );
        let mut reg = [0x00u8, 0x0F];
        b.encode(&Value::UInt(0x5), 0, &mut reg).unwrap();
        assert_eq!(reg, [0x00, 0x5F]);
    }

    #[cfg(feature = "std")]
    #[test]
    fn map_from_toml() {
        let map: RegisterMap = toml::from_str(
            r#"
            unit = 17
            [[field]]
            name = "energy"
            table = "holding"
            address = 100
            type = "f32"
            byte_order = "CDAB"
            unit = "kWh"
            quantity = "energy"
            [[field]]
            name = "temperature"
            table = "input"
            address = 3
            type = "i16"
            scale = "0.1"
            unit = "Cel"
            "#,
        )
        .unwrap();
        assert_eq!(map.unit, 17);
        assert_eq!(map.fields[0].field.byte_order, ByteOrder::Cdab);
        assert_eq!(map.fields[1].field.scale, Some(Decimal::new(1, -1)));
        assert_eq!(
            map.fields_in(ModbusTable::HoldingRegister, 100, 2).count(),
            1
        );
        assert_eq!(
            map.fields_in(ModbusTable::HoldingRegister, 100, 1).count(),
            0
        );
        let bad = toml::from_str::<RegisterMap>(
            "unit = 1\n[[field]]\nname='x'\ntable='holding'\naddress=0\ntype='f33'",
        );
        assert!(std::string::ToString::to_string(&bad.unwrap_err()).contains("f33"));
    }
}
