//! Modbus TCP ADU: the 7-byte MBAP header `transaction id | protocol id (0) | length | unit id`
//! followed by the PDU; `length` counts the unit id and the PDU, so an ADU is at most 260 bytes
//! (Modbus Messaging on TCP/IP Implementation Guide V1.0b §3.1.3).
//!
//! The [`Deframer`] splits a TCP byte stream into ADUs by the length field: several ADUs in one
//! segment, or one ADU split across segments. A header that cannot be MBAP (protocol id not 0,
//! length outside 2..=254) is skipped one byte at a time.

use crate::buffer::{Deframe, Deframed};
use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};

use super::MAX_PDU;

/// Largest TCP ADU.
pub const MAX_ADU: usize = 260;
/// MBAP header length.
pub const HEADER_LEN: usize = 7;

const L: Layer = Layer::ModbusTcp;

mod field {
    use core::ops::Range;
    pub const TRANSACTION: Range<usize> = 0..2;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const UNIT: usize = 6;
    pub const PDU: usize = 7;
}

/// The MBAP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Transaction identifier (echoed by the server).
    pub transaction_id: u16,
    /// Protocol identifier (0 = Modbus).
    pub protocol_id: u16,
    /// Unit identifier.
    pub unit_id: u8,
}

/// A checked view of a TCP ADU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

fn be(b: &[u8], r: core::ops::Range<usize>) -> u16 {
    match b.get(r) {
        Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
        _ => 0,
    }
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Checks the header: protocol id 0, size limits, and the length field against the bytes
    /// (fewer bytes than it says is truncation; more is a length error).
    pub fn new_checked(buffer: T) -> Result<Self> {
        let b = buffer.as_ref();
        if b.len() < HEADER_LEN + 1 {
            return Err(Error::truncated(L, b.len(), HEADER_LEN + 1, b.len()));
        }
        let protocol = be(b, field::PROTOCOL);
        if protocol != 0 {
            return Err(Error::invalid(
                L,
                field::PROTOCOL.start,
                "protocol id",
                "0 (Modbus)",
                u64::from(protocol),
            ));
        }
        let length = usize::from(be(b, field::LENGTH));
        if !(2..=MAX_PDU + 1).contains(&length) {
            return Err(Error::new(
                L,
                field::LENGTH.start,
                ErrorKind::Oversize {
                    limit: MAX_PDU + 1,
                    found: length,
                },
            ));
        }
        if length > b.len() - 6 {
            // The ADU goes on past these bytes: incomplete, not malformed.
            return Err(Error::truncated(L, b.len(), 6 + length, b.len()));
        }
        if length != b.len() - 6 {
            return Err(Error::new(
                L,
                field::LENGTH.start,
                ErrorKind::Length {
                    field: "MBAP length",
                    expected: b.len() - 6,
                    found: length,
                },
            ));
        }
        Ok(Frame { buffer })
    }

    /// The MBAP header.
    pub fn header(&self) -> Header {
        let b = self.buffer.as_ref();
        Header {
            transaction_id: be(b, field::TRANSACTION),
            protocol_id: be(b, field::PROTOCOL),
            unit_id: b.get(field::UNIT).copied().unwrap_or(0),
        }
    }

    /// The MBAP length field.
    pub fn length(&self) -> u16 {
        be(self.buffer.as_ref(), field::LENGTH)
    }

    /// The PDU.
    pub fn pdu(&self) -> &[u8] {
        self.buffer.as_ref().get(field::PDU..).unwrap_or(&[])
    }
}

/// Writes `MBAP header | pdu` into `out`; returns the ADU length.
pub fn emit(header: &Header, pdu: &[u8], out: &mut [u8]) -> Result<usize> {
    if pdu.is_empty() || pdu.len() > MAX_PDU {
        return Err(Error::new(
            L,
            HEADER_LEN,
            ErrorKind::Oversize {
                limit: MAX_PDU,
                found: pdu.len(),
            },
        ));
    }
    let mut w = Writer::new(out, L);
    w.u16_be(header.transaction_id)?;
    w.u16_be(header.protocol_id)?;
    w.u16_be((pdu.len() + 1) as u16)?;
    w.u8(header.unit_id)?;
    w.put(pdu)?;
    Ok(w.pos())
}

/// Splits a TCP stream into MBAP ADUs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Deframer;

impl Deframe for Deframer {
    fn deframe(&mut self, buf: &[u8]) -> Deframed {
        if buf.len() < 6 {
            // A protocol id already non-zero means this cannot be a header.
            if let Some(&[hi, lo]) = buf.get(2..4) {
                if hi != 0 || lo != 0 {
                    return Deframed::Skipped(0..1);
                }
            }
            return Deframed::NeedMore(6 - buf.len());
        }
        let length = usize::from(be(buf, field::LENGTH));
        if be(buf, field::PROTOCOL) != 0 || !(2..=MAX_PDU + 1).contains(&length) {
            return Deframed::Skipped(0..1);
        }
        let total = 6 + length;
        if buf.len() < total {
            Deframed::NeedMore(total - buf.len())
        } else {
            Deframed::Frame(0..total)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer::{Event, Stream};
    use proptest::prelude::*;

    // Messaging Implementation Guide §3.1.3 layout: transaction 1, unit 0x11, FC 3 read 108, 3 regs.
    const ADU: [u8; 12] = [
        0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11, 0x03, 0x00, 0x6B, 0x00, 0x03,
    ];

    #[test]
    fn checked_view() {
        let f = Frame::new_checked(&ADU[..]).unwrap();
        assert_eq!(
            f.header(),
            Header {
                transaction_id: 1,
                protocol_id: 0,
                unit_id: 0x11
            }
        );
        assert_eq!(f.pdu(), &ADU[7..]);
        let mut bad = ADU;
        bad[5] = 7; // one octet more than there is: incomplete
        let e = Frame::new_checked(&bad[..]).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                12,
                ErrorKind::Truncated {
                    needed: 13,
                    available: 12
                }
            )
        );
        bad[5] = 5; // one octet less than there is: malformed
        let e = Frame::new_checked(&bad[..]).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                4,
                ErrorKind::Length {
                    field: "MBAP length",
                    expected: 6,
                    found: 5
                }
            )
        );
        bad = ADU;
        bad[3] = 1;
        assert_eq!(
            Frame::new_checked(&bad[..]).unwrap_err().kind.name(),
            "invalid"
        );
        let mut out = [0u8; 12];
        assert_eq!(emit(&f.header(), f.pdu(), &mut out).unwrap(), 12);
        assert_eq!(out, ADU);
    }

    proptest! {
        #[test]
        fn any_segmentation_yields_every_adu(count in 1usize..6, cuts in proptest::collection::vec(1usize..30, 1..10)) {
            let mut wire = std::vec::Vec::new();
            for _ in 0..count { wire.extend_from_slice(&ADU); }
            let mut s = Stream::new([0u8; 300], Deframer);
            let (mut at, mut got, mut i) = (0, 0, 0);
            while at < wire.len() {
                let end = (at + cuts[i % cuts.len()]).min(wire.len());
                s.push(&wire[at..end]).unwrap();
                at = end;
                i += 1;
                while let Some(ev) = s.next_event() {
                    prop_assert_eq!(ev, Event::Frame(&ADU[..]));
                    got += 1;
                }
            }
            prop_assert_eq!(got, count);
        }
    }
}
