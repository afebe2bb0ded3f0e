//! Value information (EN 13757-3 §6.4 tables 10–14): what a record measures, in which unit, at
//! which power of ten.
//!
//! Three tables: the primary VIF, the first extension (VIF `FB`) and the second extension (VIF
//! `FD`, with `FD FD` second level). Editions differ in the `FB` table: the 2004 codes (°F
//! temperatures, US gallons) and the 2013/2018 codes (reactive/apparent energy and power, MCal,
//! humidity, phase, frequency) never collide, so the union is decoded. Scaled units are expressed
//! in the base unit with an exponent (0.1 MWh is Wh × 10^5), keeping values exact.
//!
//! The combinable (orthogonal) VIFEs of table 15 are in [`Vife`].

use causeway_core::{Quantity, Unit};

/// Which table a VIF code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VifTable {
    /// The primary table (VIF byte).
    Primary,
    /// First extension, after `FB`.
    Fb,
    /// Second extension, after `FD`.
    Fd,
    /// Second level of the second extension, after `FD FD`.
    FdFd,
}

/// How the data of a record is to be read, as the VIF says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VifKind {
    /// A number to scale by the exponent.
    Number,
    /// A date or date-time; the DIF data field selects type G, F, I or J.
    TimePoint,
    /// A dimensionless factor in units of 2^-12 (the heat cost allocator rating factors).
    Factor,
    /// A plain value with no scaling (identifiers, counters, codes).
    Plain,
    /// Plain-text VIF: the unit is text in the record.
    PlainText,
    /// Any VIF (readout selection).
    Any,
    /// Manufacturer specific: the meaning is not standard.
    ManufacturerSpecific,
    /// A code the tables reserve.
    Reserved,
}

/// What a VIF code means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VifDesc {
    /// Short description, close to the standard's wording.
    pub name: &'static str,
    /// Canonical quantity.
    pub quantity: Quantity,
    /// Unit of the scaled value.
    pub unit: Option<Unit>,
    /// Power of ten to apply to the raw value.
    pub exponent: i8,
    /// How to read the data.
    pub kind: VifKind,
}

const fn d(
    name: &'static str,
    quantity: Quantity,
    unit: Option<Unit>,
    exponent: i8,
    kind: VifKind,
) -> VifDesc {
    VifDesc {
        name,
        quantity,
        unit,
        exponent,
        kind,
    }
}

const fn num(name: &'static str, quantity: Quantity, unit: Unit, exponent: i8) -> VifDesc {
    d(name, quantity, Some(unit), exponent, VifKind::Number)
}

const fn factor(name: &'static str) -> VifDesc {
    d(
        name,
        Quantity::Dimensionless,
        Some(Unit::One),
        0,
        VifKind::Factor,
    )
}

const fn plain(name: &'static str, quantity: Quantity) -> VifDesc {
    d(name, quantity, None, 0, VifKind::Plain)
}

const RESERVED: VifDesc = d("reserved", Quantity::Other, None, 0, VifKind::Reserved);

/// s, min, h, d selected by the two low bits (`nn`).
const fn time_unit(nn: u8) -> Unit {
    match nn & 3 {
        0 => Unit::Second,
        1 => Unit::Minute,
        2 => Unit::Hour,
        _ => Unit::Day,
    }
}

/// h, d, months, years selected by the two low bits (`pp`, FD 0x68–0x6F).
const fn long_time_unit(pp: u8) -> Unit {
    match pp & 3 {
        0 => Unit::Hour,
        1 => Unit::Day,
        2 => Unit::Month,
        _ => Unit::Year,
    }
}

const fn duration(name: &'static str, quantity: Quantity, unit: Unit) -> VifDesc {
    d(name, quantity, Some(unit), 0, VifKind::Number)
}

