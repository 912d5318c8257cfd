//! `b24kit.Response`: the result of a successful call with its `time` object. Both are made by
//! the generated code (the result's class and `Time` come from the specs); this class only
//! holds them.

use pyo3::prelude::*;
use pyo3::types::PyType;
use pyo3::IntoPyObjectExt;

/// A successful call: the typed `result` and the answer's `time`.
#[pyclass(frozen, module = "b24kit", name = "Response")]
pub struct Response {
    #[pyo3(get)]
    result: Py<PyAny>,
    #[pyo3(get)]
    time: Py<PyAny>,
}

impl Response {
    pub(crate) fn make(py: Python<'_>, result: Py<PyAny>, time: Py<PyAny>) -> PyResult<Py<PyAny>> {
        Py::new(py, Response { result, time }).map(Py::into_any)
    }
}

/// The conversion of results that are plain Python values (booleans, lists of numbers).
pub(crate) fn plain<T: for<'py> IntoPyObject<'py>>(
    py: Python<'_>,
    value: T,
) -> PyResult<Py<PyAny>> {
    value.into_py_any(py)
}

#[pymethods]
impl Response {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Response(result={}, time={})",
            self.result.bind(py).repr()?,
            self.time.bind(py).repr()?
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<Response>() else {
            return Ok(false);
        };
        let other = other.get();
        Ok(self.result.bind(py).eq(other.result.bind(py))?
            && self.time.bind(py).eq(other.time.bind(py))?)
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
