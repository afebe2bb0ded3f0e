//! The translator as a Modbus server (MODBUS Application Protocol V1.1b3): its register and coil
//! image is the map's Modbus targets, rendered from the point states on every request.
//!
//! Reads (FC 1–4, 23) answer exception 02 when a requested address belongs to no target (unless
//! `fill_gaps`), and exception 04 when it belongs to a Bad or stale point whose target says
//! `on_bad = "exception"`. Writes (FC 5, 6, 15, 16, 22, 23) must fall wholly on writable points;
//! each touched point becomes an [`Outbound`] request to its source and the write is confirmed.
//! FC 43/14 answers the map's identity (basic and regular objects, stream and individual access,
//! §6.21). Other function codes answer exception 01. Serial requests to unit 0 (broadcast) are
//! carried out without a reply.

use alloc::vec;
use alloc::vec::Vec;

use causeway_core::{ModbusTable, Value};

use super::map::{Map, OnBad, Target};
use super::{convert, Outbound, Translator};
use crate::error::Result;
use crate::modbus::adu::{self, Adu, Framing};
use crate::modbus::map::Field;
use crate::modbus::pdu::{Bits, DeviceIdObjects, Registers, Request, Response};
use crate::modbus::{tcp, ExceptionCode, FunctionCode, MAX_PDU};

/// One target (or status register) in the image.
#[derive(Clone, Copy, Debug)]
struct Slot {
    start: u16,
    count: u16,
    point: usize,
    /// The target index; `None` for the point's status register.
    target: Option<usize>,
}

/// The slots of each table, sorted by start address.
#[derive(Clone, Debug, Default)]
pub(super) struct Image {
    tables: [Vec<Slot>; 4],
}

const fn table_index(t: ModbusTable) -> usize {
    match t {
        ModbusTable::Coil => 0,
        ModbusTable::DiscreteInput => 1,
        ModbusTable::InputRegister => 2,
        ModbusTable::HoldingRegister => 3,
    }
}

impl Image {
    pub(super) fn new(map: &Map) -> Self {
        let mut image = Image::default();
        for (point, p) in map.points.iter().enumerate() {
            for (i, t) in p.targets.iter().enumerate() {
                let Target::Modbus { field, status, .. } = t else {
                    continue;
                };
                if let Some(slots) = image.tables.get_mut(table_index(field.table)) {
                    slots.push(Slot {
                        start: field.address,
                        count: field.count().max(1),
                        point,
                        target: Some(i),
                    });
                    if let Some(s) = status {
                        slots.push(Slot {
                            start: *s,
                            count: 1,
                            point,
                            target: None,
                        });
                    }
                }
            }
        }
        for t in &mut image.tables {
            t.sort_by_key(|s| s.start);
        }
        image
    }

    /// The slots of `table` that overlap `start .. start + count`.
    fn overlapping(
        &self,
        table: ModbusTable,
        start: u16,
        count: u16,
    ) -> impl Iterator<Item = Slot> + '_ {
        let end = u32::from(start) + u32::from(count);
        self.tables
            .get(table_index(table))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .take_while(move |s| u32::from(s.start) < end)
            .filter(move |s| u32::from(s.start) + u32::from(s.count) > u32::from(start))
            .copied()
    }
}

/// What [`Translator::modbus_request`] produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModbusReply {
    /// Length of the response ADU written to `out`; 0 when there is no reply (a serial
    /// broadcast, or a serial request to another unit).
    pub len: usize,
    /// Requests for the sources of the points a write touched.
    pub outbound: Vec<Outbound>,
}

type Answer = core::result::Result<(), ExceptionCode>;

/// Object ids of basic (0–2) and regular (3–6) device identification.
const LAST_REGULAR: u8 = 6;

impl Translator {
    fn field_of(&self, slot: &Slot) -> Option<(&Field, OnBad)> {
        let p = self.map.points.get(slot.point)?;
        match p.targets.get(slot.target?)? {
            Target::Modbus { field, on_bad, .. } => Some((field, *on_bad)),
            _ => None,
        }
    }

