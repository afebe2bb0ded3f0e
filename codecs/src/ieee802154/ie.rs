//! Information elements of 2015 frames (IEEE 802.15.4-2015 §7.4): header IEs after the
//! auxiliary security header, payload IEs at the start of the MAC payload. Their contents are
//! kept as octets; the lists keep their termination IEs so a frame re-emits unchanged.
//!
//! | kind | descriptor (u16, little-endian) | ends the list |
//! |---|---|---|
//! | header IE | b0–6 length, b7–14 element id, b15 = 0 | HT1 (0x7E: payload IEs follow), HT2 (0x7F: payload follows) |
//! | payload IE | b0–10 length, b11–14 group id, b15 = 1 | PT (group 0xF: payload follows) |

use crate::cursor::{Reader, Writer};
use crate::error::{Error, Layer, Result};

const L: Layer = Layer::Ieee802154;

/// Header termination 1: payload IEs follow.
pub const HT1: u8 = 0x7E;
/// Header termination 2: the payload follows without payload IEs.
pub const HT2: u8 = 0x7F;
/// Payload termination: the payload follows.
pub const PT: u8 = 0x0F;

/// One information element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ie<'a> {
    /// Element id (header IEs) or group id (payload IEs).
    pub id: u8,
    /// Its content.
    pub content: &'a [u8],
}

/// Which list an IE belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Header,
    Payload,
}

impl Kind {
    const fn max_len(self) -> usize {
        match self {
            Kind::Header => 0x7F,
            Kind::Payload => 0x7FF,
        }
    }

    const fn descriptor(self, ie: &Ie<'_>) -> u16 {
        let len = ie.content.len() as u16;
        match self {
            Kind::Header => len | ((ie.id as u16) << 7),
            Kind::Payload => len | (((ie.id & 0xF) as u16) << 11) | 0x8000,
        }
    }

    const fn split(self, d: u16) -> (u8, usize) {
        match self {
            Kind::Header => (((d >> 7) & 0xFF) as u8, (d & 0x7F) as usize),
            Kind::Payload => (((d >> 11) & 0xF) as u8, (d & 0x7FF) as usize),
        }
    }

    const fn is_end(self, id: u8) -> bool {
        match self {
            Kind::Header => id == HT1 || id == HT2,
            Kind::Payload => id == PT,
        }
    }
}

/// Validates the IE list at the start of `region` (up to and including its termination IE, or
/// to the end); `base` is its offset in the frame. Returns the list's length.
fn scan(region: &[u8], base: usize, kind: Kind) -> Result<usize> {
    let mut r = Reader::new(region, L);
    while r.remaining() > 0 {
        let at = r.pos();
        let d = r.u16_le().map_err(|e| e.shifted(base))?;
        let is_payload = d & 0x8000 != 0;
        if is_payload != (kind == Kind::Payload) {
            return Err(Error::invalid(
                L,
                base + at + 1,
                "IE type",
                if is_payload {
                    "0 (a header IE; payload IEs follow HT1)"
                } else {
                    "1 (a payload IE)"
                },
                u64::from(d >> 15),
            ));
        }
        let (id, len) = kind.split(d);
        r.take(len).map_err(|e| e.shifted(base))?;
        if kind.is_end(id) {
            break;
        }
    }
    Ok(r.pos())
}

fn iter(bytes: &[u8], kind: Kind) -> impl Iterator<Item = Ie<'_>> + '_ {
    let mut rest = bytes;
    core::iter::from_fn(move || {
        let [lo, hi, after @ ..] = rest else {
            return None;
        };
        let (id, len) = kind.split(u16::from_le_bytes([*lo, *hi]));
        let content = after.get(..len)?;
        rest = after.get(len..).unwrap_or(&[]);
        Some(Ie { id, content })
    })
}

fn write(ies: &[Ie<'_>], kind: Kind, w: &mut Writer<'_>) -> Result<()> {
    for ie in ies {
        if ie.content.len() > kind.max_len() {
            return Err(Error::invalid(
                L,
                w.pos(),
                "IE length",
                if kind == Kind::Header {
                    "at most 127 octets in a header IE"
                } else {
                    "at most 2047 octets in a payload IE"
                },
                ie.content.len() as u64,
            ));
        }
        w.u16_le(kind.descriptor(ie))?;
        w.put(ie.content)?;
    }
    Ok(())
}

macro_rules! ie_list {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name<'a> {
            bytes: &'a [u8],
        }

        impl<'a> $name<'a> {
            /// No IEs.
            pub const EMPTY: Self = Self { bytes: &[] };

            /// Validates the list at the start of `region` (`base`: its offset in the frame);
            /// it ends after its termination IE or at the end of `region`.
            pub fn parse(region: &'a [u8], base: usize) -> Result<Self> {
                let n = scan(region, base, $kind)?;
                Ok(Self {
                    bytes: region.get(..n).unwrap_or(&[]),
                })
            }

            /// The list's octets, descriptors included.
            pub const fn bytes(&self) -> &'a [u8] {
                self.bytes
            }

            /// The IEs in order, termination IE included.
            pub fn iter(&self) -> impl Iterator<Item = Ie<'a>> + 'a {
                iter(self.bytes, $kind)
            }

            /// The id of the termination IE that ends the list, if it has one.
            pub fn terminator(&self) -> Option<u8> {
                self.iter().last().map(|ie| ie.id).filter(|&id| $kind.is_end(id))
            }

            /// Writes `ies` as a list (for building frames).
            pub fn write(ies: &[Ie<'_>], w: &mut Writer<'_>) -> Result<()> {
                write(ies, $kind, w)
            }
        }
    };
}

ie_list!(
    /// A validated list of header IEs.
    HeaderIes,
    Kind::Header
);
ie_list!(
    /// A validated list of payload IEs.
    PayloadIes,
    Kind::Payload
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_ies_end_at_a_termination_ie() {
        // 802.15.4-2015 §7.4.2.16 CSL IE (id 0x1A, 4 octets), then HT2 (id 0x7F, length 0),
        // then payload octets that are not IEs.
        let bytes = [0x04, 0x0D, 1, 2, 3, 4, 0x80, 0x3F, 0xAA, 0xBB];
        let ies = HeaderIes::parse(&bytes, 10).unwrap();
        assert_eq!(ies.bytes().len(), 8);
        let list: std::vec::Vec<_> = ies.iter().collect();
        assert_eq!(
            list,
            [
                Ie {
                    id: 0x1A,
                    content: &[1, 2, 3, 4]
                },
                Ie {
                    id: HT2,
                    content: &[]
                }
            ]
        );
        assert_eq!(ies.terminator(), Some(HT2));
        let mut out = [0u8; 8];
        let mut w = Writer::new(&mut out, L);
        HeaderIes::write(&list, &mut w).unwrap();
        assert_eq!(w.written(), &bytes[..8]);
    }

    #[test]
    fn payload_ies_and_wrong_types() {
        // MLME payload IE (group 1) with 2 octets, then PT (group 0xF).
        let bytes = [0x02, 0x88, 9, 9, 0x00, 0xF8, 0x55];
        let ies = PayloadIes::parse(&bytes, 0).unwrap();
        assert_eq!(ies.bytes().len(), 6);
        assert_eq!(ies.terminator(), Some(PT));
        // A payload IE descriptor in the header IE list.
        let e = HeaderIes::parse(&bytes, 20).unwrap_err();
        assert_eq!(e.offset, 21);
        // A header IE whose content runs past the region.
        let e = HeaderIes::parse(&[0x05, 0x0D, 1, 2], 20).unwrap_err();
        assert_eq!(e.offset, 22);
    }
}
