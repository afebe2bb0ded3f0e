"""causeway.Translator: the sample gateway map fed with conformance vectors, asked by pymodbus.

Requests are built by pymodbus's framers and its answers decoded by pymodbus, register values
read back with pymodbus's own type conversion, 802.15.4 FCSs computed by scapy; expected values are those libmbus and the
profiles state for the inputs (the same as codecs/tests/translate.rs and ffi-c/tests/translate.c).
"""

from __future__ import annotations

import struct
from decimal import Decimal
from typing import Any

import pytest
from pymodbus.client.mixin import ModbusClientMixin
from pymodbus.framer import FramerAscii, FramerRTU, FramerSocket
from pymodbus.pdu import DecodePDU
from pymodbus.pdu.bit_message import WriteSingleCoilRequest
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadInputRegistersRequest,
    WriteMultipleRegistersRequest,
)

from scapy.layers.dot15d4 import Dot15d4FCS

import causeway
from conftest import ROOT

MAP = (ROOT / "samples" / "gateway-map.toml").read_text()
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z

# libmbus test corpus oms_frame3: meter 12345678 (HYD), 2850427000 Wh, 703.476 m3, 44.3 Cel.
OMS_FRAME3 = bytes.fromhex(
    "68 3c 3c 68 08 fd 72 78 56 34 12 24 23 2a 04 26 00 00 00 0c 06 27 04 85 02 0c 13 76 34 70 00 4c 06"
    " 19 54 44 01 42 6c ff 0c 0b 3b 27 01 00 0b 2a 97 32 00 0a 5a 43 04 0a 5e 51 02 02 fd 17 00 00 c8 16"
)
# WPA-L profile: PUBLISH from 0x0102 (UAO 1), attribute 2, FLOAT32 12.5.
WPAL_PUBLISH = bytes.fromhex("61982a3412010002010000010002010005010102080400004841523f")
# EPA-S profile vector epa-s/raw/distribute: app 0x0020, obj 0x0010, attr 2, FLOAT32 12.5.
EPA_DISTRIBUTE = bytes.fromhex(
    "02 00 00 00 00 01 02 00 00 00 00 02 88 cb e1 03 c0 00 00 12 00 07 00 20 ff ff 00 10 00 02 08 c0"
    " 18 86 72 51 f5 55 cd 15 00 04 41 48"
) + bytes(16)
FRAMERS = {"modbus-tcp": FramerSocket, "modbus-rtu": FramerRTU, "modbus-ascii": FramerAscii}
MIXIN = ModbusClientMixin


def fcs(frame: bytes) -> bytes:
    """The 802.15.4 FCS as scapy computes it."""
    value: bytes = Dot15d4FCS().compute_fcs(frame)
    return value


def fed() -> causeway.Translator:
    t = causeway.Translator(MAP)
    assert t.ingest("mbus", OMS_FRAME3, now_ms=T0) == 3
    assert t.ingest("wpan", WPAL_PUBLISH, now_ms=T0) == 1
    assert t.ingest("epa-s", EPA_DISTRIBUTE, now_ms=T0) == 1
    return t


def ask(t: causeway.Translator, protocol: str, request: Any, now: int = T0) -> tuple[Any, list[causeway.Outbound]]:
    """Sends a pymodbus request through `protocol`; returns pymodbus's decode of the answer."""
    request.dev_id, request.transaction_id = 1, 7
    framer = FRAMERS[protocol]
    adu = framer(DecodePDU(is_server=False)).buildFrame(request)
    reply, outbound = t.modbus_request(protocol, adu, now_ms=now)
    assert reply is not None
    used, pdu = framer(DecodePDU(is_server=False)).handleFrame(reply, 0, 0)
    assert used == len(reply) and pdu is not None
    assert pdu.dev_id == 1
    return pdu, outbound


@pytest.mark.parametrize("protocol", sorted(FRAMERS))
def test_registers_in_the_mapped_types_in_every_framing(protocol: str) -> None:
    t = fed()
    pdu, _ = ask(t, protocol, ReadHoldingRegistersRequest(address=0, count=4))
    regs = pdu.registers
    energy = MIXIN.convert_from_registers(regs[0:2], MIXIN.DATATYPE.FLOAT32, word_order="little")
    volume = MIXIN.convert_from_registers(regs[2:4], MIXIN.DATATYPE.UINT32)
    assert energy == pytest.approx(2_850_427.0)  # kWh, float32 CDAB
    assert volume == 703_476  # litres
    pdu, _ = ask(t, protocol, ReadInputRegistersRequest(address=0, count=2))
    assert pdu.registers == [443, 125]  # 44.3 and 12.5 Cel in tenths
    pdu, _ = ask(t, protocol, ReadHoldingRegistersRequest(address=10, count=2))
    assert MIXIN.convert_from_registers(pdu.registers, MIXIN.DATATYPE.FLOAT32) == 12.5


