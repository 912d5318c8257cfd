//! Client options from JavaScript → the core's `Settings`, one line per option. Checks,
//! defaults and arithmetic are the core's; `settings.js` has already turned `null` and
//! `RateLimit` objects into the plain fields below.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use b24kit::{
    ConfigProblem, OperatingBudget, RateLimit, RetryPolicy, RetrySettings, Settings, SharedLimits,
    Span,
};

use crate::errors::ErrorRecord;

/// Client settings from JavaScript; `undefined` keeps the core's default.
#[napi(object)]
pub struct ClientOptions {
    pub timeout_ms: Option<f64>,
    pub deadline_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub max_response_bytes: Option<f64>,
    pub user_agent: Option<String>,
    pub root_certificate_pem: Option<String>,
    /// `true` turns pacing off; otherwise `rate_limit_burst`/`rate_limit_drain_per_second`, or
    /// the default when they are absent.
    pub rate_limit_off: Option<bool>,
    pub rate_limit_burst: Option<f64>,
    pub rate_limit_drain_per_second: Option<f64>,
    pub retry: Option<RetryOptions>,
    /// `true` ignores the execution-time budget; otherwise `operating_budget`, or the default.
    pub operating_budget_off: Option<bool>,
    pub operating_budget: Option<BudgetOptions>,
    pub refresh: Option<RefreshOptions>,
    pub shared: Option<SharedOptions>,
}

/// Limits shared with other processes; absent fields keep the core's defaults.
#[napi(object)]
pub struct SharedOptions {
    pub url: String,
    pub prefix: Option<String>,
    pub if_unreachable: Option<String>,
    pub root_certificate_pem: Option<String>,
}

/// How failed calls are tried again; absent fields keep the core's defaults.
#[napi(object)]
pub struct RetryOptions {
    pub max_attempts: Option<f64>,
    pub initial_backoff_ms: Option<f64>,
    pub max_backoff_ms: Option<f64>,
}

/// The execution-time budget; absent fields keep the core's defaults.
#[napi(object)]
pub struct BudgetOptions {
    pub limit_ms: Option<f64>,
    pub headroom_ms: Option<f64>,
}

/// What renewing an OAuth token needs.
#[napi(object)]
pub struct RefreshOptions {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub oauth_server: Option<String>,
}

pub(crate) fn retry_policy(
    options: &RetryOptions,
) -> std::result::Result<RetryPolicy, ConfigProblem> {
    RetryPolicy::from_settings(&RetrySettings {
        max_attempts: options.max_attempts,
        initial_backoff: options.initial_backoff_ms.map(Span::Millis),
        max_backoff: options.max_backoff_ms.map(Span::Millis),
    })
}

fn rate_limit(
    options: &ClientOptions,
) -> std::result::Result<Option<Option<RateLimit>>, ConfigProblem> {
    Ok(
        match (
            options.rate_limit_off,
            options.rate_limit_burst,
            options.rate_limit_drain_per_second,
        ) {
            (Some(true), _, _) => Some(None),
            (_, Some(burst), Some(drain)) => Some(Some(RateLimit::new(burst, drain)?)),
            _ => None,
        },
    )
}

fn operating_budget(
    options: &ClientOptions,
) -> std::result::Result<Option<Option<OperatingBudget>>, ConfigProblem> {
    Ok(
        match (options.operating_budget_off, &options.operating_budget) {
            (Some(true), _) => Some(None),
            (_, Some(b)) => Some(Some(OperatingBudget::from_settings(
                b.limit_ms.map(Span::Millis),
                b.headroom_ms.map(Span::Millis),
            )?)),
            _ => None,
        },
    )
}

/// The core's settings of a client, with `refresh` already made (it carries the callback).
pub(crate) fn settings(
    options: &ClientOptions,
    refresh: Option<b24kit::Refresh>,
) -> std::result::Result<Settings, ConfigProblem> {
    let mut settings = Settings::new("b24kit-node");
    settings.timeout = options.timeout_ms.map(Span::Millis);
    settings.deadline = options.deadline_ms.map(Span::Millis);
    settings.connect_timeout = options.connect_timeout_ms.map(Span::Millis);
    settings.max_response_bytes = options.max_response_bytes;
    settings.user_agent = options.user_agent.clone();
    settings
        .root_certificates_pem
        .extend(options.root_certificate_pem.clone().map(String::into_bytes));
    settings.rate_limit = rate_limit(options)?;
    settings.retry = options.retry.as_ref().map(retry_policy).transpose()?;
    settings.operating_budget = operating_budget(options)?;
    settings.refresh = refresh;
    settings.shared = options
        .shared
        .as_ref()
        .map(|s| {
            SharedLimits::from_settings(
                &s.url,
                s.prefix.as_deref(),
                s.if_unreachable.as_deref(),
                s.root_certificate_pem.clone().map(String::into_bytes),
            )
        })
        .transpose()?;
    Ok(settings)
}

/// The least time, in milliseconds, that `requests` calls take under a rate limit: the core's
/// arithmetic behind `RateLimit.minimumDurationMs`.
#[napi(catch_unwind)]
pub fn rate_limit_minimum_duration_ms(
    burst: f64,
    drain_per_second: f64,
    requests: f64,
) -> Either<f64, ErrorRecord> {
    match RateLimit::new(burst, drain_per_second) {
        Ok(limit) => Either::A(
            limit
                .minimum_duration(requests.max(0.0) as u64)
                .as_secs_f64()
                * 1000.0,
        ),
        Err(problem) => Either::B(ErrorRecord::config(problem)),
    }
}

/// Checks a rate limit as `new RateLimit(…)` is made: `null`, or the error it would cause.
#[napi(catch_unwind)]
pub fn check_rate_limit(burst: f64, drain_per_second: f64) -> Option<ErrorRecord> {
    RateLimit::new(burst, drain_per_second)
        .err()
        .map(ErrorRecord::config)
}

/// The documented OAuth server's token URL.
#[napi]
pub fn default_oauth_server() -> &'static str {
    b24kit::DEFAULT_OAUTH_SERVER
}
