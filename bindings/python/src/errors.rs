//! Core errors → the Python exception hierarchy of `b24kit.errors`. The classes live in Python
//! (generated from the spec); `b24kit/__init__.py` registers their factory here at import, and
//! every error crosses over as `factory(kind, message, **fields)`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use b24kit::Error;

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Registers `b24kit.errors._make`.
#[pyfunction]
pub(crate) fn set_error_factory(py: Python<'_>, factory: Py<PyAny>) {
    let _ = FACTORY.set(py, factory);
}

/// The fields every exception carries; `None` where they do not apply.
#[derive(Default)]
struct Fields {
    code: Option<String>,
    description: Option<String>,
    http_status: Option<u16>,
    retryable: bool,
    may_have_reached_server: bool,
    method: Option<&'static str>,
    category: Option<&'static str>,
    kind: Option<&'static str>,
    parameter: Option<String>,
}

pub(crate) fn to_py(py: Python<'_>, error: Error) -> PyErr {
    let mut fields = Fields {
        code: error.code().map(str::to_string),
        description: error.description().map(str::to_string),
        http_status: error.status(),
        retryable: error.is_retryable(),
        may_have_reached_server: error.may_have_reached_server(),
        ..Fields::default()
    };
    let mut message = error.to_string();
    match &error {
        Error::Method { error, .. } => fields.method = Some(error.method()),
        Error::System { error, .. } => fields.category = Some(error.category().name()),
        Error::Transport { kind, .. } => fields.kind = Some(kind.name()),
        Error::Protocol { kind, .. } => fields.kind = Some(kind.name()),
        Error::InvalidArgument { parameter, .. } => {
            // Name parameters the way the caller wrote them.
            message = error.message_naming(crate::generated::param_name);
            fields.parameter = Some(crate::generated::param_name(parameter).to_string());
        }
        _ => {}
    }
    build(py, error.kind_name(), &message, fields)
}

/// `InvalidArgumentError` for a value the binding itself cannot convert.
pub(crate) fn invalid_argument(py: Python<'_>, name: &str, message: String) -> PyErr {
    let fields = Fields {
        parameter: Some(name.to_string()),
        ..Fields::default()
    };
    build(py, "invalid_argument", &message, fields)
}

/// The base `B24kitError` for a bug in b24kit (a Rust panic): never a `PanicException`.
pub(crate) fn internal(py: Python<'_>, panic: &b24kit::panic::Panic) -> PyErr {
    build(py, "internal", &panic.to_string(), Fields::default())
}

fn build(py: Python<'_>, kind: &str, message: &str, f: Fields) -> PyErr {
    let Some(factory) = FACTORY.get(py) else {
        return PyRuntimeError::new_err(message.to_string());
    };
    let made = (|| -> PyResult<Bound<'_, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", f.code)?;
        kwargs.set_item("description", f.description)?;
        kwargs.set_item("http_status", f.http_status)?;
        kwargs.set_item("retryable", f.retryable)?;
        kwargs.set_item("may_have_reached_server", f.may_have_reached_server)?;
        kwargs.set_item("method", f.method)?;
        kwargs.set_item("category", f.category)?;
        kwargs.set_item("kind", f.kind)?;
        kwargs.set_item("parameter", f.parameter)?;
        factory.bind(py).call((kind, message), Some(&kwargs))
    })();
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}
