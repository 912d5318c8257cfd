//! Staying under the portal's request-intensity limit on this side: a leaky bucket that models
//! the portal's own (each request adds one, the level drains at a fixed rate, a request that
//! would overflow it is refused with `QUERY_LIMIT_EXCEEDED`). Calls reserve a slot and wait for
//! it instead of being refused; every clone of a client, on every thread, shares one bucket,
//! and with a shared store (see `shared`) so does every process on the same portal and
//! credential.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cancel::{CancelScope, Slot};
use crate::error::ConfigProblem;
use crate::shared::{BudgetCheck, SharedBucket, SharedTurn};

/// The portal's request-intensity limit: how many requests may arrive at once, and how many per
/// second drain away. The documented plans are [`RateLimit::STANDARD`] and
/// [`RateLimit::ENTERPRISE`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    burst: f64,
    drain_per_second: f64,
}

impl RateLimit {
    /// Every plan but Enterprise: a burst of 50, then 2 requests per second.
    pub const STANDARD: RateLimit = RateLimit {
        burst: 50.0,
        drain_per_second: 2.0,
    };
    /// Enterprise plans: a burst of 250, then 5 requests per second.
    pub const ENTERPRISE: RateLimit = RateLimit {
        burst: 250.0,
        drain_per_second: 5.0,
    };

    /// A custom limit (an on-premise portal, a share of a limit with other applications).
    /// Both values must be finite and positive; the burst at least 1.
    pub fn new(burst: f64, drain_per_second: f64) -> Result<RateLimit, ConfigProblem> {
        if !(burst.is_finite() && burst >= 1.0) {
            return Err(ConfigProblem::InvalidLimit {
                name: "rate limit burst",
            });
        }
        if !(drain_per_second.is_finite() && drain_per_second > 0.0) {
            return Err(ConfigProblem::InvalidLimit {
                name: "rate limit drain per second",
            });
        }
        Ok(RateLimit {
            burst,
            drain_per_second,
        })
    }

    /// How many requests may arrive at once, when the portal's bucket is empty.
    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// How many requests per second drain from the portal's bucket.
    pub fn drain_per_second(&self) -> f64 {
        self.drain_per_second
    }

    /// The least time `requests` calls can take under this limit, starting from an empty
    /// bucket: the burst goes at once, the rest at the drain rate.
    pub fn minimum_duration(&self, requests: u64) -> Duration {
        let beyond = (requests as f64 - self.usable_burst()).max(0.0);
        Duration::from_secs_f64(beyond / self.drain_per_second)
    }

    /// Part of the burst is kept in reserve: requests leave here on schedule but reach the
    /// portal with jitter (a thread scheduled late, a slow connect), and a request that arrives
    /// closer to the one before it than it left must still fit. The reserve covers
    /// `ARRIVAL_JITTER` of draining, and at least one request: one at the portals' own rates
    /// (2/s, 5/s); more only at rates like 50/s, where one request is 20 ms of jitter, which a
    /// busy machine exceeds.
    pub(crate) fn usable_burst(&self) -> f64 {
        let reserve = (self.drain_per_second * ARRIVAL_JITTER.as_secs_f64()).max(1.0);
        (self.burst - reserve).max(1.0)
    }
}

/// How much later than its neighbour a request may reach the portal without being refused.
const ARRIVAL_JITTER: Duration = Duration::from_millis(100);

/// The client's bucket, shared by its clones. The level counts requests sent and reserved
/// (waiting for their slot); it drains continuously.
#[derive(Debug)]
pub(crate) struct Bucket {
    limit: RateLimit,
    state: Mutex<Level>,
    /// The bucket of every process on this portal and credential, when the client was given a
    /// shared store; the local level paces calls while that store cannot be reached.
    shared: Option<Arc<SharedBucket>>,
}

