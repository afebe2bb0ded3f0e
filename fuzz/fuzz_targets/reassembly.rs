//! The reassembly buffer under arbitrary inserts: never panics, never loses or changes bytes it
//! already accepted, and completes exactly when every byte up to the total is present.
#![no_main]
use causeway_codecs::buffer::Assembler;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut a = Assembler::new([0u8; 128]);
    let mut shadow: [Option<u8>; 128] = [None; 128];
    let mut total = None;
    for op in input.chunks(4) {
        match op {
            [0, t, ..] => {
                if a.set_total(usize::from(*t)).is_ok() {
                    total = Some(usize::from(*t));
                }
            }
            [off, len, val, ..] => {
                let data = vec![*val; usize::from(*len % 24)];
                let off = usize::from(*off);
                if a.insert(off, &data).is_ok() {
                    for (i, b) in data.iter().enumerate() {
                        assert!(
                            shadow[off + i].is_none_or(|s| s == *b),
                            "accepted a conflict"
                        );
                        shadow[off + i] = Some(*b);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(done) = a.complete() {
        let t = total.expect("complete needs a total");
        assert_eq!(done.len(), t);
        for (i, b) in done.iter().enumerate() {
            assert_eq!(shadow[i], Some(*b));
        }
    } else if let Some(t) = total {
        assert!(
            shadow[..t].iter().any(Option::is_none),
            "all bytes present but not complete"
        );
    }
});
