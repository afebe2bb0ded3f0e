"""Memory held per decoded frame, causeway against the pure-Python peers (tracemalloc):

    python python/benchmarks/memory.py

100 000 Modbus TCP responses (10 registers) kept decoded in a list (pymodbus: the messages its
framer returns); 1 000 M-Bus telegrams (the 232-byte heat meter of the libmbus corpus) kept
decoded, and the same with every record's value read (pyMeterBus: `load` and its records).
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

import meterbus
from pymodbus.framer import FramerSocket
from pymodbus.pdu import DecodePDU

import causeway
from test_speed import TCP, TELEGRAMS


def held(make: Callable[[], Any]) -> int:
    """Bytes allocated by `make()` and still held by its result."""
    gc.collect()
    tracemalloc.start()
    result = make()
    gc.collect()
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return size


def main() -> None:
    n = 100_000
    frames = [bytes(TCP) for _ in range(n)]
    framer = FramerSocket(DecodePDU(is_server=False))
    telegram = TELEGRAMS["heat-232B-35-records"]
    m = 1_000
    rows = [
        ("modbus-tcp frame, decoded", "causeway", held(lambda: causeway.decode_many("modbus-tcp", frames, "response")) / n),
        ("modbus-tcp frame, decoded", "pymodbus", held(lambda: [framer.handleFrame(f, 0, 0)[1] for f in frames]) / n),
        ("modbus-tcp frame, decoded + registers", "causeway", held(lambda: [(f, f.values) for f in causeway.decode_many("modbus-tcp", frames, "response")]) / n),
        ("mbus telegram, decoded", "causeway", held(lambda: [causeway.decode("mbus", telegram) for _ in range(m)]) / m),
        ("mbus telegram, decoded", "pyMeterBus", held(lambda: [meterbus.load(telegram) for _ in range(m)]) / m),
        ("mbus telegram + values", "causeway", held(lambda: [[p.value for p in causeway.decode("mbus", telegram).points()] for _ in range(m)]) / m),
        ("mbus telegram + values", "pyMeterBus", held(lambda: [(t, [r.value for r in t.records]) for t in (meterbus.load(telegram) for _ in range(m))]) / m),
    ]
    print(f"{'what':40} {'who':12} {'bytes held per frame':>22}")
    for what, who, size in rows:
        print(f"{what:40} {who:12} {size:22,.0f}")


if __name__ == "__main__":
    main()
