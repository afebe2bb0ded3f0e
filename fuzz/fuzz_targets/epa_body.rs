//! EPA-S headers and bodies on arbitrary bytes: no panic; whatever parses emits back to the
//! same octets (the header's first 14, and the body of the service in the header).
#![no_main]
use causeway_codecs::cursor::Writer;
use causeway_codecs::epa::header::HEADER_LEN;
use causeway_codecs::epa::{Body, Header};
use causeway_codecs::Layer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = Header::parse(data, 0) else {
        return;
    };
    let mut out = [0u8; 2048];
    let mut w = Writer::new(&mut out, Layer::Epa);
    header.emit(&mut w).expect("a parsed header emits");
    assert_eq!(w.written(), &data[..HEADER_LEN]);
    let body_bytes = &data[HEADER_LEN..];
    if let Ok(body) = Body::parse(header.service, body_bytes, HEADER_LEN) {
        assert_eq!(body.buffer_len(), body_bytes.len());
        let mut w = Writer::new(&mut out, Layer::Epa);
        body.emit(&mut w).expect("a parsed body emits");
        assert_eq!(w.written(), body_bytes, "{:?}", header.service);
    }
});
