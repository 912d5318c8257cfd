//! Core errors → the Python exception hierarchy of `b24kit.errors`. The classes live in Python;
//! `b24kit/__init__.py` registers their factory here at import, and every error crosses over as
//! `factory(variant, message, **fields)` with the fields of the core's `ErrorReport`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use b24kit::{Casing, ConfigProblem, Error, ErrorReport};

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Registers `b24kit.errors._make`.
#[pyfunction]
pub(crate) fn set_error_factory(py: Python<'_>, factory: Py<PyAny>) {
    let _ = FACTORY.set(py, factory);
}

/// The exception of a core error, parameters named as Python names them.
pub(crate) fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    from_report(py, ErrorReport::new(error, Casing::Snake))
}

/// `ConfigError` for settings the core refused.
pub(crate) fn config(py: Python<'_>, problem: ConfigProblem) -> PyErr {
    to_py(py, &Error::InvalidConfig(problem))
}

/// The base `B24kitError` for a bug in b24kit (a Rust panic): never a `PanicException`.
pub(crate) fn internal(py: Python<'_>, panic: &b24kit::panic::Panic) -> PyErr {
    from_report(py, ErrorReport::internal(panic))
}

pub(crate) fn from_report(py: Python<'_>, report: ErrorReport) -> PyErr {
    let Some(factory) = FACTORY.get(py) else {
        return PyRuntimeError::new_err(report.message);
    };
    let made = (|| -> PyResult<Bound<'_, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", report.code)?;
        kwargs.set_item("description", report.description)?;
        kwargs.set_item("http_status", report.http_status)?;
        kwargs.set_item("retryable", report.retryable)?;
        kwargs.set_item("may_have_reached_server", report.may_have_reached_server)?;
        kwargs.set_item("method", report.method)?;
        kwargs.set_item("category", report.category)?;
        kwargs.set_item("kind", report.kind)?;
        kwargs.set_item("parameter", report.parameter)?;
        factory
            .bind(py)
            .call((report.variant, report.message), Some(&kwargs))
    })();
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}
