//! Modbus PDUs, typed in both directions (MODBUS Application Protocol Specification V1.1b3 §6,
//! exceptions §7). Variable parts are lazy views over the caller's bytes.
//!
//! Parsing checks structure (lengths, byte counts against quantities, sub-request layout, FC 5
//! coil values) and rejects trailing bytes; it does not apply the server-side quantity limits of
//! §6 — use [`Request::check_limits`] where a server must answer exception 03.

use crate::cursor::{Reader, Writer};
use crate::error::{Error, ErrorKind, Layer, Result};

use super::{ExceptionCode, FunctionCode, MAX_PDU};

const L: Layer = Layer::ModbusPdu;

/// 16-bit registers, big-endian on the wire, viewed without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Registers<'a>(&'a [u8]);

impl<'a> Registers<'a> {
    /// A view over `bytes` (must have even length).
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        (bytes.len() % 2 == 0).then_some(Registers(bytes))
    }

    /// Number of registers.
    pub fn len(&self) -> usize {
        self.0.len() / 2
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Register `i`.
    pub fn get(&self, i: usize) -> Option<u16> {
        let at = i.checked_mul(2)?;
        let b = self.0.get(at..at.checked_add(2)?)?;
        Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
    }

    /// The registers in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = u16> + 'a {
        self.0.chunks_exact(2).map(|c| {
            u16::from_be_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
    }

    /// The wire bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// Packed bits (coils, discrete inputs), LSB of the first byte first, viewed without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Bits<'a> {
    bytes: &'a [u8],
    count: usize,
}

impl<'a> Bits<'a> {
    /// `count` bits packed in `bytes`; `bytes` must be exactly `ceil(count / 8)` long.
    pub fn new(bytes: &'a [u8], count: usize) -> Option<Self> {
        (bytes.len() == count.div_ceil(8)).then_some(Bits { bytes, count })
    }

    /// All bits of `bytes` (a read response, before the request's quantity is known).
    pub fn all(bytes: &'a [u8]) -> Self {
        Bits {
            bytes,
            count: bytes.len().saturating_mul(8),
        }
    }

    /// The first `count` bits (the request's quantity), if there are that many.
    pub fn truncated(&self, count: usize) -> Option<Self> {
        (count <= self.count && count.div_ceil(8) == self.bytes.len()).then_some(Bits {
            bytes: self.bytes,
            count,
        })
    }

    /// Number of bits.
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bit `i`.
    pub fn get(&self, i: usize) -> Option<bool> {
        if i >= self.count {
            return None;
        }
        self.bytes.get(i / 8).map(|b| b & (1 << (i % 8)) != 0)
    }

    /// The bits in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = bool> + 'a {
        let bytes = self.bytes;
        (0..self.count).map(move |i| bytes.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
    }

    /// The packed wire bytes (including padding bits of the last byte).
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// Packs `bits` into `out` (LSB first); returns the bytes used.
pub fn pack_bits(bits: impl IntoIterator<Item = bool>, out: &mut [u8]) -> Result<usize> {
    let mut n = 0usize;
    for bit in bits {
        let capacity = out.len();
        let byte = out.get_mut(n / 8).ok_or(Error::new(
            L,
            n / 8,
            ErrorKind::Capacity {
                needed: n / 8 + 1,
                capacity,
            },
        ))?;
        if n % 8 == 0 {
            *byte = 0;
        }
        if bit {
            *byte |= 1 << (n % 8);
        }
        n += 1;
    }
    Ok(n.div_ceil(8))
}

/// Reference type of file record sub-requests (FC 20/21): always 6.
pub const FILE_REFERENCE_TYPE: u8 = 6;

/// One FC 20 sub-request: read `length` registers of `record` in `file`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileRead {
    /// File number.
    pub file: u16,
    /// Starting record number.
    pub record: u16,
    /// Record length in registers.
    pub length: u16,
}

/// FC 20 sub-requests (7 bytes each), validated at parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileReads<'a>(&'a [u8]);

impl<'a> FileReads<'a> {
    /// Validates sub-requests (reference type 6, 7 bytes each); offsets in errors are from `base`.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        if bytes.len() % 7 != 0 {
            return Err(Error::new(
                L,
                base,
                ErrorKind::Length {
                    field: "byte count (7 per sub-request)",
                    expected: bytes.len() / 7 * 7 + 7,
                    found: bytes.len(),
                },
            ));
        }
        for (i, c) in bytes.chunks_exact(7).enumerate() {
            check_reference_type(c.first().copied(), base + i * 7)?;
        }
        Ok(FileReads(bytes))
    }

    /// The sub-requests.
    pub fn iter(&self) -> impl Iterator<Item = FileRead> + 'a {
        self.0.chunks_exact(7).filter_map(|c| match *c {
            [_, f0, f1, r0, r1, l0, l1] => Some(FileRead {
                file: u16::from_be_bytes([f0, f1]),
                record: u16::from_be_bytes([r0, r1]),
                length: u16::from_be_bytes([l0, l1]),
            }),
            _ => None,
        })
    }

    /// The wire bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

fn check_reference_type(found: Option<u8>, offset: usize) -> Result<()> {
    match found {
        Some(FILE_REFERENCE_TYPE) => Ok(()),
        other => Err(Error::invalid(
            L,
            offset,
            "reference type",
            "6",
            u64::from(other.unwrap_or(0)),
        )),
    }
}

/// One FC 21 sub-request (and its echo): `data` written to `record` of `file`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileWrite<'a> {
    /// File number.
    pub file: u16,
    /// Starting record number.
    pub record: u16,
    /// Record data.
    pub data: Registers<'a>,
}

/// FC 21 sub-requests, validated at parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileWrites<'a>(&'a [u8]);

