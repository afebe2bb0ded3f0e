//! Whole EPA-S frames: the carrier (`docs/profiles/epa-s.md`, "Carriers") detected from the Ethernet
//! header — EtherType 0x88CB, or IPv4/UDP with the EPA-S port as source or destination — then
//! the header and body. On raw Ethernet the message ends at `body_len` and what follows is
//! padding; over UDP it must fill the datagram exactly. Emitting pads to 60 octets.

use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::ethernet::{pad, Ethernet, Ipv4, Udp, ETHERTYPE_IPV4, IP_UDP};

use super::body::Body;
use super::header::{Header, ETHERTYPE, HEADER_LEN};

/// How the message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// Directly in Ethernet (EtherType 0x88CB).
    Raw,
    /// In a UDP datagram over IPv4.
    Udp {
        /// The IPv4 header.
        ip: Ipv4,
        /// The UDP header.
        udp: Udp,
    },
}

/// A decoded EPA-S frame: carrier headers, EPA-S header and body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame<'a> {
    /// The Ethernet header (EtherType 0x88CB or 0x0800).
    pub eth: Ethernet,
    /// The carrier.
    pub carrier: Carrier,
    /// The EPA-S header.
    pub header: Header,
    /// The body.
    pub body: Body<'a>,
}

/// Parses an EPA-S message (header and body) that starts `base` octets into the frame; `payload`
/// is what the carrier delivers. Returns the message and its length.
pub fn parse_message(payload: &[u8], base: usize) -> Result<(Header, Body<'_>, usize)> {
    let header = Header::parse(payload, base)?;
    let end = HEADER_LEN + usize::from(header.body_len);
    let body = payload.get(HEADER_LEN..end).ok_or(Error::new(
        Layer::Epa,
        base + 4,
        ErrorKind::Length {
            field: "body_len (octets after the header in the carrier payload)",
            expected: payload.len().saturating_sub(HEADER_LEN),
            found: usize::from(header.body_len),
        },
    ))?;
    let body = Body::parse(header.service, body, base + HEADER_LEN)?;
    Ok((header, body, end))
}

/// Writes an EPA-S message (header with `body_len` computed, then body) into `out`; returns its
/// length. What a UDP socket carries; [`Frame::emit`] wraps it in its carrier.
pub fn emit_message(header: &Header, body: &Body<'_>, out: &mut [u8]) -> Result<usize> {
    let body_len = body.buffer_len();
    let header = Header {
        body_len: u16::try_from(body_len).map_err(|_| {
            Error::new(
                Layer::Epa,
                4,
                ErrorKind::Oversize {
                    limit: 0xFFFF,
                    found: body_len,
                },
            )
        })?,
        ..*header
    };
    let mut w = Writer::new(out, Layer::Epa);
    header.emit(&mut w)?;
    body.emit(&mut w)?;
    Ok(w.pos())
}

impl<'a> Frame<'a> {
    /// Parses an Ethernet frame (without FCS) carrying EPA-S on EtherType 0x88CB, or on UDP with
    /// `udp_port` as source or destination port.
    pub fn parse(bytes: &'a [u8], udp_port: u16) -> Result<Self> {
        let (eth, at) = Ethernet::parse(bytes)?;
        let rest = bytes.get(at..).unwrap_or(&[]);
        match eth.ethertype {
            ETHERTYPE => {
                let (header, body, _) = parse_message(rest, at)?;
                Ok(Frame {
                    eth,
                    carrier: Carrier::Raw,
                    header,
                    body,
                })
            }
            ETHERTYPE_IPV4 => {
                let (ip, datagram) = Ipv4::parse(rest).map_err(|e| e.shifted(at))?;
                if ip.protocol != IP_UDP {
                    return Err(Error::new(
                        Layer::Ipv4,
                        at + 9,
                        ErrorKind::Unsupported {
                            what: "IP protocol other than UDP for EPA-S",
                            found: u64::from(ip.protocol),
                        },
                    ));
                }
                let udp_at = at + ip.header_len;
                let (udp, payload) = Udp::parse(&ip, datagram).map_err(|e| e.shifted(udp_at))?;
                if udp.dst_port != udp_port && udp.src_port != udp_port {
                    return Err(Error::new(
                        Layer::Udp,
                        udp_at + 2,
                        ErrorKind::Unsupported {
                            what: "UDP port other than the EPA-S port",
                            found: u64::from(udp.dst_port),
                        },
                    ));
                }
                let base = udp_at + 8;
                let (header, body, end) = parse_message(payload, base)?;
                if end != payload.len() {
                    return Err(Error::new(
                        Layer::Epa,
                        base + 4,
                        ErrorKind::Length {
                            field: "body_len (UDP payload after the header)",
                            expected: payload.len().saturating_sub(HEADER_LEN),
                            found: usize::from(header.body_len),
                        },
                    ));
                }
                Ok(Frame {
                    eth,
                    carrier: Carrier::Udp { ip, udp },
                    header,
                    body,
                })
            }
            other => Err(Error::new(
                Layer::Ethernet,
                at - 2,
                ErrorKind::Unsupported {
                    what: "EtherType other than EPA (0x88CB) or IPv4",
                    found: u64::from(other),
                },
            )),
        }
    }

