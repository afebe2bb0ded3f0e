#!/usr/bin/env python3
"""Load and faults on loopback: the causeway gateway beside a pymodbus server holding the same
registers, each loaded by the same client (cli/examples/modbus_load.rs): many Modbus/TCP
connections reading for a fixed time while a few others send garbage, oversize MBAP lengths or
leave mid-frame. Prints a Markdown table (requests/s, latency percentiles) and fails if a
well-behaved client saw an error or a wrong answer from the gateway, if the gateway left a
misbehaving connection open, or if its image changed under load.

    python3 cli/tests/gateway_load.py --causeway target/release/causeway \\
        --load target/release/examples/modbus_load --clients 32 --seconds 10 --faults 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# FC 3, holding registers 10..12: the sample map's EPA-S set point as float32, which the
# bundled EPA-S capture sets to 12.5.
REQUEST = "03000a0002"
ADDRESS, COUNT = 10, 2


def serve_pymodbus(port: int, registers: list[int]) -> None:
    """A pymodbus TCP server whose holding registers ADDRESS.. hold `registers`."""
    from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
    from pymodbus.server import StartAsyncTcpServer

    # pymodbus's device context reads block address + 1 for protocol address 0.
    block = ModbusSequentialDataBlock(1, [0] * ADDRESS + registers)
    context = ModbusServerContext(devices=ModbusDeviceContext(hr=block), single=True)
    asyncio.run(StartAsyncTcpServer(context=context, address=("127.0.0.1", port)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(port: int, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def read_registers(port: int) -> list[int]:
    from pymodbus.client import ModbusTcpClient

    client = ModbusTcpClient("127.0.0.1", port=port)
    assert client.connect()
    try:
        rr = client.read_holding_registers(ADDRESS, count=COUNT, device_id=1)
        assert not rr.isError(), rr
        registers: list[int] = rr.registers
        return registers
    finally:
        client.close()


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load(tool: str, port: int, args: argparse.Namespace) -> dict[str, float]:
    cmd = [tool, f"127.0.0.1:{port}", "--clients", str(args.clients), "--seconds", str(args.seconds)]
    cmd += ["--faults", str(args.faults), "--request", REQUEST]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=args.seconds + 60)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--causeway", default=str(ROOT / "target" / "release" / "causeway"))
    ap.add_argument("--load", default=str(ROOT / "target" / "release" / "examples" / "modbus_load"))
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--faults", type=int, default=2)
    ap.add_argument("--serve-pymodbus", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--registers", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_pymodbus:
        serve_pymodbus(args.serve_pymodbus, json.loads(args.registers))
        return 0

    gateway = subprocess.Popen(
        [args.causeway, "gateway", "--map", str(ROOT / "samples" / "gateway-map.toml")]
        + ["--modbus-tcp", "127.0.0.1:0", "--replay", str(ROOT / "samples" / "epa-s.pcap")],
        stdout=subprocess.PIPE,
        text=True,
    )
    peer = None
    try:
        assert gateway.stdout is not None
        first = json.loads(gateway.stdout.readline())
        gw_port = int(first["gateway"]["modbus_tcp"].rsplit(":", 1)[1])
        registers = read_registers(gw_port)
        assert registers == [0x4148, 0x0000], registers  # 12.5 as float32 ABCD
        py_port = free_port()
        peer = subprocess.Popen(
            [sys.executable, __file__, "--serve-pymodbus", str(py_port), "--registers", json.dumps(registers)]
        )
        wait_for(py_port)
        assert read_registers(py_port) == registers, "pymodbus serves another image"

        rows = {"causeway gateway": load(args.load, gw_port, args), "pymodbus 3.11.2": load(args.load, py_port, args)}
        rows["causeway gateway"]["rss"] = peak_rss_mib(gateway.pid)
        rows["pymodbus 3.11.2"]["rss"] = peak_rss_mib(peer.pid)
        print(f"\n{args.clients} clients, {args.seconds:g} s, {args.faults} misbehaving connections, FC 3 x{COUNT}\n")
        print("| server | requests/s | p50 µs | p90 µs | p99 µs | max µs | errors | faulty conns closed / left open | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, r in rows.items():
            print(
                f"| {name} | {r['requests_per_s']:.0f} | {r['p50_us']} | {r['p90_us']} | {r['p99_us']} "
                f"| {r['max_us']} | {r['errors'] + r['mismatches']:.0f} "
                f"| {r['faults_closed_by_server']:.0f} / {r['faults_left_open']:.0f} | {r['rss']:.1f} |"
            )
        gw = rows["causeway gateway"]
        failures = []
        if gw["errors"] or gw["mismatches"]:
            failures.append(f"gateway: {gw['errors']} errors, {gw['mismatches']} wrong answers")
        if gw["faults_left_open"]:
            failures.append(f"gateway left {gw['faults_left_open']} misbehaving connections open")
        if args.faults and not gw["faults_closed_by_server"]:
            failures.append("no misbehaving connection was closed by the gateway")
        if read_registers(gw_port) != registers:
            failures.append("the gateway's image changed under load")
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        return 1 if failures else 0
    finally:
        for p in (gateway, peer):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    sys.exit(main())
