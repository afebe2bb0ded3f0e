//! Device identities and point addresses, with their canonical strings.
//!
//! | protocol | device | address |
//! |---|---|---|
//! | Modbus | `modbus:unit=17[,host=10.0.0.5][,port=502]` | `holding:0`, `input:3`, `coil:7`, `discrete:1` (0-based protocol addresses) |
//! | M-Bus | `mbus:id=12345678,man=LUG,ver=2,med=heat`, or `mbus:addr=5` without a long header | `rec:3` (record index in the telegram) |
//! | EPA-S | `epa:app=0x0020` | `obj=0x0010/attr=2`, events `obj=0x0010/event=5` |
//! | WPA-L / 802.15.4 | `wpan:pan=0x1234,short=0x0102` or `ext=0x…` | `uao:1/attr:2`, events `uao:1/event:5` |
//!
//! A point is `device/address`, e.g. `modbus:unit=17/holding:0`. Rendering and parsing are exact
//! inverses; a malformed string is an [`IdError`] naming the byte position.

use core::fmt;
use core::net::IpAddr;
use core::str::FromStr;

use crate::quality::named_enum;

/// A malformed canonical string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid canonical id at position {position}: expected {expected}")]
pub struct IdError {
    /// Byte position in the string.
    pub position: usize,
    /// What was expected there.
    pub expected: &'static str,
}

/// The canonical protocol families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Modbus (RTU, ASCII, TCP).
    Modbus,
    /// M-Bus (wired and wireless).
    MBus,
    /// EPA-S.
    Epa,
    /// 802.15.4 / WPA-L.
    Wpan,
}

impl Protocol {
    /// The scheme in canonical strings.
    pub const fn scheme(self) -> &'static str {
        match self {
            Protocol::Modbus => "modbus",
            Protocol::MBus => "mbus",
            Protocol::Epa => "epa",
            Protocol::Wpan => "wpan",
        }
    }
}

/// The M-Bus medium code (EN 13757-3 Table 3), an open enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Medium(pub u8);

const MEDIA: &[(u8, &str)] = &[
    (0x00, "other"),
    (0x01, "oil"),
    (0x02, "electricity"),
    (0x03, "gas"),
    (0x04, "heat"),
    (0x05, "steam"),
    (0x06, "warm_water"),
    (0x07, "water"),
    (0x08, "heat_cost_allocator"),
    (0x09, "compressed_air"),
    (0x0A, "cooling_outlet"),
    (0x0B, "cooling_inlet"),
    (0x0C, "heat_inlet"),
    (0x0D, "heat_cooling"),
    (0x0E, "bus_system"),
    (0x0F, "unknown"),
    (0x15, "hot_water"),
    (0x16, "cold_water"),
    (0x17, "dual_water"),
    (0x18, "pressure"),
    (0x19, "ad_converter"),
    (0x1A, "smoke_detector"),
    (0x1B, "room_sensor"),
    (0x1C, "gas_detector"),
    (0x20, "breaker"),
    (0x21, "valve"),
    (0x25, "customer_unit"),
    (0x28, "waste_water"),
    (0x29, "garbage"),
    (0x2A, "carbon_dioxide"),
    (0x31, "communication_controller"),
    (0x32, "unidirectional_repeater"),
    (0x33, "bidirectional_repeater"),
    (0x36, "radio_converter_system"),
    (0x37, "radio_converter_meter"),
];

impl Medium {
    /// The snake_case name, or `None` for codes without one (rendered `0xNN`).
    pub fn name(self) -> Option<&'static str> {
        MEDIA.iter().find(|(c, _)| *c == self.0).map(|(_, n)| *n)
    }

    /// The medium [`Display`](fmt::Display) writes as `text`: a snake_case name or `0xNN`.
    pub fn from_name(text: &str) -> Option<Self> {
        let named = MEDIA.iter().find(|(_, n)| *n == text).map(|(c, _)| *c);
        let hex = || {
            text.strip_prefix("0x")
                .filter(|h| h.len() == 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        named.or_else(hex).map(Medium)
    }
}

impl fmt::Display for Medium {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "0x{:02X}", self.0),
        }
    }
}

