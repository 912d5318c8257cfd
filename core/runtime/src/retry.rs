//! Which failed calls are tried again, and after how long: exponential backoff with jitter and a
//! maximum number of attempts. The whole call's deadline, which also bounds the retries, is the
//! client's ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::catalog::{Catalog, DocumentedSystemError, RetryWhen};
use crate::error::ConfigProblem;
use crate::settings::RetrySettings;
use crate::Error;

/// How a failed call is tried again. Set per client
/// ([`ClientBuilder::retry`](crate::ClientBuilder::retry)) or per call
/// ([`Client::with_retry`](crate::Client::with_retry)).
///
/// Which failures are retried is one rule ([`Error::is_retryable`] and the send loop both read
/// it): a system error as its spec declares (`QUERY_LIMIT_EXCEEDED` for any method, since
/// nothing ran; the other retryable ones only for idempotent methods), connection failures
/// before the request left for any method, and HTTP 5xx and 429 without a Bitrix24 body,
/// timeouts and broken connections only for methods the spec marks idempotent. Nothing else is
/// retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, backoff from 0.5 s doubling up to 10 s.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// A policy from settings that may each be left out (the bindings' settings objects), the
    /// defaults filling the gaps. Attempts must be a whole number of at least 1.
    pub fn from_settings(settings: &RetrySettings) -> Result<RetryPolicy, ConfigProblem> {
        let defaults = RetryPolicy::default();
        let max_attempts = match settings.max_attempts {
            None => defaults.max_attempts,
            Some(n) if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&n) => n as u32,
            Some(_) => {
                return Err(ConfigProblem::InvalidCount {
                    name: "max attempts",
                })
            }
        };
        let span = |value: Option<crate::Span>, name| value.map(|s| s.duration(name)).transpose();
        let initial =
            span(settings.initial_backoff, "initial backoff")?.unwrap_or(defaults.initial_backoff);
        let max = span(settings.max_backoff, "max backoff")?.unwrap_or(defaults.max_backoff);
        Ok(defaults
            .with_max_attempts(max_attempts)
            .with_backoff(initial, max))
    }

    /// One attempt: every failure is returned as it is.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// This policy with `attempts` attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// This policy waiting `initial` before the first retry, doubling for each further one up to
    /// `max`; each wait is jittered down by up to half so that clients that failed together do
    /// not retry together.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest wait between attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
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

/// For which methods a call that failed with `error` may be tried again: the one retry rule.
pub(crate) fn retry_when<C: Catalog>(error: &Error<C>) -> RetryWhen {
    match error {
        Error::System { error, .. } => error.reaction().retry,
        // A proxy or load balancer answering for a portal that is down or overloaded.
        Error::Http {
            status: 500..=599 | 429,
            ..
        } => RetryWhen::IdempotentOnly,
        Error::Transport {
            may_have_reached_server: false,
            ..
        } => RetryWhen::AnyMethod,
        Error::Transport { .. } => RetryWhen::IdempotentOnly,
        _ => RetryWhen::Never,
    }
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
    use crate::testing::{Errors, Test};
    use crate::TransportErrorKind;

    fn system(error: Errors, status: u16) -> Error<Test> {
        Error::System {
            error,
            status,
            description: String::new(),
        }
    }

    fn transport(sent: bool) -> Error<Test> {
        Error::Transport {
            kind: TransportErrorKind::Connect,
            may_have_reached_server: sent,
            detail: String::new(),
        }
    }

    fn retried(error: &Error<Test>, idempotent: bool) -> bool {
        retry_when(error).allows(idempotent)
    }

    #[test]
    fn what_is_retried() {
        let limit = system(Errors::QueryLimitExceeded, 503);
        assert!(retried(&limit, false) && retried(&limit, true));
        assert!(retried(&transport(false), false));
        assert!(!retried(&transport(true), false));
        assert!(retried(&transport(true), true));
        let internal = system(Errors::InternalServer, 500);
        assert!(retried(&internal, true) && !retried(&internal, false));
        let bare_500 = Error::Http {
            status: 500,
            snippet: String::new(),
        };
        assert!(retried(&bare_500, true) && bare_500.is_retryable());
        for never in [
            system(Errors::ExpiredToken, 401),
            system(Errors::InvalidCredentials, 401),
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
            assert!(!retried(&never, true), "{never:?}");
            assert!(!never.is_retryable(), "{never:?}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
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
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(RetryPolicy::never().max_attempts(), 1);
    }

    #[test]
    fn settings_fill_gaps_with_the_defaults_and_are_checked() {
        let policy = RetryPolicy::from_settings(&RetrySettings {
            max_attempts: Some(6.0),
            max_backoff: Some(crate::Span::Millis(20_000.0)),
            ..RetrySettings::default()
        })
        .unwrap();
        assert_eq!(policy.max_attempts(), 6);
        assert_eq!(policy.max_backoff(), Duration::from_secs(20));
        assert_eq!(
            policy.initial_backoff(),
            RetryPolicy::default().initial_backoff()
        );
        for attempts in [0.0, 1.5, -1.0, f64::NAN, 1e12] {
            let settings = RetrySettings {
                max_attempts: Some(attempts),
                ..RetrySettings::default()
            };
            assert_eq!(
                RetryPolicy::from_settings(&settings),
                Err(ConfigProblem::InvalidCount {
                    name: "max attempts"
                }),
                "{attempts}"
            );
        }
        let negative = RetrySettings {
            initial_backoff: Some(crate::Span::Seconds(-1.0)),
            ..RetrySettings::default()
        };
        assert_eq!(
            RetryPolicy::from_settings(&negative),
            Err(ConfigProblem::InvalidDuration {
                name: "initial backoff"
            })
        );
    }
}
