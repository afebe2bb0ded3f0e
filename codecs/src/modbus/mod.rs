//! Modbus: the PDU of the *Modbus Application Protocol Specification V1.1b3* and its framings —
//! RTU and ASCII from *Modbus over Serial Line V1.02*, TCP (MBAP header) from *Modbus Messaging
//! on TCP/IP Implementation Guide V1.0b*, and RTU-over-TCP (an RTU ADU carried in a TCP stream).
//!
//! | module | what |
//! |---|---|
//! | [`pdu`] | every public function code, request and response, typed; lazy register and bit views |
//! | [`rtu`], [`ascii`], [`tcp`] | ADU views, reprs, `emit`, and stream deframers |
//! | [`adu`] | any framing behind one checked value, chosen at run time |
//! | [`map`] | register maps: typed values (u16…f64 in all word orders, strings, bits, scale) |
//! | [`points`] | responses (with their requests) to canonical points |

pub mod adu;
pub mod ascii;
#[cfg(feature = "alloc")]
pub mod json;
pub mod map;
pub mod pdu;
pub mod points;
pub mod rtu;
pub mod tcp;

use core::fmt;

pub use pdu::{Bits, Registers, Request, Response};

/// Largest PDU (function code + data): 253 bytes (MODBUS Application Protocol §4.1).
pub const MAX_PDU: usize = 253;

/// A Modbus function code (open: any byte is representable; bit 7 marks exceptions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionCode(pub u8);

impl FunctionCode {
    /// FC 1.
    pub const READ_COILS: Self = Self(0x01);
    /// FC 2.
    pub const READ_DISCRETE_INPUTS: Self = Self(0x02);
    /// FC 3.
    pub const READ_HOLDING_REGISTERS: Self = Self(0x03);
    /// FC 4.
    pub const READ_INPUT_REGISTERS: Self = Self(0x04);
    /// FC 5.
    pub const WRITE_SINGLE_COIL: Self = Self(0x05);
    /// FC 6.
    pub const WRITE_SINGLE_REGISTER: Self = Self(0x06);
    /// FC 7 (serial line only).
    pub const READ_EXCEPTION_STATUS: Self = Self(0x07);
    /// FC 8 (serial line only).
    pub const DIAGNOSTICS: Self = Self(0x08);
    /// FC 11 (serial line only).
    pub const GET_COMM_EVENT_COUNTER: Self = Self(0x0B);
    /// FC 12 (serial line only).
    pub const GET_COMM_EVENT_LOG: Self = Self(0x0C);
    /// FC 15.
    pub const WRITE_MULTIPLE_COILS: Self = Self(0x0F);
    /// FC 16.
    pub const WRITE_MULTIPLE_REGISTERS: Self = Self(0x10);
    /// FC 17 (serial line only).
    pub const REPORT_SERVER_ID: Self = Self(0x11);
    /// FC 20.
    pub const READ_FILE_RECORD: Self = Self(0x14);
    /// FC 21.
    pub const WRITE_FILE_RECORD: Self = Self(0x15);
    /// FC 22.
    pub const MASK_WRITE_REGISTER: Self = Self(0x16);
    /// FC 23.
    pub const READ_WRITE_MULTIPLE_REGISTERS: Self = Self(0x17);
    /// FC 24.
    pub const READ_FIFO_QUEUE: Self = Self(0x18);
    /// FC 43 (MEI transport: 13 CANopen, 14 device identification).
    pub const ENCAPSULATED_INTERFACE: Self = Self(0x2B);

    /// The specification's name, or `None` for user-defined and unknown codes.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 & 0x7F {
            0x01 => "read_coils",
            0x02 => "read_discrete_inputs",
            0x03 => "read_holding_registers",
            0x04 => "read_input_registers",
            0x05 => "write_single_coil",
            0x06 => "write_single_register",
            0x07 => "read_exception_status",
            0x08 => "diagnostics",
            0x0B => "get_comm_event_counter",
            0x0C => "get_comm_event_log",
            0x0F => "write_multiple_coils",
            0x10 => "write_multiple_registers",
            0x11 => "report_server_id",
            0x14 => "read_file_record",
            0x15 => "write_file_record",
            0x16 => "mask_write_register",
            0x17 => "read_write_multiple_registers",
            0x18 => "read_fifo_queue",
            0x2B => "encapsulated_interface_transport",
            _ => return None,
        })
    }

    /// Whether this is an exception response's function code (bit 7 set).
    pub const fn is_exception(self) -> bool {
        self.0 & 0x80 != 0
    }
}

impl fmt::Display for FunctionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "function {}", self.0),
        }
    }
}

/// A Modbus exception code (open enum; MODBUS Application Protocol §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExceptionCode(pub u8);

impl ExceptionCode {
    /// 01 Illegal function.
    pub const ILLEGAL_FUNCTION: Self = Self(0x01);
    /// 02 Illegal data address.
    pub const ILLEGAL_DATA_ADDRESS: Self = Self(0x02);
    /// 03 Illegal data value.
    pub const ILLEGAL_DATA_VALUE: Self = Self(0x03);
    /// 04 Server device failure.
    pub const SERVER_DEVICE_FAILURE: Self = Self(0x04);
    /// 05 Acknowledge.
    pub const ACKNOWLEDGE: Self = Self(0x05);
    /// 06 Server device busy.
    pub const SERVER_DEVICE_BUSY: Self = Self(0x06);
    /// 08 Memory parity error.
    pub const MEMORY_PARITY_ERROR: Self = Self(0x08);
    /// 0A Gateway path unavailable.
    pub const GATEWAY_PATH_UNAVAILABLE: Self = Self(0x0A);
    /// 0B Gateway target device failed to respond.
    pub const GATEWAY_TARGET_FAILED: Self = Self(0x0B);

    /// The specification's name, or `None` for other codes.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x01 => "illegal_function",
            0x02 => "illegal_data_address",
            0x03 => "illegal_data_value",
            0x04 => "server_device_failure",
            0x05 => "acknowledge",
            0x06 => "server_device_busy",
            0x08 => "memory_parity_error",
            0x0A => "gateway_path_unavailable",
            0x0B => "gateway_target_device_failed_to_respond",
            _ => return None,
        })
    }
}

impl fmt::Display for ExceptionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "exception {}", self.0),
        }
    }
}
