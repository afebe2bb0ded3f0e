//! Any Modbus framing behind one checked value: the ADU's addressing fields and its PDU, for
//! code that learns the framing at run time (the JSON registry, the bindings).
//!
//! ```
//! use causeway_codecs::modbus::adu::{Adu, Framing};
//! use causeway_codecs::modbus::Request;
//!
//! // Modbus over Serial Line V1.02 §6.2.2: read 3 holding registers from 107 at unit 17.
//! let adu = Adu::parse(Framing::Rtu, &[0x11, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x76, 0x87])?;
//! assert_eq!(adu.unit_id, 17);
//! assert_eq!(adu.request()?, Request::ReadHoldingRegisters { address: 107, quantity: 3 });
//! # Ok::<(), causeway_codecs::Error>(())
//! ```

use crate::error::{Error, Layer, Result};

use super::pdu::{Request, Response};
use super::{ascii, rtu, tcp, MAX_PDU};

/// How a PDU travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framing {
    /// MBAP header over TCP.
    Tcp,
    /// Binary serial line with CRC.
    Rtu,
    /// Hex text serial line with LRC.
    Ascii,
    /// An RTU ADU carried in a TCP stream.
    RtuOverTcp,
}

impl Framing {
    /// Every framing.
    pub const ALL: [Framing; 4] = [
        Framing::Tcp,
        Framing::Rtu,
        Framing::Ascii,
        Framing::RtuOverTcp,
    ];

    /// The registry name (`modbus-tcp`, `modbus-rtu`, `modbus-ascii`, `modbus-rtu-over-tcp`).
    pub const fn protocol(self) -> &'static str {
        match self {
            Framing::Tcp => "modbus-tcp",
            Framing::Rtu => "modbus-rtu",
            Framing::Ascii => "modbus-ascii",
            Framing::RtuOverTcp => "modbus-rtu-over-tcp",
        }
    }

    /// The framing a registry name stands for.
    pub fn from_protocol(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.protocol() == name)
    }

    /// The error layer of the framing.
    pub const fn layer(self) -> Layer {
        match self {
            Framing::Tcp => Layer::ModbusTcp,
            Framing::Rtu | Framing::RtuOverTcp => Layer::ModbusRtu,
            Framing::Ascii => Layer::ModbusAscii,
        }
    }
}

/// Writes `pdu` framed as `framing` into `out`: the whole MBAP `header` for TCP, its `unit_id`
/// as the address of a serial frame. Returns the frame's length.
pub fn emit(framing: Framing, header: &tcp::Header, pdu: &[u8], out: &mut [u8]) -> Result<usize> {
    match framing {
        Framing::Tcp => tcp::emit(header, pdu, out),
        Framing::Rtu | Framing::RtuOverTcp => rtu::emit(header.unit_id, pdu, out),
        Framing::Ascii => ascii::emit(header.unit_id, pdu, out),
    }
}

// The decoded variant is inline on purpose: parsing never touches the heap.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug)]
enum PduBytes<'a> {
    Borrowed(&'a [u8]),
    /// Decoded from ASCII hex.
    Decoded([u8; MAX_PDU], u8),
}

/// A checked ADU of any framing. The PDU is borrowed from the frame, or for ASCII decoded
/// from its hex digits into the value itself (no heap either way).
#[derive(Clone, Copy, Debug)]
pub struct Adu<'a> {
    /// The framing.
    pub framing: Framing,
    /// Unit identifier (TCP) or server address (serial lines).
    pub unit_id: u8,
    /// The MBAP header (TCP only).
    pub mbap: Option<tcp::Header>,
    /// The CRC (RTU) or LRC (ASCII) as sent.
    pub checksum: Option<u16>,
    pdu: PduBytes<'a>,
}

impl<'a> Adu<'a> {
    /// Checks the framing of `bytes` (lengths, MBAP, CRC or LRC); the PDU is parsed by
    /// [`Adu::request`] / [`Adu::response`].
    pub fn parse(framing: Framing, bytes: &'a [u8]) -> Result<Self> {
        Ok(match framing {
            Framing::Tcp => {
                let f = tcp::Frame::new_checked(bytes)?;
                let header = f.header();
                Adu {
                    framing,
                    unit_id: header.unit_id,
                    mbap: Some(header),
                    checksum: None,
                    pdu: PduBytes::Borrowed(bytes.get(tcp::HEADER_LEN..).unwrap_or(&[])),
                }
            }
            Framing::Rtu | Framing::RtuOverTcp => {
                let f = rtu::Frame::new_checked(bytes)?;
                Adu {
                    framing,
                    unit_id: f.address(),
                    mbap: None,
                    checksum: Some(f.crc()),
                    pdu: PduBytes::Borrowed(bytes.get(1..bytes.len() - 2).unwrap_or(&[])),
                }
            }
            Framing::Ascii => {
                let mut bin = [0u8; rtu::MAX_ADU];
                let n = ascii::decode(bytes, &mut bin)?;
                let body = bin.get(..n).unwrap_or(&[]);
                let mut pdu = [0u8; MAX_PDU];
                let len = n.saturating_sub(1).min(MAX_PDU);
                if let (Some(dst), Some(src)) = (pdu.get_mut(..len), body.get(1..=len)) {
                    dst.copy_from_slice(src);
                }
                Adu {
                    framing,
                    unit_id: body.first().copied().unwrap_or(0),
                    mbap: None,
                    checksum: Some(u16::from(crate::checksum::lrc8(body))),
                    pdu: PduBytes::Decoded(pdu, len as u8),
                }
            }
        })
    }

