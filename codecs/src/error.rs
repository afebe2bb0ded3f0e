//! The one error shape every codec returns: which layer, at which byte, and what was expected
//! versus found. `Copy`, no allocation.

use core::fmt;

/// The protocol layer an error comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layer {
    /// Modbus RTU framing.
    ModbusRtu,
    /// Modbus ASCII framing.
    ModbusAscii,
    /// Modbus TCP (MBAP header).
    ModbusTcp,
    /// Modbus PDU (function code and data).
    ModbusPdu,
    /// M-Bus link layer (EN 13757-2).
    MbusLink,
    /// M-Bus application layer header (EN 13757-3).
    MbusApp,
    /// M-Bus data record (EN 13757-3).
    MbusRecord,
    /// Ethernet II.
    Ethernet,
    /// IEEE 802.1Q tag.
    Vlan,
    /// IPv4.
    Ipv4,
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// EPA-S profile.
    Epa,
    /// IEEE 802.15.4 MAC.
    Ieee802154,
    /// CCM* security.
    Ccm,
    /// WPA-L payload.
    Wpal,
    /// A reassembly buffer.
    Reassembly,
    /// A stream deframer.
    Deframer,
    /// A capture file.
    Capture,
}

impl Layer {
    /// The stable kebab-case name used in JSON and messages.
    pub const fn name(self) -> &'static str {
        match self {
            Layer::ModbusRtu => "modbus-rtu",
            Layer::ModbusAscii => "modbus-ascii",
            Layer::ModbusTcp => "modbus-tcp",
            Layer::ModbusPdu => "modbus-pdu",
            Layer::MbusLink => "mbus-link",
            Layer::MbusApp => "mbus-app",
            Layer::MbusRecord => "mbus-record",
            Layer::Ethernet => "ethernet",
            Layer::Vlan => "vlan",
            Layer::Ipv4 => "ipv4",
            Layer::Udp => "udp",
            Layer::Tcp => "tcp",
            Layer::Epa => "epa-s",
            Layer::Ieee802154 => "ieee802154",
            Layer::Ccm => "ccm",
            Layer::Wpal => "wpa-l",
            Layer::Reassembly => "reassembly",
            Layer::Deframer => "deframer",
            Layer::Capture => "capture",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong, with what was expected and what was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended early.
    #[error("truncated: expected at least {needed} bytes, found {available}")]
    Truncated {
        /// Bytes needed from the start of the layer.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// A checksum, CRC, LRC or FCS did not match.
    #[error("checksum mismatch: expected {expected:#06x}, found {found:#06x}")]
    Checksum {
        /// The value computed over the data.
        expected: u32,
        /// The value in the frame.
        found: u32,
    },
    /// A field holds a value the protocol does not allow here.
    #[error("invalid {field}: expected {expected}, found {found:#x}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is allowed.
        expected: &'static str,
        /// The value found.
        found: u64,
    },
    /// A length field disagrees with another length or with the data.
    #[error("length mismatch in {field}: expected {expected}, found {found}")]
    Length {
        /// The field.
        field: &'static str,
        /// The length implied by the rest of the frame.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// A frame or field is longer than the protocol allows.
    #[error("too long: expected at most {limit} bytes, found {found}")]
    Oversize {
        /// The protocol's limit.
        limit: usize,
        /// The size found.
        found: usize,
    },
    /// A valid but unsupported feature (e.g. IPv4 fragments).
    #[error("unsupported {what}: found {found:#x}")]
    Unsupported {
        /// What is unsupported.
        what: &'static str,
        /// The value that selects it.
        found: u64,
    },
    /// The caller's buffer or the assembler's capacity is too small.
    #[error("out of space: expected room for {needed} bytes, found {capacity}")]
    Capacity {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        capacity: usize,
    },
    /// Data conflicts with data received before (overlapping fragments that differ).
    #[error("conflicting data: {what}")]
    Conflict {
        /// What conflicts.
        what: &'static str,
    },
    /// Message authentication failed (wrong key or tampered frame).
    #[error("authentication failed: MIC does not verify")]
    Authentication,
    /// A field of the JSON form given to an encoder is missing or has the wrong type or range.
    #[error("bad field {field}: expected {expected}")]
    Field {
        /// The key.
        field: &'static str,
        /// What the encoder accepts there.
        expected: &'static str,
    },
}

impl ErrorKind {
    /// The stable kind name used by conformance vectors and JSON (`checksum`, `truncated`, ...).
    pub const fn name(&self) -> &'static str {
        match self {
            ErrorKind::Truncated { .. } => "truncated",
            ErrorKind::Checksum { .. } => "checksum",
            ErrorKind::Invalid { .. } => "invalid",
            ErrorKind::Length { .. } => "length",
            ErrorKind::Oversize { .. } => "oversize",
            ErrorKind::Unsupported { .. } => "unsupported",
            ErrorKind::Capacity { .. } => "capacity",
            ErrorKind::Conflict { .. } => "conflict",
            ErrorKind::Authentication => "authentication",
            ErrorKind::Field { .. } => "field",
        }
    }
}

/// A decode or encode error: layer, byte offset from the start of the caller's input, and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{layer} at byte {offset}: {kind}")]
pub struct Error {
    /// The layer that rejected the input.
    pub layer: Layer,
    /// Byte offset of the offending field, from the start of the outermost input.
    pub offset: usize,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// An error at `offset` in `layer`.
    pub const fn new(layer: Layer, offset: usize, kind: ErrorKind) -> Self {
        Error {
            layer,
            offset,
            kind,
        }
    }

    /// Input ended early: `needed` bytes from the layer start at `base`, `available` present.
    pub const fn truncated(layer: Layer, offset: usize, needed: usize, available: usize) -> Self {
        Error::new(layer, offset, ErrorKind::Truncated { needed, available })
    }

    /// A field value is not allowed.
    pub const fn invalid(
        layer: Layer,
        offset: usize,
        field: &'static str,
        expected: &'static str,
        found: u64,
    ) -> Self {
        Error::new(
            layer,
            offset,
            ErrorKind::Invalid {
                field,
                expected,
                found,
            },
        )
    }

    /// The same error seen from an outer layer that starts `base` bytes earlier.
    pub const fn shifted(self, base: usize) -> Self {
        Error {
            offset: self.offset.saturating_add(base),
            ..self
        }
    }
}

/// Result with the codec [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
