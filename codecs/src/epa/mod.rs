//! EPA-S v1: an EPA-style application protocol, as documented in `docs/profiles/epa-s.md`.
//!
//! The byte layouts of EPA (IEC 61158/61784-2 Type 14, GB/T 20171) are published only in paid
//! texts and no open implementation exists, so this is causeway's documented profile built on
//! EPA's public concepts — function blocks reached through application and object ids,
//! read/write/distribute/event/domain services, a macrocycle with periodic and non-periodic
//! phases — not a claim of conformance to the IEC text. It travels on the IEEE-registered EPA
//! EtherType 0x88CB or in IPv4/UDP (default port 35004); the carrier layers are the standard
//! ones of [`crate::ethernet`].
//!
//! | module | what |
//! |---|---|
//! | [`header`] | the 14-octet header: profile, service, flags, lengths, ids |
//! | [`body`] | every service's body, request and response, with typed values |
//! | [`frame`] | carrier detection and whole frames: parse, emit (padded to 60 octets) |
//! | [`points`] | DISTRIBUTE, EVENT_NOTIFY and READ responses (with their request) to points |
//! | [`domain`] | DOMAIN_DOWNLOAD/UPLOAD block reassembly |
//! | [`schedule`] | checking a capture against a macrocycle (with `alloc`) |
//! | [`json`] | the JSON form and the registry entry `epa-s` (with `alloc`) |

pub mod body;
pub mod domain;
pub mod frame;
pub mod header;
#[cfg(feature = "alloc")]
pub mod json;
pub mod points;
#[cfg(feature = "alloc")]
pub mod schedule;

pub use body::{Block, Body, Reply, Status};
pub use frame::{Carrier, Frame};
pub use header::{Flags, Header, Service};
