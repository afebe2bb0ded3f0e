"""IEEE 802.15.4 and WPA-L from Python: frames, keys, points, reassembly (the multi-frame
vectors), and a differential test against scapy's independent 802.15.4 implementation in both
directions: thousands of random frames of every frame type, addressing combination and security
header built by scapy and read by causeway, and built by causeway and read by scapy.

scapy 2.6.1 cannot carry an auxiliary security header inside its frame layers (its condition on
the security bit never holds), always puts a destination PAN in data and command frames, and has
no GTS descriptor fields. So secured frames are built and read with its standalone
``Dot15d4AuxSecurityHeader`` around its MAC layers, data and command frames have a destination
address, and beacons have no GTS descriptors; causeway's own vectors (checked with tshark) cover
the rest.
"""

from __future__ import annotations

import json
import pickle
import random
import struct
from typing import Any

import pytest
from scapy.config import conf

conf.dot15d4_protocol = "sixlowpan"
from scapy.layers.dot15d4 import (  # noqa: E402
    Dot15d4AuxSecurityHeader,
    Dot15d4Beacon,
    Dot15d4Cmd,
    Dot15d4CmdAssocReq,
    Dot15d4CmdAssocResp,
    Dot15d4CmdCoordRealign,
    Dot15d4CmdDisassociation,
    Dot15d4CmdGTSReq,
    Dot15d4Data,
    Dot15d4FCS,
)
from scapy.packet import Raw  # noqa: E402

import causeway  # noqa: E402
from causeway import wpan  # noqa: E402
from conftest import ROOT  # noqa: E402

# docs/profiles/wpa-l.md: PUBLISH from 0x0102 (UAO 1) to 0x0001, attr 2, FLOAT32 12.5.
PUBLISH = bytes.fromhex("61982a3412010002010000010002010005010102080400004841523f")
KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def test_the_profile_publish() -> None:
    f = causeway.decode("wpan", PUBLISH)
    assert isinstance(f, wpan.Frame)
    assert (f.frame_type, f.frame_type_name, f.version, f.seq) == (1, "data", 1, 42)
    assert (f.dst_pan, f.dst_addr, f.src_pan, f.src_addr, f.pan) == (0x1234, "0x0001", None, "0x0102", 0x1234)
    assert (f.secured, f.decrypted, f.fcs, f.mic) == (False, False, 0x3F52, b"")
    assert f.wpal is not None and f.wpal["asl"]["service_name"] == "PUBLISH"
    (p,) = f.points()
    assert (p.id, p.value, p.quality) == ("wpan:pan=0x1234,short=0x0102/uao:1/attr:2", 12.5, "good")
    assert pickle.loads(pickle.dumps(f)) == f
    assert causeway.encode("wpan", f.fields) == PUBLISH
    # Without the FCS the same octets are another frame.
    g = causeway.decode("wpan-no-fcs", PUBLISH[:-2])
    assert g.protocol == "wpan-no-fcs" and g.fcs is None and g.wpal == f.wpal
    with pytest.raises(causeway.ChecksumError) as e:
        causeway.decode("wpan", PUBLISH[:-1] + b"\x00")
    assert (e.value.layer, e.value.offset, e.value.expected) == ("ieee802154", 26, 0x3F52)


