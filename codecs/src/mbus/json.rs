//! The JSON form of M-Bus telegrams and the registry entry `mbus`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use causeway_core::Device;
use serde_json::{json, Map, Value as Json};

use crate::cursor::Writer;
use crate::error::{Error, Layer, Result};
use crate::registry::{hex, Codec, Decoded};
use crate::Role;

use super::app::{self, application_error_name, Body, Header, Identity};
use super::link::{self, Frame, FrameKind};
use super::points::{fixed_points, telegram_points};
use super::record::{Item, Records};
use super::vif::Vife;

fn identity_json(id: &Identity) -> Json {
    json!({
        "id": alloc::format!("{:08X}", id.id),
        "manufacturer": id.manufacturer.to_string(),
        "version": id.version,
        "medium": id.medium.to_string(),
    })
}

fn header_json(h: &Header) -> Json {
    let mut m = match h.identity.as_ref().map(identity_json) {
        Some(Json::Object(m)) => m,
        _ => Map::new(),
    };
    m.insert("access_number".into(), json!(h.access_number));
    m.insert("status".into(), json!(h.status));
    m.insert("signature".into(), json!(h.signature));
    Json::Object(m)
}

fn records_json(records: &Records<'_>, frame: &mut Map<String, Json>) -> Result<()> {
    let mut list = Vec::new();
    for item in records.clone() {
        match item? {
            Item::Record(r) => {
                let desc = r.desc();
                let mut rec = json!({
                    "offset": r.offset, "dif": r.dif, "difes": r.difes, "vif": r.vif, "vifes": r.vifes,
                    "function": r.function().name(), "storage": r.storage(), "tariff": r.tariff(), "subunit": r.subunit(),
                    "description": desc.name, "data": hex(r.data),
                });
                let notes: Vec<&str> = r
                    .combinable_vifes()
                    .iter()
                    .take_while(|&&b| b & 0x7F != 0x7F)
                    .map(|&b| Vife::name(b))
                    .collect();
                if let (false, Json::Object(m)) = (notes.is_empty(), &mut rec) {
                    m.insert("vife_annotations".into(), json!(notes));
                }
                if let (Some(t), Json::Object(m)) = (r.plain_text, &mut rec) {
                    m.insert(
                        "plain_text".into(),
                        json!(t.iter().rev().map(|&b| char::from(b)).collect::<String>()),
                    );
                }
                list.push(rec);
            }
            Item::Manufacturer {
                more_follows, data, ..
            } => {
                frame.insert("manufacturer_data".into(), json!(hex(data)));
                frame.insert("more_records_follow".into(), json!(more_follows));
            }
            Item::GlobalReadout { .. } => {
                frame.insert("global_readout".into(), json!(true));
            }
            Item::Filler { .. } => {}
        }
    }
    frame.insert("records".into(), Json::Array(list));
    Ok(())
}

