//! Caller-owned storage and what is built on it: the stream deframer driver and the
//! fixed-capacity reassembly buffer.
//!
//! Storage is anything implementing [`Buffer`]: a `[u8; N]` or `&mut [u8]` for firmware (no heap),
//! or [`Growable`] (a `Vec` with a size limit) behind `alloc`.

use core::ops::Range;

use crate::error::{Error, ErrorKind, Layer, Result};

/// Byte storage with a hard capacity.
pub trait Buffer {
    /// Bytes this storage can ever hold.
    fn capacity(&self) -> usize;
    /// Makes the first `len` bytes addressable; fails beyond [`Buffer::capacity`].
    fn reserve(&mut self, len: usize) -> bool;
    /// The addressable bytes.
    fn bytes(&self) -> &[u8];
    /// The addressable bytes, mutably.
    fn bytes_mut(&mut self) -> &mut [u8];
}

impl<const N: usize> Buffer for [u8; N] {
    fn capacity(&self) -> usize {
        N
    }
    fn reserve(&mut self, len: usize) -> bool {
        len <= N
    }
    fn bytes(&self) -> &[u8] {
        self
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

impl Buffer for &mut [u8] {
    fn capacity(&self) -> usize {
        self.len()
    }
    fn reserve(&mut self, len: usize) -> bool {
        len <= self.len()
    }
    fn bytes(&self) -> &[u8] {
        self
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

/// A heap buffer that grows on demand up to `limit` bytes.
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, Default)]
pub struct Growable {
    vec: alloc::vec::Vec<u8>,
    limit: usize,
}

#[cfg(feature = "alloc")]
impl Growable {
    /// An empty buffer that will hold at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Growable {
            vec: alloc::vec::Vec::new(),
            limit,
        }
    }
}

#[cfg(feature = "alloc")]
impl Buffer for Growable {
    fn capacity(&self) -> usize {
        self.limit
    }
    fn reserve(&mut self, len: usize) -> bool {
        if len > self.limit {
            return false;
        }
        if self.vec.len() < len {
            self.vec.resize(len, 0);
        }
        true
    }
    fn bytes(&self) -> &[u8] {
        &self.vec
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.vec
    }
}

/// What a deframer found at the start of the bytes it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deframed {
    /// A complete, checked frame occupies this span.
    Frame(Range<usize>),
    /// The bytes so far are a valid prefix; at least this many more are needed.
    NeedMore(usize),
    /// These bytes cannot start a frame and should be dropped.
    Skipped(Range<usize>),
}

/// A stateless frame finder: looks at the start of `buf` and says what is there.
///
/// Implementations must return `Skipped` spans that do not contain the start of any intact
/// frame, so that resynchronisation never loses one.
pub trait Deframe {
    /// Examines `buf` (never empty).
    fn deframe(&mut self, buf: &[u8]) -> Deframed;
}

