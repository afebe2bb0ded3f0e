//! Modbus frames to canonical points.
//!
//! A read response says nothing about *which* registers it carries; its request does. So points
//! come from a request/response pair ([`exchange_points`]), or from a lone frame that carries its
//! own addresses (writes and their echoes: [`request_points`], [`response_points`]). Raw values
//! are `u16` registers and `bool` coils; a [`RegisterMap`](super::map::RegisterMap) turns register
//! windows into typed, scaled points ([`map_points`], with `alloc`). An exception response makes
//! one Bad point per requested address, carrying the exception code.

use causeway_core::{Address, DataType, Device, ModbusTable, Point, Quality, Reason, Value};

use super::pdu::{Bits, Registers, Request, Response};

/// A raw point: `bool` for the bit tables, `u16` for the register tables.
fn point<'a>(device: Device, table: ModbusTable, index: u16, value: Value<'a>) -> Point<'a> {
    let mut p = Point::new(device, Address::Modbus { table, index }, value);
    let bit_table = matches!(table, ModbusTable::Coil | ModbusTable::DiscreteInput);
    p.qualifiers.data_type = Some(if bit_table {
        DataType::Bool
    } else {
        DataType::U16
    });
    p
}

fn registers<'a>(
    device: Device,
    table: ModbusTable,
    start: u16,
    regs: Registers<'a>,
    sink: &mut impl FnMut(Point<'a>),
) {
    for (i, v) in regs.iter().enumerate() {
        if let Some(index) = u16::try_from(i).ok().and_then(|i| start.checked_add(i)) {
            sink(point(device, table, index, Value::UInt(u64::from(v))));
        }
    }
}

fn bits<'a>(
    device: Device,
    table: ModbusTable,
    start: u16,
    bits: Bits<'a>,
    sink: &mut impl FnMut(Point<'a>),
) {
    for (i, v) in bits.iter().enumerate() {
        if let Some(index) = u16::try_from(i).ok().and_then(|i| start.checked_add(i)) {
            sink(point(device, table, index, Value::Bool(v)));
        }
    }
}

/// Points a request carries by itself: the values it writes (FC 5, 6, 15, 16, 23).
pub fn request_points<'a>(device: Device, req: &Request<'a>, mut sink: impl FnMut(Point<'a>)) {
    match *req {
        Request::WriteSingleCoil { address, value } => sink(point(
            device,
            ModbusTable::Coil,
            address,
            Value::Bool(value),
        )),
        Request::WriteSingleRegister { address, value } => sink(point(
            device,
            ModbusTable::HoldingRegister,
            address,
            Value::UInt(u64::from(value)),
        )),
        Request::WriteMultipleCoils { address, coils } => {
            bits(device, ModbusTable::Coil, address, coils, &mut sink)
        }
        Request::WriteMultipleRegisters { address, values }
        | Request::ReadWriteMultipleRegisters {
            write_address: address,
            values,
            ..
        } => registers(
            device,
            ModbusTable::HoldingRegister,
            address,
            values,
            &mut sink,
        ),
        _ => {}
    }
}

/// Points a response carries by itself: the echoes of single writes (FC 5, 6).
pub fn response_points<'a>(device: Device, resp: &Response<'a>, mut sink: impl FnMut(Point<'a>)) {
    match *resp {
        Response::WriteSingleCoil { address, value } => sink(point(
            device,
            ModbusTable::Coil,
            address,
            Value::Bool(value),
        )),
        Response::WriteSingleRegister { address, value } => sink(point(
            device,
            ModbusTable::HoldingRegister,
            address,
            Value::UInt(u64::from(value)),
        )),
        _ => {}
    }
}

