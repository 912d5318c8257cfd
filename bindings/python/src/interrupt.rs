//! Ctrl-C during a blocking call. A blocking call waits with the GIL released, so Python's signal
//! handlers cannot run until it returns, and a call may wait minutes: for the rate limiter, the
//! execution-time budget, a retry's backoff, the network. While it waits, this looks for a pending
//! signal every `POLL`, taking the GIL for a moment; on one, the call is dropped — which cancels
//! it: nothing more is sent — and the handler's exception (`KeyboardInterrupt`) is raised.
//! Python runs signal handlers on the main thread only, so calls on other threads wait as before.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;

/// How often a waiting call looks for a signal: well inside the 0.1 s a person notices.
const POLL: Duration = Duration::from_millis(25);

/// `work`'s output, or the exception of a signal that arrived first.
pub(crate) async fn or_interrupted<F: Future>(work: F) -> Result<F::Output, PyErr> {
    tokio::pin!(work);
    tokio::select! {
        biased;
        out = &mut work => Ok(out),
        signal = pending_signal() => Err(signal),
    }
}

async fn pending_signal() -> PyErr {
    loop {
        tokio::time::sleep(POLL).await;
        if let Err(raised) = Python::attach(|py| py.check_signals()) {
            return raised;
        }
    }
}
