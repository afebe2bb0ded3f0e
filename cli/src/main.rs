//! The `causeway` command: decode frames and captures into canonical JSON.
//!
//! ```text
//! causeway decode --protocol modbus-rtu --role request "11 03 00 6b 00 03 76 87"
//! causeway decode --protocol mbus --file telegram.bin
//! causeway pcap samples/modbus-tcp.pcap [--port 502] [--epa-port 35004] [--format text]
//! causeway schedule --config macrocycle.toml capture.pcap
//! ```
//! Exit status 0 on success, 1 on a decode error (one line on stderr naming layer, offset,
//! expected and found; with `--format json` also `{"error": {...}}` on stdout) or on schedule
//! violations, 2 on usage errors.

mod capture;
mod output;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use causeway_codecs::epa::schedule::Macrocycle;
use causeway_codecs::modbus::map::RegisterMap;
use causeway_codecs::registry::{self, parse_hex, Role};
use clap::{Parser, Subcommand, ValueEnum};

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
            hex,
        } => decode(cli.format, &protocol, role, file, &hex),
        Command::Pcap {
            file,
            port,
            map,
            epa_port,
        } => load_map(map).and_then(|modbus_map| {
            let opts = capture::Options {
                modbus_port: port,
                modbus_map,
                epa_port,
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
        Err(Failure::Usage(msg)) => {
            eprintln!("causeway: {msg}");
            ExitCode::from(2)
        }
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
    let decoded = (codec.decode)(role, &bytes).map_err(Failure::Decode)?;
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Json => serde_json::to_writer(&mut out, &decoded)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => output::write_text(&mut out, &decoded),
    };
    written.map_err(|e| Failure::Usage(format!("stdout: {e}")))
}
