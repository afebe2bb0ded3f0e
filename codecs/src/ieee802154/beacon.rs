//! The beacon payload of 2003/2006 frames (IEEE 802.15.4-2006 §7.2.2.1): superframe
//! specification, GTS fields, pending address fields, beacon payload. The first three are the
//! beacon's open payload: a secured beacon encrypts only the beacon payload.
//!
//! | field | octets | layout |
//! |---|---|---|
//! | superframe specification | 2 | b0–3 beacon order, b4–7 superframe order, b8–11 final CAP slot, b12 battery life extension, b13 reserved, b14 PAN coordinator, b15 association permit |
//! | GTS specification | 1 | b0–2 descriptor count, b3–6 reserved, b7 GTS permit |
//! | GTS directions | 0/1 | when descriptors follow: b0–6 one per descriptor (1 = receive only), b7 reserved |
//! | GTS list | 3 × count | short address (2), b0–3 starting slot, b4–7 length |
//! | pending address specification | 1 | b0–2 short addresses, b3 reserved, b4–6 extended addresses, b7 reserved |
//! | address list | 2 × short + 8 × extended | short ones first |
//! | beacon payload | rest | |

use crate::cursor::{Reader, Writer};
use crate::error::{Error, Layer, Result};

const L: Layer = Layer::Ieee802154;

/// The superframe specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Superframe(pub u16);

impl Superframe {
    /// Beacon order (15: no beacons).
    pub const fn beacon_order(self) -> u8 {
        (self.0 & 0xF) as u8
    }
    /// Superframe order.
    pub const fn superframe_order(self) -> u8 {
        ((self.0 >> 4) & 0xF) as u8
    }
    /// Final CAP slot.
    pub const fn final_cap_slot(self) -> u8 {
        ((self.0 >> 8) & 0xF) as u8
    }
    /// Battery life extension.
    pub const fn battery_life_extension(self) -> bool {
        self.0 & 0x1000 != 0
    }
    /// Sent by the PAN coordinator.
    pub const fn pan_coordinator(self) -> bool {
        self.0 & 0x4000 != 0
    }
    /// The coordinator accepts associations.
    pub const fn association_permit(self) -> bool {
        self.0 & 0x8000 != 0
    }
}

/// One guaranteed time slot allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gts {
    /// The device's short address.
    pub short: u16,
    /// First slot.
    pub start_slot: u8,
    /// Slots.
    pub length: u8,
    /// Receive-only (else transmit-only), from the directions octet.
    pub receive: bool,
}

/// A beacon's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beacon<'a> {
    /// Superframe specification.
    pub superframe: Superframe,
    /// GTS specification octet, as sent.
    pub gts_spec: u8,
    /// GTS directions octet (0 when there are no descriptors, which omits it).
    pub gts_directions: u8,
    /// The GTS list, 3 octets per descriptor.
    pub gts_list: &'a [u8],
    /// Pending address specification octet, as sent.
    pub pending_spec: u8,
    /// The pending addresses: short ones (2 octets) then extended ones (8 octets).
    pub pending_list: &'a [u8],
    /// The beacon payload.
    pub payload: &'a [u8],
}

impl<'a> Beacon<'a> {
    /// GTS descriptors the specification announces.
    pub const fn gts_count(&self) -> usize {
        (self.gts_spec & 7) as usize
    }

    /// The GTS permit bit.
    pub const fn gts_permit(&self) -> bool {
        self.gts_spec & 0x80 != 0
    }

    /// Pending short addresses announced.
    pub const fn pending_short_count(&self) -> usize {
        (self.pending_spec & 7) as usize
    }

    /// Pending extended addresses announced.
    pub const fn pending_ext_count(&self) -> usize {
        ((self.pending_spec >> 4) & 7) as usize
    }

