"""Interop with pymodbus (PyPI, pinned in pyproject.toml), in every framing it has (socket, TLS,
RTU, ASCII) and for every function code it implements, requests and responses, a few thousand
random messages:

* pymodbus builds a frame; causeway decodes it to the fields pymodbus decodes from it;
* causeway builds a frame from those fields; it is byte for byte the frame pymodbus built, and
  pymodbus decodes it to the same fields.

The random messages and pymodbus's field mapping are those of tools/vectors/modbus.py, which
also generates the committed pymodbus vectors. Where pymodbus cannot read a frame it built
itself (FC 20 requests, 1-byte PDUs in ASCII), its message is the reference instead.
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Iterator
from typing import Any

from pymodbus.exceptions import ModbusIOException
from pymodbus.framer import FramerAscii, FramerRTU, FramerSocket, FramerTLS

import causeway
from conftest import ROOT
from test_vectors import mismatch

_spec = importlib.util.spec_from_file_location("pymodbus_vectors", ROOT / "tools" / "vectors" / "modbus.py")
assert _spec and _spec.loader
pv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pv)

FRAMERS: dict[str, tuple[Any, str]] = {
    "socket": (FramerSocket, "modbus-tcp"),
    "tls": (FramerTLS, "modbus-tcp"),
    "rtu": (FramerRTU, "modbus-rtu"),
    "ascii": (FramerAscii, "modbus-ascii"),
}
ROUNDS = 25


def build(framer: Any, role: str, msg: Any, unit: int, tid: int) -> bytes:
    msg.dev_id = unit
    msg.transaction_id = tid
    frame: bytes = framer(pv.decoder(role)).buildFrame(msg)
    return frame


def pymodbus_decode(framer: Any, role: str, data: bytes) -> Any:
    """pymodbus's decode of `data`, or None where pymodbus rejects it."""
    try:
        used, pdu = framer(pv.decoder(role)).handleFrame(data, 0, 0)
    except ModbusIOException:
        return None
    return pdu if pdu is not None and used == len(data) else None


def cases() -> Iterator[tuple[str, str, Any, int, int]]:
    rng = random.Random(8)
    for _ in range(ROUNDS):
        for name in FRAMERS:
            for role, msg in pv.make_messages(rng):
                yield name, role, msg, rng.randrange(1, 248), rng.randrange(0x10000)


def expected_fields(name: str, role: str, pdu: Any, unit: int, tid: int) -> dict[str, Any]:
    fields = {"role": role, "unit_id": unit, **pv.expected_fields(pdu)}
    if FRAMERS[name][1] == "modbus-tcp":
        fields.update(transaction_id=tid, protocol_id=0)
    return fields


def test_both_directions() -> None:
    failures: list[str] = []
    checked = undecodable = 0
    for name, role, msg, unit, tid in cases():
        framer, protocol = FRAMERS[name]
        data = build(framer, role, msg, unit, tid)
        # pymodbus misreads some frames it builds itself: FC 20 requests (it halves
        # record_length on decode) and ASCII frames with a 1-byte PDU (rejected). Its message
        # stands in for its decode there.
        pdu = None if type(msg).__name__ == "ReadFileRecordRequest" else pymodbus_decode(framer, role, data)
        if pdu is None:
            undecodable += 1
            pdu = msg
        want = expected_fields(name, role, pdu, unit, tid)
        label = f"{name} {role} {type(msg).__name__} {data.hex()}"
        # pymodbus built it: causeway decodes the same fields.
        why = mismatch(want, causeway.decode(protocol, data, role=role).fields)  # type: ignore[arg-type]
        if why:
            failures.append(f"decode {label}: {why}")
        # causeway builds it from the fields: pymodbus's bytes, and pymodbus reads them back.
        built = causeway.encode(protocol, want)
        if built != data:
            failures.append(f"encode {label}: causeway built {built.hex()}")
        back = pymodbus_decode(framer, role, built)
        if pdu is not msg and (back is None or pv.expected_fields(back) != pv.expected_fields(pdu)):
            failures.append(f"pymodbus reading causeway's {label}: {back}")
        checked += 1
    assert not failures, f"{len(failures)} of {checked}:\n" + "\n".join(failures[:20])
    assert checked >= 4000 and undecodable < checked // 10
