//! A whole WPA-L payload of an 802.15.4 data frame: `DLSL | NL | [fragment header] | ASL PDU`,
//! an aggregate, or a command (`docs/profiles/wpa-l.md`).
//!
//! An aggregate (NL type 1) is `count u8` then `count` × `{src u16, len u8, ASL PDU[len]}`, and
//! must fill the packet. A fragment that holds a whole packet (offset 0, no more fragments,
//! `total_len` its length) is read as the packet; any other fragment stays octets until
//! [`super::reassembly`] has them all.

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

use super::asl::AslPdu;
use super::header::{DlslType, FragmentHeader, NlHeader, NlType};

const L: Layer = Layer::Wpal;

/// An aggregate of ASL PDUs, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aggregate<'a> {
    count: u8,
    entries: &'a [u8],
    base: usize,
}

/// One aggregated PDU with its original sender.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry<'a> {
    /// The network address the PDU came from.
    pub src: u16,
    /// The PDU.
    pub pdu: AslPdu<'a>,
}

impl<'a> Aggregate<'a> {
    /// Parses an aggregate that fills `bytes`, `base` octets into the frame.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        let shift = |e: Error| e.shifted(base);
        let count = r.u8().map_err(shift)?;
        for _ in 0..count {
            r.u16_le().map_err(shift)?;
            let len = usize::from(r.u8().map_err(shift)?);
            let at = r.pos();
            AslPdu::parse(r.take(len).map_err(shift)?, base + at)?;
        }
        r.finish().map_err(shift)?;
        Ok(Aggregate {
            count,
            entries: bytes.get(1..).unwrap_or(&[]),
            base: base + 1,
        })
    }

    /// The number of PDUs.
    pub const fn count(&self) -> u8 {
        self.count
    }

    /// The aggregate's octets after the count.
    pub const fn entry_bytes(&self) -> &'a [u8] {
        self.entries
    }

    /// The PDUs in order.
    pub fn iter(&self) -> impl Iterator<Item = Entry<'a>> + 'a {
        let mut r = Reader::new(self.entries, L);
        let base = self.base;
        core::iter::from_fn(move || {
            let src = r.u16_le().ok()?;
            let len = usize::from(r.u8().ok()?);
            let at = r.pos();
            let pdu = AslPdu::parse(r.take(len).ok()?, base + at).ok()?;
            Some(Entry { src, pdu })
        })
    }

    /// Writes `entries` as an aggregate (count first).
    pub fn write(entries: &[Entry<'_>], w: &mut Writer<'_>) -> Result<()> {
        let count = u8::try_from(entries.len()).map_err(|_| {
            Error::new(
                L,
                w.pos(),
                ErrorKind::Oversize {
                    limit: 255,
                    found: entries.len(),
                },
            )
        })?;
        w.u8(count)?;
        for e in entries {
            let len = e.pdu.buffer_len();
            w.u16_le(e.src)?;
            w.u8(u8::try_from(len).map_err(|_| {
                Error::new(
                    L,
                    w.pos(),
                    ErrorKind::Oversize {
                        limit: 255,
                        found: len,
                    },
                )
            })?)?;
            e.pdu.emit(w)?;
        }
        Ok(())
    }

    /// The aggregate's length.
    pub const fn buffer_len(&self) -> usize {
        1 + self.entries.len()
    }

    /// Writes the aggregate as parsed.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.count)?;
        w.put(self.entries)
    }
}

/// What an NL packet carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NlBody<'a> {
    /// One ASL PDU (NL type 0).
    Pdu(AslPdu<'a>),
    /// Aggregated PDUs (NL type 1).
    Aggregate(Aggregate<'a>),
    /// An NL command's octets (NL type 2).
    Command(&'a [u8]),
    /// A fragment's octets, to be reassembled.
    Fragment(&'a [u8]),
}

impl<'a> NlBody<'a> {
    /// Parses a whole packet of `kind`, `base` octets into the frame.
    pub fn parse(kind: NlType, bytes: &'a [u8], base: usize) -> Result<Self> {
        Ok(match kind {
            NlType::Data => NlBody::Pdu(AslPdu::parse(bytes, base)?),
            NlType::Aggregated => NlBody::Aggregate(Aggregate::parse(bytes, base)?),
            NlType::Command => NlBody::Command(bytes),
        })
    }

    /// The body's length.
    pub fn buffer_len(&self) -> usize {
        match self {
            NlBody::Pdu(p) => p.buffer_len(),
            NlBody::Aggregate(a) => a.buffer_len(),
            NlBody::Command(b) | NlBody::Fragment(b) => b.len(),
        }
    }

    /// Writes the body.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            NlBody::Pdu(p) => p.emit(w),
            NlBody::Aggregate(a) => a.emit(w),
            NlBody::Command(b) | NlBody::Fragment(b) => w.put(b),
        }
    }
}

/// An NL packet: header, fragment header, body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network<'a> {
    /// The NL header.
    pub header: NlHeader,
    /// The fragment header (when the NL header says one follows).
    pub fragment: Option<FragmentHeader>,
    /// The body.
    pub body: NlBody<'a>,
}