def test_exceptions_for_gaps_and_stale_points() -> None:
    t = fed()
    pdu, _ = ask(t, "modbus-tcp", ReadHoldingRegistersRequest(address=4, count=1))
    assert pdu.function_code == 0x83 and pdu.exception_code == 2
    pdu, _ = ask(t, "modbus-tcp", ReadHoldingRegistersRequest(address=0, count=2), now=T0 + 900_001)
    assert pdu.exception_code == 4
    assert t.status("heat_energy", now_ms=T0 + 900_001) == "stale"
    assert causeway.Translator(MAP).status("heat_energy", now_ms=T0) == "no_data"
    # A serial request for another unit: no answer.
    other = ReadHoldingRegistersRequest(address=0, count=1, dev_id=9)
    assert t.modbus_request("modbus-rtu", FramerRTU(DecodePDU(False)).buildFrame(other), now_ms=T0) == (None, [])
    with pytest.raises(causeway.ChecksumError):
        t.modbus_request("modbus-rtu", b"\x01\x03\x00\x00\x00\x01\x00\x00", now_ms=T0)


def test_writes_become_requests_for_the_sources() -> None:
    t = fed()
    regs = MIXIN.convert_to_registers(21.5, MIXIN.DATATYPE.FLOAT32)
    pdu, outbound = ask(t, "modbus-tcp", WriteMultipleRegistersRequest(address=10, registers=regs))
    assert pdu.function_code == 0x10
    (o,) = outbound
    assert (o.point, o.protocol, o.destination) == ("setpoint", "epa", "epa:app=0x0020")
    # WRITE, confirmed, body 9 octets, msg 0, 0x0100 -> 0x0020, obj 0x10 attr 2, FLOAT32 21.5.
    assert o.data == bytes.fromhex("e10201000009000001000020001000020800") + b"\x04" + struct.pack(">f", 21.5)
    pdu, outbound = ask(t, "modbus-tcp", WriteSingleCoilRequest(address=0, bits=[True]))
    (o,) = outbound
    assert (o.point, o.protocol, o.destination) == ("valve_open", "wpan", "wpan:pan=0x1234,short=0x0102")
    assert o.data[-2:] == fcs(o.data[:-2])
    wpal = causeway.decode("wpan", o.data).to_dict()["frame"]["wpal"]
    assert (wpal["asl"]["service_name"], wpal["asl"]["dst_uao"], wpal["body"]["value"]) == ("WRITE_REQ", 3, True)
    # The same write built directly, in kelvin.
    o = t.write("setpoint", Decimal("294.65"), "K")
    assert o.data[-4:] == struct.pack(">f", 21.5)
    with pytest.raises(KeyError):
        t.write("nope", 1)
    with pytest.raises(ValueError):
        t.write("setpoint", 1.0, "furlong")


def test_points_in_and_out() -> None:
    t = fed()
    p = t.point("heat_energy", now_ms=T0)
    assert (p.value, p.unit, p.quality) == (Decimal("2850427"), "kWh", "good")
    assert p.device.startswith("mbus:id=12345678")
    assert t.point("heat_energy", now_ms=T0 + 900_001).quality_reason == "stale"
    # A point from a decoder, and its dict form.
    room = t.point("room_temperature", now_ms=T0).to_dict()
    room["value"] = 20.5
    assert t.ingest_point(room, now_ms=T0) == 1
    pdu, _ = ask(t, "modbus-tcp", ReadInputRegistersRequest(address=1, count=1))
    assert pdu.registers == [205]
    assert t.ingest_point(t.point("room_temperature", now_ms=T0), now_ms=T0) == 1
    with pytest.raises(ValueError):
        t.ingest_point({"device": "nonsense"})


def test_publish_and_read_req() -> None:
    t = fed()
    sent = t.publish(now_ms=T0)
    assert sorted(o.protocol for o in sent) == ["epa", "epa", "wpan"]
    # EPA-S profile: DISTRIBUTE (0xE1 0x03), obj 0x0010 attr 1, quality 0xC0 at 17, FLOAT64 at 28.
    energy = next(o.data for o in sent if o.protocol == "epa" and o.point == "heat_energy")
    assert energy[:2] == b"\xe1\x03" and energy[12:16] == bytes.fromhex("00100001") and energy[17] == 0xC0
    assert struct.unpack(">d", energy[28:36])[0] == 2850.427  # MWh
    assert t.publish(now_ms=T0 + 1000) == []
    # READ_REQ from 0x0102 for UAO 2 attribute 1 (the flow temperature in kelvin).
    req = bytes.fromhex("619807341201000201000001000201010905") + bytes([2, 1])
    req += fcs(req)
    rsp = t.wpan_request(req, now_ms=T0)
    assert rsp is not None
    assert struct.unpack("<f", rsp[-6:-2])[0] == pytest.approx(317.45)
    assert t.wpan_request(WPAL_PUBLISH, now_ms=T0) is None


def test_map_errors_list_every_problem_with_its_line() -> None:
    text = '[[point]]\nname = "a"\nsource = { protocol = "mbuss", id = "12345678", quantity = "energy" }\n'
    with pytest.raises(causeway.MapError) as e:
        causeway.Translator(text)
    assert any(line == 3 and "unknown protocol" in msg for line, _, msg in e.value.errors)
    with pytest.raises(ValueError, match="epa-s-message"):
        fed().ingest("modbus-tcp", b"")
