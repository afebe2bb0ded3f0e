//! Reassembly of a domain transfer (`docs/profiles/epa-s.md`, "Domain transfer"): DOMAIN_DOWNLOAD or
//! DOMAIN_UPLOAD blocks of one (`src_app`, `dst_app`, `domain_id`) arrive in `block_seq` order
//! from 0, and every block but the last sets `more`.
//!
//! The octets go into caller storage through the fixed-capacity [`Assembler`]. A gap in the
//! block numbers, a repeated block with other content, a block after the last, or more octets
//! than the storage holds is an error that leaves everything assembled so far untouched; a
//! repeated block with the same content is ignored (a retransmission).

use crate::buffer::{Assembler, Buffer};
use crate::error::{Error, ErrorKind, Layer, Result};

use super::body::Block;
use super::header::{Flags, Header};

/// Which transfer a block belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainKey {
    /// Sender.
    pub src_app: u16,
    /// Receiver.
    pub dst_app: u16,
    /// The domain.
    pub domain_id: u16,
}

impl DomainKey {
    /// The key of a block sent with `header`.
    pub const fn of(header: &Header, block: &Block<'_>) -> Self {
        DomainKey {
            src_app: header.src_app,
            dst_app: header.dst_app,
            domain_id: block.domain_id,
        }
    }
}

/// One domain transfer being reassembled, in `B`; at most `N` blocks.
#[derive(Debug)]
pub struct DomainTransfer<B: Buffer, const N: usize = 256> {
    key: DomainKey,
    assembler: Assembler<B>,
    /// End offset of each block received, by block number.
    ends: [usize; N],
    /// Blocks received (the next block number expected).
    blocks: usize,
    /// The last block (without `more`) has arrived.
    last_seen: bool,
}

const L: Layer = Layer::Reassembly;

impl<B: Buffer, const N: usize> DomainTransfer<B, N> {
    /// A transfer for `key`, assembled in `storage`.
    pub fn new(key: DomainKey, storage: B) -> Self {
        DomainTransfer {
            key,
            assembler: Assembler::new(storage),
            ends: [0; N],
            blocks: 0,
            last_seen: false,
        }
    }

    /// The transfer's key.
    pub const fn key(&self) -> DomainKey {
        self.key
    }

    /// Blocks received so far.
    pub const fn blocks(&self) -> usize {
        self.blocks
    }

    /// Adds the block of a frame sent with `header`; returns the whole domain once its last
    /// block is in.
    pub fn push(&mut self, header: &Header, block: &Block<'_>) -> Result<Option<&[u8]>> {
        let key = DomainKey::of(header, block);
        if key != self.key {
            return Err(Error::invalid(
                L,
                0,
                "domain key",
                "the transfer's (src_app, dst_app, domain_id)",
                u64::from(block.domain_id),
            ));
        }
        let seq = usize::from(block.block_seq);
        let start = |i: usize| match i.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        if seq < self.blocks {
            // A repeat: it must be the same octets at the same place.
            let (from, to) = (start(seq), self.ends.get(seq).copied().unwrap_or(0));
            if to - from != block.data.len() {
                return Err(Error::new(
                    L,
                    from,
                    ErrorKind::Conflict {
                        what: "repeated block with another length",
                    },
                ));
            }
            self.assembler.insert(from, block.data)?;
            return Ok(self.assembler.complete());
        }
        let contiguous = start(self.blocks);
        if seq > self.blocks || self.last_seen {
            return Err(Error::invalid(
                L,
                contiguous,
                "block_seq",
                if self.last_seen {
                    "no block after the last one"
                } else {
                    "the next block in order"
                },
                seq as u64,
            ));
        }
        let end_slot = self.ends.get_mut(seq).ok_or(Error::new(
            L,
            contiguous,
            ErrorKind::Capacity {
                needed: seq + 1,
                capacity: N,
            },
        ))?;
        let end = contiguous + block.data.len();
        self.assembler.insert(contiguous, block.data)?;
        *end_slot = end;
        self.blocks += 1;
        if !header.flags.contains(Flags::MORE) {
            self.assembler.set_total(end)?;
            self.last_seen = true;
        }
        Ok(self.assembler.complete())
    }

