#!/usr/bin/env python3
"""Generate conformance-vectors/epa-s.json: EPA-S v1 frames for every service, request and response
where the profile defines one, on raw Ethernet (EtherType 0x88CB, with and without an 802.1Q tag)
and on Ethernet/IPv4/UDP (port 35004, with and without IPv4 options), every data type, and the
negative cases.

    pip install scapy==2.6.1      # and tshark (Debian package)
    python3 tools/vectors/epa.py            # rewrites conformance-vectors/epa-s.json
    python3 tools/vectors/epa.py --check    # fails if the committed file differs

The EPA-S messages are assembled here with `struct` from the tables of docs/profiles/epa-s.md, and
the expected fields and points come from the same inputs. The carriers are built by scapy, which
computes the IPv4 and UDP lengths and checksums; every frame is then read back by tshark with
checksum verification on: valid frames must show good IPv4 and UDP checksums, the 802.1Q fields
and EtherType given, and the negative checksum cases bad ones.
"""
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from fieldbus import TS, TS_ISO, value_fields, values
from scapy.all import IP, UDP, Dot1Q, Ether, IPOption_Router_Alert, Raw, wrpcap

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "conformance-vectors" / "epa-s.json"
PROFILE = "EPA-S v1 profile (docs/profiles/epa-s.md)"
SCAPY = "scapy 2.6.1"
PORT = 35004
SRC_MAC, DST_MAC = "02:00:00:00:00:02", "02:00:00:00:00:01"

# --- the profile's tables ---------------------------------------------------------------------


def header(service, body, msg_id=7, src=0x0020, dst=0x0010, obj=0x0101, flags=0):
    return struct.pack(">BBBBHHHHH", 0xE1, service, flags, 0, len(body), msg_id, src, dst, obj) + body


def typed(code, raw):
    return struct.pack(">BH", code, len(raw)) + raw


VALUES = values(">")


# --- carriers ---------------------------------------------------------------------------------


def raw_frame(message, vlan=None):
    eth = Ether(src=SRC_MAC, dst=DST_MAC)
    if vlan is not None:
        return bytes(eth / Dot1Q(prio=vlan[0], vlan=vlan[1], type=0x88CB) / Raw(message))
    eth.type = 0x88CB
    return bytes(eth / Raw(message))


def udp_frame(message, vlan=None, options=False, sport=50000, dport=PORT):
    ip = IP(src="192.168.0.20", dst="192.168.0.10", id=0x1234, ttl=64, flags="DF")
    if options:
        ip.options = [IPOption_Router_Alert()]
    layers = Ether(src=SRC_MAC, dst=DST_MAC)
    if vlan is not None:
        layers = layers / Dot1Q(prio=vlan[0], vlan=vlan[1])
    return bytes(layers / ip / UDP(sport=sport, dport=dport) / Raw(message))


def padded(frame):
    return frame + bytes(max(0, 60 - len(frame)))


def carrier_fields(kind, vlan=None, options=False, sport=50000, dport=PORT):
    f = {"eth": {"dst": DST_MAC, "src": SRC_MAC, "ethertype": 0x88CB if kind == "raw" else 0x0800}}
    if vlan is not None:
        f["vlan"] = {"pcp": vlan[0], "dei": False, "vid": vlan[1]}
    if kind == "udp":
        f["ipv4"] = {"src": "192.168.0.20", "dst": "192.168.0.10", "ttl": 64, "id": 0x1234,
                     "dont_fragment": True, "protocol": 17}
        if options:
            f["ipv4"]["options"] = "94040000"
        f["udp"] = {"src_port": sport, "dst_port": dport}
    return f


# --- cases ------------------------------------------------------------------------------------

def header_fields(service, body, msg_id=7, src=0x0020, dst=0x0010, obj=0x0101, flags=0):
    return {"profile": 0xE1, "service": service, "response": service >= 0x80, "flags": flags,
            "confirmed": bool(flags & 1), "error": bool(flags & 2), "more": bool(flags & 4),
            "priority": flags >> 5, "body_len": len(body), "msg_id": msg_id, "src_app": src,
            "dst_app": dst, "dst_obj": obj}


