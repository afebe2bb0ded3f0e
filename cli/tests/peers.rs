//! Differential tests against real tools. tshark (Wireshark's dissectors) must be installed;
//! `scripts/test.sh` installs it.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/modbus-tcp.pcap");

/// tshark's Modbus/TCP fields for every frame: frame number -> one map per ADU in the frame.
fn tshark_modbus(pcap: &str) -> BTreeMap<u64, Vec<BTreeMap<&'static str, String>>> {
    const FIELDS: [&str; 8] = [
        "mbtcp.trans_id",
        "mbtcp.unit_id",
        "modbus.func_code",
        "modbus.reference_num",
        "modbus.word_cnt",
        "modbus.bit_cnt",
        "modbus.regval_uint16",
        "modbus.exception_code",
    ];
    let mut cmd = Command::new("tshark");
    cmd.args([
        "-r",
        pcap,
        "-Y",
        "mbtcp",
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-E",
        "aggregator=;",
        "-e",
        "frame.number",
    ]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd
        .output()
        .expect("tshark is required for peer tests (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut frames = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let cols: Vec<&str> = line.split('|').collect();
        let number: u64 = cols[0].parse().unwrap();
        let adus = cols[1].split(';').count();
        let per_adu: Vec<BTreeMap<&str, String>> = (0..adus)
            .map(|i| {
                FIELDS
                    .iter()
                    .zip(&cols[1..])
                    .filter_map(|(name, col)| {
                        // Multi-valued fields (register values) belong to the only ADU present.
                        let parts: Vec<&str> = col.split(';').collect();
                        let v = if parts.len() == adus {
                            parts[i].to_string()
                        } else {
                            col.replace(';', ",")
                        };
                        (!v.is_empty()).then_some((*name, v))
                    })
                    .collect()
            })
            .collect();
        frames.insert(number, per_adu);
    }
    frames
}

fn causeway_pcap(pcap: &str) -> BTreeMap<u64, Vec<Value>> {
    let out = Command::new(env!("CARGO_BIN_EXE_causeway"))
        .args(["pcap", pcap])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut frames: BTreeMap<u64, Vec<Value>> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        frames
            .entry(v["frame_number"].as_u64().unwrap())
            .or_default()
            .push(v["frame"].clone());
    }
    frames
}

fn num(v: &Value) -> String {
    v.as_u64().map(|n| n.to_string()).unwrap_or_default()
}