impl<'a> FileWrites<'a> {
    /// Validates sub-requests; offsets in errors are from `base`.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        while r.remaining() > 0 {
            let at = r.pos();
            check_reference_type(Some(r.u8()?), at).map_err(|e| e.shifted(base))?;
            r.take(4).map_err(|e| e.shifted(base))?;
            let len = r.u16_be().map_err(|e| e.shifted(base))?;
            r.take(usize::from(len) * 2).map_err(|e| e.shifted(base))?;
        }
        Ok(FileWrites(bytes))
    }

    /// The sub-requests.
    pub fn iter(&self) -> impl Iterator<Item = FileWrite<'a>> + 'a {
        let mut r = Reader::new(self.0, L);
        core::iter::from_fn(move || {
            if r.remaining() == 0 {
                return None;
            }
            r.u8().ok()?;
            let file = r.u16_be().ok()?;
            let record = r.u16_be().ok()?;
            let len = r.u16_be().ok()?;
            let data = Registers(r.take(usize::from(len) * 2).ok()?);
            Some(FileWrite { file, record, data })
        })
    }

    /// The wire bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// FC 20 response sub-responses (`len, 6, data`), each yielding its record data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileReadResponses<'a>(&'a [u8]);

impl<'a> FileReadResponses<'a> {
    /// Validates sub-responses; offsets in errors are from `base`.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        while r.remaining() > 0 {
            let at = r.pos();
            let len = r.u8().map_err(|e| e.shifted(base))?;
            if len == 0 || len % 2 == 0 {
                return Err(Error::invalid(
                    L,
                    base + at,
                    "file response length",
                    "odd (reference type + registers)",
                    u64::from(len),
                ));
            }
            let body = r.take(usize::from(len)).map_err(|e| e.shifted(base))?;
            check_reference_type(body.first().copied(), base + at + 1)?;
        }
        Ok(FileReadResponses(bytes))
    }

    /// Each sub-response's record data.
    pub fn iter(&self) -> impl Iterator<Item = Registers<'a>> + 'a {
        let mut r = Reader::new(self.0, L);
        core::iter::from_fn(move || {
            let len = r.u8().ok()?;
            let body = r.take(usize::from(len)).ok()?;
            body.get(1..).map(Registers)
        })
    }

    /// The wire bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// One device identification object (FC 43/14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeviceIdObject<'a> {
    /// Object id (0 VendorName, 1 ProductCode, 2 MajorMinorRevision, 3 VendorUrl, 4 ProductName,
    /// 5 ModelName, 6 UserApplicationName, 0x80.. private).
    pub id: u8,
    /// Object value (usually ASCII).
    pub value: &'a [u8],
}

/// The object list of a FC 43/14 response, validated at parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeviceIdObjects<'a> {
    bytes: &'a [u8],
    count: u8,
}

impl<'a> DeviceIdObjects<'a> {
    fn parse(r: &mut Reader<'a>, count: u8) -> Result<Self> {
        let start = r.pos();
        for _ in 0..count {
            r.u8()?;
            let n = r.u8()?;
            r.take(usize::from(n))?;
        }
        let bytes = r.input().get(start..r.pos()).unwrap_or(&[]);
        Ok(DeviceIdObjects { bytes, count })
    }

    /// Validates `count` objects (`id, length, value`) filling exactly `bytes`.
    pub fn new(bytes: &'a [u8], count: u8) -> Result<Self> {
        let mut r = Reader::new(bytes, L);
        let objects = Self::parse(&mut r, count)?;
        if r.remaining() != 0 {
            return Err(Error::new(
                L,
                r.pos(),
                ErrorKind::Length {
                    field: "device identification objects",
                    expected: r.pos(),
                    found: bytes.len(),
                },
            ));
        }
        Ok(objects)
    }

