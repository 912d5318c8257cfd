//! The client's events and counters in uniffi's terms: a listener the app provides (it gets each
//! event as data and in words) and the counters behind `stats()`.

use std::sync::Arc;

/// Receives every event of a client and its clones — requests, answers, retries with their
/// reason and wait, waits for the rate limiter and the budget, token renewals, batch splits,
/// list pages — e.g. to pass on to the app's logger. Called on b24kit's I/O thread: keep it
/// short and do not call the client from it. No event carries a URL, key or token.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// `message` is the event in words, as the other languages log it.
    fn on_event(&self, event: ClientEvent, message: String);
}

/// One event of a client. Durations are in milliseconds.
#[derive(uniffi::Enum, Clone, Debug, PartialEq)]
pub enum ClientEvent {
    /// A request left; `method` is `batch` for a batch. Attempts count from 1.
    RequestSent { method: String, attempt: u32 },
    /// An answer arrived, whatever its status.
    Answered {
        method: String,
        attempt: u32,
        status: u16,
        elapsed_ms: u64,
    },
    /// An attempt failed (`reason`: its code or kind) and the call retries after `wait_ms`.
    RetryScheduled {
        method: String,
        attempt: u32,
        reason: String,
        wait_ms: u64,
    },
    /// The call waits for a slot of the rate limiter.
    WaitingForBucket { wait_ms: u64 },
    /// The call waits for the portal to release some of these methods' execution-time budget.
    WaitingForBudget { methods: Vec<String>, wait_ms: u64 },
    /// The OAuth access token was renewed.
    TokenRenewed,
    /// A batch of `calls` calls went out as `requests` requests.
    BatchSplit { calls: u32, requests: u32 },
    /// A list walk handed out a page; `total` once the portal said.
    Page {
        method: String,
        items: u32,
        total: Option<u64>,
    },
    /// The shared store of the limits could not be used: calls are paced by this process alone
    /// until it answers again. `store` is its URL without the password.
    SharedLimitsLost { store: String, reason: String },
    /// The shared store answers again.
    SharedLimitsBack { store: String },
    /// An event this version does not know yet.
    Other { kind: String },
}

fn millis(duration: &std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl From<&b24kit::Event> for ClientEvent {
    fn from(event: &b24kit::Event) -> ClientEvent {
        use b24kit::Event as E;
        match event {
            E::RequestSent { method, attempt } => ClientEvent::RequestSent {
                method: method.clone(),
                attempt: *attempt,
            },
            E::Answered {
                method,
                attempt,
                status,
                elapsed,
            } => ClientEvent::Answered {
                method: method.clone(),
                attempt: *attempt,
                status: *status,
                elapsed_ms: millis(elapsed),
            },
            E::RetryScheduled {
                method,
                attempt,
                reason,
                wait,
            } => ClientEvent::RetryScheduled {
                method: method.clone(),
                attempt: *attempt,
                reason: reason.clone(),
                wait_ms: millis(wait),
            },
            E::WaitingForBucket { wait } => ClientEvent::WaitingForBucket {
                wait_ms: millis(wait),
            },
            E::WaitingForBudget { methods, wait } => ClientEvent::WaitingForBudget {
                methods: methods.clone(),
                wait_ms: millis(wait),
            },
            E::TokenRenewed => ClientEvent::TokenRenewed,
            E::BatchSplit { calls, requests } => ClientEvent::BatchSplit {
                calls: *calls as u32,
                requests: *requests as u32,
            },
            E::Page {
                method,
                items,
                total,
            } => ClientEvent::Page {
                method: method.clone(),
                items: *items as u32,
                total: *total,
            },
            E::SharedLimitsLost { store, reason } => ClientEvent::SharedLimitsLost {
                store: store.clone(),
                reason: reason.clone(),
            },
            E::SharedLimitsBack { store } => ClientEvent::SharedLimitsBack {
                store: store.clone(),
            },
            other => ClientEvent::Other {
                kind: other.kind().to_string(),
            },
        }
    }
}

/// The core's listener, telling the app's.
pub(crate) fn core_listener(listener: Arc<dyn EventListener>) -> b24kit::EventListener {
    Arc::new(move |event: &b24kit::Event| {
        listener.on_event(ClientEvent::from(event), event.to_string())
    })
}

/// Counts of what a client and its clones have done, for metrics.
#[derive(uniffi::Record, Clone, Copy, Debug, PartialEq)]
pub struct ClientStats {
    /// Requests sent (a batch is one), retries included.
    pub requests: u64,
    pub answers: u64,
    pub retries: u64,
    /// Calls that waited for the rate limiter, and for the execution-time budget.
    pub bucket_waits: u64,
    pub budget_waits: u64,
    /// Milliseconds spent in those waits and in backoffs.
    pub waited_ms: u64,
    pub token_renewals: u64,
    /// Pages handed out by list walks.
    pub pages: u64,
}

impl From<b24kit::Stats> for ClientStats {
    fn from(stats: b24kit::Stats) -> ClientStats {
        ClientStats {
            requests: stats.requests,
            answers: stats.answers,
            retries: stats.retries,
            bucket_waits: stats.bucket_waits,
            budget_waits: stats.budget_waits,
            waited_ms: millis(&stats.waited),
            token_renewals: stats.token_renewals,
            pages: stats.pages,
        }
    }
}
