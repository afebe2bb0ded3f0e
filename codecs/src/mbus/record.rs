//! M-Bus data records (EN 13757-3 §6): `DIF [DIFE…] VIF [VIFE…] data`, read lazily from the
//! user data of a telegram.
//!
//! - DIF: data field (bits 0–3), function (4–5), storage LSB (6), extension (7); special DIFs
//!   `0F`/`1F` (manufacturer data to the end; `1F`: more records follow in the next telegram),
//!   `2F` (idle filler), `7F` (global readout request). Up to 10 DIFEs (storage, tariff, subunit).
//! - VIF: primary table, or `FB`/`FD` followed by the true VIF from an extension table; up to 10
//!   VIFEs (after `FB`/`FD`: the true VIF and 10 more). Plain-text VIF `7C`/`FC`: a length and
//!   the text, which meters place either right after the VIF (libmbus's reading) or after the
//!   VIFE chain (the standard's figure) — the iterator detects which by where printable text is
//!   found.
//! - Data: the DIF's data field gives the length; `D` is LVAR (§6.3.3).
//!
//! A structural problem (premature end, more DIFEs or VIFEs than allowed, a reserved special DIF,
//! a reserved LVAR code) ends the iteration with an error naming the byte; a value that does not
//! decode (a BCD error nibble, an invalid date) is not a structural problem — see
//! [`super::data`].

use causeway_core::Function;

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

use super::data::{
    bcd, bcd_word, date_f, date_g, date_i, int_le, sign_extend, time_j, uint_le, DataValue,
};
use super::vif::{describe, VifDesc, VifKind, VifTable};

const L: Layer = Layer::MbusRecord;

/// Most DIFEs a record may carry, and most VIFEs after a primary VIF (after `FB`/`FD` one more:
/// the true VIF).
pub const MAX_EXTENSIONS: usize = 10;

/// One data record, borrowing its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Offset of the DIF from the start of the frame.
    pub offset: usize,
    /// The DIF.
    pub dif: u8,
    /// The DIFEs.
    pub difes: &'a [u8],
    /// The VIF (`FB`/`FD` for the extension tables).
    pub vif: u8,
    /// Every VIFE after the VIF, as sent (for `FB`/`FD` the first is the true VIF).
    pub vifes: &'a [u8],
    /// Plain-text unit, wire order (last character first), for VIF `7C`/`FC`.
    pub plain_text: Option<&'a [u8]>,
    /// Whether the plain text came right after the VIF (libmbus order) rather than after the
    /// VIFEs (the standard's figure).
    pub text_first: bool,
    /// The LVAR byte of a variable-length record.
    pub lvar: Option<u8>,
    /// The data bytes (after the LVAR byte).
    pub data: &'a [u8],
}

/// One item of the user data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// A data record.
    Record(Record<'a>),
    /// `0F`/`1F`: manufacturer-specific data to the end of the telegram.
    Manufacturer {
        /// Offset of the DIF from the start of the frame.
        offset: usize,
        /// `1F`: more records follow in the next telegram.
        more_follows: bool,
        /// The bytes after the DIF.
        data: &'a [u8],
    },
    /// `7F`: global readout request (in master telegrams).
    GlobalReadout {
        /// Offset of the DIF from the start of the frame.
        offset: usize,
    },
    /// `2F`: an idle filler byte.
    Filler {
        /// Offset of the filler from the start of the frame.
        offset: usize,
    },
}

impl Item<'_> {
    /// Writes the item back in wire form.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Item::Record(r) => r.emit(w),
            Item::Manufacturer {
                more_follows, data, ..
            } => {
                w.u8(if *more_follows { 0x1F } else { 0x0F })?;
                w.put(data)
            }
            Item::GlobalReadout { .. } => w.u8(0x7F),
            Item::Filler { .. } => w.u8(0x2F),
        }
    }
}

/// Data bytes a data-field code implies (`None` for LVAR and special functions).
#[inline(always)]
pub const fn data_len(data_field: u8) -> Option<usize> {
    // One nibble per code, 0 to F (F: none), looked up with a shift: the lengths of
    // EN 13757-3 table 4 without a jump table, whose target a shuffled stream of records
    // keeps mispredicting.
    const LENGTHS: u64 = 0xF6F4_3210_8644_3210;
    match (LENGTHS >> (4 * (data_field & 0x0F))) & 0xF {
        0xF => None,
        n => Some(n as usize),
    }
}

