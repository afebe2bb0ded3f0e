//! Property tests for M-Bus: link frames round-trip, the deframer finds every frame under any
//! chunking, and RSP_UD telegrams built from random records decode to the same records and
//! values and re-encode byte for byte.

use causeway_codecs::buffer::{Event, Stream};
use causeway_codecs::mbus::app::Identity;
use causeway_codecs::mbus::data::DataValue;
use causeway_codecs::mbus::encode::RspUd;
use causeway_codecs::mbus::link::{self, CField, Frame};
use causeway_codecs::mbus::record::{Item, Records};
use causeway_codecs::registry::{find, Options};
use causeway_core::{Function, Manufacturer, Medium};
use proptest::prelude::*;

fn link_frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(vec![link::ACK]),
        (any::<u8>(), any::<u8>()).prop_map(|(c, a)| {
            let mut b = [0u8; 5];
            link::emit_short(CField::from_bits_retain(c), a, &mut b).unwrap();
            b.to_vec()
        }),
        (
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..=252)
        )
            .prop_map(|(c, a, ci, data)| {
                let mut b = [0u8; 261];
                let n = link::emit_long(CField::from_bits_retain(c), a, ci, &data, &mut b).unwrap();
                b[..n].to_vec()
            }),
    ]
}

/// A record the builder can write: (VIF bytes, function, storage, tariff, subunit, data field, value).
fn record() -> impl Strategy<Value = (Vec<u8>, Function, u64, u32, u32, u8, i64)> {
    let vib = prop_oneof![
        // Primary VIFs that are numbers (not dates, text, any-VIF or extension pointers).
        (0x00u8..0x6C).prop_map(|v| vec![v]),
        (0x00u8..0x20).prop_map(|v| vec![0xFD, v]),
        (0x40u8..0x60).prop_map(|v| vec![0xFD, v]),
        (0x00u8..0x02).prop_map(|v| vec![0xFB, v]),
        // A VIF with a combinable VIFE (multiplicative correction 10^-1).
        (0x00u8..0x20).prop_map(|v| vec![v | 0x80, 0x75]),
    ];
    let function = prop::sample::select(vec![
        Function::Instantaneous,
        Function::Maximum,
        Function::Minimum,
        Function::Error,
    ]);
    let field = prop::sample::select(vec![
        0x1u8, 0x2, 0x3, 0x4, 0x6, 0x7, 0x9, 0xA, 0xB, 0xC, 0xE,
    ]);
    (
        vib,
        function,
        0u64..(1 << 20),
        0u32..16,
        0u32..4,
        field,
        any::<i64>(),
    )
        .prop_map(|(vib, f, s, t, u, field, v)| {
            // Keep the value within what the data field holds.
            let value = match field {
                0x1 => v as i8 as i64,
                0x2 => v as i16 as i64,
                0x3 => (v << 40) >> 40,
                0x4 => v as i32 as i64,
                0x6 => (v << 16) >> 16,
                0x9 => v.rem_euclid(100),
                0xA => v.rem_euclid(10_000),
                0xB => v.rem_euclid(1_000_000),
                0xC => v.rem_euclid(100_000_000),
                0xE => v.rem_euclid(1_000_000_000_000),
                _ => v,
            };
            (vib, f, s, t, u, field, value)
        })
}

/// Decodes `frame` to its JSON form and encodes that back.
fn through_json(frame: &[u8]) -> Option<Vec<u8>> {
    let codec = find("mbus").unwrap();
    let decoded = (codec.decode)(&Options::default(), frame).ok()?;
    let mut out = [0u8; 261];
    let n = (codec.encode)(&Options::default(), &decoded.frame, &mut out)
        .expect("a decoded frame encodes");
    Some(out[..n].to_vec())
}

proptest! {
    #[test]
    fn link_frames_round_trip(frame in link_frame()) {
        prop_assert!(Frame::new_checked(&frame[..]).is_ok());
        // Whatever decodes re-encodes from its JSON form byte for byte.
        if let Some(again) = through_json(&frame) {
            prop_assert_eq!(again, frame);
        }
    }

    #[test]
    fn deframer_finds_every_frame(frames in prop::collection::vec(link_frame(), 1..6),
                                  garbage in prop::collection::vec(prop::sample::select((0u8..=255).filter(|b| ![0xE5, 0x10, 0x68].contains(b)).collect::<Vec<_>>()), 0..8),
                                  cuts in prop::collection::vec(1usize..50, 1..10)) {
        let mut wire = garbage.clone();
        for f in &frames {
            wire.extend_from_slice(f);
        }
        let mut s = Stream::new([0u8; 600], link::Deframer);
        let (mut at, mut i, mut found) = (0, 0, Vec::new());
        while at < wire.len() {
            let end = (at + cuts[i % cuts.len()]).min(wire.len());
            s.push(&wire[at..end]).unwrap();
            at = end;
            i += 1;
            while let Some(ev) = s.next_event() {
                if let Event::Frame(f) = ev { found.push(f.to_vec()); }
            }
        }
        prop_assert_eq!(found, frames);
    }

    #[test]
    fn rsp_ud_from_random_records(records in prop::collection::vec(record(), 1..8), access in any::<u8>()) {
        let id = Identity { id: 0x1234_5678, manufacturer: Manufacturer(0x32A7), version: 2, medium: Medium(4) };
        let mut buf = [0u8; 261];
        let mut rsp = RspUd::new(&mut buf, 5, id, access, 0).unwrap();
        let mut written = 0;
        for (vib, f, s, t, u, field, v) in &records {
            if rsp.number(vib, *f, *s, *t, *u, *field, *v).is_err() { break; }
            written += 1;
        }
        let n = rsp.finish();
        prop_assume!(n.is_ok());
        let n = n.unwrap();
        let frame = Frame::new_checked(&buf[..n]).unwrap();
        let decoded: Vec<_> = Records::new(&frame.data()[12..], 19).collect();
        prop_assert_eq!(decoded.len(), written);
        for (item, (vib, f, s, t, u, _, v)) in decoded.iter().zip(&records) {
            let Ok(Item::Record(r)) = item else { return Err(TestCaseError::fail(format!("{item:?}"))) };
            prop_assert_eq!((r.function(), r.storage(), r.tariff(), r.subunit()), (*f, *s, *t, *u));
            prop_assert_eq!(r.vif, vib[0]);
            prop_assert_eq!(r.value(false), DataValue::Int(*v));
        }
        prop_assert_eq!(through_json(&buf[..n]).unwrap(), &buf[..n]);
    }
}
