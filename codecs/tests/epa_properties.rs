//! Property tests: every EPA-S service body, request and response, round-trips
//! (`emit(parse(b)) == b`, `parse(emit(x)) == x`), on every carrier, and through the JSON form.
//!
//! Bodies are assembled here byte by byte from the service table of docs/profiles/epa-s.md,
//! independently of the codec's emitters.

use causeway_codecs::epa::header::{Flags, Header, Service, DEFAULT_UDP_PORT};
use causeway_codecs::epa::{Body, Carrier, Frame};
use causeway_codecs::ethernet::{Ethernet, Ipv4, Udp, VlanTag, IP_UDP};
use causeway_codecs::registry::{find, Options};
use proptest::prelude::*;

mod common;
use common::typed_value;

fn typed_octets((code, raw): &(u8, Vec<u8>)) -> Vec<u8> {
    [&[*code][..], &(raw.len() as u16).to_be_bytes(), raw].concat()
}

/// A service octet and a body laid out as the profile's table says.
fn body() -> impl Strategy<Value = (u8, Vec<u8>)> {
    let u16s = any::<u16>().prop_map(|v| v.to_be_bytes().to_vec());
    prop_oneof![
        u16s.clone().prop_map(|b| (0x01, b)),
        (
            any::<u8>().prop_filter("a status", |s| *s != 0),
            typed_value(40),
            any::<bool>()
        )
            .prop_map(|(status, v, negative)| {
                if negative {
                    (0x81, vec![status])
                } else {
                    (0x81, [&[0u8][..], &typed_octets(&v)].concat())
                }
            }),
        (any::<u16>(), typed_value(40))
            .prop_map(|(attr, v)| (0x02, [&attr.to_be_bytes()[..], &typed_octets(&v)].concat())),
        any::<u8>().prop_map(|s| (0x82, vec![s])),
        (any::<u16>(), typed_value(40), any::<u8>(), any::<u64>()).prop_map(
            |(attr, (code, raw), q, ts)| {
                let body = [
                    &attr.to_be_bytes()[..],
                    &[code, q],
                    &ts.to_be_bytes(),
                    &(raw.len() as u16).to_be_bytes(),
                    &raw,
                ]
                .concat();
                (0x03, body)
            }
        ),
        (any::<u16>(), any::<u16>(), any::<u64>(), typed_value(40)).prop_map(|(id, seq, ts, v)| {
            let body = [
                &id.to_be_bytes()[..],
                &seq.to_be_bytes(),
                &ts.to_be_bytes(),
                &typed_octets(&v),
            ]
            .concat();
            (0x04, body)
        }),
        (any::<u16>(), any::<u16>())
            .prop_map(|(a, b)| (0x05, [a.to_be_bytes(), b.to_be_bytes()].concat())),
        (
            prop::sample::select(vec![0x06u8, 0x07]),
            any::<u16>(),
            any::<u16>(),
            prop::collection::vec(any::<u8>(), 0..200)
        )
            .prop_map(|(code, d, s, data)| {
                let body = [
                    &d.to_be_bytes()[..],
                    &s.to_be_bytes(),
                    &(data.len() as u16).to_be_bytes(),
                    &data,
                ]
                .concat();
                (code, body)
            }),
        (any::<u8>(), any::<u16>())
            .prop_map(|(p, n)| (0x10, [&[p][..], &n.to_be_bytes()].concat())),
        Just((0x11, vec![])),
        (
            prop::sample::select(vec![0x20u8, 0x21]),
            prop::collection::vec(0x20u8..0x7F, 0..30)
        )
            .prop_map(|(code, tag)| (code, [&[tag.len() as u8][..], &tag].concat())),
        u16s.prop_map(|b| (0x22, b)),
        typed_value(40).prop_map(|v| (0xA2, [&[0u8][..], &typed_octets(&v)].concat())),
        (any::<u16>(), typed_value(40))
            .prop_map(|(attr, v)| (0x23, [&attr.to_be_bytes()[..], &typed_octets(&v)].concat())),
        any::<u8>().prop_map(|s| (0xA3, vec![s])),
        (
            prop::sample::select(vec![0x30u8, 0x7F, 0x83, 0x90]),
            prop::collection::vec(any::<u8>(), 0..20)
        ),
    ]
}

