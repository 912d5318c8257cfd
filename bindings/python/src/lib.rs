//! `b24kit._native`: the Rust core behind the `b24kit` Python package. It adds only what Python
//! needs — argument conversion, the GIL released while waiting, asyncio futures, exceptions —
//! and leaves behaviour to the core, so Python behaves like every other language.

mod args;
mod bridge;
mod client;
mod errors;
mod generated;
mod limits;
mod local_io;
mod logging;
mod response;
mod runtime;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_TIMEOUT", b24kit::DEFAULT_TIMEOUT.as_secs_f64())?;
    m.add(
        "DEFAULT_CONNECT_TIMEOUT",
        b24kit::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
    )?;
    m.add(
        "DEFAULT_MAX_RESPONSE_BYTES",
        b24kit::DEFAULT_MAX_RESPONSE_BYTES,
    )?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<response::Response>()?;
    m.add_class::<limits::RateLimit>()?;
    m.add_class::<limits::Retry>()?;
    m.add_class::<limits::Tokens>()?;
    m.add("DEFAULT_OAUTH_SERVER", b24kit::DEFAULT_OAUTH_SERVER)?;
    generated::register(m)?;
    m.add_function(wrap_pyfunction!(client::client_from_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(client::client_from_oauth, m)?)?;
    m.add_function(wrap_pyfunction!(errors::set_error_factory, m)?)?;
    m.add_function(wrap_pyfunction!(client::_panic_for_tests, m)?)?;
    Ok(())
}