/// Describes `code` (the extension bit is ignored) of `table`: one lookup in tables built at
/// compile time from [`describe_code`].
#[inline]
pub fn describe(table: VifTable, code: u8) -> VifDesc {
    let row = match table {
        VifTable::Primary => &TABLES[0],
        VifTable::Fb => &TABLES[1],
        VifTable::Fd => &TABLES[2],
        VifTable::FdFd => &TABLES[3],
    };
    row.get(usize::from(code & 0x7F))
        .copied()
        .unwrap_or(RESERVED)
}

/// Every code of every table, evaluated once at compile time (an index out of range here fails
/// the build, it cannot fail at run time).
#[allow(clippy::indexing_slicing)]
static TABLES: [[VifDesc; 128]; 4] = {
    let mut t = [[RESERVED; 128]; 4];
    let tables = [
        VifTable::Primary,
        VifTable::Fb,
        VifTable::Fd,
        VifTable::FdFd,
    ];
    let mut i = 0;
    while i < 4 {
        let mut c = 0;
        while c < 128 {
            t[i][c] = describe_code(tables[i], c as u8);
            c += 1;
        }
        i += 1;
    }
    t
};

/// What `code` (without the extension bit) of `table` means, as the standard's tables say.
const fn describe_code(table: VifTable, code: u8) -> VifDesc {
    let c = code & 0x7F;
    let n3 = (c & 0x07) as i8;
    let n2 = (c & 0x03) as i8;
    let n1 = (c & 0x01) as i8;
    match table {
        VifTable::Primary => primary(c, n3, n2),
        VifTable::Fb => fb(c, n3, n2, n1),
        VifTable::Fd => fd(c, n2),
        VifTable::FdFd => match c {
            0x00 => plain("currently selected application", Quantity::Other),
            0x02 => duration("remaining battery life time", Quantity::Time, Unit::Month),
            0x03 => duration("remaining battery life time", Quantity::Time, Unit::Year),
            _ => RESERVED,
        },
    }
}

const fn primary(c: u8, n3: i8, n2: i8) -> VifDesc {
    use Quantity as Q;
    match c {
        0x00..=0x07 => num("energy", Q::Energy, Unit::WattHour, n3 - 3),
        0x08..=0x0F => num("energy", Q::Energy, Unit::Joule, n3),
        0x10..=0x17 => num("volume", Q::Volume, Unit::CubicMetre, n3 - 6),
        0x18..=0x1F => num("mass", Q::Mass, Unit::Kilogram, n3 - 3),
        0x20..=0x23 => duration("on time", Q::OnTime, time_unit(c)),
        0x24..=0x27 => duration("operating time", Q::OperatingTime, time_unit(c)),
        0x28..=0x2F => num("power", Q::Power, Unit::Watt, n3 - 3),
        0x30..=0x37 => num("power", Q::Power, Unit::JoulePerHour, n3),
        0x38..=0x3F => num(
            "volume flow",
            Q::VolumeFlow,
            Unit::CubicMetrePerHour,
            n3 - 6,
        ),
        0x40..=0x47 => num(
            "volume flow",
            Q::VolumeFlow,
            Unit::CubicMetrePerMinute,
            n3 - 7,
        ),
        0x48..=0x4F => num(
            "volume flow",
            Q::VolumeFlow,
            Unit::CubicMetrePerSecond,
            n3 - 9,
        ),
        0x50..=0x57 => num("mass flow", Q::MassFlow, Unit::KilogramPerHour, n3 - 3),
        0x58..=0x5B => num(
            "flow temperature",
            Q::FlowTemperature,
            Unit::Celsius,
            n2 - 3,
        ),
        0x5C..=0x5F => num(
            "return temperature",
            Q::ReturnTemperature,
            Unit::Celsius,
            n2 - 3,
        ),
        0x60..=0x63 => num(
            "temperature difference",
            Q::TemperatureDifference,
            Unit::Kelvin,
            n2 - 3,
        ),
        0x64..=0x67 => num(
            "external temperature",
            Q::ExternalTemperature,
            Unit::Celsius,
            n2 - 3,
        ),
        0x68..=0x6B => num("pressure", Q::Pressure, Unit::Bar, n2 - 3),
        0x6C => d("date", Q::TimePoint, None, 0, VifKind::TimePoint),
        0x6D => d("date and time", Q::TimePoint, None, 0, VifKind::TimePoint),
        0x6E => num("units for heat cost allocator", Q::HcaUnits, Unit::One, 0),
        0x70..=0x73 => duration("averaging duration", Q::AveragingDuration, time_unit(c)),
        0x74..=0x77 => duration("actuality duration", Q::ActualityDuration, time_unit(c)),
        0x78 => plain("fabrication number", Q::FabricationNumber),
        0x79 => plain("enhanced identification", Q::EnhancedIdentification),
        0x7A => plain("bus address", Q::BusAddress),
        0x7C => d("plain text unit", Q::Other, None, 0, VifKind::PlainText),
        0x7E => d("any VIF", Q::Other, None, 0, VifKind::Any),
        0x7F => d(
            "manufacturer specific",
            Q::ManufacturerSpecific,
            None,
            0,
            VifKind::ManufacturerSpecific,
        ),
        _ => RESERVED,
    }
}

