//! Domain-transfer reassembly under arbitrary blocks: never panics, never changes what it has
//! assembled, and completes with exactly the in-order blocks once the last one is in.
#![no_main]
use causeway_codecs::epa::domain::{DomainKey, DomainTransfer};
use causeway_codecs::epa::header::{Flags, Service};
use causeway_codecs::epa::{Block, Header};
use libfuzzer_sys::fuzz_target;

const KEY: DomainKey = DomainKey {
    src_app: 1,
    dst_app: 2,
    domain_id: 3,
};

fuzz_target!(|input: &[u8]| {
    let mut t: DomainTransfer<[u8; 64], 8> = DomainTransfer::new(KEY, [0; 64]);
    // What must have been assembled: the accepted blocks in order.
    let mut accepted: Vec<Vec<u8>> = Vec::new();
    let mut last = false;
    for op in input.chunks(3) {
        let [seq, len_more, val] = *op else { continue };
        let data = vec![val; usize::from(len_more & 0x1F)];
        let more = len_more & 0x80 != 0;
        let header = Header {
            service: Service::request(Service::DOMAIN_DOWNLOAD),
            flags: if more { Flags::MORE } else { Flags::empty() },
            body_len: 0,
            msg_id: 0,
            src_app: 1,
            dst_app: if len_more & 0x40 != 0 { 9 } else { 2 },
            dst_obj: 0,
        };
        let block = Block {
            domain_id: 3,
            block_seq: u16::from(seq % 12),
            data: &data,
        };
        let before = t.assembled();
        match t.push(&header, &block).map(|done| done.map(<[u8]>::to_vec)) {
            Ok(done) => {
                let seq = usize::from(block.block_seq);
                if seq == accepted.len() {
                    assert!(!last && header.dst_app == 2);
                    accepted.push(data.clone());
                    last = !more;
                } else {
                    assert_eq!(accepted[seq], data, "a repeat is the same block");
                }
                let whole: Vec<u8> = accepted.concat();
                assert_eq!(t.assembled(), whole.len());
                assert_eq!(done.is_some(), last);
                if let Some(all) = done {
                    assert_eq!(all, whole);
                }
            }
            Err(_) => assert_eq!(t.assembled(), before, "an error loses nothing"),
        }
    }
});