/// What the limiter says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// A slot is the request's: it may go.
    Go,
    /// The slot comes at or after the deadline; it was given back.
    PastDeadline,
    /// The shared store says a method's execution-time budget is spent until this far away;
    /// nothing was reserved (ask again after it).
    HoldForBudget(Duration),
}

/// Which bucket counted a reserved slot, so that it is given back to the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    Here,
    Shared,
}

#[derive(Debug)]
struct Level {
    value: f64,
    at: Instant,
}

impl Level {
    fn drain_to(&mut self, now: Instant, rate: f64) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.value = (self.value - elapsed * rate).max(0.0);
        self.at = now;
    }
}

impl Bucket {
    #[cfg(test)]
    pub(crate) fn new(limit: RateLimit) -> Bucket {
        Bucket::sharing(limit, None)
    }

    /// A bucket that paces calls through `shared` while it can be reached.
    pub(crate) fn sharing(limit: RateLimit, shared: Option<Arc<SharedBucket>>) -> Bucket {
        Bucket {
            limit,
            state: Mutex::new(Level {
                value: 0.0,
                at: Instant::now(),
            }),
            shared,
        }
    }

    /// Reserves the next slot in the shared bucket (unless a shared budget holds the request),
    /// else here; how long to wait for it.
    async fn reserve_turn(
        &self,
        budget: Option<BudgetCheck<'_>>,
        deadline: Option<Instant>,
    ) -> Result<(Duration, Counted), Duration> {
        if let Some(shared) = &self.shared {
            match shared.reserve(self.limit, budget, deadline).await {
                Some(SharedTurn::Reserved(wait)) => return Ok((wait, Counted::Shared)),
                Some(SharedTurn::HoldForBudget(hold)) => return Err(hold),
                None => {}
            }
        }
        Ok((self.reserve(Instant::now()), Counted::Here))
    }

    /// Gives a reserved slot back to the bucket that counted it.
    pub(crate) fn give_back(&self, counted: Counted, now: Instant) {
        match (counted, &self.shared) {
            (Counted::Shared, Some(shared)) => shared.release(self.limit),
            _ => self.release(now),
        }
    }

    /// Reserves the next slot at `now` and returns how long to wait for it.
    pub(crate) fn reserve(&self, now: Instant) -> Duration {
        let mut level = self.state.lock().unwrap_or_else(|p| p.into_inner());
        level.drain_to(now, self.limit.drain_per_second);
        level.value += 1.0;
        let excess = level.value - self.limit.usable_burst();
        if excess <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(excess / self.limit.drain_per_second)
        }
    }

    /// Gives back a reserved slot that was not used (the call was cancelled or gave up).
    pub(crate) fn release(&self, now: Instant) {
        let mut level = self.state.lock().unwrap_or_else(|p| p.into_inner());
        level.drain_to(now, self.limit.drain_per_second);
        level.value = (level.value - 1.0).max(0.0);
    }

    /// The portal refused a request for intensity: its bucket is full, whatever ours says
    /// (other applications on the same portal and address share it).
    pub(crate) fn mark_full(&self, now: Instant) {
        if let Some(shared) = &self.shared {
            shared.mark_full(self.limit);
        }
        let mut level = self.state.lock().unwrap_or_else(|p| p.into_inner());
        level.drain_to(now, self.limit.drain_per_second);
        level.value = level.value.max(self.limit.usable_burst());
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    /// The shared store's URL without its password, when the bucket is shared.
    pub(crate) fn shared_store(&self) -> Option<&str> {
        self.shared.as_deref().map(SharedBucket::store)
    }

    /// Waits for a slot; the reservation is released if the wait is abandoned.
    #[cfg(test)]
    async fn acquire(self: &Arc<Self>) {
        self.acquire_before(None, None, |_| ()).await;
    }

    /// Waits for a slot, unless it comes at or after `deadline`: then gives it back at once
    /// ([`Turn::PastDeadline`]). With a shared store, `budget` names the request's methods,
    /// whose execution-time budgets the store checks first. `waiting` hears how long the wait
    /// will be before it starts. The reservation is released if the wait is abandoned, and at
    /// once when the call's [`CancelScope`] is cancelled from another thread.
    pub(crate) async fn acquire_before(
        self: &Arc<Self>,
        deadline: Option<Instant>,
        budget: Option<BudgetCheck<'_>>,
        waiting: impl FnOnce(Duration),
    ) -> Turn {
        let (wait, counted) = match self.reserve_turn(budget, deadline).await {
            Ok(reserved) => reserved,
            Err(hold) => return Turn::HoldForBudget(hold),
        };
        if wait.is_zero() {
            return Turn::Go;
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now + wait >= d) {
            self.give_back(counted, now);
            return Turn::PastDeadline;
        }
        let slot = Arc::new(Slot::new(Arc::clone(self), counted));
        let _release_if_abandoned = Reservation(Arc::clone(&slot));
        CancelScope::hold(&slot);
        waiting(wait);
        tokio::time::sleep(wait).await;
        if !slot.use_for_request() {
            // Cancelled from another thread, which gave the slot back and drops this call next.
            std::future::pending::<()>().await;
        }
        Turn::Go
    }
}

