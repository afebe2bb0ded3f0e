"""EPA-S from Python: typed frames, points, domain reassembly, the macrocycle check, and carriers
that agree with scapy (an independent implementation of Ethernet, 802.1Q, IPv4 and UDP) in both
directions."""

from __future__ import annotations

import pickle
import random
import struct
from typing import Any

import pytest
from scapy.all import IP, UDP, Dot1Q, Ether, Raw

import causeway
from causeway import epa

TS = 1_767_225_600_123_456_789


def message(service: int, body: bytes, flags: int = 0, msg_id: int = 7, src: int = 0x20,
            dst: int = 0x10, obj: int = 0x0101) -> bytes:
    """An EPA-S message from the profile's header table (14 octets, big-endian)."""
    return struct.pack(">BBBBHHHHH", 0xE1, service, flags, 0, len(body), msg_id, src, dst, obj) + body


def raw(msg: bytes, vlan: tuple[int, int] | None = None) -> bytes:
    eth = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
    layers = eth / Dot1Q(prio=vlan[0], vlan=vlan[1], type=0x88CB) if vlan else eth
    if not vlan:
        eth.type = 0x88CB
    frame = bytes(layers / Raw(msg))
    return frame + bytes(max(0, 60 - len(frame)))


def distribute(attr: int, f32: float, app: int = 0x20) -> bytes:
    body = struct.pack(">HBBQH", attr, 8, 0xC0, TS, 4) + struct.pack(">f", f32)
    return message(0x03, body, src=app, dst=0xFFFF, obj=0x0010)


def test_frame_attributes_and_points() -> None:
    f = causeway.decode("epa-s", raw(distribute(2, 12.5), vlan=(6, 100)))
    assert isinstance(f, epa.Frame)
    assert (f.carrier, f.vlan, f.eth_dst, f.eth_src) == ("raw", (6, False, 100), "02:00:00:00:00:01", "02:00:00:00:00:02")
    assert (f.service, f.service_name, f.is_response, f.msg_id, f.src_app, f.dst_app, f.dst_obj) == (
        3, "DISTRIBUTE", False, 7, 0x20, 0xFFFF, 0x10)
    assert f.value == 12.5 and f.body["quality"] == 0xC0 and f.body["ts_ns"] == TS
    (p,) = f.points()
    assert (p.id, p.value, p.quality, p.quality_code) == ("epa:app=0x0020/obj=0x0010/attr=2", 12.5, "good", 0xC0)
    assert p.timestamp.isoformat() == "2026-01-01T00:00:00.123456+00:00"
    assert pickle.loads(pickle.dumps(f)) == f


def test_read_response_points_come_with_the_request() -> None:
    req = causeway.decode("epa-s", raw(message(0x01, struct.pack(">H", 2), flags=1)))
    resp = causeway.decode("epa-s", raw(message(0x81, b"\x00" + struct.pack(">BH", 6, 2) + b"\x01\x02")))
    assert list(resp.points()) == []
    (p,) = resp.points(request=req)
    assert (p.id, p.value) == ("epa:app=0x0010/obj=0x0101/attr=2", 0x0102)
    other = causeway.decode("epa-s", raw(message(0x81, b"\x02", msg_id=8)))
    with pytest.raises(ValueError, match="msg_id"):
        other.points(request=req)


def test_udp_port_is_configurable() -> None:
    frame = bytes(Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1000, dport=40000)
                  / Raw(message(0x11, b"", flags=0x80)))
    with pytest.raises(causeway.DecodeError) as e:
        causeway.decode("epa-s", frame)
    assert (e.value.layer, e.value.kind) == ("udp", "unsupported")
    f = causeway.decode("epa-s", frame, port=40000)
    assert f.udp == (("10.0.0.1", 1000), ("10.0.0.2", 40000)) and f.service_name == "NP_END"
    assert pickle.loads(pickle.dumps(f)) == f
    with pytest.raises(ValueError, match="port"):
        causeway.decode("mbus", b"\xe5", port=1)


def block(seq: int, data: bytes, more: bool) -> bytes:
    return raw(message(0x06, struct.pack(">HHH", 3, seq, len(data)) + data, flags=0x04 if more else 0))


def test_domain_transfer() -> None:
    t = epa.DomainTransfer(0x20, 0x10, 3, capacity=8)
    assert t.push(block(0, b"abc", True)) is None
    assert t.push(causeway.decode("epa-s", block(0, b"abc", True))) is None  # a retransmission
    with pytest.raises(causeway.DecodeError) as gap:
        t.push(block(2, b"z", False))
    assert (gap.value.layer, gap.value.field) == ("reassembly", "block_seq")
    with pytest.raises(causeway.DecodeError) as full:
        t.push(block(1, b"123456", False))
    assert full.value.kind == "capacity"
    assert (t.blocks, t.assembled) == (1, 3)
    assert t.push(block(1, b"de", False)) == b"abcde"
    with pytest.raises(ValueError):
        t.push(raw(distribute(1, 1.0)))