const fn fb(c: u8, n3: i8, n2: i8, n1: i8) -> VifDesc {
    use Quantity as Q;
    match c {
        0x00..=0x01 => num("energy", Q::Energy, Unit::WattHour, n1 + 5),
        0x02..=0x03 => d(
            "reactive energy (kVARh)",
            Q::ReactiveEnergy,
            None,
            n1,
            VifKind::Number,
        ),
        0x04..=0x05 => d(
            "apparent energy (kVAh)",
            Q::ApparentEnergy,
            None,
            n1,
            VifKind::Number,
        ),
        0x08..=0x09 => num("energy", Q::Energy, Unit::Joule, n1 + 8),
        0x0C..=0x0F => num("energy", Q::Energy, Unit::MegaCalorie, n2 - 1),
        0x10..=0x11 => num("volume", Q::Volume, Unit::CubicMetre, n1 + 2),
        0x14..=0x17 => d(
            "reactive power (kVAR)",
            Q::ReactivePower,
            None,
            n2 - 3,
            VifKind::Number,
        ),
        0x18..=0x19 => num("mass", Q::Mass, Unit::Kilogram, n1 + 5),
        0x1A..=0x1B => num(
            "relative humidity",
            Q::RelativeHumidity,
            Unit::Percent,
            n1 - 1,
        ),
        0x20 => num("volume", Q::Volume, Unit::CubicFoot, 0),
        0x21 => num("volume", Q::Volume, Unit::CubicFoot, -1),
        0x22..=0x23 => num("volume", Q::Volume, Unit::UsGallon, n1 - 1),
        0x24 => num("volume flow", Q::VolumeFlow, Unit::UsGallonPerMinute, -3),
        0x25 => num("volume flow", Q::VolumeFlow, Unit::UsGallonPerMinute, 0),
        0x26 => num("volume flow", Q::VolumeFlow, Unit::UsGallonPerHour, 0),
        0x28..=0x29 => num("power", Q::Power, Unit::Watt, n1 + 5),
        0x2A => num("phase U-U", Q::PhaseAngle, Unit::Degree, -1),
        0x2B => num("phase U-I", Q::PhaseAngle, Unit::Degree, -1),
        0x2C..=0x2F => num("frequency", Q::Frequency, Unit::Hertz, n2 - 3),
        0x30..=0x31 => num("power", Q::Power, Unit::JoulePerHour, n1 + 8),
        0x34..=0x37 => d(
            "apparent power (kVA)",
            Q::ApparentPower,
            None,
            n2 - 3,
            VifKind::Number,
        ),
        0x58..=0x5B => num(
            "flow temperature",
            Q::FlowTemperature,
            Unit::Fahrenheit,
            n2 - 3,
        ),
        0x5C..=0x5F => num(
            "return temperature",
            Q::ReturnTemperature,
            Unit::Fahrenheit,
            n2 - 3,
        ),
        0x60..=0x63 => num(
            "temperature difference",
            Q::TemperatureDifference,
            Unit::Fahrenheit,
            n2 - 3,
        ),
        0x64..=0x67 => num(
            "external temperature",
            Q::ExternalTemperature,
            Unit::Fahrenheit,
            n2 - 3,
        ),
        // Heat cost allocator rating factors (EN 834), in units of 2^-12.
        0x68 => factor("resulting rating factor K"),
        0x69 => num("thermal output rating factor Kq", Q::Power, Unit::Watt, 0),
        0x6A => factor("thermal coupling rating factor overall Kc"),
        0x6B => factor("thermal coupling rating factor room side Kcr"),
        0x6C => factor("thermal coupling rating factor heater side Kch"),
        0x6D => factor("low temperature rating factor KT"),
        0x6E => factor("display output scaling factor KD"),
        0x70..=0x73 => num(
            "temperature limit",
            Q::Temperature,
            Unit::Fahrenheit,
            n2 - 3,
        ),
        0x74..=0x77 => num("temperature limit", Q::Temperature, Unit::Celsius, n2 - 3),
        0x78..=0x7F => num(
            "cumulative count of maximum power",
            Q::Power,
            Unit::Watt,
            n3 - 3,
        ),
        _ => RESERVED,
    }
}

