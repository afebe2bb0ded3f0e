//! Between the canonical model / JSON form and Python objects; the `Point` class.

use causeway_core::{DateTime, Point, Precision, Reason, Unit, Value, Zone};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pyclass_init::PyClassInitializer;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value as Json};

/// A new object of a class whose instances hold no references to other containers, so they
/// can never be part of a reference cycle: it is taken off the cycle collector's lists, which
/// would otherwise rescan every live frame of a large batch on each collection.
pub fn acyclic<T: pyo3::PyClass>(py: Python<'_>, value: T) -> PyResult<Bound<'_, T>>
where
    PyClassInitializer<T>: From<T>,
{
    let obj = Bound::new(py, value)?;
    // SAFETY: `obj` is a live object of a GC type (every pyclass is one); untracking it only
    // removes it from the collector's lists, and it references no container that could form
    // a cycle through it.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(obj.as_ptr().cast()) };
    Ok(obj)
}

/// `(causeway.decode, args)`: how a frame pickles (unpickling decodes its bytes again).
pub fn pickled<'py>(
    py: Python<'py>,
    args: impl IntoPyObject<'py, Error = PyErr>,
) -> PyResult<Bound<'py, PyAny>> {
    let decode = py.import("causeway")?.getattr("decode")?;
    Ok((decode, args).into_pyobject(py)?.into_any())
}

/// A JSON value as the Python object `json.loads` would give for it.
pub fn json_to_py<'py>(py: Python<'py>, value: &Json) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Json::Null => py.None().into_bound(py),
        Json::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), ..) => u.into_pyobject(py)?.into_any(),
            (None, Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, None, Some(f)) => PyFloat::new(py, f).into_any(),
            _ => py.None().into_bound(py),
        },
        Json::String(s) => PyString::new(py, s).into_any(),
        Json::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Json::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// How deeply a frame description may nest (frames nest four levels at most).
const MAX_DEPTH: usize = 32;

/// A frame description as JSON: `dict` (string keys), `list`, `tuple`, `str`, `bool`, `None`,
/// integers (anything with `__index__`), floats, and `bytes` as hex. Containers must be exactly
/// those types, and nesting is limited, so no user code can run while it is read.
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Json> {
    to_json(obj, 0)
}

fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Json> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "a frame description nests at most {MAX_DEPTH} levels"
        )));
    }
    if obj.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(b) = obj.cast_exact::<PyBool>() {
        return Ok(Json::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast_exact::<PyString>() {
        return Ok(Json::String(s.to_str()?.to_owned()));
    }
    if let Ok(b) = obj.cast_exact::<PyBytes>() {
        return Ok(Json::String(causeway_codecs::registry::hex(b.as_bytes())));
    }
    if let Ok(d) = obj.cast_exact::<PyDict>() {
        let mut map = Map::new();
        // A snapshot of the items, so nothing read below can change what is iterated.
        for item in d.items().iter() {
            let (k, v) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            let key = k
                .cast_exact::<PyString>()
                .map_err(|_| PyTypeError::new_err("frame keys must be strings"))?;
            map.insert(key.to_str()?.to_owned(), to_json(&v, depth + 1)?);
        }
        return Ok(Json::Object(map));
    }
    if let Ok(l) = obj.cast_exact::<PyList>() {
        let items: Vec<Bound<'_, PyAny>> = l.iter().collect();
        return items
            .iter()
            .map(|item| to_json(item, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Json::Array);
    }
    if let Ok(t) = obj.cast_exact::<PyTuple>() {
        return t
            .iter()
            .map(|item| to_json(&item, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Json::Array);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Json::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinities have no JSON form"));
    }
    if obj.hasattr("__index__")? {
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Json::Number(u.into()));
        }
        return obj
            .extract::<i64>()
            .map(|i| Json::Number(i.into()))
            .map_err(|_| PyValueError::new_err("integer out of the 64-bit range"));
    }
    Err(PyTypeError::new_err(format!(
        "cannot describe a frame field with a {}",
        obj.get_type().name()?
    )))
}

static DECIMAL: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A date-time as `datetime.date` (day precision) or `datetime.datetime` (naive for device-local
/// time, UTC-aware for UTC; nanoseconds truncated to microseconds). A date Python cannot hold
/// (a leap second, year 0) comes back as its ISO 8601 text.
pub fn datetime_to_py<'py>(py: Python<'py>, dt: &DateTime) -> PyResult<Bound<'py, PyAny>> {
    let made = if dt.precision == Precision::Day {
        DATE.import(py, "datetime", "date")?
            .call1((dt.year, dt.month, dt.day))
    } else {
        let tz = match dt.zone {
            Zone::Utc => UTC
                .get_or_try_init(py, || {
                    py.import("datetime")?
                        .getattr("timezone")?
                        .getattr("utc")
                        .map(Bound::unbind)
                })?
                .bind(py)
                .clone(),
            Zone::Local => py.None().into_bound(py),
        };
        DATETIME.import(py, "datetime", "datetime")?.call1((
            dt.year,
            dt.month,
            dt.day,
            dt.hour,
            dt.minute,
            dt.second,
            dt.nanosecond / 1000,
            tz,
        ))
    };
    Ok(made.unwrap_or_else(|_| PyString::new(py, &dt.to_string()).into_any()))
}

