//! `causeway.mbus`: wired M-Bus telegrams, their records, the master's requests and the sans-IO
//! master state machines.

use core::ops::Range;

use causeway_codecs::mbus::app::{self, Body, Header};
use causeway_codecs::mbus::encode::{self, Selection};
use causeway_codecs::mbus::json::{frame_json, identity_json, parse_manufacturer};
use causeway_codecs::mbus::link::{self, Frame, FrameKind};
use causeway_codecs::mbus::master;
use causeway_codecs::mbus::points::{body_points, reading};
use causeway_codecs::mbus::record::{Item, Record, Records};
use causeway_codecs::registry::{find, Options};
use causeway_codecs::Error;
use causeway_core::{Medium, Quantity, Unit, Value};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{acyclic, json_to_py, pickled, value_to_py, PointIterator};
use crate::errors::{decode_error, encode_error};
use crate::input::{Input, Span};

const DATA_OFFSET: usize = Frame::<&[u8]>::DATA_OFFSET;

/// The user data of a long or control frame (between CI and checksum).
fn user_data(frame: &[u8]) -> &[u8] {
    frame
        .get(DATA_OFFSET..frame.len().saturating_sub(2))
        .unwrap_or(&[])
}

/// A checked M-Bus link-layer frame (ACK, short, control or long) with its application layer.
#[pyclass(frozen, module = "causeway.mbus", name = "Frame")]
pub struct MbusFrame {
    span: Span,
}

impl MbusFrame {
    /// Checks `range` of `input`: the link layer, the application layer, every record.
    pub fn decode(input: &Input<'_>, range: Range<usize>) -> Result<Self, Error> {
        let bytes = input.as_slice().get(range.clone()).unwrap_or(&[]);
        let frame = Frame::new_checked(bytes)?;
        if let Some(ci) = frame.ci() {
            app::check(ci, user_data(bytes), DATA_OFFSET)?;
        }
        Ok(MbusFrame {
            span: input.span(range),
        })
    }

    fn frame<'a>(&'a self, py: Python<'_>) -> PyResult<Frame<&'a [u8]>> {
        Frame::new_checked(self.span.bytes(py)).map_err(|e| decode_error(py, &e))
    }

    fn body<'a>(&'a self, py: Python<'_>) -> PyResult<Option<Body<'a>>> {
        let bytes = self.span.bytes(py);
        match Frame::new_checked(bytes).ok().and_then(|f| f.ci()) {
            None => Ok(None),
            Some(ci) => app::parse(ci, user_data(bytes), DATA_OFFSET)
                .map(Some)
                .map_err(|e| decode_error(py, &e)),
        }
    }

    fn header(&self, py: Python<'_>) -> PyResult<Option<Header>> {
        Ok(match self.body(py)? {
            Some(Body::Variable { header, .. }) => header,
            _ => None,
        })
    }

    fn decoded_json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        let codec = find("mbus").ok_or_else(|| PyValueError::new_err("mbus not compiled in"))?;
        let decoded = (codec.decode)(&Options::default(), self.span.bytes(py))
            .map_err(|e| decode_error(py, &e))?;
        serde_json::to_value(&decoded).map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

#[pymethods]
impl MbusFrame {
    /// `mbus`.
    #[getter]
    fn protocol(&self) -> &'static str {
        "mbus"
    }

    /// The frame's bytes.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    /// `ack`, `short`, `control` or `long`.
    #[getter]
    fn kind(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(match self.frame(py)?.kind() {
            FrameKind::Ack => "ack",
            FrameKind::Short => "short",
            FrameKind::Control => "control",
            FrameKind::Long => "long",
        })
    }

    /// The C field.
    #[getter]
    fn c_field(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        Ok(self.frame(py)?.c_field().map(|c| c.bits()))
    }

    /// The C field's function name (`SND_NKE`, `REQ_UD2`, `RSP_UD`, ...), if it has one.
    #[getter]
    fn c_field_name(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        Ok(self.frame(py)?.c_field().and_then(|c| c.name()))
    }

