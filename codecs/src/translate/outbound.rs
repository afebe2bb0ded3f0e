//! What the translator sends: requests to a point's source (EPA-S WRITE, WPA-L WRITE_REQ,
//! M-Bus SND_UD, Modbus writes), EPA-S DISTRIBUTE and WPA-L PUBLISH of its targets, and WPA-L
//! READ_RSP from its attribute table.
//!
//! EPA-S messages are header and body (`docs/profiles/epa-s.md`), what a UDP socket on port 35004
//! carries. WPA-L goes in IEEE 802.15.4-2006 data frames with FCS, short addresses and PAN ID
//! compression (`docs/profiles/wpa-l.md`); unicast frames ask for an acknowledgement. Modbus
//! requests are TCP ADUs. M-Bus writes are SND_UD long frames (EN 13757-2 §5.4, CI 51) to the
//! primary address the map names, one data record whose VIF exponent scales the value.

use alloc::vec;
use alloc::vec::Vec;

use causeway_core::{Address, Device, ModbusTable, Unit, Value, WpanAddr};

use super::map::{MBusWrite, Source, Target};
use super::{convert, Published, StatusCode, Translator};
use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::fieldbus::TypedValue;
use crate::ieee802154::{
    self, Fcs, FrameControl, FrameType, Header as MacHeader, KeyStore, Version,
};
use crate::wiapa::{
    AslHeader, AslPdu, Body as AslBody, Network, NlBody, NlHeader, NlType, Packet,
    Service as AslService,
};

/// Where an [`Outbound`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// An EPA-S application: `bytes` is an EPA-S message (a UDP payload).
    Epa {
        /// Its application id (0xFFFF: all).
        app: u16,
    },
    /// A WPA-L node: `bytes` is an 802.15.4 frame with FCS.
    Wpan {
        /// PAN id.
        pan: u16,
        /// Short address (0xFFFF: broadcast).
        short: u16,
    },
    /// An M-Bus slave: `bytes` is a link-layer frame.
    MBus {
        /// Primary address.
        address: u8,
    },
    /// A Modbus server: `bytes` is a Modbus/TCP request ADU.
    Modbus {
        /// Unit id.
        unit: u8,
    },
}

impl Destination {
    /// The canonical device it goes to (its `Display` is the canonical device string).
    pub const fn device(&self) -> Device {
        match *self {
            Destination::Epa { app } => Device::Epa { app },
            Destination::Wpan { pan, short } => Device::Wpan {
                pan,
                addr: WpanAddr::Short(short),
            },
            Destination::MBus { address } => Device::MBusPrimary { address },
            Destination::Modbus { unit } => Device::Modbus {
                unit,
                host: None,
                port: None,
            },
        }
    }
}

/// A message the translator wants sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Outbound {
    /// Index of the map point it carries.
    pub point: usize,
    /// Where it goes.
    pub destination: Destination,
    /// The bytes to send.
    pub bytes: Vec<u8>,
}

/// Sequence numbers of what the translator sends.
#[derive(Clone, Debug, Default)]
pub(super) struct Counters {
    epa_msg_id: u16,
    mac_seq: u8,
    asl_seq: u8,
    modbus_tid: u16,
    mbus_fcb: bool,
}

fn next<T: Copy>(c: &mut T, step: impl Fn(T) -> T) -> T {
    let v = *c;
    *c = step(v);
    v
}

/// The canonical device and address of a source.
pub(super) fn source_id(source: &Source) -> (Device, Address) {
    match source {
        Source::MBus(m) => (
            match (m.id, m.primary) {
                (Some(id), _) => Device::MBus {
                    id,
                    manufacturer: m.manufacturer.unwrap_or(causeway_core::Manufacturer(0)),
                    version: 0,
                    medium: causeway_core::Medium(0xFF),
                },
                (None, p) => Device::MBusPrimary {
                    address: p.unwrap_or(0),
                },
            },
            Address::MBus {
                record: m.record.unwrap_or(0),
            },
        ),
        Source::Modbus { unit_id, field } => (
            Device::Modbus {
                unit: *unit_id,
                host: None,
                port: None,
            },
            Address::Modbus {
                table: field.table,
                index: field.address,
            },
        ),
        Source::Epa { app, obj, attr, .. } => (
            Device::Epa { app: *app },
            Address::Epa {
                obj: *obj,
                attr: *attr,
            },
        ),
        Source::Wpan {
            pan,
            addr,
            uao,
            attr,
            ..
        } => (
            Device::Wpan {
                pan: pan.unwrap_or(0xFFFF),
                addr: *addr,
            },
            Address::Wpan {
                uao: *uao,
                attr: *attr,
            },
        ),
    }
}

