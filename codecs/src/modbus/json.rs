//! The JSON form of Modbus frames and the registry entries `modbus-tcp`, `modbus-rtu`,
//! `modbus-ascii` and `modbus-rtu-over-tcp`.

use alloc::vec::Vec;

use causeway_core::{Device, Point};
use serde_json::{json, Map, Value as Json};

use crate::error::{Error, Result};
use crate::registry::{hex, Codec, Decoded};
use crate::Role;

use super::pdu::{Request, Response};
use super::points::{request_points, response_points};
use super::{ascii, rtu, tcp};

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

/// Decodes a PDU for `role` into frame fields (merged into `frame`) and points.
fn decode_pdu<'a>(
    role: Option<Role>,
    unit: u8,
    pdu: &'a [u8],
    frame: &mut Map<alloc::string::String, Json>,
) -> Result<Vec<Point<'a>>> {
    let device = Device::Modbus {
        unit,
        host: None,
        port: None,
    };
    let mut points = Vec::new();
    match role {
        Some(Role::Response) => {
            let resp = Response::parse(pdu)?;
            frame.insert("role".into(), json!("response"));
            frame.extend(response_json(&resp));
            response_points(device, &resp, |p| points.push(p));
        }
        _ => {
            let req = Request::parse(pdu)?;
            frame.insert("role".into(), json!("request"));
            frame.extend(request_json(&req));
            request_points(device, &req, |p| points.push(p));
        }
    }
    Ok(points)
}

/// Re-emits a PDU from its parsed form into `out`.
fn reemit_pdu(role: Option<Role>, pdu: &[u8], out: &mut [u8]) -> Result<usize> {
    match role {
        Some(Role::Response) => Response::parse(pdu)?.emit(out),
        _ => Request::parse(pdu)?.emit(out),
    }
}

fn shift(base: usize) -> impl Fn(Error) -> Error {
    move |e| {
        if e.layer == crate::Layer::ModbusPdu {
            e.shifted(base)
        } else {
            e
        }
    }
}

fn decode_tcp(role: Option<Role>, bytes: &[u8]) -> Result<Decoded<'_>> {
    let f = tcp::Frame::new_checked(bytes)?;
    let h = f.header();
    let mut frame = Map::new();
    frame.insert("transaction_id".into(), json!(h.transaction_id));
    frame.insert("protocol_id".into(), json!(h.protocol_id));
    frame.insert("length".into(), json!(f.length()));
    frame.insert("unit_id".into(), json!(h.unit_id));
    let pdu = bytes.get(tcp::HEADER_LEN..).unwrap_or(&[]);
    let points = decode_pdu(role, h.unit_id, pdu, &mut frame).map_err(shift(tcp::HEADER_LEN))?;
    Ok(Decoded {
        protocol: "modbus-tcp",
        frame: Json::Object(frame),
        points,
    })
}

fn reencode_tcp(role: Option<Role>, bytes: &[u8]) -> Result<Vec<u8>> {
    let f = tcp::Frame::new_checked(bytes)?;
    let mut pdu = [0u8; super::MAX_PDU];
    let n = reemit_pdu(role, f.pdu(), &mut pdu)?;
    let mut out = alloc::vec![0u8; tcp::MAX_ADU];
    let len = tcp::emit(&f.header(), pdu.get(..n).unwrap_or(&[]), &mut out)?;
    out.truncate(len);
    Ok(out)
}

fn rtu_decoder(
    protocol: &'static str,
) -> impl for<'a> Fn(Option<Role>, &'a [u8]) -> Result<Decoded<'a>> {
    move |role, bytes| {
        let f = rtu::Frame::new_checked(bytes)?;
        let mut frame = Map::new();
        frame.insert("unit_id".into(), json!(f.address()));
        frame.insert("crc".into(), json!(f.crc()));
        let pdu = bytes.get(1..bytes.len().saturating_sub(2)).unwrap_or(&[]);
        let points = decode_pdu(role, f.address(), pdu, &mut frame).map_err(shift(1))?;
        Ok(Decoded {
            protocol,
            frame: Json::Object(frame),
            points,
        })
    }
}

