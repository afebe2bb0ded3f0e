//! The translator end to end: map validation, ingest of every protocol, the Modbus server,
//! writes turned into source requests, DISTRIBUTE / PUBLISH and READ_REQ.
//!
//! Inputs are conformance vectors (the libmbus OMS example telegram, the EPA-S and WPA-L profile
//! vectors); expected register contents are computed with the standard library from the values
//! libmbus and the profiles state; expected outbound frames are written out by hand from the
//! profiles and EN 13757-2, with CRC-16/KERMIT from the `crc` crate.

use causeway_codecs::ieee802154::Fcs;
use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::translate::{Destination, Input, Map, StatusCode, Translator};

const MAP: &str = include_str!("../../samples/gateway-map.toml");

/// libmbus test corpus `oms_frame3`: meter 12345678 (HYD), 2850427000 Wh, 703.476 m3,
/// flow temperature 44.3 °C.
const OMS_FRAME3: &str = "68 3c 3c 68 08 fd 72 78 56 34 12 24 23 2a 04 26 00 00 00 0c 06 27 04 85 02 0c 13 76 34 70 00 4c 06 19 54 44 01 42 6c ff 0c 0b 3b 27 01 00 0b 2a 97 32 00 0a 5a 43 04 0a 5e 51 02 02 fd 17 00 00 c8 16";

/// docs/profiles/wpa-l.md: PUBLISH from 0x0102 (UAO 1), attr 2, FLOAT32 12.5.
const WPAL_PUBLISH: &str = "61982a3412010002010000010002010005010102080400004841523f";

/// conformance-vectors/epa-s.json `epa-s/raw/distribute`: app 0x0020, obj 0x0010, attr 2,
/// FLOAT32 12.5, quality 0xC0.
const EPA_DISTRIBUTE: &str = "02 00 00 00 00 01 02 00 00 00 00 02 88 cb e1 03 c0 00 00 12 00 07 00 20 ff ff 00 10 00 02 08 c0 18 86 72 51 f5 55 cd 15 00 04 41 48 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00";

const T0: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn hex(s: &str) -> Vec<u8> {
    causeway_codecs::registry::parse_hex(s).unwrap()
}

fn translator() -> Translator {
    Translator::new(Map::from_toml(MAP).unwrap()).unwrap()
}

fn fed() -> Translator {
    let mut t = translator();
    assert_eq!(t.ingest(Input::MBus(&hex(OMS_FRAME3)), T0).unwrap(), 3);
    let publish = hex(WPAL_PUBLISH);
    let n = t
        .ingest(
            Input::Wpan {
                psdu: &publish,
                fcs: Fcs::Present,
            },
            T0,
        )
        .unwrap();
    assert_eq!(n, 1);
    let epa = hex(EPA_DISTRIBUTE);
    let n = t
        .ingest(
            Input::EpaFrame {
                frame: &epa,
                port: 35004,
            },
            T0,
        )
        .unwrap();
    assert_eq!(n, 1);
    t
}

/// A Modbus/TCP request ADU: transaction 1, unit `unit`, PDU `pdu`.
fn tcp(unit: u8, pdu: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 1, 0, 0, 0, pdu.len() as u8 + 1, unit];
    v.extend_from_slice(pdu);
    v
}

/// Sends a TCP request and returns the response PDU (after the MBAP header).
fn ask(t: &mut Translator, pdu: &[u8], now: u64) -> Vec<u8> {
    let mut out = [0u8; 260];
    let reply = t
        .modbus_request(Framing::Tcp, &tcp(1, pdu), now, &mut out)
        .unwrap();
    assert_eq!(&out[..2], &[0, 1], "transaction id echoed");
    assert_eq!(out[6], 1, "unit echoed");
    out[7..reply.len].to_vec()
}

fn cdab(v: f32) -> [u8; 4] {
    let b = v.to_be_bytes();
    [b[2], b[3], b[0], b[1]]
}