def test_secured_frames_need_their_key() -> None:
    store = wpan.KeyStore()
    store.add(KEY, key_index=1)
    assert len(store) == 1
    fields = causeway.decode("wpan", PUBLISH).fields
    fields.update(security=True, src_addr="00:11:22:33:44:55:66:77", decrypted=True,
                  aux_security={"level": 5, "key_id_mode": 1, "frame_counter": 9, "key_index": 1})
    data = causeway.encode("wpan", fields, keys=store)
    with pytest.raises(causeway.EncodeError):
        causeway.encode("wpan", fields)
    f = causeway.decode("wpan", data, keys=store)
    assert (f.secured, f.decrypted, len(f.mic)) == (True, True, 4)
    assert f.payload == PUBLISH[9:-2] and f.wpal is not None
    assert [p.value for p in f.points()] == [12.5]
    # Pickled with its clear payload: no key needed to restore it.
    assert pickle.loads(pickle.dumps(f)).wpal == f.wpal
    # Without a key: the payload as sent, no points.
    g = causeway.decode("wpan", data)
    assert (g.secured, g.decrypted, g.wpal, list(g.points())) == (True, False, None, [])
    assert g.payload != f.payload and causeway.encode("wpan", g.fields) == data
    # A wrong key, or a flipped bit, is an authentication error.
    wrong = wpan.KeyStore()
    wrong.add(bytes(16))
    with pytest.raises(causeway.DecodeError) as e:
        causeway.decode("wpan", data, keys=wrong)
    assert (e.value.kind, e.value.layer) == ("authentication", "ccm")
    # Keys are only for 802.15.4.
    with pytest.raises(ValueError):
        causeway.decode("mbus", b"\xe5", keys=store)
    with pytest.raises(ValueError):
        store.add(b"short")


def test_short_sources_need_their_extended_address() -> None:
    store = wpan.KeyStore()
    store.add(KEY)
    fields = causeway.decode("wpan", PUBLISH).fields
    fields.update(security=True, decrypted=True,
                  aux_security={"level": 6, "key_id_mode": 0, "frame_counter": 1})
    with pytest.raises(causeway.EncodeError) as e:
        causeway.encode("wpan", fields, keys=store)
    assert "extended address" in str(e.value)
    store.map_address(0x1234, 0x0102, "00:11:22:33:44:55:66:77")
    data = causeway.encode("wpan", fields, keys=store)
    assert causeway.decode("wpan", data, keys=store).decrypted


def test_mac_only_decoding_leaves_the_payload_alone() -> None:
    zigbee = bytes.fromhex("41883a3412ffff000008") + b"\x02\x10\xff\xff"
    frame = zigbee + struct.pack("<H", causeway_fcs(zigbee))
    with pytest.raises(causeway.DecodeError):
        causeway.decode("wpan", frame)  # not WPA-L
    f = wpan.decode_mac(frame)
    assert (f.wpal, f.fields["payload"]) == (None, "080210ffff")


def causeway_fcs(data: bytes) -> int:
    """CRC-16/KERMIT, from scapy's implementation (independent of causeway)."""
    return struct.unpack("<H", Dot15d4FCS().compute_fcs(data))[0]


def reassembly_cases() -> list[dict[str, Any]]:
    return json.loads((ROOT / "conformance-vectors" / "wpa-l-reassembly" / "cases.json").read_text())


@pytest.mark.parametrize("case", reassembly_cases(), ids=lambda c: c["name"])
def test_reassembly_vectors(case: dict[str, Any]) -> None:
    r = wpan.Reassembly(capacity=case.get("capacity", 65536))
    expect = case["expect"]
    done = None
    for i, hexs in enumerate(case["fragments"]):
        frame = causeway.decode("wpan", bytes.fromhex(hexs))
        try:
            done = r.push(frame)
        except causeway.DecodeError as e:
            assert (e.kind, i) == (expect["error"]["kind"], expect["error"]["fragment"])
            return
    assert "error" not in expect
    assert done is not None and done.hex() == expect["packet"] and r.complete
    points = [p.to_dict() for p in r.points()]
    assert len(points) == len(expect["points"])
    for want, got in zip(expect["points"], points):
        assert {k: got[k] for k in want} == want
    fields = r.fields()
    assert fields is not None and "nl" in fields


# --- differential: scapy builds, causeway reads -------------------------------------------------

def rand_addr(rng: random.Random, mode: int) -> int | None:
    return None if mode == 0 else rng.getrandbits(16 if mode == 2 else 64)


def addr_string(mode: int, value: int | None) -> str | None:
    if value is None:
        return None
    if mode == 2:
        return f"0x{value:04x}"
    return ":".join(f"{b:02x}" for b in value.to_bytes(8, "big"))


