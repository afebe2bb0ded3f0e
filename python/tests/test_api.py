"""Behaviour of the Python API: buffers, typed frames, points, encoders, streams, errors and the
M-Bus master. Expected bytes and values come from the specifications' examples (cited) or from
pymodbus, never from causeway itself."""

from __future__ import annotations

import array
import decimal
import json
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pymodbus.framer import FramerAscii, FramerRTU

import causeway
from causeway import mbus, modbus
from conftest import ROOT

# MODBUS Application Protocol V1.1b3 §6.3: read holding registers 108-110 (address 107), and the
# answer 0x022B, 0x0000, 0x0064, here in an MBAP frame (transaction 1, unit 17).
TCP_REQUEST = bytes.fromhex("0001 0000 0006 11 03 006b 0003")
TCP_RESPONSE = bytes.fromhex("0001 0000 0009 11 03 06 022b 0000 0064")
# Modbus over Serial Line V1.02 §6.2.2 (the same request in RTU, with its CRC).
RTU_REQUEST = bytes.fromhex("11 03 00 6b 00 03 76 87")
# M-Bus documentation (m-bus.com) RSP_UD example: water meter 12345678 of PAD, version 1.
MBUS_RSP_UD = bytes.fromhex(
    "68 1f 1f 68 08 02 72 78 56 34 12 24 40 01 07 55 00 00 00 03 13 15 31 00 da 02 3b 13 01"
    " 8b 60 04 37 18 02 18 16"
)


def rtu(unit: int, pdu: bytes) -> bytes:
    """An RTU frame with pymodbus's CRC (an independent implementation)."""
    body = bytes([unit]) + pdu
    return body + FramerRTU.compute_CRC(body).to_bytes(2, "big")


# --- buffers --------------------------------------------------------------------------------


def test_a_bytes_argument_is_kept_not_copied() -> None:
    frame = causeway.decode("modbus-tcp", TCP_REQUEST, role="request")
    assert frame.data is TCP_REQUEST
    assert bytes(frame) is TCP_REQUEST and len(frame) == len(TCP_REQUEST)


@pytest.mark.parametrize(
    "make",
    [bytearray, memoryview, lambda b: array.array("B", b), lambda b: memoryview(bytearray(b"xx" + b))[2:]],
    ids=["bytearray", "memoryview", "array", "memoryview-slice"],
)
def test_any_buffer_of_bytes_decodes(make: Any) -> None:
    frame = causeway.decode("modbus-tcp", make(TCP_RESPONSE), role="response")
    assert frame.data == TCP_RESPONSE
    assert frame.values == [0x022B, 0x0000, 0x0064]


def test_a_mutable_buffer_changed_later_does_not_change_the_frame() -> None:
    buf = bytearray(TCP_RESPONSE)
    frame = causeway.decode("modbus-tcp", buf, role="response")
    buf[-1] = 0xFF
    assert frame.values == [0x022B, 0x0000, 0x0064]


@pytest.mark.parametrize(
    "bad",
    ["text", 17, array.array("H", [1, 2, 3, 4]), memoryview(bytes(16))[::2]],
    ids=["str", "int", "array-of-u16", "strided"],
)
def test_other_objects_are_type_errors(bad: Any) -> None:
    with pytest.raises(TypeError):
        causeway.decode("modbus-tcp", bad, role="request")


# --- Modbus ---------------------------------------------------------------------------------


def test_modbus_tcp_request_and_response_fields() -> None:
    req = causeway.decode("modbus-tcp", TCP_REQUEST, role="request")
    assert (req.protocol, req.role, req.transaction_id, req.protocol_id, req.unit_id) == (
        "modbus-tcp",
        "request",
        1,
        0,
        17,
    )
    assert (req.function_code, req.function, req.is_exception, req.exception_code) == (
        3,
        "read_holding_registers",
        False,
        None,
    )
    assert req.fields["start_address"] == 107 and req.fields["quantity"] == 3
    assert req.values is None
    resp = causeway.decode("modbus-tcp", TCP_RESPONSE, role="response")
    assert resp.fields["byte_count"] == 6


