//! The one error type of every call. Errors are data: each variant says what happened, keeps the
//! HTTP status, the Bitrix24 `error` code and `error_description` where there were any, and says
//! whether the request may have reached the server. No variant ever holds a secret.
//!
//! The documented codes are the catalog's (`C`): the public `b24kit` crate names this type
//! `b24kit::Error`, with its generated `MethodError` and `SystemError` enums inside.

use std::fmt;

use crate::catalog::{Catalog, DocumentedMethodError, DocumentedSystemError};
use crate::retry;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error<C: Catalog> {
    /// The portal answered with an error documented for the called method.
    Method {
        /// The documented error of the method, found by the `error` code the portal sent.
        error: C::MethodError,
        /// The HTTP status the portal answered with; inside a batch, where a command has no
        /// status of its own, the error's documented status.
        status: u16,
        /// The portal's `error_description`; localized, so match on `error`, not on this.
        description: String,
    },
    /// The portal answered with an error that any method can return.
    System {
        /// The documented system error, found by the `error` code the portal sent.
        error: C::SystemError,
        /// The HTTP status the portal answered with (inside a batch, the batch request's).
        status: u16,
        /// The portal's `error_description`, empty when it sent none; localized, so match on
        /// `error`, not on this.
        description: String,
    },
    /// The portal answered with a Bitrix24 error that the specs do not document (the code is
    /// kept as sent; it may be empty).
    UnknownCode {
        /// The `error` code exactly as the portal sent it; may be empty.
        code: String,
        /// The HTTP status the portal answered with (inside a batch, the batch request's).
        status: u16,
        /// The portal's `error_description`, empty when it sent none; localized.
        description: String,
    },
    /// A non-success HTTP status without a Bitrix24 error body (a proxy's error page, a bare
    /// 502, a redirect).
    Http {
        /// The HTTP status the answer arrived with, outside 200–299.
        status: u16,
        /// The start of the body, for diagnosis.
        snippet: String,
    },
    /// The portal answered with a redirect to another address: it has been renamed (the docs:
    /// an old address answers 302 with the new one). The redirect is not followed — the
    /// credentials would go with it — so change the webhook URL or OAuth endpoint to `location`.
    PortalMoved {
        /// The redirect's HTTP status: 301, 302, 303, 307 or 308.
        status: u16,
        /// The new address's origin, `https://<new portal>/`.
        location: String,
    },
    /// No answer arrived: the connection, TLS or the time limit failed.
    Transport {
        /// Which part of the exchange failed.
        kind: TransportErrorKind,
        /// `false` only when the request certainly never left this machine (for example the
        /// connection was refused), so that repeating a non-idempotent call is safe.
        may_have_reached_server: bool,
        /// What failed, in words: the HTTP library's error and its causes (without the URL), or
        /// the time limit that passed.
        detail: String,
    },
    /// An answer arrived but is not a Bitrix24 answer of the expected shape.
    Protocol {
        /// How the answer fails to be a Bitrix24 answer.
        kind: ProtocolErrorKind,
        /// The HTTP status the answer arrived with.
        status: u16,
        /// The start of the body, for diagnosis.
        snippet: String,
    },
    /// A parameter was rejected before anything was sent.
    InvalidArgument {
        /// The Bitrix24 name of the parameter, e.g. `CHAT_ID`.
        parameter: &'static str,
        /// What is wrong with the value.
        problem: ArgumentProblem,
    },
    /// The client could not be built from the given settings; nothing was sent.
    InvalidConfig(ConfigProblem),
    /// A blocking call was made on a thread that runs an async runtime, where blocking would
    /// stall it; use the async [`Client`](crate::Client) there.
    BlockingInAsyncContext,
    /// The OAuth server refused to renew the access token (`invalid_grant`: the refresh token is
    /// invalid or expired, and the user must authorize the application again; `invalid_client`:
    /// wrong client id or secret). The code is empty when the answer was not an OAuth answer.
    TokenRefresh {
        /// The OAuth server's `error` code (`invalid_grant`, `invalid_client`, …); empty when
        /// the answer was not an OAuth error answer.
        code: String,
        /// The HTTP status the OAuth server answered with.
        status: u16,
        /// The OAuth server's `error_description`, or, without a code, what was wrong with its
        /// answer.
        description: String,
    },
    /// A command of a batch that did not run: an earlier one failed and `halt` was set.
    Skipped,
}

/// How the exchange with the server failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be opened (refused, unreachable, DNS failure).
    Connect,
    /// The TLS handshake failed (for example an untrusted certificate).
    Tls,
    /// The configured time limit passed before the whole answer arrived.
    Timeout,
    /// The connection closed or broke before the whole answer arrived.
    ConnectionLost,
}

impl TransportErrorKind {
    /// `connect`, `tls`, `timeout` or `connection_lost`, the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Tls => "tls",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::ConnectionLost => "connection_lost",
        }
    }
}

