//! Carrier layers: Ethernet II (IEEE 802.3 §3.1), IEEE 802.1Q tags, IPv4 (RFC 791), UDP (RFC 768)
//! and TCP (RFC 9293) — checked headers that find the payload a protocol codec needs, and the
//! emitters of Ethernet, 802.1Q, IPv4 and UDP that EPA-S frames travel in.
//!
//! Ethernet padding after the IP datagram is ignored (the IPv4 total length bounds the payload);
//! [`pad`] fills a frame to the 60-octet minimum. One 802.1Q tag is parsed; stacked tags
//! (802.1ad, or a second 802.1Q) are rejected as unsupported. IPv4 options are kept; header
//! checksums are verified and emitted; fragments are reported as unsupported rather than misread.
//! UDP checksums are verified when non-zero and emitted over the pseudo-header. TCP checksums are
//! not verified by [`Tcp::new_checked`] (captures taken on the sending host carry offloaded,
//! unfilled checksums); use [`Tcp::checksum_ok`] where it matters.

use core::net::Ipv4Addr;

use crate::checksum::{internet_finish, internet_sum};
use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType (TPID) of an 802.1Q tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;
/// EtherType of an 802.1ad service tag (stacked VLANs).
pub const ETHERTYPE_QINQ: u16 = 0x88A8;
/// IP protocol number of TCP.
pub const IP_TCP: u8 = 6;
/// IP protocol number of UDP.
pub const IP_UDP: u8 = 17;
/// Smallest Ethernet frame without its FCS; shorter frames are padded with zeros.
pub const MIN_FRAME: usize = 60;

/// An 802.1Q tag control information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VlanTag {
    /// Priority code point (0–7).
    pub pcp: u8,
    /// Drop eligible indicator.
    pub dei: bool,
    /// VLAN id (0–4095).
    pub vid: u16,
}

/// An Ethernet II header with at most one 802.1Q tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ethernet {
    /// Destination MAC.
    pub dst: [u8; 6],
    /// Source MAC.
    pub src: [u8; 6],
    /// The 802.1Q tag, if present.
    pub vlan: Option<VlanTag>,
    /// EtherType of the payload.
    pub ethertype: u16,
}

impl Ethernet {
    /// Parses the header; returns it and the offset of the payload. Stacked tags (802.1ad or a
    /// second 802.1Q) are rejected as unsupported; lengths below 0x0600 (802.3 length field) are
    /// rejected as not Ethernet II.
    pub fn parse(frame: &[u8]) -> Result<(Ethernet, usize)> {
        let mut r = Reader::new(frame, Layer::Ethernet);
        let dst = r.array()?;
        let src = r.array()?;
        let at = r.pos();
        let mut ethertype = r.u16_be()?;
        let mut vlan = None;
        if ethertype == ETHERTYPE_VLAN {
            let mut t = Reader::new(frame, Layer::Vlan);
            t.take(14)?;
            let tci = t.u16_be()?;
            let inner_at = t.pos();
            ethertype = t.u16_be()?;
            if ethertype == ETHERTYPE_VLAN || ethertype == ETHERTYPE_QINQ {
                return Err(Error::new(
                    Layer::Vlan,
                    inner_at,
                    ErrorKind::Unsupported {
                        what: "stacked VLAN tag",
                        found: u64::from(ethertype),
                    },
                ));
            }
            vlan = Some(VlanTag {
                pcp: (tci >> 13) as u8,
                dei: tci & 0x1000 != 0,
                vid: tci & 0x0FFF,
            });
            r = t;
        } else if ethertype == ETHERTYPE_QINQ {
            return Err(Error::new(
                Layer::Ethernet,
                at,
                ErrorKind::Unsupported {
                    what: "802.1ad service tag",
                    found: u64::from(ethertype),
                },
            ));
        }
        if ethertype < 0x0600 {
            return Err(Error::invalid(
                Layer::Ethernet,
                r.pos() - 2,
                "EtherType",
                "an EtherType (>= 0x0600), not an 802.3 length",
                u64::from(ethertype),
            ));
        }
        Ok((
            Ethernet {
                dst,
                src,
                vlan,
                ethertype,
            },
            r.pos(),
        ))
    }

