//! The `causeway` binary end to end: output, exit codes, error messages.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn causeway(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_causeway"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn decodes_the_spec_rtu_request() {
    // MODBUS over Serial Line V1.02 example: read 3 holding registers from 0x6B at server 0x11.
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "modbus-rtu",
            "--role",
            "request",
            "11 03 00 6b 00 03 76 87",
        ],
        None,
    );
    assert!(out.status.success());
    let j = json(&out);
    assert_eq!(j["protocol"], "modbus-rtu");
    assert_eq!(j["frame"]["unit_id"], 17);
    assert_eq!(j["frame"]["start_address"], 107);
    assert_eq!(j["frame"]["quantity"], 3);
    assert_eq!(j["points"], serde_json::json!([]));
}

#[test]
fn hex_from_stdin_and_points_from_writes() {
    let out = causeway(
        &["decode", "-p", "modbus-tcp", "--role", "request", "-"],
        Some("0001 0000 0006 11 06 0001 0003\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = json(&out);
    assert_eq!(j["points"][0]["device"], "modbus:unit=17");
    assert_eq!(j["points"][0]["address"], "holding:1");
    assert_eq!(j["points"][0]["value"], 3);
}

#[test]
fn bad_crc_exits_1_naming_layer_offset_expected_found() {
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "modbus-rtu",
            "--role",
            "request",
            "11 03 00 6b 00 03 76 88",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("modbus-rtu at byte 6"), "{err}");
    assert!(err.contains("expected 0x8776, found 0x8876"), "{err}");
    let j = json(&out);
    assert_eq!(j["error"]["layer"], "modbus-rtu");
    assert_eq!(j["error"]["offset"], 6);
    assert_eq!(j["error"]["kind"], "checksum");
    // Text format prints nothing on stdout for an error.
    let out = causeway(
        &[
            "decode",
            "--format",
            "text",
            "-p",
            "modbus-rtu",
            "--role",
            "request",
            "11 03",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let out = causeway(&["decode", "--protocol", "profibus", "00"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("modbus-tcp"));
    let out = causeway(&["decode", "--protocol", "modbus-tcp", "00"], None);
    assert_eq!(out.status.code(), Some(2), "role is required");
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "modbus-rtu",
            "--role",
            "request",
            "1",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "odd hex");
}

#[test]
fn binary_file_input() {
    let path = std::env::temp_dir().join(format!("causeway-cli-test-{}.bin", std::process::id()));
    std::fs::write(&path, b":1103006B00037E\r\n").unwrap();
    let out = causeway(
        &[
            "decode",
            "-p",
            "modbus-ascii",
            "--role",
            "request",
            "--file",
            path.to_str().unwrap(),
        ],
        None,
    );
    std::fs::remove_file(&path).ok();
    assert!(out.status.success());
    assert_eq!(json(&out)["frame"]["lrc"], 0x7E);
}

#[test]
fn pcap_pairs_requests_with_responses() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/modbus-tcp.pcap");
    let out = causeway(&["pcap", sample], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    // 8 exchanges = 16 ADUs; one segment carries two requests, one response spans two segments.
    assert_eq!(lines.len(), 16);
    assert_eq!(lines[0]["frame_number"], 4);
    assert_eq!(lines[0]["timestamp"], "2026-01-01T00:00:00.030000000Z");
    let read = &lines[1];
    assert_eq!(
        read["frame"]["values"],
        serde_json::json!([8192, 18417, 230, 258, 7])
    );
    assert_eq!(
        read["points"][2]["device"],
        "modbus:unit=17,host=10.0.0.5,port=502"
    );
    assert_eq!(read["points"][2]["address"], "holding:2");
    assert_eq!(read["points"][2]["value"], 230);
    let exception = lines
        .iter()
        .find(|l| l["frame"]["exception_code"] == 2)
        .unwrap();
    assert_eq!(exception["points"][0]["address"], "holding:1000");
    assert_eq!(exception["points"][0]["quality"]["severity"], "bad");
    let both: Vec<_> = lines.iter().filter(|l| l["frame_number"] == 14).collect();
    assert_eq!(both.len(), 2, "two ADUs in one segment");
    let devid = lines.last().unwrap();
    assert_eq!(
        devid["frame_number"], 18,
        "reassembled from frames 17 and 18"
    );
    assert_eq!(devid["frame"]["objects"][0]["value"], "causeway");
}

#[test]
fn pcap_with_a_register_map_gives_typed_points() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/");
    let out = causeway(
        &[
            "pcap",
            &format!("{dir}modbus-tcp.pcap"),
            "--map",
            &format!("{dir}modbus-map.toml"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').nth(1).unwrap()).unwrap();
    // Registers 0x2000 0x47F1 are 123456.0 as float32 in CDAB order (libmodbus's test value).
    let energy = &first["points"][0];
    assert_eq!(energy["address"], "holding:0");
    assert_eq!(energy["value"], 123456.0);
    assert_eq!(energy["unit"], "kWh");
    assert_eq!(energy["quantity"], "energy");
    assert_eq!(energy["qualifiers"]["byte_order"], "CDAB");
    let second: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').nth(3).unwrap()).unwrap();
    // Input register 3 holds 215; the map scales it by 0.1 exactly.
    assert_eq!(second["points"][0]["value"], 21.5);
    assert_eq!(second["points"][0]["value_type"], "decimal");
    assert_eq!(second["points"][0]["unit"], "Cel");
    let bad = causeway(
        &[
            "pcap",
            &format!("{dir}modbus-tcp.pcap"),
            "--map",
            &format!("{dir}modbus-tcp.pcap"),
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn pcap_rejects_non_captures() {
    let out = causeway(
        &["pcap", concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a pcap"));
}

#[test]
fn decodes_an_mbus_telegram() {
    // libmbus corpus telegram ACW_Itron-BM-plus-m: record 1 is 04 13 31 D4 00 00 = 54321 l.
    let hex = "68 3C 3C 68 08 08 72 78 03 49 11 77 04 0E 16 0A 00 00 00 0C 78 78 03 49 11 04 13 31 D4 00 00 42 6C 00 00 44 13 00 00 00 00 04 6D 0B 0B CD 13 02 27 00 00 09 FD 0E 02 09 FD 0F 06 0F 00 01 75 13 D3 16";
    let out = causeway(&["decode", "--protocol", "mbus", hex], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = json(&out);
    assert_eq!(j["frame"]["c_field"], 8);
    assert_eq!(j["frame"]["address"], 8);
    assert_eq!(j["frame"]["ci"], 0x72);
    assert_eq!(j["frame"]["header"]["id"], "11490378");
    assert_eq!(j["frame"]["header"]["manufacturer"], "ACW");
    assert_eq!(j["frame"]["header"]["medium"], "cold_water");
    let volume = &j["points"][1];
    assert_eq!(
        volume["device"],
        "mbus:id=11490378,man=ACW,ver=14,med=cold_water"
    );
    assert_eq!(volume["value"], 54.321);
    assert_eq!(volume["unit"], "m3");
    assert_eq!(volume["quantity"], "volume");
    assert_eq!(
        volume["qualifiers"],
        serde_json::json!({"function": "instantaneous", "storage": 0, "tariff": 0, "subunit": 0})
    );
    assert_eq!(
        volume["timestamp"], "2014-03-13T11:11",
        "the storage-0 date-time record"
    );
    let text = causeway(
        &["decode", "--protocol", "mbus", "--format", "text", hex],
        None,
    );
    assert!(String::from_utf8_lossy(&text.stdout).contains("rec:1 = 54.321 m3 [volume]"));
}

const EPA_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/epa-s.pcap");
const EPA_CYCLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../samples/epa-macrocycle.toml"
);

#[test]
fn decodes_the_epa_profile_vector() {
    // EPA-S v1 profile: READ response over EtherType 0x88CB, FLOAT32 12.5.
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "epa-s",
            "02000000000102000000000288cbe1810000000800070020001001010008000441480000",
        ],
        None,
    );
    assert!(out.status.success());
    let j = json(&out);
    assert_eq!(j["frame"]["service_name"], "READ");
    assert_eq!(j["frame"]["body"]["value"], 12.5);
    assert_eq!(j["frame"]["eth"]["ethertype"], 0x88CB);
}

#[test]
fn pcap_decodes_epa_with_read_points_and_domains() {
    let out = causeway(&["pcap", EPA_SAMPLE], None);
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let frames = lines.iter().filter(|l| l.get("frame").is_some()).count();
    assert_eq!(frames, 16, "every packet of the sample is EPA-S");
    // The READ response (frame 5) gets the point of its request (frame 4: app 0x20, obj 0x10,
    // attr 2); the DISTRIBUTE of frame 1 its own, with the VLAN tag and the timestamp.
    let read = &lines.iter().find(|l| l["frame_number"] == 5).unwrap()["points"][0];
    assert_eq!(read["device"], "epa:app=0x0020");
    assert_eq!(read["address"], "obj=0x0010/attr=2");
    assert_eq!(read["value"], 12.5);
    let dist = lines.iter().find(|l| l["frame_number"] == 1).unwrap();
    assert_eq!(dist["frame"]["vlan"]["vid"], 10);
    assert_eq!(dist["points"][0]["value"], 21.5);
    assert_eq!(
        dist["points"][0]["timestamp"],
        "2026-01-01T00:00:00.000200000Z"
    );
    // The three DOMAIN_DOWNLOAD blocks of frames 10-12 make one domain.
    let domain = lines.iter().find(|l| l.get("domain").is_some()).unwrap();
    assert_eq!(domain["frame_number"], 12);
    assert_eq!(
        domain["domain"]["data"],
        "6361757365776179204550412d5320646f6d61696e"
    );
}

#[test]
fn schedule_reports_the_planted_violations() {
    let out = causeway(&["schedule", "--config", EPA_CYCLE, EPA_SAMPLE], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "violations make the exit status 1"
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The third cycle's DISTRIBUTE from 0x20 comes 2.5 ms in (its slot is 0-1 ms), and 0x21
    // sends an NP_END it never announced.
    assert_eq!(lines[0]["violation"], "outside_slot");
    assert_eq!(
        (lines[0]["app"].as_u64(), lines[0]["phase_ns"].as_u64()),
        (Some(0x20), Some(2_500_000))
    );
    assert_eq!(lines[1]["violation"], "end_without_announce");
    assert_eq!(lines[1]["app"], 0x21);
    assert_eq!(
        lines[2],
        serde_json::json!({"epa_frames": 16, "violations": 2})
    );
    let bad = std::env::temp_dir().join("causeway-bad-cycle.toml");
    std::fs::write(
        &bad,
        "cycle_ns = 10\n[non_periodic]\noffset_ns = 5\nlength_ns = 9\n",
    )
    .unwrap();
    let out = causeway(
        &["schedule", "--config", bad.to_str().unwrap(), EPA_SAMPLE],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not fit"));
}

const WPAN_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/wpan.pcap");
const WPAN_NOFCS_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/wpan-nofcs.pcap");
const WPAN_KEY: &str = "00112233445566778899aabbccddeeff:1";

#[test]
fn decodes_the_wpa_l_profile_vector() {
    // docs/profiles/wpa-l.md: PUBLISH from 0x0102, FLOAT32 12.5, with FCS.
    const PUBLISH: &str = "61982a3412010002010000010002010005010102080400004841523f";
    let out = causeway(&["decode", "--protocol", "wpan", PUBLISH], None);
    assert!(out.status.success());
    let j = json(&out);
    assert_eq!(j["frame"]["fcs_ok"], true);
    assert_eq!(j["frame"]["wpal"]["asl"]["service_name"], "PUBLISH");
    assert_eq!(j["points"][0]["device"], "wpan:pan=0x1234,short=0x0102");
    assert_eq!(j["points"][0]["address"], "uao:1/attr:2");
    assert_eq!(j["points"][0]["value"], 12.5);
    // Without the FCS: --no-fcs.
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "wpan",
            "--no-fcs",
            &PUBLISH[..PUBLISH.len() - 4],
        ],
        None,
    );
    assert!(out.status.success());
    assert_eq!(json(&out)["protocol"], "wpan-no-fcs");
    // The FCS is checked.
    let bad = format!("{}0000", &PUBLISH[..PUBLISH.len() - 4]);
    let out = causeway(&["decode", "--protocol", "wpan", &bad], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ieee802154 at byte 26: checksum mismatch")
    );
}

#[test]
fn secured_frames_decrypt_with_their_key() {
    // conformance-vectors/wpan.json, wpan/security/key-id-mode-3: ENC-MIC-128, key index 9.
    const SECURED: &str =
        "69d82a3412010077665544332211001f05000000b1b2b3b4b5b6b7b8095280e306067aa684dee4cb29bf02b9645278c89d79c5b770667e81a1038fbec888328e";
    let key = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf:9";
    let out = causeway(
        &["decode", "--protocol", "wpan", "--key", key, SECURED],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = json(&out);
    assert_eq!(j["frame"]["decrypted"], true);
    assert_eq!(j["frame"]["aux_security"]["level_name"], "ENC-MIC-128");
    assert_eq!(j["points"][0]["value"], 12.5);
    // Without a key the payload stays as sent.
    let out = causeway(&["decode", "--protocol", "wpan", SECURED], None);
    let j = json(&out);
    assert_eq!(
        (j["frame"]["decrypted"].clone(), j["points"].clone()),
        (serde_json::json!(false), serde_json::json!([]))
    );
    // A wrong key is an authentication error; a key for another index finds no key.
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "wpan",
            "--key",
            "00112233445566778899aabbccddeeff",
            SECURED,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["kind"], "authentication");
    let out = causeway(
        &[
            "decode",
            "--protocol",
            "wpan",
            "--key",
            "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf:1",
            SECURED,
        ],
        None,
    );
    assert_eq!(json(&out)["error"]["kind"], "unsupported");
    // Usage errors.
    for args in [
        &["decode", "--protocol", "wpan", "--key", "0011", SECURED][..],
        &["decode", "--protocol", "mbus", "--no-fcs", "e5"],
        &["pcap", WPAN_SAMPLE, "--address", "0x1234:0x0102"],
    ] {
        assert_eq!(causeway(args, None).status.code(), Some(2), "{args:?}");
    }
}

fn pcap_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let out = causeway(args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn pcap_decodes_wpan_captures_with_and_without_fcs() {
    let lines = pcap_lines(&["pcap", WPAN_SAMPLE, "--key", WPAN_KEY]);
    assert_eq!(lines.len(), 10, "nine frames and one reassembled packet");
    let at = |n: u64| lines.iter().filter(move |l| l["frame_number"] == n);
    // Frame 4 comes from short address 0x0102: its nonce takes the extended address that the
    // association response of frame 3 gave it.
    let secured = at(4).next().unwrap();
    assert_eq!(secured["frame"]["decrypted"], true);
    assert_eq!(secured["points"][0]["value"], 21.5);
    let report = &at(5).next().unwrap()["points"][0];
    assert_eq!(
        (report["address"].as_str(), report["value"].as_str()),
        (Some("uao:3/event:9"), Some("HIGH"))
    );
    let aggregate: Vec<_> = at(6).next().unwrap()["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["device"].as_str().unwrap().to_string(),
                p["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        aggregate,
        [
            ("wpan:pan=0x1234,short=0x0203".to_string(), 19.0),
            ("wpan:pan=0x1234,short=0x0204".to_string(), 23.25)
        ]
    );
    // Frames 7 and 8 are the fragments, the second first; the packet completes at frame 8.
    let whole = at(8).find(|l| l["protocol"] == "wpa-l").unwrap();
    assert_eq!(whole["frame"]["reassembled"]["length"], 10);
    assert_eq!(whole["points"][0]["address"], "uao:4/attr:7");
    assert_eq!(whole["points"][0]["value"], 1013);
    // Without FCS (link type 230) and without the key: the same frames, frame 4 undecrypted.
    let lines = pcap_lines(&["pcap", WPAN_NOFCS_SAMPLE]);
    assert_eq!(lines.len(), 10);
    assert!(lines
        .iter()
        .all(|l| l["protocol"] == "wpan-no-fcs" || l["protocol"] == "wpa-l"));
    let secured = lines.iter().find(|l| l["frame_number"] == 4).unwrap();
    assert_eq!(secured["frame"]["decrypted"], false);
    assert_eq!(secured["points"], serde_json::json!([]));
    // The key for another sender's extended address changes nothing: keys are per frame.
    let lines = pcap_lines(&[
        "pcap",
        WPAN_SAMPLE,
        "--key",
        WPAN_KEY,
        "--address",
        "0x1234:0x0203=00:00:00:00:00:00:00:01",
    ]);
    assert_eq!(
        lines.iter().find(|l| l["frame_number"] == 4).unwrap()["frame"]["decrypted"],
        true
    );
}

/// `translate` over the bundled samples: the secured WPA-L PUBLISH (21.5 °C, decrypted with the
/// sample key), the EPA-S capture's DISTRIBUTE of the set point (12.5) and the OMS example
/// telegram land in the map's points; a Modbus read answers from them.
#[test]
fn translate_feeds_the_map_from_captures_and_frames() {
    let oms = "68 3c 3c 68 08 fd 72 78 56 34 12 24 23 2a 04 26 00 00 00 0c 06 27 04 85 02 0c 13 76 34 70 00 4c 06 19 54 44 01 42 6c ff 0c 0b 3b 27 01 00 0b 2a 97 32 00 0a 5a 43 04 0a 5e 51 02 02 fd 17 00 00 c8 16";
    let mbus = format!("mbus:{oms}");
    let out = causeway(
        &[
            "translate",
            "--map",
            "../samples/gateway-map.toml",
            "--at",
            "1767225600000",
            "--key",
            "00112233445566778899aabbccddeeff:1",
            "--from",
            "pcap",
            "../samples/wpan.pcap",
            "--from",
            "pcap",
            "../samples/epa-s.pcap",
            "--from",
            "hex",
            &mbus,
            "--from",
            "hex",
            "modbus-tcp:00 07 00 00 00 06 01 04 00 00 00 02",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // FC 4 at 0..2: flow temperature 44.3 and room temperature 21.5 as i16 tenths.
    let reply = lines
        .iter()
        .find(|l| l["input"]["protocol"] == "modbus-tcp")
        .unwrap();
    assert_eq!(reply["reply"]["hex"], "00070000000701040401bb00d7");
    let points = &lines.last().unwrap()["points"];
    let value = |name: &str| {
        points
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(value("room_temperature"), 21.5);
    assert_eq!(value("setpoint"), 12.5);
    assert_eq!(value("heat_energy"), 2850427);
    // Distributes and publishes went out.
    assert!(lines
        .iter()
        .any(|l| l["outbound"]["to"] == "epa:app=0xFFFF"));
    assert!(lines
        .iter()
        .any(|l| l["outbound"]["to"] == "wpan:pan=0x1234,short=0xFFFF"));
}

/// A map with problems is refused with every problem and its line; exit status 2.
#[test]
fn translate_refuses_a_bad_map() {
    let dir = std::env::temp_dir().join(format!("causeway-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "[[point]]\nname = \"x\"\nsource = { protocol = \"bacnet\" }\n[[point.target]]\nprotocol = \"modbus\"\ntable = \"coil\"\naddress = 0\ntype = \"f32\"\n",
    )
    .unwrap();
    let out = causeway(
        &[
            "translate",
            "--map",
            path.to_str().unwrap(),
            "--from",
            "hex",
            "mbus:e5",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3: point \"x\": source: unknown protocol \"bacnet\""),
        "{err}"
    );
}
