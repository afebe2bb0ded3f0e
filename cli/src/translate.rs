//! `causeway translate`: feed a translator from captures and frames, print what it sends and
//! its points.
//!
//! Every input prints one JSON line: `{"input": ..., "updated": [point names]}` for frames whose
//! points the map uses, `{"input": ..., "reply": {...}, "outbound": [...]}` for Modbus requests
//! and WPA-L READ_REQ the translator answers. After each input the translator publishes, and
//! each DISTRIBUTE / PUBLISH prints as `{"outbound": {...}}`. The last line is
//! `{"points": [...]}`: every map point with its value, unit, status and arrival time.

use std::path::{Path, PathBuf};

use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::registry::{self, parse_hex, Options, Role};
use causeway_codecs::translate::{Destination, Input, Map, Outbound, Translator};
use serde_json::{json, Value as Json};

use crate::{capture, Failure, KeyArgs};

/// Reads and validates a map, every problem on its own line.
pub fn load(path: &Path) -> Result<Map, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    Map::from_toml(&text).map_err(|errors| {
        Failure::Usage(
            errors
                .iter()
                .map(|e| format!("{}: {e}", path.display()))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// The translator for a map file.
pub fn translator(path: &Path) -> Result<Translator, Failure> {
    Translator::new(load(path)?).map_err(|e| Failure::Usage(format!("{e:?}")))
}

/// Milliseconds since 1970 by the system clock.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// An outbound message as JSON, decoded by the codec of its protocol.
pub fn outbound_json(t: &Translator, o: &Outbound) -> Json {
    let decoded = |protocol: &str, role: Option<Role>| {
        registry::find(protocol)
            .and_then(|c| (c.decode)(&Options::with_role(role), &o.bytes).ok())
            .map(|d| d.frame)
    };
    let frame = match o.destination {
        Destination::Epa { .. } => causeway_codecs::epa::frame::parse_message(&o.bytes, 0)
            .ok()
            .map(|(h, b, _)| {
                let mut m = causeway_codecs::epa::json::body_json(&b);
                causeway_codecs::epa::json::header_json(&h, &mut m);
                Json::Object(m)
            }),
        Destination::Wpan { .. } => decoded("wpan", None),
        Destination::MBus { .. } => decoded("mbus", None),
        Destination::Modbus { .. } => decoded("modbus-tcp", Some(Role::Request)),
    };
    let name = t.map().points.get(o.point).map(|p| p.name.as_str());
    json!({"point": name, "to": o.destination.device().to_string(), "hex": registry::hex(&o.bytes), "frame": frame})
}

/// Every map point's state at `now`.
pub fn points_json(t: &Translator, now: u64) -> Json {
    let points: Vec<Json> = (0..t.map().points.len())
        .filter_map(|i| {
            let (p, s) = (t.map().points.get(i)?, t.state(i)?);
            let status = t.status(i, now).name();
            let value = t
                .point(i, now)
                .and_then(|pt| serde_json::to_value(&pt).ok())
                .and_then(|v| v.get("value").cloned());
            Some(
                json!({"name": p.name, "value": value, "unit": s.unit.map(|u| u.code()),
                "status": status, "received_ms": s.received_ms}),
            )
        })
        .collect();
    json!({ "points": points })
}

fn print(line: &Json) {
    println!("{line}");
}

fn publish(t: &mut Translator, now: u64) -> Result<(), Failure> {
    let mut sent = Vec::new();
    t.publish(now, |o| sent.push(o)).map_err(Failure::Decode)?;
    for o in &sent {
        print(&json!({ "outbound": outbound_json(t, o) }));
    }
    Ok(())
}

fn names(t: &Translator, before: &[u64]) -> Vec<String> {
    (0..t.map().points.len())
        .filter(|&i| t.state(i).map(|s| s.changes) != before.get(i).copied())
        .filter_map(|i| t.map().points.get(i).map(|p| p.name.clone()))
        .collect()
}

fn changes(t: &Translator) -> Vec<u64> {
    (0..t.map().points.len())
        .map(|i| t.state(i).map_or(0, |s| s.changes))
        .collect()
}

/// One `PROTOCOL:HEX` frame.
fn frame(t: &mut Translator, keys: &KeyArgs, spec: &str, now: u64) -> Result<(), Failure> {
    let (protocol, text) = spec
        .split_once(':')
        .ok_or_else(|| Failure::Usage(format!("{spec:?}: expected PROTOCOL:HEX")))?;
    let bytes = parse_hex(text).map_err(Failure::Usage)?;
    let before = changes(t);
    let store = keys.store();
    let mut line = json!({"input": {"protocol": protocol, "hex": registry::hex(&bytes)}});
    let ingest = |t: &mut Translator, input: Input<'_>| {
        t.ingest_with_keys(input, &store, now)
            .map_err(Failure::Decode)
    };
    match Input::of(
        protocol,
        &bytes,
        causeway_codecs::epa::header::DEFAULT_UDP_PORT,
    ) {
        Some(input) => {
            ingest(t, input)?;
            if let Input::Wpan { fcs, .. } = input {
                if let Some(reply) = t.wpan_request(&bytes, fcs, now).map_err(Failure::Decode)? {
                    line["reply"] = json!({"hex": registry::hex(&reply)});
                }
            }
        }
        None => {
            let p = protocol;
            let framing = Framing::from_protocol(p).ok_or_else(|| {
                Failure::Usage(format!(
                    "{p:?}: translate takes {} or a Modbus request (modbus-tcp, modbus-rtu, modbus-ascii, modbus-rtu-over-tcp)",
                    Input::NAMES
                ))
            })?;
            let mut out = [0u8; 600];
            let reply = t
                .modbus_request(framing, &bytes, now, &mut out)
                .map_err(Failure::Decode)?;
            let adu = out.get(..reply.len).unwrap_or(&[]);
            let frame = registry::find(p)
                .and_then(|c| (c.decode)(&Options::with_role(Some(Role::Response)), adu).ok())
                .map(|d| d.frame);
            line["reply"] = json!({"hex": registry::hex(adu), "frame": frame});
            line["outbound"] = reply.outbound.iter().map(|o| outbound_json(t, o)).collect();
        }
    }
    line["updated"] = json!(names(t, &before));
    print(&line);
    publish(t, now)
}

/// `causeway translate`.
pub fn run(
    map: &Path,
    pcaps: &[PathBuf],
    frames: &[String],
    keys: &KeyArgs,
    at: Option<u64>,
) -> Result<(), Failure> {
    let mut t = translator(map)?;
    let mut now = at.unwrap_or_else(now_ms);
    for path in pcaps {
        let opts = capture::Options {
            modbus_port: 502,
            modbus_map: None,
            epa_port: causeway_codecs::epa::header::DEFAULT_UDP_PORT,
            keys: keys.clone(),
        };
        capture::points(path, &opts, |number, ts, points| {
            if let Some(ts) = ts.and_then(|ns| u64::try_from(ns / 1_000_000).ok()) {
                now = at.unwrap_or(ts);
            }
            let before = changes(&t);
            for p in points {
                t.ingest_point(p, now);
            }
            let updated = names(&t, &before);
            if !updated.is_empty() {
                print(
                    &json!({"input": {"pcap": path.display().to_string(), "frame_number": number},
                    "updated": updated}),
                );
                publish(&mut t, now)?;
            }
            Ok(())
        })?;
    }
    for spec in frames {
        frame(&mut t, keys, spec, now)?;
    }
    print(&points_json(&t, now));
    Ok(())
}