/// An item from a [`Stream`].
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'b> {
    /// A complete frame.
    Frame(&'b [u8]),
    /// Garbage that was dropped.
    Skipped(&'b [u8]),
}

/// Drives a [`Deframe`] over a byte stream held in caller storage.
///
/// `push` appends received bytes; `next_event` yields frames and skipped garbage in stream order, and
/// `None` when more bytes are needed ([`Stream::needed`] says how many at least).
#[derive(Debug)]
pub struct Stream<B: Buffer, D: Deframe> {
    buf: B,
    len: usize,
    /// Bytes at the front that the previous `next_event` handed out and may now be dropped.
    consumed: usize,
    needed: usize,
    deframer: D,
}

impl<B: Buffer, D: Deframe> Stream<B, D> {
    /// A stream over `buf` with `deframer`.
    pub fn new(buf: B, deframer: D) -> Self {
        Stream {
            buf,
            len: 0,
            consumed: 0,
            needed: 1,
            deframer,
        }
    }

    /// The deframer (to change its mode).
    pub fn deframer_mut(&mut self) -> &mut D {
        &mut self.deframer
    }

    /// Bytes buffered and not yet returned.
    pub fn buffered(&self) -> usize {
        self.len.saturating_sub(self.consumed)
    }

    /// At least this many more bytes are needed before the next frame can complete.
    pub fn needed(&self) -> usize {
        self.needed
    }

    fn compact(&mut self) {
        if self.consumed > 0 {
            let (consumed, len) = (self.consumed, self.len);
            if let Some(bytes) = self.buf.bytes_mut().get_mut(..len) {
                bytes.copy_within(consumed.., 0);
            }
            self.len = len.saturating_sub(consumed);
            self.consumed = 0;
        }
    }

    /// Appends bytes; on overflow appends nothing and reports the capacity (the caller may drain
    /// with `next_event` and retry, or `clear`).
    pub fn push(&mut self, data: &[u8]) -> Result<()> {
        self.compact();
        let end = self.len.saturating_add(data.len());
        if !self.buf.reserve(end) {
            return Err(Error::new(
                Layer::Deframer,
                self.len,
                ErrorKind::Capacity {
                    needed: end,
                    capacity: self.buf.capacity(),
                },
            ));
        }
        if let Some(dst) = self.buf.bytes_mut().get_mut(self.len..end) {
            dst.copy_from_slice(data);
            self.len = end;
        }
        Ok(())
    }

    /// The next frame or skipped span, or `None` when more input is needed.
    pub fn next_event(&mut self) -> Option<Event<'_>> {
        self.compact();
        let pending = self.buf.bytes().get(..self.len).unwrap_or(&[]);
        if pending.is_empty() {
            self.needed = 1;
            return None;
        }
        match self.deframer.deframe(pending) {
            Deframed::NeedMore(n) => {
                self.needed = n.max(1);
                if self.len >= self.buf.capacity() {
                    // A frame longer than the storage can never complete: drop one byte.
                    self.consumed = 1;
                    return pending.get(..1).map(Event::Skipped);
                }
                None
            }
            Deframed::Frame(span) => {
                self.consumed = span.end.max(1);
                pending.get(span).map(Event::Frame)
            }
            Deframed::Skipped(span) => {
                self.consumed = span.end.max(1);
                pending.get(span).map(Event::Skipped)
            }
        }
    }

    /// Drops everything buffered (after a line break or timeout).
    pub fn clear(&mut self) {
        self.len = 0;
        self.consumed = 0;
        self.needed = 1;
    }
}

/// How many separate filled ranges an [`Assembler`] tracks (holes between out-of-order pieces).
pub const MAX_RANGES: usize = 16;

/// Reassembles a message from pieces at byte offsets, in caller storage.
///
/// Pieces may arrive in any order; identical duplicates are ignored. An overlap with different
/// content, a piece past the known total or the capacity, or too many holes is an error that
/// leaves everything assembled so far untouched.
#[derive(Debug)]
pub struct Assembler<B: Buffer> {
    buf: B,
    ranges: [Range<usize>; MAX_RANGES],
    count: usize,
    total: Option<usize>,
}

impl<B: Buffer> Assembler<B> {
    /// An empty assembler over `buf`.
    pub fn new(buf: B) -> Self {
        Assembler {
            buf,
            ranges: Default::default(),
            count: 0,
            total: None,
        }
    }

    fn filled(&self) -> &[Range<usize>] {
        self.ranges.get(..self.count).unwrap_or(&[])
    }

    fn err(offset: usize, kind: ErrorKind) -> Error {
        Error::new(Layer::Reassembly, offset, kind)
    }

    /// Declares the total message length.
    pub fn set_total(&mut self, total: usize) -> Result<()> {
        if total > self.buf.capacity() {
            return Err(Self::err(
                0,
                ErrorKind::Capacity {
                    needed: total,
                    capacity: self.buf.capacity(),
                },
            ));
        }
        if let Some(r) = self.filled().iter().find(|r| r.end > total) {
            return Err(Self::err(
                r.start,
                ErrorKind::Length {
                    field: "total length",
                    expected: r.end,
                    found: total,
                },
            ));
        }
        if matches!(self.total, Some(t) if t != total) {
            return Err(Self::err(
                0,
                ErrorKind::Conflict {
                    what: "total length differs",
                },
            ));
        }
        self.total = Some(total);
        Ok(())
    }

    /// The total length, once known.
    pub fn total(&self) -> Option<usize> {
        self.total
    }

    /// Bytes contiguous from offset 0.
    pub fn contiguous(&self) -> usize {
        match self.filled().first() {
            Some(r) if r.start == 0 => r.end,
            _ => 0,
        }
    }

