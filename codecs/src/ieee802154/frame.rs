//! Whole MAC frames: header, MAC payload, MIC and FCS (IEEE 802.15.4-2006 §7.2.1, §7.2.2), with
//! and without the FCS (pcap link types 195 and 230), and their securing and unsecuring with
//! CCM* (§7.5.8.2).
//!
//! [`Frame::parse`] checks the FCS (CRC-16/KERMIT over header and payload, little-endian), the
//! length limit and the header, and splits off the MIC. The payload of a secured frame is then
//! read with [`Frame::unsecure`] (which verifies the MIC, decrypts into caller storage and never
//! hands out unverified plaintext); that of any other frame with [`Frame::body`].

use crate::checksum::crc16_kermit;
use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};

use super::beacon::Beacon;
use super::command::Command;
use super::header::{FrameType, Header, Version};
use super::ie::PayloadIes;
use super::keys::KeyStore;
use super::security::Level;

const L: Layer = Layer::Ieee802154;

/// The largest PSDU of the 2.4 GHz and sub-GHz O-QPSK/BPSK PHYs (aMaxPHYPacketSize).
pub const MAX_PSDU: usize = 127;
/// The largest PSDU of a 2015 frame (SUN PHYs).
pub const MAX_PSDU_2015: usize = 2047;

/// Whether a capture's frames end with the FCS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fcs {
    /// The two FCS octets are present and checked (pcap link type 195).
    Present,
    /// No FCS (pcap link type 230).
    Absent,
}

impl Fcs {
    /// The pcap link type.
    pub const fn link_type(self) -> u32 {
        match self {
            Fcs::Present => 195,
            Fcs::Absent => 230,
        }
    }

    /// The FCS mode of a pcap link type.
    pub const fn from_link_type(link_type: u32) -> Option<Self> {
        match link_type {
            195 => Some(Fcs::Present),
            230 => Some(Fcs::Absent),
            _ => None,
        }
    }

    const fn len(self) -> usize {
        match self {
            Fcs::Present => 2,
            Fcs::Absent => 0,
        }
    }
}

/// What a MAC payload holds, by frame type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content<'a> {
    /// The fields of a 2003/2006 beacon.
    Beacon(Beacon<'a>),
    /// A MAC command.
    Command(Command<'a>),
    /// Data, an acknowledgment's payload, or a 2015 (enhanced) beacon's payload.
    Payload(&'a [u8]),
}

/// A MAC payload in the clear: payload IEs (2015) and the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MacPayload<'a> {
    /// Payload IEs with their termination IE.
    pub ies: PayloadIes<'a>,
    /// The content.
    pub content: Content<'a>,
}

impl<'a> MacPayload<'a> {
    /// Parses the clear MAC payload of a frame with `header`, `base` octets into the frame.
    pub fn parse(header: &Header<'_>, bytes: &'a [u8], base: usize) -> Result<Self> {
        let ies = if header.payload_ies_follow() {
            PayloadIes::parse(bytes, base)?
        } else {
            PayloadIes::EMPTY
        };
        let at = ies.bytes().len();
        let rest = bytes.get(at..).unwrap_or(&[]);
        let content = match header.frame_type {
            FrameType::BEACON if header.version < Version::V2015 => {
                Content::Beacon(Beacon::parse(rest, base + at)?)
            }
            FrameType::COMMAND => Content::Command(Command::parse(rest, base + at)?),
            _ => Content::Payload(rest),
        };
        Ok(MacPayload { ies, content })
    }

    /// The payload's length.
    pub fn buffer_len(&self) -> usize {
        self.ies.bytes().len()
            + match &self.content {
                Content::Beacon(b) => b.buffer_len(),
                Content::Command(c) => c.buffer_len(),
                Content::Payload(p) => p.len(),
            }
    }

    /// Writes the payload.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.put(self.ies.bytes())?;
        match &self.content {
            Content::Beacon(b) => b.emit(w),
            Content::Command(c) => c.emit(w),
            Content::Payload(p) => w.put(p),
        }
    }
}

