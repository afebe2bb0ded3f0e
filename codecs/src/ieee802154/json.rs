//! The JSON form of 802.15.4 frames carrying WPA-L, and the registry entries `wpan` (with FCS,
//! pcap link type 195) and `wpan-no-fcs` (link type 230).
//!
//! `frame` holds the frame control fields by name (`frame_type`, `frame_type_name`, `security`,
//! `frame_pending`, `ack_request`, `pan_id_compression`, `seq_suppression`, `ie_present`,
//! `version`, `dst_addr_mode`, `src_addr_mode`, `fcf`, and `fcf_reserved` when bit 7 is set),
//! `seq`, `dst_pan`, `dst_addr`, `src_pan`, `src_addr` (`null` when absent; short addresses as
//! `"0x0102"`, extended ones as `"00:11:22:33:44:55:66:77"`, most significant octet first),
//! `fcs` and `fcs_ok` (with FCS), `aux_security` {`level`, `level_name`, `key_id_mode`,
//! `frame_counter`, `key_index`, `key_source`, `frame_counter_suppression`, `asn_in_nonce`,
//! `reserved`}, `header_ies` and `payload_ies` ([{`id`, `len`, `content`}], termination IEs
//! included; `id` is the group id of a payload IE), and then by frame type: `beacon`, `command`,
//! `wpal` for a data frame's WPA-L payload ([`crate::wiapa::json`]), or `payload` (hex). A
//! secured frame adds `mic` and `decrypted`: without a key for it, its payload stays `payload`
//! as sent.
//!
//! [`encode`] builds the frame back: the frame control and security control octets from their
//! named fields; beacon specification octets (`superframe_spec`, `gts_spec`, `gts_directions`,
//! `pending_spec`) and a command's `payload` as given, their other keys spelling them out. A
//! frame decoded with `decrypted: true` is secured again with the key the options hold.

use alloc::string::String;
use alloc::vec::Vec;

use causeway_core::{Point, WpanAddr};
use serde_json::{json, Map, Value as Json};

use crate::cursor::Writer;
use crate::error::{Layer, Result};
use crate::fields::{field_error, Fields};
use crate::registry::{hex, Codec, Decoded, Options};
use crate::wiapa::packet::Packet;
use crate::wiapa::points::packet_points;

use super::beacon::{Beacon, Superframe};
use super::command::{Command, Fields as CommandFields};
use super::frame::{emit, emit_as_sent, Content, Fcs, Frame, MacPayload};
use super::header::{FrameControl, FrameType, Header, Version};
use super::ie::{HeaderIes, Ie, PayloadIes};
use super::security::{AuxSecurity, KeySource, Level};

const L: Layer = Layer::Ieee802154;

/// `"0x0102"` or `"00:11:22:33:44:55:66:77"`.
pub fn addr_string(a: WpanAddr) -> String {
    match a {
        WpanAddr::Short(s) => alloc::format!("0x{s:04x}"),
        WpanAddr::Extended(e) => {
            let b = e.to_be_bytes();
            alloc::format!(
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                b[0],
                b[1],
                b[2],
                b[3],
                b[4],
                b[5],
                b[6],
                b[7]
            )
        }
    }
}

/// Parses `0x0102` (short) or `00:11:22:33:44:55:66:77` / `0x0011223344556677` (extended).
pub fn parse_addr(s: &str) -> Option<WpanAddr> {
    if s.contains(':') {
        let mut v = 0u64;
        let mut n = 0;
        for part in s.split(':') {
            if part.len() != 2 {
                return None;
            }
            v = (v << 8) | u64::from(u8::from_str_radix(part, 16).ok()?);
            n += 1;
        }
        return (n == 8).then_some(WpanAddr::Extended(v));
    }
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    match digits.len() {
        1..=4 => u16::from_str_radix(digits, 16).ok().map(WpanAddr::Short),
        16 => u64::from_str_radix(digits, 16).ok().map(WpanAddr::Extended),
        _ => None,
    }
}

fn addr_json(a: Option<WpanAddr>) -> Json {
    a.map_or(Json::Null, |a| json!(addr_string(a)))
}

const fn mode(a: Option<WpanAddr>) -> u8 {
    match a {
        None => 0,
        Some(WpanAddr::Short(_)) => 2,
        Some(WpanAddr::Extended(_)) => 3,
    }
}