def test_points_of_a_read_need_its_request() -> None:
    req = causeway.decode("modbus-tcp", TCP_REQUEST, role="request")
    resp = causeway.decode("modbus-tcp", TCP_RESPONSE, role="response")
    assert list(resp.points()) == []
    points = list(resp.points(request=req))
    assert [(p.device, p.address, p.value) for p in points] == [
        ("modbus:unit=17", "holding:107", 555),
        ("modbus:unit=17", "holding:108", 0),
        ("modbus:unit=17", "holding:109", 100),
    ]
    assert points[0].qualifiers == {"data_type": "u16"}
    with pytest.raises(ValueError):
        req.points(request=resp)


def test_an_exception_response_is_bad_quality_points() -> None:
    # MODBUS Application Protocol V1.1b3 §7: function 0x83, exception 02 (illegal data address).
    exc = causeway.decode("modbus-rtu", rtu(17, bytes([0x83, 0x02])), role="response")
    assert (exc.is_exception, exc.exception_code, exc.function) == (True, 2, "read_holding_registers")
    req = causeway.decode("modbus-rtu", RTU_REQUEST, role="request")
    points = list(exc.points(request=req))
    assert len(points) == 3
    assert {(p.quality, p.quality_reason, p.quality_code) for p in points} == {("bad", "protocol_error", 2)}
    assert all(p.value is None for p in points)


def test_register_map_gives_typed_scaled_points() -> None:
    regmap = modbus.RegisterMap.from_toml((ROOT / "samples" / "modbus-map.toml").read_text())
    assert regmap.unit == 17 and "energy" in regmap.names
    # 123456.0 as f32 is 0x47F12000 (libmodbus's reference value); CDAB sends the low word first.
    req = causeway.encode(
        "modbus-tcp",
        {"transaction_id": 9, "unit_id": 17, "role": "request", "function_code": 3, "start_address": 0, "quantity": 4},
    )
    resp = causeway.encode(
        "modbus-tcp",
        {"transaction_id": 9, "unit_id": 17, "role": "response", "function_code": 3, "values": [0x2000, 0x47F1, 230, 0b0101]},
    )
    request = causeway.decode("modbus-tcp", req, role="request")
    response = causeway.decode("modbus-tcp", resp, role="response")
    points = {p.address: p for p in response.points(request=request, map=regmap)}
    assert points["holding:0"].value == 123456.0 and points["holding:0"].unit == "kWh"
    assert points["holding:0"].value_in("MWh") == pytest.approx(123.456)
    assert points["holding:2"].value == 230 and points["holding:2"].unit == "V"
    with pytest.raises(ValueError):
        response.points(map=regmap)
    with pytest.raises(ValueError):
        modbus.RegisterMap.from_toml("unit = 'seventeen'")


def test_modbus_ascii_matches_pymodbus() -> None:
    pdu = bytes.fromhex("03006b0003")
    framed = FramerAscii.compute_LRC(bytes([17]) + pdu)
    text = b":" + (bytes([17]) + pdu + bytes([framed])).hex().upper().encode() + b"\r\n"
    frame = causeway.decode("modbus-ascii", text, role="request")
    assert frame.data == text and frame.unit_id == 17 and frame.fields["lrc"] == framed
    assert causeway.encode("modbus-ascii", frame.fields) == text


# --- M-Bus ----------------------------------------------------------------------------------


def test_mbus_rsp_ud_header_records_points() -> None:
    f = causeway.decode("mbus", MBUS_RSP_UD)
    assert isinstance(f, mbus.Frame)
    assert (f.kind, f.c_field, f.c_field_name, f.address, f.ci) == ("long", 0x08, "RSP_UD", 2, 0x72)
    ident = f.identity
    assert ident is not None
    assert (ident.id, ident.manufacturer, ident.version, ident.medium) == ("12345678", "PAD", 1, "water")
    assert ident.device == "mbus:id=12345678,man=PAD,ver=1,med=water"
    assert (f.access_number, f.status, f.signature, f.msb_first) == (0x55, 0, 0, False)
    assert f.manufacturer_data is None and not f.more_records_follow
    records = list(f.records())
    assert [(r.dif, r.vif, r.storage, r.tariff, r.subunit, r.function) for r in records] == [
        (0x03, 0x13, 0, 0, 0, "instantaneous"),
        (0xDA, 0x3B, 5, 0, 0, "maximum"),
        (0x8B, 0x04, 0, 2, 1, "instantaneous"),
    ]
    assert records[0].value == decimal.Decimal("12.565") and records[0].unit == "m3"
    assert records[0].data == bytes.fromhex("153100")
    points = list(f.points())
    assert [p.address for p in points] == ["rec:0", "rec:1", "rec:2"]
    assert points[0].value == decimal.Decimal("12.565") and points[0].quantity == "volume"
    assert points[0].value_in("l") == decimal.Decimal("12565")
    assert points[1].value == decimal.Decimal("0.113") and points[1].unit == "m3/h"
    assert points[2].value_in("kWh") == decimal.Decimal("218.37")
    assert points[2].qualifiers == {"function": "instantaneous", "storage": 0, "tariff": 2, "subunit": 1}
    with pytest.raises(ValueError):
        points[0].value_in("kWh")


