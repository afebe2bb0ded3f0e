#!/usr/bin/env python3
"""Generate conformance-vectors/mbus-libmbus.json from the libmbus test corpus.

    python3 tools/vectors/mbus.py --corpus ../shared/corpora/mbus-libmbus          # rewrite
    python3 tools/vectors/mbus.py --corpus ../shared/corpora/mbus-libmbus --check  # compare

Each real meter telegram of the corpus becomes a vector whose expected header and points come
from libmbus's own normalised decode (NAME.norm.xml), an independent implementation:
  * numbers are compared within libmbus's printing precision (it prints six decimals), after
    converting causeway's unit into libmbus's (libmbus normalises durations to seconds);
  * dates compare by calendar fields;
  * where causeway deliberately differs, the vector says so in `notes` and states causeway's
    value, with the reason from EN 13757-3 (see DIFFERENCES below).
Error telegrams (error-frames/) become negative vectors or application-error vectors.

The corpus is BSD-3-Clause (libmbus, rscada); its licence is copied to
conformance-vectors/LICENSE-libmbus.
"""
import argparse
import json
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "conformance-vectors"
SOURCE = "libmbus test corpus (rscada/libmbus f09d613, BSD-3-Clause), expected values from libmbus's normalised decode"

UNITS = {"W": "W", "Wh": "Wh", "kWh": "kWh", "J": "J", "m^3": "m3", "l": "l", "m^3/h": "m3/h", "°C": "Cel",
         "K": "K", "V": "V", "A": "A", "s": "s", "Units for H.C.A.": "1"}
FUNCTIONS = {"Instantaneous value": "instantaneous", "Maximum value": "maximum", "Minimum value": "minimum",
             "Value during error state": "error"}

# Records where causeway deliberately differs from libmbus: (telegram, record) -> (expected point, reason).
BCD_ERROR = ("BCD digits A-F below the sign position mark an error (EN 13757-3 Annex B): causeway gives a "
             "Bad point; libmbus folds the digits into a decimal number")
DIFFERENCES = {
    ("sen_pollutherm", 2): ({"value": 302, "quantity": "other"},
                            "VIF 0x7B without the extension bit is reserved: causeway keeps the raw value 302 "
                            "as libmbus's raw decode does; libmbus's normalised decode drops the record"),
}
INVALID_DATE = "date fields 0 (day 0, month 0) are not a date: causeway gives a Bad point, libmbus prints 2000-00-00"



def reversed_hex(text):
    """libmbus prints long binary LVARs last byte first; causeway keeps wire order."""
    return "".join(reversed(text.lower().split()))

# libmbus quantities that are a plain-text VIF's text (causeway keeps the unit open).
def expected_point(i, rec, raw):
    """The point libmbus's normalised record `rec` implies; `raw` is the same record undecoded."""
    value, unit, quantity = rec.findtext("Value"), rec.findtext("Unit") or "", rec.findtext("Quantity") or ""
    raw_value = raw.findtext("Value") or ""
    if raw.findtext("Function") in ("Manufacturer specific", "More records follow"):
        # The 0F/1F block: bytes in wire order, not a record (no storage, tariff, subunit).
        return {"address": f"rec:{i}", "value": "".join(value.lower().split()), "quantity": "manufacturer_specific"}
    if "BCD" not in raw_value and any(c in "ABCDEF" for c in raw_value) and raw_value.strip().isalnum() and value != raw_value:
        return {"address": f"rec:{i}", "value": None, "quality": {"severity": "bad", "reason": "invalid_encoding"},
                "note": BCD_ERROR}
    p = {"address": f"rec:{i}", "qualifiers": {}}
    if rec.find("StorageNumber") is not None:
        p["qualifiers"]["storage"] = int(rec.findtext("StorageNumber"))
    fn = FUNCTIONS.get(rec.findtext("Function") or "")
    if fn:
        p["qualifiers"]["function"] = fn
    if rec.find("Tariff") is not None:
        p["qualifiers"]["tariff"] = int(rec.findtext("Tariff"))
    if rec.find("Device") is not None:
        p["qualifiers"]["subunit"] = int(rec.findtext("Device"))
    if quantity.startswith("Time point"):
        if value.endswith("-00-00") or "-00-00T" in value:
            p.update(value=None, quality={"severity": "bad", "reason": "invalid_encoding"})
            p["note"] = INVALID_DATE
        else:
            p.update(value=value, compare="datetime")
        return p
    if value and " " in value.strip() and all(len(t) == 2 for t in value.split()):
        p["value"] = reversed_hex(value)
        return p
    try:
        number = float(value)
    except (TypeError, ValueError):
        p["value"] = value  # text; checked as given
        return p
    # libmbus prints six decimals, and computes reals in double from the exact binary value:
    # allow half a printed digit, or f32 precision.
    p.update(value=number, compare="number", tolerance=max(5e-7, abs(number) * 1.2e-7))
    if unit in UNITS:
        p["unit"] = UNITS[unit]
    return p


def telegram_vectors(corpus: Path):
    out = []
    for hexfile in sorted((corpus / "test-frames").glob("*.hex")):
        name = hexfile.stem
        norm = ET.parse(hexfile.with_suffix(".norm.xml")).getroot()
        raw_records = ET.parse(hexfile.with_suffix(".xml")).getroot().findall("DataRecord")
        info = norm.find("SlaveInformation")
        header = {"id": info.findtext("Id").zfill(8), "version": int(info.findtext("Version") or 0),
                  "access_number": int(info.findtext("AccessNumber")), "status": int(info.findtext("Status"), 16),
                  "signature": int(info.findtext("Signature") or "0", 16)}
        if info.findtext("Manufacturer"):
            header["manufacturer"] = info.findtext("Manufacturer")
        points = []
        notes = []
        for i, (rec, raw_rec) in enumerate(zip(norm.findall("DataRecord"), raw_records)):
            diff = DIFFERENCES.get((name, i))
            if diff:
                points.append(diff[0])
                notes.append(f"record {i}: {diff[1]}")
            else:
                p = expected_point(i, rec, raw_rec)
                if "note" in p:
                    notes.append(f"record {i}: {p.pop('note')}")
                points.append(p)
        raw = bytes.fromhex(hexfile.read_text())
        frame = {"c_field": raw[4], "ci": raw[6]}
        if raw[6] in (0x73, 0x77):
            frame["fixed"] = {"id": header["id"], "access_number": header["access_number"]}
        else:
            frame["header"] = header
        vector = {"name": f"mbus/libmbus/{name}", "protocol": "mbus", "layer": "application",
                  "hex": hexfile.read_text().strip().lower(), "source": SOURCE,
                  "expect": {"frame": frame, "points": points}}
        if notes:
            vector["notes"] = "; ".join(notes)
        out.append(vector)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    cases = telegram_vectors(args.corpus)
    text = json.dumps(cases, indent=1, ensure_ascii=False) + "\n"
    path = OUT / "mbus-libmbus.json"
    if args.check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is out of date; run tools/vectors/mbus.py", file=sys.stderr)
            sys.exit(1)
        return
    path.write_text(text)
    shutil.copy(args.corpus / "LICENSE", OUT / "LICENSE-libmbus")
    print(f"{path}: {len(cases)} vectors")


if __name__ == "__main__":
    main()
