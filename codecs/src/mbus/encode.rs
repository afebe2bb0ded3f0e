//! Building M-Bus telegrams: the master's requests (EN 13757-2 §5.5, EN 13757-3 §5) and an
//! RSP_UD builder that writes a header and records, so simulators and tests can build meters.
//!
//! ```
//! use causeway_codecs::mbus::encode::{req_ud2, RspUd};
//! use causeway_codecs::mbus::app::Identity;
//! use causeway_core::{Function, Manufacturer, Medium};
//!
//! let mut buf = [0u8; 64];
//! let n = req_ud2(5, true, &mut buf)?;                   // 10 7B 05 80 16
//! assert_eq!(&buf[..n], &[0x10, 0x7B, 0x05, 0x80, 0x16]);
//!
//! let id = Identity { id: 0x1234_5678, manufacturer: Manufacturer(0x32A7), version: 2, medium: Medium(4) };
//! let mut rsp = RspUd::new(&mut buf, 5, id, 1, 0)?;
//! rsp.number(&[0x06], Function::Instantaneous, 0, 0, 0, 0x0C, 1234)?;   // 1234 kWh, 8-digit BCD
//! let n = rsp.finish()?;
//! # Ok::<(), causeway_codecs::Error>(())
//! ```

use causeway_core::{Function, Manufacturer, Medium};

use crate::cursor::Writer;
use crate::error::{Error, ErrorKind, Layer, Result};

use super::app::Identity;
use super::data::encode_bcd;
use super::link::{emit_long, emit_short, CField, ADDRESS_SECONDARY, LONG_START, STOP};
use super::record::Record;

const L: Layer = Layer::MbusApp;

/// SND_NKE: link reset of the slave at `address`.
pub fn snd_nke(address: u8, out: &mut [u8]) -> Result<usize> {
    emit_short(CField::SND_NKE, address, out)
}

/// REQ_UD2: request class 2 data, with the frame count bit.
pub fn req_ud2(address: u8, fcb: bool, out: &mut [u8]) -> Result<usize> {
    emit_short(CField::REQ_UD2.with_fcb(fcb), address, out)
}

/// REQ_UD1: request class 1 (alarm) data, with the frame count bit.
pub fn req_ud1(address: u8, fcb: bool, out: &mut [u8]) -> Result<usize> {
    emit_short(CField::REQ_UD1.with_fcb(fcb), address, out)
}

/// SND_UD with CI 50: application reset, with an optional subcode.
pub fn application_reset(address: u8, subcode: Option<u8>, out: &mut [u8]) -> Result<usize> {
    match subcode {
        Some(s) => emit_long(CField::SND_UD, address, 0x50, &[s], out),
        None => emit_long(CField::SND_UD, address, 0x50, &[], out),
    }
}

/// A secondary address to select, with wildcards: `F` nibbles in `id`, `None` for the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Identification number, 8 BCD digits, any of them `F` for "any digit".
    pub id: u32,
    /// Manufacturer (`None`: any, sent as `FF FF`).
    pub manufacturer: Option<u16>,
    /// Version (`None`: any, sent as `FF`).
    pub version: Option<u8>,
    /// Medium (`None`: any, sent as `FF`).
    pub medium: Option<u8>,
}

impl Selection {
    /// Everything wildcarded.
    pub const ANY: Selection = Selection {
        id: 0xFFFF_FFFF,
        manufacturer: None,
        version: None,
        medium: None,
    };

    /// The secondary address this selection sends: wildcards as `FF FF` (manufacturer) and `FF`
    /// (version, medium).
    pub fn pattern(&self) -> Identity {
        Identity {
            id: self.id,
            manufacturer: Manufacturer(self.manufacturer.unwrap_or(0xFFFF)),
            version: self.version.unwrap_or(0xFF),
            medium: Medium(self.medium.unwrap_or(0xFF)),
        }
    }

    /// Whether a meter with `identity` answers this selection.
    pub fn matches(&self, identity: &Identity) -> bool {
        let digits_match = (0..8).all(|i| {
            let want = (self.id >> (4 * i)) & 0xF;
            want == 0xF || want == (identity.id >> (4 * i)) & 0xF
        });
        digits_match
            && self
                .manufacturer
                .map_or(true, |m| m == identity.manufacturer.0)
            && self.version.map_or(true, |v| v == identity.version)
            && self.medium.map_or(true, |m| m == identity.medium.0)
    }
}

/// A version or medium byte of a selection as [`Selection`] holds it: `FF` (any) is `None`.
pub(crate) const fn unless_any(byte: u8) -> Option<u8> {
    if byte == 0xFF {
        None
    } else {
        Some(byte)
    }
}

