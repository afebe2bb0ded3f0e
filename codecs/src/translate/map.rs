//! The translation map: named points, each selected from one source and bound to targets.
//!
//! Built in code or read from TOML ([`Map::from_toml`], with `std`):
//!
//! ```toml
//! stale_after = 900            # seconds; a point older than this is stale (absent: never)
//!
//! [modbus]                     # the Modbus server the translator plays
//! unit = 1                     # answer this unit id only (absent: any)
//! identity = { vendor_name = "causeway", product_code = "CW-1", revision = "1.0" }
//!
//! [epa]                        # the EPA-S application the translator plays
//! app = 0x0100                 # src_app of DISTRIBUTE and WRITE
//! cycle = 10                   # also republish every 10 s (absent: on change only)
//!
//! [wpan]                       # the WPA-L gateway the translator plays
//! pan = 0x1234
//! short = 0x0001
//! uao = 1
//!
//! [[point]]
//! name = "heat_energy"
//! unit = "kWh"                 # the point's canonical unit (source values are converted)
//! range = [0, 99999999]        # what the value can span, checked against each target type
//! source = { protocol = "mbus", id = "12345678", quantity = "energy", storage = 0, tariff = 0 }
//! [[point.target]]
//! protocol = "modbus"
//! table = "holding"
//! address = 100
//! type = "f32"
//! byte_order = "CDAB"
//! status = 200                 # a register holding the point's quality code
//! on_bad = "exception"         # exception 04 while Bad or stale ("keep": serve the last value)
//! ```
//!
//! Sources: `mbus` (`id` or `primary`, optional `manufacturer`; `quantity`, `storage`, `tariff`,
//! `subunit`, `function`, or a `record` index; `write = { address, vib, data_field }` says how to
//! send a value back with SND_UD), `modbus` (`unit_id` and a register-map field: `table`,
//! `address`, `type`, `byte_order`, `scale`, …), `epa` (`app`, `obj`, `attr`, `type` for writes),
//! `wpan` (`pan`, `short` or `extended`, `uao`, `attr`, `type` for writes). Targets: `modbus` (a
//! register-map field plus `status` and `on_bad`), `epa` (`obj`, `attr`, `type`, `unit`), `wpan`
//! (`uao`, `attr`, `type`, `unit`). Type names are the register-map names (`u16`, `f32`, …) for
//! Modbus and the profile names (`FLOAT32`, `UINT16`, …) for EPA-S and WPA-L.
//!
//! [`Map::validate`] reports every problem at once, each with its TOML line: unknown protocols,
//! overlapping register ranges, units that do not convert, types too small for the range.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use causeway_core::{
    DataType, Decimal, Function, Manufacturer, ModbusTable, Quantity, Unit, WpanAddr,
};

use crate::fieldbus::TypeCode;
use crate::modbus::map::Field;

