//! ASL PDUs: the ASL header and every service's body (`docs/profiles/wpa-l.md`, "ASL
//! services"); values use the shared data types ([`crate::fieldbus`]) little-endian.
//!
//! | code | service | body |
//! |---|---|---|
//! | 0 | PUBLISH | `attr u8, type u8, len u8, value` |
//! | 1 | READ_REQ | `attr u8` |
//! | 2 | READ_RSP | `status u8, attr u8, type u8, len u8, value` |
//! | 3 | WRITE_REQ | `attr u8, type u8, len u8, value` |
//! | 4 | WRITE_RSP | `status u8` |
//! | 5 | REPORT | `event_id u16, ts_ms u32, type u8, len u8, value` |
//! | 6 | REPORT_ACK | `event_id u16` |
//!
//! A body must fill its PDU exactly; `len` must be the octets that remain.

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::fieldbus::{Order, TypedValue};

use super::header::{AslHeader, Service};

const L: Layer = Layer::Wpal;

/// A service body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Body<'a> {
    /// PUBLISH.
    Publish {
        /// Attribute.
        attr: u8,
        /// Value.
        value: TypedValue<'a>,
    },
    /// READ_REQ.
    ReadReq {
        /// Attribute.
        attr: u8,
    },
    /// READ_RSP.
    ReadRsp {
        /// 0 success; anything else is an error code.
        status: u8,
        /// Attribute.
        attr: u8,
        /// Value.
        value: TypedValue<'a>,
    },
    /// WRITE_REQ.
    WriteReq {
        /// Attribute.
        attr: u8,
        /// Value.
        value: TypedValue<'a>,
    },
    /// WRITE_RSP.
    WriteRsp {
        /// 0 success.
        status: u8,
    },
    /// REPORT.
    Report {
        /// Event id.
        event_id: u16,
        /// The device's millisecond timestamp.
        ts_ms: u32,
        /// Value.
        value: TypedValue<'a>,
    },
    /// REPORT_ACK.
    ReportAck {
        /// Event id.
        event_id: u16,
    },
}

/// One ASL PDU.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AslPdu<'a> {
    /// Header.
    pub header: AslHeader,
    /// Body.
    pub body: Body<'a>,
}

/// Reads `type u8, len u8, value[len]`, with `len` the octets that remain.
fn typed<'a>(r: &mut Reader<'a>, base: usize) -> Result<TypedValue<'a>> {
    let shift = |e: Error| e.shifted(base);
    let code = r.u8().map_err(shift)?;
    let len_at = r.pos();
    let len = usize::from(r.u8().map_err(shift)?);
    TypedValue::read(r, code, len, len_at, true, Order::Little, base)
}

fn write_typed(v: &TypedValue<'_>, w: &mut Writer<'_>) -> Result<()> {
    let len = u8::try_from(v.len()).map_err(|_| {
        Error::new(
            L,
            w.pos(),
            ErrorKind::Oversize {
                limit: 255,
                found: v.len(),
            },
        )
    })?;
    w.u8(v.code())?;
    w.u8(len)?;
    v.emit(Order::Little, w)
}

