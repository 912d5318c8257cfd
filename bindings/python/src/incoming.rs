//! `read_event`: the body a portal POSTs to an event handler, read by the core into an
//! `EventDelivery` whose `event` is the event's class (generated) or `OtherEvent`.

use std::sync::OnceLock;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use b24kit::ErrorReport;

/// Makes the Python object of an event: its class, which the generated module defines.
pub(crate) type MakeEvent = fn(Python<'_>, b24kit::PortalEvent) -> PyResult<Py<PyAny>>;

static MAKE_EVENT: OnceLock<MakeEvent> = OnceLock::new();

/// Registers how events are made; the generated module, which defines their classes, calls it.
pub(crate) fn register_events(make: MakeEvent) {
    let _ = MAKE_EVENT.set(make);
}

/// An event the specs do not type: its code and its `data` as the form gave it.
#[pyclass(frozen, module = "b24kit", name = "OtherEvent")]
pub(crate) struct OtherEvent {
    #[pyo3(get)]
    code: String,
    data: serde_json::Value,
}

impl OtherEvent {
    pub(crate) fn new(code: String, data: serde_json::Value) -> OtherEvent {
        OtherEvent { code, data }
    }
}

#[pymethods]
impl OtherEvent {
    /// The delivery's `data` (a new dict on each read; every value is text).
    #[getter]
    fn data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        crate::json::to_python(py, &self.data)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let data = self.data(py)?;
        Ok(format!(
            "OtherEvent(code={:?}, data={})",
            self.code,
            data.bind(py).repr()?
        ))
    }
}

/// Who sent a delivery; the tokens are shown as `'***'`.
#[pyclass(frozen, get_all, module = "b24kit", name = "EventAuth")]
pub(crate) struct EventAuth {
    domain: String,
    member_id: String,
    scope: Option<String>,
    status: Option<String>,
    client_endpoint: Option<String>,
    server_endpoint: Option<String>,
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
}

impl From<b24kit::EventAuth> for EventAuth {
    fn from(a: b24kit::EventAuth) -> EventAuth {
        EventAuth {
            domain: a.domain,
            member_id: a.member_id,
            scope: a.scope,
            status: a.status,
            client_endpoint: a.client_endpoint,
            server_endpoint: a.server_endpoint,
            access_token: a.access_token,
            refresh_token: a.refresh_token,
            expires_in: a.expires_in,
        }
    }
}

#[pymethods]
impl EventAuth {
    fn __repr__(&self) -> String {
        let hidden = |t: &Option<String>| if t.is_some() { "'***'" } else { "None" };
        format!(
            "EventAuth(domain={:?}, member_id={:?}, scope={:?}, status={:?}, access_token={}, \
             refresh_token={}, expires_in={:?})",
            self.domain,
            self.member_id,
            self.scope,
            self.status,
            hidden(&self.access_token),
            hidden(&self.refresh_token),
            self.expires_in
        )
    }
}

/// One POST of a portal to an event handler.
#[pyclass(frozen, get_all, module = "b24kit", name = "EventDelivery")]
pub(crate) struct EventDelivery {
    event: Py<PyAny>,
    event_id: Option<i64>,
    sent_at: Option<i64>,
    auth: Py<EventAuth>,
}

#[pymethods]
impl EventDelivery {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "EventDelivery(event={}, event_id={:?}, sent_at={:?}, auth={})",
            self.event.bind(py).repr()?,
            self.event_id,
            self.sent_at,
            self.auth.bind(py).repr()?
        ))
    }
}

/// The body is `bytes` (or `str`) as the handler received it.
#[derive(FromPyObject)]
pub(crate) enum Body {
    Bytes(Vec<u8>),
    Text(String),
}

#[pyfunction]
#[pyo3(signature = (body, application_token, /))]
pub(crate) fn read_event(
    py: Python<'_>,
    body: Body,
    application_token: &str,
) -> PyResult<EventDelivery> {
    let body = match body {
        Body::Bytes(bytes) => bytes,
        Body::Text(text) => text.into_bytes(),
    };
    let read = b24kit::panic::catch(|| b24kit::read_event(&body, application_token))
        .map_err(|panic| crate::errors::internal(py, &panic))?;
    let delivery = read.map_err(|e| crate::errors::from_report(py, ErrorReport::from(&e)))?;
    let make_event = MAKE_EVENT
        .get()
        .ok_or_else(|| PyRuntimeError::new_err("b24kit's native module is not initialised"))?;
    Ok(EventDelivery {
        event: make_event(py, delivery.event)?,
        event_id: delivery.event_id,
        sent_at: delivery.sent_at,
        auth: Py::new(py, EventAuth::from(delivery.auth))?,
    })
}