    /// Header length: 14 octets, 18 with the tag.
    pub const fn header_len(&self) -> usize {
        if self.vlan.is_some() {
            18
        } else {
            14
        }
    }

    /// Writes the header (with its tag).
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.put(&self.dst)?;
        w.put(&self.src)?;
        if let Some(tag) = self.vlan {
            w.u16_be(ETHERTYPE_VLAN)?;
            w.u16_be(u16::from(tag.pcp & 7) << 13 | u16::from(tag.dei) << 12 | (tag.vid & 0x0FFF))?;
        }
        w.u16_be(self.ethertype)
    }
}

/// Pads the frame of `len` octets at the start of `out` with zeros up to [`MIN_FRAME`]; returns
/// the padded length.
pub fn pad(out: &mut [u8], len: usize) -> Result<usize> {
    if len >= MIN_FRAME {
        return Ok(len);
    }
    let capacity = out.len();
    out.get_mut(len..MIN_FRAME)
        .ok_or(Error::new(
            Layer::Ethernet,
            len,
            ErrorKind::Capacity {
                needed: MIN_FRAME,
                capacity,
            },
        ))?
        .fill(0);
    Ok(MIN_FRAME)
}

/// A checked IPv4 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ipv4 {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Payload protocol.
    pub protocol: u8,
    /// Time to live.
    pub ttl: u8,
    /// Identification.
    pub id: u16,
    /// DSCP and ECN octet.
    pub tos: u8,
    /// Don't-fragment flag.
    pub dont_fragment: bool,
    /// Header checksum as sent.
    pub checksum: u16,
    /// Header length in bytes (options included).
    pub header_len: usize,
    /// Total length from the header.
    pub total_len: usize,
    /// Options (`header_len - 20` octets; the rest of the array is zero).
    pub options: [u8; 40],
}

impl Ipv4 {
    /// Parses and checks a header (version, IHL, total length, checksum, no fragments); returns it
    /// and the payload, trimmed to the total length.
    pub fn parse(packet: &[u8]) -> Result<(Ipv4, &[u8])> {
        let l = Layer::Ipv4;
        let mut r = Reader::new(packet, l);
        let vihl = r.u8()?;
        if vihl >> 4 != 4 {
            return Err(Error::invalid(l, 0, "version", "4", u64::from(vihl >> 4)));
        }
        let header_len = usize::from(vihl & 0x0F) * 4;
        if header_len < 20 {
            return Err(Error::invalid(
                l,
                0,
                "IHL",
                "at least 5 (20 bytes)",
                u64::from(vihl & 0x0F),
            ));
        }
        let tos = r.u8()?;
        let total_len = usize::from(r.u16_be()?);
        let id = r.u16_be()?;
        let frag = r.u16_be()?;
        let ttl = r.u8()?;
        let protocol = r.u8()?;
        let checksum = r.u16_be()?;
        let src = Ipv4Addr::from(r.array::<4>()?);
        let dst = Ipv4Addr::from(r.array::<4>()?);
        if total_len < header_len {
            return Err(Error::new(
                l,
                2,
                ErrorKind::Length {
                    field: "total length",
                    expected: header_len,
                    found: total_len,
                },
            ));
        }
        if packet.len() < total_len {
            return Err(Error::truncated(l, packet.len(), total_len, packet.len()));
        }
        let header = packet.get(..header_len).ok_or(Error::truncated(
            l,
            packet.len(),
            header_len,
            packet.len(),
        ))?;
        if internet_finish(internet_sum(0, header)) != 0 {
            return Err(Error::new(
                l,
                10,
                ErrorKind::Checksum {
                    expected: u32::from(recompute(header)),
                    found: u32::from(checksum),
                },
            ));
        }
        if frag & 0x3FFF != 0 {
            return Err(Error::new(
                l,
                6,
                ErrorKind::Unsupported {
                    what: "IPv4 fragment",
                    found: u64::from(frag),
                },
            ));
        }
        let payload = packet.get(header_len..total_len).unwrap_or(&[]);
        let mut options = [0u8; 40];
        if let (Some(dst), Some(src)) = (
            options.get_mut(..header_len - 20),
            header.get(20..header_len),
        ) {
            dst.copy_from_slice(src);
        }
        Ok((
            Ipv4 {
                src,
                dst,
                protocol,
                ttl,
                id,
                tos,
                dont_fragment: frag & 0x4000 != 0,
                checksum,
                header_len,
                total_len,
                options,
            },
            payload,
        ))
    }

