//! The translator on arbitrary bytes: the first byte picks what the rest is (a frame to ingest
//! as each protocol, a Modbus request in each framing, a WPA-L READ_REQ, or a publish at some
//! time). No panic; every Modbus reply that is produced parses as a response ADU of the same
//! framing; every outbound message decodes with its protocol's parser.
#![no_main]
use causeway_codecs::ieee802154::{Fcs, Frame};
use causeway_codecs::modbus::adu::{Adu, Framing};
use causeway_codecs::translate::{Destination, Input, Map, Outbound, Translator};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static MAP: OnceLock<Map> = OnceLock::new();

fn check(o: &Outbound) {
    match o.destination {
        Destination::Epa { .. } => {
            causeway_codecs::epa::frame::parse_message(&o.bytes, 0).expect("EPA-S message parses");
        }
        Destination::Wpan { .. } => {
            Frame::parse(&o.bytes, Fcs::Present).expect("802.15.4 frame parses");
        }
        Destination::MBus { .. } => {
            causeway_codecs::mbus::link::Frame::new_checked(&o.bytes[..])
                .expect("M-Bus frame parses");
        }
        Destination::Modbus { .. } => {
            Adu::parse(Framing::Tcp, &o.bytes)
                .and_then(|a| a.request().map(|_| ()))
                .expect("request parses");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let map = MAP.get_or_init(|| {
        Map::from_toml(include_str!("../../samples/gateway-map.toml")).expect("sample map")
    });
    let mut t = Translator::new(map.clone()).expect("valid map");
    let now = 1_767_225_600_000u64;
    let mut rest = data;
    // Several steps per input, so that ingests precede the requests that read them.
    while let Some((&op, tail)) = rest.split_first() {
        let len = usize::from(tail.first().copied().unwrap_or(0)).min(tail.len().saturating_sub(1));
        let (chunk, next) = tail.get(1..).unwrap_or(&[]).split_at(len);
        rest = next;
        let at = now + u64::from(op >> 4) * 120_000;
        match op & 0x0F {
            0 => drop(t.ingest(Input::MBus(chunk), at)),
            1 => drop(t.ingest(Input::EpaMessage(chunk), at)),
            2 => drop(t.ingest(
                Input::EpaFrame {
                    frame: chunk,
                    port: 35004,
                },
                at,
            )),
            3 => drop(t.ingest(
                Input::Wpan {
                    psdu: chunk,
                    fcs: Fcs::Present,
                },
                at,
            )),
            4 => drop(t.ingest(
                Input::Wpan {
                    psdu: chunk,
                    fcs: Fcs::Absent,
                },
                at,
            )),
            5..=8 => {
                let framing = Framing::ALL[usize::from(op & 0x0F) - 5];
                let mut out = [0u8; 600];
                if let Ok(reply) = t.modbus_request(framing, chunk, at, &mut out) {
                    if reply.len > 0 {
                        let adu = Adu::parse(framing, &out[..reply.len]).expect("reply frames");
                        adu.response().expect("reply parses");
                    }
                    reply.outbound.iter().for_each(check);
                }
            }
            9 => {
                if let Ok(Some(rsp)) = t.wpan_request(chunk, Fcs::Present, at) {
                    Frame::parse(&rsp, Fcs::Present).expect("READ_RSP parses");
                }
            }
            _ => {
                let mut sent = Vec::new();
                t.publish(at, |o| sent.push(o)).expect("publish");
                sent.iter().for_each(check);
            }
        }
    }
});
