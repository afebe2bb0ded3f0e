//! MAC command frames (IEEE 802.15.4-2006 §7.3): the command identifier, then its payload. The
//! identifier is the open payload of a secured command; the rest is private.
//!
//! | id | command | payload |
//! |---|---|---|
//! | 0x01 | association request | capability information (1) |
//! | 0x02 | association response | short address (2), association status (1) |
//! | 0x03 | disassociation notification | reason (1) |
//! | 0x04 | data request | — |
//! | 0x05 | PAN ID conflict notification | — |
//! | 0x06 | orphan notification | — |
//! | 0x07 | beacon request | — |
//! | 0x08 | coordinator realignment | PAN id (2), coordinator short address (2), channel (1), short address (2), [channel page (1)] |
//! | 0x09 | GTS request | GTS characteristics (1) |
//!
//! Payloads of these commands must have their length; other identifiers keep their payload as
//! octets.

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

const L: Layer = Layer::Ieee802154;

/// A command identifier (open: other values are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub u8);

impl CommandId {
    /// Association request.
    pub const ASSOCIATION_REQUEST: Self = Self(0x01);
    /// Association response.
    pub const ASSOCIATION_RESPONSE: Self = Self(0x02);
    /// Disassociation notification.
    pub const DISASSOCIATION: Self = Self(0x03);
    /// Data request.
    pub const DATA_REQUEST: Self = Self(0x04);
    /// PAN ID conflict notification.
    pub const PAN_ID_CONFLICT: Self = Self(0x05);
    /// Orphan notification.
    pub const ORPHAN: Self = Self(0x06);
    /// Beacon request.
    pub const BEACON_REQUEST: Self = Self(0x07);
    /// Coordinator realignment.
    pub const COORDINATOR_REALIGNMENT: Self = Self(0x08);
    /// GTS request.
    pub const GTS_REQUEST: Self = Self(0x09);

    /// The command's name in snake case, or `None` for identifiers outside 802.15.4-2006.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x01 => "association_request",
            0x02 => "association_response",
            0x03 => "disassociation_notification",
            0x04 => "data_request",
            0x05 => "pan_id_conflict_notification",
            0x06 => "orphan_notification",
            0x07 => "beacon_request",
            0x08 => "coordinator_realignment",
            0x09 => "gts_request",
            _ => return None,
        })
    }

    /// The payload lengths the command allows.
    const fn lengths(self) -> Option<(usize, usize)> {
        Some(match self.0 {
            0x01 | 0x03 | 0x09 => (1, 1),
            0x02 => (3, 3),
            0x04..=0x07 => (0, 0),
            0x08 => (7, 8),
            _ => return None,
        })
    }
}

/// The typed payload of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fields {
    /// Association request: capability information (b0 alternate PAN coordinator, b1 device
    /// type FFD, b2 mains powered, b3 receiver on when idle, b6 security capable, b7 allocate
    /// address).
    AssociationRequest {
        /// Capability information.
        capability: u8,
    },
    /// Association response.
    AssociationResponse {
        /// The short address allocated (0xFFFE: use the extended address; 0xFFFF: none).
        short: u16,
        /// 0 successful, 1 PAN at capacity, 2 PAN access denied.
        status: u8,
    },
    /// Disassociation notification.
    Disassociation {
        /// 1 the coordinator wishes the device to leave, 2 the device wishes to leave.
        reason: u8,
    },
    /// Coordinator realignment.
    CoordinatorRealignment {
        /// PAN id.
        pan: u16,
        /// Coordinator short address.
        coordinator: u16,
        /// Logical channel.
        channel: u8,
        /// The recipient's short address.
        short: u16,
        /// Channel page (2006).
        channel_page: Option<u8>,
    },
    /// GTS request: b0–3 length, b4 direction, b5 characteristics type (1 allocation).
    GtsRequest {
        /// GTS characteristics.
        characteristics: u8,
    },
    /// A command without payload (data request, PAN ID conflict, orphan, beacon request).
    Empty,
    /// A command this decoder does not type.
    Other,
}

/// A MAC command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Command<'a> {
    /// Command identifier.
    pub id: CommandId,
    /// Its payload.
    pub payload: &'a [u8],
}

