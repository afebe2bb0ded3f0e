//! `causeway.wpan`: IEEE 802.15.4 frames with CCM* security and WPA-L payloads, the key store,
//! and NL fragment reassembly.

use core::ops::Range;

use causeway_codecs::buffer::Growable;
use causeway_codecs::ieee802154::json::{addr_string, frame_json, parse_addr, unsecure};
use causeway_codecs::ieee802154::{
    Content, ExtendedAddress, Fcs, Frame, FrameType, Key, KeyStore as Store, MacPayload, WpanAddr,
};
use causeway_codecs::wiapa::json::{nl_body_json, nl_json};
use causeway_codecs::wiapa::points::{body_points, packet_points};
use causeway_codecs::wiapa::{FragmentKey, NlBody, NlHeader, Packet, Reassembly as Assembly};
use causeway_codecs::{Error, ErrorKind, Layer};
use causeway_core::Point;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{json_to_py, PointIterator};
use crate::errors::decode_error;
use crate::input::{Input, Span};

/// Keys for secured frames, chosen by (PAN, source address, key index), and the extended
/// addresses of nodes known by their short address (for CCM* nonces).
#[pyclass(module = "causeway.wpan")]
#[derive(Clone, Default)]
pub struct KeyStore {
    keys: Vec<Key>,
    addresses: Vec<ExtendedAddress>,
}

impl KeyStore {
    /// The store the codecs read.
    pub fn store(&self) -> Store<'_> {
        Store {
            keys: &self.keys,
            addresses: &self.addresses,
        }
    }
}

/// An address from Python: an int (short when below 0x10000) or a string (`0x0102`,
/// `00:11:22:33:44:55:66:77`).
fn address(obj: &Bound<'_, PyAny>) -> PyResult<WpanAddr> {
    if let Ok(n) = obj.extract::<u64>() {
        return Ok(match u16::try_from(n) {
            Ok(s) => WpanAddr::Short(s),
            Err(_) => WpanAddr::Extended(n),
        });
    }
    let text: String = obj.extract()?;
    parse_addr(&text).ok_or_else(|| {
        PyValueError::new_err(format!(
            "not an 802.15.4 address: {text:?} (0x0102 or 00:11:22:33:44:55:66:77)"
        ))
    })
}

#[pymethods]
impl KeyStore {
    #[new]
    fn new() -> Self {
        KeyStore::default()
    }

    /// Adds a 16-octet AES key, for frames of `key_index`, `pan` and sender `src` when given
    /// (the most specific matching key is tried first, then the others).
    #[pyo3(signature = (key, key_index = None, pan = None, src = None))]
    fn add(
        &mut self,
        key: &[u8],
        key_index: Option<u8>,
        pan: Option<u16>,
        src: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let key = <[u8; 16]>::try_from(key)
            .map_err(|_| PyValueError::new_err(format!("a key is 16 octets, not {}", key.len())))?;
        self.keys.push(Key {
            key,
            pan,
            src: src.map(address).transpose()?,
            key_index,
        });
        Ok(())
    }

    /// Records that `short` in `pan` is the node with extended address `ext`.
    fn map_address(&mut self, pan: u16, short: u16, ext: &Bound<'_, PyAny>) -> PyResult<()> {
        match address(ext)? {
            WpanAddr::Extended(ext) => {
                self.addresses.push(ExtendedAddress { pan, short, ext });
                Ok(())
            }
            WpanAddr::Short(_) => Err(PyValueError::new_err("ext must be an extended address")),
        }
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<KeyStore {} keys, {} addresses>",
            self.keys.len(),
            self.addresses.len()
        )
    }
}

/// A checked 802.15.4 frame; a secured one is kept with its clear payload when a key opened it.
#[pyclass(frozen, module = "causeway.wpan", name = "Frame")]
pub struct WpanFrame {
    span: Span,
    fcs: Fcs,
    /// Read data payloads as WPA-L.
    wpal: bool,
    /// The clear payload of a secured frame that was unsecured.
    clear: Option<Vec<u8>>,
}