    /// The registers of a value slot (its whole field) from the point's value, or `None` when
    /// the value is absent or does not fit the field.
    fn render_field(&self, slot: &Slot, field: &Field) -> Option<Vec<u8>> {
        let state = self.states.get(slot.point)?;
        let value = convert(&state.value, state.unit, field.unit)?;
        if value == Value::Null {
            return None;
        }
        let mut regs = vec![0u8; usize::from(slot.count) * 2];
        field.encode(&value, field.address, &mut regs).ok()?;
        Some(regs)
    }

    /// Renders registers `start .. start + out.len() / 2` of `table` into `out`; with
    /// `strict`, Bad or stale points answer exception 04 where their target says so.
    fn read_registers(
        &self,
        table: ModbusTable,
        start: u16,
        out: &mut [u8],
        now_ms: u64,
        strict: bool,
    ) -> Answer {
        let count = u16::try_from(out.len() / 2).map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
        if u32::from(start) + u32::from(count) > 0x1_0000 {
            return Err(ExceptionCode::ILLEGAL_DATA_ADDRESS);
        }
        out.fill(0);
        let mut covered = vec![false; usize::from(count)];
        for slot in self.modbus.overlapping(table, start, count) {
            let status = self.status(slot.point, now_ms);
            let regs = match self.field_of(&slot) {
                None => {
                    // The status register.
                    (status as u16).to_be_bytes().to_vec()
                }
                Some((field, on_bad)) => {
                    let fail = strict && on_bad == OnBad::Exception;
                    if fail && !status.is_usable() {
                        return Err(ExceptionCode::SERVER_DEVICE_FAILURE);
                    }
                    match self.render_field(&slot, field) {
                        Some(r) => r,
                        None if fail => return Err(ExceptionCode::SERVER_DEVICE_FAILURE),
                        None => vec![0u8; usize::from(slot.count) * 2],
                    }
                }
            };
            for k in 0..slot.count {
                let Some(addr) = slot.start.checked_add(k) else {
                    break;
                };
                if addr < start || u32::from(addr) >= u32::from(start) + u32::from(count) {
                    continue;
                }
                let i = usize::from(addr - start);
                let k = usize::from(k);
                if let (Some(dst), Some(src)) =
                    (out.get_mut(i * 2..i * 2 + 2), regs.get(k * 2..k * 2 + 2))
                {
                    // Bit fields share registers: OR them together.
                    for (d, s) in dst.iter_mut().zip(src) {
                        *d |= s;
                    }
                }
                if let Some(c) = covered.get_mut(i) {
                    *c = true;
                }
            }
        }
        if !self.map.modbus.fill_gaps && covered.iter().any(|c| !c) {
            return Err(ExceptionCode::ILLEGAL_DATA_ADDRESS);
        }
        Ok(())
    }

    /// Renders bits `start .. start + out.len()` of a bit table.
    fn read_bits(&self, table: ModbusTable, start: u16, out: &mut [bool], now_ms: u64) -> Answer {
        let count = u16::try_from(out.len()).map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
        if u32::from(start) + u32::from(count) > 0x1_0000 {
            return Err(ExceptionCode::ILLEGAL_DATA_ADDRESS);
        }
        let mut covered = vec![false; out.len()];
        for slot in self.modbus.overlapping(table, start, count) {
            let Some((_, on_bad)) = self.field_of(&slot) else {
                continue;
            };
            let status = self.status(slot.point, now_ms);
            let value = self.states.get(slot.point).map(|s| &s.value);
            let bit = match value {
                Some(Value::Bool(b)) => Some(*b),
                Some(Value::Null) | None => None,
                Some(v) => v.as_f64().map(|f| f != 0.0),
            };
            if on_bad == OnBad::Exception && (!status.is_usable() || bit.is_none()) {
                return Err(ExceptionCode::SERVER_DEVICE_FAILURE);
            }
            let i = usize::from(slot.start - start);
            if let (Some(o), Some(c)) = (out.get_mut(i), covered.get_mut(i)) {
                *o = bit.unwrap_or(false);
                *c = true;
            }
        }
        if !self.map.modbus.fill_gaps && covered.iter().any(|c| !c) {
            return Err(ExceptionCode::ILLEGAL_DATA_ADDRESS);
        }
        Ok(())
    }

