//! The JSON form of Modbus frames and the registry entries `modbus-tcp`, `modbus-rtu`,
//! `modbus-ascii` and `modbus-rtu-over-tcp`.

use alloc::vec::Vec;

use causeway_core::{Device, Point};
use serde_json::{json, Map, Value as Json};

use crate::error::{Error, Layer, Result};
use crate::fields::{field_error, Fields};
use crate::registry::{hex, Codec, Decoded, Options};
use crate::Role;

use super::adu::{Adu, Framing};
use super::pdu::{
    pack_bits, Bits, DeviceIdObjects, FileReadResponses, FileReads, FileWrites, Registers, Request,
    Response, FILE_REFERENCE_TYPE, MEI_READ_DEVICE_ID,
};
use super::points::{request_points, response_points};
use super::tcp;
use super::{ExceptionCode, FunctionCode, MAX_PDU};

fn latin1(bytes: &[u8]) -> alloc::string::String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The frame fields of a request PDU.
pub fn request_json(req: &Request<'_>) -> Map<alloc::string::String, Json> {
    let fc = req.function();
    let mut m = Map::new();
    m.insert("function_code".into(), json!(fc.0));
    m.insert("function".into(), json!(fc.name()));
    let fields = match *req {
        Request::ReadCoils { address, quantity }
        | Request::ReadDiscreteInputs { address, quantity }
        | Request::ReadHoldingRegisters { address, quantity }
        | Request::ReadInputRegisters { address, quantity } => {
            json!({"start_address": address, "quantity": quantity})
        }
        Request::WriteSingleCoil { address, value } => json!({"address": address, "value": value}),
        Request::WriteSingleRegister { address, value } => {
            json!({"address": address, "value": value})
        }
        Request::ReadExceptionStatus
        | Request::GetCommEventCounter
        | Request::GetCommEventLog
        | Request::ReportServerId => json!({}),
        Request::Diagnostics { sub_function, data } => {
            json!({"sub_function": sub_function, "data": hex(data)})
        }
        Request::WriteMultipleCoils { address, coils } => json!({
            "start_address": address, "quantity": coils.len(), "byte_count": coils.as_bytes().len(),
            "values": coils.iter().collect::<Vec<_>>()}),
        Request::WriteMultipleRegisters { address, values } => json!({
            "start_address": address, "quantity": values.len(), "byte_count": values.as_bytes().len(),
            "values": values.iter().collect::<Vec<_>>()}),
        Request::ReadFileRecord { requests } => json!({
            "byte_count": requests.as_bytes().len(),
            "sub_requests": requests.iter().map(|r| json!({"reference_type": 6, "file_number": r.file,
                "record_number": r.record, "record_length": r.length})).collect::<Vec<_>>()}),
        Request::WriteFileRecord { requests } => json!({
            "byte_count": requests.as_bytes().len(),
            "sub_requests": requests.iter().map(|r| json!({"reference_type": 6, "file_number": r.file,
                "record_number": r.record, "record_length": r.data.len(),
                "values": r.data.iter().collect::<Vec<_>>()})).collect::<Vec<_>>()}),
        Request::MaskWriteRegister {
            address,
            and_mask,
            or_mask,
        } => json!({"address": address, "and_mask": and_mask, "or_mask": or_mask}),
        Request::ReadWriteMultipleRegisters {
            read_address,
            read_quantity,
            write_address,
            values,
        } => json!({
            "read_start_address": read_address, "read_quantity": read_quantity,
            "write_start_address": write_address, "write_quantity": values.len(),
            "byte_count": values.as_bytes().len(), "values": values.iter().collect::<Vec<_>>()}),
        Request::ReadFifoQueue { address } => json!({"address": address}),
        Request::ReadDeviceIdentification {
            read_code,
            object_id,
        } => json!({"mei_type": 14, "read_device_id_code": read_code, "object_id": object_id}),
        Request::Encapsulated { mei_type, data } => {
            json!({"mei_type": mei_type, "data": hex(data)})
        }
        Request::Other { data, .. } => json!({"data": hex(data)}),
    };
    if let Json::Object(f) = fields {
        m.extend(f);
    }
    m
}