/// An M-Bus manufacturer id: three letters packed as `(c1-64)·32² + (c2-64)·32 + (c3-64)`
/// (EN 13757-3 §5.6; the FLAG association code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Manufacturer(pub u16);

impl Manufacturer {
    /// The three letters (`@`..`_` for codes outside A–Z).
    pub fn letters(self) -> [char; 3] {
        let c = |shift: u16| char::from(b'@' + ((self.0 >> shift) & 0x1F) as u8);
        [c(10), c(5), c(0)]
    }

    /// Packs three letters in `@`..`_`.
    pub fn from_letters(letters: [u8; 3]) -> Option<Self> {
        letters
            .iter()
            .try_fold(0u16, |acc, &l| {
                (b'@'..=b'_')
                    .contains(&l)
                    .then(|| (acc << 5) | u16::from(l - b'@'))
            })
            .map(Manufacturer)
    }
}

impl fmt::Display for Manufacturer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.letters().iter().try_for_each(|c| write!(f, "{c}"))
    }
}

/// An 802.15.4 / WPA-L address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WpanAddr {
    /// 16-bit short (or NL network) address.
    Short(u16),
    /// 64-bit extended address.
    Extended(u64),
}

/// Who a point comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    /// A Modbus server: unit id, and where it was reached when known.
    Modbus {
        /// Unit (slave) id.
        unit: u8,
        /// IP address of the server, for Modbus/TCP.
        host: Option<IpAddr>,
        /// TCP port of the server.
        port: Option<u16>,
    },
    /// An M-Bus meter by its secondary address.
    MBus {
        /// Identification number as sent: 8 BCD digits (`0x12345678` renders `12345678`;
        /// non-BCD nibbles render as hex letters).
        id: u32,
        /// Manufacturer.
        manufacturer: Manufacturer,
        /// Version / generation.
        version: u8,
        /// Medium.
        medium: Medium,
    },
    /// An M-Bus slave known only by its primary address (telegrams without a long header).
    MBusPrimary {
        /// Primary address 0–250.
        address: u8,
    },
    /// An EPA-S application (process).
    Epa {
        /// Application id.
        app: u16,
    },
    /// An 802.15.4 node on a PAN.
    Wpan {
        /// PAN id.
        pan: u16,
        /// Node address.
        addr: WpanAddr,
    },
}

named_enum! {
    /// The four Modbus data tables.
    ModbusTable {
        /// Coils (read/write bits, FC 1/5/15).
        Coil = "coil",
        /// Discrete inputs (read-only bits, FC 2).
        DiscreteInput = "discrete",
        /// Input registers (read-only words, FC 4).
        InputRegister = "input",
        /// Holding registers (read/write words, FC 3/6/16/23).
        HoldingRegister = "holding",
    }
}

/// Which value on a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    /// A Modbus table entry (0-based protocol address).
    Modbus {
        /// The table.
        table: ModbusTable,
        /// 0-based address.
        index: u16,
    },
    /// An M-Bus data record, by its position in the telegram (0-based).
    MBus {
        /// Record index.
        record: u16,
    },
    /// An EPA-S object attribute.
    Epa {
        /// Object (function block / link object).
        obj: u16,
        /// Attribute.
        attr: u16,
    },
    /// An EPA-S event of an object (EVENT_NOTIFY).
    EpaEvent {
        /// Object (function block / link object).
        obj: u16,
        /// Event id.
        event: u16,
    },
    /// A WPA-L user application object attribute.
    Wpan {
        /// User application object.
        uao: u8,
        /// Attribute.
        attr: u8,
    },
    /// A WPA-L event of a user application object (REPORT).
    WpanEvent {
        /// User application object.
        uao: u8,
        /// Event id.
        event: u16,
    },
}

