//! The tokio runtime behind the blocking API: one per process, created on first use, so that
//! every blocking client shares it and the connections it keeps alive.

use std::sync::OnceLock;

use tokio::runtime::Runtime;

use crate::catalog::Catalog;
use crate::error::TransportErrorKind;
use crate::Error;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub(crate) fn shared<C: Catalog>() -> Result<&'static Runtime, Error<C>> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("b24kit-io")
        .enable_all()
        .build()
        .map_err(|e| Error::Transport {
            kind: TransportErrorKind::Connect,
            may_have_reached_server: false,
            detail: format!("cannot start the I/O runtime: {e}"),
        })?;
    // Another thread may have won the race; its runtime is used and ours is dropped.
    Ok(RUNTIME.get_or_init(|| rt))
}
