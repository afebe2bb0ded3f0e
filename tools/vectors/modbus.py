#!/usr/bin/env python3
"""Generate the Modbus conformance vectors with pymodbus, an independent implementation.

    pip install pymodbus==3.11.2
    python3 tools/vectors/modbus.py            # rewrites conformance-vectors/modbus-*.json
    python3 tools/vectors/modbus.py --check    # fails if the committed files differ

Three sources, recorded in each vector's "source":
  * spec: PDUs and field values transcribed from the MODBUS Application Protocol Specification
    V1.1b3 §6 examples; pymodbus must decode each PDU and re-encode it identically, and frames it
    for TCP, RTU and ASCII (CRC, LRC and MBAP computed by pymodbus).
  * pymodbus: random requests and responses of every function code pymodbus implements, framed
    by pymodbus; the expected fields are pymodbus's own decode of those bytes.
  * negative: malformed frames derived from valid ones by hand, with the offset and error kind
    that the layouts of the specification imply.
"""
import json
import random
import sys
from pathlib import Path

from pymodbus.framer import FramerAscii, FramerRTU, FramerSocket
from pymodbus.pdu import DecodePDU, ExceptionResponse
from pymodbus.pdu import bit_message as bm
from pymodbus.pdu import diag_message as dm
from pymodbus.pdu import file_message as fm
from pymodbus.pdu import mei_message as mm
from pymodbus.pdu import other_message as om
from pymodbus.pdu import register_message as rm

PYMODBUS = "pymodbus 3.11.2"
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "conformance-vectors"
SPEC = "MODBUS Application Protocol Specification V1.1b3"

FRAMINGS = {
    "modbus-tcp": FramerSocket,
    "modbus-rtu": FramerRTU,
    "modbus-ascii": FramerAscii,
}


