//! Cancelling calls from JavaScript: an `AbortSignal` given to a call cancels its
//! `NativeCancel`, and the call's future is dropped wherever it is — which gives its rate-limiter
//! slot back and closes a request in flight. The JavaScript promise has already rejected with an
//! `AbortError` by then; the native one settles with `undefined`, unseen.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use napi_derive::napi;
use tokio::sync::Notify;

/// The cancel handle of one call (or one list walk), made by JavaScript per signal.
#[napi]
pub struct NativeCancel(pub(crate) Arc<Cancel>);

#[napi]
impl NativeCancel {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> NativeCancel {
        NativeCancel(Arc::new(Cancel {
            cancelled: AtomicBool::new(false),
            notify: Notify::new(),
        }))
    }

    /// Cancels every call made with this handle, now and later.
    #[napi]
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }
}

pub(crate) struct Cancel {
    cancelled: AtomicBool,
    notify: Notify,
}

impl Cancel {
    /// Resolves once cancelled.
    pub(crate) async fn cancelled(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Registered before the flag is read, so a cancel in between is not missed.
            notified.as_mut().enable();
            if self.cancelled.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}