/// The frame fields of a response PDU.
pub fn response_json(resp: &Response<'_>) -> Map<alloc::string::String, Json> {
    let fc = resp.function();
    let mut m = Map::new();
    m.insert("function_code".into(), json!(fc.0));
    m.insert(
        "function".into(),
        json!(super::FunctionCode(fc.0 & 0x7F).name()),
    );
    let fields = match *resp {
        Response::ReadCoils { coils: b } | Response::ReadDiscreteInputs { inputs: b } => json!({
            "byte_count": b.as_bytes().len(), "values": b.iter().collect::<Vec<_>>()}),
        Response::ReadHoldingRegisters { values }
        | Response::ReadInputRegisters { values }
        | Response::ReadWriteMultipleRegisters { values } => {
            json!({"byte_count": values.as_bytes().len(), "values": values.iter().collect::<Vec<_>>()})
        }
        Response::WriteSingleCoil { address, value } => json!({"address": address, "value": value}),
        Response::WriteSingleRegister { address, value } => {
            json!({"address": address, "value": value})
        }
        Response::ReadExceptionStatus { status } => json!({"status": status}),
        Response::Diagnostics { sub_function, data } => {
            json!({"sub_function": sub_function, "data": hex(data)})
        }
        Response::GetCommEventCounter {
            status,
            event_count,
        } => json!({"status": status, "event_count": event_count}),
        Response::GetCommEventLog {
            status,
            event_count,
            message_count,
            events,
        } => json!({
            "byte_count": 6 + events.len(), "status": status, "event_count": event_count,
            "message_count": message_count, "events": hex(events)}),
        Response::WriteMultipleCoils { address, quantity }
        | Response::WriteMultipleRegisters { address, quantity } => {
            json!({"start_address": address, "quantity": quantity})
        }
        Response::ReportServerId { data } => json!({"byte_count": data.len(), "data": hex(data)}),
        Response::ReadFileRecord { records } => json!({
            "byte_count": records.as_bytes().len(),
            "records": records.iter().map(|r| json!({"reference_type": 6, "values": r.iter().collect::<Vec<_>>()})).collect::<Vec<_>>()}),
        Response::WriteFileRecord { records } => json!({
            "byte_count": records.as_bytes().len(),
            "sub_requests": records.iter().map(|r| json!({"reference_type": 6, "file_number": r.file,
                "record_number": r.record, "record_length": r.data.len(),
                "values": r.data.iter().collect::<Vec<_>>()})).collect::<Vec<_>>()}),
        Response::MaskWriteRegister {
            address,
            and_mask,
            or_mask,
        } => json!({"address": address, "and_mask": and_mask, "or_mask": or_mask}),
        Response::ReadFifoQueue { values } => json!({
            "byte_count": 2 + values.as_bytes().len(), "fifo_count": values.len(), "values": values.iter().collect::<Vec<_>>()}),
        Response::ReadDeviceIdentification {
            read_code,
            conformity,
            more_follows,
            next_object_id,
            objects,
        } => json!({
            "mei_type": 14, "read_device_id_code": read_code, "conformity_level": conformity,
            "more_follows": more_follows, "next_object_id": next_object_id, "number_of_objects": objects.len(),
            "objects": objects.iter().map(|o| json!({"id": o.id, "value": latin1(o.value)})).collect::<Vec<_>>()}),
        Response::Encapsulated { mei_type, data } => {
            json!({"mei_type": mei_type, "data": hex(data)})
        }
        Response::Exception { code, .. } => {
            json!({"exception_code": code.0, "exception": code.name()})
        }
        Response::Other { data, .. } => json!({"data": hex(data)}),
    };
    if let Json::Object(f) = fields {
        m.extend(f);
    }
    m
}