fn ies_json<'a>(ies: impl Iterator<Item = Ie<'a>>) -> Json {
    Json::Array(
        ies.map(|ie| json!({"id": ie.id, "len": ie.content.len(), "content": hex(ie.content)}))
            .collect(),
    )
}

fn aux_json(a: &AuxSecurity) -> Json {
    let mut m = Map::new();
    m.insert("level".into(), json!(a.level().0));
    m.insert("level_name".into(), json!(a.level().name()));
    m.insert("key_id_mode".into(), json!(a.key_id_mode()));
    m.insert("frame_counter".into(), json!(a.frame_counter));
    m.insert("key_index".into(), json!(a.key_index));
    let source = match a.key_source {
        KeySource::None => Json::Null,
        KeySource::Four(s) => json!(alloc::format!("0x{s:08x}")),
        KeySource::Eight(s) => json!(alloc::format!("0x{s:016x}")),
    };
    m.insert("key_source".into(), source);
    m.insert(
        "frame_counter_suppression".into(),
        json!(a.control & AuxSecurity::COUNTER_SUPPRESSED != 0),
    );
    m.insert(
        "asn_in_nonce".into(),
        json!(a.control & AuxSecurity::ASN_IN_NONCE != 0),
    );
    if a.control & 0x80 != 0 {
        m.insert("reserved".into(), json!(1));
    }
    Json::Object(m)
}

/// The header's keys.
pub fn header_json(h: &Header<'_>, m: &mut Map<String, Json>) {
    let f = h.flags;
    m.insert("frame_type".into(), json!(h.frame_type.0));
    m.insert("frame_type_name".into(), json!(h.frame_type.name()));
    m.insert("security".into(), json!(h.security.is_some()));
    m.insert(
        "frame_pending".into(),
        json!(f.contains(FrameControl::FRAME_PENDING)),
    );
    m.insert(
        "ack_request".into(),
        json!(f.contains(FrameControl::ACK_REQUEST)),
    );
    m.insert(
        "pan_id_compression".into(),
        json!(f.contains(FrameControl::PAN_ID_COMPRESSION)),
    );
    m.insert(
        "seq_suppression".into(),
        json!(f.contains(FrameControl::SEQ_SUPPRESSION)),
    );
    m.insert(
        "ie_present".into(),
        json!(f.contains(FrameControl::IE_PRESENT)),
    );
    if f.contains(FrameControl::RESERVED) {
        m.insert("fcf_reserved".into(), json!(1));
    }
    m.insert("version".into(), json!(h.version.0));
    m.insert("dst_addr_mode".into(), json!(mode(h.dst)));
    m.insert("src_addr_mode".into(), json!(mode(h.src)));
    m.insert("fcf".into(), json!(h.frame_control()));
    m.insert("seq".into(), json!(h.seq));
    m.insert("dst_pan".into(), json!(h.dst_pan));
    m.insert("dst_addr".into(), addr_json(h.dst));
    m.insert("src_pan".into(), json!(h.src_pan));
    m.insert("src_addr".into(), addr_json(h.src));
    if let Some(a) = &h.security {
        m.insert("aux_security".into(), aux_json(a));
    }
    if f.contains(FrameControl::IE_PRESENT) && h.version == Version::V2015 {
        m.insert("header_ies".into(), ies_json(h.ies.iter()));
    }
}

fn beacon_json(b: &Beacon<'_>) -> Json {
    let s = b.superframe;
    let gts: Vec<Json> = b
        .gts()
        .map(|g| {
            json!({"short_addr": addr_string(WpanAddr::Short(g.short)), "start_slot": g.start_slot,
                   "length": g.length, "direction": if g.receive { "receive" } else { "transmit" }})
        })
        .collect();
    let short: Vec<Json> = b
        .pending_short()
        .map(|a| json!(addr_string(WpanAddr::Short(a))))
        .collect();
    let ext: Vec<Json> = b
        .pending_ext()
        .map(|a| json!(addr_string(WpanAddr::Extended(a))))
        .collect();
    json!({
        "superframe_spec": s.0, "beacon_order": s.beacon_order(),
        "superframe_order": s.superframe_order(), "final_cap_slot": s.final_cap_slot(),
        "battery_life_extension": s.battery_life_extension(),
        "pan_coordinator": s.pan_coordinator(), "association_permit": s.association_permit(),
        "gts_spec": b.gts_spec, "gts_permit": b.gts_permit(), "gts_directions": b.gts_directions,
        "gts": gts, "pending_spec": b.pending_spec, "pending_short": short, "pending_ext": ext,
        "payload": hex(b.payload),
    })
}

