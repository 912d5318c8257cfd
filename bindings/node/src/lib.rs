//! The native addon behind the `b24kit` npm package: the Rust core, with calls that return
//! promises. It adds only what JavaScript needs — promises settled in batches on the JavaScript
//! thread, typed errors through `index.js`'s factories — and leaves behaviour to the core.
//!
//! The rooms are those of every binding: `settings`, `tokens`, `errors`, `dispatch`, `client`
//! and `generated`, plus `any_method` (calls by name, list walks, mixed batches, with JSON
//! text across the boundary), `cancel` (a call's `AbortSignal`), `object` (result objects,
//! built compactly), `events` (the client's events for `onEvent`) and `awake` (keeping the
//! runtime warm between calls); `runEmulator` serves the emulator that travels in the addon
//! (`npx b24kit-emulator`).

// napi's macros register exported functions only outside test builds, so a test-mode check
// (`clippy --all-targets`) would call them unused.
#![cfg_attr(test, allow(dead_code))]

mod any_method;
mod awake;
mod cancel;
mod client;
mod dispatch;
mod errors;
mod events;
mod generated;
mod incoming;
mod object;
mod settings;
mod tokens;

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Registers `index.js`'s factories for results and errors; called once per environment.
#[napi(catch_unwind)]
pub fn init(
    env: &Env,
    make_response: Unknown<'_>,
    make_json_response: Unknown<'_>,
    make_error: Unknown<'_>,
) -> Result<()> {
    generated::register();
    dispatch::init(env, make_response, make_json_response, make_error)
}

/// `npx b24kit-emulator`: runs the emulator's command line (`argv[0]` is the program's name) on
/// this thread, which it never gives back once the portal serves; returns the exit status of a
/// command that ended by itself (`--help`, `--version`, a bad option, a port in use). Node's own
/// handlers end the process on SIGINT and SIGTERM, so none is installed here: two handlers that
/// each pass the signal on would hand it to each other forever.
#[napi(catch_unwind)]
pub fn run_emulator(argv: Vec<String>) -> u32 {
    let _emulator = match b24kit_emulator::CommandLine::start_from(argv) {
        Ok(emulator) => emulator,
        Err(status) => return status.into(),
    };
    loop {
        std::thread::park();
    }
}

/// The package version, to check that `index.js` and the addon match.
#[napi]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
