//! `causeway pcap`: read pcap/pcapng, hand each packet to the protocols that can carry it, print
//! one line per decoded frame with its frame number and capture timestamp. Modbus/TCP is
//! reassembled per TCP direction and responses get the points of their requests; EPA-S is found
//! on EtherType 0x88CB and on its UDP port, READ responses get the points of their READ requests,
//! and completed domain transfers are printed as they complete. IEEE 802.15.4 captures (link
//! types 195 with FCS, 230 without) are decoded as WPA-L, unsecured with the given keys and the
//! short → extended addresses learned from association responses, and fragmented WPA-L packets
//! are printed once reassembled. `causeway schedule` checks the EPA-S frames of a capture
//! against a macrocycle.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use causeway_codecs::buffer::{Event, Growable, Stream};
use causeway_codecs::epa::domain::{DomainKey, DomainTransfer};
use causeway_codecs::epa::header::ETHERTYPE as ETHERTYPE_EPA;
use causeway_codecs::epa::json::frame_json;
use causeway_codecs::epa::schedule::{Macrocycle, ScheduleCheck};
use causeway_codecs::epa::{self, Body};
use causeway_codecs::ethernet::{Ethernet, Ipv4, Tcp, Udp, ETHERTYPE_IPV4, IP_TCP, IP_UDP};
use causeway_codecs::ieee802154::command::Fields as CommandFields;
use causeway_codecs::ieee802154::json::{addr_string, decode_frame};
use causeway_codecs::ieee802154::{
    Content, ExtendedAddress, Fcs, Frame, FrameType, KeyStore, WpanAddr,
};
use causeway_codecs::modbus::map::RegisterMap;
use causeway_codecs::modbus::points::{exchange_points, map_points};
use causeway_codecs::modbus::{tcp, Request, Response};
use causeway_codecs::registry::{self, Decoded};
use causeway_codecs::wiapa::json::nl_body_json;
use causeway_codecs::wiapa::points::body_points;
use causeway_codecs::wiapa::{FragmentKey, NlBody, Packet as WpalPacket, Reassembly};
use causeway_codecs::Role;
use causeway_core::{DateTime, Device};
use pcap_parser::pcapng::Block;
use pcap_parser::{create_reader, Linktype, PcapBlockOwned, PcapError};
use serde::ser::SerializeMap;
use serde_json::json;

use crate::{output, Failure, Format, KeyArgs};

/// What `causeway pcap` was asked to look for.
pub struct Options {
    /// Modbus/TCP server port.
    pub modbus_port: u16,
    /// Register map for typed Modbus points (raw registers otherwise).
    pub modbus_map: Option<RegisterMap>,
    /// EPA-S UDP port.
    pub epa_port: u16,
    /// Keys for secured 802.15.4 frames.
    pub keys: KeyArgs,
}

/// One captured packet.
pub struct Packet<'a> {
    /// Link type of the interface.
    pub linktype: Linktype,
    /// Captured bytes.
    pub data: &'a [u8],
}

/// One direction of a TCP connection.
type FlowKey = (Ipv4Addr, u16, Ipv4Addr, u16);

/// Reassembles one TCP direction in sequence order and splits it into Modbus ADUs.
struct Flow {
    next_seq: Option<u32>,
    stream: Stream<Growable, tcp::Deframer>,
}

impl Flow {
    fn new() -> Self {
        Flow {
            next_seq: None,
            stream: Stream::new(Growable::new(1 << 16), tcp::Deframer),
        }
    }

