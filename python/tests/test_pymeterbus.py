"""Telegrams causeway builds, in mode 1 (CI 72) and mode 2 (CI 76, multi-byte fields MSB first),
are read by an independent decoder, pyMeterBus (PyPI, pinned in
pyproject.toml), to the values they were built to carry.

Random RSP_UD telegrams are described as dicts (records with a DIF data field, DIFEs for
storage, tariff and subunit, a VIF from EN 13757-3 Table 10 and a raw value), encoded with
`causeway.encode`, and decoded by pyMeterBus and by causeway. The expected value of each record is
worked out here from the raw value and the VIF's decimal exponent, independently of both.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import meterbus
import pytest

import causeway

# VIF -> (decimal exponent, pyMeterBus unit, UCUM unit), EN 13757-3 Table 10.
VIFS = {
    0x03: (0, "MeasureUnit.WH", "Wh"),  # energy, 10^(3-3) Wh
    0x06: (3, "MeasureUnit.WH", "Wh"),  # energy, 10^(6-3) Wh
    0x13: (-3, "MeasureUnit.M3", "m3"),  # volume, 10^(3-6) m3
    0x16: (0, "MeasureUnit.M3", "m3"),  # volume, 10^(6-6) m3
    0x2B: (0, "MeasureUnit.W", "W"),  # power, 10^(3-3) W
    0x3B: (-3, "MeasureUnit.M3_H", "m3/h"),  # volume flow, 10^(3-6) m3/h
    0x5B: (0, "MeasureUnit.C", "Cel"),  # flow temperature, 10^(3-3) °C
    0x5F: (0, "MeasureUnit.C", "Cel"),  # return temperature
}
# Data field -> (octets, binary or BCD).
FIELDS = {0x1: (1, "bin"), 0x2: (2, "bin"), 0x3: (3, "bin"), 0x4: (4, "bin"), 0xA: (2, "bcd"), 0xC: (4, "bcd")}


def raw_bytes(value: int, octets: int, coding: str) -> bytes:
    if coding == "bcd":
        digits = f"{value:0{2 * octets}d}"
        return bytes.fromhex(digits)[::-1]
    return value.to_bytes(octets, "little", signed=False)


def dib(field: int, storage: int, tariff: int, subunit: int) -> tuple[int, list[int]]:
    """DIF and DIFEs (EN 13757-3 §6.3): storage LSB in the DIF, the rest in DIFEs."""
    dif = field | (storage & 1) << 6
    difes = []
    rest_storage, tariff_left, sub_left = storage >> 1, tariff, subunit
    while rest_storage or tariff_left or sub_left:
        difes.append((rest_storage & 0xF) | (tariff_left & 3) << 4 | (sub_left & 1) << 6)
        rest_storage, tariff_left, sub_left = rest_storage >> 4, tariff_left >> 2, sub_left >> 1
    for i in range(len(difes) - 1):
        difes[i] |= 0x80
    if difes:
        dif |= 0x80
    return dif, difes


def telegram(rng: random.Random, ci: int) -> tuple[bytes, list[dict[str, Any]]]:
    """A random RSP_UD with CI `ci`: 72 (mode 1), or 76 (mode 2: multi-byte fields MSB first)."""
    msb_first = ci == 0x76
    records, expected = [], []
    for _ in range(rng.randrange(1, 8)):
        vif = rng.choice(sorted(VIFS))
        field = rng.choice(sorted(FIELDS))
        octets, coding = FIELDS[field]
        raw = rng.randrange(10 ** (2 * octets) if coding == "bcd" else 1 << (8 * octets - 1))
        storage, tariff, subunit = rng.choice([0, 0, 1, 5]), rng.choice([0, 0, 1, 2]), rng.choice([0, 0, 1])
        dif, difes = dib(field, storage, tariff, subunit)
        exponent, pmb_unit, ucum = VIFS[vif]
        data = raw_bytes(raw, octets, coding)[:: -1 if msb_first else 1]
        records.append({"dif": dif, "difes": difes, "vif": vif, "vifes": [], "data": data.hex()})
        expected.append({"value": Decimal(raw).scaleb(exponent), "pmb_unit": pmb_unit, "unit": ucum,
                         "storage": storage, "tariff": tariff, "subunit": subunit})
    frame = {
        "kind": "long", "c_field": 0x08, "address": rng.randrange(1, 251), "ci": ci,
        "header": {"id": f"{rng.randrange(10**8):08d}", "manufacturer": rng.choice(["ABB", "PAD", "KAM"]),
                   "version": rng.randrange(256), "medium": "heat", "access_number": rng.randrange(256),
                   "status": 0, "signature": rng.randrange(1 << 16)},
        "records": records,
    }
    expected.append({"header": frame["header"]})
    return causeway.encode("mbus", frame), expected


@pytest.mark.parametrize("ci", [0x72, 0x76])
def test_pymeterbus_reads_what_causeway_builds(ci: int) -> None:
    rng = random.Random(13757 + ci)
    checked = 0
    for _ in range(300):
        data, expected = telegram(rng, ci)
        header = expected.pop()["header"]
        body = json.loads(meterbus.load(data).to_JSON())["body"]
        # pyMeterBus prints the id MSB first and the signature LSB first, whatever the mode.
        id_bytes = ", ".join(f"0x{b:02x}" for b in bytes.fromhex(header["id"]))
        sign_bytes = ", ".join(f"0x{b:x}" for b in header["signature"].to_bytes(2, "little"))
        assert (body["header"]["identification"], body["header"]["manufacturer"], body["header"]["sign"]) == (
            id_bytes, header["manufacturer"], sign_bytes), data.hex()
        decoded = causeway.decode("mbus", data)
        assert decoded.msb_first == (ci == 0x76)
        assert decoded.fields["header"] == header, data.hex()
        theirs = body["records"]
        ours = list(decoded.points())
        assert len(theirs) == len(ours) == len(expected), data.hex()
        for want, their, our in zip(expected, theirs, ours):
            assert their["unit"] == want["pmb_unit"], (data.hex(), their)
            # pyMeterBus scales with binary floats: equal to 12 significant digits.
            assert abs(Decimal(str(their["value"])) - want["value"]) <= abs(want["value"]) * Decimal("1e-12"), (their, want)
            assert their["storage_number"] == want["storage"]
            assert their.get("tariff", 0) == want["tariff"] and their.get("device", 0) == want["subunit"]
            assert our.unit == want["unit"] and our.value == want["value"], (data.hex(), our, want)
            q = our.qualifiers
            assert (q["storage"], q["tariff"], q["subunit"]) == (want["storage"], want["tariff"], want["subunit"])
            checked += 1
    assert checked > 800