    /// Number of objects.
    pub const fn len(&self) -> u8 {
        self.count
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The objects.
    pub fn iter(&self) -> impl Iterator<Item = DeviceIdObject<'a>> + 'a {
        let mut r = Reader::new(self.bytes, L);
        core::iter::from_fn(move || {
            let id = r.u8().ok()?;
            let n = r.u8().ok()?;
            Some(DeviceIdObject {
                id,
                value: r.take(usize::from(n)).ok()?,
            })
        })
    }

    /// The wire bytes of the list.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// MEI type of Read Device Identification (FC 43/14).
pub const MEI_READ_DEVICE_ID: u8 = 0x0E;

/// A request PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Request<'a> {
    /// FC 1.
    ReadCoils {
        /// Starting address.
        address: u16,
        /// Number of coils.
        quantity: u16,
    },
    /// FC 2.
    ReadDiscreteInputs {
        /// Starting address.
        address: u16,
        /// Number of inputs.
        quantity: u16,
    },
    /// FC 3.
    ReadHoldingRegisters {
        /// Starting address.
        address: u16,
        /// Number of registers.
        quantity: u16,
    },
    /// FC 4.
    ReadInputRegisters {
        /// Starting address.
        address: u16,
        /// Number of registers.
        quantity: u16,
    },
    /// FC 5 (0xFF00 = on, 0x0000 = off).
    WriteSingleCoil {
        /// Coil address.
        address: u16,
        /// New state.
        value: bool,
    },
    /// FC 6.
    WriteSingleRegister {
        /// Register address.
        address: u16,
        /// New value.
        value: u16,
    },
    /// FC 7.
    ReadExceptionStatus,
    /// FC 8 with its sub-function; `data` as sent.
    Diagnostics {
        /// Sub-function (0x00–0x15 defined for serial lines).
        sub_function: u16,
        /// Data field.
        data: &'a [u8],
    },
    /// FC 11.
    GetCommEventCounter,
    /// FC 12.
    GetCommEventLog,
    /// FC 15.
    WriteMultipleCoils {
        /// Starting address.
        address: u16,
        /// The coil values (quantity = `coils.len()`).
        coils: Bits<'a>,
    },
    /// FC 16.
    WriteMultipleRegisters {
        /// Starting address.
        address: u16,
        /// The values (quantity = `values.len()`).
        values: Registers<'a>,
    },
    /// FC 17.
    ReportServerId,
    /// FC 20.
    ReadFileRecord {
        /// The sub-requests.
        requests: FileReads<'a>,
    },
    /// FC 21.
    WriteFileRecord {
        /// The sub-requests.
        requests: FileWrites<'a>,
    },
    /// FC 22: `result = (current AND and_mask) OR (or_mask AND NOT and_mask)`.
    MaskWriteRegister {
        /// Register address.
        address: u16,
        /// AND mask.
        and_mask: u16,
        /// OR mask.
        or_mask: u16,
    },
    /// FC 23 (the write is performed before the read).
    ReadWriteMultipleRegisters {
        /// Read starting address.
        read_address: u16,
        /// Registers to read.
        read_quantity: u16,
        /// Write starting address.
        write_address: u16,
        /// Values to write.
        values: Registers<'a>,
    },
    /// FC 24.
    ReadFifoQueue {
        /// FIFO pointer address.
        address: u16,
    },
    /// FC 43 / MEI 14.
    ReadDeviceIdentification {
        /// 1 basic, 2 regular, 3 extended (stream access), 4 one specific object.
        read_code: u8,
        /// First object to read.
        object_id: u8,
    },
    /// FC 43 with another MEI type (13 = CANopen general reference), passed through.
    Encapsulated {
        /// MEI type.
        mei_type: u8,
        /// MEI data.
        data: &'a [u8],
    },
    /// Any other function code (user-defined 65–72, 100–110, or unknown), passed through.
    Other {
        /// Function code.
        function: FunctionCode,
        /// Data after the function code.
        data: &'a [u8],
    },
}

/// A response PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Response<'a> {
    /// FC 1 (bits past the requested quantity are padding).
    ReadCoils {
        /// Coil status bytes.
        coils: Bits<'a>,
    },
    /// FC 2.
    ReadDiscreteInputs {
        /// Input status bytes.
        inputs: Bits<'a>,
    },
    /// FC 3.
    ReadHoldingRegisters {
        /// The values.
        values: Registers<'a>,
    },
    /// FC 4.
    ReadInputRegisters {
        /// The values.
        values: Registers<'a>,
    },
    /// FC 5 (echo).
    WriteSingleCoil {
        /// Coil address.
        address: u16,
        /// State written.
        value: bool,
    },
    /// FC 6 (echo).
    WriteSingleRegister {
        /// Register address.
        address: u16,
        /// Value written.
        value: u16,
    },
    /// FC 7.
    ReadExceptionStatus {
        /// Eight exception status outputs.
        status: u8,
    },
    /// FC 8.
    Diagnostics {
        /// Sub-function (echoed).
        sub_function: u16,
        /// Data field.
        data: &'a [u8],
    },
    /// FC 11.
    GetCommEventCounter {
        /// 0xFFFF while a previous command is still being processed, else 0.
        status: u16,
        /// Event counter.
        event_count: u16,
    },
    /// FC 12.
    GetCommEventLog {
        /// Status word.
        status: u16,
        /// Event counter.
        event_count: u16,
        /// Message counter.
        message_count: u16,
        /// Event bytes (0–64), most recent first.
        events: &'a [u8],
    },
    /// FC 15.
    WriteMultipleCoils {
        /// Starting address.
        address: u16,
        /// Coils written.
        quantity: u16,
    },
    /// FC 16.
    WriteMultipleRegisters {
        /// Starting address.
        address: u16,
        /// Registers written.
        quantity: u16,
    },
    /// FC 17: server id, run indicator and additional data, device-specific.
    ReportServerId {
        /// The data after the byte count.
        data: &'a [u8],
    },
    /// FC 20.
    ReadFileRecord {
        /// The sub-responses.
        records: FileReadResponses<'a>,
    },
    /// FC 21 (echo of the request).
    WriteFileRecord {
        /// The sub-requests echoed.
        records: FileWrites<'a>,
    },
    /// FC 22 (echo).
    MaskWriteRegister {
        /// Register address.
        address: u16,
        /// AND mask.
        and_mask: u16,
        /// OR mask.
        or_mask: u16,
    },
    /// FC 23.
    ReadWriteMultipleRegisters {
        /// The values read.
        values: Registers<'a>,
    },
    /// FC 24.
    ReadFifoQueue {
        /// The queued values (at most 31).
        values: Registers<'a>,
    },
    /// FC 43 / MEI 14.
    ReadDeviceIdentification {
        /// Read code echoed.
        read_code: u8,
        /// Conformity level (0x01–0x03, 0x81–0x83).
        conformity: u8,
        /// More objects follow (0xFF) or not (0x00).
        more_follows: bool,
        /// Next object id to ask for when `more_follows`.
        next_object_id: u8,
        /// The objects.
        objects: DeviceIdObjects<'a>,
    },
    /// FC 43 with another MEI type, passed through.
    Encapsulated {
        /// MEI type.
        mei_type: u8,
        /// MEI data.
        data: &'a [u8],
    },
    /// An exception response (function code | 0x80, exception code).
    Exception {
        /// The function code of the request (bit 7 clear).
        function: FunctionCode,
        /// The exception code.
        code: ExceptionCode,
    },
    /// Any other function code, passed through.
    Other {
        /// Function code.
        function: FunctionCode,
        /// Data after the function code.
        data: &'a [u8],
    },
}

fn coil_value(r: &mut Reader<'_>) -> Result<bool> {
    let at = r.pos();
    match r.u16_be()? {
        0xFF00 => Ok(true),
        0x0000 => Ok(false),
        v => Err(r.invalid_at(at, "coil value", "0xFF00 or 0x0000", u64::from(v))),
    }
}

/// Reads a one-byte byte count and checks that exactly that many bytes follow.
fn counted<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let at = r.pos();
    let n = usize::from(r.u8()?);
    if r.remaining() != n {
        return Err(Error::new(
            L,
            at,
            ErrorKind::Length {
                field: "byte count",
                expected: r.remaining(),
                found: n,
            },
        ));
    }
    r.take(n)
}

fn registers<'a>(r: &mut Reader<'a>, bytes: &'a [u8], at: usize) -> Result<Registers<'a>> {
    Registers::new(bytes).ok_or(r.invalid_at(
        at,
        "byte count",
        "an even number (2 per register)",
        bytes.len() as u64,
    ))
}

/// Checks that a byte count announced at `at` matches `expected` derived from a quantity.
fn check_count(at: usize, field: &'static str, expected: usize, found: usize) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::new(
            L,
            at,
            ErrorKind::Length {
                field,
                expected,
                found,
            },
        ))
    }
}