struct Reservation(Arc<Slot>);

impl Drop for Reservation {
    fn drop(&mut self) {
        self.0.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    #[test]
    fn the_documented_plans() {
        assert_eq!(
            (
                RateLimit::STANDARD.burst(),
                RateLimit::STANDARD.drain_per_second()
            ),
            (50.0, 2.0)
        );
        assert_eq!(
            (
                RateLimit::ENTERPRISE.burst(),
                RateLimit::ENTERPRISE.drain_per_second()
            ),
            (250.0, 5.0)
        );
        // 49 at once, the other 251 at 2/s.
        assert_eq!(
            RateLimit::STANDARD.minimum_duration(300).as_secs_f64(),
            125.5
        );
        assert_eq!(RateLimit::ENTERPRISE.minimum_duration(1249).as_secs(), 200);
        assert_eq!(RateLimit::STANDARD.minimum_duration(10), Duration::ZERO);
    }

    #[test]
    fn the_reserve_covers_a_tenth_of_a_second_of_jitter_at_high_rates() {
        // 50/s drains 5 requests in 100 ms: 5 of a burst of 10 go at once, the other 295 at 50/s.
        let scaled = RateLimit::new(10.0, 50.0).unwrap();
        assert_eq!(scaled.minimum_duration(300).as_secs_f64(), 5.9);
        let bucket = Bucket::new(scaled);
        let t0 = Instant::now();
        let waits: Vec<f64> = (0..7).map(|_| secs(bucket.reserve(t0))).collect();
        assert_eq!(waits, [0.0, 0.0, 0.0, 0.0, 0.0, 0.02, 0.04]);
    }

    #[test]
    fn a_burst_goes_at_once_then_one_slot_per_drain_interval() {
        let bucket = Bucket::new(RateLimit::STANDARD);
        let t0 = Instant::now();
        let waits: Vec<f64> = (0..52).map(|_| secs(bucket.reserve(t0))).collect();
        assert!(waits[..49].iter().all(|w| *w == 0.0), "{waits:?}");
        assert_eq!(&waits[49..], &[0.5, 1.0, 1.5]);
    }

    #[test]
    fn the_level_drains_over_time() {
        let bucket = Bucket::new(RateLimit::ENTERPRISE);
        let t0 = Instant::now();
        for _ in 0..249 {
            bucket.reserve(t0);
        }
        assert_eq!(secs(bucket.reserve(t0)), 0.2);
        // Ten seconds drain fifty requests at 5/s: the 50 slots are free again, less the one
        // reserved above.
        let t1 = t0 + Duration::from_secs(10);
        let free = (0..60).filter(|_| bucket.reserve(t1).is_zero()).count();
        assert_eq!(free, 49);
    }

    #[test]
    fn released_slots_and_a_full_portal() {
        let bucket = Bucket::new(RateLimit::new(10.0, 5.0).unwrap());
        let t0 = Instant::now();
        for _ in 0..9 {
            assert!(bucket.reserve(t0).is_zero());
        }
        assert_eq!(secs(bucket.reserve(t0)), 0.2);
        bucket.release(t0);
        assert_eq!(secs(bucket.reserve(t0)), 0.2);

        let other = Bucket::new(RateLimit::new(10.0, 5.0).unwrap());
        other.mark_full(t0);
        assert_eq!(secs(other.reserve(t0)), 0.2);
    }

    #[test]
    fn custom_limits_are_checked() {
        for (burst, drain) in [
            (0.5, 1.0),
            (10.0, 0.0),
            (f64::NAN, 1.0),
            (10.0, f64::INFINITY),
        ] {
            assert!(
                matches!(
                    RateLimit::new(burst, drain),
                    Err(ConfigProblem::InvalidLimit { .. })
                ),
                "{burst} {drain}"
            );
        }
    }

    #[tokio::test]
    async fn an_abandoned_wait_gives_its_slot_back() {
        let bucket = Arc::new(Bucket::new(RateLimit::new(1.0, 1.0).unwrap()));
        bucket.acquire().await;
        let waiting = tokio::time::timeout(Duration::from_millis(50), bucket.acquire()).await;
        assert!(waiting.is_err(), "the second slot is a second away");
        // Only the first request counts: the next slot is one second after the first.
        let wait = bucket.reserve(Instant::now());
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
    }

    /// The bindings' case: the waiting call is a task on the runtime, cancelled from the
    /// caller's thread. The slot must be free when `cancel` returns, before tokio gets round to
    /// dropping the aborted task.
    #[test]
    fn a_cancelled_scope_gives_the_slot_back_before_the_task_is_dropped() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_time()
            .build()
            .unwrap();
        let bucket = Arc::new(Bucket::new(RateLimit::new(1.0, 1.0).unwrap()));
        assert!(bucket.reserve(Instant::now()).is_zero());
        let scope = CancelScope::new();
        let (waiting_tx, waiting_rx) = std::sync::mpsc::channel();
        let task = runtime.spawn(scope.run({
            let bucket = Arc::clone(&bucket);
            async move {
                bucket
                    .acquire_before(None, None, |wait| waiting_tx.send(wait).unwrap())
                    .await
            }
        }));
        let wait = waiting_rx.recv().unwrap();
        assert!(wait > Duration::from_millis(500), "{wait:?}");
        // The worker thread is kept busy, so the aborted task cannot be dropped yet.
        let (busy_tx, busy_rx) = std::sync::mpsc::channel::<()>();
        runtime.spawn(async move { busy_rx.recv().ok() });
        scope.cancel();
        task.abort();
        let next = bucket.reserve(Instant::now());
        busy_tx.send(()).unwrap();
        assert!(
            next <= Duration::from_secs(1),
            "the cancelled slot still counts: {next:?}"
        );
        assert!(runtime.block_on(task).unwrap_err().is_cancelled());
    }

    #[tokio::test]
    async fn a_slot_reserved_after_the_scope_was_cancelled_is_given_back_at_once() {
        let bucket = Arc::new(Bucket::new(RateLimit::new(1.0, 1.0).unwrap()));
        assert!(bucket.reserve(Instant::now()).is_zero());
        let scope = CancelScope::new();
        scope.cancel();
        let late = tokio::spawn(scope.run({
            let bucket = Arc::clone(&bucket);
            async move { bucket.acquire().await }
        }));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let next = bucket.reserve(Instant::now());
        assert!(
            next <= Duration::from_secs(1),
            "the late slot counts: {next:?}"
        );
        // Past the moment its slot would have come, the cancelled call still waits.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(!late.is_finished(), "a cancelled call never gets its slot");
        late.abort();
    }
}