impl<'a> AslPdu<'a> {
    /// Parses a PDU that fills `bytes`, `base` octets into the frame.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        let header = AslHeader::parse(&mut r, base)?;
        let shift = |e: Error| e.shifted(base);
        let body = match header.service {
            Service::PUBLISH => Body::Publish {
                attr: r.u8().map_err(shift)?,
                value: typed(&mut r, base)?,
            },
            Service::READ_REQ => Body::ReadReq {
                attr: r.u8().map_err(shift)?,
            },
            Service::READ_RSP => Body::ReadRsp {
                status: r.u8().map_err(shift)?,
                attr: r.u8().map_err(shift)?,
                value: typed(&mut r, base)?,
            },
            Service::WRITE_REQ => Body::WriteReq {
                attr: r.u8().map_err(shift)?,
                value: typed(&mut r, base)?,
            },
            Service::WRITE_RSP => Body::WriteRsp {
                status: r.u8().map_err(shift)?,
            },
            Service::REPORT => Body::Report {
                event_id: r.u16_le().map_err(shift)?,
                ts_ms: u32::from_le_bytes(r.array().map_err(shift)?),
                value: typed(&mut r, base)?,
            },
            _ => Body::ReportAck {
                event_id: r.u16_le().map_err(shift)?,
            },
        };
        r.finish().map_err(shift)?;
        Ok(AslPdu { header, body })
    }

    /// The service the body belongs to.
    pub const fn body_service(body: &Body<'_>) -> Service {
        match body {
            Body::Publish { .. } => Service::PUBLISH,
            Body::ReadReq { .. } => Service::READ_REQ,
            Body::ReadRsp { .. } => Service::READ_RSP,
            Body::WriteReq { .. } => Service::WRITE_REQ,
            Body::WriteRsp { .. } => Service::WRITE_RSP,
            Body::Report { .. } => Service::REPORT,
            Body::ReportAck { .. } => Service::REPORT_ACK,
        }
    }

    /// The PDU's length.
    pub fn buffer_len(&self) -> usize {
        4 + match &self.body {
            Body::Publish { value, .. } | Body::WriteReq { value, .. } => 3 + value.len(),
            Body::ReadReq { .. } | Body::WriteRsp { .. } => 1,
            Body::ReadRsp { value, .. } => 4 + value.len(),
            Body::Report { value, .. } => 8 + value.len(),
            Body::ReportAck { .. } => 2,
        }
    }

    /// Writes the PDU; the header's service must be the body's.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        let service = Self::body_service(&self.body);
        if self.header.service != service {
            return Err(Error::invalid(
                L,
                w.pos(),
                "ASL service",
                "the service of the body",
                u64::from(self.header.service.0),
            ));
        }
        self.header.emit(w)?;
        match &self.body {
            Body::Publish { attr, value } | Body::WriteReq { attr, value } => {
                w.u8(*attr)?;
                write_typed(value, w)
            }
            Body::ReadReq { attr } => w.u8(*attr),
            Body::ReadRsp {
                status,
                attr,
                value,
            } => {
                w.u8(*status)?;
                w.u8(*attr)?;
                write_typed(value, w)
            }
            Body::WriteRsp { status } => w.u8(*status),
            Body::Report {
                event_id,
                ts_ms,
                value,
            } => {
                w.u16_le(*event_id)?;
                w.put(&ts_ms.to_le_bytes())?;
                write_typed(value, w)
            }
            Body::ReportAck { event_id } => w.u16_le(*event_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8]) -> AslPdu<'_> {
        let pdu = AslPdu::parse(bytes, 0).unwrap();
        assert_eq!(pdu.buffer_len(), bytes.len());
        let mut out = [0u8; 64];
        let mut w = Writer::new(&mut out, L);
        pdu.emit(&mut w).unwrap();
        assert_eq!(w.written(), bytes);
        pdu
    }

    #[test]
    fn the_profile_publish() {
        // docs/profiles/wpa-l.md: PUBLISH seq 5, UAO 1 → 1, attr 2, FLOAT32 12.5 little-endian.
        let pdu = round_trip(&[
            0x00, 0x05, 0x01, 0x01, 0x02, 0x08, 0x04, 0x00, 0x00, 0x48, 0x41,
        ]);
        assert_eq!(
            pdu.body,
            Body::Publish {
                attr: 2,
                value: TypedValue::Float32(12.5)
            }
        );
        assert_eq!((pdu.header.seq, pdu.header.src_uao), (5, 1));
    }

    #[test]
    fn every_service() {
        round_trip(&[0x09, 1, 2, 3, 7]);
        round_trip(&[0x02, 1, 3, 2, 0, 7, 6, 2, 0x34, 0x12]);
        round_trip(&[0x03, 1, 2, 3, 7, 1, 1, 1]);
        round_trip(&[0x04, 1, 3, 2, 4]);
        let r = round_trip(&[0x05, 1, 4, 0, 0x01, 0x02, 0x10, 0x27, 0, 0, 5, 1, 200]);
        assert_eq!(
            r.body,
            Body::Report {
                event_id: 0x0201,
                ts_ms: 10_000,
                value: TypedValue::UInt8(200)
            }
        );
        round_trip(&[0x06, 1, 0, 4, 0x01, 0x02]);
    }

    #[test]
    fn lengths_must_fill_the_pdu() {
        // `len` 3 with 4 octets left.
        let e = AslPdu::parse(&[0x00, 5, 1, 1, 2, 8, 3, 0, 0, 0x48, 0x41], 20).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                26,
                ErrorKind::Length {
                    field: "value len",
                    expected: 4,
                    found: 3
                }
            )
        );
        // A FLOAT32 of two octets.
        let e = AslPdu::parse(&[0x00, 5, 1, 1, 2, 8, 2, 0, 0], 20).unwrap_err();
        assert_eq!(e.offset, 27);
        // Trailing octets after a READ_REQ.
        let e = AslPdu::parse(&[0x01, 5, 1, 1, 2, 9], 20).unwrap_err();
        assert_eq!(e.kind.name(), "length");
    }
}
