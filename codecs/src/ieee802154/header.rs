//! The MAC header (MHR): frame control, sequence number, addressing fields, auxiliary security
//! header and header IEs (IEEE 802.15.4-2006 §7.2.1, IEEE 802.15.4-2015 §7.2.1–7.2.2, §7.4).
//!
//! | field | octets | present |
//! |---|---|---|
//! | frame control | 2 | always |
//! | sequence number | 1 | unless a 2015 frame suppresses it |
//! | destination PAN, address | 0/2, 0/2/8 | per addressing mode and PAN ID compression |
//! | source PAN, address | 0/2, 0/2/8 | per addressing mode and PAN ID compression |
//! | auxiliary security header | 0/5–14 | security enabled (2006 and 2015 frames) |
//! | header IEs | var | IE present (2015 frames) |
//!
//! Which PAN ids are present follows the 2003/2006 rule (the source PAN is omitted when both
//! addresses are present and PAN ID compression is set; the bit is invalid otherwise) or, for
//! 2015 frames, the table of 802.15.4-2015 §7.2.1.5 (Table 7-2). Sequence number suppression
//! exists only in 2015 frames and is an error before; the other reserved frame control bits
//! (bit 7; IE present before 2015) are kept as sent and ignored, as Wireshark does.

use bitflags::bitflags;
use causeway_core::WpanAddr;

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

use super::ie::{HeaderIes, HT1};
use super::security::AuxSecurity;

const L: Layer = Layer::Ieee802154;

bitflags! {
    /// The single-bit fields of the frame control field; the multi-bit ones (frame type,
    /// addressing modes, version) are read through [`Header`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct FrameControl: u16 {
        /// Security enabled (an auxiliary security header follows the addressing fields).
        const SECURITY = 0x0008;
        /// The sender has more data for the recipient.
        const FRAME_PENDING = 0x0010;
        /// The recipient is asked to acknowledge.
        const ACK_REQUEST = 0x0020;
        /// PAN ID compression.
        const PAN_ID_COMPRESSION = 0x0040;
        /// Reserved in every version.
        const RESERVED = 0x0080;
        /// Sequence number suppression (2015; reserved before).
        const SEQ_SUPPRESSION = 0x0100;
        /// Information elements present (2015; reserved before).
        const IE_PRESENT = 0x0200;
    }
}

/// The single-bit fields a [`Header`] keeps (security is implied by the auxiliary header).
const KEPT_FLAGS: u16 = 0x03F0;

/// The frame type (bits 0–2 of the frame control field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameType(pub u8);

impl FrameType {
    /// Beacon.
    pub const BEACON: Self = Self(0);
    /// Data.
    pub const DATA: Self = Self(1);
    /// Acknowledgment.
    pub const ACK: Self = Self(2);
    /// MAC command.
    pub const COMMAND: Self = Self(3);

    /// `beacon`, `data`, `ack`, `command`, or `None` for the types this decoder rejects
    /// (4 reserved, 5 multipurpose, 6 fragment, 7 extended).
    pub const fn name(self) -> Option<&'static str> {
        match self.0 {
            0 => Some("beacon"),
            1 => Some("data"),
            2 => Some("ack"),
            3 => Some("command"),
            _ => None,
        }
    }
}

/// The frame version (bits 12–13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(pub u8);

impl Version {
    /// IEEE 802.15.4-2003.
    pub const V2003: Self = Self(0);
    /// IEEE 802.15.4-2006.
    pub const V2006: Self = Self(1);
    /// IEEE 802.15.4-2015 (and 2011e).
    pub const V2015: Self = Self(2);

    /// `2003`, `2006` or `2015`.
    pub const fn year(self) -> u16 {
        match self.0 {
            0 => 2003,
            1 => 2006,
            _ => 2015,
        }
    }
}

/// The octets of an address in addressing mode `mode` (0 none, 2 short, 3 extended).
const fn addr_len(addr: Option<WpanAddr>) -> usize {
    match addr {
        None => 0,
        Some(WpanAddr::Short(_)) => 2,
        Some(WpanAddr::Extended(_)) => 8,
    }
}

const fn mode(addr: Option<WpanAddr>) -> u16 {
    match addr {
        None => 0,
        Some(WpanAddr::Short(_)) => 2,
        Some(WpanAddr::Extended(_)) => 3,
    }
}