def test_mbus_short_frames_and_requests() -> None:
    # EN 13757-2 short frame 10 C A CS 16: REQ_UD2 to 5 with FCB set is C = 0x7B.
    assert mbus.req_ud2(5) == bytes.fromhex("10 7b 05 80 16")
    assert mbus.req_ud2(5, fcb=False) == bytes.fromhex("10 5b 05 60 16")
    assert mbus.snd_nke(1) == bytes.fromhex("10 40 01 41 16")
    f = causeway.decode("mbus", mbus.req_ud1(0xFE))
    assert (f.kind, f.c_field_name, f.address, f.ci, f.identity) == ("short", "REQ_UD1", 0xFE, None, None)
    ack = causeway.decode("mbus", b"\xe5")
    assert (ack.kind, ack.c_field, ack.address) == ("ack", None, None)
    # Selection of any meter: 68 0b 0b 68 53 fd 52 ff ff ff ff ff ff ff ff cs 16.
    sel = mbus.select()
    assert sel[:15] == bytes.fromhex("68 0b 0b 68 53 fd 52 ff ff ff ff ff ff ff ff")
    assert causeway.decode("mbus", sel).fields["selection"]["manufacturer"] == "0xFFFF"
    assert causeway.decode("mbus", mbus.set_primary_address(0, 7)).fields["records"][0]["data"] == "07"
    assert mbus.select(manufacturer="0xFFFF") == sel
    narrowed = causeway.decode("mbus", mbus.select(id="1234FFFF", manufacturer="PAD", medium="water"))
    assert narrowed.fields["selection"] == {"id": "1234FFFF", "manufacturer": "PAD", "version": 255, "medium": "water"}
    for bad in ("12", "+1234567", "1234567A"):
        with pytest.raises(ValueError):
            mbus.select(id=bad)


def test_mbus_encode_round_trips_through_the_dict() -> None:
    f = causeway.decode("mbus", MBUS_RSP_UD)
    fields = f.fields
    assert causeway.encode("mbus", fields) == MBUS_RSP_UD
    fields["header"]["access_number"] = 0x56
    changed = causeway.decode("mbus", causeway.encode("mbus", fields))
    assert changed.access_number == 0x56 and list(changed.points())[0].value == decimal.Decimal("12.565")


# --- encoders -------------------------------------------------------------------------------


def test_encode_builds_what_pymodbus_builds() -> None:
    pdu = bytes.fromhex("10 0001 0002 04 000a 0102")  # §6.12 write multiple registers example
    built = causeway.encode(
        "modbus-rtu",
        {"unit_id": 17, "role": "request", "function_code": 16, "start_address": 1, "values": [10, 258]},
    )
    assert built == rtu(17, pdu)


def test_encode_into_a_caller_buffer() -> None:
    desc = {"unit_id": 17, "role": "request", "function_code": 3, "start_address": 107, "quantity": 3}
    buf = bytearray(20)
    n = causeway.encode_into("modbus-rtu", desc, buf, offset=4)
    assert n == 8 and bytes(buf[4:12]) == RTU_REQUEST and bytes(buf[:4]) == bytes(4)
    with pytest.raises(causeway.EncodeError) as small:
        causeway.encode_into("modbus-rtu", desc, bytearray(7))
    assert small.value.kind == "capacity"
    with pytest.raises(TypeError):
        causeway.encode_into("modbus-rtu", desc, b"read-only buffer")