impl Device {
    /// The protocol family.
    pub const fn protocol(&self) -> Protocol {
        match self {
            Device::Modbus { .. } => Protocol::Modbus,
            Device::MBus { .. } | Device::MBusPrimary { .. } => Protocol::MBus,
            Device::Epa { .. } => Protocol::Epa,
            Device::Wpan { .. } => Protocol::Wpan,
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Device::Modbus { unit, host, port } => {
                write!(f, "modbus:unit={unit}")?;
                if let Some(h) = host {
                    write!(f, ",host={h}")?;
                }
                if let Some(p) = port {
                    write!(f, ",port={p}")?;
                }
                Ok(())
            }
            Device::MBus {
                id,
                manufacturer,
                version,
                medium,
            } => write!(
                f,
                "mbus:id={id:08X},man={manufacturer},ver={version},med={medium}"
            ),
            Device::MBusPrimary { address } => write!(f, "mbus:addr={address}"),
            Device::Epa { app } => write!(f, "epa:app=0x{app:04X}"),
            Device::Wpan { pan, addr } => match addr {
                WpanAddr::Short(s) => write!(f, "wpan:pan=0x{pan:04X},short=0x{s:04X}"),
                WpanAddr::Extended(e) => write!(f, "wpan:pan=0x{pan:04X},ext=0x{e:016X}"),
            },
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Address::Modbus { table, index } => write!(f, "{table}:{index}"),
            Address::MBus { record } => write!(f, "rec:{record}"),
            Address::Epa { obj, attr } => write!(f, "obj=0x{obj:04X}/attr={attr}"),
            Address::EpaEvent { obj, event } => write!(f, "obj=0x{obj:04X}/event={event}"),
            Address::Wpan { uao, attr } => write!(f, "uao:{uao}/attr:{attr}"),
            Address::WpanEvent { uao, event } => write!(f, "uao:{uao}/event:{event}"),
        }
    }
}

/// A cursor over a canonical string that reports positions in errors.
struct Cursor<'s> {
    s: &'s str,
    pos: usize,
}

impl<'s> Cursor<'s> {
    fn err(&self, expected: &'static str) -> IdError {
        IdError {
            position: self.pos,
            expected,
        }
    }

    fn rest(&self) -> &'s str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.pos += prefix.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, prefix: &str, expected: &'static str) -> Result<(), IdError> {
        if self.eat(prefix) {
            Ok(())
        } else {
            Err(self.err(expected))
        }
    }

    /// Takes characters up to (not including) one of `stops` or the end.
    fn token(&mut self, stops: &[char]) -> &'s str {
        let rest = self.rest();
        let len = rest.find(|c| stops.contains(&c)).unwrap_or(rest.len());
        self.pos += len;
        rest.get(..len).unwrap_or("")
    }

    /// A number in decimal, or hex with `0x`.
    fn number<T: TryFrom<u64>>(
        &mut self,
        stops: &[char],
        expected: &'static str,
    ) -> Result<T, IdError> {
        let start = self.pos;
        let tok = self.token(stops);
        let parsed = match tok.strip_prefix("0x").or_else(|| tok.strip_prefix("0X")) {
            Some(hex) if !hex.is_empty() => u64::from_str_radix(hex, 16).ok(),
            _ if !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_digit()) => tok.parse().ok(),
            _ => None,
        };
        parsed.and_then(|v| T::try_from(v).ok()).ok_or(IdError {
            position: start,
            expected,
        })
    }

    fn end(&self) -> Result<(), IdError> {
        if self.rest().is_empty() {
            Ok(())
        } else {
            Err(self.err("end of string"))
        }
    }

    /// Parses `key=value` pairs separated by `,` up to `/` or the end, calling `field` for each.
    fn pairs(
        &mut self,
        mut field: impl FnMut(&mut Self, &'s str) -> Result<(), IdError>,
    ) -> Result<(), IdError> {
        loop {
            let key_pos = self.pos;
            let key = self.token(&['=', ',', '/']);
            self.expect("=", "'=' after a key")?;
            let before = self.pos;
            field(self, key).map_err(|e| {
                if e.expected == "a known key" {
                    IdError {
                        position: key_pos,
                        ..e
                    }
                } else {
                    e
                }
            })?;
            debug_assert!(self.pos >= before);
            if !self.eat(",") {
                return Ok(());
            }
        }
    }
}