/// Which of (destination PAN, source PAN) a frame carries; `None` when a 2003/2006 frame sets
/// PAN ID compression without both addresses.
pub fn pans_present(
    version: Version,
    dst_mode: u8,
    src_mode: u8,
    compression: bool,
) -> Option<(bool, bool)> {
    let (dst, src) = (dst_mode != 0, src_mode != 0);
    if version.0 < 2 {
        return match (dst, src, compression) {
            (true, true, _) => Some((true, !compression)),
            (_, _, true) => None,
            (dst, src, false) => Some((dst, src)),
        };
    }
    // 802.15.4-2015 Table 7-2.
    Some(match (dst, src) {
        (false, false) => (compression, false),
        (true, false) => (!compression, false),
        (false, true) => (false, !compression),
        (true, true) if dst_mode == 3 && src_mode == 3 => (!compression, false),
        (true, true) => (true, !compression),
    })
}

const COMPRESSION_RULE: &str = "0 unless both addresses are present (2003/2006)";

/// The validated MAC header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// Frame type.
    pub frame_type: FrameType,
    /// Frame pending, ack request, PAN ID compression, sequence number suppression, IE present
    /// and reserved bits, as sent.
    pub flags: FrameControl,
    /// Frame version.
    pub version: Version,
    /// Sequence number (absent when a 2015 frame suppresses it).
    pub seq: Option<u8>,
    /// Destination PAN id.
    pub dst_pan: Option<u16>,
    /// Destination address.
    pub dst: Option<WpanAddr>,
    /// Source PAN id.
    pub src_pan: Option<u16>,
    /// Source address.
    pub src: Option<WpanAddr>,
    /// Auxiliary security header (security enabled).
    pub security: Option<AuxSecurity>,
    /// Header IEs, with their termination IE (IE present, 2015 frames).
    pub ies: HeaderIes<'a>,
}

#[inline(always)]
fn read_addr(r: &mut Reader<'_>, mode: u8) -> Result<Option<WpanAddr>> {
    Ok(match mode {
        2 => Some(WpanAddr::Short(r.u16_le()?)),
        3 => Some(WpanAddr::Extended(u64::from_le_bytes(r.array()?))),
        _ => None,
    })
}

fn write_addr(w: &mut Writer<'_>, addr: Option<WpanAddr>) -> Result<()> {
    match addr {
        None => Ok(()),
        Some(WpanAddr::Short(s)) => w.u16_le(s),
        Some(WpanAddr::Extended(e)) => w.put(&e.to_le_bytes()),
    }
}

impl<'a> Header<'a> {
    /// The raw frame control field.
    pub fn frame_control(&self) -> u16 {
        let security = if self.security.is_some() { 0x0008 } else { 0 };
        u16::from(self.frame_type.0 & 7)
            | security
            | (self.flags.bits() & KEPT_FLAGS)
            | (mode(self.dst) << 10)
            | (u16::from(self.version.0 & 3) << 12)
            | (mode(self.src) << 14)
    }

    /// The PAN the source belongs to: the source PAN, else the destination PAN.
    pub fn pan(&self) -> Option<u16> {
        self.src_pan.or(self.dst_pan)
    }