impl WpanFrame {
    /// Checks `range` of `input` as a frame (with FCS per `fcs`), unsecuring it with `keys`, and
    /// with `wpal` reading a data frame's payload as WPA-L.
    pub fn decode(
        input: &Input<'_>,
        range: Range<usize>,
        fcs: Fcs,
        keys: Option<&KeyStore>,
        wpal: bool,
    ) -> Result<Self, Error> {
        let bytes = input.as_slice().get(range.clone()).unwrap_or(&[]);
        let frame = Frame::parse(bytes, fcs)?;
        let mut plain = Vec::new();
        let clear = match keys.filter(|k| !k.keys.is_empty()) {
            Some(k) if frame.is_secured() => {
                let p = unsecure(&frame, &k.store(), &mut plain)?;
                check_payload(wpal, &frame, Some(&p))?;
                Some(plain)
            }
            _ if frame.is_secured() => {
                check_payload(wpal, &frame, None)?;
                None
            }
            _ => {
                check_payload(wpal, &frame, Some(&frame.body()?))?;
                None
            }
        };
        Ok(WpanFrame {
            span: input.span(range),
            fcs,
            wpal,
            clear,
        })
    }

    /// The frame and its clear payload (`None`: secured and not unsecured).
    fn parse<T>(
        &self,
        bytes: &[u8],
        f: impl FnOnce(&Frame<'_>, Option<&MacPayload<'_>>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let frame = Frame::parse(bytes, self.fcs)?;
        match (&self.clear, frame.is_secured()) {
            (Some(plain), _) => {
                let p = MacPayload::parse(&frame.header, plain, frame.header_len())?;
                f(&frame, Some(&p))
            }
            (None, true) => f(&frame, None),
            (None, false) => {
                let p = frame.body()?;
                f(&frame, Some(&p))
            }
        }
    }

    fn with<T>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Frame<'_>, Option<&MacPayload<'_>>) -> T,
    ) -> PyResult<T> {
        self.parse(self.span.bytes(py), |frame, p| Ok(f(frame, p)))
            .map_err(|e| decode_error(py, &e))
    }

    fn protocol_name(&self) -> &'static str {
        match self.fcs {
            Fcs::Present => "wpan",
            Fcs::Absent => "wpan-no-fcs",
        }
    }

    fn json_and_points(
        &self,
        py: Python<'_>,
    ) -> PyResult<(serde_json::Value, Vec<Point<'static>>)> {
        let mut points = Vec::new();
        let frame = self
            .parse(self.span.bytes(py), |f, p| {
                frame_json(f, p, self.wpal, |pt| points.push(pt.into_owned()))
            })
            .map_err(|e| decode_error(py, &e))?;
        Ok((frame, points))
    }

    fn json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        let (frame, points) = self.json_and_points(py)?;
        let points =
            serde_json::to_value(&points).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(serde_json::json!({"protocol": self.protocol_name(), "frame": frame, "points": points}))
    }
}

