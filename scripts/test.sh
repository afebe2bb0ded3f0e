#!/usr/bin/env bash
# Every check causeway has, in the order CI runs them. Installs the tools it needs if missing
# (tshark, valgrind, socat and mbpoll from Debian, cbindgen and cargo-fuzz from crates.io, pymodbus, scapy,
# cryptography and the Python package's pinned test dependencies from PyPI). FUZZ_SECONDS sets
# the per-target fuzz time.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-8}
PYMODBUS=pymodbus==3.11.2
SCAPY=scapy==2.6.1
CRYPTOGRAPHY=cryptography==48.0.0

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy (warnings are errors; codecs deny unwrap/expect/panic/indexing outside tests)"
cargo clippy --workspace --all-targets -- -D warnings

step "peer tools (tshark for the differential tests, valgrind for the C tests, socat and mbpoll for the gateway)"
missing=()
command -v tshark >/dev/null || missing+=(tshark)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v socat >/dev/null || missing+=(socat)
command -v mbpoll >/dev/null || missing+=(mbpoll)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
tshark -v 2>/dev/null | head -n 1
command -v cbindgen >/dev/null || cargo install cbindgen --locked --version 0.29.4

step "tests"
cargo test --workspace

step "gateway against real peers (M-Bus meter on a socat pty, pymodbus and mbpoll clients, EPA-S over UDP)"
python3 -c "import pymodbus" 2>/dev/null || python3 -m pip install -q "$PYMODBUS"
cargo build -q -p causeway-cli
timeout 300 python3 cli/tests/gateway_peers.py target/debug/causeway

step "no_std builds (no protocol; protocols without alloc; with alloc; the translator)"
cargo build -p causeway-core -p causeway-codecs --no-default-features
cargo build -p causeway-core -p causeway-codecs --no-default-features --features causeway-codecs/modbus,causeway-codecs/mbus
cargo build -p causeway-core -p causeway-codecs --no-default-features --features causeway-codecs/alloc,causeway-codecs/modbus,causeway-codecs/mbus
cargo build -p causeway-core -p causeway-codecs --no-default-features --features causeway-codecs/epa,causeway-codecs/wiapa,causeway-codecs/crypto
# The translator without std (alloc only; maps are built in code instead of read from TOML).
cargo build -p causeway-core -p causeway-codecs --no-default-features --features causeway-codecs/translate

step "C API: header drift, C tests plain / ASan+UBSan / valgrind, gateway example, firmware build"
ffi-c/tests/run.sh

step "README main job on the bundled capture"
out=$(cargo run --release -q -p causeway-cli -- pcap samples/modbus-tcp.pcap --map samples/modbus-map.toml)
lines=$(printf '%s\n' "$out" | grep -c '"protocol":"modbus-tcp"')
[ "$lines" -ge 16 ] || { echo "expected at least 16 decoded Modbus frames, got $lines"; exit 1; }

step "gateway under load beside pymodbus (short run; the figures in BENCHMARKS.md come from a longer one)"
cargo build --release -q -p causeway-cli --bin causeway --example modbus_load
timeout 300 python3 cli/tests/gateway_load.py --clients 16 --seconds 2 --faults 2

step "Python package: pip install ./python in a fresh virtualenv, pytest, benchmarks run once"
venv=target/python-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q "./python[test]"
"$venv/bin/pytest" -q -p no:cacheprovider python/tests
"$venv/bin/pytest" -q -p no:cacheprovider python/benchmarks --benchmark-disable
(cd python/benchmarks && "../../$venv/bin/python" memory.py)

step "conformance vectors match their generators (pymodbus; libmbus corpus and EN 13757-3 tables; EPA-S and 802.15.4/WPA-L with scapy and tshark)"
python3 -c "import pymodbus" 2>/dev/null || python3 -m pip install -q "$PYMODBUS"
python3 -c "import scapy" 2>/dev/null || python3 -m pip install -q "$SCAPY"
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install -q "$CRYPTOGRAPHY"
python3 tools/vectors/modbus.py --check
python3 tools/vectors/mbus.py --check
python3 tools/vectors/epa.py --check
python3 tools/vectors/wpan.py --check

step "fuzz smoke (${FUZZ_SECONDS}s per target, nightly)"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
python3 tools/fuzz_seeds.py
for target in $(cd fuzz && cargo +nightly fuzz list); do
  (cd fuzz && cargo +nightly fuzz run "$target" -- -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 2>&1 | tail -n 2)
done

printf '\nall checks passed\n'