    /// The A field (primary address; 253 secondary, 254/255 broadcast).
    #[getter]
    fn address(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        Ok(self.frame(py)?.address())
    }

    /// The CI field.
    #[getter]
    fn ci(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        Ok(self.frame(py)?.ci())
    }

    /// The meter's secondary address, from a long variable-data header.
    #[getter]
    fn identity(&self, py: Python<'_>) -> PyResult<Option<Identity>> {
        Ok(self
            .header(py)?
            .and_then(|h| h.identity)
            .map(|i| Identity::from(&i)))
    }

    /// Access number of a variable-data header.
    #[getter]
    fn access_number(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        Ok(self.header(py)?.map(|h| h.access_number))
    }

    /// Status byte of a variable-data header.
    #[getter]
    fn status(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        Ok(self.header(py)?.map(|h| h.status))
    }

    /// Signature (configuration field) of a variable-data header.
    #[getter]
    fn signature(&self, py: Python<'_>) -> PyResult<Option<u16>> {
        Ok(self.header(py)?.map(|h| h.signature))
    }

    /// Whether the records' multi-byte values are sent MSB first (CI 76, 55, 56).
    #[getter]
    fn msb_first(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.body(py)?.is_some_and(|b| b.msb_first()))
    }

    /// Manufacturer-specific data after DIF 0F/1F, if any.
    #[getter]
    fn manufacturer_data<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        Ok(self
            .manufacturer(py)?
            .map(|(_, data)| PyBytes::new(py, data)))
    }

    /// Whether the telegram ends in DIF 1F: more records follow in the next one.
    #[getter]
    fn more_records_follow(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.manufacturer(py)?.is_some_and(|(more, _)| more))
    }

    /// The data records, read one at a time as you iterate.
    fn records(&self, py: Python<'_>) -> PyResult<RecordIterator> {
        let body = self.body(py)?;
        let (next, msb_first) = match &body {
            Some(b) => (b.records().map(Records::offset), b.msb_first()),
            None => (None, false),
        };
        Ok(RecordIterator {
            span: self.span.clone_ref(py),
            next,
            msb_first,
        })
    }

    /// The telegram's canonical points (one per data record, and one for manufacturer data),
    /// made one at a time as you iterate.
    fn points(&self, py: Python<'_>) -> PyResult<PointIterator> {
        let mut points = Vec::new();
        if let (Some(body), Some(address)) = (self.body(py)?, self.frame(py)?.address()) {
            body_points(address, &body, |p| points.push(p.into_owned()))
                .map_err(|e| decode_error(py, &e))?;
        }
        Ok(PointIterator::new(points))
    }

    /// The frame's fields as a dict: the `frame` object of [`to_dict`].
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let frame = frame_json(self.span.bytes(py)).map_err(|e| decode_error(py, &e))?;
        json_to_py(py, &frame)
    }

    /// `{"protocol", "frame", "points"}`, as `causeway decode --format json` prints it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.decoded_json(py)?)
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    fn __eq__(&self, py: Python<'_>, other: &MbusFrame) -> bool {
        self.span.bytes(py) == other.span.bytes(py)
    }

    fn __hash__(&self, py: Python<'_>) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ("mbus", self.span.bytes(py)).hash(&mut h);
        h.finish()
    }

    /// Pickles as the decode call that makes the frame again.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        pickled(py, ("mbus", self.span.to_object(py)))
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.span.bytes(py).len()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let f = self.frame(py)?;
        let mut text = format!("<MbusFrame {}", self.kind(py)?);
        if let (Some(c), Some(a)) = (f.c_field(), f.address()) {
            text += &format!(" {} address {a}", c.name().unwrap_or("C"));
        }
        if let Some(ci) = f.ci() {
            text += &format!(" CI {ci:02X}");
        }
        if let Some(id) = self.identity(py)? {
            text += &format!(" {}", id.device);
        }
        Ok(text + ">")
    }
}