/// The `frame` object of a frame of `framing` for `role` (a request unless `Response`), each of
/// its canonical points to `sink` as they are made.
pub fn frame_json(
    framing: Framing,
    role: Option<Role>,
    bytes: &[u8],
    mut sink: impl FnMut(Point<'_>),
) -> Result<Json> {
    let adu = Adu::parse(framing, bytes)?;
    let mut frame = Map::new();
    if let Some(h) = adu.mbap {
        frame.insert("transaction_id".into(), json!(h.transaction_id));
        frame.insert("protocol_id".into(), json!(h.protocol_id));
        frame.insert("length".into(), json!(adu.pdu().len() + 1));
    }
    frame.insert("unit_id".into(), json!(adu.unit_id));
    match (framing, adu.checksum) {
        (Framing::Ascii, Some(lrc)) => frame.insert("lrc".into(), json!(lrc)),
        (_, Some(crc)) => frame.insert("crc".into(), json!(crc)),
        _ => None,
    };
    let device = Device::Modbus {
        unit: adu.unit_id,
        host: None,
        port: None,
    };
    match role {
        Some(Role::Response) => {
            let resp = adu.response()?;
            frame.insert("role".into(), json!("response"));
            frame.extend(response_json(&resp));
            response_points(device, &resp, &mut sink);
        }
        _ => {
            let req = adu.request()?;
            frame.insert("role".into(), json!("request"));
            frame.extend(request_json(&req));
            request_points(device, &req, &mut sink);
        }
    }
    Ok(Json::Object(frame))
}

/// Decodes a frame of `framing` for `role` into its JSON form.
fn decode_framed(framing: Framing, role: Option<Role>, bytes: &[u8]) -> Result<Decoded<'_>> {
    // Modbus points carry no borrowed data, so they outlive the PDU (decoded in place for ASCII).
    let mut points = Vec::new();
    let frame = frame_json(framing, role, bytes, |p| points.push(p.into_owned()))?;
    Ok(Decoded {
        protocol: framing.protocol(),
        frame,
        points,
    })
}

fn decode_tcp<'a>(options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let role = options.role;
    decode_framed(Framing::Tcp, role, bytes)
}

fn decode_rtu<'a>(options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let role = options.role;
    decode_framed(Framing::Rtu, role, bytes)
}

fn decode_rtu_over_tcp<'a>(options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let role = options.role;
    decode_framed(Framing::RtuOverTcp, role, bytes)
}

fn decode_ascii<'a>(options: &Options<'_>, bytes: &'a [u8]) -> Result<Decoded<'a>> {
    let role = options.role;
    decode_framed(Framing::Ascii, role, bytes)
}

// --- from the JSON form back to bytes -----------------------------------------------------------

const PDU: Layer = Layer::ModbusPdu;

/// The first `n` bytes of `scratch` (what a helper just wrote there), as a shared slice.
fn stash(scratch: &mut [u8], n: usize) -> &[u8] {
    scratch.get(..n).unwrap_or(&[])
}

/// Sub-requests of FC 20 (`file_number`, `record_number`, `record_length`) in wire form.
fn file_reads<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<FileReads<'s>> {
    let mut n = 0;
    for sub in f.objects("sub_requests")? {
        let sub = sub?;
        let [f0, f1] = sub.u16("file_number")?.to_be_bytes();
        let [r0, r1] = sub.u16("record_number")?.to_be_bytes();
        let [l0, l1] = sub.u16("record_length")?.to_be_bytes();
        put(s, &mut n, &[FILE_REFERENCE_TYPE, f0, f1, r0, r1, l0, l1])?;
    }
    FileReads::parse(stash(s, n), 0)
}

/// Sub-requests of FC 21 (`file_number`, `record_number`, `values`) in wire form.
fn file_writes<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<FileWrites<'s>> {
    let mut n = 0;
    for sub in f.objects("sub_requests")? {
        let sub = sub?;
        let [f0, f1] = sub.u16("file_number")?.to_be_bytes();
        let [r0, r1] = sub.u16("record_number")?.to_be_bytes();
        let mut regs = [0u8; MAX_PDU];
        let len = sub.registers("values", &mut regs)?;
        let [l0, l1] = ((len / 2) as u16).to_be_bytes();
        put(s, &mut n, &[FILE_REFERENCE_TYPE, f0, f1, r0, r1, l0, l1])?;
        put(s, &mut n, stash(&mut regs, len))?;
    }
    FileWrites::parse(stash(s, n), 0)
}

/// Appends `bytes` at `*n` in `s`.
fn put(s: &mut [u8], n: &mut usize, bytes: &[u8]) -> Result<()> {
    let end = *n + bytes.len();
    let capacity = s.len();
    s.get_mut(*n..end)
        .ok_or(Error::new(
            PDU,
            *n,
            crate::ErrorKind::Capacity {
                needed: end,
                capacity,
            },
        ))?
        .copy_from_slice(bytes);
    *n = end;
    Ok(())
}

