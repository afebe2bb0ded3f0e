//! WPA-L payloads on arbitrary bytes: no panic; whatever parses emits back to the same octets,
//! an aggregate yields as many PDUs as it counts, and points never panic.
#![no_main]
use causeway_codecs::cursor::Writer;
use causeway_codecs::wiapa::points::packet_points;
use causeway_codecs::wiapa::{NlBody, Packet};
use causeway_codecs::Layer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = Packet::parse(data, 0) else {
        return;
    };
    assert_eq!(packet.buffer_len(), data.len());
    let mut out = [0u8; 4096];
    let mut w = Writer::new(&mut out, Layer::Wpal);
    packet.emit(&mut w).expect("a parsed payload emits");
    assert_eq!(w.written(), data);
    if let Packet::Data(n) = &packet {
        if let NlBody::Aggregate(a) = &n.body {
            assert_eq!(a.iter().count(), usize::from(a.count()));
        }
    }
    let mut points = 0;
    packet_points(0x1234, &packet, |_| points += 1);
});