const fn fd(c: u8, n2: i8) -> VifDesc {
    use Quantity as Q;
    match c {
        0x00..=0x03 => d(
            "credit (local currency)",
            Q::Credit,
            None,
            n2 - 3,
            VifKind::Number,
        ),
        0x04..=0x07 => d(
            "debit (local currency)",
            Q::Debit,
            None,
            n2 - 3,
            VifKind::Number,
        ),
        0x08 => plain("access number", Q::AccessNumber),
        0x09 => plain("medium", Q::Other),
        0x0A => plain("manufacturer", Q::Other),
        0x0B => plain("parameter set identification", Q::Other),
        0x0C => plain("model / version", Q::Version),
        0x0D => plain("hardware version", Q::Version),
        0x0E => plain("firmware version", Q::Version),
        0x0F => plain("software version", Q::Version),
        0x10 => plain("customer location", Q::Other),
        0x11 => plain("customer", Q::Other),
        0x12 => plain("access code user", Q::Other),
        0x13 => plain("access code operator", Q::Other),
        0x14 => plain("access code system operator", Q::Other),
        0x15 => plain("access code developer", Q::Other),
        0x16 => plain("password", Q::Other),
        0x17 => plain("error flags", Q::ErrorFlags),
        0x18 => plain("error mask", Q::ErrorFlags),
        0x19 => plain("security key", Q::Other),
        0x1A => plain("digital output", Q::State),
        0x1B => plain("digital input", Q::State),
        0x1C => plain("baud rate", Q::Other),
        0x1D => plain("response delay time (bit times)", Q::Other),
        0x1E => plain("retry", Q::Other),
        0x1F => plain("remote control", Q::State),
        0x20 => plain("first storage number for cyclic storage", Q::Other),
        0x21 => plain("last storage number for cyclic storage", Q::Other),
        0x22 => plain("size of storage block", Q::Other),
        0x23 => plain("descriptor for tariff and subunit", Q::Other),
        0x24..=0x27 => duration("storage interval", Q::Time, time_unit(c)),
        0x28 => duration("storage interval", Q::Time, Unit::Month),
        0x29 => duration("storage interval", Q::Time, Unit::Year),
        0x2A => plain("operator specific data", Q::Other),
        0x2B => duration("time point second", Q::Time, Unit::Second),
        0x2C..=0x2F => duration("duration since last readout", Q::Time, time_unit(c)),
        0x30 => d("start of tariff", Q::TimePoint, None, 0, VifKind::TimePoint),
        0x31..=0x33 => duration("duration of tariff", Q::Time, time_unit(c)),
        0x34..=0x37 => duration("period of tariff", Q::Time, time_unit(c)),
        0x38 => duration("period of tariff", Q::Time, Unit::Month),
        0x39 => duration("period of tariff", Q::Time, Unit::Year),
        0x3A => d(
            "dimensionless",
            Q::Dimensionless,
            Some(Unit::One),
            0,
            VifKind::Number,
        ),
        0x3B => plain("data container for wireless M-Bus protocol", Q::Other),
        0x3C..=0x3F => duration(
            "period of nominal data transmissions",
            Q::Time,
            time_unit(c),
        ),
        0x40..=0x4F => num("voltage", Q::Voltage, Unit::Volt, (c & 0x0F) as i8 - 9),
        0x50..=0x5F => num("current", Q::Current, Unit::Ampere, (c & 0x0F) as i8 - 12),
        0x60 => plain("reset counter", Q::Counter),
        0x61 => plain("cumulation counter", Q::Counter),
        0x62 => plain("control signal", Q::Other),
        0x63 => plain("day of week", Q::Other),
        0x64 => plain("week number", Q::Other),
        0x65 => plain("time point of day change", Q::Other),
        0x66 => plain("state of parameter activation", Q::Other),
        0x67 => plain("special supplier information", Q::Other),
        0x68..=0x6B => duration("duration since last cumulation", Q::Time, long_time_unit(c)),
        0x6C..=0x6F => duration(
            "operating time battery",
            Q::OperatingTime,
            long_time_unit(c),
        ),
        0x70 => d(
            "date and time of battery change",
            Q::TimePoint,
            None,
            0,
            VifKind::TimePoint,
        ),
        0x71 => num("RF level", Q::SignalLevel, Unit::DecibelMilliwatt, 0),
        0x72 => plain("daylight saving", Q::Other),
        0x73 => plain("listening window management", Q::Other),
        0x74 => duration("remaining battery life time", Q::Time, Unit::Day),
        0x75 => plain("number of times the meter was stopped", Q::Counter),
        0x76 => plain(
            "data container for manufacturer specific protocol",
            Q::ManufacturerSpecific,
        ),
        _ => RESERVED,
    }
}

