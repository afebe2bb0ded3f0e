#!/usr/bin/env python3
"""Write samples/epa-s.pcap and samples/epa-macrocycle.toml: three 10 ms macrocycles of EPA-S
traffic (docs/profiles/epa-s.md) — periodic DISTRIBUTEs on raw Ethernet with an 802.1Q tag, a
READ exchange and a domain download over UDP in the non-periodic phase — with two planted
schedule violations in the third cycle (a late DISTRIBUTE, an NP_END without NP_ANNOUNCE).

    pip install scapy==2.6.1
    python3 tools/samples/epa.py
"""
import struct
from pathlib import Path

from scapy.all import IP, UDP, Dot1Q, Ether, Raw, wrpcap

ROOT = Path(__file__).resolve().parents[2]
PCAP = ROOT / "samples" / "epa-s.pcap"
CONFIG = ROOT / "samples" / "epa-macrocycle.toml"
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z, the start of macrocycle 0
MS = 1_000_000
IPS = {0x20: "192.168.10.32", 0x21: "192.168.10.33", 0x30: "192.168.10.48"}
MACS = {app: f"02:00:00:00:00:{app:02x}" for app in IPS}


def message(service, body, src, dst, obj, msg_id=0, flags=0):
    return struct.pack(">BBBBHHHHH", 0xE1, service, flags, 0, len(body), msg_id, src, dst, obj) + body


def raw(msg, src, at_ns):
    p = Ether(src=MACS[src], dst="01:0c:cd:04:00:00") / Dot1Q(prio=6, vlan=10, type=0x88CB) / Raw(msg)
    p.time = (T0 * 10**9 + at_ns) / 10**9
    return p


def udp(msg, src, dst, at_ns, to_server=True):
    sport, dport = (50000, 35004) if to_server else (35004, 50000)
    p = (Ether(src=MACS[src], dst=MACS.get(dst, "ff:ff:ff:ff:ff:ff")) / IP(src=IPS[src], dst=IPS.get(dst, "192.168.10.255"))
         / UDP(sport=sport, dport=dport) / Raw(msg))
    p.time = (T0 * 10**9 + at_ns) / 10**9
    return p


def distribute(app, attr, code, raw_value, at_ns):
    body = struct.pack(">HBBQH", attr, code, 0xC0, T0 * 10**9 + at_ns, len(raw_value)) + raw_value
    return raw(message(0x03, body, app, 0xFFFF, 0x0010, flags=6 << 5), app, at_ns)


def main():
    f32 = lambda v: struct.pack(">f", v)  # noqa: E731
    packets = []
    for cycle in range(3):
        base = cycle * 10 * MS
        late = 2_500_000 if cycle == 2 else 200_000  # the third cycle's DISTRIBUTE misses its slot
        packets.append(distribute(0x20, 1, 8, f32(21.5 + cycle), base + late))
        packets.append(distribute(0x21, 1, 6, struct.pack(">H", 1013 + cycle), base + 1_300_000))
    # Cycle 0, non-periodic phase: a READ exchange announced and ended by 0x30.
    packets += [
        udp(message(0x10, struct.pack(">BH", 4, 64), 0x30, 0xFFFF, 0, flags=4 << 5), 0x30, None, 6_100_000),
        udp(message(0x01, struct.pack(">H", 2), 0x30, 0x20, 0x0010, msg_id=1, flags=1 | 4 << 5), 0x30, 0x20, 6_200_000),
        udp(message(0x81, b"\x00" + struct.pack(">BH", 8, 4) + f32(12.5), 0x20, 0x30, 0x0010, msg_id=1, flags=4 << 5),
            0x20, 0x30, 6_400_000, to_server=False),
        udp(message(0x11, b"", 0x30, 0xFFFF, 0, flags=4 << 5), 0x30, None, 6_500_000),
    ]
    # Cycle 1, non-periodic phase: a three-block domain download from 0x30 to 0x21.
    blocks = [b"causeway ", b"EPA-S ", b"domain"]
    packets.append(udp(message(0x10, struct.pack(">BH", 4, 64), 0x30, 0xFFFF, 0, flags=4 << 5), 0x30, None, 16_100_000))
    for seq, data in enumerate(blocks):
        more = 0x04 if seq < len(blocks) - 1 else 0
        body = struct.pack(">HHH", 7, seq, len(data)) + data
        packets.append(udp(message(0x06, body, 0x30, 0x21, 0x0100, msg_id=10 + seq, flags=more | 4 << 5),
                           0x30, 0x21, 16_200_000 + seq * 100_000))
    packets.append(udp(message(0x11, b"", 0x30, 0xFFFF, 0, flags=4 << 5), 0x30, None, 16_600_000))
    # Cycle 2: an NP_END nobody announced.
    packets.append(udp(message(0x11, b"", 0x21, 0xFFFF, 0, flags=4 << 5), 0x21, None, 26_100_000))
    packets.sort(key=lambda p: p.time)
    PCAP.parent.mkdir(exist_ok=True)
    wrpcap(str(PCAP), packets)
    CONFIG.write_text(f"""# The macrocycle of samples/epa-s.pcap: 10 ms, periodic slots of 1 ms, non-periodic phase
# from 6 ms. `causeway schedule --config samples/epa-macrocycle.toml samples/epa-s.pcap`
cycle_ns = 10_000_000
start_ns = {T0 * 10**9}

[non_periodic]
offset_ns = 6_000_000
length_ns = 4_000_000

[[device]]
app = 0x0020
offset_ns = 0
slot_ns = 1_000_000

[[device]]
app = 0x0021
offset_ns = 1_000_000
slot_ns = 1_000_000
""")
    print(f"{PCAP}: {len(packets)} packets; {CONFIG}")


if __name__ == "__main__":
    main()
