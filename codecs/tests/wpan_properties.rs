//! Property tests: 802.15.4 frames of every version, frame type, addressing combination and
//! security level round-trip through emit, parse and unsecure; WPA-L payloads built byte by byte
//! from the profile's tables round-trip through parse and emit and through the JSON form; NL
//! fragments reassemble in any order, with duplicates.

use causeway_codecs::buffer::Growable;
use causeway_codecs::cursor::Writer;
use causeway_codecs::ieee802154::header::pans_present;
use causeway_codecs::ieee802154::ie::{HeaderIes, Ie, PayloadIes, HT1, HT2, PT};
use causeway_codecs::ieee802154::{
    emit, AuxSecurity, Content, ExtendedAddress, Fcs, Frame, FrameControl, FrameType, Header, Key,
    KeySource, KeyStore, MacPayload, Version, WpanAddr,
};
use causeway_codecs::registry::{find, Options};
use causeway_codecs::wiapa::{FragmentKey, NlBody, NlType, Packet, Reassembly};
use causeway_codecs::Layer;
use proptest::prelude::*;

mod common;

const KEY: [u8; 16] = [0x42; 16];

fn addr() -> impl Strategy<Value = Option<WpanAddr>> {
    prop_oneof![
        Just(None),
        any::<u16>().prop_map(|s| Some(WpanAddr::Short(s))),
        any::<u64>().prop_map(|e| Some(WpanAddr::Extended(e))),
    ]
}

fn mode(a: Option<WpanAddr>) -> u8 {
    match a {
        None => 0,
        Some(WpanAddr::Short(_)) => 2,
        Some(WpanAddr::Extended(_)) => 3,
    }
}

/// An auxiliary security header valid for `version` (no TSCH counter suppression; no level 4 in
/// 2015 frames, where it is reserved).
fn aux(version: u8) -> impl Strategy<Value = AuxSecurity> {
    (
        0u8..8,
        0u8..4,
        any::<u32>(),
        any::<u64>(),
        any::<u8>(),
        any::<bool>(),
    )
        .prop_map(move |(level, mode, counter, source, index, reserved)| {
            let level = if version == 2 && level == 4 { 5 } else { level };
            AuxSecurity {
                control: level | mode << 3 | if reserved { 0x80 } else { 0 },
                frame_counter: Some(counter),
                key_source: match mode {
                    2 => KeySource::Four(source as u32),
                    3 => KeySource::Eight(source),
                    _ => KeySource::None,
                },
                key_index: (mode != 0).then_some(index),
            }
        })
}

/// Octets of IEs, written by hand from the descriptor layouts of 802.15.4-2015 §7.4.
fn ie_octets(ies: &[(u8, Vec<u8>)], payload: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (id, content) in ies {
        let d = if payload {
            content.len() as u16 | u16::from(*id & 0xF) << 11 | 0x8000
        } else {
            content.len() as u16 | u16::from(*id) << 7
        };
        out.extend_from_slice(&d.to_le_bytes());
        out.extend_from_slice(content);
    }
    out
}

#[derive(Debug, Clone)]
struct Case {
    version: u8,
    frame_type: u8,
    flags: FrameControl,
    seq: Option<u8>,
    dst: Option<WpanAddr>,
    src: Option<WpanAddr>,
    dst_pan: u16,
    src_pan: u16,
    security: Option<AuxSecurity>,
    header_ies: Vec<u8>,
    /// Payload IEs, command id and payload, beacon fields: the clear MAC payload.
    payload: Vec<u8>,
}

fn content(frame_type: u8, version: u8) -> BoxedStrategy<Vec<u8>> {
    let bytes = prop::collection::vec(any::<u8>(), 0..24);
    match (frame_type, version) {
        (0, 0 | 1) => (
            any::<u16>(),
            prop::collection::vec((any::<u16>(), any::<u8>()), 0..4),
            any::<u8>(),
            any::<bool>(),
            prop::collection::vec(any::<u16>(), 0..3),
            prop::collection::vec(any::<u64>(), 0..2),
            bytes,
        )
            .prop_map(|(sf, gts, dirs, permit, short, ext, payload)| {
                let mut b = sf.to_le_bytes().to_vec();
                b.push(gts.len() as u8 | if permit { 0x80 } else { 0 });
                if !gts.is_empty() {
                    b.push(dirs & 0x7F);
                    for (a, slots) in &gts {
                        b.extend_from_slice(&a.to_le_bytes());
                        b.push(*slots);
                    }
                }
                b.push(short.len() as u8 | (ext.len() as u8) << 4);
                short
                    .iter()
                    .for_each(|s| b.extend_from_slice(&s.to_le_bytes()));
                ext.iter()
                    .for_each(|e| b.extend_from_slice(&e.to_le_bytes()));
                b.extend_from_slice(&payload);
                b
            })
            .boxed(),
        (3, _) => prop_oneof![
            (1u8..=9).prop_flat_map(|id| {
                let len = match id {
                    1 | 3 | 9 => 1..=1usize,
                    2 => 3..=3,
                    8 => 7..=8,
                    _ => 0..=0,
                };
                prop::collection::vec(any::<u8>(), len).prop_map(move |p| [&[id][..], &p].concat())
            }),
            (0x30u8..0xFF, bytes).prop_map(|(id, p)| [&[id][..], &p].concat()),
        ]
        .boxed(),
        _ => bytes.boxed(),
    }
}

