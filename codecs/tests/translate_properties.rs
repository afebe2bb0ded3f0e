//! Property tests of the translator on the sample map: any value a source reports comes out of
//! the Modbus image in the target's type, scale and word order, and a Modbus write of any value
//! goes to the source unchanged.
//!
//! Expected registers are computed here from the map's declarations (i16 tenths of a degree,
//! float32 ABCD) with the standard library; expected EPA-S WRITE octets from the profile's
//! FLOAT32 layout (big-endian IEEE 754).

use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::translate::{Map, Translator};
use causeway_core::{Address, Decimal, Device, Point, Unit, Value, WpanAddr};
use proptest::prelude::*;

const MAP: &str = include_str!("../../samples/gateway-map.toml");
const NOW: u64 = 1_767_225_600_000;

fn translator() -> Translator {
    Translator::new(Map::from_toml(MAP).unwrap()).unwrap()
}

/// Answers a Modbus/TCP request PDU for unit 1; returns the response PDU and what it sends out.
fn ask(t: &mut Translator, pdu: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut adu = vec![0, 9, 0, 0, 0, pdu.len() as u8 + 1, 1];
    adu.extend_from_slice(pdu);
    let mut out = [0u8; 260];
    let reply = t.modbus_request(Framing::Tcp, &adu, NOW, &mut out).unwrap();
    let sent = reply.outbound.into_iter().map(|o| o.bytes).collect();
    (out[7..reply.len].to_vec(), sent)
}

proptest! {
    /// The WPA-L room temperature, any tenth of a degree in the map's range -40..85 Cel, is
    /// input register 1 as an i16 count of tenths.
    #[test]
    fn wpan_temperature_becomes_i16_tenths(tenths in -400i64..=850) {
        let mut t = translator();
        let mut p = Point::new(
            Device::Wpan { pan: 0x1234, addr: WpanAddr::Short(0x0102) },
            Address::Wpan { uao: 1, attr: 2 },
            Value::Decimal(Decimal::new(tenths, -1)),
        );
        p.unit = Some("Cel".parse::<Unit>().unwrap());
        prop_assert_eq!(t.ingest_point(&p, NOW), 1);
        let (pdu, _) = ask(&mut t, &[4, 0, 1, 0, 1]);
        let mut expect = vec![4, 2];
        expect.extend_from_slice(&(tenths as i16).to_be_bytes());
        prop_assert_eq!(pdu, expect);
    }

    /// The EPA-S set point, any float32 in 0..100 Cel, is holding 10..12 as float32 ABCD; writing
    /// any such float32 there sends an EPA-S WRITE carrying exactly that float32.
    #[test]
    fn epa_setpoint_reads_and_writes_as_float32(x in 0f32..=100.0, y in 0f32..=100.0) {
        let mut t = translator();
        let p = Point::new(
            Device::Epa { app: 0x0020 },
            Address::Epa { obj: 0x0010, attr: 2 },
            Value::Float(f64::from(x)),
        );
        prop_assert_eq!(t.ingest_point(&p, NOW), 1);
        let (pdu, _) = ask(&mut t, &[3, 0, 10, 0, 2]);
        prop_assert_eq!(&pdu[2..], &x.to_be_bytes()[..]);
        let mut write = vec![0x10, 0, 10, 0, 2, 4];
        write.extend_from_slice(&y.to_be_bytes());
        let (pdu, sent) = ask(&mut t, &write);
        prop_assert_eq!(pdu, vec![0x10, 0, 10, 0, 2]);
        prop_assert_eq!(sent.len(), 1);
        // WRITE body: obj, attr, FLOAT32 (0x08), length 4, the value.
        let body = &sent[0][12..];
        prop_assert_eq!(&body[..7], &[0x00, 0x10, 0x00, 0x02, 0x08, 0x00, 0x04][..]);
        prop_assert_eq!(&body[7..], &y.to_be_bytes()[..]);
    }
}