    /// The octets assembled so far, in order.
    pub fn assembled(&self) -> usize {
        self.assembler.contiguous()
    }

    /// The whole domain, once its last block is in.
    pub fn complete(&self) -> Option<&[u8]> {
        self.assembler.complete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epa::header::Service;

    fn header(more: bool) -> Header {
        Header {
            service: Service::request(Service::DOMAIN_DOWNLOAD),
            flags: if more { Flags::MORE } else { Flags::empty() },
            body_len: 0,
            msg_id: 1,
            src_app: 0x20,
            dst_app: 0x10,
            dst_obj: 0,
        }
    }

    fn block(seq: u16, data: &[u8]) -> Block<'_> {
        Block {
            domain_id: 3,
            block_seq: seq,
            data,
        }
    }

    const KEY: DomainKey = DomainKey {
        src_app: 0x20,
        dst_app: 0x10,
        domain_id: 3,
    };

    #[test]
    fn blocks_in_order_with_a_retransmission() {
        let mut t: DomainTransfer<[u8; 16], 8> = DomainTransfer::new(KEY, [0; 16]);
        assert_eq!(t.push(&header(true), &block(0, b"abc")).unwrap(), None);
        assert_eq!(t.push(&header(true), &block(0, b"abc")).unwrap(), None);
        assert_eq!(t.push(&header(true), &block(1, b"de")).unwrap(), None);
        assert_eq!(
            t.push(&header(false), &block(2, b"f")).unwrap(),
            Some(&b"abcdef"[..])
        );
        assert_eq!((t.blocks(), t.complete()), (3, Some(&b"abcdef"[..])));
    }

    #[test]
    fn errors_lose_nothing() {
        let mut t: DomainTransfer<[u8; 8], 4> = DomainTransfer::new(KEY, [0; 8]);
        t.push(&header(true), &block(0, b"abc")).unwrap();
        // A gap.
        let e = t.push(&header(true), &block(2, b"xy")).unwrap_err();
        assert_eq!((e.layer, e.offset, e.kind.name()), (L, 3, "invalid"));
        // A repeat with other content, or another length.
        assert_eq!(
            t.push(&header(true), &block(0, b"abd"))
                .unwrap_err()
                .kind
                .name(),
            "conflict"
        );
        assert_eq!(
            t.push(&header(true), &block(0, b"ab"))
                .unwrap_err()
                .kind
                .name(),
            "conflict"
        );
        // More than the storage holds.
        assert_eq!(
            t.push(&header(true), &block(1, b"123456"))
                .unwrap_err()
                .kind
                .name(),
            "capacity"
        );
        // Another transfer's block.
        let other = Block {
            domain_id: 4,
            ..block(1, b"de")
        };
        assert!(t.push(&header(true), &other).is_err());
        // Still intact: the transfer goes on.
        assert_eq!(t.assembled(), 3);
        assert_eq!(
            t.push(&header(false), &block(1, b"de")).unwrap(),
            Some(&b"abcde"[..])
        );
        assert!(
            t.push(&header(false), &block(2, b"!")).is_err(),
            "nothing after the last"
        );
    }

    #[test]
    fn block_numbers_beyond_the_table_are_capacity_errors() {
        let mut t: DomainTransfer<[u8; 8], 2> = DomainTransfer::new(KEY, [0; 8]);
        t.push(&header(true), &block(0, b"a")).unwrap();
        t.push(&header(true), &block(1, b"b")).unwrap();
        assert_eq!(
            t.push(&header(true), &block(2, b"c"))
                .unwrap_err()
                .kind
                .name(),
            "capacity"
        );
        assert_eq!(t.assembled(), 2);
    }
}