fn case() -> impl Strategy<Value = Case> {
    (0u8..3, 0u8..4, addr(), addr(), any::<bool>())
        .prop_flat_map(|(version, frame_type, dst, src, comp)| {
            let comp = if version < 2 {
                comp && dst.is_some() && src.is_some()
            } else {
                comp
            };
            let ies = if version == 2 {
                prop::collection::vec((0u8..0x7E, prop::collection::vec(any::<u8>(), 0..6)), 0..3)
                    .boxed()
            } else {
                Just(Vec::new()).boxed()
            };
            (
                Just((version, frame_type, dst, src, comp)),
                any::<(bool, bool, bool, bool, u8, u16, u16)>(),
                prop::option::of(aux(version)),
                ies,
                prop::collection::vec((0u8..0xF, prop::collection::vec(any::<u8>(), 0..6)), 0..3),
                content(frame_type, version),
            )
        })
        .prop_map(
            |(
                (version, frame_type, dst, src, comp),
                (pending, ack, suppress, reserved, seq, dp, sp),
                security,
                hies,
                pies,
                body,
            )| {
                let v2015 = version == 2;
                let mut flags = FrameControl::empty();
                flags.set(FrameControl::FRAME_PENDING, pending);
                flags.set(FrameControl::ACK_REQUEST, ack);
                flags.set(FrameControl::PAN_ID_COMPRESSION, comp);
                flags.set(FrameControl::RESERVED, reserved);
                flags.set(FrameControl::SEQ_SUPPRESSION, v2015 && suppress);
                // Security needs a sender the nonce can name, and 2006 or later.
                let security = security.filter(|_| src.is_some() && version > 0);
                let (mut header_ies, mut payload) = (Vec::new(), Vec::new());
                if v2015 && (!hies.is_empty() || !pies.is_empty()) {
                    flags.insert(FrameControl::IE_PRESENT);
                    let mut list = hies.clone();
                    if pies.is_empty() {
                        list.push((HT2, Vec::new()));
                    } else {
                        list.push((HT1, Vec::new()));
                        let mut p = pies.clone();
                        p.push((PT, Vec::new()));
                        payload = ie_octets(&p, true);
                    }
                    header_ies = ie_octets(&list, false);
                }
                payload.extend_from_slice(&body);
                Case {
                    version,
                    frame_type,
                    flags,
                    seq: (!(v2015 && suppress)).then_some(seq),
                    dst,
                    src,
                    dst_pan: dp,
                    src_pan: sp,
                    security,
                    header_ies,
                    payload,
                }
            },
        )
}

