//! Units as UCUM case-sensitive codes, with exact conversions between compatible units.
//!
//! Every unit is `base = (value + offset) × num / den` of its dimension's base unit
//! (J, m3, kg, W, m3/s, kg/s, K, Pa, s, V, A, Hz, deg, 1). Conversion keeps [`Decimal`]s exact
//! whenever the result has a finite decimal form (Wh→kWh, m3→l, Cel→K); otherwise it falls back
//! to `f64`. A logarithmic level (`dB[mW]`) is a dimension of its own and converts only to
//! itself. Codes follow UCUM (<https://ucum.org/ucum>): `Cel`, `m3`, `[degF]`, `[gal_us]`.

use core::fmt;
use core::str::FromStr;

use crate::decimal::Decimal;
use crate::value::Value;

/// What a unit measures; units convert only within one dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Energy (base J).
    Energy,
    /// Volume (base m3).
    Volume,
    /// Mass (base kg).
    Mass,
    /// Power (base W).
    Power,
    /// Volume flow (base m3/s).
    VolumeFlow,
    /// Mass flow (base kg/s).
    MassFlow,
    /// Temperature (base K); differences convert with [`Unit::convert_difference`].
    Temperature,
    /// Pressure (base Pa).
    Pressure,
    /// Time (base s).
    Time,
    /// Electric potential (base V).
    Voltage,
    /// Electric current (base A).
    Current,
    /// Frequency (base Hz).
    Frequency,
    /// Plane angle (base deg).
    Angle,
    /// Power level, logarithmic (base dB[mW]); only converts to itself.
    PowerLevel,
    /// Dimensionless (base 1).
    Dimensionless,
}

macro_rules! units {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $dim:ident, $num:expr, $den:expr, $off:expr; )*) => {
        /// A unit of measure, named by its UCUM code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Unit { $( $(#[$doc])* $variant, )* }

        impl Unit {
            /// Every unit, in declaration order.
            pub const ALL: &'static [Unit] = &[$(Unit::$variant),*];

            /// The UCUM case-sensitive code.
            pub const fn code(self) -> &'static str {
                match self { $(Unit::$variant => $code,)* }
            }

            /// What the unit measures.
            pub const fn dimension(self) -> Dimension {
                match self { $(Unit::$variant => Dimension::$dim,)* }
            }

            /// `(num, den, offset)`: base = (value + offset) × num / den.
            const fn scale(self) -> (i128, i128, Decimal) {
                match self { $(Unit::$variant => ($num, $den, $off),)* }
            }
        }
    };
}

const NO: Decimal = Decimal::ZERO;

