//! Runs the multi-frame cases of `conformance-vectors/wpa-l-reassembly/` through 802.15.4 frame
//! parsing, WPA-L parsing and [`Reassembly`]: the packet they reassemble to and its points, or the
//! error and the fragment that raises it.

use std::path::Path;

use causeway_codecs::buffer::Growable;
use causeway_codecs::conformance::matches;
use causeway_codecs::ieee802154::{Content, Fcs, Frame};
use causeway_codecs::registry::{hex, parse_hex};
use causeway_codecs::wiapa::points::body_points;
use causeway_codecs::wiapa::{FragmentKey, NlBody, Packet, Reassembly};
use serde_json::Value as Json;

fn run(case: &Json) -> Result<(), String> {
    let capacity = case["capacity"].as_u64().unwrap_or(1 << 16) as usize;
    let expect = &case["expect"];
    let mut packet: Option<Reassembly<Growable>> = None;
    let mut pan = 0xFFFF;
    let mut whole = None;
    for (i, frame) in case["fragments"].as_array().unwrap().iter().enumerate() {
        let bytes = parse_hex(frame.as_str().unwrap())?;
        let f = Frame::parse(&bytes, Fcs::Present).map_err(|e| e.to_string())?;
        pan = f.header.pan().unwrap_or(0xFFFF);
        let Content::Payload(p) = f.body().map_err(|e| e.to_string())?.content else {
            return Err(format!("fragment {i} is not a data frame"));
        };
        let Packet::Data(n) = Packet::parse(p, 0).map_err(|e| e.to_string())? else {
            return Err(format!("fragment {i} is a DLSL command"));
        };
        let (Some(fragment), NlBody::Fragment(data)) = (n.fragment, n.body) else {
            return Err(format!("fragment {i} is not a partial fragment"));
        };
        let key = FragmentKey::of(f.header.src, &n.header, &fragment);
        let r = packet
            .get_or_insert_with(|| Reassembly::new(key, n.header.kind, Growable::new(capacity)));
        match r.push(key, n.header.kind, &fragment, data) {
            Ok(Some(all)) => whole = Some(all.to_vec()),
            Ok(None) => {}
            Err(e) => {
                let want = &expect["error"];
                return if want["kind"] == e.kind.name() && want["fragment"] == i {
                    Ok(())
                } else {
                    Err(format!("fragment {i}: {e}, expected {want}"))
                };
            }
        }
    }
    if !expect["error"].is_null() {
        return Err(format!("expected {}, reassembled", expect["error"]));
    }
    let r = packet.ok_or("no fragments")?;
    let body = r.body().ok_or("incomplete")?.map_err(|e| e.to_string())?;
    let bytes = whole.ok_or("push never returned the whole packet")?;
    if hex(&bytes) != expect["packet"].as_str().unwrap_or("") {
        return Err(format!(
            "packet {} instead of {}",
            hex(&bytes),
            expect["packet"]
        ));
    }
    let src = r.key().nl_src;
    let mut points = Vec::new();
    body_points(pan, src, &body, |p| points.push(p));
    let points = serde_json::to_value(&points).map_err(|e| e.to_string())?;
    matches(&expect["points"], &points).map_err(|m| format!("points{m}"))
}

#[test]
fn every_reassembly_case_passes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance-vectors/wpa-l-reassembly/cases.json");
    let cases: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() >= 8);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run(c).err().map(|e| format!("{}: {e}", c["name"])))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
