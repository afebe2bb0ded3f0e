//! The EPA-S v1 header: 14 octets, big-endian (`docs/profiles/epa-s.md`, "Header").
//!
//! | off | size | field |
//! |---|---|---|
//! | 0 | 1 | `profile` (0xE1) |
//! | 1 | 1 | `service` (bit 7 response, bits 0–6 code) |
//! | 2 | 1 | `flags` (b0 confirmed, b1 error, b2 more, b3–4 reserved 0, b5–7 priority) |
//! | 3 | 1 | reserved (0) |
//! | 4 | 2 | `body_len` |
//! | 6 | 2 | `msg_id` |
//! | 8 | 2 | `src_app` |
//! | 10 | 2 | `dst_app` (0xFFFF: all) |
//! | 12 | 2 | `dst_obj` |

use bitflags::bitflags;

use crate::cursor::{Reader, Writer};
use crate::error::{Error, Layer, Result};

const L: Layer = Layer::Epa;

/// The `profile` octet of EPA-S v1.
pub const PROFILE_V1: u8 = 0xE1;
/// Header length.
pub const HEADER_LEN: usize = 14;
/// The IEEE-registered EtherType of EPA.
pub const ETHERTYPE: u16 = 0x88CB;
/// The profile's default UDP port (no EPA port is registered).
pub const DEFAULT_UDP_PORT: u16 = 35004;
/// `dst_app` addressing every application (DISTRIBUTE).
pub const ALL_APPS: u16 = 0xFFFF;

bitflags! {
    /// The `flags` octet.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Flags: u8 {
        /// A reply is expected.
        const CONFIRMED = 0x01;
        /// Error / negative response.
        const ERROR = 0x02;
        /// More fragments (domain blocks) follow.
        const MORE = 0x04;
        /// Priority 0–7 (bits 5–7).
        const PRIORITY = 0xE0;
    }
}

impl Flags {
    /// The priority (0–7).
    pub const fn priority(self) -> u8 {
        self.bits() >> 5
    }

    /// The same flags with `priority` (0–7).
    pub const fn with_priority(self, priority: u8) -> Self {
        Flags::from_bits_retain((self.bits() & 0x1F) | ((priority & 7) << 5))
    }
}

/// The `service` octet: bit 7 marks a response, bits 0–6 are the service code (open: unknown
/// codes are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Service(pub u8);

impl Service {
    /// READ.
    pub const READ: u8 = 0x01;
    /// WRITE.
    pub const WRITE: u8 = 0x02;
    /// DISTRIBUTE (publish, unconfirmed).
    pub const DISTRIBUTE: u8 = 0x03;
    /// EVENT_NOTIFY.
    pub const EVENT_NOTIFY: u8 = 0x04;
    /// EVENT_ACK.
    pub const EVENT_ACK: u8 = 0x05;
    /// DOMAIN_DOWNLOAD.
    pub const DOMAIN_DOWNLOAD: u8 = 0x06;
    /// DOMAIN_UPLOAD.
    pub const DOMAIN_UPLOAD: u8 = 0x07;
    /// NP_ANNOUNCE (NonPeriodicDataAnnunciation).
    pub const NP_ANNOUNCE: u8 = 0x10;
    /// NP_END (EndofNonPeriodicDataSending).
    pub const NP_END: u8 = 0x11;
    /// DEVICE_ANNOUNCE.
    pub const DEVICE_ANNOUNCE: u8 = 0x20;
    /// FIND_TAG.
    pub const FIND_TAG: u8 = 0x21;
    /// GET_DEVICE_ATTR.
    pub const GET_DEVICE_ATTR: u8 = 0x22;
    /// SET_DEVICE_ATTR.
    pub const SET_DEVICE_ATTR: u8 = 0x23;

    const NAMES: [(u8, &'static str); 13] = [
        (Self::READ, "READ"),
        (Self::WRITE, "WRITE"),
        (Self::DISTRIBUTE, "DISTRIBUTE"),
        (Self::EVENT_NOTIFY, "EVENT_NOTIFY"),
        (Self::EVENT_ACK, "EVENT_ACK"),
        (Self::DOMAIN_DOWNLOAD, "DOMAIN_DOWNLOAD"),
        (Self::DOMAIN_UPLOAD, "DOMAIN_UPLOAD"),
        (Self::NP_ANNOUNCE, "NP_ANNOUNCE"),
        (Self::NP_END, "NP_END"),
        (Self::DEVICE_ANNOUNCE, "DEVICE_ANNOUNCE"),
        (Self::FIND_TAG, "FIND_TAG"),
        (Self::GET_DEVICE_ATTR, "GET_DEVICE_ATTR"),
        (Self::SET_DEVICE_ATTR, "SET_DEVICE_ATTR"),
    ];

    /// The request of service `code`.
    pub const fn request(code: u8) -> Self {
        Service(code & 0x7F)
    }

    /// The response to service `code`.
    pub const fn response(code: u8) -> Self {
        Service(code | 0x80)
    }

    /// The service code (bits 0–6).
    pub const fn code(self) -> u8 {
        self.0 & 0x7F
    }

    /// Whether this is a response.
    pub const fn is_response(self) -> bool {
        self.0 & 0x80 != 0
    }

    /// The profile's name of the service, `None` for codes it does not define.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(c, _)| *c == self.code())
            .map(|(_, n)| *n)
    }

