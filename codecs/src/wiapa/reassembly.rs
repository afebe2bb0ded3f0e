//! Reassembly of NL fragments (`docs/profiles/wpa-l.md`, "Reassembly of NL fragments"): the
//! fragments of one packet share (MAC source, NL source, tag) and may arrive in any order.
//!
//! The octets go into caller storage through the fixed-capacity [`Assembler`]. An identical
//! duplicate is ignored; an overlap with other content, an offset past `total_len`, a
//! `total_len` that changes, a fragment of another NL type, or more octets than the storage
//! holds is an error that leaves everything assembled so far untouched.

use causeway_core::WpanAddr;

use crate::buffer::{Assembler, Buffer};
use crate::error::{Error, ErrorKind, Layer, Result};

use super::header::{FragmentHeader, NlHeader, NlType};
use super::packet::NlBody;

const L: Layer = Layer::Reassembly;

/// Which packet a fragment belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FragmentKey {
    /// The MAC source address (none in frames without one).
    pub mac_src: Option<WpanAddr>,
    /// The NL source address.
    pub nl_src: u16,
    /// The fragment tag.
    pub tag: u8,
}

impl FragmentKey {
    /// The key of a fragment from `mac_src` with NL header `nl`.
    pub const fn of(mac_src: Option<WpanAddr>, nl: &NlHeader, fragment: &FragmentHeader) -> Self {
        FragmentKey {
            mac_src,
            nl_src: nl.src,
            tag: fragment.tag,
        }
    }
}

/// One NL packet being reassembled in `B`.
#[derive(Debug)]
pub struct Reassembly<B: Buffer> {
    key: FragmentKey,
    kind: NlType,
    assembler: Assembler<B>,
}

impl<B: Buffer> Reassembly<B> {
    /// A packet of NL type `kind` for `key`, assembled in `storage`.
    pub fn new(key: FragmentKey, kind: NlType, storage: B) -> Self {
        Reassembly {
            key,
            kind,
            assembler: Assembler::new(storage),
        }
    }

    /// The packet's key.
    pub const fn key(&self) -> FragmentKey {
        self.key
    }

    /// Adds a fragment of `key` and NL type `kind`; returns the whole packet once every octet
    /// is in.
    pub fn push(
        &mut self,
        key: FragmentKey,
        kind: NlType,
        fragment: &FragmentHeader,
        data: &[u8],
    ) -> Result<Option<&[u8]>> {
        if key != self.key {
            return Err(Error::invalid(
                L,
                0,
                "fragment key",
                "the packet's (MAC source, NL source, tag)",
                u64::from(key.tag),
            ));
        }
        if kind != self.kind {
            return Err(Error::new(
                L,
                usize::from(fragment.offset),
                ErrorKind::Conflict {
                    what: "NL type differs between fragments",
                },
            ));
        }
        self.assembler.set_total(usize::from(fragment.total_len))?;
        self.assembler.insert(usize::from(fragment.offset), data)?;
        Ok(self.assembler.complete())
    }

    /// The reassembled packet's body, once complete (errors at offsets in the packet).
    pub fn body(&self) -> Option<Result<NlBody<'_>>> {
        self.assembler
            .complete()
            .map(|bytes| NlBody::parse(self.kind, bytes, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: FragmentKey = FragmentKey {
        mac_src: Some(WpanAddr::Short(0x0102)),
        nl_src: 0x0102,
        tag: 7,
    };

    fn frag(offset: u16, more: bool) -> FragmentHeader {
        FragmentHeader {
            tag: 7,
            flags: u8::from(more),
            offset,
            total_len: 11,
        }
    }

    // The profile's PUBLISH PDU, 11 octets.
    const PDU: [u8; 11] = [
        0x00, 0x05, 0x01, 0x01, 0x02, 0x08, 0x04, 0x00, 0x00, 0x48, 0x41,
    ];

    #[test]
    fn out_of_order_with_duplicates() {
        let mut r = Reassembly::new(KEY, NlType::Data, [0u8; 32]);
        assert_eq!(
            r.push(KEY, NlType::Data, &frag(6, false), &PDU[6..])
                .unwrap(),
            None
        );
        assert_eq!(
            r.push(KEY, NlType::Data, &frag(6, false), &PDU[6..])
                .unwrap(),
            None
        );
        let done = r
            .push(KEY, NlType::Data, &frag(0, true), &PDU[..6])
            .unwrap();
        assert_eq!(done, Some(&PDU[..]));
        assert!(matches!(r.body(), Some(Ok(NlBody::Pdu(_)))));
    }

    #[test]
    fn errors_keep_what_was_assembled() {
        let mut r = Reassembly::new(KEY, NlType::Data, [0u8; 32]);
        r.push(KEY, NlType::Data, &frag(0, true), &PDU[..6])
            .unwrap();
        // Overlap with other content.
        let e = r
            .push(KEY, NlType::Data, &frag(4, true), &[9, 9, 9])
            .unwrap_err();
        assert_eq!(e.kind.name(), "conflict");
        // Past total_len.
        let e = r
            .push(KEY, NlType::Data, &frag(10, false), &[1, 2])
            .unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Oversize {
                limit: 11,
                found: 12
            }
        );
        // Another NL type.
        let e = r
            .push(KEY, NlType::Command, &frag(6, false), &PDU[6..])
            .unwrap_err();
        assert_eq!(e.kind.name(), "conflict");
        // Capacity.
        let mut small = Reassembly::new(KEY, NlType::Data, [0u8; 8]);
        let e = small
            .push(KEY, NlType::Data, &frag(0, true), &PDU[..6])
            .unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Capacity {
                needed: 11,
                capacity: 8
            }
        );
        // Still completes.
        let done = r
            .push(KEY, NlType::Data, &frag(6, false), &PDU[6..])
            .unwrap();
        assert_eq!(done, Some(&PDU[..]));
    }
}
