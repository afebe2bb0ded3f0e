//! WPA-L payloads to canonical points (`wpan:pan=0x1234,short=0x0102/uao:1/attr:2`).
//!
//! A PUBLISH or READ_RSP is a point of its sender (the NL source address) at the sending UAO
//! and the attribute it names; a READ_RSP with a non-zero status is a Bad point carrying the
//! status. A REPORT is the point `uao:…/event:…` of its sender. Each PDU of an aggregate is a
//! point of its own original sender.

use causeway_core::{Address, Device, Point, Quality, Reason, Value, WpanAddr};

use super::asl::{AslPdu, Body};
use super::packet::{NlBody, Packet};

/// The points of one PDU sent by NL address `src` in `pan`.
pub fn pdu_points<'a>(pan: u16, src: u16, pdu: &AslPdu<'a>, mut sink: impl FnMut(Point<'a>)) {
    let device = Device::Wpan {
        pan,
        addr: WpanAddr::Short(src),
    };
    let uao = pdu.header.src_uao;
    match &pdu.body {
        Body::Publish { attr, value } => {
            sink(value.point(device, Address::Wpan { uao, attr: *attr }, Quality::GOOD));
        }
        Body::ReadRsp {
            status,
            attr,
            value,
        } => {
            let address = Address::Wpan { uao, attr: *attr };
            if *status == 0 {
                sink(value.point(device, address, Quality::GOOD));
            } else {
                let mut p = Point::new(device, address, Value::Null);
                p.quality = Quality::bad(Reason::ProtocolError, Some(u32::from(*status)));
                sink(p);
            }
        }
        Body::Report {
            event_id, value, ..
        } => {
            let address = Address::WpanEvent {
                uao,
                event: *event_id,
            };
            sink(value.point(device, address, Quality::GOOD));
        }
        _ => {}
    }
}

/// The points of an NL body sent by NL address `src` in `pan` (aggregates: one per PDU, with
/// the PDU's own sender).
pub fn body_points<'a>(pan: u16, src: u16, body: &NlBody<'a>, mut sink: impl FnMut(Point<'a>)) {
    match body {
        NlBody::Pdu(pdu) => pdu_points(pan, src, pdu, sink),
        NlBody::Aggregate(a) => {
            for e in a.iter() {
                pdu_points(pan, e.src, &e.pdu, &mut sink);
            }
        }
        NlBody::Command(_) | NlBody::Fragment(_) => {}
    }
}

/// The points of a WPA-L payload in `pan`.
pub fn packet_points<'a>(pan: u16, packet: &Packet<'a>, sink: impl FnMut(Point<'a>)) {
    if let Packet::Data(n) = packet {
        body_points(pan, n.header.src, &n.body, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    fn points(bytes: &[u8]) -> Vec<Point<'_>> {
        let p = Packet::parse(bytes, 0).unwrap();
        let mut out = Vec::new();
        packet_points(0x1234, &p, |pt| out.push(pt));
        out
    }

    #[test]
    fn publish_read_rsp_report() {
        let publish = [0, 0, 1, 0, 2, 1, 0x00, 5, 1, 1, 2, 8, 4, 0, 0, 0x48, 0x41];
        let p = points(&publish);
        assert_eq!(p.len(), 1);
        assert_eq!(
            std::format!("{}/{}", p[0].device, p[0].address),
            "wpan:pan=0x1234,short=0x0102/uao:1/attr:2"
        );
        assert_eq!(p[0].value, Value::Float(12.5));
        let bad = [0, 0, 1, 0, 2, 1, 0x02, 5, 3, 1, 4, 2, 5, 1, 0];
        let p = points(&bad);
        assert_eq!(
            (p[0].value.clone(), p[0].quality.code),
            (Value::Null, Some(4))
        );
        let report = [0, 0, 1, 0, 2, 1, 0x05, 5, 3, 1, 9, 0, 1, 0, 0, 0, 1, 1, 1];
        let p = points(&report);
        assert_eq!(p[0].address.to_string(), "uao:3/event:9");
        assert_eq!(p[0].value, Value::Bool(true));
    }

    #[test]
    fn aggregates_use_the_inner_source() {
        let agg = [
            0, 1, 1, 0, 0x10, 0, 2, 3, 2, 8, 0, 1, 4, 1, 2, 5, 1, 7, 4, 2, 8, 0, 2, 5, 1, 2, 5, 1,
            9,
        ];
        let p = points(&agg);
        let names: Vec<_> = p
            .iter()
            .map(|p| std::format!("{}/{}", p.device, p.address))
            .collect();
        assert_eq!(
            names,
            [
                "wpan:pan=0x1234,short=0x0203/uao:4/attr:2",
                "wpan:pan=0x1234,short=0x0204/uao:5/attr:2"
            ]
        );
    }
}