/// A canonical value as a Python object: `None`, `bool`, `int`, `float`, `decimal.Decimal` (exact),
/// `str`, `bytes`, a date/date-time, or `datetime.timedelta`.
pub fn value_to_py<'py>(py: Python<'py>, value: &Value<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::UInt(u) => u.into_pyobject(py)?.into_any(),
        Value::Float(f) => PyFloat::new(py, *f).into_any(),
        Value::Decimal(d) => DECIMAL
            .import(py, "decimal", "Decimal")?
            .call1((d.to_string(),))?,
        Value::Text(t) => PyString::new(py, &t.to_string()).into_any(),
        Value::Bytes(b) => PyBytes::new(py, b.as_slice()).into_any(),
        Value::DateTime(dt) => datetime_to_py(py, dt)?,
        // Beyond `timedelta`'s range (about 2.7 million years) a duration stays in seconds.
        Value::Duration(d) => TIMEDELTA
            .import(py, "datetime", "timedelta")?
            .call1((0, d.as_secs(), d.subsec_micros()))
            .or_else(|_| d.as_secs_f64().into_pyobject(py).map(Bound::into_any))?,
    })
}

/// One canonical point.
#[pyclass(frozen, module = "causeway", name = "Point")]
pub struct PyPoint {
    pub point: Point<'static>,
}

impl PyPoint {
    fn json(&self) -> PyResult<Json> {
        serde_json::to_value(&self.point).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn json_key<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, self.json()?.get(key).unwrap_or(&Json::Null))
    }
}

#[pymethods]
impl PyPoint {
    /// The device, as a canonical string (`modbus:unit=17`, `mbus:id=12345678,man=LUG,...`).
    #[getter]
    fn device(&self) -> String {
        self.point.device.to_string()
    }

    /// The address within the device (`holding:107`, `rec:3`).
    #[getter]
    fn address(&self) -> String {
        self.point.address.to_string()
    }

    /// `device/address`.
    #[getter]
    fn id(&self) -> String {
        self.point.id().to_string()
    }

    /// The value (exact decimals as `decimal.Decimal`).
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        value_to_py(py, &self.point.value)
    }

    /// The value's kind: `null`, `bool`, `int`, `uint`, `float`, `decimal`, `text`, `bytes`,
    /// `datetime`, `duration`.
    #[getter]
    fn value_type(&self) -> &'static str {
        self.point.value.type_name()
    }

    /// What is measured (`energy`, `volume`, ...), if known.
    #[getter]
    fn quantity(&self) -> Option<String> {
        self.point.quantity.map(|q| q.to_string())
    }

    /// The UCUM unit code (`kWh`, `m3`, `Cel`), if any.
    #[getter]
    fn unit(&self) -> Option<String> {
        self.point.unit.map(|u| u.to_string())
    }

    /// `good`, `uncertain` or `bad`.
    #[getter]
    fn quality(&self) -> &'static str {
        self.point.quality.severity.name()
    }

    /// Why the quality is not good (`protocol_error`, `invalid_encoding`, ...), if said.
    #[getter]
    fn quality_reason(&self) -> Option<&'static str> {
        let reason = self.point.quality.reason;
        (reason != Reason::None).then_some(reason.name())
    }

    /// The protocol's own status code behind the quality (a Modbus exception code, ...).
    #[getter]
    fn quality_code(&self) -> Option<u32> {
        self.point.quality.code
    }

    /// When the value was measured, if the frame says.
    #[getter]
    fn timestamp<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.point
            .timestamp
            .as_ref()
            .map(|t| datetime_to_py(py, t))
            .transpose()
    }

    /// Protocol qualifiers (`function`, `storage`, `tariff`, `subunit`, `data_type`, ...).
    #[getter]
    fn qualifiers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let q = self.json_key(py, "qualifiers")?;
        if q.is_none() {
            return Ok(PyDict::new(py).into_any());
        }
        Ok(q)
    }

    /// The value converted into `unit`, a UCUM code of the same dimension (`kWh` for a point
    /// in `Wh`, `K` for one in `Cel`): exact (`decimal.Decimal`) where the result is a finite
    /// decimal, else a `float`.
    fn value_in<'py>(&self, py: Python<'py>, unit: &str) -> PyResult<Bound<'py, PyAny>> {
        let to = Unit::from_code(unit)
            .ok_or_else(|| PyValueError::new_err(format!("unknown unit {unit:?}")))?;
        let from = self
            .point
            .unit
            .ok_or_else(|| PyValueError::new_err("the point has no unit"))?;
        let value = from
            .convert(&self.point.value, to)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        match (value.as_decimal(), value.as_f64()) {
            (Some(exact), _) => value_to_py(py, &Value::Decimal(exact)),
            (None, Some(f)) => Ok(PyFloat::new(py, f).into_any()),
            (None, None) => Err(PyValueError::new_err("the value is not a number")),
        }
    }

    /// The point's JSON form as a dict (what the CLI prints).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.json()?)
    }

    fn __repr__(&self) -> String {
        let unit = self.point.unit.map(|u| format!(" {u}")).unwrap_or_default();
        format!(
            "<Point {} = {}{unit} ({})>",
            self.point.id(),
            serde_json::to_string(&causeway_core::json::ValueJson(&self.point.value))
                .unwrap_or_default(),
            self.point.quality.severity.name()
        )
    }
}

/// Iterates points, making each Python object when it is asked for.
#[pyclass(module = "causeway._causeway")]
pub struct PointIterator {
    points: std::vec::IntoIter<Point<'static>>,
}

impl PointIterator {
    pub fn new(points: Vec<Point<'static>>) -> Self {
        PointIterator {
            points: points.into_iter(),
        }
    }
}

#[pymethods]
impl PointIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(
        mut slf: PyRefMut<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, PyPoint>>> {
        slf.points
            .next()
            .map(|point| acyclic(py, PyPoint { point }))
            .transpose()
    }

    fn __length_hint__(&self) -> usize {
        self.points.len()
    }
}
