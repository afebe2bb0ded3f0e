//! Modbus RTU ADU: `address | PDU | CRC-16/MODBUS (low byte first)`, at most 256 bytes
//! (Modbus over Serial Line V1.02 §2.5.1). Also the framing of RTU-over-TCP.
//!
//! The [`Deframer`] finds frames in a byte stream without inter-frame timing: the PDU layout
//! gives the length for every public function code; codes whose length the layout does not say
//! (FC 8/00, FC 43/13, user-defined) end at the first CRC that matches. After garbage it
//! resynchronises one byte at a time. Without timing it never drops a byte that could still
//! complete a frame — garbage that looks like the start of a long frame only delays the frames
//! behind it until enough bytes arrive to rule it out. A caller that sees the line go quiet (the
//! 3.5-character silence of §2.5.1.1) calls [`Deframer::line_idle`]: buffered bytes that cannot
//! complete are then dropped at once, up to the first complete frame behind them.

use crate::buffer::{Deframe, Deframed};
use crate::checksum::{crc16_modbus, crc16_modbus_update};
use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::Role;

use super::pdu::{request_len, response_len, PduLength};

/// Largest RTU ADU.
pub const MAX_ADU: usize = 256;
/// Smallest RTU ADU: address, function code, CRC.
pub const MIN_ADU: usize = 4;

const L: Layer = Layer::ModbusRtu;

mod field {
    pub const ADDRESS: usize = 0;
    pub const PDU_START: usize = 1;
}

/// A checked view of an RTU ADU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Checks length limits and the CRC.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let b = buffer.as_ref();
        if b.len() < MIN_ADU {
            return Err(Error::truncated(L, b.len(), MIN_ADU, b.len()));
        }
        if b.len() > MAX_ADU {
            return Err(Error::new(
                L,
                MAX_ADU,
                ErrorKind::Oversize {
                    limit: MAX_ADU,
                    found: b.len(),
                },
            ));
        }
        let body = b.len() - 2;
        let found = u16::from_le_bytes([
            b.get(body).copied().unwrap_or(0),
            b.get(body + 1).copied().unwrap_or(0),
        ]);
        let expected = crc16_modbus(b.get(..body).unwrap_or(&[]));
        if found != expected {
            return Err(Error::new(
                L,
                body,
                ErrorKind::Checksum {
                    expected: u32::from(expected),
                    found: u32::from(found),
                },
            ));
        }
        Ok(Frame { buffer })
    }

    /// Server address (0 = broadcast, 1–247 unicast).
    pub fn address(&self) -> u8 {
        self.buffer
            .as_ref()
            .get(field::ADDRESS)
            .copied()
            .unwrap_or(0)
    }

    /// The PDU (function code and data).
    pub fn pdu(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        b.get(field::PDU_START..b.len().saturating_sub(2))
            .unwrap_or(&[])
    }

    /// The CRC as a number (sent low byte first).
    pub fn crc(&self) -> u16 {
        let b = self.buffer.as_ref();
        let n = b.len();
        u16::from_le_bytes([
            b.get(n.saturating_sub(2)).copied().unwrap_or(0),
            b.get(n.saturating_sub(1)).copied().unwrap_or(0),
        ])
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

/// Writes `address | pdu | CRC` into `out`; returns the ADU length.
pub fn emit(address: u8, pdu: &[u8], out: &mut [u8]) -> Result<usize> {
    let len = pdu.len() + 3;
    if len > MAX_ADU {
        return Err(Error::new(
            L,
            0,
            ErrorKind::Oversize {
                limit: MAX_ADU,
                found: len,
            },
        ));
    }
    let mut w = Writer::new(out, L);
    w.u8(address)?;
    w.put(pdu)?;
    let crc = crc16_modbus(w.written());
    w.u16_le(crc)?;
    Ok(w.pos())
}

/// Which frames a [`Deframer`] expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Only requests (a server's receive side).
    Requests,
    /// Only responses (a client's receive side).
    Responses,
    /// A shared bus seen by a sniffer: a request is followed by its response, except broadcasts.
    Bus,
}

