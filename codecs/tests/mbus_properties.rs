//! Property tests for M-Bus: link frames round-trip, the deframer finds every frame under any
//! chunking, and RSP_UD telegrams built from random records decode to the same records and
//! values and re-encode byte for byte. Also: the RSP_UD encoder rebuilds every VIF and VIFE
//! table vector byte for byte.

use causeway_codecs::buffer::{Event, Stream};
use causeway_codecs::mbus::app::Identity;
use causeway_codecs::mbus::data::{int_le, DataValue};
use causeway_codecs::mbus::encode::RspUd;
use causeway_codecs::mbus::link::{self, CField, Frame};
use causeway_codecs::mbus::points::reading;
use causeway_codecs::mbus::record::{data_len, Item, Record, Records};
use causeway_codecs::mbus::vif::{describe, VifKind, VifTable};
use causeway_codecs::registry::{find, parse_hex, Options};
use causeway_core::{Function, Manufacturer, Medium};
use proptest::prelude::*;

/// Every `mbus/vif/*` and `mbus/vife/*` vector (one record per table entry, written by the
/// vector generator from its own transcription of the tables) is what `RspUd` writes for the
/// same header and record: the DIF (04, or 02, 03, 06 for dates and times), the VIF bytes and
/// the value; a plain-text unit goes in as a whole record.
#[test]
fn rsp_ud_encoder_builds_every_table_vector() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../conformance-vectors/mbus-libmbus.json"
    );
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let id = Identity {
        id: 0x1149_0378,
        manufacturer: Manufacturer(0x0477),
        version: 0x0E,
        medium: Medium(0x16),
    };
    let mut built = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        if !(name.starts_with("mbus/vif/") || name.starts_with("mbus/vife/")) {
            continue;
        }
        let wire = parse_hex(case["hex"].as_str().unwrap()).unwrap();
        // 68 L L 68 C A CI, 12 header bytes, then DIF, the VIF bytes, the data, CS 16.
        let record = &wire[19..wire.len() - 2];
        let dif = record[0];
        assert!(matches!(dif, 0x02 | 0x03 | 0x04 | 0x06), "{name}");
        let (vib, data) = record[1..].split_at(record.len() - 1 - data_len(dif).unwrap());
        let mut buf = [0u8; 64];
        let mut rsp = RspUd::new(&mut buf, 1, id, 0x0A, 0).unwrap();
        match vib {
            [0x7C, n, text @ ..] => {
                assert_eq!(usize::from(*n), text.len(), "{name}");
                rsp.record(&Record {
                    offset: 0,
                    dif,
                    difes: &[],
                    vif: 0x7C,
                    vifes: &[],
                    plain_text: Some(text),
                    text_first: true,
                    lvar: None,
                    data,
                })
            }
            _ => rsp.number(vib, Function::Instantaneous, 0, 0, 0, dif, int_le(data)),
        }
        .unwrap();
        let n = rsp.finish().unwrap();
        assert_eq!(&buf[..n], &wire[..], "{name}");
        built += 1;
    }
    // The 329 entries of the VIF tables (primary, FB, FD, FD FD) that are not reserved, with
    // 6D once more as types I and J, and the 128 combinable VIFEs of table 15.
    assert_eq!(built, 329 + 2 + 128);
    // Each entry the decoder's tables do not reserve has its vector.
    let names: std::collections::HashSet<&str> =
        cases.iter().filter_map(|c| c["name"].as_str()).collect();
    let tables = [
        (VifTable::Primary, "primary"),
        (VifTable::Fb, "fb"),
        (VifTable::Fd, "fd"),
        (VifTable::FdFd, "fdfd"),
    ];
    for (table, tag) in tables {
        for code in 0..0x80u8 {
            if describe(table, code).kind != VifKind::Reserved {
                let name = format!("mbus/vif/{tag}-{code:02x}");
                assert!(names.contains(name.as_str()), "no vector {name}");
            }
        }
    }
}

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

    /// Mode 2 (CI 76/77, EN 13757-3 §6.3.1): the data of every fixed-length field is sent most
    /// significant byte first, so it reads as the same data reversed in mode 1 — integers, BCD,
    /// reals and dates alike, and so does the reading with its scaling.
    #[test]
    fn msb_first_is_the_reversed_data(field in prop::sample::select(vec![1u8, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14]),
                                      vif in 0u8..0x7B, data in prop::collection::vec(any::<u8>(), 8)) {
        let len = data_len(field).unwrap();
        let mode2: Vec<u8> = [field, vif].into_iter().chain(data[..len].iter().copied()).collect();
        let mode1: Vec<u8> = [field, vif].into_iter().chain(data[..len].iter().rev().copied()).collect();
        let record = |bytes| match Records::new(bytes, 0).next() {
            Some(Ok(Item::Record(r))) => r,
            other => panic!("{other:?}"),
        };
        let (r2, r1) = (record(&mode2), record(&mode1));
        // A value that does not decode keeps its bytes as sent; only the verdict must agree.
        // Compared in Debug form, which is exact for reals and makes NaN equal to itself.
        let verdict = |v| match v { DataValue::BcdError(_) => DataValue::BcdError(&[]), v => v };
        prop_assert_eq!(format!("{:?}", verdict(r2.value(true))), format!("{:?}", verdict(r1.value(false))));
        prop_assert_eq!(format!("{:?}", reading(&r2, true)), format!("{:?}", reading(&r1, false)));
    }
}
