//! Rust futures → asyncio futures, without the GIL on b24kit's I/O threads.
//!
//! A call runs on b24kit's runtime. When it completes, the I/O thread only queues the outcome and,
//! if the queue was empty, writes one byte to a socket the event loop watches (`add_reader`); the
//! loop thread then settles every queued future in one go. I/O threads never wait for the GIL,
//! and a busy loop is woken once per batch rather than once per call. Loops that cannot watch a
//! socket (Windows' proactor) fall back to `call_soon_threadsafe` per call. Cancelling the asyncio
//! future gives back the call's limiter slot at once and aborts the call.

use std::io::{Read, Write};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

use b24kit::cancel::CancelScope;
use pyo3::exceptions::PyNotImplementedError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

/// Turns a finished call into the Python value (or exception) on the loop thread.
pub(crate) type Settle = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

struct Completion {
    future: Py<PyAny>,
    settle: Settle,
}

/// The hand-over point between the I/O threads and one event loop.
pub(crate) struct LoopChannel {
    queue: Mutex<Vec<Completion>>,
    /// Reader and writer of the wake-up socket; `None` when the loop cannot watch sockets, and
    /// then every completion goes through `call_soon_threadsafe`.
    wake: Option<(WakeStream, WakeStream)>,
    event_loop: Py<PyAny>,
}

#[cfg(unix)]
type WakeStream = UnixStream;
/// Elsewhere there is no socket pair to watch; completions use `call_soon_threadsafe`.
#[cfg(not(unix))]
type WakeStream = std::net::TcpStream;

static CHANNELS: Mutex<Vec<Arc<LoopChannel>>> = Mutex::new(Vec::new());
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A new future on the running event loop (fails outside a coroutine, as asyncio does), and the
/// channel its outcome goes through.
pub(crate) fn new_future(py: Python<'_>) -> PyResult<(Arc<LoopChannel>, Bound<'_, PyAny>)> {
    let get_running_loop = GET_RUNNING_LOOP.get_or_try_init(py, || {
        py.import("asyncio")?
            .getattr("get_running_loop")
            .map(Bound::unbind)
    })?;
    let event_loop = get_running_loop.bind(py).call0()?;
    let channel = channel_for(py, &event_loop)?;
    let future = event_loop.call_method0("create_future")?;
    Ok((channel, future))
}

fn channel_for(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<LoopChannel>> {
    // The registry lock is never held while Python runs: Python may switch threads, and another
    // thread waiting for the lock while holding the GIL would deadlock with this one.
    let lock = || CHANNELS.lock().unwrap_or_else(|p| p.into_inner());
    let known: Vec<Arc<LoopChannel>> = lock().clone();
    if let Some(found) = known.iter().find(|c| c.event_loop.bind(py).is(event_loop)) {
        return Ok(found.clone());
    }
    // A new loop: forget closed ones too (asyncio.run makes a loop per run).
    let closed: Vec<*const LoopChannel> = known
        .iter()
        .filter(|c| {
            c.event_loop
                .bind(py)
                .call_method0("is_closed")
                .and_then(|closed| closed.is_truthy())
                .unwrap_or(true)
        })
        .map(Arc::as_ptr)
        .collect();
    drop(known);
    let channel = match watched_channel(py, event_loop)? {
        Some(channel) => channel,
        None => Arc::new(LoopChannel {
            queue: Mutex::new(Vec::new()),
            wake: None,
            event_loop: event_loop.clone().unbind(),
        }),
    };
    let stale: Vec<Arc<LoopChannel>> = {
        let mut channels = lock();
        let (stale, keep) = channels
            .drain(..)
            .partition(|c| closed.contains(&Arc::as_ptr(c)));
        *channels = keep;
        channels.push(channel.clone());
        stale
    };
    // Dropped outside the lock: releasing a loop may run Python code.
    drop(stale);
    Ok(channel)
}

/// A channel whose socket the loop watches, or `None` when the loop cannot watch sockets.
#[cfg(unix)]
fn watched_channel(
    py: Python<'_>,
    event_loop: &Bound<'_, PyAny>,
) -> PyResult<Option<Arc<LoopChannel>>> {
    let (reader, writer) = UnixStream::pair()?;
    reader.set_nonblocking(true)?;
    writer.set_nonblocking(true)?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&reader);
    let channel = Arc::new(LoopChannel {
        queue: Mutex::new(Vec::new()),
        wake: Some((reader, writer)),
        event_loop: event_loop.clone().unbind(),
    });
    let drain = Py::new(py, Drain(channel.clone()))?;
    match event_loop.call_method1("add_reader", (fd, drain)) {
        Ok(_) => Ok(Some(channel)),
        Err(e) if e.is_instance_of::<PyNotImplementedError>(py) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn watched_channel(
    _py: Python<'_>,
    _event_loop: &Bound<'_, PyAny>,
) -> PyResult<Option<Arc<LoopChannel>>> {
    Ok(None)
}

impl LoopChannel {
    /// Hands a finished call to the loop; called on an I/O thread, without the GIL.
    pub(crate) fn complete(&self, future: Py<PyAny>, settle: Settle) {
        let Some((_, writer)) = &self.wake else {
            Python::attach(|py| self.settle_threadsafe(py, future, settle));
            return;
        };
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            let was_empty = queue.is_empty();
            queue.push(Completion { future, settle });
            was_empty
        };
        if was_empty {
            // A full socket buffer already holds a wake-up; nothing else can fail usefully here.
            let _ = (&*writer).write(&[1]);
        }
    }

    fn settle_threadsafe(&self, py: Python<'_>, future: Py<PyAny>, settle: Settle) {
        let (ok, value) = split(py, settle(py));
        let scheduled = RESOLVE
            .get_or_try_init(py, || {
                wrap_pyfunction!(resolve, py).map(|f| f.into_any().unbind())
            })
            .and_then(|resolve| {
                self.event_loop
                    .bind(py)
                    .call_method1("call_soon_threadsafe", (resolve, future, ok, value))
                    .map(drop)
            });
        // A closed loop has no one left to tell.
        drop(scheduled);
    }
}

/// The `add_reader` callback: settles every queued future on the loop thread.
#[pyclass(frozen)]
struct Drain(Arc<LoopChannel>);

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        if let Some((reader, _)) = &self.0.wake {
            let mut sink = [0u8; 256];
            while matches!((&*reader).read(&mut sink), Ok(n) if n > 0) {}
        }
        let batch = std::mem::take(&mut *self.0.queue.lock().unwrap_or_else(|p| p.into_inner()));
        for Completion { future, settle } in batch {
            let (ok, value) = split(py, settle(py));
            resolve(future.bind(py), ok, value.bind(py))?;
        }
        Ok(())
    }
}

fn split(py: Python<'_>, outcome: PyResult<Py<PyAny>>) -> (bool, Py<PyAny>) {
    match outcome {
        Ok(value) => (true, value),
        Err(error) => (false, error.into_value(py).into_any()),
    }
}

/// Sets the outcome unless the future is already done (cancelled by the caller, say).
#[pyfunction]
fn resolve(future: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let method = if ok { "set_result" } else { "set_exception" };
    future.call_method1(method, (value,)).map(drop)
}

/// Done-callback of the asyncio future: a cancelled future gives back what the call holds
/// (its scope) and aborts the Rust task.
#[pyclass(frozen)]
pub(crate) struct AbortOnCancel {
    pub(crate) scope: CancelScope,
    pub(crate) task: AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.scope.cancel();
            self.task.abort();
        }
        Ok(())
    }
}