    /// Appends the new part of a segment; a gap (lost segment) drops what was buffered.
    fn push(&mut self, seg: &Tcp, payload: &[u8]) {
        let syn = u32::from(seg.flags & Tcp::SYN != 0);
        let expected = *self.next_seq.get_or_insert(seg.seq.wrapping_add(syn));
        let offset = expected.wrapping_sub(seg.seq.wrapping_add(syn));
        let new = if offset < 0x8000_0000 {
            payload.get(offset as usize..).unwrap_or(&[])
        } else {
            self.stream.clear();
            payload
        };
        let end = seg.seq.wrapping_add(syn).wrapping_add(payload.len() as u32);
        if end.wrapping_sub(expected) < 0x8000_0000 {
            self.next_seq = Some(end);
        }
        if self.stream.push(new).is_err() {
            self.stream.clear();
        }
    }
}

/// Per-capture decoding state: TCP flows and Modbus requests awaiting their responses; EPA-S
/// READ requests awaiting theirs, and domain transfers under way.
#[derive(Default)]
struct Dissector {
    flows: HashMap<FlowKey, Flow>,
    /// (client ip, client port, transaction id) -> request ADU.
    requests: HashMap<(Ipv4Addr, u16, u16), Vec<u8>>,
    /// (requester app, server app, msg_id) -> READ request frame.
    epa_reads: HashMap<(u16, u16, u16), Vec<u8>>,
    /// Domain transfers being reassembled.
    domains: HashMap<DomainKey, DomainTransfer<Growable>>,
    /// Short → extended addresses learned from association responses.
    learned: Vec<ExtendedAddress>,
    /// WPA-L packets being reassembled.
    fragments: HashMap<FragmentKey, Reassembly<Growable>>,
}

/// Largest EPA-S domain the capture reader reassembles.
const MAX_DOMAIN: usize = 16 << 20;
/// Largest WPA-L packet the capture reader reassembles (`total_len` is 16 bits).
const MAX_WPAL: usize = 1 << 16;

