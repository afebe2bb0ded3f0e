//! M-Bus application layer (EN 13757-3 §5): the CI field and what follows it.
//!
//! | CI | direction | body |
//! |---|---|---|
//! | `72` / `76` | slave | 12-byte header, then records (`76`: header fields and values MSB first) |
//! | `7A` | slave | 4-byte header (access number, status, signature), then records |
//! | `78` | slave | records, no header |
//! | `73` / `77` | slave | fixed data structure (16 bytes; `77` MSB first) |
//! | `70` | slave | application error, with an optional error code |
//! | `71` | slave | alarm status |
//! | `50` | master | application reset, optional subcode |
//! | `51` / `55` | master | data send (records) |
//! | `52` / `56` | master | selection of a slave by secondary address (wildcards `F` / `FF`) |
//! | `B8`–`BF` | master | set baud rate 300 … 38400 |
//!
//! The mode bit (CI bit 2: `76`, `77`, `55`, `56`) sends every multi-byte field MSB first —
//! the header's identification number, manufacturer and signature as much as the values
//! (M-Bus documentation §6.1, "mode 2"; pyMeterBus reads the header the same way). EN
//! 13757-3:2018 marks these CI fields reserved and libmbus rejects them; meters built to the
//! older texts still send them.

use core::ops::Range;

use causeway_core::{Device, Manufacturer, Medium};

use crate::cursor::{Reader, Writer};
use crate::error::{Error, Layer, Result};

use super::data::bcd;
use super::record::Records;

const L: Layer = Layer::MbusApp;

/// The 12-byte variable-data header (CI `72`, `76`), or the 4-byte short header (CI `7A`) with
/// the identity fields absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Secondary address fields, when the long header is present.
    pub identity: Option<Identity>,
    /// Access number.
    pub access_number: u8,
    /// Status byte (bits 0–1 application status, 2 power low, 3 permanent error, 4 temporary
    /// error, 5–7 manufacturer specific).
    pub status: u8,
    /// Signature (2004) / configuration field (2013+), as a number (sent LSB first, under CI `76`
    /// MSB first).
    pub signature: u16,
}

impl Header {
    /// The header of `identity` (absent in the short header) and the 4 bytes
    /// `access status signature(2)`.
    const fn from_bytes(identity: Option<Identity>, b: [u8; 4]) -> Self {
        let [access_number, status, s0, s1] = b;
        Header {
            identity,
            access_number,
            status,
            signature: u16::from_le_bytes([s0, s1]),
        }
    }
}

/// Whether CI `ci` sends multi-byte fields MSB first (mode 2: `76`, `77`, `55`, `56`).
pub const fn msb_first(ci: u8) -> bool {
    matches!(ci, 0x55 | 0x56 | 0x76 | 0x77)
}

/// The multi-byte fields of the 8-byte secondary address: identification number, manufacturer.
const IDENTITY_FIELDS: [Range<usize>; 2] = [0..4, 4..6];

/// The multi-byte fields of the 12-byte header: the secondary address's, and the signature.
pub(crate) const HEADER_FIELDS: [Range<usize>; 3] = [0..4, 4..6, 10..12];

/// The multi-byte fields of the fixed data structure: identification number, medium and
/// units, the two counters.
pub(crate) const FIXED_FIELDS: [Range<usize>; 4] = [0..4, 6..8, 8..12, 12..16];

/// Turns each of the multi-byte `fields` in `bytes` end for end if `msb_first`: between mode 1
/// (LSB first), in which the rest of this module reads and writes them, and mode 2.
#[inline(always)]
pub(crate) fn mode_order(msb_first: bool, bytes: &mut [u8], fields: &[Range<usize>]) {
    if msb_first {
        reverse_fields(bytes, fields);
    }
}

/// [`mode_order`]'s reversal, out of line: mode 2 is rare, and the mode 1 path stays short.
#[cold]
#[inline(never)]
fn reverse_fields(bytes: &mut [u8], fields: &[Range<usize>]) {
    for range in fields {
        if let Some(f) = bytes.get_mut(range.clone()) {
            f.reverse();
        }
    }
}