    /// The code of a name as [`Service::name`] gives it.
    pub fn code_of(name: &str) -> Option<u8> {
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(c, _)| *c)
    }
}

/// A checked EPA-S header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Service and direction.
    pub service: Service,
    /// Flags.
    pub flags: Flags,
    /// Octets after the header.
    pub body_len: u16,
    /// Request/response correlation.
    pub msg_id: u16,
    /// Source application.
    pub src_app: u16,
    /// Destination application ([`ALL_APPS`] for all).
    pub dst_app: u16,
    /// Destination object.
    pub dst_obj: u16,
}

impl Header {
    /// Parses the header at the start of `bytes`; errors count offsets from `base`. Checks the
    /// profile octet, the reserved octet and flag bits, and that a response is not `confirmed`.
    pub fn parse(bytes: &[u8], base: usize) -> Result<Header> {
        let shift = |e: Error| e.shifted(base);
        let mut r = Reader::new(bytes, L);
        let profile = r.u8().map_err(shift)?;
        if profile != PROFILE_V1 {
            return Err(Error::invalid(
                L,
                base,
                "profile",
                "0xE1 (EPA-S v1)",
                u64::from(profile),
            ));
        }
        let service = Service(r.u8().map_err(shift)?);
        let flags = Flags::from_bits_retain(r.u8().map_err(shift)?);
        let reserved = r.u8().map_err(shift)?;
        let header = Header {
            service,
            flags,
            body_len: r.u16_be().map_err(shift)?,
            msg_id: r.u16_be().map_err(shift)?,
            src_app: r.u16_be().map_err(shift)?,
            dst_app: r.u16_be().map_err(shift)?,
            dst_obj: r.u16_be().map_err(shift)?,
        };
        if flags.bits() & 0x18 != 0 {
            return Err(Error::invalid(
                L,
                base + 2,
                "flags",
                "reserved bits 3-4 clear",
                u64::from(flags.bits()),
            ));
        }
        if reserved != 0 {
            return Err(Error::invalid(
                L,
                base + 3,
                "reserved octet",
                "0",
                u64::from(reserved),
            ));
        }
        if service.is_response() && flags.contains(Flags::CONFIRMED) {
            return Err(Error::invalid(
                L,
                base + 2,
                "flags",
                "no 'confirmed' bit in a response",
                u64::from(flags.bits()),
            ));
        }
        Ok(header)
    }

    /// Writes the header.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.put(&[PROFILE_V1, self.service.0, self.flags.bits(), 0])?;
        for v in [
            self.body_len,
            self.msg_id,
            self.src_app,
            self.dst_app,
            self.dst_obj,
        ] {
            w.u16_be(v)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    // The profile's READ response vector, after the Ethernet header: service 0x81, body 8
    // octets, msg_id 7, from application 0x0020 to 0x0010, object 0x0101.
    const READ_RESPONSE: [u8; 14] = [
        0xE1, 0x81, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00, 0x20, 0x00, 0x10, 0x01, 0x01,
    ];

    #[test]
    fn the_profile_vector_header() {
        let h = Header::parse(&READ_RESPONSE, 14).unwrap();
        assert_eq!(
            (h.service.code(), h.service.is_response(), h.service.name()),
            (Service::READ, true, Some("READ"))
        );
        assert_eq!(
            (h.body_len, h.msg_id, h.src_app, h.dst_app, h.dst_obj),
            (8, 7, 0x20, 0x10, 0x0101)
        );
        let mut out = [0u8; 14];
        h.emit(&mut Writer::new(&mut out, L)).unwrap();
        assert_eq!(out, READ_RESPONSE);
    }

    #[test]
    fn checks_name_the_octet() {
        let mut b = READ_RESPONSE;
        b[0] = 0xE2;
        let e = Header::parse(&b, 14).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (14, "invalid"));
        let mut b = READ_RESPONSE;
        b[2] = 0x01; // a confirmed response
        assert_eq!(Header::parse(&b, 14).unwrap_err().offset, 16);
        let mut b = READ_RESPONSE;
        b[3] = 1;
        assert_eq!(Header::parse(&b, 0).unwrap_err().offset, 3);
        let e = Header::parse(&READ_RESPONSE[..9], 14).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Truncated { .. }));
        assert_eq!(Flags::empty().with_priority(6).priority(), 6);
        assert_eq!(Service::code_of("NP_END"), Some(0x11));
    }
}