const UNKNOWN_KEY: IdError = IdError {
    position: 0,
    expected: "a known key",
};

fn parse_device(c: &mut Cursor<'_>) -> Result<Device, IdError> {
    const STOPS: &[char] = &[',', '/'];
    if c.eat("modbus:") {
        let (mut unit, mut host, mut port) = (None, None, None);
        c.pairs(|c, key| {
            match key {
                "unit" => unit = Some(c.number(STOPS, "a unit id 0-255")?),
                "host" => {
                    let at = c.pos;
                    let tok = c.token(STOPS);
                    host = Some(IpAddr::from_str(tok).map_err(|_| IdError {
                        position: at,
                        expected: "an IP address",
                    })?);
                }
                "port" => port = Some(c.number(STOPS, "a port 0-65535")?),
                _ => return Err(UNKNOWN_KEY),
            }
            Ok(())
        })?;
        Ok(Device::Modbus {
            unit: unit.ok_or(c.err("a unit= key"))?,
            host,
            port,
        })
    } else if c.eat("mbus:addr=") {
        Ok(Device::MBusPrimary {
            address: c.number(STOPS, "a primary address 0-255")?,
        })
    } else if c.eat("mbus:") {
        let (mut id, mut man, mut ver, mut med) = (None, None, None, None);
        c.pairs(|c, key| {
            let at = c.pos;
            match key {
                "id" => {
                    let tok = c.token(STOPS);
                    id = Some(
                        (tok.len() == 8)
                            .then(|| u32::from_str_radix(tok, 16).ok())
                            .flatten()
                            .ok_or(IdError {
                                position: at,
                                expected: "8 hex/BCD digits",
                            })?,
                    );
                }
                "man" => {
                    let tok = c.token(STOPS).as_bytes();
                    man = Some(
                        <[u8; 3]>::try_from(tok)
                            .ok()
                            .and_then(Manufacturer::from_letters)
                            .ok_or(IdError {
                                position: at,
                                expected: "three letters A-Z",
                            })?,
                    );
                }
                "ver" => ver = Some(c.number(STOPS, "a version 0-255")?),
                "med" => {
                    med = Some(Medium::from_name(c.token(STOPS)).ok_or(IdError {
                        position: at,
                        expected: "a medium name or 0xNN",
                    })?);
                }
                _ => return Err(UNKNOWN_KEY),
            }
            Ok(())
        })?;
        Ok(Device::MBus {
            id: id.ok_or(c.err("an id= key"))?,
            manufacturer: man.ok_or(c.err("a man= key"))?,
            version: ver.ok_or(c.err("a ver= key"))?,
            medium: med.ok_or(c.err("a med= key"))?,
        })
    } else if c.eat("epa:") {
        let mut app = None;
        c.pairs(|c, key| match key {
            "app" => {
                app = Some(c.number(STOPS, "an application id 0-0xFFFF")?);
                Ok(())
            }
            _ => Err(UNKNOWN_KEY),
        })?;
        Ok(Device::Epa {
            app: app.ok_or(c.err("an app= key"))?,
        })
    } else if c.eat("wpan:") {
        let (mut pan, mut addr) = (None, None);
        c.pairs(|c, key| {
            match key {
                "pan" => pan = Some(c.number(STOPS, "a PAN id 0-0xFFFF")?),
                "short" => addr = Some(WpanAddr::Short(c.number(STOPS, "a 16-bit address")?)),
                "ext" => addr = Some(WpanAddr::Extended(c.number(STOPS, "a 64-bit address")?)),
                _ => return Err(UNKNOWN_KEY),
            }
            Ok(())
        })?;
        Ok(Device::Wpan {
            pan: pan.ok_or(c.err("a pan= key"))?,
            addr: addr.ok_or(c.err("a short= or ext= key"))?,
        })
    } else {
        Err(c.err("one of modbus:, mbus:, epa:, wpan:"))
    }
}

