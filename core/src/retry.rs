//! Which failed calls are tried again, and after how long: exponential backoff with jitter, a
//! maximum number of attempts and an optional overall deadline.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::{Error, SystemError};

/// How a failed call is tried again. Set per client
/// ([`ClientBuilder::retry`](crate::ClientBuilder::retry)) or per call
/// ([`Client::with_retry`](crate::Client::with_retry)).
///
/// Retried: `QUERY_LIMIT_EXCEEDED` and connection failures before the request left (both are
/// refusals before anything ran, so any method); for methods the spec marks idempotent also
/// the retryable system errors, HTTP 5xx and 429 without a Bitrix24 body, timeouts and broken
/// connections. `OPERATION_TIME_LIMIT` waits for the moment the portal said part of the budget
/// is released. Nothing else is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    /// Four attempts, backoff from 0.5 s doubling up to 10 s, no overall deadline beyond the
    /// per-attempt timeout.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            deadline: None,
        }
    }
}

impl RetryPolicy {
    /// A policy from settings that may each be left out (the bindings' settings objects), the
    /// defaults filling the gaps. Zero attempts is refused; a zero deadline means none.
    pub fn from_settings(
        max_attempts: Option<u32>,
        initial_backoff: Option<Duration>,
        max_backoff: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<RetryPolicy, Error> {
        if max_attempts == Some(0) {
            return Err(Error::InvalidConfig(crate::ConfigProblem::InvalidLimit {
                name: "max attempts",
            }));
        }
        let defaults = RetryPolicy::default();
        let initial = initial_backoff.unwrap_or(defaults.initial_backoff);
        Ok(defaults
            .max_attempts(max_attempts.unwrap_or(defaults.max_attempts))
            .backoff(initial, max_backoff.unwrap_or(defaults.max_backoff))
            .deadline(deadline.filter(|d| !d.is_zero())))
    }

    /// One attempt: every failure is returned as it is.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry, doubling for each further one up to `max`; each wait is
    /// jittered down by up to half so that clients that failed together do not retry together.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The time the whole call may take, waits and retries included; `None` (the default)
    /// bounds each attempt by the client's timeout only.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The first and the longest wait between attempts.
    pub fn get_backoff(&self) -> (Duration, Duration) {
        (self.initial_backoff, self.max_backoff)
    }

    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn get_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The wait before retry number `retry` (1 for the first retry), jittered.
    pub(crate) fn backoff_before(&self, retry: u32) -> Duration {
        let full = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        full.mul_f64(0.5 + 0.5 * unit_random())
    }
}

/// Whether `error` is worth another attempt of a method that is (or is not) idempotent.
pub(crate) fn worth_retrying(error: &Error, idempotent: bool) -> bool {
    let refused_before_running = match error {
        Error::System { error, .. } => *error == SystemError::QueryLimitExceeded,
        Error::Transport {
            may_have_reached_server,
            ..
        } => !may_have_reached_server,
        _ => false,
    };
    refused_before_running || (idempotent && error.is_retryable())
}

/// A number in [0, 1) from the standard library's randomly keyed hasher.
fn unit_random() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TransportErrorKind;

    fn system(error: SystemError, status: u16) -> Error {
        Error::System {
            error,
            status,
            description: String::new(),
        }
    }

    fn transport(sent: bool) -> Error {
        Error::Transport {
            kind: TransportErrorKind::Connect,
            may_have_reached_server: sent,
            detail: String::new(),
        }
    }

    #[test]
    fn what_is_retried() {
        let limit = system(SystemError::QueryLimitExceeded, 503);
        assert!(worth_retrying(&limit, false) && worth_retrying(&limit, true));
        assert!(worth_retrying(&transport(false), false));
        assert!(!worth_retrying(&transport(true), false));
        assert!(worth_retrying(&transport(true), true));
        let internal = system(SystemError::InternalServer, 500);
        assert!(worth_retrying(&internal, true) && !worth_retrying(&internal, false));
        let bare_500 = Error::Http {
            status: 500,
            snippet: String::new(),
        };
        assert!(worth_retrying(&bare_500, true));
        for never in [
            system(SystemError::ExpiredToken, 401),
            system(SystemError::InvalidCredentials, 401),
            Error::Http {
                status: 404,
                snippet: String::new(),
            },
            Error::InvalidArgument {
                parameter: "CHAT_ID",
                problem: crate::ArgumentProblem::BelowMinimum {
                    minimum: 1,
                    actual: 0,
                },
            },
        ] {
            assert!(!worth_retrying(&never, true), "{never:?}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter() {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        for (retry, full) in [(1, 100), (2, 200), (3, 350), (10, 350), (u32::MAX, 350)] {
            let full = Duration::from_millis(full);
            for _ in 0..20 {
                let wait = policy.backoff_before(retry);
                assert!(wait >= full / 2 && wait <= full, "retry {retry}: {wait:?}");
            }
        }
        let waits: Vec<Duration> = (0..20).map(|_| policy.backoff_before(1)).collect();
        assert!(waits.iter().any(|w| *w != waits[0]), "jittered: {waits:?}");
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(RetryPolicy::default().max_attempts(0).get_max_attempts(), 1);
        assert_eq!(RetryPolicy::never().get_max_attempts(), 1);
    }
}