def test_macrocycle_check() -> None:
    cycle = epa.Macrocycle.from_toml(
        "cycle_ns = 10_000_000\n[non_periodic]\noffset_ns = 6_000_000\nlength_ns = 4_000_000\n"
        "[[device]]\napp = 0x20\noffset_ns = 0\nslot_ns = 1_000_000\n"
    )
    assert cycle.problems() == []
    announce = raw(message(0x10, struct.pack(">BH", 4, 10), src=0x21))
    end = raw(message(0x11, b"", src=0x21))
    found = cycle.check([
        (500_000, raw(distribute(1, 1.0))),
        (2_500_000, raw(distribute(1, 1.0))),
        (6_100_000, announce),
        (6_200_000, end),
        (6_300_000, end),
    ])
    assert [v["violation"] for v in found] == ["outside_slot", "end_without_announce"]
    assert found[0] == {"violation": "outside_slot", "app": 0x20, "at_ns": 2_500_000, "phase_ns": 2_500_000,
                        "slot": {"offset_ns": 0, "length_ns": 1_000_000}}
    bad = epa.Macrocycle.from_toml("cycle_ns = 10\n[non_periodic]\noffset_ns = 5\nlength_ns = 10\n")
    assert bad.problems() and "does not fit" in bad.problems()[0]
    with pytest.raises(ValueError):
        epa.Macrocycle.from_toml("cycle_ns = 'ten'")


# --- carriers against scapy ----------------------------------------------------------------------

def random_message(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return distribute(rng.randrange(0x10000), rng.choice([12.5, -0.25, 1e6]), app=rng.randrange(0x10000))
    if kind == 1:
        return message(0x01, struct.pack(">H", rng.randrange(0x10000)), flags=1, msg_id=rng.randrange(0x10000))
    if kind == 2:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
        return message(0x06, struct.pack(">HHH", 1, rng.randrange(100), len(data)) + data, flags=4)
    return message(0x20, bytes([5]) + b"TAG-1")


def test_scapy_reads_what_causeway_builds() -> None:
    rng = random.Random(88)
    for _ in range(300):
        msg = random_message(rng)
        f = causeway.decode("epa-s", raw(msg))
        fields = f.fields
        vlan = rng.choice([None, {"pcp": rng.randrange(8), "dei": rng.random() < 0.5, "vid": rng.randrange(4096)}])
        if vlan:
            fields["vlan"] = vlan
        sport = rng.randrange(1, 0x10000)
        fields["eth"]["ethertype"] = 0x0800
        fields["ipv4"] = {"src": "172.16.0.1", "dst": "172.16.0.2", "tos": rng.randrange(256), "id": rng.randrange(0x10000),
                          "ttl": rng.randrange(1, 256), "dont_fragment": rng.random() < 0.5}
        if rng.random() < 0.3:
            fields["ipv4"]["options"] = "94040000"  # Router Alert
        fields["udp"] = {"src_port": sport, "dst_port": 35004, "checksum": rng.choice([0, 1])}
        built = causeway.encode("epa-s", fields)
        pkt = Ether(built)
        ip, udp = pkt[IP], pkt[UDP]
        # scapy recomputes lengths and checksums when they are deleted: they must come back the same.
        again = pkt.copy()
        del again[IP].chksum, again[IP].len, again[UDP].len
        if udp.chksum:
            del again[UDP].chksum
        again = Ether(bytes(again))
        assert (ip.chksum, ip.len, udp.len, udp.chksum) == (again[IP].chksum, again[IP].len, again[UDP].len, again[UDP].chksum)
        assert bytes(udp.payload)[: len(msg)] == msg and udp.sport == sport and udp.dport == 35004
        if vlan:
            tag = pkt[Dot1Q]
            assert (tag.prio, tag.dei, tag.vlan) == (vlan["pcp"], int(vlan["dei"]), vlan["vid"])
        assert causeway.decode("epa-s", built).fields["body"] == f.fields["body"]


def test_causeway_reads_what_scapy_builds() -> None:
    rng = random.Random(89)
    for _ in range(300):
        msg = random_message(rng)
        layers: Any = Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b")
        vid = rng.choice([None, rng.randrange(4096)])
        if vid is not None:
            layers = layers / Dot1Q(prio=rng.randrange(8), vlan=vid)
        ip = IP(src="10.1.2.3", dst="10.3.2.1", ttl=rng.randrange(1, 256), id=rng.randrange(0x10000), tos=rng.randrange(256))
        frame = bytes(layers / ip / UDP(sport=rng.randrange(1, 0x10000), dport=35004) / Raw(msg))
        pkt = Ether(frame)
        f = causeway.decode("epa-s", frame).fields
        assert f["ipv4"]["checksum"] == pkt[IP].chksum and f["ipv4"]["ttl"] == pkt[IP].ttl
        assert f["ipv4"]["id"] == pkt[IP].id and f["ipv4"]["tos"] == pkt[IP].tos
        assert f["udp"] == {"src_port": pkt[UDP].sport, "dst_port": 35004, "length": pkt[UDP].len, "checksum": pkt[UDP].chksum}
        if vid is not None:
            assert f["vlan"]["vid"] == pkt[Dot1Q].vlan and f["vlan"]["pcp"] == pkt[Dot1Q].prio
        assert causeway.encode("epa-s", f) == frame + bytes(max(0, 60 - len(frame)))
