//! The JSON form of EPA-S frames and the registry entry `epa-s`.
//!
//! `frame` holds the carrier headers (`eth`, `vlan`, `ipv4`, `udp`, where present), the EPA-S
//! header fields by their profile names (`profile`, `service`, `flags`, `body_len`, `msg_id`,
//! `src_app`, `dst_app`, `dst_obj`, with `service_name`, `response`, `confirmed`, `error`, `more`
//! and `priority` spelled out) and `body`. Values are `type`, `type_name`, `len` and `value`:
//! numbers, text, hex for octet and bit strings, `{ms, minute, hour, day, month, year}` for a
//! DATE, `{ms, days}` for TIME_OF_DAY and TIME_DIFFERENCE, nanoseconds for TIME_VALUE; a BOOLEAN
//! octet other than 0 or 1 is kept as `raw`. The form is lossless: [`encode`] of a decoded
//! `frame` gives the frame back (padding aside).

use alloc::string::String;
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use serde_json::{json, Map, Value as Json};

use crate::error::{Layer, Result};
use crate::ethernet::{Ethernet, Ipv4, Udp, VlanTag};
use crate::fieldbus::json::{latin1, latin1_into, typed_from_json, typed_json};
use crate::fields::{field_error, Fields};
use crate::registry::{hex, Codec, Decoded, Options};

use super::body::{Block, Body, Reply, Status};
use super::frame::{Carrier, Frame};
use super::header::{Flags, Header, Service, DEFAULT_UDP_PORT, PROFILE_V1};
use super::points::frame_points;

const L: Layer = Layer::Epa;

fn mac(m: &[u8; 6]) -> String {
    alloc::format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0],
        m[1],
        m[2],
        m[3],
        m[4],
        m[5]
    )
}

fn status_json(m: &mut Map<String, Json>, status: Status) {
    m.insert("status".into(), json!(status.0));
    m.insert("status_name".into(), json!(status.name()));
}

/// The JSON of a body.
pub fn body_json(body: &Body<'_>) -> Map<String, Json> {
    let mut m = Map::new();
    match body {
        Body::Read { attr } | Body::GetDeviceAttr { attr } => {
            m.insert("attr".into(), json!(attr));
        }
        Body::ReadResponse(r) | Body::GetDeviceAttrResponse(r) => {
            status_json(&mut m, r.status);
            if let Some(v) = &r.value {
                m.extend(typed_json(v));
            }
        }
        Body::Write { attr, value } | Body::SetDeviceAttr { attr, value } => {
            m.insert("attr".into(), json!(attr));
            m.extend(typed_json(value));
        }
        Body::WriteResponse { status } | Body::SetDeviceAttrResponse { status } => {
            status_json(&mut m, *status);
        }
        Body::Distribute {
            attr,
            quality,
            ts_ns,
            value,
        } => {
            m.insert("attr".into(), json!(attr));
            m.insert("quality".into(), json!(quality));
            m.insert("ts_ns".into(), json!(ts_ns));
            m.extend(typed_json(value));
        }
        Body::EventNotify {
            event_id,
            event_seq,
            ts_ns,
            value,
        } => {
            m.insert("event_id".into(), json!(event_id));
            m.insert("event_seq".into(), json!(event_seq));
            m.insert("ts_ns".into(), json!(ts_ns));
            m.extend(typed_json(value));
        }
        Body::EventAck {
            event_id,
            event_seq,
        } => {
            m.insert("event_id".into(), json!(event_id));
            m.insert("event_seq".into(), json!(event_seq));
        }
        Body::DomainDownload(b) | Body::DomainUpload(b) => {
            m.insert("domain_id".into(), json!(b.domain_id));
            m.insert("block_seq".into(), json!(b.block_seq));
            m.insert("block_len".into(), json!(b.data.len()));
            m.insert("data".into(), json!(hex(b.data)));
        }
        Body::NpAnnounce {
            priority,
            pending_octets,
        } => {
            m.insert("priority".into(), json!(priority));
            m.insert("pending_octets".into(), json!(pending_octets));
        }
        Body::NpEnd => {}
        Body::DeviceAnnounce { tag } | Body::FindTag { tag } => {
            m.insert("tag_len".into(), json!(tag.len()));
            m.insert("tag".into(), json!(latin1(tag)));
        }
        Body::Opaque(b) => {
            m.insert("data".into(), json!(hex(b)));
        }
    }
    m
}

/// The JSON of the EPA-S header fields.
pub fn header_json(h: &Header, m: &mut Map<String, Json>) {
    m.insert("profile".into(), json!(PROFILE_V1));
    m.insert("service".into(), json!(h.service.0));
    m.insert("service_name".into(), json!(h.service.name()));
    m.insert("response".into(), json!(h.service.is_response()));
    m.insert("flags".into(), json!(h.flags.bits()));
    m.insert(
        "confirmed".into(),
        json!(h.flags.contains(Flags::CONFIRMED)),
    );
    m.insert("error".into(), json!(h.flags.contains(Flags::ERROR)));
    m.insert("more".into(), json!(h.flags.contains(Flags::MORE)));
    m.insert("priority".into(), json!(h.flags.priority()));
    m.insert("body_len".into(), json!(h.body_len));
    m.insert("msg_id".into(), json!(h.msg_id));
    m.insert("src_app".into(), json!(h.src_app));
    m.insert("dst_app".into(), json!(h.dst_app));
    m.insert("dst_obj".into(), json!(h.dst_obj));
}

