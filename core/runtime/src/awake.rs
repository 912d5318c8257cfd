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
//! Spinning pays only while a core is free for it. When every core is busy, the spin takes CPU
//! from the threads a call waits for (the JavaScript thread, a server on the same machine): with
//! one of two cores busy, Node calls ran at 0.28× of the reqwest floor spinning and 0.38× parking.
//! So the keeper watches its thread's share of the CPU while it spins, and when other threads
//! keep taking its core it stops spinning for a while (10 ms, doubling to 100 ms while that goes
//! on). It judges only while at most one call is in flight: with more, the thread's turns run
//! their work, so a spin wastes little, and the share says more about the calls' own threads
//! than about other programs (measured with 64 Node calls in flight: judging then cost 28 % on an
//! idle machine and gained nothing with a core busy).
//!
//! The binding owns the runtime: it spawns [`Awake::keep_awake`] on it once and holds an
//! [`Awake::call`] guard for each call, from its start to its end.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// How long a runtime thread stays awake after a call starts or ends.
pub const WINDOW: Duration = Duration::from_micros(300);

/// How long the keeper stays off after a window in which its thread was kept from its core; it
/// doubles while that goes on, up to [`BACK_OFF_MAX`], and resets after a calm window.
const BACK_OFF_FIRST: Duration = Duration::from_millis(10);
const BACK_OFF_MAX: Duration = Duration::from_millis(100);

/// Turns of the spin between looks at the thread's share of the CPU.
const TURNS_BETWEEN_LOOKS: u32 = 32;

/// The keeper of one runtime thread (see the module's documentation).
pub struct Awake {
    epoch: Instant,
    /// Nanoseconds since `epoch` until which the thread stays awake.
    until: AtomicU64,
    /// Nanoseconds since `epoch` before which touches are ignored: the CPU was contended.
    quiet_until: AtomicU64,
    /// Calls between their start and their end.
    in_flight: AtomicUsize,
    sleeping: AtomicBool,
    notify: Notify,
}

/// One call's hold on the keeper: made when the call starts, dropped when it ends.
pub struct CallGuard(Arc<Awake>);

impl Drop for CallGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

