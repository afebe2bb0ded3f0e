//! Modbus for C: ADU decode (TCP, RTU, ASCII) into views, PDU parse into a flat struct, frame
//! and PDU builders into caller buffers, and request/response pairs to canonical points.

use causeway_codecs::modbus::pdu::{Request, Response};
use causeway_codecs::modbus::points::{exchange_points, request_points, response_points};
use causeway_codecs::modbus::{ascii, rtu, tcp, Bits, ExceptionCode, FunctionCode, Registers};
use causeway_core::Device;

use crate::error::{causeway_error, causeway_result, fail};
use crate::point::{causeway_point_callback, emit_point};
use crate::{causeway_bytes, decode_into, emit, guard, input, output};

use causeway_result::*;

/// A Modbus ADU: the framing fields and a view of the PDU.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_modbus_adu {
    /// MBAP transaction id (TCP only).
    pub transaction_id: u16,
    /// MBAP protocol id (TCP only; always 0).
    pub protocol_id: u16,
    /// Unit id / server address.
    pub unit_id: u8,
    /// The PDU (function code and data): into the input for TCP and RTU, into the scratch buffer
    /// for ASCII.
    pub pdu: causeway_bytes,
}

/// Request or response.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_direction {
    /// Client to server.
    CAUSEWAY_REQUEST = 0,
    /// Server to client.
    CAUSEWAY_RESPONSE = 1,
}

/// A parsed PDU, flattened: which fields mean something depends on `function_code` (the
/// MODBUS Application Protocol V1.1b3 §6 layout of that code); `data` is the variable part.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_modbus_pdu {
    /// Function code as sent (bit 7 set for exceptions).
    pub function_code: u8,
    /// Exception code, 0 when the response is not an exception.
    pub exception_code: u8,
    /// Start address (FC 1–4, 15, 16, 23 write), or the single address (FC 5, 6, 22, 24).
    pub address: u16,
    /// Quantity (FC 1–4 requests, FC 15/16 both directions, FC 23 write).
    pub quantity: u16,
    /// Value written (FC 6), 0xFF00/0 for FC 5, status (FC 7, 11).
    pub value: u16,
    /// FC 8 sub-function; FC 43 MEI type.
    pub sub_function: u16,
    /// FC 23 read start address.
    pub read_address: u16,
    /// FC 23 read quantity.
    pub read_quantity: u16,
    /// FC 22 AND mask; FC 11/12 event count.
    pub and_mask: u16,
    /// FC 22 OR mask; FC 12 message count.
    pub or_mask: u16,
    /// Registers (big-endian pairs), packed coils, file records, objects or raw data.
    pub data: causeway_bytes,
    /// Bits in `data` for coil and discrete-input payloads.
    pub bit_count: usize,
}

fn adu_out(out: *mut causeway_modbus_adu, adu: causeway_modbus_adu) -> causeway_result {
    // SAFETY: checked non-NULL by the callers.
    unsafe { out.write(adu) };
    CAUSEWAY_OK
}

/// Decodes a Modbus TCP ADU (MBAP header, length check).
///
/// # Safety
/// `frame` must point at `len` readable bytes; `out` must be valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_tcp_decode(
    frame: *const u8,
    len: usize,
    out: *mut causeway_modbus_adu,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(frame, len, out, err, |bytes| {
        let f = tcp::Frame::new_checked(bytes)?;
        let h = f.header();
        Ok(causeway_modbus_adu {
            transaction_id: h.transaction_id,
            protocol_id: h.protocol_id,
            unit_id: h.unit_id,
            pdu: causeway_bytes::of(f.pdu()),
        })
    })
}

/// Decodes a Modbus RTU ADU (also RTU over TCP): length limits and CRC.
///
/// # Safety
/// As [`causeway_modbus_tcp_decode`].
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_rtu_decode(
    frame: *const u8,
    len: usize,
    out: *mut causeway_modbus_adu,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(frame, len, out, err, |bytes| {
        let f = rtu::Frame::new_checked(bytes)?;
        Ok(causeway_modbus_adu {
            unit_id: f.address(),
            pdu: causeway_bytes::of(f.pdu()),
            ..Default::default()
        })
    })
}

