//! What a client does, told once and in one place: each [`Event`] goes to the `log` crate
//! (target `b24kit`), to the listener a caller or a binding set, and into the client's
//! [`Stats`]. Events are data about the exchange — methods, attempts, statuses, waits, counts —
//! and never carry a URL, a key, a token or an answer's text.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// One thing a client did, or is about to wait for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A request left for the portal: `method` (`batch` for a batch), attempt number from 1.
    RequestSent {
        /// The Bitrix24 method called, or `batch` for a batch request.
        method: String,
        /// The attempt's number, counting from 1.
        attempt: u32,
    },
    /// An answer arrived, whatever its status; `elapsed` since the request left.
    Answered {
        /// The Bitrix24 method called, or `batch` for a batch request.
        method: String,
        /// The number of the attempt that got this answer, counting from 1.
        attempt: u32,
        /// The HTTP status of the answer.
        status: u16,
        /// Time from the request leaving to the whole answer having arrived.
        elapsed: Duration,
    },
    /// An attempt failed and the call will try again after `wait`; `reason` is the failure's
    /// code or kind (`QUERY_LIMIT_EXCEEDED`, `timeout`, `http`, …).
    RetryScheduled {
        /// The Bitrix24 method called, or `batch` for a batch request.
        method: String,
        /// The number of the attempt that failed, counting from 1.
        attempt: u32,
        /// The failure's Bitrix24 `error` code, else its kind (`timeout`, `not_json`) or
        /// `HTTP <status>`.
        reason: String,
        /// How long the call waits before the next attempt.
        wait: Duration,
    },
    /// The call waits `wait` for a slot of the client's rate limiter.
    WaitingForBucket {
        /// How long the call waits before its request may leave.
        wait: Duration,
    },
    /// The call waits `wait` for the portal to release some of these methods' execution-time
    /// budget.
    WaitingForBudget {
        /// The methods the request runs (for a batch, its commands'); the wait is the longest
        /// any of them needs.
        methods: Vec<String>,
        /// How long the call waits before its request may leave.
        wait: Duration,
    },
    /// The OAuth access token was renewed (once, however many calls met its expiry).
    TokenRenewed,
    /// A batch of `calls` calls went out as `requests` requests (at most 50 commands each).
    BatchSplit {
        /// How many calls the batch was given, those refused before sending included.
        calls: usize,
        /// How many `batch` requests they went out in.
        requests: usize,
    },
    /// A list walk handed out a page of `items` items; `total` once the portal said.
    Page {
        /// The list method walked.
        method: String,
        /// How many items the page holds.
        items: usize,
        /// How many items the whole list has; `None` until the portal said, and in walks by ID.
        total: Option<u64>,
    },
    /// The shared store of the limits could not be used: calls are paced by this process alone
    /// until it answers again (tried again after a second).
    SharedLimitsLost {
        /// The store, without its password (`redis://host:port/db`).
        store: String,
        /// What failed, scrubbed of the password.
        reason: String,
    },
    /// The shared store answers again: calls are paced with every other process again.
    SharedLimitsBack {
        /// The store, without its password.
        store: String,
    },
}

impl Event {
    /// The event's name in snake case (`request_sent`, `retry_scheduled`, …): what the
    /// bindings call it.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::RequestSent { .. } => "request_sent",
            Event::Answered { .. } => "answered",
            Event::RetryScheduled { .. } => "retry_scheduled",
            Event::WaitingForBucket { .. } => "waiting_for_bucket",
            Event::WaitingForBudget { .. } => "waiting_for_budget",
            Event::TokenRenewed => "token_renewed",
            Event::BatchSplit { .. } => "batch_split",
            Event::Page { .. } => "page",
            Event::SharedLimitsLost { .. } => "shared_limits_lost",
            Event::SharedLimitsBack { .. } => "shared_limits_back",
        }
    }

    /// How loud the event is in a log: losing the shared limits is a `warn`ing (processes may
    /// then send more than the portal allows together); waits, retries and renewals are worth
    /// seeing at `info`; the traffic itself is `debug`.
    pub fn level(&self) -> log::Level {
        match self {
            Event::SharedLimitsLost { .. } => log::Level::Warn,
            Event::SharedLimitsBack { .. }
            | Event::RetryScheduled { .. }
            | Event::WaitingForBucket { .. }
            | Event::WaitingForBudget { .. }
            | Event::TokenRenewed => log::Level::Info,
            _ => log::Level::Debug,
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::RequestSent { method, attempt } => {
                write!(f, "{method}: request sent (attempt {attempt})")
            }
            Event::Answered {
                method,
                attempt,
                status,
                elapsed,
            } => write!(
                f,
                "{method}: HTTP {status} after {elapsed:.1?} (attempt {attempt})"
            ),
            Event::RetryScheduled {
                method,
                attempt,
                reason,
                wait,
            } => write!(
                f,
                "{method}: attempt {attempt} failed ({reason}); retrying in {wait:.1?}"
            ),
            Event::WaitingForBucket { wait } => {
                write!(f, "waiting {wait:.1?} for the rate limiter")
            }
            Event::WaitingForBudget { methods, wait } => write!(
                f,
                "{} near the execution-time budget; waiting {wait:.1?} for the portal to release some",
                methods.join(", ")
            ),
            Event::TokenRenewed => write!(f, "access token renewed"),
            Event::BatchSplit { calls, requests } => {
                write!(f, "batch of {calls} calls split into {requests} requests")
            }
            Event::Page {
                method,
                items,
                total,
            } => match total {
                Some(total) => write!(f, "{method}: page of {items} items (of {total})"),
                None => write!(f, "{method}: page of {items} items"),
            },
            Event::SharedLimitsLost { store, reason } => write!(
                f,
                "shared limits at {store} unavailable ({reason}); pacing calls by this process alone"
            ),
            Event::SharedLimitsBack { store } => {
                write!(f, "shared limits at {store} available again")
            }
        }
    }
}