/// The JSON of a whole frame (carriers, header, body).
pub fn frame_json(f: &Frame<'_>) -> Json {
    let mut m = Map::new();
    m.insert(
        "eth".into(),
        json!({"dst": mac(&f.eth.dst), "src": mac(&f.eth.src), "ethertype": f.eth.ethertype}),
    );
    if let Some(t) = f.eth.vlan {
        m.insert(
            "vlan".into(),
            json!({"pcp": t.pcp, "dei": t.dei, "vid": t.vid}),
        );
    }
    if let Carrier::Udp { ip, udp } = &f.carrier {
        let mut i = json!({
            "src": alloc::format!("{}", ip.src), "dst": alloc::format!("{}", ip.dst),
            "tos": ip.tos, "id": ip.id, "ttl": ip.ttl, "dont_fragment": ip.dont_fragment,
            "protocol": ip.protocol, "total_length": ip.total_len, "checksum": ip.checksum,
        });
        if let (false, Json::Object(o)) = (ip.options().is_empty(), &mut i) {
            o.insert("options".into(), json!(hex(ip.options())));
        }
        m.insert("ipv4".into(), i);
        m.insert(
            "udp".into(),
            json!({"src_port": udp.src_port, "dst_port": udp.dst_port, "length": udp.length, "checksum": udp.checksum}),
        );
    }
    header_json(&f.header, &mut m);
    m.insert("body".into(), Json::Object(body_json(&f.body)));
    Json::Object(m)
}

fn decode<'a>(_: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let f = Frame::parse(bytes, DEFAULT_UDP_PORT)?;
    let mut points = Vec::new();
    frame_points(&f.header, &f.body, |p| points.push(p));
    Ok(Decoded {
        protocol: "epa-s",
        frame: frame_json(&f),
        points,
    })
}

// --- from the JSON form back to bytes -----------------------------------------------------------

fn parse_mac(f: &Fields<'_>, key: &'static str) -> Result<[u8; 6]> {
    let text = f.str(key)?;
    let mut out = [0u8; 6];
    let mut parts = text.split(':');
    for byte in out.iter_mut() {
        *byte = parts
            .next()
            .filter(|p| p.len() == 2)
            .and_then(|p| u8::from_str_radix(p, 16).ok())
            .ok_or(field_error(
                Layer::Ethernet,
                key,
                "a MAC address aa:bb:cc:dd:ee:ff",
            ))?;
    }
    if parts.next().is_some() {
        return Err(field_error(
            Layer::Ethernet,
            key,
            "a MAC address aa:bb:cc:dd:ee:ff",
        ));
    }
    Ok(out)
}

fn parse_ip(f: &Fields<'_>, key: &'static str) -> Result<Ipv4Addr> {
    f.str(key)?
        .parse()
        .map_err(|_| field_error(Layer::Ipv4, key, "a dotted IPv4 address"))
}

fn reply_from_json<'s>(f: &Fields<'_>, scratch: &'s mut [u8]) -> Result<Reply<'s>> {
    Ok(Reply {
        status: Status(f.u8("status")?),
        value: match f.get("type") {
            None => None,
            Some(_) => Some(typed_from_json(f, scratch)?),
        },
    })
}

fn block_from_json<'s>(f: &Fields<'_>, scratch: &'s mut [u8]) -> Result<Block<'s>> {
    let n = f.hex("data", scratch)?;
    Ok(Block {
        domain_id: f.u16("domain_id")?,
        block_seq: f.u16("block_seq")?,
        data: scratch.get(..n).unwrap_or(&[]),
    })
}