    /// Parses the header at the start of `frame` (the PSDU without its FCS; header IEs stop
    /// before the MIC at its end). Returns the header and its length.
    #[inline]
    pub fn parse(frame: &'a [u8]) -> Result<(Self, usize)> {
        let mut r = Reader::new(frame, L);
        let fcf = r.u16_le()?;
        let frame_type = FrameType((fcf & 7) as u8);
        if frame_type.name().is_none() {
            return Err(Error::new(
                L,
                0,
                ErrorKind::Unsupported {
                    what: "frame type (4 reserved, 5 multipurpose, 6 fragment, 7 extended)",
                    found: u64::from(frame_type.0),
                },
            ));
        }
        let version = Version(((fcf >> 12) & 3) as u8);
        if version.0 == 3 {
            return Err(Error::invalid(
                L,
                1,
                "frame version",
                "0 (2003), 1 (2006) or 2 (2015)",
                3,
            ));
        }
        let (dst_mode, src_mode) = (((fcf >> 10) & 3) as u8, ((fcf >> 14) & 3) as u8);
        for m in [dst_mode, src_mode] {
            if m == 1 {
                return Err(Error::invalid(
                    L,
                    1,
                    "addressing mode",
                    "0 (none), 2 (short) or 3 (extended)",
                    1,
                ));
            }
        }
        let flags = FrameControl::from_bits_retain(fcf & KEPT_FLAGS);
        let v2015 = version == Version::V2015;
        let suppressed = flags.contains(FrameControl::SEQ_SUPPRESSION);
        if suppressed && !v2015 {
            return Err(Error::invalid(
                L,
                1,
                "sequence number suppression",
                "0 in a 2003/2006 frame",
                1,
            ));
        }
        let seq = if suppressed { None } else { Some(r.u8()?) };
        let Some((dst_pan_present, src_pan_present)) = pans_present(
            version,
            dst_mode,
            src_mode,
            flags.contains(FrameControl::PAN_ID_COMPRESSION),
        ) else {
            return Err(Error::invalid(
                L,
                0,
                "PAN ID compression",
                COMPRESSION_RULE,
                1,
            ));
        };
        let dst_pan = if dst_pan_present {
            Some(r.u16_le()?)
        } else {
            None
        };
        let dst = read_addr(&mut r, dst_mode)?;
        let src_pan = if src_pan_present {
            Some(r.u16_le()?)
        } else {
            None
        };
        let src = read_addr(&mut r, src_mode)?;
        let security = if fcf & 0x0008 != 0 {
            if version == Version::V2003 {
                return Err(Error::new(
                    L,
                    0,
                    ErrorKind::Unsupported {
                        what: "802.15.4-2003 security (no auxiliary security header)",
                        found: u64::from(fcf),
                    },
                ));
            }
            Some(AuxSecurity::parse(&mut r, version)?)
        } else {
            None
        };
        let ies = if v2015 && flags.contains(FrameControl::IE_PRESENT) {
            let at = r.pos();
            let end = frame
                .len()
                .saturating_sub(security.map_or(0, |s| s.mic_len()));
            let region = frame.get(at..end.max(at)).unwrap_or(&[]);
            let ies = HeaderIes::parse(region, at)?;
            r.take(ies.bytes().len())?;
            ies
        } else {
            HeaderIes::EMPTY
        };
        Ok((
            Header {
                frame_type,
                flags,
                version,
                seq,
                dst_pan,
                dst,
                src_pan,
                src,
                security,
                ies,
            },
            r.pos(),
        ))
    }

    /// The header's length in octets.
    pub fn buffer_len(&self) -> usize {
        2 + usize::from(self.seq.is_some())
            + 2 * usize::from(self.dst_pan.is_some())
            + addr_len(self.dst)
            + 2 * usize::from(self.src_pan.is_some())
            + addr_len(self.src)
            + self.security.map_or(0, |s| s.buffer_len())
            + self.ies.bytes().len()
    }

    /// Checks that the fields are consistent with each other (which PAN ids, sequence number,
    /// security and IEs the frame control field implies).
    pub fn check(&self) -> Result<()> {
        let bad = |field: &'static str, expected: &'static str, found: u64| {
            Err(Error::invalid(L, 0, field, expected, found))
        };
        if self.frame_type.name().is_none() {
            return bad("frame type", "0..=3", u64::from(self.frame_type.0));
        }
        if self.version.0 > 2 {
            return bad("frame version", "0..=2", u64::from(self.version.0));
        }
        let v2015 = self.version == Version::V2015;
        let Some((dst_pan, src_pan)) = pans_present(
            self.version,
            mode(self.dst) as u8,
            mode(self.src) as u8,
            self.flags.contains(FrameControl::PAN_ID_COMPRESSION),
        ) else {
            return bad("PAN ID compression", COMPRESSION_RULE, 1);
        };
        if dst_pan != self.dst_pan.is_some() {
            return bad(
                "dst_pan",
                "present exactly as the addressing modes and PAN ID compression imply",
                u64::from(self.dst_pan.is_some()),
            );
        }
        if src_pan != self.src_pan.is_some() {
            return bad(
                "src_pan",
                "present exactly as the addressing modes and PAN ID compression imply",
                u64::from(self.src_pan.is_some()),
            );
        }
        let suppressed = self.flags.contains(FrameControl::SEQ_SUPPRESSION);
        if suppressed && !v2015 {
            return bad("sequence number suppression", "0 in a 2003/2006 frame", 1);
        }
        if suppressed == self.seq.is_some() {
            return bad(
                "seq",
                "absent exactly when a 2015 frame sets sequence number suppression",
                u64::from(self.seq.is_some()),
            );
        }
        if self.security.is_some() && self.version == Version::V2003 {
            return bad("security", "none in a 2003 frame", 1);
        }
        let ies_allowed = v2015 && self.flags.contains(FrameControl::IE_PRESENT);
        if !ies_allowed && !self.ies.bytes().is_empty() {
            return bad("header IEs", "only with IE present in a 2015 frame", 1);
        }
        Ok(())
    }

