//! The `causeway` command: decode frames and captures into canonical JSON.
//!
//! ```text
//! causeway decode --protocol modbus-rtu --role request "11 03 00 6b 00 03 76 87"
//! causeway decode --protocol mbus --file telegram.bin
//! causeway decode --protocol wpan [--no-fcs] [--key HEX[:INDEX]] "61 98 2a ..."
//! causeway pcap samples/modbus-tcp.pcap [--port 502] [--epa-port 35004] [--key HEX[:INDEX]]
//! causeway schedule --config macrocycle.toml capture.pcap
//! causeway translate --map samples/gateway-map.toml --from pcap samples/wpan.pcap --from hex mbus:68...
//! causeway gateway --map samples/gateway-map.toml --modbus-tcp 127.0.0.1:5020 [--mbus-serial DEV]
//!     [--epa-udp 127.0.0.1:35004 --epa-peer ADDR] [--replay FILE]
//! causeway simulate-meter --serial DEV --record 06:0c:2850427
//! ```
//! Exit status 0 on success, 1 on a decode error (one line on stderr naming layer, offset,
//! expected and found; with `--format json` also `{"error": {...}}` on stdout) or on schedule
//! violations, 2 on usage errors.

mod capture;
mod gateway;
mod meter;
mod output;
mod translate;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use causeway_codecs::epa::schedule::Macrocycle;
use causeway_codecs::ieee802154::json::parse_addr;
use causeway_codecs::ieee802154::{ExtendedAddress, Key, KeyStore, WpanAddr};
use causeway_codecs::modbus::map::RegisterMap;
use causeway_codecs::registry::{self, parse_hex, Options, Role};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "causeway",
    version,
    about = "Decode industrial protocol frames into canonical points"
)]
struct Cli {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json, global = true)]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Request,
    Response,
}

/// Keys and addresses for secured IEEE 802.15.4 frames.
#[derive(Args, Clone, Default)]
pub struct KeyArgs {
    /// An AES-128 key (32 hex digits) for secured 802.15.4 frames, optionally only for one key
    /// index (`HEX:INDEX`); repeat for several.
    #[arg(long = "key", value_name = "HEX[:INDEX]", value_parser = parse_key)]
    keys: Vec<Key>,
    /// The extended address of a node known by its short address, for CCM* nonces
    /// (`PAN:SHORT=EXT`, e.g. `0x1234:0x0102=00:11:22:33:44:55:66:77`); repeat for several.
    #[arg(long = "address", value_name = "PAN:SHORT=EXT", value_parser = parse_mapping)]
    addresses: Vec<ExtendedAddress>,
}

impl KeyArgs {
    /// The key store over these keys.
    pub fn store(&self) -> KeyStore<'_> {
        KeyStore {
            keys: &self.keys,
            addresses: &self.addresses,
        }
    }
}

fn parse_number<T: TryFrom<u64>>(text: &str) -> Option<T> {
    let v = match text.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok()?,
        None => text.parse().ok()?,
    };
    T::try_from(v).ok()
}

fn parse_key(text: &str) -> Result<Key, String> {
    let (hex, index) = match text.split_once(':') {
        Some((h, i)) => (
            h,
            Some(parse_number(i).ok_or_else(|| format!("bad key index {i:?}"))?),
        ),
        None => (text, None),
    };
    let bytes = parse_hex(hex)?;
    let key = <[u8; 16]>::try_from(bytes.as_slice())
        .map_err(|_| format!("a key is 16 octets (32 hex digits), found {}", bytes.len()))?;
    Ok(Key {
        key_index: index,
        ..Key::any(key)
    })
}

