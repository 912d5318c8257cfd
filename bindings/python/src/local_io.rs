//! Blocking calls run their I/O on the calling thread: a single-threaded tokio runtime per
//! thread, and per thread one connection pool per Python client (a clone of its core client that
//! shares the rate limiter and the OAuth token with every other thread). A call then needs
//! no thread hand-over at all, which is what makes a blocking call as fast as a plain Rust loop.
//! The GIL is released meanwhile, so other Python threads keep running.
//!
//! Idle connections are not polled between calls, so a connection the server closed meanwhile
//! (an idle timeout) would still look usable. Each call therefore first lets the runtime handle
//! the I/O events that arrived since the last call — connection tasks see their end of stream and
//! leave the pool — and only then takes a connection.
//! After `fork()` the inherited runtime (its polling fd is shared with the parent) and clients are
//! forgotten and made anew.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use b24kit::{Error, Method, Response, Spec};
use pyo3::PyErr;
use tokio::runtime::Runtime;

use crate::interrupt;

/// Identifies one Python client; per-thread pools of a dropped or closed client are released
/// when their thread next makes a call.
pub(crate) type ClientToken = Arc<()>;

struct LocalIo {
    pid: u32,
    runtime: Runtime,
    clients: Vec<(Weak<()>, b24kit::Client)>,
}

thread_local! {
    static LOCAL: RefCell<Option<LocalIo>> = const { RefCell::new(None) };
}

/// Why a blocking call produced no outcome from the core.
pub(crate) enum Failure {
    Runtime(std::io::Error),
    /// The per-thread pool could not be made (TLS set-up).
    Build(Error),
    Panic(b24kit::panic::Panic),
    /// A signal handler raised (Ctrl-C): the call was dropped.
    Interrupted(PyErr),
}

/// Makes the call on this thread and waits for it.
pub(crate) fn call<M: Method<Catalog = Spec>>(
    token: &ClientToken,
    shared: &b24kit::Client,
    params: M,
) -> Result<Result<Response<M::Output>, Error>, Failure> {
    run(token, shared, move |client| async move {
        client.call(params).await
    })
}

/// Runs `work` with this thread's pool of the client on this thread's runtime.
pub(crate) fn run<T, W, F>(
    token: &ClientToken,
    shared: &b24kit::Client,
    work: W,
) -> Result<T, Failure>
where
    W: FnOnce(b24kit::Client) -> F,
    F: std::future::Future<Output = T>,
{
    LOCAL.with(|cell| {
        let mut slot = cell.borrow_mut();
        let pid = std::process::id();
        if slot.as_ref().is_none_or(|local| local.pid != pid) {
            if let Some(inherited) = slot.take() {
                std::mem::forget(inherited);
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(Failure::Runtime)?;
            *slot = Some(LocalIo {
                pid,
                runtime,
                clients: Vec::new(),
            });
        }
        let local = slot.as_mut().expect("set above");
        local.clients.retain(|(owner, _)| owner.strong_count() > 0);
        let owner = Arc::downgrade(token);
        let client = match local.clients.iter().find(|(o, _)| o.ptr_eq(&owner)) {
            Some((_, client)) => client.clone(),
            None => match shared.with_own_connections() {
                Ok(client) => {
                    local.clients.push((owner, client.clone()));
                    client
                }
                Err(e) => return Err(Failure::Build(e)),
            },
        };
        // The pool is per Python client; the retry policy and time limits are the caller's
        // (see `with_retry`, `with_time_limits`).
        let client = shared.on_connections_of(&client);
        let runtime = &local.runtime;
        b24kit::panic::catch(|| {
            runtime.block_on(async move {
                settle_idle_connections().await;
                interrupt::or_interrupted(work(client)).await
            })
        })
        .map_err(Failure::Panic)?
        .map_err(Failure::Interrupted)
    })
}

/// Lets the single-threaded scheduler poll its I/O driver and run the connection tasks that wakes.
/// The first yield makes it poll the driver (deferred wake-ups wait for that) and queue the woken
/// tasks; the second lets those tasks run before this one continues.
async fn settle_idle_connections() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}