    /// The writable value slots covering every address of `start .. start + count`.
    fn writable_slots(
        &self,
        table: ModbusTable,
        start: u16,
        count: u16,
    ) -> core::result::Result<Vec<Slot>, ExceptionCode> {
        let mut covered = vec![false; usize::from(count)];
        let mut slots = Vec::new();
        for slot in self.modbus.overlapping(table, start, count) {
            let writable = self.map.points.get(slot.point).is_some_and(|p| p.writable);
            if slot.target.is_none() || !writable {
                return Err(ExceptionCode::ILLEGAL_DATA_ADDRESS);
            }
            for k in 0..slot.count {
                let addr = u32::from(slot.start) + u32::from(k);
                if let Some(c) = addr
                    .checked_sub(u32::from(start))
                    .and_then(|i| covered.get_mut(i as usize))
                {
                    *c = true;
                }
            }
            slots.push(slot);
        }
        if covered.iter().any(|c| !c) {
            return Err(ExceptionCode::ILLEGAL_DATA_ADDRESS);
        }
        Ok(slots)
    }

    /// Holding registers written at `start`: each touched point's field, its current registers
    /// overlaid with the written ones, decoded and sent to the source.
    fn write_registers(&mut self, start: u16, values: &[u8], out: &mut Vec<Outbound>) -> Answer {
        let count =
            u16::try_from(values.len() / 2).map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
        let slots = self.writable_slots(ModbusTable::HoldingRegister, start, count)?;
        for slot in slots {
            let Some((field, _)) = self.field_of(&slot) else {
                continue;
            };
            let field = *field;
            let mut regs = self
                .render_field(&slot, &field)
                .unwrap_or_else(|| vec![0u8; usize::from(slot.count) * 2]);
            for k in 0..slot.count {
                let addr = u32::from(slot.start) + u32::from(k);
                let Some(i) = addr.checked_sub(u32::from(start)).map(|i| i as usize) else {
                    continue;
                };
                let k = usize::from(k);
                if let (Some(src), Some(dst)) =
                    (values.get(i * 2..i * 2 + 2), regs.get_mut(k * 2..k * 2 + 2))
                {
                    dst.copy_from_slice(src);
                }
            }
            let registers = Registers::new(&regs).ok_or(ExceptionCode::ILLEGAL_DATA_VALUE)?;
            let value = field
                .decode(field.address, registers)
                .map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
            let request = self
                .write_request(slot.point, &value, field.unit)
                .map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
            out.push(request);
        }
        Ok(())
    }

    fn write_coils(&mut self, start: u16, bits: &[bool], out: &mut Vec<Outbound>) -> Answer {
        let count = u16::try_from(bits.len()).map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
        for slot in self.writable_slots(ModbusTable::Coil, start, count)? {
            let bit = bits
                .get(usize::from(slot.start - start))
                .copied()
                .unwrap_or(false);
            let request = self
                .write_request(slot.point, &Value::Bool(bit), None)
                .map_err(|_| ExceptionCode::ILLEGAL_DATA_VALUE)?;
            out.push(request);
        }
        Ok(())
    }

    /// Answers a FC 43/14 request into `objects` (id, length, value ...); returns
    /// (conformity, more follows, next object id, object count).
    fn identification(
        &self,
        read_code: u8,
        object_id: u8,
        objects: &mut Vec<u8>,
    ) -> core::result::Result<(u8, bool, u8, u8), ExceptionCode> {
        let id = &self.map.modbus.identity;
        let object = |n: u8| -> Option<&str> {
            match n {
                0 => Some(&id.vendor_name),
                1 => Some(&id.product_code),
                2 => Some(&id.revision),
                3 => id.vendor_url.as_deref(),
                4 => id.product_name.as_deref(),
                5 => id.model_name.as_deref(),
                6 => id.user_application_name.as_deref(),
                _ => None,
            }
        };
        const CONFORMITY: u8 = 0x82; // regular identification, stream and individual access
        if read_code == 4 {
            let value = object(object_id).ok_or(ExceptionCode::ILLEGAL_DATA_ADDRESS)?;
            let len = value.len().min(MAX_PDU - 9);
            objects.extend_from_slice(&[object_id, len as u8]);
            objects.extend_from_slice(value.as_bytes().get(..len).unwrap_or(&[]));
            return Ok((CONFORMITY, false, 0, 1));
        }
        let last = if read_code == 1 { 2 } else { LAST_REGULAR };
        // An unknown first object restarts at object 0 (§6.21).
        let first = if object_id <= last { object_id } else { 0 };
        let mut count = 0u8;
        for n in first..=last {
            let Some(value) = object(n) else { continue };
            // Function, MEI type, read code, conformity, more, next id, count: 7 octets.
            if 7 + objects.len() + 2 + value.len() > MAX_PDU {
                if count == 0 {
                    let len = MAX_PDU - 9;
                    objects.extend_from_slice(&[n, len as u8]);
                    objects.extend_from_slice(value.as_bytes().get(..len).unwrap_or(&[]));
                    return Ok((CONFORMITY, n < last, n + 1, 1));
                }
                return Ok((CONFORMITY, true, n, count));
            }
            objects.extend_from_slice(&[n, value.len() as u8]);
            objects.extend_from_slice(value.as_bytes());
            count += 1;
        }
        Ok((CONFORMITY, false, 0, count))
    }

