//! Checking a capture against an EPA macrocycle (`docs/profiles/epa-s.md`, "Scheduling metadata").
//!
//! The macrocycle lives in configuration, not on the wire: its length, each publishing
//! application's periodic slot (offset and length within the cycle) and the non-periodic phase.
//! Given the frames of a capture with their times, [`ScheduleCheck`] reports every DISTRIBUTE
//! outside its publisher's slot (or from an application without one) and every break of the
//! non-periodic protocol: an NP_ANNOUNCE outside the non-periodic phase or while another
//! device's announcement is still open, an NP_END without an NP_ANNOUNCE of the same device in
//! the same cycle, and an announcement whose NP_END never came. It checks; it does not time.
//!
//! ```toml
//! cycle_ns = 10_000_000          # one macrocycle: 10 ms
//! start_ns = 0                   # a moment a cycle began, on the capture's clock
//! [non_periodic]
//! offset_ns = 6_000_000
//! length_ns = 4_000_000
//! [[device]]
//! app = 0x0020
//! offset_ns = 0
//! slot_ns = 1_000_000
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::body::Body;
use super::header::Header;

/// A window within the macrocycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Start, in ns after the cycle's start.
    pub offset_ns: u64,
    /// Length in ns.
    pub length_ns: u64,
}

impl Phase {
    fn contains(&self, at: u64) -> bool {
        at >= self.offset_ns && at - self.offset_ns < self.length_ns
    }

    fn end(&self) -> u64 {
        self.offset_ns.saturating_add(self.length_ns)
    }
}

/// One application's periodic slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// The publishing application (`src_app`).
    pub app: u16,
    /// Start of its slot, in ns after the cycle's start.
    pub offset_ns: u64,
    /// Slot length in ns.
    pub slot_ns: u64,
}

impl Slot {
    fn phase(&self) -> Phase {
        Phase {
            offset_ns: self.offset_ns,
            length_ns: self.slot_ns,
        }
    }
}

/// A macrocycle configuration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Macrocycle {
    /// Length of one macrocycle in ns.
    pub cycle_ns: u64,
    /// A moment at which a macrocycle began, on the clock of the capture (ns); cycles repeat
    /// every `cycle_ns` before and after it.
    #[serde(default)]
    pub start_ns: i64,
    /// The non-periodic phase.
    pub non_periodic: Phase,
    /// The periodic slots.
    #[serde(default, rename = "device")]
    pub devices: Vec<Slot>,
}

impl Macrocycle {
    /// Every inconsistency of the configuration: a zero cycle, a slot or phase that does not
    /// fit in the cycle, two slots (or a slot and the non-periodic phase) that overlap, an
    /// application with two slots.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.cycle_ns == 0 {
            out.push("cycle_ns must be more than 0".into());
        }
        let mut windows: Vec<(String, Phase)> = Vec::new();
        windows.push(("the non-periodic phase".into(), self.non_periodic));
        for s in &self.devices {
            windows.push((alloc::format!("the slot of app 0x{:04X}", s.app), s.phase()));
            if self.devices.iter().filter(|o| o.app == s.app).count() > 1
                && !out
                    .iter()
                    .any(|p: &String| p.contains(&alloc::format!("0x{:04X} has", s.app)))
            {
                out.push(alloc::format!("app 0x{:04X} has more than one slot", s.app));
            }
        }
        for (i, (name, w)) in windows.iter().enumerate() {
            if w.length_ns == 0 || w.end() > self.cycle_ns {
                out.push(alloc::format!(
                    "{name} ({} ns at {} ns) does not fit in the {} ns cycle",
                    w.length_ns,
                    w.offset_ns,
                    self.cycle_ns
                ));
            }
            for (other_name, o) in windows.iter().skip(i + 1) {
                if w.offset_ns < o.end() && o.offset_ns < w.end() {
                    out.push(alloc::format!("{name} overlaps {other_name}"));
                }
            }
        }
        out
    }

    fn slot(&self, app: u16) -> Option<&Slot> {
        self.devices.iter().find(|s| s.app == app)
    }

    /// The cycle number and the position in it of the moment `at_ns`.
    pub fn position(&self, at_ns: i64) -> (i64, u64) {
        let cycle = i64::try_from(self.cycle_ns.max(1)).unwrap_or(i64::MAX);
        let since = i128::from(at_ns) - i128::from(self.start_ns);
        let n = since.div_euclid(i128::from(cycle));
        let rest = since.rem_euclid(i128::from(cycle));
        (
            i64::try_from(n).unwrap_or(i64::MAX),
            u64::try_from(rest).unwrap_or(0),
        )
    }
}