#[pymethods]
impl WpanFrame {
    /// `wpan` or `wpan-no-fcs`.
    #[getter]
    fn protocol(&self) -> &'static str {
        self.protocol_name()
    }

    /// The frame's bytes.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    /// Frame type: 0 beacon, 1 data, 2 ack, 3 MAC command.
    #[getter]
    fn frame_type(&self, py: Python<'_>) -> PyResult<u8> {
        self.with(py, |f, _| f.header.frame_type.0)
    }

    /// `beacon`, `data`, `ack` or `command`.
    #[getter]
    fn frame_type_name(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        self.with(py, |f, _| f.header.frame_type.name())
    }

    /// Frame version: 0 (2003), 1 (2006), 2 (2015).
    #[getter]
    fn version(&self, py: Python<'_>) -> PyResult<u8> {
        self.with(py, |f, _| f.header.version.0)
    }

    /// Sequence number (`None` when a 2015 frame suppresses it).
    #[getter]
    fn seq(&self, py: Python<'_>) -> PyResult<Option<u8>> {
        self.with(py, |f, _| f.header.seq)
    }

    /// Destination PAN.
    #[getter]
    fn dst_pan(&self, py: Python<'_>) -> PyResult<Option<u16>> {
        self.with(py, |f, _| f.header.dst_pan)
    }

    /// Destination address (`0x0001` or `00:11:22:33:44:55:66:77`).
    #[getter]
    fn dst_addr(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.with(py, |f, _| f.header.dst.map(addr_string))
    }

    /// Source PAN.
    #[getter]
    fn src_pan(&self, py: Python<'_>) -> PyResult<Option<u16>> {
        self.with(py, |f, _| f.header.src_pan)
    }

    /// Source address.
    #[getter]
    fn src_addr(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.with(py, |f, _| f.header.src.map(addr_string))
    }

    /// The sender's PAN: the source PAN, else the destination PAN.
    #[getter]
    fn pan(&self, py: Python<'_>) -> PyResult<Option<u16>> {
        self.with(py, |f, _| f.header.pan())
    }

    /// Whether the payload is secured (a security level other than none).
    #[getter]
    fn secured(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |f, _| f.is_secured())
    }

    /// Whether a secured frame was verified and decrypted.
    #[getter]
    fn decrypted(&self) -> bool {
        self.clear.is_some()
    }

    /// The MIC as sent.
    #[getter]
    fn mic<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.with(py, |f, _| PyBytes::new(py, f.mic))
    }

    /// The MAC payload: clear when the frame is not secured or was unsecured, else as sent.
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.with(py, |f, _| match &self.clear {
            Some(plain) => PyBytes::new(py, plain),
            None => PyBytes::new(py, f.payload),
        })
    }

    /// The FCS as sent (`None` without one).
    #[getter]
    fn fcs(&self, py: Python<'_>) -> PyResult<Option<u16>> {
        self.with(py, |f, _| f.fcs)
    }

    /// The WPA-L payload of a data frame as a dict (the `wpal` of [`fields`]), or `None`.
    #[getter]
    fn wpal<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let json = self.json(py)?;
        json["frame"]
            .get("wpal")
            .map(|w| json_to_py(py, w))
            .transpose()
    }

    /// The frame's fields as a dict: the `frame` object of [`to_dict`].
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let frame = self
            .parse(self.span.bytes(py), |f, p| {
                frame_json(f, p, self.wpal, |_| {})
            })
            .map_err(|e| decode_error(py, &e))?;
        json_to_py(py, &frame)
    }

    /// `{"protocol", "frame", "points"}`, as `causeway decode --format json` prints it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.json(py)?)
    }

    /// The canonical points of a WPA-L PUBLISH, READ_RSP or REPORT (one per aggregated PDU).
    fn points(&self, py: Python<'_>) -> PyResult<PointIterator> {
        let mut points = Vec::new();
        if self.wpal {
            self.parse(self.span.bytes(py), |frame, payload| {
                if let (FrameType::DATA, Some(p)) = (frame.header.frame_type, payload) {
                    if let Content::Payload(bytes) = p.content {
                        if !bytes.is_empty() {
                            let packet = Packet::parse(bytes, 0)?;
                            let pan = frame.header.pan().unwrap_or(0xFFFF);
                            packet_points(pan, &packet, |pt| points.push(pt.into_owned()));
                        }
                    }
                }
                Ok(())
            })
            .map_err(|e| decode_error(py, &e))?;
        }
        Ok(PointIterator::new(points))
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.span.to_object(py)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.span.bytes(py).len()
    }

    fn __eq__(&self, py: Python<'_>, other: &WpanFrame) -> bool {
        self.span.bytes(py) == other.span.bytes(py) && self.clear == other.clear
    }

    fn __hash__(&self, py: Python<'_>) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.protocol_name(), self.span.bytes(py)).hash(&mut h);
        h.finish()
    }

    /// Pickles with its clear payload, so an unsecured frame needs no key to come back.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let restore = py.import("causeway._causeway")?.getattr("_wpan_frame")?;
        let clear = self.clear.as_ref().map(|c| PyBytes::new(py, c));
        let args = (
            self.span.to_object(py),
            self.fcs == Fcs::Present,
            clear,
            self.wpal,
        );
        Ok((restore, args).into_pyobject(py)?.into_any())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |f, p| {
            let h = &f.header;
            let what = match p.map(|p| &p.content) {
                Some(Content::Command(c)) => c.id.name().unwrap_or("command"),
                _ => h.frame_type.name().unwrap_or("frame"),
            };
            format!(
                "<wpan.Frame {what} seq {} {} -> {}{}>",
                h.seq.map_or("-".into(), |s| s.to_string()),
                h.src.map_or("-".into(), addr_string),
                h.dst.map_or("-".into(), addr_string),
                match (f.is_secured(), &self.clear) {
                    (false, _) => "",
                    (true, Some(_)) => " (decrypted)",
                    (true, None) => " (secured)",
                }
            )
        })
    }
}

