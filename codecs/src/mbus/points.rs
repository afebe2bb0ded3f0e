//! M-Bus records to canonical points.
//!
//! The VIF gives quantity, unit and a power of ten, applied exactly (`13` with raw 1234 is
//! 1.234 m3). Combinable VIFEs adjust it: `70`–`77` and `7D` scale further, `78`–`7B` add an
//! offset, record error codes (`01`–`1C`) make the point Bad with the code, rate, per-unit and
//! limit VIFEs (`20`–`38`, `3D`, `40`–`6F`) leave the unit open (the value is no longer in the
//! VIF's unit), and a start date (`39`) reads the data as a date. The byte after `7C` is from
//! the extension table, not table 15; after `7F` the VIFEs are the manufacturer's.
//! A date or time VIF over a 24-bit field is a time of day (type J), given as the duration
//! since midnight. The heat cost allocator rating factors (FB `68`, `6A`–`6E`) count 2^-12.
//! A BCD value with an error nibble, or an invalid date, is a Bad point, not a failed telegram.
//!
//! Each point's timestamp is the date-time record of the same storage number, when the
//! telegram has one (storage 0: the meter's current time; storage n: the date of that history).

use causeway_core::{
    Address, Decimal, Device, Point, Quality, Quantity, Reason, Text, Unit, Value,
};

use super::app::Body;
use super::data::DataValue;
use super::record::{has_date_type, Item, Record, Records};
use super::vif::{describe, VifDesc, VifKind, VifTable, Vife};

/// What one record says: value (scaled exactly), unit, quantity and quality.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading<'a> {
    /// The value, already scaled to `unit`.
    pub value: Value<'a>,
    /// The unit, when the VIF (and VIFEs) leave it known.
    pub unit: Option<Unit>,
    /// What the value measures.
    pub quantity: Quantity,
    /// Good, or Bad with why.
    pub quality: Quality,
}

/// Reads `record`: its value scaled by the VIF and combinable VIFEs, with unit and quantity.
#[inline(always)]
pub fn reading<'a>(record: &Record<'a>, msb_first: bool) -> Reading<'a> {
    // A primary VIF without extension has no VIFEs: its row is the reading's whole description.
    // (`vif_parts` answers the same, but asked here the empty VIFE slice is a constant the fast
    // path below folds away: about 1 000 fewer instructions per corpus pass than moving this
    // check into `vif_parts` or dropping it from `true_vif`, both measured.)
    let (desc, vifes) = if record.vif & 0x80 == 0 {
        (describe(VifTable::Primary, record.vif), &[][..])
    } else {
        record.vif_parts()
    };
    // Most records are an integer field under a VIF that is no date (nor a 2^-12 factor),
    // without text and without VIFEs that change the reading (none, or a chain the
    // manufacturer's `7F` opens): read those here (a number scaled by the VIF, anything else as
    // it is). Dates and reals without such VIFEs, the next most common, each have a function of
    // their own; everything else goes to `any_reading`.
    if let ([] | [0x7F | 0xFF, ..], None) = (vifes, record.plain_text) {
        match desc.kind {
            VifKind::TimePoint if has_date_type(record.data_field()) => {
                return time_point_reading(record, desc, msb_first)
            }
            VifKind::TimePoint | VifKind::Factor => {}
            kind => {
                if let Some(i) = record.integer(msb_first) {
                    return Reading {
                        value: match kind {
                            VifKind::Number => {
                                scaled(Decimal::new(i, 0), i16::from(desc.exponent), None)
                            }
                            _ => Value::Int(i),
                        },
                        unit: desc.unit,
                        quantity: desc.quantity,
                        quality: Quality::GOOD,
                    };
                }
                if let (0x5, VifKind::Number) = (record.data_field(), kind) {
                    return real_reading(record, desc, msb_first);
                }
            }
        }
    }
    any_reading(*record, desc, vifes, msb_first)
}