/// A WPA-L payload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Packet<'a> {
    /// DLSL data: an NL packet.
    Data(Network<'a>),
    /// A DLSL command's octets.
    Command(&'a [u8]),
}

impl<'a> Packet<'a> {
    /// Parses the MAC payload `bytes`, `base` octets into the 802.15.4 frame.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        let dlsl = DlslType::parse(r.u8().map_err(|e| e.shifted(base))?, base)?;
        if dlsl == DlslType::Command {
            return Ok(Packet::Command(r.rest()));
        }
        let header = NlHeader::parse(&mut r, base)?;
        let fragment = if header.fragmented {
            let at = base + r.pos();
            let f = FragmentHeader::parse(&mut r, base)?;
            let end = usize::from(f.offset) + r.remaining();
            if end > usize::from(f.total_len) {
                return Err(Error::new(
                    L,
                    at + 2,
                    ErrorKind::Length {
                        field: "fragment offset + length (past total_len)",
                        expected: usize::from(f.total_len),
                        found: end,
                    },
                ));
            }
            Some(f)
        } else {
            None
        };
        let at = base + r.pos();
        let rest = r.rest();
        let body = if is_whole(fragment, rest.len()) {
            NlBody::parse(header.kind, rest, at)?
        } else {
            NlBody::Fragment(rest)
        };
        Ok(Packet::Data(Network {
            header,
            fragment,
            body,
        }))
    }

    /// The payload's length.
    pub fn buffer_len(&self) -> usize {
        1 + match self {
            Packet::Command(b) => b.len(),
            Packet::Data(n) => 5 + if n.fragment.is_some() { 6 } else { 0 } + n.body.buffer_len(),
        }
    }

    /// Writes the payload.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Packet::Command(b) => {
                w.u8(DlslType::Command as u8)?;
                w.put(b)
            }
            Packet::Data(n) => {
                if n.header.fragmented != n.fragment.is_some() {
                    return Err(Error::invalid(
                        L,
                        w.pos() + 1,
                        "NL fragment bit",
                        "set exactly when a fragment header is given",
                        u64::from(n.header.fragmented),
                    ));
                }
                w.u8(DlslType::Data as u8)?;
                n.header.emit(w)?;
                if let Some(f) = &n.fragment {
                    f.emit(w)?;
                }
                n.body.emit(w)
            }
        }
    }
}

/// Whether a packet with this fragment header (if any) and `len` octets is whole.
fn is_whole(fragment: Option<FragmentHeader>, len: usize) -> bool {
    match fragment {
        None => true,
        Some(f) => f.offset == 0 && !f.more() && usize::from(f.total_len) == len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldbus::TypedValue;
    use crate::wiapa::asl::Body;

    fn round_trip(bytes: &[u8]) -> Packet<'_> {
        let p = Packet::parse(bytes, 9).unwrap();
        assert_eq!(p.buffer_len(), bytes.len());
        let mut out = [0u8; 128];
        let mut w = Writer::new(&mut out, L);
        p.emit(&mut w).unwrap();
        assert_eq!(w.written(), bytes);
        p
    }

    #[test]
    fn the_profile_publish_payload() {
        let p = round_trip(&[
            0x00, 0x00, 0x01, 0x00, 0x02, 0x01, 0x00, 0x05, 0x01, 0x01, 0x02, 0x08, 0x04, 0x00,
            0x00, 0x48, 0x41,
        ]);
        let Packet::Data(n) = p else { panic!() };
        assert_eq!((n.header.dst, n.header.src), (0x0001, 0x0102));
        let NlBody::Pdu(pdu) = n.body else { panic!() };
        assert_eq!(
            pdu.body,
            Body::Publish {
                attr: 2,
                value: TypedValue::Float32(12.5)
            }
        );
    }

    #[test]
    fn aggregates_and_fragments() {
        // Two READ_REQs aggregated by router 0x0010 for 0x0001.
        let agg = [
            0x00, 0x01, 0x01, 0x00, 0x10, 0x00, 0x02, 0x03, 0x02, 0x05, 0x01, 0x01, 0x01, 0x01,
            0x07, 0x03, 0x02, 0x05, 0x01, 0x02, 0x06, 0x01, 0x08,
        ];
        let Packet::Data(n) = round_trip(&agg) else {
            panic!()
        };
        let NlBody::Aggregate(a) = n.body else {
            panic!()
        };
        let srcs: std::vec::Vec<_> = a.iter().map(|e| (e.src, e.pdu.header.src_uao)).collect();
        assert_eq!(srcs, [(0x0203, 1), (0x0203, 6)]);
        assert_eq!(a.count(), 2);
        // A fragment: tag 7, more, offset 0, total 20, 3 octets.
        let frag = [
            0x00, 0x04, 0x01, 0x00, 0x02, 0x01, 7, 1, 0, 0, 20, 0, 0xAA, 0xBB, 0xCC,
        ];
        let Packet::Data(n) = round_trip(&frag) else {
            panic!()
        };
        assert_eq!(n.body, NlBody::Fragment(&[0xAA, 0xBB, 0xCC]));
        // Past total_len.
        let mut bad = frag;
        bad[10] = 2;
        let e = Packet::parse(&bad, 9).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                9 + 8,
                ErrorKind::Length {
                    field: "fragment offset + length (past total_len)",
                    expected: 2,
                    found: 3
                }
            )
        );
        // An aggregate whose count claims more than there is.
        let mut short = agg;
        short[6] = 3;
        assert_eq!(
            Packet::parse(&short, 9).unwrap_err().kind.name(),
            "truncated"
        );
    }
}
