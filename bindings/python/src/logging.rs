//! The core's log records (target `b24kit`) go to Python's `logging`, logger `b24kit`. The bridge
//! is installed when the first client is created, not at import (importing `logging` alone takes
//! longer than the rest of `import b24kit`). Levels are cached so that a disabled level costs
//! nothing per call; the cache is refreshed whenever a client is created, so logging configured
//! before that is honoured.

use std::sync::OnceLock;

/// `None` when another extension owns the process-wide logger; then ours stays silent.
static BRIDGE: OnceLock<Option<pyo3_log::ResetHandle>> = OnceLock::new();

pub(crate) fn refresh() {
    if let Some(handle) = BRIDGE.get_or_init(|| pyo3_log::try_init().ok()) {
        handle.reset();
    }
}