/// The table, start and count a request reads (FC 1–4, 23).
pub fn read_window(req: &Request<'_>) -> Option<(ModbusTable, u16, u16)> {
    match *req {
        Request::ReadCoils { address, quantity } => Some((ModbusTable::Coil, address, quantity)),
        Request::ReadDiscreteInputs { address, quantity } => {
            Some((ModbusTable::DiscreteInput, address, quantity))
        }
        Request::ReadHoldingRegisters { address, quantity } => {
            Some((ModbusTable::HoldingRegister, address, quantity))
        }
        Request::ReadInputRegisters { address, quantity } => {
            Some((ModbusTable::InputRegister, address, quantity))
        }
        Request::ReadWriteMultipleRegisters {
            read_address,
            read_quantity,
            ..
        } => Some((ModbusTable::HoldingRegister, read_address, read_quantity)),
        _ => None,
    }
}

/// The addresses a request touches, for exception points.
fn touched(req: &Request<'_>) -> Option<(ModbusTable, u16, u16)> {
    read_window(req).or(match *req {
        Request::WriteSingleCoil { address, .. } => Some((ModbusTable::Coil, address, 1)),
        Request::WriteSingleRegister { address, .. }
        | Request::MaskWriteRegister { address, .. } => {
            Some((ModbusTable::HoldingRegister, address, 1))
        }
        Request::WriteMultipleCoils { address, coils } => {
            Some((ModbusTable::Coil, address, coils.len() as u16))
        }
        Request::WriteMultipleRegisters { address, values } => {
            Some((ModbusTable::HoldingRegister, address, values.len() as u16))
        }
        _ => None,
    })
}

/// Points of a request/response exchange: read values at the requested addresses (bits beyond
/// the requested quantity are padding and dropped), written values confirmed, or Bad points for
/// an exception.
pub fn exchange_points<'a>(
    device: Device,
    req: &Request<'a>,
    resp: &Response<'a>,
    mut sink: impl FnMut(Point<'a>),
) {
    if let Response::Exception { code, .. } = *resp {
        if let Some((table, start, count)) = touched(req) {
            for i in 0..count {
                if let Some(index) = start.checked_add(i) {
                    let mut p = Point::new(device, Address::Modbus { table, index }, Value::Null);
                    p.quality = Quality::bad(Reason::ProtocolError, Some(u32::from(code.0)));
                    sink(p);
                }
            }
        }
        return;
    }
    match (read_window(req), resp) {
        (
            Some((table, start, count)),
            Response::ReadCoils { coils: b } | Response::ReadDiscreteInputs { inputs: b },
        ) => {
            if let Some(b) = b.truncated(usize::from(count)) {
                bits(device, table, start, b, &mut sink);
            }
        }
        (
            Some((table, start, count)),
            Response::ReadHoldingRegisters { values }
            | Response::ReadInputRegisters { values }
            | Response::ReadWriteMultipleRegisters { values },
        ) if values.len() == usize::from(count) => {
            registers(device, table, start, *values, &mut sink)
        }
        _ => match resp {
            Response::WriteMultipleCoils { .. } | Response::WriteMultipleRegisters { .. } => {
                request_points(device, req, sink)
            }
            other => response_points(device, other, sink),
        },
    }
}

