//! M-Bus link layer (EN 13757-2 §5, the FT1.2 format of IEC 60870-5-2):
//!
//! | frame | bytes |
//! |---|---|
//! | single character (ACK) | `E5` |
//! | short | `10 C A CS 16` |
//! | control | `68 03 03 68 C A CI CS 16` |
//! | long | `68 L L 68 C A CI data… CS 16`, L = 3 + data length (at most 255) |
//!
//! `CS` is the 8-bit arithmetic sum from C to the end of data. [`Frame::new_checked`] checks the
//! start and stop bytes, L1 = L2, the second start byte, the length and the checksum; the
//! [`Deframer`] finds frames in a serial byte stream and skips garbage between them.

use bitflags::bitflags;

use crate::buffer::{Deframe, Deframed};
use crate::checksum::sum8;
use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};

const L: Layer = Layer::MbusLink;

/// Single-character acknowledgement.
pub const ACK: u8 = 0xE5;
/// Start byte of a short frame.
pub const SHORT_START: u8 = 0x10;
/// Start byte of a control or long frame.
pub const LONG_START: u8 = 0x68;
/// Stop byte.
pub const STOP: u8 = 0x16;
/// Largest frame: 255 bytes of C, A, CI and data plus 6 bytes of framing.
pub const MAX_FRAME: usize = 261;

bitflags! {
    /// The C field (EN 13757-2 §5.5): function code in bits 0–3, and direction-dependent bits.
    ///
    /// Master to slave (PRM = 1): FCB (frame count bit) and FCV (FCB valid). Slave to master
    /// (PRM = 0): ACD (access demand) and DFC (data flow control) in the same positions.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct CField: u8 {
        /// Primary message: set from master to slave.
        const PRM = 0x40;
        /// Frame count bit (master to slave).
        const FCB = 0x20;
        /// Frame count bit valid (master to slave).
        const FCV = 0x10;
        /// Access demand (slave to master; same bit as FCB).
        const ACD = 0x20;
        /// Data flow control (slave to master; same bit as FCV).
        const DFC = 0x10;
        /// The function code bits.
        const FUNCTION = 0x0F;
        // Any other bits are kept.
        const _ = !0;
    }
}

impl CField {
    /// SND_NKE: link reset (function 0).
    pub const SND_NKE: CField = CField::from_bits_retain(0x40);
    /// SND_UD: send user data (function 3, FCV set).
    pub const SND_UD: CField = CField::from_bits_retain(0x53);
    /// REQ_UD2: request class 2 data (function 11, FCV set).
    pub const REQ_UD2: CField = CField::from_bits_retain(0x5B);
    /// REQ_UD1: request class 1 (alarm) data (function 10, FCV set).
    pub const REQ_UD1: CField = CField::from_bits_retain(0x5A);
    /// RSP_UD: respond with user data (function 8).
    pub const RSP_UD: CField = CField::from_bits_retain(0x08);

    /// The function code (bits 0–3).
    pub const fn function(self) -> u8 {
        self.bits() & 0x0F
    }

    /// Whether the frame goes from master to slave.
    pub const fn is_primary(self) -> bool {
        self.bits() & 0x40 != 0
    }

    /// The name of the function, as the standard calls it, if it is one.
    pub const fn name(self) -> Option<&'static str> {
        Some(match (self.is_primary(), self.function()) {
            (true, 0x0) => "SND_NKE",
            (true, 0x3) => "SND_UD",
            (true, 0xA) => "REQ_UD1",
            (true, 0xB) => "REQ_UD2",
            (false, 0x8) => "RSP_UD",
            _ => return None,
        })
    }

    /// The same C field with the frame count bit set or cleared.
    pub const fn with_fcb(self, fcb: bool) -> Self {
        CField::from_bits_retain(if fcb {
            self.bits() | 0x20
        } else {
            self.bits() & !0x20
        })
    }
}

