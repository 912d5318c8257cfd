//! The settings classes of `b24kit` — `RateLimit`, `Retry`, `OperatingBudget`, `SharedLimits` —
//! and the client
//! options of `Client.from_webhook`/`from_oauth`, turned into the core's `Settings`. Each class
//! wraps its core type, so defaults, checks and arithmetic are the core's.

use pyo3::prelude::*;

use b24kit::{ConfigProblem, RetryPolicy, RetrySettings, Settings, Span};

use crate::errors;
use crate::tokens::{token_callback, Refresh};

/// The portal's request-intensity limit that a client paces itself by: a leaky bucket of
/// ``burst`` requests draining ``drain_per_second``. ``RateLimit.STANDARD`` (50, 2/s) is every
/// plan but Enterprise, ``RateLimit.ENTERPRISE`` (250, 5/s) Enterprise.
#[pyclass(frozen, eq, from_py_object, module = "b24kit", name = "RateLimit")]
#[derive(Clone, Copy, PartialEq)]
pub struct RateLimit(pub(crate) b24kit::RateLimit);

#[pymethods]
impl RateLimit {
    #[new]
    fn new(py: Python<'_>, burst: f64, drain_per_second: f64) -> PyResult<RateLimit> {
        b24kit::RateLimit::new(burst, drain_per_second)
            .map(RateLimit)
            .map_err(|p| errors::config(py, p))
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
/// (each wait jittered), all within the client's ``deadline``. What is left out keeps the
/// default. Only failures that retrying can fix are retried (see the README).
#[pyclass(frozen, eq, from_py_object, module = "b24kit", name = "Retry")]
#[derive(Clone, Copy, PartialEq)]
pub struct Retry(pub(crate) RetryPolicy);

#[pymethods]
impl Retry {
    #[new]
    #[pyo3(signature = (*, max_attempts = None, initial_backoff = None, max_backoff = None))]
    fn new(
        py: Python<'_>,
        max_attempts: Option<f64>,
        initial_backoff: Option<f64>,
        max_backoff: Option<f64>,
    ) -> PyResult<Retry> {
        RetryPolicy::from_settings(&RetrySettings {
            max_attempts,
            initial_backoff: initial_backoff.map(Span::Seconds),
            max_backoff: max_backoff.map(Span::Seconds),
        })
        .map(Retry)
        .map_err(|p| errors::config(py, p))
    }

    /// One attempt: every failure is raised as it is.
    #[staticmethod]
    fn never() -> Retry {
        Retry(RetryPolicy::never())
    }

    #[getter]
    fn max_attempts(&self) -> u32 {
        self.0.max_attempts()
    }

    #[getter]
    fn initial_backoff(&self) -> f64 {
        self.0.initial_backoff().as_secs_f64()
    }

    #[getter]
    fn max_backoff(&self) -> f64 {
        self.0.max_backoff().as_secs_f64()
    }

    fn __repr__(&self) -> String {
        format!(
            "Retry(max_attempts={}, initial_backoff={}, max_backoff={})",
            self.max_attempts(),
            self.initial_backoff(),
            self.max_backoff()
        )
    }
}

/// The per-method execution-time budget a client stays under: the portal's ``limit`` (seconds a
/// method may run in its 10-minute window; 480 on cloud portals) and the ``headroom`` left
/// unused (10 s). Near the limit, calls of that method wait for the release the portal
/// announced instead of failing with ``OPERATION_TIME_LIMIT``. What is left out keeps the
/// default.
#[pyclass(
    frozen,
    eq,
    from_py_object,
    module = "b24kit",
    name = "OperatingBudget"
)]
#[derive(Clone, Copy, PartialEq)]
pub struct OperatingBudget(pub(crate) b24kit::OperatingBudget);

#[pymethods]
impl OperatingBudget {
    #[new]
    #[pyo3(signature = (*, limit = None, headroom = None))]
    fn new(py: Python<'_>, limit: Option<f64>, headroom: Option<f64>) -> PyResult<OperatingBudget> {
        b24kit::OperatingBudget::from_settings(
            limit.map(Span::Seconds),
            headroom.map(Span::Seconds),
        )
        .map(OperatingBudget)
        .map_err(|p| errors::config(py, p))
    }