/// A PDU of `len` octets must fit the 253 octets of MODBUS Application Protocol §4.1.
fn check_size(len: usize) -> Result<()> {
    if len > MAX_PDU {
        return Err(Error::new(
            L,
            0,
            ErrorKind::Oversize {
                limit: MAX_PDU,
                found: len,
            },
        ));
    }
    Ok(())
}

impl<'a> Request<'a> {
    /// Parses a request PDU (function code first).
    pub fn parse(pdu: &'a [u8]) -> Result<Self> {
        check_size(pdu.len())?;
        let mut r = Reader::new(pdu, L);
        let fc = FunctionCode(r.u8()?);
        let req = match fc {
            FunctionCode::READ_COILS => Request::ReadCoils {
                address: r.u16_be()?,
                quantity: r.u16_be()?,
            },
            FunctionCode::READ_DISCRETE_INPUTS => Request::ReadDiscreteInputs {
                address: r.u16_be()?,
                quantity: r.u16_be()?,
            },
            FunctionCode::READ_HOLDING_REGISTERS => Request::ReadHoldingRegisters {
                address: r.u16_be()?,
                quantity: r.u16_be()?,
            },
            FunctionCode::READ_INPUT_REGISTERS => Request::ReadInputRegisters {
                address: r.u16_be()?,
                quantity: r.u16_be()?,
            },
            FunctionCode::WRITE_SINGLE_COIL => Request::WriteSingleCoil {
                address: r.u16_be()?,
                value: coil_value(&mut r)?,
            },
            FunctionCode::WRITE_SINGLE_REGISTER => Request::WriteSingleRegister {
                address: r.u16_be()?,
                value: r.u16_be()?,
            },
            FunctionCode::READ_EXCEPTION_STATUS => Request::ReadExceptionStatus,
            FunctionCode::DIAGNOSTICS => Request::Diagnostics {
                sub_function: r.u16_be()?,
                data: r.rest(),
            },
            FunctionCode::GET_COMM_EVENT_COUNTER => Request::GetCommEventCounter,
            FunctionCode::GET_COMM_EVENT_LOG => Request::GetCommEventLog,
            FunctionCode::WRITE_MULTIPLE_COILS => {
                let address = r.u16_be()?;
                let quantity = usize::from(r.u16_be()?);
                let at = r.pos();
                let bytes = counted(&mut r)?;
                check_count(
                    at,
                    "byte count (quantity / 8, rounded up)",
                    quantity.div_ceil(8),
                    bytes.len(),
                )?;
                Request::WriteMultipleCoils {
                    address,
                    coils: Bits {
                        bytes,
                        count: quantity,
                    },
                }
            }
            FunctionCode::WRITE_MULTIPLE_REGISTERS => {
                let address = r.u16_be()?;
                let quantity = usize::from(r.u16_be()?);
                let at = r.pos();
                let bytes = counted(&mut r)?;
                check_count(at, "byte count (2 × quantity)", quantity * 2, bytes.len())?;
                Request::WriteMultipleRegisters {
                    address,
                    values: Registers(bytes),
                }
            }
            FunctionCode::REPORT_SERVER_ID => Request::ReportServerId,
            FunctionCode::READ_FILE_RECORD => {
                let bytes = counted(&mut r)?;
                Request::ReadFileRecord {
                    requests: FileReads::parse(bytes, 2)?,
                }
            }
            FunctionCode::WRITE_FILE_RECORD => {
                let bytes = counted(&mut r)?;
                Request::WriteFileRecord {
                    requests: FileWrites::parse(bytes, 2)?,
                }
            }
            FunctionCode::MASK_WRITE_REGISTER => Request::MaskWriteRegister {
                address: r.u16_be()?,
                and_mask: r.u16_be()?,
                or_mask: r.u16_be()?,
            },
            FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => {
                let read_address = r.u16_be()?;
                let read_quantity = r.u16_be()?;
                let write_address = r.u16_be()?;
                let write_quantity = usize::from(r.u16_be()?);
                let at = r.pos();
                let bytes = counted(&mut r)?;
                check_count(
                    at,
                    "byte count (2 × write quantity)",
                    write_quantity * 2,
                    bytes.len(),
                )?;
                Request::ReadWriteMultipleRegisters {
                    read_address,
                    read_quantity,
                    write_address,
                    values: Registers(bytes),
                }
            }
            FunctionCode::READ_FIFO_QUEUE => Request::ReadFifoQueue {
                address: r.u16_be()?,
            },
            FunctionCode::ENCAPSULATED_INTERFACE => match r.u8()? {
                MEI_READ_DEVICE_ID => Request::ReadDeviceIdentification {
                    read_code: r.u8()?,
                    object_id: r.u8()?,
                },
                mei_type => Request::Encapsulated {
                    mei_type,
                    data: r.rest(),
                },
            },
            function => Request::Other {
                function,
                data: r.rest(),
            },
        };
        r.finish()?;
        Ok(req)
    }