def services():
    """(name, service, flags, body octets, expected body JSON, points or None, header overrides)."""
    f32 = struct.pack(">f", 12.5)
    ts = struct.pack(">Q", TS)
    dist = struct.pack(">HBB", 2, 8, 0xC0) + ts + struct.pack(">H", 4) + f32
    dist_uncertain = struct.pack(">HBB", 3, 4, 0x41) + ts + struct.pack(">H", 4) + struct.pack(">i", -7)
    event = struct.pack(">HH", 5, 9) + ts + typed(9, b"HIGH")
    return [
        ("read-request", 0x01, 0x01, struct.pack(">H", 2), {"attr": 2}, None, {}),
        ("read-response", 0x81, 0x00, b"\x00" + typed(8, f32),
         {"status": 0, "status_name": "success", **value_fields(8, f32, 12.5)}, [], {}),
        ("read-response-negative", 0x81, 0x02, b"\x02", {"status": 2, "status_name": "attribute_unknown"}, [], {}),
        ("write-request", 0x02, 0x01, struct.pack(">H", 7) + typed(6, b"\x01\x02"),
         {"attr": 7, **value_fields(6, b"\x01\x02", 0x0102)}, None, {}),
        ("write-response", 0x82, 0x00, b"\x00", {"status": 0, "status_name": "success"}, None, {}),
        ("distribute", 0x03, 0xC0, dist, {"attr": 2, "quality": 0xC0, "ts_ns": TS, **value_fields(8, f32, 12.5)},
         [{"device": "epa:app=0x0020", "address": "obj=0x0010/attr=2", "value": 12.5, "value_type": "float",
           "quality": {"severity": "good", "code": 0xC0}, "timestamp": TS_ISO}],
         {"dst": 0xFFFF, "obj": 0x0010}),
        ("distribute-uncertain", 0x03, 0xC0, dist_uncertain,
         {"attr": 3, "quality": 0x41, "ts_ns": TS, **value_fields(4, struct.pack(">i", -7), -7)},
         [{"device": "epa:app=0x0020", "address": "obj=0x0010/attr=3", "value": -7,
           "quality": {"severity": "uncertain", "code": 0x41}}],
         {"dst": 0xFFFF, "obj": 0x0010}),
        ("event-notify", 0x04, 0x81, event,
         {"event_id": 5, "event_seq": 9, "ts_ns": TS, **value_fields(9, b"HIGH", "HIGH")},
         [{"device": "epa:app=0x0020", "address": "obj=0x0101/event=5", "value": "HIGH", "timestamp": TS_ISO}], {}),
        ("event-ack", 0x05, 0x00, struct.pack(">HH", 5, 9), {"event_id": 5, "event_seq": 9}, None, {}),
        ("domain-download", 0x06, 0x05, struct.pack(">HHH", 3, 0, 4) + b"\xde\xad\xbe\xef",
         {"domain_id": 3, "block_seq": 0, "block_len": 4, "data": "deadbeef"}, None, {}),
        ("domain-upload-last", 0x07, 0x00, struct.pack(">HHH", 3, 1, 2) + b"\x00\x01",
         {"domain_id": 3, "block_seq": 1, "block_len": 2, "data": "0001"}, None, {}),
        ("np-announce", 0x10, 0x80, struct.pack(">BH", 4, 256), {"priority": 4, "pending_octets": 256}, None, {}),
        ("np-end", 0x11, 0x80, b"", {}, None, {}),
        ("device-announce", 0x20, 0x00, b"\x06FT-101", {"tag_len": 6, "tag": "FT-101"}, None, {"dst": 0xFFFF}),
        ("find-tag", 0x21, 0x01, b"\x06FT-101", {"tag_len": 6, "tag": "FT-101"}, None, {"dst": 0xFFFF}),
        ("get-device-attr", 0x22, 0x01, struct.pack(">H", 1), {"attr": 1}, None, {}),
        ("get-device-attr-response", 0xA2, 0x00, b"\x00" + typed(9, b"EPA-DEV"),
         {"status": 0, **value_fields(9, b"EPA-DEV", "EPA-DEV")}, None, {}),
        ("set-device-attr", 0x23, 0x01, struct.pack(">H", 1) + typed(5, b"\x03"),
         {"attr": 1, **value_fields(5, b"\x03", 3)}, None, {}),
        ("set-device-attr-response", 0xA3, 0x02, b"\x04", {"status": 4, "status_name": "access_denied"}, None, {}),
        ("unknown-service", 0x55, 0x00, b"\x01\x02\x03", {"data": "010203"}, None, {}),
        ("unknown-response", 0x83, 0x00, b"\x09", {"data": "09"}, None, {}),
    ]


