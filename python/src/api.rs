//! The protocol-neutral functions (`decode`, `decode_many`, `decode_stream`, `encode`,
//! `encode_into`, `protocols`) and the `Stream` and `Skipped` classes.

use core::ops::Range;

use causeway_codecs::buffer::{Deframe, Deframed, Event, Growable, Stream as CodecStream};
use causeway_codecs::deframers::AnyDeframer;
use causeway_codecs::epa::header::DEFAULT_UDP_PORT;
use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::registry::{codecs, find, Options};
use causeway_codecs::{Error, Layer, Role};
use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use causeway_codecs::ieee802154::Fcs;

use crate::convert::{acyclic, py_to_json};
use crate::epa::EpaFrame;
use crate::errors::{decode_error, decode_error_value, encode_error};
use crate::input::Input;
use crate::mbus::MbusFrame;
use crate::modbus::ModbusFrame;
use crate::wpan::{KeyStore, WpanFrame};

/// Largest frame any codec builds (an 802.15.4-2015 PSDU: 2047 octets).
const MAX_FRAME: usize = 2048;

/// What a protocol name selects.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Modbus(Framing),
    Mbus,
    /// EPA-S, over UDP on this port.
    Epa(u16),
    /// IEEE 802.15.4 with WPA-L, with or without FCS.
    Wpan(Fcs),
}

fn known() -> String {
    codecs()
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_of(protocol: &str) -> PyResult<Kind> {
    match (Framing::from_protocol(protocol), protocol) {
        (Some(f), _) => Ok(Kind::Modbus(f)),
        (None, "mbus") => Ok(Kind::Mbus),
        (None, "epa-s") => Ok(Kind::Epa(DEFAULT_UDP_PORT)),
        (None, "wpan") => Ok(Kind::Wpan(Fcs::Present)),
        (None, "wpan-no-fcs") => Ok(Kind::Wpan(Fcs::Absent)),
        _ => Err(PyValueError::new_err(format!(
            "unknown protocol {protocol:?}; this build has: {}",
            known()
        ))),
    }
}

fn role_of(role: Option<&str>) -> PyResult<Option<Role>> {
    role.map(|r| {
        Role::from_name(r)
            .ok_or_else(|| PyValueError::new_err("role must be 'request' or 'response'"))
    })
    .transpose()
}

/// The decoder and role for single frames of `protocol`: Modbus frames need their role, M-Bus,
/// EPA-S and 802.15.4 frames say their direction themselves; `port` is EPA-S's UDP port, `keys`
/// are for secured 802.15.4 frames.
fn single_frames(
    protocol: &str,
    role: Option<&str>,
    port: Option<u16>,
    keys: bool,
) -> PyResult<(Kind, Option<Role>)> {
    let kind = match (kind_of(protocol)?, port) {
        (Kind::Epa(_), Some(port)) => Kind::Epa(port),
        (_, Some(_)) => return Err(PyValueError::new_err("port is for EPA-S over UDP")),
        (kind, None) => kind,
    };
    if keys && !matches!(kind, Kind::Wpan(_)) {
        return Err(PyValueError::new_err(
            "keys are for secured 802.15.4 frames (wpan)",
        ));
    }
    match (kind, role_of(role)?) {
        (Kind::Modbus(_), None) => Err(PyValueError::new_err(format!(
            "{protocol} needs role='request' or role='response'"
        ))),
        (Kind::Mbus | Kind::Epa(_) | Kind::Wpan(_), Some(_)) => Err(PyValueError::new_err(
            format!("{protocol} frames say their direction themselves: no role"),
        )),
        (kind, role) => Ok((kind, role)),
    }
}

/// Decodes `range` of `input` into the protocol's frame class; the inner error is the codec's.
fn decode_range<'py>(
    py: Python<'py>,
    kind: Kind,
    role: Option<Role>,
    keys: Option<&KeyStore>,
    input: &Input<'py>,
    range: Range<usize>,
) -> PyResult<Result<Bound<'py, PyAny>, Error>> {
    Ok(Ok(match kind {
        Kind::Modbus(framing) => {
            let role = role.unwrap_or(Role::Request);
            match ModbusFrame::decode(input, range, framing, role) {
                Ok(frame) => acyclic(py, frame)?.into_any(),
                Err(e) => return Ok(Err(e)),
            }
        }
        Kind::Mbus => match MbusFrame::decode(input, range) {
            Ok(frame) => acyclic(py, frame)?.into_any(),
            Err(e) => return Ok(Err(e)),
        },
        Kind::Epa(port) => match EpaFrame::decode(input, range, port) {
            Ok(frame) => acyclic(py, frame)?.into_any(),
            Err(e) => return Ok(Err(e)),
        },
        Kind::Wpan(fcs) => match WpanFrame::decode(input, range, fcs, keys, true) {
            Ok(frame) => acyclic(py, frame)?.into_any(),
            Err(e) => return Ok(Err(e)),
        },
    }))
}

