//! Conformance vectors: the language-neutral JSON cases in `conformance-vectors/` that the Rust,
//! C and Python test suites all run.
//!
//! A file is a JSON array of cases:
//!
//! ```json
//! { "name": "modbus/rtu/read-holding-request", "protocol": "modbus-rtu", "role": "request",
//!   "hex": "11 03 00 6b 00 03 76 87", "source": "Modbus over serial line V1.02 §6.2.2",
//!   "expect": { "frame": { "unit_id": 17, ... }, "points": [ ... ] } }
//! { "name": "modbus/rtu/bad-crc", "protocol": "modbus-rtu", "role": "request",
//!   "hex": "...", "source": "...", "expect": { "error": { "kind": "checksum", "offset": 6 } } }
//! ```
//!
//! `expect.frame` and each of `expect.points` match when every key they name is present in the
//! decoded result with an equal value (objects recursively; arrays element by element and of
//! equal length; numbers by value). An expected point with `"compare": "number"` compares its
//! `value` within `tolerance` after converting the decoded value into the expected `unit` (for
//! values taken from another decoder that prints rounded numbers in its own units);
//! `"compare": "datetime"` compares calendar fields. `expect.points`, when given, must have exactly as many entries
//! as the decoder produced. A valid case is also re-encoded from its decoded JSON `frame` and must
//! give back the same bytes, unless it sets `"reencode": false` (non-canonical input such as
//! lower-case Modbus ASCII hex).

use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, fs};

use serde::Deserialize;
use serde_json::Value as Json;

use crate::registry::{error_json, parse_hex, Codec, Options, Role};

/// One conformance case.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// Unique name, `protocol/area/case`.
    pub name: String,
    /// Registry name of the codec.
    pub protocol: String,
    /// Which layer the case is about (informational).
    #[serde(default)]
    pub layer: Option<String>,
    /// `request` or `response`, for protocols that need it.
    #[serde(default)]
    pub role: Option<String>,
    /// The frame, hex with optional spaces.
    pub hex: String,
    /// Where the frame and the expected values come from.
    pub source: String,
    /// Free-form remarks.
    #[serde(default)]
    pub notes: Option<String>,
    /// Whether re-encoding must reproduce `hex` (default true).
    #[serde(default = "yes")]
    pub reencode: bool,
    /// Keys for secured frames.
    #[serde(default)]
    pub keys: Vec<VectorKey>,
    /// Short → extended address mappings for CCM* nonces.
    #[serde(default)]
    pub addresses: Vec<VectorAddress>,
    /// The expected outcome.
    pub expect: Expect,
}

fn yes() -> bool {
    true
}

/// A key of a case: `{"key": "00112233…", "key_index"?: 1, "pan"?: 4660, "src"?: "0x0102"}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorKey {
    /// The AES-128 key, hex.
    pub key: String,
    /// Only for this key index.
    #[serde(default)]
    pub key_index: Option<u8>,
    /// Only for this PAN.
    #[serde(default)]
    pub pan: Option<u16>,
    /// Only for this source address (`0x0102` or `00:11:22:33:44:55:66:77`).
    #[serde(default)]
    pub src: Option<String>,
}

/// A short → extended address mapping of a case.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorAddress {
    /// PAN.
    pub pan: u16,
    /// Short address.
    pub short: u16,
    /// Extended address, `00:11:22:33:44:55:66:77`.
    pub ext: String,
}

