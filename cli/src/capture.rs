//! `causeway pcap`: read pcap/pcapng, hand each packet to the protocols that can carry it, print
//! one line per decoded frame with its frame number and capture timestamp.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use causeway_codecs::registry::Decoded;
use causeway_core::DateTime;
use pcap_parser::pcapng::Block;
use pcap_parser::{create_reader, Linktype, PcapBlockOwned, PcapError};
use serde::ser::SerializeMap;

use crate::{output, Failure, Format};

/// What `causeway pcap` was asked to look for.
pub struct Options {
    /// Modbus/TCP server port.
    pub modbus_port: u16,
}

/// One captured packet.
pub struct Packet<'a> {
    /// 1-based frame number, as Wireshark counts.
    pub number: u64,
    /// Capture time, nanoseconds since 1970 UTC.
    pub ts_nanos: Option<i64>,
    /// Link type of the interface.
    pub linktype: Linktype,
    /// Captured bytes.
    pub data: &'a [u8],
}

/// Per-capture decoding state (stream reassembly lives here as protocols need it).
#[derive(Default)]
struct Dissector;

impl Dissector {
    /// Decodes what it can of `packet`, in order of appearance.
    fn dissect<'p>(&mut self, _packet: &Packet<'p>, _opts: &Options) -> Vec<Decoded<'p>> {
        Vec::new()
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

/// Reads `path` and prints every decoded frame.
pub fn run(format: Format, path: &Path, opts: Options) -> Result<(), Failure> {
    let usage = |msg: String| Failure::Usage(format!("{}: {msg}", path.display()));
    let file = File::open(path).map_err(|e| usage(e.to_string()))?;
    let mut reader = create_reader(1 << 16, file)
        .map_err(|e| usage(format!("not a pcap or pcapng file ({e})")))?;
    let mut out = std::io::stdout().lock();
    let mut dissector = Dissector;
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
                if let Some((linktype, ts_nanos, data)) = packet {
                    number += 1;
                    let packet = Packet {
                        number,
                        ts_nanos,
                        linktype,
                        data,
                    };
                    for decoded in dissector.dissect(&packet, &opts) {
                        let written = match format {
                            Format::Json => serde_json::to_writer(
                                &mut out,
                                &Line {
                                    number,
                                    ts: ts_nanos,
                                    decoded: &decoded,
                                },
                            )
                            .map_err(std::io::Error::from)
                            .and_then(|()| writeln!(out)),
                            Format::Text => write!(out, "#{number} ")
                                .and_then(|()| output::write_text(&mut out, &decoded)),
                        };
                        written.map_err(|e| Failure::Usage(format!("stdout: {e}")))?;
                    }
                }
                reader.consume(consumed);
            }
            Err(PcapError::Eof) => break,
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
    Ok(())
}