/// A frame that broke the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "violation", rename_all = "snake_case")]
pub enum Violation {
    /// A DISTRIBUTE outside its publisher's slot.
    OutsideSlot {
        /// Publisher.
        app: u16,
        /// When (capture clock, ns).
        at_ns: i64,
        /// Position in the cycle (ns).
        phase_ns: u64,
        /// Its slot.
        slot: Phase,
    },
    /// A DISTRIBUTE from an application without a slot.
    NoSlot {
        /// Publisher.
        app: u16,
        /// When.
        at_ns: i64,
    },
    /// An NP_ANNOUNCE outside the non-periodic phase.
    AnnounceOutsidePhase {
        /// Announcer.
        app: u16,
        /// When.
        at_ns: i64,
        /// Position in the cycle.
        phase_ns: u64,
    },
    /// An NP_ANNOUNCE while another device's announcement is open.
    AnnounceWhileOpen {
        /// Announcer.
        app: u16,
        /// When.
        at_ns: i64,
        /// The device still sending.
        open_app: u16,
    },
    /// An NP_END without an NP_ANNOUNCE of the same device in the same cycle.
    EndWithoutAnnounce {
        /// Sender.
        app: u16,
        /// When.
        at_ns: i64,
    },
    /// An announcement whose NP_END did not come before its cycle ended (or the capture did).
    MissingEnd {
        /// Announcer.
        app: u16,
        /// When it announced.
        announced_at_ns: i64,
    },
}

#[derive(Clone, Copy, Debug)]
struct Open {
    app: u16,
    cycle: i64,
    at_ns: i64,
}

/// Checks frames, in capture order, against a [`Macrocycle`].
#[derive(Clone, Debug)]
pub struct ScheduleCheck<'m> {
    cycle: &'m Macrocycle,
    open: Option<Open>,
}

impl<'m> ScheduleCheck<'m> {
    /// A check against `cycle`.
    pub fn new(cycle: &'m Macrocycle) -> Self {
        ScheduleCheck { cycle, open: None }
    }

    /// One frame seen at `at_ns`; `sink` gets what it breaks.
    pub fn frame(
        &mut self,
        at_ns: i64,
        header: &Header,
        body: &Body<'_>,
        mut sink: impl FnMut(Violation),
    ) {
        let (cycle, phase_ns) = self.cycle.position(at_ns);
        let app = header.src_app;
        if let Some(open) = self.open.filter(|o| o.cycle < cycle) {
            sink(Violation::MissingEnd {
                app: open.app,
                announced_at_ns: open.at_ns,
            });
            self.open = None;
        }
        match body {
            Body::Distribute { .. } => match self.cycle.slot(app) {
                None => sink(Violation::NoSlot { app, at_ns }),
                Some(slot) if !slot.phase().contains(phase_ns) => sink(Violation::OutsideSlot {
                    app,
                    at_ns,
                    phase_ns,
                    slot: slot.phase(),
                }),
                Some(_) => {}
            },
            Body::NpAnnounce { .. } => {
                if !self.cycle.non_periodic.contains(phase_ns) {
                    sink(Violation::AnnounceOutsidePhase {
                        app,
                        at_ns,
                        phase_ns,
                    });
                }
                if let Some(open) = self.open.filter(|o| o.app != app) {
                    sink(Violation::AnnounceWhileOpen {
                        app,
                        at_ns,
                        open_app: open.app,
                    });
                }
                self.open = Some(Open { app, cycle, at_ns });
            }
            Body::NpEnd => match self.open {
                Some(open) if open.app == app => self.open = None,
                _ => sink(Violation::EndWithoutAnnounce { app, at_ns }),
            },
            _ => {}
        }
    }