impl Awake {
    /// A keeper whose window is closed; nothing runs until [`Awake::keep_awake`] is spawned.
    pub fn new() -> Arc<Self> {
        Arc::new(Awake {
            epoch: Instant::now(),
            until: AtomicU64::new(0),
            quiet_until: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            sleeping: AtomicBool::new(false),
            notify: Notify::new(),
        })
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    /// A call starts: the thread stays (or wakes up and stays) awake for [`WINDOW`], and again
    /// when the returned guard is dropped as the call ends.
    pub fn call(self: &Arc<Self>) -> CallGuard {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.touch();
        CallGuard(self.clone())
    }

    /// Call activity: stay (or wake up and stay) awake for [`WINDOW`], unless the keeper is
    /// backing off from a contended CPU.
    fn touch(&self) {
        let now = self.now();
        if now < self.quiet_until.load(Ordering::Relaxed) {
            return;
        }
        self.until
            .store(now + WINDOW.as_nanos() as u64, Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            self.notify.notify_one();
        }
    }

    /// The task that keeps its thread awake while the window is open; it never ends.
    pub async fn keep_awake(self: Arc<Self>) {
        let mut back_off = BACK_OFF_FIRST;
        let mut share = CpuShare::new();
        loop {
            if self.now() < self.until.load(Ordering::SeqCst) {
                if self.spin(&mut share).await {
                    let quiet = self.now() + back_off.as_nanos() as u64;
                    self.quiet_until.store(quiet, Ordering::Relaxed);
                    self.until.store(0, Ordering::SeqCst);
                    back_off = (back_off * 2).min(BACK_OFF_MAX);
                    // The next spin judges the machine afresh.
                    share = CpuShare::new();
                } else {
                    back_off = BACK_OFF_FIRST;
                }
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

    /// Yields (which also polls for I/O) until the window closes; true, early, once the thread
    /// is seen kept from its core: then other threads want the CPU this spin burns, among them,
    /// on a machine whose cores are all busy, the ones a call waits for.
    async fn spin(&self, share: &mut CpuShare) -> bool {
        share.begin_span();
        let mut turns = 0u32;
        loop {
            let open = self.now() < self.until.load(Ordering::SeqCst);
            if open {
                tokio::task::yield_now().await;
                turns += 1;
                if turns % TURNS_BETWEEN_LOOKS != 0 {
                    continue;
                }
            }
            if self.in_flight.load(Ordering::Relaxed) > 1 {
                share.begin_span();
            } else {
                share.look();
            }
            if share.contended() {
                return true;
            }
            if !open {
                return false;
            }
        }
    }
}

/// The share of wall time that a thread which never blocks spends on a CPU, averaged over the
/// spans it was measured in: below [`CpuShare::CONTENDED`], other runnable threads keep taking
/// its core. Spans measured here with one of two cores busy: 40–50 % (sharing a core with the
/// busy program) or 70–80 % (sharing the other with the threads of the call), a third still at
/// 90–100 %. On an idle machine most are at 90–100 %, but the threads of a call share the cores
/// too, and a threshold at 85 % with a slower average backed off there and cost 19 % of
/// sequential Node calls; at 75 % it cost 6 % and gained 19–22 % with one core busy.
struct CpuShare {
    /// Percent, averaged with a weight of [`CpuShare::WEIGHT`] for each new span.
    average: u32,
    span: Option<Span>,
}

struct Span {
    thread: std::thread::ThreadId,
    wall: Instant,
    cpu: Duration,
}

impl CpuShare {
    /// Shorter spans than this are not judged: one preemption weighs too much in them.
    const SPAN: Duration = Duration::from_micros(250);
    /// Percent below which the thread counts as kept from its core.
    const CONTENDED: u32 = 75;
    /// A new span's weight in the average, in quarters.
    const WEIGHT: u32 = 1;

    /// No spans yet: the thread counts as having its core.
    fn new() -> Self {
        CpuShare {
            average: 100,
            span: None,
        }
    }

    fn contended(&self) -> bool {
        self.average < Self::CONTENDED
    }

    /// Starts a span (spans between spins, when the thread may have parked, are not judged).
    fn begin_span(&mut self) {
        self.span = thread_cpu_time().map(|cpu| Span {
            thread: std::thread::current().id(),
            wall: Instant::now(),
            cpu,
        });
    }

    /// Takes the span since the last look into the average, once it is long enough to judge,
    /// and starts the next one. Without a per-thread clock nothing is judged, and the keeper
    /// spins as it always did.
    fn look(&mut self) {
        let Some(span) = &self.span else { return };
        let wall = span.wall.elapsed();
        if wall < Self::SPAN {
            return;
        }
        let (thread, before) = (span.thread, span.cpu);
        self.begin_span();
        let Some(now) = &self.span else { return };
        // A task may move between the threads of a runtime: another thread's clock says nothing.
        if now.thread != thread {
            return;
        }
        let percent =
            (now.cpu.saturating_sub(before).as_nanos() * 100 / wall.as_nanos()).min(100) as u32;
        self.average = (self.average * (4 - Self::WEIGHT) + percent * Self::WEIGHT) / 4;
    }
}

/// CPU time the calling thread has used, where the platform has a per-thread clock.
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    (status == 0).then(|| Duration::new(time.tv_sec as u64, time.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
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

    #[test]
    fn a_thread_kept_from_its_cpu_counts_as_contended() {
        let mut share = CpuShare::new();
        assert!(!share.contended(), "no spans yet: the thread has its core");
        share.begin_span();
        // Sleeping spans are off the CPU as a preempted thread's are, on any machine.
        for _ in 0..4 {
            std::thread::sleep(CpuShare::SPAN * 4);
            share.look();
        }
        assert!(share.contended());
    }

    #[test]
    fn a_call_guard_counts_the_call_until_it_is_dropped() {
        let awake = Awake::new();
        let first = awake.call();
        let second = awake.call();
        assert_eq!(awake.in_flight.load(Ordering::Relaxed), 2);
        drop(first);
        drop(second);
        assert_eq!(awake.in_flight.load(Ordering::Relaxed), 0);
        assert!(
            awake.until.load(Ordering::SeqCst) > 0,
            "calls open the window"
        );
    }
}