def case(name, data, fields, points=None, source="", reencode=True):
    c = {"name": f"epa-s/{name}", "protocol": "epa-s", "hex": " ".join(f"{b:02x}" for b in data),
         "source": source or f"{PROFILE}: message assembled from its tables; carrier built by {SCAPY}, "
                             "checksums and 802.1Q fields verified by tshark"}
    if not reencode:
        c["reencode"] = False
    c["expect"] = {"frame": fields}
    if points is not None:
        c["expect"]["points"] = points
    return c


def valid_cases():
    out = []
    doc = bytes.fromhex("02000000000102000000000288cbe1810000000800070020001001010008000441480000")
    out.append(case("profile/read-response-float32-unpadded", doc, {
        "eth": {"dst": "02:00:00:00:00:01", "src": "02:00:00:00:00:02", "ethertype": 0x88CB},
        **header_fields(0x81, b"\x00" * 8, obj=0x0101),
        "body": {"status": 0, **value_fields(8, struct.pack(">f", 12.5), 12.5)}},
        source=f"{PROFILE}, its READ response vector (before padding); re-encoding pads it to 60 octets",
        reencode=False))
    for name, service, flags, body, body_json, points, over in services():
        message = header(service, body, flags=flags, **over)
        hdr = header_fields(service, body, flags=flags, **over)
        variants = [("raw", padded(raw_frame(message)), carrier_fields("raw"))]
        if service in (0x03, 0x81, 0x10):
            variants.append(("raw-vlan", padded(raw_frame(message, vlan=(6, 100))),
                             carrier_fields("raw", vlan=(6, 100))))
        if service in (0x01, 0x81, 0x03, 0x04, 0x06):
            variants.append(("udp", padded(udp_frame(message)), carrier_fields("udp")))
        if service in (0x03, 0x82):
            variants.append(("udp-vlan-options", padded(udp_frame(message, vlan=(4, 7), options=True)),
                             carrier_fields("udp", vlan=(4, 7), options=True)))
        if service == 0x81:
            variants.append(("udp-from-port", padded(udp_frame(message, sport=PORT, dport=40000)),
                             carrier_fields("udp", sport=PORT, dport=40000)))
        for carrier, data, cf in variants:
            out.append(case(f"{carrier}/{name}", data, {**cf, **hdr, "body": body_json}, points))
    for name, code, raw, value, point_value in VALUES:
        body = struct.pack(">H", 9) + typed(code, raw)
        message = header(0x02, body, flags=1)
        fields = {**carrier_fields("raw"), **header_fields(0x02, body, flags=1),
                  "body": {"attr": 9, **value_fields(code, raw, value)}}
        out.append(case(f"raw/type-{name}", padded(raw_frame(message)), fields))
        dist = struct.pack(">HBB", 9, code, 0xC0) + struct.pack(">Q", TS) + struct.pack(">H", len(raw)) + raw
        dmsg = header(0x03, dist, dst=0xFFFF, obj=0x0040)
        point = {"device": "epa:app=0x0020", "address": "obj=0x0040/attr=9", "timestamp": TS_ISO}
        if point_value is not None:
            point["value"] = point_value
        out.append(case(f"raw/distribute-{name}", padded(raw_frame(dmsg)),
                        {**carrier_fields("raw"), **header_fields(0x03, dist, dst=0xFFFF, obj=0x0040),
                         "body": {"attr": 9, "quality": 0xC0, "ts_ns": TS, **value_fields(code, raw, value)}},
                        [point]))
    return out