fn header<'a>(c: &Case, ies: &'a [u8]) -> Header<'a> {
    let (dp, sp) = pans_present(
        Version(c.version),
        mode(c.dst),
        mode(c.src),
        c.flags.contains(FrameControl::PAN_ID_COMPRESSION),
    )
    .unwrap();
    Header {
        frame_type: FrameType(c.frame_type),
        flags: c.flags,
        version: Version(c.version),
        seq: c.seq,
        dst_pan: dp.then_some(c.dst_pan),
        dst: c.dst,
        src_pan: sp.then_some(c.src_pan),
        src: c.src,
        security: c.security,
        ies: HeaderIes::parse(ies, 0).unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn frames_round_trip_through_emit_parse_and_unsecure(c in case(), fcs in any::<bool>()) {
        let fcs = if fcs { Fcs::Present } else { Fcs::Absent };
        let h = header(&c, &c.header_ies);
        let payload = MacPayload::parse(&h, &c.payload, 0).unwrap();
        let keys = [Key::any(KEY)];
        let addresses: Vec<ExtendedAddress> = match (c.src, h.pan()) {
            (Some(WpanAddr::Short(short)), pan) => vec![ExtendedAddress { pan: pan.unwrap_or(0xFFFF), short, ext: 0xAB }],
            _ => Vec::new(),
        };
        let store = KeyStore { keys: &keys, addresses: &addresses };
        let mut out = [0u8; 2100];
        let n = match emit(&h, &payload, &store, &mut out, fcs) {
            Ok(n) => n,
            // Too long for a 2003/2006 PSDU: nothing more to check.
            Err(e) => { prop_assert_eq!(e.kind.name(), "oversize"); return Ok(()); }
        };
        let frame = Frame::parse(&out[..n], fcs).unwrap();
        prop_assert_eq!(frame.header, h);
        let mut plain = [0u8; 2100];
        let back = if frame.is_secured() {
            // Ciphertext differs from the clear payload whenever the level encrypts something.
            frame.unsecure(&store, &mut plain).unwrap()
        } else {
            frame.body().unwrap()
        };
        prop_assert_eq!(back, payload);
        // Re-emitting as sent gives the same octets.
        let mut again = [0u8; 2100];
        let m = frame.emit(&mut again, fcs).unwrap();
        prop_assert_eq!(&again[..m], &out[..n]);
        // A flipped payload or MIC bit of an authenticated frame never unsecures.
        if frame.is_secured() && frame.level().mic_len() > 0 {
            let mut bad = out;
            bad[n - 1 - if fcs == Fcs::Present { 2 } else { 0 }] ^= 0x10;
            let body_end = n - if fcs == Fcs::Present { 2 } else { 0 };
            if fcs == Fcs::Present {
                let crc = causeway_codecs::checksum::crc16_kermit(&bad[..body_end]);
                bad[body_end..n].copy_from_slice(&crc.to_le_bytes());
            }
            let f = Frame::parse(&bad[..n], fcs).unwrap();
            let e = f.unsecure(&store, &mut [0u8; 2100]).unwrap_err();
            prop_assert_eq!(e.kind.name(), "authentication");
        }
        // A MAC command keeps its identifier in the content.
        if let Content::Command(cmd) = back.content {
            prop_assert_eq!(cmd.id.0, *c.payload.get(payload.ies.bytes().len()).unwrap());
        }
    }
}

/// A type code, its length octet and value octets of the right size for it.
fn typed_value() -> impl Strategy<Value = Vec<u8>> {
    common::typed_value(20).prop_map(|(code, raw)| [&[code, raw.len() as u8][..], &raw].concat())
}

/// An ASL PDU laid out as the profile's service table says.
fn pdu() -> impl Strategy<Value = Vec<u8>> {
    let header = (0u8..7, any::<bool>(), any::<[u8; 3]>());
    (
        header,
        any::<u8>(),
        any::<u8>(),
        any::<u16>(),
        any::<u32>(),
        typed_value(),
    )
        .prop_map(
            |((service, ack, [seq, su, du]), attr, status, event, ts, value)| {
                let mut b = vec![service | u8::from(ack) << 3, seq, su, du];
                match service {
                    0 | 3 => b.extend([&[attr][..], &value].concat()),
                    1 => b.push(attr),
                    2 => b.extend([&[status, attr][..], &value].concat()),
                    4 => b.push(status),
                    5 => b.extend([&event.to_le_bytes()[..], &ts.to_le_bytes(), &value].concat()),
                    _ => b.extend(event.to_le_bytes()),
                }
                b
            },
        )
}