impl MbusFrame {
    fn manufacturer<'a>(&'a self, py: Python<'_>) -> PyResult<Option<(bool, &'a [u8])>> {
        let Some(body) = self.body(py)? else {
            return Ok(None);
        };
        let Some(records) = body.records() else {
            return Ok(None);
        };
        for item in records.clone() {
            if let Item::Manufacturer {
                more_follows, data, ..
            } = item.map_err(|e| decode_error(py, &e))?
            {
                return Ok(Some((more_follows, data)));
            }
        }
        Ok(None)
    }
}

/// A meter's secondary address.
#[pyclass(frozen, module = "causeway.mbus")]
#[derive(Clone)]
pub struct Identity {
    /// Identification number: 8 digits (hex digits where a meter sends non-BCD).
    #[pyo3(get)]
    id: String,
    /// Three-letter manufacturer code (or `0xNNNN` for codes outside the letters).
    #[pyo3(get)]
    manufacturer: String,
    /// Version (generation).
    #[pyo3(get)]
    version: u8,
    /// Medium (`heat`, `water`, ... or `0xNN`).
    #[pyo3(get)]
    medium: String,
    /// The canonical device string (`mbus:id=...,man=...,ver=...,med=...`).
    #[pyo3(get)]
    device: String,
}

impl From<&app::Identity> for Identity {
    fn from(i: &app::Identity) -> Self {
        let json = identity_json(i);
        let text = |key: &str| json[key].as_str().unwrap_or_default().to_owned();
        Identity {
            id: text("id"),
            manufacturer: text("manufacturer"),
            version: i.version,
            medium: text("medium"),
            device: i.device().to_string(),
        }
    }
}

#[pymethods]
impl Identity {
    fn __repr__(&self) -> String {
        format!("<Identity {}>", self.device)
    }

    fn __eq__(&self, other: &Identity) -> bool {
        (&self.id, &self.manufacturer, self.version, &self.medium)
            == (&other.id, &other.manufacturer, other.version, &other.medium)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.id, &self.manufacturer, self.version, &self.medium).hash(&mut h);
        h.finish()
    }
}

/// One data record of a telegram, with its value read.
#[pyclass(frozen, module = "causeway.mbus", name = "Record")]
pub struct PyRecord {
    /// Offset of the DIF in the frame.
    #[pyo3(get)]
    offset: usize,
    /// DIF.
    #[pyo3(get)]
    dif: u8,
    difes: Vec<u8>,
    /// VIF (`0xFB`/`0xFD` for the extension tables).
    #[pyo3(get)]
    vif: u8,
    vifes: Vec<u8>,
    /// Function field: `instantaneous`, `maximum`, `minimum`, `error`.
    #[pyo3(get)]
    function: &'static str,
    /// Storage number.
    #[pyo3(get)]
    storage: u64,
    /// Tariff.
    #[pyo3(get)]
    tariff: u32,
    /// Subunit.
    #[pyo3(get)]
    subunit: u32,
    /// What the VIF describes.
    #[pyo3(get)]
    description: &'static str,
    raw: Vec<u8>,
    /// Plain-text unit (VIF 7C/FC), in reading order.
    #[pyo3(get)]
    plain_text: Option<String>,
    value: Value<'static>,
    unit: Option<Unit>,
    quantity: Quantity,
    quality: &'static str,
}

impl PyRecord {
    fn new(r: &Record<'_>, msb_first: bool) -> Self {
        let read = reading(r, msb_first);
        PyRecord {
            offset: r.offset,
            dif: r.dif,
            difes: r.difes.to_vec(),
            vif: r.vif,
            vifes: r.vifes.to_vec(),
            function: r.function().name(),
            storage: r.storage(),
            tariff: r.tariff(),
            subunit: r.subunit(),
            description: r.desc().name,
            raw: r.data.to_vec(),
            plain_text: r
                .plain_text
                .map(|t| t.iter().rev().map(|&b| char::from(b)).collect()),
            value: read.value.into_owned(),
            unit: read.unit,
            quantity: read.quantity,
            quality: read.quality.severity.name(),
        }
    }
}

