//! `b24kit.Response`: the result of a successful call with its `time` object and, for list
//! methods, `total` and `next`. The result's class and `Time` come from the specs: the caller
//! converts the result, and the generated module registers how `Time` is made.

use std::sync::OnceLock;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyType;
use pyo3::IntoPyObjectExt;

/// A successful call: the typed `result`, the answer's `time`, and where a list stands.
#[pyclass(frozen, module = "b24kit", name = "Response")]
pub struct Response {
    #[pyo3(get)]
    result: Py<PyAny>,
    #[pyo3(get)]
    time: Py<PyAny>,
    /// For list methods: how many items the list has, when the portal counted.
    #[pyo3(get)]
    total: Option<u64>,
    /// For list methods: the `start` of the next page.
    #[pyo3(get)]
    next: Option<u64>,
}

/// Makes the Python `Time` of an answer.
pub(crate) type MakeTime = fn(Python<'_>, b24kit::Time) -> PyResult<Py<PyAny>>;

static MAKE_TIME: OnceLock<MakeTime> = OnceLock::new();

/// Registers how `Time` is made; the generated module, which defines the class, calls it.
pub(crate) fn register_time(make: MakeTime) {
    let _ = MAKE_TIME.set(make);
}

/// The Python `Response` of a successful answer, its result made by `result`.
pub(crate) fn respond<T>(
    py: Python<'_>,
    answer: b24kit::Response<T>,
    result: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    let make_time = MAKE_TIME
        .get()
        .ok_or_else(|| PyRuntimeError::new_err("b24kit's native module is not initialised"))?;
    let time = make_time(py, answer.time)?;
    let response = Response {
        result: result(py, answer.result)?,
        time,
        total: answer.total,
        next: answer.next,
    };
    Py::new(py, response).map(Py::into_any)
}

/// A result as its Python value: a boolean, a number, a list, an instance of a result class.
pub(crate) fn plain<T: for<'py> IntoPyObject<'py>>(
    py: Python<'_>,
    value: T,
) -> PyResult<Py<PyAny>> {
    value.into_py_any(py)
}

#[pymethods]
impl Response {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut repr = format!("Response(result={}", self.result.bind(py).repr()?);
        // `total` and `next` only mean something for list methods; shown when the portal sent them.
        if let Some(total) = self.total {
            repr.push_str(&format!(", total={total}"));
        }
        if let Some(next) = self.next {
            repr.push_str(&format!(", next={next}"));
        }
        repr.push_str(&format!(", time={})", self.time.bind(py).repr()?));
        Ok(repr)
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<Response>() else {
            return Ok(false);
        };
        let other = other.get();
        Ok(self.result.bind(py).eq(other.result.bind(py))?
            && self.time.bind(py).eq(other.time.bind(py))?
            && (self.total, self.next) == (other.total, other.next))
    }

    /// `Response[bool]` works at run time too, as in annotations.
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
}

/// A value as Python's `repr` spells it (`8.426e-06`, `'text'`, `None`).
pub(crate) fn py_repr<T>(py: Python<'_>, value: &T) -> PyResult<String>
where
    T: Clone + for<'py> IntoPyObject<'py>,
{
    Ok(value.clone().into_bound_py_any(py)?.repr()?.to_string())
}
