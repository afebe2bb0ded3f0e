//! M-Bus side by side with m-bus-parser 0.4.3 on the 38 real telegrams of the libmbus corpus, in
//! one run: link layer only, and full decode with values and units — of the 38, of the 27 both
//! decode completely, and of the 38 in 40 record orders each (all, and those both decode).
//!
//!     cargo bench -p causeway-codecs --bench mbus

use std::hint::black_box;

use causeway_codecs::mbus::app::{self, Body};
use causeway_codecs::mbus::json::frame_json;
use causeway_codecs::mbus::link::Frame;
use causeway_codecs::mbus::points::{reading, telegram_points};
use causeway_codecs::mbus::record::Item;
use causeway_codecs::registry::parse_hex;
use causeway_core::Device;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use m_bus_parser::user_data::parse_application_layer;
use m_bus_parser::WiredFrame;

fn corpus() -> Vec<Vec<u8>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../conformance-vectors/mbus-libmbus.json"
    );
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    cases
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("mbus/libmbus/"))
        .map(|c| parse_hex(c["hex"].as_str().unwrap()).unwrap())
        .collect()
}

/// causeway: link, application layer, every record's value (scaled exactly) and unit — the
/// work m-bus-parser does, each record's result handed to `black_box` as it is. The number of
/// records, or `None` if any record fails.
fn causeway_values(frame: &[u8]) -> Option<usize> {
    let f = Frame::new_checked(frame).ok()?;
    let mut n = 0;
    match app::parse(f.ci()?, f.data(), 7).ok()? {
        Body::Variable {
            records, msb_first, ..
        } => {
            for item in records {
                if let Item::Record(r) = item.ok()? {
                    black_box(&reading(&r, msb_first));
                    n += 1;
                }
            }
        }
        Body::Fixed(fd) => {
            black_box(fd.counter(0));
        }
        _ => {}
    }
    Some(n)
}

/// causeway: every record as a canonical point (device, address, qualifiers, and the timestamp
/// of its storage number, which takes a second pass), each to `black_box`. The number of points,
/// or `None` if any record fails.
fn causeway_points(frame: &[u8]) -> Option<usize> {
    let f = Frame::new_checked(frame).ok()?;
    let mut n = 0;
    match app::parse(f.ci()?, f.data(), 7).ok()? {
        Body::Variable {
            records,
            msb_first,
            header,
        } => {
            let device = header
                .and_then(|h| h.identity)
                .map_or(Device::MBusPrimary { address: 1 }, |i| i.device());
            telegram_points(device, &records, msb_first, |p| {
                black_box(&p);
                n += 1;
            })
            .ok()?;
        }
        Body::Fixed(fd) => {
            black_box(fd.counter(0));
        }
        _ => {}
    }
    Some(n)
}

/// m-bus-parser: link, application layer, every record's value and units, each handed to
/// `black_box`. The number of records, or `None` if any fails.
fn peer_full(frame: &[u8]) -> Option<usize> {
    let WiredFrame::LongFrame { data, .. } = WiredFrame::try_from(frame).ok()? else {
        return None;
    };
    let app = parse_application_layer(data).ok()?;
    let mut n = 0;
    for record in app.data_records()? {
        let record = record.ok()?;
        black_box(&record.value());
        black_box(&record.value_information().map(|v| &v.units));
        n += 1;
    }
    Some(n)
}