fn command_json(c: &Command<'_>) -> Json {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id.0));
    m.insert("name".into(), json!(c.id.name()));
    match c.fields() {
        CommandFields::AssociationRequest { capability } => {
            m.insert("capability".into(), json!(capability));
            m.insert(
                "alternate_pan_coordinator".into(),
                json!(capability & 1 != 0),
            );
            m.insert("ffd".into(), json!(capability & 2 != 0));
            m.insert("mains_powered".into(), json!(capability & 4 != 0));
            m.insert("rx_on_when_idle".into(), json!(capability & 8 != 0));
            m.insert("security_capable".into(), json!(capability & 0x40 != 0));
            m.insert("allocate_address".into(), json!(capability & 0x80 != 0));
        }
        CommandFields::AssociationResponse { short, status } => {
            m.insert(
                "short_addr".into(),
                json!(addr_string(WpanAddr::Short(short))),
            );
            m.insert("status".into(), json!(status));
        }
        CommandFields::Disassociation { reason } => {
            m.insert("reason".into(), json!(reason));
        }
        CommandFields::CoordinatorRealignment {
            pan,
            coordinator,
            channel,
            short,
            channel_page,
        } => {
            m.insert("pan".into(), json!(pan));
            m.insert(
                "coordinator_short_addr".into(),
                json!(addr_string(WpanAddr::Short(coordinator))),
            );
            m.insert("channel".into(), json!(channel));
            m.insert(
                "short_addr".into(),
                json!(addr_string(WpanAddr::Short(short))),
            );
            m.insert("channel_page".into(), json!(channel_page));
        }
        CommandFields::GtsRequest { characteristics } => {
            m.insert("characteristics".into(), json!(characteristics));
            m.insert("gts_length".into(), json!(characteristics & 0xF));
            m.insert("receive".into(), json!(characteristics & 0x10 != 0));
            m.insert("allocation".into(), json!(characteristics & 0x20 != 0));
        }
        CommandFields::Empty | CommandFields::Other => {}
    }
    m.insert("payload".into(), json!(hex(c.payload)));
    Json::Object(m)
}

/// Adds the keys of a clear MAC payload. With `wpal`, a data frame's payload is read as WPA-L,
/// whose points go to `sink`; without, it stays octets.
pub fn payload_json<'a>(
    header: &Header<'_>,
    payload: &MacPayload<'a>,
    wpal: bool,
    m: &mut Map<String, Json>,
    sink: impl FnMut(Point<'a>),
) -> Result<()> {
    if header.payload_ies_follow() {
        m.insert("payload_ies".into(), ies_json(payload.ies.iter()));
    }
    let base = header.buffer_len() + payload.ies.bytes().len();
    match &payload.content {
        Content::Beacon(b) => {
            m.insert("beacon".into(), beacon_json(b));
        }
        Content::Command(c) => {
            m.insert("command".into(), command_json(c));
        }
        Content::Payload(p) if wpal && header.frame_type == FrameType::DATA && !p.is_empty() => {
            let packet = Packet::parse(p, base)?;
            m.insert("wpal".into(), crate::wiapa::json::packet_json(&packet));
            packet_points(header.pan().unwrap_or(0xFFFF), &packet, sink);
        }
        Content::Payload(p) => {
            m.insert("payload".into(), json!(hex(p)));
        }
    }
    Ok(())
}

/// The JSON form of a parsed frame (the `frame` of a decode result) given its clear payload;
/// `None` leaves a secured frame's payload as sent (`decrypted: false`). With `wpal`, a data
/// frame's payload is read as WPA-L and its points go to `sink`.
pub fn frame_json<'a>(
    frame: &Frame<'_>,
    clear: Option<&MacPayload<'a>>,
    wpal: bool,
    sink: impl FnMut(Point<'a>),
) -> Result<Json> {
    let mut m = Map::new();
    header_json(&frame.header, &mut m);
    if frame.is_secured() {
        m.insert("mic".into(), json!(hex(frame.mic)));
        m.insert("decrypted".into(), json!(clear.is_some()));
    }
    match clear {
        Some(p) => payload_json(&frame.header, p, wpal, &mut m, sink)?,
        None => {
            m.insert("payload".into(), json!(hex(frame.payload)));
        }
    }
    if let Some(f) = frame.fcs {
        m.insert("fcs".into(), json!(f));
        m.insert("fcs_ok".into(), json!(true));
    }
    Ok(Json::Object(m))
}