/// A carrier: none (raw), with an 802.1Q tag, or UDP with or without options and checksum.
fn carrier() -> impl Strategy<Value = (Option<VlanTag>, Option<(Ipv4, Udp)>)> {
    let vlan = prop::option::of(
        (0u8..8, any::<bool>(), 0u16..4096).prop_map(|(pcp, dei, vid)| VlanTag { pcp, dei, vid }),
    );
    let udp = prop::option::of(
        (
            any::<[u8; 4]>(),
            any::<[u8; 4]>(),
            any::<u8>(),
            any::<u16>(),
            1u8..=255,
            any::<bool>(),
            any::<bool>(),
            any::<u16>(),
            any::<bool>(),
        )
            .prop_map(|(src, dst, tos, id, ttl, df, options, sport, checksum)| {
                let mut opts = [0u8; 40];
                if options {
                    opts[..4].copy_from_slice(&[0x94, 0x04, 0, 0]);
                }
                let ip = Ipv4 {
                    src: src.into(),
                    dst: dst.into(),
                    protocol: IP_UDP,
                    ttl,
                    id,
                    tos,
                    dont_fragment: df,
                    checksum: 0,
                    header_len: if options { 24 } else { 20 },
                    total_len: 0,
                    options: opts,
                };
                let udp = Udp {
                    src_port: sport,
                    dst_port: DEFAULT_UDP_PORT,
                    length: 0,
                    checksum: u16::from(checksum),
                };
                (ip, udp)
            }),
    );
    (vlan, udp)
}

proptest! {
    #[test]
    fn bodies_round_trip((service, bytes) in body()) {
        let body = Body::parse(Service(service), &bytes, 28).unwrap();
        prop_assert_eq!(body.buffer_len(), bytes.len());
        let mut out = vec![0u8; bytes.len() + 8];
        let mut w = causeway_codecs::cursor::Writer::new(&mut out, causeway_codecs::Layer::Epa);
        body.emit(&mut w).unwrap();
        prop_assert_eq!(w.written(), &bytes[..]);
        // Compared through Debug: a NaN value is not equal to itself.
        let again = Body::parse(Service(service), w.written(), 28).unwrap();
        prop_assert_eq!(format!("{again:?}"), format!("{body:?}"));
        // One octet short is an error, never a panic.
        if let Some(short) = bytes.len().checked_sub(1) {
            let _ = Body::parse(Service(service), &bytes[..short], 28);
        }
    }

    #[test]
    fn frames_round_trip_on_every_carrier(
        (service, bytes) in body(),
        (vlan, udp) in carrier(),
        msg_id in any::<u16>(), src_app in any::<u16>(), dst_app in any::<u16>(), dst_obj in any::<u16>(),
        priority in 0u8..8, flag_bits in 0u8..8,
    ) {
        let body = Body::parse(Service(service), &bytes, 0).unwrap();
        let mut flags = Flags::from_bits_retain(flag_bits).with_priority(priority);
        if service & 0x80 != 0 {
            flags.remove(Flags::CONFIRMED);
        }
        let frame = Frame {
            eth: Ethernet { dst: [2, 0, 0, 0, 0, 1], src: [2, 0, 0, 0, 0, 2], vlan, ethertype: 0 },
            carrier: match udp {
                None => Carrier::Raw,
                Some((ip, udp)) => Carrier::Udp { ip, udp },
            },
            header: Header { service: Service(service), flags, body_len: 0, msg_id, src_app, dst_app, dst_obj },
            body,
        };
        let mut out = [0u8; 600];
        let n = frame.emit(&mut out).unwrap();
        prop_assert!(n >= 60);
        let back = Frame::parse(&out[..n], DEFAULT_UDP_PORT).unwrap();
        prop_assert_eq!(back.header.body_len as usize, bytes.len());
        prop_assert_eq!(format!("{:?}", back.body), format!("{:?}", frame.body));
        prop_assert_eq!((back.header.service, back.header.flags, back.header.msg_id), (frame.header.service, flags, msg_id));
        prop_assert_eq!(back.eth.vlan, vlan);
        match (back.carrier, frame.carrier) {
            (Carrier::Udp { ip: a, udp: b }, Carrier::Udp { ip: c, udp: d }) => {
                prop_assert_eq!((a.src, a.dst, a.ttl, a.id, a.tos, a.dont_fragment, a.options()), (c.src, c.dst, c.ttl, c.id, c.tos, c.dont_fragment, c.options()));
                prop_assert_eq!((b.src_port, b.dst_port, b.checksum != 0), (d.src_port, d.dst_port, d.checksum != 0));
            }
            (Carrier::Raw, Carrier::Raw) => {}
            other => prop_assert!(false, "carrier changed: {other:?}"),
        }
        // Through the JSON form: the same frame, octet for octet.
        let codec = find("epa-s").unwrap();
        let decoded = (codec.decode)(&Options::default(), &out[..n]).unwrap();
        let mut again = [0u8; 600];
        let m = (codec.encode)(&Options::default(), &decoded.frame, &mut again).unwrap();
        prop_assert_eq!(&again[..m], &out[..n]);
    }
}