units! {
    /// joule
    Joule = "J", Energy, 1, 1, NO;
    /// kilojoule
    KiloJoule = "kJ", Energy, 1_000, 1, NO;
    /// megajoule
    MegaJoule = "MJ", Energy, 1_000_000, 1, NO;
    /// gigajoule
    GigaJoule = "GJ", Energy, 1_000_000_000, 1, NO;
    /// watt-hour
    WattHour = "Wh", Energy, 3_600, 1, NO;
    /// kilowatt-hour
    KiloWattHour = "kWh", Energy, 3_600_000, 1, NO;
    /// megawatt-hour
    MegaWattHour = "MWh", Energy, 3_600_000_000, 1, NO;
    /// gigawatt-hour
    GigaWattHour = "GWh", Energy, 3_600_000_000_000, 1, NO;
    /// megacalorie (thermochemical, 4.184 MJ)
    MegaCalorie = "Mcal", Energy, 4_184_000, 1, NO;
    /// cubic metre
    CubicMetre = "m3", Volume, 1, 1, NO;
    /// litre
    Litre = "l", Volume, 1, 1_000, NO;
    /// millilitre
    MilliLitre = "ml", Volume, 1, 1_000_000, NO;
    /// international cubic foot (0.028316846592 m3)
    CubicFoot = "[cft_i]", Volume, 28_316_846_592, 1_000_000_000_000, NO;
    /// US gallon (0.003785411784 m3)
    UsGallon = "[gal_us]", Volume, 3_785_411_784, 1_000_000_000_000, NO;
    /// kilogram
    Kilogram = "kg", Mass, 1, 1, NO;
    /// gram
    Gram = "g", Mass, 1, 1_000, NO;
    /// tonne
    Tonne = "t", Mass, 1_000, 1, NO;
    /// watt
    Watt = "W", Power, 1, 1, NO;
    /// kilowatt
    KiloWatt = "kW", Power, 1_000, 1, NO;
    /// megawatt
    MegaWatt = "MW", Power, 1_000_000, 1, NO;
    /// joule per hour (M-Bus power VIF)
    JoulePerHour = "J/h", Power, 1, 3_600, NO;
    /// cubic metre per second
    CubicMetrePerSecond = "m3/s", VolumeFlow, 1, 1, NO;
    /// cubic metre per minute
    CubicMetrePerMinute = "m3/min", VolumeFlow, 1, 60, NO;
    /// cubic metre per hour
    CubicMetrePerHour = "m3/h", VolumeFlow, 1, 3_600, NO;
    /// litre per second
    LitrePerSecond = "l/s", VolumeFlow, 1, 1_000, NO;
    /// litre per minute
    LitrePerMinute = "l/min", VolumeFlow, 1, 60_000, NO;
    /// litre per hour
    LitrePerHour = "l/h", VolumeFlow, 1, 3_600_000, NO;
    /// US gallon per minute
    UsGallonPerMinute = "[gal_us]/min", VolumeFlow, 3_785_411_784, 60_000_000_000_000, NO;
    /// US gallon per hour
    UsGallonPerHour = "[gal_us]/h", VolumeFlow, 3_785_411_784, 3_600_000_000_000_000, NO;
    /// kilogram per second
    KilogramPerSecond = "kg/s", MassFlow, 1, 1, NO;
    /// kilogram per hour
    KilogramPerHour = "kg/h", MassFlow, 1, 3_600, NO;
    /// kelvin
    Kelvin = "K", Temperature, 1, 1, NO;
    /// degree Celsius
    Celsius = "Cel", Temperature, 1, 1, Decimal::new(27_315, -2);
    /// degree Fahrenheit
    Fahrenheit = "[degF]", Temperature, 5, 9, Decimal::new(45_967, -2);
    /// pascal
    Pascal = "Pa", Pressure, 1, 1, NO;
    /// hectopascal
    HectoPascal = "hPa", Pressure, 100, 1, NO;
    /// kilopascal
    KiloPascal = "kPa", Pressure, 1_000, 1, NO;
    /// megapascal
    MegaPascal = "MPa", Pressure, 1_000_000, 1, NO;
    /// bar
    Bar = "bar", Pressure, 100_000, 1, NO;
    /// millibar
    MilliBar = "mbar", Pressure, 100, 1, NO;
    /// second
    Second = "s", Time, 1, 1, NO;
    /// millisecond
    MilliSecond = "ms", Time, 1, 1_000, NO;
    /// minute
    Minute = "min", Time, 60, 1, NO;
    /// hour
    Hour = "h", Time, 3_600, 1, NO;
    /// day
    Day = "d", Time, 86_400, 1, NO;
    /// month (UCUM mean Julian month, 30.4375 d)
    Month = "mo", Time, 2_629_800, 1, NO;
    /// year (UCUM mean Julian year, 365.25 d)
    Year = "a", Time, 31_557_600, 1, NO;
    /// volt
    Volt = "V", Voltage, 1, 1, NO;
    /// millivolt
    MilliVolt = "mV", Voltage, 1, 1_000, NO;
    /// kilovolt
    KiloVolt = "kV", Voltage, 1_000, 1, NO;
    /// ampere
    Ampere = "A", Current, 1, 1, NO;
    /// milliampere
    MilliAmpere = "mA", Current, 1, 1_000, NO;
    /// hertz
    Hertz = "Hz", Frequency, 1, 1, NO;
    /// degree of plane angle
    Degree = "deg", Angle, 1, 1, NO;
    /// decibel-milliwatt (dBm), a radio signal level
    DecibelMilliwatt = "dB[mW]", PowerLevel, 1, 1, NO;
    /// dimensionless count (UCUM unity), e.g. heat cost allocator units
    One = "1", Dimensionless, 1, 1, NO;
    /// percent
    Percent = "%", Dimensionless, 1, 100, NO;
}