    /// The GTS descriptors.
    pub fn gts(&self) -> impl Iterator<Item = Gts> + 'a {
        let directions = self.gts_directions;
        self.gts_list
            .chunks_exact(3)
            .enumerate()
            .map(move |(i, c)| match *c {
                [lo, hi, slots] => Gts {
                    short: u16::from_le_bytes([lo, hi]),
                    start_slot: slots & 0xF,
                    length: slots >> 4,
                    receive: directions & (1 << (i & 7)) != 0,
                },
                _ => Gts {
                    short: 0,
                    start_slot: 0,
                    length: 0,
                    receive: false,
                },
            })
    }

    fn split_pending(&self) -> (&'a [u8], &'a [u8]) {
        let at = (2 * self.pending_short_count()).min(self.pending_list.len());
        self.pending_list.split_at(at)
    }

    /// The pending short addresses.
    pub fn pending_short(&self) -> impl Iterator<Item = u16> + 'a {
        self.split_pending().0.chunks_exact(2).map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.last().copied().unwrap_or(0),
            ])
        })
    }

    /// The pending extended addresses.
    pub fn pending_ext(&self) -> impl Iterator<Item = u64> + 'a {
        self.split_pending()
            .1
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default()))
    }

    /// Octets before the beacon payload (the open payload of a secured beacon).
    pub const fn open_len(&self) -> usize {
        2 + 1
            + if self.gts_count() > 0 {
                1 + self.gts_list.len()
            } else {
                0
            }
            + 1
            + self.pending_list.len()
    }

    /// Parses a beacon payload that starts `base` octets into the frame.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let shift = |e: Error| e.shifted(base);
        let mut r = Reader::new(bytes, L);
        let superframe = Superframe(r.u16_le().map_err(shift)?);
        let gts_spec = r.u8().map_err(shift)?;
        let count = usize::from(gts_spec & 7);
        let (gts_directions, gts_list) = if count > 0 {
            (r.u8().map_err(shift)?, r.take(3 * count).map_err(shift)?)
        } else {
            (0, &[][..])
        };
        let pending_spec = r.u8().map_err(shift)?;
        let n = 2 * usize::from(pending_spec & 7) + 8 * usize::from((pending_spec >> 4) & 7);
        let pending_list = r.take(n).map_err(shift)?;
        Ok(Beacon {
            superframe,
            gts_spec,
            gts_directions,
            gts_list,
            pending_spec,
            pending_list,
            payload: r.rest(),
        })
    }

    /// The beacon's length.
    pub const fn buffer_len(&self) -> usize {
        self.open_len() + self.payload.len()
    }

    /// Writes the beacon; the lists must hold what the specification octets announce.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        let pending = 2 * self.pending_short_count() + 8 * self.pending_ext_count();
        if self.gts_list.len() != 3 * self.gts_count() {
            return Err(Error::invalid(
                L,
                w.pos() + 2,
                "GTS descriptor count",
                "as many descriptors as the GTS list holds",
                self.gts_count() as u64,
            ));
        }
        if self.pending_list.len() != pending {
            return Err(Error::invalid(
                L,
                w.pos() + 3,
                "pending address specification",
                "as many addresses as the list holds",
                u64::from(self.pending_spec),
            ));
        }
        w.u16_le(self.superframe.0)?;
        w.u8(self.gts_spec)?;
        if self.gts_count() > 0 {
            w.u8(self.gts_directions)?;
            w.put(self.gts_list)?;
        }
        w.u8(self.pending_spec)?;
        w.put(self.pending_list)?;
        w.put(self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_beacon() {
        // docs/profiles/wpa-l.md: BO 6, SO 4, final CAP slot 15, PAN coordinator, association
        // permit; GTS permit without descriptors; no pending addresses.
        let bytes = [0x46, 0xCF, 0x80, 0x00];
        let b = Beacon::parse(&bytes, 7).unwrap();
        let s = b.superframe;
        assert_eq!(
            (s.beacon_order(), s.superframe_order(), s.final_cap_slot()),
            (6, 4, 15)
        );
        assert!(s.pan_coordinator() && s.association_permit() && !s.battery_life_extension());
        assert!(b.gts_permit());
        assert_eq!((b.gts_count(), b.open_len(), b.payload), (0, 4, &[][..]));
    }

    #[test]
    fn gts_and_pending_lists() {
        let bytes = [
            0xFF, 0x0F, // superframe
            0x82, 0x02, // 2 descriptors, second receive-only
            0x01, 0x00, 0x3A, 0x02, 0x00, 0x1D, // 0x0001 slot 10 len 3; 0x0002 slot 13 len 1
            0x11, // 1 short, 1 extended
            0x34, 0x12, 8, 7, 6, 5, 4, 3, 2, 1,    // 0x1234, 0x0102030405060708
            0xAB, // payload
        ];
        let b = Beacon::parse(&bytes, 0).unwrap();
        let gts: std::vec::Vec<_> = b.gts().collect();
        assert_eq!(
            gts,
            [
                Gts {
                    short: 1,
                    start_slot: 10,
                    length: 3,
                    receive: false
                },
                Gts {
                    short: 2,
                    start_slot: 13,
                    length: 1,
                    receive: true
                }
            ]
        );
        assert_eq!(b.pending_short().collect::<std::vec::Vec<_>>(), [0x1234]);
        assert_eq!(
            b.pending_ext().collect::<std::vec::Vec<_>>(),
            [0x0102_0304_0506_0708]
        );
        assert_eq!((b.open_len(), b.payload), (21, &[0xAB][..]));
        let mut out = [0u8; 32];
        let mut w = Writer::new(&mut out, L);
        b.emit(&mut w).unwrap();
        assert_eq!(w.written(), bytes);
        // A list shorter than announced.
        let e = Beacon::parse(&bytes[..8], 10).unwrap_err();
        assert_eq!(e.offset, 14);
    }
}