    #[getter]
    fn limit(&self) -> f64 {
        self.0.limit().as_secs_f64()
    }

    #[getter]
    fn headroom(&self) -> f64 {
        self.0.headroom().as_secs_f64()
    }

    fn __repr__(&self) -> String {
        format!(
            "OperatingBudget(limit={}, headroom={})",
            self.limit(),
            self.headroom()
        )
    }
}

/// Limits shared with every other process that calls the same portal with the same credential,
/// kept in a Redis server: ``SharedLimits("redis://127.0.0.1:6379/0")`` (``rediss://`` for TLS;
/// a password in the URL is never shown). ``prefix`` starts every key (default ``"b24kit:"``).
/// ``if_unreachable`` says what happens when the store does not answer as a client is made:
/// ``"fail"`` (default: ``ConfigError``) or ``"use_local_limits"`` (the client paces itself
/// alone, with a warning in the ``b24kit`` log, until the store answers).
/// ``root_certificate_pem`` is the CA (PEM) to trust for a ``rediss://`` store whose certificate
/// the system does not trust.
#[pyclass(frozen, eq, from_py_object, module = "b24kit", name = "SharedLimits")]
#[derive(Clone, PartialEq)]
pub struct SharedLimits(pub(crate) b24kit::SharedLimits);

#[pymethods]
impl SharedLimits {
    #[new]
    #[pyo3(signature = (url, *, prefix = None, if_unreachable = None, root_certificate_pem = None))]
    fn new(
        py: Python<'_>,
        url: &str,
        prefix: Option<&str>,
        if_unreachable: Option<&str>,
        root_certificate_pem: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SharedLimits> {
        let pem = root_certificate_pem
            .map(pem_bytes)
            .transpose()
            .map_err(|p| errors::config(py, p))?;
        b24kit::SharedLimits::from_settings(url, prefix, if_unreachable, pem)
            .map(SharedLimits)
            .map_err(|p| errors::config(py, p))
    }

    /// The store's URL without its password.
    #[getter]
    fn url(&self) -> &str {
        self.0.redacted_url()
    }

    #[getter]
    fn prefix(&self) -> &str {
        self.0.key_prefix()
    }

    #[getter]
    fn if_unreachable(&self) -> &str {
        self.0.unreachable_choice().name()
    }

    fn __repr__(&self) -> String {
        format!(
            "SharedLimits({:?}, prefix={:?}, if_unreachable={:?})",
            self.url(),
            self.prefix(),
            self.if_unreachable()
        )
    }
}

/// A PEM certificate given as `str` or `bytes`.
fn pem_bytes(pem: &Bound<'_, PyAny>) -> Result<Vec<u8>, ConfigProblem> {
    pem.extract::<String>()
        .map(String::into_bytes)
        .or_else(|_| pem.extract::<Vec<u8>>())
        .map_err(|_| ConfigProblem::InvalidCertificate {
            reason: "root_certificate_pem must be str or bytes".to_string(),
        })
}

/// The client options, as `Client.from_webhook` and `Client.from_oauth` take them.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Options<'py> {
    timeout: f64,
    deadline: f64,
    connect_timeout: f64,
    max_response_bytes: f64,
    user_agent: Option<String>,
    root_certificate_pem: Option<Bound<'py, PyAny>>,
    rate_limit: Option<RateLimit>,
    retry: Retry,
    operating_budget: Option<OperatingBudget>,
    shared: Option<Bound<'py, PyAny>>,
}

