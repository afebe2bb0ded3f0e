//! The JSON form of M-Bus telegrams and the registry entry `mbus`.
//!
//! The form is lossless for well-formed telegrams: besides the fields a reader wants it keeps
//! what re-encoding needs (`lvar`, `text_first`, `idle_fillers`, the `global_readout` offset), so
//! [`encode`] of a decoded `frame` gives the telegram's bytes back.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use causeway_core::{Manufacturer, Medium};
use serde_json::{json, Map, Value as Json};

use crate::cursor::Writer;
use crate::error::{Layer, Result};
use crate::fields::{field_error, Fields};
use crate::registry::{hex, Codec, Decoded, Options};

use super::app::{self, application_error_name, Body, Header, Identity};
use super::link::{self, CField, Frame, FrameKind};
use super::points::body_points;
use super::record::{Item, Record, Records};
use super::vif::Vife;

/// Three letters, or `0xNNNN` for codes with bit 15 set (the wildcard `FFFF` of a selection).
fn manufacturer_text(m: Manufacturer) -> String {
    if m.0 & 0x8000 == 0 {
        m.to_string()
    } else {
        alloc::format!("0x{:04X}", m.0)
    }
}

/// The manufacturer of its JSON text: three letters, or `0xNNNN`.
pub fn parse_manufacturer(text: &str) -> Option<Manufacturer> {
    match text.strip_prefix("0x") {
        Some(h) if h.len() == 4 => u16::from_str_radix(h, 16).ok().map(Manufacturer),
        Some(_) => None,
        None => <[u8; 3]>::try_from(text.as_bytes())
            .ok()
            .and_then(Manufacturer::from_letters),
    }
}

