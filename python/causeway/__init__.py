"""causeway: industrial protocols decoded and encoded zero-copy, onto one canonical data model.

>>> import causeway
>>> frame = causeway.decode("modbus-rtu", bytes.fromhex("11 03 00 6b 00 03 76 87"), role="request")
>>> frame.unit_id, frame.function, frame.fields["start_address"], frame.fields["quantity"]
(17, 'read_holding_registers', 107, 3)

Protocol names are those of ``protocols()``; the frame classes and protocol-specific helpers
live in :mod:`causeway.modbus`, :mod:`causeway.mbus`, :mod:`causeway.epa` and :mod:`causeway.wpan`.
"""

from . import epa, mbus, modbus, wpan
from ._causeway import (
    Outbound,
    Point,
    Skipped,
    Stream,
    Translator,
    __version__,
    decode,
    decode_many,
    decode_stream,
    encode,
    encode_into,
    protocols,
)
from ._errors import ChecksumError, DecodeError, EncodeError, Error, IncompleteError, MapError

__all__ = [
    "ChecksumError",
    "DecodeError",
    "EncodeError",
    "Error",
    "IncompleteError",
    "MapError",
    "Outbound",
    "Point",
    "Skipped",
    "Stream",
    "Translator",
    "__version__",
    "decode",
    "decode_many",
    "decode_stream",
    "encode",
    "encode_into",
    "epa",
    "mbus",
    "modbus",
    "protocols",
    "wpan",
]
