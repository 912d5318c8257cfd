//! How a call runs: to its end on the runtime's threads, with a panic caught and reported as an
//! error instead of crashing the app, and the core's error turned into the binding's (whatever
//! error type the generated code declared).
//!
//! The foreign side polls a call's future and is woken — through a JNA callback on the JVM, with
//! a hop to a coroutine dispatcher — at every step the future waits on. Run in place, one call
//! would wait several times (a pooled connection, the request written, the head, the body);
//! spawned on the runtime, it wakes the foreign side once, when it is done.

use std::future::Future;

use b24kit::cancel::CancelScope;
use b24kit::{ErrorReport, Method, Spec};

use crate::client::Client;

/// Starts `work` on the runtime (the one uniffi polls calls in) and returns the wait for its
/// end. A panic comes back as `Err`. Dropping the returned future (a cancelled coroutine frees it
/// on its own thread before it completes) gives back the call's limiter slot at once and aborts
/// the work. The work is moved into its task here, once: the future a foreign call holds is only
/// the wait, not the call's whole state (kilobytes, copied at every move: a tenth of the runtime
/// thread's time with 64 calls in flight).
pub(crate) fn spawned<T: Send + 'static>(
    work: impl Future<Output = T> + Send + 'static,
) -> impl Future<Output = Result<T, b24kit::panic::Panic>> {
    let scope = CancelScope::new();
    let task = crate::runtime::spawn(scope.run(b24kit::panic::catch_async(work)));
    let cancel = CancelOnDrop {
        scope,
        task: task.abort_handle(),
    };
    async move {
        let outcome = task.await;
        drop(cancel);
        match outcome {
            Ok(outcome) => outcome,
            // Only a panic ends the task early: it is aborted only when this future is dropped.
            Err(error) => Err(b24kit::panic::Panic::from_payload(
                error
                    .try_into_panic()
                    .unwrap_or_else(|_| Box::new("call aborted")),
            )),
        }
    }
}

struct CancelOnDrop {
    scope: CancelScope,
    task: tokio::task::AbortHandle,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.scope.cancel();
        self.task.abort();
    }
}

impl Client {
    /// Runs one call, whose parameters the binding built (or failed to build: then nothing is
    /// sent).
    pub(crate) async fn call<M, E>(
        &self,
        params: Result<M, b24kit::Error>,
    ) -> Result<b24kit::Response<M::Output>, E>
    where
        M: Method<Catalog = Spec> + 'static,
        E: From<ErrorReport>,
    {
        let params = params.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel)))?;
        let client = self.core().clone();
        match spawned(async move { client.call(params).await }).await {
            Ok(outcome) => {
                outcome.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel)))
            }
            Err(panic) => Err(E::from(ErrorReport::internal(&panic))),
        }
    }

    /// Runs calls through `batch`: one outcome per call, in order; a call the binding failed to
    /// build fails on its own, unsent. A panic fails every call.
    pub(crate) async fn batch<M, E>(
        &self,
        calls: Vec<Result<M, b24kit::Error>>,
        halt: bool,
    ) -> Vec<Result<b24kit::Response<M::Output>, E>>
    where
        M: Method<Catalog = Spec> + 'static,
        E: From<ErrorReport>,
    {
        let count = calls.len();
        let client = self.core().clone();
        match spawned(async move { client.batch_built(calls, halt).await }).await {
            Ok(items) => items
                .into_iter()
                .map(|item| item.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel))))
                .collect(),
            Err(panic) => (0..count)
                .map(|_| Err(E::from(ErrorReport::internal(&panic))))
                .collect(),
        }
    }
}

impl Client {
    /// Runs one call by name.
    pub(crate) async fn call_any<E>(
        &self,
        call: b24kit::AnyCall,
    ) -> Result<b24kit::Response<serde_json::Value>, E>
    where
        E: From<ErrorReport>,
    {
        let client = self.core().clone();
        let outcome = spawned(async move { client.call_any(&call).await }).await;
        match outcome {
            Ok(outcome) => {
                outcome.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel)))
            }
            Err(panic) => Err(E::from(ErrorReport::internal(&panic))),
        }
    }

    /// Runs calls by name through `batch`: one outcome per call, in order. A batch that
    /// cannot be planned (a `$result` reference to no earlier call) fails as a whole.
    pub(crate) async fn batch_any<E>(
        &self,
        calls: Vec<b24kit::NamedCall>,
        halt: bool,
    ) -> Result<Vec<Result<b24kit::Response<serde_json::Value>, E>>, E>
    where
        E: From<ErrorReport>,
    {
        let report = |e: &b24kit::Error| E::from(ErrorReport::new(e, b24kit::Casing::Camel));
        let client = self.core().clone();
        match spawned(async move { client.batch_any(calls, halt).await }).await {
            Ok(Ok(items)) => Ok(items
                .into_iter()
                .map(|item| item.map_err(|e| report(&e)))
                .collect()),
            Ok(Err(error)) => Err(report(&error)),
            Err(panic) => Err(E::from(ErrorReport::internal(&panic))),
        }
    }
}