/// Decodes one frame: `protocol` is a name from `protocols()`; Modbus needs the `role`;
/// `port` is the UDP port of EPA-S (35004 by default); `keys` (a `wpan.KeyStore`) unsecure
/// 802.15.4 frames.
#[pyfunction]
#[pyo3(signature = (protocol, data, role = None, port = None, keys = None))]
fn decode<'py>(
    py: Python<'py>,
    protocol: &str,
    data: &Bound<'py, PyAny>,
    role: Option<&str>,
    port: Option<u16>,
    keys: Option<PyRef<'py, KeyStore>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (kind, role) = single_frames(protocol, role, port, keys.is_some())?;
    let input = Input::new(data)?;
    let len = input.as_slice().len();
    decode_range(py, kind, role, keys.as_deref(), &input, 0..len)?.map_err(|e| decode_error(py, &e))
}

/// Decodes many frames, each a bytes-like object, into a list (the first failure raises,
/// with a note saying which frame).
#[pyfunction]
#[pyo3(signature = (protocol, frames, role = None, port = None, keys = None))]
fn decode_many<'py>(
    py: Python<'py>,
    protocol: &str,
    frames: &Bound<'py, PyAny>,
    role: Option<&str>,
    port: Option<u16>,
    keys: Option<PyRef<'py, KeyStore>>,
) -> PyResult<Bound<'py, PyList>> {
    let (kind, role) = single_frames(protocol, role, port, keys.is_some())?;
    let out = PyList::empty(py);
    for (i, item) in frames.try_iter()?.enumerate() {
        let input = Input::new(&item?)?;
        let len = input.as_slice().len();
        let frame =
            decode_range(py, kind, role, keys.as_deref(), &input, 0..len)?.map_err(|e| {
                let err = decode_error(py, &e);
                let _ = err.add_note(py, format!("in frame {i} of the batch"));
                err
            })?;
        out.append(frame)?;
    }
    Ok(out)
}

/// What a stream deframer dropped: bytes that start no frame, or a frame that failed to
/// decode (its `error` says why).
#[pyclass(frozen, module = "causeway")]
pub struct Skipped {
    data: Py<PyBytes>,
    /// Kept as the codec's error; the exception is made when asked for.
    error: Option<Error>,
}

#[pymethods]
impl Skipped {
    /// The bytes dropped.
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyBytes> {
        self.data.clone_ref(py)
    }

    /// The `DecodeError` of a frame that did not decode (or `IncompleteError` for the end of a
    /// batch); `None` for plain garbage.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.error.as_ref().map(|e| decode_error_value(py, e))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let why = match &self.error {
            Some(e) => format!(": {e}"),
            None => String::new(),
        };
        format!("<Skipped {} bytes{why}>", self.data.as_bytes(py).len())
    }
}

/// One item a deframer found in `input` at `range`, decoded: a frame, or `Skipped`.
fn stream_item<'py>(
    py: Python<'py>,
    kind: Kind,
    role: Option<Role>,
    input: &Input<'py>,
    range: Range<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    match decode_range(py, kind, role, None, input, range.clone())? {
        Ok(frame) => Ok(frame),
        Err(e) => skipped(py, input.as_slice().get(range).unwrap_or(&[]), Some(&e)),
    }
}

fn skipped<'py>(
    py: Python<'py>,
    data: &[u8],
    error: Option<&Error>,
) -> PyResult<Bound<'py, PyAny>> {
    let item = Skipped {
        data: PyBytes::new(py, data).unbind(),
        error: error.copied(),
    };
    acyclic(py, item).map(Bound::into_any)
}