/// A map problem: the TOML line (0 for a map built in code), the point and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapError {
    /// 1-based line of the TOML text the problem is on (0 when unknown).
    pub line: usize,
    /// The point's name, when the problem belongs to one.
    pub point: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        if let Some(p) = &self.point {
            write!(f, "point {p:?}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// How to send a value back to an M-Bus meter: one SND_UD (CI 51) data record.
#[derive(Clone, Debug, PartialEq)]
pub struct MBusWrite {
    /// Primary address the SND_UD goes to.
    pub address: u8,
    /// VIF and VIFEs of the record (their exponent scales the value).
    pub vib: Vec<u8>,
    /// DIF data field coding (`0x1`–`0x4`, `0x6`, `0x7` integers; `0x9`–`0xC`, `0xE` BCD).
    pub data_field: u8,
}

/// Which M-Bus record a point is.
#[derive(Clone, Debug, PartialEq)]
pub struct MBusSource {
    /// Identification number as written (`"12345678"` is `0x12345678`).
    pub id: Option<u32>,
    /// Primary address, for meters without a secondary address in their telegrams.
    pub primary: Option<u8>,
    /// Manufacturer, when the id alone is not unique.
    pub manufacturer: Option<Manufacturer>,
    /// The record by position instead of by meaning.
    pub record: Option<u16>,
    /// Quantity of the record.
    pub quantity: Option<Quantity>,
    /// Storage number (0: current).
    pub storage: u64,
    /// Tariff (0: total).
    pub tariff: u32,
    /// Subunit.
    pub subunit: u32,
    /// Instantaneous, maximum, minimum or error value.
    pub function: Function,
    /// How to write the value back, when it can be written.
    pub write: Option<MBusWrite>,
}

/// Where a point's value comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// An M-Bus meter record.
    MBus(MBusSource),
    /// A Modbus server's register-map field.
    Modbus {
        /// Unit id of the server.
        unit_id: u8,
        /// Where and how the value is stored there.
        field: Field,
    },
    /// An EPA-S object attribute.
    Epa {
        /// Application id.
        app: u16,
        /// Object.
        obj: u16,
        /// Attribute.
        attr: u16,
        /// Type code for WRITE requests.
        data_type: Option<TypeCode>,
    },
    /// A WPA-L UAO attribute.
    Wpan {
        /// PAN id (absent: any).
        pan: Option<u16>,
        /// The node's NL short address or extended address.
        addr: WpanAddr,
        /// User application object.
        uao: u8,
        /// Attribute.
        attr: u8,
        /// Type code for WRITE_REQ.
        data_type: Option<TypeCode>,
    },
}

impl Source {
    /// The protocol name as the map writes it.
    pub const fn protocol(&self) -> &'static str {
        match self {
            Source::MBus(_) => "mbus",
            Source::Modbus { .. } => "modbus",
            Source::Epa { .. } => "epa",
            Source::Wpan { .. } => "wpan",
        }
    }

    /// The unit the source delivers values in, when the map says.
    pub fn unit(&self) -> Option<Unit> {
        match self {
            Source::Modbus { field, .. } => field.unit,
            _ => None,
        }
    }

    /// Whether values can be sent back to the source.
    pub fn can_write(&self) -> bool {
        match self {
            Source::MBus(m) => m.write.is_some(),
            Source::Modbus { field, .. } => matches!(
                field.table,
                ModbusTable::Coil | ModbusTable::HoldingRegister
            ),
            Source::Epa { data_type, .. } | Source::Wpan { data_type, .. } => data_type.is_some(),
        }
    }
}

/// What a Modbus register of a Bad or stale point answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnBad {
    /// Exception 04 (server device failure) for any read that touches the point.
    #[default]
    Exception,
    /// The last value (zero before the first); the status register tells the quality.
    Keep,
}

/// Where a point's value goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Modbus registers or bits of the translator's server.
    Modbus {
        /// Where and how the value is stored.
        field: Field,
        /// A register (same table) that holds the point's [`super::StatusCode`].
        status: Option<u16>,
        /// What reads answer while the point is Bad or stale.
        on_bad: OnBad,
    },
    /// An attribute of the translator's EPA-S object table, published with DISTRIBUTE.
    Epa {
        /// Object.
        obj: u16,
        /// Attribute.
        attr: u16,
        /// Type code.
        data_type: TypeCode,
        /// Unit the value is converted to.
        unit: Option<Unit>,
    },
    /// An attribute of the translator's WPA-L attribute table, published with PUBLISH.
    Wpan {
        /// User application object.
        uao: u8,
        /// Attribute.
        attr: u8,
        /// Type code.
        data_type: TypeCode,
        /// Unit the value is converted to.
        unit: Option<Unit>,
    },
}

impl Target {
    /// The unit the target wants values in.
    pub fn unit(&self) -> Option<Unit> {
        match self {
            Target::Modbus { field, .. } => field.unit,
            Target::Epa { unit, .. } | Target::Wpan { unit, .. } => *unit,
        }
    }
}

