//! Ethernet, 802.1Q, IPv4, UDP and TCP views on arbitrary frames: no panic.
#![no_main]
use causeway_codecs::ethernet::{Ethernet, Ipv4, Tcp, Udp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, at)) = Ethernet::parse(data) {
        if let Ok((ip, payload)) = Ipv4::parse(&data[at..]) {
            let _ = Udp::parse(&ip, payload);
            if let Ok((_, _)) = Tcp::new_checked(payload) {
                let _ = Tcp::checksum_ok(&ip, payload);
            }
        }
    }
});
