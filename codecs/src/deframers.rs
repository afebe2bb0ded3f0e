//! Every stream deframer behind one type, chosen by registry name at run time (for the C and
//! Python bindings and the CLI, which learn the protocol from their caller).

use crate::buffer::{Deframe, Deframed};
use crate::Role;

/// A deframer for one of the protocols compiled in.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AnyDeframer {
    /// Modbus RTU (also RTU over TCP).
    #[cfg(feature = "modbus")]
    ModbusRtu(crate::modbus::rtu::Deframer),
    /// Modbus TCP (MBAP).
    #[cfg(feature = "modbus")]
    ModbusTcp(crate::modbus::tcp::Deframer),
    /// Modbus ASCII.
    #[cfg(feature = "modbus")]
    ModbusAscii(crate::modbus::ascii::Deframer),
    /// M-Bus link-layer frames.
    #[cfg(feature = "mbus")]
    Mbus(crate::mbus::link::Deframer),
}

// Without Modbus no deframer needs the role; without Modbus and M-Bus there is no deframer and
// the methods have nothing to do.
#[cfg_attr(not(feature = "modbus"), allow(unused_variables))]
#[cfg_attr(
    not(any(feature = "modbus", feature = "mbus")),
    allow(unreachable_code)
)]
impl AnyDeframer {
    /// The deframer for the registry name `protocol`. Modbus RTU needs to know what it hears:
    /// requests, responses, or with `role` `None` a shared bus where requests and their
    /// responses alternate. Other protocols ignore `role`.
    pub fn for_protocol(protocol: &str, role: Option<Role>) -> Option<Self> {
        #[cfg(feature = "modbus")]
        use crate::modbus::{ascii, rtu, tcp};
        Some(match protocol {
            #[cfg(feature = "modbus")]
            "modbus-rtu" | "modbus-rtu-over-tcp" => {
                AnyDeframer::ModbusRtu(rtu::Deframer::new(match role {
                    Some(Role::Request) => rtu::Mode::Requests,
                    Some(Role::Response) => rtu::Mode::Responses,
                    None => rtu::Mode::Bus,
                }))
            }
            #[cfg(feature = "modbus")]
            "modbus-tcp" => AnyDeframer::ModbusTcp(tcp::Deframer),
            #[cfg(feature = "modbus")]
            "modbus-ascii" => AnyDeframer::ModbusAscii(ascii::Deframer::default()),
            #[cfg(feature = "mbus")]
            "mbus" => AnyDeframer::Mbus(crate::mbus::link::Deframer),
            _ => return None,
        })
    }

    /// The role of the frame returned last, for deframers that tell requests from responses
    /// (Modbus RTU).
    pub fn last_role(&self) -> Option<Role> {
        match self {
            #[cfg(feature = "modbus")]
            AnyDeframer::ModbusRtu(d) => Some(d.last_role()),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Tells a timing-aware deframer (Modbus RTU) that the line went silent; others ignore it.
    pub fn line_idle(&mut self) {
        #[cfg(feature = "modbus")]
        if let AnyDeframer::ModbusRtu(d) = self {
            d.line_idle();
        }
    }
}

#[cfg_attr(
    not(any(feature = "modbus", feature = "mbus")),
    allow(unused_variables)
)]
impl Deframe for AnyDeframer {
    fn deframe(&mut self, buf: &[u8]) -> Deframed {
        match self {
            #[cfg(feature = "modbus")]
            AnyDeframer::ModbusRtu(d) => d.deframe(buf),
            #[cfg(feature = "modbus")]
            AnyDeframer::ModbusTcp(d) => d.deframe(buf),
            #[cfg(feature = "modbus")]
            AnyDeframer::ModbusAscii(d) => d.deframe(buf),
            #[cfg(feature = "mbus")]
            AnyDeframer::Mbus(d) => d.deframe(buf),
            #[allow(unreachable_patterns)]
            _ => Deframed::NeedMore(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buffer::{Event, Stream};

    #[test]
    fn picks_by_name_and_finds_frames() {
        assert!(AnyDeframer::for_protocol("can", None).is_none());
        // A Modbus RTU read request then its response on a shared bus.
        let bus = [
            0x11, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x76, 0x87, 0x11, 0x03, 0x06, 0xAE, 0x41, 0x56,
            0x52, 0x43, 0x40, 0x49, 0xAD,
        ];
        let d = AnyDeframer::for_protocol("modbus-rtu", None).unwrap();
        let mut s = Stream::new([0u8; 64], d);
        s.push(&bus).unwrap();
        assert_eq!(s.next_event(), Some(Event::Frame(&bus[..8])));
        assert_eq!(s.deframer_mut().last_role(), Some(Role::Request));
        assert_eq!(s.next_event(), Some(Event::Frame(&bus[8..])));
        assert_eq!(s.deframer_mut().last_role(), Some(Role::Response));
        let mut m = AnyDeframer::for_protocol("mbus", None).unwrap();
        assert_eq!(m.deframe(&[0xE5]), Deframed::Frame(0..1));
        assert_eq!(m.last_role(), None);
    }
}
