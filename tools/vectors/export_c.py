#!/usr/bin/env python3
"""Export the conformance vectors to a line format the C tests read (no JSON parser in C).

    python3 tools/vectors/export_c.py OUT.txt

One case per line, tab-separated: name, protocol, role, hex, then either
  `error <kind> <offset|->`  or  `ok` followed by `key=value` checks:
  Modbus: unit_id, transaction_id, function_code, exception_code, address, quantity,
          registers=<comma list> (register values of register payloads);
  M-Bus:  c_field, ci, id, points=<count>, and per numeric point
          `p<i>=<value>|<unit>|<tolerance>` (value in <unit>, which may differ from causeway's).
  EPA-S:  service, flags, body_len, msg_id, src_app, dst_app, dst_obj, vlan_vid, udp_dst_port,
          attr, status, quality, ts_ns, event_id, domain_id, block_seq, type, points=<count>,
          per numeric point `p<i>=<value>||0`, and reencode=1 when the frame must re-emit to itself.
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
            if p.get("compare") == "number" and "unit" in p:
                out.append(f"p{i}={p['value']!r}|{p['unit']}|{p.get('tolerance', 0)!r}")
            elif isinstance(p.get("value"), (int, float)) and not isinstance(p.get("value"), bool) and "unit" in p:
                out.append(f"p{i}={float(p['value'])!r}|{p['unit']}|1e-9")
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


def main():
    lines = []
    for f in sorted((ROOT / "conformance-vectors").glob("*.json")):
        for c in json.loads(f.read_text()):
            proto = c["protocol"]
            if not (proto.startswith("modbus") or proto in ("mbus", "epa-s")):
                continue
            hexs = "".join(c["hex"].split())
            head = [c["name"], proto, c.get("role", "-"), hexs]
            e = c["expect"]
            if "error" in e:
                err = e["error"]
                lines.append("\t".join(head + ["error", err["kind"], str(err.get("offset", "-"))]))
            else:
                if proto.startswith("modbus"):
                    checks = modbus_checks(e.get("frame", {}))
                elif proto == "mbus":
                    checks = mbus_checks(e)
                else:
                    checks = epa_checks(c)
                lines.append("\t".join(head + ["ok"] + checks))
    Path(sys.argv[1]).write_text("\n".join(lines) + "\n")
    print(f"{sys.argv[1]}: {len(lines)} cases")


if __name__ == "__main__":
    main()
