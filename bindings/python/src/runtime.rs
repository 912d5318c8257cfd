//! The shared tokio runtime of the process, for async calls (blocking calls use `local_io`). A forked child
//! (multiprocessing, gunicorn) inherits the parent's memory but none of its threads, so the
//! runtime is rebuilt on first use in a new process; the parent's is leaked, never dropped,
//! because dropping it would wait for threads that do not exist here.

use std::sync::Mutex;

use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

pub(crate) fn get() -> std::io::Result<&'static Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = *slot {
        if owner == pid {
            return Ok(rt);
        }
    }
    let rt: &'static Runtime = Box::leak(Box::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("b24kit-io")
            .enable_all()
            .build()?,
    ));
    *slot = Some((pid, rt));
    Ok(rt)
}

/// Whether `pid` is this process (clients built before a fork must rebuild their connections).
pub(crate) fn is_current(pid: u32) -> bool {
    pid == std::process::id()
}
