//! The running portal's shared parts: state, faults, the rate limit and request counts. Shared by
//! every connection and by the control endpoints.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use crate::delivery::Outbox;
use crate::faults::{Fault, FaultQueue, FaultRequest};
use crate::limits::{LeakyBucket, RateLimit};
use crate::operating::{Budgets, OperatingLimit, Reading};
use crate::state::{Chat, PortalState};

/// The portal an emulator plays: its state, queued faults, limits and counts, shared by every
/// connection.
pub struct Portal {
    state: Mutex<PortalState>,
    initial: PortalState,
    faults: Mutex<FaultQueue>,
    /// Lets the hot path skip the fault lock when no fault is queued.
    has_faults: AtomicBool,
    limiter: Mutex<Limiter>,
    operating: Mutex<Operating>,
    rest_requests: AtomicU64,
    rate_limited: AtomicU64,
    operation_time_limited: AtomicU64,
    token_refreshes: AtomicU64,
    token_serial: AtomicU64,
    per_method: Mutex<BTreeMap<String, u64>>,
    last_call: Mutex<Option<RecordedCall>>,
    pub(crate) log_requests: bool,
    /// Webhooks over plain HTTP are refused, as portals do.
    require_https: AtomicBool,
    /// The POSTs of raised events to their handlers, and their count (`eventId`).
    outbox: Outbox,
    event_serial: AtomicU64,
}

/// The method and parameters of the latest REST call that passed the rate limit, as the portal
/// read them (token values replaced by `***`): lets tests check what a client really sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedCall {
    /// The method's name, lower-cased as the portal compares it.
    pub method: String,
    /// The parameters from the query and the body, merged as the portal merges them.
    pub params: serde_json::Map<String, serde_json::Value>,
}

#[derive(Default)]
struct Operating {
    limit: Option<OperatingLimit>,
    budgets: Budgets,
}

struct Limiter {
    config: Option<RateLimit>,
    bucket: Option<LeakyBucket>,
}

/// Request counts since start or the last reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every request to `/rest/…`, whatever its outcome.
    pub rest_requests: u64,
    /// Requests refused with `QUERY_LIMIT_EXCEEDED`.
    pub rate_limited: u64,
    /// Calls (batch commands included) refused with `OPERATION_TIME_LIMIT`.
    pub operation_time_limited: u64,
    /// Access tokens renewed at `/oauth/token/`.
    pub token_refreshes: u64,
    /// Requests per lower-case method name that passed the rate limit.
    pub per_method: BTreeMap<String, u64>,
    /// Event deliveries a handler accepted (2xx).
    pub events_delivered: u64,
    /// Event deliveries a handler refused or never received.
    pub events_undelivered: u64,
}

impl Portal {
    pub(crate) fn new(
        state: PortalState,
        rate_limit: Option<RateLimit>,
        log_requests: bool,
    ) -> Portal {
        Portal {
            initial: state.clone(),
            state: Mutex::new(state),
            faults: Mutex::new(FaultQueue::default()),
            has_faults: AtomicBool::new(false),
            limiter: Mutex::new(Limiter {
                config: rate_limit,
                bucket: rate_limit.map(LeakyBucket::new),
            }),
            operating: Mutex::new(Operating::default()),
            rest_requests: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
            operation_time_limited: AtomicU64::new(0),
            token_refreshes: AtomicU64::new(0),
            token_serial: AtomicU64::new(0),
            per_method: Mutex::new(BTreeMap::new()),
            last_call: Mutex::new(None),
            log_requests,
            require_https: AtomicBool::new(false),
            outbox: Outbox::default(),
            event_serial: AtomicU64::new(0),
        }
    }

    /// Refuse webhooks over plain HTTP (`INVALID_REQUEST`, "Https required."), as portals do;
    /// off by default so that tests over HTTP keep working.
    pub fn set_require_https(&self, on: bool) {
        self.require_https.store(on, Ordering::Relaxed);
    }

    pub(crate) fn requires_https(&self) -> bool {
        self.require_https.load(Ordering::Relaxed)
    }

    /// A copy of the whole state.
    pub fn state(&self) -> PortalState {
        lock(&self.state).clone()
    }

    /// A copy of one chat, to check a call's side effect.
    pub fn chat(&self, id: i64) -> Option<Chat> {
        lock(&self.state).chat(id).cloned()
    }

    /// Runs a method's handler on the state under its lock, then queues the POSTs of the events
    /// it raised.
    pub(crate) fn run_handler<R>(&self, f: impl FnOnce(&mut PortalState) -> R) -> R {
        let (result, deliveries) = self.with_state(|state| {
            let result = f(state);
            (result, crate::delivery::take(state, &self.event_serial))
        });
        self.outbox.send(deliveries);
        result
    }

