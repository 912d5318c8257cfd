//! `b24kit.Response`: the result of a successful call with its `time` object.

use pyo3::prelude::*;
use pyo3::types::PyType;
use pyo3::IntoPyObjectExt;

use crate::generated::Time;

/// A successful call: the typed `result` and the answer's `time`.
#[pyclass(frozen, module = "b24kit", name = "Response")]
pub struct Response {
    #[pyo3(get)]
    result: Py<PyAny>,
    #[pyo3(get)]
    time: Py<Time>,
}

impl Response {
    /// The Python response of a call, its result converted by `convert`.
    pub(crate) fn new<T>(
        py: Python<'_>,
        answer: b24kit::Response<T>,
        convert: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>>,
    ) -> PyResult<Py<Response>> {
        let result = convert(py, answer.result)?;
        let time = Py::new(py, Time::from(answer.time))?;
        Py::new(py, Response { result, time })
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
        Ok(
            self.result.bind(py).eq(other.result.bind(py))?
                && *self.time.get() == *other.time.get(),
        )
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