def test_encode_names_the_bad_field() -> None:
    with pytest.raises(causeway.EncodeError) as e:
        causeway.encode("modbus-tcp", {"unit_id": 1, "role": "request", "function_code": 3, "quantity": 2})
    assert (e.value.kind, e.value.field) == ("field", "start_address")
    with pytest.raises(causeway.EncodeError) as e:
        causeway.encode("modbus-tcp", {"unit_id": 1, "role": "request", "function_code": 6, "address": 0, "value": 70000})
    assert e.value.field == "value" and "65535" in str(e.value)
    with pytest.raises(causeway.EncodeError):
        causeway.encode("mbus", {"kind": "long", "c_field": 8, "address": 1, "ci": 0x78, "records": [{"dif": 4, "vif": 0x13, "data": "01"}]})
    with pytest.raises(TypeError):
        causeway.encode("modbus-tcp", {"unit_id": object()})


# --- errors ---------------------------------------------------------------------------------


def test_errors_carry_layer_offset_expected_found_and_pickle() -> None:
    bad_crc = RTU_REQUEST[:-1] + b"\x00"
    with pytest.raises(causeway.ChecksumError) as caught:
        causeway.decode("modbus-rtu", bad_crc, role="request")
    e = caught.value
    assert isinstance(e, causeway.DecodeError) and isinstance(e, ValueError) and isinstance(e, causeway.Error)
    assert (e.layer, e.offset, e.kind, e.expected, e.found) == ("modbus-rtu", 6, "checksum", 0x8776, 0x0076)
    again = pickle.loads(pickle.dumps(e))
    assert (type(again), again.layer, again.offset, again.expected, str(again)) == (
        causeway.ChecksumError,
        "modbus-rtu",
        6,
        0x8776,
        str(e),
    )
    with pytest.raises(causeway.IncompleteError) as short:
        causeway.decode("mbus", MBUS_RSP_UD[:20])
    # L = 0x1F: the frame is 0x1F + 6 = 37 octets, 20 are there.
    assert (short.value.needed, short.value.layer) == (17, "mbus-link")
    # An MBAP length past the end of the bytes is incomplete, not malformed (§3.1.3 of the
    # Messaging on TCP/IP guide: the length counts the octets that follow it).
    with pytest.raises(causeway.IncompleteError) as partial:
        causeway.decode("modbus-tcp", TCP_REQUEST[:9], role="request")
    assert partial.value.needed == 3


def test_frames_pickle_compare_and_hash() -> None:
    for frame in (
        causeway.decode("modbus-tcp", TCP_RESPONSE, role="response"),
        causeway.decode("mbus", MBUS_RSP_UD),
    ):
        again = pickle.loads(pickle.dumps(frame))
        assert again == frame and hash(again) == hash(frame) and again.data == frame.data
    req = causeway.decode("modbus-rtu", RTU_REQUEST, role="request")
    assert req != causeway.decode("modbus-rtu-over-tcp", RTU_REQUEST, role="request")
    assert len({req, causeway.decode("modbus-rtu", bytearray(RTU_REQUEST), role="request")}) == 1


def test_a_response_must_answer_its_request() -> None:
    req = causeway.decode("modbus-tcp", TCP_REQUEST, role="request")
    def response(**changes: Any) -> Any:
        desc = {"transaction_id": 1, "unit_id": 17, "role": "response", "function_code": 3, "values": [1, 2, 3]}
        desc.update(changes)
        return causeway.decode("modbus-tcp", causeway.encode("modbus-tcp", desc), role="response")
    assert len(list(response().points(request=req))) == 3
    for bad in ({"unit_id": 18}, {"transaction_id": 2}, {"function_code": 4}, {"values": [1, 2]}):
        with pytest.raises(ValueError, match="does not answer"):
            response(**bad).points(request=req)
    regmap = modbus.RegisterMap.from_toml("unit = 5\n")
    with pytest.raises(ValueError, match="unit 5"):
        response().points(request=req, map=regmap)


