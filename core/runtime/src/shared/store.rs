//! The connection to the shared store and whether it is usable right now.
//!
//! A process keeps one connection per store, whichever clients use it, so that what one client
//! tells the store (a budget reading) reaches it before what another asks next. Every exchange
//! runs on one small runtime of this process (remade after a `fork()`, whose child has none of
//! its parent's threads), whatever runtime the call itself runs on: the Python binding's blocking
//! calls each run on a runtime of their own thread, which would leave a connection's background
//! task unpolled between calls. Each exchange is bounded, and a failed one makes calls use local
//! limits for a moment before the store is tried again.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::RedisResult;
use tokio::runtime::{Handle, Runtime};
use tokio::time::error::Elapsed;

use super::{IfUnreachable, SharedLimits};
use crate::error::ConfigProblem;
use crate::observe::{Event, Observer};
use crate::secret::{scrub, Secret};

/// How long one exchange with the store may take before the call goes on under local limits:
/// a Redis on the same machine or network answers in well under a millisecond.
const EXCHANGE_TIMEOUT: Duration = Duration::from_millis(500);
/// After a failed exchange, how long calls use local limits before the store is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

pub(crate) struct SharedStore {
    limits: SharedLimits,
    secrets: Vec<Secret>,
    connect_timeout: Duration,
    health: Mutex<Health>,
    observer: Arc<Observer>,
}

/// This process's runtime for the stores and its connection to each, by URL; a forked child
/// makes its own (the parent's are forgotten, never dropped: their threads are not there).
struct Connections {
    pid: u32,
    runtime: Runtime,
    /// By URL and trusted certificates (see `connection_key`).
    by_url: HashMap<String, ConnectionManager>,
}

static CONNECTIONS: Mutex<Option<Connections>> = Mutex::new(None);

enum Health {
    Up,
    Down { retry_at: Instant },
}

