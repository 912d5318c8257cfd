//! The settings records of Kotlin and Swift → the core's `Settings`, one line per option.
//! Checks, defaults and arithmetic are the core's.

use b24kit::{ConfigProblem, RetryPolicy, RetrySettings, Settings, Span};

/// Settings of a client; every field is optional.
#[derive(uniffi::Record, Default, Clone)]
pub struct ClientOptions {
    /// How long one attempt may take, in milliseconds (default 65 000: the portal's 60 s limit
    /// plus the network).
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// How long a whole call may take, in milliseconds (default 600 000): its waits for the
    /// rate limiter and the execution-time budget, every attempt, the backoffs between them and
    /// a token renewal. A call that would pass it fails with a timeout instead of waiting.
    #[uniffi(default = None)]
    pub deadline_ms: Option<u64>,
    /// How long opening a connection may take, in milliseconds (default 10 000).
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// The largest answer accepted, in bytes (default 8 MiB).
    #[uniffi(default = None)]
    pub max_response_bytes: Option<u64>,
    /// Replaces `b24kit-uniffi/<version>`; name your app.
    #[uniffi(default = None)]
    pub user_agent: Option<String>,
    /// One more trusted root certificate (PEM), e.g. for an on-premise portal.
    #[uniffi(default = None)]
    pub root_certificate_pem: Option<String>,
    /// The portal's request-intensity limit to pace calls by, so that they wait for a slot
    /// instead of failing with `QUERY_LIMIT_EXCEEDED` (default `RateLimit.Standard`).
    #[uniffi(default = None)]
    pub rate_limit: Option<RateLimit>,
    /// How failed calls are tried again (default: 4 attempts, backoff from 500 ms to 10 s).
    #[uniffi(default = None)]
    pub retry: Option<RetryOptions>,
    /// The per-method execution-time budget to stay under, so that calls wait for the portal to
    /// release some instead of failing with `OPERATION_TIME_LIMIT` (default: the cloud limit,
    /// 480 s in 10 minutes, with 10 s of headroom).
    #[uniffi(default = None)]
    pub operating_budget: Option<OperatingBudget>,
    /// Pace calls together with every other process that calls the same portal with the same
    /// credential, and share their execution-time budgets and token renewals, through a Redis
    /// server (default: this client alone).
    #[uniffi(default = None)]
    pub shared: Option<SharedLimitsOptions>,
}

/// Limits shared between processes through a Redis server.
#[derive(uniffi::Record, Clone, Debug, PartialEq)]
pub struct SharedLimitsOptions {
    /// The Redis URL, `redis://[:password@]host:port/db` or `rediss://…` for TLS; its password
    /// is never shown.
    pub url: String,
    /// What every key starts with (default `b24kit:`).
    #[uniffi(default = None)]
    pub prefix: Option<String>,
    /// What happens when the store does not answer as the client is made (default `Fail`).
    #[uniffi(default = None)]
    pub if_unreachable: Option<IfUnreachable>,
    /// For a `rediss://` store the system does not trust: its CA (PEM), trusted instead of the
    /// system's.
    #[uniffi(default = None)]
    pub root_certificate_pem: Option<String>,
}

/// What a client does when its shared store does not answer as it is made.
#[derive(uniffi::Enum, Clone, Copy, Debug, PartialEq)]
pub enum IfUnreachable {
    /// Making the client fails with a configuration error.
    Fail,
    /// The client paces itself alone (told as a `SharedLimitsLost` event) until the store
    /// answers.
    UseLocalLimits,
}

/// The request-intensity limit a client paces itself by (a leaky bucket), shared by every call
/// of the client.
#[derive(uniffi::Enum, Clone, Copy, Debug, PartialEq)]
pub enum RateLimit {
    /// Every plan but Enterprise: a burst of 50, then 2 requests per second.
    Standard,
    /// Enterprise: a burst of 250, then 5 requests per second.
    Enterprise,
    /// Other values (an on-premise portal's, a test's).
    Custom { burst: f64, drain_per_second: f64 },
    /// No pacing: every call goes at once.
    Off,
}