/// A decoded frame with its points made independent of the input.
fn owned(d: Decoded<'_>) -> Decoded<'static> {
    Decoded {
        protocol: d.protocol,
        frame: d.frame,
        points: d.points.into_iter().map(|p| p.into_owned()).collect(),
    }
}

/// A decoded frame, a completed domain transfer, or an error found at some frame.
enum Item {
    Decoded(Decoded<'static>),
    Domain(DomainKey, Vec<u8>),
    Error(causeway_codecs::Error),
}

/// Where EPA-S sits in an Ethernet frame, if it does: on its EtherType, or in UDP on `port`.
pub fn is_epa(data: &[u8], port: u16) -> bool {
    let Ok((eth, at)) = Ethernet::parse(data) else {
        return false;
    };
    if eth.ethertype == ETHERTYPE_EPA {
        return true;
    }
    let Some(Ok((ip, payload))) = data.get(at..).map(Ipv4::parse) else {
        return false;
    };
    ip.protocol == IP_UDP
        && matches!(Udp::parse(&ip, payload), Ok((u, _)) if u.dst_port == port || u.src_port == port)
}

impl Dissector {
    /// Decodes what it can of `packet`, in order of appearance.
    fn dissect(&mut self, packet: &Packet<'_>, opts: &Options) -> Vec<Item> {
        let mut out = Vec::new();
        if let Some(fcs) = u32::try_from(packet.linktype.0)
            .ok()
            .and_then(Fcs::from_link_type)
        {
            self.wpan(packet.data, fcs, &opts.keys, &mut out);
            return out;
        }
        if packet.linktype != Linktype::ETHERNET {
            return out;
        }
        if is_epa(packet.data, opts.epa_port) {
            self.epa(packet.data, opts.epa_port, &mut out);
            return out;
        }
        let Ok((eth, at)) = Ethernet::parse(packet.data) else {
            return out;
        };
        if eth.ethertype != ETHERTYPE_IPV4 {
            return out;
        }
        let Some(Ok((ip, payload))) = packet.data.get(at..).map(Ipv4::parse) else {
            return out;
        };
        if ip.protocol != IP_TCP {
            return out;
        }
        let Ok((seg, data)) = Tcp::new_checked(payload) else {
            return out;
        };
        let role = if seg.dst_port == opts.modbus_port {
            Role::Request
        } else if seg.src_port == opts.modbus_port {
            Role::Response
        } else {
            return out;
        };
        let key = (ip.src, seg.src_port, ip.dst, seg.dst_port);
        if seg.flags & (Tcp::RST | Tcp::FIN) != 0 && data.is_empty() {
            self.flows.remove(&key);
            return out;
        }
        let flow = self.flows.entry(key).or_insert_with(Flow::new);
        flow.push(&seg, data);
        let mut adus = Vec::new();
        while let Some(ev) = flow.stream.next_event() {
            if let Event::Frame(adu) = ev {
                adus.push(adu.to_vec());
            }
        }
        let (server, client, client_port) = match role {
            Role::Request => (ip.dst, ip.src, seg.src_port),
            Role::Response => (ip.src, ip.dst, seg.dst_port),
        };
        for adu in adus {
            out.push(self.decode(&adu, role, server, (client, client_port), opts));
        }
        out
    }

    /// An EPA-S frame: its JSON and points; a READ response with its request's points; a
    /// domain block into its transfer.
    fn epa(&mut self, data: &[u8], port: u16, out: &mut Vec<Item>) {
        let f = match epa::Frame::parse(data, port) {
            Ok(f) => f,
            Err(e) => return out.push(Item::Error(e)),
        };
        let h = f.header;
        let mut points = Vec::new();
        epa::points::frame_points(&h, &f.body, |p| points.push(p.into_owned()));
        match &f.body {
            Body::Read { .. } => {
                self.epa_reads
                    .insert((h.src_app, h.dst_app, h.msg_id), data.to_vec());
            }
            Body::ReadResponse(_) => {
                if let Some(req) = self.epa_reads.remove(&(h.dst_app, h.src_app, h.msg_id)) {
                    if let Ok(req) = epa::Frame::parse(&req, port) {
                        epa::points::exchange_points((&req.header, &req.body), &f.body, |p| {
                            points.push(p.into_owned())
                        });
                    }
                }
            }
            Body::DomainDownload(block) | Body::DomainUpload(block) => {
                let key = DomainKey::of(&h, block);
                let transfer = self
                    .domains
                    .entry(key)
                    .or_insert_with(|| DomainTransfer::new(key, Growable::new(MAX_DOMAIN)));
                match transfer.push(&h, block) {
                    Ok(Some(all)) => {
                        let all = all.to_vec();
                        self.domains.remove(&key);
                        out.push(Item::Decoded(Decoded {
                            protocol: "epa-s",
                            frame: frame_json(&f),
                            points,
                        }));
                        out.push(Item::Domain(key, all));
                        return;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        self.domains.remove(&key);
                        out.push(Item::Error(e));
                    }
                }
            }
            _ => {}
        }
        out.push(Item::Decoded(Decoded {
            protocol: "epa-s",
            frame: frame_json(&f),
            points,
        }));
    }

    /// An 802.15.4 frame: its JSON and points; an association response's address mapping; a
    /// WPA-L fragment into its packet.
    fn wpan(&mut self, data: &[u8], fcs: Fcs, keys: &KeyArgs, out: &mut Vec<Item>) {
        let mut addresses = keys.addresses.clone();
        addresses.extend_from_slice(&self.learned);
        let store = KeyStore {
            keys: &keys.keys,
            addresses: &addresses,
        };
        let options = registry::Options {
            keys: store,
            ..registry::Options::default()
        };
        match decode_frame(fcs, &options, data) {
            Ok(d) => out.push(Item::Decoded(owned(d))),
            Err(e) => return out.push(Item::Error(e)),
        }
        let Ok(frame) = Frame::parse(data, fcs) else {
            return;
        };
        let mut plain = vec![0u8; frame.payload.len()];
        let payload = match (frame.is_secured(), store.is_empty()) {
            (false, _) => frame.body(),
            (true, false) => frame.unsecure(&store, &mut plain),
            (true, true) => return,
        };
        let Ok(payload) = payload else { return };
        let h = &frame.header;
        match payload.content {
            Content::Command(c) => {
                if let (
                    CommandFields::AssociationResponse { short, status: 0 },
                    Some(WpanAddr::Extended(ext)),
                    Some(pan),
                ) = (c.fields(), h.dst, h.dst_pan)
                {
                    self.learned.retain(|m| (m.pan, m.short) != (pan, short));
                    self.learned.push(ExtendedAddress { pan, short, ext });
                }
            }
            Content::Payload(p) if h.frame_type == FrameType::DATA => {
                let Ok(WpalPacket::Data(n)) = WpalPacket::parse(p, 0) else {
                    return;
                };
                let (Some(f), NlBody::Fragment(bytes)) = (n.fragment, n.body) else {
                    return;
                };
                let key = FragmentKey::of(h.src, &n.header, &f);
                let packet = self.fragments.entry(key).or_insert_with(|| {
                    Reassembly::new(key, n.header.kind, Growable::new(MAX_WPAL))
                });
                match packet.push(key, n.header.kind, &f, bytes) {
                    Ok(None) => {}
                    Ok(Some(all)) => {
                        let length = all.len();
                        let item = match packet.body() {
                            Some(Ok(body)) => {
                                let mut frame = serde_json::Map::new();
                                frame.insert(
                                    "reassembled".into(),
                                    json!({"mac_src": h.src.map(addr_string), "nl_src": key.nl_src,
                                           "tag": key.tag, "length": length}),
                                );
                                frame.insert(
                                    "nl".into(),
                                    causeway_codecs::wiapa::json::nl_json(&n.header),
                                );
                                nl_body_json(&body, &mut frame);
                                let mut points = Vec::new();
                                let pan = h.pan().unwrap_or(0xFFFF);
                                body_points(pan, n.header.src, &body, |p| {
                                    points.push(p.into_owned())
                                });
                                Item::Decoded(Decoded {
                                    protocol: "wpa-l",
                                    frame: serde_json::Value::Object(frame),
                                    points,
                                })
                            }
                            Some(Err(e)) => Item::Error(e),
                            None => return,
                        };
                        self.fragments.remove(&key);
                        out.push(item);
                    }
                    Err(e) => {
                        self.fragments.remove(&key);
                        out.push(Item::Error(e));
                    }
                }
            }
            _ => {}
        }
    }

    fn decode(
        &mut self,
        adu: &[u8],
        role: Role,
        server: Ipv4Addr,
        client: (Ipv4Addr, u16),
        opts: &Options,
    ) -> Item {
        let (port, map) = (opts.modbus_port, opts.modbus_map.as_ref());
        let options = registry::Options::with_role(Some(role));
        let mut decoded = match (causeway_codecs::modbus::json::TCP.decode)(&options, adu) {
            Ok(d) => owned(d),
            Err(e) => return Item::Error(e),
        };
        let header = tcp::Frame::new_checked(adu).map(|f| f.header());
        let Ok(header) = header else {
            return Item::Decoded(decoded);
        };
        let device = Device::Modbus {
            unit: header.unit_id,
            host: Some(IpAddr::V4(server)),
            port: Some(port),
        };
        let pending = (client.0, client.1, header.transaction_id);
        match role {
            Role::Request => {
                self.requests.insert(pending, adu.to_vec());
            }
            Role::Response => {
                if let Some(req_adu) = self.requests.remove(&pending) {
                    let req = req_adu.get(tcp::HEADER_LEN..).map(Request::parse);
                    let resp = adu.get(tcp::HEADER_LEN..).map(Response::parse);
                    if let (Some(Ok(req)), Some(Ok(resp))) = (req, resp) {
                        let mut points = Vec::new();
                        match map.filter(|m| m.unit == header.unit_id) {
                            Some(map) if !matches!(resp, Response::Exception { .. }) => {
                                map_points(device, map, &req, &resp, |p| {
                                    points.push(p.into_owned())
                                })
                            }
                            _ => exchange_points(device, &req, &resp, |p| {
                                points.push(p.into_owned())
                            }),
                        }
                        decoded.points = points;
                    }
                }
            }
        }
        for p in &mut decoded.points {
            p.device = device;
        }
        Item::Decoded(decoded)
    }
}

struct Line<'a, 'd> {
    number: u64,
    ts: Option<i64>,
    decoded: &'a Decoded<'d>,
}

impl serde::Serialize for Line<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("frame_number", &self.number)?;
        if let Some(ts) = self.ts {
            m.serialize_entry("timestamp", &DateTime::from_unix_nanos(ts).to_string())?;
        }
        m.serialize_entry("protocol", self.decoded.protocol)?;
        m.serialize_entry("frame", &self.decoded.frame)?;
        m.serialize_entry("points", &self.decoded.points)?;
        m.end()
    }
}