    /// Writes the header.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        self.check()?;
        w.u16_le(self.frame_control())?;
        if let Some(seq) = self.seq {
            w.u8(seq)?;
        }
        if let Some(pan) = self.dst_pan {
            w.u16_le(pan)?;
        }
        write_addr(w, self.dst)?;
        if let Some(pan) = self.src_pan {
            w.u16_le(pan)?;
        }
        write_addr(w, self.src)?;
        if let Some(s) = &self.security {
            s.emit(w)?;
        }
        w.put(self.ies.bytes())
    }

    /// Whether payload IEs follow the header (the header IEs end with HT1).
    pub fn payload_ies_follow(&self) -> bool {
        self.ies.terminator() == Some(HT1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_publish_header() {
        // docs/profiles/wpa-l.md: data, ack request, PAN ID compression, 2006, short → short.
        let bytes = [0x61, 0x98, 0x2a, 0x34, 0x12, 0x01, 0x00, 0x02, 0x01];
        let (h, n) = Header::parse(&bytes).unwrap();
        assert_eq!(n, 9);
        assert_eq!(
            (
                h.frame_type,
                h.version,
                h.seq,
                h.dst_pan,
                h.dst,
                h.src_pan,
                h.src
            ),
            (
                FrameType::DATA,
                Version::V2006,
                Some(0x2a),
                Some(0x1234),
                Some(WpanAddr::Short(1)),
                None,
                Some(WpanAddr::Short(0x0102))
            )
        );
        assert!(h
            .flags
            .contains(FrameControl::ACK_REQUEST | FrameControl::PAN_ID_COMPRESSION));
        assert_eq!(h.frame_control(), 0x9861);
        let mut out = [0u8; 16];
        let mut w = Writer::new(&mut out, L);
        h.emit(&mut w).unwrap();
        assert_eq!(w.written(), bytes);
    }

    #[test]
    fn pan_id_presence_2006_and_2015() {
        // 2006: compression drops the source PAN when both addresses are present, and is
        // invalid otherwise.
        assert_eq!(
            pans_present(Version::V2006, 2, 2, true),
            Some((true, false))
        );
        assert_eq!(pans_present(Version::V2006, 0, 2, true), None);
        assert_eq!(
            pans_present(Version::V2006, 3, 0, false),
            Some((true, false))
        );
        // 2015 Table 7-2, every row.
        let rows = [
            ((0, 0, false), (false, false)),
            ((0, 0, true), (true, false)),
            ((2, 0, false), (true, false)),
            ((3, 0, true), (false, false)),
            ((0, 2, false), (false, true)),
            ((0, 3, true), (false, false)),
            ((3, 3, false), (true, false)),
            ((3, 3, true), (false, false)),
            ((2, 2, false), (true, true)),
            ((2, 3, false), (true, true)),
            ((3, 2, false), (true, true)),
            ((2, 2, true), (true, false)),
            ((2, 3, true), (true, false)),
            ((3, 2, true), (true, false)),
        ];
        for ((d, s, c), want) in rows {
            assert_eq!(
                pans_present(Version::V2015, d, s, c),
                Some(want),
                "{d} {s} {c}"
            );
        }
    }

    #[test]
    fn reserved_modes_versions_and_types_are_rejected() {
        // Destination addressing mode 1.
        let e = Header::parse(&[0x01, 0x04, 0]).unwrap_err();
        assert_eq!(e.offset, 1);
        assert!(matches!(
            e.kind,
            ErrorKind::Invalid {
                field: "addressing mode",
                ..
            }
        ));
        // Version 3.
        let e = Header::parse(&[0x01, 0x30, 0]).unwrap_err();
        assert!(matches!(
            e.kind,
            ErrorKind::Invalid {
                field: "frame version",
                ..
            }
        ));
        // Multipurpose frame type.
        let e = Header::parse(&[0x05, 0x00, 0]).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Unsupported { found: 5, .. }));
        // Truncated addressing.
        let e = Header::parse(&[0x41, 0x88, 0, 0x34]).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                3,
                ErrorKind::Truncated {
                    needed: 5,
                    available: 4
                }
            )
        );
    }
}
