#!/usr/bin/env python3
"""Seed each fuzz target's corpus from conformance-vectors/ (and the bundled samples).

    python3 tools/fuzz_seeds.py    # writes fuzz/corpus/<target>/<vector name>
"""
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "fuzz" / "corpus"


def vectors():
    for f in sorted((ROOT / "conformance-vectors").glob("*.json")):
        for case in json.loads(f.read_text()):
            yield case["protocol"], bytes.fromhex("".join(case["hex"].split()))


def mhr_len(frame):
    """The MAC header length of an unsecured 802.15.4 frame without IEs (IEEE 802.15.4-2006
    §7.2.1, 802.15.4-2015 Table 7-2), or None."""
    fcf = int.from_bytes(frame[:2], "little")
    version, dm, sm, comp = (fcf >> 12) & 3, (fcf >> 10) & 3, (fcf >> 14) & 3, bool(fcf & 0x40)
    if fcf & 0x0208 or version == 3:
        return None
    size = {0: 0, 2: 2, 3: 8}
    if version < 2:
        dpp, spp = dm != 0, sm != 0 and not (comp and dm != 0)
    elif dm and sm:
        both_ext = dm == 3 and sm == 3
        dpp, spp = not (comp and both_ext), not comp and not both_ext
    elif dm or sm:
        dpp, spp = bool(dm) and not comp, bool(sm) and not comp
    else:
        dpp, spp = comp, False
    seq = 0 if (version == 2 and fcf & 0x100) else 1
    return 2 + seq + 2 * dpp + size.get(dm, 0) + 2 * spp + size.get(sm, 0)


def seed(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def main():
    for protocol, data in vectors():
        seed("frames", data)
        seed("deframers", bytes([7]) + data + data)
        if protocol == "mbus" and len(data) > 9 and data[0] == 0x68:
            seed("mbus_records", data[7 + 12:-2] if data[6] in (0x72, 0x76) else data[7:-2])
        if protocol == "mbus" and len(data) < 256:
            # Read a meter: transmit SND_NKE, ACK, transmit REQ_UD2, the telegram, transmit.
            seed("mbus_master", bytes([1, 2, 0, 3, 1, 0xE5, 0, 3, len(data)]) + data + bytes([0]))
        if protocol == "epa-s":
            # The EPA-S message: after Ethernet (+ 802.1Q), or after IPv4 and UDP.
            at = 18 if data[12:14] == b"\x81\x00" else 14
            if data[at - 2:at] == b"\x08\x00":
                at += (data[at] & 0x0F) * 4 + 8
            message = data[at:]
            if len(message) >= 14:
                seed("epa_body", message[:14 + int.from_bytes(message[4:6], "big")])
            seed("carriers", data)
        if protocol in ("wpan", "wpan-no-fcs"):
            seed("wpan_mac", data)
            seed("wpan_secured", data)
            n = mhr_len(data)
            body = data[n:-2] if protocol == "wpan" else data[n:] if n else b""
            if n and data[0] & 7 == 1 and body:
                seed("wpal", body)
        if protocol.startswith("modbus"):
            pdu = {"modbus-tcp": data[7:], "modbus-rtu": data[1:-2], "modbus-rtu-over-tcp": data[1:-2]}.get(protocol)
            if pdu:
                seed("modbus_pdu_roundtrip", pdu)
                seed("modbus_map", bytes([0, 9, 1, 3, 4, 4, 0x21, 5]) + pdu[1:])
    for s in ["modbus:unit=17/holding:0", "mbus:id=12345678,man=LUG,ver=2,med=heat/rec:3",
              "wpan:pan=0x1234,short=0x0102/uao:1/attr:2", "epa:app=0x0020/obj=0x0010/attr=2",
              "-0.05", "1.234e-3", "2024-03-01T12:30:05.000000123Z"]:
        seed("canonical_strings", s.encode())
    seed("reassembly", bytes([0, 12, 0, 0, 4, 4, 9, 0, 0, 4, 9, 0, 8, 4, 1, 0]))
    seed("epa_domain", bytes([0, 0x83, 7, 0, 0x83, 7, 1, 0x82, 8, 2, 0x01, 9]))
    seed("wpal_reassembly", bytes([11, 6, 6, 0x41, 0, 6, 0x48, 4, 4, 1]))
    # translate: op (low nibble: what, high nibble: minutes / 2 later), length, bytes.
    steps = {"mbus": 0, "wpan": 3, "wpan-no-fcs": 4, "modbus-tcp": 5, "modbus-rtu": 6,
             "modbus-ascii": 7}
    for protocol, data in vectors():
        op = 2 if protocol == "epa-s" else steps.get(protocol)
        if op is not None and len(data) < 256:
            # The frame, then a read of the whole holding image and a publish.
            read = bytes.fromhex("000100000006010300000004")
            seed("translate", bytes([op, len(data)]) + data + bytes([5, len(read)]) + read + b"\x0a\x00")
    seed("wpan_secured", bytes([0x2D, 1, 0, 0, 0]) + bytes.fromhex("0000010002010005010102080400004841"))
    pcap = ROOT / "samples" / "modbus-tcp.pcap"
    if pcap.exists():
        raw = pcap.read_bytes()[24:]
        while len(raw) >= 16:
            n = int.from_bytes(raw[8:12], "little")
            seed("carriers", raw[16:16 + n])
            raw = raw[16 + n:]


if __name__ == "__main__":
    main()
