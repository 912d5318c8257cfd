//! Keeps one runtime thread awake for a moment after each call starts or ends, for the bindings
//! whose calls arrive from another thread (a JavaScript or a JVM thread).
//!
//! Waking a parked runtime thread is the dominant cost of such a call on machines like ours:
//! about 100 µs per round trip measured here, half a call's whole latency. While a call is
//! starting or has just ended, a program usually makes its next call within microseconds, so
//! for [`WINDOW`] after each such moment one task keeps a runtime thread busy (yielding, which
//! also polls for I/O) instead of letting it park; work arriving then needs no wake-up. When
//! calls stop, the thread parks again after [`WINDOW`], so an idle client costs nothing.
//!
//! The binding owns the runtime: it spawns [`Awake::keep_awake`] on it once and calls
//! [`Awake::touch`] when a call starts and when it ends.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// How long a runtime thread stays awake after a call starts or ends.
pub const WINDOW: Duration = Duration::from_micros(300);

/// The keeper of one runtime thread (see the module's documentation).
pub struct Awake {
    epoch: Instant,
    /// Nanoseconds since `epoch` until which the thread stays awake.
    until: AtomicU64,
    sleeping: AtomicBool,
    notify: Notify,
}

impl Awake {
    /// A keeper whose window is closed; nothing runs until [`Awake::keep_awake`] is spawned.
    pub fn new() -> Arc<Self> {
        Arc::new(Awake {
            epoch: Instant::now(),
            until: AtomicU64::new(0),
            sleeping: AtomicBool::new(false),
            notify: Notify::new(),
        })
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    /// Call activity: stay (or wake up and stay) awake for [`WINDOW`].
    pub fn touch(&self) {
        self.until
            .store(self.now() + WINDOW.as_nanos() as u64, Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            self.notify.notify_one();
        }
    }

    /// The task that keeps its thread awake while the window is open; it never ends.
    pub async fn keep_awake(self: Arc<Self>) {
        loop {
            if self.now() < self.until.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
                continue;
            }
            self.sleeping.store(true, Ordering::SeqCst);
            // Activity may have arrived between the check and the announcement above.
            if self.now() >= self.until.load(Ordering::SeqCst) {
                self.notify.notified().await;
            }
            self.sleeping.store(false, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls `done` every millisecond for up to five seconds (generous: the machine may be busy).
    async fn eventually(done: impl Fn() -> bool) -> bool {
        for _ in 0..5000 {
            if done() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        false
    }

    #[test]
    fn the_keeper_parks_when_calls_stop_and_wakes_when_one_starts() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let awake = Awake::new();
            tokio::spawn(awake.clone().keep_awake());
            let parked = || awake.sleeping.load(Ordering::SeqCst);
            assert!(eventually(parked).await, "an untouched keeper parks");
            // The window is short: the keeper is seen awake by yielding to it, not by sleeping.
            // Each attempt touches again, so a preemption longer than the window (the machine
            // may be busy) costs one attempt, not the test.
            let mut woke = false;
            for _ in 0..100_000 {
                awake.touch();
                tokio::task::yield_now().await;
                if !parked() {
                    woke = true;
                    break;
                }
            }
            assert!(woke, "a touch wakes it");
            assert!(
                eventually(parked).await,
                "it parks again once the window has passed"
            );
        });
    }
}
