//! Decoding allocates nothing: a counting global allocator watches the zero-copy decode path —
//! framing, PDU parse, reading every value, points, deframing — over every Modbus, M-Bus and
//! EPA-S vector.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use causeway_codecs::buffer::{Event, Stream};
use causeway_codecs::conformance::load_dir;
use causeway_codecs::modbus::points::{request_points, response_points};
use causeway_codecs::modbus::{ascii, rtu, tcp, Request, Response};
use causeway_codecs::registry::parse_hex;
use causeway_core::{Device, Value};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (r, ALLOCATIONS.with(Cell::get) - before)
}

/// Everything a caller does with one frame, without a heap: returns a checksum of what it read.
fn decode(protocol: &str, response: bool, frame: &[u8]) -> u64 {
    let mut ascii_buf = [0u8; 256];
    let (unit, pdu): (u8, &[u8]) = match protocol {
        "modbus-tcp" => match tcp::Frame::new_checked(frame) {
            Ok(f) => (
                f.header().unit_id,
                frame.get(tcp::HEADER_LEN..).unwrap_or(&[]),
            ),
            Err(_) => return 0,
        },
        "modbus-ascii" => match ascii::decode(frame, &mut ascii_buf) {
            Ok(n) => (ascii_buf[0], &ascii_buf[1..n]),
            Err(_) => return 0,
        },
        _ => match rtu::Frame::new_checked(frame) {
            Ok(f) => (f.address(), &frame[1..frame.len() - 2]),
            Err(_) => return 0,
        },
    };
    let device = Device::Modbus {
        unit,
        host: None,
        port: None,
    };
    let mut sum = 1u64;
    let value = |v: &Value<'_>| v.as_f64().unwrap_or(1.0) as u64;
    if response {
        if let Ok(r) = Response::parse(pdu) {
            if let Response::ReadHoldingRegisters { values }
            | Response::ReadInputRegisters { values } = r
            {
                sum += values.iter().map(u64::from).sum::<u64>();
            }
            response_points(device, &r, |p| sum += value(&p.value));
        }
    } else if let Ok(r) = Request::parse(pdu) {
        request_points(device, &r, |p| sum += value(&p.value));
    }
    sum
}

#[test]
fn modbus_decode_allocates_nothing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance-vectors");
    let cases = load_dir(&dir).unwrap();
    let valid_rtu_requests = cases
        .iter()
        .filter(|(_, c)| {
            c.protocol == "modbus-rtu"
                && c.role.as_deref() == Some("request")
                && c.expect.error.is_none()
        })
        .count();
    let frames: Vec<(String, bool, Vec<u8>)> = cases
        .into_iter()
        .filter(|(_, c)| c.protocol.starts_with("modbus"))
        .map(|(_, c)| {
            (
                c.protocol.clone(),
                c.role.as_deref() == Some("response"),
                parse_hex(&c.hex).unwrap(),
            )
        })
        .collect();
    assert!(frames.len() > 500);
    let (sum, n) = allocations(|| {
        frames
            .iter()
            .map(|(p, resp, f)| decode(p, *resp, f))
            .sum::<u64>()
    });
    assert!(sum > 0, "the decode did real work");
    assert_eq!(n, 0, "allocations during decode");

    let stream: Vec<u8> = frames
        .iter()
        .filter(|(p, r, _)| p == "modbus-rtu" && !r)
        .flat_map(|(_, _, f)| f.clone())
        .collect();
    let (found, n) = allocations(|| {
        let mut s = Stream::new([0u8; 512], rtu::Deframer::new(rtu::Mode::Requests));
        let mut found = 0;
        for chunk in stream.chunks(37) {
            s.push(chunk).unwrap();
            while let Some(ev) = s.next_event() {
                found += usize::from(matches!(ev, Event::Frame(_)));
            }
        }
        // The line goes quiet after the last frame.
        s.deframer_mut().line_idle();
        while let Some(ev) = s.next_event() {
            found += usize::from(matches!(ev, Event::Frame(_)));
        }
        found
    });
    // Every valid request is found (negative vectors with a valid CRC are frames too).
    assert!(
        found >= valid_rtu_requests,
        "found {found} of {valid_rtu_requests}"
    );
    assert_eq!(n, 0, "allocations while deframing");
}