#[pymethods]
impl PyRecord {
    /// DIFEs.
    #[getter]
    fn difes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.difes)
    }

    /// VIFEs as sent (for `FB`/`FD` the first is the true VIF).
    #[getter]
    fn vifes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.vifes)
    }

    /// The data bytes (after an LVAR byte).
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.raw)
    }

    /// The value, scaled by the VIF (exact decimals as `decimal.Decimal`).
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        value_to_py(py, &self.value)
    }

    /// The UCUM unit of the value, if any.
    #[getter]
    fn unit(&self) -> Option<String> {
        self.unit.map(|u| u.to_string())
    }

    /// What is measured.
    #[getter]
    fn quantity(&self) -> String {
        self.quantity.to_string()
    }

    /// `good`, `uncertain` or `bad` (a BCD error nibble, an invalid date, an error function).
    #[getter]
    fn quality(&self) -> &'static str {
        self.quality
    }

    fn __repr__(&self) -> String {
        format!(
            "<Record at {}: {} storage {} = {}{}>",
            self.offset,
            self.description,
            self.storage,
            serde_json::to_string(&causeway_core::json::ValueJson(&self.value)).unwrap_or_default(),
            self.unit.map(|u| format!(" {u}")).unwrap_or_default()
        )
    }
}

/// Iterates a telegram's data records, reading each when it is asked for.
#[pyclass(module = "causeway._causeway")]
pub struct RecordIterator {
    span: Span,
    /// Frame offset of the next item; `None` once finished.
    next: Option<usize>,
    msb_first: bool,
}

#[pymethods]
impl RecordIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyRecord>>> {
        let bytes = self.span.bytes(py);
        let end = bytes.len().saturating_sub(2);
        while let Some(at) = self.next {
            let mut records = Records::new(bytes.get(at..end).unwrap_or(&[]), at);
            let item = records.next();
            self.next = Some(records.offset());
            match item {
                None => self.next = None,
                Some(Err(e)) => {
                    self.next = None;
                    return Err(decode_error(py, &e));
                }
                Some(Ok(Item::Record(r))) => {
                    return acyclic(py, PyRecord::new(&r, self.msb_first)).map(Some)
                }
                Some(Ok(Item::Manufacturer { .. })) => self.next = None,
                Some(Ok(Item::Filler { .. } | Item::GlobalReadout { .. })) => {}
            }
        }
        Ok(None)
    }
}

fn frame_bytes(
    py: Python<'_>,
    build: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> PyResult<Bound<'_, PyBytes>> {
    let mut buf = [0u8; link::MAX_FRAME];
    let n = build(&mut buf).map_err(|e| encode_error(py, &e))?;
    Ok(PyBytes::new(py, buf.get(..n).unwrap_or(&[])))
}

/// What a master's `transmit` wrote, as `bytes` (`None` when there is nothing to send).
fn transmitted(
    py: Python<'_>,
    transmit: impl FnOnce(&mut [u8]) -> Result<Option<usize>, Error>,
) -> PyResult<Option<Bound<'_, PyBytes>>> {
    let mut buf = [0u8; link::MAX_FRAME];
    let n = transmit(&mut buf).map_err(|e| encode_error(py, &e))?;
    Ok(n.map(|n| PyBytes::new(py, buf.get(..n).unwrap_or(&[]))))
}