    /// The options octets.
    pub fn options(&self) -> &[u8] {
        self.options
            .get(..self.header_len.saturating_sub(20))
            .unwrap_or(&[])
    }

    /// Writes the header for a payload of `payload_len` octets: the total length and the header
    /// checksum are computed, the other fields (options included) taken from `self`.
    pub fn emit(&self, payload_len: usize, w: &mut Writer<'_>) -> Result<()> {
        let options = self.options();
        let header_len = 20 + options.len();
        let total = header_len + payload_len;
        let total_len = u16::try_from(total).map_err(|_| {
            Error::new(
                Layer::Ipv4,
                2,
                ErrorKind::Oversize {
                    limit: 0xFFFF,
                    found: total,
                },
            )
        })?;
        if options.len() % 4 != 0 {
            return Err(Error::invalid(
                Layer::Ipv4,
                20,
                "options length",
                "a multiple of 4 octets",
                options.len() as u64,
            ));
        }
        let mut header = [0u8; 60];
        let mut h = Writer::new(&mut header, Layer::Ipv4);
        h.put(&[0x40 | (header_len / 4) as u8, self.tos])?;
        h.u16_be(total_len)?;
        h.u16_be(self.id)?;
        h.u16_be(if self.dont_fragment { 0x4000 } else { 0 })?;
        h.put(&[self.ttl, self.protocol, 0, 0])?;
        h.put(&self.src.octets())?;
        h.put(&self.dst.octets())?;
        h.put(options)?;
        let bytes = h.written();
        let checksum = recompute(bytes);
        w.put(bytes.get(..10).unwrap_or(&[]))?;
        w.u16_be(checksum)?;
        w.put(bytes.get(12..).unwrap_or(&[]))
    }

    /// The RFC 768/9293 pseudo-header sum for a payload of `len` bytes.
    pub fn pseudo_sum(&self, len: usize) -> u32 {
        let mut sum = internet_sum(0, &self.src.octets());
        sum = internet_sum(sum, &self.dst.octets());
        sum + u32::from(self.protocol) + (len as u32 & 0xFFFF) + ((len >> 16) as u32)
    }
}

/// The header checksum `header` should carry.
fn recompute(header: &[u8]) -> u16 {
    let before = header.get(..10).unwrap_or(&[]);
    let after = header.get(12..).unwrap_or(&[]);
    internet_finish(internet_sum(internet_sum(0, before), after))
}

/// A checked UDP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Udp {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Length field (header + payload).
    pub length: u16,
    /// Checksum as sent (0 = none).
    pub checksum: u16,
}