/// RTU stream deframer.
#[derive(Clone, Debug)]
pub struct Deframer {
    mode: Mode,
    expect: Role,
    last: Role,
    idle: bool,
}

enum Candidate {
    Frame(usize),
    NeedMore(usize),
    Invalid,
}

/// What an ADU starting at `buf[0]` would be, for `role`.
/// The PDU length rule for `role`, or `None` for a function code that cannot start a frame:
/// 0 does not exist, and bit 7 marks exceptions, which only responses carry.
fn pdu_len(pdu: &[u8], role: Role) -> Option<PduLength> {
    match (pdu.first(), role) {
        (Some(0), _) => None,
        (Some(fc), Role::Request) if fc & 0x80 != 0 => None,
        (_, Role::Request) => Some(request_len(pdu)),
        (_, Role::Response) => Some(response_len(pdu)),
    }
}

fn candidate(buf: &[u8], role: Role) -> Candidate {
    let Some(len) = pdu_len(buf.get(1..).unwrap_or(&[]), role) else {
        return Candidate::Invalid;
    };
    match len {
        PduLength::AtLeast(n) => Candidate::NeedMore((1 + n).saturating_sub(buf.len()).max(1)),
        PduLength::Known(n) => {
            let total = n + 3;
            if total > MAX_ADU {
                return Candidate::Invalid;
            }
            match buf.get(..total) {
                None => Candidate::NeedMore(total - buf.len()),
                Some(adu) if crc_ok(adu) => Candidate::Frame(total),
                Some(_) => Candidate::Invalid,
            }
        }
        PduLength::Unknown => match first_crc_end(buf) {
            Some(n) => Candidate::Frame(n),
            None if buf.len() < MAX_ADU => Candidate::NeedMore(1),
            None => Candidate::Invalid,
        },
    }
}

/// The shortest length `n` (within an ADU's limits) at which `buf[..n]` ends in a valid CRC,
/// found with one running CRC instead of one per candidate length.
fn first_crc_end(buf: &[u8]) -> Option<usize> {
    let limit = buf.len().min(MAX_ADU);
    let mut crc = crc16_modbus_update(0xFFFF, buf.get(..MIN_ADU - 2)?);
    for n in MIN_ADU..=limit {
        let body = n - 2;
        if buf.get(body..n) == Some(&crc.to_le_bytes()[..]) {
            return Some(n);
        }
        crc = crc16_modbus_update(crc, buf.get(body..body + 1)?);
    }
    None
}

fn crc_ok(adu: &[u8]) -> bool {
    let n = adu.len();
    n >= MIN_ADU
        && adu
            .get(n - 2..)
            .is_some_and(|c| c == crc16_modbus(adu.get(..n - 2).unwrap_or(&[])).to_le_bytes())
}

impl Deframer {
    /// A deframer in `mode`.
    pub const fn new(mode: Mode) -> Self {
        let expect = match mode {
            Mode::Responses => Role::Response,
            _ => Role::Request,
        };
        Deframer {
            mode,
            expect,
            last: expect,
            idle: false,
        }
    }

    /// Tells the deframer the line has been silent for at least 3.5 characters: whatever is
    /// buffered ends there, so an incomplete frame at the front is discarded (up to the first
    /// complete frame behind it) instead of waiting for bytes that will not come.
    pub fn line_idle(&mut self) {
        self.idle = true;
    }

    /// The role of the last frame returned.
    pub const fn last_role(&self) -> Role {
        self.last
    }

    fn roles(&self) -> (Role, Option<Role>) {
        match self.mode {
            Mode::Requests => (Role::Request, None),
            Mode::Responses => (Role::Response, None),
            Mode::Bus => (self.expect, Some(other(self.expect))),
        }
    }

    /// The expected role decides while it is possible (a complete frame, or a valid prefix that
    /// needs more bytes); the other role is tried only when the expected one cannot match.
    fn try_at(&self, buf: &[u8]) -> (Candidate, Role) {
        let (first, second) = self.roles();
        let c = candidate(buf, first);
        match (&c, second) {
            (Candidate::Invalid, Some(role)) => (candidate(buf, role), role),
            _ => (c, first),
        }
    }