/// A combinable (orthogonal) VIFE (EN 13757-3 table 15), as far as it changes how a value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vife {
    /// 0x00–0x1F from a slave: a record error code (0x15 no data, 0x16 overflow, ...).
    Error(u8),
    /// 0x20–0x27: per second … per revolution (a rate of the VIF's quantity).
    PerTime(u8),
    /// 0x28–0x38 (per pulse, per unit of another quantity, multiplied by s, s/V or s/A) and 0x3D
    /// (non-metric unit system): the value is no longer in the VIF's unit.
    OtherUnit(u8),
    /// 0x70–0x77: multiply the value by 10^(nnn − 6).
    Multiply(i8),
    /// 0x78–0x7B: add 10^(nn − 3) in the VIF's unit.
    Offset(i8),
    /// 0x7D: multiply by 10^3.
    Multiply1000,
    /// 0x3A: the unit is uncorrected (metering conditions).
    Uncorrected,
    /// 0x3B / 0x3C: accumulation of positive / negative contributions only.
    Accumulation(u8),
    /// 0x40–0x6F: limit values, limit exceeds and their dates and durations.
    Limit(u8),
    /// 0x39: start date(/time) of the quantity.
    StartDate,
    /// 0x7E: a future value.
    FutureValue,
    /// 0x7F: the rest of the record is manufacturer specific.
    ManufacturerSpecific,
    /// 0x7C: the next VIFE is from the extension table (phases, quadrants, direction).
    Extension,
    /// Anything else, kept.
    Other(u8),
}