/// Decodes a Modbus ASCII ADU; the binary unit id and PDU are written into `scratch` (256 bytes
/// always suffice) and `out->pdu` points there.
///
/// # Safety
/// `frame` readable for `len`; `scratch` writable for `scratch_len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_ascii_decode(
    frame: *const u8,
    len: usize,
    scratch: *mut u8,
    scratch_len: usize,
    out: *mut causeway_modbus_adu,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let (Some(bytes), Some(scratch)) = (unsafe { input(frame, len) }, unsafe {
            output(scratch, scratch_len)
        }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        match ascii::decode(bytes, scratch) {
            Ok(n) => {
                let body = scratch.get(..n).unwrap_or(&[]);
                let unit_id = body.first().copied().unwrap_or(0);
                adu_out(
                    out,
                    causeway_modbus_adu {
                        unit_id,
                        pdu: causeway_bytes::of(body.get(1..).unwrap_or(&[])),
                        ..Default::default()
                    },
                )
            }
            Err(e) => fail(err, &e),
        }
    })
}

fn regs(r: Registers<'_>) -> causeway_bytes {
    causeway_bytes::of(r.as_bytes())
}

fn bits(b: Bits<'_>, out: &mut causeway_modbus_pdu) {
    out.data = causeway_bytes::of(b.as_bytes());
    out.bit_count = b.len();
}

fn flatten_request(r: &Request<'_>) -> causeway_modbus_pdu {
    let mut p = causeway_modbus_pdu {
        function_code: r.function().0,
        ..Default::default()
    };
    match *r {
        Request::ReadCoils { address, quantity }
        | Request::ReadDiscreteInputs { address, quantity }
        | Request::ReadHoldingRegisters { address, quantity }
        | Request::ReadInputRegisters { address, quantity } => {
            (p.address, p.quantity) = (address, quantity)
        }
        Request::WriteSingleCoil { address, value } => {
            (p.address, p.value) = (address, if value { 0xFF00 } else { 0 })
        }
        Request::WriteSingleRegister { address, value } => (p.address, p.value) = (address, value),
        Request::Diagnostics { sub_function, data } => {
            (p.sub_function, p.data) = (sub_function, causeway_bytes::of(data))
        }
        Request::WriteMultipleCoils { address, coils } => {
            (p.address, p.quantity) = (address, coils.len() as u16);
            bits(coils, &mut p);
        }
        Request::WriteMultipleRegisters { address, values } => {
            (p.address, p.quantity, p.data) = (address, values.len() as u16, regs(values))
        }
        Request::ReadFileRecord { requests } => p.data = causeway_bytes::of(requests.as_bytes()),
        Request::WriteFileRecord { requests } => p.data = causeway_bytes::of(requests.as_bytes()),
        Request::MaskWriteRegister {
            address,
            and_mask,
            or_mask,
        } => (p.address, p.and_mask, p.or_mask) = (address, and_mask, or_mask),
        Request::ReadWriteMultipleRegisters {
            read_address,
            read_quantity,
            write_address,
            values,
        } => {
            (
                p.read_address,
                p.read_quantity,
                p.address,
                p.quantity,
                p.data,
            ) = (
                read_address,
                read_quantity,
                write_address,
                values.len() as u16,
                regs(values),
            )
        }
        Request::ReadFifoQueue { address } => p.address = address,
        Request::ReadDeviceIdentification {
            read_code,
            object_id,
        } => {
            (p.sub_function, p.value, p.address) =
                (0x0E, u16::from(read_code), u16::from(object_id))
        }
        Request::Encapsulated { mei_type, data } => {
            (p.sub_function, p.data) = (u16::from(mei_type), causeway_bytes::of(data))
        }
        Request::Other { data, .. } => p.data = causeway_bytes::of(data),
        Request::ReadExceptionStatus
        | Request::GetCommEventCounter
        | Request::GetCommEventLog
        | Request::ReportServerId => {}
    }
    p
}

