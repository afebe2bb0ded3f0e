//! WPA-L fragment reassembly under arbitrary fragments: never panics, never loses or changes
//! octets it accepted, completes exactly when every octet up to `total_len` is in, and the
//! completed packet parses without panicking.
#![no_main]
use causeway_codecs::wiapa::{FragmentHeader, FragmentKey, NlType, Reassembly};
use libfuzzer_sys::fuzz_target;

const KEY: FragmentKey = FragmentKey {
    mac_src: None,
    nl_src: 1,
    tag: 1,
};

fuzz_target!(|input: &[u8]| {
    let [total, rest @ ..] = input else {
        return;
    };
    let total = u16::from(*total);
    let mut r = Reassembly::new(KEY, NlType::Data, [0u8; 200]);
    let mut shadow = [None::<u8>; 256];
    let mut complete = false;
    for op in rest.chunks(3) {
        let [off, len, val] = *op else { break };
        let data = vec![val; usize::from(len % 32)];
        let f = FragmentHeader {
            tag: 1,
            flags: 1,
            offset: u16::from(off),
            total_len: total,
        };
        if let Ok(done) = r.push(KEY, NlType::Data, &f, &data) {
            for (i, b) in data.iter().enumerate() {
                let at = usize::from(off) + i;
                assert!(shadow[at].is_none_or(|s| s == *b), "accepted a conflict");
                shadow[at] = Some(*b);
            }
            if let Some(all) = done {
                assert_eq!(all.len(), usize::from(total));
                assert!(all.iter().enumerate().all(|(i, b)| shadow[i] == Some(*b)));
                complete = true;
            }
        }
    }
    if complete {
        let _ = r.body();
    } else if usize::from(total) <= 200
        && shadow[..usize::from(total)].iter().all(Option::is_some)
        && total > 0
    {
        panic!("every octet is in but the packet is not complete");
    }
});
