//! The M-Bus master state machines (reading one meter, the secondary-address scan) driven by an
//! arbitrary sequence of transmits, timeouts, garbage and frames: no panic, every request they
//! write is a valid frame, a finished job sends nothing more, and a readout stays within
//! `MAX_TELEGRAMS`; one cut short has ended after a telegram, and stays cut short.
//!
//! Input: address, retries, then operations — `0` transmit, `1` timeout, `2` garbage,
//! `3 n <n bytes>` a frame (any other byte: transmit).
#![no_main]
use causeway_codecs::mbus::link::Frame;
use causeway_codecs::mbus::master::{ReadMeter, Scan, MAX_TELEGRAMS};
use libfuzzer_sys::fuzz_target;

fn check_request(sent: causeway_codecs::error::Result<Option<usize>>, out: &[u8], finished: bool) {
    if let Some(n) = sent.expect("a 300-byte buffer holds every request") {
        assert!(!finished, "a finished job sent a request");
        assert!(Frame::new_checked(&out[..n]).is_ok(), "request {:02X?}", &out[..n]);
    }
}

fuzz_target!(|input: &[u8]| {
    let [address, tries, ops @ ..] = input else {
        return;
    };
    let mut read = ReadMeter::new(*address, tries % 4 + 1);
    let mut scan = Scan::new(tries % 4 + 1);
    let mut out = [0u8; 300];
    let mut rest = ops;
    let mut was_cut_short = false;
    while let [op, tail @ ..] = rest {
        rest = tail;
        match op {
            1 => {
                read.on_timeout();
                scan.on_timeout();
            }
            2 => {
                read.on_garbage();
                scan.on_garbage();
            }
            3 => {
                let Some((&n, tail)) = rest.split_first() else {
                    break;
                };
                let (frame, tail) = tail.split_at(usize::from(n).min(tail.len()));
                rest = tail;
                read.on_frame(frame);
                scan.on_frame(frame);
            }
            _ => {
                let finished = read.is_finished();
                check_request(read.transmit(&mut out), &out, finished);
                let finished = scan.is_finished();
                check_request(scan.transmit(&mut out), &out, finished);
            }
        }
        assert!(read.telegrams() <= MAX_TELEGRAMS);
        let cut_short = read.cut_short();
        assert!(!cut_short || (read.is_finished() && read.telegrams() >= 1));
        assert!(!was_cut_short || cut_short, "cut short stays cut short");
        was_cut_short = cut_short;
    }
});