    /// The function code.
    pub fn function(&self) -> FunctionCode {
        match self {
            Request::ReadCoils { .. } => FunctionCode::READ_COILS,
            Request::ReadDiscreteInputs { .. } => FunctionCode::READ_DISCRETE_INPUTS,
            Request::ReadHoldingRegisters { .. } => FunctionCode::READ_HOLDING_REGISTERS,
            Request::ReadInputRegisters { .. } => FunctionCode::READ_INPUT_REGISTERS,
            Request::WriteSingleCoil { .. } => FunctionCode::WRITE_SINGLE_COIL,
            Request::WriteSingleRegister { .. } => FunctionCode::WRITE_SINGLE_REGISTER,
            Request::ReadExceptionStatus => FunctionCode::READ_EXCEPTION_STATUS,
            Request::Diagnostics { .. } => FunctionCode::DIAGNOSTICS,
            Request::GetCommEventCounter => FunctionCode::GET_COMM_EVENT_COUNTER,
            Request::GetCommEventLog => FunctionCode::GET_COMM_EVENT_LOG,
            Request::WriteMultipleCoils { .. } => FunctionCode::WRITE_MULTIPLE_COILS,
            Request::WriteMultipleRegisters { .. } => FunctionCode::WRITE_MULTIPLE_REGISTERS,
            Request::ReportServerId => FunctionCode::REPORT_SERVER_ID,
            Request::ReadFileRecord { .. } => FunctionCode::READ_FILE_RECORD,
            Request::WriteFileRecord { .. } => FunctionCode::WRITE_FILE_RECORD,
            Request::MaskWriteRegister { .. } => FunctionCode::MASK_WRITE_REGISTER,
            Request::ReadWriteMultipleRegisters { .. } => {
                FunctionCode::READ_WRITE_MULTIPLE_REGISTERS
            }
            Request::ReadFifoQueue { .. } => FunctionCode::READ_FIFO_QUEUE,
            Request::ReadDeviceIdentification { .. } | Request::Encapsulated { .. } => {
                FunctionCode::ENCAPSULATED_INTERFACE
            }
            Request::Other { function, .. } => *function,
        }
    }

    /// Bytes [`Request::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        1 + match self {
            Request::ReadCoils { .. }
            | Request::ReadDiscreteInputs { .. }
            | Request::ReadHoldingRegisters { .. }
            | Request::ReadInputRegisters { .. }
            | Request::WriteSingleCoil { .. }
            | Request::WriteSingleRegister { .. } => 4,
            Request::ReadExceptionStatus
            | Request::GetCommEventCounter
            | Request::GetCommEventLog
            | Request::ReportServerId => 0,
            Request::Diagnostics { data, .. } => 2 + data.len(),
            Request::WriteMultipleCoils { coils, .. } => 5 + coils.bytes.len(),
            Request::WriteMultipleRegisters { values, .. } => 5 + values.0.len(),
            Request::ReadFileRecord { requests } => 1 + requests.0.len(),
            Request::WriteFileRecord { requests } => 1 + requests.0.len(),
            Request::MaskWriteRegister { .. } => 6,
            Request::ReadWriteMultipleRegisters { values, .. } => 9 + values.0.len(),
            Request::ReadFifoQueue { .. } => 2,
            Request::ReadDeviceIdentification { .. } => 3,
            Request::Encapsulated { data, .. } => 1 + data.len(),
            Request::Other { data, .. } => data.len(),
        }
    }

    /// Writes the PDU into `out`; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize> {
        check_size(self.buffer_len())?;
        let mut w = Writer::new(out, L);
        w.u8(self.function().0)?;
        match *self {
            Request::ReadCoils { address, quantity }
            | Request::ReadDiscreteInputs { address, quantity }
            | Request::ReadHoldingRegisters { address, quantity }
            | Request::ReadInputRegisters { address, quantity } => {
                w.u16_be(address)?;
                w.u16_be(quantity)?;
            }
            Request::WriteSingleCoil { address, value } => {
                w.u16_be(address)?;
                w.u16_be(if value { 0xFF00 } else { 0 })?;
            }
            Request::WriteSingleRegister { address, value } => {
                w.u16_be(address)?;
                w.u16_be(value)?;
            }
            Request::ReadExceptionStatus
            | Request::GetCommEventCounter
            | Request::GetCommEventLog
            | Request::ReportServerId => {}
            Request::Diagnostics { sub_function, data } => {
                w.u16_be(sub_function)?;
                w.put(data)?;
            }
            Request::WriteMultipleCoils { address, coils } => {
                w.u16_be(address)?;
                w.u16_be(quantity_u16(coils.count)?)?;
                w.u8(byte_count(coils.bytes.len())?)?;
                w.put(coils.bytes)?;
            }
            Request::WriteMultipleRegisters { address, values } => {
                w.u16_be(address)?;
                w.u16_be(quantity_u16(values.len())?)?;
                w.u8(byte_count(values.0.len())?)?;
                w.put(values.0)?;
            }
            Request::ReadFileRecord {
                requests: FileReads(b),
            }
            | Request::WriteFileRecord {
                requests: FileWrites(b),
            } => {
                w.u8(byte_count(b.len())?)?;
                w.put(b)?;
            }
            Request::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            } => {
                w.u16_be(address)?;
                w.u16_be(and_mask)?;
                w.u16_be(or_mask)?;
            }
            Request::ReadWriteMultipleRegisters {
                read_address,
                read_quantity,
                write_address,
                values,
            } => {
                w.u16_be(read_address)?;
                w.u16_be(read_quantity)?;
                w.u16_be(write_address)?;
                w.u16_be(quantity_u16(values.len())?)?;
                w.u8(byte_count(values.0.len())?)?;
                w.put(values.0)?;
            }
            Request::ReadFifoQueue { address } => w.u16_be(address)?,
            Request::ReadDeviceIdentification {
                read_code,
                object_id,
            } => {
                w.put(&[MEI_READ_DEVICE_ID, read_code, object_id])?;
            }
            Request::Encapsulated { mei_type, data } => {
                w.u8(mei_type)?;
                w.put(data)?;
            }
            Request::Other { data, .. } => w.put(data)?,
        }
        Ok(w.pos())
    }

    /// Checks the quantity limits of MODBUS Application Protocol §6 that a server answers with
    /// exception 03 (illegal data value).
    pub fn check_limits(&self) -> core::result::Result<(), ExceptionCode> {
        let ok = match *self {
            Request::ReadCoils { quantity, .. } | Request::ReadDiscreteInputs { quantity, .. } => {
                (1..=2000).contains(&quantity)
            }
            Request::ReadHoldingRegisters { quantity, .. }
            | Request::ReadInputRegisters { quantity, .. } => (1..=125).contains(&quantity),
            Request::WriteMultipleCoils { coils, .. } => (1..=0x07B0).contains(&coils.count),
            Request::WriteMultipleRegisters { values, .. } => (1..=123).contains(&values.len()),
            Request::ReadWriteMultipleRegisters {
                read_quantity,
                values,
                ..
            } => (1..=125).contains(&read_quantity) && (1..=121).contains(&values.len()),
            Request::ReadFileRecord { requests } => (7..=0xF5).contains(&requests.0.len()),
            Request::WriteFileRecord { requests } => (9..=0xFB).contains(&requests.0.len()),
            Request::ReadDeviceIdentification { read_code, .. } => (1..=4).contains(&read_code),
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(ExceptionCode::ILLEGAL_DATA_VALUE)
        }
    }
}