/// The JSON form of a secondary address: `id` (8 hex digits), `manufacturer`, `version`, `medium`.
pub fn identity_json(id: &Identity) -> Json {
    json!({
        "id": alloc::format!("{:08X}", id.id),
        "manufacturer": manufacturer_text(id.manufacturer),
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
    let mut fillers = Vec::new();
    for item in records.clone() {
        match item? {
            Item::Record(r) => {
                let desc = r.desc();
                let mut rec = json!({
                    "offset": r.offset, "dif": r.dif, "difes": r.difes, "vif": r.vif, "vifes": r.vifes,
                    "function": r.function().name(), "storage": r.storage(), "tariff": r.tariff(), "subunit": r.subunit(),
                    "description": desc.name, "data": hex(r.data),
                });
                let notes: Vec<&str> = Vife::chain(r.combinable_vifes())
                    .take_while(|&b| b & 0x7F != 0x7F)
                    .map(Vife::name)
                    .collect();
                if let (false, Json::Object(m)) = (notes.is_empty(), &mut rec) {
                    m.insert("vife_annotations".into(), json!(notes));
                }
                if let Json::Object(m) = &mut rec {
                    if let Some(t) = r.plain_text {
                        m.insert(
                            "plain_text".into(),
                            json!(t.iter().rev().map(|&b| char::from(b)).collect::<String>()),
                        );
                        if r.text_first {
                            m.insert("text_first".into(), json!(true));
                        }
                    }
                    if let Some(lvar) = r.lvar {
                        m.insert("lvar".into(), json!(lvar));
                    }
                }
                list.push(rec);
            }
            Item::Manufacturer {
                more_follows, data, ..
            } => {
                frame.insert("manufacturer_data".into(), json!(hex(data)));
                frame.insert("more_records_follow".into(), json!(more_follows));
            }
            Item::GlobalReadout { offset } => {
                frame.insert("global_readout".into(), json!({ "offset": offset }));
            }
            Item::Filler { offset } => fillers.push(offset),
        }
    }
    frame.insert("records".into(), Json::Array(list));
    if !fillers.is_empty() {
        frame.insert("idle_fillers".into(), json!(fillers));
    }
    Ok(())
}

/// The `frame` object of the JSON form: link fields, header, records (without the points).
pub fn frame_json(bytes: &[u8]) -> Result<Json> {
    described(bytes).map(|(frame, _)| frame)
}

/// The `frame` object, and the address and parsed body its points come from.
fn described(bytes: &[u8]) -> Result<(Json, Option<(u8, Body<'_>)>)> {
    let f = Frame::new_checked(bytes)?;
    let mut frame = Map::new();
    let kind = match f.kind() {
        FrameKind::Ack => "ack",
        FrameKind::Short => "short",
        FrameKind::Control => "control",
        FrameKind::Long => "long",
    };
    frame.insert("kind".into(), json!(kind));
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
    let mut parsed = None;
    if let (Some(ci), Some(a)) = (f.ci(), f.address()) {
        frame.insert("ci".into(), json!(ci));
        let data = f.into_data();
        let body = app::parse(ci, data, Frame::<&[u8]>::DATA_OFFSET)?;
        // Bytes the typed fields of these bodies do not cover are kept as raw `data`.
        let covered = match body {
            Body::ApplicationError(_) | Body::ApplicationReset(_) => 1,
            Body::BaudRate(_) => 0,
            _ => data.len(),
        };
        if data.len() > covered {
            frame.insert("data".into(), json!(hex(data)));
        }
        match &body {
            Body::Variable {
                header,
                msb_first,
                records,
            } => {
                if let Some(h) = &header {
                    frame.insert("header".into(), header_json(h));
                }
                if *msb_first {
                    frame.insert("msb_first".into(), json!(true));
                }
                records_json(records, &mut frame)?;
            }
            Body::Fixed(fd) => {
                frame.insert("fixed".into(), json!({
                    "id": alloc::format!("{:08X}", fd.id), "access_number": fd.access_number, "status": fd.status,
                    "medium": fd.medium, "units": fd.units, "counters": [hex(&fd.counters[0]), hex(&fd.counters[1])],
                }));
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
            Body::DataSend { records, .. } => {
                records_json(records, &mut frame)?;
            }
            Body::Selection {
                identity, records, ..
            } => {
                frame.insert("selection".into(), identity_json(identity));
                records_json(records, &mut frame)?;
            }
            Body::BaudRate(b) => {
                frame.insert("baud_rate".into(), json!(b));
            }
            Body::Other(data) => {
                frame.insert("data".into(), json!(hex(data)));
            }
        }
        parsed = Some((a, body));
    }
    Ok((Json::Object(frame), parsed))
}

fn decode<'a>(_: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let (frame, parsed) = described(bytes)?;
    let mut points = Vec::new();
    if let Some((address, body)) = parsed {
        body_points(address, &body, |p| points.push(p))?;
    }
    Ok(Decoded {
        protocol: "mbus",
        frame,
        points,
    })
}

// --- from the JSON form back to bytes -----------------------------------------------------------

const APP: Layer = Layer::MbusApp;

fn identity_from(f: &Fields<'_>) -> Result<Identity> {
    let id = f.str("id")?;
    let id = u32::from_str_radix(id, 16)
        .ok()
        .filter(|_| id.len() == 8)
        .ok_or(field_error(APP, "id", "8 hex digits"))?;
    let manufacturer = parse_manufacturer(f.str("manufacturer")?).ok_or(field_error(
        APP,
        "manufacturer",
        "three letters or 0xNNNN",
    ))?;
    let medium = Medium::from_name(f.str("medium")?).ok_or(field_error(
        APP,
        "medium",
        "a medium name or 0xNN",
    ))?;
    Ok(Identity {
        id,
        manufacturer,
        version: f.u8("version")?,
        medium,
    })
}

/// The header of CI `ci`: the 12-byte one for `72`/`76` (`76` MSB first), else the 4-byte one.
fn header_into(f: &Fields<'_>, ci: u8, w: &mut Writer<'_>) -> Result<()> {
    let h = f.object("header")?;
    let [g0, g1] = h.u16("signature")?.to_le_bytes();
    let (a, s) = (h.u8("access_number")?, h.u8("status")?);
    if !matches!(ci, 0x72 | 0x76) {
        return w.put(&[a, s, g0, g1]);
    }
    let [i0, i1, i2, i3, i4, i5, i6, i7] = identity_from(&h)?.to_bytes();
    let mut bytes = [i0, i1, i2, i3, i4, i5, i6, i7, a, s, g0, g1];
    app::mode_order(app::msb_first(ci), &mut bytes, &app::HEADER_FIELDS);
    w.put(&bytes)
}

fn record_into(f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let (mut difes, mut vifes) = ([0u8; 16], [0u8; 16]);
    let n_difes = f.optional("difes", |f, k| f.byte_list(k, &mut difes))?;
    let n_vifes = f.optional("vifes", |f, k| f.byte_list(k, &mut vifes))?;
    let mut text = [0u8; 255];
    let text_len = match f.optional("plain_text", Fields::str)? {
        None => None,
        Some(t) => {
            let bad = field_error(APP, "plain_text", "at most 255 Latin-1 characters");
            let mut n = 0;
            // Wire order is last character first.
            for (c, dst) in t.chars().rev().zip(text.iter_mut()) {
                *dst = u8::try_from(c).map_err(|_| bad)?;
                n += 1;
            }
            if n != t.chars().count() {
                return Err(bad);
            }
            Some(n)
        }
    };
    let mut data = [0u8; 252];
    let n_data = f.hex("data", &mut data)?;
    Record {
        offset: 0,
        dif: f.u8("dif")?,
        difes: difes.get(..n_difes.unwrap_or(0)).unwrap_or(&[]),
        vif: f.u8("vif")?,
        vifes: vifes.get(..n_vifes.unwrap_or(0)).unwrap_or(&[]),
        plain_text: text_len.map(|n| text.get(..n).unwrap_or(&[])),
        text_first: f.optional("text_first", Fields::bool)?.unwrap_or(false),
        lvar: f.optional("lvar", Fields::u8)?,
        data: data.get(..n_data).unwrap_or(&[]),
    }
    .emit(w)
}

/// Records, idle fillers, a global readout byte and manufacturer data, in wire order: fillers
/// and the readout byte go before the first record whose `offset` lies beyond theirs.
fn records_into(f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let offset = |f: &Fields<'_>, k| f.uint::<usize>(k, "a byte offset");
    let mut extras = Vec::new();
    for filler in f.optional("idle_fillers", Fields::array)?.unwrap_or(&[]) {
        let at =
            filler
                .as_u64()
                .ok_or(field_error(APP, "idle_fillers", "an array of byte offsets"))?;
        extras.push((at, 0x2F));
    }
    if let Some(readout) = f.optional("global_readout", Fields::object)? {
        let at = readout.optional("offset", offset)?.unwrap_or(usize::MAX);
        extras.push((at as u64, 0x7F));
    }
    extras.sort_unstable();
    let mut extras = extras.into_iter().peekable();
    if f.get("records").is_some() {
        for record in f.objects("records")? {
            let record = record?;
            let at = record.optional("offset", offset)?.unwrap_or(usize::MAX) as u64;
            while let Some((_, byte)) = extras.next_if(|(o, _)| *o < at) {
                w.u8(byte)?;
            }
            record_into(&record, w)?;
        }
    }
    for (_, byte) in extras {
        w.u8(byte)?;
    }
    if f.get("manufacturer_data").is_some() {
        let more = f.optional("more_records_follow", Fields::bool)?;
        w.u8(if more == Some(true) { 0x1F } else { 0x0F })?;
        let mut data = [0u8; 252];
        let n = f.hex("manufacturer_data", &mut data)?;
        w.put(data.get(..n).unwrap_or(&[]))?;
    }
    Ok(())
}

fn fixed_into(f: &Fields<'_>, msb_first: bool, w: &mut Writer<'_>) -> Result<()> {
    let id = f.str("id")?;
    let id = u32::from_str_radix(id, 16)
        .ok()
        .filter(|_| id.len() == 8)
        .ok_or(field_error(APP, "id", "8 hex digits"))?;
    let medium = f.uint::<u8>("medium", "an integer 0..=15").and_then(|m| {
        (m < 16)
            .then_some(m)
            .ok_or(field_error(APP, "medium", "an integer 0..=15"))
    })?;
    let mut units = [0u8; 2];
    let bad_units = field_error(APP, "units", "two integers 0..=63");
    if f.byte_list("units", &mut units)? != 2 || units.iter().any(|&u| u > 0x3F) {
        return Err(bad_units);
    }
    let mut counters = [[0u8; 4]; 2];
    let bad_counters = field_error(APP, "counters", "two hex strings of 4 bytes");
    let list = f.array("counters")?;
    if list.len() != 2 {
        return Err(bad_counters);
    }
    for (item, dst) in list.iter().zip(counters.iter_mut()) {
        let counter = Fields::of(&json!({ "c": item }), APP, "counters")
            .and_then(|c| c.hex("c", dst))
            .map_err(|_| bad_counters)?;
        if counter != 4 {
            return Err(bad_counters);
        }
    }
    let mut bytes = [0u8; 16];
    let [i0, i1, i2, i3] = id.to_le_bytes();
    let [[c0, c1, c2, c3], [d0, d1, d2, d3]] = counters;
    let u0 = units[0] | (medium & 0x3) << 6;
    let u1 = units[1] | (medium >> 2) << 6;
    let fields = [
        i0,
        i1,
        i2,
        i3,
        f.u8("access_number")?,
        f.u8("status")?,
        u0,
        u1,
        c0,
        c1,
        c2,
        c3,
        d0,
        d1,
        d2,
        d3,
    ];
    bytes.copy_from_slice(&fields);
    app::mode_order(msb_first, &mut bytes, &app::FIXED_FIELDS);
    w.put(&bytes)
}

/// Writes the hex `data` field.
fn raw_data_into(f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let mut data = [0u8; 252];
    let n = f.hex("data", &mut data)?;
    w.put(data.get(..n).unwrap_or(&[]))
}

/// The user data for CI `ci` from the frame's JSON fields.
fn body_into(ci: u8, f: &Fields<'_>, w: &mut Writer<'_>) -> Result<()> {
    let typed = !matches!(ci, 0x70 | 0x50 | 0xB8..=0xBF) || f.get("data").is_none();
    if !typed {
        return raw_data_into(f, w);
    }
    match ci {
        0x72 | 0x76 | 0x7A => {
            header_into(f, ci, w)?;
            records_into(f, w)
        }
        0x78 | 0x51 | 0x55 => records_into(f, w),
        0x73 | 0x77 => fixed_into(&f.object("fixed")?, app::msb_first(ci), w),
        0x70 => match f
            .object("application_error")?
            .optional("code", Fields::u8)?
        {
            Some(code) => w.u8(code),
            None => Ok(()),
        },
        0x71 => {
            let mut data = [0u8; 252];
            let n = f.hex("alarm", &mut data)?;
            w.put(data.get(..n).unwrap_or(&[]))
        }
        0x50 => match f
            .object("application_reset")?
            .optional("subcode", Fields::u8)?
        {
            Some(sub) => w.u8(sub),
            None => Ok(()),
        },
        0x52 | 0x56 => {
            identity_from(&f.object("selection")?)?.write(app::msb_first(ci), w)?;
            records_into(f, w)
        }
        0xB8..=0xBF => Ok(()),
        _ => raw_data_into(f, w),
    }
}

/// Builds a telegram from its JSON form (the `frame` of a decode result).
pub fn encode(_: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    let f = Fields::of(frame, Layer::MbusLink, "frame")?;
    let c_field = || f.u8("c_field").map(CField::from_bits_retain);
    match f.str("kind")? {
        "ack" => link::emit_ack(out),
        "short" => link::emit_short(c_field()?, f.u8("address")?, out),
        "control" | "long" => {
            let ci = f.u8("ci")?;
            let mut body = [0u8; 252];
            let mut w = Writer::new(&mut body, APP);
            body_into(ci, &f, &mut w)?;
            let len = w.pos();
            let data = body.get(..len).unwrap_or(&[]);
            // What was built must read back (record layouts, LVARs, lengths).
            app::check(ci, data, Frame::<&[u8]>::DATA_OFFSET)?;
            link::emit_long(c_field()?, f.u8("address")?, ci, data, out)
        }
        _ => Err(field_error(
            Layer::MbusLink,
            "kind",
            "\"ack\", \"short\", \"control\" or \"long\"",
        )),
    }
}

/// `mbus`: wired M-Bus link frames (EN 13757-2) with their application layer (EN 13757-3).
pub const MBUS: Codec = Codec {
    name: "mbus",
    needs_role: false,
    decode,
    encode,
};