fn parse_mapping(text: &str) -> Result<ExtendedAddress, String> {
    let bad = || format!("expected PAN:SHORT=EXT, found {text:?}");
    let (pan_short, ext) = text.split_once('=').ok_or_else(bad)?;
    let (pan, short) = pan_short.split_once(':').ok_or_else(bad)?;
    match parse_addr(ext) {
        Some(WpanAddr::Extended(ext)) => Ok(ExtendedAddress {
            pan: parse_number(pan).ok_or_else(bad)?,
            short: parse_number(short).ok_or_else(bad)?,
            ext,
        }),
        _ => Err(bad()),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Decode one frame given as hex, from stdin (`-`), or from a binary file.
    Decode {
        /// Protocol name (see `causeway protocols`).
        #[arg(long, short)]
        protocol: String,
        /// Request or response, for protocols whose frames do not say.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// Read the frame as raw bytes from this file.
        #[arg(long, conflicts_with = "hex")]
        file: Option<PathBuf>,
        /// An 802.15.4 frame without its FCS (`wpan` becomes `wpan-no-fcs`).
        #[arg(long)]
        no_fcs: bool,
        #[command(flatten)]
        keys: KeyArgs,
        /// The frame as hex (spaces allowed); `-` reads hex from stdin.
        #[arg(num_args = 0.., required_unless_present = "file")]
        hex: Vec<String>,
    },
    /// Decode every frame of known protocols in a pcap or pcapng capture, one JSON line each.
    Pcap {
        /// The capture file.
        file: PathBuf,
        /// Modbus/TCP server port (requests go to it).
        #[arg(long, default_value_t = 502)]
        port: u16,
        /// Modbus register map (TOML) for typed, scaled points.
        #[arg(long)]
        map: Option<PathBuf>,
        /// UDP port of EPA-S (EtherType 0x88CB is always decoded).
        #[arg(long, default_value_t = 35004)]
        epa_port: u16,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Check the EPA-S frames of a capture against a macrocycle (TOML): each DISTRIBUTE outside
    /// its publisher's slot and each NP_ANNOUNCE/NP_END ordering violation, one JSON line each,
    /// then a summary. Exit status 1 when there are violations.
    Schedule {
        /// The macrocycle (cycle_ns, start_ns, [non_periodic], [[device]] slots).
        #[arg(long)]
        config: PathBuf,
        /// The capture file.
        file: PathBuf,
        /// UDP port of EPA-S.
        #[arg(long, default_value_t = 35004)]
        epa_port: u16,
    },
    /// Feed a translator (map in TOML) from captures and frames; print what it answers and
    /// publishes, then every map point.
    Translate {
        /// The map.
        #[arg(long)]
        map: PathBuf,
        /// `pcap FILE` (a capture) or `hex PROTOCOL:HEX` (one frame: mbus, epa-s,
        /// epa-s-message, wpan, wpan-no-fcs, or a Modbus request to answer); repeatable.
        #[arg(long, num_args = 2, value_names = ["KIND", "INPUT"], action = clap::ArgAction::Append)]
        from: Vec<String>,
        /// The time of the frames (ms since 1970; default: the capture's time, else now).
        #[arg(long)]
        at: Option<u64>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Run a gateway: a Modbus/TCP server backed by the translator, fed from an M-Bus serial
    /// line, EPA-S over UDP and a replayed capture.
    Gateway(gateway::Options),
    /// Play an M-Bus meter on a serial line (answers SND_NKE, REQ_UD2 and SND_UD).
    SimulateMeter(meter::MeterOptions),
    /// List the protocols compiled into this build.
    Protocols,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode {
            protocol,
            role,
            file,
            no_fcs,
            keys,
            hex,
        } => {
            let protocol = match (protocol.as_str(), no_fcs) {
                ("wpan", true) => "wpan-no-fcs",
                (_, true) => {
                    return usage_exit("--no-fcs applies to --protocol wpan only".into());
                }
                (p, false) => p,
            };
            decode(cli.format, protocol, role, &keys, file, &hex)
        }
        Command::Pcap {
            file,
            port,
            map,
            epa_port,
            keys,
        } => load_map(map).and_then(|modbus_map| {
            let opts = capture::Options {
                modbus_port: port,
                modbus_map,
                epa_port,
                keys,
            };
            capture::run(cli.format, &file, opts)
        }),
        Command::Schedule {
            config,
            file,
            epa_port,
        } => load_macrocycle(&config).and_then(|cycle| {
            match capture::schedule(cli.format, &file, &cycle, epa_port)? {
                0 => Ok(()),
                n => Err(Failure::Violations(n)),
            }
        }),
        Command::Translate {
            map,
            from,
            at,
            keys,
        } => {
            let (mut pcaps, mut frames) = (Vec::new(), Vec::new());
            for pair in from.chunks(2) {
                match pair {
                    [kind, input] if kind == "pcap" => pcaps.push(PathBuf::from(input)),
                    [kind, input] if kind == "hex" => frames.push(input.clone()),
                    _ => {
                        return usage_exit(format!(
                            "--from {pair:?}: expected `pcap FILE` or `hex PROTOCOL:HEX`"
                        ))
                    }
                }
            }
            translate::run(&map, &pcaps, &frames, &keys, at)
        }
        Command::Gateway(opts) => gateway::run(opts),
        Command::SimulateMeter(opts) => meter::run(opts),
        Command::Protocols => {
            for c in registry::codecs() {
                println!(
                    "{}{}",
                    c.name,
                    if c.needs_role { " (needs --role)" } else { "" }
                );
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => usage_exit(msg),
        Err(Failure::Violations(n)) => {
            eprintln!("causeway: {n} schedule violations");
            ExitCode::from(1)
        }
        Err(Failure::Decode(e)) => {
            eprintln!("causeway: {e}");
            if cli.format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({ "error": registry::error_json(&e) })
                );
            }
            ExitCode::from(1)
        }
    }
}

fn usage_exit(msg: String) -> ExitCode {
    eprintln!("causeway: {msg}");
    ExitCode::from(2)
}

/// Why a command failed.
pub enum Failure {
    /// Bad arguments or unreadable input (exit 2).
    Usage(String),
    /// The input did not decode (exit 1).
    Decode(causeway_codecs::Error),
    /// A capture broke its schedule this many times (exit 1).
    Violations(usize),
}

/// Reads a macrocycle (TOML) and refuses one with inconsistencies.
fn load_macrocycle(path: &std::path::Path) -> Result<Macrocycle, Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::Usage(format!("{}: {e}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| fail(&e))?;
    let cycle: Macrocycle = toml::from_str(&text).map_err(|e| fail(&e))?;
    match cycle.problems().as_slice() {
        [] => Ok(cycle),
        problems => Err(fail(&problems.join("; "))),
    }
}

/// Reads a Modbus register map (TOML).
fn load_map(path: Option<PathBuf>) -> Result<Option<RegisterMap>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let fail = |e: &dyn std::fmt::Display| Failure::Usage(format!("{}: {e}", path.display()));
    let text = std::fs::read_to_string(&path).map_err(|e| fail(&e))?;
    toml::from_str(&text).map(Some).map_err(|e| fail(&e))
}

fn decode(
    format: Format,
    protocol: &str,
    role: Option<RoleArg>,
    keys: &KeyArgs,
    file: Option<PathBuf>,
    hex: &[String],
) -> Result<(), Failure> {
    let role = role.map(|r| match r {
        RoleArg::Request => Role::Request,
        RoleArg::Response => Role::Response,
    });
    let codec = registry::lookup(protocol, role).map_err(|e| Failure::Usage(e.to_string()))?;
    let bytes = match file {
        Some(path) => {
            std::fs::read(&path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?
        }
        None => {
            let text = if hex == ["-"] {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| Failure::Usage(format!("stdin: {e}")))?;
                s
            } else {
                hex.join(" ")
            };
            parse_hex(&text).map_err(Failure::Usage)?
        }
    };
    let options = Options {
        keys: keys.store(),
        ..Options::with_role(role)
    };
    let decoded = (codec.decode)(&options, &bytes).map_err(Failure::Decode)?;
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Json => serde_json::to_writer(&mut out, &decoded)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => output::write_text(&mut out, &decoded),
    };
    written.map_err(|e| Failure::Usage(format!("stdout: {e}")))
}
