//! `NativeClient`: the core client behind `b24kit.Client` and `b24kit.AsyncClient`: made from
//! the client options, rebuilt in a forked child, shared with `with_retry`, closed. The calls
//! are in `dispatch`; their entry points are generated.

use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use b24kit::{ClientBuilder, Span};

use pyo3::types::PyList;

use crate::json;
use crate::local_io::ClientToken;
use crate::paging::NativePager;
use crate::settings::{Options, Retry, Stats};
use crate::tokens::Refresh;
use crate::{errors, runtime};

#[pyclass(frozen, module = "b24kit._native")]
pub struct NativeClient {
    /// Kept to build the client again in a forked child, whose connections are not usable.
    builder: ClientBuilder,
    label: String,
    state: Mutex<State>,
}

enum State {
    Open {
        /// The process the async client's pool belongs to.
        pid: u32,
        /// For async calls, on the shared runtime.
        client: b24kit::Client,
        /// Owns the per-thread pools of blocking calls (`local_io`).
        token: ClientToken,
    },
    Closed,
}

impl NativeClient {
    fn new(py: Python<'_>, builder: ClientBuilder) -> PyResult<NativeClient> {
        crate::logging::refresh();
        let client = builder.clone().build().map_err(|e| errors::to_py(py, &e))?;
        Ok(NativeClient {
            builder,
            label: client.to_string(),
            state: Mutex::new(State::Open {
                pid: std::process::id(),
                client,
                token: ClientToken::default(),
            }),
        })
    }

    /// The core client of this process for async calls (rebuilt after a fork).
    pub(crate) fn client(&self, py: Python<'_>) -> PyResult<b24kit::Client> {
        // No Python runs while the lock is held (see `bridge::channel_for`).
        let outcome = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let token = match &*state {
                State::Open { pid, client, .. } if runtime::is_current(*pid) => {
                    return Ok(client.clone());
                }
                State::Open { token, .. } => token.clone(),
                State::Closed => return Err(closed()),
            };
            self.builder.clone().build().inspect(|client| {
                let inherited = std::mem::replace(
                    &mut *state,
                    State::Open {
                        pid: std::process::id(),
                        client: client.clone(),
                        token,
                    },
                );
                // The parent's pool may hold locks taken by threads that do not exist here.
                std::mem::forget(inherited);
            })
        };
        outcome.map_err(|e| errors::to_py(py, &e))
    }

    /// Owns this client's per-thread pools of blocking calls.
    pub(crate) fn token(&self) -> PyResult<ClientToken> {
        match &*self.state.lock().unwrap_or_else(|p| p.into_inner()) {
            State::Open { token, .. } => Ok(token.clone()),
            State::Closed => Err(closed()),
        }
    }
}

fn closed() -> PyErr {
    PyRuntimeError::new_err("the client has been closed")
}

#[pymethods]
impl NativeClient {
    /// The portal and the kind of credential; never the key or the token.
    #[getter]
    fn label(&self) -> String {
        self.label.clone()
    }

    /// What the client and its clones have done so far (counters for metrics).
    fn stats(&self, py: Python<'_>) -> PyResult<Stats> {
        Ok(Stats(self.client(py)?.stats()))
    }

