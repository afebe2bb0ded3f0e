//! Secured 802.15.4 frames with a fixed key: arbitrary bytes never panic and never unsecure
//! unless their MIC verifies (or the level has none); and an arbitrary clear payload secured
//! with the key at any level and key identifier mode unsecures back to itself.
#![no_main]
use causeway_codecs::ieee802154::{
    emit, AuxSecurity, Fcs, Frame, Header, Key, KeySource, KeyStore, MacPayload,
};
use libfuzzer_sys::fuzz_target;

const KEYS: [Key; 1] = [Key::any([0x5A; 16])];

fuzz_target!(|data: &[u8]| {
    let store = KeyStore::new(&KEYS);
    let mut plain = [0u8; 2100];
    if let Ok(frame) = Frame::parse(data, Fcs::Present) {
        let _ = frame.unsecure(&store, &mut plain);
    }
    // data = control octet, frame counter, then a data frame's payload: 2006, short destination,
    // extended source.
    let [control, c0, c1, c2, c3, payload @ ..] = data else {
        return;
    };
    let mode = (control >> 3) & 3;
    let header_bytes = [
        0x41, 0xD8, 1, 0x34, 0x12, 0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8,
    ];
    let (header, _) = Header::parse(&header_bytes).expect("a fixed header");
    let security = AuxSecurity {
        control: control & 0x1F,
        frame_counter: Some(u32::from_le_bytes([*c0, *c1, *c2, *c3])),
        key_source: match mode {
            2 => KeySource::Four(7),
            3 => KeySource::Eight(7),
            _ => KeySource::None,
        },
        key_index: (mode != 0).then_some(*c0),
    };
    let header = Header {
        security: Some(security),
        ..header
    };
    let Ok(clear) = MacPayload::parse(&header, payload, 0) else {
        return;
    };
    let mut out = [0u8; 2100];
    let Ok(n) = emit(&header, &clear, &store, &mut out, Fcs::Present) else {
        return;
    };
    let frame = Frame::parse(&out[..n], Fcs::Present).expect("an emitted frame parses");
    let back = frame
        .unsecure(&store, &mut plain)
        .expect("an emitted frame unsecures");
    assert_eq!(back, clear);
});