#[test]
fn mbus_decode_allocates_nothing() {
    use causeway_codecs::mbus::app::{self, Body};
    use causeway_codecs::mbus::link::{self, Frame};
    use causeway_codecs::mbus::points::telegram_points;

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance-vectors");
    let frames: Vec<Vec<u8>> = load_dir(&dir)
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c.protocol == "mbus" && c.expect.error.is_none())
        .map(|(_, c)| parse_hex(&c.hex).unwrap())
        .collect();
    assert!(frames.len() >= 38);
    let decode = |frame: &[u8]| -> usize {
        let Ok(f) = Frame::new_checked(frame) else {
            return 0;
        };
        let Some(ci) = f.ci() else { return 1 };
        let mut points = 0;
        if let Ok(Body::Variable {
            records,
            msb_first,
            header,
        }) = app::parse(ci, f.data(), 7)
        {
            let device = header
                .and_then(|h| h.identity)
                .map_or(Device::MBusPrimary { address: 1 }, |i| i.device());
            telegram_points(device, &records, msb_first, |p| {
                points += usize::from(p.value != Value::Null)
            })
            .unwrap();
        }
        points
    };
    let (points, n) = allocations(|| frames.iter().map(|f| decode(f)).sum::<usize>());
    assert!(
        points > 400,
        "the decode did real work ({points} points with values)"
    );
    assert_eq!(n, 0, "allocations during M-Bus decode");

    let stream: Vec<u8> = frames.concat();
    let (found, n) = allocations(|| {
        let mut s = Stream::new([0u8; 600], link::Deframer);
        let mut found = 0;
        for chunk in stream.chunks(29) {
            s.push(chunk).unwrap();
            while let Some(ev) = s.next_event() {
                found += usize::from(matches!(ev, Event::Frame(_)));
            }
        }
        found
    });
    assert_eq!(found, frames.len());
    assert_eq!(n, 0, "allocations while deframing M-Bus");
}

#[test]
fn epa_decode_allocates_nothing() {
    use causeway_codecs::epa::header::DEFAULT_UDP_PORT;
    use causeway_codecs::epa::{points, Body, Frame};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance-vectors");
    let frames: Vec<Vec<u8>> = load_dir(&dir)
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c.protocol == "epa-s")
        .map(|(_, c)| parse_hex(&c.hex).unwrap())
        .collect();
    assert!(frames.len() > 80);
    let (sum, n) = allocations(|| {
        let mut sum = 0u64;
        for f in &frames {
            let Ok(frame) = Frame::parse(f, DEFAULT_UDP_PORT) else {
                continue;
            };
            sum += u64::from(frame.header.msg_id) + 1;
            if let Body::Write { value, .. } | Body::Distribute { value, .. } = frame.body {
                sum = sum.wrapping_add(value.to_value().0.as_f64().unwrap_or(1.0) as u64);
            }
            points::frame_points(&frame.header, &frame.body, |p| {
                sum = sum.wrapping_add(p.value.as_f64().unwrap_or(1.0) as u64 | 1)
            });
        }
        sum
    });
    assert!(sum > 0, "the decode did real work");
    assert_eq!(n, 0, "allocations during decode");
}

#[test]
fn wpan_decode_and_unsecure_allocate_nothing() {
    use causeway_codecs::ieee802154::{Content, Fcs, Frame, Key, KeyStore};
    use causeway_codecs::wiapa::points::packet_points;
    use causeway_codecs::wiapa::Packet;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance-vectors");
    let frames: Vec<Vec<u8>> = load_dir(&dir)
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c.protocol == "wpan" && c.expect.error.is_none())
        .map(|(_, c)| parse_hex(&c.hex).unwrap())
        .collect();
    assert!(frames.len() > 80);
    // The vectors' two keys, for every frame (key index left open).
    let keys = [
        Key::any(*b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"),
        Key::any(*b"\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf"),
    ];
    let store = KeyStore::new(&keys);
    let (points, n) = allocations(|| {
        let mut points = 0usize;
        let mut plain = [0u8; 128];
        for f in &frames {
            let Ok(frame) = Frame::parse(f, Fcs::Present) else {
                continue;
            };
            let payload = if frame.is_secured() {
                frame.unsecure(&store, &mut plain)
            } else {
                frame.body()
            };
            let Ok(payload) = payload else { continue };
            if let Content::Payload(p) = payload.content {
                if let Ok(packet) = Packet::parse(p, 0) {
                    packet_points(frame.header.pan().unwrap_or(0xFFFF), &packet, |p| {
                        points += usize::from(p.value.as_f64().is_some())
                    });
                }
            }
        }
        points
    });
    assert!(points > 40, "the decode did real work ({points} points)");
    assert_eq!(n, 0, "allocations during 802.15.4 decode and CCM*");
}
