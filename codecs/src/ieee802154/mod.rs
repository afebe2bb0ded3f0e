//! IEEE 802.15.4 MAC frames (2003, 2006 and the 2015 header), the FCS, the auxiliary security
//! header and CCM*.
//!
//! Every field follows IEEE 802.15.4-2006 §7.2 (and 802.15.4-2015 §7.2–7.4 for version-2
//! headers and information elements) and is checked against Wireshark and scapy by the
//! conformance vectors and the differential tests. Multi-octet fields are little-endian.
//!
//! | module | what |
//! |---|---|
//! | [`header`] | frame control, sequence number, addressing and PAN ID compression, header IEs |
//! | [`ie`] | header and payload information element lists (2015) |
//! | [`security`] | auxiliary security header, levels, the CCM* nonce and CCM* itself (`crypto`) |
//! | [`keys`] | the key store: keys by (PAN, source, key index), short → extended addresses |
//! | [`beacon`] | superframe specification, GTS and pending address fields |
//! | [`command`] | MAC command identifiers and typed payloads |
//! | [`frame`] | whole frames: FCS, MIC, payload, unsecuring and securing |
//! | [`json`] | the JSON form and the registry entries `wpan` and `wpan-no-fcs` (with `alloc`) |

pub mod beacon;
pub mod command;
pub mod frame;
pub mod header;
pub mod ie;
#[cfg(feature = "alloc")]
pub mod json;
pub mod keys;
pub mod security;

pub use causeway_core::WpanAddr;
pub use frame::{emit, Content, Fcs, Frame, MacPayload};
pub use header::{FrameControl, FrameType, Header, Version};
pub use keys::{ExtendedAddress, Key, KeyStore};
pub use security::{AuxSecurity, KeySource, Level};
