//! Translation between protocols through the canonical model, sans I/O.
//!
//! A [`Map`] names points, each selected from one source (an M-Bus record, a Modbus register-map
//! field, an EPA-S attribute, a WPA-L attribute) and bound to targets. The [`Translator`] takes
//! what arrives — frames of any protocol as bytes, or canonical points — keeps each map point's
//! last value, quality and arrival time, and from them:
//!
//! - answers Modbus request ADUs (TCP, RTU, ASCII) from its register and coil image
//!   ([`Translator::modbus_request`]): FC 1–4, 23 and 43/14, exception 02 for unmapped
//!   addresses, exception 04 (or the last value and a status register) for Bad or stale points;
//! - turns Modbus writes (FC 5, 6, 15, 16, 22, 23) on writable points into requests for the
//!   point's source: EPA-S WRITE, WPA-L WRITE_REQ, M-Bus SND_UD, Modbus write requests;
//! - publishes EPA-S DISTRIBUTE messages and WPA-L PUBLISH frames for points that changed or whose
//!   cycle came round ([`Translator::publish`]), and answers WPA-L READ_REQ from its attribute
//!   table ([`Translator::wpan_request`]) with a status for Bad or stale points.
//!
//! The caller owns sockets, serial lines and the clock: every call takes `now_ms`, milliseconds
//! since the Unix epoch, which stamps arrivals, decides staleness and dates DISTRIBUTE.
//!
//! The image reflects the sources: a forwarded write shows once the source reports the new value.

pub mod map;
mod modbus_server;
mod outbound;

use alloc::vec::Vec;

use causeway_core::{
    Address, DateTime, Device, Function, Point, Quality, Reason, Severity, Unit, Value,
};

use crate::error::{Error, ErrorKind, Layer, Result};
use crate::ieee802154::{Fcs, KeyStore};
use crate::modbus::adu::Framing;

pub use map::{Map, MapError, MapPoint, OnBad, Source, Target};
pub use outbound::{Destination, Outbound};

/// A point's state as a Modbus status register, DISTRIBUTE quality octet or WPA-L status shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum StatusCode {
    /// A Good value within its staleness limit.
    Good = 0,
    /// An Uncertain value.
    Uncertain = 1,
    /// A Bad value.
    Bad = 2,
    /// No value for longer than the staleness limit.
    Stale = 3,
    /// No value yet.
    NoData = 4,
}

impl StatusCode {
    /// The EPA-S DISTRIBUTE quality octet: 0xC0 good, 0x40 uncertain, 0x44 stale (uncertain,
    /// last usable value), 0x00 bad, 0x00 no data.
    pub const fn quality_octet(self) -> u8 {
        match self {
            StatusCode::Good => 0xC0,
            StatusCode::Uncertain => 0x40,
            StatusCode::Stale => 0x44,
            StatusCode::Bad | StatusCode::NoData => 0x00,
        }
    }

    /// The WPA-L READ_RSP status: 0 success, otherwise 0x80 + this code.
    pub const fn wpan_status(self) -> u8 {
        match self {
            StatusCode::Good | StatusCode::Uncertain => 0,
            other => 0x80 | other as u8,
        }
    }

    /// Whether targets may serve the value as current.
    pub const fn is_usable(self) -> bool {
        matches!(self, StatusCode::Good | StatusCode::Uncertain)
    }

    /// The status's name: `good`, `uncertain`, `bad`, `stale`, `no_data`.
    pub const fn name(self) -> &'static str {
        match self {
            StatusCode::Good => "good",
            StatusCode::Uncertain => "uncertain",
            StatusCode::Bad => "bad",
            StatusCode::Stale => "stale",
            StatusCode::NoData => "no_data",
        }
    }
}

/// The last known state of one map point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointState {
    /// The value, in `unit`.
    pub value: Value<'static>,
    /// Its unit (the point's unit when the map gives one).
    pub unit: Option<Unit>,
    /// Its quality as the source reported it.
    pub quality: Quality,
    /// Device time, when the source carried one.
    pub timestamp: Option<DateTime>,
    /// When it arrived (`now_ms` of the ingest), `None` before the first value.
    pub received_ms: Option<u64>,
    /// Incremented on every change of value or quality.
    pub changes: u64,
}