#[test]
fn sample_map_is_valid() {
    let map = Map::from_toml(MAP).unwrap();
    assert_eq!(map.points.len(), 6);
    assert_eq!(map.stale_after_ms, Some(900_000));
    assert_eq!(map.epa.cycle_ms, Some(10_000));
}

#[test]
fn validation_reports_every_problem_with_its_line() {
    let text = r#"
[[point]]
name = "a"
unit = "kWh"
source = { protocol = "mbuss", id = "12345678", quantity = "energy" }
[[point.target]]
protocol = "modbus"
table = "holding"
address = 0
type = "f32"

[[point]]
name = "b"
unit = "kWh"
range = [0, 100000]
source = { protocol = "mbus", id = "12345678", quantity = "energy" }
[[point.target]]
protocol = "modbus"
table = "holding"
address = 1
type = "u16"
unit = "Wh"
[[point.target]]
protocol = "epa"
obj = 1
attr = 1
type = "FLOAT32"
unit = "Cel"

[[point]]
name = "c"
source = { protocol = "epa", app = 1, obj = 2, attr = 3 }
[[point.target]]
protocol = "modbus"
table = "holding"
address = 0
type = "u32"
[[point.target]]
protocol = "profinet"
"#;
    let errors = Map::from_toml(text).unwrap_err();
    let got: Vec<(usize, String)> = errors.iter().map(|e| (e.line, e.to_string())).collect();
    let expect = [
        (5, "unknown protocol \"mbuss\""),
        (
            17,
            "type u16 (0 to 65535) is too small for the range 0 to 100000",
        ),
        (23, "unit kWh does not convert to Cel"),
        (33, "holding registers 0..2 overlap 1..2 of point \"b\""),
        (38, "unknown protocol \"profinet\""),
    ];
    for (line, text) in expect {
        assert!(
            got.iter().any(|(l, m)| *l == line && m.contains(text)),
            "missing line {line}: {text}\n got {got:#?}"
        );
    }
    assert_eq!(got.len(), expect.len(), "{got:#?}");
}

#[test]
fn mbus_values_serve_as_registers_in_the_mapped_types() {
    let mut t = fed();
    // FC 3, registers 0..4: energy f32 CDAB in kWh, volume u32 in litres.
    let pdu = ask(&mut t, &[3, 0, 0, 0, 4], T0);
    let mut expect = vec![3, 8];
    expect.extend_from_slice(&cdab(2_850_427.0));
    expect.extend_from_slice(&703_476u32.to_be_bytes());
    assert_eq!(pdu, expect);
    // FC 4: flow temperature and the WPA-L room temperature, i16 tenths of a degree.
    let pdu = ask(&mut t, &[4, 0, 0, 0, 2], T0);
    assert_eq!(pdu, [4, 4, 0x01, 0xBB, 0x00, 0x7D]); // 443, 125
                                                     // The EPA-S set point, f32 ABCD.
    let pdu = ask(&mut t, &[3, 0, 10, 0, 2], T0);
    assert_eq!(pdu, [3, 4, 0x41, 0x48, 0x00, 0x00]);
    // Status registers: 0 = good.
    assert_eq!(ask(&mut t, &[3, 0, 100, 0, 2], T0), [3, 4, 0, 0, 0, 0]);
}