    /// The capture ended: an announcement still open never saw its NP_END.
    pub fn finish(&mut self, mut sink: impl FnMut(Violation)) {
        if let Some(open) = self.open.take() {
            sink(Violation::MissingEnd {
                app: open.app,
                announced_at_ns: open.at_ns,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epa::header::{Flags, Service};
    use crate::fieldbus::TypedValue;

    const CONFIG: &str = r#"
        cycle_ns = 10_000_000
        start_ns = 5
        [non_periodic]
        offset_ns = 6_000_000
        length_ns = 4_000_000
        [[device]]
        app = 0x0020
        offset_ns = 0
        slot_ns = 1_000_000
        [[device]]
        app = 0x0021
        offset_ns = 1_000_000
        slot_ns = 1_000_000
    "#;

    fn header(code: u8, app: u16) -> Header {
        Header {
            service: Service::request(code),
            flags: Flags::empty(),
            body_len: 0,
            msg_id: 0,
            src_app: app,
            dst_app: 0xFFFF,
            dst_obj: 1,
        }
    }

    const DISTRIBUTE: Body<'static> = Body::Distribute {
        attr: 1,
        quality: 0xC0,
        ts_ns: 0,
        value: TypedValue::UInt8(1),
    };
    const ANNOUNCE: Body<'static> = Body::NpAnnounce {
        priority: 0,
        pending_octets: 10,
    };

    #[test]
    fn slots_and_the_non_periodic_protocol() {
        let m: Macrocycle = toml::from_str(CONFIG).unwrap();
        assert_eq!(m.problems(), std::vec::Vec::<String>::new());
        let mut check = ScheduleCheck::new(&m);
        let mut v = std::vec::Vec::new();
        let mut at =
            |check: &mut ScheduleCheck<'_>, t: i64, code: u8, app: u16, body: &Body<'_>| {
                check.frame(t, &header(code, app), body, |x| v.push(x));
            };
        at(&mut check, 5 + 500_000, 3, 0x20, &DISTRIBUTE); // in its slot
        at(&mut check, 5 + 1_500_000, 3, 0x20, &DISTRIBUTE); // in 0x21's slot
        at(&mut check, 5 + 1_500_000, 3, 0x99, &DISTRIBUTE); // no slot
        at(&mut check, 5 + 6_500_000, 0x10, 0x21, &ANNOUNCE); // fine
        at(&mut check, 5 + 6_600_000, 0x10, 0x20, &ANNOUNCE); // while 0x21 is open
        at(&mut check, 5 + 6_700_000, 0x11, 0x21, &Body::NpEnd); // 0x20 holds the phase now
        at(&mut check, 5 + 12_000_000, 0x10, 0x21, &ANNOUNCE); // next cycle, outside the phase
        check.finish(|x| v.push(x));
        assert_eq!(
            v,
            std::vec![
                Violation::OutsideSlot {
                    app: 0x20,
                    at_ns: 1_500_005,
                    phase_ns: 1_500_000,
                    slot: Phase {
                        offset_ns: 0,
                        length_ns: 1_000_000
                    }
                },
                Violation::NoSlot {
                    app: 0x99,
                    at_ns: 1_500_005
                },
                Violation::AnnounceWhileOpen {
                    app: 0x20,
                    at_ns: 6_600_005,
                    open_app: 0x21
                },
                Violation::EndWithoutAnnounce {
                    app: 0x21,
                    at_ns: 6_700_005
                },
                Violation::MissingEnd {
                    app: 0x20,
                    announced_at_ns: 6_600_005
                },
                Violation::AnnounceOutsidePhase {
                    app: 0x21,
                    at_ns: 12_000_005,
                    phase_ns: 2_000_000
                },
                Violation::MissingEnd {
                    app: 0x21,
                    announced_at_ns: 12_000_005
                },
            ]
        );
    }

    #[test]
    fn configuration_problems_are_all_reported() {
        let m: Macrocycle = toml::from_str(
            "cycle_ns = 100\n[non_periodic]\noffset_ns = 50\nlength_ns = 60\n\
             [[device]]\napp = 1\noffset_ns = 0\nslot_ns = 60\n\
             [[device]]\napp = 1\noffset_ns = 0\nslot_ns = 10\n",
        )
        .unwrap();
        let p = m.problems();
        assert!(p.iter().any(|x| x.contains("more than one slot")), "{p:?}");
        assert!(p.iter().any(|x| x.contains("does not fit")), "{p:?}");
        assert!(p.iter().any(|x| x.contains("overlaps")), "{p:?}");
        assert!(toml::from_str::<Macrocycle>("cycle_ns = 1\nbogus = 2\n").is_err());
        assert_eq!(m.position(-1), (-1, 99));
    }
}