def spaced(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def decoder(role: str) -> DecodePDU:
    return DecodePDU(is_server=(role == "request"))


def frame(protocol: str, role: str, pdu, unit: int, tid: int) -> bytes:
    pdu.dev_id = unit
    pdu.transaction_id = tid
    return FRAMINGS[protocol](decoder(role)).buildFrame(pdu)


def pymodbus_decode(protocol: str, role: str, data: bytes):
    used, pdu = FRAMINGS[protocol](decoder(role)).handleFrame(data, 0, 0)
    assert pdu is not None and used == len(data), (protocol, role, data.hex())
    return pdu


def framing_fields(protocol: str, unit: int, tid: int, pdu_len: int) -> dict:
    if protocol == "modbus-tcp":
        return {"transaction_id": tid, "protocol_id": 0, "length": pdu_len + 1, "unit_id": unit}
    return {"unit_id": unit}


# --- spec examples -------------------------------------------------------------------------

SPEC_EXAMPLES = [
    ("§6.1", "request", "01 00 13 00 13", {"function_code": 1, "start_address": 19, "quantity": 19}),
    ("§6.1", "response", "01 03 cd 6b 05", {"function_code": 1, "byte_count": 3,
        "values": [True, False, True, True, False, False, True, True, True, True, False, True, False, True, True, False,
                   True, False, True, False, False, False, False, False]}),
    ("§6.2", "request", "02 00 c4 00 16", {"function_code": 2, "start_address": 196, "quantity": 22}),
    ("§6.2", "response", "02 03 ac db 35", {"function_code": 2, "byte_count": 3,
        "values": [False, False, True, True, False, True, False, True, True, True, False, True, True, False, True, True,
                   True, False, True, False, True, True, False, False]}),
    ("§6.3", "request", "03 00 6b 00 03", {"function_code": 3, "start_address": 107, "quantity": 3}),
    ("§6.3", "response", "03 06 02 2b 00 00 00 64", {"function_code": 3, "byte_count": 6, "values": [555, 0, 100]}),
    ("§6.4", "request", "04 00 08 00 01", {"function_code": 4, "start_address": 8, "quantity": 1}),
    ("§6.4", "response", "04 02 00 0a", {"function_code": 4, "byte_count": 2, "values": [10]}),
    ("§6.5", "request", "05 00 ac ff 00", {"function_code": 5, "address": 172, "value": True}),
    ("§6.5", "response", "05 00 ac ff 00", {"function_code": 5, "address": 172, "value": True}),
    ("§6.6", "request", "06 00 01 00 03", {"function_code": 6, "address": 1, "value": 3}),
    ("§6.6", "response", "06 00 01 00 03", {"function_code": 6, "address": 1, "value": 3}),
    ("§6.7", "request", "07", {"function_code": 7}),
    ("§6.7", "response", "07 6d", {"function_code": 7, "status": 0x6D}),
    ("§6.8", "request", "08 00 00 a5 37", {"function_code": 8, "sub_function": 0, "data": "a537"}),
    ("§6.8", "response", "08 00 00 a5 37", {"function_code": 8, "sub_function": 0, "data": "a537"}),
    ("§6.9", "request", "0b", {"function_code": 11}),
    ("§6.9", "response", "0b ff ff 01 08", {"function_code": 11, "status": 0xFFFF, "event_count": 0x108}),
    ("§6.10", "request", "0c", {"function_code": 12}),
    ("§6.10", "response", "0c 08 00 00 01 08 01 21 20 00",
        {"function_code": 12, "byte_count": 8, "status": 0, "event_count": 0x108, "message_count": 0x121, "events": "2000"}),
    ("§6.11", "request", "0f 00 13 00 0a 02 cd 01", {"function_code": 15, "start_address": 19, "quantity": 10, "byte_count": 2,
        "values": [True, False, True, True, False, False, True, True, True, False]}),
    ("§6.11", "response", "0f 00 13 00 0a", {"function_code": 15, "start_address": 19, "quantity": 10}),
    ("§6.12", "request", "10 00 01 00 02 04 00 0a 01 02", {"function_code": 16, "start_address": 1, "quantity": 2,
        "byte_count": 4, "values": [10, 258]}),
    ("§6.12", "response", "10 00 01 00 02", {"function_code": 16, "start_address": 1, "quantity": 2}),
    ("§6.14", "request", "14 0e 06 00 04 00 01 00 02 06 00 03 00 09 00 02", {"function_code": 20, "byte_count": 14,
        "sub_requests": [{"reference_type": 6, "file_number": 4, "record_number": 1, "record_length": 2},
                         {"reference_type": 6, "file_number": 3, "record_number": 9, "record_length": 2}]}),
    ("§6.14", "response", "14 0c 05 06 0d fe 00 20 05 06 33 cd 00 40", {"function_code": 20, "byte_count": 12,
        "records": [{"reference_type": 6, "values": [0x0DFE, 0x0020]}, {"reference_type": 6, "values": [0x33CD, 0x0040]}]}),
    ("§6.15", "request", "15 0d 06 00 04 00 07 00 03 06 af 04 be 10 0d", {"function_code": 21, "byte_count": 13,
        "sub_requests": [{"reference_type": 6, "file_number": 4, "record_number": 7, "record_length": 3,
                          "values": [0x06AF, 0x04BE, 0x100D]}]}),
    ("§6.15", "response", "15 0d 06 00 04 00 07 00 03 06 af 04 be 10 0d", {"function_code": 21, "byte_count": 13,
        "sub_requests": [{"reference_type": 6, "file_number": 4, "record_number": 7, "record_length": 3,
                          "values": [0x06AF, 0x04BE, 0x100D]}]}),
    ("§6.16", "request", "16 00 04 00 f2 00 25", {"function_code": 22, "address": 4, "and_mask": 0xF2, "or_mask": 0x25}),
    ("§6.16", "response", "16 00 04 00 f2 00 25", {"function_code": 22, "address": 4, "and_mask": 0xF2, "or_mask": 0x25}),
    ("§6.17", "request", "17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff", {"function_code": 23, "read_start_address": 3,
        "read_quantity": 6, "write_start_address": 14, "write_quantity": 3, "byte_count": 6, "values": [255, 255, 255]}),
    ("§6.17", "response", "17 0c 00 fe 0a cd 00 01 00 03 00 0d 00 ff", {"function_code": 23, "byte_count": 12,
        "values": [0xFE, 0x0ACD, 1, 3, 0x0D, 0xFF]}),
    ("§6.18", "request", "18 04 de", {"function_code": 24, "address": 0x04DE}),
    ("§6.18", "response", "18 00 06 00 02 01 b8 12 84", {"function_code": 24, "byte_count": 6, "fifo_count": 2, "values": [0x01B8, 0x1284]}),
    ("§6.21", "request", "2b 0e 01 00", {"function_code": 43, "mei_type": 14, "read_device_id_code": 1, "object_id": 0}),
    ("§7", "response", "81 02", {"function_code": 0x81, "exception_code": 2, "exception": "illegal_data_address"}),
]


# Where pymodbus 3.11.2 departs from the specification; causeway follows the spec:
#  - FC 20 request: FileRecord takes record_length in bytes and halves it, so decoding halves the
#    register count on the wire (§6.14).
#  - FC 24 response: pymodbus writes the FIFO count in bytes and reads count-4 values; §6.18 says
#    FIFO count = number of registers (byte count = 2 + 2 × FIFO count).
PYMODBUS_DEVIATIONS = {
    ("§6.14", "request"): "pymodbus halves FC 20 record_length on decode",
    ("§6.18", "response"): "pymodbus encodes FC 24 FIFO count in bytes",
}


def frame_raw(protocol: str, unit: int, tid: int, pdu: bytes) -> bytes:
    """Frames raw PDU bytes, with pymodbus's own CRC and LRC functions."""
    body = bytes([unit]) + pdu
    if protocol == "modbus-tcp":
        return tid.to_bytes(2, "big") + b"\x00\x00" + len(body).to_bytes(2, "big") + body
    if protocol == "modbus-rtu":
        return body + FramerRTU.compute_CRC(body).to_bytes(2, "big")
    return b":" + (body + bytes([FramerAscii.compute_LRC(body)])).hex().upper().encode() + b"\r\n"


def spec_vectors():
    out = []
    for section, role, pdu_hex, fields in SPEC_EXAMPLES:
        pdu_bytes = bytes.fromhex(pdu_hex.replace(" ", ""))
        pdu = decoder(role).decode(pdu_bytes)
        assert pdu is not None, (section, role)
        deviation = PYMODBUS_DEVIATIONS.get((section, role))
        if not isinstance(pdu, ExceptionResponse):
            agrees = bytes([pdu.function_code]) + pdu.encode() == pdu_bytes
            assert agrees != bool(deviation), (section, role, pdu.encode().hex())
        for protocol in FRAMINGS:
            unit, tid = 17, 1
            data = frame_raw(protocol, unit, tid, pdu_bytes)
            if not deviation:
                fresh = decoder(role).decode(pdu_bytes)  # pymodbus mutates messages while framing
                assert data == frame(protocol, role, fresh, unit, tid), (section, protocol, role)
            expect = {"role": role, **framing_fields(protocol, unit, tid, len(pdu_bytes)), **fields}
            out.append({
                "name": f"{protocol}/spec/{section.strip('§')}-{role}",
                "protocol": protocol, "role": role, "hex": spaced(data),
                "source": f"{SPEC} {section} example (PDU and field values); framed with {PYMODBUS} checksums"
                          + (f"; {deviation}, causeway follows the spec" if deviation else "; pymodbus decodes it identically"),
                "expect": {"frame": expect},
            })
            if protocol == "modbus-rtu":
                out.append({**out[-1], "name": f"modbus-rtu-over-tcp/spec/{section.strip('§')}-{role}",
                            "protocol": "modbus-rtu-over-tcp"})
    return out


# --- pymodbus random frames ----------------------------------------------------------------

def regs(rng, n):
    return [rng.randrange(0x10000) for _ in range(n)]


def bits(rng, n):
    return [rng.random() < 0.5 for _ in range(n)]


def make_messages(rng):
    """(role, pymodbus message) pairs covering every function code pymodbus implements."""
    a = lambda: rng.randrange(0x10000)  # noqa: E731
    q = lambda hi: rng.randrange(1, hi + 1)  # noqa: E731
    msgs = [
        ("request", bm.ReadCoilsRequest(address=a(), count=q(2000))),
        ("request", bm.ReadDiscreteInputsRequest(address=a(), count=q(2000))),
        ("request", rm.ReadHoldingRegistersRequest(address=a(), count=q(125))),
        ("request", rm.ReadInputRegistersRequest(address=a(), count=q(125))),
        ("request", bm.WriteSingleCoilRequest(address=a(), bits=[rng.random() < 0.5])),
        ("request", rm.WriteSingleRegisterRequest(address=a(), registers=regs(rng, 1))),
        ("request", om.ReadExceptionStatusRequest()),
        ("request", om.GetCommEventCounterRequest()),
        ("request", om.GetCommEventLogRequest()),
        ("request", bm.WriteMultipleCoilsRequest(address=a(), bits=bits(rng, q(1968)))),
        ("request", rm.WriteMultipleRegistersRequest(address=a(), registers=regs(rng, q(123)))),
        ("request", om.ReportDeviceIdRequest()),
        ("request", fm.ReadFileRecordRequest(records=[fm.FileRecord(file_number=a(), record_number=rng.randrange(10000), record_length=2 * q(10)) for _ in range(q(3))])),
        ("request", fm.WriteFileRecordRequest(records=[fm.FileRecord(file_number=a(), record_number=rng.randrange(10000), record_data=bytes(rng.randrange(256) for _ in range(2 * q(8)))) for _ in range(q(3))])),
        ("request", rm.MaskWriteRegisterRequest(address=a(), and_mask=a(), or_mask=a())),
        ("request", rm.ReadWriteMultipleRegistersRequest(read_address=a(), read_count=q(125), write_address=a(), write_registers=regs(rng, q(121)))),
        ("request", fm.ReadFifoQueueRequest(address=a())),
        ("request", mm.ReadDeviceInformationRequest(read_code=q(4), object_id=rng.randrange(7))),
        ("request", dm.ReturnQueryDataRequest(message=bytes(rng.randrange(256) for _ in range(2)))),
        ("request", dm.RestartCommunicationsOptionRequest(message=rng.choice([0x0000, 0xFF00]))),
        ("request", dm.ReturnDiagnosticRegisterRequest()),
        ("request", dm.ClearCountersRequest()),
        ("request", dm.ReturnBusMessageCountRequest()),
        ("request", dm.ReturnIopOverrunCountRequest()),
        ("response", bm.ReadCoilsResponse(bits=bits(rng, 8 * q(20)))),
        ("response", bm.ReadDiscreteInputsResponse(bits=bits(rng, 8 * q(20)))),
        ("response", rm.ReadHoldingRegistersResponse(registers=regs(rng, q(125)))),
        ("response", rm.ReadInputRegistersResponse(registers=regs(rng, q(125)))),
        ("response", bm.WriteSingleCoilResponse(address=a(), bits=[rng.random() < 0.5])),
        ("response", rm.WriteSingleRegisterResponse(address=a(), registers=regs(rng, 1))),
        ("response", om.ReadExceptionStatusResponse(status=rng.randrange(256))),
        ("response", om.GetCommEventCounterResponse(count=a())),
        ("response", om.GetCommEventLogResponse(status=rng.random() < 0.5, message_count=a(), event_count=a(), events=[rng.randrange(256) for _ in range(rng.randrange(10))])),
        ("response", bm.WriteMultipleCoilsResponse(address=a(), count=q(1968))),
        ("response", rm.WriteMultipleRegistersResponse(address=a(), count=q(123))),
        ("response", om.ReportDeviceIdResponse(identifier=bytes(rng.randrange(256) for _ in range(q(20))), status=rng.random() < 0.5)),
        ("response", fm.ReadFileRecordResponse(records=[fm.FileRecord(record_data=bytes(rng.randrange(256) for _ in range(2 * q(8)))) for _ in range(q(3))])),
        ("response", rm.MaskWriteRegisterResponse(address=a(), and_mask=a(), or_mask=a())),
        ("response", rm.ReadWriteMultipleRegistersResponse(registers=regs(rng, q(125)))),
        ("response", mm.ReadDeviceInformationResponse(read_code=q(3), information={0: b"causeway", 1: b"CW-1", 2: b"1.0"})),
        ("response", dm.ReturnQueryDataResponse(message=bytes(rng.randrange(256) for _ in range(2)))),
        ("response", dm.ReturnBusMessageCountResponse(message=a())),
        ("response", ExceptionResponse(rng.choice([1, 2, 3, 4, 5, 6, 15, 16, 23, 43]), rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 11]))),
    ]
    return msgs