    /// Inserts `data` at `offset`.
    pub fn insert(&mut self, offset: usize, data: &[u8]) -> Result<()> {
        let end = offset.checked_add(data.len()).ok_or(Self::err(
            offset,
            ErrorKind::Oversize {
                limit: usize::MAX,
                found: offset,
            },
        ))?;
        if let Some(total) = self.total {
            if end > total {
                return Err(Self::err(
                    offset,
                    ErrorKind::Oversize {
                        limit: total,
                        found: end,
                    },
                ));
            }
        }
        if !self.buf.reserve(end) {
            return Err(Self::err(
                offset,
                ErrorKind::Capacity {
                    needed: end,
                    capacity: self.buf.capacity(),
                },
            ));
        }
        // Overlapping bytes must agree.
        let stored = self.buf.bytes();
        for r in self.filled() {
            let (lo, hi) = (r.start.max(offset), r.end.min(end));
            if lo < hi && stored.get(lo..hi) != data.get(lo - offset..hi - offset) {
                return Err(Self::err(
                    lo,
                    ErrorKind::Conflict {
                        what: "overlap with different content",
                    },
                ));
            }
        }
        // New range list: merge every range touching [offset, end).
        let (mut start, mut stop) = (offset, end);
        let mut merged: [Range<usize>; MAX_RANGES] = Default::default();
        let mut n = 0;
        let mut placed = false;
        for r in self.filled() {
            if r.end < start {
                *merged.get_mut(n).ok_or(Self::too_many(offset))? = r.clone();
                n += 1;
            } else if r.start > stop {
                if !placed {
                    *merged.get_mut(n).ok_or(Self::too_many(offset))? = start..stop;
                    n += 1;
                    placed = true;
                }
                *merged.get_mut(n).ok_or(Self::too_many(offset))? = r.clone();
                n += 1;
            } else {
                start = start.min(r.start);
                stop = stop.max(r.end);
            }
        }
        if !placed && start < stop {
            *merged.get_mut(n).ok_or(Self::too_many(offset))? = start..stop;
            n += 1;
        }
        if let Some(dst) = self.buf.bytes_mut().get_mut(offset..end) {
            dst.copy_from_slice(data);
        }
        self.ranges = merged;
        self.count = n;
        Ok(())
    }

    fn too_many(offset: usize) -> Error {
        Self::err(
            offset,
            ErrorKind::Capacity {
                needed: MAX_RANGES + 1,
                capacity: MAX_RANGES,
            },
        )
    }

    /// The whole message, once the total is known and every byte has arrived.
    pub fn complete(&self) -> Option<&[u8]> {
        let total = self.total?;
        (self.contiguous() >= total)
            .then(|| self.buf.bytes().get(..total))
            .flatten()
    }