/// A unit conversion that cannot be done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// The UCUM code is not one causeway knows.
    #[error("unknown unit code")]
    Unknown,
    /// The two units measure different things.
    #[error("cannot convert {from} to {to}: different dimensions")]
    Incompatible {
        /// Source unit code.
        from: &'static str,
        /// Target unit code.
        to: &'static str,
    },
    /// The value is not a number.
    #[error("value of type {0} is not numeric")]
    NotNumeric(&'static str),
}

impl Unit {
    /// Looks up a UCUM code (case-sensitive).
    pub fn from_code(code: &str) -> Option<Unit> {
        Unit::ALL.iter().copied().find(|u| u.code() == code)
    }

    /// Whether values in `self` can be converted to `to`.
    pub fn is_convertible_to(self, to: Unit) -> bool {
        self.dimension() == to.dimension()
    }

    /// Converts a decimal exactly, or returns `None` when the result has no finite decimal form
    /// that fits (e.g. J→Wh of 1 J) or the units are incompatible.
    pub fn convert_decimal(self, value: Decimal, to: Unit) -> Option<Decimal> {
        self.convert_decimal_with(value, to, true)
    }

    /// Converts a *difference* exactly (offsets ignored: 5 K of difference is 5 Cel of
    /// difference, 9 [degF] of difference is 5 K).
    pub fn convert_difference(self, value: Decimal, to: Unit) -> Option<Decimal> {
        self.convert_decimal_with(value, to, false)
    }

    fn convert_decimal_with(self, value: Decimal, to: Unit, offsets: bool) -> Option<Decimal> {
        if !self.is_convertible_to(to) {
            return None;
        }
        if self == to {
            return Some(value);
        }
        let (na, da, oa) = self.scale();
        let (nb, db, ob) = to.scale();
        let (oa, ob) = if offsets { (oa, ob) } else { (NO, NO) };
        let (num, den) = reduce(na.checked_mul(db)?, da.checked_mul(nb)?);
        value
            .checked_add(oa)?
            .checked_mul_ratio(num, den)?
            .checked_sub(ob)
    }

    /// Converts an `f64`.
    pub fn convert_f64(self, value: f64, to: Unit) -> Result<f64, UnitError> {
        self.check(to)?;
        let (na, da, oa) = self.scale();
        let (nb, db, ob) = to.scale();
        let base = (value + oa.to_f64()) * (na as f64) / (da as f64);
        Ok(base * (db as f64) / (nb as f64) - ob.to_f64())
    }

    /// Converts a numeric value: exact for integers and decimals when the result is a finite
    /// decimal, else `f64`.
    pub fn convert<'a>(self, value: &Value<'a>, to: Unit) -> Result<Value<'a>, UnitError> {
        self.check(to)?;
        if self == to {
            return Ok(value.clone());
        }
        if let Some(d) = value.as_decimal() {
            if let Some(exact) = self.convert_decimal(d, to) {
                return Ok(Value::Decimal(exact));
            }
        }
        let f = value
            .as_f64()
            .ok_or(UnitError::NotNumeric(value.type_name()))?;
        Ok(Value::Float(self.convert_f64(f, to)?))
    }

    fn check(self, to: Unit) -> Result<(), UnitError> {
        if self.is_convertible_to(to) {
            Ok(())
        } else {
            Err(UnitError::Incompatible {
                from: self.code(),
                to: to.code(),
            })
        }
    }
}