/// Calls `each` with every packet of the capture at `path`: its number (from 1), its time (ns
/// since 1970, when the capture says) and its bytes.
fn read_packets(
    path: &Path,
    mut each: impl FnMut(u64, Option<i64>, Packet<'_>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let usage = |msg: String| Failure::Usage(format!("{}: {msg}", path.display()));
    let file = File::open(path).map_err(|e| usage(e.to_string()))?;
    let mut reader = create_reader(1 << 16, file)
        .map_err(|e| usage(format!("not a pcap or pcapng file ({e})")))?;
    let mut legacy_linktype = Linktype::ETHERNET;
    let mut legacy_nanos = false;
    // pcapng: (linktype, units per second, offset seconds) per interface.
    let mut interfaces: Vec<(Linktype, u64, i64)> = Vec::new();
    let mut number = 0u64;
    loop {
        match reader.next() {
            Ok((consumed, block)) => {
                let packet = match &block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        legacy_linktype = h.network;
                        legacy_nanos =
                            h.magic_number == 0xa1b2_3c4d || h.magic_number == 0x4d3c_b2a1;
                        None
                    }
                    PcapBlockOwned::Legacy(b) => {
                        let frac = i64::from(b.ts_usec) * if legacy_nanos { 1 } else { 1_000 };
                        Some((
                            legacy_linktype,
                            Some(i64::from(b.ts_sec) * 1_000_000_000 + frac),
                            b.data,
                        ))
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        interfaces.push((
                            idb.linktype,
                            idb.ts_resolution().unwrap_or(1_000_000),
                            idb.ts_offset(),
                        ));
                        None
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        interfaces.get(epb.if_id as usize).map(|&(lt, res, off)| {
                            let units = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                            let nanos = (i128::from(units) * 1_000_000_000
                                / i128::from(res.max(1)))
                                + i128::from(off) * 1_000_000_000;
                            let data = epb.data.get(..epb.caplen as usize).unwrap_or(epb.data);
                            (lt, i64::try_from(nanos).ok(), data)
                        })
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        interfaces.first().map(|&(lt, _, _)| (lt, None, spb.data))
                    }
                    PcapBlockOwned::NG(_) => None,
                };
                if let Some((linktype, ts, data)) = packet {
                    number += 1;
                    each(number, ts, Packet { linktype, data })?;
                }
                reader.consume(consumed);
            }
            Err(PcapError::Eof) => return Ok(()),
            Err(PcapError::Incomplete(_)) => reader
                .refill()
                .map_err(|e| usage(format!("read error: {e}")))?,
            Err(e) => {
                return Err(usage(format!(
                    "malformed capture after frame {number}: {e}"
                )))
            }
        }
    }
}

