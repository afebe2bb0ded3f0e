//! EPA-S v1 service bodies, request and response (`docs/profiles/epa-s.md`, "Services"); values use
//! the shared data types ([`crate::fieldbus`]) big-endian.
//!
//! | code | service | request body | response body |
//! |---|---|---|---|
//! | 0x01 | READ | `attr` | `status [type len value]` |
//! | 0x02 | WRITE | `attr type len value` | `status` |
//! | 0x03 | DISTRIBUTE | `attr type quality ts_ns len value` | — |
//! | 0x04 | EVENT_NOTIFY | `event_id event_seq ts_ns type len value` | — |
//! | 0x05 | EVENT_ACK | `event_id event_seq` | — |
//! | 0x06, 0x07 | DOMAIN_DOWNLOAD, DOMAIN_UPLOAD | `domain_id block_seq block_len data` | — |
//! | 0x10 | NP_ANNOUNCE | `priority pending_octets` | — |
//! | 0x11 | NP_END | empty | — |
//! | 0x20, 0x21 | DEVICE_ANNOUNCE, FIND_TAG | `tag_len tag` | — |
//! | 0x22 | GET_DEVICE_ATTR | `attr` | `status [type len value]` |
//! | 0x23 | SET_DEVICE_ATTR | `attr type len value` | `status` |
//!
//! A READ or GET_DEVICE_ATTR response that is only its status octet is a negative response
//! (the status must then say why, i.e. not be 0). Bodies of other codes and directions are kept
//! as opaque octets and re-emitted unchanged. Every length inside a body must match the octets
//! that remain.

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::fieldbus::{Order, TypedValue};

use super::header::Service;

const L: Layer = Layer::Epa;

/// A response status (open: other values are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Status(pub u8);

impl Status {
    /// Success.
    pub const OK: Status = Status(0);

    /// The profile's name of the status.
    pub const fn name(self) -> &'static str {
        match self.0 {
            0 => "success",
            1 => "object_unknown",
            2 => "attribute_unknown",
            3 => "type_mismatch",
            4 => "access_denied",
            5 => "busy",
            6 => "out_of_range",
            _ => "other",
        }
    }
}

/// A READ or GET_DEVICE_ATTR response: the status and, unless negative, the value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reply<'a> {
    /// The status.
    pub status: Status,
    /// The value (absent in a negative response).
    pub value: Option<TypedValue<'a>>,
}

/// One block of a domain transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block<'a> {
    /// The domain.
    pub domain_id: u16,
    /// Block number, from 0.
    pub block_seq: u16,
    /// The block's octets.
    pub data: &'a [u8],
}

