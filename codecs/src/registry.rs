//! The protocols compiled into this build, by the names the CLI, the conformance vectors and the
//! bindings use, each with a decoder to the stable JSON result
//! `{"protocol": ..., "frame": {...}, "points": [...]}` and a re-encoder for round-trip checks.

use alloc::string::String;
use alloc::vec::Vec;

use causeway_core::Point;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value as Json};

use crate::error::{Error, ErrorKind};

pub use crate::Role;

/// A decoded frame in its JSON-ready form.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<'a> {
    /// The registry name of the protocol.
    pub protocol: &'static str,
    /// Frame fields (protocol-specific keys).
    pub frame: Json,
    /// Canonical points.
    pub points: Vec<Point<'a>>,
}

impl Serialize for Decoded<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("protocol", self.protocol)?;
        m.serialize_entry("frame", &self.frame)?;
        m.serialize_entry("points", &self.points)?;
        m.end()
    }
}

/// What a decoder or encoder may need besides the bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'k> {
    /// Request or response, for protocols that cannot tell from the bytes.
    pub role: Option<Role>,
    /// Keys for secured 802.15.4 frames.
    #[cfg(feature = "wiapa")]
    pub keys: crate::ieee802154::KeyStore<'k>,
    #[cfg(not(feature = "wiapa"))]
    keys: core::marker::PhantomData<&'k ()>,
}

impl Options<'_> {
    /// Options with `role` and nothing else.
    pub fn with_role(role: Option<Role>) -> Self {
        Options {
            role,
            keys: Default::default(),
        }
    }
}

/// Decodes one frame of a protocol into its JSON-ready form.
pub type DecodeFn = for<'a> fn(&Options<'_>, &'a [u8]) -> Result<Decoded<'a>, Error>;
/// Builds one frame from its JSON form (the `frame` object of a decode result) into `out`,
/// returning its length. Derived fields (checksums, lengths, byte counts, names, MICs) are
/// computed.
pub type EncodeFn = fn(&Options<'_>, &Json, &mut [u8]) -> Result<usize, Error>;

/// A protocol's entry in the registry.
#[derive(Clone, Copy, Debug)]
pub struct Codec {
    /// Name used on the command line and in vectors (`modbus-rtu`, `mbus`, ...).
    pub name: &'static str,
    /// Whether the caller must say request or response.
    pub needs_role: bool,
    /// Decodes one frame.
    pub decode: DecodeFn,
    /// Builds a frame from its JSON form.
    pub encode: EncodeFn,
}

/// Every codec compiled into this build.
pub fn codecs() -> &'static [Codec] {
    &[
        #[cfg(feature = "modbus")]
        crate::modbus::json::TCP,
        #[cfg(feature = "modbus")]
        crate::modbus::json::RTU,
        #[cfg(feature = "modbus")]
        crate::modbus::json::ASCII,
        #[cfg(feature = "modbus")]
        crate::modbus::json::RTU_OVER_TCP,
        #[cfg(feature = "mbus")]
        crate::mbus::json::MBUS,
        #[cfg(feature = "epa")]
        crate::epa::json::EPA_S,
        #[cfg(feature = "wiapa")]
        crate::ieee802154::json::WPAN,
        #[cfg(feature = "wiapa")]
        crate::ieee802154::json::WPAN_NO_FCS,
    ]
}

/// Looks a codec up by name.
pub fn find(name: &str) -> Option<&'static Codec> {
    codecs().iter().find(|c| c.name == name)
}

/// A protocol name that is not compiled in, or a role that is missing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// No codec of that name in this build.
    #[error("unknown protocol {name:?}; this build has: {known}")]
    UnknownProtocol {
        /// The name asked for.
        name: String,
        /// Comma-separated names that exist.
        known: String,
    },
    /// The protocol needs `--role request|response`.
    #[error("protocol {0} needs a role (request or response)")]
    RoleRequired(&'static str),
}

/// Finds `name` or says which protocols exist.
pub fn lookup(name: &str, role: Option<Role>) -> Result<&'static Codec, UsageError> {
    let codec = find(name).ok_or_else(|| UsageError::UnknownProtocol {
        name: name.into(),
        known: codecs()
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    if codec.needs_role && role.is_none() {
        return Err(UsageError::RoleRequired(codec.name));
    }
    Ok(codec)
}

/// The JSON form of an error: `{"layer", "offset", "kind", "message", "field"?, "expected"?,
/// "found"?}`.
pub fn error_json(e: &Error) -> Json {
    let mut obj = json!({
        "layer": e.layer.name(),
        "offset": e.offset,
        "kind": e.kind.name(),
        "message": alloc::format!("{e}"),
    });
    let (expected, found) = match e.kind {
        ErrorKind::Truncated { needed, available } => (json!(needed), json!(available)),
        ErrorKind::Checksum { expected, found } => (json!(expected), json!(found)),
        ErrorKind::Invalid {
            expected, found, ..
        } => (json!(expected), json!(found)),
        ErrorKind::Length {
            expected, found, ..
        } => (json!(expected), json!(found)),
        ErrorKind::Oversize { limit, found } => (json!(limit), json!(found)),
        ErrorKind::Capacity { needed, capacity } => (json!(needed), json!(capacity)),
        ErrorKind::Unsupported { found, .. } => (Json::Null, json!(found)),
        ErrorKind::Field { expected, .. } => (json!(expected), Json::Null),
        _ => (Json::Null, Json::Null),
    };
    if let Some(map) = obj.as_object_mut() {
        if let ErrorKind::Invalid { field, .. }
        | ErrorKind::Length { field, .. }
        | ErrorKind::Field { field, .. } = e.kind
        {
            map.insert("field".into(), json!(field));
        }
        if !expected.is_null() {
            map.insert("expected".into(), expected);
        }
        if !found.is_null() {
            map.insert("found".into(), found);
        }
    }
    obj
}

/// Lower-case hex of `bytes` (for `Bytes`-like frame fields).
pub fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parses hex with optional whitespace, `:`/`-` separators and a `0x` prefix per byte group.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text
        .split(|c: char| c.is_whitespace() || c == ':' || c == '-' || c == ',')
        .map(|g| g.strip_prefix("0x").unwrap_or(g))
        .flat_map(|g| g.bytes())
        .collect();
    if digits.len() % 2 != 0 {
        return Err(alloc::format!(
            "odd number of hex digits ({})",
            digits.len()
        ));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            core::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| {
                    alloc::format!(
                        "not a hex byte at byte {i}: {:?}",
                        String::from_utf8_lossy(pair)
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        assert_eq!(parse_hex("01 0a:FF-0x10").unwrap(), [1, 10, 255, 16]);
        assert!(parse_hex("abc").unwrap_err().contains("odd"));
        assert!(parse_hex("zz").unwrap_err().contains("byte 0"));
        assert_eq!(hex(&[0, 0xab]), "00ab");
    }

    #[test]
    fn unknown_protocol_lists_the_known_ones() {
        let e = lookup("can-bus", None).unwrap_err();
        assert!(matches!(e, UsageError::UnknownProtocol { .. }));
    }

    #[test]
    fn error_json_names_layer_offset_expected_found() {
        let e = Error::new(
            crate::error::Layer::ModbusRtu,
            6,
            ErrorKind::Checksum {
                expected: 0x1241,
                found: 0,
            },
        );
        let j = error_json(&e);
        assert_eq!(j["layer"], "modbus-rtu");
        assert_eq!(j["offset"], 6);
        assert_eq!(j["kind"], "checksum");
        assert_eq!(j["expected"], 0x1241);
        assert_eq!(j["found"], 0);
    }
}
