//! # causeway-core
//!
//! The canonical data model every causeway codec decodes into and encodes from: a decoded message
//! becomes [`Point`]s — *who* ([`Device`]), *which value* ([`Address`]), the [`Value`] already
//! scaled to a UCUM [`Unit`], its [`Quantity`], [`Quality`], device timestamp and
//! [`Qualifiers`]. Canonical strings (`modbus:unit=17/holding:0`) name points across protocols.
//!
//! `no_std` without `alloc`: text and bytes borrow from the frame. The `alloc` feature adds
//! owned values and the stable JSON form ([`json`]); `std` adds `std` support to dependencies.
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

pub mod decimal;
pub mod id;
#[cfg(feature = "alloc")]
pub mod json;
pub mod point;
pub mod quality;
pub mod unit;
pub mod value;

pub use decimal::Decimal;
pub use id::{
    Address, Device, IdError, Manufacturer, Medium, ModbusTable, PointId, Protocol, WpanAddr,
};
pub use point::{ByteOrder, DataType, Function, Point, Qualifiers};
pub use quality::{Quality, Reason, Severity};
pub use unit::{Dimension, Quantity, Unit, UnitError};
pub use value::{Bytes, DateTime, Precision, Text, Value, Zone};