fn flatten_response(r: &Response<'_>) -> causeway_modbus_pdu {
    let mut p = causeway_modbus_pdu {
        function_code: r.function().0,
        ..Default::default()
    };
    match *r {
        Response::ReadCoils { coils: b } | Response::ReadDiscreteInputs { inputs: b } => {
            bits(b, &mut p)
        }
        Response::ReadHoldingRegisters { values }
        | Response::ReadInputRegisters { values }
        | Response::ReadWriteMultipleRegisters { values }
        | Response::ReadFifoQueue { values } => {
            (p.quantity, p.data) = (values.len() as u16, regs(values))
        }
        Response::WriteSingleCoil { address, value } => {
            (p.address, p.value) = (address, if value { 0xFF00 } else { 0 })
        }
        Response::WriteSingleRegister { address, value } => (p.address, p.value) = (address, value),
        Response::ReadExceptionStatus { status } => p.value = u16::from(status),
        Response::Diagnostics { sub_function, data } => {
            (p.sub_function, p.data) = (sub_function, causeway_bytes::of(data))
        }
        Response::GetCommEventCounter {
            status,
            event_count,
        } => (p.value, p.and_mask) = (status, event_count),
        Response::GetCommEventLog {
            status,
            event_count,
            message_count,
            events,
        } => {
            (p.value, p.and_mask, p.or_mask, p.data) = (
                status,
                event_count,
                message_count,
                causeway_bytes::of(events),
            )
        }
        Response::WriteMultipleCoils { address, quantity }
        | Response::WriteMultipleRegisters { address, quantity } => {
            (p.address, p.quantity) = (address, quantity)
        }
        Response::ReportServerId { data } => p.data = causeway_bytes::of(data),
        Response::ReadFileRecord { records } => p.data = causeway_bytes::of(records.as_bytes()),
        Response::WriteFileRecord { records } => p.data = causeway_bytes::of(records.as_bytes()),
        Response::MaskWriteRegister {
            address,
            and_mask,
            or_mask,
        } => (p.address, p.and_mask, p.or_mask) = (address, and_mask, or_mask),
        Response::ReadDeviceIdentification {
            read_code, objects, ..
        } => {
            (p.sub_function, p.value, p.quantity, p.data) = (
                0x0E,
                u16::from(read_code),
                u16::from(objects.len()),
                causeway_bytes::of(objects.as_bytes()),
            )
        }
        Response::Encapsulated { mei_type, data } => {
            (p.sub_function, p.data) = (u16::from(mei_type), causeway_bytes::of(data))
        }
        Response::Exception { code, .. } => p.exception_code = code.0,
        Response::Other { data, .. } => p.data = causeway_bytes::of(data),
    }
    p
}

/// Parses a PDU (function code first) in `direction` (a [`causeway_direction`]), checking its
/// structure.
///
/// # Safety
/// `pdu` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_pdu_parse(
    direction: u32,
    pdu: *const u8,
    len: usize,
    out: *mut causeway_modbus_pdu,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let Some(bytes) = (unsafe { input(pdu, len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let parsed = match direction {
            d if d == causeway_direction::CAUSEWAY_REQUEST as u32 => {
                Request::parse(bytes).map(|r| flatten_request(&r))
            }
            d if d == causeway_direction::CAUSEWAY_RESPONSE as u32 => {
                Response::parse(bytes).map(|r| flatten_response(&r))
            }
            _ => return CAUSEWAY_BAD_ARGUMENT,
        };
        match parsed {
            // SAFETY: checked non-NULL.
            Ok(p) => unsafe {
                out.write(p);
                CAUSEWAY_OK
            },
            Err(e) => fail(err, &e),
        }
    })
}

/// Register `index` of a parsed PDU's register data.
///
/// # Safety
/// `pdu` must come from [`causeway_modbus_pdu_parse`] with its input still alive; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_register(
    pdu: *const causeway_modbus_pdu,
    index: usize,
    out: *mut u16,
) -> causeway_result {
    guard(|| {
        if pdu.is_null() || out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        // SAFETY: checked; the view points into the caller's live input.
        let data = unsafe { (*pdu).data.as_slice() }.unwrap_or(&[]);
        match Registers::new(data).and_then(|r| r.get(index)) {
            // SAFETY: checked non-NULL.
            Some(v) => unsafe {
                out.write(v);
                CAUSEWAY_OK
            },
            None => CAUSEWAY_BAD_ARGUMENT,
        }
    })
}

/// Writes `header | pdu` as a Modbus TCP ADU into `buf`.
///
/// # Safety
/// `pdu` readable for `pdu_len`; `buf` writable for `cap`; `out_len` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_tcp_emit(
    transaction_id: u16,
    unit_id: u8,
    pdu: *const u8,
    pdu_len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    emit(pdu, pdu_len, buf, cap, out_len, err, |p, b| {
        tcp::emit(
            &tcp::Header {
                transaction_id,
                protocol_id: 0,
                unit_id,
            },
            p,
            b,
        )
    })
}

/// Writes `address | pdu | CRC` as a Modbus RTU ADU into `buf`.
///
/// # Safety
/// As [`causeway_modbus_tcp_emit`].
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_rtu_emit(
    unit_id: u8,
    pdu: *const u8,
    pdu_len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    emit(pdu, pdu_len, buf, cap, out_len, err, |p, b| {
        rtu::emit(unit_id, p, b)
    })
}

/// Writes `':' hex(address, pdu, LRC) CR LF` as a Modbus ASCII ADU into `buf`.
///
/// # Safety
/// As [`causeway_modbus_tcp_emit`].
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_ascii_emit(
    unit_id: u8,
    pdu: *const u8,
    pdu_len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    emit(pdu, pdu_len, buf, cap, out_len, err, |p, b| {
        ascii::emit(unit_id, p, b)
    })
}

