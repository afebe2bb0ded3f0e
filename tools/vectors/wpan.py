#!/usr/bin/env python3
"""Generate conformance-vectors/wpan.json and conformance-vectors/wpa-l-reassembly/cases.json:
IEEE 802.15.4 frames (every frame type, addressing combination, 2015 PAN ID table row, security
level and key identifier mode) carrying WPA-L payloads (every ASL service and data type,
aggregates, fragments), the negative cases, and multi-frame reassembly cases.

    pip install scapy==2.6.1 cryptography    # and tshark (Debian package)
    python3 tools/vectors/wpan.py            # rewrites both files
    python3 tools/vectors/wpan.py --check    # fails if a committed file differs

Frames are assembled here with `struct` from IEEE 802.15.4-2006 §7.2 / 802.15.4-2015 §7.2–7.4
and the WPA-L tables of docs/profiles/wpa-l.md; CCM* uses the `cryptography` package's AES-CCM
(and AES-ECB for the counter blocks of level 4) with the nonce of 802.15.4-2006 §7.6.3.2. Every
valid frame is then read back by tshark (frame control fields, addresses, PANs, sequence
number, auxiliary security header, FCS status, beacon and command fields, IEs, and — with the
key in its ieee802154_keys table — the decrypted payload), and every unsecured 2003/2006 frame
by scapy's Dot15d4FCS as well; negative cases check that tshark flags the same fault where it
has one (bad FCS, invalid addressing mode, MIC failure).
"""
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM
from fieldbus import value_fields, values

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "conformance-vectors" / "wpan.json"
OUT_REASSEMBLY = ROOT / "conformance-vectors" / "wpa-l-reassembly" / "cases.json"
PROFILE = "WPA-L v1 profile (docs/profiles/wpa-l.md)"
STD = "IEEE 802.15.4-2006 §7.2"
STD15 = "IEEE 802.15.4-2015 §7.2 (Table 7-2), §7.4"
TSHARK = "tshark 4.0 (text2pcap -l 195/230)"
SCAPY = "scapy 2.6.1 Dot15d4FCS"

PAN = 0x1234
SRC_EXT = 0x0011223344556677
DST_EXT = 0x8899AABBCCDDEEFF
KEY1 = bytes.fromhex("00112233445566778899aabbccddeeff")
KEY2 = bytes.fromhex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")
WRONG = bytes.fromhex("ffeeddccbbaa99887766554433221100")


def kermit(data):
    """CRC-16/KERMIT (ITU-T polynomial, reflected, init 0): the 802.15.4 FCS."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


assert kermit(b"123456789") == 0x2189


def hexs(b):
    return b.hex()


def short(a):
    return ("s", a)


def ext(a):
    return ("e", a)


def addr_bytes(a):
    if a is None:
        return b""
    kind, v = a
    return struct.pack("<H", v) if kind == "s" else struct.pack("<Q", v)


def addr_json(a):
    if a is None:
        return None
    kind, v = a
    if kind == "s":
        return f"0x{v:04x}"
    return ":".join(f"{b:02x}" for b in v.to_bytes(8, "big"))


def mode(a):
    return 0 if a is None else (2 if a[0] == "s" else 3)


def pans_present(version, dm, sm, comp):
    """802.15.4-2006 §7.2.1.1.5 and 802.15.4-2015 Table 7-2."""
    dst, src = dm != 0, sm != 0
    if version < 2:
        if dst and src:
            return True, not comp
        assert not comp
        return dst, src
    if not dst and not src:
        return comp, False
    if dst and not src:
        return not comp, False
    if src and not dst:
        return False, not comp
    if dm == 3 and sm == 3:
        return not comp, False
    return True, not comp


# --- MAC header --------------------------------------------------------------------------------


def aux_header(level, key_mode, counter=5, key_source=None, key_index=1):
    b = bytes([level | key_mode << 3]) + struct.pack("<I", counter)
    j = {"level": level, "level_name": ["none", "MIC-32", "MIC-64", "MIC-128", "ENC", "ENC-MIC-32",
                                        "ENC-MIC-64", "ENC-MIC-128"][level],
         "key_id_mode": key_mode, "frame_counter": counter, "key_index": None, "key_source": None,
         "frame_counter_suppression": False, "asn_in_nonce": False}
    if key_mode == 2:
        b += key_source.to_bytes(4, "big")
        j["key_source"] = f"0x{key_source:08x}"
    if key_mode == 3:
        b += key_source.to_bytes(8, "big")
        j["key_source"] = f"0x{key_source:016x}"
    if key_mode:
        b += bytes([key_index])
        j["key_index"] = key_index
    return b, j


def mhr(frame_type, version=1, dst=None, src=None, dst_pan=PAN, src_pan=PAN, comp=False, seq=0x2A,
        ack=False, pending=False, seq_suppressed=False, ie_present=False, aux=None, header_ies=b""):
    """The MAC header's octets and its expected JSON fields."""
    dm, sm = mode(dst), mode(src)
    dpp, spp = pans_present(version, dm, sm, comp)
    fcf = (frame_type | (aux is not None) << 3 | pending << 4 | ack << 5 | comp << 6 | seq_suppressed << 8
           | ie_present << 9 | dm << 10 | version << 12 | sm << 14)
    b = struct.pack("<H", fcf)
    if not seq_suppressed:
        b += bytes([seq])
    if dpp:
        b += struct.pack("<H", dst_pan)
    b += addr_bytes(dst)
    if spp:
        b += struct.pack("<H", src_pan)
    b += addr_bytes(src)
    j = {"frame_type": frame_type, "frame_type_name": ["beacon", "data", "ack", "command"][frame_type],
         "security": aux is not None, "frame_pending": pending, "ack_request": ack,
         "pan_id_compression": comp, "seq_suppression": seq_suppressed, "ie_present": ie_present,
         "version": version, "dst_addr_mode": dm, "src_addr_mode": sm, "fcf": fcf,
         "seq": None if seq_suppressed else seq, "dst_pan": dst_pan if dpp else None,
         "dst_addr": addr_json(dst), "src_pan": src_pan if spp else None, "src_addr": addr_json(src)}
    if aux is not None:
        b += aux[0]
        j["aux_security"] = aux[1]
    b += header_ies
    return b, j


def header_ie(eid, content):
    return struct.pack("<H", len(content) | eid << 7) + content


def payload_ie(group, content):
    return struct.pack("<H", len(content) | group << 11 | 0x8000) + content


