"""The exceptions causeway raises, defined once here; the native module raises these classes."""

from __future__ import annotations

__all__ = ["Error", "DecodeError", "ChecksumError", "IncompleteError", "EncodeError", "MapError"]


class Error(Exception):
    """Base class of every error causeway raises."""

    #: Protocol layer that rejected the input (``"modbus-rtu"``, ``"mbus-record"``, ...).
    layer: str
    #: Byte offset of the offending field from the start of the frame (0 for encoder fields).
    offset: int
    #: Kind of problem (``"checksum"``, ``"truncated"``, ``"invalid"``, ``"length"``, ``"field"``, ...).
    kind: str
    #: What the layer expected there (a number, or a description).
    expected: int | str | None
    #: What it found.
    found: int | None
    #: The field concerned, where one is named.
    field: str | None

    def __init__(
        self,
        message: str,
        *,
        layer: str = "",
        offset: int = 0,
        kind: str = "",
        expected: int | str | None = None,
        found: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.layer = layer
        self.offset = offset
        self.kind = kind
        self.expected = expected
        self.found = found
        self.field = field


class DecodeError(Error, ValueError):
    """Bytes that are not a valid frame: which layer rejected them, at which byte, and why."""


class ChecksumError(DecodeError):
    """A CRC, LRC or checksum does not match; ``expected`` is computed, ``found`` was sent."""


class IncompleteError(DecodeError):
    """The bytes end before the frame does."""

    @property
    def needed(self) -> int:
        """At least this many more bytes are needed."""
        if isinstance(self.expected, int) and self.found is not None:
            return max(self.expected - self.found, 1)
        return 1


class EncodeError(Error, ValueError):
    """A frame description that cannot be encoded (a missing or out-of-range field, or an
    output buffer that is too small)."""


class MapError(ValueError):
    """A translation map with problems; ``errors`` lists every one as ``(line, point, message)``
    (line 0 when unknown, point ``None`` when the problem belongs to no point)."""

    errors: list[tuple[int, str | None, str]]

    def __init__(self, message: str, errors: list[tuple[int, str | None, str]]) -> None:
        super().__init__(message)
        self.errors = errors
