"""Runs every conformance vector (conformance-vectors/*.json) through the Python package, with the
matching rules of the Rust runner (causeway_codecs::conformance): expected frame fields and points
are subsets of what is decoded, points match in number, `compare: number` converts units, errors
match kind, offset and layer, and valid frames re-encode from their fields to the same bytes."""

from __future__ import annotations

import math
from typing import Any

import pytest

import causeway
from conftest import vector_cases

CASES = vector_cases()


def mismatch(expected: Any, actual: Any, path: str = "") -> str | None:
    """Where `actual` fails to contain `expected` (None when it does)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, found {actual!r}"
        for key, want in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing"
            why = mismatch(want, actual[key], f"{path}.{key}")
            if why:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {len(expected)} items, found {actual!r}"
        for i, (want, got) in enumerate(zip(expected, actual)):
            why = mismatch(want, got, f"{path}[{i}]")
            if why:
                return why
        return None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None if expected is actual else f"{path}: expected {expected!r}, found {actual!r}"
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return None if expected == actual else f"{path}: expected {expected!r}, found {actual!r}"
    return None if expected == actual else f"{path}: expected {expected!r}, found {actual!r}"


def normalised_datetime(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    t = text.rstrip("Z")
    return t[:-3] if t.endswith(":00") and len(t) == 19 else t


def point_mismatch(want: dict[str, Any], got: dict[str, Any], point: causeway.Point) -> str | None:
    how = want.get("compare")
    if how is None:
        return mismatch(want, got)
    rest = {k: v for k, v in want.items() if k not in ("compare", "tolerance", "value", "unit")}
    if how == "number":
        value = point.value_in(want["unit"]) if "unit" in want and got.get("unit") else point.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "as_tuple"):
            return f"value: expected a number, found {value!r}"
        tolerance = max(float(want.get("tolerance", 0)), abs(want["value"]) * 1e-12)
        if not math.isclose(float(value), want["value"], rel_tol=0, abs_tol=tolerance):
            return f"value: expected {want['value']} ± {tolerance}, found {value}"
    elif how == "datetime":
        if normalised_datetime(want["value"]) is None or normalised_datetime(want["value"]) != normalised_datetime(got.get("value")):
            return f"value: expected date-time {want['value']}, found {got.get('value')}"
    else:
        return f"unknown compare mode {how!r}"
    return mismatch(rest, got)


def keys_of(case: dict[str, Any]) -> causeway.wpan.KeyStore | None:
    """The key store a case's `keys` and `addresses` describe (None when it has neither)."""
    if "keys" not in case and "addresses" not in case:
        return None
    store = causeway.wpan.KeyStore()
    for k in case.get("keys", []):
        store.add(bytes.fromhex(k["key"]), key_index=k.get("key_index"), pan=k.get("pan"), src=k.get("src"))
    for a in case.get("addresses", []):
        store.map_address(a["pan"], a["short"], a["ext"])
    return store


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case: dict[str, Any]) -> None:
    data = bytes.fromhex(case["hex"])
    expect = case["expect"]
    role = case.get("role")
    keys = keys_of(case)
    if "error" in expect:
        with pytest.raises(causeway.DecodeError) as caught:
            causeway.decode(case["protocol"], data, role=role, keys=keys)
        err = caught.value
        actual = {"kind": err.kind, "offset": err.offset, "layer": err.layer}
        want = {k: v for k, v in expect["error"].items() if k in actual}
        assert mismatch(want, actual) is None, f"{err!r}: {mismatch(want, actual)}"
        if err.kind == "checksum":
            assert isinstance(err, causeway.ChecksumError)
        if err.kind == "truncated":
            assert isinstance(err, causeway.IncompleteError)
            assert isinstance(err.expected, int) and err.found is not None
            assert err.needed == err.expected - err.found
        return
    frame = causeway.decode(case["protocol"], data, role=role, keys=keys)
    decoded = frame.to_dict()
    assert decoded["protocol"] == case["protocol"]
    # The getter reads the frame alone (no points), to the same object as to_dict's.
    assert frame.fields == decoded["frame"]
    if "frame" in expect:
        why = mismatch(expect["frame"], decoded["frame"], "frame")
        assert why is None, why
    if "points" in expect:
        points = list(frame.points())
        assert len(points) == len(expect["points"]) == len(decoded["points"])
        for i, (want, got, point) in enumerate(zip(expect["points"], decoded["points"], points)):
            why = point_mismatch(want, got, point)
            assert why is None, f"points[{i}]: {why}"
            assert point.to_dict() == got
    if case.get("reencode", True):
        assert causeway.encode(case["protocol"], frame.fields, keys=keys) == data


def test_every_vector_file_is_run() -> None:
    assert {c["file"] for c in CASES} >= {"modbus-spec.json", "modbus-pymodbus.json", "mbus-libmbus.json",
                                          "epa-s.json", "wpan.json"}
    assert len(CASES) >= 1100


def test_the_matcher_notices_differences() -> None:
    assert mismatch({"a": 1}, {"a": 1, "b": 2}) is None
    assert mismatch({"a": 1}, {"a": 2})
    assert mismatch({"a": 1}, {})
    assert mismatch([1], [1, 2])
    assert mismatch({"a": {"b": True}}, {"a": {"b": 1}})
    assert mismatch({"v": 1.5}, {"v": 1.5}) is None