fn reduce(num: i128, den: i128) -> (i128, i128) {
    let (mut a, mut b) = (num.unsigned_abs(), den.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    match i128::try_from(a) {
        Ok(g) if g > 1 => (num / g, den / g),
        _ => (num, den),
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Unit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::from_code(s).ok_or(UnitError::Unknown)
    }
}

macro_rules! quantities {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal; )*) => {
        /// What a point measures, independent of unit (stable snake_case names).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Quantity { $( $(#[$doc])* $variant, )* }

        impl Quantity {
            /// Every quantity.
            pub const ALL: &'static [Quantity] = &[$(Quantity::$variant),*];

            /// The stable snake_case name.
            pub const fn name(self) -> &'static str {
                match self { $(Quantity::$variant => $name,)* }
            }
        }
    };
}

quantities! {
    /// Energy (heat, electricity).
    Energy = "energy";
    /// Volume.
    Volume = "volume";
    /// Mass.
    Mass = "mass";
    /// Power.
    Power = "power";
    /// Volume flow.
    VolumeFlow = "volume_flow";
    /// Mass flow.
    MassFlow = "mass_flow";
    /// A temperature not further qualified.
    Temperature = "temperature";
    /// Flow (supply) temperature.
    FlowTemperature = "flow_temperature";
    /// Return temperature.
    ReturnTemperature = "return_temperature";
    /// External (outdoor) temperature.
    ExternalTemperature = "external_temperature";
    /// Temperature difference.
    TemperatureDifference = "temperature_difference";
    /// Pressure.
    Pressure = "pressure";
    /// A time span not further qualified.
    Time = "time";
    /// Time the device has been powered.
    OnTime = "on_time";
    /// Time the device has been operating.
    OperatingTime = "operating_time";
    /// Averaging duration.
    AveragingDuration = "averaging_duration";
    /// Actuality duration.
    ActualityDuration = "actuality_duration";
    /// A point in time (date, date-time).
    TimePoint = "time_point";
    /// Electric potential.
    Voltage = "voltage";
    /// Electric current.
    Current = "current";
    /// Frequency.
    Frequency = "frequency";
    /// Reactive energy.
    ReactiveEnergy = "reactive_energy";
    /// Apparent energy.
    ApparentEnergy = "apparent_energy";
    /// Reactive power.
    ReactivePower = "reactive_power";
    /// Apparent power.
    ApparentPower = "apparent_power";
    /// Phase angle.
    PhaseAngle = "phase_angle";
    /// Relative humidity.
    RelativeHumidity = "relative_humidity";
    /// Received radio signal level.
    SignalLevel = "signal_level";
    /// Prepaid credit (currency units).
    Credit = "credit";
    /// Debit (currency units).
    Debit = "debit";
    /// Access number / message counter.
    AccessNumber = "access_number";
    /// An event counter.
    Counter = "counter";
    /// Heat cost allocator units.
    HcaUnits = "hca_units";
    /// A count or a dimensionless ratio.
    Dimensionless = "dimensionless";
    /// Fabrication (serial) number.
    FabricationNumber = "fabrication_number";
    /// Enhanced identification.
    EnhancedIdentification = "enhanced_identification";
    /// Bus address.
    BusAddress = "bus_address";
    /// Firmware, software or hardware version.
    Version = "version";
    /// Error or status flags.
    ErrorFlags = "error_flags";
    /// Manufacturer-specific data.
    ManufacturerSpecific = "manufacturer_specific";
    /// A digital state (coil, discrete input, boolean attribute).
    State = "state";
    /// Anything else.
    Other = "other";
}

