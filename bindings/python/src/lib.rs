//! `b24kit._native`: the Rust core behind the `b24kit` Python package. It adds only what Python
//! needs — argument conversion, the GIL released while waiting, asyncio futures, exceptions —
//! and leaves behaviour to the core, so Python behaves like every other language.
//!
//! The rooms are those of every binding: `settings`, `tokens`, `errors`, `dispatch`, `client`
//! and `generated` (the method-specific part, in its own submodule `b24kit._native_generated`),
//! plus Python's own: argument conversion (`args`), asyncio (`bridge`), the blocking I/O
//! (`local_io`), logging, the runtime and the emulator that ships in the wheel (`emulator`),
//! and the reader of event deliveries (`incoming`).

mod args;
mod bridge;
mod client;
mod dispatch;
mod emulator;
mod enums;
mod errors;
mod generated;
mod incoming;
mod interrupt;
mod json;
mod local_io;
mod logging;
mod paging;
mod response;
mod runtime;
mod settings;
mod tokens;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_OAUTH_SERVER", b24kit::DEFAULT_OAUTH_SERVER)?;
    settings::register(m)?;
    m.add_class::<tokens::Tokens>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<paging::NativePager>()?;
    m.add_function(wrap_pyfunction!(client::client_from_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(client::client_from_oauth, m)?)?;
    m.add_function(wrap_pyfunction!(errors::set_error_factory, m)?)?;
    m.add_function(wrap_pyfunction!(client::_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(emulator::run_emulator, m)?)?;
    m.add_class::<incoming::EventAuth>()?;
    m.add_class::<incoming::EventDelivery>()?;
    m.add_class::<incoming::OtherEvent>()?;
    m.add_function(wrap_pyfunction!(incoming::read_event, m)?)?;
    generated::register(m)?;
    Ok(())
}
