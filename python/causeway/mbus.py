"""Wired M-Bus (EN 13757-2/-3): telegrams and their records, the master's requests, and the
sans-I/O master state machines ``ReadMeter`` and ``Scan``.

Decode with ``causeway.decode("mbus", data)``; split a serial byte stream with
``causeway.Stream("mbus")``.
"""

from ._causeway import Event, Identity, ReadMeter, Record, Scan
from ._causeway import MbusFrame as Frame
from ._causeway import (
    application_reset,
    req_ud1,
    req_ud2,
    select,
    set_primary_address,
    snd_nke,
)

__all__ = [
    "Event",
    "Frame",
    "Identity",
    "ReadMeter",
    "Record",
    "Scan",
    "application_reset",
    "req_ud1",
    "req_ud2",
    "select",
    "set_primary_address",
    "snd_nke",
]