/// How an answer fails to be a Bitrix24 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtocolErrorKind {
    /// A success status with an empty body.
    EmptyBody,
    /// A success status with a body that is not JSON (for example an HTML page).
    NotJson,
    /// JSON, but not the documented shape (missing `result` or `time`, or a `result` of the
    /// wrong type).
    UnexpectedShape,
    /// The body exceeded the configured size limit.
    TooLarge,
}

impl ProtocolErrorKind {
    /// `empty_body`, `not_json`, `unexpected_shape` or `too_large`, the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            ProtocolErrorKind::EmptyBody => "empty_body",
            ProtocolErrorKind::NotJson => "not_json",
            ProtocolErrorKind::UnexpectedShape => "unexpected_shape",
            ProtocolErrorKind::TooLarge => "too_large",
        }
    }
}

/// Why a parameter was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgumentProblem {
    /// The value is smaller than the parameter allows.
    BelowMinimum {
        /// The smallest value the parameter accepts.
        minimum: i64,
        /// The value that was given.
        actual: i64,
    },
    /// The value is larger than the parameter allows.
    AboveMaximum {
        /// The largest value the parameter accepts.
        maximum: i64,
        /// The value that was given.
        actual: i64,
    },
    /// Exactly one of `parameters` must be given; `given` lists those that were.
    ExactlyOneOf {
        /// The Bitrix24 names of the parameters, one of which is required.
        parameters: &'static [&'static str],
        /// The Bitrix24 names of those given, in the order of `parameters`: none, or two or more.
        given: Vec<&'static str>,
    },
    /// The parameters could not be encoded (only possible for hand-written [`Method`] types,
    /// and for parameters of a call by name that are not a JSON object).
    ///
    /// [`Method`]: crate::Method
    NotEncodable {
        /// Why the parameters could not be encoded: the JSON encoder's message, or the JSON
        /// type given where an object was expected.
        reason: String,
    },
    /// The name of a call by name is not a Bitrix24 method name.
    NotAMethodName {
        /// The name as given (control characters escaped when shown).
        name: String,
        /// What is wrong with the name, e.g. `it is empty`.
        reason: &'static str,
    },
    /// The calls of a batch cannot be sent as asked (a name used twice, a reference that would
    /// cross from one request of 50 calls to another, …).
    InvalidBatch {
        /// What is wrong, naming the call concerned (a name used twice, a reference to no
        /// earlier call, …).
        reason: String,
    },
}

/// Why client settings were rejected. Messages never repeat the webhook key or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// The URL cannot be parsed, or has a part it must not have.
    InvalidUrl {
        /// What is wrong with the URL: the URL parser's message or the part not allowed.
        reason: String,
    },
    /// A webhook URL must end in `/rest/<user id>/<key>/`.
    NotAWebhookUrl {
        /// Which part of the webhook path is missing or malformed.
        reason: String,
    },
    /// Plain `http://` to a host other than this machine; credentials would travel unencrypted.
    InsecureUrl {
        /// The host the plain `http://` URL names.
        host: String,
    },
    /// A required credential is empty.
    EmptyCredential {
        /// Which credential is empty, in words (`access token`, `client secret`, …).
        name: &'static str,
    },
    /// A timeout or size limit of zero.
    InvalidLimit {
        /// The rejected setting, in words (`timeout`, `max response bytes`, …).
        name: &'static str,
    },
    /// A count (of attempts, of bytes) that is not a whole number of at least 1.
    InvalidCount {
        /// The rejected setting, in words (`max attempts`, `max response bytes`).
        name: &'static str,
    },
    /// A length of time that is negative, infinite or not a number.
    InvalidDuration {
        /// The rejected setting, in words (`timeout`, `connect timeout`, …).
        name: &'static str,
    },
    /// The execution-time budget's headroom is not below its limit, so no call could run.
    HeadroomNotBelowLimit,
    /// A root certificate could not be read.
    InvalidCertificate {
        /// Why the PEM data was refused: the parser's message, or that it holds no certificate.
        reason: String,
    },
    /// The HTTP client could not be created.
    HttpClient {
        /// The HTTP library's message.
        reason: String,
    },
    /// Token refresh settings were given for a webhook client; only OAuth tokens expire.
    RefreshWithoutOAuth,
    /// The shared store's settings cannot be used (not a Redis URL, an unknown choice).
    InvalidSharedStore {
        /// What is wrong with them.
        reason: String,
    },
    /// The shared store did not answer as the client was built, and the client was told to
    /// fail then (the default; it may instead go on under local limits).
    SharedStoreUnreachable {
        /// The store, without its password.
        store: String,
        /// What failed, scrubbed of the password.
        reason: String,
    },
}

