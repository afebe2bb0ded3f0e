//! # causeway-codecs
//!
//! Zero-copy parsers and serializers for Modbus (RTU, ASCII, TCP), M-Bus, EPA-S and
//! IEEE 802.15.4 / WPA-L, one module per protocol family behind a feature of the same name.
//!
//! Every layer follows one pattern (after smoltcp's `wire`): a checked view `Frame<T: AsRef<[u8]>>`
//! whose getters cannot panic once `new_checked` succeeded, a `Repr` holding the validated meaning
//! (borrowing variable parts), `Repr::emit` writing into a caller buffer, and for byte streams a
//! [`buffer::Deframe`] implementation driven by [`buffer::Stream`]. Errors are one shape,
//! [`Error`]: layer, byte offset, and what was expected versus found.
//!
//! `no_std` without `alloc` builds; `alloc` adds the JSON [`registry`] and `Vec`-backed storage.
#![no_std]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod buffer;
pub mod checksum;
#[cfg(feature = "std")]
pub mod conformance;
pub mod cursor;
pub mod deframers;
#[cfg(feature = "epa")]
pub mod epa;
pub mod error;
pub mod ethernet;
#[cfg(any(feature = "epa", feature = "wiapa"))]
pub mod fieldbus;
#[cfg(feature = "alloc")]
pub mod fields;
#[cfg(feature = "wiapa")]
pub mod ieee802154;
#[cfg(feature = "mbus")]
pub mod mbus;
#[cfg(feature = "modbus")]
pub mod modbus;
#[cfg(feature = "alloc")]
pub mod registry;
#[cfg(feature = "translate")]
pub mod translate;
#[cfg(feature = "wiapa")]
pub mod wiapa;

pub use causeway_core as core_model;

/// Which side of a request/response protocol a frame comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Master/client to slave/server.
    Request,
    /// Slave/server to master/client.
    Response,
}

impl Role {
    /// `"request"` or `"response"`.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Request => "request",
            Role::Response => "response",
        }
    }

    /// Parses `"request"` / `"response"`.
    pub fn from_name(name: &str) -> Option<Role> {
        match name {
            "request" => Some(Role::Request),
            "response" => Some(Role::Response),
            _ => None,
        }
    }
}

pub use error::{Error, ErrorKind, Layer, Result};