/// Called with every event of a client (and its clones), on whichever thread the event
/// happened: keep it short, and do not call the client from it.
pub type EventListener = Arc<dyn Fn(&Event) + Send + Sync>;

/// Counts of what a client (with all its clones) has done since it was built, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests sent to the portal (a batch is one), retries included.
    pub requests: u64,
    /// Answers received, whatever their status.
    pub answers: u64,
    /// Retries scheduled.
    pub retries: u64,
    /// Calls that waited for the rate limiter.
    pub bucket_waits: u64,
    /// Calls that waited for the execution-time budget.
    pub budget_waits: u64,
    /// Time spent in those waits and in backoffs before retries, all calls together.
    pub waited: Duration,
    /// OAuth access tokens renewed.
    pub token_renewals: u64,
    /// Pages handed out by list walks.
    pub pages: u64,
}

/// The events' one destination: counters, log, listener.
#[derive(Default)]
pub(crate) struct Observer {
    listener: Option<EventListener>,
    requests: AtomicU64,
    answers: AtomicU64,
    retries: AtomicU64,
    bucket_waits: AtomicU64,
    budget_waits: AtomicU64,
    waited_nanos: AtomicU64,
    token_renewals: AtomicU64,
    pages: AtomicU64,
}

impl Observer {
    pub(crate) fn new(listener: Option<EventListener>) -> Observer {
        Observer {
            listener,
            ..Observer::default()
        }
    }

    pub(crate) fn emit(&self, event: Event) {
        let count = |counter: &AtomicU64| counter.fetch_add(1, Ordering::Relaxed);
        let wait = |wait: &Duration| {
            let nanos = u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX);
            self.waited_nanos.fetch_add(nanos, Ordering::Relaxed);
        };
        match &event {
            Event::RequestSent { .. } => count(&self.requests),
            Event::Answered { .. } => count(&self.answers),
            Event::RetryScheduled { wait: w, .. } => {
                wait(w);
                count(&self.retries)
            }
            Event::WaitingForBucket { wait: w } => {
                wait(w);
                count(&self.bucket_waits)
            }
            Event::WaitingForBudget { wait: w, .. } => {
                wait(w);
                count(&self.budget_waits)
            }
            Event::TokenRenewed => count(&self.token_renewals),
            Event::Page { .. } => count(&self.pages),
            Event::BatchSplit { .. }
            | Event::SharedLimitsLost { .. }
            | Event::SharedLimitsBack { .. } => 0,
        };
        log::log!(target: "b24kit", event.level(), "{event}");
        if let Some(listener) = &self.listener {
            // A listener that panics must not break the call that told it something.
            if crate::panic::catch(|| listener(&event)).is_err() {
                log::error!(target: "b24kit", "the event listener panicked on {}", event.kind());
            }
        }
    }

    pub(crate) fn stats(&self) -> Stats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            requests: read(&self.requests),
            answers: read(&self.answers),
            retries: read(&self.retries),
            bucket_waits: read(&self.bucket_waits),
            budget_waits: read(&self.budget_waits),
            waited: Duration::from_nanos(read(&self.waited_nanos)),
            token_renewals: read(&self.token_renewals),
            pages: read(&self.pages),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn events_are_counted_told_and_never_lost_to_a_panicking_listener() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let observer = Observer::new(Some(Arc::new(move |event: &Event| {
            sink.lock().unwrap().push(event.kind());
            if matches!(event, Event::TokenRenewed) {
                panic!("listener bug");
            }
        })));
        observer.emit(Event::RequestSent {
            method: "m".into(),
            attempt: 1,
        });
        observer.emit(Event::WaitingForBucket {
            wait: Duration::from_millis(300),
        });
        observer.emit(Event::RetryScheduled {
            method: "m".into(),
            attempt: 1,
            reason: "timeout".into(),
            wait: Duration::from_millis(200),
        });
        observer.emit(Event::TokenRenewed);
        observer.emit(Event::TokenRenewed);
        let stats = observer.stats();
        assert_eq!(
            (
                stats.requests,
                stats.retries,
                stats.bucket_waits,
                stats.token_renewals
            ),
            (1, 1, 1, 2)
        );
        assert_eq!(stats.waited, Duration::from_millis(500));
        assert_eq!(
            *seen.lock().unwrap(),
            [
                "request_sent",
                "waiting_for_bucket",
                "retry_scheduled",
                "token_renewed",
                "token_renewed"
            ]
        );
    }

    #[test]
    fn messages_name_what_happened() {
        let event = Event::RetryScheduled {
            method: "crm.deal.get".into(),
            attempt: 2,
            reason: "QUERY_LIMIT_EXCEEDED".into(),
            wait: Duration::from_millis(500),
        };
        assert_eq!(
            event.to_string(),
            "crm.deal.get: attempt 2 failed (QUERY_LIMIT_EXCEEDED); retrying in 500.0ms"
        );
        assert_eq!(event.level(), log::Level::Info);
    }
}