    /// Runs `f` on the state under its lock.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut PortalState) -> R) -> R {
        f(&mut lock(&self.state))
    }

    /// Replaces the whole state (`PUT /_emulator/state`); faults, limits and counts stay.
    pub fn replace_state(&self, state: PortalState) {
        *lock(&self.state) = state;
    }

    /// Back to the start-up state, with no faults, fresh counts and an empty bucket.
    pub fn reset(&self) {
        *lock(&self.state) = self.initial.clone();
        self.clear_faults();
        let mut limiter = lock(&self.limiter);
        limiter.bucket = limiter.config.map(LeakyBucket::new);
        drop(limiter);
        *lock(&self.operating) = Operating::default();
        self.rest_requests.store(0, Ordering::Relaxed);
        self.rate_limited.store(0, Ordering::Relaxed);
        self.operation_time_limited.store(0, Ordering::Relaxed);
        self.token_refreshes.store(0, Ordering::Relaxed);
        lock(&self.per_method).clear();
        *lock(&self.last_call) = None;
        self.outbox.counts.delivered.store(0, Ordering::Relaxed);
        self.outbox.counts.undelivered.store(0, Ordering::Relaxed);
    }

    /// The latest REST call that passed the rate limit, if any.
    pub fn last_call(&self) -> Option<RecordedCall> {
        lock(&self.last_call).clone()
    }

    pub(crate) fn record_call(
        &self,
        method: String,
        mut params: serde_json::Map<String, serde_json::Value>,
    ) {
        for key in ["auth", "access_token"] {
            if let Some(value) = params.get_mut(key) {
                *value = serde_json::Value::String("***".to_string());
            }
        }
        *lock(&self.last_call) = Some(RecordedCall { method, params });
    }

    /// Makes the next `count` REST calls fail with `fault`, after faults already queued.
    pub fn inject(&self, fault: Fault, count: u32) {
        self.queue_fault(FaultRequest { fault, count });
    }

    pub(crate) fn queue_fault(&self, request: FaultRequest) {
        let mut q = lock(&self.faults);
        q.push(request);
        self.has_faults.store(!q.is_empty(), Ordering::Release);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
        self.has_faults.store(false, Ordering::Release);
    }

    /// Changes the rate limit (`None` turns it off) and empties the bucket.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        let mut limiter = lock(&self.limiter);
        limiter.config = limit;
        limiter.bucket = limit.map(LeakyBucket::new);
    }

    /// The request-intensity limit in force; `None` when it is off.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        lock(&self.limiter).config
    }

    /// The counts since start-up or the last reset.
    pub fn stats(&self) -> Stats {
        Stats {
            rest_requests: self.rest_requests.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            operation_time_limited: self.operation_time_limited.load(Ordering::Relaxed),
            token_refreshes: self.token_refreshes.load(Ordering::Relaxed),
            per_method: lock(&self.per_method).clone(),
            events_delivered: self.outbox.counts.delivered.load(Ordering::Relaxed),
            events_undelivered: self.outbox.counts.undelivered.load(Ordering::Relaxed),
        }
    }

    /// The fault for the next REST call, if any.
    pub(crate) fn take_fault(&self) -> Option<Fault> {
        self.take_fault_for(false)
    }

    /// The fault for the next token request to the OAuth server, if any.
    pub(crate) fn take_oauth_fault(&self) -> Option<Fault> {
        self.take_fault_for(true)
    }

    fn take_fault_for(&self, oauth: bool) -> Option<Fault> {
        if !self.has_faults.load(Ordering::Acquire) {
            return None;
        }
        let mut q = lock(&self.faults);
        let fault = q.take(oauth);
        self.has_faults.store(!q.is_empty(), Ordering::Release);
        fault
    }

    pub(crate) fn count_request(&self) {
        self.rest_requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Admits a request under the rate limit, counting refusals.
    pub(crate) fn admit(&self) -> bool {
        let admitted = match &mut lock(&self.limiter).bucket {
            Some(bucket) => bucket.try_admit(Instant::now()),
            None => true,
        };
        if !admitted {
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        admitted
    }

    /// Turns the execution-time budget on (or off with `None`) and forgets what was spent.
    pub fn set_operating_limit(&self, limit: Option<OperatingLimit>) {
        *lock(&self.operating) = Operating {
            limit,
            budgets: Budgets::default(),
        };
    }

    /// The execution-time budget in force; `None` when it is off (the default).
    pub fn operating_limit(&self) -> Option<OperatingLimit> {
        lock(&self.operating).limit
    }

    /// Whether `caller` may call `method` now under the execution-time budget; counts refusals.
    pub(crate) fn admit_operating(&self, caller: &str, method: &str, now: f64) -> bool {
        let mut operating = lock(&self.operating);
        let Operating { limit, budgets } = &mut *operating;
        let admitted = limit
            .as_ref()
            .is_none_or(|l| budgets.admits(l, caller, method, now));
        if !admitted {
            self.operation_time_limited.fetch_add(1, Ordering::Relaxed);
        }
        admitted
    }

    /// Books a call's execution time; `None` when the budget is off (the portal then reports
    /// `operating` 0).
    pub(crate) fn book_operating(
        &self,
        caller: &str,
        method: &str,
        now: f64,
        processing: f64,
    ) -> Option<Reading> {
        let mut operating = lock(&self.operating);
        let Operating { limit, budgets } = &mut *operating;
        limit
            .as_ref()
            .map(|l| budgets.book(l, caller, method, now, processing))
    }

    /// Marks every access token expired, as an hour passing would.
    pub fn expire_tokens(&self) -> usize {
        self.with_state(|state| {
            state
                .tokens
                .iter_mut()
                .filter(|t| !t.expired)
                .map(|t| t.expired = true)
                .count()
        })
    }

    pub(crate) fn next_token_serial(&self) -> u64 {
        self.token_serial.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn count_token_refresh(&self) {
        self.token_refreshes.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_method(&self, method: &str) {
        let mut per_method = lock(&self.per_method);
        match per_method.get_mut(method) {
            Some(n) => *n += 1,
            None => {
                per_method.insert(method.to_string(), 1);
            }
        }
    }
}

/// A poisoned lock only means another request panicked mid-update; the data is still usable
/// for an emulator, and refusing every later request would hide the real failure.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