/// Reads `path` and prints every decoded frame.
pub fn run(format: Format, path: &Path, opts: Options) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let mut dissector = Dissector::default();
    read_packets(path, |number, ts, packet| {
        for item in dissector.dissect(&packet, &opts) {
            let written = match (item, format) {
                (Item::Decoded(decoded), Format::Json) => serde_json::to_writer(
                    &mut out,
                    &Line {
                        number,
                        ts,
                        decoded: &decoded,
                    },
                )
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out)),
                (Item::Decoded(decoded), Format::Text) => {
                    write!(out, "#{number} ").and_then(|()| output::write_text(&mut out, &decoded))
                }
                (Item::Domain(key, data), Format::Json) => writeln!(
                    out,
                    "{}",
                    serde_json::json!({"frame_number": number, "protocol": "epa-s",
                        "domain": {"src_app": key.src_app, "dst_app": key.dst_app,
                        "domain_id": key.domain_id, "length": data.len(), "data": registry::hex(&data)}})
                ),
                (Item::Domain(key, data), Format::Text) => writeln!(
                    out,
                    "#{number} epa-s domain 0x{:04X} from 0x{:04X} to 0x{:04X} complete: {} octets",
                    key.domain_id,
                    key.src_app,
                    key.dst_app,
                    data.len()
                ),
                (Item::Error(e), Format::Json) => writeln!(
                    out,
                    "{}",
                    serde_json::json!({"frame_number": number, "error": registry::error_json(&e)})
                ),
                (Item::Error(e), Format::Text) => writeln!(out, "#{number} error: {e}"),
            };
            written.map_err(|e| Failure::Usage(format!("stdout: {e}")))?;
        }
        Ok(())
    })
}

