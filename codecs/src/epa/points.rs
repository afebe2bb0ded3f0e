//! EPA-S frames to canonical points (`epa:app=0x0020/obj=0x0010/attr=2`).
//!
//! A DISTRIBUTE is a point of its publisher (`src_app`) at the object and attribute it names,
//! with the quality of its quality octet and the timestamp of `ts_ns`; an EVENT_NOTIFY is the
//! point `obj=…/event=…` of its sender. A READ response does not repeat the attribute it
//! answers, so its point comes from the request and response together ([`exchange_points`]),
//! at the server (`dst_app` of the request).

use causeway_core::{Address, DateTime, Device, Point, Quality, Reason, Severity, Value};

use super::body::{Body, Status};
use super::header::Header;

/// The quality of a DISTRIBUTE quality octet: bit 7 set is good (0xC0; 0x80 too), bit 6 alone
/// uncertain (0x40), neither bad (0x00); the octet is kept as the quality's code.
pub fn quality(octet: u8) -> Quality {
    let (severity, reason) = match octet >> 6 {
        2 | 3 => (Severity::Good, Reason::None),
        1 => (Severity::Uncertain, Reason::Other),
        _ => (Severity::Bad, Reason::Other),
    };
    Quality {
        severity,
        reason,
        code: Some(u32::from(octet)),
    }
}

/// A `ts_ns` as a UTC date-time (nanoseconds since 1970-01-01; see
/// [`DateTime::from_unix_nanos`] on the TAI offset).
pub fn timestamp(ts_ns: u64) -> Option<DateTime> {
    i64::try_from(ts_ns).ok().map(DateTime::from_unix_nanos)
}

/// Points a single frame carries: a DISTRIBUTE or an EVENT_NOTIFY.
pub fn frame_points<'a>(header: &Header, body: &Body<'a>, mut sink: impl FnMut(Point<'a>)) {
    let device = Device::Epa {
        app: header.src_app,
    };
    match body {
        Body::Distribute {
            attr,
            quality: q,
            ts_ns,
            value,
        } => {
            let address = Address::Epa {
                obj: header.dst_obj,
                attr: *attr,
            };
            let mut p = value.point(device, address, quality(*q));
            p.timestamp = timestamp(*ts_ns);
            sink(p);
        }
        Body::EventNotify {
            event_id,
            ts_ns,
            value,
            ..
        } => {
            let address = Address::EpaEvent {
                obj: header.dst_obj,
                event: *event_id,
            };
            let mut p = value.point(device, address, Quality::GOOD);
            p.timestamp = timestamp(*ts_ns);
            sink(p);
        }
        _ => {}
    }
}

/// The point a READ response gives together with its request: at the server and the object
/// and attribute the request named; a non-zero status is a Bad point carrying the status.
pub fn exchange_points<'a>(
    request: (&Header, &Body<'_>),
    response: &Body<'a>,
    mut sink: impl FnMut(Point<'a>),
) {
    let (Body::Read { attr }, Body::ReadResponse(reply)) = (request.1, response) else {
        return;
    };
    let device = Device::Epa {
        app: request.0.dst_app,
    };
    let address = Address::Epa {
        obj: request.0.dst_obj,
        attr: *attr,
    };
    match (reply.status, &reply.value) {
        (Status::OK, Some(value)) => sink(value.point(device, address, Quality::GOOD)),
        (status, _) => {
            let mut p = Point::new(device, address, Value::Null);
            p.quality = Quality::bad(Reason::ProtocolError, Some(u32::from(status.0)));
            sink(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epa::body::Reply;
    use crate::epa::header::{Flags, Service};
    use crate::fieldbus::TypedValue;

    fn header(service: Service) -> Header {
        Header {
            service,
            flags: Flags::empty(),
            body_len: 0,
            msg_id: 7,
            src_app: 0x20,
            dst_app: 0x10,
            dst_obj: 0x0101,
        }
    }

    #[test]
    fn distribute_point_with_quality_and_time() {
        let body = Body::Distribute {
            attr: 2,
            quality: 0x40,
            ts_ns: 1_709_296_205_000_000_123,
            value: TypedValue::Float32(12.5),
        };
        let mut points = std::vec::Vec::new();
        frame_points(&header(Service::request(3)), &body, |p| points.push(p));
        let p = &points[0];
        assert_eq!(
            std::format!("{}", p.id()),
            "epa:app=0x0020/obj=0x0101/attr=2"
        );
        assert_eq!(
            (p.value.clone(), p.quality.severity),
            (Value::Float(12.5), Severity::Uncertain)
        );
        assert_eq!(
            std::format!("{}", p.timestamp.unwrap()),
            "2024-03-01T12:30:05.000000123Z"
        );
        assert_eq!(quality(0xC0).severity, Severity::Good);
        assert_eq!(quality(0x00).severity, Severity::Bad);
    }

    #[test]
    fn read_exchange_points() {
        let req = Body::Read { attr: 2 };
        let ok = Body::ReadResponse(Reply {
            status: Status::OK,
            value: Some(TypedValue::UInt16(7)),
        });
        let denied = Body::ReadResponse(Reply {
            status: Status(4),
            value: None,
        });
        let mut points = std::vec::Vec::new();
        let h = header(Service::request(1));
        exchange_points((&h, &req), &ok, |p| points.push(p));
        exchange_points((&h, &req), &denied, |p| points.push(p));
        assert_eq!(
            std::format!("{}", points[0].id()),
            "epa:app=0x0010/obj=0x0101/attr=2"
        );
        assert_eq!(points[0].value, Value::UInt(7));
        assert_eq!(
            (points[1].quality.severity, points[1].quality.code),
            (Severity::Bad, Some(4))
        );
    }
}