fn decode_rtu(role: Option<Role>, bytes: &[u8]) -> Result<Decoded<'_>> {
    rtu_decoder("modbus-rtu")(role, bytes)
}

fn decode_rtu_over_tcp(role: Option<Role>, bytes: &[u8]) -> Result<Decoded<'_>> {
    rtu_decoder("modbus-rtu-over-tcp")(role, bytes)
}

fn reencode_rtu(role: Option<Role>, bytes: &[u8]) -> Result<Vec<u8>> {
    let f = rtu::Frame::new_checked(bytes)?;
    let mut pdu = [0u8; super::MAX_PDU];
    let n = reemit_pdu(role, f.pdu(), &mut pdu)?;
    let mut out = alloc::vec![0u8; rtu::MAX_ADU];
    let len = rtu::emit(f.address(), pdu.get(..n).unwrap_or(&[]), &mut out)?;
    out.truncate(len);
    Ok(out)
}

fn decode_ascii(role: Option<Role>, bytes: &[u8]) -> Result<Decoded<'_>> {
    let mut bin = [0u8; rtu::MAX_ADU];
    let n = ascii::decode(bytes, &mut bin)?;
    let body = bin.get(..n).unwrap_or(&[]);
    let unit = body.first().copied().unwrap_or(0);
    let mut frame = Map::new();
    frame.insert("unit_id".into(), json!(unit));
    frame.insert("lrc".into(), json!(crate::checksum::lrc8(body)));
    // The PDU lives in a stack buffer here, so points are made owned.
    let pdu = body.get(1..).unwrap_or(&[]);
    // PDU offsets are byte offsets in the binary; in the text each byte is two characters after ':'.
    let points = decode_pdu(role, unit, pdu, &mut frame).map_err(|e| {
        if e.layer == crate::Layer::ModbusPdu {
            e.shifted(e.offset + 3)
        } else {
            e
        }
    })?;
    let points = points.into_iter().map(Point::into_owned).collect();
    Ok(Decoded {
        protocol: "modbus-ascii",
        frame: Json::Object(frame),
        points,
    })
}

fn reencode_ascii(role: Option<Role>, bytes: &[u8]) -> Result<Vec<u8>> {
    let mut bin = [0u8; rtu::MAX_ADU];
    let n = ascii::decode(bytes, &mut bin)?;
    let body = bin.get(..n).unwrap_or(&[]);
    let mut pdu = [0u8; super::MAX_PDU];
    let m = reemit_pdu(role, body.get(1..).unwrap_or(&[]), &mut pdu)?;
    let mut out = alloc::vec![0u8; ascii::MAX_ADU];
    let len = ascii::emit(
        body.first().copied().unwrap_or(0),
        pdu.get(..m).unwrap_or(&[]),
        &mut out,
    )?;
    out.truncate(len);
    Ok(out)
}

/// `modbus-tcp`.
pub const TCP: Codec = Codec {
    name: "modbus-tcp",
    needs_role: true,
    decode: decode_tcp,
    reencode: reencode_tcp,
};
/// `modbus-rtu`.
pub const RTU: Codec = Codec {
    name: "modbus-rtu",
    needs_role: true,
    decode: decode_rtu,
    reencode: reencode_rtu,
};
/// `modbus-ascii`.
pub const ASCII: Codec = Codec {
    name: "modbus-ascii",
    needs_role: true,
    decode: decode_ascii,
    reencode: reencode_ascii,
};
/// `modbus-rtu-over-tcp`.
pub const RTU_OVER_TCP: Codec = Codec {
    name: "modbus-rtu-over-tcp",
    needs_role: true,
    decode: decode_rtu_over_tcp,
    reencode: reencode_rtu,
};
