"""Side-by-side speed of causeway and the pure-Python peers, in one run (pytest-benchmark):

    pytest python/benchmarks --benchmark-only --benchmark-group-by=group --benchmark-columns=min,median,ops

* per frame, Modbus TCP and RTU: pymodbus's framer (`handleFrame`, which decodes the PDU into
  a message object with its register list) against `causeway.decode`, alone and with the
  register list read (`.values`), which is what pymodbus always does; each timed call decodes
  1000 frames in a loop, so the time per frame is the figure divided by 1000;
* per telegram, M-Bus long frames: pyMeterBus (`meterbus.load` and every record's value)
  against `causeway.decode` and every point;
* batches: 100 000 Modbus TCP responses in one buffer (`decode_stream`) or as a list of frames
  (`decode_many`), against pymodbus handling the same frames one by one;
* per frame, IEEE 802.15.4: scapy's `Dot15d4FCS` dissecting the WPA-L PUBLISH of the profile
  (MAC layer; scapy knows nothing of WPA-L) against `causeway.wpan.decode_mac` (MAC layer) and
  `causeway.decode("wpan")` with its points (MAC, WPA-L and the canonical point).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import meterbus
import pytest
from scapy.config import conf

conf.dot15d4_protocol = "sixlowpan"
from scapy.layers.dot15d4 import Dot15d4FCS  # noqa: E402
from pymodbus.framer import FramerRTU, FramerSocket
from pymodbus.pdu import DecodePDU

import causeway

ROOT = Path(__file__).resolve().parents[2]
# MODBUS Application Protocol V1.1b3 §6.3 style response: 10 holding registers, unit 17.
REGS = bytes.fromhex("03 14" + "".join(f"{i * 257:04x}" for i in range(10)))
TCP = bytes.fromhex("0001 0000") + (len(REGS) + 1).to_bytes(2, "big") + b"\x11" + REGS
RTU = b"\x11" + REGS + FramerRTU.compute_CRC(b"\x11" + REGS).to_bytes(2, "big")
BATCH = 100_000


def corpus(name: str) -> bytes:
    cases = json.loads((ROOT / "conformance-vectors" / "mbus-libmbus.json").read_text())
    return bytes.fromhex(next(c["hex"] for c in cases if c["name"] == f"mbus/libmbus/{name}"))


TELEGRAMS = {
    "heat-232B-35-records": corpus("landis+gyr_ultraheat_t230"),
    "water-63B-5-records": corpus("ACW_Itron-BM-plus-m"),
}


PER_CALL = 1000  # frames per timed call, so the harness's own call overhead is spread thin


def pymodbus_frames(framer: Any, frames: list[bytes]) -> Any:
    for frame in frames:
        pdu = framer.handleFrame(frame, 0, 0)[1]
    return pdu


def causeway_frames(protocol: str, frames: list[bytes]) -> Any:
    decode = causeway.decode
    for frame in frames:
        decoded = decode(protocol, frame, "response")
    return decoded


def causeway_frames_values(protocol: str, frames: list[bytes]) -> Any:
    decode = causeway.decode
    for frame in frames:
        values = decode(protocol, frame, "response").values
    return values


@pytest.mark.parametrize(("framing", "frame", "framer"), [("tcp", TCP, FramerSocket), ("rtu", RTU, FramerRTU)], ids=["tcp", "rtu"])
@pytest.mark.parametrize("impl", ["pymodbus", "causeway", "causeway+values"])
def test_modbus_frame(benchmark: Any, framing: str, frame: bytes, framer: Any, impl: str) -> None:
    benchmark.group = f"modbus-{framing} response, 10 registers: {PER_CALL} frames one by one"
    protocol = f"modbus-{framing}"
    frames = [frame] * PER_CALL
    if impl == "pymodbus":
        pdu = benchmark(pymodbus_frames, framer(DecodePDU(is_server=False)), frames)
        assert pdu.registers == list(range(0, 2570, 257))
    elif impl == "causeway":
        assert benchmark(causeway_frames, protocol, frames).unit_id == 17
    else:
        assert benchmark(causeway_frames_values, protocol, frames) == list(range(0, 2570, 257))


def pymeterbus_values(data: bytes) -> list[Any]:
    return [r.value for r in meterbus.load(data).records]


def causeway_points(data: bytes) -> list[Any]:
    return [p.value for p in causeway.decode("mbus", data).points()]


@pytest.mark.parametrize("telegram", sorted(TELEGRAMS))
@pytest.mark.parametrize("impl", ["pyMeterBus load", "causeway decode", "pyMeterBus values", "causeway values"])
def test_mbus_telegram(benchmark: Any, telegram: str, impl: str) -> None:
    benchmark.group = f"mbus long frame {telegram}"
    data = TELEGRAMS[telegram]
    if impl == "pyMeterBus load":
        benchmark(meterbus.load, data)
    elif impl == "causeway decode":
        benchmark(causeway.decode, "mbus", data)
    elif impl == "pyMeterBus values":
        assert len(benchmark(pymeterbus_values, data)) > 4
    else:
        assert len(benchmark(causeway_points, data)) > 4


def pymodbus_batch(frames: list[bytes]) -> int:
    f = FramerSocket(DecodePDU(is_server=False))
    return sum(1 for frame in frames if f.handleFrame(frame, 0, 0)[1] is not None)


@pytest.mark.parametrize("impl", ["pymodbus loop", "causeway decode_many", "causeway decode_stream"])
def test_modbus_tcp_batch(benchmark: Any, impl: str) -> None:
    benchmark.group = f"modbus-tcp batch of {BATCH} responses"
    frames = [TCP] * BATCH
    if impl == "pymodbus loop":
        count = benchmark.pedantic(pymodbus_batch, (frames,), rounds=3, iterations=1)
    elif impl == "causeway decode_many":
        count = len(benchmark(causeway.decode_many, "modbus-tcp", frames, "response"))
    else:
        stream = TCP * BATCH
        count = len(benchmark(causeway.decode_stream, "modbus-tcp", stream, "response"))
    assert count == BATCH


# docs/profiles/wpa-l.md: PUBLISH from 0x0102, FLOAT32 12.5, with FCS.
PUBLISH = bytes.fromhex("61982a3412010002010000010002010005010102080400004841523f")


def scapy_frames(frames: list[bytes]) -> Any:
    for frame in frames:
        p = Dot15d4FCS(frame)
    return p


def causeway_mac_frames(frames: list[bytes]) -> Any:
    decode = causeway.wpan.decode_mac
    for frame in frames:
        f = decode(frame)
    return f


def causeway_wpan_points(frames: list[bytes]) -> Any:
    decode = causeway.decode
    for frame in frames:
        points = list(decode("wpan", frame).points())
    return points


@pytest.mark.parametrize("impl", ["scapy Dot15d4FCS", "causeway decode_mac", "causeway decode+points"])
def test_wpan_frame(benchmark: Any, impl: str) -> None:
    benchmark.group = f"802.15.4 WPA-L PUBLISH, 28 octets: {PER_CALL} frames one by one"
    frames = [PUBLISH] * PER_CALL
    if impl == "scapy Dot15d4FCS":
        assert benchmark(scapy_frames, frames).seqnum == 42
    elif impl == "causeway decode_mac":
        assert benchmark(causeway_mac_frames, frames).seq == 42
    else:
        assert [p.value for p in benchmark(causeway_wpan_points, frames)] == [12.5]