/// A meter's secondary address: identification number, manufacturer, version, medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Identity {
    /// Identification number, 8 BCD digits as sent (`0x12345678` is 12345678).
    pub id: u32,
    /// Manufacturer code.
    pub manufacturer: Manufacturer,
    /// Version / generation.
    pub version: u8,
    /// Medium.
    pub medium: Medium,
}

impl Identity {
    /// The 8 bytes `id(4) man(2) ver med`.
    const fn from_bytes(b: [u8; 8]) -> Self {
        let [i0, i1, i2, i3, m0, m1, version, medium] = b;
        Identity {
            id: u32::from_le_bytes([i0, i1, i2, i3]),
            manufacturer: Manufacturer(u16::from_le_bytes([m0, m1])),
            version,
            medium: Medium(medium),
        }
    }

    /// The 8 bytes `id(4) man(2) ver med`, LSB first (mode 1).
    pub const fn to_bytes(&self) -> [u8; 8] {
        let [i0, i1, i2, i3] = self.id.to_le_bytes();
        let [m0, m1] = self.manufacturer.0.to_le_bytes();
        [i0, i1, i2, i3, m0, m1, self.version, self.medium.0]
    }

    /// Writes the 8 bytes, multi-byte fields MSB first if `msb_first` (mode 2).
    pub fn write(&self, msb_first: bool, w: &mut Writer<'_>) -> Result<()> {
        let mut b = self.to_bytes();
        mode_order(msb_first, &mut b, &IDENTITY_FIELDS);
        w.put(&b)
    }

    /// The canonical device.
    pub fn device(&self) -> Device {
        Device::MBus {
            id: self.id,
            manufacturer: self.manufacturer,
            version: self.version,
            medium: self.medium,
        }
    }
}

/// The fixed data structure (CI `73`/`77`, M-Bus 4.8 §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixedData {
    /// Identification number (BCD as sent).
    pub id: u32,
    /// Access number.
    pub access_number: u8,
    /// Status: bit 7 counters binary (else BCD), bit 6 stored values (else actual).
    pub status: u8,
    /// Medium (4 bits) from the two unit bytes.
    pub medium: u8,
    /// Unit codes of counter 1 and 2 (6 bits each).
    pub units: [u8; 2],
    /// The two counters, raw.
    pub counters: [[u8; 4]; 2],
}

impl FixedData {
    /// Counter `i` as a number (BCD or binary per the status), `None` for a BCD error.
    pub fn counter(&self, i: usize) -> Option<i64> {
        let raw = self.counters.get(i)?;
        if self.status & 0x80 != 0 {
            Some(i64::from(u32::from_le_bytes(*raw)))
        } else {
            bcd(raw)
        }
    }
}

/// Baud rate selected by CI `B8`–`BF`.
pub const fn baud_rate(ci: u8) -> Option<u32> {
    Some(match ci {
        0xB8 => 300,
        0xB9 => 600,
        0xBA => 1200,
        0xBB => 2400,
        0xBC => 4800,
        0xBD => 9600,
        0xBE => 19200,
        0xBF => 38400,
        _ => return None,
    })
}

/// Name of an application error code (CI `70`).
pub const fn application_error_name(code: u8) -> &'static str {
    match code {
        0x00 => "unspecified error",
        0x01 => "unimplemented CI-field",
        0x02 => "buffer too long, truncated",
        0x03 => "too many records",
        0x04 => "premature end of record",
        0x05 => "more than 10 DIFEs",
        0x06 => "more than 10 VIFEs",
        0x08 => "application too busy for handling readout request",
        0x09 => "too many readouts",
        _ => "reserved",
    }
}