def random_scapy_frame(rng: random.Random) -> tuple[bytes, dict[str, Any]]:
    """A random valid 2003/2006 frame built by scapy, and the parameters it was built from."""
    ftype = rng.choice([0, 1, 1, 2, 3])
    version = rng.choice([0, 1])
    dm, sm = rng.choice([2, 3]), rng.choice([0, 2, 3])
    if ftype == 0:
        dm, sm = 0, rng.choice([2, 3])
    if ftype == 2:
        dm = sm = 0
    comp = dm != 0 and sm != 0 and rng.random() < 0.5
    secured = ftype == 1 and version == 1 and rng.random() < 0.4
    params = {"frame_type": ftype, "version": version, "dst_mode": dm, "src_mode": sm, "comp": comp,
              "seq": rng.getrandbits(8), "pending": rng.random() < 0.3, "ack": rng.random() < 0.5,
              "dst_pan": rng.getrandbits(16), "dst": rand_addr(rng, dm), "src_pan": rng.getrandbits(16),
              "src": rand_addr(rng, sm), "secured": secured}
    mac = Dot15d4FCS(fcf_frametype=ftype, fcf_framever=version, fcf_destaddrmode=dm, fcf_srcaddrmode=sm,
                     fcf_panidcompress=int(comp), fcf_ackreq=int(params["ack"]),
                     fcf_pending=int(params["pending"]), fcf_security=int(secured), seqnum=params["seq"])
    addressing: dict[str, Any] = {}
    if dm:
        addressing.update(dest_panid=params["dst_pan"], dest_addr=params["dst"])
    if sm:
        addressing["src_addr"] = params["src"]
        if not comp:
            addressing["src_panid"] = params["src_pan"]
    payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 20)))
    if ftype == 0:
        nshort, nlong = rng.randrange(0, 3), rng.randrange(0, 2)
        beacon = Dot15d4Beacon(
            src_panid=params["src_pan"], src_addr=params["src"], sf_beaconorder=rng.randrange(16),
            sf_sforder=rng.randrange(16), sf_finalcapslot=rng.randrange(16), sf_battlifeextend=rng.getrandbits(1),
            sf_pancoord=rng.getrandbits(1), sf_assocpermit=rng.getrandbits(1), gts_spec_permit=rng.getrandbits(1),
            gts_spec_desccount=0, pa_num_short=nshort, pa_num_long=nlong,
            pa_short_addresses=[rng.getrandbits(16) for _ in range(nshort)],
            pa_long_addresses=[rng.getrandbits(64) for _ in range(nlong)])
        packet = mac / beacon / Raw(payload)
    elif ftype == 1:
        if secured:
            level, mode = rng.randrange(8), rng.randrange(4)
            aux = Dot15d4AuxSecurityHeader(
                sec_sc_seclevel=level, sec_sc_keyidmode=mode, sec_framecounter=rng.getrandbits(32),
                sec_keyid_keysource=rng.getrandbits(32 if mode == 2 else 64) if mode >= 2 else None,
                sec_keyid_keyindex=rng.getrandbits(8))
            mic = bytes(rng.getrandbits(8) for _ in range([0, 4, 8, 16][level & 3]))
            params["aux"] = bytes(aux)
            params["level"] = level
            params["mic"] = mic
            payload = bytes(aux) + payload + mic
        packet = mac / Dot15d4Data(**addressing) / Raw(payload)
    elif ftype == 2:
        packet = mac
    else:
        cmd = rng.choice([1, 2, 3, 4, 7, 8, 9])
        body = {1: Dot15d4CmdAssocReq(allocate_address=1, device_type=1),
                2: Dot15d4CmdAssocResp(short_address=rng.getrandbits(16), association_status=rng.randrange(3)),
                3: Dot15d4CmdDisassociation(disassociation_reason=rng.choice([1, 2])),
                8: Dot15d4CmdCoordRealign(panid=rng.getrandbits(16), coord_address=rng.getrandbits(16),
                                          channel=rng.randrange(11, 27), dev_address=rng.getrandbits(16)),
                9: Dot15d4CmdGTSReq(gts_len=rng.randrange(16), gts_dir=rng.getrandbits(1), charact_type=1)}
        params["cmd"] = cmd
        packet = mac / Dot15d4Cmd(cmd_id=cmd, **addressing)
        if cmd in body:
            packet = packet / body[cmd]
    return bytes(packet), params