impl Default for PointState {
    fn default() -> Self {
        PointState {
            value: Value::Null,
            unit: None,
            quality: Quality::bad(Reason::CommFailure, None),
            timestamp: None,
            received_ms: None,
            changes: 0,
        }
    }
}

/// What was last published of a point on one side.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Published {
    changes: u64,
    status: Option<StatusCode>,
    at_ms: u64,
}

/// Frames a translator can ingest.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// An M-Bus link-layer frame (an RSP_UD from a meter, or a SND_UD a master sent).
    MBus(&'a [u8]),
    /// A Modbus request and the response to it, as ADUs of `framing`.
    ModbusExchange {
        /// How both travel.
        framing: Framing,
        /// The request ADU.
        request: &'a [u8],
        /// The response ADU.
        response: &'a [u8],
    },
    /// An Ethernet frame carrying EPA-S (raw or on UDP `port`).
    EpaFrame {
        /// The frame, without FCS.
        frame: &'a [u8],
        /// The EPA-S UDP port.
        port: u16,
    },
    /// An EPA-S message (header and body), as a UDP socket delivers it.
    EpaMessage(&'a [u8]),
    /// An IEEE 802.15.4 frame carrying WPA-L.
    Wpan {
        /// The PSDU.
        psdu: &'a [u8],
        /// Whether it ends in an FCS.
        fcs: Fcs,
    },
}

impl<'a> Input<'a> {
    /// The protocol names [`Input::of`] knows.
    pub const NAMES: &'static str = "mbus, epa-s, epa-s-message, wpan, wpan-no-fcs";

    /// A single frame of `protocol` (one of [`Input::NAMES`]; `epa_port` is EPA-S's UDP port
    /// for `epa-s`), or `None` for any other name (a Modbus exchange takes two ADUs).
    pub fn of(protocol: &str, bytes: &'a [u8], epa_port: u16) -> Option<Self> {
        Some(match protocol {
            "mbus" => Input::MBus(bytes),
            "epa-s" => Input::EpaFrame {
                frame: bytes,
                port: epa_port,
            },
            "epa-s-message" => Input::EpaMessage(bytes),
            "wpan" => Input::Wpan {
                psdu: bytes,
                fcs: Fcs::Present,
            },
            "wpan-no-fcs" => Input::Wpan {
                psdu: bytes,
                fcs: Fcs::Absent,
            },
            _ => return None,
        })
    }
}

/// The translation engine: point states, the target images built from them, and sequence
/// counters for what it sends.
#[derive(Clone, Debug)]
pub struct Translator {
    map: Map,
    states: Vec<PointState>,
    epa_sent: Vec<Published>,
    wpan_sent: Vec<Published>,
    modbus: modbus_server::Image,
    /// The map's Modbus source fields, one register map per unit id.
    modbus_sources: Vec<crate::modbus::map::RegisterMap>,
    counters: outbound::Counters,
}

/// `value` in `from` converted to `to` (unchanged when either is unknown or they are equal).
fn convert(value: &Value<'_>, from: Option<Unit>, to: Option<Unit>) -> Option<Value<'static>> {
    match (from, to) {
        (Some(f), Some(t)) if f != t => f.convert(value, t).ok().map(Value::into_owned),
        _ => Some(value.clone().into_owned()),
    }
}

impl Source {
    /// Whether `p` is this source's value.
    pub fn matches(&self, p: &Point<'_>) -> bool {
        match (self, p.device, p.address) {
            (Source::MBus(m), device, address) => {
                let device_ok = match device {
                    Device::MBus {
                        id, manufacturer, ..
                    } => {
                        m.id.is_some_and(|want| want == id)
                            && m.manufacturer.map_or(true, |want| want == manufacturer)
                    }
                    Device::MBusPrimary { address } => m.primary == Some(address),
                    _ => false,
                };
                let Address::MBus { record } = address else {
                    return false;
                };
                let q = &p.qualifiers;
                device_ok
                    && match m.record {
                        Some(r) => r == record,
                        None => {
                            m.quantity.is_some()
                                && p.quantity == m.quantity
                                && q.storage.unwrap_or(0) == m.storage
                                && q.tariff.unwrap_or(0) == m.tariff
                                && q.subunit.unwrap_or(0) == m.subunit
                                && q.function.unwrap_or(Function::Instantaneous) == m.function
                        }
                    }
            }
            (
                Source::Modbus { unit_id, field },
                Device::Modbus { unit, .. },
                Address::Modbus { table, index },
            ) => *unit_id == unit && field.table == table && field.address == index,
            (
                Source::Epa { app, obj, attr, .. },
                Device::Epa { app: a },
                Address::Epa { obj: o, attr: t },
            ) => (*app, *obj, *attr) == (a, o, t),
            (
                Source::Wpan {
                    pan,
                    addr,
                    uao,
                    attr,
                    ..
                },
                Device::Wpan { pan: pn, addr: ad },
                Address::Wpan { uao: u, attr: t },
            ) => pan.map_or(true, |want| want == pn) && *addr == ad && (*uao, *attr) == (u, t),
            _ => false,
        }
    }
}

impl Translator {
    /// A translator for a valid map.
    pub fn new(map: Map) -> core::result::Result<Self, Vec<MapError>> {
        let errors = map.validate();
        if !errors.is_empty() {
            return Err(errors);
        }
        let n = map.points.len();
        Ok(Translator {
            modbus: modbus_server::Image::new(&map),
            modbus_sources: modbus_sources(&map),
            states: alloc::vec![PointState::default(); n],
            epa_sent: alloc::vec![Published::default(); n],
            wpan_sent: alloc::vec![Published::default(); n],
            counters: outbound::Counters::default(),
            map,
        })
    }

    /// The map.
    pub fn map(&self) -> &Map {
        &self.map
    }

    /// The state of the map point at `index` (the order of [`Map::points`]).
    pub fn state(&self, index: usize) -> Option<&PointState> {
        self.states.get(index)
    }

    /// The index of the map point called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.map.points.iter().position(|p| p.name == name)
    }

    /// The status of point `index` at `now_ms`.
    pub fn status(&self, index: usize, now_ms: u64) -> StatusCode {
        let (Some(s), Some(p)) = (self.states.get(index), self.map.points.get(index)) else {
            return StatusCode::NoData;
        };
        let Some(at) = s.received_ms else {
            return StatusCode::NoData;
        };
        let limit = p.stale_after_ms.or(self.map.stale_after_ms);
        if limit.is_some_and(|l| now_ms.saturating_sub(at) > l) {
            return StatusCode::Stale;
        }
        match s.quality.severity {
            Severity::Good => StatusCode::Good,
            Severity::Uncertain => StatusCode::Uncertain,
            Severity::Bad => StatusCode::Bad,
        }
    }

    /// Point `index` as a canonical point of its source, value in the point's unit, with its
    /// quality at `now_ms` (stale values carry [`Reason::Stale`]).
    pub fn point(&self, index: usize, now_ms: u64) -> Option<Point<'_>> {
        let (s, p) = (self.states.get(index)?, self.map.points.get(index)?);
        let (device, address) = outbound::source_id(&p.source);
        let mut point = Point::new(device, address, s.value.clone());
        point.unit = s.unit;
        point.timestamp = s.timestamp;
        point.quality = match self.status(index, now_ms) {
            StatusCode::Stale => Quality::uncertain(Reason::Stale, None),
            _ => s.quality,
        };
        Some(point)
    }

    /// Takes a canonical point: every map point whose source it is gets its value (converted to
    /// the point's unit; a value that does not convert becomes Bad with [`Reason::ConfigError`]).
    /// Returns how many map points it updated.
    pub fn ingest_point(&mut self, point: &Point<'_>, now_ms: u64) -> usize {
        let mut n = 0;
        for (p, s) in self.map.points.iter().zip(self.states.iter_mut()) {
            if !p.source.matches(point) {
                continue;
            }
            let unit = p.unit.or(point.unit).or(p.source.unit());
            let (value, quality) = match convert(&point.value, point.unit.or(p.source.unit()), unit)
            {
                Some(v) => (v, point.quality),
                None => (
                    Value::Null,
                    Quality::bad(Reason::ConfigError, point.quality.code),
                ),
            };
            if s.value != value || s.quality != quality || s.received_ms.is_none() {
                s.changes += 1;
            }
            s.value = value;
            s.unit = unit;
            s.quality = quality;
            s.timestamp = point.timestamp;
            s.received_ms = Some(now_ms);
            n += 1;
        }
        n
    }

    /// Decodes a frame and ingests its points; returns how many map points it updated.
    pub fn ingest(&mut self, input: Input<'_>, now_ms: u64) -> Result<usize> {
        self.ingest_with_keys(input, &KeyStore::default(), now_ms)
    }

    /// [`Translator::ingest`] with keys for secured 802.15.4 frames.
    pub fn ingest_with_keys(
        &mut self,
        input: Input<'_>,
        keys: &KeyStore<'_>,
        now_ms: u64,
    ) -> Result<usize> {
        let mut scratch = [0u8; 128];
        let mut points = Vec::new();
        if let Input::ModbusExchange {
            framing,
            request,
            response,
        } = input
        {
            let req = crate::modbus::adu::Adu::parse(framing, request)?;
            let resp = crate::modbus::adu::Adu::parse(framing, response)?;
            let (unit, req, resp) = (resp.unit_id, req.request()?, resp.response()?);
            let device = Device::Modbus {
                unit,
                host: None,
                port: None,
            };
            if let Some(map) = self.modbus_sources.iter().find(|m| m.unit == unit) {
                crate::modbus::points::map_points(device, map, &req, &resp, |p| points.push(p));
            }
            return Ok(points.iter().map(|p| self.ingest_point(p, now_ms)).sum());
        }
        collect(input, keys, &mut scratch, &mut |p| points.push(p))?;
        Ok(points.iter().map(|p| self.ingest_point(p, now_ms)).sum())
    }
}

