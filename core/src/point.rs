//! The canonical point: what every protocol's values have in common.

use crate::id::{Address, Device, PointId};
use crate::quality::{named_enum, Quality};
use crate::unit::{Quantity, Unit};
use crate::value::{DateTime, Value};

named_enum! {
    /// What a stored value represents (M-Bus DIF function field, EN 13757-3 §6.3.2).
    Function {
        /// The current value.
        Instantaneous = "instantaneous",
        /// A maximum.
        Maximum = "maximum",
        /// A minimum.
        Minimum = "minimum",
        /// The value during an error state.
        Error = "error",
    }
}

named_enum! {
    /// The raw wire type a value was decoded from (register maps, EPA-S/WPA-L type codes).
    DataType {
        /// One bit / boolean.
        Bool = "bool",
        /// Signed 8-bit.
        I8 = "i8",
        /// Unsigned 8-bit.
        U8 = "u8",
        /// Signed 16-bit.
        I16 = "i16",
        /// Unsigned 16-bit.
        U16 = "u16",
        /// Signed 32-bit.
        I32 = "i32",
        /// Unsigned 32-bit.
        U32 = "u32",
        /// Signed 64-bit.
        I64 = "i64",
        /// Unsigned 64-bit.
        U64 = "u64",
        /// IEEE 754 single.
        F32 = "f32",
        /// IEEE 754 double.
        F64 = "f64",
        /// BCD digits.
        Bcd = "bcd",
        /// Text.
        String = "string",
        /// Octets.
        Bytes = "bytes",
        /// A bit field.
        Bits = "bits",
        /// A date.
        Date = "date",
        /// A date and time.
        DateTime = "datetime",
        /// A time of day.
        TimeOfDay = "time_of_day",
        /// A time difference.
        TimeDifference = "time_difference",
        /// Nanoseconds since the PTP epoch.
        TimeValue = "time_value",
    }
}

named_enum! {
    /// Order of the bytes of a multi-register value, written as the letters of the big-endian
    /// value `A B C D` as they appear in register order (libmodbus naming).
    ByteOrder {
        /// Big-endian words, big-endian bytes (the Modbus default).
        Abcd = "ABCD",
        /// Little-endian word order ("word swap").
        Cdab = "CDAB",
        /// Byte swap within big-endian words.
        Badc = "BADC",
        /// Fully little-endian.
        Dcba = "DCBA",
    }
}

/// Protocol-specific qualifiers of a point; every field is optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Qualifiers {
    /// Instantaneous / maximum / minimum / error value.
    pub function: Option<Function>,
    /// Storage number (0 = current, 1.. = historic).
    pub storage: Option<u64>,
    /// Tariff (0 = total).
    pub tariff: Option<u32>,
    /// Sub-unit / device number inside the meter.
    pub subunit: Option<u32>,
    /// Raw data type on the wire.
    pub data_type: Option<DataType>,
    /// Byte order of a multi-register value.
    pub byte_order: Option<ByteOrder>,
}

impl Qualifiers {
    /// Whether no qualifier is set.
    pub fn is_empty(&self) -> bool {
        *self == Qualifiers::default()
    }
}

/// One canonical value from a device.
#[derive(Clone, Debug, PartialEq)]
pub struct Point<'a> {
    /// Who.
    pub device: Device,
    /// Which value on that device.
    pub address: Address,
    /// The value, already scaled to `unit`.
    pub value: Value<'a>,
    /// What it measures.
    pub quantity: Option<Quantity>,
    /// Its unit.
    pub unit: Option<Unit>,
    /// How far it can be trusted.
    pub quality: Quality,
    /// Device time, when the protocol carries one.
    pub timestamp: Option<DateTime>,
    /// Protocol-specific qualifiers.
    pub qualifiers: Qualifiers,
}

impl<'a> Point<'a> {
    /// A Good point with no quantity, unit, timestamp or qualifiers.
    pub fn new(device: Device, address: Address, value: Value<'a>) -> Self {
        Point {
            device,
            address,
            value,
            quantity: None,
            unit: None,
            quality: Quality::GOOD,
            timestamp: None,
            qualifiers: Qualifiers::default(),
        }
    }

    /// `device/address`.
    pub fn id(&self) -> PointId {
        PointId {
            device: self.device,
            address: self.address,
        }
    }

    /// Copies borrowed text and bytes so the point outlives its frame.
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Point<'static> {
        Point {
            value: self.value.into_owned(),
            device: self.device,
            address: self.address,
            quantity: self.quantity,
            unit: self.unit,
            quality: self.quality,
            timestamp: self.timestamp,
            qualifiers: self.qualifiers,
        }
    }
}
