//! The rate limiter's bucket kept in the shared store (see `bucket.lua`, the same arithmetic as
//! the local bucket in `limiter.rs`).

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use redis::Script;

use super::SharedStore;
use crate::limiter::RateLimit;

static BUCKET: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("bucket.lua")));

/// One portal-and-credential's bucket in the shared store.
#[derive(Debug)]
pub(crate) struct SharedBucket {
    store: Arc<SharedStore>,
    key: String,
}

impl SharedBucket {
    /// The bucket of `identity` (a portal and a credential, no secret in it).
    pub(crate) fn new(store: Arc<SharedStore>, identity: &str) -> SharedBucket {
        let key = format!("{}bucket:{identity}", store.limits().key_prefix());
        SharedBucket { store, key }
    }

    /// The store's URL without its password.
    pub(crate) fn store(&self) -> &str {
        self.store.limits().redacted_url()
    }

    /// Reserves the next slot and says how far away it is; `None` when the store cannot be used
    /// now (the local bucket paces the call instead).
    pub(crate) async fn reserve(
        &self,
        limit: RateLimit,
        deadline: Option<Instant>,
    ) -> Option<Duration> {
        let key = self.key.clone();
        let micros: u64 = self
            .store
            .exchange(deadline, move |mut connection| async move {
                BUCKET
                    .key(key)
                    .arg("reserve")
                    .arg(limit.usable_burst())
                    .arg(limit.drain_per_second())
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Some(Duration::from_micros(micros))
    }

    /// Gives back a slot reserved here and not used; does not wait for the store.
    pub(crate) fn release(&self, limit: RateLimit) {
        self.send("release", limit);
    }

    /// The portal refused a request for intensity: the shared bucket is full too.
    pub(crate) fn mark_full(&self, limit: RateLimit) {
        self.send("full", limit);
    }

    fn send(&self, op: &'static str, limit: RateLimit) {
        let key = self.key.clone();
        self.store.send(move |mut connection| async move {
            BUCKET
                .key(key)
                .arg(op)
                .arg(limit.usable_burst())
                .arg(limit.drain_per_second())
                .invoke_async::<u64>(&mut connection)
                .await
                .map(drop)
        });
    }
}
