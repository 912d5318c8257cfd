//! napi's tokio runtime, and the keeper (`b24kit::awake`) that holds its thread awake for a
//! moment after each call starts or ends: a JavaScript program usually makes its next call
//! within microseconds, and waking a parked thread was half a call's latency here.

use std::sync::{Arc, OnceLock};

use b24kit::awake::Awake;

static AWAKE: OnceLock<Arc<Awake>> = OnceLock::new();

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
        let awake = Awake::new();
        napi::bindgen_prelude::spawn(awake.clone().keep_awake());
        awake
    })
}
