//! # b24kit-runtime — what every b24kit call does, whatever the method
//!
//! The hand-written half of [b24kit](https://github.com/b24kit/b24kit): URLs and credentials,
//! HTTP, answers and errors, the rate limiter, the execution-time budget, retries, OAuth
//! renewal and batches, plus the surface the language bindings share (settings, error reports,
//! tokens). It compiles without a single generated module: what the specs say — the documented
//! errors, how to react to each system error, the `time` object, parameter names — reaches it
//! through the [`Catalog`] traits, which the generated code of the `b24kit` crate implements.
//!
//! Use the `b24kit` crate: it fixes the catalog to its specs and adds the typed methods.

#![warn(missing_docs)]

mod any_call;
pub mod awake;
mod batch;
pub mod blocking;
mod builder;
pub mod cancel;
mod catalog;
mod client;
mod endpoint;
mod envelope;
mod error;
mod fields;
#[doc(hidden)]
pub mod fuzzing;
pub mod incoming;
mod limiter;
mod method;
mod oauth;
mod observe;
mod operating;
mod paging;
pub mod panic;
mod query;
mod report;
mod response;
mod retry;
mod runtime;
mod secret;
mod settings;
mod shared;
#[cfg(test)]
mod testing;
mod tls;
mod tokens;
mod transport;
mod walk;
pub mod wire;

/// The date-and-time crate of [`wire::DateTime`].
pub use chrono;

pub use any_call::{check_method_name, AnyCall};
pub use batch::{BatchItem, NamedCall, MAX_BATCH_COMMANDS};
pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_RATE_LIMIT, DEFAULT_TIMEOUT,
};
pub use catalog::{
    find_method, parameter_name, AnswerTime, BudgetReading, Casing, Catalog, DocumentedMethodError,
    DocumentedSystemError, MethodFacts, ParameterNames, Reaction, RetryWhen,
};
pub use client::Client;
pub use envelope::Decoded;
pub use error::{
    one_of_message, ArgumentProblem, ConfigProblem, Error, ProtocolErrorKind, TransportErrorKind,
};
pub use limiter::RateLimit;
pub use method::{check_at_least, check_at_most, check_one_of, Method};
pub use observe::{Event, EventListener, Stats};
pub use operating::OperatingBudget;
pub use paging::{ListCall, ListMode, OffsetPaging, Pager, Progress, PAGE_SIZE};
pub use report::ErrorReport;
pub use response::Response;
pub use retry::RetryPolicy;
pub use settings::{RetrySettings, Settings, Span};
pub use shared::{IfUnreachable, SharedLimits, DEFAULT_SHARED_PREFIX};
pub use tokens::{Refresh, TokenCallback, Tokens, DEFAULT_OAUTH_SERVER};
pub use walk::{decode_page, ListMethod, Walk};