    /// Octets of the message (header and body).
    pub fn message_len(&self) -> usize {
        HEADER_LEN + self.body.buffer_len()
    }

    /// Writes the frame into `out`: `body_len`, the EtherType, IPv4 and UDP lengths and
    /// checksums are computed; frames shorter than 60 octets are padded. Returns the length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize> {
        let mut message = [0u8; 1500];
        let n = emit_message(&self.header, &self.body, &mut message)?;
        let message = message.get(..n).unwrap_or(&[]);
        let mut w = Writer::new(out, Layer::Ethernet);
        match &self.carrier {
            Carrier::Raw => {
                Ethernet {
                    ethertype: ETHERTYPE,
                    ..self.eth
                }
                .emit(&mut w)?;
                w.put(message)?;
            }
            Carrier::Udp { ip, udp } => {
                Ethernet {
                    ethertype: ETHERTYPE_IPV4,
                    ..self.eth
                }
                .emit(&mut w)?;
                let ip = Ipv4 {
                    protocol: IP_UDP,
                    ..*ip
                };
                ip.emit(8 + message.len(), &mut w)?;
                udp.emit(&ip, message, &mut w)?;
            }
        }
        let len = w.pos();
        pad(w.into_inner(), len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epa::body::{Reply, Status};
    use crate::epa::header::{Service, DEFAULT_UDP_PORT};
    use crate::fieldbus::TypedValue;

    /// The profile's vector: READ response over raw EtherType 0x88CB, FLOAT32 12.5.
    const VECTOR: &str = "02000000000102000000000288cbe1810000000800070020001001010008000441480000";

    fn hex(s: &str) -> std::vec::Vec<u8> {
        crate::registry::parse_hex(s).unwrap()
    }

    #[test]
    fn the_profile_vector() {
        let bytes = hex(VECTOR);
        let f = Frame::parse(&bytes, DEFAULT_UDP_PORT).unwrap();
        assert_eq!(f.carrier, Carrier::Raw);
        assert_eq!(f.eth.dst, [2, 0, 0, 0, 0, 1]);
        assert_eq!(f.header.service, Service::response(Service::READ));
        assert_eq!(
            f.body,
            Body::ReadResponse(Reply {
                status: Status::OK,
                value: Some(TypedValue::Float32(12.5))
            })
        );
        // Emitting pads to 60 octets with zeros; parsing ignores the padding.
        let mut out = [0u8; 128];
        let n = f.emit(&mut out).unwrap();
        assert_eq!(n, 60);
        assert_eq!(&out[..bytes.len()], &bytes[..]);
        assert!(out[bytes.len()..n].iter().all(|&b| b == 0));
        assert_eq!(Frame::parse(&out[..n], DEFAULT_UDP_PORT).unwrap(), f);
    }

    #[test]
    fn body_len_past_the_payload_names_both_lengths() {
        let mut bytes = hex(VECTOR);
        bytes[19] = 0x20; // body_len 32, 8 octets there
        let e = Frame::parse(&bytes, DEFAULT_UDP_PORT).unwrap_err();
        assert_eq!(
            (e.layer, e.offset, e.kind),
            (
                Layer::Epa,
                18,
                ErrorKind::Length {
                    field: "body_len (octets after the header in the carrier payload)",
                    expected: 8,
                    found: 32
                }
            )
        );
        let mut bytes = hex(VECTOR);
        bytes[12] = 0x86; // EtherType 0x86DD
        assert_eq!(
            Frame::parse(&bytes, DEFAULT_UDP_PORT)
                .unwrap_err()
                .kind
                .name(),
            "unsupported"
        );
    }
}