/// What an A-field value means (EN 13757-2 §5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressKind {
    /// 0: unconfigured slave.
    Unconfigured,
    /// 1–250: primary address.
    Primary(u8),
    /// 251, 252: reserved.
    Reserved(u8),
    /// 253: the slave selected by secondary addressing.
    Secondary,
    /// 254: broadcast, all slaves answer (test only).
    BroadcastReply,
    /// 255: broadcast, no slave answers.
    Broadcast,
}

impl AddressKind {
    /// Classifies an A-field byte.
    pub const fn of(a: u8) -> Self {
        match a {
            0 => AddressKind::Unconfigured,
            1..=250 => AddressKind::Primary(a),
            251 | 252 => AddressKind::Reserved(a),
            253 => AddressKind::Secondary,
            254 => AddressKind::BroadcastReply,
            _ => AddressKind::Broadcast,
        }
    }
}

/// The address for secondary addressing.
pub const ADDRESS_SECONDARY: u8 = 253;
/// Broadcast where every slave answers.
pub const ADDRESS_BROADCAST_REPLY: u8 = 254;
/// Broadcast without answers.
pub const ADDRESS_BROADCAST: u8 = 255;

/// A checked view of one link-layer frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

/// The kind of a link-layer frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// `E5`.
    Ack,
    /// `10 C A CS 16`.
    Short,
    /// `68 03 03 68 C A CI CS 16`.
    Control,
    /// `68 L L 68 C A CI data… CS 16`.
    Long,
}

/// The data after the CI field of a checked frame of `kind` (empty for other frames).
fn data_of(kind: FrameKind, b: &[u8]) -> &[u8] {
    match kind {
        FrameKind::Control | FrameKind::Long => b.get(7..b.len().saturating_sub(2)).unwrap_or(&[]),
        _ => &[],
    }
}

impl<'a> Frame<&'a [u8]> {
    /// [`Frame::data`], borrowed for as long as the frame's bytes.
    pub fn into_data(self) -> &'a [u8] {
        data_of(self.kind(), self.buffer)
    }
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Checks one whole frame (no bytes after it).
    pub fn new_checked(buffer: T) -> Result<Self> {
        let b = buffer.as_ref();
        let len = frame_len(b)?;
        if b.len() != len {
            return Err(Error::new(
                L,
                len,
                ErrorKind::Length {
                    field: "frame",
                    expected: len,
                    found: b.len(),
                },
            ));
        }
        Ok(Frame { buffer })
    }

    /// The kind of frame.
    pub fn kind(&self) -> FrameKind {
        let b = self.buffer.as_ref();
        match b.first() {
            Some(&ACK) => FrameKind::Ack,
            Some(&SHORT_START) => FrameKind::Short,
            _ if b.get(1) == Some(&3) => FrameKind::Control,
            _ => FrameKind::Long,
        }
    }

    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }

    /// The C field (none for an ACK).
    pub fn c_field(&self) -> Option<CField> {
        match self.kind() {
            FrameKind::Ack => None,
            FrameKind::Short => Some(CField::from_bits_retain(self.byte(1))),
            _ => Some(CField::from_bits_retain(self.byte(4))),
        }
    }

    /// The A field (none for an ACK).
    pub fn address(&self) -> Option<u8> {
        match self.kind() {
            FrameKind::Ack => None,
            FrameKind::Short => Some(self.byte(2)),
            _ => Some(self.byte(5)),
        }
    }

    /// The CI field of a control or long frame.
    pub fn ci(&self) -> Option<u8> {
        matches!(self.kind(), FrameKind::Control | FrameKind::Long).then(|| self.byte(6))
    }

    /// The data after the CI field (empty for other frames).
    pub fn data(&self) -> &[u8] {
        data_of(self.kind(), self.buffer.as_ref())
    }

    /// Offset of [`Frame::data`] in the frame (for error offsets of upper layers).
    pub const DATA_OFFSET: usize = 7;

    /// The checksum byte.
    pub fn checksum(&self) -> Option<u8> {
        let b = self.buffer.as_ref();
        (self.kind() != FrameKind::Ack).then(|| self.byte(b.len().saturating_sub(2)))
    }

    /// The whole frame.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