/// Builds a read request PDU: FC 1–4 with start address and quantity.
///
/// # Safety
/// `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_read_request(
    function_code: u8,
    address: u16,
    quantity: u16,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    let req = match FunctionCode(function_code) {
        FunctionCode::READ_COILS => Request::ReadCoils { address, quantity },
        FunctionCode::READ_DISCRETE_INPUTS => Request::ReadDiscreteInputs { address, quantity },
        FunctionCode::READ_HOLDING_REGISTERS => Request::ReadHoldingRegisters { address, quantity },
        FunctionCode::READ_INPUT_REGISTERS => Request::ReadInputRegisters { address, quantity },
        _ => return CAUSEWAY_BAD_ARGUMENT,
    };
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| req.emit(b))
}

/// Builds a FC 3 / FC 4 response PDU from `count` register values.
///
/// # Safety
/// `values` readable for `count` u16s; `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_registers_response(
    function_code: u8,
    values: *const u16,
    count: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    guard(|| {
        if count > 125 || !matches!(function_code, 3 | 4) {
            return CAUSEWAY_BAD_ARGUMENT;
        }
        if values.is_null() && count > 0 {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let mut wire = [0u8; 250];
        for i in 0..count {
            // SAFETY: the caller promises `count` readable values.
            let v = unsafe { values.add(i).read_unaligned() };
            if let Some(dst) = wire.get_mut(i * 2..i * 2 + 2) {
                dst.copy_from_slice(&v.to_be_bytes());
            }
        }
        let Some(r) = Registers::new(wire.get(..count * 2).unwrap_or(&[])) else {
            return CAUSEWAY_BAD_ARGUMENT;
        };
        let resp = if function_code == 3 {
            Response::ReadHoldingRegisters { values: r }
        } else {
            Response::ReadInputRegisters { values: r }
        };
        crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| resp.emit(b))
    })
}

/// Builds an exception response PDU for `function_code` with exception `code`.
///
/// # Safety
/// `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_exception_response(
    function_code: u8,
    code: u8,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    let resp = Response::Exception {
        function: FunctionCode(function_code & 0x7F),
        code: ExceptionCode(code),
    };
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| resp.emit(b))
}

/// Canonical points of a Modbus exchange: the values read at the request's addresses, values
/// written, or Bad points for an exception. Either PDU may be NULL (a lone request or response
/// then gives the points it carries by itself).
///
/// # Safety
/// PDUs readable for their lengths (or NULL with length 0); `cb` a valid function; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_points(
    unit_id: u8,
    request: *const u8,
    request_len: usize,
    response: *const u8,
    response_len: usize,
    cb: causeway_point_callback,
    user: *mut core::ffi::c_void,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let Some(cb) = cb else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let device = Device::Modbus {
            unit: unit_id,
            host: None,
            port: None,
        };
        let (req, resp) = (unsafe { input(request, request_len) }, unsafe {
            input(response, response_len)
        });
        let (Some(req), Some(resp)) = (req, resp) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let parsed_req = if req.is_empty() {
            Ok(None)
        } else {
            Request::parse(req).map(Some)
        };
        let parsed_resp = if resp.is_empty() {
            Ok(None)
        } else {
            Response::parse(resp).map(Some)
        };
        let (req, resp) = match (parsed_req, parsed_resp) {
            (Ok(q), Ok(r)) => (q, r),
            (Err(e), _) | (_, Err(e)) => return fail(err, &e),
        };
        match (req, resp) {
            (Some(q), Some(r)) => exchange_points(device, &q, &r, |p| emit_point(cb, user, &p)),
            (Some(q), None) => request_points(device, &q, |p| emit_point(cb, user, &p)),
            (None, Some(r)) => response_points(device, &r, |p| emit_point(cb, user, &p)),
            (None, None) => {}
        }
        CAUSEWAY_OK
    })
}