/// A whole WPA-L payload: DLSL and NL headers, then a PDU, an aggregate or a command.
fn wpal() -> impl Strategy<Value = Vec<u8>> {
    let addrs = any::<(u16, u16)>();
    prop_oneof![
        (addrs, pdu()).prop_map(|((d, s), p)| [
            &[0u8, 0][..],
            &d.to_le_bytes(),
            &s.to_le_bytes(),
            &p
        ]
        .concat()),
        (addrs, prop::collection::vec((any::<u16>(), pdu()), 0..4)).prop_map(
            |((d, s), entries)| {
                let mut b = [
                    &[0u8, 1][..],
                    &d.to_le_bytes(),
                    &s.to_le_bytes(),
                    &[entries.len() as u8],
                ]
                .concat();
                for (src, p) in entries {
                    b.extend([&src.to_le_bytes()[..], &[p.len() as u8], &p].concat());
                }
                b
            }
        ),
        (addrs, prop::collection::vec(any::<u8>(), 0..10)).prop_map(|((d, s), c)| [
            &[0u8, 2][..],
            &d.to_le_bytes(),
            &s.to_le_bytes(),
            &c
        ]
        .concat()),
        prop::collection::vec(any::<u8>(), 0..10).prop_map(|c| [&[1u8][..], &c].concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wpal_payloads_round_trip(bytes in wpal()) {
        let p = Packet::parse(&bytes, 0).unwrap();
        prop_assert_eq!(p.buffer_len(), bytes.len());
        let mut out = [0u8; 1200];
        let mut w = Writer::new(&mut out, Layer::Wpal);
        p.emit(&mut w).unwrap();
        prop_assert_eq!(w.written(), &bytes[..]);
    }

    #[test]
    fn wpal_frames_round_trip_through_json(bytes in wpal(), level in 0u8..8, seq in any::<u8>()) {
        // A data frame from an extended source, secured at `level` with key index 1.
        let mut frame = vec![0x41, 0xD8, seq, 0x34, 0x12, 0x01, 0x00];
        frame.extend_from_slice(&0x0011_2233_4455_6677u64.to_le_bytes());
        let security = (level > 0).then_some(AuxSecurity {
            control: level | 1 << 3, frame_counter: Some(7), key_source: KeySource::None, key_index: Some(1),
        });
        let (h, _) = Header::parse(&frame).unwrap();
        let h = Header { security, ..h };
        let payload = MacPayload::parse(&h, &bytes, 0).unwrap();
        let keys = [Key { key_index: Some(1), ..Key::any(KEY) }];
        let store = KeyStore::new(&keys);
        let mut out = [0u8; 2100];
        let Ok(n) = emit(&h, &payload, &store, &mut out, Fcs::Present) else { return Ok(()); };
        let codec = find("wpan").unwrap();
        let options = Options { keys: store, ..Options::default() };
        let decoded = (codec.decode)(&options, &out[..n]).unwrap();
        let mut again = [0u8; 2100];
        let m = (codec.encode)(&options, &decoded.frame, &mut again).unwrap();
        prop_assert_eq!(&again[..m], &out[..n]);
        // Without the key the frame still decodes and re-encodes as sent.
        let plain = (codec.decode)(&Options::default(), &out[..n]).unwrap();
        let m = (codec.encode)(&Options::default(), &plain.frame, &mut again).unwrap();
        prop_assert_eq!(&again[..m], &out[..n]);
    }

    #[test]
    fn fragments_reassemble_in_any_order(
        p in pdu(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        order in any::<prop::sample::Index>(),
        duplicate in any::<prop::sample::Index>(),
    ) {
        let mut bounds: Vec<usize> = cuts.iter().map(|i| i.index(p.len())).chain([0, p.len()]).collect();
        bounds.sort_unstable();
        bounds.dedup();
        let mut pieces: Vec<(usize, &[u8])> = bounds.windows(2).map(|w| (w[0], &p[w[0]..w[1]])).collect();
        let extra = pieces[duplicate.index(pieces.len())];
        pieces.push(extra);
        let k = order.index(pieces.len());
        pieces.rotate_left(k);
        let key = FragmentKey { mac_src: Some(WpanAddr::Short(1)), nl_src: 2, tag: 3 };
        let mut r = Reassembly::new(key, NlType::Data, Growable::new(4096));
        let mut done = None;
        for (offset, data) in pieces {
            let f = causeway_codecs::wiapa::FragmentHeader {
                tag: 3, flags: u8::from(offset + data.len() < p.len()), offset: offset as u16, total_len: p.len() as u16,
            };
            if let Some(all) = r.push(key, NlType::Data, &f, data).unwrap() {
                done = Some(all.to_vec());
            }
        }
        prop_assert_eq!(done.as_deref(), Some(&p[..]));
        prop_assert!(matches!(r.body(), Some(Ok(NlBody::Pdu(_)))));
    }
}

#[test]
fn ie_lists_are_what_the_strategy_writes() {
    // The hand-written descriptors agree with the codec's writer.
    let ies = [(0x1Au8, vec![1, 2]), (HT1, vec![])];
    let mut out = [0u8; 16];
    let mut w = Writer::new(&mut out, Layer::Ieee802154);
    let list: Vec<Ie<'_>> = ies
        .iter()
        .map(|(id, c)| Ie {
            id: *id,
            content: c,
        })
        .collect();
    HeaderIes::write(&list, &mut w).unwrap();
    assert_eq!(w.written(), ie_octets(&ies, false));
    let mut w = Writer::new(&mut out, Layer::Ieee802154);
    PayloadIes::write(
        &[Ie {
            id: 2,
            content: &[9],
        }],
        &mut w,
    )
    .unwrap();
    assert_eq!(w.written(), ie_octets(&[(2, vec![9])], true));
}
