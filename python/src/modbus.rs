//! `causeway.modbus`: decoded Modbus frames of every framing, and register maps.

use core::ops::Range;

use causeway_codecs::modbus::adu::{Adu, Framing};
use causeway_codecs::modbus::json::frame_json;
use causeway_codecs::modbus::map::RegisterMap as Map;
use causeway_codecs::modbus::points::{
    exchange_points, map_points, read_window, request_points, response_points,
};
use causeway_codecs::modbus::{tcp, FunctionCode, Request, Response};
use causeway_codecs::registry::{find, Options};
use causeway_codecs::{Error, Role};
use causeway_core::{Device, Point};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyList};

use crate::convert::{json_to_py, pickled, PointIterator};
use crate::errors::decode_error;
use crate::input::{Input, Span};

/// A checked Modbus frame (any framing, request or response).
#[pyclass(frozen, module = "causeway.modbus", name = "Frame")]
pub struct ModbusFrame {
    span: Span,
    framing: Framing,
    role: Role,
    unit_id: u8,
    mbap: Option<tcp::Header>,
    function_code: u8,
    /// Where the PDU lies in the frame's bytes (`None` for ASCII, whose PDU is hex text).
    pdu: Option<Range<usize>>,
}

impl ModbusFrame {
    /// Checks `range` of `input` as a frame of `framing` sent in `role`.
    pub fn decode(
        input: &Input<'_>,
        range: Range<usize>,
        framing: Framing,
        role: Role,
    ) -> Result<Self, Error> {
        let bytes = input.as_slice().get(range.clone()).unwrap_or(&[]);
        let adu = Adu::parse(framing, bytes)?;
        match role {
            Role::Request => adu.request().map(|_| ())?,
            Role::Response => adu.response().map(|_| ())?,
        }
        Ok(ModbusFrame {
            span: input.span(range),
            framing,
            role,
            unit_id: adu.unit_id,
            mbap: adu.mbap,
            function_code: adu.pdu().first().copied().unwrap_or(0),
            pdu: match framing {
                Framing::Tcp => Some(tcp::HEADER_LEN..bytes.len()),
                Framing::Rtu | Framing::RtuOverTcp => Some(1..bytes.len().saturating_sub(2)),
                Framing::Ascii => None,
            },
        })
    }

    /// Runs `f` on the frame's PDU (checked at decode; ASCII hex is decoded again).
    fn with_pdu<T>(&self, py: Python<'_>, f: impl FnOnce(&[u8]) -> T) -> PyResult<T> {
        let bytes = self.span.bytes(py);
        match &self.pdu {
            Some(range) => Ok(f(bytes.get(range.clone()).unwrap_or(&[]))),
            None => Adu::parse(self.framing, bytes)
                .map(|adu| f(adu.pdu()))
                .map_err(|e| decode_error(py, &e)),
        }
    }

    /// Whether this response answers `request` (`req`): same unit and function, the same
    /// transaction over TCP, as many values as were read, and the map's unit.
    fn check_answers(
        &self,
        request: &ModbusFrame,
        req: &Request<'_>,
        resp: &Response<'_>,
        map: Option<&RegisterMap>,
    ) -> PyResult<()> {
        let mismatch = |what: String| {
            Err(PyValueError::new_err(format!(
                "this response does not answer that request: {what}"
            )))
        };
        if request.unit_id != self.unit_id {
            return mismatch(format!(
                "unit {} is not unit {}",
                self.unit_id, request.unit_id
            ));
        }
        if let (Some(a), Some(b)) = (request.mbap, self.mbap) {
            if a.transaction_id != b.transaction_id {
                return mismatch(format!(
                    "transaction {} is not transaction {}",
                    b.transaction_id, a.transaction_id
                ));
            }
        }
        if request.function_code != self.function_code & 0x7F {
            return mismatch(format!(
                "function {} is not function {}",
                self.function_code & 0x7F,
                request.function_code
            ));
        }
        if let Some((_, _, count)) = read_window(req) {
            let count = usize::from(count);
            let fits = match resp {
                Response::ReadCoils { coils: b } | Response::ReadDiscreteInputs { inputs: b } => {
                    b.as_bytes().len() == count.div_ceil(8)
                }
                Response::ReadHoldingRegisters { values }
                | Response::ReadInputRegisters { values }
                | Response::ReadWriteMultipleRegisters { values } => values.len() == count,
                _ => true,
            };
            if !fits {
                return mismatch(format!("{count} values were asked for"));
            }
        }
        if let Some(m) = map {
            if m.map.unit != self.unit_id {
                return Err(PyValueError::new_err(format!(
                    "the register map is for unit {}, the frames are from unit {}",
                    m.map.unit, self.unit_id
                )));
            }
        }
        Ok(())
    }