fn quantity_u16(n: usize) -> Result<u16> {
    u16::try_from(n).map_err(|_| {
        Error::new(
            L,
            0,
            ErrorKind::Oversize {
                limit: usize::from(u16::MAX),
                found: n,
            },
        )
    })
}

fn byte_count(n: usize) -> Result<u8> {
    u8::try_from(n).map_err(|_| {
        Error::new(
            L,
            0,
            ErrorKind::Oversize {
                limit: 255,
                found: n,
            },
        )
    })
}

impl<'a> Response<'a> {
    /// Parses a response PDU (function code first).
    pub fn parse(pdu: &'a [u8]) -> Result<Self> {
        check_size(pdu.len())?;
        let mut r = Reader::new(pdu, L);
        let fc = FunctionCode(r.u8()?);
        if fc.is_exception() {
            let code = ExceptionCode(r.u8()?);
            r.finish()?;
            return Ok(Response::Exception {
                function: FunctionCode(fc.0 & 0x7F),
                code,
            });
        }
        let resp = match fc {
            FunctionCode::READ_COILS => Response::ReadCoils {
                coils: Bits::all(counted(&mut r)?),
            },
            FunctionCode::READ_DISCRETE_INPUTS => Response::ReadDiscreteInputs {
                inputs: Bits::all(counted(&mut r)?),
            },
            FunctionCode::READ_HOLDING_REGISTERS
            | FunctionCode::READ_INPUT_REGISTERS
            | FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => {
                let at = r.pos();
                let bytes = counted(&mut r)?;
                let values = registers(&mut r, bytes, at)?;
                match fc {
                    FunctionCode::READ_HOLDING_REGISTERS => {
                        Response::ReadHoldingRegisters { values }
                    }
                    FunctionCode::READ_INPUT_REGISTERS => Response::ReadInputRegisters { values },
                    _ => Response::ReadWriteMultipleRegisters { values },
                }
            }
            FunctionCode::WRITE_SINGLE_COIL => Response::WriteSingleCoil {
                address: r.u16_be()?,
                value: coil_value(&mut r)?,
            },
            FunctionCode::WRITE_SINGLE_REGISTER => Response::WriteSingleRegister {
                address: r.u16_be()?,
                value: r.u16_be()?,
            },
            FunctionCode::READ_EXCEPTION_STATUS => {
                Response::ReadExceptionStatus { status: r.u8()? }
            }
            FunctionCode::DIAGNOSTICS => Response::Diagnostics {
                sub_function: r.u16_be()?,
                data: r.rest(),
            },
            FunctionCode::GET_COMM_EVENT_COUNTER => Response::GetCommEventCounter {
                status: r.u16_be()?,
                event_count: r.u16_be()?,
            },
            FunctionCode::GET_COMM_EVENT_LOG => {
                let at = r.pos();
                let body = counted(&mut r)?;
                let mut b = Reader::new(body, L);
                let fields = (b.u16_be(), b.u16_be(), b.u16_be());
                let (Ok(status), Ok(event_count), Ok(message_count)) = fields else {
                    return Err(r.invalid_at(
                        at,
                        "byte count",
                        "at least 6 (status, event and message counts)",
                        body.len() as u64,
                    ));
                };
                Response::GetCommEventLog {
                    status,
                    event_count,
                    message_count,
                    events: b.rest(),
                }
            }
            FunctionCode::WRITE_MULTIPLE_COILS => Response::WriteMultipleCoils {
                address: r.u16_be()?,
                quantity: r.u16_be()?,
            },
            FunctionCode::WRITE_MULTIPLE_REGISTERS => Response::WriteMultipleRegisters {
                address: r.u16_be()?,
                quantity: r.u16_be()?,
            },
            FunctionCode::REPORT_SERVER_ID => Response::ReportServerId {
                data: counted(&mut r)?,
            },
            FunctionCode::READ_FILE_RECORD => Response::ReadFileRecord {
                records: FileReadResponses::parse(counted(&mut r)?, 2)?,
            },
            FunctionCode::WRITE_FILE_RECORD => Response::WriteFileRecord {
                records: FileWrites::parse(counted(&mut r)?, 2)?,
            },
            FunctionCode::MASK_WRITE_REGISTER => Response::MaskWriteRegister {
                address: r.u16_be()?,
                and_mask: r.u16_be()?,
                or_mask: r.u16_be()?,
            },
            FunctionCode::READ_FIFO_QUEUE => {
                let at = r.pos();
                let count = usize::from(r.u16_be()?);
                check_count(at, "byte count", r.remaining(), count)?;
                let fifo_at = r.pos();
                let fifo = usize::from(r.u16_be()?);
                if fifo > 31 {
                    return Err(r.invalid_at(fifo_at, "FIFO count", "at most 31", fifo as u64));
                }
                check_count(
                    fifo_at,
                    "FIFO count (byte count = 2 + 2 × FIFO count)",
                    r.remaining() / 2,
                    fifo,
                )?;
                let bytes = r.take(fifo * 2)?;
                Response::ReadFifoQueue {
                    values: Registers(bytes),
                }
            }
            FunctionCode::ENCAPSULATED_INTERFACE => match r.u8()? {
                MEI_READ_DEVICE_ID => {
                    let read_code = r.u8()?;
                    let conformity = r.u8()?;
                    let at = r.pos();
                    let more_follows = match r.u8()? {
                        0x00 => false,
                        0xFF => true,
                        v => {
                            return Err(r.invalid_at(
                                at,
                                "more follows",
                                "0x00 or 0xFF",
                                u64::from(v),
                            ))
                        }
                    };
                    let next_object_id = r.u8()?;
                    let count = r.u8()?;
                    let objects = DeviceIdObjects::parse(&mut r, count)?;
                    Response::ReadDeviceIdentification {
                        read_code,
                        conformity,
                        more_follows,
                        next_object_id,
                        objects,
                    }
                }
                mei_type => Response::Encapsulated {
                    mei_type,
                    data: r.rest(),
                },
            },
            function => Response::Other {
                function,
                data: r.rest(),
            },
        };
        r.finish()?;
        Ok(resp)
    }