/// Whether a data field has a date or time type under a date VIF: 2 (type G), 3 (J), 4 (F),
/// 6 (I).
pub(crate) const fn has_date_type(data_field: u8) -> bool {
    matches!(data_field, 0x2 | 0x3 | 0x4 | 0x6)
}

/// Length of the data after an LVAR byte (EN 13757-3 §6.3.3), `None` for reserved codes.
pub const fn lvar_len(lvar: u8) -> Option<usize> {
    Some(match lvar {
        0x00..=0xBF => lvar as usize,
        0xC0..=0xC9 => (lvar - 0xC0) as usize,
        0xD0..=0xD9 => (lvar - 0xD0) as usize,
        0xE0..=0xEF => (lvar - 0xE0) as usize,
        0xF0..=0xF4 => 4 * (lvar - 0xEC) as usize,
        0xF5 => 48,
        0xF6 => 64,
        _ => return None,
    })
}

impl<'a> Record<'a> {
    /// The data field (DIF bits 0–3).
    pub const fn data_field(&self) -> u8 {
        self.dif & 0x0F
    }

    /// The function field.
    pub const fn function(&self) -> Function {
        match (self.dif >> 4) & 0x03 {
            0 => Function::Instantaneous,
            1 => Function::Maximum,
            2 => Function::Minimum,
            _ => Function::Error,
        }
    }

    /// Storage number: DIF bit 6, then 4 bits per DIFE.
    pub fn storage(&self) -> u64 {
        self.difes
            .iter()
            .enumerate()
            .fold(u64::from((self.dif >> 6) & 1), |s, (k, &e)| {
                s | u64::from(e & 0x0F) << (1 + 4 * k)
            })
    }

    /// Tariff: 2 bits per DIFE.
    pub fn tariff(&self) -> u32 {
        self.difes
            .iter()
            .enumerate()
            .fold(0, |t, (k, &e)| t | u32::from((e >> 4) & 0x03) << (2 * k))
    }

    /// Subunit (device unit): 1 bit per DIFE.
    pub fn subunit(&self) -> u32 {
        self.difes
            .iter()
            .enumerate()
            .fold(0, |u, (k, &e)| u | u32::from((e >> 6) & 0x01) << k)
    }

    /// The table and code of the true VIF, and how many VIFEs precede the combinable ones.
    #[inline]
    fn true_vif(&self) -> (VifTable, u8, usize) {
        if self.vif & 0x80 == 0 {
            return (VifTable::Primary, self.vif, 0);
        }
        match (self.vif, self.vifes) {
            (0xFB, [c, ..]) => (VifTable::Fb, *c, 1),
            (0xFD, [0xFD, c, ..]) => (VifTable::FdFd, *c, 2),
            (0xFD, [c, ..]) => (VifTable::Fd, *c, 1),
            (v, _) => (VifTable::Primary, v, 0),
        }
    }

    /// What the VIF says.
    pub fn desc(&self) -> VifDesc {
        self.vif_parts().0
    }

    /// What the VIF says, and the combinable VIFEs after the true VIF.
    #[inline]
    pub fn vif_parts(&self) -> (VifDesc, &'a [u8]) {
        let (table, code, n) = self.true_vif();
        (describe(table, code), self.vifes.get(n..).unwrap_or(&[]))
    }

    /// The table and code (extension bit cleared) of the true VIF.
    pub fn vif(&self) -> (VifTable, u8) {
        let (table, code, _) = self.true_vif();
        (table, code & 0x7F)
    }

