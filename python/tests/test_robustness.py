"""Random input never crashes the interpreter: every decoder, the stream deframers and the
encoders either succeed or raise one of causeway's exceptions (or TypeError/ValueError for
arguments of the wrong kind)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import causeway

ROLES: dict[str, list[Any]] = {
    "modbus-tcp": ["request", "response"],
    "modbus-rtu": ["request", "response"],
    "modbus-ascii": ["request", "response"],
    "modbus-rtu-over-tcp": ["request", "response"],
    "mbus": [None],
    "epa-s": [None],
}
FAST = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def touch(frame: Any) -> None:
    """Reads everything a frame offers (each must work on a frame that decoded)."""
    frame.to_dict()
    for p in frame.points():
        (p.value, p.timestamp, p.qualifiers, p.quality, p.to_dict(), repr(p))
    if isinstance(frame, causeway.mbus.Frame):
        for r in frame.records():
            (r.value, r.unit, r.quantity, r.quality, repr(r))
        (frame.identity, frame.manufacturer_data, frame.more_records_follow, frame.msb_first, repr(frame))
    elif isinstance(frame, causeway.epa.Frame):
        (frame.value, frame.body, frame.vlan, frame.udp, frame.service_name, repr(frame))
    else:
        (frame.values, frame.function, frame.exception_code, repr(frame))
    again = causeway.encode(frame.protocol, frame.fields)
    assert causeway.decode(frame.protocol, again, role=getattr(frame, "role", None)).fields == frame.fields


@FAST
@given(st.sampled_from(sorted(ROLES)), st.data())
def test_random_bytes_decode_or_raise(protocol: str, data: st.DataObject) -> None:
    role = data.draw(st.sampled_from(ROLES[protocol]))
    blob = data.draw(st.binary(max_size=300))
    try:
        frame = causeway.decode(protocol, blob, role=role)
    except causeway.DecodeError:
        return
    touch(frame)


@FAST
@given(st.sampled_from(["modbus-rtu", "mbus", "modbus-tcp", "modbus-ascii"]), st.binary(max_size=600), st.lists(st.integers(1, 64), max_size=20))
def test_random_streams(protocol: str, blob: bytes, cuts: list[int]) -> None:
    role = None if protocol in ("modbus-rtu", "mbus") else "response"
    whole = causeway.decode_stream(protocol, blob, role=role)
    assert b"".join(i.data for i in whole) == blob, "every byte is in a frame or skipped, in order"
    stream = causeway.Stream(protocol, role=role)
    at, items = 0, []
    for cut in cuts + [len(blob)]:
        stream.feed(blob[at : at + cut])
        at += cut
        items.extend(stream)
    stream.line_idle()
    items.extend(stream)
    # Fed in pieces, the same frames come out; what the batch reports as skipped or left over
    # at the end, the stream skips or still holds.
    frames = [(type(i), i.data) for i in whole if not isinstance(i, causeway.Skipped)]
    assert frames == [(type(i), i.data) for i in items if not isinstance(i, causeway.Skipped)]
    assert len(b"".join(i.data for i in items)) + stream.buffered == len(blob)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=8) | st.binary(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=20,
)
FIELD_NAMES = ["kind", "role", "unit_id", "function_code", "start_address", "quantity", "values", "address", "value", "data", "ci", "c_field", "records", "header", "dif", "vif"]


@FAST
@given(st.sampled_from(sorted(ROLES)), st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=8))
def test_random_descriptions_encode_or_raise(protocol: str, frame: dict[str, Any]) -> None:
    try:
        causeway.encode(protocol, frame)
    except (causeway.EncodeError, TypeError, ValueError):
        pass