/// How failed calls are tried again; absent fields keep the defaults.
#[derive(uniffi::Record, Default, Clone, Copy, Debug, PartialEq)]
pub struct RetryOptions {
    /// Attempts in all, the first included (default 4; 1 never retries).
    #[uniffi(default = None)]
    pub max_attempts: Option<u32>,
    /// The wait before the first retry, doubling for each further one (default 500 ms).
    #[uniffi(default = None)]
    pub initial_backoff_ms: Option<u64>,
    /// The longest wait between attempts (default 10 000 ms).
    #[uniffi(default = None)]
    pub max_backoff_ms: Option<u64>,
}

/// The per-method execution-time budget a client stays under.
#[derive(uniffi::Enum, Clone, Copy, Debug, PartialEq)]
pub enum OperatingBudget {
    /// The portal's limit per method and window, and how much of it stays unused; absent
    /// fields keep the defaults (480 000 and 10 000 ms).
    Custom {
        limit_ms: Option<u64>,
        headroom_ms: Option<u64>,
    },
    /// `time.operating` is ignored: calls run into `OPERATION_TIME_LIMIT` when the budget is spent.
    Off,
}

pub(crate) fn millis(ms: u64) -> Span {
    Span::Millis(ms as f64)
}

pub(crate) fn retry_policy(options: &RetryOptions) -> Result<RetryPolicy, ConfigProblem> {
    RetryPolicy::from_settings(&RetrySettings {
        max_attempts: options.max_attempts.map(f64::from),
        initial_backoff: options.initial_backoff_ms.map(millis),
        max_backoff: options.max_backoff_ms.map(millis),
    })
}

impl ClientOptions {
    /// The core's settings, with `refresh` already made (it carries the listener).
    pub(crate) fn settings(
        &self,
        refresh: Option<b24kit::Refresh>,
    ) -> Result<Settings, ConfigProblem> {
        let mut settings = Settings::new("b24kit-uniffi");
        settings.timeout = self.timeout_ms.map(millis);
        settings.deadline = self.deadline_ms.map(millis);
        settings.connect_timeout = self.connect_timeout_ms.map(millis);
        settings.max_response_bytes = self.max_response_bytes.map(|b| b as f64);
        settings.user_agent = self.user_agent.clone();
        settings
            .root_certificates_pem
            .extend(self.root_certificate_pem.clone().map(String::into_bytes));
        settings.rate_limit = self
            .rate_limit
            .map(|limit| match limit {
                RateLimit::Standard => Ok(Some(b24kit::RateLimit::STANDARD)),
                RateLimit::Enterprise => Ok(Some(b24kit::RateLimit::ENTERPRISE)),
                RateLimit::Custom {
                    burst,
                    drain_per_second,
                } => b24kit::RateLimit::new(burst, drain_per_second).map(Some),
                RateLimit::Off => Ok(None),
            })
            .transpose()?;
        settings.retry = self.retry.as_ref().map(retry_policy).transpose()?;
        settings.operating_budget = self
            .operating_budget
            .map(|budget| match budget {
                OperatingBudget::Custom {
                    limit_ms,
                    headroom_ms,
                } => b24kit::OperatingBudget::from_settings(
                    limit_ms.map(millis),
                    headroom_ms.map(millis),
                )
                .map(Some),
                OperatingBudget::Off => Ok(None),
            })
            .transpose()?;
        settings.refresh = refresh;
        settings.shared = self
            .shared
            .as_ref()
            .map(|shared| {
                let choice = match shared.if_unreachable {
                    None | Some(IfUnreachable::Fail) => b24kit::IfUnreachable::Fail,
                    Some(IfUnreachable::UseLocalLimits) => b24kit::IfUnreachable::UseLocalLimits,
                };
                let limits = b24kit::SharedLimits::redis(&shared.url)?.if_unreachable(choice);
                let limits = match &shared.prefix {
                    Some(prefix) => limits.prefix(prefix),
                    None => limits,
                };
                match &shared.root_certificate_pem {
                    Some(pem) => limits.root_certificate_pem(pem.as_bytes()),
                    None => Ok(limits),
                }
            })
            .transpose()?;
        Ok(settings)
    }
}