    /// The combinable VIFEs after the true VIF (extension bits as sent).
    pub fn combinable_vifes(&self) -> &'a [u8] {
        let (_, _, n) = self.true_vif();
        self.vifes.get(n..).unwrap_or(&[])
    }

    /// Whether the VIF is a date or time point (primary `6C`/`6D`, `FD 30`, `FD 70`), so the
    /// DIF's data field selects a date type.
    pub fn is_time_point(&self) -> bool {
        self.desc().kind == VifKind::TimePoint
    }

    /// Decodes the data field. `msb_first` for CI `76`, `55`, `56` (mode 2).
    pub fn value(&self, msb_first: bool) -> DataValue<'a> {
        self.decode(msb_first, self.is_time_point())
    }

    /// [`Record::value`], with whether the VIF is a date or time point already known.
    #[inline(always)]
    pub(crate) fn decode(&self, msb_first: bool, time_point: bool) -> DataValue<'a> {
        match self.data_field() {
            0x0 | 0x8 => DataValue::None,
            code if time_point && has_date_type(code) => self.date(msb_first),
            0x5 => DataValue::Real(self.real(msb_first)),
            0xD => self.lvar_value(),
            0x1..=0x4 | 0x6 | 0x7 | 0x9..=0xC | 0xE => match self.integer(msb_first) {
                Some(i) => DataValue::Int(i),
                None => DataValue::BcdError(self.data),
            },
            _ => DataValue::Bytes(self.data),
        }
    }

    /// The data of a real field (type H, data field 5).
    #[inline(always)]
    pub(crate) fn real(&self, msb_first: bool) -> f32 {
        f32::from_bits(self.word(4, msb_first) as u32)
    }

    /// The data of a fixed-length integer field: binary (type B, data fields 1–4, 6, 7) or BCD
    /// (type A, 9–C, E). `None` for other fields, and for BCD with an error nibble.
    #[inline(always)]
    pub(crate) fn integer(&self, msb_first: bool) -> Option<i64> {
        // The integer fields are the fixed lengths but no data (0, 8) and the real (5); BCD
        // codes have bit 3 set. Lookups and two branches instead of a jump table over the
        // code, whose target a stream of mixed records keeps mispredicting.
        let code = self.data_field();
        let len = match data_len(code) {
            Some(n) if n > 0 && code != 0x5 => n,
            _ => return None,
        };
        let raw = self.word(len, msb_first);
        if code & 0x8 != 0 {
            bcd_word(raw, len)
        } else {
            Some(sign_extend(raw, len))
        }
    }

    /// The date or time of a data field 2 (type G), 4 (F), 6 (I) or 3 (J, seconds of the day).
    pub(crate) fn date(&self, msb_first: bool) -> DataValue<'a> {
        match self.data_field() {
            0x2 => {
                let [b0, b1, ..] = self.word(2, msb_first).to_le_bytes();
                date_g([b0, b1])
            }
            0x4 => {
                let [b0, b1, b2, b3, ..] = self.word(4, msb_first).to_le_bytes();
                date_f([b0, b1, b2, b3])
            }
            0x6 => {
                let [b0, b1, b2, b3, b4, b5, ..] = self.word(6, msb_first).to_le_bytes();
                date_i([b0, b1, b2, b3, b4, b5])
            }
            _ => {
                let [b0, b1, b2, ..] = self.word(3, msb_first).to_le_bytes();
                DataValue::TimeOfDay(time_j([b0, b1, b2]))
            }
        }
    }

    /// The first `len` (1–8) data bytes as one number, in the telegram's byte order (0 if the
    /// data is shorter, which a parsed record never is): two overlapping 4-byte loads or three
    /// byte loads, whichever fits, without a branch on the length.
    #[inline(always)]
    fn word(&self, len: usize, msb_first: bool) -> u64 {
        let Some(data) = self.data.get(..len) else {
            return 0;
        };
        // Both readings, then one selected: whether the width reaches 4 is as likely one way as
        // the other in a stream of mixed records. A field below 4 bytes loads zeros for the
        // 4-byte reading.
        const ZEROS: [u8; 4] = [0; 4];
        let (lo, hi) = match (data.first_chunk::<4>(), data.last_chunk::<4>()) {
            (Some(lo), Some(hi)) => (lo, hi),
            _ => (&ZEROS, &ZEROS),
        };
        let long = u64::from(u32::from_le_bytes(*lo))
            | u64::from(u32::from_le_bytes(*hi)) << (8 * len.saturating_sub(4));
        let short = match (data.first(), data.get(len / 2), data.last()) {
            (Some(&a), Some(&b), Some(&c)) => {
                u64::from(a) | u64::from(b) << (8 * (len / 2)) | u64::from(c) << (8 * (len - 1))
            }
            _ => 0,
        };
        let w = if len >= 4 { long } else { short };
        if msb_first {
            w.swap_bytes() >> (64 - 8 * len)
        } else {
            w
        }
    }

    /// Writes the record back in wire form (plain text where it was found).
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        let text = |w: &mut Writer<'_>, t: &[u8]| -> Result<()> {
            let n = u8::try_from(t.len()).map_err(|_| {
                Error::new(
                    L,
                    w.pos(),
                    ErrorKind::Oversize {
                        limit: 255,
                        found: t.len(),
                    },
                )
            })?;
            w.u8(n)?;
            w.put(t)
        };
        w.u8(self.dif)?;
        w.put(self.difes)?;
        w.u8(self.vif)?;
        if let (Some(t), true) = (self.plain_text, self.text_first) {
            text(w, t)?;
        }
        w.put(self.vifes)?;
        if let (Some(t), false) = (self.plain_text, self.text_first) {
            text(w, t)?;
        }
        if let Some(lvar) = self.lvar {
            w.u8(lvar)?;
        }
        w.put(self.data)
    }

    fn lvar_value(&self) -> DataValue<'a> {
        match self.lvar {
            Some(0x00..=0xBF) => DataValue::Text(self.data),
            Some(0xC0..=0xC9) => {
                bcd(self.data).map_or(DataValue::BcdError(self.data), DataValue::Int)
            }
            Some(0xD0..=0xD9) => {
                bcd(self.data).map_or(DataValue::BcdError(self.data), |v| DataValue::Int(-v))
            }
            Some(0xE0..=0xF6) if self.data.len() <= 8 => {
                if self.data.len() == 8 && self.data.last().is_some_and(|b| b & 0x80 != 0) {
                    DataValue::UInt(uint_le(self.data))
                } else {
                    DataValue::Int(int_le(self.data))
                }
            }
            _ => DataValue::Bytes(self.data),
        }
    }
}