/// SND_UD with CI 52 to address 253: select the slave whose secondary address matches.
pub fn select(selection: &Selection, out: &mut [u8]) -> Result<usize> {
    let data = selection.pattern().to_bytes();
    emit_long(CField::SND_UD, ADDRESS_SECONDARY, 0x52, &data, out)
}

/// SND_UD with CI 51 and record `01 7A nn`: give the slave at `address` the primary address `new`.
pub fn set_primary_address(address: u8, new: u8, out: &mut [u8]) -> Result<usize> {
    emit_long(CField::SND_UD, address, 0x51, &[0x01, 0x7A, new], out)
}

/// DIF and DIFEs for a data field, function, storage number, tariff and subunit; returns the
/// bytes used in `out` (at most 11).
pub fn dif_bytes(
    data_field: u8,
    function: Function,
    storage: u64,
    tariff: u32,
    subunit: u32,
    out: &mut [u8; 11],
) -> Result<usize> {
    let f = match function {
        Function::Instantaneous => 0,
        Function::Maximum => 1,
        Function::Minimum => 2,
        Function::Error => 3,
    };
    out[0] = (data_field & 0x0F) | (f << 4) | (((storage & 1) as u8) << 6);
    let (mut s, mut t, mut u) = (storage >> 1, tariff, subunit);
    let mut n = 1;
    while s != 0 || t != 0 || u != 0 {
        let too_many = Error::new(
            L,
            0,
            ErrorKind::Oversize {
                limit: 10,
                found: n,
            },
        );
        let [prev, next] = out.get_mut(n - 1..=n).ok_or(too_many)? else {
            return Err(too_many);
        };
        *prev |= 0x80;
        *next = ((s & 0x0F) as u8) | (((t & 0x03) as u8) << 4) | (((u & 0x01) as u8) << 6);
        s >>= 4;
        t >>= 2;
        u >>= 1;
        n += 1;
    }
    Ok(n)
}

/// Writes one number record: DIF and DIFEs, `vib` (the VIF and any VIFEs, or `FB`/`FD` and the
/// true VIF), and `value` coded as `data_field` (`0x1`–`0x4`, `0x6`, `0x7` integers; `0x5` real;
/// `0x9`–`0xC`, `0xE` BCD). A value the coding cannot hold is an error.
#[allow(clippy::too_many_arguments)]
pub fn write_number(
    w: &mut Writer<'_>,
    vib: &[u8],
    function: Function,
    storage: u64,
    tariff: u32,
    subunit: u32,
    data_field: u8,
    value: i64,
) -> Result<()> {
    let mut dif = [0u8; 11];
    let n = dif_bytes(data_field, function, storage, tariff, subunit, &mut dif)?;
    w.put(dif.get(..n).unwrap_or(&[]))?;
    w.put(vib)?;
    let len = super::record::data_len(data_field).ok_or(Error::invalid(
        L,
        w.pos(),
        "data field",
        "a fixed-length coding",
        u64::from(data_field),
    ))?;
    let mut data = [0u8; 8];
    let out = data.get_mut(..len).unwrap_or(&mut []);
    let fits = match data_field {
        0x9..=0xC | 0xE => encode_bcd(value, out),
        0x5 => {
            out.copy_from_slice(&(value as f32).to_le_bytes());
            true
        }
        _ => {
            let bytes = value.to_le_bytes();
            out.copy_from_slice(bytes.get(..len).unwrap_or(&[]));
            len >= 8
                || (value >> (8 * len as u32 - 1)) == 0
                || (value >> (8 * len as u32 - 1)) == -1
        }
    };
    if !fits {
        return Err(Error::new(
            L,
            w.pos(),
            ErrorKind::Oversize {
                limit: len,
                found: 8,
            },
        ));
    }
    w.put(out)?;
    Ok(())
}

/// Writes an RSP_UD (CI 72) telegram: header, then records, then length and checksum on
/// [`RspUd::finish`].
#[derive(Debug)]
pub struct RspUd<'o> {
    w: Writer<'o>,
}

impl<'o> RspUd<'o> {
    /// Starts a telegram from the slave at `address` with the 12-byte header.
    pub fn new(
        out: &'o mut [u8],
        address: u8,
        identity: Identity,
        access_number: u8,
        status: u8,
    ) -> Result<Self> {
        let mut w = Writer::new(out, L);
        w.put(&[
            LONG_START,
            0,
            0,
            LONG_START,
            CField::RSP_UD.bits(),
            address,
            0x72,
        ])?;
        identity.write(false, &mut w)?;
        w.put(&[access_number, status, 0, 0])?;
        Ok(RspUd { w })
    }

    /// Continues a telegram started with [`RspUd::new`] whose first `len` bytes are in `out`
    /// (for callers that cannot keep the builder between calls, such as C).
    pub fn resume(out: &'o mut [u8], len: usize) -> Self {
        RspUd {
            w: Writer::resume(out, L, len),
        }
    }

