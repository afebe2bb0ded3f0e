//! The JSON form of a WPA-L payload, the `wpal` object of a `wpan` frame:
//!
//! ```json
//! { "dlsl": {"type": 0, "type_name": "data"},
//!   "nl": {"type": 0, "type_name": "data", "fragmented": false, "dst": 1, "src": 258},
//!   "asl": {"service": 0, "service_name": "PUBLISH", "ack_required": false, "seq": 5,
//!           "src_uao": 1, "dst_uao": 1},
//!   "body": {"attr": 2, "type": 8, "type_name": "FLOAT32", "len": 4, "value": 12.5} }
//! ```
//!
//! A fragmented packet adds `fragment` {`tag`, `flags`, `more`, `offset`, `total_len`}; an
//! aggregate has `aggregate`: [{`src`, `len`, `asl`, `body`}] instead of `asl` and `body`; DLSL
//! and NL commands and fragments not yet reassembled have their octets as `data` (hex). Values
//! are those of [`crate::fieldbus::json`]. [`encode`] builds the payload back from this form.

use alloc::string::String;

use serde_json::{json, Map, Value as Json};

use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::fieldbus::json::{typed_from_json, typed_json};
use crate::fields::{field_error, Fields};
use crate::registry::hex;

use super::asl::{AslPdu, Body};
use super::header::{AslHeader, DlslType, FragmentHeader, NlHeader, NlType, Service};
use super::packet::{NlBody, Packet};

const L: Layer = Layer::Wpal;

/// The `asl` object of a PDU header.
pub fn asl_json(h: &AslHeader) -> Json {
    json!({
        "service": h.service.0, "service_name": h.service.name(),
        "ack_required": h.ack_required, "seq": h.seq, "src_uao": h.src_uao, "dst_uao": h.dst_uao,
    })
}

/// The `body` object of a PDU.
pub fn body_json(body: &Body<'_>) -> Json {
    let mut m = Map::new();
    let mut put = |k: &str, v: Json| {
        m.insert(k.into(), v);
    };
    match body {
        Body::Publish { attr, value } | Body::WriteReq { attr, value } => {
            put("attr", json!(attr));
            m.extend(typed_json(value));
        }
        Body::ReadReq { attr } => put("attr", json!(attr)),
        Body::ReadRsp {
            status,
            attr,
            value,
        } => {
            put("status", json!(status));
            put("attr", json!(attr));
            m.extend(typed_json(value));
        }
        Body::WriteRsp { status } => put("status", json!(status)),
        Body::Report {
            event_id,
            ts_ms,
            value,
        } => {
            put("event_id", json!(event_id));
            put("ts_ms", json!(ts_ms));
            m.extend(typed_json(value));
        }
        Body::ReportAck { event_id } => put("event_id", json!(event_id)),
    }
    Json::Object(m)
}

/// The `nl` object.
pub fn nl_json(h: &NlHeader) -> Json {
    json!({
        "type": h.kind as u8, "type_name": h.kind.name(), "fragmented": h.fragmented,
        "dst": h.dst, "src": h.src,
    })
}

/// The `fragment` object.
pub fn fragment_json(f: &FragmentHeader) -> Json {
    json!({
        "tag": f.tag, "flags": f.flags, "more": f.more(), "offset": f.offset,
        "total_len": f.total_len,
    })
}

/// Adds the keys of an NL body to `m`.
pub fn nl_body_json(body: &NlBody<'_>, m: &mut Map<String, Json>) {
    match body {
        NlBody::Pdu(p) => {
            m.insert("asl".into(), asl_json(&p.header));
            m.insert("body".into(), body_json(&p.body));
        }
        NlBody::Aggregate(a) => {
            let entries: alloc::vec::Vec<Json> = a
                .iter()
                .map(|e| {
                    json!({"src": e.src, "len": e.pdu.buffer_len(), "asl": asl_json(&e.pdu.header),
                           "body": body_json(&e.pdu.body)})
                })
                .collect();
            m.insert("count".into(), json!(a.count()));
            m.insert("aggregate".into(), Json::Array(entries));
        }
        NlBody::Command(b) | NlBody::Fragment(b) => {
            m.insert("data".into(), json!(hex(b)));
        }
    }
}

