//! The M-Bus master, sans I/O: state machines that say what to send next. The caller owns the
//! serial port and the clock: it sends what [`ReadMeter::transmit`] / [`Scan::transmit`] write,
//! feeds every frame its [`super::link::Deframer`] finds to `on_frame`, reports garbage on the
//! line with `on_garbage`, and calls `on_timeout` when the answer time (EN 13757-2 §5.7:
//! 330 bit times + 50 ms) passes in silence.
//!
//! - [`ReadMeter`]: SND_NKE, then REQ_UD2 with the frame count bit toggled for every new
//!   telegram while the slave's data ends in `1F` ("more records follow"); an unanswered request
//!   is repeated with the same FCB, up to the retry limit, and a readout ends after
//!   [`MAX_TELEGRAMS`]. The SND_NKE is sent once and its ACK awaited but not required (as
//!   libmbus does): a meter that skips the ACK is still read, and an absent one fails after
//!   `1 + max_tries` answer times. A meter whose SND_NKE was lost may take the first REQ_UD2 for
//!   a repeat and answer with its last telegram again. A telegram whose header or records
//!   break off (a structural error, which decoding it reports with its offset; an encrypted
//!   telegram's records usually do) before a `1F` ends the readout: the `1F` cannot be found
//!   past the break, and asking on regardless would cycle through a meter that wraps round to
//!   its first telegram. [`ReadMeter::cut_short`] tells such an end, and one at
//!   [`MAX_TELEGRAMS`], from one the meter announced. At address 253 the meter was selected
//!   beforehand, and a SND_NKE there would end its selection (EN 13757-3 secondary addressing),
//!   so the read starts with REQ_UD2.
//! - [`Scan`]: secondary addressing by wildcard narrowing — select `FFFFFFFF`, and where the
//!   answer is a collision, fix the next identification digit to 0…9 and select again; a single
//!   ACK means one meter matched, whose address is then read with REQ_UD2 to address 253.
//!   Meters whose ACKs merge into one valid `E5` collide on that read instead, which narrows
//!   the same way; meters sharing all 8 digits are told apart by medium, then version. A meter
//!   answering with fixed data (CI `73`, `77`) is found by the id in it; one whose answer
//!   carries no header (CI `78`, `7A`) is narrowed down to all 8 digits and reported by them
//!   (libmbus skips both). Digits `A`–`F` are not tried (as in libmbus): a meter with such an
//!   id is found only when it answers with its header.
//!
//! After a collision the line may still carry the end of it: flush what the serial port has
//! buffered before transmitting the next request, or that rest is taken for the next answer.

use super::app::{self, Body, Header, Identity};
use super::encode::{req_ud2, select, snd_nke, unless_any, Selection};
use super::link::{CField, Frame, FrameKind, ADDRESS_SECONDARY};
use super::record::Item;
use crate::error::Result;

/// What a master state machine reports after an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Nothing to report; call `transmit` and wait.
    Pending,
    /// A complete RSP_UD telegram arrived (the frame given to `on_frame`); more may follow.
    Telegram,
    /// A meter was found by the scan. A meter whose answer has no long header (CI `78`, `7A`)
    /// is found by its 8 digits; what it did not say (manufacturer, and version and medium
    /// unless the scan fixed them) is `FF`, the wildcard that selects it all the same.
    Found(Identity),
    /// The job is finished.
    Done,
    /// The job failed: no answer after the retries.
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReadState {
    SendReset,
    AwaitAck,
    SendRequest,
    AwaitData,
    Done,
    Failed,
}

/// Most telegrams one [`ReadMeter`] readout takes: a meter that keeps answering `1F` (one that
/// ignores the FCB and repeats itself, say) cannot keep the master busy for ever.
pub const MAX_TELEGRAMS: u16 = 64;