/// A register list (`values`) in wire form.
fn registers_of<'s>(f: &Fields<'_>, key: &'static str, s: &'s mut [u8]) -> Result<Registers<'s>> {
    let n = f.registers(key, s)?;
    Ok(Registers::new(stash(s, n)).unwrap_or_default())
}

/// A bit list (`values`) packed LSB first.
fn bits_of<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<Bits<'s>> {
    let count = f.bools("values")?.count();
    let n = pack_bits(f.bools("values")?, s)?;
    Bits::new(stash(s, n), count).ok_or(field_error(PDU, "values", "at most 2000 bits"))
}

/// A hex `data` field.
fn data_of<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<&'s [u8]> {
    let n = f.hex("data", s)?;
    Ok(stash(s, n))
}

/// The request a frame's JSON fields describe (the keys of [`request_json`]); variable parts are
/// written to `s`. Derived keys (`function`, `byte_count`, the quantity of a value list) are not
/// read.
pub fn request_from_json<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<Request<'s>> {
    let window = || Ok::<_, Error>((f.u16("start_address")?, f.u16("quantity")?));
    Ok(match FunctionCode(f.u8("function_code")?) {
        FunctionCode::READ_COILS => {
            let (address, quantity) = window()?;
            Request::ReadCoils { address, quantity }
        }
        FunctionCode::READ_DISCRETE_INPUTS => {
            let (address, quantity) = window()?;
            Request::ReadDiscreteInputs { address, quantity }
        }
        FunctionCode::READ_HOLDING_REGISTERS => {
            let (address, quantity) = window()?;
            Request::ReadHoldingRegisters { address, quantity }
        }
        FunctionCode::READ_INPUT_REGISTERS => {
            let (address, quantity) = window()?;
            Request::ReadInputRegisters { address, quantity }
        }
        FunctionCode::WRITE_SINGLE_COIL => Request::WriteSingleCoil {
            address: f.u16("address")?,
            value: f.bool("value")?,
        },
        FunctionCode::WRITE_SINGLE_REGISTER => Request::WriteSingleRegister {
            address: f.u16("address")?,
            value: f.u16("value")?,
        },
        FunctionCode::READ_EXCEPTION_STATUS => Request::ReadExceptionStatus,
        FunctionCode::DIAGNOSTICS => Request::Diagnostics {
            sub_function: f.u16("sub_function")?,
            data: data_of(f, s)?,
        },
        FunctionCode::GET_COMM_EVENT_COUNTER => Request::GetCommEventCounter,
        FunctionCode::GET_COMM_EVENT_LOG => Request::GetCommEventLog,
        FunctionCode::WRITE_MULTIPLE_COILS => Request::WriteMultipleCoils {
            address: f.u16("start_address")?,
            coils: bits_of(f, s)?,
        },
        FunctionCode::WRITE_MULTIPLE_REGISTERS => Request::WriteMultipleRegisters {
            address: f.u16("start_address")?,
            values: registers_of(f, "values", s)?,
        },
        FunctionCode::REPORT_SERVER_ID => Request::ReportServerId,
        FunctionCode::READ_FILE_RECORD => Request::ReadFileRecord {
            requests: file_reads(f, s)?,
        },
        FunctionCode::WRITE_FILE_RECORD => Request::WriteFileRecord {
            requests: file_writes(f, s)?,
        },
        FunctionCode::MASK_WRITE_REGISTER => Request::MaskWriteRegister {
            address: f.u16("address")?,
            and_mask: f.u16("and_mask")?,
            or_mask: f.u16("or_mask")?,
        },
        FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => Request::ReadWriteMultipleRegisters {
            read_address: f.u16("read_start_address")?,
            read_quantity: f.u16("read_quantity")?,
            write_address: f.u16("write_start_address")?,
            values: registers_of(f, "values", s)?,
        },
        FunctionCode::READ_FIFO_QUEUE => Request::ReadFifoQueue {
            address: f.u16("address")?,
        },
        FunctionCode::ENCAPSULATED_INTERFACE => match f.u8("mei_type")? {
            MEI_READ_DEVICE_ID => Request::ReadDeviceIdentification {
                read_code: f.u8("read_device_id_code")?,
                object_id: f.u8("object_id")?,
            },
            mei_type => Request::Encapsulated {
                mei_type,
                data: data_of(f, s)?,
            },
        },
        function => Request::Other {
            function,
            data: data_of(f, s)?,
        },
    })
}