/// SND_NKE: link reset of the slave at `address`.
#[pyfunction]
fn snd_nke(py: Python<'_>, address: u8) -> PyResult<Bound<'_, PyBytes>> {
    frame_bytes(py, |out| encode::snd_nke(address, out))
}

/// REQ_UD2: request class 2 (meter) data, with the frame count bit.
#[pyfunction]
#[pyo3(signature = (address, fcb = true))]
fn req_ud2(py: Python<'_>, address: u8, fcb: bool) -> PyResult<Bound<'_, PyBytes>> {
    frame_bytes(py, |out| encode::req_ud2(address, fcb, out))
}

/// REQ_UD1: request class 1 (alarm) data, with the frame count bit.
#[pyfunction]
#[pyo3(signature = (address, fcb = true))]
fn req_ud1(py: Python<'_>, address: u8, fcb: bool) -> PyResult<Bound<'_, PyBytes>> {
    frame_bytes(py, |out| encode::req_ud1(address, fcb, out))
}

/// SND_UD with CI 50: application reset, with an optional subcode.
#[pyfunction]
#[pyo3(signature = (address, subcode = None))]
fn application_reset(
    py: Python<'_>,
    address: u8,
    subcode: Option<u8>,
) -> PyResult<Bound<'_, PyBytes>> {
    frame_bytes(py, |out| encode::application_reset(address, subcode, out))
}

/// SND_UD with CI 52 to address 253: select the meter whose secondary address matches. `id`
/// is 8 digits with `F` for any digit; `None` leaves a field open.
#[pyfunction]
#[pyo3(signature = (id = "FFFFFFFF", manufacturer = None, version = None, medium = None))]
fn select<'py>(
    py: Python<'py>,
    id: &str,
    manufacturer: Option<&str>,
    version: Option<u8>,
    medium: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    let bcd_or_wildcard = |c: char| c.is_ascii_digit() || c.eq_ignore_ascii_case(&'f');
    let digits = Some(id)
        .filter(|id| id.len() == 8 && id.chars().all(bcd_or_wildcard))
        .and_then(|id| u32::from_str_radix(id, 16).ok())
        .ok_or_else(|| PyValueError::new_err("id: 8 digits, F for any"))?;
    let manufacturer = manufacturer
        .map(|m| {
            parse_manufacturer(m)
                .map(|m| m.0)
                .ok_or_else(|| PyValueError::new_err("manufacturer: three letters or 0xNNNN"))
        })
        .transpose()?;
    let medium = medium
        .map(|m| {
            Medium::from_name(m)
                .map(|m| m.0)
                .ok_or_else(|| PyValueError::new_err("medium: a medium name or 0xNN"))
        })
        .transpose()?;
    let selection = Selection {
        id: digits,
        manufacturer,
        version,
        medium,
    };
    frame_bytes(py, |out| encode::select(&selection, out))
}

/// SND_UD with CI 51: give the slave at `address` the primary address `new_address`.
#[pyfunction]
fn set_primary_address(
    py: Python<'_>,
    address: u8,
    new_address: u8,
) -> PyResult<Bound<'_, PyBytes>> {
    frame_bytes(py, |out| {
        encode::set_primary_address(address, new_address, out)
    })
}

/// What a master state machine reports after an input.
#[pyclass(frozen, module = "causeway.mbus")]
pub struct Event {
    /// `pending`, `telegram`, `found`, `done` or `failed`.
    #[pyo3(get)]
    kind: &'static str,
    /// The meter a scan found (kind `found`).
    #[pyo3(get)]
    identity: Option<Identity>,
}

impl From<master::Event> for Event {
    fn from(e: master::Event) -> Self {
        let (kind, identity) = match e {
            master::Event::Pending => ("pending", None),
            master::Event::Telegram => ("telegram", None),
            master::Event::Found(i) => ("found", Some(Identity::from(&i))),
            master::Event::Done => ("done", None),
            master::Event::Failed => ("failed", None),
        };
        Event { kind, identity }
    }
}

#[pymethods]
impl Event {
    fn __repr__(&self) -> String {
        match &self.identity {
            Some(i) => format!("<Event found {}>", i.device),
            None => format!("<Event {}>", self.kind),
        }
    }
}

/// Runs `f` on the bytes of a frame given to a master: an `MbusFrame` or any bytes-like object.
fn with_frame<T>(obj: &Bound<'_, PyAny>, f: impl FnOnce(&[u8]) -> T) -> PyResult<T> {
    if let Ok(frame) = obj.cast::<MbusFrame>() {
        return Ok(f(frame.get().span.bytes(obj.py())));
    }
    Ok(f(Input::new(obj)?.as_slice()))
}

/// Reads every telegram of one meter: SND_NKE, then REQ_UD2 with the frame count bit toggled
/// while the meter says more records follow (at most 64 telegrams); an unanswered REQ_UD2 is
/// repeated up to `max_tries` times (the SND_NKE is sent once, its ACK not required). At
/// address 253 (a meter selected beforehand) no SND_NKE is sent: it would deselect the meter.
/// Sans I/O: send what `transmit` returns, feed answers to `on_frame`.
#[pyclass(module = "causeway.mbus")]
pub struct ReadMeter {
    inner: master::ReadMeter,
}