/// Typed points for the fields of `map` inside a read window; an exception response makes each
/// of them a Bad point carrying the exception code.
#[cfg(feature = "alloc")]
pub fn map_points<'a>(
    device: Device,
    map: &super::map::RegisterMap,
    req: &Request<'a>,
    resp: &Response<'a>,
    mut sink: impl FnMut(Point<'a>),
) {
    let Some((table, start, count)) = read_window(req) else {
        return;
    };
    for named in map.fields_in(table, start, usize::from(count)) {
        let f = &named.field;
        let config = |_| Quality::bad(Reason::ConfigError, None);
        let value = match resp {
            Response::ReadCoils { coils: b } | Response::ReadDiscreteInputs { inputs: b } => {
                f.decode_bit(start, *b).map_err(config)
            }
            Response::ReadHoldingRegisters { values }
            | Response::ReadInputRegisters { values }
            | Response::ReadWriteMultipleRegisters { values } => {
                f.decode(start, *values).map_err(config)
            }
            Response::Exception { code, .. } => {
                Err(Quality::bad(Reason::ProtocolError, Some(u32::from(code.0))))
            }
            _ => continue,
        };
        let mut p = Point::new(
            device,
            Address::Modbus {
                table,
                index: f.address,
            },
            Value::Null,
        );
        match value {
            Ok(v) => p.value = v,
            Err(quality) => p.quality = quality,
        }
        p.unit = f.unit;
        p.quantity = f.quantity;
        p.qualifiers.data_type = Some(f.data_type);
        if f.count() > 1 && !matches!(f.data_type, DataType::String | DataType::Bytes) {
            p.qualifiers.byte_order = Some(f.byte_order);
        }
        sink(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: Device = Device::Modbus {
        unit: 17,
        host: None,
        port: None,
    };

    #[test]
    fn read_exchange_uses_request_addresses() {
        // Application Protocol §6.3 example: registers 108..110 (1-based; protocol addresses
        // 0x6B..0x6D) hold 0x022B, 0x0000, 0x0064.
        let req = Request::parse(&[0x03, 0x00, 0x6B, 0x00, 0x03]).unwrap();
        let resp = Response::parse(&[0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64]).unwrap();
        let mut pts = std::vec::Vec::new();
        exchange_points(DEV, &req, &resp, |p| pts.push(p));
        let got: std::vec::Vec<_> = pts.iter().map(|p| (p.address, p.value.clone())).collect();
        let h = |index| Address::Modbus {
            table: ModbusTable::HoldingRegister,
            index,
        };
        assert_eq!(
            got,
            [
                (h(107), Value::UInt(555)),
                (h(108), Value::UInt(0)),
                (h(109), Value::UInt(100))
            ]
        );
    }

    #[test]
    fn coils_drop_padding_and_exceptions_are_bad() {
        // §6.1 example: read coils 20..38 (1-based; address 0x13, 19 coils): CD 6B 05.
        let req = Request::parse(&[0x01, 0x00, 0x13, 0x00, 0x13]).unwrap();
        let resp = Response::parse(&[0x01, 0x03, 0xCD, 0x6B, 0x05]).unwrap();
        let mut pts = std::vec::Vec::new();
        exchange_points(DEV, &req, &resp, |p| pts.push(p));
        assert_eq!(pts.len(), 19);
        assert_eq!(
            pts[0].address,
            Address::Modbus {
                table: ModbusTable::Coil,
                index: 19
            }
        );
        assert_eq!(pts[0].value, Value::Bool(true)); // coil 20 = bit 0 of 0xCD
        assert_eq!(pts[1].value, Value::Bool(false));
        assert_eq!(pts[18].value, Value::Bool(true)); // coil 38 = bit 2 of 0x05
        let exc = Response::parse(&[0x81, 0x02]).unwrap();
        pts.clear();
        exchange_points(DEV, &req, &exc, |p| pts.push(p));
        assert_eq!(pts.len(), 19);
        assert_eq!(pts[0].quality, Quality::bad(Reason::ProtocolError, Some(2)));
    }

    #[cfg(feature = "std")]
    #[test]
    fn mapped_fields_of_an_exception_are_bad() {
        let map: super::super::map::RegisterMap = toml::from_str(
            "unit = 17\n[[field]]\nname = \"t\"\ntable = \"holding\"\naddress = 108\ntype = \"u16\"\n",
        )
        .unwrap();
        let req = Request::parse(&[0x03, 0x00, 0x6B, 0x00, 0x03]).unwrap();
        let exc = Response::parse(&[0x83, 0x02]).unwrap();
        let mut pts = std::vec::Vec::new();
        map_points(DEV, &map, &req, &exc, |p| pts.push(p));
        assert_eq!(pts.len(), 1);
        assert_eq!(
            (pts[0].value.clone(), pts[0].quality),
            (Value::Null, Quality::bad(Reason::ProtocolError, Some(2)))
        );
    }
}
