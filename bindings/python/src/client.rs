//! `NativeClient`: the core client behind `b24kit.Client` and `b24kit.AsyncClient`, with the two
//! ways of calling it. The per-method entry points are generated (`generated.rs`); they convert
//! their arguments and come here.

use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use b24kit::{ClientBuilder, ConfigProblem, Error, Method};

use crate::bridge::{self, AbortOnCancel};
use crate::limits::{token_callback, RateLimit, Retry};
use crate::local_io::{self, ClientToken, Failure};
use crate::response::Response;
use crate::{errors, runtime};

/// `(client_id, client_secret, refresh_token, oauth_server)`.
type Refresh = (String, String, String, String);

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
    fn new(builder: ClientBuilder) -> Result<NativeClient, Error> {
        crate::logging::refresh();
        let client = builder.clone().build()?;
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

    /// A client that shares this one's connections, limiter and token, retrying by `retry`.
    pub(crate) fn retrying(&self, py: Python<'_>, retry: Retry) -> PyResult<NativeClient> {
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

    pub(crate) fn describe(&self) -> String {
        self.label.clone()
    }

    pub(crate) fn shut(&self) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = State::Closed;
    }

    /// The core client of this process for async calls (rebuilt after a fork).
    fn client(&self, py: Python<'_>) -> PyResult<b24kit::Client> {
        // No Python runs while the lock is held (see `bridge::channel_for`).
        let outcome = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let token = match &*state {
                State::Open { pid, client, .. } if runtime::is_current(*pid) => {
                    return Ok(client.clone());
                }
                State::Open { token, .. } => token.clone(),
                State::Closed => return Err(PyRuntimeError::new_err("the client has been closed")),
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
        outcome.map_err(|e| errors::to_py(py, e))
    }

    fn token(&self) -> PyResult<ClientToken> {
        match &*self.state.lock().unwrap_or_else(|p| p.into_inner()) {
            State::Open { token, .. } => Ok(token.clone()),
            State::Closed => Err(PyRuntimeError::new_err("the client has been closed")),
        }
    }

    /// Calls on this thread and waits, with the GIL released.
    pub(crate) fn call_sync<M, F>(
        &self,
        py: Python<'_>,
        params: M,
        convert: F,
    ) -> PyResult<Py<Response>>
    where
        M: Method + 'static,
        F: FnOnce(Python<'_>, M::Output) -> PyResult<Py<PyAny>>,
    {
        let token = self.token()?;
        let shared = self.client(py)?;
        match py.detach(move || local_io::call(&token, &shared, params)) {
            Ok(Ok(answer)) => Response::new(py, answer, convert),
            Ok(Err(error)) => Err(errors::to_py(py, error)),
            Err(failure) => Err(failure.into_py(py)),
        }
    }

    /// Runs calls of `M` through `batch` on this thread and waits, with the GIL released.
    pub(crate) fn batch_sync<M, F>(
        &self,
        py: Python<'_>,
        calls: Vec<M>,
        halt: bool,
        convert: F,
    ) -> PyResult<Py<PyList>>
    where
        M: Method + 'static,
        F: Fn(Python<'_>, M::Output) -> PyResult<Py<PyAny>> + Copy,
    {
        let token = self.token()?;
        let shared = self.client(py)?;
        let run = move || {
            local_io::run(&token, &shared, move |client| async move {
                client.batch(calls, halt).await
            })
        };
        match py.detach(run) {
            Ok(items) => batch_list(py, items, convert),
            Err(failure) => Err(failure.into_py(py)),
        }
    }

    /// Starts calls of `M` through `batch` on b24kit's runtime; an asyncio future of the list.
    pub(crate) fn batch_async<'py, M, F>(
        &self,
        py: Python<'py>,
        calls: Vec<M>,
        halt: bool,
        convert: F,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        M: Method + 'static,
        F: Fn(Python<'_>, M::Output) -> PyResult<Py<PyAny>> + Copy + Send + 'static,
    {
        let client = self.client(py)?;
        let rt = runtime::get().map_err(|e| {
            PyRuntimeError::new_err(format!("cannot start b24kit's I/O threads: {e}"))
        })?;
        let (channel, future) = bridge::new_future(py)?;
        let future_ref = future.clone().unbind();
        let task = rt.spawn(async move {
            let outcome = b24kit::panic::catch_async(client.batch(calls, halt)).await;
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(items) => batch_list(py, items, convert).map(Py::into_any),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            channel.complete(future_ref, settle);
        });
        future.call_method1("add_done_callback", (AbortOnCancel(task.abort_handle()),))?;
        Ok(future)
    }

    /// Starts the call on b24kit's runtime and returns an asyncio future of its outcome.
    pub(crate) fn call_async<'py, M, F>(
        &self,
        py: Python<'py>,
        params: M,
        convert: F,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        M: Method + 'static,
        F: FnOnce(Python<'_>, M::Output) -> PyResult<Py<PyAny>> + Send + 'static,
    {
        let client = self.client(py)?;
        let rt = runtime::get().map_err(|e| {
            PyRuntimeError::new_err(format!("cannot start b24kit's I/O threads: {e}"))
        })?;
        let (channel, future) = bridge::new_future(py)?;
        let future_ref = future.clone().unbind();
        let task = rt.spawn(async move {
            let outcome = b24kit::panic::catch_async(client.call(params)).await;
            // Only Rust values cross to the loop thread; Python objects are made there.
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(Ok(answer)) => Response::new(py, answer, convert).map(Py::into_any),
                Ok(Err(error)) => Err(errors::to_py(py, error)),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            channel.complete(future_ref, settle);
        });
        future.call_method1("add_done_callback", (AbortOnCancel(task.abort_handle()),))?;
        Ok(future)
    }
}

/// One entry per call: its `Response`, or the exception instance of its error.
fn batch_list<T>(
    py: Python<'_>,
    items: Vec<b24kit::BatchItem<T>>,
    convert: impl Fn(Python<'_>, T) -> PyResult<Py<PyAny>> + Copy,
) -> PyResult<Py<PyList>> {
    let list = PyList::empty(py);
    for item in items {
        match item {
            Ok(answer) => list.append(Response::new(py, answer, convert)?)?,
            Err(error) => list.append(errors::to_py(py, error).into_value(py))?,
        }
    }
    Ok(list.unbind())
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Runtime(e) => {
                PyRuntimeError::new_err(format!("cannot start b24kit's I/O: {e}"))
            }
            Failure::Build(e) => errors::to_py(py, e),
            Failure::Panic(panic) => errors::internal(py, &panic),
        }
    }
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

/// Options shared by both constructors, converted and checked.
#[allow(clippy::too_many_arguments)]
fn configure(
    builder: ClientBuilder,
    timeout: f64,
    connect_timeout: f64,
    max_response_bytes: usize,
    user_agent: Option<String>,
    root_certificate_pem: Option<&Bound<'_, PyAny>>,
    rate_limit: Option<RateLimit>,
    retry: Retry,
) -> Result<ClientBuilder, Error> {
    let seconds = |value: f64, name: &'static str| {
        Duration::try_from_secs_f64(value)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or(Error::InvalidConfig(ConfigProblem::InvalidLimit { name }))
    };
    let mut builder =
        builder
            .timeout(seconds(timeout, "timeout")?)
            .connect_timeout(seconds(connect_timeout, "connect timeout")?)
            .max_response_bytes(max_response_bytes)
            .user_agent(user_agent.unwrap_or_else(|| {
                concat!("b24kit-python/", env!("CARGO_PKG_VERSION")).to_string()
            }))
            .rate_limit(rate_limit.map(|l| l.0))
            .retry(retry.0);
    if let Some(pem) = root_certificate_pem {
        let bytes = pem
            .extract::<String>()
            .map(String::into_bytes)
            .or_else(|_| pem.extract::<Vec<u8>>())
            .map_err(|_| {
                Error::InvalidConfig(ConfigProblem::InvalidCertificate {
                    reason: "root_certificate_pem must be str or bytes".to_string(),
                })
            })?;
        builder = builder.add_root_certificate_pem(bytes);
    }
    Ok(builder)
}

/// A client for an inbound webhook URL.
#[pyfunction]
#[pyo3(signature = (url, timeout, connect_timeout, max_response_bytes, user_agent, root_certificate_pem, rate_limit, retry, /))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn client_from_webhook(
    py: Python<'_>,
    url: &str,
    timeout: f64,
    connect_timeout: f64,
    max_response_bytes: usize,
    user_agent: Option<String>,
    root_certificate_pem: Option<&Bound<'_, PyAny>>,
    rate_limit: Option<PyRef<'_, RateLimit>>,
    retry: PyRef<'_, Retry>,
) -> PyResult<NativeClient> {
    configure(
        b24kit::Client::webhook(url),
        timeout,
        connect_timeout,
        max_response_bytes,
        user_agent,
        root_certificate_pem,
        rate_limit.map(|l| *l),
        *retry,
    )
    .and_then(NativeClient::new)
    .map_err(|e| errors::to_py(py, e))
}

/// A client for an OAuth application: the portal's REST base and an access token.
#[pyfunction]
#[pyo3(signature = (endpoint, access_token, timeout, connect_timeout, max_response_bytes, user_agent, root_certificate_pem, rate_limit, retry, refresh, on_tokens_refreshed, /))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn client_from_oauth(
    py: Python<'_>,
    endpoint: &str,
    access_token: &str,
    timeout: f64,
    connect_timeout: f64,
    max_response_bytes: usize,
    user_agent: Option<String>,
    root_certificate_pem: Option<&Bound<'_, PyAny>>,
    rate_limit: Option<PyRef<'_, RateLimit>>,
    retry: PyRef<'_, Retry>,
    refresh: Option<Refresh>,
    on_tokens_refreshed: Option<Py<PyAny>>,
) -> PyResult<NativeClient> {
    configure(
        b24kit::Client::oauth(endpoint, access_token),
        timeout,
        connect_timeout,
        max_response_bytes,
        user_agent,
        root_certificate_pem,
        rate_limit.map(|l| *l),
        *retry,
    )
    .map(|builder| match refresh {
        None => builder,
        Some((client_id, client_secret, refresh_token, server)) => {
            let builder = builder
                .refresh_token(client_id, client_secret, refresh_token)
                .oauth_server(server);
            match on_tokens_refreshed {
                Some(callback) => builder.on_tokens_refreshed(token_callback(callback)),
                None => builder,
            }
        }
    })
    .and_then(NativeClient::new)
    .map_err(|e| errors::to_py(py, e))
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
    let probe = b24kit::panic::PanicProbe;
    if asynchronous {
        client.call_async(py, probe, crate::response::plain)
    } else {
        client
            .call_sync(py, probe, crate::response::plain)
            .map(|r| r.into_bound(py).into_any())
    }
}