/// A named point of the map.
#[derive(Clone, Debug, PartialEq)]
pub struct MapPoint {
    /// Name, unique in the map.
    pub name: String,
    /// Canonical unit: source values are converted to it (absent: the source's unit).
    pub unit: Option<Unit>,
    /// The span of values, in `unit`, each target type must hold.
    pub range: Option<(f64, f64)>,
    /// Staleness limit in milliseconds (absent: the map's).
    pub stale_after_ms: Option<u64>,
    /// Whether Modbus writes go back to the source.
    pub writable: bool,
    /// Where the value comes from.
    pub source: Source,
    /// Where it goes.
    pub targets: Vec<Target>,
    /// TOML line of the point (0 when built in code).
    pub line: usize,
    /// TOML line of each target (same length as `targets` when read from TOML).
    pub target_lines: Vec<usize>,
}

/// Modbus device identification (FC 43 / MEI 14) objects 0–6.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    /// Object 0.
    pub vendor_name: String,
    /// Object 1.
    pub product_code: String,
    /// Object 2.
    pub revision: String,
    /// Object 3.
    pub vendor_url: Option<String>,
    /// Object 4.
    pub product_name: Option<String>,
    /// Object 5.
    pub model_name: Option<String>,
    /// Object 6.
    pub user_application_name: Option<String>,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            vendor_name: "causeway".into(),
            product_code: "causeway-translator".into(),
            revision: env!("CARGO_PKG_VERSION").into(),
            vendor_url: None,
            product_name: None,
            model_name: None,
            user_application_name: None,
        }
    }
}

/// The Modbus server the translator plays.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModbusServer {
    /// Answer only this unit id (absent: every unit id).
    pub unit: Option<u8>,
    /// Read unmapped registers inside a request as 0 instead of answering exception 02.
    pub fill_gaps: bool,
    /// Device identification.
    pub identity: Identity,
}

/// The EPA-S application the translator plays.
#[derive(Clone, Debug, PartialEq)]
pub struct EpaApp {
    /// Its application id (`src_app`).
    pub app: u16,
    /// Where DISTRIBUTE goes (0xFFFF: all).
    pub dst_app: u16,
    /// Republish period in milliseconds (absent: on change only).
    pub cycle_ms: Option<u64>,
}

impl Default for EpaApp {
    fn default() -> Self {
        EpaApp {
            app: 0x0100,
            dst_app: 0xFFFF,
            cycle_ms: None,
        }
    }
}

/// The WPA-L gateway node the translator plays.
#[derive(Clone, Debug, PartialEq)]
pub struct WpanNode {
    /// PAN id.
    pub pan: u16,
    /// Its short (MAC and NL) address.
    pub short: u16,
    /// Its user application object.
    pub uao: u8,
    /// Where PUBLISH goes (0xFFFF: broadcast).
    pub dst: u16,
    /// Republish period in milliseconds (absent: on change only).
    pub cycle_ms: Option<u64>,
}

impl Default for WpanNode {
    fn default() -> Self {
        WpanNode {
            pan: 0x1234,
            short: 0x0001,
            uao: 1,
            dst: 0xFFFF,
            cycle_ms: None,
        }
    }
}

/// A whole map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    /// Default staleness limit in milliseconds (absent: never stale).
    pub stale_after_ms: Option<u64>,
    /// The Modbus server side.
    pub modbus: ModbusServer,
    /// The EPA-S side.
    pub epa: EpaApp,
    /// The WPA-L side.
    pub wpan: WpanNode,
    /// The points.
    pub points: Vec<MapPoint>,
}

/// The range a data type holds, as `f64` bounds.
fn type_range(data_type: DataType) -> Option<(f64, f64)> {
    Some(match data_type {
        DataType::Bool => (0.0, 1.0),
        DataType::I8 => (i8::MIN as f64, i8::MAX as f64),
        DataType::U8 => (0.0, u8::MAX as f64),
        DataType::I16 => (i16::MIN as f64, i16::MAX as f64),
        DataType::U16 => (0.0, u16::MAX as f64),
        DataType::I32 => (i32::MIN as f64, i32::MAX as f64),
        DataType::U32 => (0.0, u32::MAX as f64),
        DataType::I64 => (i64::MIN as f64, i64::MAX as f64),
        DataType::U64 => (0.0, u64::MAX as f64),
        DataType::F32 => (f32::MIN as f64, f32::MAX as f64),
        DataType::F64 => (f64::MIN, f64::MAX),
        _ => return None,
    })
}