def test_mapped_fields_of_an_exception_are_bad() -> None:
    regmap = modbus.RegisterMap.from_toml((ROOT / "samples" / "modbus-map.toml").read_text())
    req = causeway.decode("modbus-rtu", rtu(17, bytes.fromhex("03 0000 0004")), role="request")
    exc = causeway.decode("modbus-rtu", rtu(17, bytes([0x83, 0x02])), role="response")
    points = list(exc.points(request=req, map=regmap))
    assert {p.address for p in points} == {"holding:0", "holding:2", "holding:3"}
    assert {(p.quality, p.quality_code) for p in points} == {("bad", 2)}


def test_odd_inputs_are_errors_not_crashes() -> None:
    looped: dict[str, Any] = {"kind": "long"}
    looped["records"] = [looped]
    with pytest.raises(ValueError, match="nests"):
        causeway.encode("mbus", looped)
    class Sneaky(bytes):
        pass
    frame = causeway.decode("modbus-rtu", Sneaky(RTU_REQUEST), role="request")
    assert type(frame.data) is bytes and frame.data == RTU_REQUEST
    with pytest.raises(ValueError, match="past the buffer"):
        causeway.encode_into("modbus-rtu", {"unit_id": 1, "role": "request", "function_code": 7}, bytearray(4), offset=5)
    with pytest.raises(causeway.EncodeError) as small:
        causeway.encode_into("modbus-rtu", {"unit_id": 1, "role": "request", "function_code": 7}, bytearray(3))
    assert (small.value.layer, small.value.kind) == ("modbus-rtu", "capacity")
    with pytest.raises(causeway.IncompleteError):
        causeway.decode("modbus-rtu", memoryview(b""), role="request")


def test_value_in_is_always_a_number() -> None:
    points = list(causeway.decode("mbus", MBUS_RSP_UD).points())
    assert points[2].value_in("Wh") == decimal.Decimal("218370")
    assert isinstance(points[2].value_in("Wh"), decimal.Decimal)


def test_usage_errors() -> None:
    with pytest.raises(ValueError, match="this build has"):
        causeway.decode("can-bus", b"\x00")
    with pytest.raises(ValueError, match="role"):
        causeway.decode("modbus-tcp", TCP_REQUEST)
    with pytest.raises(ValueError, match="role"):
        causeway.decode("modbus-tcp", TCP_REQUEST, role="master")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="no role"):
        causeway.decode("mbus", MBUS_RSP_UD, role="response")
    assert "mbus" in causeway.protocols() and "modbus-rtu-over-tcp" in causeway.protocols()


# --- batches and streams --------------------------------------------------------------------


def test_decode_many_and_which_frame_failed() -> None:
    frames = causeway.decode_many("modbus-tcp", [TCP_REQUEST, bytearray(TCP_REQUEST)], role="request")
    assert [f.unit_id for f in frames] == [17, 17]
    with pytest.raises(causeway.DecodeError) as caught:
        causeway.decode_many("modbus-tcp", [TCP_REQUEST, TCP_REQUEST, b"\x00\x01"], role="request")
    assert "in frame 2 of the batch" in caught.value.__notes__


def test_decode_stream_splits_frames_and_reports_the_rest() -> None:
    data = TCP_RESPONSE + TCP_RESPONSE + TCP_RESPONSE[:5]
    items = causeway.decode_stream("modbus-tcp", data, role="response")
    assert [type(i) for i in items] == [modbus.Frame, modbus.Frame, causeway.Skipped]
    assert items[0].data == TCP_RESPONSE
    rest = items[2]
    assert isinstance(rest, causeway.Skipped) and rest.data == TCP_RESPONSE[:5]
    assert isinstance(rest.error, causeway.IncompleteError)


def test_rtu_bus_stream_fed_byte_by_byte_tells_requests_from_responses() -> None:
    response = rtu(17, bytes.fromhex("03 06 022b 0000 0064"))
    wire = RTU_REQUEST + response + b"\x00\x00" + RTU_REQUEST + response
    whole = causeway.decode_stream("modbus-rtu", wire)
    stream = causeway.Stream("modbus-rtu")
    pieces: list[Any] = []
    for b in wire:
        stream.feed(bytes([b]))
        pieces.extend(stream)
    stream.line_idle()
    pieces.extend(stream)
    assert [(type(i), i.data) for i in whole] == [(type(i), i.data) for i in pieces]
    frames = [i for i in whole if isinstance(i, modbus.Frame)]
    assert [(f.role, f.data) for f in frames] == [
        ("request", RTU_REQUEST),
        ("response", response),
        ("request", RTU_REQUEST),
        ("response", response),
    ]
    assert b"".join(i.data for i in whole if isinstance(i, causeway.Skipped)) == b"\x00\x00"
    assert stream.buffered == 0