/// [`reading`] of a real (data field 5) under a number VIF without VIFEs that change it.
#[inline(never)]
fn real_reading<'a>(record: &Record<'a>, desc: VifDesc, msb_first: bool) -> Reading<'a> {
    Reading {
        value: real_value(record.real(msb_first), i16::from(desc.exponent), None),
        unit: desc.unit,
        quantity: desc.quantity,
        quality: Quality::GOOD,
    }
}

/// A real scaled by `10^exponent` (plus an offset), exactly where it has a shortest decimal.
fn real_value(f: f32, exponent: i16, offset: Option<i16>) -> Value<'static> {
    match Decimal::from_f32(f) {
        Some(d) => scaled(d, exponent, offset),
        None => Value::Float(f64::from(f)),
    }
}

/// [`reading`] of a date or time VIF over a field of a date type, without VIFEs that change it.
#[inline(never)]
fn time_point_reading<'a>(record: &Record<'a>, desc: VifDesc, msb_first: bool) -> Reading<'a> {
    let (value, quality) = match time_value(record.date(msb_first)) {
        Some(v) => (v, Quality::GOOD),
        None => (Value::Null, Quality::bad(Reason::InvalidEncoding, None)),
    };
    Reading {
        value,
        unit: desc.unit,
        quantity: desc.quantity,
        quality,
    }
}

/// A decoded date or time of day as a value; `None` if it is invalid.
fn time_value(value: DataValue<'_>) -> Option<Value<'static>> {
    match value {
        DataValue::Date {
            value: Some(dt),
            invalid: false,
            ..
        } => Some(Value::DateTime(dt)),
        DataValue::TimeOfDay(Some(s)) => Some(Value::Duration(core::time::Duration::from_secs(
            u64::from(s),
        ))),
        _ => None,
    }
}

/// [`reading`] for any record, given what its VIF says and its combinable VIFEs.
#[inline(never)]
fn any_reading<'a>(
    record: Record<'a>,
    desc: VifDesc,
    vifes: &[u8],
    msb_first: bool,
) -> Reading<'a> {
    let mut unit = desc.unit;
    let mut quantity = desc.quantity;
    let mut quality = Quality::GOOD;
    let mut exponent = i16::from(desc.exponent);
    let mut offset: Option<i16> = None;
    let mut kind = desc.kind;
    for b in Vife::chain(vifes) {
        match Vife::of(b) {
            Vife::Error(0) => {}
            Vife::Error(code) => {
                quality = Quality::bad(Reason::ProtocolError, Some(u32::from(code)))
            }
            Vife::Multiply(n) => exponent += i16::from(n),
            Vife::Multiply1000 => exponent += 3,
            Vife::Offset(n) => offset = Some(i16::from(n)),
            Vife::PerTime(_) | Vife::OtherUnit(_) | Vife::Limit(_) => {
                unit = None;
                quantity = Quantity::Other;
            }
            Vife::StartDate => {
                unit = None;
                quantity = Quantity::TimePoint;
                kind = VifKind::TimePoint;
            }
            // The VIFEs after 7F are the manufacturer's (the chain ends there); the value keeps
            // the VIF's meaning.
            _ => {}
        }
    }
    if record.plain_text.is_some() {
        // The unit is the record's text; the value scales like any number.
        unit = None;
        kind = VifKind::Number;
    }
    let mut bad = |reason| {
        quality = Quality::bad(reason, None);
        Value::Null
    };
    // A date VIF, or a start-date VIFE, makes the DIF's data field select a date type.
    let time_point = kind == VifKind::TimePoint;
    // Most records are integers to scale: read those without the general dispatch below.
    let integer = match kind {
        VifKind::Number => record.integer(msb_first),
        _ => None,
    };
    let number = |i: i64| scaled(Decimal::new(i, 0), exponent, offset);
    let value = match integer {
        Some(i) => number(i),
        None => match (record.decode(msb_first, time_point), kind) {
            (DataValue::None, _) => Value::Null,
            (d @ (DataValue::Date { .. } | DataValue::TimeOfDay(_)), _) => {
                time_value(d).unwrap_or_else(|| bad(Reason::InvalidEncoding))
            }
            (DataValue::BcdError(_), _) => bad(Reason::InvalidEncoding),
            (DataValue::Text(t), _) => Value::Text(Text::reversed(t)),
            (DataValue::Bytes(b), _) => Value::Bytes(causeway_core::Bytes::new(b)),
            // A date VIF over an integer field of no date type (F, G, I, J) says no date.
            (DataValue::Int(_), VifKind::TimePoint) => bad(Reason::InvalidEncoding),
            (DataValue::Int(i), VifKind::Number) => number(i),
            // 2^-12 is 244140625 * 10^-12 exactly.
            (DataValue::Int(i), VifKind::Factor) => match i.checked_mul(244_140_625) {
                Some(m) => scaled(Decimal::new(m, -12), exponent, offset),
                None => Value::Float(i as f64 / 4096.0 * Decimal::new(1, exponent).to_f64()),
            },
            (DataValue::UInt(u), VifKind::Number) => match i64::try_from(u) {
                Ok(i) => number(i),
                Err(_) => Value::Float(u as f64 * Decimal::new(1, exponent).to_f64()),
            },
            (DataValue::Real(f), VifKind::Number) => real_value(f, exponent, offset),
            (DataValue::Int(i), _) => Value::Int(i),
            (DataValue::UInt(u), _) => Value::UInt(u),
            (DataValue::Real(f), _) => Value::Float(f64::from(f)),
        },
    };
    Reading {
        value,
        unit,
        quantity,
        quality,
    }
}