    fn accept(&mut self, buf: &[u8], len: usize, role: Role) -> Deframed {
        self.last = role;
        if self.mode == Mode::Bus {
            let broadcast = buf.first() == Some(&0);
            self.expect = if role == Role::Request && !broadcast {
                Role::Response
            } else {
                Role::Request
            };
        }
        Deframed::Frame(0..len)
    }

    /// After the line went idle: the first offset after 0 from which the rest of `buf` is a chain
    /// of complete frames ending exactly at the end of `buf`, where the silence fell.
    fn later_frame(&self, buf: &[u8]) -> Option<usize> {
        // Only reached on NeedMore, when fewer than MAX_ADU bytes are buffered.
        if buf.len() > MAX_ADU {
            return None;
        }
        // chained[i]: a chain of frames runs from i exactly to the end. Filled backwards; a CRC
        // is computed only where the lengths already line up, so garbage costs O(len).
        let mut chained = [false; MAX_ADU + 1];
        if let Some(end) = chained.get_mut(buf.len()) {
            *end = true;
        }
        for i in (1..buf.len()).rev() {
            let rest = buf.get(i..).unwrap_or(&[]);
            let ok = frame_len_at(rest, self.roles(), |len| {
                chained.get(i + len).copied().unwrap_or(false)
            });
            if let Some(slot) = chained.get_mut(i) {
                *slot = ok.is_some();
            }
        }
        (1..buf.len()).find(|&i| chained.get(i).copied().unwrap_or(false))
    }
}

/// The length of a complete, CRC-valid frame at the start of `buf` for either of `roles`, among
/// lengths that `wanted` accepts (checked before any CRC): the layout's length, or for layouts
/// without one, any length whose CRC matches.
fn frame_len_at(
    buf: &[u8],
    roles: (Role, Option<Role>),
    wanted: impl Fn(usize) -> bool,
) -> Option<usize> {
    let (first, second) = roles;
    core::iter::once(first).chain(second).find_map(|role| {
        match pdu_len(buf.get(1..).unwrap_or(&[]), role)? {
            PduLength::Known(n) => Some(n + 3).filter(|&total| {
                total <= MAX_ADU && wanted(total) && buf.get(..total).is_some_and(crc_ok)
            }),
            PduLength::Unknown => (MIN_ADU..=buf.len().min(MAX_ADU))
                .find(|&total| wanted(total) && buf.get(..total).is_some_and(crc_ok)),
            PduLength::AtLeast(_) => None,
        }
    })
}

fn other(role: Role) -> Role {
    match role {
        Role::Request => Role::Response,
        Role::Response => Role::Request,
    }
}