def test_a_servers_rtu_stream_of_requests() -> None:
    wire = (ROOT / "samples" / "uart-modbus-rtu.bin").read_bytes()
    items = causeway.decode_stream("modbus-rtu", wire, role="request")
    frames = [i for i in items if isinstance(i, modbus.Frame)]
    assert [(f.fields["start_address"], f.fields["quantity"]) for f in frames] == [(0, 4), (2, 2), (60, 8)]
    assert all(isinstance(i, causeway.Skipped) and i.error is None for i in items if i not in frames)


def test_mbus_stream_skips_garbage_and_finds_every_telegram() -> None:
    wire = (ROOT / "samples" / "uart-mbus.bin").read_bytes()
    stream = causeway.Stream("mbus")
    stream.feed(wire)
    items = list(stream)
    skipped = [i for i in items if isinstance(i, causeway.Skipped)]
    frames = [i for i in items if isinstance(i, mbus.Frame)]
    assert skipped and all(s.error is None for s in skipped)
    assert sum(len(s.data) for s in skipped) + sum(len(f) for f in frames) == len(wire)
    assert frames[0].identity is not None and frames[0].identity.id == "11490378"


def test_a_full_stream_says_so() -> None:
    stream = causeway.Stream("modbus-tcp", role="request", capacity=10)
    with pytest.raises(causeway.DecodeError) as caught:
        stream.feed(TCP_REQUEST)
    assert caught.value.kind == "capacity"
    with pytest.raises(ValueError):
        causeway.Stream("modbus-tcp")


# --- the M-Bus master, against simulated meters ---------------------------------------------


def rsp_ud(address: int, ident: str, records: list[dict[str, Any]], more: bool = False) -> bytes:
    frame: dict[str, Any] = {
        "kind": "long",
        "c_field": 0x08,
        "address": address,
        "ci": 0x72,
        "header": {"id": ident, "manufacturer": "PAD", "version": 1, "medium": "water", "access_number": 1, "status": 0, "signature": 0},
        "records": records,
    }
    if more:
        frame.update(manufacturer_data="", more_records_follow=True)
    return causeway.encode("mbus", frame)


def test_read_meter_follows_more_records_and_toggles_fcb() -> None:
    reader = mbus.ReadMeter(5, max_tries=2)
    assert reader.transmit() == mbus.snd_nke(5)
    assert reader.transmit() is None
    assert reader.on_frame(b"\xe5").kind == "pending"
    first = reader.transmit()
    assert first == mbus.req_ud2(5, fcb=True)
    part1 = rsp_ud(5, "00000005", [{"dif": 0x04, "vif": 0x13, "data": "39300000"}], more=True)
    assert reader.on_frame(causeway.decode("mbus", part1)).kind == "telegram"
    assert reader.transmit() == mbus.req_ud2(5, fcb=False)
    assert reader.on_timeout().kind == "pending"
    assert reader.transmit() == mbus.req_ud2(5, fcb=False), "a repeat keeps the FCB"
    part2 = rsp_ud(5, "00000005", [{"dif": 0x02, "vif": 0x5B, "data": "2a00"}])
    assert reader.on_frame(part2).kind == "telegram"
    assert reader.is_finished and reader.telegrams == 2 and not reader.cut_short
    # Ten DIFEs that each announce another (at most ten are allowed): the records break off
    # before the 1F, so the readout ends there and says so.
    # (causeway's encoder refuses to write it, so it is spelled out: 68 L L 68 08 01 72, the
    # header, 84 FF*10 13 39300000, 1F, checksum, 16.)
    body = bytes.fromhex("08017278563412244001075500000084") + b"\xff" * 10 + bytes.fromhex("13393000001f")
    broken = bytes([0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) % 256, 0x16])
    with pytest.raises(causeway.DecodeError):
        list(causeway.decode("mbus", broken).records)
    broken_read = mbus.ReadMeter(1)
    broken_read.transmit()
    broken_read.on_frame(b"\xe5")
    broken_read.transmit()
    assert broken_read.on_frame(broken).kind == "telegram"
    assert broken_read.is_finished and broken_read.cut_short and broken_read.transmit() is None
    selected_meter = mbus.ReadMeter(253)
    assert selected_meter.transmit() == mbus.req_ud2(253, fcb=True), "no SND_NKE: it would deselect"
    failing = mbus.ReadMeter(6, max_tries=2)
    sent, kinds = [], []
    while not failing.is_finished:
        if request := failing.transmit():
            sent.append(request)
            kinds.append(failing.on_timeout().kind)
    # The SND_NKE once (its ACK is not required), then REQ_UD2 max_tries times.
    assert sent == [mbus.snd_nke(6), mbus.req_ud2(6, fcb=True), mbus.req_ud2(6, fcb=True)]
    assert kinds == ["pending", "pending", "failed"]