/// The iterator of [`Vife::chain`].
struct VifeChain<'a> {
    rest: &'a [u8],
}

impl Iterator for VifeChain<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = match b & 0x7F {
            0x7C => rest.get(1..).unwrap_or(&[]),
            0x7F => &[],
            _ => rest,
        };
        Some(b)
    }
}

impl Vife {
    /// Classifies a combinable VIFE byte.
    pub const fn of(byte: u8) -> Vife {
        let c = byte & 0x7F;
        match c {
            // The record error block, its reserved codes included.
            0x00..=0x1C => Vife::Error(c),
            0x20..=0x27 => Vife::PerTime(c),
            0x28..=0x38 | 0x3D => Vife::OtherUnit(c),
            0x39 => Vife::StartDate,
            0x3A => Vife::Uncorrected,
            0x3B | 0x3C => Vife::Accumulation(c),
            0x40..=0x6F => Vife::Limit(c),
            0x70..=0x77 => Vife::Multiply((c & 0x07) as i8 - 6),
            0x78..=0x7B => Vife::Offset((c & 0x03) as i8 - 3),
            0x7C => Vife::Extension,
            0x7D => Vife::Multiply1000,
            0x7E => Vife::FutureValue,
            0x7F => Vife::ManufacturerSpecific,
            _ => Vife::Other(c),
        }
    }