#[test]
fn the_same_image_over_rtu_and_ascii() {
    let mut t = fed();
    let mut out = [0u8; 600];
    let crc = crc::Crc::<u16>::new(&crc::CRC_16_MODBUS);
    let rtu = |body: &[u8]| {
        let mut v = body.to_vec();
        v.extend_from_slice(&crc.checksum(body).to_le_bytes());
        v
    };
    // RTU read of holding 10..12 from unit 1.
    let reply = t
        .modbus_request(Framing::Rtu, &rtu(&[1, 3, 0, 10, 0, 2]), T0, &mut out)
        .unwrap();
    assert_eq!(&out[..reply.len], &rtu(&[1, 3, 4, 0x41, 0x48, 0, 0])[..]);
    // ASCII: 10 registers from 0 cross the gap at 4..10 -> exception 02.
    // LRC of 01 03 00 00 00 0A is -(14) = F2; of 01 83 02 is 7A.
    let reply = t
        .modbus_request(Framing::Ascii, b":01030000000AF2\r\n", T0, &mut out)
        .unwrap();
    assert_eq!(&out[..reply.len], b":0183027A\r\n");
    // A serial request for another unit gets no reply.
    let reply = t
        .modbus_request(Framing::Rtu, &rtu(&[2, 3, 0, 10, 0, 2]), T0, &mut out)
        .unwrap();
    assert_eq!(reply.len, 0);
}

#[test]
fn exceptions_for_gaps_bad_and_stale_points_and_unknown_functions() {
    let mut t = fed();
    // Registers 4..10 belong to no target.
    assert_eq!(ask(&mut t, &[3, 0, 4, 0, 1], T0), [0x83, 0x02]);
    // FC 8 is not served.
    assert_eq!(ask(&mut t, &[8, 0, 0, 0xA5, 0x37], T0), [0x88, 0x01]);
    // Quantity 0 is an illegal data value.
    assert_eq!(ask(&mut t, &[3, 0, 0, 0, 0], T0), [0x83, 0x03]);
    // 15 minutes later the energy is stale: exception 04, status register 3.
    let later = T0 + 900_001;
    assert_eq!(ask(&mut t, &[3, 0, 0, 0, 2], later), [0x83, 0x04]);
    assert_eq!(ask(&mut t, &[3, 0, 100, 0, 1], later), [3, 2, 0, 3]);
    // The flow temperature says on_bad = "keep": last value, status 3.
    assert_eq!(ask(&mut t, &[4, 0, 0, 0, 1], later), [4, 2, 0x01, 0xBB]);
    assert_eq!(ask(&mut t, &[4, 0, 10, 0, 1], later), [4, 2, 0, 3]);
    // Another unit over TCP: gateway path unavailable.
    let mut out = [0u8; 260];
    let r = t
        .modbus_request(Framing::Tcp, &tcp(7, &[3, 0, 0, 0, 1]), T0, &mut out)
        .unwrap();
    assert_eq!(&out[7..r.len], &[0x83, 0x0A]);
    // A fresh translator has no data yet: exception 04, status 4.
    let mut empty = translator();
    assert_eq!(ask(&mut empty, &[3, 0, 0, 0, 2], T0), [0x83, 0x04]);
    assert_eq!(ask(&mut empty, &[3, 0, 100, 0, 1], T0), [3, 2, 0, 4]);
}

#[test]
fn device_identification_basic_regular_and_individual() {
    let mut t = translator();
    // FC 43 / MEI 14, read code 1 (basic), from object 0.
    let pdu = ask(&mut t, &[0x2B, 0x0E, 1, 0], T0);
    let mut expect = vec![0x2B, 0x0E, 1, 0x82, 0, 0, 3];
    for (id, v) in [(0u8, "causeway"), (1, "CW-GW"), (2, "1.0")] {
        expect.extend_from_slice(&[id, v.len() as u8]);
        expect.extend_from_slice(v.as_bytes());
    }
    assert_eq!(pdu, expect);
    // Read code 2 (regular) adds the product and model names (objects 4 and 5).
    let pdu = ask(&mut t, &[0x2B, 0x0E, 2, 0], T0);
    assert_eq!(pdu[6], 5);
    assert!(pdu.ends_with(b"\x05\x0atranslator"));
    // Read code 4: one object; an absent one is exception 02.
    let pdu = ask(&mut t, &[0x2B, 0x0E, 4, 4], T0);
    assert_eq!(
        pdu,
        [
            &[0x2B, 0x0E, 4, 0x82, 0, 0, 1, 4, 16][..],
            b"causeway gateway"
        ]
        .concat()
    );
    assert_eq!(ask(&mut t, &[0x2B, 0x0E, 4, 3], T0), [0xAB, 0x02]);
}