def selected(pattern: str, ident: str) -> bool:
    return all(p in ("F", i) for p, i in zip(pattern, ident))


@pytest.mark.parametrize("headerless", [False, True], ids=["long-header", "no-header"])
@pytest.mark.parametrize("acks_merge", [False, True], ids=["collision-at-select", "collision-at-read"])
def test_scan_finds_every_meter_by_wildcard_narrowing(acks_merge: bool, headerless: bool) -> None:
    # Several meters answering a selection either garble their ACKs, or send ACKs that merge
    # into one valid E5 and then garble their answers to REQ_UD2. Meters that answer with CI 78
    # (no header) are found by fixing every digit of their id.
    meters = {"12345678", "12345699", "87654321"}
    scan = mbus.Scan()
    hits: list[str] = []
    for _ in range(2000):
        request = scan.transmit()
        if request is None:
            break
        frame = causeway.decode("mbus", request)
        if frame.ci == 0x52:
            pattern = frame.fields["selection"]["id"]
            hits = [m for m in meters if selected(pattern, m)]
            if not hits:
                scan.on_timeout()
            elif len(hits) == 1 or acks_merge:
                scan.on_frame(b"\xe5")
            else:
                scan.on_garbage()
        else:
            assert frame.c_field_name == "REQ_UD2" and frame.address == 253 and hits
            if len(hits) == 1 and headerless:
                records = [{"dif": 0x04, "vif": 0x13, "data": "01000000"}]
                scan.on_frame(causeway.encode("mbus", {"kind": "long", "c_field": 0x08, "address": 253, "ci": 0x78,
                                                       "records": records}))
            elif len(hits) == 1:
                scan.on_frame(rsp_ud(253, hits[0], []))
            else:
                scan.on_garbage()
    assert scan.is_finished
    assert sorted(i.id for i in scan.found) == sorted(meters), "each meter found once"
    assert all(i.device.startswith("mbus:id=") for i in scan.found)
    if headerless:
        assert {(i.manufacturer, i.version, i.medium) for i in scan.found} == {("0xFFFF", 0xFF, "0xFF")}


# --- the CLI prints what to_dict() returns --------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "role", "data"),
    [
        ("modbus-tcp", "response", TCP_RESPONSE),
        ("modbus-rtu", "request", RTU_REQUEST),
        ("mbus", None, MBUS_RSP_UD),
    ],
)
def test_to_dict_equals_the_cli_json(cli: Path, protocol: str, role: str | None, data: bytes) -> None:
    args = [str(cli), "decode", "--protocol", protocol, "--format", "json"]
    if role:
        args += ["--role", role]
    out = subprocess.run(args + [data.hex()], check=True, capture_output=True, text=True).stdout
    assert causeway.decode(protocol, data, role=role).to_dict() == json.loads(out)


def test_point_dicts_are_the_json_point_form() -> None:
    point = next(causeway.decode("mbus", MBUS_RSP_UD).points())
    d = point.to_dict()
    assert d["device"] == point.device and d["address"] == point.address
    assert d["value"] == 12.565 and d["value_type"] == "decimal" and d["unit"] == "m3"
    assert d["quality"] == {"severity": "good"}
    assert point.id == f"{point.device}/{point.address}"
    assert "12.565" in repr(point)