fn not_representable(layer: Layer, what: &'static str) -> Error {
    Error::new(layer, 0, ErrorKind::Unsupported { what, found: 0 })
}

/// An EPA-S message (header and body) in a new vector.
fn epa_message(header: crate::epa::Header, body: &crate::epa::Body<'_>) -> Result<Vec<u8>> {
    let mut out = vec![0u8; crate::epa::header::HEADER_LEN + body.buffer_len()];
    let n = crate::epa::frame::emit_message(&header, body, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// An 802.15.4-2006 data frame with FCS from `src` to `dst` in `pan` carrying one ASL PDU.
fn wpan_frame(seq: u8, pan: u16, src: u16, dst: u16, pdu: AslPdu<'_>) -> Result<Vec<u8>> {
    let mut flags = FrameControl::PAN_ID_COMPRESSION;
    if dst != 0xFFFF {
        flags |= FrameControl::ACK_REQUEST;
    }
    let header = MacHeader {
        frame_type: FrameType::DATA,
        flags,
        version: Version::V2006,
        seq: Some(seq),
        dst_pan: Some(pan),
        dst: Some(WpanAddr::Short(dst)),
        src_pan: None,
        src: Some(WpanAddr::Short(src)),
        security: None,
        ies: ieee802154::ie::HeaderIes::EMPTY,
    };
    let packet = Packet::Data(Network {
        header: NlHeader {
            kind: NlType::Data,
            fragmented: false,
            dst,
            src,
        },
        fragment: None,
        body: NlBody::Pdu(pdu),
    });
    let mut payload = vec![0u8; packet.buffer_len()];
    packet.emit(&mut Writer::new(&mut payload, Layer::Wpal))?;
    let mac = ieee802154::MacPayload {
        ies: ieee802154::ie::PayloadIes::EMPTY,
        content: ieee802154::Content::Payload(&payload),
    };
    let mut out = vec![0u8; 127];
    let n = ieee802154::emit(&header, &mac, &KeyStore::default(), &mut out, Fcs::Present)?;
    out.truncate(n);
    Ok(out)
}

/// A SND_UD with one data record of `value` coded as `write` says.
fn mbus_write(
    write: &MBusWrite,
    value: &Value<'_>,
    unit: Option<Unit>,
    fcb: bool,
) -> Result<Vec<u8>> {
    use crate::mbus::vif::{describe, VifTable};
    let l = Layer::MbusApp;
    let vif = *write
        .vib
        .first()
        .ok_or(not_representable(l, "an M-Bus write without a VIF"))?;
    let desc = describe(VifTable::Primary, vif & 0x7F);
    let value =
        convert(value, unit, desc.unit).ok_or(not_representable(l, "a value in the VIF's unit"))?;
    let raw = value
        .as_decimal()
        .and_then(|d| d.checked_scale(-i16::from(desc.exponent)))
        .and_then(|d| d.normalized().to_i64())
        .or_else(|| {
            // A float: divided by 10^exponent step by step (no `powi` without std), rounded.
            let mut f = value.as_f64()?;
            for _ in 0..desc.exponent.unsigned_abs() {
                f = if desc.exponent > 0 {
                    f / 10.0
                } else {
                    f * 10.0
                };
            }
            let rounded = f + if f < 0.0 { -0.5 } else { 0.5 };
            (rounded.is_finite() && rounded.abs() < 9.2e18).then_some(rounded as i64)
        })
        .ok_or(not_representable(l, "a number for an M-Bus record"))?;
    let mut data = [0u8; 32];
    let mut w = Writer::new(&mut data, l);
    crate::mbus::encode::write_number(
        &mut w,
        &write.vib,
        causeway_core::Function::Instantaneous,
        0,
        0,
        0,
        write.data_field,
        raw,
    )?;
    let data = w.written();
    let c = if fcb {
        crate::mbus::link::CField::SND_UD | crate::mbus::link::CField::FCB
    } else {
        crate::mbus::link::CField::SND_UD
    };
    let mut out = vec![0u8; data.len() + 9];
    let n = crate::mbus::link::emit_long(c, write.address, 0x51, data, &mut out)?;
    out.truncate(n);
    Ok(out)
}

impl Translator {
    /// A request that sets point `index` to `value` (in `unit`) at its source.
    pub fn write_request(
        &mut self,
        index: usize,
        value: &Value<'_>,
        unit: Option<Unit>,
    ) -> Result<Outbound> {
        let p = self.map.points.get(index).ok_or(not_representable(
            Layer::Epa,
            "a point the map does not have",
        ))?;
        let point_unit = self.states.get(index).and_then(|s| s.unit).or(p.unit);
        let value = convert(value, unit, point_unit).ok_or(not_representable(
            Layer::ModbusPdu,
            "a value in the point's unit",
        ))?;
        let (destination, bytes) = match &p.source {
            Source::Epa {
                app,
                obj,
                attr,
                data_type,
            } => {
                let typed = data_type
                    .and_then(|t| TypedValue::from_value(t, &value))
                    .ok_or(not_representable(
                        Layer::Epa,
                        "the value in the attribute's type",
                    ))?;
                let header = crate::epa::Header {
                    service: crate::epa::Service::request(crate::epa::Service::WRITE),
                    flags: crate::epa::Flags::CONFIRMED,
                    body_len: 0,
                    msg_id: next(&mut self.counters.epa_msg_id, |v| v.wrapping_add(1)),
                    src_app: self.map.epa.app,
                    dst_app: *app,
                    dst_obj: *obj,
                };
                let body = crate::epa::Body::Write {
                    attr: *attr,
                    value: typed,
                };
                (Destination::Epa { app: *app }, epa_message(header, &body)?)
            }
            Source::Wpan {
                pan,
                addr,
                uao,
                attr,
                data_type,
            } => {
                let WpanAddr::Short(short) = *addr else {
                    return Err(not_representable(
                        Layer::Wpal,
                        "a WRITE_REQ to an extended address",
                    ));
                };
                let typed = data_type
                    .and_then(|t| TypedValue::from_value(t, &value))
                    .ok_or(not_representable(
                        Layer::Wpal,
                        "the value in the attribute's type",
                    ))?;
                let node = &self.map.wpan;
                let pan = pan.unwrap_or(node.pan);
                let pdu = AslPdu {
                    header: AslHeader {
                        service: AslService::WRITE_REQ,
                        ack_required: true,
                        seq: next(&mut self.counters.asl_seq, |v| v.wrapping_add(1)),
                        src_uao: node.uao,
                        dst_uao: *uao,
                    },
                    body: AslBody::WriteReq {
                        attr: *attr,
                        value: typed,
                    },
                };
                let (src, seq) = (
                    node.short,
                    next(&mut self.counters.mac_seq, |v| v.wrapping_add(1)),
                );
                (
                    Destination::Wpan { pan, short },
                    wpan_frame(seq, pan, src, short, pdu)?,
                )
            }
            Source::MBus(m) => {
                let write = m.write.as_ref().ok_or(not_representable(
                    Layer::MbusApp,
                    "an M-Bus source without write",
                ))?;
                let fcb = next(&mut self.counters.mbus_fcb, |v| !v);
                (
                    Destination::MBus {
                        address: write.address,
                    },
                    mbus_write(write, &value, point_unit, fcb)?,
                )
            }
            Source::Modbus { unit_id, field } => {
                let value = convert(&value, point_unit, field.unit).ok_or(not_representable(
                    Layer::ModbusPdu,
                    "a value in the field's unit",
                ))?;
                let mut regs = vec![0u8; usize::from(field.count().max(1)) * 2];
                let request = if field.table == ModbusTable::Coil {
                    let on = match value {
                        Value::Bool(b) => b,
                        ref v => v.as_f64().is_some_and(|f| f != 0.0),
                    };
                    crate::modbus::Request::WriteSingleCoil {
                        address: field.address,
                        value: on,
                    }
                } else {
                    field.encode(&value, field.address, &mut regs)?;
                    crate::modbus::Request::WriteMultipleRegisters {
                        address: field.address,
                        values: crate::modbus::Registers::new(&regs).ok_or(not_representable(
                            Layer::ModbusPdu,
                            "an even number of register octets",
                        ))?,
                    }
                };
                let mut pdu = [0u8; crate::modbus::MAX_PDU];
                let n = request.emit(&mut pdu)?;
                let header = crate::modbus::tcp::Header {
                    transaction_id: next(&mut self.counters.modbus_tid, |v| v.wrapping_add(1)),
                    protocol_id: 0,
                    unit_id: *unit_id,
                };
                let mut out = vec![0u8; n + 7];
                let len = crate::modbus::tcp::emit(&header, pdu.get(..n).unwrap_or(&[]), &mut out)?;
                out.truncate(len);
                (Destination::Modbus { unit: *unit_id }, out)
            }
        };
        Ok(Outbound {
            point: index,
            destination,
            bytes,
        })
    }

    /// EPA-S DISTRIBUTE messages and WPA-L PUBLISH frames for every target whose point changed
    /// (value, quality, or staleness) since it was last published, or whose cycle came round.
    /// DISTRIBUTE carries the quality octet of [`StatusCode::quality_octet`]; WPA-L PUBLISH has
    /// no status, so Bad, stale and empty points are not published there (READ_REQ answers
    /// with their status instead).
    pub fn publish(&mut self, now_ms: u64, mut sink: impl FnMut(Outbound)) -> Result<()> {
        for index in 0..self.map.points.len() {
            let status = self.status(index, now_ms);
            let (Some(p), Some(state)) = (self.map.points.get(index), self.states.get(index))
            else {
                continue;
            };
            if state.value == Value::Null {
                continue;
            }
            let due = |sent: &Published, cycle: Option<u64>| {
                sent.changes != state.changes
                    || sent.status != Some(status)
                    || cycle.is_some_and(|c| now_ms.saturating_sub(sent.at_ms) >= c)
            };
            let epa_due = self
                .epa_sent
                .get(index)
                .is_some_and(|s| due(s, self.map.epa.cycle_ms));
            let wpan_due = status.is_usable()
                && self
                    .wpan_sent
                    .get(index)
                    .is_some_and(|s| due(s, self.map.wpan.cycle_ms));
            let mut out = Vec::new();
            for t in &p.targets {
                match *t {
                    Target::Epa {
                        obj,
                        attr,
                        data_type,
                        unit,
                    } if epa_due => {
                        let Some(value) = convert(&state.value, state.unit, unit) else {
                            continue;
                        };
                        let Some(typed) = TypedValue::from_value(data_type, &value) else {
                            continue;
                        };
                        let ts_ns = state
                            .timestamp
                            .and_then(|t| t.to_unix_nanos())
                            .or_else(|| {
                                state
                                    .received_ms
                                    .and_then(|ms| i64::try_from(ms).ok())
                                    .map(|ms| ms * 1_000_000)
                            })
                            .and_then(|ns| u64::try_from(ns).ok())
                            .unwrap_or(0);
                        let header = crate::epa::Header {
                            service: crate::epa::Service::request(crate::epa::Service::DISTRIBUTE),
                            flags: crate::epa::Flags::empty(),
                            body_len: 0,
                            msg_id: next(&mut self.counters.epa_msg_id, |v| v.wrapping_add(1)),
                            src_app: self.map.epa.app,
                            dst_app: self.map.epa.dst_app,
                            dst_obj: obj,
                        };
                        let body = crate::epa::Body::Distribute {
                            attr,
                            quality: status.quality_octet(),
                            ts_ns,
                            value: typed,
                        };
                        out.push(Outbound {
                            point: index,
                            destination: Destination::Epa {
                                app: self.map.epa.dst_app,
                            },
                            bytes: epa_message(header, &body)?,
                        });
                    }
                    Target::Wpan {
                        uao,
                        attr,
                        data_type,
                        unit,
                    } if wpan_due => {
                        let Some(value) = convert(&state.value, state.unit, unit) else {
                            continue;
                        };
                        let Some(typed) = TypedValue::from_value(data_type, &value) else {
                            continue;
                        };
                        let node = &self.map.wpan;
                        let pdu = AslPdu {
                            header: AslHeader {
                                service: AslService::PUBLISH,
                                ack_required: false,
                                seq: next(&mut self.counters.asl_seq, |v| v.wrapping_add(1)),
                                src_uao: uao,
                                dst_uao: node.uao,
                            },
                            body: AslBody::Publish { attr, value: typed },
                        };
                        let seq = next(&mut self.counters.mac_seq, |v| v.wrapping_add(1));
                        out.push(Outbound {
                            point: index,
                            destination: Destination::Wpan {
                                pan: node.pan,
                                short: node.dst,
                            },
                            bytes: wpan_frame(seq, node.pan, node.short, node.dst, pdu)?,
                        });
                    }
                    _ => {}
                }
            }
            let mark = Published {
                changes: state.changes,
                status: Some(status),
                at_ms: now_ms,
            };
            if epa_due {
                if let Some(s) = self.epa_sent.get_mut(index) {
                    *s = mark;
                }
            }
            if wpan_due {
                if let Some(s) = self.wpan_sent.get_mut(index) {
                    *s = mark;
                }
            }
            out.into_iter().for_each(&mut sink);
        }
        Ok(())
    }

    /// Answers a WPA-L READ_REQ addressed to the translator's node (or broadcast) from its
    /// attribute table: READ_RSP with the value, status [`StatusCode::wpan_status`] for Bad,
    /// stale or empty points, or 0x81 for an attribute no target has. Other frames: `None`.
    pub fn wpan_request(&mut self, psdu: &[u8], fcs: Fcs, now_ms: u64) -> Result<Option<Vec<u8>>> {
        let frame = ieee802154::Frame::parse(psdu, fcs)?;
        let ieee802154::Content::Payload(bytes) = frame.body()?.content else {
            return Ok(None);
        };
        if frame.header.frame_type != FrameType::DATA {
            return Ok(None);
        }
        let Packet::Data(Network {
            header: nl,
            body: NlBody::Pdu(pdu),
            ..
        }) = Packet::parse(bytes, frame.header_len())?
        else {
            return Ok(None);
        };
        let (short, node_pan) = (self.map.wpan.short, self.map.wpan.pan);
        let AslBody::ReadReq { attr } = pdu.body else {
            return Ok(None);
        };
        if (nl.dst != short && nl.dst != 0xFFFF) || pdu.header.dst_uao == 0xFF {
            return Ok(None);
        }
        let uao = pdu.header.dst_uao;
        let found = self.map.points.iter().enumerate().find_map(|(i, p)| {
            p.targets.iter().find_map(|t| match *t {
                Target::Wpan {
                    uao: u,
                    attr: a,
                    data_type,
                    unit,
                } if (u, a) == (uao, attr) => Some((i, data_type, unit)),
                _ => None,
            })
        });
        let converted = found.and_then(|(i, data_type, unit)| {
            let state = self.states.get(i)?;
            Some((i, data_type, convert(&state.value, state.unit, unit)?))
        });
        let mut status = 0x81;
        let mut typed = None;
        if let Some((i, data_type, value)) = &converted {
            let s = self.status(*i, now_ms);
            status = s.wpan_status();
            if status == 0 {
                typed = TypedValue::from_value(*data_type, value);
                if typed.is_none() {
                    status = 0x80 | StatusCode::Bad as u8;
                }
            }
        }
        let body = AslBody::ReadRsp {
            status,
            attr,
            value: typed.unwrap_or(TypedValue::OctetString(&[])),
        };
        let response = AslPdu {
            header: AslHeader {
                service: AslService::READ_RSP,
                ack_required: false,
                seq: pdu.header.seq,
                src_uao: uao,
                dst_uao: pdu.header.src_uao,
            },
            body,
        };
        let seq = next(&mut self.counters.mac_seq, |v| v.wrapping_add(1));
        let pan = frame.header.pan().unwrap_or(node_pan);
        wpan_frame(seq, pan, short, nl.src, response).map(Some)
    }
}