impl Udp {
    /// Parses a datagram carried in `ip`; checks the length and, when non-zero, the checksum.
    pub fn parse<'a>(ip: &Ipv4, datagram: &'a [u8]) -> Result<(Udp, &'a [u8])> {
        let l = Layer::Udp;
        let mut r = Reader::new(datagram, l);
        let udp = Udp {
            src_port: r.u16_be()?,
            dst_port: r.u16_be()?,
            length: r.u16_be()?,
            checksum: r.u16_be()?,
        };
        let len = usize::from(udp.length);
        if len < 8 || len > datagram.len() {
            return Err(Error::new(
                l,
                4,
                ErrorKind::Length {
                    field: "UDP length",
                    expected: datagram.len(),
                    found: len,
                },
            ));
        }
        let bytes = datagram.get(..len).unwrap_or(&[]);
        if udp.checksum != 0 {
            let sum = internet_finish(internet_sum(ip.pseudo_sum(len), bytes));
            if sum != 0 {
                let zeroed = internet_sum(
                    internet_sum(ip.pseudo_sum(len), bytes.get(..6).unwrap_or(&[])),
                    bytes.get(8..).unwrap_or(&[]),
                );
                let mut expected = internet_finish(zeroed);
                if expected == 0 {
                    expected = 0xFFFF;
                }
                return Err(Error::new(
                    l,
                    6,
                    ErrorKind::Checksum {
                        expected: u32::from(expected),
                        found: u32::from(udp.checksum),
                    },
                ));
            }
        }
        Ok((udp, bytes.get(8..).unwrap_or(&[])))
    }

    /// Writes the header and `payload`, carried in `ip`: the length is computed, and the checksum
    /// over the pseudo-header unless `self.checksum` is 0 (no checksum, RFC 768).
    pub fn emit(&self, ip: &Ipv4, payload: &[u8], w: &mut Writer<'_>) -> Result<()> {
        let len = payload.len() + 8;
        let length = u16::try_from(len).map_err(|_| {
            Error::new(
                Layer::Udp,
                4,
                ErrorKind::Oversize {
                    limit: 0xFFFF,
                    found: len,
                },
            )
        })?;
        let [s0, s1] = self.src_port.to_be_bytes();
        let [d0, d1] = self.dst_port.to_be_bytes();
        let [l0, l1] = length.to_be_bytes();
        let head = [s0, s1, d0, d1, l0, l1];
        let checksum = match self.checksum {
            0 => 0,
            _ => match internet_finish(internet_sum(
                internet_sum(ip.pseudo_sum(len), &head),
                payload,
            )) {
                0 => 0xFFFF,
                sum => sum,
            },
        };
        w.put(&head)?;
        w.u16_be(checksum)?;
        w.put(payload)
    }
}

/// A checked TCP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tcp {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flags (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, ...).
    pub flags: u16,
    /// Header length in bytes.
    pub header_len: usize,
    /// Checksum as sent.
    pub checksum: u16,
}

impl Tcp {
    /// SYN flag.
    pub const SYN: u16 = 0x02;
    /// FIN flag.
    pub const FIN: u16 = 0x01;
    /// RST flag.
    pub const RST: u16 = 0x04;

    /// Parses a segment header; returns it and the payload.
    pub fn new_checked(segment: &[u8]) -> Result<(Tcp, &[u8])> {
        let l = Layer::Tcp;
        let mut r = Reader::new(segment, l);
        let src_port = r.u16_be()?;
        let dst_port = r.u16_be()?;
        let seq = u32::from_be_bytes(r.array()?);
        let ack = u32::from_be_bytes(r.array()?);
        let off_flags = r.u16_be()?;
        r.u16_be()?; // window
        let checksum = r.u16_be()?;
        let header_len = usize::from(off_flags >> 12) * 4;
        if header_len < 20 || header_len > segment.len() {
            return Err(Error::invalid(
                l,
                12,
                "data offset",
                "5..=15 words within the segment",
                u64::from(off_flags >> 12),
            ));
        }
        let tcp = Tcp {
            src_port,
            dst_port,
            seq,
            ack,
            flags: off_flags & 0x01FF,
            header_len,
            checksum,
        };
        Ok((tcp, segment.get(header_len..).unwrap_or(&[])))
    }