/// Builds a write request PDU: FC 5 (`values[0]` non-zero = on), FC 6 (`values[0]`), FC 15
/// (`count` coils, each `values[i]` non-zero = on) or FC 16 (`count` registers).
///
/// # Safety
/// `values` readable for `count` u16s; `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_write_request(
    function_code: u8,
    address: u16,
    values: *const u16,
    count: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    guard(|| {
        if values.is_null() && count > 0 {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        // SAFETY: the caller promises `count` readable values.
        let value = |i: usize| unsafe { values.add(i).read_unaligned() };
        let mut wire = [0u8; 250];
        let req = match (function_code, count) {
            (5, 1) => Request::WriteSingleCoil {
                address,
                value: value(0) != 0,
            },
            (6, 1) => Request::WriteSingleRegister {
                address,
                value: value(0),
            },
            (15, 1..=1968) => {
                let Ok(n) = causeway_codecs::modbus::pdu::pack_bits(
                    (0..count).map(|i| value(i) != 0),
                    &mut wire,
                ) else {
                    return CAUSEWAY_BAD_ARGUMENT;
                };
                match Bits::new(wire.get(..n).unwrap_or(&[]), count) {
                    Some(coils) => Request::WriteMultipleCoils { address, coils },
                    None => return CAUSEWAY_BAD_ARGUMENT,
                }
            }
            (16, 1..=123) => {
                for i in 0..count {
                    if let Some(dst) = wire.get_mut(i * 2..i * 2 + 2) {
                        dst.copy_from_slice(&value(i).to_be_bytes());
                    }
                }
                match Registers::new(wire.get(..count * 2).unwrap_or(&[])) {
                    Some(values) => Request::WriteMultipleRegisters { address, values },
                    None => return CAUSEWAY_BAD_ARGUMENT,
                }
            }
            _ => return CAUSEWAY_BAD_ARGUMENT,
        };
        crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| req.emit(b))
    })
}

/// Where and how one value sits in a register image (a register-map field).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_modbus_field {
    /// 0 coil, 1 discrete input, 2 input register, 3 holding register.
    pub table: u8,
    /// First address (0-based).
    pub address: u16,
    /// 0 bool, 1 i8, 2 u8, 3 i16, 4 u16, 5 i32, 6 u32, 7 i64, 8 u64, 9 f32, 10 f64, 12 string,
    /// 13 bytes, 14 bits.
    pub data_type: u8,
    /// 0 ABCD, 1 CDAB, 2 BADC, 3 DCBA.
    pub byte_order: u8,
    /// Registers of a string or bytes field.
    pub length: u16,
    /// First bit of a bool or bits field.
    pub bit: u8,
    /// Width of a bits field (0: the whole register).
    pub bits: u8,
    /// Whether `scale_mantissa × 10^scale_exponent` multiplies the raw value.
    pub has_scale: bool,
    /// Scale mantissa.
    pub scale_mantissa: i64,
    /// Scale power of ten.
    pub scale_exponent: i16,
    /// Whether `offset_mantissa × 10^offset_exponent` is added after scaling.
    pub has_offset: bool,
    /// Offset mantissa.
    pub offset_mantissa: i64,
    /// Offset power of ten.
    pub offset_exponent: i16,
}

/// Decodes `field` from register bytes `regs` (big-endian pairs, as in a read response) whose
/// first register is at address `start`.
///
/// # Safety
/// `field` valid; `regs` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_modbus_field_decode(
    field: *const causeway_modbus_field,
    start: u16,
    regs: *const u8,
    len: usize,
    out: *mut crate::point::causeway_value,
    err: *mut causeway_error,
) -> causeway_result {
    use causeway_core::{ByteOrder, DataType, Decimal, ModbusTable};
    guard(|| {
        // SAFETY: the caller passes a valid field and its registers.
        let (Some(f), Some(bytes)) = (unsafe { field.as_ref() }, unsafe { input(regs, len) })
        else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let (Some(&table), Some(&data_type), Some(&byte_order)) = (
            ModbusTable::ALL.get(usize::from(f.table)),
            DataType::ALL.get(usize::from(f.data_type)),
            ByteOrder::ALL.get(usize::from(f.byte_order)),
        ) else {
            return CAUSEWAY_BAD_ARGUMENT;
        };
        let Some(view) = Registers::new(bytes) else {
            return CAUSEWAY_BAD_ARGUMENT;
        };
        let mut field = causeway_codecs::modbus::map::Field::new(table, f.address, data_type);
        field.byte_order = byte_order;
        field.length = f.length;
        field.bit = f.bit;
        field.bits = f.bits;
        field.scale = f
            .has_scale
            .then(|| Decimal::new(f.scale_mantissa, f.scale_exponent));
        field.offset = f
            .has_offset
            .then(|| Decimal::new(f.offset_mantissa, f.offset_exponent));
        match field.decode(start, view) {
            Ok(v) => {
                // SAFETY: checked non-NULL.
                unsafe { out.write(crate::point::value(&v)) };
                CAUSEWAY_OK
            }
            Err(e) => fail(err, &e),
        }
    })
}