    /// The function code (for exceptions, the request's code with bit 7 set).
    pub fn function(&self) -> FunctionCode {
        match self {
            Response::ReadCoils { .. } => FunctionCode::READ_COILS,
            Response::ReadDiscreteInputs { .. } => FunctionCode::READ_DISCRETE_INPUTS,
            Response::ReadHoldingRegisters { .. } => FunctionCode::READ_HOLDING_REGISTERS,
            Response::ReadInputRegisters { .. } => FunctionCode::READ_INPUT_REGISTERS,
            Response::WriteSingleCoil { .. } => FunctionCode::WRITE_SINGLE_COIL,
            Response::WriteSingleRegister { .. } => FunctionCode::WRITE_SINGLE_REGISTER,
            Response::ReadExceptionStatus { .. } => FunctionCode::READ_EXCEPTION_STATUS,
            Response::Diagnostics { .. } => FunctionCode::DIAGNOSTICS,
            Response::GetCommEventCounter { .. } => FunctionCode::GET_COMM_EVENT_COUNTER,
            Response::GetCommEventLog { .. } => FunctionCode::GET_COMM_EVENT_LOG,
            Response::WriteMultipleCoils { .. } => FunctionCode::WRITE_MULTIPLE_COILS,
            Response::WriteMultipleRegisters { .. } => FunctionCode::WRITE_MULTIPLE_REGISTERS,
            Response::ReportServerId { .. } => FunctionCode::REPORT_SERVER_ID,
            Response::ReadFileRecord { .. } => FunctionCode::READ_FILE_RECORD,
            Response::WriteFileRecord { .. } => FunctionCode::WRITE_FILE_RECORD,
            Response::MaskWriteRegister { .. } => FunctionCode::MASK_WRITE_REGISTER,
            Response::ReadWriteMultipleRegisters { .. } => {
                FunctionCode::READ_WRITE_MULTIPLE_REGISTERS
            }
            Response::ReadFifoQueue { .. } => FunctionCode::READ_FIFO_QUEUE,
            Response::ReadDeviceIdentification { .. } | Response::Encapsulated { .. } => {
                FunctionCode::ENCAPSULATED_INTERFACE
            }
            Response::Exception { function, .. } => FunctionCode(function.0 | 0x80),
            Response::Other { function, .. } => *function,
        }
    }

    /// Bytes [`Response::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        1 + match self {
            Response::ReadCoils { coils: b } | Response::ReadDiscreteInputs { inputs: b } => {
                1 + b.bytes.len()
            }
            Response::ReadHoldingRegisters { values }
            | Response::ReadInputRegisters { values }
            | Response::ReadWriteMultipleRegisters { values } => 1 + values.0.len(),
            Response::WriteSingleCoil { .. }
            | Response::WriteSingleRegister { .. }
            | Response::GetCommEventCounter { .. }
            | Response::WriteMultipleCoils { .. }
            | Response::WriteMultipleRegisters { .. } => 4,
            Response::ReadExceptionStatus { .. } | Response::Exception { .. } => 1,
            Response::Diagnostics { data, .. } => 2 + data.len(),
            Response::GetCommEventLog { events, .. } => 7 + events.len(),
            Response::ReportServerId { data } => 1 + data.len(),
            Response::ReadFileRecord { records } => 1 + records.0.len(),
            Response::WriteFileRecord { records } => 1 + records.0.len(),
            Response::MaskWriteRegister { .. } => 6,
            Response::ReadFifoQueue { values } => 4 + values.0.len(),
            Response::ReadDeviceIdentification { objects, .. } => 6 + objects.bytes.len(),
            Response::Encapsulated { data, .. } => 1 + data.len(),
            Response::Other { data, .. } => data.len(),
        }
    }

    /// Writes the PDU into `out`; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize> {
        check_size(self.buffer_len())?;
        let mut w = Writer::new(out, L);
        w.u8(self.function().0)?;
        match *self {
            Response::ReadCoils {
                coils: Bits { bytes, .. },
            }
            | Response::ReadDiscreteInputs {
                inputs: Bits { bytes, .. },
            }
            | Response::ReadHoldingRegisters {
                values: Registers(bytes),
            }
            | Response::ReadInputRegisters {
                values: Registers(bytes),
            }
            | Response::ReadWriteMultipleRegisters {
                values: Registers(bytes),
            }
            | Response::ReportServerId { data: bytes }
            | Response::ReadFileRecord {
                records: FileReadResponses(bytes),
            }
            | Response::WriteFileRecord {
                records: FileWrites(bytes),
            } => {
                w.u8(byte_count(bytes.len())?)?;
                w.put(bytes)?;
            }
            Response::WriteSingleCoil { address, value } => {
                w.u16_be(address)?;
                w.u16_be(if value { 0xFF00 } else { 0 })?;
            }
            Response::WriteSingleRegister { address, value: a2 }
            | Response::GetCommEventCounter {
                status: address,
                event_count: a2,
            }
            | Response::WriteMultipleCoils {
                address,
                quantity: a2,
            }
            | Response::WriteMultipleRegisters {
                address,
                quantity: a2,
            } => {
                w.u16_be(address)?;
                w.u16_be(a2)?;
            }
            Response::ReadExceptionStatus { status } => w.u8(status)?,
            Response::Diagnostics { sub_function, data } => {
                w.u16_be(sub_function)?;
                w.put(data)?;
            }
            Response::GetCommEventLog {
                status,
                event_count,
                message_count,
                events,
            } => {
                w.u8(byte_count(6 + events.len())?)?;
                w.u16_be(status)?;
                w.u16_be(event_count)?;
                w.u16_be(message_count)?;
                w.put(events)?;
            }
            Response::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            } => {
                w.u16_be(address)?;
                w.u16_be(and_mask)?;
                w.u16_be(or_mask)?;
            }
            Response::ReadFifoQueue { values } => {
                w.u16_be(quantity_u16(2 + values.0.len())?)?;
                w.u16_be(quantity_u16(values.len())?)?;
                w.put(values.0)?;
            }
            Response::ReadDeviceIdentification {
                read_code,
                conformity,
                more_follows,
                next_object_id,
                objects,
            } => {
                w.put(&[
                    MEI_READ_DEVICE_ID,
                    read_code,
                    conformity,
                    if more_follows { 0xFF } else { 0 },
                    next_object_id,
                    objects.count,
                ])?;
                w.put(objects.bytes)?;
            }
            Response::Encapsulated { mei_type, data } => {
                w.u8(mei_type)?;
                w.put(data)?;
            }
            Response::Exception { code, .. } => w.u8(code.0)?,
            Response::Other { data, .. } => w.put(data)?,
        }
        Ok(w.pos())
    }
}