/// The point for `record`, the `index`-th record of a telegram from `device`.
pub fn record_point<'a>(
    device: Device,
    index: u16,
    record: &Record<'a>,
    msb_first: bool,
) -> Point<'a> {
    let r = reading(record, msb_first);
    let mut p = Point::new(device, Address::MBus { record: index }, r.value);
    p.unit = r.unit;
    p.quantity = Some(r.quantity);
    p.quality = r.quality;
    p.qualifiers.function = Some(record.function());
    p.qualifiers.storage = Some(record.storage());
    p.qualifiers.tariff = Some(record.tariff());
    p.qualifiers.subunit = Some(record.subunit());
    p
}

#[inline]
fn scaled(raw: Decimal, exponent: i16, offset: Option<i16>) -> Value<'static> {
    let as_float = || Value::Float(raw.to_f64() * Decimal::new(1, exponent).to_f64());
    let Some(v) = raw.checked_scale(exponent) else {
        return as_float();
    };
    // Additive correction: 10^(nn-3) in the (scaled) unit of the VIF (EN 13757-3 table 15).
    match offset {
        None => Value::Decimal(v),
        Some(o) => Decimal::new(1, o)
            .checked_scale(exponent)
            .and_then(|o| v.checked_add(o))
            .map_or_else(as_float, Value::Decimal),
    }
}