/// A service body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Body<'a> {
    /// READ request.
    Read {
        /// Attribute to read.
        attr: u16,
    },
    /// READ response.
    ReadResponse(Reply<'a>),
    /// WRITE request.
    Write {
        /// Attribute to write.
        attr: u16,
        /// The value.
        value: TypedValue<'a>,
    },
    /// WRITE response.
    WriteResponse {
        /// The status.
        status: Status,
    },
    /// DISTRIBUTE: a published value.
    Distribute {
        /// Attribute.
        attr: u16,
        /// Quality octet: 0xC0 good, 0x40 uncertain, 0x00 bad; low 6 bits a sub-status.
        quality: u8,
        /// Nanoseconds since the PTP epoch.
        ts_ns: u64,
        /// The value.
        value: TypedValue<'a>,
    },
    /// EVENT_NOTIFY.
    EventNotify {
        /// Event.
        event_id: u16,
        /// Its sequence number.
        event_seq: u16,
        /// Nanoseconds since the PTP epoch.
        ts_ns: u64,
        /// The value.
        value: TypedValue<'a>,
    },
    /// EVENT_ACK.
    EventAck {
        /// Event.
        event_id: u16,
        /// Its sequence number.
        event_seq: u16,
    },
    /// DOMAIN_DOWNLOAD block.
    DomainDownload(Block<'a>),
    /// DOMAIN_UPLOAD block.
    DomainUpload(Block<'a>),
    /// NP_ANNOUNCE: a device announces non-periodic data.
    NpAnnounce {
        /// Priority.
        priority: u8,
        /// Octets it will send.
        pending_octets: u16,
    },
    /// NP_END: a device has finished its non-periodic data.
    NpEnd,
    /// DEVICE_ANNOUNCE.
    DeviceAnnounce {
        /// The device tag.
        tag: &'a [u8],
    },
    /// FIND_TAG.
    FindTag {
        /// The tag looked for.
        tag: &'a [u8],
    },
    /// GET_DEVICE_ATTR request.
    GetDeviceAttr {
        /// Device attribute.
        attr: u16,
    },
    /// GET_DEVICE_ATTR response.
    GetDeviceAttrResponse(Reply<'a>),
    /// SET_DEVICE_ATTR request.
    SetDeviceAttr {
        /// Device attribute.
        attr: u16,
        /// The value.
        value: TypedValue<'a>,
    },
    /// SET_DEVICE_ATTR response.
    SetDeviceAttrResponse {
        /// The status.
        status: Status,
    },
    /// Any other service code or direction, kept as sent.
    Opaque(&'a [u8]),
}

/// Reads `type u8, len u16, value[len]`, with `len` matching what remains when `last`.
fn typed<'a>(r: &mut Reader<'a>, base: usize, last: bool) -> Result<TypedValue<'a>> {
    let shift = |e: Error| e.shifted(base);
    let code = r.u8().map_err(shift)?;
    value_of(r, code, base, last)
}

/// Reads `len u16, value[len]` of type `code`.
fn value_of<'a>(r: &mut Reader<'a>, code: u8, base: usize, last: bool) -> Result<TypedValue<'a>> {
    let len_at = r.pos();
    let len = usize::from(r.u16_be().map_err(|e| e.shifted(base))?);
    TypedValue::read(r, code, len, len_at, last, Order::Big, base)
}

fn reply<'a>(r: &mut Reader<'a>, base: usize) -> Result<Reply<'a>> {
    let status = Status(r.u8().map_err(|e| e.shifted(base))?);
    if r.remaining() == 0 {
        if status == Status::OK {
            return Err(Error::new(
                L,
                base + 1,
                ErrorKind::Truncated {
                    needed: 4,
                    available: 1,
                },
            ));
        }
        return Ok(Reply {
            status,
            value: None,
        });
    }
    Ok(Reply {
        status,
        value: Some(typed(r, base, true)?),
    })
}

fn tag<'a>(r: &mut Reader<'a>, base: usize) -> Result<&'a [u8]> {
    let n = usize::from(r.u8().map_err(|e| e.shifted(base))?);
    if n != r.remaining() {
        return Err(Error::new(
            L,
            base,
            ErrorKind::Length {
                field: "tag_len",
                expected: r.remaining(),
                found: n,
            },
        ));
    }
    r.take(n).map_err(|e| e.shifted(base))
}

fn block<'a>(r: &mut Reader<'a>, base: usize) -> Result<Block<'a>> {
    let shift = |e: Error| e.shifted(base);
    let domain_id = r.u16_be().map_err(shift)?;
    let block_seq = r.u16_be().map_err(shift)?;
    let len_at = r.pos();
    let len = usize::from(r.u16_be().map_err(shift)?);
    if len != r.remaining() {
        return Err(Error::new(
            L,
            base + len_at,
            ErrorKind::Length {
                field: "block_len",
                expected: r.remaining(),
                found: len,
            },
        ));
    }
    Ok(Block {
        domain_id,
        block_seq,
        data: r.take(len).map_err(shift)?,
    })
}

