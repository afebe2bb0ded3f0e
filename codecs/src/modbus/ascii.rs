//! Modbus ASCII ADU: `':' | hex(address, PDU, LRC) | CR LF`, at most 513 characters
//! (Modbus over Serial Line V1.02 §2.5.2). Hex digits may be lower case on input; `emit` writes
//! upper case. The LRC is the two's complement of the 8-bit sum of address and PDU (§6.2.1).
//!
//! Decoding cannot borrow the binary PDU (it is hex text on the wire), so [`decode`] writes
//! `address | PDU` into a caller buffer (256 bytes always suffice) — still no heap.

use crate::buffer::{Deframe, Deframed};
use crate::checksum::lrc8;
use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};

/// Largest ASCII ADU in characters.
pub const MAX_ADU: usize = 513;
/// Smallest: colon, address, function code, LRC, CR LF.
pub const MIN_ADU: usize = 9;

const L: Layer = Layer::ModbusAscii;

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes an ASCII ADU into `out` as `address | PDU`; returns that length.
///
/// Errors name the character offset: a missing `:` (0), bad end (the CR), a non-hex character,
/// an odd digit count, or the LRC (its first digit).
pub fn decode(adu: &[u8], out: &mut [u8]) -> Result<usize> {
    if adu.len() < MIN_ADU {
        return Err(Error::truncated(L, adu.len(), MIN_ADU, adu.len()));
    }
    if adu.len() > MAX_ADU {
        return Err(Error::new(
            L,
            MAX_ADU,
            ErrorKind::Oversize {
                limit: MAX_ADU,
                found: adu.len(),
            },
        ));
    }
    if adu.first() != Some(&b':') {
        return Err(Error::invalid(
            L,
            0,
            "start",
            "':'",
            u64::from(adu.first().copied().unwrap_or(0)),
        ));
    }
    let end = adu.len() - 2;
    if adu.get(end..) != Some(b"\r\n") {
        let found = adu.get(end..).map_or(0, |t| {
            u64::from(u16::from_be_bytes([
                t.first().copied().unwrap_or(0),
                t.get(1).copied().unwrap_or(0),
            ]))
        });
        return Err(Error::invalid(L, end, "end", "CR LF (0x0d0a)", found));
    }
    let digits = adu.get(1..end).unwrap_or(&[]);
    if digits.len() % 2 != 0 {
        return Err(Error::new(
            L,
            end,
            ErrorKind::Length {
                field: "hex digits (must be even)",
                expected: digits.len() + 1,
                found: digits.len(),
            },
        ));
    }
    let mut w = Writer::new(out, L);
    let pairs = digits.len() / 2;
    let mut lrc_found = 0u8;
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        let at = 1 + 2 * i;
        let nibble = |k: usize| {
            let c = pair.get(k).copied().unwrap_or(0);
            hex_value(c).ok_or(Error::invalid(
                L,
                at + k,
                "character",
                "a hex digit",
                u64::from(c),
            ))
        };
        let byte = (nibble(0)? << 4) | nibble(1)?;
        if i + 1 == pairs {
            lrc_found = byte;
        } else {
            w.u8(byte)?;
        }
    }
    let expected = lrc8(w.written());
    if expected != lrc_found {
        return Err(Error::new(
            L,
            end - 2,
            ErrorKind::Checksum {
                expected: u32::from(expected),
                found: u32::from(lrc_found),
            },
        ));
    }
    Ok(w.pos())
}

/// Writes `':' | hex(address, pdu, LRC) | CR LF` (upper-case hex) into `out`; returns its length.
pub fn emit(address: u8, pdu: &[u8], out: &mut [u8]) -> Result<usize> {
    let len = 1 + 2 * (pdu.len() + 2) + 2;
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
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut w = Writer::new(out, L);
    w.u8(b':')?;
    let lrc = lrc8(&[address]).wrapping_add(lrc8(pdu));
    for &b in core::iter::once(&address)
        .chain(pdu)
        .chain(core::iter::once(&lrc))
    {
        let hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
        let lo = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
        w.put(&[hi, lo])?;
    }
    w.put(b"\r\n")?;
    Ok(w.pos())
}

/// Finds `:` … `CR LF` frames in a character stream.
#[derive(Clone, Copy, Debug)]
pub struct Deframer {
    /// The final character of the end delimiter (LF by default; FC 8 sub-function 03 changes it).
    pub delimiter: u8,
}

impl Default for Deframer {
    fn default() -> Self {
        Deframer { delimiter: b'\n' }
    }
}

impl Deframe for Deframer {
    fn deframe(&mut self, buf: &[u8]) -> Deframed {
        if buf.first() != Some(&b':') {
            let start = buf.iter().position(|&c| c == b':').unwrap_or(buf.len());
            return Deframed::Skipped(0..start.max(1));
        }
        let rest = buf.get(1..).unwrap_or(&[]);
        // A new ':' before the end delimiter means this frame was cut off.
        match rest.iter().position(|&c| c == b':' || c == self.delimiter) {
            Some(i) if rest.get(i) == Some(&b':') => Deframed::Skipped(0..i + 1),
            Some(i) if i + 2 > MAX_ADU => Deframed::Skipped(0..1),
            Some(i) => Deframed::Frame(0..i + 2),
            None if buf.len() >= MAX_ADU => Deframed::Skipped(0..1),
            None => Deframed::NeedMore(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Modbus over serial line V1.02 §2.5.2.1 example: ":1103006B00037E\r\n".
    const ADU: &[u8] = b":1103006B00037E\r\n";

    #[test]
    fn spec_example() {
        let mut out = [0u8; 256];
        let n = decode(ADU, &mut out).unwrap();
        assert_eq!(&out[..n], &[0x11, 0x03, 0x00, 0x6B, 0x00, 0x03]);
        let mut back = [0u8; 64];
        let m = emit(0x11, &out[1..n], &mut back).unwrap();
        assert_eq!(&back[..m], ADU);
        // Lower case is accepted.
        assert_eq!(decode(b":1103006b00037e\r\n", &mut out).unwrap(), 6);
    }

    #[test]
    fn errors_point_at_the_character() {
        let mut out = [0u8; 256];
        let e = decode(b":1103006B00037F\r\n", &mut out).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                13,
                ErrorKind::Checksum {
                    expected: 0x7E,
                    found: 0x7F
                }
            )
        );
        let e = decode(b":1103006G00037E\r\n", &mut out).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (8, "invalid"));
        let e = decode(b":1103006B00037\r\n", &mut out).unwrap_err();
        assert_eq!(e.kind.name(), "length");
        let e = decode(b"1103006B00037E\r\n", &mut out).unwrap_err();
        assert_eq!(e.offset, 0);
        let e = decode(b":1103006B00037E\n\n", &mut out).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (15, "invalid"));
    }

    #[test]
    fn deframer_resyncs_on_a_new_colon() {
        let mut d = Deframer::default();
        assert_eq!(d.deframe(b"xx:11"), Deframed::Skipped(0..2));
        assert_eq!(d.deframe(b":11"), Deframed::NeedMore(1));
        assert_eq!(
            d.deframe(b":11:1103006B00037E\r\n"),
            Deframed::Skipped(0..3)
        );
        assert_eq!(d.deframe(ADU), Deframed::Frame(0..ADU.len()));
    }
}