/// Reading the clear payload checks it; with `wpal`, a data frame's WPA-L payload too.
fn check_payload(
    wpal: bool,
    frame: &Frame<'_>,
    payload: Option<&MacPayload<'_>>,
) -> Result<(), Error> {
    if let (true, FrameType::DATA, Some(Content::Payload(p))) =
        (wpal, frame.header.frame_type, payload.map(|p| p.content))
    {
        if !p.is_empty() {
            let base = frame.header_len() + payload.map_or(0, |p| p.ies.bytes().len());
            Packet::parse(p, base)?;
        }
    }
    Ok(())
}

/// Rebuilds a pickled frame.
#[pyfunction]
fn _wpan_frame(
    data: &Bound<'_, PyBytes>,
    with_fcs: bool,
    clear: Option<Vec<u8>>,
    wpal: bool,
) -> PyResult<WpanFrame> {
    let py = data.py();
    let input = Input::new(data.as_any())?;
    let len = input.as_slice().len();
    let fcs = if with_fcs { Fcs::Present } else { Fcs::Absent };
    let f = WpanFrame {
        span: input.span(0..len),
        fcs,
        wpal,
        clear,
    };
    f.parse(input.as_slice(), |frame, p| check_payload(wpal, frame, p))
        .map_err(|e| decode_error(py, &e))?;
    Ok(f)
}

/// Decodes an 802.15.4 frame at the MAC layer only: its data payload stays octets (any
/// protocol: ZigBee, 6LoWPAN, ...). With `keys`, a secured frame is verified and decrypted.
#[pyfunction]
#[pyo3(signature = (data, fcs = true, keys = None))]
fn decode_mac(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    fcs: bool,
    keys: Option<PyRef<'_, KeyStore>>,
) -> PyResult<WpanFrame> {
    let input = Input::new(data)?;
    let len = input.as_slice().len();
    let fcs = if fcs { Fcs::Present } else { Fcs::Absent };
    WpanFrame::decode(&input, 0..len, fcs, keys.as_deref(), false).map_err(|e| decode_error(py, &e))
}

/// One NL packet reassembled from its fragments: the first fragment pushed chooses the packet
/// (MAC source, NL source, tag); the others may come in any order, with duplicates.
#[pyclass(module = "causeway.wpan")]
pub struct Reassembly {
    capacity: usize,
    inner: Option<(Assembly<Growable>, NlHeader, u16)>,
}

/// The WPA-L fragment a frame carries: its NL header, fragment header and octets.
fn fragment_of<'a>(
    frame: &Frame<'_>,
    payload: &MacPayload<'a>,
) -> Result<(NlHeader, causeway_codecs::wiapa::FragmentHeader, &'a [u8]), Error> {
    let not_fragment = || {
        Error::invalid(
            Layer::Reassembly,
            0,
            "frame",
            "a data frame carrying a WPA-L fragment",
            u64::from(frame.header.frame_type.0),
        )
    };
    let (FrameType::DATA, Content::Payload(p)) = (frame.header.frame_type, payload.content) else {
        return Err(not_fragment());
    };
    match Packet::parse(p, 0)? {
        Packet::Data(n) => match (n.fragment, n.body) {
            (Some(f), NlBody::Fragment(data)) => Ok((n.header, f, data)),
            _ => Err(not_fragment()),
        },
        Packet::Command(_) => Err(not_fragment()),
    }
}

