//! `causeway simulate-meter`: an M-Bus slave on a serial line, for trying a gateway without a
//! meter. It acknowledges SND_NKE and SND_UD (printing each SND_UD's records as a JSON line) and
//! answers REQ_UD2 at its primary address (or 254) with an RSP_UD built by the codec's
//! encoder from `--record VIB:CODING:VALUE` entries (e.g. `06:0c:2850427` is energy in kWh as
//! 8 BCD digits).

use std::path::PathBuf;
use std::time::Duration;

use causeway_codecs::buffer::{Event, Growable, Stream};
use causeway_codecs::mbus::app::Identity;
use causeway_codecs::mbus::encode::RspUd;
use causeway_codecs::mbus::link::{CField, Deframer, Frame};
use causeway_codecs::registry::{self, parse_hex, Options};
use causeway_core::{Function, Manufacturer, Medium};
use serde_json::json;

use crate::Failure;

/// One data record the meter reports.
#[derive(Clone, Debug)]
pub struct RecordSpec {
    vib: Vec<u8>,
    coding: u8,
    value: i64,
}

/// Parses `VIB:CODING:VALUE` (hex VIF/VIFEs, hex DIF data field coding, decimal raw value).
pub fn parse_record(text: &str) -> Result<RecordSpec, String> {
    let bad = || format!("{text:?}: expected VIB:CODING:VALUE, e.g. 06:0c:2850427");
    let mut parts = text.split(':');
    let (Some(vib), Some(coding), Some(value), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    Ok(RecordSpec {
        vib: parse_hex(vib)?,
        coding: u8::from_str_radix(coding.trim_start_matches("0x"), 16).map_err(|_| bad())?,
        value: value.parse().map_err(|_| bad())?,
    })
}

/// What the simulated meter is.
#[derive(clap::Args)]
pub struct MeterOptions {
    /// Serial device.
    #[arg(long)]
    pub serial: PathBuf,
    /// Primary address.
    #[arg(long, default_value_t = 1)]
    pub address: u8,
    /// Identification number.
    #[arg(long, default_value = "12345678")]
    pub id: String,
    /// Manufacturer.
    #[arg(long, default_value = "HYD")]
    pub manufacturer: String,
    /// Medium (4 = heat).
    #[arg(long, default_value_t = 4)]
    pub medium: u8,
    /// A record `VIB:CODING:VALUE` (hex VIF/VIFEs, hex DIF data field, raw value).
    #[arg(long = "record", value_parser = parse_record)]
    pub records: Vec<RecordSpec>,
}

/// `causeway simulate-meter`.
pub fn run(opts: MeterOptions) -> Result<(), Failure> {
    let usage = |m: String| Failure::Usage(m);
    let id = u32::from_str_radix(&opts.id, 16)
        .ok()
        .filter(|_| opts.id.len() == 8)
        .ok_or_else(|| usage(format!("--id {:?}: 8 digits", opts.id)))?;
    let manufacturer = match opts.manufacturer.as_bytes() {
        &[a, b, c] => Manufacturer::from_letters([a, b, c]),
        _ => None,
    }
    .ok_or_else(|| usage(format!("--manufacturer {:?}: 3 letters", opts.manufacturer)))?;
    let identity = Identity {
        id,
        manufacturer,
        version: 1,
        medium: Medium(opts.medium),
    };
    let mut port = serialport::new(opts.serial.to_string_lossy(), 2400)
        .parity(serialport::Parity::Even)
        .timeout(Duration::from_millis(50))
        .open()
        .map_err(|e| usage(format!("{}: {e}", opts.serial.display())))?;
    println!(
        "{}",
        json!({"meter": {"serial": opts.serial.display().to_string(), "address": opts.address}})
    );
    let mut stream = Stream::new(Growable::new(1 << 12), Deframer);
    let mut chunk = [0u8; 256];
    let mut access = 0u8;
    loop {
        let n = match port.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(e) => return Err(usage(format!("{}: {e}", opts.serial.display()))),
        };
        let _ = stream.push(&chunk[..n]);
        let mut replies = Vec::new();
        while let Some(ev) = stream.next_event() {
            let Event::Frame(bytes) = ev else { continue };
            let Ok(frame) = Frame::new_checked(bytes) else {
                continue;
            };
            let (Some(c), Some(a)) = (frame.c_field(), frame.address()) else {
                continue;
            };
            if a != opts.address && a != 254 {
                continue;
            }
            if c.function() == CField::SND_NKE.function() {
                replies.push(vec![0xE5]);
            } else if c.function() == CField::SND_UD.function() {
                let decoded = registry::find("mbus").and_then(|codec| {
                    (codec.decode)(&Options::default(), bytes)
                        .ok()
                        .map(|d| serde_json::to_value(&d.points).unwrap_or_default())
                });
                println!(
                    "{}",
                    json!({"snd_ud": {"hex": registry::hex(bytes), "points": decoded}})
                );
                replies.push(vec![0xE5]);
            } else if c.function() == CField::REQ_UD2.function() {
                let mut out = vec![0u8; 256];
                let mut rsp = RspUd::new(&mut out, opts.address, identity, access, 0)
                    .map_err(|e| usage(e.to_string()))?;
                access = access.wrapping_add(1);
                for r in &opts.records {
                    rsp.number(&r.vib, Function::Instantaneous, 0, 0, 0, r.coding, r.value)
                        .map_err(|e| usage(format!("record {r:?}: {e}")))?;
                }
                let n = rsp.finish().map_err(|e| usage(e.to_string()))?;
                out.truncate(n);
                replies.push(out);
            }
        }
        for r in replies {
            std::thread::sleep(Duration::from_millis(5));
            port.write_all(&r)
                .map_err(|e| usage(format!("{}: {e}", opts.serial.display())))?;
        }
    }
}