/// Device identification objects (`id`, `value` as Latin-1 text) in wire form.
fn device_id_objects<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<DeviceIdObjects<'s>> {
    let (mut n, mut count) = (0, 0u8);
    for object in f.objects("objects")? {
        let object = object?;
        let bad = field_error(PDU, "value", "Latin-1 text of at most 255 characters");
        let value = object.str("value")?;
        let len = u8::try_from(value.chars().count()).map_err(|_| bad)?;
        put(s, &mut n, &[object.u8("id")?, len])?;
        for c in value.chars() {
            put(s, &mut n, &[u8::try_from(c).map_err(|_| bad)?])?;
        }
        count = count
            .checked_add(1)
            .ok_or(field_error(PDU, "objects", "at most 255 objects"))?;
    }
    DeviceIdObjects::new(stash(s, n), count)
}

/// FC 20 sub-responses (`values` of each of `records`) in wire form.
fn file_read_responses<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<FileReadResponses<'s>> {
    let mut n = 0;
    for record in f.objects("records")? {
        let mut regs = [0u8; MAX_PDU];
        let len = record?.registers("values", &mut regs)?;
        let sub_len = u8::try_from(len + 1)
            .map_err(|_| field_error(PDU, "values", "at most 127 registers"))?;
        put(s, &mut n, &[sub_len, FILE_REFERENCE_TYPE])?;
        put(s, &mut n, stash(&mut regs, len))?;
    }
    FileReadResponses::parse(stash(s, n), 0)
}

/// The response a frame's JSON fields describe (the keys of [`response_json`]); variable parts
/// are written to `s`. A function code with bit 7 set is an exception (`exception_code`).
pub fn response_from_json<'s>(f: &Fields<'_>, s: &'s mut [u8]) -> Result<Response<'s>> {
    let fc = FunctionCode(f.u8("function_code")?);
    if fc.is_exception() {
        return Ok(Response::Exception {
            function: FunctionCode(fc.0 & 0x7F),
            code: ExceptionCode(f.u8("exception_code")?),
        });
    }
    let write_echo = || Ok::<_, Error>((f.u16("start_address")?, f.u16("quantity")?));
    Ok(match fc {
        FunctionCode::READ_COILS => Response::ReadCoils {
            coils: bits_of(f, s)?,
        },
        FunctionCode::READ_DISCRETE_INPUTS => Response::ReadDiscreteInputs {
            inputs: bits_of(f, s)?,
        },
        FunctionCode::READ_HOLDING_REGISTERS => Response::ReadHoldingRegisters {
            values: registers_of(f, "values", s)?,
        },
        FunctionCode::READ_INPUT_REGISTERS => Response::ReadInputRegisters {
            values: registers_of(f, "values", s)?,
        },
        FunctionCode::WRITE_SINGLE_COIL => Response::WriteSingleCoil {
            address: f.u16("address")?,
            value: f.bool("value")?,
        },
        FunctionCode::WRITE_SINGLE_REGISTER => Response::WriteSingleRegister {
            address: f.u16("address")?,
            value: f.u16("value")?,
        },
        FunctionCode::READ_EXCEPTION_STATUS => Response::ReadExceptionStatus {
            status: f.u8("status")?,
        },
        FunctionCode::DIAGNOSTICS => Response::Diagnostics {
            sub_function: f.u16("sub_function")?,
            data: data_of(f, s)?,
        },
        FunctionCode::GET_COMM_EVENT_COUNTER => Response::GetCommEventCounter {
            status: f.u16("status")?,
            event_count: f.u16("event_count")?,
        },
        FunctionCode::GET_COMM_EVENT_LOG => Response::GetCommEventLog {
            status: f.u16("status")?,
            event_count: f.u16("event_count")?,
            message_count: f.u16("message_count")?,
            events: {
                let n = f.hex("events", s)?;
                stash(s, n)
            },
        },
        FunctionCode::WRITE_MULTIPLE_COILS => {
            let (address, quantity) = write_echo()?;
            Response::WriteMultipleCoils { address, quantity }
        }
        FunctionCode::WRITE_MULTIPLE_REGISTERS => {
            let (address, quantity) = write_echo()?;
            Response::WriteMultipleRegisters { address, quantity }
        }
        FunctionCode::REPORT_SERVER_ID => Response::ReportServerId {
            data: data_of(f, s)?,
        },
        FunctionCode::READ_FILE_RECORD => Response::ReadFileRecord {
            records: file_read_responses(f, s)?,
        },
        FunctionCode::WRITE_FILE_RECORD => Response::WriteFileRecord {
            records: file_writes(f, s)?,
        },
        FunctionCode::MASK_WRITE_REGISTER => Response::MaskWriteRegister {
            address: f.u16("address")?,
            and_mask: f.u16("and_mask")?,
            or_mask: f.u16("or_mask")?,
        },
        FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => Response::ReadWriteMultipleRegisters {
            values: registers_of(f, "values", s)?,
        },
        FunctionCode::READ_FIFO_QUEUE => Response::ReadFifoQueue {
            values: registers_of(f, "values", s)?,
        },
        FunctionCode::ENCAPSULATED_INTERFACE => match f.u8("mei_type")? {
            MEI_READ_DEVICE_ID => Response::ReadDeviceIdentification {
                read_code: f.u8("read_device_id_code")?,
                conformity: f.u8("conformity_level")?,
                more_follows: f.bool("more_follows")?,
                next_object_id: f.u8("next_object_id")?,
                objects: device_id_objects(f, s)?,
            },
            mei_type => Response::Encapsulated {
                mei_type,
                data: data_of(f, s)?,
            },
        },
        function => Response::Other {
            function,
            data: data_of(f, s)?,
        },
    })
}