    /// Answers a request the translator can serve; the PDU goes to `pdu`.
    fn serve(
        &mut self,
        req: &Request<'_>,
        now_ms: u64,
        pdu: &mut [u8],
        outbound: &mut Vec<Outbound>,
    ) -> core::result::Result<usize, ExceptionCode> {
        req.check_limits()?;
        let emit = |resp: Response<'_>, pdu: &mut [u8]| {
            resp.emit(pdu)
                .map_err(|_| ExceptionCode::SERVER_DEVICE_FAILURE)
        };
        match *req {
            Request::ReadHoldingRegisters { address, quantity }
            | Request::ReadInputRegisters { address, quantity } => {
                let table = if matches!(req, Request::ReadHoldingRegisters { .. }) {
                    ModbusTable::HoldingRegister
                } else {
                    ModbusTable::InputRegister
                };
                let mut regs = vec![0u8; usize::from(quantity) * 2];
                self.read_registers(table, address, &mut regs, now_ms, true)?;
                let values = Registers::new(&regs).ok_or(ExceptionCode::SERVER_DEVICE_FAILURE)?;
                emit(
                    if table == ModbusTable::HoldingRegister {
                        Response::ReadHoldingRegisters { values }
                    } else {
                        Response::ReadInputRegisters { values }
                    },
                    pdu,
                )
            }
            Request::ReadCoils { address, quantity }
            | Request::ReadDiscreteInputs { address, quantity } => {
                let coils = matches!(req, Request::ReadCoils { .. });
                let table = if coils {
                    ModbusTable::Coil
                } else {
                    ModbusTable::DiscreteInput
                };
                let mut bits = vec![false; usize::from(quantity)];
                self.read_bits(table, address, &mut bits, now_ms)?;
                let mut packed = vec![0u8; bits.len().div_ceil(8)];
                crate::modbus::pdu::pack_bits(bits.iter().copied(), &mut packed)
                    .map_err(|_| ExceptionCode::SERVER_DEVICE_FAILURE)?;
                let b =
                    Bits::new(&packed, bits.len()).ok_or(ExceptionCode::SERVER_DEVICE_FAILURE)?;
                emit(
                    if coils {
                        Response::ReadCoils { coils: b }
                    } else {
                        Response::ReadDiscreteInputs { inputs: b }
                    },
                    pdu,
                )
            }
            Request::WriteSingleCoil { address, value } => {
                self.write_coils(address, &[value], outbound)?;
                emit(Response::WriteSingleCoil { address, value }, pdu)
            }
            Request::WriteMultipleCoils { address, coils } => {
                let bits: Vec<bool> = coils.iter().collect();
                self.write_coils(address, &bits, outbound)?;
                let quantity = u16::try_from(bits.len()).unwrap_or(0);
                emit(Response::WriteMultipleCoils { address, quantity }, pdu)
            }
            Request::WriteSingleRegister { address, value } => {
                self.write_registers(address, &value.to_be_bytes(), outbound)?;
                emit(Response::WriteSingleRegister { address, value }, pdu)
            }
            Request::WriteMultipleRegisters { address, values } => {
                self.write_registers(address, values.as_bytes(), outbound)?;
                let quantity = u16::try_from(values.len()).unwrap_or(0);
                emit(Response::WriteMultipleRegisters { address, quantity }, pdu)
            }
            Request::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            } => {
                let mut current = [0u8; 2];
                self.read_registers(
                    ModbusTable::HoldingRegister,
                    address,
                    &mut current,
                    now_ms,
                    false,
                )?;
                let current = u16::from_be_bytes(current);
                let result = (current & and_mask) | (or_mask & !and_mask);
                self.write_registers(address, &result.to_be_bytes(), outbound)?;
                emit(
                    Response::MaskWriteRegister {
                        address,
                        and_mask,
                        or_mask,
                    },
                    pdu,
                )
            }
            Request::ReadWriteMultipleRegisters {
                read_address,
                read_quantity,
                write_address,
                values,
            } => {
                self.write_registers(write_address, values.as_bytes(), outbound)?;
                let mut regs = vec![0u8; usize::from(read_quantity) * 2];
                self.read_registers(
                    ModbusTable::HoldingRegister,
                    read_address,
                    &mut regs,
                    now_ms,
                    true,
                )?;
                let values = Registers::new(&regs).ok_or(ExceptionCode::SERVER_DEVICE_FAILURE)?;
                emit(Response::ReadWriteMultipleRegisters { values }, pdu)
            }
            Request::ReadDeviceIdentification {
                read_code,
                object_id,
            } => {
                let mut bytes = Vec::new();
                let (conformity, more_follows, next_object_id, count) =
                    self.identification(read_code, object_id, &mut bytes)?;
                let objects = DeviceIdObjects::new(&bytes, count)
                    .map_err(|_| ExceptionCode::SERVER_DEVICE_FAILURE)?;
                emit(
                    Response::ReadDeviceIdentification {
                        read_code,
                        conformity,
                        more_follows,
                        next_object_id,
                        objects,
                    },
                    pdu,
                )
            }
            _ => Err(ExceptionCode::ILLEGAL_FUNCTION),
        }
    }

    /// Answers a Modbus request ADU of `framing` from the image into `out` (at least 260
    /// octets for TCP, 513 for ASCII). A frame that fails its framing checks (length, MBAP,
    /// CRC, LRC) is an error and gets no reply, as a server on a serial line stays silent; a
    /// PDU the server cannot carry out gets its exception response.
    pub fn modbus_request(
        &mut self,
        framing: Framing,
        request: &[u8],
        now_ms: u64,
        out: &mut [u8],
    ) -> Result<ModbusReply> {
        let adu = Adu::parse(framing, request)?;
        let serial = framing != Framing::Tcp;
        let mut reply = ModbusReply::default();
        let header = tcp::Header {
            transaction_id: adu.mbap.map_or(0, |h| h.transaction_id),
            protocol_id: 0,
            unit_id: adu.unit_id,
        };
        let function = FunctionCode(adu.pdu().first().copied().unwrap_or(0) & 0x7F);
        let mut pdu = [0u8; MAX_PDU];
        let answer = match self.map.modbus.unit {
            Some(u) if u != adu.unit_id && !(serial && adu.unit_id == 0) => {
                if serial {
                    return Ok(reply);
                }
                Err(ExceptionCode::GATEWAY_PATH_UNAVAILABLE)
            }
            _ => match adu.request() {
                Ok(req) => self.serve(&req, now_ms, &mut pdu, &mut reply.outbound),
                Err(_) if adu.pdu().len() > 1 && known(function) => {
                    Err(ExceptionCode::ILLEGAL_DATA_VALUE)
                }
                Err(_) => Err(ExceptionCode::ILLEGAL_FUNCTION),
            },
        };
        if serial && adu.unit_id == 0 {
            return Ok(reply);
        }
        let len = match answer {
            Ok(n) => n,
            Err(code) => Response::Exception { function, code }.emit(&mut pdu)?,
        };
        reply.len = adu::emit(framing, &header, pdu.get(..len).unwrap_or(&[]), out)?;
        Ok(reply)
    }
}

/// Function codes the server implements.
fn known(f: FunctionCode) -> bool {
    matches!(f.0, 1..=6 | 15 | 16 | 22 | 23 | 43)
}
