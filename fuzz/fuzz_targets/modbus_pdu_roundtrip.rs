//! parse ∘ emit ∘ parse: a PDU that parses emits to the same bytes, and those parse to the same repr.
#![no_main]
use causeway_codecs::modbus::{Request, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = [0u8; 300];
    if let Ok(req) = Request::parse(data) {
        let n = req.emit(&mut out).expect("emit");
        assert_eq!(&out[..n], data);
        assert_eq!(Request::parse(&out[..n]).expect("reparse"), req);
        let _ = req.check_limits();
    }
    if let Ok(resp) = Response::parse(data) {
        let n = resp.emit(&mut out).expect("emit");
        assert_eq!(&out[..n], data);
        assert_eq!(Response::parse(&out[..n]).expect("reparse"), resp);
    }
});