    /// Forgets everything (the storage is kept).
    pub fn reset(&mut self) {
        self.count = 0;
        self.total = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Frames are `0x7E len payload...`; anything else is garbage.
    struct Toy;
    impl Deframe for Toy {
        fn deframe(&mut self, buf: &[u8]) -> Deframed {
            match buf {
                [0x7E] => Deframed::NeedMore(1),
                [0x7E, len, rest @ ..] => {
                    let need = usize::from(*len);
                    if rest.len() >= need {
                        Deframed::Frame(0..2 + need)
                    } else {
                        Deframed::NeedMore(need - rest.len())
                    }
                }
                _ => {
                    let end = buf.iter().position(|&b| b == 0x7E).unwrap_or(buf.len());
                    Deframed::Skipped(0..end.max(1))
                }
            }
        }
    }

    #[test]
    fn stream_yields_frames_and_garbage_in_order() {
        let mut s = Stream::new([0u8; 16], Toy);
        s.push(&[1, 2, 0x7E, 2, 9]).unwrap();
        assert_eq!(s.next_event(), Some(Event::Skipped(&[1, 2])));
        assert_eq!(s.next_event(), None);
        assert_eq!(s.needed(), 1);
        s.push(&[8, 0x7E, 0]).unwrap();
        assert_eq!(s.next_event(), Some(Event::Frame(&[0x7E, 2, 9, 8])));
        assert_eq!(s.next_event(), Some(Event::Frame(&[0x7E, 0])));
        assert_eq!(s.next_event(), None);
        let err = s.push(&[0; 17]).unwrap_err();
        assert_eq!(
            err.kind,
            ErrorKind::Capacity {
                needed: 17,
                capacity: 16
            }
        );
    }

    #[test]
    fn stream_cannot_wedge_on_an_oversize_header() {
        let mut s = Stream::new([0u8; 4], Toy);
        s.push(&[0x7E, 200, 1, 2]).unwrap();
        assert_eq!(s.next_event(), Some(Event::Skipped(&[0x7E])));
        assert_eq!(s.next_event(), Some(Event::Skipped(&[200, 1, 2])));
    }

    #[test]
    fn assembler_in_any_order() {
        let mut a = Assembler::new([0u8; 8]);
        a.insert(4, &[5, 6]).unwrap();
        a.insert(0, &[1, 2]).unwrap();
        assert_eq!(a.complete(), None);
        a.set_total(6).unwrap();
        a.insert(2, &[3, 4]).unwrap();
        a.insert(1, &[2, 3]).unwrap(); // identical overlap is fine
        assert_eq!(a.complete(), Some(&[1, 2, 3, 4, 5, 6][..]));
    }

    #[test]
    fn assembler_errors_lose_nothing() {
        let mut a = Assembler::new([0u8; 8]);
        a.insert(0, &[1, 2, 3]).unwrap();
        let e = a.insert(2, &[9, 9]).unwrap_err();
        assert_eq!((e.offset, e.kind.name()), (2, "conflict"));
        let e = a.insert(6, &[0; 3]).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Capacity {
                needed: 9,
                capacity: 8
            }
        );
        a.set_total(4).unwrap();
        let e = a.insert(3, &[4, 5]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Oversize { limit: 4, found: 5 });
        assert_eq!(a.contiguous(), 3);
        a.insert(3, &[4]).unwrap();
        assert_eq!(a.complete(), Some(&[1, 2, 3, 4][..]));
    }

    #[test]
    fn assembler_too_many_holes() {
        let mut a = Assembler::new([0u8; 64]);
        for i in 0..MAX_RANGES {
            a.insert(i * 3, &[1]).unwrap();
        }
        let e = a.insert(60, &[1]).unwrap_err();
        assert_eq!(e.kind.name(), "capacity");
        a.insert(1, &[0, 0]).unwrap(); // closing a hole still works
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn growable_storage_has_a_limit() {
        let mut a = Assembler::new(Growable::new(4));
        a.insert(0, &[1, 2, 3, 4]).unwrap();
        assert!(a.insert(4, &[5]).is_err());
    }

    proptest! {
        #[test]
        fn any_split_of_any_order_reassembles(data in proptest::collection::vec(any::<u8>(), 1..200),
                                              cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
                                              order in any::<prop::sample::Index>()) {
            let mut points: std::vec::Vec<usize> = cuts.iter().map(|c| c.index(data.len())).collect();
            points.push(0);
            points.push(data.len());
            points.sort_unstable();
            points.dedup();
            let mut pieces: std::vec::Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
            let k = order.index(pieces.len());
            pieces.rotate_left(k);
            let mut a = Assembler::new([0u8; 256]);
            a.set_total(data.len()).unwrap();
            for (s, e) in pieces {
                a.insert(s, &data[s..e]).unwrap();
            }
            prop_assert_eq!(a.complete(), Some(&data[..]));
        }

        #[test]
        fn stream_finds_every_frame_under_any_chunking(
            frames in proptest::collection::vec(proptest::collection::vec(0u8..0x7E, 0..10), 1..8),
            chunk in 1usize..7,
        ) {
            let mut wire = std::vec::Vec::new();
            for f in &frames {
                wire.push(0x7E);
                wire.push(f.len() as u8);
                wire.extend_from_slice(f);
            }
            let mut s = Stream::new([0u8; 64], Toy);
            let mut got = std::vec::Vec::new();
            for c in wire.chunks(chunk) {
                s.push(c).unwrap();
                while let Some(ev) = s.next_event() {
                    if let Event::Frame(f) = ev { got.push(f[2..].to_vec()); }
                }
            }
            prop_assert_eq!(got, frames);
        }
    }
}