#[test]
fn modbus_tcp_fields_agree_with_tshark() {
    let theirs = tshark_modbus(SAMPLE);
    let ours = causeway_pcap(SAMPLE);
    assert_eq!(
        theirs.keys().collect::<Vec<_>>(),
        ours.keys().collect::<Vec<_>>(),
        "same frames carry Modbus"
    );
    let mut compared = 0;
    for (number, adus) in &theirs {
        let mine = &ours[number];
        assert_eq!(adus.len(), mine.len(), "frame {number}: ADU count");
        for (t, m) in adus.iter().zip(mine) {
            let ctx = format!("frame {number}: ours {m}");
            assert_eq!(t["mbtcp.trans_id"], num(&m["transaction_id"]), "{ctx}");
            assert_eq!(t["mbtcp.unit_id"], num(&m["unit_id"]), "{ctx}");
            // tshark reports the request's function code for exceptions too.
            let fc = m["function_code"].as_u64().unwrap() & 0x7F;
            assert_eq!(t["modbus.func_code"], fc.to_string(), "{ctx}");
            if let Some(r) = t.get("modbus.reference_num") {
                let ours = if m["start_address"].is_null() {
                    &m["address"]
                } else {
                    &m["start_address"]
                };
                assert_eq!(r, &num(ours), "{ctx}");
            }
            if let Some(q) = t.get("modbus.word_cnt").or(t.get("modbus.bit_cnt")) {
                assert_eq!(q, &num(&m["quantity"]), "{ctx}");
            }
            if let Some(vals) = t.get("modbus.regval_uint16") {
                let mine: Vec<String> = m["values"].as_array().unwrap().iter().map(num).collect();
                assert_eq!(vals, &mine.join(","), "{ctx}");
            }
            if let Some(code) = t.get("modbus.exception_code") {
                assert_eq!(code, &num(&m["exception_code"]), "{ctx}");
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 16);
}

const EPA_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/epa-s.pcap");

#[test]
fn epa_carriers_agree_with_tshark() {
    const FIELDS: [&str; 9] = [
        "frame.number",
        "vlan.priority",
        "vlan.id",
        "ip.src",
        "ip.dst",
        "ip.checksum.status",
        "udp.srcport",
        "udp.dstport",
        "udp.checksum.status",
    ];
    let mut cmd = Command::new("tshark");
    cmd.args([
        "-r",
        EPA_SAMPLE,
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
        "-T",
        "fields",
        "-E",
        "separator=|",
    ]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark is required for peer tests");
    assert!(out.status.success());
    let ours = causeway_pcap(EPA_SAMPLE);
    let mut compared = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let t: BTreeMap<&str, &str> = FIELDS.iter().copied().zip(line.split('|')).collect();
        let number: u64 = t["frame.number"].parse().unwrap();
        let m = &ours[&number][0];
        let ctx = format!("frame {number}: ours {m}");
        if !t["vlan.id"].is_empty() {
            assert_eq!(t["vlan.id"], num(&m["vlan"]["vid"]), "{ctx}");
            assert_eq!(t["vlan.priority"], num(&m["vlan"]["pcp"]), "{ctx}");
            assert!(m.get("ipv4").is_none(), "{ctx}");
        } else {
            assert_eq!(t["ip.src"], m["ipv4"]["src"], "{ctx}");
            assert_eq!(t["ip.dst"], m["ipv4"]["dst"], "{ctx}");
            assert_eq!(t["udp.srcport"], num(&m["udp"]["src_port"]), "{ctx}");
            assert_eq!(t["udp.dstport"], num(&m["udp"]["dst_port"]), "{ctx}");
            // 1 = good: the checksums causeway verified, tshark verifies too.
            assert_eq!(
                (t["ip.checksum.status"], t["udp.checksum.status"]),
                ("1", "1"),
                "{ctx}"
            );
        }
        compared += 1;
    }
    assert_eq!(compared, 16);
}

const WPAN_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/wpan.pcap");

#[test]
fn wpan_fields_and_decryption_agree_with_tshark() {
    const FIELDS: [&str; 9] = [
        "frame.number",
        "wpan.frame_type",
        "wpan.seq_no",
        "wpan.dst16",
        "wpan.src16",
        "wpan.src64",
        "wpan.fcs_ok",
        "wpan.key_number",
        "data.data",
    ];
    let mut cmd = Command::new("tshark");
    cmd.args([
        "-r",
        WPAN_SAMPLE,
        "-o",
        "wpan.fcs_format:16",
        "-o",
        "uat:ieee802154_keys:\"00112233445566778899aabbccddeeff\",\"1\",\"No hash\"",
    ]);
    for h in [
        "6lowpan_wlan",
        "zbee_nwk_wpan",
        "zbee_nwk_gp_wlan",
        "lwm_wlan",
        "zbee_wpan_beacon",
    ] {
        cmd.args(["--disable-heuristic", h]);
    }
    cmd.args(["-T", "fields", "-E", "separator=|"]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark is required for peer tests");
    assert!(out.status.success());
    let keyed = Command::new(env!("CARGO_BIN_EXE_causeway"))
        .args([
            "pcap",
            WPAN_SAMPLE,
            "--key",
            "00112233445566778899aabbccddeeff:1",
        ])
        .output()
        .unwrap();
    let mut ours: BTreeMap<u64, Value> = BTreeMap::new();
    for line in String::from_utf8(keyed.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["protocol"] == "wpan" {
            ours.insert(v["frame_number"].as_u64().unwrap(), v["frame"].clone());
        }
    }
    let mut compared = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let t: BTreeMap<&str, &str> = FIELDS.iter().copied().zip(line.split('|')).collect();
        let number: u64 = t["frame.number"].parse().unwrap();
        let m = &ours[&number];
        let ctx = format!("frame {number}: ours {m}");
        assert_eq!(
            u64::from_str_radix(t["wpan.frame_type"].trim_start_matches("0x"), 16).unwrap(),
            m["frame_type"].as_u64().unwrap(),
            "{ctx}"
        );
        assert_eq!(t["wpan.seq_no"], num(&m["seq"]), "{ctx}");
        assert_eq!(t["wpan.fcs_ok"], "1", "{ctx}");
        for (field, key) in [("wpan.dst16", "dst_addr"), ("wpan.src16", "src_addr")] {
            if m[key].as_str().is_some_and(|a| a.starts_with("0x")) {
                assert_eq!(t[field], m[key], "{ctx}");
            }
        }
        if m["src_addr"].as_str().is_some_and(|a| a.contains(':')) {
            assert_eq!(
                t["wpan.src64"].split(',').next(),
                m["src_addr"].as_str(),
                "{ctx}"
            );
        }
        if m["security"] == true {
            // Both decrypt frame 4 with the key, its nonce from the association of frame 3.
            assert_eq!(t["wpan.key_number"], "0", "{ctx}");
            assert_eq!(m["decrypted"], true, "{ctx}");
            assert!(
                t["data.data"].ends_with("0000ac41"),
                "FLOAT32 21.5 in {ctx}"
            );
            assert_eq!(m["wpal"]["body"]["value"], 21.5, "{ctx}");
        }
        compared += 1;
    }
    assert_eq!(compared, 9);
}