fn parse_address(c: &mut Cursor<'_>) -> Result<Address, IdError> {
    const END: &[char] = &['/'];
    for table in ModbusTable::ALL {
        let start = c.pos;
        if c.eat(table.name()) && c.eat(":") {
            return Ok(Address::Modbus {
                table: *table,
                index: c.number(END, "a register address 0-65535")?,
            });
        }
        c.pos = start;
    }
    if c.eat("rec:") {
        Ok(Address::MBus {
            record: c.number(END, "a record index")?,
        })
    } else if c.eat("obj=") {
        let obj = c.number(END, "an object id 0-0xFFFF")?;
        if c.eat("/event=") {
            return Ok(Address::EpaEvent {
                obj,
                event: c.number(END, "an event id 0-0xFFFF")?,
            });
        }
        c.expect("/attr=", "'/attr=' or '/event='")?;
        Ok(Address::Epa {
            obj,
            attr: c.number(END, "an attribute id 0-0xFFFF")?,
        })
    } else if c.eat("uao:") {
        let uao = c.number(END, "a UAO id 0-255")?;
        if c.eat("/event:") {
            return Ok(Address::WpanEvent {
                uao,
                event: c.number(END, "an event id 0-65535")?,
            });
        }
        c.expect("/attr:", "'/attr:' or '/event:'")?;
        Ok(Address::Wpan {
            uao,
            attr: c.number(END, "an attribute id 0-255")?,
        })
    } else {
        Err(c.err("one of holding:, input:, coil:, discrete:, rec:, obj=, uao:"))
    }
}

impl FromStr for Device {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let mut c = Cursor { s, pos: 0 };
        let d = parse_device(&mut c)?;
        c.end()?;
        Ok(d)
    }
}

impl FromStr for Address {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let mut c = Cursor { s, pos: 0 };
        let a = parse_address(&mut c)?;
        c.end()?;
        Ok(a)
    }
}

/// A point's full identity, `device/address`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PointId {
    /// Who.
    pub device: Device,
    /// Which value.
    pub address: Address,
}

impl fmt::Display for PointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.device, self.address)
    }
}