/// The length of the frame at the start of `b`, checking it completely.
fn frame_len(b: &[u8]) -> Result<usize> {
    match b.first() {
        None => Err(Error::truncated(L, 0, 1, 0)),
        Some(&ACK) => Ok(1),
        Some(&SHORT_START) => {
            let frame = b.get(..5).ok_or(Error::truncated(L, b.len(), 5, b.len()))?;
            check_sum_and_stop(frame, 1..3, 3)?;
            Ok(5)
        }
        Some(&LONG_START) => {
            let head = b.get(..4).ok_or(Error::truncated(L, b.len(), 4, b.len()))?;
            let (l1, l2) = (
                head.get(1).copied().unwrap_or(0),
                head.get(2).copied().unwrap_or(0),
            );
            if l1 != l2 {
                return Err(Error::new(
                    L,
                    2,
                    ErrorKind::Length {
                        field: "L field (L1 = L2)",
                        expected: usize::from(l1),
                        found: usize::from(l2),
                    },
                ));
            }
            if head.get(3) != Some(&LONG_START) {
                return Err(Error::invalid(
                    L,
                    3,
                    "second start byte",
                    "0x68",
                    u64::from(head.get(3).copied().unwrap_or(0)),
                ));
            }
            if l1 < 3 {
                return Err(Error::invalid(
                    L,
                    1,
                    "L field",
                    "at least 3 (C, A, CI)",
                    u64::from(l1),
                ));
            }
            let total = usize::from(l1) + 6;
            let frame = b
                .get(..total)
                .ok_or(Error::truncated(L, b.len(), total, b.len()))?;
            check_sum_and_stop(frame, 4..total - 2, total - 2)?;
            Ok(total)
        }
        Some(&other) => Err(Error::invalid(
            L,
            0,
            "start byte",
            "0xE5, 0x10 or 0x68",
            u64::from(other),
        )),
    }
}

fn check_sum_and_stop(frame: &[u8], summed: core::ops::Range<usize>, cs_at: usize) -> Result<()> {
    let expected = sum8(frame.get(summed).unwrap_or(&[]));
    let found = frame.get(cs_at).copied().unwrap_or(0);
    if expected != found {
        return Err(Error::new(
            L,
            cs_at,
            ErrorKind::Checksum {
                expected: u32::from(expected),
                found: u32::from(found),
            },
        ));
    }
    match frame.get(cs_at + 1) {
        Some(&STOP) => Ok(()),
        other => Err(Error::invalid(
            L,
            cs_at + 1,
            "stop byte",
            "0x16",
            u64::from(other.copied().unwrap_or(0)),
        )),
    }
}

/// Writes an ACK.
pub fn emit_ack(out: &mut [u8]) -> Result<usize> {
    let mut w = Writer::new(out, L);
    w.u8(ACK)?;
    Ok(1)
}

/// Writes a short frame `10 C A CS 16`.
pub fn emit_short(c: CField, address: u8, out: &mut [u8]) -> Result<usize> {
    let mut w = Writer::new(out, L);
    w.put(&[
        SHORT_START,
        c.bits(),
        address,
        c.bits().wrapping_add(address),
        STOP,
    ])?;
    Ok(5)
}

/// Writes a control (empty `data`) or long frame.
pub fn emit_long(c: CField, address: u8, ci: u8, data: &[u8], out: &mut [u8]) -> Result<usize> {
    let l = u8::try_from(data.len() + 3).map_err(|_| {
        Error::new(
            L,
            1,
            ErrorKind::Oversize {
                limit: MAX_FRAME,
                found: data.len() + 9,
            },
        )
    })?;
    let mut w = Writer::new(out, L);
    w.put(&[LONG_START, l, l, LONG_START, c.bits(), address, ci])?;
    w.put(data)?;
    let cs = sum8(&[c.bits(), address, ci]).wrapping_add(sum8(data));
    w.put(&[cs, STOP])?;
    Ok(w.pos())
}

/// Finds link-layer frames in a serial byte stream.
///
/// Bytes that cannot start a frame are skipped; a start byte whose frame fails its checks is
/// skipped alone, so a frame starting inside it is still found.
#[derive(Clone, Copy, Debug, Default)]
pub struct Deframer;

