//! The native addon behind the `b24kit` npm package: the Rust core, with calls that return
//! promises. It adds only what JavaScript needs — promises settled in batches on the JavaScript
//! thread, typed errors through `index.js`'s factories — and leaves behaviour to the core.
//!
//! The rooms are those of every binding: `settings`, `tokens`, `errors`, `dispatch`, `client`
//! and `generated`, plus `any_method` (calls by name, list walks, mixed batches, with JSON
//! text across the boundary), `cancel` (a call's `AbortSignal`), `object` (result objects,
//! built compactly), `events` (the client's events for `onEvent`) and `awake` (keeping the
//! runtime warm between calls). The emulator is not in the addon, which every application
//! loads: it travels beside it in the platform package (`npx b24kit-emulator`).

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

/// The package version, to check that `index.js` and the addon match.
#[napi]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