impl SharedStore {
    /// Opens the store and checks that it answers, within `connect_timeout`. When it does not,
    /// the client is refused or goes on under local limits, as the limits say.
    pub(crate) fn open(
        limits: SharedLimits,
        connect_timeout: Duration,
        observer: Arc<Observer>,
    ) -> Result<Arc<SharedStore>, ConfigProblem> {
        if limits.url().expose().starts_with("rediss:") {
            // The Redis client builds its TLS set-up from the process's default provider; this
            // crate's (ring) becomes it unless the application installed another.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let secrets = limits.secrets();
        let store = Arc::new(SharedStore {
            limits,
            secrets,
            connect_timeout,
            health: Mutex::new(Health::Up),
            observer,
        });
        // A URL the Redis client cannot use is a mistake to report whatever the choice.
        store
            .connection()
            .map_err(|reason| store.unreachable(reason))?;
        let answer =
            store.wait_for(
                connect_timeout + EXCHANGE_TIMEOUT,
                |mut manager| async move {
                    redis::cmd("PING").query_async::<String>(&mut manager).await
                },
            );
        match answer {
            Ok(_) => Ok(store),
            Err(reason) => match store.limits.unreachable_choice() {
                IfUnreachable::Fail => {
                    store.drop_connection();
                    Err(store.unreachable(reason))
                }
                _ => {
                    store.lost(reason);
                    Ok(store)
                }
            },
        }
    }

    pub(crate) fn limits(&self) -> &SharedLimits {
        &self.limits
    }

    /// Runs `exchange` on the store, within `deadline` and [`EXCHANGE_TIMEOUT`]; `None` when the
    /// store is not usable now or the exchange failed (the caller then uses local limits).
    pub(crate) async fn exchange<T, F, Fut>(
        &self,
        deadline: Option<Instant>,
        exchange: F,
    ) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>> + Send + 'static,
    {
        let now = Instant::now();
        if !self.usable(now) {
            return None;
        }
        let (manager, runtime) = match self.connection() {
            Ok(connection) => connection,
            Err(reason) => {
                self.lost(reason);
                return None;
            }
        };
        let limit = deadline.map_or(EXCHANGE_TIMEOUT, |d| {
            d.saturating_duration_since(now).min(EXCHANGE_TIMEOUT)
        });
        let task = runtime.spawn(tokio::time::timeout(limit, exchange(manager)));
        // The task is bounded; this bound only guards against a runtime that stopped.
        let outcome = match tokio::time::timeout(limit + EXCHANGE_TIMEOUT, task).await {
            Ok(Ok(outcome)) => self.read(outcome),
            Ok(Err(e)) => Err(format!("the exchange with the store failed: {e}")),
            Err(_) => Err(no_answer()),
        };
        match outcome {
            Ok(value) => {
                self.back();
                Some(value)
            }
            Err(reason) => {
                self.lost(reason);
                None
            }
        }
    }

    /// Starts `exchange` and does not wait for it: giving a slot back, marking the bucket full.
    pub(crate) fn send<F, Fut>(self: &Arc<Self>, exchange: F)
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<()>> + Send + 'static,
    {
        if !self.usable(Instant::now()) {
            return;
        }
        let Ok((manager, runtime)) = self.connection() else {
            return;
        };
        let store = Arc::clone(self);
        let work = exchange(manager);
        runtime.spawn(async move {
            let outcome = tokio::time::timeout(EXCHANGE_TIMEOUT, work).await;
            if let Err(reason) = store.read(outcome) {
                store.lost(reason);
            }
        });
    }

    /// What a bounded exchange gave: its value, or why it failed (scrubbed of the password).
    fn read<T>(&self, outcome: Result<RedisResult<T>, Elapsed>) -> Result<T, String> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(scrub(&e.to_string(), &self.secrets)),
            Err(_) => Err(no_answer()),
        }
    }

    /// Runs `exchange` from a thread that may not be async (building a client) and waits.
    fn wait_for<T, F, Fut>(&self, limit: Duration, exchange: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>> + Send + 'static,
    {
        let (manager, runtime) = self.connection()?;
        let (tx, rx) = std::sync::mpsc::channel();
        let work = exchange(manager);
        runtime.spawn(async move {
            let _ = tx.send(tokio::time::timeout(limit, work).await);
        });
        match rx.recv_timeout(limit + EXCHANGE_TIMEOUT) {
            Ok(outcome) => self.read(outcome),
            Err(_) => Err(no_answer()),
        }
    }

    /// This process's connection to the store, made on first use (and anew in a forked child),
    /// with the runtime it runs on.
    fn connection(&self) -> Result<(ConnectionManager, Handle), String> {
        let pid = std::process::id();
        let mut slot = lock(&CONNECTIONS);
        if slot.as_ref().is_some_and(|c| c.pid != pid) {
            std::mem::forget(slot.take());
        }
        if slot.is_none() {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("b24kit-shared")
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the runtime: {e}"))?;
            *slot = Some(Connections {
                pid,
                runtime,
                by_url: HashMap::new(),
            });
        }
        let connections = slot.as_mut().expect("made above");
        let runtime = connections.runtime.handle().clone();
        let url = self.limits.url().expose();
        let key = self.connection_key();
        if let Some(manager) = connections.by_url.get(&key) {
            return Ok((manager.clone(), runtime));
        }
        let client = match self.limits.trusted_roots() {
            Some(pem) => redis::Client::build_with_tls(
                url,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.to_vec()),
                },
            ),
            None => redis::Client::open(url),
        }
        .map_err(|e| scrub(&e.to_string(), &self.secrets))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(EXCHANGE_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(RETRY_AFTER);
        let manager = {
            // Made lazily: it connects on its first exchange, on the stores' runtime.
            let _inside = runtime.enter();
            ConnectionManager::new_lazy_with_config(client, config)
                .map_err(|e| scrub(&e.to_string(), &self.secrets))?
        };
        connections.by_url.insert(key, manager.clone());
        Ok((manager, runtime))
    }

    /// Forgets this process's connection to the store, so that the next exchange connects
    /// afresh rather than replay the failure of a reconnection still pending in it.
    fn drop_connection(&self) {
        if let Some(connections) = lock(&CONNECTIONS).as_mut() {
            connections.by_url.remove(&self.connection_key());
        }
    }

    /// The store's URL and the certificates trusted for it: stores that differ in either do not
    /// share a connection.
    fn connection_key(&self) -> String {
        let roots = self
            .limits
            .trusted_roots()
            .map(|pem| crate::secret::fingerprint(&String::from_utf8_lossy(pem)));
        format!(
            "{}#{}",
            self.limits.url().expose(),
            roots.unwrap_or_default()
        )
    }

    fn usable(&self, now: Instant) -> bool {
        match *lock(&self.health) {
            Health::Up => true,
            Health::Down { retry_at } => now >= retry_at,
        }
    }

    /// The store failed: local limits for [`RETRY_AFTER`]; the first failure is told. The
    /// connection is dropped (see `drop_connection`).
    fn lost(&self, reason: String) {
        self.drop_connection();
        let was_up = {
            let mut health = lock(&self.health);
            let was_up = matches!(*health, Health::Up);
            *health = Health::Down {
                retry_at: Instant::now() + RETRY_AFTER,
            };
            was_up
        };
        if was_up {
            self.observer.emit(Event::SharedLimitsLost {
                store: self.limits.redacted_url().to_string(),
                reason,
            });
        }
    }

    /// The store answered: shared limits again; the return is told.
    fn back(&self) {
        let was_down = {
            let mut health = lock(&self.health);
            let was_down = matches!(*health, Health::Down { .. });
            *health = Health::Up;
            was_down
        };
        if was_down {
            self.observer.emit(Event::SharedLimitsBack {
                store: self.limits.redacted_url().to_string(),
            });
        }
    }

    fn unreachable(&self, reason: String) -> ConfigProblem {
        ConfigProblem::SharedStoreUnreachable {
            store: self.limits.redacted_url().to_string(),
            reason,
        }
    }
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore")
            .field("limits", &self.limits)
            .field("up", &matches!(*lock(&self.health), Health::Up))
            .finish_non_exhaustive()
    }
}

fn no_answer() -> String {
    format!("no answer within {} ms", EXCHANGE_TIMEOUT.as_millis())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
