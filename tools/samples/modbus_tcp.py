#!/usr/bin/env python3
"""Write samples/modbus-tcp.pcap: a Modbus/TCP session built by pymodbus (ADUs) and scapy
(Ethernet/IPv4/TCP), covering reads, writes, an exception, two ADUs in one segment and one ADU
split across two segments.

    pip install pymodbus==3.11.2 scapy==2.6.1
    python3 tools/samples/modbus_tcp.py
"""
from pathlib import Path

from pymodbus.framer import FramerSocket
from pymodbus.pdu import DecodePDU, ExceptionResponse
from pymodbus.pdu import bit_message as bm
from pymodbus.pdu import mei_message as mm
from pymodbus.pdu import register_message as rm
from scapy.all import IP, TCP, Ether, wrpcap

OUT = Path(__file__).resolve().parents[2] / "samples" / "modbus-tcp.pcap"
CLIENT, SERVER = ("10.0.0.10", 50200), ("10.0.0.5", 502)
CMAC, SMAC = "02:00:00:00:00:0a", "02:00:00:00:00:05"
T0 = 1767225600.0  # 2026-01-01T00:00:00Z


def adu(msg, tid, unit=17):
    msg.transaction_id, msg.dev_id = tid, unit
    return FramerSocket(DecodePDU(is_server=False)).buildFrame(msg)


class Session:
    def __init__(self):
        self.seq = {CLIENT: 1000, SERVER: 5000}
        self.packets = []
        self.t = T0

    def send(self, src, payload=b"", flags="PA"):
        dst = SERVER if src == CLIENT else CLIENT
        mac = (CMAC, SMAC) if src == CLIENT else (SMAC, CMAC)
        p = (Ether(src=mac[0], dst=mac[1]) / IP(src=src[0], dst=dst[0], id=len(self.packets) + 1)
             / TCP(sport=src[1], dport=dst[1], seq=self.seq[src], ack=self.seq[dst], flags=flags) / payload)
        p.time = self.t
        self.t += 0.010
        self.seq[src] += len(payload) + (1 if "S" in flags or "F" in flags else 0)
        self.packets.append(p)


def main():
    s = Session()
    s.send(CLIENT, flags="S")
    s.send(SERVER, flags="SA")
    s.send(CLIENT, flags="A")
    # Holding registers 0..5: float32 123456.0 in CDAB order, then 230, 0x0102, 7.
    s.send(CLIENT, adu(rm.ReadHoldingRegistersRequest(address=0, count=5), 1))
    s.send(SERVER, adu(rm.ReadHoldingRegistersResponse(registers=[0x2000, 0x47F1, 230, 0x0102, 7]), 1))
    s.send(CLIENT, adu(rm.ReadInputRegistersRequest(address=3, count=2), 2))
    s.send(SERVER, adu(rm.ReadInputRegistersResponse(registers=[215, 1013]), 2))
    s.send(CLIENT, adu(bm.ReadCoilsRequest(address=0, count=10), 3))
    s.send(SERVER, adu(bm.ReadCoilsResponse(bits=[True, False, True, True, False, False, True, True, True, False]), 3))
    s.send(CLIENT, adu(rm.WriteMultipleRegistersRequest(address=100, registers=[0x4148, 0x0000]), 4))
    s.send(SERVER, adu(rm.WriteMultipleRegistersResponse(address=100, count=2), 4))
    s.send(CLIENT, adu(rm.ReadHoldingRegistersRequest(address=1000, count=2), 5))
    s.send(SERVER, adu(ExceptionResponse(0x03, 0x02), 5))
    # Two requests in one segment, their two responses in one segment.
    s.send(CLIENT, adu(rm.WriteSingleRegisterRequest(address=10, registers=[42]), 6)
           + adu(bm.WriteSingleCoilRequest(address=3, bits=[True]), 7))
    s.send(SERVER, adu(rm.WriteSingleRegisterResponse(address=10, registers=[42]), 6)
           + adu(bm.WriteSingleCoilResponse(address=3, bits=[True]), 7))
    # Device identification; the response is split across two segments.
    s.send(CLIENT, adu(mm.ReadDeviceInformationRequest(read_code=1, object_id=0), 8))
    info = adu(mm.ReadDeviceInformationResponse(read_code=1, information={0: b"causeway", 1: b"CW-GW-1", 2: b"0.1.0"}), 8)
    s.send(SERVER, info[:9])
    s.send(SERVER, info[9:])
    s.send(CLIENT, flags="FA")
    s.send(SERVER, flags="FA")
    OUT.parent.mkdir(exist_ok=True)
    wrpcap(str(OUT), s.packets)
    print(f"{OUT}: {len(s.packets)} packets")


if __name__ == "__main__":
    main()