/// Lazily iterates the records of a telegram's user data.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    done: bool,
}

impl<'a> Records<'a> {
    /// Records in `data`, which starts `base` bytes into the frame (for error offsets).
    pub fn new(data: &'a [u8], base: usize) -> Self {
        Records {
            data,
            pos: 0,
            base,
            done: false,
        }
    }

    /// Bytes of the user data read so far (after an error: up to the record that failed).
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// Offset in the frame of the next item (where a new `Records` resumes reading; after an
    /// error, the record that failed).
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }
}

/// The record whose DIF is at `*pos` in `input`, moving `pos` to its end; `None` if it is not
/// well-formed ([`explain`] then says why). The fast path of the iterator.
#[inline(always)]
fn scan<'a>(input: &'a [u8], pos: &mut usize, base: usize) -> Option<Record<'a>> {
    let at = *pos;
    let (&dif, rest) = input.get(at..)?.split_first()?;
    if dif & 0x0F == 0x0F {
        return None;
    }
    let (difes, rest) = rest.split_at_checked(chain_len(dif, rest, MAX_EXTENSIONS)?)?;
    let (&vif, mut rest) = rest.split_first()?;
    let plain = vif & 0x7F == 0x7C;
    let mut plain_text = None;
    let text_first = plain && text_at(rest, 0).is_some();
    if text_first {
        let (text, after) = take_text(rest)?;
        plain_text = Some(text);
        rest = after;
    }
    let (vifes, mut rest) = rest.split_at_checked(chain_len(vif, rest, vife_limit(vif))?)?;
    if plain && !text_first {
        let (text, after) = take_text(rest)?;
        plain_text = Some(text);
        rest = after;
    }
    let (lvar, len) = match data_len(dif) {
        Some(n) => (None, n),
        None => {
            let (&lvar, after) = rest.split_first()?;
            rest = after;
            (Some(lvar), lvar_len(lvar)?)
        }
    };
    let data = rest.get(..len)?;
    *pos = input.len() - (rest.len() - len);
    Some(Record {
        offset: base + at,
        dif,
        difes,
        vif,
        vifes,
        plain_text,
        text_first,
        lvar,
        data,
    })
}

/// Most VIFEs after `vif`: 10, plus the true VIF after `FB`/`FD`.
const fn vife_limit(vif: u8) -> usize {
    MAX_EXTENSIONS + matches!(vif, 0xFB | 0xFD) as usize
}