/// The parsed user data of a telegram, by CI field.
#[derive(Clone, Debug)]
pub enum Body<'a> {
    /// Variable data (CI `72`, `76`, `7A`, `78`): header and records.
    Variable {
        /// The header (none for `78`).
        header: Option<Header>,
        /// Multi-byte values are MSB first (CI `76`).
        msb_first: bool,
        /// The records.
        records: Records<'a>,
    },
    /// Fixed data structure (CI `73`, `77`).
    Fixed(FixedData),
    /// Application error (CI `70`), with its code if one was sent.
    ApplicationError(Option<u8>),
    /// Alarm status (CI `71`).
    Alarm(&'a [u8]),
    /// Application reset (CI `50`), with its subcode if one was sent.
    ApplicationReset(Option<u8>),
    /// Data send from the master (CI `51`, `55`).
    DataSend {
        /// MSB first (CI `55`).
        msb_first: bool,
        /// The records.
        records: Records<'a>,
    },
    /// Selection by secondary address (CI `52`, `56`); wildcard nibbles `F` and bytes `FF` kept.
    Selection {
        /// The address to match.
        identity: Identity,
        /// MSB first (CI `56`).
        msb_first: bool,
        /// Records after the address (rare), e.g. an enhanced identification.
        records: Records<'a>,
    },
    /// Set baud rate (CI `B8`–`BF`).
    BaudRate(u32),
    /// Any other CI field, passed through.
    Other(&'a [u8]),
}

impl<'a> Body<'a> {
    /// The records of a body that carries them (variable data, data send, selection).
    pub fn records(&self) -> Option<&Records<'a>> {
        match self {
            Body::Variable { records, .. }
            | Body::DataSend { records, .. }
            | Body::Selection { records, .. } => Some(records),
            _ => None,
        }
    }

    /// Whether multi-byte values are sent MSB first (CI `76`, `55`, `56`).
    pub fn msb_first(&self) -> bool {
        matches!(
            self,
            Body::Variable {
                msb_first: true,
                ..
            } | Body::DataSend {
                msb_first: true,
                ..
            } | Body::Selection {
                msb_first: true,
                ..
            }
        )
    }
}

/// [`parse`], then reads every record once so that any structural error in them surfaces here
/// (records are otherwise read lazily).
pub fn check(ci: u8, data: &[u8], base: usize) -> Result<Body<'_>> {
    let body = parse(ci, data, base)?;
    if let Some(records) = body.records() {
        records.clone().try_for_each(|item| item.map(|_| ()))?;
    }
    Ok(body)
}

/// The next `N` bytes, a header made of fields `sizes` long: when fewer are left, the error
/// names the first field cut off.
fn fields<const N: usize, const F: usize>(
    r: &mut Reader<'_>,
    sizes: [usize; F],
) -> Result<[u8; N]> {
    if r.remaining() < N {
        for n in sizes {
            r.take(n)?;
        }
    }
    r.array()
}