#[pymethods]
impl Reassembly {
    /// A packet of at most `capacity` octets.
    #[new]
    #[pyo3(signature = (capacity = 65536))]
    fn new(capacity: usize) -> Self {
        Reassembly {
            capacity,
            inner: None,
        }
    }

    /// Adds the fragment a frame carries (a `wpan.Frame`, or bytes decoded with `fcs` and
    /// `keys`); returns the whole NL packet once every octet is in, else `None`. An overlap with
    /// other content, a fragment past its total, another packet's fragment or more than
    /// `capacity` octets raises `DecodeError` and keeps what was assembled.
    #[pyo3(signature = (frame, fcs = true, keys = None))]
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        frame: &Bound<'py, PyAny>,
        fcs: bool,
        keys: Option<PyRef<'_, KeyStore>>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let decoded;
        let f = match frame.cast::<WpanFrame>() {
            Ok(f) => f.get(),
            Err(_) => {
                let input = Input::new(frame)?;
                let len = input.as_slice().len();
                let fcs = if fcs { Fcs::Present } else { Fcs::Absent };
                decoded = WpanFrame::decode(&input, 0..len, fcs, keys.as_deref(), false)
                    .map_err(|e| decode_error(py, &e))?;
                &decoded
            }
        };
        let capacity = self.capacity;
        let inner = &mut self.inner;
        let done = f.parse(f.span.bytes(py), |frame, payload| {
            let payload = payload.ok_or(Error::new(
                Layer::Ccm,
                frame.header_len(),
                ErrorKind::Unsupported {
                    what: "a secured fragment without its key",
                    found: u64::from(frame.level().0),
                },
            ))?;
            let (nl, fragment, data) = fragment_of(frame, payload)?;
            let key = FragmentKey::of(frame.header.src, &nl, &fragment);
            let (assembly, _, _) = inner.get_or_insert_with(|| {
                (
                    Assembly::new(key, nl.kind, Growable::new(capacity)),
                    nl,
                    frame.header.pan().unwrap_or(0xFFFF),
                )
            });
            Ok(assembly
                .push(key, nl.kind, &fragment, data)?
                .map(|all| PyBytes::new(py, all)))
        });
        done.map_err(|e| decode_error(py, &e))
    }

    /// The reassembled packet as a dict (`nl`, then `asl` and `body`, `aggregate`, or `data`),
    /// or `None` while incomplete.
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some((assembly, nl, _)) = &self.inner else {
            return Ok(None);
        };
        match assembly.body() {
            None => Ok(None),
            Some(Err(e)) => Err(decode_error(py, &e)),
            Some(Ok(body)) => {
                let mut m = serde_json::Map::new();
                m.insert("nl".into(), nl_json(nl));
                nl_body_json(&body, &mut m);
                json_to_py(py, &serde_json::Value::Object(m)).map(Some)
            }
        }
    }

    /// The reassembled packet's points (none while incomplete).
    fn points(&self, py: Python<'_>) -> PyResult<PointIterator> {
        let mut points = Vec::new();
        if let Some((assembly, nl, pan)) = &self.inner {
            match assembly.body() {
                Some(Ok(body)) => body_points(*pan, nl.src, &body, |p| points.push(p.into_owned())),
                Some(Err(e)) => return Err(decode_error(py, &e)),
                None => {}
            }
        }
        Ok(PointIterator::new(points))
    }

    /// Whether every octet is in.
    #[getter]
    fn complete(&self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(|(a, _, _)| a.body().is_some())
    }
}

/// Adds the 802.15.4 / WPA-L classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("WpanFrame", m.py().get_type::<WpanFrame>())?;
    m.add_class::<KeyStore>()?;
    m.add_class::<Reassembly>()?;
    m.add_function(wrap_pyfunction!(decode_mac, m)?)?;
    m.add_function(wrap_pyfunction!(_wpan_frame, m)?)?;
    Ok(())
}