/// The register-map type a fieldbus type code stores as.
pub fn data_type_of(code: TypeCode) -> Option<DataType> {
    Some(match code {
        TypeCode::BOOLEAN => DataType::Bool,
        TypeCode::INT8 => DataType::I8,
        TypeCode::INT16 => DataType::I16,
        TypeCode::INT32 => DataType::I32,
        TypeCode::INT64 => DataType::I64,
        TypeCode::UINT8 => DataType::U8,
        TypeCode::UINT16 => DataType::U16,
        TypeCode::UINT32 => DataType::U32,
        TypeCode::UINT64 => DataType::U64,
        TypeCode::FLOAT32 => DataType::F32,
        TypeCode::FLOAT64 => DataType::F64,
        TypeCode::VISIBLE_STRING => DataType::String,
        TypeCode::OCTET_STRING | TypeCode::BIT_STRING => DataType::Bytes,
        _ => return None,
    })
}

/// `value` in `from` as raw `field` units: unit converted, then scale and offset undone.
fn raw_of(value: f64, from: Option<Unit>, to: Option<Unit>, field: Option<&Field>) -> Option<f64> {
    let v = match (from, to) {
        (Some(f), Some(t)) => f.convert_f64(value, t).ok()?,
        _ => value,
    };
    let Some(field) = field else { return Some(v) };
    let offset = field.offset.map_or(0.0, Decimal::to_f64);
    let scale = field.scale.map_or(1.0, Decimal::to_f64);
    Some((v - offset) / scale)
}

