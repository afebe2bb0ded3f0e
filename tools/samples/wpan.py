#!/usr/bin/env python3
"""Write samples/wpan.pcap (pcap link type 195, frames with FCS) and samples/wpan-nofcs.pcap (link
type 230, the same frames without FCS): a small WPA-L network on PAN 0x1234 —

 1. the coordinator's beacon (the profile's beacon vector);
 2. a field device (extended address 00:11:22:33:44:55:66:77) asks to associate;
 3. the coordinator (88:99:aa:bb:cc:dd:ee:ff) allocates it short address 0x0102;
 4. the device PUBLISHes FLOAT32 21.5 (UAO 1, attr 2), secured ENC-MIC-32 with key index 1
    (key 00112233445566778899aabbccddeeff), from its short address: the nonce needs the
    extended address learned from frame 3;
 5. a REPORT (event 9, "HIGH") from 0x0102, unsecured;
 6. router 0x0010 forwards an aggregate of two PUBLISHes from 0x0203 and 0x0204;
 7. and 8. a READ_RSP from 0x0102 in two NL fragments, the second first;
 9. the coordinator's acknowledgment.

The frames are built with the builders of tools/vectors/wpan.py (IEEE 802.15.4-2006 and the
WPA-L profile; CCM* with pyca/cryptography).

    pip install scapy==2.6.1 cryptography
    python3 tools/samples/wpan.py
"""
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "vectors"))

import wpan as v  # noqa: E402

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z


def pcap(frames, link, fcs):
    """A classic pcap file (microsecond timestamps) of `frames`, 10 ms apart."""
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, link)
    for i, frame in enumerate(frames):
        data = v.with_fcs(frame) if fcs else frame
        out += struct.pack("<IIII", T0, i * 10_000, len(data), len(data)) + data
    return out


def main():
    coord, device = v.ext(v.DST_EXT), v.ext(v.SRC_EXT)
    frames = []
    # 1. beacon
    frames.append(bytes.fromhex("0080073412000046cf8000"))
    # 2. association request: device (extended, no PAN yet) -> coordinator 0x0000
    h, _ = v.mhr(3, 1, dst=v.short(0x0000), src=device, src_pan=0xFFFF, ack=True, seq=1)
    frames.append(h + bytes([0x01, 0x8E]))
    # 3. association response: coordinator -> device, short address 0x0102, success
    h, _ = v.mhr(3, 1, dst=device, src=coord, comp=True, ack=True, seq=2)
    frames.append(h + bytes([0x02]) + struct.pack("<HB", 0x0102, 0))
    # 4. secured PUBLISH FLOAT32 21.5 from 0x0102
    payload, _ = v.data_payload(v.publish(2, 8, struct.pack("<f", 21.5), 21.5, seq=1))
    aux = v.aux_header(5, 1, counter=1, key_index=1)
    h, _ = v.mhr(1, 1, dst=v.short(0x0000), src=v.short(0x0102), comp=True, ack=True, seq=3, aux=aux)
    sealed, mic = v.secure(5, v.KEY1, v.SRC_EXT, 1, h, payload)
    frames.append(h + sealed + mic)
    # 5. REPORT event 9 "HIGH" from UAO 3
    report, a = v.asl(5, struct.pack("<HI", 9, 120_000) + v.typed(9, b"HIGH"), seq=2, src_uao=3)
    head, _ = v.nl(0, 0x0000, 0x0102)
    h, _ = v.mhr(1, 1, dst=v.short(0x0000), src=v.short(0x0102), comp=True, ack=True, seq=4)
    frames.append(h + head + report)
    # 6. aggregate from router 0x0010
    agg = b"\x02"
    for src, (pdu, _, _) in ((0x0203, v.publish(2, 8, struct.pack("<f", 19.0), 19.0, src_uao=1)),
                             (0x0204, v.publish(2, 8, struct.pack("<f", 23.25), 23.25, src_uao=1))):
        agg += struct.pack("<HB", src, len(pdu)) + pdu
    head, _ = v.nl(1, 0x0000, 0x0010)
    h, _ = v.mhr(1, 1, dst=v.short(0x0000), src=v.short(0x0010), comp=True, ack=True, seq=5)
    frames.append(h + head + agg)
    # 7., 8. READ_RSP UINT16 1013 in two fragments, the second one first
    rsp, _ = v.asl(2, bytes([0, 7]) + v.typed(6, struct.pack("<H", 1013)), seq=3, src_uao=4, dst_uao=1)
    h, _ = v.mhr(1, 1, dst=v.short(0x0000), src=v.short(0x0102), comp=True, ack=True, seq=6)
    second, _ = v.nl(0, 0x0000, 0x0102, frag=(7, 0, 6, len(rsp)))
    first, _ = v.nl(0, 0x0000, 0x0102, frag=(7, 1, 0, len(rsp)))
    frames.append(h + second + rsp[6:])
    h, _ = v.mhr(1, 1, dst=v.short(0x0000), src=v.short(0x0102), comp=True, ack=True, seq=7)
    frames.append(h + first + rsp[:6])
    # 9. ack of the last frame
    h, _ = v.mhr(2, 1, seq=7)
    frames.append(h)
    (ROOT / "samples" / "wpan.pcap").write_bytes(pcap(frames, 195, True))
    (ROOT / "samples" / "wpan-nofcs.pcap").write_bytes(pcap(frames, 230, False))
    print(f"samples/wpan.pcap, samples/wpan-nofcs.pcap: {len(frames)} frames")


if __name__ == "__main__":
    main()