def scapy_addr(mode: int, value: Any) -> str | None:
    """An address as scapy dissects it (an int, or for long ones sometimes a colon string)."""
    if mode == 0:
        return None
    if isinstance(value, str):
        return value.lower()
    return addr_string(mode, value)


def test_scapy_built_frames_read_the_same() -> None:
    rng = random.Random(154)
    checked = 0
    for _ in range(3000):
        data, params = random_scapy_frame(rng)
        corrupt = rng.random() < 0.1
        if corrupt:
            data = data[:-1] + bytes([data[-1] ^ 0x40])
        # scapy's verdict on the FCS, and causeway's.
        fcs_ok = Dot15d4FCS().compute_fcs(data[:-2]) == data[-2:]
        if not fcs_ok:
            with pytest.raises(causeway.ChecksumError):
                wpan.decode_mac(data)
            continue
        f = wpan.decode_mac(data)
        s = Dot15d4FCS(data)
        fields = f.fields
        assert fields["frame_type"] == s.fcf_frametype == params["frame_type"]
        assert fields["version"] == s.fcf_framever
        assert (fields["dst_addr_mode"], fields["src_addr_mode"]) == (s.fcf_destaddrmode, s.fcf_srcaddrmode)
        assert fields["pan_id_compression"] == bool(s.fcf_panidcompress)
        assert fields["ack_request"] == bool(s.fcf_ackreq) and fields["frame_pending"] == bool(s.fcf_pending)
        assert fields["security"] == bool(s.fcf_security) and fields["seq"] == s.seqnum
        assert fields["fcs"] == s.fcs and fields["fcs_ok"]
        layer = s.payload
        if params["frame_type"] != 2:
            if params["dst_mode"]:
                assert fields["dst_pan"] == layer.dest_panid
                assert fields["dst_addr"] == scapy_addr(params["dst_mode"], layer.dest_addr)
            if params["src_mode"]:
                assert fields["src_addr"] == scapy_addr(params["src_mode"], layer.src_addr)
                if not params["comp"]:
                    assert fields["src_pan"] == layer.src_panid
        if params["frame_type"] == 0:
            b = fields["beacon"]
            assert (b["beacon_order"], b["superframe_order"], b["final_cap_slot"]) == (
                layer.sf_beaconorder, layer.sf_sforder, layer.sf_finalcapslot)
            assert (b["battery_life_extension"], b["pan_coordinator"], b["association_permit"], b["gts_permit"]) == (
                bool(layer.sf_battlifeextend), bool(layer.sf_pancoord), bool(layer.sf_assocpermit),
                bool(layer.gts_spec_permit))
            assert b["pending_short"] == [f"0x{a:04x}" for a in layer.pa_short_addresses]
            assert b["pending_ext"] == [scapy_addr(3, a) for a in layer.pa_long_addresses]
        if params["frame_type"] == 3:
            c = fields["command"]
            assert c["id"] == layer.cmd_id == params["cmd"]
            body = layer.payload
            if params["cmd"] == 2:
                assert (c["short_addr"], c["status"]) == (f"0x{body.short_address:04x}", body.association_status)
            if params["cmd"] == 8:
                assert (c["pan"], c["channel"], c["short_addr"]) == (
                    body.panid, body.channel, f"0x{body.dev_address:04x}")
            if params["cmd"] == 9:
                assert (c["gts_length"], c["receive"]) == (body.gts_len, bool(body.gts_dir))
        if params["secured"]:
            a = fields["aux_security"]
            aux = Dot15d4AuxSecurityHeader(params["aux"])
            assert (a["level"], a["key_id_mode"], a["frame_counter"]) == (
                aux.sec_sc_seclevel, aux.sec_sc_keyidmode, aux.sec_framecounter)
            if aux.sec_sc_keyidmode:
                assert a["key_index"] == aux.sec_keyid_keyindex
            if aux.sec_sc_keyidmode >= 2:
                width = 4 if aux.sec_sc_keyidmode == 2 else 8
                assert int(a["key_source"], 16).to_bytes(width, "big") == \
                    aux.sec_keyid_keysource.to_bytes(width, "little")
            if params["level"]:
                assert bytes.fromhex(fields["mic"]) == params["mic"] and not fields["decrypted"]
        checked += 1
    assert checked > 2500


