#!/usr/bin/env python3
"""`causeway gateway` against real peers, on loopback only.

An M-Bus meter (`causeway simulate-meter`, its RSP_UD built by the codec's encoder) sits on one
end of a socat pty pair, the gateway on the other; EPA-S arrives over UDP. Then:

- pymodbus 3.11 and mbpoll (libmodbus) read the meter's values from the gateway's registers in the
  map's types and word orders (float32 CDAB, u32 ABCD, i16 tenths);
- a pymodbus write to the EPA-S set point comes out as an EPA-S WRITE at the EPA-S peer, and a
  coil write as a WPA-L WRITE_REQ frame, and a write of a writable M-Bus point reaches the
  meter over the pty as SND_UD;
- clients that send garbage, oversize lengths or disconnect mid-frame are dropped, and the image
  still serves the next client.

Usage: gateway_peers.py PATH/TO/causeway. Exits non-zero on any failure; stops every process.
"""

import json
import os
import queue
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from pymodbus.client import ModbusTcpClient

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = sys.argv[1]
procs = []


def start(args, **kw):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    procs.append(p)
    return p


def lines_of(proc):
    """A queue receiving the process's stdout lines as JSON."""
    q = queue.Queue()

    def pump():
        for line in proc.stdout:
            try:
                q.put(json.loads(line))
            except ValueError:
                pass

    threading.Thread(target=pump, daemon=True).start()
    return q


