//! Keeps napi's tokio runtime awake for a moment after each call starts or ends.
//!
//! Waking a parked runtime thread is the dominant cost of a call from JavaScript on machines
//! like ours: about 100 µs per round trip measured here, half a call's whole latency. While a
//! call is starting or has just ended, a JavaScript program usually makes its next call within
//! microseconds, so for `WINDOW` after each such moment one task keeps a runtime thread busy
//! (yielding, which also polls for I/O) instead of letting it park; work arriving then needs no
//! wake-up. When calls stop, the thread parks again after `WINDOW`, so an idle client costs
//! nothing.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// How long a runtime thread stays awake after a call starts or ends.
const WINDOW: Duration = Duration::from_micros(300);

pub(crate) struct Awake {
    epoch: Instant,
    /// Nanoseconds since `epoch` until which the thread stays awake.
    until: AtomicU64,
    sleeping: AtomicBool,
    notify: Notify,
}

static AWAKE: OnceLock<Arc<Awake>> = OnceLock::new();

impl Awake {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    /// Call activity: stay (or wake up and stay) awake for `WINDOW`.
    pub(crate) fn touch(&self) {
        self.until
            .store(self.now() + WINDOW.as_nanos() as u64, Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            self.notify.notify_one();
        }
    }

    async fn keep_awake(self: Arc<Self>) {
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

/// napi's runtime with one worker thread: a JavaScript thread submits calls one at a time, one
/// thread drives thousands of connections, and with a single worker the thread that `Awake` keeps
/// busy is always the one that gets the work (a second worker would be parked and need waking).
#[napi_derive::module_init]
fn configure_runtime() {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("b24kit-io")
        .enable_all()
        .build()
    {
        Ok(runtime) => napi::bindgen_prelude::create_custom_tokio_runtime(runtime),
        // napi then builds its default runtime, which works too.
        Err(e) => eprintln!("b24kit: cannot build its I/O runtime ({e}); using napi's default"),
    }
}

/// The keeper of napi's runtime, started with the first call.
pub(crate) fn awake() -> &'static Arc<Awake> {
    AWAKE.get_or_init(|| {
        let awake = Arc::new(Awake {
            epoch: Instant::now(),
            until: AtomicU64::new(0),
            sleeping: AtomicBool::new(false),
            notify: Notify::new(),
        });
        napi::bindgen_prelude::spawn(awake.clone().keep_awake());
        awake
    })
}