/// The `wpal` object of a payload.
pub fn packet_json(p: &Packet<'_>) -> Json {
    let mut m = Map::new();
    match p {
        Packet::Command(b) => {
            m.insert(
                "dlsl".into(),
                json!({"type": 1, "type_name": DlslType::Command.name()}),
            );
            m.insert("data".into(), json!(hex(b)));
        }
        Packet::Data(n) => {
            m.insert(
                "dlsl".into(),
                json!({"type": 0, "type_name": DlslType::Data.name()}),
            );
            m.insert("nl".into(), nl_json(&n.header));
            if let Some(f) = &n.fragment {
                m.insert("fragment".into(), fragment_json(f));
            }
            nl_body_json(&n.body, &mut m);
        }
    }
    Json::Object(m)
}

// --- from the JSON form back to bytes -----------------------------------------------------------

fn pdu_from_json(f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let a = f.object("asl")?;
    let b = f.object("body")?;
    let service = Service(a.u8("service")?);
    let mut scratch = [0u8; 255];
    let s = &mut scratch;
    let body = match service {
        Service::PUBLISH => Body::Publish {
            attr: b.u8("attr")?,
            value: typed_from_json(&b, s)?,
        },
        Service::READ_REQ => Body::ReadReq {
            attr: b.u8("attr")?,
        },
        Service::READ_RSP => Body::ReadRsp {
            status: b.u8("status")?,
            attr: b.u8("attr")?,
            value: typed_from_json(&b, s)?,
        },
        Service::WRITE_REQ => Body::WriteReq {
            attr: b.u8("attr")?,
            value: typed_from_json(&b, s)?,
        },
        Service::WRITE_RSP => Body::WriteRsp {
            status: b.u8("status")?,
        },
        Service::REPORT => Body::Report {
            event_id: b.u16("event_id")?,
            ts_ms: b.uint("ts_ms", "milliseconds 0..=2^32-1")?,
            value: typed_from_json(&b, s)?,
        },
        Service::REPORT_ACK => Body::ReportAck {
            event_id: b.u16("event_id")?,
        },
        _ => return Err(field_error(L, "service", "an ASL service 0..=6")),
    };
    AslPdu {
        header: AslHeader {
            service,
            ack_required: a.bool("ack_required")?,
            seq: a.u8("seq")?,
            src_uao: a.u8("src_uao")?,
            dst_uao: a.u8("dst_uao")?,
        },
        body,
    }
    .emit(w)
}

fn aggregate_from_json(f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let entries = f.array("aggregate")?;
    let count =
        u8::try_from(entries.len()).map_err(|_| field_error(L, "aggregate", "at most 255 PDUs"))?;
    w.u8(count)?;
    for e in f.objects("aggregate")? {
        let e = e?;
        let mut pdu = [0u8; 300];
        let mut pw = Writer::new(&mut pdu, L);
        pdu_from_json(&e, &mut pw)?;
        let bytes = pw.written();
        w.u16_le(e.u16("src")?)?;
        w.u8(u8::try_from(bytes.len()).map_err(|_| {
            Error::new(
                L,
                w.pos(),
                ErrorKind::Oversize {
                    limit: 255,
                    found: bytes.len(),
                },
            )
        })?)?;
        w.put(bytes)?;
    }
    Ok(())
}

/// Writes the payload of a `wpal` object.
pub fn encode(wpal: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let data = |w: &mut Writer<'_>| -> Result<()> {
        let mut buf = [0u8; 2048];
        let n = wpal.hex("data", &mut buf)?;
        w.put(buf.get(..n).unwrap_or(&[]))
    };
    let dlsl = wpal.object("dlsl")?.u8("type")?;
    match dlsl {
        1 => {
            w.u8(1)?;
            return data(w);
        }
        0 => w.u8(0)?,
        _ => return Err(field_error(L, "dlsl", "type 0 (data) or 1 (command)")),
    }
    let nl = wpal.object("nl")?;
    let kind = match nl.u8("type")? {
        0 => NlType::Data,
        1 => NlType::Aggregated,
        2 => NlType::Command,
        _ => return Err(field_error(L, "type", "an NL type 0..=2")),
    };
    let fragment = match wpal.optional("fragment", Fields::object)? {
        None => None,
        Some(f) => Some(FragmentHeader {
            tag: f.u8("tag")?,
            flags: f.u8("flags")?,
            offset: f.u16("offset")?,
            total_len: f.u16("total_len")?,
        }),
    };
    NlHeader {
        kind,
        fragmented: fragment.is_some(),
        dst: nl.u16("dst")?,
        src: nl.u16("src")?,
    }
    .emit(w)?;
    if let Some(f) = &fragment {
        f.emit(w)?;
    }
    if wpal.get("data").is_some() {
        data(w)
    } else if kind == NlType::Aggregated {
        aggregate_from_json(wpal, w)
    } else {
        pdu_from_json(wpal, w)
    }
}
