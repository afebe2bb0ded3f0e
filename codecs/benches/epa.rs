//! EPA-S decode throughput on a mixed capture, with etherparse 0.21 slicing the same carrier
//! layers (Ethernet, 802.1Q, IPv4, UDP) as the peer, in one run:
//!
//!     cargo bench -p causeway-codecs --bench epa
//!
//! The capture is every valid EPA-S conformance vector (raw and UDP carriers, every service and
//! data type) and the frames of samples/epa-s.pcap.

use std::hint::black_box;

use causeway_codecs::conformance::load_dir;
use causeway_codecs::epa::header::DEFAULT_UDP_PORT;
use causeway_codecs::epa::{Body, Frame};
use causeway_codecs::ethernet::{Ethernet, Ipv4, Udp, ETHERTYPE_IPV4};
use causeway_codecs::registry::parse_hex;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use etherparse::{NetSlice, SlicedPacket, TransportSlice};

fn capture() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut frames: Vec<Vec<u8>> = load_dir(&root.join("conformance-vectors"))
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c.protocol == "epa-s" && c.expect.error.is_none())
        .map(|(_, c)| parse_hex(&c.hex).unwrap())
        .collect();
    // The sample capture: legacy pcap, 24-octet file header, 16-octet record headers.
    let pcap = std::fs::read(root.join("samples/epa-s.pcap")).unwrap();
    let mut rest = &pcap[24..];
    while rest.len() >= 16 {
        let n = u32::from_le_bytes(rest[8..12].try_into().unwrap()) as usize;
        frames.push(rest[16..16 + n].to_vec());
        rest = &rest[16 + n..];
    }
    frames
}

/// Full decode: carriers, header, body, every value in canonical form.
fn causeway_full(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let frame = Frame::parse(f, DEFAULT_UDP_PORT).unwrap();
        sum += u64::from(frame.header.msg_id);
        if let Body::Write { value, .. }
        | Body::Distribute { value, .. }
        | Body::EventNotify { value, .. } = frame.body
        {
            sum += value.to_value().0.as_f64().unwrap_or(1.0) as u64;
        }
    }
    sum
}

/// Carriers only, with the IPv4 header and UDP checksums verified.
fn causeway_carriers(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let (eth, at) = Ethernet::parse(f).unwrap();
        if eth.ethertype == ETHERTYPE_IPV4 {
            let (ip, datagram) = Ipv4::parse(&f[at..]).unwrap();
            let (udp, payload) = Udp::parse(&ip, datagram).unwrap();
            sum += u64::from(udp.dst_port) + payload.len() as u64;
        } else {
            sum += (f.len() - at) as u64;
        }
    }
    sum
}

/// etherparse: slicing only.
fn etherparse_slice(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let p = SlicedPacket::from_ethernet(f).unwrap();
        match p.transport {
            Some(TransportSlice::Udp(u)) => {
                sum += u64::from(u.destination_port()) + u.payload().len() as u64
            }
            _ => sum += p.ether_payload().map_or(0, |e| e.payload.len()) as u64,
        }
    }
    sum
}

/// etherparse: slicing, then the same checksum checks causeway makes.
fn etherparse_checked(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for f in frames {
        let p = SlicedPacket::from_ethernet(f).unwrap();
        if let (Some(NetSlice::Ipv4(ip)), Some(TransportSlice::Udp(u))) = (&p.net, &p.transport) {
            let header = ip.header().to_header();
            assert_eq!(header.calc_header_checksum(), header.header_checksum);
            let udp = u.to_header();
            if udp.checksum != 0 {
                assert_eq!(
                    udp.calc_checksum_ipv4(&header, u.payload()).unwrap(),
                    udp.checksum
                );
            }
            sum += u64::from(udp.destination_port) + u.payload().len() as u64;
        } else {
            sum += p.ether_payload().map_or(0, |e| e.payload.len()) as u64;
        }
    }
    sum
}

fn bench(c: &mut Criterion) {
    let frames = capture();
    let bytes: usize = frames.iter().map(Vec::len).sum();
    println!(
        "epa-s capture: {} frames, {bytes} octets; every implementation parses all of them",
        frames.len()
    );
    assert_eq!(causeway_carriers(&frames), etherparse_checked(&frames));
    let mut g = c.benchmark_group("epa-s mixed capture");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("causeway full decode", |b| {
        b.iter(|| causeway_full(black_box(&frames)))
    });
    g.bench_function("causeway carriers (checksums verified)", |b| {
        b.iter(|| causeway_carriers(black_box(&frames)))
    });
    g.bench_function("etherparse slicing", |b| {
        b.iter(|| etherparse_slice(black_box(&frames)))
    });
    g.bench_function("etherparse slicing + checksums", |b| {
        b.iter(|| etherparse_checked(black_box(&frames)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
