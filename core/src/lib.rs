//! # b24kit — a typed Bitrix24 REST client
//!
//! Every method is described once in a YAML spec (`spec/methods/*.yaml`); the code generator
//! turns it into a parameter type, an error enum and a call on [`Client`] and
//! [`blocking::Client`]. What every call does whatever the method — URLs and credentials, HTTP,
//! limits, retries, OAuth renewal, telling errors apart — is the hand-written runtime beneath,
//! `b24kit-runtime`, which this crate fixes to its specs ([`Spec`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), b24kit::Error> {
//! use b24kit::prelude::*;
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
//! `ImopenlinesSessionModeSilentError`; the calls of a scope are a trait (`Imopenlines`, and
//! `BlockingImopenlines` for the blocking client), all in [`prelude`].
//!
//! Errors are one enum, [`Error`]: method errors (per documented code), system errors (per
//! documented code, with category and retryability), unknown codes, HTTP errors without a
//! Bitrix24 body, transport and protocol failures, and arguments rejected before sending. No
//! error, `Debug` output or log line contains the webhook key or a token.

#![warn(missing_docs)]

mod generated;

/// Dates and times of results ([`DateTime`], [`Date`]), at the version b24kit uses.
pub use b24kit_runtime::chrono;
#[doc(hidden)]
pub use b24kit_runtime::fuzzing;
pub use b24kit_runtime::wire::{Date, DateTime, Map};
pub use b24kit_runtime::{
    awake, cancel, check_at_least, check_at_most, check_method_name, check_one_of, decode_page,
    one_of_message, panic, parameter_name, wire, AnyCall, ArgumentProblem, Casing, ConfigProblem,
    ErrorReport, Event, EventListener, IfUnreachable, ListCall, ListMethod, ListMode, Method,
    NamedCall, OffsetPaging, OperatingBudget, Progress, ProtocolErrorKind, RateLimit, Refresh,
    RetryPolicy, RetrySettings, Settings, SharedLimits, Span, Stats, TokenCallback, Tokens,
    TransportErrorKind, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OAUTH_SERVER, DEFAULT_RATE_LIMIT, DEFAULT_SHARED_PREFIX, DEFAULT_TIMEOUT,
    MAX_BATCH_COMMANDS, PAGE_SIZE,
};
/// The JSON of calls by name (`serde_json::Value` in and out), at the version b24kit uses.
pub use serde_json;

pub use b24kit_runtime::incoming::{EventAuth, IncomingEventError};
pub use generated::calls::*;
pub use generated::catalog::{Spec, PARAMETERS};
pub use generated::events::*;
pub use generated::method_errors::MethodError;
pub use generated::methods::*;
pub use generated::system_errors::{DocRevision, SystemError, SystemErrorCategory, DOC_REVISIONS};
pub use generated::time::Time;
pub use generated::METHOD_NAMES;

/// An async Bitrix24 client for one portal and one set of credentials; see
/// [`b24kit_runtime::Client`].
pub type Client = b24kit_runtime::Client<Spec>;
/// Settings of a [`Client`]; start with [`Client::webhook`] or [`Client::oauth`].
pub type ClientBuilder = b24kit_runtime::ClientBuilder<Spec>;
/// Why a call failed; see [`b24kit_runtime::Error`].
pub type Error = b24kit_runtime::Error<Spec>;
/// A successful call: the typed `result` and the answer's [`Time`].
pub type Response<T> = b24kit_runtime::Response<T, Time>;
/// One call's outcome in a batch.
pub type BatchItem<T> = b24kit_runtime::BatchItem<T, Spec>;
/// A walk through a list method, a page at a time; see [`Client::list`].
pub type Pager = b24kit_runtime::Pager<Spec>;
/// A typed walk through a list method; see [`Client::walk`].
pub type Walk<T> = b24kit_runtime::Walk<Spec, T>;

/// One POST of a portal to an event handler: the typed event, its queue identifier and time, and
/// who sent it.
pub type EventDelivery = b24kit_runtime::incoming::Delivery<PortalEvent>;

/// Reads the body a portal POSTs to an event handler (`application/x-www-form-urlencoded`).
///
/// `application_token` is the one the portal gave the application at installation
/// (`OnAppInstall`); the body's `auth[application_token]` must equal it (compared in constant
/// time) before the event is read, so a forged POST is refused as
/// [`IncomingEventError::TokenMismatch`]. An event the specs type becomes its [`PortalEvent`]
/// variant, read as leniently as answers; any other is [`PortalEvent::Other`] with its data.
///
/// ```
/// use b24kit::{read_event, IncomingEventError, PortalEvent};
///
/// let body = b"event=ONOPENLINEMESSAGEDELETE&data[CONNECTOR]=livechat&data[LINE]=128\
/// &data[DATA][0][im][chat_id]=1024&data[DATA][0][im][message_id]=2056\
/// &data[DATA][0][message][id]=2056&data[DATA][0][chat][id]=1024\
/// &auth[domain]=example.bitrix24.com&auth[member_id]=a223&auth[application_token]=51856fef";
/// match read_event(body, "51856fef")?.event {
///     PortalEvent::OnOpenLineMessageDelete(data) => assert_eq!(data.data[0].im.message_id, 2056),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(read_event(body, "forged"), Err(IncomingEventError::TokenMismatch));
/// # Ok::<(), IncomingEventError>(())
/// ```
pub fn read_event(
    body: &[u8],
    application_token: &str,
) -> Result<EventDelivery, IncomingEventError> {
    b24kit_runtime::incoming::read_delivery(body, application_token)
}

/// The blocking API, for scripts and programs without an async runtime.
pub mod blocking {
    /// A blocking Bitrix24 client: the async [`Client`](crate::Client) behind a wait.
    pub type Client = b24kit_runtime::blocking::Client<crate::Spec>;
    /// A walk through a list method that waits for each page; an iterator of the items.
    pub type Pager = b24kit_runtime::blocking::Pager<crate::Spec>;
    /// A typed walk through a list method that waits for each page.
    pub type Walk<T> = b24kit_runtime::blocking::Walk<crate::Spec, T>;
}

/// Everything a program that calls Bitrix24 needs in scope: the clients, the errors, every
/// method's parameters and the traits that carry the calls.
pub mod prelude {
    pub use crate::generated::calls::*;
    pub use crate::generated::methods::*;
    pub use crate::{
        blocking, AnyCall, Client, Error, ListCall, MethodError, NamedCall, OperatingBudget,
        RateLimit, Refresh, Response, RetryPolicy, SystemError, SystemErrorCategory,
    };
}

/// Compiles the README's Rust examples, so the quick start cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