    fn device(&self) -> Device {
        Device::Modbus {
            unit: self.unit_id,
            host: None,
            port: None,
        }
    }

    fn decoded_json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        let codec = find(self.framing.protocol())
            .ok_or_else(|| PyValueError::new_err("protocol not compiled in"))?;
        let decoded = (codec.decode)(&Options::with_role(Some(self.role)), self.span.bytes(py))
            .map_err(|e| decode_error(py, &e))?;
        serde_json::to_value(&decoded).map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

fn bools<'py>(py: Python<'py>, bits: impl Iterator<Item = bool>) -> PyResult<Bound<'py, PyAny>> {
    PyList::new(py, bits.map(|b| PyBool::new(py, b).to_owned())).map(Bound::into_any)
}

fn ints<'py>(py: Python<'py>, regs: impl Iterator<Item = u16>) -> PyResult<Bound<'py, PyAny>> {
    PyList::new(py, regs).map(Bound::into_any)
}

#[pymethods]
impl ModbusFrame {
    /// The registry name: `modbus-tcp`, `modbus-rtu`, `modbus-ascii` or `modbus-rtu-over-tcp`.
    #[getter]
    fn protocol(&self) -> &'static str {
        self.framing.protocol()
    }

    /// The frame's bytes.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    /// `request` or `response`.
    #[getter]
    fn role(&self) -> &'static str {
        self.role.name()
    }

    /// Unit identifier (TCP) or server address (serial lines).
    #[getter]
    fn unit_id(&self) -> u8 {
        self.unit_id
    }

    /// MBAP transaction identifier (TCP only).
    #[getter]
    fn transaction_id(&self) -> Option<u16> {
        self.mbap.map(|h| h.transaction_id)
    }

    /// MBAP protocol identifier (TCP only; 0 is Modbus).
    #[getter]
    fn protocol_id(&self) -> Option<u16> {
        self.mbap.map(|h| h.protocol_id)
    }

    /// The function code as sent (bit 7 set in an exception response).
    #[getter]
    fn function_code(&self) -> u8 {
        self.function_code
    }

    /// The function's name (`read_holding_registers`, ...), `None` for user-defined codes.
    #[getter]
    fn function(&self) -> Option<&'static str> {
        FunctionCode(self.function_code & 0x7F).name()
    }

    /// Whether this is an exception response.
    #[getter]
    fn is_exception(&self) -> bool {
        self.role == Role::Response && self.function_code & 0x80 != 0
    }

    /// The exception code of an exception response.
    #[getter]
    fn exception_code(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        let code = self.with_pdu(py, |pdu| pdu.get(1).copied())?;
        Ok(code.filter(|_| self.is_exception()))
    }

    /// The register values (`list[int]`) or bits (`list[bool]`) the frame carries: read
    /// responses (bits padded to whole bytes), multiple-write requests, FIFO contents. `None`
    /// for frames without a value list.
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let role = self.role;
        self.with_pdu(py, |pdu| {
            let list = match role {
                Role::Request => match Request::parse(pdu).map_err(|e| decode_error(py, &e))? {
                    Request::WriteMultipleCoils { coils, .. } => Some(bools(py, coils.iter())?),
                    Request::WriteMultipleRegisters { values, .. }
                    | Request::ReadWriteMultipleRegisters { values, .. } => {
                        Some(ints(py, values.iter())?)
                    }
                    _ => None,
                },
                Role::Response => match Response::parse(pdu).map_err(|e| decode_error(py, &e))? {
                    Response::ReadCoils { coils: b }
                    | Response::ReadDiscreteInputs { inputs: b } => Some(bools(py, b.iter())?),
                    Response::ReadHoldingRegisters { values }
                    | Response::ReadInputRegisters { values }
                    | Response::ReadWriteMultipleRegisters { values }
                    | Response::ReadFifoQueue { values } => Some(ints(py, values.iter())?),
                    _ => None,
                },
            };
            Ok(list)
        })?
    }

    /// The frame's fields as a dict: the `frame` object of [`to_dict`].
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let frame = frame_json(self.framing, Some(self.role), self.span.bytes(py), |_| {})
            .map_err(|e| decode_error(py, &e))?;
        json_to_py(py, &frame)
    }

    /// `{"protocol", "frame", "points"}`, as `causeway decode --format json` prints it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.decoded_json(py)?)
    }

    /// The frame's canonical points, made one at a time as you iterate.
    ///
    /// A read response says nothing about which registers it carries: pass its `request` to get
    /// points at the requested addresses, and a register `map` as well for typed, scaled values.
    /// Without them a frame gives the points it carries its own addresses for (writes and
    /// their echoes).
    #[pyo3(signature = (request = None, map = None))]
    fn points(
        &self,
        py: Python<'_>,
        request: Option<&ModbusFrame>,
        map: Option<&RegisterMap>,
    ) -> PyResult<PointIterator> {
        let mut points: Vec<Point<'static>> = Vec::new();
        match (request, map) {
            (None, Some(_)) => {
                return Err(PyValueError::new_err(
                    "a register map needs the request that the response answers",
                ))
            }
            (None, None) => {
                let adu = Adu::parse(self.framing, self.span.bytes(py))
                    .map_err(|e| decode_error(py, &e))?;
                let sink = |p: Point<'_>| points.push(p.into_owned());
                match self.role {
                    Role::Request => {
                        let req = adu.request().map_err(|e| decode_error(py, &e))?;
                        request_points(self.device(), &req, sink);
                    }
                    Role::Response => {
                        let resp = adu.response().map_err(|e| decode_error(py, &e))?;
                        response_points(self.device(), &resp, sink);
                    }
                }
            }
            (Some(req_frame), map) => {
                if req_frame.role != Role::Request || self.role != Role::Response {
                    return Err(PyValueError::new_err(
                        "points(request=...) is called on a response with its request",
                    ));
                }
                let decode = |e: Error| decode_error(py, &e);
                let req_adu =
                    Adu::parse(req_frame.framing, req_frame.span.bytes(py)).map_err(decode)?;
                let req = req_adu.request().map_err(decode)?;
                let adu = Adu::parse(self.framing, self.span.bytes(py)).map_err(decode)?;
                let resp = adu.response().map_err(decode)?;
                self.check_answers(req_frame, &req, &resp, map)?;
                let sink = |p: Point<'_>| points.push(p.into_owned());
                match map {
                    Some(m) => map_points(self.device(), &m.map, &req, &resp, sink),
                    None => exchange_points(self.device(), &req, &resp, sink),
                }
            }
        }
        Ok(PointIterator::new(points))
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    fn __eq__(&self, py: Python<'_>, other: &ModbusFrame) -> bool {
        (self.framing, self.role) == (other.framing, other.role)
            && self.span.bytes(py) == other.span.bytes(py)
    }

    fn __hash__(&self, py: Python<'_>) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            self.framing.protocol(),
            self.role.name(),
            self.span.bytes(py),
        )
            .hash(&mut h);
        h.finish()
    }

    /// Pickles as the decode call that makes the frame again.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        pickled(
            py,
            (
                self.framing.protocol(),
                self.span.to_object(py),
                self.role.name(),
            ),
        )
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.span.bytes(py).len()
    }

    fn __repr__(&self) -> String {
        let function = self
            .function()
            .map_or_else(|| format!("function {}", self.function_code), str::to_owned);
        format!(
            "<ModbusFrame {} {} unit {} {}{}>",
            self.framing.protocol(),
            self.role.name(),
            self.unit_id,
            function,
            if self.is_exception() {
                " exception"
            } else {
                ""
            }
        )
    }
}

/// A device's register map: which registers hold which typed, scaled values.
#[pyclass(frozen, module = "causeway.modbus")]
pub struct RegisterMap {
    map: Map,
}

#[pymethods]
impl RegisterMap {
    /// Reads a map from TOML (`unit = 17` and `[[field]]` tables; see `samples/modbus-map.toml`).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        toml::from_str(text)
            .map(|map| RegisterMap { map })
            .map_err(|e| PyValueError::new_err(format!("register map: {e}")))
    }

    /// The unit id of the device.
    #[getter]
    fn unit(&self) -> u8 {
        self.map.unit
    }

    /// The field names, in map order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.map.fields.iter().map(|f| f.name.clone()).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<RegisterMap unit {} with {} fields>",
            self.map.unit,
            self.map.fields.len()
        )
    }
}

/// Adds the Modbus classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ModbusFrame", m.py().get_type::<ModbusFrame>())?;
    m.add_class::<RegisterMap>()?;
    Ok(())
}