    /// The table-15 VIFEs of a combinable chain, in order: the byte after `7C` (a code of the
    /// extension table) is skipped, and the chain ends after `7F` (what follows is the
    /// manufacturer's).
    pub fn chain(vifes: &[u8]) -> impl Iterator<Item = u8> + '_ {
        VifeChain { rest: vifes }
    }

    /// What a combinable VIFE says, in the standard's words (EN 13757-3 table 15).
    pub const fn name(byte: u8) -> &'static str {
        match byte & 0x7F {
            c @ 0x00..=0x1C => match Vife::error_name(c) {
                Some(n) => n,
                None => "reserved",
            },
            0x1D => "standard conform data content",
            0x1E => "compact profile with register numbers",
            0x1F => "compact profile",
            0x20 => "per second",
            0x21 => "per minute",
            0x22 => "per hour",
            0x23 => "per day",
            0x24 => "per week",
            0x25 => "per month",
            0x26 => "per year",
            0x27 => "per revolution / measurement",
            0x28 | 0x29 => "increment per input pulse",
            0x2A | 0x2B => "increment per output pulse",
            0x2C => "per litre",
            0x2D => "per m3",
            0x2E => "per kg",
            0x2F => "per K",
            0x30 => "per kWh",
            0x31 => "per GJ",
            0x32 => "per kW",
            0x33 => "per (K*l)",
            0x34 => "per V",
            0x35 => "per A",
            0x36 => "multiplied by s",
            0x37 => "multiplied by s/V",
            0x38 => "multiplied by s/A",
            0x39 => "start date(/time) of",
            0x3A => "uncorrected unit",
            0x3B => "accumulation only if positive contributions",
            0x3C => "accumulation of abs value only if negative contributions",
            0x3D => "non-metric unit system",
            0x3E => "value at base conditions",
            0x3F => "OBIS declaration",
            0x40 => "lower limit value",
            0x48 => "upper limit value",
            0x41 => "number of exceeds of lower limit",
            0x49 => "number of exceeds of upper limit",
            0x42 | 0x43 | 0x46 | 0x47 | 0x4A | 0x4B | 0x4E | 0x4F => "date(/time) of limit exceed",
            0x50..=0x5F => "duration of limit exceed",
            0x60..=0x67 => "duration of",
            0x68 | 0x6C => "value during limit exceed",
            0x69 => "leakage values",
            0x6D => "overflow values",
            0x6A | 0x6B | 0x6E | 0x6F => "date(/time) of",
            0x70..=0x77 => "multiplicative correction factor",
            0x78..=0x7B => "additive correction constant",
            0x7C => "extension of combinable VIFE",
            0x7D => "multiplicative correction factor 10^3",
            0x7E => "future value",
            0x7F => "manufacturer specific",
            _ => "reserved",
        }
    }

    /// The record error name for codes 0x00–0x1C (slave to master).
    pub const fn error_name(code: u8) -> Option<&'static str> {
        Some(match code {
            0x00 => "none",
            0x01 => "too many DIFEs",
            0x02 => "storage number not implemented",
            0x03 => "unit number not implemented",
            0x04 => "tariff number not implemented",
            0x05 => "function not implemented",
            0x06 => "data class not implemented",
            0x07 => "data size not implemented",
            0x0B => "too many VIFEs",
            0x0C => "illegal VIF group",
            0x0D => "illegal VIF exponent",
            0x0E => "VIF/DIF mismatch",
            0x0F => "unimplemented action",
            0x15 => "no data available",
            0x16 => "data overflow",
            0x17 => "data underflow",
            0x18 => "data error",
            0x1C => "premature end of record",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_table_scaling() {
        // EN 13757-3 table 10: 0x13 is volume in litres (10^-3 m3), 0x06 energy in kWh.
        assert_eq!(
            describe(VifTable::Primary, 0x13),
            num("volume", Quantity::Volume, Unit::CubicMetre, -3)
        );
        assert_eq!(describe(VifTable::Primary, 0x86).exponent, 3);
        assert_eq!(describe(VifTable::Primary, 0x06).unit, Some(Unit::WattHour));
        assert_eq!(describe(VifTable::Primary, 0x5B).exponent, 0);
        assert_eq!(describe(VifTable::Primary, 0x22).unit, Some(Unit::Hour));
        assert_eq!(describe(VifTable::Primary, 0x6F).kind, VifKind::Reserved);
        // 0xFB 0x01: 1 MWh = Wh x 10^6; 0xFD 0x49: 1 V; 0xFD 0x59: 1 mA.
        assert_eq!(describe(VifTable::Fb, 0x01).exponent, 6);
        assert_eq!(describe(VifTable::Fd, 0x49).exponent, 0);
        assert_eq!(describe(VifTable::Fd, 0x59).exponent, -3);
        assert_eq!(describe(VifTable::Fd, 0x6F).unit, Some(Unit::Year));
    }

    #[test]
    fn combinable_vifes() {
        assert_eq!(Vife::of(0x75), Vife::Multiply(-1));
        assert_eq!(Vife::of(0x7D), Vife::Multiply1000);
        assert_eq!(Vife::of(0x15), Vife::Error(0x15));
        assert_eq!(Vife::error_name(0x16), Some("data overflow"));
        assert_eq!(Vife::of(0xFC), Vife::Extension);
    }

    #[test]
    fn vife_chain_skips_the_extension_code_and_ends_after_7f() {
        let chain = |vifes: &[u8]| Vife::chain(vifes).collect::<std::vec::Vec<u8>>();
        assert_eq!(chain(&[0xF5, 0x7D]), [0xF5, 0x7D]);
        // The byte after 7C/FC is a code of the extension table, not a table-15 VIFE.
        assert_eq!(chain(&[0xFC, 0x8E, 0x74]), [0xFC, 0x74]);
        assert_eq!(chain(&[0x74, 0xFC, 0x10]), [0x74, 0xFC]);
        assert_eq!(chain(&[0x7C]), [0x7C]);
        // After 7F/FF the VIFEs are the manufacturer's.
        assert_eq!(chain(&[0xFF, 0x75, 0x01]), [0xFF]);
        assert_eq!(chain(&[0xF3, 0x7F, 0x13]), [0xF3, 0x7F]);
        assert_eq!(chain(&[]), [0u8; 0]);
    }
}