/// The points of a telegram's application layer: variable data and data a master sends (the
/// device is the meter's identity when the header carries one, else its primary `address`),
/// and the two counters of a fixed data structure. Other bodies have none.
pub fn body_points<'a>(
    address: u8,
    body: &Body<'a>,
    sink: impl FnMut(Point<'a>),
) -> Result<(), crate::Error> {
    let primary = Device::MBusPrimary { address };
    match body {
        Body::Variable {
            header,
            msb_first,
            records,
        } => {
            let device = header
                .and_then(|h| h.identity)
                .map_or(primary, |i| i.device());
            telegram_points(device, records, *msb_first, sink)
        }
        Body::DataSend { msb_first, records } => {
            telegram_points(primary, records, *msb_first, sink)
        }
        Body::Fixed(fd) => {
            fixed_points(primary, fd, sink);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Calls `sink` with a point for every data record in `records` (and one for manufacturer data),
/// each stamped with the date-time record of its storage number. Stops at the first structural
/// error and returns it.
pub fn telegram_points<'a>(
    device: Device,
    records: &Records<'a>,
    msb_first: bool,
    mut sink: impl FnMut(Point<'a>),
) -> Result<(), crate::Error> {
    let stamps = Stamps::of(records, msb_first);
    let mut index: u16 = 0;
    for item in records.clone() {
        let p = match item? {
            Item::Record(record) => {
                let mut p = record_point(device, index, &record, msb_first);
                if !matches!(p.value, Value::DateTime(_)) {
                    p.timestamp = stamps.get(record.storage());
                }
                p
            }
            // Manufacturer data (0F/1F) is one more point, its bytes as sent.
            Item::Manufacturer { data, .. } => {
                let mut p = Point::new(
                    device,
                    Address::MBus { record: index },
                    Value::Bytes(causeway_core::Bytes::new(data)),
                );
                p.quantity = Some(Quantity::ManufacturerSpecific);
                p
            }
            Item::GlobalReadout { .. } | Item::Filler { .. } => continue,
        };
        sink(p);
        index = index.saturating_add(1);
    }
    Ok(())
}

/// The first valid date-time (type F or I) record of each storage number, for the first
/// [`Stamps::CAPACITY`] storage numbers that have one (one pass, no heap).
struct Stamps {
    entries: [(u64, Option<causeway_core::DateTime>); Stamps::CAPACITY],
    len: usize,
}

impl Stamps {
    const CAPACITY: usize = 16;

    fn of(records: &Records<'_>, msb_first: bool) -> Self {
        let mut s = Stamps {
            entries: [(0, None); Self::CAPACITY],
            len: 0,
        };
        for item in records.clone() {
            let Ok(Item::Record(r)) = item else { continue };
            if !r.is_time_point()
                || !matches!(r.data_field(), 0x4 | 0x6)
                || s.get(r.storage()).is_some()
            {
                continue;
            }
            if let (
                DataValue::Date {
                    value: Some(dt),
                    invalid: false,
                    ..
                },
                Some(slot),
            ) = (r.decode(msb_first, true), s.entries.get_mut(s.len))
            {
                *slot = (r.storage(), Some(dt));
                s.len += 1;
            }
        }
        s
    }

    fn get(&self, storage: u64) -> Option<causeway_core::DateTime> {
        self.entries
            .get(..self.len)?
            .iter()
            .find(|(s, _)| *s == storage)
            .and_then(|(_, dt)| *dt)
    }
}

/// The two counters of a fixed data structure (CI 73/77) as points `rec:0` and `rec:1`. Unit
/// code 3E means counter 1's unit, historic (storage 1); status bit 6 marks stored values.
pub fn fixed_points<'a>(
    device: Device,
    fd: &super::app::FixedData,
    mut sink: impl FnMut(Point<'a>),
) {
    for i in 0..2u8 {
        let mut p = Point::new(
            device,
            Address::MBus {
                record: u16::from(i),
            },
            Value::Null,
        );
        let code = fd.units.get(usize::from(i)).copied().unwrap_or(0x3F);
        let historic = code == 0x3E;
        let unit = fixed_unit(if historic { fd.units[0] } else { code });
        match (fd.counter(usize::from(i)), unit) {
            (Some(v), Some((u, e, q))) => {
                p.value = Value::Decimal(Decimal::new(v, i16::from(e)));
                p.unit = Some(u);
                p.quantity = Some(q);
            }
            (Some(v), None) => p.value = Value::Int(v),
            (None, _) => p.quality = Quality::bad(Reason::InvalidEncoding, None),
        }
        p.qualifiers.storage = Some(u64::from((fd.status >> 6) & 1 | u8::from(historic)));
        sink(p);
    }
}

/// The unit of a fixed-data-structure counter (M-Bus 4.8 table), as (unit, exponent).
pub const fn fixed_unit(code: u8) -> Option<(Unit, i8, Quantity)> {
    Some(match code {
        0x02..=0x04 => (Unit::WattHour, (code - 0x02) as i8, Quantity::Energy),
        0x05..=0x07 => (Unit::WattHour, 3 + (code - 0x05) as i8, Quantity::Energy),
        0x08..=0x0A => (Unit::WattHour, 6 + (code - 0x08) as i8, Quantity::Energy),
        0x0B..=0x0D => (Unit::Joule, 3 + (code - 0x0B) as i8, Quantity::Energy),
        0x0E..=0x10 => (Unit::Joule, 6 + (code - 0x0E) as i8, Quantity::Energy),
        0x11..=0x13 => (Unit::Joule, 9 + (code - 0x11) as i8, Quantity::Energy),
        0x14..=0x16 => (Unit::Watt, (code - 0x14) as i8, Quantity::Power),
        0x17..=0x19 => (Unit::Watt, 3 + (code - 0x17) as i8, Quantity::Power),
        0x1A..=0x1C => (Unit::Watt, 6 + (code - 0x1A) as i8, Quantity::Power),
        0x1D..=0x1F => (Unit::JoulePerHour, 3 + (code - 0x1D) as i8, Quantity::Power),
        0x20..=0x22 => (Unit::JoulePerHour, 6 + (code - 0x20) as i8, Quantity::Power),
        0x23..=0x25 => (Unit::JoulePerHour, 9 + (code - 0x23) as i8, Quantity::Power),
        0x26..=0x28 => (Unit::CubicMetre, -6 + (code - 0x26) as i8, Quantity::Volume),
        0x29..=0x2B => (Unit::CubicMetre, -3 + (code - 0x29) as i8, Quantity::Volume),
        0x2C..=0x2E => (Unit::CubicMetre, (code - 0x2C) as i8, Quantity::Volume),
        0x2F..=0x31 => (
            Unit::CubicMetrePerHour,
            -6 + (code - 0x2F) as i8,
            Quantity::VolumeFlow,
        ),
        0x32..=0x34 => (
            Unit::CubicMetrePerHour,
            -3 + (code - 0x32) as i8,
            Quantity::VolumeFlow,
        ),
        0x35..=0x37 => (
            Unit::CubicMetrePerHour,
            (code - 0x35) as i8,
            Quantity::VolumeFlow,
        ),
        0x38 => (Unit::Celsius, -3, Quantity::Temperature),
        0x39 => (Unit::One, 0, Quantity::HcaUnits),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use causeway_core::{Function, Manufacturer, Medium};
    use std::string::ToString;

    /// The points of `data` (user data in LSB-first order) from `DEV`.
    fn points_of(data: &[u8]) -> std::vec::Vec<Point<'_>> {
        let mut pts = std::vec::Vec::new();
        telegram_points(DEV, &Records::new(data, 0), false, |p| pts.push(p)).unwrap();
        pts
    }

    proptest::proptest! {
        /// The fast paths of `reading` (integers, dates, reals) say what the general
        /// `any_reading` says, for records of every fixed-length data field under any VIF, with
        /// or without a VIFE chain.
        #[test]
        fn reading_fast_path_agrees_with_any_reading(
            dif in proptest::prelude::any::<u8>(),
            // Dates (6C, 6D, FD 30, FD 70) and numbers as often as any other VIF, so each of
            // `reading`'s paths is taken.
            vif in proptest::prop_oneof![
                proptest::prelude::any::<u8>(),
                proptest::sample::select(&[0x6C, 0x6D, 0xEC, 0xED, 0x13, 0x93, 0xFD][..]),
            ],
            vifes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u8>(),
                    proptest::sample::select(&[0x7F, 0xFF, 0x00, 0x80, 0x01, 0x22, 0x30, 0x39, 0x70, 0x73, 0x78, 0x7C, 0x7D][..]),
                ],
                0..3,
            ),
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 8),
            msb_first in proptest::prelude::any::<bool>(),
        ) {
            let len = super::super::record::data_len(dif).unwrap_or(0);
            let record = Record {
                offset: 0,
                dif,
                difes: &[],
                vif,
                vifes: if vif & 0x80 != 0 { &vifes } else { &[] },
                plain_text: None,
                text_first: false,
                lvar: None,
                data: &data[..len],
            };
            let (desc, combinable) = record.vif_parts();
            proptest::prop_assert_eq!(
                std::format!("{:?}", reading(&record, msb_first)),
                std::format!("{:?}", any_reading(record, desc, combinable, msb_first))
            );
        }
    }

    const DEV: Device = Device::MBus {
        id: 0x1149_0378,
        manufacturer: Manufacturer(0x0477),
        version: 14,
        medium: Medium(0x16),
    };

    #[test]
    fn volume_scaled_exactly() {
        // ACW_Itron-BM-plus-m record 1: 04 13 31 D4 00 00 = 54321 l = 54.321 m3 (libmbus agrees).
        let data = [0x04, 0x13, 0x31, 0xD4, 0x00, 0x00];
        let pts = points_of(&data);
        assert_eq!(pts[0].value, Value::Decimal(Decimal::new(54_321, -3)));
        assert_eq!(pts[0].unit, Some(Unit::CubicMetre));
        assert_eq!(pts[0].qualifiers.function, Some(Function::Instantaneous));
        assert_eq!(pts[0].qualifiers.storage, Some(0));
    }

    #[test]
    fn errors_are_bad_points_and_dates_stamp_their_storage() {
        // BCD with an error nibble, then a type F date for storage 0.
        let data = [
            0x0A, 0x13, 0xA1, 0x00, 0x04, 0x6D, 0x0B, 0x0B, 0xCD, 0x13, 0x84, 0x00, 0x13, 1, 0, 0,
            0,
        ];
        let pts = points_of(&data);
        assert_eq!(pts[0].quality, Quality::bad(Reason::InvalidEncoding, None));
        assert_eq!(pts[0].timestamp.unwrap().to_string(), "2014-03-13T11:11");
        assert!(matches!(pts[1].value, Value::DateTime(_)));
        assert_eq!(pts[2].value, Value::Decimal(Decimal::new(1, -3)));
    }

    #[test]
    fn a_time_point_over_24_bits_is_a_time_of_day() {
        // Type J (EN 13757-3 annex A): seconds, minutes, hours in bits 0-5, 8-13, 16-20. Under
        // VIF 6D: 03:04:05 as a duration since midnight; 60 seconds is out of range, a Bad point.
        let data = [0x03, 0x6D, 5, 4, 3, 0x03, 0x6D, 60, 0, 0];
        let pts = points_of(&data);
        let since_midnight = core::time::Duration::from_secs(3 * 3600 + 4 * 60 + 5);
        assert_eq!(pts[0].value, Value::Duration(since_midnight));
        assert_eq!(
            (pts[0].quantity, pts[0].quality),
            (Some(Quantity::TimePoint), Quality::GOOD)
        );
        assert_eq!(pts[1].quality, Quality::bad(Reason::InvalidEncoding, None));
    }

    #[test]
    fn rating_factors_count_2_to_the_minus_12() {
        // FB 68 (resulting rating factor K, EN 13757-3 table 14): 0x1800 = 6144 is 1.5 exactly.
        let data = [0x02, 0xFB, 0x68, 0x00, 0x18];
        let pts = points_of(&data);
        assert_eq!(pts[0].value.as_f64(), Some(1.5));
        assert_eq!(pts[0].unit, Some(Unit::One));
    }

    #[test]
    fn rf_level_is_a_signed_level_in_dbm() {
        // FD 71 (RF level, EN 13757-3 table 12) over an 8-bit binary field (type B, signed):
        // B0 is -80 dBm.
        let data = [0x01, 0xFD, 0x71, 0xB0];
        let pts = points_of(&data);
        assert_eq!(pts[0].value.as_f64(), Some(-80.0));
        assert_eq!(pts[0].unit.map(Unit::code), Some("dB[mW]"));
        assert_eq!(pts[0].quantity, Some(Quantity::SignalLevel));
    }

    #[test]
    fn fixed_units() {
        assert_eq!(
            fixed_unit(0x06),
            Some((Unit::WattHour, 4, Quantity::Energy))
        );
        assert_eq!(
            fixed_unit(0x2C),
            Some((Unit::CubicMetre, 0, Quantity::Volume))
        );
        assert_eq!(fixed_unit(0x3F), None);
    }
}