/// The body of `service` from its JSON keys.
pub fn body_from_json<'s>(service: Service, f: &Fields<'_>, s: &'s mut [u8]) -> Result<Body<'s>> {
    let ts = |f: &Fields<'_>| f.uint::<u64>("ts_ns", "nanoseconds 0..=2^64-1");
    Ok(match (service.code(), service.is_response()) {
        (Service::READ, false) => Body::Read {
            attr: f.u16("attr")?,
        },
        (Service::READ, true) => Body::ReadResponse(reply_from_json(f, s)?),
        (Service::WRITE, false) => Body::Write {
            attr: f.u16("attr")?,
            value: typed_from_json(f, s)?,
        },
        (Service::WRITE, true) => Body::WriteResponse {
            status: Status(f.u8("status")?),
        },
        (Service::DISTRIBUTE, false) => Body::Distribute {
            attr: f.u16("attr")?,
            quality: f.u8("quality")?,
            ts_ns: ts(f)?,
            value: typed_from_json(f, s)?,
        },
        (Service::EVENT_NOTIFY, false) => Body::EventNotify {
            event_id: f.u16("event_id")?,
            event_seq: f.u16("event_seq")?,
            ts_ns: ts(f)?,
            value: typed_from_json(f, s)?,
        },
        (Service::EVENT_ACK, false) => Body::EventAck {
            event_id: f.u16("event_id")?,
            event_seq: f.u16("event_seq")?,
        },
        (Service::DOMAIN_DOWNLOAD, false) => Body::DomainDownload(block_from_json(f, s)?),
        (Service::DOMAIN_UPLOAD, false) => Body::DomainUpload(block_from_json(f, s)?),
        (Service::NP_ANNOUNCE, false) => Body::NpAnnounce {
            priority: f.u8("priority")?,
            pending_octets: f.u16("pending_octets")?,
        },
        (Service::NP_END, false) => Body::NpEnd,
        (Service::DEVICE_ANNOUNCE, false) => Body::DeviceAnnounce {
            tag: latin1_into(f, "tag", s)?,
        },
        (Service::FIND_TAG, false) => Body::FindTag {
            tag: latin1_into(f, "tag", s)?,
        },
        (Service::GET_DEVICE_ATTR, false) => Body::GetDeviceAttr {
            attr: f.u16("attr")?,
        },
        (Service::GET_DEVICE_ATTR, true) => Body::GetDeviceAttrResponse(reply_from_json(f, s)?),
        (Service::SET_DEVICE_ATTR, false) => Body::SetDeviceAttr {
            attr: f.u16("attr")?,
            value: typed_from_json(f, s)?,
        },
        (Service::SET_DEVICE_ATTR, true) => Body::SetDeviceAttrResponse {
            status: Status(f.u8("status")?),
        },
        _ => {
            let n = f.hex("data", s)?;
            Body::Opaque(s.get(..n).unwrap_or(&[]))
        }
    })
}

/// The EPA-S header from the frame's JSON keys (`body_len` is computed when emitting).
pub fn header_from_json(f: &Fields<'_>) -> Result<Header> {
    Ok(Header {
        service: Service(f.u8("service")?),
        flags: Flags::from_bits_retain(f.u8("flags")?),
        body_len: 0,
        msg_id: f.u16("msg_id")?,
        src_app: f.u16("src_app")?,
        dst_app: f.u16("dst_app")?,
        dst_obj: f.u16("dst_obj")?,
    })
}

/// Builds a frame from its JSON form (the `frame` of a decode result).
pub fn encode(_: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    let f = Fields::of(frame, L, "frame")?;
    let e = f.object("eth")?;
    let vlan = match f.optional("vlan", Fields::object)? {
        None => None,
        Some(v) => Some(VlanTag {
            pcp: v.uint("pcp", "a priority 0..=7").and_then(|p: u8| {
                (p < 8)
                    .then_some(p)
                    .ok_or(field_error(Layer::Vlan, "pcp", "a priority 0..=7"))
            })?,
            dei: v.bool("dei")?,
            vid: v.uint("vid", "a VLAN id 0..=4095").and_then(|id: u16| {
                (id < 4096).then_some(id).ok_or(field_error(
                    Layer::Vlan,
                    "vid",
                    "a VLAN id 0..=4095",
                ))
            })?,
        }),
    };
    let eth = Ethernet {
        dst: parse_mac(&e, "dst")?,
        src: parse_mac(&e, "src")?,
        vlan,
        ethertype: 0,
    };
    let carrier = match (
        f.optional("ipv4", Fields::object)?,
        f.optional("udp", Fields::object)?,
    ) {
        (None, None) => Carrier::Raw,
        (Some(i), Some(u)) => {
            let mut options = [0u8; 40];
            let n = i
                .optional("options", |i, k| i.hex(k, &mut options))?
                .unwrap_or(0);
            Carrier::Udp {
                ip: Ipv4 {
                    src: parse_ip(&i, "src")?,
                    dst: parse_ip(&i, "dst")?,
                    protocol: crate::ethernet::IP_UDP,
                    ttl: i.u8("ttl")?,
                    id: i.u16("id")?,
                    tos: i.u8("tos")?,
                    dont_fragment: i.bool("dont_fragment")?,
                    checksum: 0,
                    header_len: 20 + n,
                    total_len: 0,
                    options,
                },
                udp: Udp {
                    src_port: u.u16("src_port")?,
                    dst_port: u.u16("dst_port")?,
                    length: 0,
                    checksum: u.u16("checksum")?,
                },
            }
        }
        _ => return Err(field_error(L, "ipv4", "both ipv4 and udp, or neither")),
    };
    let header = header_from_json(&f)?;
    let mut scratch = [0u8; 1500];
    let body = body_from_json(header.service, &f.object("body")?, &mut scratch)?;
    Frame {
        eth,
        carrier,
        header,
        body,
    }
    .emit(out)
}

/// `epa-s`: EPA-S v1 frames on raw Ethernet (0x88CB) or IPv4/UDP (port 35004).
pub const EPA_S: Codec = Codec {
    name: "epa-s",
    needs_role: false,
    decode,
    encode,
};
