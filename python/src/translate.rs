//! `causeway.Translator`: the translation engine (map, point states, target images) for Python,
//! sans I/O like the Rust one. Times are milliseconds since the Unix epoch; left out, they are
//! the current time.

use std::time::{SystemTime, UNIX_EPOCH};

use causeway_codecs::epa::header::DEFAULT_UDP_PORT;
use causeway_codecs::ieee802154::Fcs;
use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::translate::{self, Destination, Input as TInput, Map};
use causeway_core::{Decimal, Point, Text, Unit, Value};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::convert::{py_to_json, PyPoint};
use crate::errors::{decode_error, encode_error};
use crate::input::Input;
use crate::wpan::KeyStore;

static MAP_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A message the translator wants sent.
#[pyclass(frozen, module = "causeway")]
pub struct Outbound {
    /// The map point it carries.
    #[pyo3(get)]
    point: String,
    /// `epa`, `wpan`, `mbus` or `modbus`.
    #[pyo3(get)]
    protocol: &'static str,
    /// Where it goes, as a canonical device string (`epa:app=0x0020`, `wpan:pan=0x1234,...`).
    #[pyo3(get)]
    destination: String,
    /// The bytes to send: an EPA-S message (UDP payload), an 802.15.4 frame with FCS, an M-Bus
    /// link-layer frame, a Modbus/TCP request ADU.
    #[pyo3(get)]
    data: Py<PyBytes>,
}

#[pymethods]
impl Outbound {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<Outbound {} to {}: {}>",
            self.point,
            self.destination,
            causeway_codecs::registry::hex(self.data.bind(py).as_bytes())
        )
    }
}

/// The translation engine: give it frames and points, ask it Modbus and WPA-L requests, and
/// send what it hands back.
#[pyclass(module = "causeway")]
pub struct Translator {
    inner: translate::Translator,
}

fn now(now_ms: Option<u64>) -> u64 {
    now_ms.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    })
}

fn framing(protocol: &str) -> PyResult<Framing> {
    Framing::from_protocol(protocol).ok_or_else(|| {
        PyValueError::new_err(format!(
            "{protocol:?} is not a Modbus protocol (modbus-tcp, modbus-rtu, modbus-ascii, modbus-rtu-over-tcp)"
        ))
    })
}

/// A Python value as a canonical one: `bool`, `int`, `float`, `decimal.Decimal`, `str`, `None`.
fn value_of(obj: &Bound<'_, PyAny>) -> PyResult<Value<'static>> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        return match obj.extract::<i64>() {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => Ok(Value::UInt(obj.extract::<u64>()?)),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::Text(Text::owned(s.to_str()?.to_owned())));
    }
    if obj.get_type().name()?.to_str()? == "Decimal" {
        let text = obj.str()?;
        return text
            .to_str()?
            .parse::<Decimal>()
            .map(Value::Decimal)
            .map_err(|_| PyValueError::new_err(format!("{text} is not a finite decimal")));
    }
    Err(PyTypeError::new_err(
        "a value is bool, int, float, decimal.Decimal, str or None",
    ))
}

fn destination(d: &Destination) -> &'static str {
    match d {
        Destination::Epa { .. } => "epa",
        Destination::Wpan { .. } => "wpan",
        Destination::MBus { .. } => "mbus",
        Destination::Modbus { .. } => "modbus",
    }
}

impl Translator {
    fn index(&self, name: &str) -> PyResult<usize> {
        self.inner
            .index_of(name)
            .ok_or_else(|| PyKeyError::new_err(format!("the map has no point {name:?}")))
    }

    fn outbound(&self, py: Python<'_>, o: &translate::Outbound) -> Outbound {
        Outbound {
            point: self
                .inner
                .map()
                .points
                .get(o.point)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            protocol: destination(&o.destination),
            destination: o.destination.device().to_string(),
            data: PyBytes::new(py, &o.bytes).unbind(),
        }
    }

    fn outbounds<'py>(
        &self,
        py: Python<'py>,
        all: &[translate::Outbound],
    ) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, all.iter().map(|o| self.outbound(py, o)))
    }
}

