//! WPA-L v1: WIA-PA-like payloads in IEEE 802.15.4 data frames, as documented in
//! `docs/profiles/wpa-l.md`.
//!
//! The byte layouts of WIA-PA (IEC 62601, GB/T 26790) are published only in paid texts and no
//! open implementation exists, so this is causeway's documented profile built on WIA-PA's public
//! concepts — DLSL/NL/ASL layering, user application objects (UAOs), publish/subscribe,
//! client/server and report/sink relationships, 16-bit network addresses, aggregation at
//! routers — not a claim of conformance to the IEC text. The 802.15.4 frames around it are
//! standard ([`crate::ieee802154`]).
//!
//! | module | what |
//! |---|---|
//! | [`header`] | DLSL, NL, NL fragment and ASL headers |
//! | [`asl`] | ASL PDUs: every service's body, with typed values |
//! | [`packet`] | a whole payload: data, aggregate, command, fragment |
//! | [`reassembly`] | NL fragment reassembly in caller storage |
//! | [`points`] | PUBLISH, READ_RSP and REPORT to points |
//! | [`json`] | the JSON form of a payload (with `alloc`) |

pub mod asl;
pub mod header;
#[cfg(feature = "alloc")]
pub mod json;
pub mod packet;
pub mod points;
pub mod reassembly;

pub use asl::{AslPdu, Body};
pub use header::{AslHeader, DlslType, FragmentHeader, NlHeader, NlType, Service};
pub use packet::{Aggregate, Entry, Network, NlBody, Packet};
pub use reassembly::{FragmentKey, Reassembly};
