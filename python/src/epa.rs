//! `causeway.epa`: EPA-S v1 frames (raw Ethernet or IPv4/UDP), domain-transfer reassembly and the
//! macrocycle check.

use core::ops::Range;

use causeway_codecs::buffer::Growable;
use causeway_codecs::epa::domain::{DomainKey, DomainTransfer as Transfer};
use causeway_codecs::epa::header::Flags;
use causeway_codecs::epa::json::{body_json, frame_json};
use causeway_codecs::epa::points::{exchange_points, frame_points};
use causeway_codecs::epa::schedule::{Macrocycle as Cycle, ScheduleCheck};
use causeway_codecs::epa::{Body, Carrier, Frame};
use causeway_codecs::Error;
use causeway_core::Point;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::convert::{json_to_py, pickled, value_to_py, PointIterator};
use crate::errors::decode_error;
use crate::input::{Input, Span};

/// A checked EPA-S frame with its carrier.
#[pyclass(frozen, module = "causeway.epa", name = "Frame")]
pub struct EpaFrame {
    span: Span,
    port: u16,
}

impl EpaFrame {
    /// Checks `range` of `input` as an EPA-S frame (UDP on `port`).
    pub fn decode(input: &Input<'_>, range: Range<usize>, port: u16) -> Result<Self, Error> {
        let bytes = input.as_slice().get(range.clone()).unwrap_or(&[]);
        Frame::parse(bytes, port)?;
        Ok(EpaFrame {
            span: input.span(range),
            port,
        })
    }

    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&Frame<'_>) -> T) -> PyResult<T> {
        Frame::parse(self.span.bytes(py), self.port)
            .map(|frame| f(&frame))
            .map_err(|e| decode_error(py, &e))
    }

    fn json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        let frame = self.with(py, frame_json)?;
        let mut points = Vec::new();
        self.with(py, |f| {
            frame_points(&f.header, &f.body, |p| points.push(p.into_owned()))
        })?;
        let points =
            serde_json::to_value(&points).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(serde_json::json!({"protocol": "epa-s", "frame": frame, "points": points}))
    }
}

/// An IPv4 address and UDP port.
type Endpoint = (String, u16);