#[pymethods]
impl ReadMeter {
    #[new]
    #[pyo3(signature = (address, max_tries = 3))]
    fn new(address: u8, max_tries: u8) -> Self {
        ReadMeter {
            inner: master::ReadMeter::new(address, max_tries),
        }
    }

    /// The frame to send now, or `None`: then wait for an answer or the timeout.
    fn transmit<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        transmitted(py, |out| self.inner.transmit(out))
    }

    /// A frame arrived (from the deframer).
    fn on_frame(&mut self, frame: &Bound<'_, PyAny>) -> PyResult<Event> {
        with_frame(frame, |bytes| self.inner.on_frame(bytes).into())
    }

    /// Garbage or a collision arrived instead of an answer.
    fn on_garbage(&mut self) -> Event {
        self.inner.on_garbage().into()
    }

    /// No answer within the answer time.
    fn on_timeout(&mut self) -> Event {
        self.inner.on_timeout().into()
    }

    /// Telegrams received so far.
    #[getter]
    fn telegrams(&self) -> u16 {
        self.inner.telegrams()
    }

    /// Whether the readout ended before the meter said its last telegram: one whose header or
    /// records break off before any `1F` (decoding it reports where), or the 64th still saying
    /// `1F`. The meter may hold more than was read.
    #[getter]
    fn cut_short(&self) -> bool {
        self.inner.cut_short()
    }

    /// Whether the job is over (done or failed).
    #[getter]
    fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

/// Finds every meter on the bus by secondary address (wildcard narrowing). Sans I/O, like
/// [`ReadMeter`].
#[pyclass(module = "causeway.mbus")]
pub struct Scan {
    inner: master::Scan,
    found: Vec<Identity>,
}

#[pymethods]
impl Scan {
    #[new]
    #[pyo3(signature = (max_tries = 3))]
    fn new(max_tries: u8) -> Self {
        Scan {
            inner: master::Scan::new(max_tries),
            found: Vec::new(),
        }
    }

    /// The frame to send now, or `None`: then wait for an answer or the timeout.
    fn transmit<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        transmitted(py, |out| self.inner.transmit(out))
    }

    /// A frame arrived (from the deframer).
    fn on_frame(&mut self, frame: &Bound<'_, PyAny>) -> PyResult<Event> {
        let event = with_frame(frame, |bytes| Event::from(self.inner.on_frame(bytes)))?;
        if let Some(i) = &event.identity {
            self.found.push(i.clone());
        }
        Ok(event)
    }

    /// Garbage or a collision arrived instead of an answer.
    fn on_garbage(&mut self) -> Event {
        self.inner.on_garbage().into()
    }

    /// No answer within the answer time.
    fn on_timeout(&mut self) -> Event {
        self.inner.on_timeout().into()
    }

    /// The meters found so far.
    #[getter]
    fn found(&self) -> Vec<Identity> {
        self.found.clone()
    }

    /// Whether the scan is over.
    #[getter]
    fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

/// Adds the M-Bus classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MbusFrame", m.py().get_type::<MbusFrame>())?;
    m.add_class::<Identity>()?;
    m.add_class::<PyRecord>()?;
    m.add_class::<RecordIterator>()?;
    m.add_class::<Event>()?;
    m.add_class::<ReadMeter>()?;
    m.add_class::<Scan>()?;
    m.add_function(wrap_pyfunction!(snd_nke, m)?)?;
    m.add_function(wrap_pyfunction!(req_ud2, m)?)?;
    m.add_function(wrap_pyfunction!(req_ud1, m)?)?;
    m.add_function(wrap_pyfunction!(application_reset, m)?)?;
    m.add_function(wrap_pyfunction!(select, m)?)?;
    m.add_function(wrap_pyfunction!(set_primary_address, m)?)?;
    Ok(())
}