/// The open payload's length: what a secured frame authenticates but does not encrypt — in a
/// 2003/2006 frame a beacon's fields before the beacon payload or a command's identifier; in a
/// 2015 frame nothing (payload IEs and command identifier are encrypted too).
pub fn open_len(header: &Header<'_>, payload: &[u8], base: usize) -> Result<usize> {
    if header.version == Version::V2015 {
        return Ok(0);
    }
    Ok(match header.frame_type {
        FrameType::BEACON if header.version < Version::V2015 => {
            Beacon::parse(payload, base)?.open_len()
        }
        FrameType::COMMAND => 1.min(payload.len()),
        _ => 0,
    })
}

/// A parsed MAC frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The header.
    pub header: Header<'a>,
    /// The MAC payload as sent: its private part is encrypted when the level encrypts.
    pub payload: &'a [u8],
    /// The MIC (empty unless the level authenticates).
    pub mic: &'a [u8],
    /// The FCS as sent, when present.
    pub fcs: Option<u16>,
    /// Header and payload octets, without MIC and FCS.
    signed: &'a [u8],
}

fn check_size(version: Version, len: usize) -> Result<()> {
    let limit = if version == Version::V2015 {
        MAX_PSDU_2015
    } else {
        MAX_PSDU
    };
    if len > limit {
        return Err(Error::new(L, 0, ErrorKind::Oversize { limit, found: len }));
    }
    Ok(())
}

impl<'a> Frame<'a> {
    /// Parses a PSDU; with [`Fcs::Present`] its last two octets are the FCS, which must match.
    pub fn parse(psdu: &'a [u8], fcs: Fcs) -> Result<Self> {
        let body_len = psdu.len().checked_sub(fcs.len()).ok_or(Error::truncated(
            L,
            0,
            fcs.len() + 2,
            psdu.len(),
        ))?;
        let (mpdu, trailer) = psdu.split_at(body_len);
        let fcs_value = match *trailer {
            [lo, hi] => {
                let found = u16::from_le_bytes([lo, hi]);
                let expected = crc16_kermit(mpdu);
                if found != expected {
                    return Err(Error::new(
                        L,
                        body_len,
                        ErrorKind::Checksum {
                            expected: u32::from(expected),
                            found: u32::from(found),
                        },
                    ));
                }
                Some(found)
            }
            _ => None,
        };
        let (header, header_len) = Header::parse(mpdu)?;
        check_size(header.version, psdu.len() + 2 - fcs.len())?;
        let mic_len = header.security.map_or(0, |s| s.mic_len());
        let payload_end = mpdu.len().checked_sub(mic_len).filter(|&e| e >= header_len);
        let Some(payload_end) = payload_end else {
            return Err(Error::truncated(
                L,
                header_len,
                header_len + mic_len,
                mpdu.len(),
            ));
        };
        let (signed, mic) = mpdu.split_at(payload_end);
        Ok(Frame {
            header,
            payload: signed.get(header_len..).unwrap_or(&[]),
            mic,
            fcs: fcs_value,
            signed,
        })
    }

    /// The header's length (where the payload starts).
    pub fn header_len(&self) -> usize {
        self.signed.len() - self.payload.len()
    }

    /// The security level (none without an auxiliary security header).
    pub fn level(&self) -> Level {
        self.header.security.map_or(Level::NONE, |s| s.level())
    }

    /// Whether the payload must be unsecured before it can be read.
    pub fn is_secured(&self) -> bool {
        self.level() != Level::NONE
    }