/// Parses the user data `data` for CI field `ci`; `base` is the offset of `data` in the frame.
pub fn parse(ci: u8, data: &[u8], base: usize) -> Result<Body<'_>> {
    let mut r = Reader::new(data, L);
    let shift = |e: Error| e.shifted(base);
    let body = match ci {
        0x72 | 0x76 => {
            let mut bytes = fields(&mut r, [4, 2, 1, 1, 1, 1, 2]).map_err(shift)?;
            mode_order(msb_first(ci), &mut bytes, &HEADER_FIELDS);
            let [i0, i1, i2, i3, i4, i5, i6, i7, a, s, g0, g1] = bytes;
            Body::Variable {
                header: Some(Header::from_bytes(
                    Some(Identity::from_bytes([i0, i1, i2, i3, i4, i5, i6, i7])),
                    [a, s, g0, g1],
                )),
                msb_first: msb_first(ci),
                records: Records::new(r.rest(), base + 12),
            }
        }
        0x7A => Body::Variable {
            header: Some(Header::from_bytes(
                None,
                fields(&mut r, [1, 1, 2]).map_err(shift)?,
            )),
            msb_first: false,
            records: Records::new(r.rest(), base + 4),
        },
        0x78 => Body::Variable {
            header: None,
            msb_first: false,
            records: Records::new(data, base),
        },
        0x73 | 0x77 => {
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(r.take(16).map_err(shift)?);
            mode_order(msb_first(ci), &mut bytes, &FIXED_FIELDS);
            r.finish().map_err(shift)?;
            let [i0, i1, i2, i3, access_number, status, u0, u1, c0, c1, c2, c3, d0, d1, d2, d3] =
                bytes;
            Body::Fixed(FixedData {
                id: u32::from_le_bytes([i0, i1, i2, i3]),
                access_number,
                status,
                medium: (u0 >> 6) | ((u1 >> 6) << 2),
                units: [u0 & 0x3F, u1 & 0x3F],
                counters: [[c0, c1, c2, c3], [d0, d1, d2, d3]],
            })
        }
        0x70 => {
            let code = data.first().copied();
            Body::ApplicationError(code)
        }
        0x71 => Body::Alarm(data),
        0x50 => Body::ApplicationReset(data.first().copied()),
        0x51 | 0x55 => Body::DataSend {
            msb_first: msb_first(ci),
            records: Records::new(data, base),
        },
        0x52 | 0x56 => {
            let mut bytes = fields(&mut r, [4, 2, 1, 1]).map_err(shift)?;
            mode_order(msb_first(ci), &mut bytes, &IDENTITY_FIELDS);
            Body::Selection {
                identity: Identity::from_bytes(bytes),
                msb_first: msb_first(ci),
                records: Records::new(r.rest(), base + 8),
            }
        }
        0xB8..=0xBF => Body::BaudRate(baud_rate(ci).unwrap_or(0)),
        _ => Body::Other(data),
    };
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn long_header() {
        // libmbus test frame ACW_Itron-BM-plus-m: id 11490378, ACW, version 14, cold water (0x16).
        let data = [
            0x78, 0x03, 0x49, 0x11, 0x77, 0x04, 0x0E, 0x16, 0x0A, 0x00, 0x00, 0x00,
        ];
        let Body::Variable {
            header: Some(h), ..
        } = parse(0x72, &data, 7).unwrap()
        else {
            panic!()
        };
        let id = h.identity.unwrap();
        assert_eq!(id.id, 0x1149_0378);
        assert_eq!(id.manufacturer.to_string(), "ACW");
        assert_eq!(
            (id.version, id.medium, h.access_number),
            (14, Medium(0x16), 10)
        );
        // A header cut short names the field cut off: here the manufacturer (4 bytes in), for
        // the short header the signature, for a selection the manufacturer again.
        let e = parse(0x72, &data[..5], 7).unwrap_err();
        assert_eq!((e.layer, e.offset), (L, 11));
        let e = parse(0x7A, &data[..3], 7).unwrap_err();
        assert_eq!((e.layer, e.offset), (L, 9));
        let e = parse(0x52, &data[..5], 7).unwrap_err();
        assert_eq!((e.layer, e.offset), (L, 11));
    }

    #[test]
    fn fixed_structure_and_errors() {
        let data = [
            0x78,
            0x56,
            0x34,
            0x12,
            0x01,
            0x00,
            0x2C | 0x40,
            0x2C,
            0x45,
            0x23,
            0x01,
            0x00,
            0,
            0,
            0,
            0,
        ];
        let Body::Fixed(f) = parse(0x73, &data, 7).unwrap() else {
            panic!()
        };
        assert_eq!(
            (f.id, f.medium, f.units, f.counter(0)),
            (0x1234_5678, 1, [0x2C, 0x2C], Some(12345))
        );
        assert!(matches!(
            parse(0x70, &[0x03], 7).unwrap(),
            Body::ApplicationError(Some(3))
        ));
        assert_eq!(application_error_name(3), "too many records");
        assert!(matches!(parse(0xBD, &[], 7).unwrap(), Body::BaudRate(9600)));
    }
}