    /// Bytes written so far (before [`RspUd::finish`]).
    pub fn len(&self) -> usize {
        self.w.pos()
    }

    /// Whether nothing has been written (never true after [`RspUd::new`]).
    pub fn is_empty(&self) -> bool {
        self.w.pos() == 0
    }

    /// Appends a record as given (any DIF, VIF, plain text, LVAR, data).
    pub fn record(&mut self, record: &Record<'_>) -> Result<&mut Self> {
        record.emit(&mut self.w)?;
        Ok(self)
    }

    /// Appends a number: `vib` is the VIF and any VIFEs (or `FB`/`FD` and the true VIF),
    /// `data_field` the DIF coding (`0x1`–`0x4`, `0x6`, `0x7` integers; `0x9`–`0xC`, `0xE` BCD).
    #[allow(clippy::too_many_arguments)]
    pub fn number(
        &mut self,
        vib: &[u8],
        function: Function,
        storage: u64,
        tariff: u32,
        subunit: u32,
        data_field: u8,
        value: i64,
    ) -> Result<&mut Self> {
        write_number(
            &mut self.w,
            vib,
            function,
            storage,
            tariff,
            subunit,
            data_field,
            value,
        )?;
        Ok(self)
    }

    /// Appends manufacturer data (`0F`, or `1F` when more records follow) and ends the records.
    pub fn manufacturer_data(&mut self, more_follows: bool, data: &[u8]) -> Result<&mut Self> {
        self.w.u8(if more_follows { 0x1F } else { 0x0F })?;
        self.w.put(data)?;
        Ok(self)
    }

    /// Fills in the length fields and writes checksum and stop byte; returns the frame length.
    pub fn finish(mut self) -> Result<usize> {
        let end = self.w.pos();
        // The long frame's start: 68 L L 68 (a `resume` with fewer bytes has none).
        let body = end
            .checked_sub(4)
            .ok_or(Error::truncated(Layer::MbusLink, 0, 4, end))?;
        let l = u8::try_from(body).map_err(|_| {
            Error::new(
                Layer::MbusLink,
                1,
                ErrorKind::Oversize {
                    limit: 255,
                    found: body,
                },
            )
        })?;
        let cs = crate::checksum::sum8(self.w.written().get(4..).unwrap_or(&[]));
        self.w.put(&[cs, STOP])?;
        let n = self.w.pos();
        let out = self.w.into_inner();
        if let Some(len) = out.get_mut(1..3) {
            len.copy_from_slice(&[l, l]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mbus::link::Frame;

    #[test]
    fn finishing_a_resumed_telegram_without_its_start_is_an_error() {
        for len in 0..4 {
            let mut b = [0u8; 16];
            let e = RspUd::resume(&mut b, len).finish().unwrap_err();
            assert_eq!(e.kind.name(), "truncated", "len {len}");
        }
    }

    #[test]
    fn master_requests() {
        let mut b = [0u8; 32];
        let n = snd_nke(0xFE, &mut b).unwrap();
        assert_eq!(&b[..n], &[0x10, 0x40, 0xFE, 0x3E, 0x16]);
        let n = req_ud2(1, false, &mut b).unwrap();
        assert_eq!(&b[..n], &[0x10, 0x5B, 0x01, 0x5C, 0x16]);
        let n = set_primary_address(0xFE, 1, &mut b).unwrap();
        assert_eq!(
            &b[..n],
            &[0x68, 0x06, 0x06, 0x68, 0x53, 0xFE, 0x51, 0x01, 0x7A, 0x01, 0x1E, 0x16]
        );
        let sel = Selection {
            id: 0x1234_FFFF,
            ..Selection::ANY
        };
        let n = select(&sel, &mut b).unwrap();
        assert_eq!(&b[7..15], &[0xFF, 0xFF, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(Frame::new_checked(&b[..n]).is_ok());
        let id = Identity {
            id: 0x1234_5678,
            manufacturer: Manufacturer(1),
            version: 2,
            medium: Medium(4),
        };
        assert!(sel.matches(&id));
        assert!(!Selection {
            id: 0x1235_FFFF,
            ..Selection::ANY
        }
        .matches(&id));
    }

    #[test]
    fn dife_chain() {
        let mut d = [0u8; 11];
        // Storage 5 = DIF bit 6 + DIFE storage 2; tariff 1; subunit 1.
        let n = dif_bytes(0x4, Function::Instantaneous, 5, 1, 1, &mut d).unwrap();
        assert_eq!(&d[..n], &[0xC4, 0x52]);
        assert_eq!(
            dif_bytes(0x4, Function::Maximum, 0, 0, 0, &mut d).unwrap(),
            1
        );
        assert_eq!(d[0], 0x14);
    }
}