    /// Whether the segment's checksum verifies.
    pub fn checksum_ok(ip: &Ipv4, segment: &[u8]) -> bool {
        internet_finish(internet_sum(ip.pseudo_sum(segment.len()), segment)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An Ethernet/IPv4/UDP frame (checksums valid), from RFC 1071-style hand assembly:
    // 192.168.0.1:1024 -> 192.168.0.199:35004, payload "hi".
    fn frame() -> std::vec::Vec<u8> {
        let mut ip = std::vec![
            0x45, 0, 0, 30, 0, 1, 0x40, 0, 64, 17, 0, 0, 192, 168, 0, 1, 192, 168, 0, 199
        ];
        let c = recompute(&ip);
        ip[10..12].copy_from_slice(&c.to_be_bytes());
        let mut udp = std::vec![0x04, 0x00, 0x88, 0xBC, 0, 10, 0, 0, b'h', b'i'];
        let (hdr, _) = Ipv4::parse(&[ip.clone(), udp.clone()].concat()).unwrap();
        let sum = internet_finish(internet_sum(hdr.pseudo_sum(10), &udp));
        udp[6..8].copy_from_slice(&sum.to_be_bytes());
        let mut f = std::vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00];
        f.extend(ip);
        f.extend(udp);
        f.extend([0u8; 16]); // Ethernet padding
        f
    }

    #[test]
    fn carriers_find_the_payload() {
        let f = frame();
        let (eth, at) = Ethernet::parse(&f).unwrap();
        assert_eq!((eth.ethertype, at, eth.vlan), (ETHERTYPE_IPV4, 14, None));
        let (ip, payload) = Ipv4::parse(&f[at..]).unwrap();
        assert_eq!(
            (ip.src, ip.protocol, payload.len()),
            (Ipv4Addr::new(192, 168, 0, 1), IP_UDP, 10)
        );
        let (udp, data) = Udp::parse(&ip, payload).unwrap();
        assert_eq!((udp.dst_port, data), (35004, &b"hi"[..]));
    }

    #[test]
    fn checksums_and_fragments_are_errors() {
        let mut f = frame();
        f[14 + 8] ^= 1; // TTL changes, checksum no longer matches
        let e = Ipv4::parse(&f[14..]).unwrap_err();
        assert_eq!(
            (e.layer, e.offset, e.kind.name()),
            (Layer::Ipv4, 10, "checksum")
        );
        let mut f = frame();
        let last = f.len() - 17;
        f[last] ^= 1; // payload byte
        let (ip, payload) = Ipv4::parse(&f[14..]).unwrap();
        assert_eq!(
            Udp::parse(&ip, payload).unwrap_err().kind.name(),
            "checksum"
        );
        let mut f = frame();
        f[14 + 6] = 0x20; // more fragments
        let c = recompute(&f[14..34]);
        f[24..26].copy_from_slice(&c.to_be_bytes());
        assert_eq!(
            Ipv4::parse(&f[14..]).unwrap_err().kind.name(),
            "unsupported"
        );
    }

    #[test]
    fn emitters_rebuild_the_frame() {
        let f = frame();
        let (eth, at) = Ethernet::parse(&f).unwrap();
        let (ip, payload) = Ipv4::parse(&f[at..]).unwrap();
        let (udp, data) = Udp::parse(&ip, payload).unwrap();
        let mut out = [0u8; 64];
        let mut w = Writer::new(&mut out, Layer::Ethernet);
        eth.emit(&mut w).unwrap();
        ip.emit(8 + data.len(), &mut w).unwrap();
        udp.emit(&ip, data, &mut w).unwrap();
        let n = w.pos();
        assert_eq!(n, 44);
        assert_eq!(pad(&mut out, n).unwrap(), MIN_FRAME);
        assert_eq!(&out[..MIN_FRAME], &f[..]);
        // With options (a 4-octet NOP/End run) the header grows and the checksum covers them.
        let mut with_options = ip;
        with_options.options[..4].copy_from_slice(&[1, 1, 1, 0]);
        with_options.header_len = 24;
        let mut out = [0u8; 64];
        let mut w = Writer::new(&mut out, Layer::Ipv4);
        with_options.emit(10, &mut w).unwrap();
        udp.emit(&with_options, data, &mut w).unwrap();
        let n = w.pos();
        let (back, payload) = Ipv4::parse(&out[..n]).unwrap();
        assert_eq!((back.header_len, back.options()), (24, &[1, 1, 1, 0][..]));
        assert_eq!(Udp::parse(&back, payload).unwrap().1, b"hi");
    }

    #[test]
    fn vlan_tags() {
        let mut f = frame();
        f.splice(12..12, [0x81, 0x00, 0xC0, 0x64]);
        let (eth, at) = Ethernet::parse(&f).unwrap();
        assert_eq!(
            (eth.vlan, at),
            (
                Some(VlanTag {
                    pcp: 6,
                    dei: false,
                    vid: 100
                }),
                18
            )
        );
        let mut out = [0u8; 18];
        eth.emit(&mut Writer::new(&mut out, Layer::Ethernet))
            .unwrap();
        assert_eq!(out, f[..18]);
        f.splice(16..16, [0x81, 0x00, 0x00, 0x01]);
        assert_eq!(Ethernet::parse(&f).unwrap_err().kind.name(), "unsupported");
        assert_eq!(
            Ethernet::parse(&f[..15]).unwrap_err().kind.name(),
            "truncated"
        );
    }
}