/// Calls `each` with the canonical points of every decoded frame of the capture at `path`, its
/// frame number and time (ns since 1970, when the capture says); decode errors are skipped.
pub fn points(
    path: &Path,
    opts: &Options,
    mut each: impl FnMut(u64, Option<i64>, &[causeway_core::Point<'static>]) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut dissector = Dissector::default();
    read_packets(path, |number, ts, packet| {
        for item in dissector.dissect(&packet, opts) {
            if let Item::Decoded(decoded) = item {
                each(number, ts, &decoded.points)?;
            }
        }
        Ok(())
    })
}

/// `causeway schedule`: checks the EPA-S frames of the capture at `path` against `cycle`,
/// printing each violation (JSON) and a summary; returns how many there were.
pub fn schedule(
    format: Format,
    path: &Path,
    cycle: &Macrocycle,
    epa_port: u16,
) -> Result<usize, Failure> {
    let mut out = std::io::stdout().lock();
    let mut check = ScheduleCheck::new(cycle);
    let (mut frames, mut violations) = (0u64, 0usize);
    let mut print = |v: epa::schedule::Violation, out: &mut std::io::StdoutLock<'_>| {
        violations += 1;
        let line = match format {
            Format::Json => serde_json::to_string(&v).unwrap_or_default(),
            Format::Text => format!("{v:?}"),
        };
        writeln!(out, "{line}").map_err(|e| Failure::Usage(format!("stdout: {e}")))
    };
    read_packets(path, |_, ts, packet| {
        if packet.linktype != Linktype::ETHERNET || !is_epa(packet.data, epa_port) {
            return Ok(());
        }
        let (Some(ts), Ok(f)) = (ts, epa::Frame::parse(packet.data, epa_port)) else {
            return Ok(());
        };
        frames += 1;
        let mut found = Vec::new();
        check.frame(ts, &f.header, &f.body, |v| found.push(v));
        found.into_iter().try_for_each(|v| print(v, &mut out))
    })?;
    let mut found = Vec::new();
    check.finish(|v| found.push(v));
    found.into_iter().try_for_each(|v| print(v, &mut out))?;
    let summary = serde_json::json!({"epa_frames": frames, "violations": violations});
    writeln!(out, "{summary}").map_err(|e| Failure::Usage(format!("stdout: {e}")))?;
    Ok(violations)
}