impl Quantity {
    /// Looks up a snake_case name.
    pub fn from_name(name: &str) -> Option<Quantity> {
        Quantity::ALL.iter().copied().find(|q| q.name() == name)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;

    fn d(m: i64, e: i16) -> Decimal {
        Decimal::new(m, e)
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        for u in Unit::ALL {
            assert_eq!(Unit::from_code(u.code()), Some(*u));
        }
        for q in Quantity::ALL {
            assert_eq!(Quantity::from_name(q.name()), Some(*q));
        }
        assert_eq!(
            "kwh".parse::<Unit>(),
            Err(UnitError::Unknown),
            "codes are case-sensitive"
        );
    }

    #[test]
    fn exact_energy_conversions() {
        use Unit::*;
        assert_eq!(
            WattHour.convert_decimal(d(1234, 0), KiloWattHour),
            Some(d(1234, -3))
        );
        assert_eq!(
            MegaWattHour.convert_decimal(d(2, 0), WattHour),
            Some(d(2_000_000, 0))
        );
        assert_eq!(
            KiloWattHour.convert_decimal(d(1, 0), Joule),
            Some(d(3_600_000, 0))
        );
        assert_eq!(
            GigaJoule.convert_decimal(d(36, -1), MegaWattHour),
            Some(d(1, 0))
        );
        // 1 J = 1/3600 Wh has no finite decimal form.
        assert_eq!(Joule.convert_decimal(d(1, 0), WattHour), None);
        let v = Joule.convert(&Value::Int(1), WattHour).unwrap();
        assert_eq!(v, Value::Float(1.0 / 3600.0));
    }

    #[test]
    fn a_signal_level_converts_only_to_itself() {
        use Unit::*;
        // dBm is 10·lg(P / 1 mW): no linear factor relates it to W.
        assert_eq!(Unit::from_code("dB[mW]"), Some(DecibelMilliwatt));
        assert!(!DecibelMilliwatt.is_convertible_to(Watt));
        assert_eq!(
            DecibelMilliwatt.convert_decimal(d(-80, 0), DecibelMilliwatt),
            Some(d(-80, 0))
        );
    }

    #[test]
    fn volume_flow_temperature_pressure() {
        use Unit::*;
        assert_eq!(
            CubicMetre.convert_decimal(d(1234, -3), Litre),
            Some(d(1234, 0))
        );
        assert_eq!(
            LitrePerHour.convert_decimal(d(1500, 0), CubicMetrePerHour),
            Some(d(15, -1))
        );
        assert_eq!(
            Celsius.convert_decimal(d(215, -1), Kelvin),
            Some(d(29465, -2))
        );
        assert_eq!(
            Kelvin.convert_decimal(d(0, 0), Celsius),
            Some(d(-27315, -2))
        );
        assert_eq!(
            Fahrenheit.convert_decimal(d(212, 0), Celsius),
            Some(d(100, 0))
        );
        assert_eq!(Celsius.convert_difference(d(5, 0), Kelvin), Some(d(5, 0)));
        assert_eq!(
            Fahrenheit.convert_difference(d(9, 0), Kelvin),
            Some(d(5, 0))
        );
        assert_eq!(Bar.convert_decimal(d(15, -1), Pascal), Some(d(150_000, 0)));
        assert_eq!(Watt.convert_decimal(d(2500, 0), KiloWatt), Some(d(25, -1)));
        assert_eq!(
            UsGallon.convert_decimal(d(1, 0), Litre),
            Some(d(3_785_411_784, -9))
        );
        assert_eq!(
            Watt.convert(&Value::Int(1), Bar),
            Err(UnitError::Incompatible {
                from: "W",
                to: "bar"
            })
        );
        assert_eq!(
            Watt.convert(&Value::Bool(true), KiloWatt),
            Ok(Value::Float(0.001))
        );
    }

    fn compatible_pairs() -> impl Strategy<Value = (Unit, Unit)> {
        let pairs: std::vec::Vec<(Unit, Unit)> = Unit::ALL
            .iter()
            .flat_map(|a| Unit::ALL.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| a.is_convertible_to(*b))
            .collect();
        proptest::sample::select(pairs)
    }

    proptest! {
        #[test]
        fn exact_conversion_agrees_with_float(m in -1_000_000_000i64..1_000_000_000, e in -6i16..6,
                                               (from, to) in compatible_pairs()) {
            let value = Decimal::new(m, e);
            let float = from.convert_f64(value.to_f64(), to).unwrap();
            if let Some(exact) = from.convert_decimal(value, to) {
                let tolerance = 1e-9 * float.abs().max(1.0);
                prop_assert!((exact.to_f64() - float).abs() <= tolerance, "{exact} vs {float}");
                // And back again, exactly.
                if let Some(back) = to.convert_decimal(exact, from) {
                    prop_assert_eq!(back, value);
                }
            }
        }
    }
}