/// The deframer for `protocol`; Modbus TCP and ASCII frames carry no role, so one is needed.
fn deframer_for(protocol: &str, kind: Kind, role: Option<Role>) -> PyResult<AnyDeframer> {
    match (kind, role) {
        (Kind::Modbus(Framing::Tcp | Framing::Ascii), None) => {
            return Err(PyValueError::new_err(format!(
                "{protocol} needs role='request' or role='response' (only RTU can tell them apart)"
            )))
        }
        (Kind::Mbus, Some(_)) => {
            return Err(PyValueError::new_err(
                "M-Bus frames say their direction themselves: no role",
            ))
        }
        (Kind::Epa(_), _) => {
            return Err(PyValueError::new_err(
                "EPA-S travels in whole Ethernet frames: decode them one by one",
            ))
        }
        (Kind::Wpan(_), _) => {
            return Err(PyValueError::new_err(
                "802.15.4 frames come one by one from the radio: decode them one by one",
            ))
        }
        _ => {}
    }
    AnyDeframer::for_protocol(protocol, role)
        .ok_or_else(|| PyValueError::new_err(format!("no deframer for {protocol}")))
}

/// Splits one buffer holding many frames back to back (a capture of a serial line or a TCP
/// stream) and decodes them all: a list of frames, with `Skipped` items for garbage, frames
/// that did not decode, and an incomplete frame at the end. Modbus RTU without a `role` is a
/// shared bus: requests and responses alternate.
#[pyfunction]
#[pyo3(signature = (protocol, data, role = None))]
fn decode_stream<'py>(
    py: Python<'py>,
    protocol: &str,
    data: &Bound<'py, PyAny>,
    role: Option<&str>,
) -> PyResult<Bound<'py, PyList>> {
    let kind = kind_of(protocol)?;
    let role = role_of(role)?;
    let mut deframer = deframer_for(protocol, kind, role)?;
    // One `bytes` object that the frames share, and that nothing can change while Python
    // objects are made from it below.
    let input = Input::new(data)?.into_bytes();
    let bytes = input.as_slice();
    let out = PyList::empty(py);
    let mut pos = 0;
    let mut idle = false;
    while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
        match deframer.deframe(rest) {
            Deframed::Frame(span) => {
                let frame_role = deframer.last_role().or(role);
                let range = pos + span.start..pos + span.end;
                out.append(stream_item(py, kind, frame_role, &input, range)?)?;
                pos += span.end.max(1);
            }
            Deframed::Skipped(span) => {
                out.append(skipped(py, rest.get(..span.end).unwrap_or(&[]), None)?)?;
                pos += span.end.max(1);
            }
            // The end of the buffer is where the line fell silent.
            Deframed::NeedMore(_) if !idle => {
                deframer.line_idle();
                idle = true;
            }
            Deframed::NeedMore(n) => {
                let incomplete = Error::truncated(Layer::Deframer, 0, rest.len() + n, rest.len());
                out.append(skipped(py, rest, Some(&incomplete))?)?;
                break;
            }
        }
    }
    Ok(out)
}

/// A stream deframer: `feed` it bytes as they arrive, iterate it for the frames (and `Skipped`
/// items) that are complete.
#[pyclass(module = "causeway")]
pub struct Stream {
    inner: CodecStream<Growable, AnyDeframer>,
    kind: Kind,
    role: Option<Role>,
}

#[pymethods]
impl Stream {
    /// A stream of `protocol` frames; Modbus TCP and ASCII need the `role` they carry, Modbus RTU
    /// without one follows a shared bus. At most `capacity` bytes are buffered.
    #[new]
    #[pyo3(signature = (protocol, role = None, capacity = 65536))]
    fn new(protocol: &str, role: Option<&str>, capacity: usize) -> PyResult<Self> {
        let kind = kind_of(protocol)?;
        let role = role_of(role)?;
        let deframer = deframer_for(protocol, kind, role)?;
        Ok(Stream {
            inner: CodecStream::new(Growable::new(capacity), deframer),
            kind,
            role,
        })
    }

    /// Appends received bytes. Raises `DecodeError` (kind `capacity`) when they do not fit:
    /// iterate the stream to take the complete frames out first.
    fn feed(&mut self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let input = Input::new(data)?;
        self.inner
            .push(input.as_slice())
            .map_err(|e| decode_error(py, &e))
    }

    /// The line has been silent (Modbus RTU: 3.5 characters): what is buffered ends there.
    fn line_idle(&mut self) {
        self.inner.deframer_mut().line_idle();
    }

    /// Drops everything buffered.
    fn clear(&mut self) {
        self.inner.clear();
    }

    /// Bytes buffered and not yet returned.
    #[getter]
    fn buffered(&self) -> usize {
        self.inner.buffered()
    }

