//! The `--format text` rendering: one line for the frame, one per point.

use std::io::{self, Write};

use causeway_codecs::registry::Decoded;
use serde_json::Value as Json;

fn flatten(prefix: &str, v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => out.push(format!("{prefix}={other}")),
    }
}

/// Writes `decoded` as text.
pub fn write_text(out: &mut impl Write, decoded: &Decoded<'_>) -> io::Result<()> {
    let mut fields = Vec::new();
    flatten("", &decoded.frame, &mut fields);
    writeln!(out, "{} {}", decoded.protocol, fields.join(" "))?;
    for p in &decoded.points {
        let value =
            serde_json::to_string(&causeway_core::json::ValueJson(&p.value)).unwrap_or_default();
        let unit = p.unit.map(|u| format!(" {u}")).unwrap_or_default();
        let quantity = p.quantity.map(|q| format!(" [{q}]")).unwrap_or_default();
        let quality = if p.quality.severity == causeway_core::Severity::Good {
            String::new()
        } else {
            format!(
                " ({} {}{})",
                p.quality.severity.name(),
                p.quality.reason,
                p.quality
                    .code
                    .map(|c| format!(" code {c}"))
                    .unwrap_or_default()
            )
        };
        writeln!(out, "  {} = {value}{unit}{quantity}{quality}", p.id())?;
    }
    Ok(())
}