/// The role named by the frame's `role` key.
fn role_of(f: &Fields<'_>) -> Result<Role> {
    Role::from_name(f.str("role")?).ok_or(field_error(PDU, "role", "\"request\" or \"response\""))
}

/// Writes the PDU that the JSON fields describe into `out`.
pub fn pdu_from_json(f: &Fields<'_>, out: &mut [u8]) -> Result<usize> {
    let mut scratch = [0u8; MAX_PDU];
    match role_of(f)? {
        Role::Request => request_from_json(f, &mut scratch)?.emit(out),
        Role::Response => response_from_json(f, &mut scratch)?.emit(out),
    }
}

/// Builds a frame of `framing` from its JSON form.
fn encode_framed(framing: Framing, frame: &Json, out: &mut [u8]) -> Result<usize> {
    let f = Fields::of(frame, framing.layer(), "frame")?;
    let header = tcp::Header {
        transaction_id: f.optional("transaction_id", Fields::u16)?.unwrap_or(0),
        protocol_id: f.optional("protocol_id", Fields::u16)?.unwrap_or(0),
        unit_id: f.u8("unit_id")?,
    };
    let mut pdu = [0u8; MAX_PDU];
    let n = pdu_from_json(&f, &mut pdu)?;
    super::adu::emit(framing, &header, stash(&mut pdu, n), out)
}

fn encode_tcp(_: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    encode_framed(Framing::Tcp, frame, out)
}

fn encode_rtu(_: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    encode_framed(Framing::Rtu, frame, out)
}

fn encode_ascii(_: &Options<'_>, frame: &Json, out: &mut [u8]) -> Result<usize> {
    encode_framed(Framing::Ascii, frame, out)
}

/// `modbus-tcp`.
pub const TCP: Codec = Codec {
    name: "modbus-tcp",
    needs_role: true,
    decode: decode_tcp,
    encode: encode_tcp,
};
/// `modbus-rtu`.
pub const RTU: Codec = Codec {
    name: "modbus-rtu",
    needs_role: true,
    decode: decode_rtu,
    encode: encode_rtu,
};
/// `modbus-ascii`.
pub const ASCII: Codec = Codec {
    name: "modbus-ascii",
    needs_role: true,
    decode: decode_ascii,
    encode: encode_ascii,
};
/// `modbus-rtu-over-tcp`.
pub const RTU_OVER_TCP: Codec = Codec {
    name: "modbus-rtu-over-tcp",
    needs_role: true,
    decode: decode_rtu_over_tcp,
    encode: encode_rtu,
};
