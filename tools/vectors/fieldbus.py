"""The shared data types of the EPA-S and WPA-L profiles (docs/profiles/README.md), for the
vector generators: every type with a value in a given byte order, and its expected JSON form."""
import struct

TS = 1_767_225_600_123_456_789  # 2026-01-01T00:00:00.123456789Z
TS_ISO = "2026-01-01T00:00:00.123456789Z"

TYPE_NAMES = {1: "BOOLEAN", 2: "INT8", 3: "INT16", 4: "INT32", 5: "UINT8", 6: "UINT16", 7: "UINT32",
              8: "FLOAT32", 9: "VISIBLE_STRING", 10: "OCTET_STRING", 11: "DATE", 12: "TIME_OF_DAY",
              13: "TIME_DIFFERENCE", 14: "BIT_STRING", 21: "TIME_VALUE", 0x40: "INT64", 0x41: "UINT64",
              0x42: "FLOAT64"}


def values(order):
    """(name, type code, value octets in `order` (">" or "<"), expected JSON value, canonical point
    value) for every type of the table, and an unknown one."""
    return [
        ("boolean", 1, b"\x01", True, True),
        ("boolean-ff", 1, b"\xff", True, True),
        ("int8", 2, struct.pack(order + "b", -5), -5, -5),
        ("int16", 3, struct.pack(order + "h", -300), -300, -300),
        ("int32", 4, struct.pack(order + "i", -70000), -70000, -70000),
        ("uint8", 5, b"\xc8", 200, 200),
        ("uint16", 6, struct.pack(order + "H", 0xABCD), 0xABCD, 0xABCD),
        ("uint32", 7, struct.pack(order + "I", 0xDEADBEEF), 0xDEADBEEF, 0xDEADBEEF),
        ("float32", 8, struct.pack(order + "f", 12.5), 12.5, 12.5),
        ("visible-string", 9, b"PT100", "PT100", "PT100"),
        ("octet-string", 10, b"\x00\x01\xfe", "0001fe", "0001fe"),
        ("date", 11, struct.pack(order + "HBBBBB", 30_250, 30, 12, 24, 12, 124),
         {"ms": 30250, "minute": 30, "hour": 12, "day": 24, "month": 12, "year": 124}, "2024-12-24T12:30:30.250"),
        ("time-of-day", 12, struct.pack(order + "IH", 3_600_000, 1), {"ms": 3600000, "days": 1},
         "1984-01-02T01:00:00.000"),
        ("time-difference", 13, struct.pack(order + "IH", 1500, 2), {"ms": 1500, "days": 2}, None),
        ("bit-string", 14, b"\xa5", "a5", "a5"),
        ("time-value", 21, struct.pack(order + "q", TS), TS, TS_ISO),
        ("int64", 0x40, struct.pack(order + "q", -(2**40)), -(2**40), -(2**40)),
        ("uint64", 0x41, struct.pack(order + "Q", 2**63 + 1), 2**63 + 1, 2**63 + 1),
        ("float64", 0x42, struct.pack(order + "d", -0.125), -0.125, -0.125),
        ("unknown-type", 0x99, b"\x01\x02", "0102", "0102"),
    ]


def value_fields(code, raw, value):
    """The JSON keys of a typed value: `type`, `type_name`, `len`, `value` (and `raw` for a
    BOOLEAN octet other than 0 or 1)."""
    f = {"type": code, "len": len(raw), "value": value}
    if code in TYPE_NAMES:
        f["type_name"] = TYPE_NAMES[code]
    if code == 1 and raw[0] > 1:
        f["raw"] = raw[0]
    return f