impl Deframe for Deframer {
    fn deframe(&mut self, buf: &[u8]) -> Deframed {
        match buf.first() {
            Some(&ACK) => return Deframed::Frame(0..1),
            Some(&SHORT_START | &LONG_START) => {}
            _ => {
                let end = buf
                    .iter()
                    .position(|b| matches!(*b, ACK | SHORT_START | LONG_START))
                    .unwrap_or(buf.len());
                return Deframed::Skipped(0..end.max(1));
            }
        }
        match frame_len(buf) {
            Ok(n) => Deframed::Frame(0..n),
            Err(Error {
                kind: ErrorKind::Truncated { needed, available },
                ..
            }) => Deframed::NeedMore(needed.saturating_sub(available).max(1)),
            Err(_) => Deframed::Skipped(0..1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer::{Event, Stream};

    // EN 13757-3 Annex: REQ_UD2 to primary address 1 is 10 5B 01 5C 16.
    const REQ_UD2: [u8; 5] = [0x10, 0x5B, 0x01, 0x5C, 0x16];

    #[test]
    fn short_and_ack() {
        let f = Frame::new_checked(&REQ_UD2[..]).unwrap();
        assert_eq!(
            (f.kind(), f.c_field(), f.address()),
            (FrameKind::Short, Some(CField::REQ_UD2), Some(1))
        );
        assert_eq!(f.c_field().unwrap().name(), Some("REQ_UD2"));
        assert_eq!(
            Frame::new_checked(&[ACK][..]).unwrap().kind(),
            FrameKind::Ack
        );
        let mut out = [0u8; 5];
        emit_short(CField::REQ_UD2, 1, &mut out).unwrap();
        assert_eq!(out, REQ_UD2);
        let e = Frame::new_checked(&[0x10, 0x5B, 0x01, 0x5D, 0x16][..]).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                3,
                ErrorKind::Checksum {
                    expected: 0x5C,
                    found: 0x5D
                }
            )
        );
        let e = Frame::new_checked(&[0x10, 0x5B, 0x01, 0x5C, 0x17][..]).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (4, "invalid"));
    }

    #[test]
    fn long_frames() {
        // SND_UD application reset to address 1: 68 03 03 68 53 01 50 A4 16.
        let mut out = [0u8; 16];
        let n = emit_long(CField::SND_UD, 1, 0x50, &[], &mut out).unwrap();
        assert_eq!(
            &out[..n],
            &[0x68, 0x03, 0x03, 0x68, 0x53, 0x01, 0x50, 0xA4, 0x16]
        );
        let f = Frame::new_checked(&out[..n]).unwrap();
        assert_eq!(
            (f.kind(), f.ci(), f.data()),
            (FrameKind::Control, Some(0x50), &[][..])
        );
        let e = Frame::new_checked(&[0x68, 0x04, 0x03, 0x68, 0x53, 0x01, 0x50, 0xA4, 0x16][..])
            .unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (2, "length"));
        let e = Frame::new_checked(&out[..n - 1]).unwrap_err();
        assert_eq!(e.kind.name(), "truncated");
    }

    #[test]
    fn deframer_skips_garbage_and_bad_frames() {
        let mut s = Stream::new([0u8; 600], Deframer);
        s.push(&[0x00, 0xFF, 0x68, 0x04, 0x03]).unwrap(); // garbage, then a broken long header
        s.push(&REQ_UD2).unwrap();
        s.push(&[ACK]).unwrap();
        assert_eq!(s.next_event(), Some(Event::Skipped(&[0x00, 0xFF])));
        assert_eq!(s.next_event(), Some(Event::Skipped(&[0x68])));
        assert_eq!(s.next_event(), Some(Event::Skipped(&[0x04, 0x03])));
        assert_eq!(s.next_event(), Some(Event::Frame(&REQ_UD2[..])));
        assert_eq!(s.next_event(), Some(Event::Frame(&[ACK][..])));
        assert_eq!(s.next_event(), None);
    }
}