/// How long a PDU is, judged from its first bytes (for deframing streams without length fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PduLength {
    /// The PDU is this many bytes.
    Known(usize),
    /// At least this many bytes are needed to know.
    AtLeast(usize),
    /// The layout does not say (FC 8/00, FC 43/13, user-defined codes): find the end another way.
    Unknown,
}

/// The length of a request PDU starting with `prefix`.
pub fn request_len(prefix: &[u8]) -> PduLength {
    use PduLength::*;
    let at = |i: usize| prefix.get(i).copied().map(usize::from);
    let Some(fc) = prefix.first().copied() else {
        return AtLeast(1);
    };
    match FunctionCode(fc) {
        FunctionCode::READ_COILS
        | FunctionCode::READ_DISCRETE_INPUTS
        | FunctionCode::READ_HOLDING_REGISTERS
        | FunctionCode::READ_INPUT_REGISTERS
        | FunctionCode::WRITE_SINGLE_COIL
        | FunctionCode::WRITE_SINGLE_REGISTER => Known(5),
        FunctionCode::READ_EXCEPTION_STATUS
        | FunctionCode::GET_COMM_EVENT_COUNTER
        | FunctionCode::GET_COMM_EVENT_LOG
        | FunctionCode::REPORT_SERVER_ID => Known(1),
        FunctionCode::DIAGNOSTICS => diagnostics_len(prefix),
        FunctionCode::WRITE_MULTIPLE_COILS | FunctionCode::WRITE_MULTIPLE_REGISTERS => {
            at(5).map_or(AtLeast(6), |n| Known(6 + n))
        }
        FunctionCode::READ_FILE_RECORD | FunctionCode::WRITE_FILE_RECORD => {
            at(1).map_or(AtLeast(2), |n| Known(2 + n))
        }
        FunctionCode::MASK_WRITE_REGISTER => Known(7),
        FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => at(9).map_or(AtLeast(10), |n| Known(10 + n)),
        FunctionCode::READ_FIFO_QUEUE => Known(3),
        FunctionCode::ENCAPSULATED_INTERFACE => match at(1) {
            None => AtLeast(2),
            Some(0x0E) => Known(4),
            Some(_) => Unknown,
        },
        _ => Unknown,
    }
}

fn diagnostics_len(prefix: &[u8]) -> PduLength {
    // Serial line sub-functions other than 00 (Return Query Data) carry exactly 2 data bytes.
    match (prefix.get(1), prefix.get(2)) {
        (Some(0), Some(0)) => PduLength::Unknown,
        (Some(_), Some(_)) => PduLength::Known(5),
        _ => PduLength::AtLeast(3),
    }
}

/// The length of a response PDU starting with `prefix`.
pub fn response_len(prefix: &[u8]) -> PduLength {
    use PduLength::*;
    let at = |i: usize| prefix.get(i).copied().map(usize::from);
    let Some(fc) = prefix.first().copied() else {
        return AtLeast(1);
    };
    if fc & 0x80 != 0 {
        return Known(2);
    }
    match FunctionCode(fc) {
        FunctionCode::READ_COILS
        | FunctionCode::READ_DISCRETE_INPUTS
        | FunctionCode::READ_HOLDING_REGISTERS
        | FunctionCode::READ_INPUT_REGISTERS
        | FunctionCode::GET_COMM_EVENT_LOG
        | FunctionCode::REPORT_SERVER_ID
        | FunctionCode::READ_FILE_RECORD
        | FunctionCode::WRITE_FILE_RECORD
        | FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => at(1).map_or(AtLeast(2), |n| Known(2 + n)),
        FunctionCode::WRITE_SINGLE_COIL
        | FunctionCode::WRITE_SINGLE_REGISTER
        | FunctionCode::GET_COMM_EVENT_COUNTER
        | FunctionCode::WRITE_MULTIPLE_COILS
        | FunctionCode::WRITE_MULTIPLE_REGISTERS => Known(5),
        FunctionCode::READ_EXCEPTION_STATUS => Known(2),
        FunctionCode::DIAGNOSTICS => diagnostics_len(prefix),
        FunctionCode::MASK_WRITE_REGISTER => Known(7),
        FunctionCode::READ_FIFO_QUEUE => match (at(1), at(2)) {
            (Some(h), Some(l)) => Known(3 + (h << 8 | l)),
            _ => AtLeast(3),
        },
        FunctionCode::ENCAPSULATED_INTERFACE => match at(1) {
            None => AtLeast(2),
            Some(0x0E) => device_id_response_len(prefix),
            Some(_) => Unknown,
        },
        _ => Unknown,
    }
}

/// Walks a 43/14 response's object list as far as `prefix` goes.
fn device_id_response_len(prefix: &[u8]) -> PduLength {
    let Some(&count) = prefix.get(6) else {
        return PduLength::AtLeast(7);
    };
    let mut pos = 7usize;
    for _ in 0..count {
        match prefix.get(pos + 1) {
            Some(&n) => pos += 2 + usize::from(n),
            None => return PduLength::AtLeast(pos + 2),
        }
    }
    PduLength::Known(pos)
}