fn decode(_: Option<Role>, bytes: &[u8]) -> Result<Decoded<'_>> {
    let f = Frame::new_checked(bytes)?;
    let mut frame = Map::new();
    let kind = match f.kind() {
        FrameKind::Ack => "ack",
        FrameKind::Short => "short",
        FrameKind::Control => "control",
        FrameKind::Long => "long",
    };
    frame.insert("kind".into(), json!(kind));
    let mut points = Vec::new();
    if let (Some(c), Some(a)) = (f.c_field(), f.address()) {
        frame.insert("c_field".into(), json!(c.bits()));
        frame.insert("c_field_name".into(), json!(c.name()));
        frame.insert("address".into(), json!(a));
        if c.is_primary() {
            frame.insert("fcb".into(), json!(c.contains(link::CField::FCB)));
            frame.insert("fcv".into(), json!(c.contains(link::CField::FCV)));
        } else {
            frame.insert("acd".into(), json!(c.contains(link::CField::ACD)));
            frame.insert("dfc".into(), json!(c.contains(link::CField::DFC)));
        }
    }
    if let (Some(ci), Some(a)) = (f.ci(), f.address()) {
        frame.insert("ci".into(), json!(ci));
        let data = bytes
            .get(Frame::<&[u8]>::DATA_OFFSET..bytes.len().saturating_sub(2))
            .unwrap_or(&[]);
        match app::parse(ci, data, Frame::<&[u8]>::DATA_OFFSET)? {
            Body::Variable {
                header,
                msb_first,
                records,
            } => {
                if let Some(h) = &header {
                    frame.insert("header".into(), header_json(h));
                }
                if msb_first {
                    frame.insert("msb_first".into(), json!(true));
                }
                records_json(&records, &mut frame)?;
                let device = header
                    .and_then(|h| h.identity)
                    .map_or(Device::MBusPrimary { address: a }, |i| i.device());
                telegram_points(device, &records, msb_first, |p| points.push(p))?;
            }
            Body::Fixed(fd) => {
                frame.insert("fixed".into(), json!({
                    "id": alloc::format!("{:08X}", fd.id), "access_number": fd.access_number, "status": fd.status,
                    "medium": fd.medium, "units": fd.units, "counters": [hex(&fd.counters[0]), hex(&fd.counters[1])],
                }));
                fixed_points(Device::MBusPrimary { address: a }, &fd, |p| points.push(p));
            }
            Body::ApplicationError(code) => {
                let c = code.unwrap_or(0);
                frame.insert(
                    "application_error".into(),
                    json!({"code": code, "name": application_error_name(c)}),
                );
            }
            Body::Alarm(data) => {
                frame.insert("alarm".into(), json!(hex(data)));
            }
            Body::ApplicationReset(sub) => {
                frame.insert("application_reset".into(), json!({"subcode": sub}));
            }
            Body::DataSend { msb_first, records } => {
                records_json(&records, &mut frame)?;
                telegram_points(
                    Device::MBusPrimary { address: a },
                    &records,
                    msb_first,
                    |p| points.push(p),
                )?;
            }
            Body::Selection { identity, records } => {
                frame.insert("selection".into(), identity_json(&identity));
                records_json(&records, &mut frame)?;
            }
            Body::BaudRate(b) => {
                frame.insert("baud_rate".into(), json!(b));
            }
            Body::Other(data) => {
                frame.insert("data".into(), json!(hex(data)));
            }
        }
    }
    Ok(Decoded {
        protocol: "mbus",
        frame: Json::Object(frame),
        points,
    })
}

/// Re-emits the user data of a telegram from its parsed form.
fn reemit_body(ci: u8, data: &[u8], out: &mut Writer<'_>) -> Result<()> {
    match app::parse(ci, data, Frame::<&[u8]>::DATA_OFFSET)? {
        Body::Variable {
            header, records, ..
        } => {
            if let Some(h) = header {
                if let Some(id) = h.identity {
                    id.write(out)?;
                }
                out.put(&[h.access_number, h.status])?;
                out.u16_le(h.signature)?;
            }
            records.clone().try_for_each(|item| item?.emit(out))
        }
        Body::DataSend { records, .. } => records.clone().try_for_each(|item| item?.emit(out)),
        Body::Selection { identity, records } => {
            identity.write(out)?;
            records.clone().try_for_each(|item| item?.emit(out))
        }
        // Fixed structures, errors, alarms, resets and other CIs are re-emitted as their bytes.
        _ => out.put(data),
    }
}

fn reencode(_: Option<Role>, bytes: &[u8]) -> Result<Vec<u8>> {
    let f = Frame::new_checked(bytes)?;
    let mut out = alloc::vec![0u8; link::MAX_FRAME];
    let n = match (f.kind(), f.c_field(), f.address(), f.ci()) {
        (FrameKind::Ack, ..) => link::emit_ack(&mut out)?,
        (FrameKind::Short, Some(c), Some(a), _) => link::emit_short(c, a, &mut out)?,
        (_, Some(c), Some(a), Some(ci)) => {
            let mut body = [0u8; 252];
            let mut w = Writer::new(&mut body, Layer::MbusApp);
            reemit_body(ci, f.data(), &mut w)?;
            let len = w.pos();
            link::emit_long(c, a, ci, body.get(..len).unwrap_or(&[]), &mut out)?
        }
        _ => {
            return Err(Error::invalid(
                Layer::MbusLink,
                0,
                "frame",
                "a complete frame",
                0,
            ))
        }
    };
    out.truncate(n);
    Ok(out)
}

/// `mbus`: wired M-Bus link frames (EN 13757-2) with their application layer (EN 13757-3).
pub const MBUS: Codec = Codec {
    name: "mbus",
    needs_role: false,
    decode,
    reencode,
};