/// The map's Modbus source fields as register maps, one per unit id.
fn modbus_sources(map: &Map) -> Vec<crate::modbus::map::RegisterMap> {
    let mut maps: Vec<crate::modbus::map::RegisterMap> = Vec::new();
    for p in &map.points {
        let Source::Modbus { unit_id, field } = &p.source else {
            continue;
        };
        let named = crate::modbus::map::NamedField {
            name: p.name.clone(),
            field: *field,
        };
        match maps.iter_mut().find(|m| m.unit == *unit_id) {
            Some(m) => m.fields.push(named),
            None => maps.push(crate::modbus::map::RegisterMap {
                unit: *unit_id,
                fields: alloc::vec![named],
            }),
        }
    }
    maps
}

/// The points of one input, as its codec gives them.
fn collect<'a>(
    input: Input<'a>,
    keys: &KeyStore<'_>,
    scratch: &'a mut [u8],
    sink: &mut dyn FnMut(Point<'a>),
) -> Result<()> {
    match input {
        Input::MBus(bytes) => {
            let frame = crate::mbus::link::Frame::new_checked(bytes)?;
            let (Some(address), Some(ci)) = (frame.address(), frame.ci()) else {
                return Ok(());
            };
            let body = crate::mbus::app::parse(
                ci,
                frame.into_data(),
                crate::mbus::link::Frame::<&[u8]>::DATA_OFFSET,
            )?;
            crate::mbus::points::body_points(address, &body, &mut *sink)
        }
        Input::ModbusExchange { .. } => Ok(()),
        Input::EpaFrame { frame, port } => {
            let f = crate::epa::Frame::parse(frame, port)?;
            crate::epa::points::frame_points(&f.header, &f.body, &mut *sink);
            Ok(())
        }
        Input::EpaMessage(bytes) => {
            let (header, body, end) = crate::epa::frame::parse_message(bytes, 0)?;
            if end != bytes.len() {
                return Err(Error::new(
                    Layer::Epa,
                    4,
                    ErrorKind::Length {
                        field: "body_len (datagram after the header)",
                        expected: bytes.len().saturating_sub(crate::epa::header::HEADER_LEN),
                        found: end - crate::epa::header::HEADER_LEN,
                    },
                ));
            }
            crate::epa::points::frame_points(&header, &body, &mut *sink);
            Ok(())
        }
        Input::Wpan { psdu, fcs } => {
            let frame = crate::ieee802154::Frame::parse(psdu, fcs)?;
            let pan = frame.header.pan().unwrap_or(0xFFFF);
            let payload = if frame.is_secured() {
                frame.unsecure(keys, scratch)?
            } else {
                frame.body()?
            };
            if let crate::ieee802154::Content::Payload(bytes) = payload.content {
                let packet = crate::wiapa::Packet::parse(bytes, frame.header_len())?;
                crate::wiapa::points::packet_points(pan, &packet, &mut *sink);
            }
            Ok(())
        }
    }
}