fn mac(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[pymethods]
impl EpaFrame {
    /// `epa-s`.
    #[getter]
    fn protocol(&self) -> &'static str {
        "epa-s"
    }

    /// The frame's bytes.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    /// Destination MAC (`aa:bb:cc:dd:ee:ff`).
    #[getter]
    fn eth_dst(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |f| mac(f.eth.dst))
    }

    /// Source MAC.
    #[getter]
    fn eth_src(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |f| mac(f.eth.src))
    }

    /// The 802.1Q tag as `(pcp, dei, vid)`, if there is one.
    #[getter]
    fn vlan(&self, py: Python<'_>) -> PyResult<Option<(u8, bool, u16)>> {
        self.with(py, |f| f.eth.vlan.map(|t| (t.pcp, t.dei, t.vid)))
    }

    /// `raw` (EtherType 0x88CB) or `udp` (IPv4/UDP).
    #[getter]
    fn carrier(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.with(py, |f| match f.carrier {
            Carrier::Raw => "raw",
            Carrier::Udp { .. } => "udp",
        })
    }

    /// `(source, destination)` IPv4 addresses and UDP ports, for the UDP carrier.
    #[getter]
    fn udp(&self, py: Python<'_>) -> PyResult<Option<(Endpoint, Endpoint)>> {
        self.with(py, |f| match &f.carrier {
            Carrier::Raw => None,
            Carrier::Udp { ip, udp } => Some((
                (ip.src.to_string(), udp.src_port),
                (ip.dst.to_string(), udp.dst_port),
            )),
        })
    }

    /// The service octet (bit 7 response).
    #[getter]
    fn service(&self, py: Python<'_>) -> PyResult<u8> {
        self.with(py, |f| f.header.service.0)
    }

    /// The service's profile name (`READ`, `DISTRIBUTE`, ...), `None` for unknown codes.
    #[getter]
    fn service_name(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        self.with(py, |f| f.header.service.name())
    }

    /// Whether this is a response.
    #[getter]
    fn is_response(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |f| f.header.service.is_response())
    }

    /// The flags octet.
    #[getter]
    fn flags(&self, py: Python<'_>) -> PyResult<u8> {
        self.with(py, |f| f.header.flags.bits())
    }

    /// A reply is expected.
    #[getter]
    fn confirmed(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |f| f.header.flags.contains(Flags::CONFIRMED))
    }

    /// More domain blocks follow.
    #[getter]
    fn more(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |f| f.header.flags.contains(Flags::MORE))
    }

    /// Priority 0–7.
    #[getter]
    fn priority(&self, py: Python<'_>) -> PyResult<u8> {
        self.with(py, |f| f.header.flags.priority())
    }

    /// Request/response correlation.
    #[getter]
    fn msg_id(&self, py: Python<'_>) -> PyResult<u16> {
        self.with(py, |f| f.header.msg_id)
    }

    /// Source application.
    #[getter]
    fn src_app(&self, py: Python<'_>) -> PyResult<u16> {
        self.with(py, |f| f.header.src_app)
    }

    /// Destination application (0xFFFF: all).
    #[getter]
    fn dst_app(&self, py: Python<'_>) -> PyResult<u16> {
        self.with(py, |f| f.header.dst_app)
    }

    /// Destination object.
    #[getter]
    fn dst_obj(&self, py: Python<'_>) -> PyResult<u16> {
        self.with(py, |f| f.header.dst_obj)
    }

    /// The body's fields as a dict (the `body` of [`fields`]).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let body = self.with(py, |f| body_json(&f.body))?;
        json_to_py(py, &serde_json::Value::Object(body))
    }

    /// The typed value the body carries, in canonical form (exact types: `int`, `float`, `str`,
    /// `bytes`, date-times), or `None`.
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let value = self.with(py, |f| {
            let typed = match &f.body {
                Body::ReadResponse(r) | Body::GetDeviceAttrResponse(r) => r.value,
                Body::Write { value, .. }
                | Body::SetDeviceAttr { value, .. }
                | Body::Distribute { value, .. }
                | Body::EventNotify { value, .. } => Some(*value),
                _ => None,
            };
            typed.map(|v| v.to_value().0.into_owned())
        })?;
        value.map(|v| value_to_py(py, &v)).transpose()
    }

    /// The frame's fields as a dict: the `frame` object of [`to_dict`].
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.with(py, frame_json)?)
    }

    /// `{"protocol", "frame", "points"}`, as `causeway decode --format json` prints it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.json(py)?)
    }

    /// The frame's canonical points: a DISTRIBUTE's or an EVENT_NOTIFY's own; a READ response's
    /// with its `request`.
    #[pyo3(signature = (request = None))]
    fn points(&self, py: Python<'_>, request: Option<&EpaFrame>) -> PyResult<PointIterator> {
        let mut points: Vec<Point<'static>> = Vec::new();
        match request {
            None => self.with(py, |f| {
                frame_points(&f.header, &f.body, |p| points.push(p.into_owned()))
            })?,
            Some(req) => {
                let bytes = req.span.bytes(py);
                let rq = Frame::parse(bytes, req.port).map_err(|e| decode_error(py, &e))?;
                if !matches!(rq.body, Body::Read { .. }) {
                    return Err(PyValueError::new_err(
                        "points(request=...) takes a READ request",
                    ));
                }
                self.with(py, |f| {
                    if f.header.msg_id != rq.header.msg_id
                        || !matches!(f.body, Body::ReadResponse(_))
                    {
                        return Err(PyValueError::new_err(
                            "this frame is not the READ response to that request (msg_id)",
                        ));
                    }
                    exchange_points((&rq.header, &rq.body), &f.body, |p| {
                        points.push(p.into_owned())
                    });
                    Ok(())
                })??;
            }
        }
        Ok(PointIterator::new(points))
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.span.bytes(py).len()
    }

    fn __eq__(&self, py: Python<'_>, other: &EpaFrame) -> bool {
        self.span.bytes(py) == other.span.bytes(py)
    }

    fn __hash__(&self, py: Python<'_>) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ("epa-s", self.span.bytes(py)).hash(&mut h);
        h.finish()
    }

    /// Pickles as the decode call that makes the frame again.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        pickled(py, ("epa-s", self.span.to_object(py), py.None(), self.port))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |f| {
            format!(
                "<EpaFrame {} {} msg {} app 0x{:04X} -> 0x{:04X} obj 0x{:04X}>",
                match f.carrier {
                    Carrier::Raw => "raw",
                    Carrier::Udp { .. } => "udp",
                },
                f.header.service.name().unwrap_or("service"),
                f.header.msg_id,
                f.header.src_app,
                f.header.dst_app,
                f.header.dst_obj
            )
        })
    }
}