impl<'a> Command<'a> {
    /// Parses a command that starts `base` octets into the frame.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        let id = CommandId(r.u8().map_err(|e| e.shifted(base))?);
        let payload = r.rest();
        if let Some((min, max)) = id.lengths() {
            if payload.len() < min || payload.len() > max {
                return Err(Error::new(
                    L,
                    base + 1,
                    ErrorKind::Length {
                        field: "command payload",
                        expected: if payload.len() < min { min } else { max },
                        found: payload.len(),
                    },
                ));
            }
        }
        Ok(Command { id, payload })
    }

    /// The typed payload.
    pub fn fields(&self) -> Fields {
        let p = self.payload;
        let u16_at = |i: usize| {
            u16::from_le_bytes([
                p.get(i).copied().unwrap_or(0),
                p.get(i + 1).copied().unwrap_or(0),
            ])
        };
        let u8_at = |i: usize| p.get(i).copied().unwrap_or(0);
        match self.id {
            CommandId::ASSOCIATION_REQUEST => Fields::AssociationRequest {
                capability: u8_at(0),
            },
            CommandId::ASSOCIATION_RESPONSE => Fields::AssociationResponse {
                short: u16_at(0),
                status: u8_at(2),
            },
            CommandId::DISASSOCIATION => Fields::Disassociation { reason: u8_at(0) },
            CommandId::COORDINATOR_REALIGNMENT => Fields::CoordinatorRealignment {
                pan: u16_at(0),
                coordinator: u16_at(2),
                channel: u8_at(4),
                short: u16_at(5),
                channel_page: p.get(7).copied(),
            },
            CommandId::GTS_REQUEST => Fields::GtsRequest {
                characteristics: u8_at(0),
            },
            CommandId(0x04..=0x07) => Fields::Empty,
            _ => Fields::Other,
        }
    }

    /// Writes the payload of `fields` (for building commands; [`Fields::Other`] writes
    /// nothing).
    pub fn write_fields(fields: &Fields, w: &mut Writer<'_>) -> Result<()> {
        match *fields {
            Fields::AssociationRequest { capability } => w.u8(capability),
            Fields::AssociationResponse { short, status } => {
                w.u16_le(short)?;
                w.u8(status)
            }
            Fields::Disassociation { reason } => w.u8(reason),
            Fields::CoordinatorRealignment {
                pan,
                coordinator,
                channel,
                short,
                channel_page,
            } => {
                w.u16_le(pan)?;
                w.u16_le(coordinator)?;
                w.u8(channel)?;
                w.u16_le(short)?;
                match channel_page {
                    Some(p) => w.u8(p),
                    None => Ok(()),
                }
            }
            Fields::GtsRequest { characteristics } => w.u8(characteristics),
            Fields::Empty | Fields::Other => Ok(()),
        }
    }

    /// The command's length.
    pub const fn buffer_len(&self) -> usize {
        1 + self.payload.len()
    }

    /// Writes the command.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.id.0)?;
        w.put(self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_payloads_and_lengths() {
        let c = Command::parse(&[0x02, 0x34, 0x12, 0x00], 0).unwrap();
        assert_eq!(
            c.fields(),
            Fields::AssociationResponse {
                short: 0x1234,
                status: 0
            }
        );
        let c = Command::parse(&[0x08, 0x34, 0x12, 0, 0, 11, 0xFF, 0xFF], 0).unwrap();
        assert!(matches!(
            c.fields(),
            Fields::CoordinatorRealignment {
                channel: 11,
                channel_page: None,
                ..
            }
        ));
        let mut out = [0u8; 8];
        let mut w = Writer::new(&mut out, L);
        Command::write_fields(&c.fields(), &mut w).unwrap();
        assert_eq!(w.written(), &[0x34, 0x12, 0, 0, 11, 0xFF, 0xFF]);
        // A data request carries nothing; an association request one octet.
        let e = Command::parse(&[0x04, 0x00], 20).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                21,
                ErrorKind::Length {
                    field: "command payload",
                    expected: 0,
                    found: 1
                }
            )
        );
        let e = Command::parse(&[0x01], 20).unwrap_err();
        assert_eq!(e.offset, 21);
        // Unknown identifiers keep their payload.
        let c = Command::parse(&[0x2F, 1, 2, 3], 0).unwrap();
        assert_eq!((c.fields(), c.payload), (Fields::Other, &[1, 2, 3][..]));
    }
}