# --- differential: causeway builds, scapy reads -------------------------------------------------

def random_causeway_fields(rng: random.Random) -> tuple[dict[str, Any], bool]:
    """A random frame as causeway's JSON form, and whether it is secured."""
    ftype = rng.choice([0, 1, 1, 2, 3])
    dm, sm = rng.choice([2, 3]), rng.choice([0, 2, 3])
    if ftype == 0:
        dm, sm = 0, rng.choice([2, 3])
    if ftype == 2:
        dm = sm = 0
    if ftype == 1 and sm == 0:
        sm = 3
    comp = dm != 0 and sm != 0 and rng.random() < 0.5
    fields: dict[str, Any] = {
        "frame_type": ftype, "version": rng.choice([0, 1]), "frame_pending": rng.random() < 0.3,
        "ack_request": rng.random() < 0.5, "pan_id_compression": comp, "seq_suppression": False,
        "ie_present": False, "seq": rng.getrandbits(8),
        "dst_pan": rng.getrandbits(16) if dm else None, "dst_addr": addr_string(dm, rand_addr(rng, dm)),
        "src_pan": rng.getrandbits(16) if sm and not comp else None, "src_addr": addr_string(sm, rand_addr(rng, sm)),
    }
    secured = ftype == 1 and fields["version"] == 1 and rng.random() < 0.5
    if ftype == 0:
        nshort, nlong = rng.randrange(3), rng.randrange(2)
        fields["beacon"] = {
            "superframe_spec": rng.getrandbits(16) & ~0x2000, "gts_spec": rng.choice([0, 0x80]),
            "gts_directions": 0, "gts": [], "pending_spec": nshort | nlong << 4,
            "pending_short": [f"0x{rng.getrandbits(16):04x}" for _ in range(nshort)],
            "pending_ext": [addr_string(3, rng.getrandbits(64)) for _ in range(nlong)],
            "payload": bytes(rng.getrandbits(8) for _ in range(rng.randrange(8))).hex()}
    elif ftype == 1:
        value = struct.pack("<f", rng.uniform(-1000, 1000))
        fields["wpal"] = {
            "dlsl": {"type": 0}, "nl": {"type": 0, "dst": rng.getrandbits(16), "src": rng.getrandbits(16)},
            "asl": {"service": 0, "ack_required": False, "seq": rng.getrandbits(8), "src_uao": rng.getrandbits(8),
                    "dst_uao": rng.getrandbits(8)},
            "body": {"attr": rng.getrandbits(8), "type": 8, "value": struct.unpack("<f", value)[0]}}
        if secured:
            fields["security"] = True
            fields["decrypted"] = True
            fields["aux_security"] = {"level": rng.randrange(1, 8), "key_id_mode": 1,
                                      "frame_counter": rng.getrandbits(32), "key_index": 1}
    elif ftype == 2:
        fields["payload"] = ""
    else:
        cmd = rng.choice([(2, struct.pack("<HB", rng.getrandbits(16), rng.randrange(3))), (4, b""), (7, b""),
                          (3, bytes([rng.choice([1, 2])])), (9, bytes([rng.getrandbits(6)]))])
        fields["command"] = {"id": cmd[0], "payload": cmd[1].hex()}
    return fields, secured


