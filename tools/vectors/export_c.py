#!/usr/bin/env python3
"""Export the conformance vectors to a line format the C tests read (no JSON parser in C).

    python3 tools/vectors/export_c.py OUT.txt

One case per line, tab-separated: name, protocol, role, hex, then either
  `error <kind> <offset|->`  or  `ok` followed by `key=value` checks:
  Modbus: unit_id, transaction_id, function_code, exception_code, address, quantity,
          registers=<comma list> (register values of register payloads);
  M-Bus:  c_field, ci, id, points=<count>, and per numeric point
          `p<i>=<value>|<unit>|<tolerance>` (value in <unit>, which may differ from causeway's;
          no unit: the value alone, a duration in seconds).
  EPA-S:  service, flags, body_len, msg_id, src_app, dst_app, dst_obj, vlan_vid, udp_dst_port,
          attr, status, quality, ts_ns, event_id, domain_id, block_seq, type, points=<count>,
          per numeric point `p<i>=<value>||0`, and reencode=1 when the frame must re-emit to itself.
  802.15.4 (wpan, wpan-no-fcs): keys=<hex>:<index|->,... and addresses=<pan>:<short>:<ext>,...
          (also on error lines), frame_type, version, seq, dst_pan, src_pan, dst_mode, dst_addr,
          src_mode, src_addr, security, level, key_id_mode, frame_counter, key_index, decrypted,
          content (0 beacon, 1 command, 2 data), command_id, superframe_spec, and of a WPA-L
          payload nl_type, nl_dst, nl_src, service, attr, status, event_id, type, aggregate_count;
          points and p<i> as for EPA-S; reencode=1.
  WPA-L reassembly (protocol wpa-l-reassembly, from conformance-vectors/wpa-l-reassembly/): the
          hex field holds the fragments' frames separated by commas; the outcome is always `ok`
          with capacity=<n>, then packet=<hex>, points, p<i>, or error=<kind> and fragment=<i>.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modbus_checks(frame):
    out = []
    for key in ("unit_id", "transaction_id", "function_code", "exception_code"):
        if key in frame:
            out.append(f"{key}={frame[key]}")
    for key in ("start_address", "address"):
        if key in frame and isinstance(frame[key], int):
            out.append(f"address={frame[key]}")
            break
    if isinstance(frame.get("quantity"), int) and frame.get("function_code", 0) in (1, 2, 3, 4, 15, 16):
        out.append(f"quantity={frame['quantity']}")
    values = frame.get("values")
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values) and frame.get("function_code") in (3, 4, 23, 16):
        out.append("registers=" + ",".join(str(v) for v in values))
    return out


def mbus_checks(expect):
    frame, points = expect.get("frame", {}), expect.get("points")
    out = [f"{k}={frame[k]}" for k in ("c_field", "ci") if k in frame]
    if "header" in frame and "id" in frame["header"]:
        out.append(f"id={frame['header']['id']}")
    if points is not None:
        out.append(f"points={len(points)}")
        for i, p in enumerate(points):
            if isinstance(p.get("value"), (int, float)) and not isinstance(p.get("value"), bool):
                # Without a unit (a value as sent, a number in a unit UCUM lacks, a time of day
                # in seconds) the value is compared alone.
                out.append(f"p{i}={float(p['value'])!r}|{p.get('unit', '')}|{p.get('tolerance', 1e-9)!r}")
    return out


def epa_checks(case):
    e = case["expect"]
    frame, points = e.get("frame", {}), e.get("points")
    out = [f"{k}={frame[k]}" for k in ("service", "flags", "body_len", "msg_id", "src_app", "dst_app", "dst_obj")
           if k in frame]
    if "vlan" in frame:
        out.append(f"vlan_vid={frame['vlan']['vid']}")
    if "udp" in frame:
        out.append(f"udp_dst_port={frame['udp']['dst_port']}")
    body = frame.get("body", {})
    out += [f"{k}={body[k]}" for k in ("attr", "status", "quality", "ts_ns", "event_id", "domain_id", "block_seq")
            if k in body]
    if "type" in body:
        out.append(f"type={body['type']}")
    if points is not None:
        out.append(f"points={len(points)}")
        for i, p in enumerate(points):
            v = p.get("value")
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append(f"p{i}={float(v)!r}||0")
    if case.get("reencode", True):
        out.append("reencode=1")
    return out


def addr_number(a):
    if a is None:
        return 0
    return int(a, 16) if a.startswith("0x") else int(a.replace(":", ""), 16)


def key_checks(case):
    out = []
    if case.get("keys"):
        out.append("keys=" + ",".join(f"{k['key']}:{k.get('key_index', '-') if k.get('key_index') is not None else '-'}"
                                      for k in case["keys"]))
    if case.get("addresses"):
        out.append("addresses=" + ",".join(f"{a['pan']}:{a['short']}:{addr_number(a['ext'])}"
                                           for a in case["addresses"]))
    return out


def points_checks(points):
    out = [f"points={len(points)}"]
    for i, p in enumerate(points):
        v = p.get("value")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(f"p{i}={float(v)!r}||0")
    return out


def wpan_checks(case):
    e = case["expect"]
    f, points = e.get("frame", {}), e.get("points")
    out = key_checks(case)
    for k in ("frame_type", "version", "seq", "dst_pan", "src_pan"):
        if f.get(k) is not None:
            out.append(f"{k}={f[k]}")
    out += [f"dst_mode={f['dst_addr_mode']}", f"dst_addr={addr_number(f['dst_addr'])}",
            f"src_mode={f['src_addr_mode']}", f"src_addr={addr_number(f['src_addr'])}",
            f"security={int(f['security'])}"]
    a = f.get("aux_security")
    if a:
        out += [f"level={a['level']}", f"key_id_mode={a['key_id_mode']}", f"frame_counter={a['frame_counter']}"]
        if a["key_index"] is not None:
            out.append(f"key_index={a['key_index']}")
        out.append(f"decrypted={int(f.get('decrypted', True))}")
    if "beacon" in f:
        out.append("content=0")
        out.append(f"superframe_spec={f['beacon']['superframe_spec']}")
    elif "command" in f:
        out += ["content=1", f"command_id={f['command']['id']}"]
    elif "wpal" in f or "payload" in f:
        out.append("content=2")
    w = f.get("wpal")
    if w and "nl" in w:
        out += [f"nl_type={w['nl']['type']}", f"nl_dst={w['nl']['dst']}", f"nl_src={w['nl']['src']}"]
        if "asl" in w:
            out.append(f"service={w['asl']['service']}")
            body = w["body"]
            out += [f"{k}={body[k]}" for k in ("attr", "status", "event_id", "type") if k in body]
        if "aggregate" in w:
            out.append(f"aggregate_count={w['count']}")
    if points is not None:
        out += points_checks(points)
    if case.get("reencode", True) and f.get("decrypted", True):
        out.append("reencode=1")
    return out


def reassembly_lines():
    lines = []
    path = ROOT / "conformance-vectors" / "wpa-l-reassembly" / "cases.json"
    for c in json.loads(path.read_text()):
        frames = ",".join("".join(f.split()) for f in c["fragments"])
        checks = [f"capacity={c.get('capacity', 65536)}"]
        e = c["expect"]
        if "error" in e:
            checks += [f"error={e['error']['kind']}", f"fragment={e['error']['fragment']}"]
        else:
            checks += [f"packet={e['packet']}"] + points_checks(e["points"])
        lines.append("\t".join([c["name"], "wpa-l-reassembly", "-", frames, "ok"] + checks))
    return lines


def main():
    lines = []
    for f in sorted((ROOT / "conformance-vectors").glob("*.json")):
        for c in json.loads(f.read_text()):
            proto = c["protocol"]
            if not (proto.startswith("modbus") or proto in ("mbus", "epa-s", "wpan", "wpan-no-fcs")):
                continue
            hexs = "".join(c["hex"].split())
            head = [c["name"], proto, c.get("role", "-"), hexs]
            e = c["expect"]
            if "error" in e:
                err = e["error"]
                lines.append("\t".join(head + ["error", err["kind"], str(err.get("offset", "-"))]
                                        + (key_checks(c) if proto.startswith("wpan") else [])))
            else:
                if proto.startswith("modbus"):
                    checks = modbus_checks(e.get("frame", {}))
                elif proto == "mbus":
                    checks = mbus_checks(e)
                elif proto.startswith("wpan"):
                    checks = wpan_checks(c)
                else:
                    checks = epa_checks(c)
                lines.append("\t".join(head + ["ok"] + checks))
    lines += reassembly_lines()
    Path(sys.argv[1]).write_text("\n".join(lines) + "\n")
    print(f"{sys.argv[1]}: {len(lines)} cases")


if __name__ == "__main__":
    main()