def negative_cases():
    """Malformed frames derived from valid ones by hand; offsets from the layouts."""
    read = header(0x01, struct.pack(">H", 2), flags=1)
    src = f"{PROFILE} and the carrier RFCs: a valid frame altered by hand, the offset from the layout"
    out = []

    def bad(name, data, kind, offset, layer):
        out.append({"name": f"epa-s/negative/{name}", "protocol": "epa-s",
                    "hex": " ".join(f"{b:02x}" for b in data), "source": src,
                    "expect": {"error": {"kind": kind, "offset": offset, "layer": layer}}})

    frame = bytearray(padded(raw_frame(read)))
    frame[14] = 0xE2
    bad("profile-not-e1", frame, "invalid", 14, "epa-s")
    frame = bytearray(padded(raw_frame(read)))
    frame[18:20] = struct.pack(">H", 60)  # 60 octets of body claimed, 32 there (with padding)
    bad("body-len-past-the-payload", frame, "length", 18, "epa-s")
    frame = bytearray(padded(raw_frame(read)))
    frame[17] = 1
    bad("reserved-octet-set", frame, "invalid", 17, "epa-s")
    frame = bytearray(padded(raw_frame(header(0x81, b"\x02", flags=1))))
    bad("confirmed-response", frame, "invalid", 16, "epa-s")
    frame = bytearray(padded(raw_frame(header(0x02, struct.pack(">H", 1) + typed(4, b"\x00\x01"), flags=1))))
    bad("int32-with-len-2", frame, "length", 33, "epa-s")
    frame = bytearray(padded(raw_frame(header(0x02, struct.pack(">H", 1) + struct.pack(">BH", 6, 3) + b"\x00\x01", flags=1))))
    bad("value-len-past-the-body", frame, "length", 31, "epa-s")
    frame = bytearray(udp_frame(read))
    frame[24] ^= 0xFF  # IPv4 header checksum
    bad("ipv4-checksum", frame, "checksum", 24, "ipv4")
    frame = bytearray(udp_frame(read))
    frame[40] ^= 0xFF  # UDP checksum
    bad("udp-checksum", frame, "checksum", 40, "udp")
    frame = bytearray(udp_frame(read + b"\x00"))  # a trailing octet in the datagram
    bad("udp-payload-longer-than-message", frame, "length", 46, "epa-s")
    bad("vlan-tag-truncated", raw_frame(read, vlan=(6, 100))[:15], "truncated", 14, "vlan")
    stacked = bytes(Ether(src=SRC_MAC, dst=DST_MAC) / Dot1Q(vlan=1) / Dot1Q(vlan=2, type=0x88CB) / Raw(read))
    bad("stacked-vlan-tags", stacked, "unsupported", 16, "vlan")
    frag = bytes(Ether(src=SRC_MAC, dst=DST_MAC) / IP(src="192.168.0.20", dst="192.168.0.10", flags="MF")
                 / UDP(sport=50000, dport=PORT) / Raw(read))
    bad("ipv4-fragment", frag, "unsupported", 20, "ipv4")
    frame = bytearray(padded(raw_frame(read)))
    frame[12:14] = b"\x86\xdd"
    bad("ethertype-not-epa", frame, "unsupported", 12, "ethernet")
    bad("header-truncated", raw_frame(read)[:20], "truncated", 20, "epa-s")
    return out


# --- tshark ----------------------------------------------------------------------------------

def tshark_fields(frames):
    with tempfile.TemporaryDirectory() as d:
        pcap = Path(d) / "epa.pcap"
        wrpcap(str(pcap), [Ether(f) for f in frames])
        fields = ["frame.number", "eth.type", "vlan.priority", "vlan.id", "vlan.etype",
                  "ip.checksum.status", "udp.checksum.status", "udp.dstport"]
        args = ["tshark", "-r", str(pcap), "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|"]
        for f in fields:
            args += ["-e", f]
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rows = [line.split("|") for line in out.splitlines()]
    return [dict(zip(fields, r)) for r in rows]


def verify(cases):
    """tshark must see what each vector says its carriers are (good = 1, bad = 0)."""
    frames = [bytes.fromhex(c["hex"]) for c in cases]
    for c, row in zip(cases, tshark_fields(frames)):
        want = c["expect"].get("frame", {})
        err = c["expect"].get("error", {})
        if "vlan" in want:
            assert row["vlan.priority"].split(",")[0] == str(want["vlan"]["pcp"]), (c["name"], row)
            assert row["vlan.id"].split(",")[0] == str(want["vlan"]["vid"]), (c["name"], row)
        if "ipv4" in want:
            assert row["ip.checksum.status"] == "1" and row["udp.checksum.status"] == "1", (c["name"], row)
            assert int(row["udp.dstport"]) == want["udp"]["dst_port"], (c["name"], row)
        elif "eth" in want:
            ethertype = row["vlan.etype"] if "vlan" in want else row["eth.type"]
            assert int(ethertype.split(",")[-1], 16) == 0x88CB, (c["name"], row)
        if err.get("layer") == "ipv4" and err["kind"] == "checksum":
            assert row["ip.checksum.status"] == "0", (c["name"], row)
        if err.get("layer") == "udp" and err["kind"] == "checksum":
            assert row["udp.checksum.status"] == "0", (c["name"], row)


def main():
    check = "--check" in sys.argv
    cases = valid_cases() + negative_cases()
    verify(cases)
    text = json.dumps(cases, indent=1) + "\n"
    if check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date; run tools/vectors/epa.py", file=sys.stderr)
            sys.exit(1)
        return
    OUT.write_text(text)
    print(f"{OUT}: {len(cases)} vectors (tshark agrees on every carrier)")


if __name__ == "__main__":
    main()
