//! Abandoning a call from another thread, for the language bindings.
//!
//! A binding runs a call as a task on b24kit's runtime and, when the caller cancels (an asyncio
//! task, a Kotlin coroutine), aborts that task. Tokio drops an aborted task later, on one of its
//! own threads, so whatever the call holds — its reserved slot in the rate limiter — would come
//! back a moment after the caller has already been told the call is over; a call started in that
//! moment would queue behind a slot nobody uses. A [`CancelScope`] closes that gap: the task runs
//! inside the scope, and [`CancelScope::cancel`], called on the caller's thread, hands back what
//! the call holds before it returns.
//!
//! Rust callers do not need it: dropping a call's future releases everything at once.

use std::future::Future;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::limiter::{Bucket, Counted};

tokio::task_local! {
    static SCOPE: CancelScope;
}

/// The scope a call runs in; clones share it. See the [module](self) documentation.
#[derive(Clone, Default)]
pub struct CancelScope {
    state: Arc<Mutex<ScopeState>>,
}

#[derive(Default)]
struct ScopeState {
    cancelled: bool,
    held: Vec<Arc<Slot>>,
}

impl CancelScope {
    /// A scope for one call.
    pub fn new() -> CancelScope {
        CancelScope::default()
    }

    /// Runs `work` inside this scope.
    pub fn run<F: Future>(&self, work: F) -> impl Future<Output = F::Output> {
        SCOPE.scope(self.clone(), work)
    }

    /// Gives back, before returning, every limiter slot the call has reserved and not yet used.
    /// The call must then be dropped (its task aborted): polled again, it waits forever rather
    /// than send a request the limiter no longer counts.
    pub fn cancel(&self) {
        let held = {
            let mut state = self.lock();
            state.cancelled = true;
            std::mem::take(&mut state.held)
        };
        for slot in held {
            slot.release();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ScopeState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts `slot` in the scope of the running task, if it has one; a scope already cancelled
    /// releases it at once.
    pub(crate) fn hold(slot: &Arc<Slot>) {
        let cancelled = SCOPE
            .try_with(|scope| {
                let mut state = scope.lock();
                if !state.cancelled {
                    state.held.retain(|held| held.is_reserved());
                    state.held.push(Arc::clone(slot));
                }
                state.cancelled
            })
            .unwrap_or(false);
        if cancelled {
            slot.release();
        }
    }
}

impl std::fmt::Debug for CancelScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelScope")
            .field("cancelled", &self.lock().cancelled)
            .finish()
    }
}

/// A limiter slot reserved by a call that waits for it. It ends used (a request went) or
/// released (the wait was abandoned), once, whichever thread gets there first.
pub(crate) struct Slot {
    bucket: Arc<Bucket>,
    counted: Counted,
    state: AtomicU8,
}

const RESERVED: u8 = 0;
const USED: u8 = 1;
const RELEASED: u8 = 2;

impl Slot {
    pub(crate) fn new(bucket: Arc<Bucket>, counted: Counted) -> Slot {
        Slot {
            bucket,
            counted,
            state: AtomicU8::new(RESERVED),
        }
    }

    fn is_reserved(&self) -> bool {
        self.state.load(Ordering::Acquire) == RESERVED
    }

    /// Takes the slot for a request; `false` if it was released (the call was cancelled).
    pub(crate) fn use_for_request(&self) -> bool {
        self.settle(USED)
    }

    /// Gives the slot back to the bucket unless it was used or given back already.
    pub(crate) fn release(&self) {
        if self.settle(RELEASED) {
            self.bucket.give_back(self.counted, Instant::now());
        }
    }

    fn settle(&self, to: u8) -> bool {
        self.state
            .compare_exchange(RESERVED, to, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}