/// The clear payload of a secured frame, unsecured with `keys` into `plain`.
#[cfg(feature = "crypto")]
pub fn unsecure<'p>(
    frame: &Frame<'_>,
    keys: &crate::ieee802154::KeyStore<'_>,
    plain: &'p mut Vec<u8>,
) -> Result<MacPayload<'p>> {
    plain.resize(frame.payload.len(), 0);
    frame.unsecure(keys, plain)
}

/// Unsecuring needs the `crypto` feature.
#[cfg(not(feature = "crypto"))]
pub fn unsecure<'p>(
    frame: &Frame<'_>,
    _: &crate::ieee802154::KeyStore<'_>,
    _: &'p mut Vec<u8>,
) -> Result<MacPayload<'p>> {
    use crate::error::{Error, ErrorKind};
    Err(Error::new(
        Layer::Ccm,
        frame.header_len(),
        ErrorKind::Unsupported {
            what: "unsecuring a frame in a build without the crypto feature",
            found: u64::from(frame.level().0),
        },
    ))
}

/// Decodes a whole frame into its JSON form and points, unsecuring it with `options.keys`
/// (a secured frame stays as sent when there are none).
pub fn decode_frame<'a>(fcs: Fcs, options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let frame = Frame::parse(bytes, fcs)?;
    let mut points = Vec::new();
    let json = match (frame.is_secured(), options.keys.is_empty()) {
        (false, _) => frame_json(&frame, Some(&frame.body()?), true, |p| points.push(p))?,
        (true, true) => frame_json(&frame, None, true, |_| {})?,
        (true, false) => {
            let mut plain = Vec::new();
            let clear = unsecure(&frame, &options.keys, &mut plain)?;
            frame_json(&frame, Some(&clear), true, |p| points.push(p.into_owned()))?
        }
    };
    Ok(Decoded {
        protocol: match fcs {
            Fcs::Present => "wpan",
            Fcs::Absent => "wpan-no-fcs",
        },
        frame: json,
        points,
    })
}

// --- from the JSON form back to bytes -----------------------------------------------------------

fn opt_addr(f: &Fields<'_>, key: &'static str) -> Result<Option<WpanAddr>> {
    f.optional(key, |f, k| {
        parse_addr(f.str(k)?).ok_or(field_error(
            L,
            key,
            "an address \"0x0102\" or \"00:11:22:33:44:55:66:77\"",
        ))
    })
}

fn hex_u64(f: &Fields<'_>, key: &'static str) -> Result<u64> {
    let text = f.str(key)?;
    text.strip_prefix("0x")
        .and_then(|d| u64::from_str_radix(d, 16).ok())
        .ok_or(field_error(L, key, "a hex number \"0x…\""))
}

fn aux_from_json(f: &Fields<'_>, version: Version) -> Result<AuxSecurity> {
    let level: u8 = f.uint("level", "a security level 0..=7")?;
    let mode: u8 = f.uint("key_id_mode", "a key identifier mode 0..=3")?;
    if level > 7 || mode > 3 {
        return Err(field_error(L, "level", "level 0..=7, key_id_mode 0..=3"));
    }
    let bit = |k: &'static str, v: u8| -> Result<u8> {
        Ok(if f.optional(k, Fields::bool)?.unwrap_or(false) {
            v
        } else {
            0
        })
    };
    let control = level
        | (mode << 3)
        | bit("frame_counter_suppression", AuxSecurity::COUNTER_SUPPRESSED)?
        | bit("asn_in_nonce", AuxSecurity::ASN_IN_NONCE)?
        | if f.optional("reserved", Fields::u8)?.unwrap_or(0) != 0 {
            0x80
        } else {
            0
        };
    let suppressed = version == Version::V2015 && control & AuxSecurity::COUNTER_SUPPRESSED != 0;
    let frame_counter = if suppressed {
        None
    } else {
        Some(f.uint("frame_counter", "a frame counter 0..=2^32-1")?)
    };
    let key_source = match mode {
        2 => KeySource::Four(
            u32::try_from(hex_u64(f, "key_source")?)
                .map_err(|_| field_error(L, "key_source", "four octets"))?,
        ),
        3 => KeySource::Eight(hex_u64(f, "key_source")?),
        _ => KeySource::None,
    };
    let key_index = if mode == 0 {
        None
    } else {
        Some(f.u8("key_index")?)
    };
    Ok(AuxSecurity {
        control,
        frame_counter,
        key_source,
        key_index,
    })
}

