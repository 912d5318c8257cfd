//! Where calls run: the runtime uniffi polls call futures in (`async-compat`'s, one thread), with
//! that thread held awake for a moment after each call starts or ends (`b24kit::awake`). A JVM
//! or Swift thread submits a call and waits to be resumed; waking the parked runtime thread
//! first cost more than the call's own work here (sequential suspend calls: 0.49× of the
//! reqwest floor parked, 0.65× held awake). Calls stay on that one thread: spread over a
//! runtime of two workers, 64 calls in flight ran slower (hops between the threads).

use std::future::Future;
use std::sync::{Arc, OnceLock};

use b24kit::awake::Awake;
use tokio::task::JoinHandle;

static AWAKE: OnceLock<Arc<Awake>> = OnceLock::new();

/// Spawns `work` on the runtime the caller is polled in, holding its thread awake around it.
pub(crate) fn spawn<F>(work: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let call = AWAKE
        .get_or_init(|| {
            let awake = Awake::new();
            tokio::spawn(awake.clone().keep_awake());
            awake
        })
        .call();
    tokio::spawn(async move {
        let outcome = work.await;
        drop(call);
        outcome
    })
}
