//! `b24kit_uniffi`: the Rust core exported through uniffi for Kotlin and Swift. It adds only what
//! those languages need — an object with async methods, records, one error enum — and leaves
//! behaviour to the core. The per-method parts and the error enum are generated from the spec
//! (`generated.rs`).

// `B24kitError` carries its fields by value because that is how uniffi hands them to Kotlin and
// Swift; errors are rare, so the size of `Result<_, B24kitError>` costs nothing that matters.
#![allow(clippy::result_large_err)]

mod client;
mod errors;
mod generated;

pub use client::{
    Client, ClientOptions, RateLimit, RetryOptions, TokenListener, TokenRefresh, Tokens,
};
pub use generated::*;

uniffi::setup_scaffolding!();
