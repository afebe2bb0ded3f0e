"""A program using the typed API, checked with `mypy --strict` (test_typing.py) and run."""

from __future__ import annotations

import decimal

import causeway
from causeway import mbus, modbus


def modbus_registers(data: bytes) -> list[int]:
    frame: modbus.Frame = causeway.decode("modbus-tcp", data, role="response")
    values = frame.values
    registers: list[int] = [v for v in values or [] if not isinstance(v, bool)]
    return registers


def mbus_energy(data: bytes) -> decimal.Decimal | float | None:
    frame: mbus.Frame = causeway.decode("mbus", data)
    for point in frame.points():
        if point.unit == "Wh":
            return point.value_in("kWh")
    return None


def stream_units(chunks: list[bytes]) -> list[int]:
    stream = causeway.Stream("modbus-rtu", role="request")
    units: list[int] = []
    for chunk in chunks:
        stream.feed(chunk)
        for item in stream:
            if isinstance(item, causeway.Skipped):
                continue
            if isinstance(item, modbus.Frame):
                units.append(item.unit_id)
    return units


def request_bytes() -> bytes:
    out = bytearray(16)
    n: int = causeway.encode_into(
        "modbus-rtu",
        {"unit_id": 17, "role": "request", "function_code": 3, "start_address": 107, "quantity": 3},
        out,
    )
    return bytes(out[:n])


def scan_once() -> bytes | None:
    scan = mbus.Scan(max_tries=1)
    frame = scan.transmit()
    event: mbus.Event = scan.on_timeout()
    found: list[mbus.Identity] = scan.found
    assert event.kind in ("pending", "done") and not found
    return frame


def wpan_values(frame: bytes, key: bytes) -> list[float]:
    """The float values of a (maybe secured) 802.15.4 frame carrying WPA-L."""
    store = causeway.wpan.KeyStore()
    store.add(key, key_index=1)
    f: causeway.wpan.Frame = causeway.decode("wpan", frame, keys=store)
    return [p.value for p in f.points() if isinstance(p.value, float)]


def gateway_reply(map_text: str, publish: bytes, request: bytes) -> tuple[bytes | None, list[str]]:
    t = causeway.Translator(map_text)
    t.ingest("wpan", publish, now_ms=0)
    reply, outbound = t.modbus_request("modbus-rtu", request, now_ms=0)
    sent = [o.destination for o in outbound + t.publish(now_ms=0)]
    return reply, sent


def describe(error: causeway.DecodeError) -> str:
    return f"{error.layer} at {error.offset}: {error.kind}"


def main() -> None:
    response = bytes.fromhex("0001 0000 0009 11 03 06 022b 0000 0064")
    assert modbus_registers(response) == [555, 0, 100]
    telegram = bytes.fromhex(
        "68 1f 1f 68 08 02 72 78 56 34 12 24 40 01 07 55 00 00 00 03 13 15 31 00 da 02 3b 13 01"
        " 8b 60 04 37 18 02 18 16"
    )
    assert mbus_energy(telegram) == decimal.Decimal("218.37")
    publish = bytes.fromhex("61982a3412010002010000010002010005010102080400004841523f")
    assert wpan_values(publish, bytes(16)) == [12.5]
    request = request_bytes()
    assert stream_units([request[:3], request[3:] + request]) == [17, 17]
    assert scan_once() is not None
    room = (
        '[[point]]\nname = "room"\nsource = { protocol = "wpan", short = 0x0102, uao = 1, attr = 2 }\n'
        '[[point.target]]\nprotocol = "modbus"\ntable = "input"\naddress = 0\ntype = "f32"\n'
    )
    read_input = bytes.fromhex("01 04 00 00 00 02 71 cb")
    reply, sent = gateway_reply(room, publish, read_input)
    assert reply is not None and reply[3:7] == bytes.fromhex("41480000") and sent == []
    try:
        causeway.decode("modbus-rtu", request[:-1], role="request")
    except causeway.DecodeError as e:
        assert describe(e).startswith("modbus-rtu")
    else:
        raise AssertionError("a frame without its last CRC octet decoded")


if __name__ == "__main__":
    main()