fn ies_from_json(
    f: &Fields<'_>,
    key: &'static str,
    header: bool,
    w: &mut Writer<'_>,
) -> Result<()> {
    let Some(_) = f.get(key) else {
        return Ok(());
    };
    for ie in f.objects(key)? {
        let ie = ie?;
        let mut content = [0u8; 2047];
        let n = ie.hex("content", &mut content)?;
        let one = [Ie {
            id: ie.u8("id")?,
            content: content.get(..n).unwrap_or(&[]),
        }];
        if header {
            HeaderIes::write(&one, w)?;
        } else {
            PayloadIes::write(&one, w)?;
        }
    }
    Ok(())
}

fn header_from_json<'i>(f: &Fields<'_>, ies: &'i mut [u8]) -> Result<Header<'i>> {
    let flag = |k: &'static str, v: FrameControl| -> Result<FrameControl> {
        Ok(if f.bool(k)? { v } else { FrameControl::empty() })
    };
    let reserved = if f.optional("fcf_reserved", Fields::u8)?.unwrap_or(0) != 0 {
        FrameControl::RESERVED
    } else {
        FrameControl::empty()
    };
    let flags = flag("frame_pending", FrameControl::FRAME_PENDING)?
        | flag("ack_request", FrameControl::ACK_REQUEST)?
        | flag("pan_id_compression", FrameControl::PAN_ID_COMPRESSION)?
        | flag("seq_suppression", FrameControl::SEQ_SUPPRESSION)?
        | flag("ie_present", FrameControl::IE_PRESENT)?
        | reserved;
    let version = Version(f.uint("version", "a frame version 0..=2")?);
    let security = match f.optional("aux_security", Fields::object)? {
        Some(a) => Some(aux_from_json(&a, version)?),
        None => None,
    };
    let mut w = Writer::new(ies, L);
    ies_from_json(f, "header_ies", true, &mut w)?;
    let n = w.pos();
    let ies = HeaderIes::parse(w.into_inner().get(..n).unwrap_or(&[]), 0)?;
    Ok(Header {
        frame_type: FrameType(f.uint("frame_type", "a frame type 0..=3")?),
        flags,
        version,
        seq: f.optional("seq", Fields::u8)?,
        dst_pan: f.optional("dst_pan", Fields::u16)?,
        dst: opt_addr(f, "dst_addr")?,
        src_pan: f.optional("src_pan", Fields::u16)?,
        src: opt_addr(f, "src_addr")?,
        security,
        ies,
    })
}

fn addr_list<T>(
    f: &Fields<'_>,
    key: &'static str,
    pick: impl Fn(WpanAddr) -> Option<T>,
) -> Result<Vec<T>> {
    f.array(key)?
        .iter()
        .map(|a| {
            a.as_str()
                .and_then(parse_addr)
                .and_then(&pick)
                .ok_or(field_error(L, key, "addresses of the list's kind"))
        })
        .collect()
}

fn beacon_from_json(b: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let gts_spec = b.u8("gts_spec")?;
    let mut gts = Vec::new();
    for g in b.objects("gts")? {
        let g = g?;
        let short = match opt_addr(&g, "short_addr")? {
            Some(WpanAddr::Short(s)) => s,
            _ => return Err(field_error(L, "short_addr", "a short address \"0x0102\"")),
        };
        gts.extend_from_slice(&short.to_le_bytes());
        let slot: u8 = g.uint("start_slot", "a slot 0..=15")?;
        let len: u8 = g.uint("length", "a length 0..=15")?;
        if slot > 15 || len > 15 {
            return Err(field_error(L, "start_slot", "slot and length 0..=15"));
        }
        gts.push(slot | (len << 4));
    }
    let mut pending = Vec::new();
    for s in addr_list(b, "pending_short", |a| match a {
        WpanAddr::Short(s) => Some(s),
        WpanAddr::Extended(_) => None,
    })? {
        pending.extend_from_slice(&s.to_le_bytes());
    }
    for e in addr_list(b, "pending_ext", |a| match a {
        WpanAddr::Extended(e) => Some(e),
        WpanAddr::Short(_) => None,
    })? {
        pending.extend_from_slice(&e.to_le_bytes());
    }
    let mut payload = [0u8; 2047];
    let n = b.hex("payload", &mut payload)?;
    Beacon {
        superframe: Superframe(b.u16("superframe_spec")?),
        gts_spec,
        gts_directions: b.u8("gts_directions")?,
        gts_list: &gts,
        pending_spec: b.u8("pending_spec")?,
        pending_list: &pending,
        payload: payload.get(..n).unwrap_or(&[]),
    }
    .emit(w)
    .map_err(|_| {
        field_error(
            L,
            "beacon",
            "gts_spec and pending_spec counts that match the gts and pending lists",
        )
    })
}