/// Runs `run` with the options of case `v` (its role and keys).
fn with_options<T>(
    v: &Vector,
    role: Option<Role>,
    run: impl FnOnce(&Options<'_>) -> Result<T, String>,
) -> Result<T, String> {
    #[cfg(feature = "wiapa")]
    {
        use crate::ieee802154::json::parse_addr;
        use crate::ieee802154::{ExtendedAddress, Key};
        let keys = v
            .keys
            .iter()
            .map(|k| {
                let bytes = parse_hex(&k.key)?;
                let key = <[u8; 16]>::try_from(bytes.as_slice())
                    .map_err(|_| format!("key {:?}: expected 16 octets", k.key))?;
                let src = match &k.src {
                    None => None,
                    Some(s) => Some(parse_addr(s).ok_or_else(|| format!("bad address {s:?}"))?),
                };
                Ok(Key {
                    key,
                    pan: k.pan,
                    src,
                    key_index: k.key_index,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let addresses = v
            .addresses
            .iter()
            .map(|a| match parse_addr(&a.ext) {
                Some(causeway_core::WpanAddr::Extended(ext)) => Ok(ExtendedAddress {
                    pan: a.pan,
                    short: a.short,
                    ext,
                }),
                _ => Err(format!("bad extended address {:?}", a.ext)),
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut options = Options::with_role(role);
        options.keys = crate::ieee802154::KeyStore {
            keys: &keys,
            addresses: &addresses,
        };
        run(&options)
    }
    #[cfg(not(feature = "wiapa"))]
    {
        let _ = v;
        run(&Options::with_role(role))
    }
}

/// What a case expects.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Expected frame fields (subset match).
    #[serde(default)]
    pub frame: Option<Json>,
    /// Expected points (subset match per point, same count).
    #[serde(default)]
    pub points: Option<Vec<Json>>,
    /// Expected error (`kind`, `offset`, optionally `layer`).
    #[serde(default)]
    pub error: Option<Json>,
}

/// Loads every `*.json` file under `dir` (sorted), returning `(file, case)` pairs.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Vector)>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let cases: Vec<Vector> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        out.extend(cases.into_iter().map(|c| (f.clone(), c)));
    }
    Ok(out)
}

/// Compares a point whose expectation carries `"compare"`: `"number"` (with `"tolerance"`, and
/// the actual value converted into the expected `"unit"` first) or `"datetime"` (calendar
/// fields equal; a trailing `Z` and zero seconds aside).
fn matches_compared(
    e: &serde_json::Map<String, Json>,
    a: &serde_json::Map<String, Json>,
) -> Result<(), String> {
    let how = e.get("compare").and_then(Json::as_str).unwrap_or("");
    let (ev, av) = (
        e.get("value").unwrap_or(&Json::Null),
        a.get("value").unwrap_or(&Json::Null),
    );
    match how {
        "number" => {
            let want = ev.as_f64().ok_or("expected value is not a number")?;
            let mut got = av
                .as_f64()
                .ok_or_else(|| format!("value: expected a number, found {av}"))?;
            if let (Some(eu), Some(au)) = (
                e.get("unit").and_then(Json::as_str),
                a.get("unit").and_then(Json::as_str),
            ) {
                if eu != au {
                    let from = causeway_core::Unit::from_code(au)
                        .ok_or_else(|| format!("unknown unit {au}"))?;
                    let to = causeway_core::Unit::from_code(eu)
                        .ok_or_else(|| format!("unknown unit {eu}"))?;
                    got = from
                        .convert_f64(got, to)
                        .map_err(|err| format!("unit: {err}"))?;
                }
            }
            let tolerance = e
                .get("tolerance")
                .and_then(Json::as_f64)
                .unwrap_or(0.0)
                .max(want.abs() * 1e-12);
            if (got - want).abs() > tolerance {
                return Err(format!("value: expected {want} ± {tolerance}, found {got}"));
            }
        }
        "datetime" => {
            let norm = |v: &Json| -> Option<String> {
                let t = v.as_str()?.trim_end_matches('Z');
                let t = t.strip_suffix(":00").filter(|x| x.len() == 16).unwrap_or(t);
                Some(t.to_string())
            };
            if norm(ev).is_none() || norm(ev) != norm(av) {
                return Err(format!("value: expected date-time {ev}, found {av}"));
            }
        }
        other => return Err(format!("unknown compare mode {other:?}")),
    }
    for (k, ev) in e {
        if !matches!(k.as_str(), "compare" | "tolerance" | "value" | "unit") {
            let av = a.get(k).ok_or_else(|| format!("missing key {k:?}"))?;
            matches(ev, av).map_err(|m| format!("{k}: {m}"))?;
        }
    }
    Ok(())
}

/// Whether `actual` contains everything `expected` states (see the module docs).
pub fn matches(expected: &Json, actual: &Json) -> Result<(), String> {
    match (expected, actual) {
        (Json::Object(e), Json::Object(a)) if e.contains_key("compare") => matches_compared(e, a),
        (Json::Object(e), Json::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("missing key {k:?}"))?;
                matches(ev, av).map_err(|m| format!("{k}: {m}"))?;
            }
            Ok(())
        }
        (Json::Array(e), Json::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("expected {} elements, found {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                matches(ev, av).map_err(|m| format!("[{i}]: {m}"))?;
            }
            Ok(())
        }
        (Json::Number(e), Json::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("expected {e}, found {a}")),
    }
}

/// Runs one case against `codecs`.
pub fn check_with(codecs: &[Codec], v: &Vector) -> Result<(), String> {
    let codec = codecs
        .iter()
        .find(|c| c.name == v.protocol)
        .ok_or_else(|| format!("protocol {:?} is not compiled into this build", v.protocol))?;
    let role = match v.role.as_deref() {
        None => None,
        Some(r) => Some(Role::from_name(r).ok_or_else(|| format!("bad role {r:?}"))?),
    };
    if codec.needs_role && role.is_none() {
        return Err(format!("protocol {} needs a role", codec.name));
    }
    let bytes = parse_hex(&v.hex)?;
    let expect = &v.expect;
    if expect.frame.is_none() && expect.points.is_none() && expect.error.is_none() {
        return Err("expect states nothing".into());
    }
    with_options(v, role, |options| check_decoded(codec, options, v, &bytes))
}

/// Decodes `bytes` of case `v` with `options` and compares with its expectation.
fn check_decoded(
    codec: &Codec,
    options: &Options<'_>,
    v: &Vector,
    bytes: &[u8],
) -> Result<(), String> {
    let expect = &v.expect;
    match ((codec.decode)(options, bytes), &expect.error) {
        (Err(e), Some(want)) => {
            matches(want, &error_json(&e)).map_err(|m| format!("error: {m} (got: {e})"))
        }
        (Err(e), None) => Err(format!("decode failed: {e}")),
        (Ok(d), Some(want)) => Err(format!("expected error {want}, decoded {}", d.frame)),
        (Ok(decoded), None) => {
            let actual = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
            if let Some(frame) = &expect.frame {
                matches(frame, actual.get("frame").unwrap_or(&Json::Null))
                    .map_err(|m| format!("frame.{m}"))?;
            }
            if let Some(points) = &expect.points {
                matches(
                    &Json::Array(points.clone()),
                    actual.get("points").unwrap_or(&Json::Null),
                )
                .map_err(|m| format!("points{m}"))?;
            }
            if v.reencode {
                let frame = actual.get("frame").unwrap_or(&Json::Null);
                let mut out = std::vec![0u8; 4096];
                let n = (codec.encode)(options, frame, &mut out)
                    .map_err(|e| format!("re-encode: {e}"))?;
                let again = out.get(..n).unwrap_or(&[]);
                if again != bytes {
                    return Err(format!(
                        "re-encode differs: {} instead of {}",
                        crate::registry::hex(again),
                        crate::registry::hex(bytes)
                    ));
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, ErrorKind, Layer};
    use crate::registry::{Decoded, Options};
    use serde_json::json;

    /// A toy protocol: one byte, the frame is `{"byte": b}`; 0xFF is a checksum error at 0.
    fn toy_decode<'a>(_: &Options<'_>, b: &'a [u8]) -> Result<Decoded<'a>, Error> {
        match b {
            [0xFF] => Err(Error::new(
                Layer::Deframer,
                0,
                ErrorKind::Checksum {
                    expected: 1,
                    found: 2,
                },
            )),
            [x] => Ok(Decoded {
                protocol: "toy",
                frame: json!({"byte": x, "extra": true}),
                points: Vec::new(),
            }),
            _ => Err(Error::truncated(Layer::Deframer, 0, 1, b.len())),
        }
    }
    /// Always writes the byte 0, so only frame 00 re-encodes to itself.
    fn toy_encode(_: &Options<'_>, _: &Json, out: &mut [u8]) -> Result<usize, Error> {
        let first = out
            .first_mut()
            .ok_or(Error::truncated(Layer::Deframer, 0, 1, 0))?;
        *first = 0;
        Ok(1)
    }
    const TOY: &[Codec] = &[Codec {
        name: "toy",
        needs_role: false,
        decode: toy_decode,
        encode: toy_encode,
    }];

    fn case(json: Json) -> Vector {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn frame_subset_and_error_matching() {
        let ok = case(
            json!({"name": "a", "protocol": "toy", "hex": "00", "source": "t",
                             "expect": {"frame": {"byte": 0}}}),
        );
        assert_eq!(check_with(TOY, &ok), Ok(()));
        let wrong = case(
            json!({"name": "a", "protocol": "toy", "hex": "01", "source": "t", "reencode": false,
                                "expect": {"frame": {"byte": 2}}}),
        );
        assert!(check_with(TOY, &wrong).unwrap_err().contains("byte"));
        let not_reencoded = case(
            json!({"name": "a", "protocol": "toy", "hex": "01", "source": "t",
                                        "expect": {"frame": {"byte": 1}}}),
        );
        assert!(check_with(TOY, &not_reencoded)
            .unwrap_err()
            .contains("re-encode"));
        let err = case(
            json!({"name": "a", "protocol": "toy", "hex": "ff", "source": "t",
                              "expect": {"error": {"kind": "checksum", "offset": 0}}}),
        );
        assert_eq!(check_with(TOY, &err), Ok(()));
        let wrong_err = case(
            json!({"name": "a", "protocol": "toy", "hex": "ff", "source": "t",
                                    "expect": {"error": {"kind": "truncated", "offset": 0}}}),
        );
        assert!(check_with(TOY, &wrong_err).is_err());
        let missed_err = case(
            json!({"name": "a", "protocol": "toy", "hex": "00", "source": "t",
                                     "expect": {"error": {"kind": "checksum"}}}),
        );
        assert!(check_with(TOY, &missed_err).is_err());
        let empty =
            case(json!({"name": "a", "protocol": "toy", "hex": "00", "source": "t", "expect": {}}));
        assert!(check_with(TOY, &empty).is_err());
    }

    #[test]
    fn a_protocol_not_compiled_in_fails_loudly() {
        let v = case(
            json!({"name": "a", "protocol": "profibus", "hex": "00", "source": "t",
                            "expect": {"frame": {}}}),
        );
        assert!(check_with(TOY, &v).unwrap_err().contains("not compiled"));
    }

    #[test]
    fn vectors_must_name_a_source() {
        let r: Result<Vector, _> = serde_json::from_value(
            json!({"name": "a", "protocol": "toy", "hex": "00", "expect": {}}),
        );
        assert!(r.is_err());
    }

    #[test]
    fn points_count_must_match() {
        assert!(matches(&json!([{}]), &json!([])).is_err());
        assert!(matches(&json!({"a": 1.0}), &json!({"a": 1})).is_ok());
        assert!(matches(&json!({"a": [1, 2]}), &json!({"a": [1, 2, 3]})).is_err());
    }
}