/// Reads every telegram of one meter at a primary address (or 253 after a selection).
#[derive(Clone, Debug)]
pub struct ReadMeter {
    address: u8,
    fcb: bool,
    state: ReadState,
    tries: u8,
    max_tries: u8,
    telegrams: u16,
    cut_short: bool,
}

impl ReadMeter {
    /// Reads the meter at `address`, trying each REQ_UD2 up to `max_tries` times (the SND_NKE
    /// before them once). At 253 (select the meter first) no SND_NKE is sent: it would
    /// deselect the meter.
    pub const fn new(address: u8, max_tries: u8) -> Self {
        ReadMeter {
            address,
            fcb: true,
            state: if address == ADDRESS_SECONDARY {
                ReadState::SendRequest
            } else {
                ReadState::SendReset
            },
            tries: 0,
            max_tries,
            telegrams: 0,
            cut_short: false,
        }
    }

    /// Telegrams received so far.
    pub const fn telegrams(&self) -> u16 {
        self.telegrams
    }

    /// Whether the readout ended before the meter said its last telegram: one whose header or
    /// records break off before any `1F`, or the [`MAX_TELEGRAMS`]th still saying `1F`. The
    /// meter may hold more than was read.
    pub const fn cut_short(&self) -> bool {
        self.cut_short
    }

    /// Whether the job is over (done or failed).
    pub const fn is_finished(&self) -> bool {
        matches!(self.state, ReadState::Done | ReadState::Failed)
    }

    /// Writes the frame to send now, if any; then wait for an answer or the timeout.
    pub fn transmit(&mut self, out: &mut [u8]) -> Result<Option<usize>> {
        let n = match self.state {
            ReadState::SendReset => {
                self.state = ReadState::AwaitAck;
                snd_nke(self.address, out)?
            }
            ReadState::SendRequest => {
                self.state = ReadState::AwaitData;
                req_ud2(self.address, self.fcb, out)?
            }
            _ => return Ok(None),
        };
        self.tries += 1;
        Ok(Some(n))
    }

    /// A frame arrived.
    pub fn on_frame(&mut self, frame: &[u8]) -> Event {
        let Ok(f) = Frame::new_checked(frame) else {
            return self.on_garbage();
        };
        match (self.state, f.kind()) {
            (ReadState::AwaitAck, FrameKind::Ack) => {
                self.state = ReadState::SendRequest;
                self.tries = 0;
                Event::Pending
            }
            (ReadState::AwaitData, FrameKind::Long)
                if f.c_field()
                    .is_some_and(|c| c.function() == CField::RSP_UD.function()) =>
            {
                self.telegrams = self.telegrams.saturating_add(1);
                self.tries = 0;
                match more_follows(&f) {
                    Some(true) if self.telegrams < MAX_TELEGRAMS => {
                        self.fcb = !self.fcb;
                        self.state = ReadState::SendRequest;
                    }
                    more => {
                        self.cut_short = more != Some(false);
                        self.state = ReadState::Done;
                    }
                }
                Event::Telegram
            }
            _ => Event::Pending,
        }
    }

    /// Garbage (or a collision) instead of an answer: treated as no answer.
    pub fn on_garbage(&mut self) -> Event {
        self.on_timeout()
    }

    /// No answer in time: after the SND_NKE, go on to REQ_UD2; after a REQ_UD2, repeat it (same
    /// FCB), or give up.
    pub fn on_timeout(&mut self) -> Event {
        match self.state {
            ReadState::AwaitAck => {
                self.state = ReadState::SendRequest;
                self.tries = 0;
                Event::Pending
            }
            ReadState::AwaitData if self.tries >= self.max_tries => {
                self.state = ReadState::Failed;
                Event::Failed
            }
            ReadState::AwaitData => {
                self.state = ReadState::SendRequest;
                Event::Pending
            }
            ReadState::Done => Event::Done,
            ReadState::Failed => Event::Failed,
            _ => Event::Pending,
        }
    }
}