/// Writes the clear MAC payload of the frame's JSON form.
fn payload_from_json(f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    ies_from_json(f, "payload_ies", false, w)?;
    if let Some(b) = f.optional("beacon", Fields::object)? {
        return beacon_from_json(&b, w);
    }
    if let Some(c) = f.optional("command", Fields::object)? {
        let mut payload = [0u8; 2047];
        let n = c.hex("payload", &mut payload)?;
        w.u8(c.u8("id")?)?;
        return w.put(payload.get(..n).unwrap_or(&[]));
    }
    if let Some(wpal) = f.optional("wpal", Fields::object)? {
        return crate::wiapa::json::encode(&wpal, w);
    }
    let mut payload = [0u8; 2047];
    let n = f
        .optional("payload", |f, k| f.hex(k, &mut payload))?
        .unwrap_or(0);
    w.put(payload.get(..n).unwrap_or(&[]))
}

/// Builds a frame from its JSON form (the `frame` of a decode result).
pub fn encode(fcs: Fcs, options: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    let f = Fields::of(frame, L, "frame")?;
    let mut ies = [0u8; 2047];
    let header = header_from_json(&f, &mut ies)?;
    let secured = header.security.is_some_and(|a| a.level() != Level::NONE);
    if secured && !f.optional("decrypted", Fields::bool)?.unwrap_or(false) {
        // Payload and MIC as sent.
        let (mut payload, mut mic) = ([0u8; 2047], [0u8; 16]);
        let n = f.hex("payload", &mut payload)?;
        let m = f.hex("mic", &mut mic)?;
        return emit_as_sent(
            &header,
            payload.get(..n).unwrap_or(&[]),
            mic.get(..m).unwrap_or(&[]),
            out,
            fcs,
        );
    }
    let mut plain = [0u8; 2047];
    let mut w = Writer::new(&mut plain, L);
    payload_from_json(&f, &mut w)?;
    let n = w.pos();
    let plain = plain.get(..n).unwrap_or(&[]);
    let payload = MacPayload::parse(&header, plain, header.buffer_len())?;
    emit(&header, &payload, &options.keys, out, fcs)
}

fn decode_fcs<'a>(options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    decode_frame(Fcs::Present, options, bytes)
}

fn decode_no_fcs<'a>(options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    decode_frame(Fcs::Absent, options, bytes)
}

fn encode_fcs(options: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    encode(Fcs::Present, options, frame, out)
}

fn encode_no_fcs(options: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    encode(Fcs::Absent, options, frame, out)
}

/// `wpan`: a whole 802.15.4 frame with its FCS (pcap link type 195), WPA-L in data frames.
pub const WPAN: Codec = Codec {
    name: "wpan",
    needs_role: false,
    decode: decode_fcs,
    encode: encode_fcs,
};

/// `wpan-no-fcs`: the same without the FCS (pcap link type 230).
pub const WPAN_NO_FCS: Codec = Codec {
    name: "wpan-no-fcs",
    needs_role: false,
    decode: decode_no_fcs,
    encode: encode_no_fcs,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_both_forms() {
        assert_eq!(parse_addr("0x0102"), Some(WpanAddr::Short(0x0102)));
        assert_eq!(
            parse_addr("00:11:22:33:44:55:66:77"),
            Some(WpanAddr::Extended(0x0011_2233_4455_6677))
        );
        assert_eq!(
            parse_addr("0x0011223344556677"),
            Some(WpanAddr::Extended(0x0011_2233_4455_6677))
        );
        assert_eq!(parse_addr("00:11"), None);
        assert_eq!(
            addr_string(WpanAddr::Extended(0x0011_2233_4455_6677)),
            "00:11:22:33:44:55:66:77"
        );
        assert_eq!(addr_string(WpanAddr::Short(1)), "0x0001");
    }
}