    /// At least this many more bytes are needed before the next frame can complete.
    #[getter]
    fn needed(&self) -> usize {
        self.inner.needed()
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (kind, role) = (self.kind, self.role);
        let item = match self.inner.next_event() {
            None => return Ok(None),
            Some(Event::Skipped(bytes)) => return skipped(py, bytes, None).map(Some),
            Some(Event::Frame(bytes)) => PyBytes::new(py, bytes),
        };
        let frame_role = self.inner.deframer_mut().last_role().or(role);
        let input = Input::Bytes(item);
        let len = input.as_slice().len();
        stream_item(py, kind, frame_role, &input, 0..len).map(Some)
    }
}

/// The options of an encode call: the keys that secure an 802.15.4 frame.
fn encode_options(keys: Option<&KeyStore>) -> Options<'_> {
    Options {
        keys: keys.map(KeyStore::store).unwrap_or_default(),
        ..Options::default()
    }
}

/// Builds a frame from its description (the `frame` dict of `to_dict()`, or one written by
/// hand): checksums, lengths and byte counts are computed; an 802.15.4 frame marked
/// `decrypted` is secured with `keys`.
#[pyfunction]
#[pyo3(signature = (protocol, frame, keys = None))]
fn encode<'py>(
    py: Python<'py>,
    protocol: &str,
    frame: &Bound<'py, PyAny>,
    keys: Option<PyRef<'py, KeyStore>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let codec = find(protocol).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown protocol {protocol:?}; this build has: {}",
            known()
        ))
    })?;
    let json = py_to_json(frame)?;
    let mut out = [0u8; MAX_FRAME];
    let n = (codec.encode)(&encode_options(keys.as_deref()), &json, &mut out)
        .map_err(|e| encode_error(py, &e))?;
    Ok(PyBytes::new(py, out.get(..n).unwrap_or(&[])))
}

/// Like `encode`, writing into `buffer` (a writable bytes-like object) at `offset`; returns the
/// number of bytes written. Raises `EncodeError` (kind `capacity`) when it does not fit.
#[pyfunction]
#[pyo3(signature = (protocol, frame, buffer, offset = 0, keys = None))]
fn encode_into(
    py: Python<'_>,
    protocol: &str,
    frame: &Bound<'_, PyAny>,
    buffer: &Bound<'_, PyAny>,
    offset: usize,
    keys: Option<PyRef<'_, KeyStore>>,
) -> PyResult<usize> {
    let codec = find(protocol).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown protocol {protocol:?}; this build has: {}",
            known()
        ))
    })?;
    let json = py_to_json(frame)?;
    let buf = PyUntypedBuffer::get(buffer)
        .map_err(|_| PyTypeError::new_err("buffer must be a writable bytes-like object"))?;
    if buf.readonly() || buf.item_size() != 1 || !buf.is_c_contiguous() {
        return Err(PyTypeError::new_err(
            "buffer must be a writable, contiguous buffer of bytes",
        ));
    }
    let room = buf.len_bytes().checked_sub(offset).ok_or_else(|| {
        PyValueError::new_err(format!(
            "offset {offset} is past the buffer's {} bytes",
            buf.len_bytes()
        ))
    })?;
    // The codec writes into as much room as the caller has, so it reports a frame that does not
    // fit itself; the caller's buffer changes only on success.
    let mut out = [0u8; MAX_FRAME];
    let scratch = out.get_mut(..room.min(MAX_FRAME)).unwrap_or(&mut []);
    let n = (codec.encode)(&encode_options(keys.as_deref()), &json, scratch)
        .map_err(|e| encode_error(py, &e))?;
    let written = scratch.get(..n).unwrap_or(&[]);
    // SAFETY: the buffer is writable, C-contiguous, of one-byte items, and `offset + n` is
    // within it (`n` fitted in `room`); it stays exported while `buf` lives, and no Python code
    // runs while the slice exists.
    let dst = unsafe {
        core::slice::from_raw_parts_mut(buf.buf_ptr().cast::<u8>().add(offset), written.len())
    };
    dst.copy_from_slice(written);
    Ok(n)
}

/// The protocol names this build decodes and encodes.
#[pyfunction]
fn protocols() -> Vec<&'static str> {
    codecs().iter().map(|c| c.name).collect()
}

/// Adds the protocol-neutral functions and classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(decode_many, m)?)?;
    m.add_function(wrap_pyfunction!(decode_stream, m)?)?;
    m.add_function(wrap_pyfunction!(encode, m)?)?;
    m.add_function(wrap_pyfunction!(encode_into, m)?)?;
    m.add_function(wrap_pyfunction!(protocols, m)?)?;
    m.add_class::<Stream>()?;
    m.add_class::<Skipped>()?;
    m.add_class::<crate::convert::PyPoint>()?;
    m.add_class::<crate::convert::PointIterator>()?;
    Ok(())
}
