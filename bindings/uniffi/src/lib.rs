//! `b24kit_uniffi`: the Rust core exported through uniffi for Kotlin and Swift. It adds only what
//! those languages need — an object with async methods, records, one error enum — and leaves
//! behaviour to the core.
//!
//! The rooms are those of every binding: `settings`, `tokens`, `errors`, `dispatch`, `client`
//! and `generated` (the method-specific part and the error enum's variants, from the spec),
//! plus `any_method` (calls by name with JSON values, mixed batches, list walks) and `events`
//! (the client's events for an app's listener, and its counters).

// `B24kitError` carries its fields by value because that is how uniffi hands them to Kotlin and
// Swift; errors are rare, so the size of `Result<_, B24kitError>` costs nothing that matters.
#![allow(clippy::result_large_err)]

mod any_method;
mod client;
mod dates;
mod dispatch;
mod errors;
mod events;
mod generated;
mod incoming;
mod runtime;
mod settings;
mod tokens;

pub use any_method::{JsonEntry, JsonValue, ListProgress};
pub use client::Client;
pub use dates::CalendarDate;
pub use generated::*;
pub use settings::{ClientOptions, OperatingBudget, RateLimit, RetryOptions};
pub use tokens::{TokenListener, TokenRefresh, Tokens};

uniffi::setup_scaffolding!();
