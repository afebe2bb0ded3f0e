//! 802.15.4 frames on arbitrary bytes, with and without FCS: no panic; whatever parses emits back
//! to the same octets, and a clear payload's parts emit back to the payload.
#![no_main]
use causeway_codecs::cursor::Writer;
use causeway_codecs::ieee802154::{Fcs, Frame};
use causeway_codecs::Layer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for fcs in [Fcs::Present, Fcs::Absent] {
        let Ok(frame) = Frame::parse(data, fcs) else {
            continue;
        };
        let mut out = [0u8; 2100];
        let n = frame.emit(&mut out, fcs).expect("a parsed frame emits");
        assert_eq!(&out[..n], data);
        if let Ok(payload) = frame.body() {
            assert_eq!(payload.buffer_len(), frame.payload.len());
            let mut w = Writer::new(&mut out, Layer::Ieee802154);
            payload.emit(&mut w).expect("a parsed payload emits");
            assert_eq!(w.written(), frame.payload);
        }
    }
});