/// Whether the telegram's records end with DIF `1F` (more records follow); `None` when its
/// application layer or records break off before their end, which leaves it unknown.
fn more_follows(f: &Frame<&[u8]>) -> Option<bool> {
    let Some(ci) = f.ci() else {
        return Some(false);
    };
    let records = match app::parse(ci, f.data(), Frame::<&[u8]>::DATA_OFFSET) {
        Ok(Body::Variable { records, .. }) => records,
        Ok(_) => return Some(false),
        // A header cut short; other bodies (fixed data, errors) carry no `1F`.
        Err(_) if matches!(ci, 0x72 | 0x76 | 0x7A) => return None,
        Err(_) => return Some(false),
    };
    for item in records {
        match item {
            Ok(Item::Manufacturer { more_follows, .. }) => return Some(more_follows),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some(false)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScanState {
    SendSelect,
    AwaitSelect,
    SendRead,
    AwaitRead,
    Done,
}

/// Levels of the selection pattern: 8 identification digits, then medium and version.
const DIGITS: usize = 8;
const LEVELS: usize = DIGITS + 2;

/// Finds every meter on the bus by secondary address (wildcard narrowing).
#[derive(Clone, Debug)]
pub struct Scan {
    /// The selection pattern, narrowed in this order: 8 identification digits (most significant
    /// first; `0xF` is a wildcard), medium and version (`0xFF` is a wildcard).
    pattern: [u8; LEVELS],
    /// How many leading levels are fixed.
    depth: usize,
    /// The depth at which a meter answered without naming itself, while the scan fixes its
    /// remaining digits (only it answers below that level).
    unnamed_at: Option<usize>,
    state: ScanState,
    tries: u8,
    max_tries: u8,
}

impl Scan {
    /// A scan over all identification numbers, trying each selection up to `max_tries` times.
    pub const fn new(max_tries: u8) -> Self {
        Scan {
            pattern: [0xF, 0xF, 0xF, 0xF, 0xF, 0xF, 0xF, 0xF, 0xFF, 0xFF],
            depth: 0,
            unnamed_at: None,
            state: ScanState::SendSelect,
            tries: 0,
            max_tries,
        }
    }

    fn selection(&self) -> Selection {
        let [digits @ .., medium, version] = self.pattern;
        Selection {
            id: digits
                .iter()
                .fold(0u32, |acc, &d| (acc << 4) | u32::from(d)),
            medium: unless_any(medium),
            version: unless_any(version),
            ..Selection::ANY
        }
    }

    /// The highest value and the wildcard of pattern level `i`.
    const fn level(i: usize) -> (u8, u8) {
        if i < DIGITS {
            (9, 0xF)
        } else {
            (0xFE, 0xFF)
        }
    }

    /// Whether the scan is over.
    pub const fn is_finished(&self) -> bool {
        matches!(self.state, ScanState::Done)
    }

    /// Writes the frame to send now, if any.
    pub fn transmit(&mut self, out: &mut [u8]) -> Result<Option<usize>> {
        let n = match self.state {
            ScanState::SendSelect => {
                self.state = ScanState::AwaitSelect;
                select(&self.selection(), out)?
            }
            ScanState::SendRead => {
                self.state = ScanState::AwaitRead;
                req_ud2(ADDRESS_SECONDARY, true, out)?
            }
            _ => return Ok(None),
        };
        self.tries += 1;
        Ok(Some(n))
    }

    /// Moves to the next pattern after the current one is finished with.
    fn advance(&mut self) -> Event {
        self.tries = 0;
        // Increment the last fixed level; carry upwards, backing out of finished levels.
        while self.depth > 0 {
            // Backing out to where an unnamed meter answered ends the search for its digits.
            if self.unnamed_at.is_some_and(|at| self.depth <= at) {
                self.unnamed_at = None;
            }
            let i = self.depth - 1;
            let (highest, wildcard) = Self::level(i);
            let Some(v) = self.pattern.get_mut(i) else {
                break;
            };
            if *v < highest {
                *v += 1;
                self.state = ScanState::SendSelect;
                return Event::Pending;
            }
            *v = wildcard;
            self.depth -= 1;
        }
        self.state = ScanState::Done;
        Event::Done
    }

    /// Several meters answered at once: fix one more level.
    fn narrow(&mut self) -> Event {
        self.tries = 0;
        match self.pattern.get_mut(self.depth) {
            Some(v) => {
                *v = 0;
                self.depth += 1;
                self.state = ScanState::SendSelect;
                Event::Pending
            }
            // Every level fixed and still a collision: meters alike but for the manufacturer
            // (65 536 more selections); move on.
            None => self.advance(),
        }
    }

    /// A frame arrived.
    pub fn on_frame(&mut self, frame: &[u8]) -> Event {
        let Ok(f) = Frame::new_checked(frame) else {
            return self.on_garbage();
        };
        match (self.state, f.kind()) {
            (ScanState::AwaitSelect, FrameKind::Ack) => {
                self.state = ScanState::SendRead;
                self.tries = 0;
                Event::Pending
            }
            // A second ACK to one selection: several meters matched.
            (ScanState::SendRead | ScanState::AwaitRead, FrameKind::Ack) => self.narrow(),
            (ScanState::AwaitRead, FrameKind::Long) => {
                let body = f
                    .ci()
                    .and_then(|ci| app::parse(ci, f.data(), Frame::<&[u8]>::DATA_OFFSET).ok());
                match body {
                    Some(Body::Variable {
                        header:
                            Some(Header {
                                identity: Some(identity),
                                ..
                            }),
                        ..
                    }) => {
                        self.advance();
                        Event::Found(identity)
                    }
                    Some(Body::Fixed(fd)) => {
                        self.advance();
                        Event::Found(
                            Selection {
                                id: fd.id,
                                ..Selection::ANY
                            }
                            .pattern(),
                        )
                    }
                    // An answer without the long header names no meter: fix the remaining
                    // digits one by one (only this meter answers below this level)…
                    _ if self.depth < DIGITS => {
                        self.unnamed_at.get_or_insert(self.depth);
                        self.narrow()
                    }
                    // …then the selection that reaches it is its address, and the scan goes on
                    // from the level where it first answered.
                    _ => {
                        let selection = self.selection();
                        if let Some(at) = self.unnamed_at.take() {
                            for level in at..self.depth {
                                if let Some(v) = self.pattern.get_mut(level) {
                                    *v = Self::level(level).1;
                                }
                            }
                            self.depth = at;
                        }
                        self.advance();
                        Event::Found(selection.pattern())
                    }
                }
            }
            _ => Event::Pending,
        }
    }

    /// Garbage after a selection, or instead of the selected meter's answer, is a collision:
    /// several meters answered (their ACKs may have merged into one valid `E5`).
    pub fn on_garbage(&mut self) -> Event {
        match self.state {
            ScanState::AwaitSelect | ScanState::SendRead | ScanState::AwaitRead => self.narrow(),
            _ => self.on_timeout(),
        }
    }

    /// No answer: after a selection, no meter matches this pattern; after a read, retry.
    pub fn on_timeout(&mut self) -> Event {
        match self.state {
            ScanState::AwaitSelect if self.tries >= self.max_tries => self.advance(),
            ScanState::AwaitSelect => {
                self.state = ScanState::SendSelect;
                Event::Pending
            }
            ScanState::AwaitRead if self.tries >= self.max_tries => self.advance(),
            ScanState::AwaitRead => {
                self.state = ScanState::SendRead;
                Event::Pending
            }
            ScanState::Done => Event::Done,
            _ => Event::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mbus::encode::RspUd;
    use crate::mbus::link::emit_long;
    use crate::mbus::link::ACK;
    use causeway_core::{Function, Manufacturer, Medium};
    use std::vec::Vec;

    fn meter(id: u32) -> Identity {
        Identity {
            id,
            manufacturer: Manufacturer(0x32A7),
            version: 2,
            medium: Medium(4),
        }
    }

    fn rsp(id: Identity, more: bool) -> Vec<u8> {
        let mut b = [0u8; 64];
        let mut r = RspUd::new(&mut b, 1, id, 0, 0).unwrap();
        r.number(&[0x13], Function::Instantaneous, 0, 0, 0, 0x4, 1234)
            .unwrap();
        if more {
            r.manufacturer_data(true, &[]).unwrap();
        }
        let n = r.finish().unwrap();
        b[..n].to_vec()
    }

    #[test]
    fn reads_a_multi_telegram_meter_with_fcb_toggling_and_retries() {
        let mut m = ReadMeter::new(1, 3);
        let mut out = [0u8; 16];
        let n = m.transmit(&mut out).unwrap().unwrap();
        assert_eq!(&out[..n], &[0x10, 0x40, 0x01, 0x41, 0x16]); // SND_NKE
        assert_eq!(m.on_frame(&[ACK]), Event::Pending);
        m.transmit(&mut out).unwrap().unwrap();
        assert_eq!(out[1], 0x7B, "first REQ_UD2 after SND_NKE has FCB set");
        assert_eq!(m.on_frame(&rsp(meter(1), true)), Event::Telegram);
        m.transmit(&mut out).unwrap().unwrap();
        assert_eq!(out[1], 0x5B, "FCB toggled for the next telegram");
        // No answer: the same request (same FCB) again.
        assert_eq!(m.on_timeout(), Event::Pending);
        m.transmit(&mut out).unwrap().unwrap();
        assert_eq!(out[1], 0x5B);
        assert_eq!(m.on_frame(&rsp(meter(1), false)), Event::Telegram);
        assert!(m.is_finished());
        assert_eq!(m.telegrams(), 2);
    }

    #[test]
    fn a_telegram_that_breaks_off_before_its_1f_ends_the_readout_cut_short() {
        let mut out = [0u8; 16];
        // A read of the meter at 1 that has sent its first REQ_UD2.
        let started = || {
            let (mut m, mut out) = (ReadMeter::new(1, 1), [0u8; 16]);
            m.transmit(&mut out).unwrap();
            m.on_frame(&[ACK]);
            m.transmit(&mut out).unwrap();
            m
        };
        // A record with the extension bit set in its DIF and ten DIFEs after it that each
        // announce another: more than the ten allowed, so the `1F` after it is out of reach.
        let mut data = meter(1).to_bytes().to_vec();
        data.extend([0, 0, 0, 0, 0x84]);
        data.extend([0xFF; 10]);
        data.extend([0x13, 0xD2, 0x04, 0x00, 0x00, 0x1F]);
        let broken = long_frame(1, 0x72, &data);
        let Ok(Body::Variable { mut records, .. }) = app::parse(0x72, &data, 7) else {
            panic!("a variable data telegram");
        };
        assert!(
            records.next().is_some_and(|r| r.is_err()),
            "the records break off at the first"
        );
        let mut m = started();
        assert_eq!(m.on_frame(&broken), Event::Telegram);
        assert!(m.is_finished());
        assert!(m.cut_short());
        assert_eq!(m.transmit(&mut out).unwrap(), None);
        // So does one whose header is cut short: five of its twelve bytes.
        let header = [0x78, 0x56, 0x34, 0x12, 0x24];
        let short = long_frame(1, 0x72, &header);
        assert!(app::parse(0x72, &header, 7).is_err());
        let mut m = started();
        assert_eq!(m.on_frame(&short), Event::Telegram);
        assert!(m.is_finished() && m.cut_short());
        // Fixed data carries no `1F`: a fixed-data telegram too long to parse is no break.
        let long_fixed = long_frame(1, 0x73, &[0x00; 19]);
        assert!(app::parse(0x73, &[0x00; 19], 7).is_err());
        let mut m = started();
        assert_eq!(m.on_frame(&long_fixed), Event::Telegram);
        assert!(m.is_finished() && !m.cut_short());
        // A readout the meter ends itself is not cut short.
        let mut m = started();
        assert_eq!(m.on_frame(&rsp(meter(1), true)), Event::Telegram);
        assert!(!m.cut_short());
        m.transmit(&mut out).unwrap();
        assert_eq!(m.on_frame(&rsp(meter(1), false)), Event::Telegram);
        assert!(m.is_finished() && !m.cut_short());
    }

    #[test]
    fn a_selected_meter_is_read_without_a_reset() {
        // SND_NKE to 253 ends the selection; libmbus too sends REQ_UD2 (FCB set) right after it.
        let mut m = ReadMeter::new(ADDRESS_SECONDARY, 2);
        let mut out = [0u8; 16];
        let n = m.transmit(&mut out).unwrap().unwrap();
        assert_eq!(&out[..n], &[0x10, 0x7B, 0xFD, 0x78, 0x16]);
        assert_eq!(m.on_frame(&rsp(meter(1), false)), Event::Telegram);
        assert!(m.is_finished());
    }

    #[test]
    fn a_meter_that_always_says_more_follows_is_read_at_most_max_telegrams() {
        let mut m = ReadMeter::new(1, 1);
        let mut out = [0u8; 16];
        m.transmit(&mut out).unwrap();
        m.on_frame(&[ACK]);
        let more = rsp(meter(1), true);
        while m.transmit(&mut out).unwrap().is_some() {
            assert!(!m.cut_short());
            assert_eq!(m.on_frame(&more), Event::Telegram);
        }
        assert!(m.is_finished());
        assert_eq!(m.telegrams(), MAX_TELEGRAMS);
        assert!(m.cut_short(), "the meter still said more follow");
    }

    #[test]
    fn gives_up_after_the_retries() {
        // One SND_NKE, then REQ_UD2 `max_tries` times.
        let mut m = ReadMeter::new(9, 2);
        let mut out = [0u8; 16];
        let mut sent = Vec::new();
        let mut events = Vec::new();
        while let Some(n) = m.transmit(&mut out).unwrap() {
            sent.push(out[1]);
            assert_eq!(n, 5);
            events.push(m.on_timeout());
        }
        assert_eq!(sent, [0x40, 0x7B, 0x7B]);
        assert_eq!(events, [Event::Pending, Event::Pending, Event::Failed]);
    }

    #[test]
    fn a_meter_that_does_not_ack_the_reset_is_still_read() {
        for no_ack in [None, Some(&[0x00, 0x55][..])] {
            let mut m = ReadMeter::new(3, 1);
            let mut out = [0u8; 16];
            m.transmit(&mut out).unwrap();
            assert_eq!(out[1], 0x40);
            // Silence, or garbage, instead of the ACK.
            let event = match no_ack {
                None => m.on_timeout(),
                Some(garbage) => m.on_frame(garbage),
            };
            assert_eq!(event, Event::Pending);
            let n = m.transmit(&mut out).unwrap().unwrap();
            assert_eq!(
                &out[..n],
                &[0x10, 0x7B, 0x03, 0x7E, 0x16],
                "REQ_UD2, FCB set"
            );
            assert_eq!(m.on_frame(&rsp(meter(3), false)), Event::Telegram);
            assert!(m.is_finished());
        }
    }

    /// How a bus shows several meters answering one selection.
    #[derive(Clone, Copy, PartialEq)]
    enum Collision {
        /// Their ACKs overlap into garbage.
        AtSelect,
        /// Their ACKs merge into one valid `E5`; their answers to REQ_UD2 collide.
        AtRead,
    }

    /// A bus of meters answering selections and reads the way EN 13757-3 describes: the
    /// identities found, and how many requests the scan sent.
    fn run_scan(meters: &[Identity], collision: Collision) -> (Vec<Identity>, usize) {
        run_scan_answering(meters, collision, |m| rsp(m, false))
    }

    /// [`run_scan`] with the selected meter's answer to REQ_UD2 built by `answer`.
    fn run_scan_answering(
        meters: &[Identity],
        collision: Collision,
        answer: impl Fn(Identity) -> Vec<u8>,
    ) -> (Vec<Identity>, usize) {
        let mut scan = Scan::new(1);
        let mut selected: Vec<Identity> = Vec::new();
        let (mut found, mut requests) = (Vec::new(), 0);
        let mut out = [0u8; 64];
        while !scan.is_finished() && requests < 10_000 {
            let Some(n) = scan.transmit(&mut out).unwrap() else {
                break;
            };
            requests += 1;
            let f = Frame::new_checked(&out[..n]).unwrap();
            let event = match (f.kind(), f.ci()) {
                (FrameKind::Long, Some(0x52)) => {
                    let Ok(Body::Selection {
                        identity: pattern, ..
                    }) = app::parse(0x52, f.data(), 7)
                    else {
                        panic!()
                    };
                    let sel = Selection {
                        id: pattern.id,
                        manufacturer: None,
                        version: unless_any(pattern.version),
                        medium: unless_any(pattern.medium.0),
                    };
                    selected = meters.iter().filter(|m| sel.matches(m)).copied().collect();
                    match (selected.len(), collision) {
                        (0, _) => scan.on_timeout(),
                        (1, _) | (_, Collision::AtRead) => scan.on_frame(&[ACK]),
                        _ => scan.on_garbage(),
                    }
                }
                (FrameKind::Short, _) => match selected.as_slice() {
                    [one] => scan.on_frame(&answer(*one)),
                    _ => scan.on_garbage(),
                },
                _ => panic!("unexpected request"),
            };
            if let Event::Found(id) = event {
                found.push(id);
            }
        }
        assert!(scan.is_finished(), "the scan ends by itself");
        found.sort_unstable_by_key(|i| (i.id, i.medium.0, i.version));
        (found, requests)
    }

    #[test]
    fn scan_finds_every_meter() {
        for collision in [Collision::AtSelect, Collision::AtRead] {
            let meters = [meter(0x1234_5678), meter(0x1234_5679), meter(0x8765_4321)];
            assert_eq!(run_scan(&meters, collision).0, meters);
            let (found, requests) = run_scan(&[], collision);
            assert!(found.is_empty());
            assert_eq!(
                requests, 1,
                "an empty bus answers the first wildcard selection with silence"
            );
            assert_eq!(run_scan(&[meter(1)], collision).0, [meter(1)]);
        }
    }

    #[test]
    fn scan_tells_meters_with_one_id_apart_by_medium_then_version() {
        let with = |medium, version| Identity {
            medium: Medium(medium),
            version,
            ..meter(0x1234_5678)
        };
        // A pulse collector's channels: one id, water and heat; two heat meters of one id
        // differing in version.
        let meters = [with(4, 2), with(7, 2), with(4, 9), meter(0x1234_5679)];
        let mut expected = meters.to_vec();
        expected.sort_unstable_by_key(|i| (i.id, i.medium.0, i.version));
        for collision in [Collision::AtSelect, Collision::AtRead] {
            assert_eq!(run_scan(&meters, collision).0, expected);
        }
    }

    /// The answer of `m` to REQ_UD2 at 253 with CI `ci`: its data without naming it (`78`), with
    /// the short header (`7A`), as fixed data carrying its id (`73`), or the full header (`72`).
    fn answer(m: Identity, ci: u8) -> Vec<u8> {
        let [i0, i1, i2, i3] = m.id.to_le_bytes();
        let data: &[u8] = match ci {
            0x78 => &[0x04, 0x13, 1, 0, 0, 0],
            0x7A => &[7, 0, 0, 0, 0x02, 0x5B, 20, 0],
            0x73 => &[i0, i1, i2, i3, 7, 0, 0x13, 0x13, 1, 0, 0, 0, 2, 0, 0, 0],
            _ => return rsp(m, false),
        };
        long_frame(253, ci, data)
    }

    /// An RSP_UD long frame from `address` with CI `ci` and user data `data`.
    fn long_frame(address: u8, ci: u8, data: &[u8]) -> Vec<u8> {
        let mut b = [0u8; 64];
        let n = emit_long(CField::RSP_UD, address, ci, data, &mut b).unwrap();
        b[..n].to_vec()
    }

    /// What the scan reports for a meter that answers without its header: the selection that
    /// reaches it, wildcards where it was not narrowed.
    fn unnamed(id: u32, medium: u8) -> Identity {
        Identity {
            id,
            manufacturer: Manufacturer(0xFFFF),
            version: 0xFF,
            medium: Medium(medium),
        }
    }

    #[test]
    fn scan_finds_meters_that_answer_without_the_long_header() {
        // CI 78 (no header) and 7A (short header): the scan fixes every digit to learn the id.
        let meters = [meter(0x1234_5678), meter(0x1234_5679), meter(0x9000_0001)];
        for collision in [Collision::AtSelect, Collision::AtRead] {
            for ci in [0x78, 0x7A] {
                let (found, _) = run_scan_answering(&meters, collision, |m| answer(m, ci));
                assert_eq!(found, meters.map(|m| unnamed(m.id, 0xFF)));
            }
        }
    }

    #[test]
    fn an_unnamed_meter_costs_its_digits_then_the_scan_goes_on_from_where_it_answered() {
        // Alone on the bus, 12345678 answers the first selection. Each digit d then takes d + 1
        // selections (d silent, one ACK) and a read: 1 + 1 + (2+3+…+9) + 8 = 54 requests, and
        // the scan ends there (it would take 36 more trying the digits after each fixed one).
        let (found, requests) =
            run_scan_answering(&[meter(0x1234_5678)], Collision::AtSelect, |m| {
                answer(m, 0x78)
            });
        assert_eq!(found, [unnamed(0x1234_5678, 0xFF)]);
        assert_eq!(requests, 54);
    }

    #[test]
    fn scan_finds_named_unnamed_and_fixed_data_meters_side_by_side() {
        let on = |id, medium| Identity {
            medium: Medium(medium),
            ..meter(id)
        };
        // Named (72), fixed data (73), unnamed (78) beside them, and two unnamed channels of
        // one id told apart by medium.
        let meters = [
            on(0x1234_5678, 4),
            on(0x1234_5679, 4),
            on(0x1234_5680, 4),
            on(0x5555_5555, 4),
            on(0x5555_5555, 7),
        ];
        let ci = |m: &Identity| match m.id {
            0x1234_5678 => 0x72,
            0x1234_5679 => 0x73,
            _ => 0x78,
        };
        for collision in [Collision::AtSelect, Collision::AtRead] {
            let (found, _) = run_scan_answering(&meters, collision, |m| answer(m, ci(&m)));
            assert_eq!(
                found,
                [
                    meters[0],
                    unnamed(0x1234_5679, 0xFF),
                    unnamed(0x1234_5680, 0xFF),
                    unnamed(0x5555_5555, 4),
                    unnamed(0x5555_5555, 7),
                ]
            );
        }
    }

    #[test]
    fn a_second_ack_to_one_selection_is_a_collision() {
        let mut scan = Scan::new(1);
        let mut out = [0u8; 64];
        scan.transmit(&mut out).unwrap();
        assert_eq!(scan.on_frame(&[ACK]), Event::Pending);
        assert_eq!(scan.on_frame(&[ACK]), Event::Pending);
        scan.transmit(&mut out).unwrap().unwrap();
        assert_eq!(out[6], 0x52, "a narrower selection follows, not the read");
        assert_eq!(
            &out[7..11],
            &[0xFF, 0xFF, 0xFF, 0x0F],
            "first digit fixed to 0"
        );
    }
}
