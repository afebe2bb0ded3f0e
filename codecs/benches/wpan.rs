//! IEEE 802.15.4 / WPA-L decode and CCM* unsecure throughput, with the `ieee802154` crate
//! (0.6.1) parsing the same frames as the peer, in one run:
//!
//!     cargo bench -p causeway-codecs --bench wpan
//!
//! The capture is every valid, unsecured `wpan` conformance vector the peer also parses (beacons,
//! data frames carrying WPA-L, acks, MAC commands; 2003, 2006 and 2015 headers) and the secured
//! capture every valid secured vector (levels 1–7, every key identifier mode). The peer does not
//! check the FCS and cannot unsecure without a key-lookup implementation of its own, so it is
//! measured on the unsecured frames, against causeway with and without the FCS check.

use std::hint::black_box;

use byte::TryRead;
use causeway_codecs::conformance::load_dir;
use causeway_codecs::ieee802154::{Content, Fcs, Frame, Key, KeyStore};
use causeway_codecs::registry::parse_hex;
use causeway_codecs::wiapa::points::packet_points;
use causeway_codecs::wiapa::Packet;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ieee802154::mac::{FooterMode, Frame as PeerFrame};

fn vectors(secured: bool) -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    load_dir(&root.join("conformance-vectors"))
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c.protocol == "wpan" && c.expect.error.is_none())
        .filter(|(_, c)| c.keys.is_empty() != secured)
        .map(|(_, c)| parse_hex(&c.hex).unwrap())
        .collect()
}

/// MAC layer: header, FCS, the payload's structure (beacon fields, command).
fn causeway_mac(frames: &[Vec<u8>], fcs: Fcs) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let bytes = match fcs {
            Fcs::Present => &f[..],
            Fcs::Absent => &f[..f.len() - 2],
        };
        let frame = Frame::parse(bytes, fcs).unwrap();
        let body = frame.body().unwrap();
        sum += u64::from(frame.header.seq.unwrap_or(1)) + body.buffer_len() as u64;
    }
    sum
}

/// MAC, WPA-L and canonical points.
fn causeway_full(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let frame = Frame::parse(f, Fcs::Present).unwrap();
        let body = frame.body().unwrap();
        sum += u64::from(frame.header.seq.unwrap_or(1));
        if let Content::Payload(p) = body.content {
            if let Ok(packet) = Packet::parse(p, 0) {
                packet_points(frame.header.pan().unwrap_or(0xFFFF), &packet, |pt| {
                    sum += pt.value.as_f64().unwrap_or(1.0) as u64
                });
            }
        }
    }
    sum
}

/// The `ieee802154` crate: header, beacon or command content, payload (FCS read, not checked).
fn peer(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let (frame, _) = PeerFrame::try_read(f, FooterMode::Explicit).unwrap();
        sum += u64::from(frame.header.seq) + frame.payload.len() as u64;
    }
    sum
}

/// Unsecuring: nonce, key lookup, CCM* verify and decrypt into a caller buffer.
fn causeway_unsecure(frames: &[Vec<u8>], keys: &KeyStore<'_>) -> u64 {
    let mut sum = 0u64;
    let mut plain = [0u8; 128];
    for f in frames {
        let frame = Frame::parse(f, Fcs::Present).unwrap();
        sum += frame.unsecure(keys, &mut plain).unwrap().buffer_len() as u64;
    }
    sum
}

fn bench(c: &mut Criterion) {
    let all = vectors(false);
    // The frames the peer parses too (it rejects 2015 header IEs it cannot skip, and more).
    let frames: Vec<Vec<u8>> = all
        .iter()
        .filter(|f| PeerFrame::try_read(f, FooterMode::Explicit).is_ok())
        .cloned()
        .collect();
    let bytes: usize = frames.iter().map(Vec::len).sum();
    println!(
        "wpan capture: {} of {} unsecured vectors that the ieee802154 crate also parses, {bytes} octets",
        frames.len(),
        all.len()
    );
    let mut g = c.benchmark_group("wpan unsecured capture");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("causeway MAC (FCS checked)", |b| {
        b.iter(|| causeway_mac(black_box(&frames), Fcs::Present))
    });
    g.bench_function("causeway MAC (no FCS)", |b| {
        b.iter(|| causeway_mac(black_box(&frames), Fcs::Absent))
    });
    g.bench_function("causeway MAC + WPA-L + points", |b| {
        b.iter(|| causeway_full(black_box(&frames)))
    });
    g.bench_function("ieee802154 crate MAC (FCS not checked)", |b| {
        b.iter(|| peer(black_box(&frames)))
    });
    g.finish();

    let secured = vectors(true);
    let (k1, k2) = (
        *b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff",
        *b"\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf",
    );
    let indexed = |key, index| Key {
        key_index: Some(index),
        ..Key::any(key)
    };
    // The vectors' keys by key index, so each frame's own key is tried first.
    let keys = [indexed(k1, 1), indexed(k1, 3), indexed(k2, 9), Key::any(k2)];
    let addresses = [causeway_codecs::ieee802154::ExtendedAddress {
        pan: 0x1234,
        short: 0x0102,
        ext: 0x0011_2233_4455_6677,
    }];
    let store = KeyStore {
        keys: &keys,
        addresses: &addresses,
    };
    let secured: Vec<Vec<u8>> = secured
        .into_iter()
        .filter(|f| {
            let frame = Frame::parse(f, Fcs::Present).unwrap();
            frame.unsecure(&store, &mut [0u8; 128]).is_ok()
        })
        .collect();
    let bytes: usize = secured.iter().map(Vec::len).sum();
    println!(
        "wpan secured capture: {} frames, {bytes} octets",
        secured.len()
    );
    let mut g = c.benchmark_group("wpan secured capture");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("causeway unsecure (CCM* verify + decrypt)", |b| {
        b.iter(|| causeway_unsecure(black_box(&secured), &store))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