    /// The payload of a frame that is not secured.
    pub fn body(&self) -> Result<MacPayload<'a>> {
        if self.is_secured() {
            return Err(Error::new(
                Layer::Ccm,
                self.header_len(),
                ErrorKind::Unsupported {
                    what: "reading a secured payload without unsecuring it",
                    found: u64::from(self.level().0),
                },
            ));
        }
        MacPayload::parse(&self.header, self.payload, self.header_len())
    }

    /// Verifies and decrypts the payload into `out` with the keys of `keys` that match the frame,
    /// most specific first, until one verifies; then parses it. A frame that is not secured is
    /// copied as it is. Level 4 has no MIC, so its first matching key is taken on trust.
    #[cfg(feature = "crypto")]
    pub fn unsecure<'o>(&self, keys: &KeyStore<'_>, out: &'o mut [u8]) -> Result<MacPayload<'o>> {
        let start = self.header_len();
        let n = self.payload.len();
        let capacity = out.len();
        let plain = out.get_mut(..n).ok_or(Error::new(
            L,
            start,
            ErrorKind::Capacity {
                needed: n,
                capacity,
            },
        ))?;
        plain.copy_from_slice(self.payload);
        if self.is_secured() {
            let (candidates, nonce) = keys_and_nonce(&self.header, keys, start)?;
            let level = self.level();
            let open = if level.encrypts() {
                open_len(&self.header, self.payload, start)?
            } else {
                n
            };
            let a = self.signed.get(..start + open).unwrap_or(&[]);
            let mut verified = false;
            for key in candidates {
                plain.copy_from_slice(self.payload);
                let private = plain.get_mut(open..).unwrap_or(&mut []);
                if super::security::open(&key.key, &nonce, level, a, private, self.mic) {
                    verified = true;
                    break;
                }
            }
            if !verified {
                return Err(Error::new(
                    Layer::Ccm,
                    self.signed.len(),
                    ErrorKind::Authentication,
                ));
            }
        }
        let plain: &'o [u8] = out.get(..n).unwrap_or(&[]);
        MacPayload::parse(&self.header, plain, start)
    }

    /// Writes the frame as it was parsed (payload and MIC as sent), with or without the FCS.
    pub fn emit(&self, out: &mut [u8], fcs: Fcs) -> Result<usize> {
        emit_as_sent(&self.header, self.payload, self.mic, out, fcs)
    }
}

/// Writes a frame whose payload and MIC are given as they go on the air (already secured, or
/// not secured at all).
pub fn emit_as_sent(
    header: &Header<'_>,
    payload: &[u8],
    mic: &[u8],
    out: &mut [u8],
    fcs: Fcs,
) -> Result<usize> {
    let mic_len = header.security.map_or(0, |s| s.mic_len());
    if mic.len() != mic_len {
        return Err(Error::new(
            L,
            header.buffer_len() + payload.len(),
            ErrorKind::Length {
                field: "MIC",
                expected: mic_len,
                found: mic.len(),
            },
        ));
    }
    let mut w = Writer::new(out, L);
    header.emit(&mut w)?;
    w.put(payload)?;
    w.put(mic)?;
    finish(w, header.version, fcs)
}