#[test]
fn a_register_write_becomes_an_epa_s_write_request() {
    let mut t = fed();
    let mut out = [0u8; 260];
    // FC 16: holding 10..12 = 21.5 as f32 ABCD (0x41AC0000).
    let req = tcp(1, &[0x10, 0, 10, 0, 2, 4, 0x41, 0xAC, 0x00, 0x00]);
    let reply = t.modbus_request(Framing::Tcp, &req, T0, &mut out).unwrap();
    assert_eq!(&out[7..reply.len], &[0x10, 0, 10, 0, 2]);
    assert_eq!(reply.outbound.len(), 1);
    let o = &reply.outbound[0];
    assert_eq!(o.destination, Destination::Epa { app: 0x0020 });
    // profile: e1, WRITE (0x02), confirmed, reserved, body_len 9, msg_id 0, src 0x0100,
    // dst 0x0020, obj 0x0010 | attr 2, FLOAT32 (8), len 4, 21.5.
    assert_eq!(
        o.bytes,
        hex("e1 02 01 00 00 09 00 00 01 00 00 20 00 10 00 02 08 00 04 41 ac 00 00")
    );
    // Writing half of the float is merged with the current image: 0x4148_0001.
    let req = tcp(1, &[0x06, 0, 11, 0x00, 0x01]);
    let reply = t.modbus_request(Framing::Tcp, &req, T0, &mut out).unwrap();
    let body = &reply.outbound[0].bytes[14..];
    assert_eq!(body, hex("00 02 08 00 04 41 48 00 01"));
    // Registers of a read-only point cannot be written.
    let req = tcp(1, &[0x06, 0, 0, 0, 1]);
    let reply = t.modbus_request(Framing::Tcp, &req, T0, &mut out).unwrap();
    assert_eq!(&out[7..reply.len], &[0x86, 0x02]);
    assert!(reply.outbound.is_empty());
}

#[test]
fn a_coil_write_becomes_a_wpa_l_write_req() {
    let mut t = fed();
    let mut out = [0u8; 260];
    let req = tcp(1, &[0x05, 0, 0, 0xFF, 0x00]);
    let reply = t.modbus_request(Framing::Tcp, &req, T0, &mut out).unwrap();
    assert_eq!(&out[7..reply.len], &[0x05, 0, 0, 0xFF, 0x00]);
    let o = &reply.outbound[0];
    assert_eq!(
        o.destination,
        Destination::Wpan {
            pan: 0x1234,
            short: 0x0102
        }
    );
    // 802.15.4-2006 data, ack request, PAN ID compression, short addresses (FCF 0x9861),
    // seq 0, PAN 0x1234, dst 0x0102, src 0x0001; DLSL data; NL data 0x0102 <- 0x0001;
    // ASL WRITE_REQ (3) with ack (0x08), seq 0, UAO 1 -> 3; attr 1, BOOLEAN, len 1, 1.
    let body = hex("61 98 00 34 12 02 01 01 00 00 00 02 01 01 00 0b 00 01 03 01 01 01 01");
    let crc = crc::Crc::<u16>::new(&crc::CRC_16_KERMIT);
    let mut expect = body.clone();
    expect.extend_from_slice(&crc.checksum(&body).to_le_bytes());
    assert_eq!(o.bytes, expect);
}