impl Deframe for Deframer {
    fn deframe(&mut self, buf: &[u8]) -> Deframed {
        match self.try_at(buf) {
            (Candidate::Frame(n), role) => {
                self.idle &= n < buf.len();
                self.accept(buf, n, role)
            }
            (Candidate::NeedMore(n), _) if !self.idle => Deframed::NeedMore(n),
            // The line went quiet: this can never complete. Drop up to the next frame.
            (Candidate::NeedMore(_), _) => {
                let end = self.later_frame(buf).unwrap_or(buf.len());
                self.idle = end < buf.len();
                Deframed::Skipped(0..end)
            }
            // Nothing can start at byte 0: drop just that byte, so a frame at byte 1 survives.
            (Candidate::Invalid, _) => Deframed::Skipped(0..1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer::{Event, Stream};
    use proptest::prelude::*;

    // Modbus over serial line V1.02 / Application Protocol §6.3 example: read holding registers
    // 108..110 from server 17: 11 03 00 6B 00 03 + CRC 76 87.
    const REQ: [u8; 8] = [0x11, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x76, 0x87];

    #[test]
    fn checked_view() {
        let f = Frame::new_checked(&REQ[..]).unwrap();
        assert_eq!((f.address(), f.pdu(), f.crc()), (0x11, &REQ[1..6], 0x8776));
        let mut bad = REQ;
        bad[7] ^= 1;
        let e = Frame::new_checked(&bad[..]).unwrap_err();
        assert_eq!((e.layer, e.offset, e.kind.name()), (L, 6, "checksum"));
        assert_eq!(
            Frame::new_checked(&REQ[..3]).unwrap_err().kind.name(),
            "truncated"
        );
        let mut out = [0u8; 8];
        assert_eq!(emit(0x11, &REQ[1..6], &mut out).unwrap(), 8);
        assert_eq!(out, REQ);
    }

    #[test]
    fn bus_mode_pairs_requests_and_responses() {
        // Response: 11 03 06 02 2B 00 00 00 64 + CRC (spec example values).
        let mut resp = [0u8; 11];
        let n = emit(
            0x11,
            &[0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64],
            &mut resp,
        )
        .unwrap();
        let mut wire = std::vec![0xFF, 0x00];
        wire.extend_from_slice(&REQ);
        wire.extend_from_slice(&resp[..n]);
        let mut d = Deframer::new(Mode::Bus);
        let mut at = 0;
        let mut frames = std::vec::Vec::new();
        while at < wire.len() {
            match d.deframe(&wire[at..]) {
                Deframed::Frame(r) => {
                    frames.push((wire[at..at + r.end].to_vec(), d.last_role()));
                    at += r.end;
                }
                Deframed::Skipped(r) => at += r.end,
                Deframed::NeedMore(_) => break,
            }
        }
        assert_eq!(
            frames,
            [
                (REQ.to_vec(), Role::Request),
                (resp[..n].to_vec(), Role::Response)
            ]
        );
    }

    #[test]
    fn idle_line_drops_a_cut_off_frame() {
        // A write-multiple request cut off after 9 bytes, then a complete request, then silence.
        let mut wire = std::vec![0x11, 0x10, 0x00, 0x01, 0x00, 0x20, 0x40, 0x00, 0x0A];
        wire.extend_from_slice(&REQ);
        let mut s = Stream::new([0u8; 256], Deframer::new(Mode::Requests));
        s.push(&wire).unwrap();
        // Without timing the cut-off frame could still complete: nothing is dropped yet.
        assert_eq!(s.next_event(), None);
        s.deframer_mut().line_idle();
        assert_eq!(s.next_event(), Some(Event::Skipped(&wire[..9])));
        assert_eq!(s.next_event(), Some(Event::Frame(&REQ[..])));
        assert_eq!(s.next_event(), None);
    }

    proptest! {
        #[test]
        fn garbage_before_frames_loses_none(garbage in proptest::collection::vec(1u8..=6, 0..40),
                                            chunk in 1usize..20) {
            // Garbage bytes are fixed-length function codes, so an accidental CRC match can
            // swallow at most the start of the first copy of REQ, never the second.
            let mut wire = garbage.clone();
            wire.extend_from_slice(&REQ);
            wire.extend_from_slice(&REQ);
            let mut s = Stream::new([0u8; 600], Deframer::new(Mode::Requests));
            let mut found = 0;
            let mut seen = std::vec::Vec::new();
            // The end of the wire is where the line falls silent: without that, a candidate
            // with an unknown function code may rightly wait for more bytes.
            let chunks: std::vec::Vec<&[u8]> = wire.chunks(chunk).collect();
            for (i, c) in chunks.iter().enumerate() {
                s.push(c).unwrap();
                if i + 1 == chunks.len() {
                    s.deframer_mut().line_idle();
                }
                while let Some(ev) = s.next_event() {
                    match ev {
                        Event::Frame(f) => {
                            prop_assert!(Frame::new_checked(f).is_ok());
                            if f == REQ { found += 1; }
                            seen.extend_from_slice(f);
                        }
                        Event::Skipped(g) => seen.extend_from_slice(g),
                    }
                }
            }
            prop_assert_eq!(&seen, &wire);
            prop_assert!(found >= 1, "found {found}");
            prop_assert!(found == 2 || garbage.len() >= 4, "found {found}");
        }
    }
}
