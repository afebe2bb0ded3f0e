//! The WPA-L layer headers (`docs/profiles/wpa-l.md`, "WPA-L payload"), little-endian.
//!
//! | layer | octets | fields |
//! |---|---|---|
//! | DLSL | 1 | `fc`: b0–1 type (0 data, 1 command), b2–7 = 0 |
//! | NL | 5 | `fc`: b0–1 type (0 data, 1 aggregated, 2 command), b2 fragment header present, b3–7 = 0; `dst u16`; `src u16` |
//! | NL fragment header | 6 | `tag u8`, `flags u8` (b0 more fragments), `offset u16`, `total_len u16` |
//! | ASL | 4 | `fc`: b0–2 service, b3 ack required, b4–7 = 0; `seq u8`; `src_uao u8`; `dst_uao u8` |
//!
//! DLSL bits 6–7 = 00 is what marks the payload as "not a LoWPAN frame" (RFC 4944 §5.1), so a
//! set bit there is an error, as is any other reserved bit or type.

use crate::cursor::{Reader, Writer};
use crate::error::{Error, Layer, Result};

const L: Layer = Layer::Wpal;

/// The DLSL frame type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DlslType {
    /// Data: an NL packet follows.
    Data = 0,
    /// DLSL command.
    Command = 1,
}

impl DlslType {
    /// Parses the DLSL octet at `offset`.
    pub fn parse(fc: u8, offset: usize) -> Result<Self> {
        if fc & 0xFC != 0 {
            return Err(Error::invalid(
                L,
                offset,
                "DLSL fc bits 2-7",
                "0 (bits 6-7 = 00 mark a payload that is not 6LoWPAN)",
                u64::from(fc),
            ));
        }
        match fc {
            0 => Ok(DlslType::Data),
            1 => Ok(DlslType::Command),
            _ => Err(Error::invalid(
                L,
                offset,
                "DLSL type",
                "0 (data) or 1 (command)",
                u64::from(fc),
            )),
        }
    }

    /// `data` or `command`.
    pub const fn name(self) -> &'static str {
        match self {
            DlslType::Data => "data",
            DlslType::Command => "command",
        }
    }
}

/// The NL packet type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NlType {
    /// One ASL PDU.
    Data = 0,
    /// Several ASL PDUs aggregated by a router.
    Aggregated = 1,
    /// NL command.
    Command = 2,
}

impl NlType {
    /// `data`, `aggregated` or `command`.
    pub const fn name(self) -> &'static str {
        match self {
            NlType::Data => "data",
            NlType::Aggregated => "aggregated",
            NlType::Command => "command",
        }
    }
}

/// The NL header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NlHeader {
    /// Packet type.
    pub kind: NlType,
    /// A fragment header follows.
    pub fragmented: bool,
    /// Destination network address.
    pub dst: u16,
    /// Source network address.
    pub src: u16,
}

/// NL header length.
pub const NL_LEN: usize = 5;
/// NL fragment header length.
pub const FRAGMENT_LEN: usize = 6;
/// ASL header length.
pub const ASL_LEN: usize = 4;

impl NlHeader {
    /// Parses the header at the reader (`base`: the reader's offset in the frame).
    pub fn parse(r: &mut Reader<'_>, base: usize) -> Result<Self> {
        let at = base + r.pos();
        let shift = |e: Error| e.shifted(base);
        let fc = r.u8().map_err(shift)?;
        if fc & 0xF8 != 0 {
            return Err(Error::invalid(L, at, "NL fc bits 3-7", "0", u64::from(fc)));
        }
        let kind = match fc & 3 {
            0 => NlType::Data,
            1 => NlType::Aggregated,
            2 => NlType::Command,
            _ => {
                return Err(Error::invalid(
                    L,
                    at,
                    "NL type",
                    "0 (data), 1 (aggregated) or 2 (command)",
                    u64::from(fc & 3),
                ))
            }
        };
        Ok(NlHeader {
            kind,
            fragmented: fc & 4 != 0,
            dst: r.u16_le().map_err(shift)?,
            src: r.u16_le().map_err(shift)?,
        })
    }

    /// The `fc` octet.
    pub const fn fc(&self) -> u8 {
        self.kind as u8 | if self.fragmented { 4 } else { 0 }
    }

    /// Writes the header.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.fc())?;
        w.u16_le(self.dst)?;
        w.u16_le(self.src)
    }
}

/// The NL fragment header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FragmentHeader {
    /// Which packet of the sender the fragment belongs to.
    pub tag: u8,
    /// Flags, as sent (b0: more fragments follow).
    pub flags: u8,
    /// Offset of the fragment's octets in the packet.
    pub offset: u16,
    /// The whole packet's length.
    pub total_len: u16,
}

impl FragmentHeader {
    /// More fragments follow.
    pub const fn more(&self) -> bool {
        self.flags & 1 != 0
    }