def ies_json(ies):
    return [{"id": i, "len": len(c), "content": hexs(c)} for i, c in ies]


def with_fcs(frame):
    return frame + struct.pack("<H", kermit(frame))


# --- CCM* (802.15.4-2006 §7.6.3, RFC 3610 with M = 0 allowed) -----------------------------------


def nonce(src_ext, counter, level):
    return src_ext.to_bytes(8, "big") + counter.to_bytes(4, "big") + bytes([level])


def ctr(key, n, data):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    out = bytearray()
    for i in range(0, len(data), 16):
        block = enc.update(bytes([0x01]) + n + ((i // 16) + 1).to_bytes(2, "big"))
        out += bytes(x ^ y for x, y in zip(data[i:i + 16], block))
    return bytes(out)


def secure(level, key, src_ext, counter, a, private):
    """(payload as sent, MIC) for authenticated data `a` (header + open payload) and `private`."""
    m = [0, 4, 8, 16][level & 3]
    n = nonce(src_ext, counter, level)
    if level == 0:
        return private, b""
    if level == 4:
        return ctr(key, n, private), b""
    if level < 4:
        return private, AESCCM(key, tag_length=m).encrypt(n, b"", a + private)
    out = AESCCM(key, tag_length=m).encrypt(n, private, a)
    return out[:-m], out[-m:]


# --- WPA-L payloads ----------------------------------------------------------------------------

VALUES = values("<")
F32 = struct.pack("<f", 12.5)


def typed(code, raw):
    return bytes([code, len(raw)]) + raw


SERVICES = ["PUBLISH", "READ_REQ", "READ_RSP", "WRITE_REQ", "WRITE_RSP", "REPORT", "REPORT_ACK"]


def asl(service, body, seq=5, src_uao=1, dst_uao=1, ack=False):
    return bytes([service | ack << 3, seq, src_uao, dst_uao]) + body, {
        "service": service, "service_name": SERVICES[service], "ack_required": ack, "seq": seq,
        "src_uao": src_uao, "dst_uao": dst_uao}


def nl(kind, dst=0x0001, src=0x0102, frag=None):
    fc = kind | (frag is not None) << 2
    b = bytes([0]) + bytes([fc]) + struct.pack("<HH", dst, src)
    j = {"dlsl": {"type": 0, "type_name": "data"},
         "nl": {"type": kind, "type_name": ["data", "aggregated", "command"][kind], "fragmented": frag is not None,
                "dst": dst, "src": src}}
    if frag is not None:
        tag, flags, offset, total = frag
        b += struct.pack("<BBHH", tag, flags, offset, total)
        j["fragment"] = {"tag": tag, "flags": flags, "more": bool(flags & 1), "offset": offset, "total_len": total}
    return b, j


def publish(attr=2, code=8, raw=F32, value=12.5, **kw):
    pdu, a = asl(0, bytes([attr]) + typed(code, raw), **kw)
    return pdu, a, {"attr": attr, **value_fields(code, raw, value)}


def data_payload(pdu_tuple, src=0x0102, dst=0x0001):
    pdu, a, body = pdu_tuple
    head, j = nl(0, dst, src)
    return head + pdu, {**j, "asl": a, "body": body}


def point(src, uao, attr, value=None, pan=PAN, **extra):
    """An expected point; `value` None leaves the value unchecked unless `extra` names one."""
    p = {"device": f"wpan:pan=0x{pan:04X},short=0x{src:04X}", "address": f"uao:{uao}/attr:{attr}"}
    if value is not None:
        p["value"] = value
    p.update(extra)
    return p


PUBLISH_POINT = point(0x0102, 1, 2, 12.5)


# --- cases -------------------------------------------------------------------------------------


def case(name, frame, fields, points=None, source="", protocol="wpan", keys=None, addresses=None,
         fcs=True, reencode=True, tshark=None, data=None):
    """A valid frame; `data` is the payload tshark must show as data.data (heuristics off)."""
    wire = with_fcs(frame) if fcs else frame
    if fcs:
        fields = {**fields, "fcs": kermit(frame), "fcs_ok": True}
    c = {"name": f"{protocol}/{name}", "protocol": protocol if fcs else "wpan-no-fcs",
         "hex": " ".join(f"{b:02x}" for b in wire),
         "source": source or f"{STD}; {PROFILE}; fields and FCS verified by {TSHARK}"}
    if not reencode:
        c["reencode"] = False
    if keys:
        c["keys"] = keys
    if addresses:
        c["addresses"] = addresses
    c["expect"] = {"frame": fields}
    if points is not None:
        c["expect"]["points"] = points
    c["_tshark"] = dict(tshark or {})
    if data is not None:
        c["_tshark"]["data"] = hexs(data)
    c["_fcs"] = fcs
    return c


def negative(name, data, kind, offset, layer, source, tshark=None, keys=None, fcs=True):
    c = {"name": f"wpan/negative/{name}", "protocol": "wpan" if fcs else "wpan-no-fcs",
         "hex": " ".join(f"{b:02x}" for b in data), "source": source}
    if keys:
        c["keys"] = keys
    c["expect"] = {"error": {"kind": kind, "offset": offset, "layer": layer}}
    c["_tshark"] = tshark or {}
    c["_fcs"] = fcs
    return c


def addressing_cases():
    out = []
    combos = [(d, s, c) for d in (None, short(0x0001), ext(DST_EXT)) for s in (None, short(0x0102), ext(SRC_EXT))
              for c in (False, True) if not c or (d is not None and s is not None)]
    for dst, src, comp in combos:
        h, hj = mhr(1, 1, dst=dst, src=src, comp=comp, ack=dst is not None)
        p, pj = data_payload(publish())
        name = f"addressing/dst{mode(dst)}-src{mode(src)}{'-compressed' if comp else ''}"
        pan = PAN if (dst or src) else 0xFFFF
        out.append(case(name, h + p, {**hj, "wpal": pj}, [point(0x0102, 1, 2, 12.5, pan=pan)], data=p))
    # Distinct PANs when not compressed (the device PAN is the source PAN).
    h, hj = mhr(1, 1, dst=short(0x0001), src=short(0x0102), dst_pan=0xFFFF, src_pan=0x4321)
    p, pj = data_payload(publish())
    out.append(case("addressing/broadcast-pan-to-other-pan", h + p, {**hj, "wpal": pj},
                    [point(0x0102, 1, 2, 12.5, pan=0x4321)], data=p))
    # 2003 frame.
    h, hj = mhr(1, 0, dst=short(0x0001), src=short(0x0102), comp=True)
    p, pj = data_payload(publish())
    out.append(case("version/2003-data", h + p, {**hj, "wpal": pj}, [PUBLISH_POINT], data=p))
    return out


def table_2015_cases():
    out = []
    rows = [(None, None, False), (None, None, True), (short(1), None, False), (ext(DST_EXT), None, True),
            (None, short(0x0102), False), (None, ext(SRC_EXT), True), (ext(DST_EXT), ext(SRC_EXT), False),
            (ext(DST_EXT), ext(SRC_EXT), True), (short(1), short(0x0102), False), (short(1), ext(SRC_EXT), False),
            (ext(DST_EXT), short(0x0102), False), (short(1), short(0x0102), True), (short(1), ext(SRC_EXT), True),
            (ext(DST_EXT), short(0x0102), True)]
    for dst, src, comp in rows:
        h, hj = mhr(1, 2, dst=dst, src=src, comp=comp)
        p, pj = data_payload(publish())
        dpp, spp = pans_present(2, mode(dst), mode(src), comp)
        pan = PAN if (dpp or spp) else 0xFFFF
        name = f"2015/pan-table-dst{mode(dst)}-src{mode(src)}{'-compressed' if comp else ''}"
        out.append(case(name, h + p, {**hj, "wpal": pj}, [point(0x0102, 1, 2, 12.5, pan=pan)],
                        source=f"{STD15}; {PROFILE}; fields and FCS verified by {TSHARK}", data=p))
    # Sequence number suppression, header IEs with HT2, header IEs with HT1 and payload IEs.
    h, hj = mhr(1, 2, dst=short(1), src=short(0x0102), comp=True, seq_suppressed=True)
    p, pj = data_payload(publish())
    out.append(case("2015/seq-suppressed", h + p, {**hj, "wpal": pj}, [PUBLISH_POINT],
                    source=f"{STD15}; fields verified by {TSHARK}", data=p))
    csl = bytes([0x10, 0x00, 0x20, 0x00])
    hies = header_ie(0x1A, csl) + header_ie(0x7F, b"")
    h, hj = mhr(1, 2, dst=short(1), src=short(0x0102), comp=True, ie_present=True, header_ies=hies)
    p, pj = data_payload(publish())
    out.append(case("2015/header-ies-ht2", h + p,
                    {**hj, "header_ies": ies_json([(0x1A, csl), (0x7F, b"")]), "wpal": pj}, [PUBLISH_POINT],
                    source=f"{STD15} (CSL IE 0x1a, HT2 0x7f); header IE ids verified by {TSHARK}", data=p))
    vendor = bytes([0x00, 0x50, 0xC2, 0x01])
    hies = header_ie(0x7E, b"")
    pies = payload_ie(0x2, vendor) + payload_ie(0xF, b"")
    h, hj = mhr(1, 2, dst=short(1), src=short(0x0102), comp=True, ie_present=True, header_ies=hies)
    p, pj = data_payload(publish())
    out.append(case("2015/payload-ies", h + pies + p,
                    {**hj, "header_ies": ies_json([(0x7E, b"")]),
                     "payload_ies": ies_json([(0x2, vendor), (0xF, b"")]), "wpal": pj}, [PUBLISH_POINT],
                    source=f"{STD15} (HT1, vendor payload IE group 2, PT); IE ids verified by {TSHARK}", data=p))
    # Enhanced beacon: no superframe fields, the payload as octets.
    h, hj = mhr(0, 2, src=short(0x0000), comp=False, seq=9)
    out.append(case("2015/enhanced-beacon", h + b"\xab\xcd", {**hj, "payload": "abcd"}, [],
                    source=f"{STD15} (enhanced beacon); fields verified by {TSHARK}"))
    return out


def beacon_cases():
    out = []
    doc = bytes.fromhex("0080073412000046cf80008ca3")
    out.append(case("beacon/profile", doc[:-2], {
        **mhr(0, 0, src=short(0x0000), seq=7)[1],
        "beacon": {"superframe_spec": 0xCF46, "beacon_order": 6, "superframe_order": 4, "final_cap_slot": 15,
                   "battery_life_extension": False, "pan_coordinator": True, "association_permit": True,
                   "gts_spec": 0x80, "gts_permit": True, "gts": [], "pending_spec": 0, "pending_short": [],
                   "pending_ext": [], "payload": ""}}, [],
        source=f"{PROFILE}, its beacon vector; fields and FCS verified by {TSHARK}"))
    assert with_fcs(doc[:-2]) == doc
    h, hj = mhr(0, 1, src=ext(SRC_EXT), seq=3)
    fields = struct.pack("<H", 0x5AF5) + bytes([0x82, 0x02]) + struct.pack("<H", 0x0101) + bytes([0x3A]) \
        + struct.pack("<H", 0x0202) + bytes([0x1D]) + bytes([0x12]) + struct.pack("<HH", 0x0AAA, 0x0BBB) \
        + struct.pack("<Q", 0xE0E1E2E3E4E5E6E7) + b"\x01\x02"
    out.append(case("beacon/gts-and-pending", h + fields, {**hj, "beacon": {
        "superframe_spec": 0x5AF5, "beacon_order": 5, "superframe_order": 15, "final_cap_slot": 10,
        "battery_life_extension": True, "pan_coordinator": True, "association_permit": False,
        "gts_spec": 0x82, "gts_permit": True, "gts_directions": 0x02,
        "gts": [{"short_addr": "0x0101", "start_slot": 10, "length": 3, "direction": "transmit"},
                {"short_addr": "0x0202", "start_slot": 13, "length": 1, "direction": "receive"}],
        "pending_spec": 0x12, "pending_short": ["0x0aaa", "0x0bbb"], "pending_ext": ["e0:e1:e2:e3:e4:e5:e6:e7"],
        "payload": "0102"}}, [], tshark={"gts_count": 2, "pending16": "0x0aaa,0x0bbb",
                                         "pending64": "e0:e1:e2:e3:e4:e5:e6:e7"}, data=b"\x01\x02"))
    return out


def command_cases():
    out = []
    cmds = [
        ("association-request", 0x01, bytes([0x8E]), ext(SRC_EXT), short(0x0000),
         {"capability": 0x8E, "alternate_pan_coordinator": False, "ffd": True, "mains_powered": True,
          "rx_on_when_idle": True, "security_capable": False, "allocate_address": True}),
        ("association-response", 0x02, struct.pack("<HB", 0x0102, 0), ext(DST_EXT), ext(SRC_EXT),
         {"short_addr": "0x0102", "status": 0}),
        ("disassociation", 0x03, bytes([2]), ext(DST_EXT), ext(SRC_EXT), {"reason": 2}),
        ("data-request", 0x04, b"", short(0x0000), short(0x0102), {}),
        ("pan-id-conflict", 0x05, b"", ext(DST_EXT), ext(SRC_EXT), {}),
        ("orphan", 0x06, b"", short(0xFFFF), ext(SRC_EXT), {}),
        ("beacon-request", 0x07, b"", short(0xFFFF), None, {}),
        ("coordinator-realignment", 0x08, struct.pack("<HHBH", PAN, 0x0000, 15, 0x0102) + b"\x00",
         ext(DST_EXT), ext(SRC_EXT),
         {"pan": PAN, "coordinator_short_addr": "0x0000", "channel": 15, "short_addr": "0x0102", "channel_page": 0}),
        ("gts-request", 0x09, bytes([0x33]), short(0x0000), short(0x0102),
         {"characteristics": 0x33, "gts_length": 3, "receive": True, "allocation": True}),
        ("unknown", 0x30, b"\x01\x02", short(0x0000), short(0x0102), {}),
    ]
    names = {1: "association_request", 2: "association_response", 3: "disassociation_notification",
             4: "data_request", 5: "pan_id_conflict_notification", 6: "orphan_notification",
             7: "beacon_request", 8: "coordinator_realignment", 9: "gts_request"}
    for name, cid, payload, dst, src, typed_fields in cmds:
        if name == "orphan" or name == "beacon-request":
            h, hj = mhr(3, 1, dst=dst, src=src, dst_pan=0xFFFF, src_pan=0xFFFF, comp=src is not None)
        elif name == "association-request":
            h, hj = mhr(3, 1, dst=dst, src=src, src_pan=0xFFFF, ack=True)
        else:
            h, hj = mhr(3, 1, dst=dst, src=src, comp=True, ack=True)
        cj = {"id": cid, "name": names.get(cid), **typed_fields, "payload": hexs(payload)}
        out.append(case(f"command/{name}", h + bytes([cid]) + payload, {**hj, "command": cj}, [],
                        tshark={"cmd": cid}))
    # Immediate acknowledgment.
    h, hj = mhr(2, 0, seq=0x2A)
    out.append(case("ack/imm-ack", h, {**hj, "payload": ""}, []))
    return out


def wpal_cases():
    out = []

    def add(name, payload_tuple, points, src_frame=short(0x0102)):
        p, pj = payload_tuple
        h, hj = mhr(1, 1, dst=short(1), src=src_frame, comp=True, ack=True)
        out.append(case(f"wpal/{name}", h + p, {**hj, "wpal": pj}, points,
                        source=f"{PROFILE}; 802.15.4 fields and FCS verified by {TSHARK}", data=p))

    for vname, code, raw, value, pv in VALUES:
        pt = [point(0x0102, 1, 2, pv)]
        if vname in ("date", "time-of-day"):
            pt = [point(0x0102, 1, 2, pv, compare="datetime")]
        add(f"publish/{vname}", data_payload(publish(2, code, raw, value)), pt)
    add("read-req", data_payload((*asl(1, bytes([7]), src_uao=3, dst_uao=4), {"attr": 7})), [])
    add("read-rsp", data_payload((*asl(2, bytes([0, 7]) + typed(6, struct.pack("<H", 0x1234)), src_uao=4, dst_uao=3),
                                  {"status": 0, "attr": 7, **value_fields(6, struct.pack("<H", 0x1234), 0x1234)})),
        [point(0x0102, 4, 7, 0x1234)])
    add("read-rsp-error", data_payload((*asl(2, bytes([3, 7]) + typed(5, b"\x00"), src_uao=4, dst_uao=3),
                                        {"status": 3, "attr": 7, **value_fields(5, b"\x00", 0)})),
        [point(0x0102, 4, 7, value_type="null", quality={"severity": "bad", "code": 3})])
    add("write-req", data_payload((*asl(3, bytes([9]) + typed(1, b"\x00"), ack=True),
                                   {"attr": 9, **value_fields(1, b"\x00", False)})), [])
    add("write-rsp", data_payload((*asl(4, bytes([0])), {"status": 0})), [])
    report = struct.pack("<HI", 0x0201, 10_000) + typed(9, b"HIGH")
    add("report", data_payload((*asl(5, report, src_uao=3, ack=True),
                                {"event_id": 0x0201, "ts_ms": 10_000, **value_fields(9, b"HIGH", "HIGH")})),
        [{"device": "wpan:pan=0x1234,short=0x0102", "address": "uao:3/event:513", "value": "HIGH"}])
    add("report-ack", data_payload((*asl(6, struct.pack("<H", 0x0201), src_uao=1, dst_uao=3), {"event_id": 0x0201})),
        [])
    # Aggregate of three PDUs from two sources, forwarded by router 0x0010.
    entries = [(0x0203, publish(2, 8, F32, 12.5, src_uao=4)), (0x0204, publish(5, 5, b"\x07", 7, seq=6, src_uao=5)),
               (0x0203, (*asl(5, struct.pack("<HI", 9, 1) + typed(1, b"\x01"), src_uao=4),
                         {"event_id": 9, "ts_ms": 1, **value_fields(1, b"\x01", True)}))]
    agg = bytes([len(entries)])
    agg_json = []
    for src, (pdu, a, body) in entries:
        agg += struct.pack("<HB", src, len(pdu)) + pdu
        agg_json.append({"src": src, "len": len(pdu), "asl": a, "body": body})
    head, hj = nl(1, 0x0001, 0x0010)
    add("aggregate", (head + agg, {**hj, "count": 3, "aggregate": agg_json}),
        [point(0x0203, 4, 2, 12.5), point(0x0204, 5, 5, 7),
         {"device": "wpan:pan=0x1234,short=0x0203", "address": "uao:4/event:9", "value": True}],
        src_frame=short(0x0010))
    # A fragment holding the whole packet decodes; a partial one stays octets.
    pdu, a, body = publish()
    head, hj = nl(0, frag=(7, 0, 0, len(pdu)))
    add("fragment-whole", (head + pdu, {**hj, "asl": a, "body": body}), [PUBLISH_POINT])
    head, hj = nl(0, frag=(7, 1, 0, len(pdu)))
    add("fragment-first", (head + pdu[:6], {**hj, "data": hexs(pdu[:6])}), [])
    # DLSL and NL commands.
    add("dlsl-command", (b"\x01\x10\x20", {"dlsl": {"type": 1, "type_name": "command"}, "data": "1020"}), [])
    head, hj = nl(2)
    add("nl-command", (head + b"\x05\x06", {**hj, "data": "0506"}), [])
    # Data frame without payload (polling) and without FCS.
    h, hj = mhr(1, 1, dst=short(1), src=short(0x0102), comp=True)
    out.append(case("data/empty-payload", h, {**hj, "payload": ""}, []))
    p, pj = data_payload(publish())
    out.append(case("no-fcs/publish", h + p, {**hj, "wpal": pj}, [PUBLISH_POINT], fcs=False, data=p,
                    source=f"{STD} without FCS (pcap link type 230); {PROFILE}; fields verified by tshark 4.0 "
                           "(text2pcap -l 230)"))
    h0, hj0 = mhr(0, 0, src=short(0x0000), seq=7)
    out.append(case("no-fcs/beacon", h0 + bytes.fromhex("46cf8000"), {**hj0, "beacon": {"superframe_spec": 0xCF46}},
                    [], fcs=False, source=f"{PROFILE} beacon vector without its FCS; verified by tshark 4.0 "
                                          "(text2pcap -l 230)"))
    return out


def secured(name, level, key_mode, key, key_index, frame_type=1, version=1, src=ext(SRC_EXT), dst=short(1),
            comp=True, counter=5, key_source=None, open_part=b"", private=None, content=None, points=None,
            addresses=None, header_ies=b"", ie_present=False, src_ext=SRC_EXT, tshark=None):
    aux = aux_header(level, key_mode, counter, key_source, key_index)
    h, hj = mhr(frame_type, version, dst=dst, src=src, comp=comp, ack=True, aux=aux, header_ies=header_ies,
                ie_present=ie_present)
    if private is None:
        private, pj = data_payload(publish())
        content = {"wpal": pj}
        points = [PUBLISH_POINT] if points is None else points
    payload, mic = secure(level, key, src_ext, counter, h + open_part, private)
    fields = {**hj, **content, "mic": hexs(mic), "decrypted": True}
    if key_mode:
        keys, index = [{"key": key.hex(), "key_index": key_index}], key_index
    else:
        keys, index = [{"key": key.hex()}], 0
    return case(f"security/{name}", h + open_part + payload + mic, fields, points or [],
                keys=keys, addresses=addresses,
                source=f"{STD}, §7.6 (CCM*, nonce = source extended address ‖ frame counter ‖ level, "
                       f"big-endian); encrypted with pyca/cryptography AES-CCM; decrypted by {TSHARK} with the "
                       "key in its ieee802154_keys table",
                tshark={"key": key.hex(), "index": index, "decrypts": True, **(tshark or {})},
                data=private if frame_type in (0, 1) else None)


def security_cases():
    out = []
    for level in range(1, 8):
        out.append(secured(f"level-{level}", level, 1, KEY1, 1))
    out.append(secured("key-id-mode-0", 5, 0, KEY2, None))
    out.append(secured("key-id-mode-2", 6, 2, KEY1, 3, key_source=0xA1A2A3A4))
    out.append(secured("key-id-mode-3", 7, 3, KEY2, 9, key_source=0xB1B2B3B4B5B6B7B8))
    # Beacon: superframe/GTS/pending fields open, beacon payload private.
    beacon_open = struct.pack("<H", 0xCF46) + b"\x00\x00"
    out.append(secured("beacon-level-5", 5, 1, KEY1, 1, frame_type=0, dst=None, comp=False,
                       open_part=beacon_open, private=b"\x10\x20\x30",
                       content={"beacon": {"superframe_spec": 0xCF46, "gts_spec": 0, "pending_spec": 0,
                                           "payload": "102030"}}, points=[]))
    # Command: the command identifier is open, its payload private.
    out.append(secured("command-level-5", 5, 1, KEY1, 1, frame_type=3, dst=ext(DST_EXT),
                       open_part=b"\x02", private=struct.pack("<HB", 0x0102, 0),
                       content={"command": {"id": 2, "name": "association_response", "short_addr": "0x0102",
                                            "status": 0, "payload": "020100"}}, points=[]))
    # 2015 data frame with a header IE: the IE is authenticated, not encrypted.
    csl = bytes([0x10, 0x00, 0x20, 0x00])
    c = secured("2015-header-ie-level-6", 6, 1, KEY1, 1, version=2, ie_present=True,
                header_ies=header_ie(0x1A, csl) + header_ie(0x7F, b""))
    c["expect"]["frame"]["header_ies"] = ies_json([(0x1A, csl), (0x7F, b"")])
    c["source"] = c["source"].replace(STD, STD15 + " and §9.3")
    out.append(c)
    # Short source address: the nonce takes its extended address from the mapping.
    out.append(secured("short-source-mapped", 5, 1, KEY1, 1, src=short(0x0102),
                       addresses=[{"pan": PAN, "short": 0x0102, "ext": addr_json(ext(SRC_EXT))}],
                       tshark={"address": f'"0102","1234",{SRC_EXT:016x}'}))
    # Without a key the payload stays as sent.
    sec = out[4]  # level 5
    nokey = json.loads(json.dumps(sec))
    nokey["name"] = "wpan/security/level-5-without-key"
    del nokey["keys"]
    frame = nokey["expect"]["frame"]
    data = bytes.fromhex(nokey["hex"].replace(" ", ""))
    mic = bytes.fromhex(frame["mic"])
    hlen = len(mhr(1, 1, dst=short(1), src=ext(SRC_EXT), comp=True, ack=True, aux=aux_header(5, 1))[0])
    frame.pop("wpal")
    frame["decrypted"] = False
    frame["payload"] = hexs(data[hlen:-2 - len(mic)])
    nokey["expect"]["points"] = []
    nokey["_tshark"] = {}
    out.append(nokey)
    return out


def negative_cases():
    pub = bytes.fromhex("61982a3412010002010000010002010005010102080400004841523f")
    frame = pub[:-2]
    src = f"{PROFILE} PUBLISH vector"

    def fcs(b):
        return with_fcs(b)

    out = [
        negative("bad-fcs", frame + b"\x00\x00", "checksum", len(frame), "ieee802154",
                 f"{src} with its FCS zeroed; tshark reports the bad FCS", tshark={"fcs_ok": "0"}),
        negative("truncated-mhr", fcs(frame[:4]), "truncated", 3, "ieee802154",
                 f"{STD}: the destination PAN needs two octets; {src} cut after three"),
        negative("reserved-dst-addressing-mode", fcs(bytes([0x41, 0x94]) + frame[2:]), "invalid", 1, "ieee802154",
                 f"{STD} Table 80: destination addressing mode 1 is reserved; tshark says "
                 "'Invalid Destination Address Mode'", tshark={"expert": "Invalid Destination Address Mode"}),
        negative("version-3", fcs(bytes([0x61, 0xB8]) + frame[2:]), "invalid", 1, "ieee802154",
                 f"{STD}: frame version 3 is reserved; tshark says 'Frame Version Unknown'"),
        negative("multipurpose-frame-type", fcs(bytes([0x65, 0x98]) + frame[2:]), "unsupported", 0, "ieee802154",
                 f"{STD15}: frame type 5 (multipurpose) is not decoded"),
        negative("seq-suppression-in-2006", fcs(bytes([0x61, 0x99]) + frame[2:]), "invalid", 1, "ieee802154",
                 f"{STD}: bit 8 is reserved before 2015; tshark warns 'Sequence Number Suppression invalid'"),
        negative("pan-id-compression-without-source", fcs(bytes([0x61, 0x08]) + frame[2:7]), "invalid", 0,
                 "ieee802154", f"{STD} §7.2.1.1.5: PAN ID compression needs both addresses; tshark says "
                                "'Invalid Setting for PAN ID Compression'"),
        negative("oversize", fcs(frame + bytes(128 - len(frame))), "oversize", 0, "ieee802154",
                 f"{STD}: aMaxPHYPacketSize is 127 octets"),
        negative("security-in-2003-frame", fcs(bytes([0x69, 0x88]) + frame[2:]), "unsupported", 0, "ieee802154",
                 f"{STD}: 2003 frames carry no auxiliary security header"),
        negative("dlsl-bits-6-7", fcs(frame[:9] + b"\xc0" + frame[10:]), "invalid", 9, "wpa-l",
                 f"{PROFILE}: DLSL bits 6-7 must be 00 (RFC 4944 'not a LoWPAN frame')"),
        negative("dlsl-type-2", fcs(frame[:9] + b"\x02" + frame[10:]), "invalid", 9, "wpa-l",
                 f"{PROFILE}: DLSL type 0 or 1"),
        negative("nl-reserved-bits", fcs(frame[:10] + b"\x08" + frame[11:]), "invalid", 10, "wpa-l",
                 f"{PROFILE}: NL fc bits 3-7 must be 0"),
        negative("nl-type-3", fcs(frame[:10] + b"\x03" + frame[11:]), "invalid", 10, "wpa-l",
                 f"{PROFILE}: NL type 3 is not defined"),
        negative("asl-service-7", fcs(frame[:15] + b"\x07" + frame[16:]), "invalid", 15, "wpa-l",
                 f"{PROFILE}: ASL service 7 is reserved"),
        negative("asl-reserved-bits", fcs(frame[:15] + b"\x10" + frame[16:]), "invalid", 15, "wpa-l",
                 f"{PROFILE}: ASL fc bits 4-7 must be 0"),
        negative("value-len-mismatch", fcs(frame[:21] + b"\x03" + frame[22:]), "length", 21, "wpa-l",
                 f"{PROFILE}: len must be the octets that remain"),
        negative("float32-of-two-octets", fcs(frame[:21] + b"\x02" + frame[22:24]), "length", 22, "wpa-l",
                 "docs/profiles/README.md: a value whose length does not match its type's fixed size"),
    ]
    # Aggregate whose count claims a third PDU.
    h = frame[:9]
    pdu = bytes.fromhex("0001040102050107")
    agg = bytes([0, 1, 1, 0, 0x10, 0, 3]) + struct.pack("<HB", 0x0203, len(pdu)) + pdu
    out.append(negative("aggregate-count-past-end", fcs(h + agg), "truncated", 9 + len(agg), "wpa-l",
                        f"{PROFILE}: aggregate count 3 with two octets short of one entry"))
    # Fragment past total_len.
    fr = bytes([0, 0x04, 1, 0, 2, 1]) + struct.pack("<BBHH", 7, 0, 4, 8) + b"\x01\x02\x03\x04\x05"
    out.append(negative("fragment-past-total-len", fcs(h + fr), "length", 9 + 8, "wpa-l",
                        f"{PROFILE}: a fragment at offset 4 with 5 octets of a packet of 8"))
    # Wrong key and tampered frame.
    good = secured("level-5", 5, 1, KEY1, 1)
    data = bytes.fromhex(good["hex"].replace(" ", ""))
    body_end = len(data) - 2
    out.append(negative("wrong-key", data, "authentication", body_end - 4, "ccm",
                        f"{STD} §7.6: the level-5 vector with another key; tshark cannot decrypt it either",
                        tshark={"key": WRONG.hex(), "index": 1, "expert": "No encryption key set"},
                        keys=[{"key": WRONG.hex(), "key_index": 1}]))
    tampered = bytearray(data[:-2])
    tampered[-6] ^= 0x01
    out.append(negative("tampered-ciphertext", fcs(bytes(tampered)), "authentication", body_end - 4, "ccm",
                        f"{STD} §7.6: the level-5 vector with one ciphertext bit flipped (FCS recomputed); "
                        "tshark's MIC check fails too", tshark={"key": KEY1.hex(), "index": 1,
                                                               "expert": "No encryption key set"},
                        keys=[{"key": KEY1.hex(), "key_index": 1}]))
    out.append(negative("truncated-mic", fcs(data[:-2][:23]), "truncated", 21, "ieee802154",
                        f"{STD}: a level-5 frame too short for its 4-octet MIC"))
    out.append(negative("command-payload-length", fcs(bytes.fromhex("63882a3412000002010401")), "length", 10,
                        "ieee802154", f"{STD} §7.3.4: a data request has no payload"))
    out.append(negative("no-fcs-truncated", bytes([0x61]), "truncated", 0, "ieee802154",
                        f"{STD}: a frame control field needs two octets", fcs=False))
    return out


# --- reassembly cases --------------------------------------------------------------------------


def reassembly_cases():
    pdu, _, _ = publish()
    agg_pdu = publish(5, 5, b"\x07", 7, seq=6, src_uao=5)[0]
    agg = bytes([2]) + struct.pack("<HB", 0x0203, len(pdu)) + pdu + struct.pack("<HB", 0x0204, len(agg_pdu)) + agg_pdu
    h, _ = mhr(1, 1, dst=short(1), src=short(0x0102), comp=True)

    def frag(kind, tag, more, offset, total, data, src=0x0102):
        head, _ = nl(kind, 0x0001, src, frag=(tag, int(more), offset, total))
        return " ".join(f"{b:02x}" for b in with_fcs(h + head + data))

    src = f"{PROFILE}, 'Reassembly of NL fragments'; frames per {STD}"
    n = len(pdu)
    cases = [
        {"name": "in-order", "fragments": [frag(0, 7, True, 0, n, pdu[:4]), frag(0, 7, True, 4, n, pdu[4:8]),
                                           frag(0, 7, False, 8, n, pdu[8:])],
         "expect": {"packet": pdu.hex(), "points": [PUBLISH_POINT]}},
        {"name": "out-of-order-with-duplicate",
         "fragments": [frag(0, 7, False, 8, n, pdu[8:]), frag(0, 7, True, 0, n, pdu[:4]),
                       frag(0, 7, False, 8, n, pdu[8:]), frag(0, 7, True, 4, n, pdu[4:8])],
         "expect": {"packet": pdu.hex(), "points": [PUBLISH_POINT]}},
        {"name": "overlap-same-content", "fragments": [frag(0, 7, True, 0, n, pdu[:6]), frag(0, 7, False, 4, n, pdu[4:])],
         "expect": {"packet": pdu.hex(), "points": [PUBLISH_POINT]}},
        {"name": "aggregate", "fragments": [frag(1, 9, True, 0, len(agg), agg[:10]),
                                            frag(1, 9, False, 10, len(agg), agg[10:])],
         "expect": {"packet": agg.hex(), "points": [point(0x0203, 1, 2, 12.5), point(0x0204, 5, 5, 7)]}},
        {"name": "overlap-conflict", "fragments": [frag(0, 7, True, 0, n, pdu[:6]),
                                                   frag(0, 7, False, 4, n, b"\xff" + pdu[5:])],
         "expect": {"error": {"kind": "conflict", "fragment": 1}}},
        {"name": "total-len-changes", "fragments": [frag(0, 7, True, 0, n, pdu[:6]),
                                                    frag(0, 7, False, 6, n + 1, pdu[6:] + b"\x00")],
         "expect": {"error": {"kind": "conflict", "fragment": 1}}},
        {"name": "nl-type-changes", "fragments": [frag(0, 7, True, 0, n, pdu[:6]), frag(2, 7, False, 6, n, pdu[6:])],
         "expect": {"error": {"kind": "conflict", "fragment": 1}}},
        {"name": "capacity", "capacity": 8, "fragments": [frag(0, 7, True, 0, n, pdu[:4])],
         "expect": {"error": {"kind": "capacity", "fragment": 0}}},
    ]
    for c in cases:
        c["name"] = f"wpa-l/reassembly/{c['name']}"
        c["source"] = src
    return cases


# --- tshark and scapy --------------------------------------------------------------------------

FIELDS = ["frame.number", "wpan.frame_type", "wpan.security", "wpan.pending", "wpan.ack_request",
          "wpan.pan_id_compression", "wpan.seqno_suppression", "wpan.ie_present", "wpan.dst_addr_mode",
          "wpan.version", "wpan.src_addr_mode", "wpan.seq_no", "wpan.dst_pan", "wpan.dst16", "wpan.dst64",
          "wpan.src_pan", "wpan.src16", "wpan.src64", "wpan.fcs_ok", "wpan.aux_sec.sec_level",
          "wpan.aux_sec.key_id_mode", "wpan.aux_sec.frame_counter", "wpan.aux_sec.key_index",
          "wpan.aux_sec.key_source", "wpan.mic", "wpan.key_number", "data.data", "wpan.cmd", "wpan.beacon_order",
          "wpan.superframe_order", "wpan.cap", "wpan.battery_ext", "wpan.bcn_coord", "wpan.assoc_permit",
          "wpan.gts.count", "wpan.gts.permit", "wpan.pending16", "wpan.pending64", "wpan.header_ie.id",
          "wpan.payload_ie.id", "_ws.expert.message"]
OFF = []
for h in ("6lowpan_wlan", "zbee_nwk_wpan", "zbee_nwk_gp_wlan", "lwm_wlan", "zbee_wpan_beacon", "zbip_wpan_beacon",
          "thread_wlan_beacon"):
    OFF += ["--disable-heuristic", h]


def tshark(frames, link, options=()):
    with tempfile.TemporaryDirectory() as d:
        txt, pcap = Path(d) / "in.txt", Path(d) / "out.pcap"
        txt.write_text("".join("0000 " + " ".join(f"{b:02x}" for b in f) + "\n" for f in frames))
        subprocess.run(["text2pcap", "-q", "-l", str(link), str(txt), str(pcap)], check=True, capture_output=True)
        args = ["tshark", "-n", "-r", str(pcap), "-o", "wpan.fcs_format:16", *OFF, *options, "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in FIELDS:
            args += ["-e", f]
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return [dict(zip(FIELDS, line.split("|"))) for line in out.splitlines()]


def check_row(c, row):
    name = c["name"]
    f = c["expect"]["frame"]
    t = c["_tshark"]

    def eq(field, want):
        assert row[field] == want, (name, field, row[field], want)

    eq("wpan.frame_type", f"0x{f['frame_type']:04x}")
    for field, key in (("wpan.security", "security"), ("wpan.pending", "frame_pending"),
                       ("wpan.ack_request", "ack_request"), ("wpan.pan_id_compression", "pan_id_compression"),
                       ("wpan.seqno_suppression", "seq_suppression"), ("wpan.ie_present", "ie_present")):
        eq(field, "1" if f[key] else "0")
    eq("wpan.dst_addr_mode", f"0x{f['dst_addr_mode']:04x}")
    eq("wpan.src_addr_mode", f"0x{f['src_addr_mode']:04x}")
    eq("wpan.version", str(f["version"]))
    eq("wpan.seq_no", "" if f["seq"] is None else str(f["seq"]))
    eq("wpan.dst_pan", "" if f["dst_pan"] is None else f"0x{f['dst_pan']:04x}")
    eq("wpan.src_pan", "" if f["src_pan"] is None else f"0x{f['src_pan']:04x}")
    for side in ("dst", "src"):
        a = f[f"{side}_addr"]
        if a is None:
            eq(f"wpan.{side}16", "")
        elif ":" in a:
            assert row[f"wpan.{side}64"].split(",")[0] == a, (name, side, row[f"wpan.{side}64"], a)
        else:
            eq(f"wpan.{side}16", a)
    if c["_fcs"]:
        eq("wpan.fcs_ok", "1")
    if "aux_security" in f:
        a = f["aux_security"]
        eq("wpan.aux_sec.sec_level", f"0x{a['level']:02x}")
        eq("wpan.aux_sec.key_id_mode", f"0x{a['key_id_mode']:02x}")
        eq("wpan.aux_sec.frame_counter", str(a["frame_counter"]))
        eq("wpan.aux_sec.key_index", "" if a["key_index"] is None else f"0x{a['key_index']:02x}")
        if a["key_source"] is not None:
            assert int(row["wpan.aux_sec.key_source"], 16) == int(a["key_source"], 16), (name, row)
        eq("wpan.mic", f["mic"])
        if t.get("decrypts"):
            assert row["wpan.key_number"] != "", (name, "tshark did not decrypt", row["_ws.expert.message"])
    if "data" in t:
        # The payload is the last data.data (a vendor IE's octets come before it).
        assert row["data.data"].split(",")[-1] == t["data"], (name, row["data.data"], t["data"])
    if "beacon" in f and f["version"] < 2:
        b = f["beacon"]
        if "beacon_order" in b:
            eq("wpan.beacon_order", str(b["beacon_order"]))
            eq("wpan.superframe_order", str(b["superframe_order"]))
            eq("wpan.cap", str(b["final_cap_slot"]))
            eq("wpan.battery_ext", "1" if b["battery_life_extension"] else "0")
            eq("wpan.bcn_coord", "1" if b["pan_coordinator"] else "0")
            eq("wpan.assoc_permit", "1" if b["association_permit"] else "0")
            eq("wpan.gts.permit", "1" if b["gts_permit"] else "0")
        if "gts_count" in t:
            eq("wpan.gts.count", str(t["gts_count"]))
            eq("wpan.pending16", t["pending16"])
            eq("wpan.pending64", t["pending64"])
    if "cmd" in t:
        eq("wpan.cmd", f"0x{t['cmd']:02x}")
    if "header_ies" in f:
        eq("wpan.header_ie.id", ",".join(f"0x{i['id']:04x}" for i in f["header_ies"]))
    if "payload_ies" in f:
        eq("wpan.payload_ie.id", ",".join(f"0x{i['id']:04x}" for i in f["payload_ies"]))


def verify(cases):
    """tshark must read every valid frame as its vector says; negative cases where it can tell."""
    for fcs, link in ((True, 195), (False, 230)):
        group = [c for c in cases if c["_fcs"] == fcs]
        keyed = {}
        plain = []
        for c in group:
            t = c["_tshark"]
            if "key" in t:
                keyed.setdefault((t["key"], t["index"], t.get("address")), []).append(c)
            else:
                plain.append(c)
        batches = [((), plain)]
        for (key, index, address), cs in keyed.items():
            opts = ["-o", f'uat:ieee802154_keys:"{key}","{index}","No hash"']
            if address:
                opts += ["-o", f"uat:802154_addresses:{address}"]
            batches.append((opts, cs))
        for opts, cs in batches:
            if not cs:
                continue
            rows = tshark([bytes.fromhex(c["hex"].replace(" ", "")) for c in cs], link, opts)
            assert len(rows) == len(cs)
            for c, row in zip(cs, rows):
                t = c["_tshark"]
                if "error" in c["expect"]:
                    if "fcs_ok" in t:
                        assert row["wpan.fcs_ok"] == t["fcs_ok"], (c["name"], row)
                    if "expert" in t:
                        assert t["expert"] in row["_ws.expert.message"], (c["name"], row["_ws.expert.message"])
                else:
                    check_row(c, row)


def verify_scapy(cases):
    """scapy's Dot15d4FCS must read the same header fields and FCS of every unsecured 2003/2006 frame."""
    from scapy.config import conf
    from scapy.layers.dot15d4 import Dot15d4FCS
    conf.dot15d4_protocol = "sixlowpan"
    n = 0
    for c in cases:
        f = c["expect"].get("frame")
        if not f or not c["_fcs"] or f["version"] > 1 or f["security"]:
            continue
        data = bytes.fromhex(c["hex"].replace(" ", ""))
        p = Dot15d4FCS(data)
        assert p.fcf_frametype == f["frame_type"] and p.fcf_framever == f["version"], c["name"]
        assert (p.fcf_destaddrmode, p.fcf_srcaddrmode) == (f["dst_addr_mode"], f["src_addr_mode"]), c["name"]
        assert bool(p.fcf_panidcompress) == f["pan_id_compression"] and bool(p.fcf_ackreq) == f["ack_request"]
        assert p.seqnum == f["seq"], c["name"]
        assert p.fcs == f["fcs"] and p.compute_fcs(data[:-2]) == data[-2:], c["name"]
        n += 1
    return n


def strip(cases):
    return [{k: v for k, v in c.items() if not k.startswith("_")} for c in cases]


def main():
    check = "--check" in sys.argv
    cases = (addressing_cases() + table_2015_cases() + beacon_cases() + command_cases() + wpal_cases()
             + security_cases() + negative_cases())
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate vector names"
    verify(cases)
    scapy_checked = verify_scapy(cases)
    outputs = [(OUT, strip(cases)), (OUT_REASSEMBLY, reassembly_cases())]
    stale = []
    for path, data in outputs:
        text = json.dumps(data, indent=1) + "\n"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print(f"out of date: {', '.join(map(str, stale))}; run tools/vectors/wpan.py", file=sys.stderr)
        sys.exit(1)
    if not check:
        print(f"{OUT}: {len(cases)} vectors (tshark agrees on every valid frame; scapy on {scapy_checked}); "
              f"{OUT_REASSEMBLY}: {len(outputs[1][1])} cases")


if __name__ == "__main__":
    main()