    /// The PDU bytes (function code and data).
    pub fn pdu(&self) -> &[u8] {
        match &self.pdu {
            PduBytes::Borrowed(b) => b,
            PduBytes::Decoded(b, n) => b.get(..usize::from(*n)).unwrap_or(&[]),
        }
    }

    /// A PDU error seen from the frame: its offset counted from the frame's first byte (for
    /// ASCII, the first of the two hex digits of the byte).
    pub fn frame_error(&self, e: Error) -> Error {
        if e.layer != Layer::ModbusPdu {
            return e;
        }
        match self.framing {
            Framing::Tcp => e.shifted(tcp::HEADER_LEN),
            Framing::Rtu | Framing::RtuOverTcp => e.shifted(1),
            Framing::Ascii => e.shifted(e.offset + 3),
        }
    }

    /// The PDU parsed as a request; error offsets count from the frame's start.
    pub fn request(&self) -> Result<Request<'_>> {
        Request::parse(self.pdu()).map_err(|e| self.frame_error(e))
    }

    /// The PDU parsed as a response; error offsets count from the frame's start.
    pub fn response(&self) -> Result<Response<'_>> {
        Response::parse(self.pdu()).map_err(|e| self.frame_error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modbus::pdu::Registers;

    #[test]
    fn every_framing_gives_the_same_pdu() {
        // Modbus over Serial Line V1.02 §2.5.2.1 / §6.2.2 (unit 17, read 3 from 107).
        let pdu = [0x03, 0x00, 0x6B, 0x00, 0x03];
        let tcp = [
            0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11, 0x03, 0x00, 0x6B, 0x00, 0x03,
        ];
        let rtu = [0x11, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x76, 0x87];
        let ascii = b":1103006B00037E\r\n";
        for (framing, bytes) in [
            (Framing::Tcp, &tcp[..]),
            (Framing::Rtu, &rtu[..]),
            (Framing::RtuOverTcp, &rtu[..]),
            (Framing::Ascii, &ascii[..]),
        ] {
            let adu = Adu::parse(framing, bytes).unwrap();
            assert_eq!((adu.unit_id, adu.pdu()), (17, &pdu[..]), "{framing:?}");
            assert_eq!(Framing::from_protocol(framing.protocol()), Some(framing));
        }
        assert_eq!(
            Adu::parse(Framing::Ascii, ascii).unwrap().checksum,
            Some(0x7E)
        );
        let header = tcp::Header {
            transaction_id: 1,
            protocol_id: 0,
            unit_id: 17,
        };
        let mut out = [0u8; 32];
        for (framing, bytes) in [(Framing::Tcp, &tcp[..]), (Framing::Rtu, &rtu[..])] {
            let n = emit(framing, &header, &pdu, &mut out).unwrap();
            assert_eq!(&out[..n], bytes);
        }
        assert_eq!(
            Adu::parse(Framing::Rtu, &rtu).unwrap().checksum,
            Some(0x8776)
        );
    }

    #[test]
    fn pdu_errors_point_into_the_frame() {
        // FC 3 response whose byte count (3) is odd: the count is PDU byte 1.
        let rtu = {
            let mut f = [0x11, 0x03, 0x03, 0x00, 0x01, 0x02, 0, 0];
            let crc = crate::checksum::crc16_modbus(&f[..6]).to_le_bytes();
            f[6..].copy_from_slice(&crc);
            f
        };
        let e = Adu::parse(Framing::Rtu, &rtu)
            .unwrap()
            .response()
            .unwrap_err();
        assert_eq!((e.layer, e.offset), (Layer::ModbusPdu, 2));
        let resp = [0x03, 0x02, 0x12, 0x34];
        let mut out = [0u8; 32];
        let n = ascii::emit(17, &resp, &mut out).unwrap();
        let adu = Adu::parse(Framing::Ascii, &out[..n]).unwrap();
        assert_eq!(
            adu.response().unwrap(),
            Response::ReadHoldingRegisters {
                values: Registers::new(&[0x12, 0x34]).unwrap()
            }
        );
        // The byte count is PDU byte 1: characters 5 and 6 of ":1103...".
        let e = Adu::parse(Framing::Ascii, b":110303000102E6\r\n")
            .unwrap()
            .response()
            .unwrap_err();
        assert_eq!(e.offset, 5);
    }
}