    /// Drops the connection pool; later calls raise `RuntimeError`.
    fn close(&self) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = State::Closed;
    }

    fn __repr__(&self) -> String {
        format!("<b24kit._native.NativeClient {}>", self.label)
    }

    /// Any method by name with JSON parameters, waiting with the GIL released.
    #[pyo3(signature = (method, params, idempotent, /))]
    fn call_method(
        &self,
        py: Python<'_>,
        method: &str,
        params: &Bound<'_, PyAny>,
        idempotent: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        self.call_any_sync(py, any_call(method, params, idempotent)?)
    }

    /// Any method by name, as an asyncio future.
    #[pyo3(signature = (method, params, idempotent, /))]
    fn call_method_async<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        params: &Bound<'py, PyAny>,
        idempotent: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.call_any_async(py, any_call(method, params, idempotent)?)
    }

    /// Calls of any methods, `(name, method, params)` each, through `batch`; waits.
    #[pyo3(signature = (calls, halt, /))]
    fn batch_calls(
        &self,
        py: Python<'_>,
        calls: &Bound<'_, PyAny>,
        halt: bool,
    ) -> PyResult<Py<PyList>> {
        self.batch_any_sync(py, named_calls(calls)?, halt)
    }

    /// Calls of any methods through `batch`, as an asyncio future of the list.
    #[pyo3(signature = (calls, halt, /))]
    fn batch_calls_async<'py>(
        &self,
        py: Python<'py>,
        calls: &Bound<'py, PyAny>,
        halt: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.batch_any_async(py, named_calls(calls)?, halt)
    }

    /// A walk through a list method, by ID or through counted pages.
    #[pyo3(signature = (method, params, by_id, id_field, items_key, /))]
    fn list(
        &self,
        py: Python<'_>,
        method: &str,
        params: &Bound<'_, PyAny>,
        by_id: bool,
        id_field: Option<String>,
        items_key: Option<String>,
    ) -> PyResult<NativePager> {
        let params = json::to_json(params, "params")?;
        let list = b24kit::ListCall::with_options(method, params, by_id, id_field, items_key);
        Ok(NativePager::new(self.client(py)?.list(list)))
    }

    /// This client with other time limits (seconds; `None` keeps this one's), sharing
    /// connections, limiter and token.
    #[pyo3(signature = (timeout, deadline, /))]
    fn with_time_limits(
        &self,
        py: Python<'_>,
        timeout: Option<f64>,
        deadline: Option<f64>,
    ) -> PyResult<NativeClient> {
        let (timeout, deadline) = (timeout.map(Span::Seconds), deadline.map(Span::Seconds));
        let client = self
            .client(py)?
            .with_time_limits(timeout, deadline)
            .map_err(|p| errors::config(py, p))?;
        let builder = (self.builder.clone())
            .timeout(client.timeout())
            .deadline(client.deadline());
        Ok(NativeClient {
            builder,
            label: self.label.clone(),
            state: Mutex::new(State::Open {
                pid: std::process::id(),
                client,
                token: self.token()?,
            }),
        })
    }

    /// This client with another retry policy, sharing connections, limiter and token.
    fn with_retry(&self, py: Python<'_>, retry: Retry) -> PyResult<NativeClient> {
        let client = self.client(py)?.with_retry(retry.0);
        Ok(NativeClient {
            builder: self.builder.clone().retry(retry.0),
            label: self.label.clone(),
            state: Mutex::new(State::Open {
                pid: std::process::id(),
                client,
                token: self.token()?,
            }),
        })
    }
}

/// A call by name from Python arguments.
fn any_call(
    method: &str,
    params: &Bound<'_, PyAny>,
    idempotent: Option<bool>,
) -> PyResult<b24kit::AnyCall> {
    Ok(b24kit::AnyCall::new(method, json::to_json(params, "params")?).idempotency(idempotent))
}

/// The calls of a mixed batch: `(name, method, params)` tuples.
fn named_calls(calls: &Bound<'_, PyAny>) -> PyResult<Vec<b24kit::NamedCall>> {
    let mut out = Vec::new();
    for item in calls.try_iter()? {
        let (name, method, params): (String, String, Bound<'_, PyAny>) = item?.extract()?;
        let params = json::to_json(&params, &name)?;
        out.push(b24kit::NamedCall::new(
            name,
            b24kit::AnyCall::new(method, params),
        ));
    }
    Ok(out)
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        if let State::Open { pid, .. } = state {
            if !runtime::is_current(*pid) {
                // Inherited through fork(): dropping could wait on the parent's locks.
                std::mem::forget(std::mem::replace(state, State::Closed));
            }
        }
    }
}

/// A client for an inbound webhook URL, with the options of `Client.from_webhook`.
#[pyfunction]
#[pyo3(signature = (url, options, /))]
pub(crate) fn client_from_webhook(
    py: Python<'_>,
    url: &str,
    options: Options<'_>,
) -> PyResult<NativeClient> {
    let settings = options.settings(None).map_err(|p| errors::config(py, p))?;
    NativeClient::new(py, b24kit::Client::webhook(url).settings(settings))
}

/// A client for an OAuth application: the portal's REST base and an access token, with the
/// options of `Client.from_oauth` and, to renew the token, `refresh`.
#[pyfunction]
#[pyo3(signature = (endpoint, access_token, options, refresh, /))]
pub(crate) fn client_from_oauth(
    py: Python<'_>,
    endpoint: &str,
    access_token: &str,
    options: Options<'_>,
    refresh: Option<Refresh>,
) -> PyResult<NativeClient> {
    let settings = options
        .settings(refresh)
        .map_err(|p| errors::config(py, p))?;
    NativeClient::new(
        py,
        b24kit::Client::oauth(endpoint, access_token).settings(settings),
    )
}

/// Test hook, not API: a call through `client` that panics inside the core
/// (`b24kit::panic::PanicProbe`), blocking or as an asyncio future.
#[pyfunction]
#[pyo3(signature = (client, asynchronous, /))]
pub(crate) fn _panic_for_tests<'py>(
    py: Python<'py>,
    client: &NativeClient,
    asynchronous: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let probe = b24kit::panic::PanicProbe::<b24kit::Spec>::new();
    let respond =
        |py: Python<'_>, answer: b24kit::Response<bool>| crate::response::plain(py, answer.result);
    if asynchronous {
        client.call_async(py, probe, respond)
    } else {
        client
            .call_sync(py, probe, respond)
            .map(|r| r.into_bound(py))
    }
}