impl FromStr for PointId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let mut c = Cursor { s, pos: 0 };
        let device = parse_device(&mut c)?;
        c.expect("/", "'/' between device and address")?;
        let address = parse_address(&mut c)?;
        c.end()?;
        Ok(PointId { device, address })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn examples_from_the_design() {
        for s in [
            "modbus:unit=17/holding:0",
            "modbus:unit=17,host=10.0.0.5,port=502/coil:9",
            "modbus:unit=1,host=::1/input:65535",
            "mbus:id=12345678,man=LUG,ver=2,med=heat/rec:3",
            "mbus:id=0000ABCD,man=KAM,ver=53,med=0x3F/rec:0",
            "mbus:addr=5/rec:2",
            "wpan:pan=0x1234,short=0x0102/uao:1/attr:2",
            "wpan:pan=0x1234,short=0x0102/uao:3/event:513",
            "wpan:pan=0xFFFF,ext=0x0011223344556677/uao:255/attr:0",
            "epa:app=0x0020/obj=0x0010/attr=2",
            "epa:app=0x0020/obj=0x0010/event=5",
        ] {
            let id: PointId = s.parse().unwrap();
            assert_eq!(id.to_string(), s);
        }
        let id: PointId = "mbus:id=12345678,man=LUG,ver=2,med=heat/rec:3"
            .parse()
            .unwrap();
        assert_eq!(
            id.device,
            Device::MBus {
                id: 0x1234_5678,
                // L=12, U=21, G=7 (EN 13757-3 §5.6): 12·1024 + 21·32 + 7 = 0x32A7.
                manufacturer: Manufacturer(0x32A7),
                version: 2,
                medium: Medium(4),
            }
        );
    }

    #[test]
    fn keys_in_any_order_render_canonically() {
        let d: Device = "modbus:port=502,unit=3".parse().unwrap();
        assert_eq!(d.to_string(), "modbus:unit=3,port=502");
    }

    #[test]
    fn errors_name_the_position() {
        let e = "modbus:unit=300/holding:0".parse::<PointId>().unwrap_err();
        assert_eq!(
            e,
            IdError {
                position: 12,
                expected: "a unit id 0-255"
            }
        );
        let e = "modbus:unit=1/holdin:0".parse::<PointId>().unwrap_err();
        assert_eq!(e.position, 14);
        let e = "mbus:id=1234,man=LUG,ver=2,med=heat"
            .parse::<Device>()
            .unwrap_err();
        assert_eq!(
            e,
            IdError {
                position: 8,
                expected: "8 hex/BCD digits"
            }
        );
        let e = "mbus:id=12345678,colour=red".parse::<Device>().unwrap_err();
        assert_eq!(
            e,
            IdError {
                position: 17,
                expected: "a known key"
            }
        );
        let e = "mbus:id=12345678,man=LUG".parse::<Device>().unwrap_err();
        assert_eq!(e.expected, "a ver= key");
        let e = "can:id=1".parse::<Device>().unwrap_err();
        assert_eq!(e.position, 0);
        let e = "epa:app=0x20/obj=0x10/attr=2x"
            .parse::<PointId>()
            .unwrap_err();
        assert_eq!(e.position, 27);
    }

    fn device() -> impl Strategy<Value = Device> {
        prop_oneof![
            (
                any::<u8>(),
                proptest::option::of(any::<[u8; 4]>()),
                any::<Option<u16>>()
            )
                .prop_map(|(unit, ip, port)| Device::Modbus {
                    unit,
                    host: ip.map(IpAddr::from),
                    port
                }),
            (any::<u32>(), 0u16..0x8000, any::<u8>(), any::<u8>()).prop_map(
                |(id, m, version, med)| {
                    Device::MBus {
                        id,
                        manufacturer: Manufacturer(m),
                        version,
                        medium: Medium(med),
                    }
                }
            ),
            any::<u16>().prop_map(|app| Device::Epa { app }),
            any::<u8>().prop_map(|address| Device::MBusPrimary { address }),
            (any::<u16>(), any::<u16>(), any::<u64>(), any::<bool>()).prop_map(
                |(pan, s, e, ext)| {
                    Device::Wpan {
                        pan,
                        addr: if ext {
                            WpanAddr::Extended(e)
                        } else {
                            WpanAddr::Short(s)
                        },
                    }
                }
            ),
        ]
    }

    fn address() -> impl Strategy<Value = Address> {
        prop_oneof![
            (0usize..4, any::<u16>()).prop_map(|(t, index)| Address::Modbus {
                table: ModbusTable::ALL[t],
                index
            }),
            any::<u16>().prop_map(|record| Address::MBus { record }),
            (any::<u16>(), any::<u16>()).prop_map(|(obj, attr)| Address::Epa { obj, attr }),
            (any::<u16>(), any::<u16>()).prop_map(|(obj, event)| Address::EpaEvent { obj, event }),
            (any::<u8>(), any::<u8>()).prop_map(|(uao, attr)| Address::Wpan { uao, attr }),
            (any::<u8>(), any::<u16>()).prop_map(|(uao, event)| Address::WpanEvent { uao, event }),
        ]
    }

    proptest! {
        #[test]
        fn canonical_strings_round_trip(device in device(), address in address()) {
            let id = PointId { device, address };
            let text = id.to_string();
            prop_assert_eq!(text.parse::<PointId>().unwrap(), id);
            prop_assert_eq!(device.to_string().parse::<Device>().unwrap(), device);
            prop_assert_eq!(address.to_string().parse::<Address>().unwrap(), address);
        }

        #[test]
        fn garbage_never_panics(s in ".{0,40}") {
            let _ = s.parse::<PointId>();
        }
    }
}
