//! The limits kept in the shared store (see `limits.lua`): the rate limiter's bucket — the same
//! arithmetic as the local one in `limiter.rs` — and each method's execution-time budget as the
//! portal last reported it to any process.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use redis::Script;

use super::SharedStore;
use crate::limiter::RateLimit;

static LIMITS: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("limits.lua")));

/// What the shared store says about a request's turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharedTurn {
    /// A slot was reserved; it is this far away.
    Reserved(Duration),
    /// A method's budget is spent until this far away; nothing was reserved.
    HoldForBudget(Duration),
}

/// The methods of a request whose budgets the shared store checks, and the threshold of use
/// past which a method waits for the portal's release.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BudgetCheck<'a> {
    pub(crate) methods: &'a [&'a str],
    pub(crate) threshold_seconds: f64,
}

/// One portal-and-credential's limits in the shared store.
#[derive(Debug)]
pub(crate) struct SharedBucket {
    store: Arc<SharedStore>,
    bucket_key: String,
    budget_prefix: String,
}

impl SharedBucket {
    /// The limits of `identity` (a portal and a credential, no secret in it).
    pub(crate) fn new(store: Arc<SharedStore>, identity: &str) -> SharedBucket {
        let prefix = store.limits().key_prefix();
        SharedBucket {
            bucket_key: format!("{prefix}bucket:{identity}"),
            budget_prefix: format!("{prefix}budget:{identity}:"),
            store,
        }
    }

    /// The store's URL without its password.
    pub(crate) fn store(&self) -> &str {
        self.store.limits().redacted_url()
    }

    /// Checks the request's budgets, then reserves the next slot; `None` when the store cannot
    /// be used now (the local limits pace the call instead).
    pub(crate) async fn reserve(
        &self,
        limit: RateLimit,
        budget: Option<BudgetCheck<'_>>,
        deadline: Option<Instant>,
    ) -> Option<SharedTurn> {
        let mut keys = vec![self.bucket_key.clone()];
        let mut threshold = 0.0;
        if let Some(check) = budget {
            keys.extend(check.methods.iter().map(|m| self.budget_key(m)));
            threshold = check.threshold_seconds;
        }
        let micros: i64 = self
            .store
            .exchange(deadline, move |mut connection| async move {
                LIMITS
                    .key(keys)
                    .arg("reserve")
                    .arg(limit.usable_burst())
                    .arg(limit.drain_per_second())
                    .arg(threshold)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Some(if micros < 0 {
            SharedTurn::HoldForBudget(Duration::from_micros(micros.unsigned_abs()))
        } else {
            SharedTurn::Reserved(Duration::from_micros(micros.unsigned_abs()))
        })
    }

    /// Gives back a slot reserved here and not used; does not wait for the store.
    pub(crate) fn release(&self, limit: RateLimit) {
        self.send_bucket("release", limit);
    }

    /// The portal refused a request for intensity: the shared bucket is full too.
    pub(crate) fn mark_full(&self, limit: RateLimit) {
        self.send_bucket("full", limit);
    }

    /// What an answer said about `method`'s budget, for every process; does not wait.
    pub(crate) fn record_budget(&self, method: &str, used_seconds: f64, release_in: Duration) {
        let key = self.budget_key(method);
        let release_in = release_in.as_secs_f64();
        self.store.send(move |mut connection| async move {
            LIMITS
                .key(key)
                .arg("budget")
                .arg(used_seconds)
                .arg(release_in)
                .invoke_async::<i64>(&mut connection)
                .await
                .map(drop)
        });
    }

    fn budget_key(&self, method: &str) -> String {
        format!("{}{method}", self.budget_prefix)
    }

    fn send_bucket(&self, op: &'static str, limit: RateLimit) {
        let key = self.bucket_key.clone();
        self.store.send(move |mut connection| async move {
            LIMITS
                .key(key)
                .arg(op)
                .arg(limit.usable_burst())
                .arg(limit.drain_per_second())
                .invoke_async::<i64>(&mut connection)
                .await
                .map(drop)
        });
    }
}
