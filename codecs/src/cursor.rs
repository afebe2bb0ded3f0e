//! Bounds-checked reading and writing with errors that carry layer and offset.

use crate::error::{Error, ErrorKind, Layer, Result};

/// Reads fields from a byte slice; every read is checked and reports its offset.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    layer: Layer,
}

impl<'a> Reader<'a> {
    /// A reader over `buf` for `layer`; offsets are relative to `buf`.
    pub const fn new(buf: &'a [u8], layer: Layer) -> Self {
        Reader { buf, pos: 0, layer }
    }

    /// The whole input (to re-slice a span already validated).
    pub const fn input(&self) -> &'a [u8] {
        self.buf
    }

    /// The layer errors name.
    pub const fn layer(&self) -> Layer {
        self.layer
    }

    /// Current offset.
    pub const fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// An error at the current offset.
    pub fn error(&self, kind: ErrorKind) -> Error {
        Error::new(self.layer, self.pos, kind)
    }

    /// `field` holds `found`, which is not what the protocol allows.
    pub fn invalid_at(
        &self,
        offset: usize,
        field: &'static str,
        expected: &'static str,
        found: u64,
    ) -> Error {
        Error::invalid(self.layer, offset, field, expected, found)
    }

    /// The error for wanting `n` more bytes than there are.
    #[cold]
    #[inline(never)]
    fn short(&self, n: usize) -> Error {
        Error::truncated(
            self.layer,
            self.pos,
            self.pos.saturating_add(n),
            self.buf.len(),
        )
    }

    /// Takes the next `n` bytes.
    #[inline]
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        match self
            .pos
            .checked_add(n)
            .and_then(|end| self.buf.get(self.pos..end))
        {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(self.short(n)),
        }
    }

    /// Takes everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len();
        rest
    }

    /// Reads a byte.
    #[inline]
    pub fn u8(&mut self) -> Result<u8> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.short(1)),
        }
    }

    /// Reads a fixed-size array.
    #[inline]
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let bytes = self.take(N)?;
        <[u8; N]>::try_from(bytes).map_err(|_| self.short(N))
    }

    /// Reads a big-endian u16.
    #[inline]
    pub fn u16_be(&mut self) -> Result<u16> {
        self.array().map(u16::from_be_bytes)
    }

    /// Reads a little-endian u16.
    #[inline]
    pub fn u16_le(&mut self) -> Result<u16> {
        self.array().map(u16::from_le_bytes)
    }

    /// Fails unless every byte was consumed.
    pub fn finish(&self) -> Result<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(self.error(ErrorKind::Length {
                field: "frame",
                expected: self.pos,
                found: self.buf.len(),
            }))
        }
    }
}

/// Writes fields into a caller buffer; running out of room is a `Capacity` error.
#[derive(Debug)]
pub struct Writer<'o> {
    out: &'o mut [u8],
    pos: usize,
    layer: Layer,
}

impl<'o> Writer<'o> {
    /// A writer at the start of `out`.
    pub fn new(out: &'o mut [u8], layer: Layer) -> Self {
        Writer { out, pos: 0, layer }
    }

    /// A writer continuing at `pos` (bytes before it are kept).
    pub fn resume(out: &'o mut [u8], layer: Layer, pos: usize) -> Self {
        let pos = pos.min(out.len());
        Writer { out, pos, layer }
    }

    /// Bytes written so far.
    pub const fn pos(&self) -> usize {
        self.pos
    }

    /// Appends bytes.
    pub fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.pos.saturating_add(bytes.len());
        let capacity = self.out.len();
        let dst = self.out.get_mut(self.pos..end).ok_or(Error::new(
            self.layer,
            self.pos,
            ErrorKind::Capacity {
                needed: end,
                capacity,
            },
        ))?;
        dst.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    /// Appends a byte.
    pub fn u8(&mut self, v: u8) -> Result<()> {
        self.put(&[v])
    }

    /// Appends a big-endian u16.
    pub fn u16_be(&mut self, v: u16) -> Result<()> {
        self.put(&v.to_be_bytes())
    }

    /// Appends a little-endian u16.
    pub fn u16_le(&mut self, v: u16) -> Result<()> {
        self.put(&v.to_le_bytes())
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        self.out.get(..self.pos).unwrap_or(&[])
    }

    /// The whole output buffer back (to patch fields written earlier).
    pub fn into_inner(self) -> &'o mut [u8] {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_report_offsets() {
        let mut r = Reader::new(&[1, 2, 3], Layer::ModbusPdu);
        assert_eq!(r.u16_be().unwrap(), 0x0102);
        let e = r.u16_be().unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (
                2,
                ErrorKind::Truncated {
                    needed: 4,
                    available: 3
                }
            )
        );
        assert_eq!(r.finish().unwrap_err().kind.name(), "length");
    }

    #[test]
    fn writes_report_capacity() {
        let mut buf = [0u8; 3];
        let mut w = Writer::new(&mut buf, Layer::ModbusPdu);
        w.u16_be(0xABCD).unwrap();
        let e = w.u16_le(1).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Capacity {
                needed: 4,
                capacity: 3
            }
        );
        assert_eq!(w.written(), &[0xAB, 0xCD]);
    }
}
