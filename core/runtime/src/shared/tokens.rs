//! The OAuth token pair shared by every process started with the same pair, and the lease on its
//! renewal (see `tokens.lua`). A refresh token works once: when processes meet an expired token
//! together, the one holding the lease renews and publishes the new pair; the others wait for it
//! and use it. The lease expires on its own, so a process killed while renewing does not block
//! the others. The tokens are in the store (protect it: a password, TLS); never in a log line.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use redis::Script;

use super::SharedStore;
use crate::secret::Secret;

static TOKENS: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("tokens.lua")));

/// The shared pair, as another process published it.
pub(crate) struct SharedPair {
    pub(crate) access: Secret,
    pub(crate) refresh: Secret,
}

/// One fleet's token pair in the shared store.
#[derive(Debug)]
pub(crate) struct SharedTokens {
    store: Arc<SharedStore>,
    pair_key: String,
    lease_key: String,
}

/// The proof of holding the renewal lease: only its holder may publish.
pub(crate) struct Fence(String);

impl SharedTokens {
    /// The pair of `identity` (a portal, an application and a fingerprint of the refresh token
    /// the processes were started with: no secret in it).
    pub(crate) fn new(store: Arc<SharedStore>, identity: &str) -> SharedTokens {
        let prefix = store.limits().key_prefix();
        SharedTokens {
            pair_key: format!("{prefix}tokens:{identity}"),
            lease_key: format!("{prefix}tokens-renewal:{identity}"),
            store,
        }
    }

    /// The pair another process published; `None` when the store cannot be used now, `Some(None)`
    /// when no process has renewed yet.
    pub(crate) async fn read(&self, deadline: Instant) -> Option<Option<SharedPair>> {
        let key = self.pair_key.clone();
        let (access, refresh): (Option<String>, Option<String>) = self
            .store
            .exchange(Some(deadline), move |mut connection| async move {
                redis::cmd("HMGET")
                    .arg(key)
                    .arg("access")
                    .arg("refresh")
                    .query_async(&mut connection)
                    .await
            })
            .await?;
        Some(match (access, refresh) {
            (Some(access), Some(refresh)) => Some(SharedPair {
                access: Secret::new(&access),
                refresh: Secret::new(&refresh),
            }),
            _ => None,
        })
    }

    /// Takes the renewal lease for `lease`; `Some(None)` when another process holds it.
    pub(crate) async fn try_lease(
        &self,
        lease: Duration,
        deadline: Instant,
    ) -> Option<Option<Fence>> {
        let key = self.lease_key.clone();
        let fence = new_fence();
        let value = fence.clone();
        let millis = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX);
        let taken: Option<String> = self
            .store
            .exchange(Some(deadline), move |mut connection| async move {
                redis::cmd("SET")
                    .arg(key)
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis)
                    .query_async(&mut connection)
                    .await
            })
            .await?;
        Some(taken.map(|_| Fence(fence)))
    }

    /// Publishes the pair the lease holder renewed and gives the lease up; `false` when the lease
    /// had expired meanwhile (the pair is then not published).
    pub(crate) async fn publish(
        &self,
        fence: Fence,
        access: &str,
        refresh: &str,
        deadline: Instant,
    ) -> bool {
        let keys = [self.pair_key.clone(), self.lease_key.clone()];
        let args = [
            "publish".to_string(),
            fence.0,
            access.to_string(),
            refresh.to_string(),
        ];
        let published: Option<i64> = self
            .store
            .exchange(Some(deadline), move |mut connection| async move {
                TOKENS
                    .key(&keys[..])
                    .arg(&args[..])
                    .invoke_async(&mut connection)
                    .await
            })
            .await;
        published == Some(1)
    }

    /// Gives the lease up without publishing (the renewal failed); does not wait.
    pub(crate) fn unlock(&self, fence: Fence) {
        let keys = [self.pair_key.clone(), self.lease_key.clone()];
        let args = ["unlock".to_string(), fence.0];
        self.store.send(move |mut connection| async move {
            TOKENS
                .key(&keys[..])
                .arg(&args[..])
                .invoke_async::<i64>(&mut connection)
                .await
                .map(drop)
        });
    }
}

/// A value no other holder of the lease has: 16 random bytes, in hex.
fn new_fence() -> String {
    let mut bytes = [0u8; 16];
    // Without the system's randomness, time and process id still tell holders apart.
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).is_err() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        bytes[..8].copy_from_slice(&(now as u64).to_le_bytes());
        bytes[8..12].copy_from_slice(&std::process::id().to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