/// How many extension bytes follow a DIF or VIF `head` at the start of `rest`: none without
/// the extension bit, else up to the first without it — `None` if that is not among the first
/// `max`.
#[inline(always)]
fn chain_len(head: u8, rest: &[u8], max: usize) -> Option<usize> {
    if head & 0x80 == 0 {
        return Some(0);
    }
    let mut n = 0;
    while n < max {
        let b = *rest.get(n)?;
        n += 1;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// A plain-text unit after its length byte: the text, and what follows it.
#[inline(always)]
fn take_text(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&n, rest) = rest.split_first()?;
    rest.split_at_checked(usize::from(n))
}

/// Why the record at `at` is not well-formed: the structural error, with its offset in the
/// frame. Reads the record field by field, as [`scan`] does, naming the first field that fails.
#[cold]
#[inline(never)]
fn explain(input: &[u8], at: usize, base: usize) -> Error {
    let mut r = Reader::new(input, L);
    let e = match r.take(at).and_then(|_| r.u8()) {
        Ok(dif) => match parse_record(&mut r, at, dif) {
            Err(e) => e,
            // Unreachable while `scan` and `parse_record` agree (a property test checks it).
            Ok(_) => Error::invalid(L, at, "record", "a well-formed record", u64::from(dif)),
        },
        Err(e) => e,
    };
    e.shifted(base)
}

/// The record after `dif`, read field by field with each failure's offset.
fn parse_record<'a>(r: &mut Reader<'a>, offset: usize, dif: u8) -> Result<Record<'a>> {
    let input = r.input();
    let difes = read_chain(r, dif, MAX_EXTENSIONS, "DIFE count", "at most 10 DIFEs")?;
    if dif & 0x0F == 0x0F {
        return Err(Error::invalid(
            L,
            offset,
            "DIF",
            "a data field, or special function 0F/1F/2F/7F",
            u64::from(dif),
        ));
    }
    // VIF and VIFEs; plain text in either order.
    let vif = r.u8()?;
    let plain = vif & 0x7F == 0x7C;
    let text_first = plain && text_at(input, r.pos()).is_some();
    let mut plain_text = None;
    if text_first {
        plain_text = Some(read_text(r)?);
    }
    let most = if vife_limit(vif) > MAX_EXTENSIONS {
        "at most 11 VIFEs (the true VIF, then 10)"
    } else {
        "at most 10 VIFEs"
    };
    let vifes = read_chain(r, vif, vife_limit(vif), "VIFE count", most)?;
    if plain && !text_first {
        plain_text = Some(read_text(r)?);
    }
    // Data.
    let (lvar, len) = match data_len(dif) {
        Some(n) => (None, n),
        None => {
            let at = r.pos();
            let lvar = r.u8()?;
            let n = lvar_len(lvar).ok_or(Error::invalid(
                L,
                at,
                "LVAR",
                "0x00-0xC9, 0xD0-0xD9, 0xE0-0xF6",
                u64::from(lvar),
            ))?;
            (Some(lvar), n)
        }
    };
    let data = r.take(len)?;
    Ok(Record {
        offset,
        dif,
        difes,
        vif,
        vifes,
        plain_text,
        text_first,
        lvar,
        data,
    })
}

/// The extension bytes after a DIF or VIF `head`: up to the first without the extension bit, at
/// most `max` of them.
fn read_chain<'a>(
    r: &mut Reader<'a>,
    head: u8,
    max: usize,
    field: &'static str,
    expected: &'static str,
) -> Result<&'a [u8]> {
    let start = r.pos();
    let mut ext = head & 0x80 != 0;
    let mut count = 0;
    while ext {
        let at = r.pos();
        let byte = r.u8()?;
        count += 1;
        if count > max {
            return Err(Error::invalid(L, at, field, expected, count as u64));
        }
        ext = byte & 0x80 != 0;
    }
    Ok(r.input().get(start..r.pos()).unwrap_or(&[]))
}

fn read_text<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let n = r.u8()?;
    r.take(usize::from(n))
}