impl Options<'_> {
    /// The core's settings; `refresh` for OAuth clients that renew their token.
    pub(crate) fn settings(&self, refresh: Option<Refresh>) -> Result<Settings, ConfigProblem> {
        let mut settings = Settings::new("b24kit-python");
        settings.timeout = Some(Span::Seconds(self.timeout));
        settings.deadline = Some(Span::Seconds(self.deadline));
        settings.connect_timeout = Some(Span::Seconds(self.connect_timeout));
        settings.max_response_bytes = Some(self.max_response_bytes);
        settings.user_agent = self.user_agent.clone();
        if let Some(pem) = &self.root_certificate_pem {
            settings.root_certificates_pem.push(pem_bytes(pem)?);
        }
        settings.rate_limit = Some(self.rate_limit.map(|l| l.0));
        settings.retry = Some(self.retry.0);
        settings.operating_budget = Some(self.operating_budget.map(|b| b.0));
        if let Some(shared) = &self.shared {
            settings.shared = Some(match shared.extract::<SharedLimits>() {
                Ok(limits) => limits.0,
                Err(_) => match shared.extract::<String>() {
                    Ok(url) => b24kit::SharedLimits::redis(&url)?,
                    Err(_) => {
                        return Err(ConfigProblem::InvalidSharedStore {
                            reason: "shared is a SharedLimits or a redis:// URL".to_string(),
                        })
                    }
                },
            });
        }
        settings.refresh = refresh.map(|r| {
            let core = b24kit::Refresh::new(r.client_id, r.client_secret, r.refresh_token)
                .oauth_server(r.oauth_server);
            match r.on_tokens_refreshed {
                Some(callback) => core.on_tokens_refreshed(token_callback(callback)),
                None => core,
            }
        });
        Ok(settings)
    }
}

/// What a client and its clones have done since it was made: requests sent (a batch is one,
/// retries included), answers received, retries, calls that waited for the rate limiter or for the
/// execution-time budget, the seconds spent waiting (those waits and the backoffs), OAuth tokens
/// renewed, and pages handed out by list walks. For metrics: read it as often as you like.
#[pyclass(frozen, eq, module = "b24kit", name = "Stats")]
#[derive(Clone, Copy, PartialEq)]
pub struct Stats(pub(crate) b24kit::Stats);

#[pymethods]
impl Stats {
    #[getter]
    fn requests(&self) -> u64 {
        self.0.requests
    }

    #[getter]
    fn answers(&self) -> u64 {
        self.0.answers
    }

    #[getter]
    fn retries(&self) -> u64 {
        self.0.retries
    }

    #[getter]
    fn bucket_waits(&self) -> u64 {
        self.0.bucket_waits
    }

    #[getter]
    fn budget_waits(&self) -> u64 {
        self.0.budget_waits
    }

    /// Seconds.
    #[getter]
    fn waited(&self) -> f64 {
        self.0.waited.as_secs_f64()
    }

    #[getter]
    fn token_renewals(&self) -> u64 {
        self.0.token_renewals
    }

    #[getter]
    fn pages(&self) -> u64 {
        self.0.pages
    }

    fn __repr__(&self) -> String {
        let s = self.0;
        format!(
            "Stats(requests={}, answers={}, retries={}, bucket_waits={}, budget_waits={}, waited={:.3}, token_renewals={}, pages={})",
            s.requests, s.answers, s.retries, s.bucket_waits, s.budget_waits, s.waited.as_secs_f64(), s.token_renewals, s.pages
        )
    }
}

/// Adds the settings classes and the core's defaults to the native module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RateLimit>()?;
    m.add_class::<Retry>()?;
    m.add_class::<OperatingBudget>()?;
    m.add_class::<SharedLimits>()?;
    m.add_class::<Stats>()?;
    m.add("DEFAULT_TIMEOUT", b24kit::DEFAULT_TIMEOUT.as_secs_f64())?;
    m.add("DEFAULT_DEADLINE", b24kit::DEFAULT_DEADLINE.as_secs_f64())?;
    m.add(
        "DEFAULT_CONNECT_TIMEOUT",
        b24kit::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
    )?;
    m.add(
        "DEFAULT_MAX_RESPONSE_BYTES",
        b24kit::DEFAULT_MAX_RESPONSE_BYTES,
    )?;
    m.add(
        "DEFAULT_RATE_LIMIT",
        b24kit::DEFAULT_RATE_LIMIT.map(RateLimit),
    )?;
    m.add("DEFAULT_RETRY", Retry(RetryPolicy::default()))?;
    m.add(
        "DEFAULT_OPERATING_BUDGET",
        OperatingBudget(b24kit::OperatingBudget::default()),
    )?;
    Ok(())
}
