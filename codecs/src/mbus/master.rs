//! The M-Bus master, sans I/O: state machines that say what to send next. The caller owns the
//! serial port and the clock: it sends what [`ReadMeter::transmit`] / [`Scan::transmit`] write,
//! feeds every frame its [`super::link::Deframer`] finds to `on_frame`, reports garbage on the
//! line with `on_garbage`, and calls `on_timeout` when the answer time (EN 13757-2 §5.7:
//! 330 bit times + 50 ms) passes in silence.
//!
//! - [`ReadMeter`]: SND_NKE, ACK, then REQ_UD2 with the frame count bit toggled for every new
//!   telegram while the slave's data ends in `1F` ("more records follow"); an unanswered request
//!   is repeated with the same FCB, up to the retry limit.
//! - [`Scan`]: secondary addressing by wildcard narrowing — select `FFFFFFFF`, and where the
//!   answer is a collision, fix the next identification digit to 0…9 and select again; a single
//!   ACK means one meter matched, whose address is then read with REQ_UD2 to address 253.

use super::app::{self, Body, Identity};
use super::encode::{req_ud2, select, snd_nke, Selection};
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
    /// A meter was found by the scan.
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

/// Reads every telegram of one meter at a primary address (or 253 after a selection).
#[derive(Clone, Debug)]
pub struct ReadMeter {
    address: u8,
    fcb: bool,
    state: ReadState,
    tries: u8,
    max_tries: u8,
    telegrams: u16,
}

impl ReadMeter {
    /// Reads the meter at `address`, trying each request up to `max_tries` times.
    pub const fn new(address: u8, max_tries: u8) -> Self {
        ReadMeter {
            address,
            fcb: true,
            state: ReadState::SendReset,
            tries: 0,
            max_tries,
            telegrams: 0,
        }
    }

    /// Telegrams received so far.
    pub const fn telegrams(&self) -> u16 {
        self.telegrams
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
                if more_follows(&f) {
                    self.fcb = !self.fcb;
                    self.state = ReadState::SendRequest;
                } else {
                    self.state = ReadState::Done;
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

    /// No answer in time: repeat the request (same FCB), or give up.
    pub fn on_timeout(&mut self) -> Event {
        match self.state {
            ReadState::AwaitAck | ReadState::AwaitData if self.tries >= self.max_tries => {
                self.state = ReadState::Failed;
                Event::Failed
            }
            ReadState::AwaitAck => {
                self.state = ReadState::SendReset;
                Event::Pending
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

/// Whether the telegram's records end with DIF `1F` (more records follow).
fn more_follows(f: &Frame<&[u8]>) -> bool {
    let Some(ci) = f.ci() else { return false };
    match app::parse(ci, f.data(), Frame::<&[u8]>::DATA_OFFSET) {
        Ok(Body::Variable { records, .. }) => {
            records.filter_map(core::result::Result::ok).any(|i| {
                matches!(
                    i,
                    Item::Manufacturer {
                        more_follows: true,
                        ..
                    }
                )
            })
        }
        _ => false,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScanState {
    SendSelect,
    AwaitSelect,
    SendRead,
    AwaitRead,
    Done,
}

/// Finds every meter on the bus by secondary address (wildcard narrowing).
#[derive(Clone, Debug)]
pub struct Scan {
    /// The selection pattern: 8 digits, most significant first; `0xF` is a wildcard.
    digits: [u8; 8],
    /// How many leading digits are fixed.
    depth: usize,
    state: ScanState,
    tries: u8,
    max_tries: u8,
}

impl Scan {
    /// A scan over all identification numbers, trying each selection up to `max_tries` times.
    pub const fn new(max_tries: u8) -> Self {
        Scan {
            digits: [0xF; 8],
            depth: 0,
            state: ScanState::SendSelect,
            tries: 0,
            max_tries,
        }
    }

    fn selection(&self) -> Selection {
        let id = self
            .digits
            .iter()
            .fold(0u32, |acc, &d| (acc << 4) | u32::from(d));
        Selection {
            id,
            ..Selection::ANY
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
        // Increment the last fixed digit; carry upwards, backing out of finished levels.
        while self.depth > 0 {
            let i = self.depth - 1;
            let Some(d) = self.digits.get_mut(i) else {
                break;
            };
            if *d < 9 {
                *d += 1;
                self.state = ScanState::SendSelect;
                return Event::Pending;
            }
            *d = 0xF;
            self.depth -= 1;
        }
        self.state = ScanState::Done;
        Event::Done
    }

    /// Several meters answered at once: fix one more digit.
    fn narrow(&mut self) -> Event {
        self.tries = 0;
        match self.digits.get_mut(self.depth) {
            Some(d) => {
                *d = 0;
                self.depth += 1;
                self.state = ScanState::SendSelect;
                Event::Pending
            }
            // All digits fixed and still a collision: identical ids; move on.
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
            (ScanState::AwaitRead, FrameKind::Long) => {
                let identity = f.ci().and_then(|ci| {
                    match app::parse(ci, f.data(), Frame::<&[u8]>::DATA_OFFSET) {
                        Ok(Body::Variable {
                            header: Some(h), ..
                        }) => h.identity,
                        _ => None,
                    }
                });
                let next = self.advance();
                identity.map_or(next, Event::Found)
            }
            _ => Event::Pending,
        }
    }

    /// Garbage after a selection is a collision: several meters answered.
    pub fn on_garbage(&mut self) -> Event {
        match self.state {
            ScanState::AwaitSelect => self.narrow(),
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
        let n = m.transmit(&mut out).unwrap().unwrap();
        assert_eq!(out[1], 0x7B, "first REQ_UD2 after SND_NKE has FCB set");
        let _ = n;
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
    fn gives_up_after_the_retries() {
        let mut m = ReadMeter::new(9, 2);
        let mut out = [0u8; 16];
        m.transmit(&mut out).unwrap();
        assert_eq!(m.on_timeout(), Event::Pending);
        m.transmit(&mut out).unwrap();
        assert_eq!(m.on_timeout(), Event::Failed);
    }

    /// A bus of meters answering selections and reads the way EN 13757-3 describes.
    fn run_scan(ids: &[u32]) -> (Vec<u32>, usize) {
        let meters: Vec<Identity> = ids.iter().map(|&i| meter(i)).collect();
        let mut scan = Scan::new(1);
        let mut selected: Option<Identity> = None;
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
                        version: None,
                        medium: None,
                    };
                    let matching: Vec<_> = meters.iter().filter(|m| sel.matches(m)).collect();
                    selected = matching.first().map(|m| **m);
                    match matching.len() {
                        0 => scan.on_timeout(),
                        1 => scan.on_frame(&[ACK]),
                        _ => scan.on_garbage(),
                    }
                }
                (FrameKind::Short, _) => scan.on_frame(&rsp(selected.unwrap(), false)),
                _ => panic!("unexpected request"),
            };
            if let Event::Found(id) = event {
                found.push(id.id);
            }
        }
        (found, requests)
    }

    #[test]
    fn scan_finds_every_meter() {
        let (mut found, _) = run_scan(&[0x1234_5678, 0x1234_5679, 0x8765_4321]);
        found.sort_unstable();
        assert_eq!(found, [0x1234_5678, 0x1234_5679, 0x8765_4321]);
        let (found, requests) = run_scan(&[]);
        assert!(found.is_empty());
        assert_eq!(
            requests, 1,
            "an empty bus answers the first wildcard selection with silence"
        );
        let (found, _) = run_scan(&[0x0000_0001]);
        assert_eq!(found, [1]);
    }
}