impl<C: Catalog> Error<C> {
    /// The variant as one snake_case word (`method`, `system`, `unknown_code`, `http`,
    /// `portal_moved`, `transport`, `protocol`, `invalid_argument`, `invalid_config`,
    /// `blocking_in_async_context`, `token_refresh`, `skipped`): the same word every binding and
    /// `--json` output uses.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::Method { .. } => "method",
            Error::System { .. } => "system",
            Error::UnknownCode { .. } => "unknown_code",
            Error::Http { .. } => "http",
            Error::PortalMoved { .. } => "portal_moved",
            Error::Transport { .. } => "transport",
            Error::Protocol { .. } => "protocol",
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::InvalidConfig(_) => "invalid_config",
            Error::BlockingInAsyncContext => "blocking_in_async_context",
            Error::TokenRefresh { .. } => "token_refresh",
            Error::Skipped => "skipped",
        }
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Method { status, .. }
            | Error::System { status, .. }
            | Error::UnknownCode { status, .. }
            | Error::Http { status, .. }
            | Error::PortalMoved { status, .. }
            | Error::Protocol { status, .. }
            | Error::TokenRefresh { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The Bitrix24 `error` code, when the portal sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Method { error, .. } => Some(DocumentedMethodError::code(*error)),
            Error::System { error, .. } => Some(DocumentedSystemError::code(*error)),
            Error::UnknownCode { code, .. } | Error::TokenRefresh { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The portal's `error_description`, when it sent one; for [`Error::PortalMoved`], the new
    /// address (every binding's flat error report carries it there).
    pub fn description(&self) -> Option<&str> {
        match self {
            Error::Method { description, .. }
            | Error::System { description, .. }
            | Error::UnknownCode { description, .. }
            | Error::TokenRefresh { description, .. } => Some(description),
            Error::PortalMoved { location, .. } => Some(location),
            _ => None,
        }
    }

    /// Whether repeating the same call later may succeed. Whether repeating is *safe* also
    /// depends on the method being idempotent and on [`Error::may_have_reached_server`].
    pub fn is_retryable(&self) -> bool {
        retry::retry_when(self) != crate::RetryWhen::Never
    }

    /// Whether the request may have reached the portal (and so may have taken effect).
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::Transport {
                may_have_reached_server,
                ..
            } => *may_have_reached_server,
            Error::InvalidArgument { .. }
            | Error::InvalidConfig(_)
            | Error::BlockingInAsyncContext
            | Error::Skipped => false,
            _ => true,
        }
    }
}

impl<C: Catalog> Error<C> {
    /// The message with parameter names spelled by `name`: each language binding passes its own
    /// spelling (`chat_id`, `chatId`), so that the message names what its caller wrote.
    pub fn message_naming<'a>(&'a self, name: impl Fn(&'a str) -> &'a str) -> String {
        let Error::InvalidArgument { parameter, problem } = self else {
            return self.to_string();
        };
        let parameter = name(parameter);
        match problem {
            ArgumentProblem::BelowMinimum { minimum, actual } => {
                format!("{parameter} must be at least {minimum}, got {actual}")
            }
            ArgumentProblem::AboveMaximum { maximum, actual } => {
                format!("{parameter} must be at most {maximum}, got {actual}")
            }
            ArgumentProblem::ExactlyOneOf { parameters, given } => {
                one_of_message(parameters, given, name)
            }
            ArgumentProblem::NotEncodable { reason } => {
                format!("{parameter} cannot be encoded: {reason}")
            }
            ArgumentProblem::NotAMethodName { name, reason } => {
                format!("{name:?} is not a Bitrix24 method name: {reason}")
            }
            ArgumentProblem::InvalidBatch { reason } => format!("invalid batch: {reason}"),
        }
    }
}