/// The frame of a Python argument: an `epa.Frame`, or bytes decoded on `port`.
fn frame_bytes<T>(
    obj: &Bound<'_, PyAny>,
    port: u16,
    f: impl FnOnce(&Frame<'_>) -> PyResult<T>,
) -> PyResult<T> {
    let py = obj.py();
    if let Ok(frame) = obj.cast::<EpaFrame>() {
        let frame = frame.get();
        return frame.with(py, f)?;
    }
    let input = Input::new(obj)?;
    let parsed = Frame::parse(input.as_slice(), port).map_err(|e| decode_error(py, &e))?;
    f(&parsed)
}

/// One domain transfer being reassembled: DOMAIN_DOWNLOAD/UPLOAD blocks of (`src_app`,
/// `dst_app`, `domain_id`) in `block_seq` order from 0.
#[pyclass(module = "causeway.epa")]
pub struct DomainTransfer {
    inner: Transfer<Growable>,
    port: u16,
}

#[pymethods]
impl DomainTransfer {
    #[new]
    #[pyo3(signature = (src_app, dst_app, domain_id, capacity = 1048576, port = 35004))]
    fn new(src_app: u16, dst_app: u16, domain_id: u16, capacity: usize, port: u16) -> Self {
        let key = DomainKey {
            src_app,
            dst_app,
            domain_id,
        };
        DomainTransfer {
            inner: Transfer::new(key, Growable::new(capacity)),
            port,
        }
    }

    /// Adds a block frame (an `epa.Frame` or its bytes); returns the whole domain once its last
    /// block is in, else `None`. A gap, a repeat with other content, another transfer's block
    /// or more than `capacity` octets raises `DecodeError` and keeps what was assembled.
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        frame: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let inner = &mut self.inner;
        frame_bytes(frame, self.port, |f| {
            let (Body::DomainDownload(block) | Body::DomainUpload(block)) = f.body else {
                return Err(PyValueError::new_err(
                    "not a DOMAIN_DOWNLOAD or DOMAIN_UPLOAD frame",
                ));
            };
            inner
                .push(&f.header, &block)
                .map(|all| all.map(|bytes| PyBytes::new(py, bytes)))
                .map_err(|e| decode_error(py, &e))
        })
    }

    /// Blocks received.
    #[getter]
    fn blocks(&self) -> usize {
        self.inner.blocks()
    }

    /// Octets assembled so far.
    #[getter]
    fn assembled(&self) -> usize {
        self.inner.assembled()
    }
}

/// A macrocycle: cycle length, the non-periodic phase and each publisher's periodic slot.
#[pyclass(frozen, module = "causeway.epa")]
pub struct Macrocycle {
    cycle: Cycle,
}

#[pymethods]
impl Macrocycle {
    /// Reads a macrocycle from TOML (`cycle_ns`, `start_ns`, `[non_periodic]`, `[[device]]`).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        toml::from_str(text)
            .map(|cycle| Macrocycle { cycle })
            .map_err(|e| PyValueError::new_err(format!("macrocycle: {e}")))
    }

    /// Every inconsistency of the configuration (empty when it is sound).
    fn problems(&self) -> Vec<String> {
        self.cycle.problems()
    }

    /// Checks frames seen at times `at_ns` (capture clock, ns), in order: `frames` holds
    /// `(at_ns, frame)` pairs (frames as `epa.Frame` or bytes). Returns the violations as
    /// dicts (`{"violation": "outside_slot", "app": ..., ...}`), the end of the capture included.
    #[pyo3(signature = (frames, port = 35004))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        frames: &Bound<'py, PyAny>,
        port: u16,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut check = ScheduleCheck::new(&self.cycle);
        let mut found = Vec::new();
        for item in frames.try_iter()? {
            let (at_ns, frame): (i64, Bound<'py, PyAny>) = item?.extract()?;
            frame_bytes(&frame, port, |f| {
                check.frame(at_ns, &f.header, &f.body, |v| found.push(v));
                Ok(())
            })?;
        }
        check.finish(|v| found.push(v));
        let out = PyList::empty(py);
        for v in &found {
            let json = serde_json::to_value(v).map_err(|e| PyValueError::new_err(e.to_string()))?;
            out.append(json_to_py(py, &json)?)?;
        }
        Ok(out)
    }
}

/// Adds the EPA-S classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("EpaFrame", m.py().get_type::<EpaFrame>())?;
    m.add_class::<DomainTransfer>()?;
    m.add_class::<Macrocycle>()?;
    Ok(())
}