/// The keys `keys` holds for a secured frame with `header` (`header_len` octets long), most
/// specific first, and the CCM* nonce: the sender's extended address (mapped from its short one
/// if need be), the frame counter and the level.
#[cfg(feature = "crypto")]
fn keys_and_nonce<'k>(
    header: &Header<'_>,
    keys: &KeyStore<'k>,
    header_len: usize,
) -> Result<(impl Iterator<Item = &'k super::keys::Key>, [u8; 13])> {
    use super::security::nonce;
    use causeway_core::WpanAddr;
    let unsupported = |at: usize, what: &'static str, found: u64| {
        Error::new(Layer::Ccm, at, ErrorKind::Unsupported { what, found })
    };
    let Some(aux) = header.security else {
        return Err(unsupported(0, "unsecuring a frame without security", 0));
    };
    let at = header_len.saturating_sub(aux.buffer_len() + header.ies.bytes().len());
    let Some(counter) = aux.frame_counter else {
        return Err(unsupported(
            at,
            "a nonce from the TSCH absolute slot number (frame counter suppressed)",
            u64::from(aux.control),
        ));
    };
    if header.version == Version::V2015 && aux.level() == Level::ENC {
        return Err(unsupported(
            at,
            "security level 4 (ENC without MIC, reserved since 802.15.4-2015)",
            4,
        ));
    }
    let pan = header.pan();
    let src = keys.extended(pan, header.src).ok_or(unsupported(
        at,
        "a nonce without the sender's extended address (map its short address)",
        match header.src {
            Some(WpanAddr::Short(s)) => u64::from(s),
            _ => 0xFFFF,
        },
    ))?;
    let mut candidates = keys.keys_for(pan, header.src, aux.key_index).peekable();
    if candidates.peek().is_none() {
        return Err(unsupported(
            at,
            "a secured frame without a matching key (PAN, source, key index)",
            u64::from(aux.key_index.unwrap_or(0)),
        ));
    }
    Ok((candidates, nonce(src, counter, aux.level())))
}

/// Appends the FCS when wanted and checks the size.
fn finish(mut w: Writer<'_>, version: Version, fcs: Fcs) -> Result<usize> {
    check_size(version, w.pos() + 2)?;
    if fcs == Fcs::Present {
        let crc = crc16_kermit(w.written());
        w.u16_le(crc)?;
    }
    Ok(w.pos())
}

/// Builds a frame from a header and a clear payload. When the header has an auxiliary security
/// header with a level other than none, the payload is secured with the key `keys` picks for
/// the frame (and the MIC appended).
pub fn emit(
    header: &Header<'_>,
    payload: &MacPayload<'_>,
    keys: &KeyStore<'_>,
    out: &mut [u8],
    fcs: Fcs,
) -> Result<usize> {
    let mut w = Writer::new(out, L);
    header.emit(&mut w)?;
    let start = w.pos();
    payload.emit(&mut w)?;
    let level = header.security.map_or(Level::NONE, |s| s.level());
    if level == Level::NONE {
        return finish(w, header.version, fcs);
    }
    seal(header, keys, w, start, level, fcs)
}

#[cfg(feature = "crypto")]
fn seal(
    header: &Header<'_>,
    keys: &KeyStore<'_>,
    w: Writer<'_>,
    start: usize,
    level: Level,
    fcs: Fcs,
) -> Result<usize> {
    let end = w.pos();
    let mic_len = level.mic_len();
    let out = w.into_inner();
    let open = if level.encrypts() {
        open_len(header, out.get(start..end).unwrap_or(&[]), start)?
    } else {
        end - start
    };
    let (mut candidates, nonce) = keys_and_nonce(header, keys, start)?;
    let key = candidates.next().map(|k| &k.key).ok_or(Error::new(
        Layer::Ccm,
        start,
        ErrorKind::Authentication,
    ))?;
    let capacity = out.len();
    let region = out.get_mut(..end + mic_len).ok_or(Error::new(
        L,
        end,
        ErrorKind::Capacity {
            needed: end + mic_len,
            capacity,
        },
    ))?;
    let (signed, mic) = region.split_at_mut(end);
    let (a, private) = signed.split_at_mut(start + open);
    if !super::security::seal(key, &nonce, level, a, private, mic) {
        return Err(Error::new(Layer::Ccm, end, ErrorKind::Authentication));
    }
    finish(Writer::resume(out, L, end + mic_len), header.version, fcs)
}

#[cfg(not(feature = "crypto"))]
fn seal(
    _: &Header<'_>,
    _: &KeyStore<'_>,
    _: Writer<'_>,
    start: usize,
    level: Level,
    _: Fcs,
) -> Result<usize> {
    Err(Error::new(
        Layer::Ccm,
        start,
        ErrorKind::Unsupported {
            what: "securing a frame in a build without the crypto feature",
            found: u64::from(level.0),
        },
    ))
}