#[pymethods]
impl Translator {
    /// A translator for the map in `map` (TOML text). An invalid map raises `MapError`, whose
    /// `errors` list every problem as `(line, point, message)`.
    #[new]
    fn new(py: Python<'_>, map: &str) -> PyResult<Self> {
        match Map::from_toml(map).and_then(translate::Translator::new) {
            Ok(inner) => Ok(Translator { inner }),
            Err(errors) => {
                let class = MAP_ERROR.import(py, "causeway._errors", "MapError")?;
                let list = errors
                    .iter()
                    .map(|e| (e.line, e.point.clone(), e.message.clone()))
                    .collect::<Vec<_>>();
                let message = errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                Err(PyErr::from_value(class.call1((message, list))?))
            }
        }
    }

    /// The names of the map's points, in map order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.inner
            .map()
            .points
            .iter()
            .map(|p| p.name.clone())
            .collect()
    }

    /// Decodes a frame and takes its points; returns how many map points it updated.
    /// `protocol`: `mbus`, `epa-s` (an Ethernet frame; EPA-S on UDP `port`), `epa-s-message` (a
    /// UDP payload), `wpan` or `wpan-no-fcs` (with `keys` for secured frames).
    #[pyo3(signature = (protocol, data, *, now_ms = None, port = None, keys = None))]
    fn ingest(
        &mut self,
        py: Python<'_>,
        protocol: &str,
        data: &Bound<'_, PyAny>,
        now_ms: Option<u64>,
        port: Option<u16>,
        keys: Option<PyRef<'_, KeyStore>>,
    ) -> PyResult<usize> {
        let input = Input::new(data)?;
        let bytes = input.as_slice();
        let frame =
            TInput::of(protocol, bytes, port.unwrap_or(DEFAULT_UDP_PORT)).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "{protocol:?}: ingest takes {} (Modbus exchanges go to ingest_modbus)",
                    TInput::NAMES
                ))
            })?;
        let store = keys.as_ref().map(|k| k.store()).unwrap_or_default();
        self.inner
            .ingest_with_keys(frame, &store, now(now_ms))
            .map_err(|e| decode_error(py, &e))
    }

    /// Takes a Modbus exchange (the request ADU and the response to it, both of `protocol`):
    /// the map's Modbus source fields read their values from the response.
    #[pyo3(signature = (protocol, request, response, *, now_ms = None))]
    fn ingest_modbus(
        &mut self,
        py: Python<'_>,
        protocol: &str,
        request: &Bound<'_, PyAny>,
        response: &Bound<'_, PyAny>,
        now_ms: Option<u64>,
    ) -> PyResult<usize> {
        let (request, response) = (Input::new(request)?, Input::new(response)?);
        let exchange = TInput::ModbusExchange {
            framing: framing(protocol)?,
            request: request.as_slice(),
            response: response.as_slice(),
        };
        self.inner
            .ingest(exchange, now(now_ms))
            .map_err(|e| decode_error(py, &e))
    }

    /// Takes a canonical point (a `causeway.Point`, or its dict form as `to_dict()` gives it);
    /// returns how many map points it updated.
    #[pyo3(signature = (point, *, now_ms = None))]
    fn ingest_point(&mut self, point: &Bound<'_, PyAny>, now_ms: Option<u64>) -> PyResult<usize> {
        let now = now(now_ms);
        if let Ok(p) = point.cast::<PyPoint>() {
            return Ok(self.inner.ingest_point(&p.get().point, now));
        }
        let p: Point<'static> = serde_json::from_value(py_to_json(point)?)
            .map_err(|e| PyValueError::new_err(format!("not a point: {e}")))?;
        Ok(self.inner.ingest_point(&p, now))
    }

    /// Answers a Modbus request ADU of `protocol` from the image: `(reply, outbound)`, where
    /// `reply` is the response ADU (`None` when a server on a serial line stays silent) and
    /// `outbound` the requests a write makes for its points' sources. A request that fails its
    /// framing checks raises `DecodeError`.
    #[pyo3(signature = (protocol, request, *, now_ms = None))]
    fn modbus_request<'py>(
        &mut self,
        py: Python<'py>,
        protocol: &str,
        request: &Bound<'py, PyAny>,
        now_ms: Option<u64>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let request = Input::new(request)?;
        let mut out = [0u8; 513];
        let reply = self
            .inner
            .modbus_request(
                framing(protocol)?,
                request.as_slice(),
                now(now_ms),
                &mut out,
            )
            .map_err(|e| decode_error(py, &e))?;
        let adu = match out.get(..reply.len) {
            Some(b) if reply.len > 0 => PyBytes::new(py, b).into_any(),
            _ => py.None().into_bound(py),
        };
        PyTuple::new(py, [adu, self.outbounds(py, &reply.outbound)?.into_any()])
    }

    /// Answers a WPA-L READ_REQ (an 802.15.4 frame, with FCS unless `fcs=False`) from the
    /// attribute table: the READ_RSP frame with FCS, or `None` when the frame is not a READ_REQ
    /// for this node.
    #[pyo3(signature = (frame, *, fcs = true, now_ms = None))]
    fn wpan_request<'py>(
        &mut self,
        py: Python<'py>,
        frame: &Bound<'py, PyAny>,
        fcs: bool,
        now_ms: Option<u64>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let frame = Input::new(frame)?;
        let fcs = if fcs { Fcs::Present } else { Fcs::Absent };
        Ok(self
            .inner
            .wpan_request(frame.as_slice(), fcs, now(now_ms))
            .map_err(|e| decode_error(py, &e))?
            .map(|b| PyBytes::new(py, &b)))
    }

    /// The EPA-S DISTRIBUTE and WPA-L PUBLISH messages due now: for points whose value or
    /// status changed since last published, or whose cycle came round. A message that cannot be
    /// built raises `EncodeError`; its `outbound` attribute holds the messages made before it
    /// (they count as published).
    #[pyo3(signature = (*, now_ms = None))]
    fn publish<'py>(
        &mut self,
        py: Python<'py>,
        now_ms: Option<u64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut due = Vec::new();
        let result = self.inner.publish(now(now_ms), |o| due.push(o));
        let list = self.outbounds(py, &due)?;
        match result {
            Ok(()) => Ok(list),
            Err(e) => {
                let err = encode_error(py, &e);
                err.value(py).setattr("outbound", list)?;
                Err(err)
            }
        }
    }

    /// The request that sets point `name` to `value` (in `unit`, a UCUM code; the point's own
    /// unit when left out) at its source.
    #[pyo3(signature = (name, value, unit = None))]
    fn write(
        &mut self,
        py: Python<'_>,
        name: &str,
        value: &Bound<'_, PyAny>,
        unit: Option<&str>,
    ) -> PyResult<Outbound> {
        let index = self.index(name)?;
        let unit = unit
            .map(|u| {
                Unit::from_code(u)
                    .ok_or_else(|| PyValueError::new_err(format!("unknown unit {u:?}")))
            })
            .transpose()?;
        let o = self
            .inner
            .write_request(index, &value_of(value)?, unit)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(self.outbound(py, &o))
    }

    /// Point `name` as a canonical point of its source, value in the point's unit; a stale
    /// value is `uncertain` with reason `stale`.
    #[pyo3(signature = (name, *, now_ms = None))]
    fn point(&self, name: &str, now_ms: Option<u64>) -> PyResult<PyPoint> {
        let index = self.index(name)?;
        let p = self
            .inner
            .point(index, now(now_ms))
            .ok_or_else(|| PyKeyError::new_err(name.to_owned()))?;
        Ok(PyPoint {
            point: p.into_owned(),
        })
    }

    /// The status of point `name`: `good`, `uncertain`, `bad`, `stale` or `no_data`.
    #[pyo3(signature = (name, *, now_ms = None))]
    fn status(&self, name: &str, now_ms: Option<u64>) -> PyResult<&'static str> {
        Ok(self.inner.status(self.index(name)?, now(now_ms)).name())
    }

    fn __repr__(&self) -> String {
        format!("<Translator of {} points>", self.inner.map().points.len())
    }
}

/// Adds the classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Translator>()?;
    m.add_class::<Outbound>()?;
    Ok(())
}