def wait_for(q, key, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            item = q.get(timeout=0.2)
        except queue.Empty:
            continue
        if key in item:
            return item
    raise AssertionError(f"no {key!r} line within {timeout} s")


def main():
    tmp = tempfile.mkdtemp()
    gw_tty, meter_tty = os.path.join(tmp, "gw"), os.path.join(tmp, "meter")
    start(["socat", f"pty,raw,echo=0,link={gw_tty}", f"pty,raw,echo=0,link={meter_tty}"])
    for _ in range(100):
        if os.path.exists(gw_tty) and os.path.exists(meter_tty):
            break
        time.sleep(0.05)
    # The meter: energy 2850427 kWh (VIF 06, 8 BCD), volume 703476 l (VIF 13, 8 BCD), flow
    # temperature 44.3 degC (VIF 5A, 4 BCD).
    meter = start([EXE, "simulate-meter", "--serial", meter_tty, "--address", "1",
                   "--record", "06:0c:2850427", "--record", "13:0c:703476", "--record", "5a:0a:443"])
    meter_out = lines_of(meter)
    wait_for(meter_out, "meter")

    # The sample map and one writable M-Bus point: Modbus holding 20..22 (u32 kWh) written to the
    # meter as SND_UD with VIF 06 (energy, kWh) and a 32-bit integer (DIF 04).
    map_path = os.path.join(tmp, "map.toml")
    with open(os.path.join(ROOT, "samples/gateway-map.toml")) as f:
        map_text = f.read()
    with open(map_path, "w") as f:
        f.write(map_text + """
[[point]]
name = "energy_limit"
unit = "kWh"
range = [0, 4000000000]
writable = true
source = { protocol = "mbus", id = "12345678", quantity = "energy", tariff = 1, write = { address = 1, vib = "06", data_field = 4 } }
[[point.target]]
protocol = "modbus"
table = "holding"
address = 20
type = "u32"
unit = "kWh"
""")

    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(10)
    gw = start([EXE, "gateway", "--map", map_path,
                "--modbus-tcp", "127.0.0.1:0", "--mbus-serial", gw_tty, "--mbus-address", "1",
                "--mbus-interval", "1", "--epa-udp", "127.0.0.1:0",
                "--epa-peer", f"127.0.0.1:{peer.getsockname()[1]}"])
    out = lines_of(gw)
    info = wait_for(out, "gateway")["gateway"]
    host, port = info["modbus_tcp"].rsplit(":", 1)
    port = int(port)
    epa_port = int(info["epa_udp"].rsplit(":", 1)[1])
    telegram = wait_for(out, "mbus_telegram")["mbus_telegram"]
    assert telegram["updated"] == 3, telegram

    client = ModbusTcpClient(host, port=port)
    assert client.connect()
    rr = client.read_holding_registers(0, count=4, device_id=1)
    assert not rr.isError(), rr
    energy = client.convert_from_registers(rr.registers[0:2], client.DATATYPE.FLOAT32, word_order="little")
    volume = client.convert_from_registers(rr.registers[2:4], client.DATATYPE.UINT32)
    assert energy == 2850427.0, energy
    assert volume == 703476, volume
    rr = client.read_input_registers(0, count=1, device_id=1)
    assert client.convert_from_registers(rr.registers, client.DATATYPE.INT16) == 443, rr.registers
    print(f"pymodbus: energy {energy} kWh, volume {volume} l, flow 44.3 degC")

    # mbpoll (libmodbus): float in its default little-endian word order, references from 1.
    res = subprocess.run(["mbpoll", "-m", "tcp", "-p", str(port), "-a", "1", "-r", "1", "-c", "1",
                          "-t", "4:float", "-1", host], capture_output=True, text=True, timeout=20)
    # mbpoll prints floats with %g (6 significant digits).
    value = float(res.stdout.split("[1]:")[1].split()[0])
    assert abs(value - 2850427.0) <= 5, res.stdout
    res = subprocess.run(["mbpoll", "-m", "tcp", "-p", str(port), "-a", "1", "-r", "3", "-c", "1",
                          "-t", "4:int", "-B", "-1", host], capture_output=True, text=True, timeout=20)
    assert "703476" in res.stdout, res.stdout
    print("mbpoll: float32 CDAB and int32 ABCD read")

    # EPA-S DISTRIBUTE (docs/profiles/epa-s.md) from app 0x0020, obj 0x0010, attr 2, FLOAT32 12.5.
    distribute = bytes.fromhex("e103c0000012000700 20ffff0010 000208c0 18867251f555cd15 0004 41480000".replace(" ", ""))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(50):
        sender.sendto(distribute, ("127.0.0.1", epa_port))
        rr = client.read_holding_registers(10, count=2, device_id=1)
        if not rr.isError():
            break
        time.sleep(0.1)
    assert client.convert_from_registers(rr.registers, client.DATATYPE.FLOAT32) == 12.5, rr

    # A write of the set point goes to the EPA-S controller as WRITE (attr 2, FLOAT32 21.5).
    wr = client.write_registers(10, client.convert_to_registers(21.5, client.DATATYPE.FLOAT32), device_id=1)
    assert not wr.isError(), wr
    while True:
        msg, _ = peer.recvfrom(1500)
        if msg[1] == 0x02:
            break
    assert msg[0] == 0xE1 and msg[2] & 1, msg.hex()
    assert struct.unpack(">HHH", msg[8:14]) == (0x0100, 0x0020, 0x0010), msg.hex()
    assert msg[14:19] == bytes([0, 2, 8, 0, 4]) and struct.unpack(">f", msg[19:23])[0] == 21.5, msg.hex()
    # A coil write goes to the WPA-L valve as WRITE_REQ (printed: no radio here).
    wr = client.write_coil(0, True, device_id=1)
    assert not wr.isError(), wr
    line = wait_for(out, "outbound")
    while line["outbound"]["to"] != "wpan:pan=0x1234,short=0x0102":
        line = wait_for(out, "outbound")
    wpal = line["outbound"]["frame"]["wpal"]
    assert wpal["asl"]["service_name"] == "WRITE_REQ" and wpal["asl"]["dst_uao"] == 3, wpal
    assert wpal["body"]["attr"] == 1 and wpal["body"]["value"] is True, wpal
    # A write of the M-Bus point reaches the meter over the serial line as SND_UD.
    wr = client.write_registers(20, client.convert_to_registers(1234, client.DATATYPE.UINT32), device_id=1)
    assert not wr.isError(), wr
    snd = wait_for(meter_out, "snd_ud")["snd_ud"]
    # EN 13757-2: 68 L L 68, C = SND_UD (0x53, or 0x73 with FCB), A = 1, CI 51, DIF 04, VIF 06,
    # 1234 little-endian, checksum, 16.
    frame = bytes.fromhex(snd["hex"].replace(" ", ""))
    user = frame[4:-2]
    assert frame[:4] == bytes([0x68, 9, 9, 0x68]) and frame[-1] == 0x16, snd
    assert user[0] in (0x53, 0x73) and user[1:] == bytes([1, 0x51, 0x04, 0x06, 0xD2, 0x04, 0, 0]), snd
    assert frame[-2] == sum(user) % 256, snd
    print("writes: EPA-S WRITE at the peer, WPA-L WRITE_REQ printed, M-Bus SND_UD at the meter")

    # Faults: a non-Modbus protocol id and an oversize length get the client dropped; a client
    # that disconnects mid-frame costs nothing.
    for junk in (b"GET / HTTP/1.1\r\n\r\n", bytes.fromhex("0001000001000103")):
        s = socket.create_connection((host, port))
        s.settimeout(8)
        s.sendall(junk)
        try:
            assert s.recv(100) == b"", junk  # closed
        except ConnectionResetError:
            pass  # closed with our bytes unread
        s.close()
    s = socket.create_connection((host, port))
    s.sendall(bytes.fromhex("000100000006"))
    s.close()
    rr = client.read_holding_registers(0, count=2, device_id=1)
    assert client.convert_from_registers(rr.registers, client.DATATYPE.FLOAT32, word_order="little") == 2850427.0
    client.close()
    print("faults: bad clients dropped, image still served")


try:
    main()
finally:
    for p in procs:
        p.kill()
        p.wait()