/// Whether a length byte at `at` is followed by that many printable characters.
fn text_at(input: &[u8], at: usize) -> Option<usize> {
    let n = usize::from(*input.get(at)?);
    let text = input.get(at + 1..at + 1 + n)?;
    (n > 0 && text.iter().all(|c| (0x20..0x7F).contains(c))).then_some(n)
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Item<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let at = self.pos;
        let Some(&dif) = self.data.get(at) else {
            self.done = true;
            return None;
        };
        let offset = self.base + at;
        let item = match dif {
            0x2F => {
                self.pos = at + 1;
                Ok(Item::Filler { offset })
            }
            0x7F => {
                self.pos = at + 1;
                Ok(Item::GlobalReadout { offset })
            }
            0x0F | 0x1F => {
                self.done = true;
                self.pos = self.data.len();
                Ok(Item::Manufacturer {
                    offset,
                    more_follows: dif == 0x1F,
                    data: self.data.get(at + 1..).unwrap_or(&[]),
                })
            }
            _ => match scan(self.data, &mut self.pos, self.base) {
                Some(record) => Ok(Item::Record(record)),
                None => {
                    self.done = true;
                    Err(explain(self.data, at, self.base))
                }
            },
        };
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(data: &[u8]) -> std::vec::Vec<Result<Item<'_>>> {
        Records::new(data, 0).collect()
    }

    #[test]
    fn data_field_lengths_follow_table_4() {
        // EN 13757-3 table 4: no data, 8/16/24/32-bit integer, 32-bit real, 48/64-bit
        // integer, selection for readout, 2/4/6/8/12-digit BCD, variable length, special.
        let expected = [
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(4),
            Some(6),
            Some(8),
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            None,
            Some(6),
            None,
        ];
        for (code, want) in (0u8..16).zip(expected) {
            assert_eq!(data_len(code), want, "data field {code:X}");
            assert_eq!(data_len(code | 0xF0), want, "only the low nibble counts");
        }
    }

    #[test]
    fn dife_chain_storage_tariff_subunit() {
        // DIF 0x84 (32-bit, ext), DIFE 0x51 (storage 1, tariff 1, subunit 1), VIF 0x13 (litres).
        let data = [0x84, 0x51, 0x13, 0x01, 0x00, 0x00, 0x00];
        let items = records(&data);
        let Ok(Item::Record(r)) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!((r.storage(), r.tariff(), r.subunit()), (2, 1, 1));
        assert_eq!(r.value(false), DataValue::Int(1));
        assert_eq!(r.desc().exponent, -3);
    }

    #[test]
    fn plain_text_vif_in_both_orders() {
        // libmbus order: FC, length 3, "hPa" last character first, then VIFE 0x74.
        let libmbus = [0x02, 0xFC, 0x03, b'a', b'P', b'h', 0x74, 0x2A, 0x00];
        let Ok(Item::Record(r)) = records(&libmbus)[0] else {
            panic!()
        };
        assert_eq!(r.plain_text, Some(&b"aPh"[..]));
        assert!(r.text_first);
        assert_eq!(r.combinable_vifes(), &[0x74]);
        assert_eq!(r.data, &[0x2A, 0x00]);
        let spec = [0x02, 0xFC, 0x74, 0x03, b'a', b'P', b'h', 0x2A, 0x00];
        let Ok(Item::Record(r)) = records(&spec)[0] else {
            panic!()
        };
        assert_eq!(r.plain_text, Some(&b"aPh"[..]));
        assert_eq!(r.combinable_vifes(), &[0x74]);
        assert!(!r.text_first);
        assert_eq!(r.data, &[0x2A, 0x00]);
    }

    #[test]
    fn structure_errors() {
        let too_many = [
            0x84, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x13,
        ];
        let e = records(&too_many).pop().unwrap().unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (11, "invalid"));
        let e = records(&[0x04, 0x13, 0x01]).pop().unwrap().unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 6,
                available: 3
            }
        );
        let items = records(&[0x2F, 0x2F, 0x01, 0x7A, 0x05, 0x1F, 0xAA, 0xBB]);
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[3],
            Ok(Item::Manufacturer {
                offset: 5,
                more_follows: true,
                data: &[0xAA, 0xBB]
            })
        );
    }

    #[test]
    fn error_offsets_count_from_the_frame() {
        // User data starting 19 bytes into the frame: a filler, then a reserved special DIF (3F),
        // or a record cut short in its VIFE chain.
        let e = Records::new(&[0x2F, 0x3F, 0x13], 19)
            .nth(1)
            .unwrap()
            .unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (20, "invalid"));
        let e = Records::new(&[0x2F, 0x04, 0x93, 0xFF], 19)
            .nth(1)
            .unwrap()
            .unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (23, "truncated"));
    }

    #[test]
    fn too_many_vifes_names_the_limit_of_the_vif() {
        // Eleven extension bytes: one too many after a primary VIF, allowed after FD (the true
        // VIF and 10 combinable VIFEs); a twelfth is one too many there too.
        let record = |vif: u8, n: usize| {
            let mut data = std::vec![0x04, vif];
            data.extend(std::iter::repeat(0x80).take(n - 1));
            data.push(0x00);
            data.extend([0; 4]);
            data
        };
        let rejected = |data: &[u8]| match Records::new(data, 0).next() {
            Some(Err(Error {
                layer,
                offset,
                kind:
                    ErrorKind::Invalid {
                        field,
                        expected,
                        found,
                    },
            })) => Some((layer, offset, field, expected, found)),
            _ => None,
        };
        assert_eq!(
            rejected(&record(0x93, 11)),
            Some((L, 12, "VIFE count", "at most 10 VIFEs", 11))
        );
        let data = record(0xFD, 11);
        assert!(matches!(
            Records::new(&data, 0).next(),
            Some(Ok(Item::Record(r))) if r.vifes.len() == 11 && r.data.len() == 4
        ));
        assert_eq!(
            rejected(&record(0xFD, 12)),
            Some((
                L,
                13,
                "VIFE count",
                "at most 11 VIFEs (the true VIF, then 10)",
                12
            ))
        );
    }

    /// Bytes that make record structure likely: runs of extension bytes around the limit of
    /// 10, plain-text VIFs and length-prefixed text, LVARs.
    fn record_bytes() -> impl proptest::strategy::Strategy<Value = std::vec::Vec<u8>> {
        use proptest::prelude::*;
        let chain = (0usize..13, any::<u8>()).prop_map(|(n, b)| {
            let mut run = std::vec![0x80 | b; n];
            run.push(b & 0x7F);
            run
        });
        let text = proptest::collection::vec(0x20u8..0x7F, 0..5).prop_map(|t| {
            let mut run = std::vec![t.len() as u8];
            run.extend(t);
            run
        });
        let segment = prop_oneof![
            any::<u8>().prop_map(|b| std::vec![b]),
            prop::sample::select(&[0x7C, 0xFC, 0xFB, 0xFD, 0x0D, 0x8D, 0x04][..])
                .prop_map(|b| std::vec![b]),
            chain,
            text,
        ];
        proptest::collection::vec(segment, 0..10).prop_map(|s| s.concat())
    }

    proptest::proptest! {
        /// `integer` (one lookup and two overlapping loads) reads every fixed-length integer
        /// field as the byte-by-byte readers do, in both byte orders; other fields are none.
        #[test]
        fn integer_matches_the_byte_readers(code in 0u8..16, bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 8), msb_first in proptest::prelude::any::<bool>()) {
            let len = data_len(code).unwrap_or(0);
            let mut field = bytes[..len].to_vec();
            let record = Record { offset: 0, dif: code, difes: &[], vif: 0x13, vifes: &[], plain_text: None, text_first: false, lvar: None, data: &field };
            let got = record.integer(msb_first);
            if msb_first {
                field.reverse();
            }
            let want = match code {
                0x1..=0x4 | 0x6 | 0x7 => Some(crate::mbus::data::int_le(&field)),
                0x9..=0xC | 0xE => crate::mbus::data::bcd(&field),
                _ => None,
            };
            proptest::prop_assert_eq!(got, want);
        }

        /// The iterator's fast `scan` and the field-by-field reader that explains its failures
        /// agree on every input: the same record and end, or both reject it.
        #[test]
        fn scan_agrees_with_the_field_by_field_reader(input in record_bytes()) {
            for (at, &dif) in input.iter().enumerate() {
                let mut end = at;
                let fast = scan(&input, &mut end, 7);
                let mut r = Reader::new(&input, L);
                r.take(at + 1).unwrap();
                match (fast, parse_record(&mut r, 7 + at, dif)) {
                    (Some(f), Ok(s)) => {
                        proptest::prop_assert_eq!(f, s);
                        proptest::prop_assert_eq!(end, r.pos());
                    }
                    (None, Err(_)) => {}
                    (f, s) => proptest::prop_assert!(false, "at {}: scan {:?}, reader {:?}", at, f, s),
                }
            }
        }
    }
}