#[test]
fn publish_on_change_on_cycle_and_when_stale() {
    let mut t = fed();
    let mut sent = Vec::new();
    t.publish(T0, |o| sent.push(o)).unwrap();
    // EPA-S: heat energy (obj 0x10 attr 1) and room temperature (attr 2); WPA-L: flow temperature.
    let epa: Vec<_> = sent
        .iter()
        .filter(|o| matches!(o.destination, Destination::Epa { .. }))
        .collect();
    let wpan: Vec<_> = sent
        .iter()
        .filter(|o| matches!(o.destination, Destination::Wpan { .. }))
        .collect();
    assert_eq!((epa.len(), wpan.len()), (2, 1));
    // DISTRIBUTE of 2850.427 MWh as FLOAT64, quality 0xC0, ts = arrival.
    let e = &epa[0].bytes;
    assert_eq!(&e[..2], &[0xE1, 0x03]);
    assert_eq!(&e[8..14], &[0x01, 0x00, 0xFF, 0xFF, 0x00, 0x10]);
    assert_eq!(&e[14..17], &[0x00, 0x01, 0x42]);
    assert_eq!(e[17], 0xC0);
    assert_eq!(&e[18..26], &(T0 * 1_000_000).to_be_bytes());
    assert_eq!(&e[26..28], &[0, 8]);
    assert_eq!(f64::from_be_bytes(e[28..36].try_into().unwrap()), 2850.427);
    // Room temperature 12.5 Cel as FLOAT32 kelvin.
    let r = &epa[1].bytes;
    assert_eq!(f32::from_be_bytes(r[28..32].try_into().unwrap()), 285.65);
    // PUBLISH of the flow temperature in kelvin, little-endian FLOAT32, from UAO 2.
    let w = &wpan[0].bytes;
    let n = w.len();
    assert_eq!(
        &w[n - 2 - 4 - 7..n - 2 - 4],
        &[0x00, 0x00, 0x02, 0x01, 0x01, 0x08, 0x04]
    );
    assert_eq!(
        f32::from_le_bytes(w[n - 6..n - 2].try_into().unwrap()),
        317.45
    );
    // Nothing changed: nothing to send.
    sent.clear();
    t.publish(T0 + 1000, |o| sent.push(o)).unwrap();
    assert!(sent.is_empty());
    // The EPA-S cycle (10 s) came round: DISTRIBUTE again, WPA-L (no cycle) stays quiet.
    t.publish(T0 + 10_000, |o| sent.push(o)).unwrap();
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|o| matches!(o.destination, Destination::Epa { .. })));
    // Stale: DISTRIBUTE with quality 0x44, no PUBLISH.
    sent.clear();
    t.publish(T0 + 900_001, |o| sent.push(o)).unwrap();
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|o| o.bytes[17] == StatusCode::Stale.quality_octet()));
}

#[test]
fn wpa_l_read_req_is_answered_from_the_attribute_table() {
    let mut t = fed();
    let crc = crc::Crc::<u16>::new(&crc::CRC_16_KERMIT);
    let frame = |uao: u8, attr: u8| {
        // From 0x0102 to the gateway 0x0001: READ_REQ, UAO 5 -> `uao`, attribute `attr`.
        let mut b = hex("61 98 07 34 12 01 00 02 01 00 00 01 00 02 01 01 09 05");
        b.extend_from_slice(&[uao, attr]);
        let c = crc.checksum(&b);
        b.extend_from_slice(&c.to_le_bytes());
        b
    };
    let rsp = t
        .wpan_request(&frame(2, 1), Fcs::Present, T0)
        .unwrap()
        .unwrap();
    let n = rsp.len();
    // READ_RSP (2), seq 9, UAO 2 -> 5, status 0, attr 1, FLOAT32 len 4, 317.45 K.
    assert_eq!(
        &rsp[n - 2 - 4 - 8..n - 2 - 4],
        &[0x02, 0x09, 0x02, 0x05, 0x00, 0x01, 0x08, 0x04]
    );
    assert_eq!(
        f32::from_le_bytes(rsp[n - 6..n - 2].try_into().unwrap()),
        317.45
    );
    assert_eq!(
        &rsp[5..9],
        &[0x02, 0x01, 0x01, 0x00],
        "to 0x0102 from 0x0001"
    );
    // Unknown attribute: status 0x81; stale point: 0x83.
    // The body is then `status, attr, OCTET_STRING (0x0A), len 0`, before the FCS.
    let rsp = t
        .wpan_request(&frame(2, 9), Fcs::Present, T0)
        .unwrap()
        .unwrap();
    assert_eq!(&rsp[rsp.len() - 6..rsp.len() - 2], &[0x81, 9, 0x0A, 0]);
    let rsp = t
        .wpan_request(&frame(2, 1), Fcs::Present, T0 + 900_001)
        .unwrap()
        .unwrap();
    assert_eq!(&rsp[rsp.len() - 6..rsp.len() - 2], &[0x83, 1, 0x0A, 0]);
}