    /// Parses the header at the reader (`base`: the reader's offset in the frame).
    pub fn parse(r: &mut Reader<'_>, base: usize) -> Result<Self> {
        let shift = |e: Error| e.shifted(base);
        Ok(FragmentHeader {
            tag: r.u8().map_err(shift)?,
            flags: r.u8().map_err(shift)?,
            offset: r.u16_le().map_err(shift)?,
            total_len: r.u16_le().map_err(shift)?,
        })
    }

    /// Writes the header.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.tag)?;
        w.u8(self.flags)?;
        w.u16_le(self.offset)?;
        w.u16_le(self.total_len)
    }
}

/// An ASL service code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Service(pub u8);

impl Service {
    /// PUBLISH (publisher → subscriber).
    pub const PUBLISH: Self = Self(0);
    /// READ_REQ (client → server).
    pub const READ_REQ: Self = Self(1);
    /// READ_RSP.
    pub const READ_RSP: Self = Self(2);
    /// WRITE_REQ.
    pub const WRITE_REQ: Self = Self(3);
    /// WRITE_RSP.
    pub const WRITE_RSP: Self = Self(4);
    /// REPORT (report source → sink: alarms, events).
    pub const REPORT: Self = Self(5);
    /// REPORT_ACK.
    pub const REPORT_ACK: Self = Self(6);

    /// The profile's name.
    pub const fn name(self) -> &'static str {
        match self.0 {
            0 => "PUBLISH",
            1 => "READ_REQ",
            2 => "READ_RSP",
            3 => "WRITE_REQ",
            4 => "WRITE_RSP",
            5 => "REPORT",
            6 => "REPORT_ACK",
            _ => "reserved",
        }
    }

    /// The service of a profile name.
    pub fn from_name(name: &str) -> Option<Self> {
        (0..7).map(Service).find(|s| s.name() == name)
    }
}

/// The ASL header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AslHeader {
    /// Service (0–6).
    pub service: Service,
    /// The receiver must acknowledge.
    pub ack_required: bool,
    /// Sequence number.
    pub seq: u8,
    /// Sending user application object.
    pub src_uao: u8,
    /// Receiving user application object.
    pub dst_uao: u8,
}

impl AslHeader {
    /// Parses the header at the reader (`base`: the reader's offset in the frame).
    pub fn parse(r: &mut Reader<'_>, base: usize) -> Result<Self> {
        let at = base + r.pos();
        let shift = |e: Error| e.shifted(base);
        let fc = r.u8().map_err(shift)?;
        if fc & 0xF0 != 0 {
            return Err(Error::invalid(L, at, "ASL fc bits 4-7", "0", u64::from(fc)));
        }
        if fc & 7 == 7 {
            return Err(Error::invalid(
                L,
                at,
                "ASL service",
                "0..=6 (7 is reserved)",
                7,
            ));
        }
        Ok(AslHeader {
            service: Service(fc & 7),
            ack_required: fc & 8 != 0,
            seq: r.u8().map_err(shift)?,
            src_uao: r.u8().map_err(shift)?,
            dst_uao: r.u8().map_err(shift)?,
        })
    }

    /// The `fc` octet.
    pub const fn fc(&self) -> u8 {
        (self.service.0 & 7) | if self.ack_required { 8 } else { 0 }
    }

    /// Writes the header.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        if self.service.0 > 6 {
            return Err(Error::invalid(
                L,
                w.pos(),
                "ASL service",
                "0..=6 (7 is reserved)",
                u64::from(self.service.0),
            ));
        }
        w.put(&[self.fc(), self.seq, self.src_uao, self.dst_uao])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_bits_are_errors_with_offsets() {
        let e = DlslType::parse(0xC0, 9).unwrap_err();
        assert_eq!(e.offset, 9);
        assert!(matches!(
            e.kind,
            crate::ErrorKind::Invalid {
                field: "DLSL fc bits 2-7",
                found: 0xC0,
                ..
            }
        ));
        assert!(DlslType::parse(2, 9).is_err());
        let mut r = Reader::new(&[0x08, 0, 0, 0, 0], L);
        assert_eq!(NlHeader::parse(&mut r, 10).unwrap_err().offset, 10);
        let mut r = Reader::new(&[0x03, 0, 0, 0, 0], L);
        assert!(NlHeader::parse(&mut r, 10).is_err());
        let mut r = Reader::new(&[0x07, 0, 0, 0], L);
        let e = AslHeader::parse(&mut r, 15).unwrap_err();
        assert!(matches!(
            e.kind,
            crate::ErrorKind::Invalid {
                field: "ASL service",
                ..
            }
        ));
    }

    #[test]
    fn headers_round_trip() {
        let bytes = [0x05, 0x01, 0x00, 0x02, 0x01];
        let mut r = Reader::new(&bytes, L);
        let nl = NlHeader::parse(&mut r, 0).unwrap();
        assert_eq!(
            nl,
            NlHeader {
                kind: NlType::Aggregated,
                fragmented: true,
                dst: 1,
                src: 0x0102
            }
        );
        let mut out = [0u8; 5];
        let mut w = Writer::new(&mut out, L);
        nl.emit(&mut w).unwrap();
        assert_eq!(w.written(), bytes);
        assert_eq!(Service::from_name("REPORT"), Some(Service::REPORT));
    }
}