impl Map {
    /// Every problem of the map; empty when it is usable.
    pub fn validate(&self) -> Vec<MapError> {
        let mut errors = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        // (table, first register, registers, bit mask (0xFFFF: whole registers), line, point)
        let mut used: Vec<(ModbusTable, u32, u32, u16, usize, &str)> = Vec::new();
        let mut published: Vec<(&'static str, u32, u32, usize, &str)> = Vec::new();
        for p in &self.points {
            let err = |line: usize, message: String| MapError {
                line,
                point: Some(p.name.clone()),
                message,
            };
            if names.contains(&p.name.as_str()) {
                errors.push(err(p.line, "name used by an earlier point".into()));
            }
            names.push(&p.name);
            let unit = p.unit.or(p.source.unit());
            if let (Some(from), Some(to)) = (p.source.unit(), p.unit) {
                if !from.is_convertible_to(to) {
                    errors.push(err(
                        p.line,
                        format!("source unit {from} does not convert to the point's unit {to}"),
                    ));
                }
            }
            if p.writable && !p.source.can_write() {
                errors.push(err(
                    p.line,
                    format!(
                        "writable, but the {} source says no way to write (mbus: write = {{...}}; epa/wpan: type; modbus: coil or holding table)",
                        p.source.protocol()
                    ),
                ));
            }
            let range = p.range.or_else(|| match &p.source {
                Source::Modbus { field, .. }
                    if !matches!(field.data_type, DataType::F32 | DataType::F64) =>
                {
                    let (lo, hi) = type_range(field.data_type)?;
                    let s = field.scale.map_or(1.0, Decimal::to_f64);
                    let o = field.offset.map_or(0.0, Decimal::to_f64);
                    let (a, b) = (lo * s + o, hi * s + o);
                    let (lo, hi) = (a.min(b), a.max(b));
                    match (field.unit, p.unit) {
                        (Some(f), Some(t)) => {
                            Some((f.convert_f64(lo, t).ok()?, f.convert_f64(hi, t).ok()?))
                        }
                        _ => Some((lo, hi)),
                    }
                }
                _ => None,
            });
            for (i, t) in p.targets.iter().enumerate() {
                let line = p.target_lines.get(i).copied().unwrap_or(p.line);
                if let (Some(from), Some(to)) = (unit, t.unit()) {
                    if !from.is_convertible_to(to) {
                        errors.push(err(line, format!("unit {from} does not convert to {to}")));
                    }
                }
                let (data_type, field) = match t {
                    Target::Modbus { field, status, .. } => {
                        let bit_table =
                            matches!(field.table, ModbusTable::Coil | ModbusTable::DiscreteInput);
                        if bit_table && field.data_type != DataType::Bool {
                            errors.push(err(
                                line,
                                format!(
                                    "{} table holds bits: type must be bool, not {}",
                                    field.table.name(),
                                    field.data_type.name()
                                ),
                            ));
                        }
                        if field.count() == 0 {
                            errors.push(err(line, "a string or bytes field needs length".into()));
                        }
                        let mask = if bit_table {
                            0xFFFF
                        } else {
                            field.bit_mask() as u16
                        };
                        used.push((
                            field.table,
                            u32::from(field.address),
                            u32::from(field.count()),
                            mask,
                            line,
                            &p.name,
                        ));
                        if let Some(s) = status {
                            if bit_table {
                                errors.push(err(
                                    line,
                                    "a status register needs a register table (holding or input)"
                                        .into(),
                                ));
                            }
                            used.push((field.table, u32::from(*s), 1, 0xFFFF, line, &p.name));
                        }
                        (Some(field.data_type), Some(field))
                    }
                    Target::Epa {
                        obj,
                        attr,
                        data_type,
                        ..
                    } => {
                        published.push(("epa", u32::from(*obj), u32::from(*attr), line, &p.name));
                        (data_type_of(*data_type), None)
                    }
                    Target::Wpan {
                        uao,
                        attr,
                        data_type,
                        ..
                    } => {
                        published.push(("wpan", u32::from(*uao), u32::from(*attr), line, &p.name));
                        (data_type_of(*data_type), None)
                    }
                };
                let (Some((lo, hi)), Some(dt)) = (range, data_type) else {
                    continue;
                };
                let Some((tlo, thi)) = type_range(dt) else {
                    continue;
                };
                let raw = [lo, hi].map(|v| raw_of(v, unit, t.unit(), field));
                if let [Some(a), Some(b)] = raw {
                    let (a, b) = (a.min(b), a.max(b));
                    if a < tlo || b > thi {
                        errors.push(err(
                            line,
                            format!(
                                "type {} ({tlo} to {thi}) is too small for the range {lo} to {hi} (raw {a} to {b})",
                                dt.name()
                            ),
                        ));
                    }
                }
            }
        }
        for (i, a) in used.iter().enumerate() {
            for b in used.iter().skip(i + 1) {
                let overlap = a.0 == b.0 && a.1 < b.1 + b.2 && b.1 < a.1 + a.2 && a.3 & b.3 != 0;
                if overlap {
                    errors.push(MapError {
                        line: b.4,
                        point: Some(b.5.to_string()),
                        message: format!(
                            "{} registers {}..{} overlap {}..{} of point {:?} (line {})",
                            b.0.name(),
                            b.1,
                            b.1 + b.2,
                            a.1,
                            a.1 + a.2,
                            a.5,
                            a.4
                        ),
                    });
                }
            }
        }
        for (i, a) in published.iter().enumerate() {
            for b in published.iter().skip(i + 1) {
                if (a.0, a.1, a.2) == (b.0, b.1, b.2) {
                    errors.push(MapError {
                        line: b.3,
                        point: Some(b.4.to_string()),
                        message: format!(
                            "{} attribute {}/{} is also the target of point {:?} (line {})",
                            b.0, b.1, b.2, a.4, a.3
                        ),
                    });
                }
            }
        }
        errors
    }
}

#[cfg(feature = "std")]
mod toml_form {
    //! Reading a [`Map`] from TOML, keeping the line of every point and target.

    use super::*;
    use serde::Deserialize;
    use toml::{Spanned, Table};

