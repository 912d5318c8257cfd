//! Every client option in one value, as the language bindings hand them over. A binding fills
//! in what its caller gave, in the caller's units, and leaves the rest `None`; the defaults, the
//! unit conversions and the checks are made here, once, so that every language behaves the same
//! and a new option is one field here plus one mapping line per binding.

use std::time::Duration;

use crate::error::ConfigProblem;
use crate::{EventListener, OperatingBudget, RateLimit, Refresh, RetryPolicy, SharedLimits};

/// A length of time in a host language's unit: Python counts seconds; JavaScript, Kotlin and
/// Swift count milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Span {
    /// A number of seconds, as Python counts time.
    Seconds(f64),
    /// A number of milliseconds, as JavaScript, Kotlin and Swift count time.
    Millis(f64),
}

impl Span {
    /// The span as a [`Duration`]; `name` names the option in the error when it is negative,
    /// infinite or not a number.
    pub fn duration(self, name: &'static str) -> Result<Duration, ConfigProblem> {
        let seconds = match self {
            Span::Seconds(s) => s,
            Span::Millis(ms) => ms / 1000.0,
        };
        Duration::try_from_secs_f64(seconds).map_err(|_| ConfigProblem::InvalidDuration { name })
    }
}

/// Client options from a language binding. `None` keeps the core's default; for
/// `rate_limit` and `operating_budget`, `Some(None)` turns the feature off.
///
/// Start with [`Settings::new`] and set the fields that were given; apply with
/// [`ClientBuilder::settings`](crate::ClientBuilder::settings).
#[derive(Clone)]
#[non_exhaustive]
pub struct Settings {
    /// The binding's name, for the default `User-Agent` (`b24kit-python` sends
    /// `b24kit-python/<version>`).
    pub product: &'static str,
    /// How long one attempt may take, from sending to the last byte of the answer.
    pub timeout: Option<Span>,
    /// How long the whole call may take: waits for the rate limiter and the execution-time
    /// budget, every attempt, the backoffs between them and a token renewal.
    pub deadline: Option<Span>,
    /// How long opening a connection may take.
    pub connect_timeout: Option<Span>,
    /// The largest answer accepted, in bytes (a whole number of at least 1).
    pub max_response_bytes: Option<f64>,
    /// Replaces the default `User-Agent`.
    pub user_agent: Option<String>,
    /// More trusted root certificates (PEM), in addition to the system's.
    pub root_certificates_pem: Vec<Vec<u8>>,
    /// The request-intensity limit to pace calls by; `Some(None)` sends every call at once.
    pub rate_limit: Option<Option<RateLimit>>,
    /// How failed calls are tried again.
    pub retry: Option<RetryPolicy>,
    /// The per-method execution-time budget to stay under; `Some(None)` ignores it.
    pub operating_budget: Option<Option<OperatingBudget>>,
    /// How to renew an expired OAuth access token.
    pub refresh: Option<Refresh>,
    /// Told every event of the client (see [`Event`](crate::Event)), beside the `log` crate.
    pub on_event: Option<EventListener>,
    /// Limits shared with the other processes on the same portal and credential.
    pub shared: Option<SharedLimits>,
}

impl Settings {
    /// Settings that keep every default; `product` names the binding for the `User-Agent`.
    pub fn new(product: &'static str) -> Settings {
        Settings {
            product,
            timeout: None,
            deadline: None,
            connect_timeout: None,
            max_response_bytes: None,
            user_agent: None,
            root_certificates_pem: Vec::new(),
            rate_limit: None,
            retry: None,
            operating_budget: None,
            refresh: None,
            on_event: None,
            shared: None,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("product", &self.product)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .field("operating_budget", &self.operating_budget)
            .field("refresh", &self.refresh)
            .field("on_event", &self.on_event.is_some())
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

/// The retry options of a binding, each `None` keeping the default; turned into a
/// [`RetryPolicy`] by [`RetryPolicy::from_settings`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RetrySettings {
    /// Attempts in all, the first included: a whole number of at least 1.
    pub max_attempts: Option<f64>,
    /// The wait before the first retry.
    pub initial_backoff: Option<Span>,
    /// The longest wait between attempts.
    pub max_backoff: Option<Span>,
}

/// A count given as a host number: a whole number of at least 1.
pub(crate) fn count(value: f64, name: &'static str) -> Result<usize, ConfigProblem> {
    if value.fract() == 0.0 && value >= 1.0 && value <= usize::MAX as f64 {
        Ok(value as usize)
    } else {
        Err(ConfigProblem::InvalidCount { name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_in_either_unit() {
        assert_eq!(
            Span::Seconds(1.5).duration("t"),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(
            Span::Millis(250.0).duration("t"),
            Ok(Duration::from_millis(250))
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                Span::Millis(bad).duration("timeout"),
                Err(ConfigProblem::InvalidDuration { name: "timeout" })
            );
        }
    }

    #[test]
    fn counts_are_whole_and_positive() {
        assert_eq!(count(8.0, "n"), Ok(8));
        for bad in [0.0, -3.0, 2.5, f64::NAN, f64::INFINITY] {
            assert_eq!(
                count(bad, "n"),
                Err(ConfigProblem::InvalidCount { name: "n" })
            );
        }
    }
}
