//! The Modbus RTU (all modes), TCP and ASCII deframers and the M-Bus link deframer over arbitrary bytes in arbitrary chunks: no
//! panic, every byte comes out exactly once (as a frame or as skipped garbage), and every frame is
//! valid for its framing.
#![no_main]
use causeway_codecs::buffer::{Deframe, Event, Stream};
use causeway_codecs::mbus::link;
use causeway_codecs::modbus::{ascii, rtu, tcp};
use libfuzzer_sys::fuzz_target;

fn run<D: Deframe>(d: D, data: &[u8], chunk: usize, check: impl Fn(&[u8])) {
    let mut s = Stream::new([0u8; 1024], d);
    let mut seen = Vec::new();
    for c in data.chunks(chunk) {
        s.push(c).expect("1024 bytes of room after draining");
        while let Some(ev) = s.next_event() {
            match ev {
                Event::Frame(f) => {
                    check(f);
                    seen.extend_from_slice(f);
                }
                Event::Skipped(g) => seen.extend_from_slice(g),
            }
        }
    }
    assert!(data.starts_with(&seen), "bytes lost or reordered");
    assert_eq!(seen.len() + s.buffered(), data.len());
}

fuzz_target!(|input: &[u8]| {
    let Some((&c, data)) = input.split_first() else {
        return;
    };
    let chunk = usize::from(c % 32) + 1;
    for mode in [rtu::Mode::Requests, rtu::Mode::Responses, rtu::Mode::Bus] {
        run(rtu::Deframer::new(mode), data, chunk, |f| {
            assert!(rtu::Frame::new_checked(f).is_ok())
        });
    }
    run(tcp::Deframer, data, chunk, |f| {
        assert!(tcp::Frame::new_checked(f).is_ok())
    });
    run(ascii::Deframer::default(), data, chunk, |f| {
        assert!(f.first() == Some(&b':') && f.ends_with(b"\n"))
    });
    run(link::Deframer, data, chunk, |f| {
        assert!(link::Frame::new_checked(f).is_ok())
    });
});