#[test]
fn modbus_sources_read_through_an_exchange() {
    let text = r#"
[[point]]
name = "pressure"
unit = "kPa"
source = { protocol = "modbus", unit_id = 17, table = "holding", address = 100, type = "f32", byte_order = "DCBA", unit = "bar" }
[[point.target]]
protocol = "modbus"
table = "input"
address = 0
type = "u16"
unit = "kPa"
"#;
    let mut t = Translator::new(Map::from_toml(text).unwrap()).unwrap();
    // Request: unit 17, FC 3, 100, 2. Response: 1.5 bar as DCBA (0x3FC00000 reversed).
    let req = [0, 5, 0, 0, 0, 6, 17, 3, 0, 100, 0, 2];
    let resp = [0, 5, 0, 0, 0, 7, 17, 3, 4, 0x00, 0x00, 0xC0, 0x3F];
    let n = t
        .ingest(
            Input::ModbusExchange {
                framing: Framing::Tcp,
                request: &req,
                response: &resp,
            },
            T0,
        )
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(ask(&mut t, &[4, 0, 0, 0, 1], T0), [4, 2, 0, 150]);
}

#[test]
fn mbus_writes_go_out_as_snd_ud() {
    let text = r#"
[[point]]
name = "limit"
unit = "kWh"
writable = true
source = { protocol = "mbus", primary = 5, quantity = "energy", write = { address = 5, vib = "06", data_field = 4 } }
[[point.target]]
protocol = "modbus"
table = "holding"
address = 0
type = "u32"
unit = "kWh"
"#;
    let mut t = Translator::new(Map::from_toml(text).unwrap()).unwrap();
    let mut out = [0u8; 260];
    // 1234 kWh; VIF 06 is energy in kWh (10^3 Wh).
    let req = tcp(1, &[0x10, 0, 0, 0, 2, 4, 0, 0, 0x04, 0xD2]);
    let reply = t.modbus_request(Framing::Tcp, &req, T0, &mut out).unwrap();
    // EN 13757-2: 68 L L 68, C = SND_UD (0x53), A = 5, CI = 51, DIF 04, VIF 06, 1234 LE,
    // checksum = sum of C..data mod 256, 16.
    let user = [0x53u8, 0x05, 0x51, 0x04, 0x06, 0xD2, 0x04, 0x00, 0x00];
    let sum = user.iter().fold(0u8, |a, b| a.wrapping_add(*b));
    let mut expect = vec![0x68, 9, 9, 0x68];
    expect.extend_from_slice(&user);
    expect.extend_from_slice(&[sum, 0x16]);
    assert_eq!(reply.outbound[0].bytes, expect);
    assert_eq!(
        reply.outbound[0].destination,
        Destination::MBus { address: 5 }
    );
    // A float is rounded to the VIF's step: 1234.6 kWh is 1235 (0x04D3) in kWh.
    let o = t
        .write_request(
            0,
            &causeway_core::Value::Float(1234.6),
            Some("kWh".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(&o.bytes[9..13], &[0xD3, 0x04, 0x00, 0x00]);
}