impl<'a> Body<'a> {
    /// Parses the body of `service` from `bytes` (exactly `body_len` octets); errors count
    /// offsets from `base`, the body's offset in the frame.
    pub fn parse(service: Service, bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        let shift = |e: Error| e.shifted(base);
        let body = match (service.code(), service.is_response()) {
            (Service::READ, false) => Body::Read {
                attr: r.u16_be().map_err(shift)?,
            },
            (Service::READ, true) => Body::ReadResponse(reply(&mut r, base)?),
            (Service::WRITE, false) => Body::Write {
                attr: r.u16_be().map_err(shift)?,
                value: typed(&mut r, base, true)?,
            },
            (Service::WRITE, true) => Body::WriteResponse {
                status: Status(r.u8().map_err(shift)?),
            },
            (Service::DISTRIBUTE, false) => {
                let attr = r.u16_be().map_err(shift)?;
                let code = r.u8().map_err(shift)?;
                let quality = r.u8().map_err(shift)?;
                let ts_ns = u64::from_be_bytes(r.array().map_err(shift)?);
                Body::Distribute {
                    attr,
                    quality,
                    ts_ns,
                    value: value_of(&mut r, code, base, true)?,
                }
            }
            (Service::EVENT_NOTIFY, false) => Body::EventNotify {
                event_id: r.u16_be().map_err(shift)?,
                event_seq: r.u16_be().map_err(shift)?,
                ts_ns: u64::from_be_bytes(r.array().map_err(shift)?),
                value: typed(&mut r, base, true)?,
            },
            (Service::EVENT_ACK, false) => Body::EventAck {
                event_id: r.u16_be().map_err(shift)?,
                event_seq: r.u16_be().map_err(shift)?,
            },
            (Service::DOMAIN_DOWNLOAD, false) => Body::DomainDownload(block(&mut r, base)?),
            (Service::DOMAIN_UPLOAD, false) => Body::DomainUpload(block(&mut r, base)?),
            (Service::NP_ANNOUNCE, false) => Body::NpAnnounce {
                priority: r.u8().map_err(shift)?,
                pending_octets: r.u16_be().map_err(shift)?,
            },
            (Service::NP_END, false) => Body::NpEnd,
            (Service::DEVICE_ANNOUNCE, false) => Body::DeviceAnnounce {
                tag: tag(&mut r, base)?,
            },
            (Service::FIND_TAG, false) => Body::FindTag {
                tag: tag(&mut r, base)?,
            },
            (Service::GET_DEVICE_ATTR, false) => Body::GetDeviceAttr {
                attr: r.u16_be().map_err(shift)?,
            },
            (Service::GET_DEVICE_ATTR, true) => Body::GetDeviceAttrResponse(reply(&mut r, base)?),
            (Service::SET_DEVICE_ATTR, false) => Body::SetDeviceAttr {
                attr: r.u16_be().map_err(shift)?,
                value: typed(&mut r, base, true)?,
            },
            (Service::SET_DEVICE_ATTR, true) => Body::SetDeviceAttrResponse {
                status: Status(r.u8().map_err(shift)?),
            },
            _ => Body::Opaque(r.rest()),
        };
        if r.remaining() != 0 {
            return Err(Error::new(
                L,
                base + r.pos(),
                ErrorKind::Length {
                    field: "body",
                    expected: r.pos(),
                    found: bytes.len(),
                },
            ));
        }
        Ok(body)
    }

    /// The service this body belongs to (the response bit set for responses).
    pub fn service(&self) -> Option<Service> {
        Some(match self {
            Body::Read { .. } => Service::request(Service::READ),
            Body::ReadResponse(_) => Service::response(Service::READ),
            Body::Write { .. } => Service::request(Service::WRITE),
            Body::WriteResponse { .. } => Service::response(Service::WRITE),
            Body::Distribute { .. } => Service::request(Service::DISTRIBUTE),
            Body::EventNotify { .. } => Service::request(Service::EVENT_NOTIFY),
            Body::EventAck { .. } => Service::request(Service::EVENT_ACK),
            Body::DomainDownload(_) => Service::request(Service::DOMAIN_DOWNLOAD),
            Body::DomainUpload(_) => Service::request(Service::DOMAIN_UPLOAD),
            Body::NpAnnounce { .. } => Service::request(Service::NP_ANNOUNCE),
            Body::NpEnd => Service::request(Service::NP_END),
            Body::DeviceAnnounce { .. } => Service::request(Service::DEVICE_ANNOUNCE),
            Body::FindTag { .. } => Service::request(Service::FIND_TAG),
            Body::GetDeviceAttr { .. } => Service::request(Service::GET_DEVICE_ATTR),
            Body::GetDeviceAttrResponse(_) => Service::response(Service::GET_DEVICE_ATTR),
            Body::SetDeviceAttr { .. } => Service::request(Service::SET_DEVICE_ATTR),
            Body::SetDeviceAttrResponse { .. } => Service::response(Service::SET_DEVICE_ATTR),
            Body::Opaque(_) => return None,
        })
    }

