//! The settings classes of `b24kit`: `RateLimit`, `Retry`, and `Tokens` (what the token-refresh
//! callback receives). Each wraps its core type, so the rules (validation, defaults) are the
//! core's.

use std::time::Duration;

use pyo3::prelude::*;

use b24kit::{Error, RetryPolicy};

use crate::errors;

/// The portal's request-intensity limit that a client paces itself by: a leaky bucket of
/// ``burst`` requests draining ``drain_per_second``. ``RateLimit.STANDARD`` (50, 2/s) is every
/// plan but Enterprise, ``RateLimit.ENTERPRISE`` (250, 5/s) Enterprise.
#[pyclass(frozen, eq, module = "b24kit", name = "RateLimit")]
#[derive(Clone, Copy, PartialEq)]
pub struct RateLimit(pub(crate) b24kit::RateLimit);

#[pymethods]
impl RateLimit {
    #[new]
    fn new(py: Python<'_>, burst: f64, drain_per_second: f64) -> PyResult<RateLimit> {
        b24kit::RateLimit::new(burst, drain_per_second)
            .map(RateLimit)
            .map_err(|e| errors::to_py(py, e))
    }

    #[classattr]
    const STANDARD: RateLimit = RateLimit(b24kit::RateLimit::STANDARD);

    #[classattr]
    const ENTERPRISE: RateLimit = RateLimit(b24kit::RateLimit::ENTERPRISE);

    #[getter]
    fn burst(&self) -> f64 {
        self.0.burst()
    }

    #[getter]
    fn drain_per_second(&self) -> f64 {
        self.0.drain_per_second()
    }

    /// The least time, in seconds, that ``requests`` calls take under this limit.
    fn minimum_duration(&self, requests: u64) -> f64 {
        self.0.minimum_duration(requests).as_secs_f64()
    }

    fn __repr__(&self) -> String {
        format!(
            "RateLimit(burst={}, drain_per_second={})",
            self.0.burst(),
            self.0.drain_per_second()
        )
    }
}

/// How failed calls are tried again: at most ``max_attempts`` attempts (the first included),
/// waiting ``initial_backoff`` seconds before the first retry and doubling up to ``max_backoff``
/// (each wait jittered), and, with ``deadline``, never past that many seconds for the whole call.
/// Only failures that retrying can fix are retried (see the README).
#[pyclass(frozen, eq, module = "b24kit", name = "Retry")]
#[derive(Clone, Copy, PartialEq)]
pub struct Retry(pub(crate) RetryPolicy);

#[pymethods]
impl Retry {
    #[new]
    #[pyo3(signature = (*, max_attempts = 4, initial_backoff = 0.5, max_backoff = 10.0, deadline = None))]
    fn new(
        py: Python<'_>,
        max_attempts: u32,
        initial_backoff: f64,
        max_backoff: f64,
        deadline: Option<f64>,
    ) -> PyResult<Retry> {
        let invalid = |name: &'static str| {
            errors::to_py(
                py,
                Error::InvalidConfig(b24kit::ConfigProblem::InvalidLimit { name }),
            )
        };
        let seconds =
            |value: f64, name| Duration::try_from_secs_f64(value).map_err(|_| invalid(name));
        RetryPolicy::from_settings(
            Some(max_attempts),
            Some(seconds(initial_backoff, "initial backoff")?),
            Some(seconds(max_backoff, "max backoff")?),
            deadline.map(|d| seconds(d, "deadline")).transpose()?,
        )
        .map(Retry)
        .map_err(|e| errors::to_py(py, e))
    }

    /// One attempt: every failure is raised as it is.
    #[staticmethod]
    fn never() -> Retry {
        Retry(RetryPolicy::never())
    }

    #[getter]
    fn max_attempts(&self) -> u32 {
        self.0.get_max_attempts()
    }

    #[getter]
    fn initial_backoff(&self) -> f64 {
        self.0.get_backoff().0.as_secs_f64()
    }

    #[getter]
    fn max_backoff(&self) -> f64 {
        self.0.get_backoff().1.as_secs_f64()
    }

    #[getter]
    fn deadline(&self) -> Option<f64> {
        self.0.get_deadline().map(|d| d.as_secs_f64())
    }

    fn __repr__(&self) -> String {
        let deadline = match self.0.get_deadline() {
            Some(d) => d.as_secs_f64().to_string(),
            None => "None".to_string(),
        };
        format!(
            "Retry(max_attempts={}, initial_backoff={}, max_backoff={}, deadline={deadline})",
            self.max_attempts(),
            self.initial_backoff(),
            self.max_backoff()
        )
    }
}

/// A renewed token pair, as the ``on_tokens_refreshed`` callback receives it: store
/// ``refresh_token`` in place of the old one. ``repr()`` shows neither token.
#[pyclass(frozen, get_all, module = "b24kit", name = "Tokens")]
pub struct Tokens {
    access_token: String,
    refresh_token: String,
    /// Unix time at which the access token expires, when the server said.
    expires: Option<i64>,
    expires_in: Option<i64>,
    client_endpoint: Option<String>,
    member_id: Option<String>,
}

impl From<&b24kit::Tokens> for Tokens {
    fn from(t: &b24kit::Tokens) -> Tokens {
        Tokens {
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone(),
            expires: t.expires,
            expires_in: t.expires_in,
            client_endpoint: t.client_endpoint.clone(),
            member_id: t.member_id.clone(),
        }
    }
}

#[pymethods]
impl Tokens {
    fn __repr__(&self) -> String {
        format!(
            "Tokens(access_token='***', refresh_token='***', expires={:?}, client_endpoint={:?})",
            self.expires, self.client_endpoint
        )
    }
}

/// Hands each renewed pair to a Python callable. An exception it raises is reported through
/// `sys.unraisablehook` (it cannot fail the call that happened to trigger the renewal).
pub(crate) fn token_callback(
    callback: Py<PyAny>,
) -> impl Fn(&b24kit::Tokens) + Send + Sync + 'static {
    move |tokens| {
        Python::attach(|py| {
            let outcome =
                Py::new(py, Tokens::from(tokens)).and_then(|t| callback.call1(py, (t,)).map(drop));
            if let Err(e) = outcome {
                e.write_unraisable(py, Some(callback.bind(py)));
            }
        });
    }
}