def expected_fields(pdu) -> dict:
    """Our JSON keys for what pymodbus decoded."""
    fc = pdu.function_code
    f = {"function_code": fc}
    cls = type(pdu).__name__
    if isinstance(pdu, ExceptionResponse):
        return {"function_code": fc, "exception_code": pdu.exception_code}
    if cls in ("ReadCoilsRequest", "ReadDiscreteInputsRequest", "ReadHoldingRegistersRequest", "ReadInputRegistersRequest"):
        f.update(start_address=pdu.address, quantity=pdu.count)
    elif cls in ("ReadCoilsResponse", "ReadDiscreteInputsResponse"):
        f.update(byte_count=len(pdu.bits) // 8, values=list(pdu.bits))
    elif cls in ("ReadHoldingRegistersResponse", "ReadInputRegistersResponse", "ReadWriteMultipleRegistersResponse"):
        f.update(byte_count=2 * len(pdu.registers), values=list(pdu.registers))
    elif cls in ("WriteSingleCoilRequest", "WriteSingleCoilResponse"):
        f.update(address=pdu.address, value=bool(pdu.bits[0]))
    elif cls in ("WriteSingleRegisterRequest", "WriteSingleRegisterResponse"):
        f.update(address=pdu.address, value=pdu.registers[0])
    elif cls == "WriteMultipleCoilsRequest":
        f.update(start_address=pdu.address, quantity=len(pdu.bits), byte_count=(len(pdu.bits) + 7) // 8, values=list(pdu.bits))
    elif cls == "WriteMultipleRegistersRequest":
        f.update(start_address=pdu.address, quantity=len(pdu.registers), byte_count=2 * len(pdu.registers), values=list(pdu.registers))
    elif cls in ("WriteMultipleCoilsResponse", "WriteMultipleRegistersResponse"):
        f.update(start_address=pdu.address, quantity=pdu.count)
    elif cls == "ReadExceptionStatusResponse":
        f.update(status=pdu.status)
    elif cls == "GetCommEventCounterResponse":
        f.update(status=0 if pdu.status else 0xFFFF, event_count=pdu.count)  # READY = 0x0000
    elif cls == "GetCommEventLogResponse":
        f.update(status=0 if pdu.status else 0xFFFF, event_count=pdu.event_count, message_count=pdu.message_count,
                 events="".join(f"{e:02x}" for e in pdu.events))
    elif cls == "ReportDeviceIdResponse":
        # pymodbus's decoded identifier is every byte after the byte count (run indicator included).
        f.update(byte_count=pdu.byte_count, data=pdu.identifier.hex())
    elif cls == "ReadFileRecordRequest":
        f.update(sub_requests=[{"reference_type": 6, "file_number": r.file_number, "record_number": r.record_number,
                                "record_length": r.record_length} for r in pdu.records])
    elif cls == "WriteFileRecordRequest":
        f.update(sub_requests=[{"reference_type": 6, "file_number": r.file_number, "record_number": r.record_number,
                                "record_length": len(r.record_data) // 2,
                                "values": [int.from_bytes(r.record_data[i:i + 2], "big") for i in range(0, len(r.record_data), 2)]}
                               for r in pdu.records])
    elif cls == "ReadFileRecordResponse":
        f.update(records=[{"reference_type": 6, "values": [int.from_bytes(r.record_data[i:i + 2], "big")
                                                            for i in range(0, len(r.record_data), 2)]} for r in pdu.records])
    elif cls in ("MaskWriteRegisterRequest", "MaskWriteRegisterResponse"):
        f.update(address=pdu.address, and_mask=pdu.and_mask, or_mask=pdu.or_mask)
    elif cls == "ReadWriteMultipleRegistersRequest":
        f.update(read_start_address=pdu.read_address, read_quantity=pdu.read_count, write_start_address=pdu.write_address,
                 write_quantity=len(pdu.write_registers), values=list(pdu.write_registers))
    elif cls == "ReadFifoQueueRequest":
        f.update(address=pdu.address)
    elif cls == "ReadFifoQueueResponse":
        f.update(fifo_count=len(pdu.values), values=list(pdu.values))
    elif cls == "ReadDeviceInformationRequest":
        f.update(mei_type=14, read_device_id_code=pdu.read_code, object_id=pdu.object_id)
    elif cls == "ReadDeviceInformationResponse":
        f.update(mei_type=14, read_device_id_code=pdu.read_code, conformity_level=pdu.conformity,
                 more_follows=bool(pdu.more_follows), next_object_id=pdu.next_object_id, number_of_objects=pdu.number_of_objects,
                 objects=[{"id": k, "value": v.decode("latin-1")} for k, v in pdu.information.items()])
    elif isinstance(pdu, dm.DiagnosticBase):
        msg = pdu.message
        data = msg if isinstance(msg, bytes) else b"".join(int(m).to_bytes(2, "big") for m in (msg if isinstance(msg, (list, tuple)) else [msg]))
        f.update(sub_function=pdu.sub_function_code, data=data.hex())
    elif cls in ("ReadExceptionStatusRequest", "GetCommEventCounterRequest", "GetCommEventLogRequest", "ReportDeviceIdRequest"):
        pass
    else:
        raise AssertionError(f"no field mapping for {cls}")
    return f


def pymodbus_vectors():
    rng = random.Random(20261121)
    out = []
    for rnd in range(3):
        for protocol in FRAMINGS:
            for role, msg in make_messages(rng):
                unit, tid = rng.randrange(1, 248), rng.randrange(0x10000)
                data = frame(protocol, role, msg, unit, tid)
                if isinstance(msg, fm.ReadFileRecordRequest) or (protocol == "modbus-ascii" and len(data) == 9):
                    # pymodbus cannot decode these frames it built (its FC 20 decode halves
                    # record_length; its ASCII framer rejects 1-byte PDUs): use the message itself.
                    pdu = msg
                else:
                    pdu = pymodbus_decode(protocol, role, data)
                tid_seen = tid if protocol == "modbus-tcp" else 0
                fields = {"role": role, **framing_fields(protocol, unit, tid_seen, 0), **expected_fields(pdu)}
                if protocol == "modbus-tcp":
                    fields["length"] = len(data) - 6
                out.append({
                    "name": f"{protocol}/pymodbus/{type(msg).__name__}-{rnd}",
                    "protocol": protocol, "role": role, "hex": spaced(data),
                    "source": f"built and decoded by {PYMODBUS} ({type(msg).__name__}, {FRAMINGS[protocol].__name__})",
                    "expect": {"frame": fields},
                })
    return out


# --- negative cases ------------------------------------------------------------------------

def rtu(unit: int, pdu: bytes) -> bytes:
    body = bytes([unit]) + pdu
    return body + FramerRTU.compute_CRC(body).to_bytes(2, "big")


def negative_vectors():
    src = f"derived by hand from {SPEC} layouts; CRC/LRC computed by {PYMODBUS}"
    good = rtu(0x11, bytes.fromhex("03006b0003"))
    cases = [
        ("modbus-rtu", "request", "bad-crc", good[:-1] + bytes([good[-1] ^ 0xFF]), {"kind": "checksum", "offset": 6, "layer": "modbus-rtu"}),
        ("modbus-rtu", "request", "too-short", good[:3], {"kind": "truncated", "offset": 3}),
        ("modbus-rtu", "request", "oversize", rtu(0x11, bytes([0x41]) + bytes(253)), {"kind": "oversize", "layer": "modbus-rtu"}),
        ("modbus-rtu", "request", "pdu-truncated", rtu(0x11, bytes.fromhex("03006b00")), {"kind": "truncated", "offset": 4, "layer": "modbus-pdu"}),
        ("modbus-rtu", "request", "trailing-byte", rtu(0x11, bytes.fromhex("03006b0003ff")), {"kind": "length", "offset": 6}),
        ("modbus-rtu", "request", "fc16-byte-count-vs-quantity", rtu(0x11, bytes.fromhex("100001000203000a01")), {"kind": "length", "offset": 6}),
        ("modbus-rtu", "request", "fc15-byte-count-vs-quantity", rtu(0x11, bytes.fromhex("0f0013000a01cd")), {"kind": "length", "offset": 6}),
        ("modbus-rtu", "request", "fc5-bad-coil-value", rtu(0x11, bytes.fromhex("0500ac1234")), {"kind": "invalid", "offset": 4}),
        ("modbus-rtu", "request", "fc20-bad-reference-type", rtu(0x11, bytes.fromhex("14070700040001 0002".replace(" ", ""))), {"kind": "invalid", "offset": 3}),
        ("modbus-rtu", "response", "byte-count-mismatch", rtu(0x11, bytes.fromhex("0305022b00000064")), {"kind": "length", "offset": 2}),
        ("modbus-rtu", "response", "odd-register-byte-count", rtu(0x11, bytes.fromhex("0303022b00")), {"kind": "invalid", "offset": 2}),
        ("modbus-rtu", "response", "exception-with-extra-byte", rtu(0x11, bytes.fromhex("810200")), {"kind": "length", "offset": 3}),
        ("modbus-rtu", "response", "fifo-count-over-31", rtu(0x11, bytes.fromhex("18004200200000") + bytes(62)), {"kind": "invalid", "offset": 4}),
        ("modbus-rtu", "response", "device-id-bad-more-follows", rtu(0x11, bytes.fromhex("2b0e010177000100026162")), {"kind": "invalid", "offset": 5}),
        ("modbus-tcp", "request", "protocol-id-not-zero", bytes.fromhex("0001000100061103006b0003"), {"kind": "invalid", "offset": 2}),
        ("modbus-tcp", "request", "length-field-past-the-end", bytes.fromhex("0001000000071103006b0003"), {"kind": "truncated", "offset": 12}),
        ("modbus-tcp", "request", "length-field-short-of-the-end", bytes.fromhex("0001000000051103006b0003"), {"kind": "length", "offset": 4}),
        ("modbus-tcp", "request", "header-only", bytes.fromhex("00010000000611"), {"kind": "truncated", "offset": 7}),
        ("modbus-tcp", "request", "length-over-254", bytes.fromhex("000100000100") + bytes(256), {"kind": "oversize", "offset": 4}),
        ("modbus-tcp", "request", "pdu-error-offset-in-adu", bytes.fromhex("000100000007110500acff00ff"), {"kind": "length", "offset": 12, "layer": "modbus-pdu"}),
        ("modbus-ascii", "request", "bad-lrc", b":1103006B00037F\r\n", {"kind": "checksum", "offset": 13}),
        ("modbus-ascii", "request", "odd-digit-count", b":1103006B00037\r\n", {"kind": "length", "offset": 14}),
        ("modbus-ascii", "request", "non-hex-character", b":1103006G00037E\r\n", {"kind": "invalid", "offset": 8}),
        ("modbus-ascii", "request", "missing-colon", b"11103006B00037E\r\n", {"kind": "invalid", "offset": 0}),
        ("modbus-ascii", "request", "missing-crlf", b":1103006B00037E\n\n", {"kind": "invalid", "offset": 15}),
        ("modbus-ascii", "request", "pdu-error-offset-in-characters", b":1105" + b"00AC1234" + b"%02X\r\n" % ((-(0x11 + 0x05 + 0xAC + 0x12 + 0x34)) & 0xFF), {"kind": "invalid", "offset": 9}),
    ]
    out = []
    for protocol, role, name, data, error in cases:
        out.append({"name": f"{protocol}/negative/{name}", "protocol": protocol, "role": role,
                    "hex": spaced(data), "source": src, "expect": {"error": error}})
    # Valid but unusual: user-defined function code, lower-case ASCII, FC 43/13 passthrough.
    out.append({"name": "modbus-rtu/user-defined-fc-65", "protocol": "modbus-rtu", "role": "request",
                "hex": spaced(rtu(0x11, bytes.fromhex("41010203"))), "source": src,
                "expect": {"frame": {"function_code": 65, "function": None, "data": "010203"}}})
    out.append({"name": "modbus-rtu/mei-13-canopen-passthrough", "protocol": "modbus-rtu", "role": "response",
                "hex": spaced(rtu(0x11, bytes.fromhex("2b0d00aabb"))), "source": src,
                "expect": {"frame": {"function_code": 43, "mei_type": 13, "data": "00aabb"}}})
    out.append({"name": "modbus-ascii/lower-case-hex", "protocol": "modbus-ascii", "role": "request",
                "hex": spaced(b":1103006b00037e\r\n"), "source": "MODBUS over Serial Line V1.02 §2.5.2.1 example, lower-cased",
                "reencode": False, "expect": {"frame": {"unit_id": 17, "function_code": 3, "start_address": 107, "quantity": 3}}})
    return out


def write(name: str, cases: list, check: bool) -> bool:
    path = OUT / name
    text = json.dumps(cases, indent=1) + "\n"
    if check:
        same = path.exists() and path.read_text() == text
        if not same:
            print(f"{path} is out of date; run tools/vectors/modbus.py", file=sys.stderr)
        return same
    path.write_text(text)
    print(f"{path}: {len(cases)} vectors")
    return True


def main():
    check = "--check" in sys.argv
    ok = write("modbus-spec.json", spec_vectors() + negative_vectors(), check)
    ok &= write("modbus-pymodbus.json", pymodbus_vectors(), check)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