impl<C: Catalog> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Method {
                error,
                status,
                description,
            } => write!(
                f,
                "{} failed with {} (HTTP {status}): {}",
                error.method(),
                DocumentedMethodError::code(*error),
                or_meaning(description, DocumentedMethodError::meaning(*error))
            ),
            Error::System {
                error,
                status,
                description,
            } => write!(
                f,
                "Bitrix24 system error {} (HTTP {status}, {}): {}",
                DocumentedSystemError::code(*error),
                error.category_name(),
                or_meaning(description, DocumentedSystemError::meaning(*error))
            ),
            Error::UnknownCode {
                code,
                status,
                description,
            } => write!(f, "Bitrix24 error {code:?} (HTTP {status}): {description}"),
            Error::PortalMoved { status, location } => write!(
                f,
                "the portal has moved to {location} (HTTP {status}): use that address in the \
                 webhook URL or OAuth endpoint (b24kit does not follow redirects, which would \
                 take the credentials along)"
            ),
            Error::Http { status, snippet } => {
                write!(f, "HTTP {status} without a Bitrix24 error body")?;
                if !snippet.is_empty() {
                    write!(f, ": {snippet}")?;
                }
                Ok(())
            }
            Error::Transport {
                kind,
                may_have_reached_server,
                detail,
            } => {
                let what = match kind {
                    TransportErrorKind::Connect => "could not connect",
                    TransportErrorKind::Tls => "TLS failed",
                    TransportErrorKind::Timeout => "timed out",
                    TransportErrorKind::ConnectionLost => "connection lost",
                };
                let sent = if *may_have_reached_server {
                    "the request may have reached the portal"
                } else {
                    "the request was not sent"
                };
                write!(f, "{what} ({sent}): {detail}")
            }
            Error::Protocol {
                kind,
                status,
                snippet,
            } => {
                let what = match kind {
                    ProtocolErrorKind::EmptyBody => "empty body",
                    ProtocolErrorKind::NotJson => "body is not JSON",
                    ProtocolErrorKind::UnexpectedShape => "JSON of an unexpected shape",
                    ProtocolErrorKind::TooLarge => "body exceeds the size limit",
                };
                write!(f, "not a Bitrix24 answer (HTTP {status}, {what})")?;
                if !snippet.is_empty() {
                    write!(f, ": {snippet}")?;
                }
                Ok(())
            }
            Error::InvalidArgument { .. } => f.write_str(&self.message_naming(|p| p)),
            Error::InvalidConfig(problem) => write!(f, "invalid client settings: {problem}"),
            Error::BlockingInAsyncContext => f.write_str(
                "a blocking call was made inside an async runtime; use the async client there",
            ),
            Error::TokenRefresh {
                code,
                status,
                description,
            } => {
                write!(
                    f,
                    "the OAuth server refused to renew the access token (HTTP {status}"
                )?;
                if !code.is_empty() {
                    write!(f, ", {code}")?;
                }
                write!(f, "): {description}")
            }
            Error::Skipped => {
                f.write_str("not executed: an earlier command of the batch failed and halt was set")
            }
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::InvalidUrl { reason } => write!(f, "invalid URL: {reason}"),
            ConfigProblem::NotAWebhookUrl { reason } => write!(
                f,
                "not a webhook URL ({reason}); expected https://<portal>/rest/<user id>/<key>/"
            ),
            ConfigProblem::InsecureUrl { host } => write!(
                f,
                "plain http:// to {host} would send credentials unencrypted; use https:// (plain http is allowed only for this machine)"
            ),
            ConfigProblem::EmptyCredential { name } => write!(f, "{name} is empty"),
            ConfigProblem::InvalidLimit { name } => write!(f, "{name} must be greater than zero"),
            ConfigProblem::InvalidCount { name } => {
                write!(f, "{name} must be a whole number of at least 1")
            }
            ConfigProblem::InvalidDuration { name } => {
                write!(f, "{name} must be a finite, non-negative length of time")
            }
            ConfigProblem::HeadroomNotBelowLimit => f.write_str(
                "the operating budget's headroom must be below its limit, or no call could run",
            ),
            ConfigProblem::InvalidCertificate { reason } => {
                write!(f, "invalid root certificate: {reason}")
            }
            ConfigProblem::HttpClient { reason } => write!(f, "cannot create the HTTP client: {reason}"),
            ConfigProblem::RefreshWithoutOAuth => f.write_str(
                "token refresh settings need an OAuth client (Client::oauth); webhook keys do not expire",
            ),
            ConfigProblem::InvalidSharedStore { reason } => {
                write!(f, "invalid shared store: {reason}")
            }
            ConfigProblem::SharedStoreUnreachable { store, reason } => write!(
                f,
                "the shared store at {store} did not answer ({reason}); start it, fix the URL, \
                 or choose local limits when it is unreachable"
            ),
        }
    }
}

impl<C: Catalog> std::error::Error for Error<C> {}

impl<C: Catalog> From<ConfigProblem> for Error<C> {
    fn from(problem: ConfigProblem) -> Self {
        Error::InvalidConfig(problem)
    }
}

/// "exactly one of A, B, C must be given, got none" (or "got A and C"), with the parameter names
/// spelled by `name` — each binding passes its own spelling.
pub fn one_of_message<'a>(
    parameters: &[&'a str],
    given: &[&'a str],
    name: impl Fn(&'a str) -> &'a str,
) -> String {
    let all: Vec<&str> = parameters.iter().map(|p| name(p)).collect();
    let got = match given {
        [] => "none".to_string(),
        _ => given
            .iter()
            .map(|p| name(p))
            .collect::<Vec<_>>()
            .join(" and "),
    };
    format!("exactly one of {} must be given, got {got}", all.join(", "))
}

fn or_meaning<'a>(description: &'a str, meaning: &'a str) -> &'a str {
    if description.trim().is_empty() {
        meaning
    } else {
        description
    }
}