    use crate::modbus::map::serde_named;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawMap {
        stale_after: Option<f64>,
        #[serde(default)]
        modbus: RawModbus,
        #[serde(default)]
        epa: RawEpa,
        #[serde(default)]
        wpan: RawWpan,
        #[serde(default)]
        point: Vec<Spanned<RawPoint>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct RawModbus {
        unit: Option<u8>,
        #[serde(default)]
        fill_gaps: bool,
        identity: Option<RawIdentity>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawIdentity {
        vendor_name: Option<String>,
        product_code: Option<String>,
        revision: Option<String>,
        vendor_url: Option<String>,
        product_name: Option<String>,
        model_name: Option<String>,
        user_application_name: Option<String>,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct RawEpa {
        app: Option<u16>,
        dst_app: Option<u16>,
        cycle: Option<f64>,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct RawWpan {
        pan: Option<u16>,
        short: Option<u16>,
        uao: Option<u8>,
        dst: Option<u16>,
        cycle: Option<f64>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawPoint {
        name: String,
        #[serde(default, with = "serde_named::unit")]
        unit: Option<Unit>,
        range: Option<(f64, f64)>,
        stale_after: Option<f64>,
        #[serde(default)]
        writable: bool,
        source: Spanned<Table>,
        #[serde(default)]
        target: Vec<Spanned<Table>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawMBus {
        id: Option<String>,
        primary: Option<u8>,
        manufacturer: Option<String>,
        record: Option<u16>,
        #[serde(default, with = "serde_named::quantity")]
        quantity: Option<Quantity>,
        #[serde(default)]
        storage: u64,
        #[serde(default)]
        tariff: u32,
        #[serde(default)]
        subunit: u32,
        function: Option<String>,
        write: Option<RawMBusWrite>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawMBusWrite {
        address: u8,
        vib: String,
        data_field: u8,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawEpaSource {
        app: u16,
        obj: u16,
        attr: u16,
        #[serde(rename = "type")]
        data_type: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawWpanSource {
        pan: Option<u16>,
        short: Option<u16>,
        extended: Option<String>,
        uao: u8,
        attr: u8,
        #[serde(rename = "type")]
        data_type: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawEpaTarget {
        obj: u16,
        attr: u16,
        #[serde(rename = "type")]
        data_type: String,
        #[serde(default, with = "serde_named::unit")]
        unit: Option<Unit>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawWpanTarget {
        uao: u8,
        attr: u8,
        #[serde(rename = "type")]
        data_type: String,
        #[serde(default, with = "serde_named::unit")]
        unit: Option<Unit>,
    }

    fn seconds_ms(s: Option<f64>) -> Option<u64> {
        s.filter(|s| *s > 0.0).map(|s| (s * 1000.0) as u64)
    }

    fn line_of(text: &str, offset: usize) -> usize {
        text.get(..offset)
            .map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count())
            + 1
    }

    fn type_code(name: &str) -> Result<TypeCode, String> {
        TypeCode::from_name(name).ok_or_else(|| {
            format!("unknown type {name:?} (the profile names: FLOAT32, UINT16, BOOLEAN, ...)")
        })
    }

    fn take<T: serde::de::DeserializeOwned>(table: Table) -> Result<T, String> {
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| e.message().to_string())
    }

    fn protocol(table: &mut Table) -> Result<String, String> {
        match table.remove("protocol") {
            Some(toml::Value::String(s)) => Ok(s),
            Some(_) => Err("protocol must be a string".into()),
            None => Err("missing protocol".into()),
        }
    }

    fn hex_bytes(text: &str) -> Result<Vec<u8>, String> {
        crate::registry::parse_hex(text)
    }

    fn source(mut table: Table) -> Result<Source, String> {
        let protocol = protocol(&mut table)?;
        Ok(match protocol.as_str() {
            "mbus" => {
                let r: RawMBus = take(table)?;
                let id =
                    r.id.map(|s| {
                        u32::from_str_radix(&s, 16)
                            .ok()
                            .filter(|_| s.len() == 8)
                            .ok_or(format!("id {s:?} is not 8 digits"))
                    })
                    .transpose()?;
                if id.is_none() && r.primary.is_none() {
                    return Err("an mbus source needs id or primary".into());
                }
                let manufacturer = r
                    .manufacturer
                    .map(|m| {
                        match m.as_bytes() {
                            &[a, b, c] => Manufacturer::from_letters([a, b, c]),
                            _ => None,
                        }
                        .ok_or(format!("manufacturer {m:?} is not three letters"))
                    })
                    .transpose()?;
                let function = r
                    .function
                    .map(|f| Function::from_name(&f).ok_or(format!("unknown function {f:?}")))
                    .transpose()?
                    .unwrap_or(Function::Instantaneous);
                if r.record.is_none() && r.quantity.is_none() {
                    return Err("an mbus source needs quantity or record".into());
                }
                let write = r
                    .write
                    .map(|w| {
                        Ok::<_, String>(MBusWrite {
                            address: w.address,
                            vib: hex_bytes(&w.vib)?,
                            data_field: w.data_field,
                        })
                    })
                    .transpose()?;
                Source::MBus(MBusSource {
                    id,
                    primary: r.primary,
                    manufacturer,
                    record: r.record,
                    quantity: r.quantity,
                    storage: r.storage,
                    tariff: r.tariff,
                    subunit: r.subunit,
                    function,
                    write,
                })
            }
            "modbus" => {
                let unit_id = match table.remove("unit_id") {
                    Some(toml::Value::Integer(u)) => {
                        u8::try_from(u).map_err(|_| format!("unit_id {u} is not 0-255"))?
                    }
                    _ => return Err("a modbus source needs unit_id".into()),
                };
                Source::Modbus {
                    unit_id,
                    field: take(table)?,
                }
            }
            "epa" => {
                let r: RawEpaSource = take(table)?;
                Source::Epa {
                    app: r.app,
                    obj: r.obj,
                    attr: r.attr,
                    data_type: r.data_type.as_deref().map(type_code).transpose()?,
                }
            }
            "wpan" => {
                let r: RawWpanSource = take(table)?;
                let addr = match (r.short, r.extended) {
                    (Some(s), None) => WpanAddr::Short(s),
                    (None, Some(e)) => WpanAddr::Extended(
                        u64::from_str_radix(&e.replace(':', ""), 16)
                            .map_err(|_| format!("extended address {e:?} is not 16 hex digits"))?,
                    ),
                    _ => return Err("a wpan source needs short or extended (one of them)".into()),
                };
                Source::Wpan {
                    pan: r.pan,
                    addr,
                    uao: r.uao,
                    attr: r.attr,
                    data_type: r.data_type.as_deref().map(type_code).transpose()?,
                }
            }
            other => {
                return Err(format!(
                    "unknown protocol {other:?} (sources: mbus, modbus, epa, wpan)"
                ))
            }
        })
    }

    fn target(mut table: Table) -> Result<Target, String> {
        let protocol = protocol(&mut table)?;
        Ok(match protocol.as_str() {
            "modbus" => {
                let status = match table.remove("status") {
                    Some(toml::Value::Integer(a)) => Some(
                        u16::try_from(a).map_err(|_| format!("status {a} is not a register"))?,
                    ),
                    None => None,
                    Some(_) => return Err("status must be a register address".into()),
                };
                let on_bad = match table.remove("on_bad") {
                    None => OnBad::Exception,
                    Some(toml::Value::String(s)) if s == "exception" => OnBad::Exception,
                    Some(toml::Value::String(s)) if s == "keep" => OnBad::Keep,
                    Some(v) => return Err(format!("on_bad {v} is not \"exception\" or \"keep\"")),
                };
                Target::Modbus {
                    field: take(table)?,
                    status,
                    on_bad,
                }
            }
            "epa" => {
                let r: RawEpaTarget = take(table)?;
                Target::Epa {
                    obj: r.obj,
                    attr: r.attr,
                    data_type: type_code(&r.data_type)?,
                    unit: r.unit,
                }
            }
            "wpan" => {
                let r: RawWpanTarget = take(table)?;
                Target::Wpan {
                    uao: r.uao,
                    attr: r.attr,
                    data_type: type_code(&r.data_type)?,
                    unit: r.unit,
                }
            }
            other => {
                return Err(format!(
                    "unknown protocol {other:?} (targets: modbus, epa, wpan)"
                ))
            }
        })
    }

    impl Map {
        /// Reads a map from TOML and validates it; every problem is reported with its line.
        pub fn from_toml(text: &str) -> Result<Map, Vec<MapError>> {
            let raw: RawMap = toml::from_str(text).map_err(|e| {
                alloc::vec![MapError {
                    line: e.span().map_or(0, |s| line_of(text, s.start)),
                    point: None,
                    message: e.message().to_string(),
                }]
            })?;
            let mut errors = Vec::new();
            let mut points = Vec::new();
            for sp in raw.point {
                let line = line_of(text, sp.span().start);
                let p = sp.into_inner();
                let err = |line: usize, message: String| MapError {
                    line,
                    point: Some(p.name.clone()),
                    message,
                };
                let source_line = line_of(text, p.source.span().start);
                let source = match source(p.source.get_ref().clone()) {
                    Ok(s) => Some(s),
                    Err(m) => {
                        errors.push(err(source_line, format!("source: {m}")));
                        None
                    }
                };
                let mut targets = Vec::new();
                let mut target_lines = Vec::new();
                for t in &p.target {
                    let tl = line_of(text, t.span().start);
                    match target(t.get_ref().clone()) {
                        Ok(t) => {
                            targets.push(t);
                            target_lines.push(tl);
                        }
                        Err(m) => errors.push(err(tl, format!("target: {m}"))),
                    }
                }
                if p.target.is_empty() {
                    errors.push(err(line, "no target".into()));
                }
                if let Some(source) = source {
                    points.push(MapPoint {
                        name: p.name,
                        unit: p.unit,
                        range: p.range,
                        stale_after_ms: seconds_ms(p.stale_after),
                        writable: p.writable,
                        source,
                        targets,
                        line,
                        target_lines,
                    });
                }
            }
            let defaults = (Identity::default(), EpaApp::default(), WpanNode::default());
            let identity = raw
                .modbus
                .identity
                .map_or(defaults.0.clone(), |i| Identity {
                    vendor_name: i.vendor_name.unwrap_or(defaults.0.vendor_name),
                    product_code: i.product_code.unwrap_or(defaults.0.product_code),
                    revision: i.revision.unwrap_or(defaults.0.revision),
                    vendor_url: i.vendor_url,
                    product_name: i.product_name,
                    model_name: i.model_name,
                    user_application_name: i.user_application_name,
                });
            let map = Map {
                stale_after_ms: seconds_ms(raw.stale_after),
                modbus: ModbusServer {
                    unit: raw.modbus.unit,
                    fill_gaps: raw.modbus.fill_gaps,
                    identity,
                },
                epa: EpaApp {
                    app: raw.epa.app.unwrap_or(defaults.1.app),
                    dst_app: raw.epa.dst_app.unwrap_or(defaults.1.dst_app),
                    cycle_ms: seconds_ms(raw.epa.cycle),
                },
                wpan: WpanNode {
                    pan: raw.wpan.pan.unwrap_or(defaults.2.pan),
                    short: raw.wpan.short.unwrap_or(defaults.2.short),
                    uao: raw.wpan.uao.unwrap_or(defaults.2.uao),
                    dst: raw.wpan.dst.unwrap_or(defaults.2.dst),
                    cycle_ms: seconds_ms(raw.wpan.cycle),
                },
                points,
            };
            errors.extend(map.validate());
            errors.sort_by_key(|e| e.line);
            if errors.is_empty() {
                Ok(map)
            } else {
                Err(errors)
            }
        }
    }
}