def test_causeway_built_frames_read_the_same_in_scapy() -> None:
    rng = random.Random(802154)
    store = wpan.KeyStore()
    store.add(KEY, key_index=1)
    for _ in range(3000):
        fields, secured = random_causeway_fields(rng)
        if secured and len(fields["src_addr"]) == 6:
            # A short sender: the nonce takes its extended address from the store.
            pan = fields["src_pan"] if fields["src_pan"] is not None else fields["dst_pan"]
            store.map_address(pan, int(fields["src_addr"], 16), rng.getrandbits(64))
        data = causeway.encode("wpan", fields, keys=store)
        s = Dot15d4FCS(data)
        assert Dot15d4FCS().compute_fcs(data[:-2]) == data[-2:] and s.fcs == struct.unpack("<H", data[-2:])[0]
        assert (s.fcf_frametype, s.fcf_framever, s.seqnum) == (fields["frame_type"], fields["version"], fields["seq"])
        dm = {None: 0}.get(fields["dst_addr"], 2 if fields["dst_addr"] and len(fields["dst_addr"]) == 6 else 3)
        sm = {None: 0}.get(fields["src_addr"], 2 if fields["src_addr"] and len(fields["src_addr"]) == 6 else 3)
        assert (s.fcf_destaddrmode, s.fcf_srcaddrmode) == (dm, sm)
        assert (bool(s.fcf_panidcompress), bool(s.fcf_ackreq), bool(s.fcf_pending), bool(s.fcf_security)) == (
            fields["pan_id_compression"], fields["ack_request"], fields["frame_pending"], secured)
        layer = s.payload
        if fields["frame_type"] != 2:
            if dm:
                assert (layer.dest_panid, scapy_addr(dm, layer.dest_addr)) == (fields["dst_pan"], fields["dst_addr"])
            if sm:
                assert scapy_addr(sm, layer.src_addr) == fields["src_addr"]
                if fields["src_pan"] is not None:
                    assert layer.src_panid == fields["src_pan"]
        if fields["frame_type"] == 0:
            b = fields["beacon"]
            sf = b["superframe_spec"]
            assert (layer.sf_beaconorder, layer.sf_sforder, layer.sf_finalcapslot) == (sf & 15, sf >> 4 & 15, sf >> 8 & 15)
            assert (layer.sf_battlifeextend, layer.sf_pancoord, layer.sf_assocpermit) == (
                sf >> 12 & 1, sf >> 14 & 1, sf >> 15 & 1)
            assert [f"0x{a:04x}" for a in layer.pa_short_addresses] == b["pending_short"]
            assert [scapy_addr(3, a) for a in layer.pa_long_addresses] == b["pending_ext"]
        if fields["frame_type"] == 3:
            assert layer.cmd_id == fields["command"]["id"]
            if layer.cmd_id == 2:
                short, status = struct.unpack("<HB", bytes.fromhex(fields["command"]["payload"]))
                assert (layer.payload.short_address, layer.payload.association_status) == (short, status)
        if secured:
            # The auxiliary security header follows the addressing fields.
            at = 3 + (2 if dm else 0) + {0: 0, 2: 2, 3: 8}[dm] + (2 if fields["src_pan"] is not None else 0) \
                + {0: 0, 2: 2, 3: 8}[sm]
            aux = Dot15d4AuxSecurityHeader(data[at:])
            a = fields["aux_security"]
            assert (aux.sec_sc_seclevel, aux.sec_sc_keyidmode, aux.sec_framecounter, aux.sec_keyid_keyindex) == (
                a["level"], 1, a["frame_counter"], 1)
            # And causeway reads back what it wrote.
            assert causeway.decode("wpan", data, keys=store).fields["wpal"]["body"]["attr"] == \
                fields["wpal"]["body"]["attr"]