/// `copies` variants of each telegram with its records in a fresh random order (fixed seed):
/// the same bytes, length and checksum, but a stream too varied for the branch predictor to
/// learn, as a gateway reading many meters sees. Idle fillers, manufacturer data and anything
/// else that is no record keep their order after the records. (Record bounds come from the
/// frame's JSON: a second `Records` loop in this binary would change how the measured one is
/// compiled.)
fn shuffled(telegrams: &[Vec<u8>], copies: usize) -> Vec<Vec<u8>> {
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let offsets = |v: &serde_json::Value| -> Vec<usize> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_u64().or_else(|| x["offset"].as_u64()))
            .map(|x| x as usize)
            .collect()
    };
    let mut out = Vec::new();
    for _ in 0..copies {
        for t in telegrams {
            let Ok(json) = frame_json(t) else {
                out.push(t.clone());
                continue;
            };
            let (frame, end) = (&json, t.len() - 2);
            let starts = offsets(&frame["records"]);
            let Some(&first) = starts.first() else {
                out.push(t.clone());
                continue;
            };
            // Where each record ends: the next record, filler, readout or manufacturer DIF.
            let mut bounds = starts.clone();
            bounds.extend(offsets(&frame["idle_fillers"]));
            bounds.extend(
                frame["global_readout"]["offset"]
                    .as_u64()
                    .map(|x| x as usize),
            );
            bounds.extend(
                frame["manufacturer_data"]
                    .as_str()
                    .map(|h| end - 1 - h.len() / 2),
            );
            bounds.push(end);
            bounds.sort_unstable();
            let mut spans: Vec<_> = starts
                .iter()
                .map(|&s| s..bounds[bounds.partition_point(|&b| b <= s)])
                .collect();
            let mut rest: Vec<u8> = (first..end)
                .filter(|i| !spans.iter().any(|r| r.contains(i)))
                .map(|i| t[i])
                .collect();
            for i in (1..spans.len()).rev() {
                spans.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            let mut v = t[..first].to_vec();
            for r in spans {
                v.extend_from_slice(&t[r]);
            }
            v.append(&mut rest);
            v.extend_from_slice(&t[end..]);
            assert_eq!(v.len(), t.len(), "the records cover the telegram");
            out.push(v);
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let telegrams = corpus();
    let bytes: u64 = telegrams.iter().map(|t| t.len() as u64).sum();
    let ours = telegrams
        .iter()
        .filter(|t| causeway_values(t).is_some() && causeway_points(t).is_some())
        .count();
    let theirs = telegrams.iter().filter(|t| peer_full(t).is_some()).count();
    eprintln!(
        "telegrams decoded completely of {}: causeway {ours}, m-bus-parser {theirs}",
        telegrams.len()
    );

    let mut g = c.benchmark_group("mbus_link_layer_38_telegrams");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("causeway", |b| {
        b.iter(|| {
            telegrams
                .iter()
                .filter_map(|t| Frame::new_checked(black_box(&t[..])).ok())
                .map(|f| f.data().len())
                .sum::<usize>()
        })
    });
    g.bench_function("m-bus-parser", |b| {
        b.iter(|| {
            telegrams
                .iter()
                .filter_map(|t| WiredFrame::try_from(black_box(&t[..])).ok())
                .map(|f| {
                    if let WiredFrame::LongFrame { data, .. } = f {
                        data.len()
                    } else {
                        0
                    }
                })
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("mbus_full_decode_38_telegrams");
    g.throughput(Throughput::Bytes(bytes));
    decode_each(&mut g, "causeway/values+units", &telegrams, causeway_values);
    decode_each(
        &mut g,
        "causeway/canonical-points",
        &telegrams,
        causeway_points,
    );
    decode_each(&mut g, "m-bus-parser", &telegrams, peer_full);
    g.finish();

    // The same on the telegrams m-bus-parser decodes completely (it stops early on the others).
    values_side_by_side(c, "both_decode", &both_decode(&telegrams));

    // The 38 in 40 record orders each: decode speed when the branch predictor cannot learn the
    // corpus (it does learn 38 telegrams repeated).
    let varied = shuffled(&telegrams, 40);
    let ours = varied
        .iter()
        .filter(|t| causeway_values(t).is_some())
        .count();
    let theirs = varied.iter().filter(|t| peer_full(t).is_some()).count();
    eprintln!(
        "record orders shuffled, decoded completely of {}: causeway {ours}, m-bus-parser {theirs}",
        varied.len()
    );
    values_side_by_side(c, "records_shuffled", &varied);
    // Like for like on the shuffled set: the telegrams m-bus-parser decodes completely.
    values_side_by_side(c, "records_shuffled_both_decode", &both_decode(&varied));
}

/// Full decode with values and units of `set`, causeway then m-bus-parser, in the group
/// `mbus_full_decode_<telegrams>_telegrams_<name>`.
fn values_side_by_side(c: &mut Criterion, name: &str, set: &[Vec<u8>]) {
    let mut g = c.benchmark_group(format!("mbus_full_decode_{}_telegrams_{name}", set.len()));
    g.throughput(Throughput::Bytes(set.iter().map(|t| t.len() as u64).sum()));
    decode_each(&mut g, "causeway/values+units", set, causeway_values);
    decode_each(&mut g, "m-bus-parser", set, peer_full);
    g.finish();
}

/// The telegrams of `set` both libraries decode completely.
fn both_decode(set: &[Vec<u8>]) -> Vec<Vec<u8>> {
    set.iter()
        .filter(|t| causeway_values(t).is_some() && peer_full(t).is_some())
        .cloned()
        .collect()
}

/// Benchmarks `decode` on each telegram of `set` in turn, as `name` in `g`.
fn decode_each(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    set: &[Vec<u8>],
    decode: impl Fn(&[u8]) -> Option<usize>,
) {
    g.bench_function(name, |b| {
        b.iter(|| {
            set.iter()
                .filter_map(|t| decode(black_box(t)))
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