    /// Octets the body takes on the wire.
    pub fn buffer_len(&self) -> usize {
        let typed = |v: &TypedValue<'_>| 3 + v.len();
        match self {
            Body::Read { .. } | Body::GetDeviceAttr { .. } => 2,
            Body::ReadResponse(r) | Body::GetDeviceAttrResponse(r) => {
                1 + r.value.as_ref().map_or(0, typed)
            }
            Body::Write { value, .. } | Body::SetDeviceAttr { value, .. } => 2 + typed(value),
            Body::WriteResponse { .. } | Body::SetDeviceAttrResponse { .. } => 1,
            Body::Distribute { value, .. } => 12 + 2 + value.len(),
            Body::EventNotify { value, .. } => 12 + typed(value),
            Body::EventAck { .. } => 4,
            Body::DomainDownload(b) | Body::DomainUpload(b) => 6 + b.data.len(),
            Body::NpAnnounce { .. } => 3,
            Body::NpEnd => 0,
            Body::DeviceAnnounce { tag } | Body::FindTag { tag } => 1 + tag.len(),
            Body::Opaque(b) => b.len(),
        }
    }

    /// Writes the body.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        let value_len = |w: &mut Writer<'_>, v: &TypedValue<'_>| -> Result<()> {
            let len = u16::try_from(v.len()).map_err(|_| {
                Error::new(
                    L,
                    w.pos(),
                    ErrorKind::Oversize {
                        limit: 0xFFFF,
                        found: v.len(),
                    },
                )
            })?;
            w.u16_be(len)?;
            v.emit(Order::Big, w)
        };
        let typed = |w: &mut Writer<'_>, v: &TypedValue<'_>| -> Result<()> {
            w.u8(v.code())?;
            value_len(w, v)
        };
        match self {
            Body::Read { attr } | Body::GetDeviceAttr { attr } => w.u16_be(*attr),
            Body::ReadResponse(r) | Body::GetDeviceAttrResponse(r) => {
                w.u8(r.status.0)?;
                match &r.value {
                    Some(v) => typed(w, v),
                    None => Ok(()),
                }
            }
            Body::Write { attr, value } | Body::SetDeviceAttr { attr, value } => {
                w.u16_be(*attr)?;
                typed(w, value)
            }
            Body::WriteResponse { status } | Body::SetDeviceAttrResponse { status } => {
                w.u8(status.0)
            }
            Body::Distribute {
                attr,
                quality,
                ts_ns,
                value,
            } => {
                w.u16_be(*attr)?;
                w.put(&[value.code(), *quality])?;
                w.put(&ts_ns.to_be_bytes())?;
                value_len(w, value)
            }
            Body::EventNotify {
                event_id,
                event_seq,
                ts_ns,
                value,
            } => {
                w.u16_be(*event_id)?;
                w.u16_be(*event_seq)?;
                w.put(&ts_ns.to_be_bytes())?;
                typed(w, value)
            }
            Body::EventAck {
                event_id,
                event_seq,
            } => {
                w.u16_be(*event_id)?;
                w.u16_be(*event_seq)
            }
            Body::DomainDownload(b) | Body::DomainUpload(b) => {
                w.u16_be(b.domain_id)?;
                w.u16_be(b.block_seq)?;
                let len = u16::try_from(b.data.len()).map_err(|_| {
                    Error::new(
                        L,
                        w.pos(),
                        ErrorKind::Oversize {
                            limit: 0xFFFF,
                            found: b.data.len(),
                        },
                    )
                })?;
                w.u16_be(len)?;
                w.put(b.data)
            }
            Body::NpAnnounce {
                priority,
                pending_octets,
            } => {
                w.u8(*priority)?;
                w.u16_be(*pending_octets)
            }
            Body::NpEnd => Ok(()),
            Body::DeviceAnnounce { tag } | Body::FindTag { tag } => {
                let n = u8::try_from(tag.len()).map_err(|_| {
                    Error::new(
                        L,
                        w.pos(),
                        ErrorKind::Oversize {
                            limit: 255,
                            found: tag.len(),
                        },
                    )
                })?;
                w.u8(n)?;
                w.put(tag)
            }
            Body::Opaque(b) => w.put(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(service: Service, bytes: &[u8]) -> Body<'_> {
        let body = Body::parse(service, bytes, 28).unwrap();
        let mut out = [0u8; 64];
        let mut w = Writer::new(&mut out, L);
        body.emit(&mut w).unwrap();
        assert_eq!(w.written(), bytes, "{service:?}");
        assert_eq!(body.buffer_len(), bytes.len());
        if let Some(s) = body.service() {
            assert_eq!(s, service);
        }
        body
    }

    #[test]
    fn read_response_of_the_profile_vector() {
        // status 0, FLOAT32, len 4, 12.5.
        let b = round_trip(Service::response(1), &[0, 8, 0, 4, 0x41, 0x48, 0, 0]);
        assert_eq!(
            b,
            Body::ReadResponse(Reply {
                status: Status::OK,
                value: Some(TypedValue::Float32(12.5))
            })
        );
        // A negative response is its status alone; a bare success is truncated.
        assert_eq!(
            round_trip(Service::response(1), &[2]),
            Body::ReadResponse(Reply {
                status: Status(2),
                value: None
            })
        );
        let e = Body::parse(Service::response(1), &[0], 28).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (29, "truncated"));
    }

    #[test]
    fn every_service() {
        let ts = [0, 0, 0, 0, 0, 0, 0, 9];
        round_trip(Service::request(1), &[0, 2]);
        round_trip(Service::request(2), &[0, 2, 6, 0, 2, 0x12, 0x34]);
        round_trip(Service::response(2), &[4]);
        let distribute = [
            &[0u8, 2, 8, 0xC0][..],
            &ts[..],
            &[0, 4, 0x41, 0x48, 0, 0][..],
        ]
        .concat();
        let d = round_trip(Service::request(3), &distribute);
        assert!(matches!(
            d,
            Body::Distribute {
                quality: 0xC0,
                ts_ns: 9,
                ..
            }
        ));
        round_trip(
            Service::request(4),
            &[&[0u8, 1, 0, 2][..], &ts[..], &[1, 0, 1, 1][..]].concat(),
        );
        round_trip(Service::request(5), &[0, 1, 0, 2]);
        round_trip(Service::request(6), &[0, 3, 0, 0, 0, 2, 0xAA, 0xBB]);
        round_trip(Service::request(7), &[0, 3, 0, 1, 0, 0]);
        round_trip(Service::request(0x10), &[4, 0x01, 0x00]);
        round_trip(Service::request(0x11), &[]);
        round_trip(Service::request(0x20), &[3, b'F', b'T', b'1']);
        round_trip(Service::request(0x21), &[0]);
        round_trip(Service::request(0x22), &[0, 7]);
        round_trip(Service::response(0x22), &[0, 5, 0, 1, 9]);
        round_trip(Service::request(0x23), &[0, 7, 5, 0, 1, 9]);
        round_trip(Service::response(0x23), &[0]);
        assert_eq!(
            round_trip(Service::request(0x55), &[1, 2, 3]),
            Body::Opaque(&[1, 2, 3])
        );
        assert_eq!(round_trip(Service::response(3), &[1]), Body::Opaque(&[1]));
    }

    #[test]
    fn lengths_inside_bodies_must_match() {
        // WRITE with len 3 but 2 octets left.
        let e = Body::parse(Service::request(2), &[0, 2, 6, 0, 3, 0x12, 0x34], 28).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (31, "length"));
        // INT32 with len 2: the type's size.
        let e = Body::parse(Service::request(2), &[0, 2, 4, 0, 2, 0x12, 0x34], 28).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (33, "length"));
        // Trailing octets after a READ request.
        let e = Body::parse(Service::request(1), &[0, 2, 9], 28).unwrap_err();
        assert_eq!(e.offset, 30);
        // NP_END must be empty.
        assert!(Body::parse(Service::request(0x11), &[0], 28).is_err());
        let e = Body::parse(Service::request(0x20), &[5, b'x'], 28).unwrap_err();
        assert_eq!(e.kind.name(), "length");
    }
}
