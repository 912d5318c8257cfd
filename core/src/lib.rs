//! # b24kit — a typed Bitrix24 REST client
//!
//! Every method is described once in a YAML spec (`spec/methods/*.yaml`); the code generator
//! turns it into a parameter type, an error enum and calls on [`Client`] and
//! [`blocking::Client`]. The hand-written runtime here does what needs judgement once: URLs and
//! credentials, HTTP, deadlines, and telling errors apart.
//!
//! ```no_run
//! # async fn run() -> Result<(), b24kit::Error> {
//! use b24kit::{Client, ImopenlinesSessionModeSilentParams};
//!
//! let client = Client::webhook("https://your-domain.bitrix24.com/rest/1/your_webhook_key/").build()?;
//! let answer = client
//!     .imopenlines_session_mode_silent(ImopenlinesSessionModeSilentParams::new(2043).activate(true))
//!     .await?;
//! println!("applied: {}, took {} s", answer.result, answer.time.duration);
//! # Ok(()) }
//! ```
//!
//! Method names map mechanically: `imopenlines.session.mode.silent` is
//! `imopenlines_session_mode_silent`, with `ImopenlinesSessionModeSilentParams` and
//! `ImopenlinesSessionModeSilentError`.
//!
//! Errors are one enum, [`Error`]: method errors (per documented code), system errors (per
//! documented code, with category and retryability), unknown codes, HTTP errors without a
//! Bitrix24 body, transport and protocol failures, and arguments rejected before sending. No
//! error, `Debug` output or log line contains the webhook key or a token.

mod batch;
pub mod blocking;
mod client;
mod endpoint;
mod envelope;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod limiter;
mod method;
mod oauth;
mod operating;
pub mod panic;
mod response;
mod retry;
mod runtime;
mod secret;
mod transport;
pub mod wire;

pub use batch::{BatchItem, MAX_BATCH_COMMANDS};
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{
    one_of_message, ArgumentProblem, ConfigProblem, Error, ProtocolErrorKind, TransportErrorKind,
};
pub use generated::method_errors::MethodError;
pub use generated::methods::*;
pub use generated::system_errors::{DocRevision, SystemError, SystemErrorCategory, DOC_REVISIONS};
pub use generated::time::Time;
pub use generated::METHOD_NAMES;
pub use limiter::RateLimit;
pub use method::{check_at_least, check_at_most, check_one_of, Method};
pub use oauth::{TokenCallback, Tokens, DEFAULT_OAUTH_SERVER};
pub use operating::OperatingBudget;
pub use response::Response;
pub use retry::RetryPolicy;

/// Compiles the README's Rust examples, so the quick start cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
