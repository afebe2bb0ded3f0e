//! Point quality in the OPC UA style: a severity, a reason, and the protocol's own code.

/// How far a value can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The value is valid.
    Good,
    /// The value may be inaccurate (stale, estimated, sub-normal).
    Uncertain,
    /// There is no usable value.
    Bad,
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $( $(#[$doc:meta])* $variant:ident = $text:literal, )* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $( $(#[$doc])* $variant, )* }

        impl $name {
            /// Every variant.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The stable snake_case name.
            pub const fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
            /// Looks up a snake_case name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
pub(crate) use named_enum;

named_enum! {
    /// Why a value is not Good (or [`Reason::None`]).
    Reason {
        /// Nothing to report.
        None = "none",
        /// The device answered with a protocol-level exception or error status.
        ProtocolError = "protocol_error",
        /// The device reports a hardware or internal failure.
        DeviceFailure = "device_failure",
        /// The device reports a sensor failure.
        SensorFailure = "sensor_failure",
        /// Communication with the device failed.
        CommFailure = "comm_failure",
        /// The value is outside its valid range (or an error/limit annotation applies).
        OutOfRange = "out_of_range",
        /// The value's encoding marks it invalid (BCD error nibble, "invalid date").
        InvalidEncoding = "invalid_encoding",
        /// The value is older than its staleness limit.
        Stale = "stale",
        /// Configuration prevents a valid value.
        ConfigError = "config_error",
        /// The device is out of service or not connected.
        OutOfService = "out_of_service",
        /// Anything else.
        Other = "other",
    }
}

impl Severity {
    /// The stable lower-case name.
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Good => "good",
            Severity::Uncertain => "uncertain",
            Severity::Bad => "bad",
        }
    }

    /// Looks up a lower-case name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Severity::Good, Severity::Uncertain, Severity::Bad]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// The quality of one point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quality {
    /// Good, Uncertain or Bad.
    pub severity: Severity,
    /// Why, in protocol-neutral terms.
    pub reason: Reason,
    /// The protocol's own code (Modbus exception code, M-Bus error state, EPA-S status/quality).
    pub code: Option<u32>,
}

impl Quality {
    /// Good, nothing to report.
    pub const GOOD: Quality = Quality {
        severity: Severity::Good,
        reason: Reason::None,
        code: None,
    };

    /// Bad for `reason`, with the protocol's code.
    pub const fn bad(reason: Reason, code: Option<u32>) -> Self {
        Quality {
            severity: Severity::Bad,
            reason,
            code,
        }
    }

    /// Uncertain for `reason`, with the protocol's code.
    pub const fn uncertain(reason: Reason, code: Option<u32>) -> Self {
        Quality {
            severity: Severity::Uncertain,
            reason,
            code,
        }
    }
}

impl Default for Quality {
    fn default() -> Self {
        Quality::GOOD
    }
}
