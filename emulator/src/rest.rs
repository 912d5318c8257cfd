//! One REST call from arrival to answer: injected faults first, then the rate limit, then the
//! portal's own checks (transport, credentials, method, scope) and the method itself.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::{unix_now, TimeObject};
use crate::faults::Fault;
use crate::methods::{self, Caller};
use crate::portal::Portal;
use crate::request::RestCall;

/// What to send back.
pub(crate) enum Reply {
    Answer {
        status: u16,
        content_type: &'static str,
        body: Bytes,
    },
    /// Close the connection without answering.
    Drop,
}

pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// Handles a call whose request has been read; `started` is the arrival time (Unix seconds).
pub(crate) async fn handle(
    portal: &Portal,
    started: f64,
    call: impl FnOnce() -> RestCall,
) -> Reply {
    portal.count_request();
    match portal.take_fault() {
        None => {}
        Some(Fault::Delay { ms }) => tokio::time::sleep(Duration::from_millis(ms)).await,
        Some(Fault::Drop) => return Reply::Drop,
        Some(Fault::Error {
            status,
            code,
            description,
        }) => return error(status, &code, &description),
        Some(Fault::Html { status }) => return html_page(status),
        Some(Fault::Empty { status }) => return raw(status, JSON, Bytes::new()),
        Some(Fault::InvalidJson { status }) => {
            return raw(status, JSON, Bytes::from_static(b"{\"result\": tru"))
        }
        Some(Fault::Raw { status, body }) => return raw(status, JSON, Bytes::from(body)),
    }
    if !portal.admit() {
        return error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    }
    let call = call();
    portal.count_method(&call.method);
    if !call.transport_supported {
        return error(500, "INTERNAL_WRONG_TRANSPORT", "Wrong transport!");
    }
    let credential = match authenticate(portal, &call) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    if call.method == "batch" {
        return crate::batch::run(portal, &credential, &call.params, started);
    }
    match run_command(portal, &credential, &call.method, call.params, started) {
        Ok((result, time)) => success(result, time),
        Err(failure) => error(failure.status, &failure.code, &failure.description),
    }
}

/// Why one command failed: the error body and status a portal sends.
pub(crate) struct CommandFailure {
    pub status: u16,
    pub code: String,
    pub description: String,
}

impl CommandFailure {
    pub(crate) fn new(status: u16, code: &str, description: &str) -> CommandFailure {
        CommandFailure {
            status,
            code: code.to_string(),
            description: description.to_string(),
        }
    }
}

/// One method call by an authenticated caller: the method's existence and scope, the
/// execution-time budget, then the handler. `started` is when the request arrived.
pub(crate) fn run_command(
    portal: &Portal,
    credential: &Credential,
    name: &str,
    params: Map<String, Value>,
    started: f64,
) -> Result<(Value, TimeObject), CommandFailure> {
    let Some(method) = methods::find(name) else {
        return Err(CommandFailure::new(
            404,
            "ERROR_METHOD_NOT_FOUND",
            "Method not found!",
        ));
    };
    if !credential.scopes.iter().any(|s| s == method.scope) {
        let description = match credential.kind {
            CredentialKind::Webhook => {
                "The request requires higher privileges than provided by the webhook token"
            }
            CredentialKind::OAuth => {
                "The request requires higher privileges than provided by the access token"
            }
        };
        return Err(CommandFailure::new(401, "insufficient_scope", description));
    }
    if !portal.admit_operating(&credential.owner, method.name, unix_now()) {
        return Err(CommandFailure::new(
            429,
            "OPERATION_TIME_LIMIT",
            "Method is blocked due to operation time limit.",
        ));
    }
    let handler_started = Instant::now();
    let caller = Caller {
        user_id: credential.user_id,
    };
    let outcome = portal.with_state(|state| (method.handler)(state, &caller, &params));
    let processing = handler_started.elapsed().as_secs_f64();
    portal.record_call(name.to_string(), params);
    let reading = portal.book_operating(&credential.owner, method.name, unix_now(), processing);
    match outcome {
        Ok(result) => Ok((result, TimeObject::new(started, processing, reading))),
        Err(failure) => Err(CommandFailure::new(
            failure.status,
            failure.code,
            failure.description,
        )),
    }
}

pub(crate) enum CredentialKind {
    Webhook,
    OAuth,
}

pub(crate) struct Credential {
    user_id: i64,
    scopes: Vec<String>,
    kind: CredentialKind,
    /// The application or webhook whose execution-time budget the calls spend.
    owner: String,
}

/// The portal's checks and messages: a webhook must match user and key exactly; a token must be
/// present, known and not expired.
fn authenticate(portal: &Portal, call: &RestCall) -> Result<Credential, Reply> {
    portal.with_state(|state| {
        if let Some((user, key)) = &call.webhook {
            let hook = state
                .webhooks
                .iter()
                .find(|w| w.user_id.to_string() == *user && w.key == *key)
                .ok_or_else(|| error(401, "INVALID_CREDENTIALS", "Invalid request credentials"))?;
            return Ok(Credential {
                user_id: hook.user_id,
                scopes: hook.scopes.clone(),
                kind: CredentialKind::Webhook,
                owner: format!("webhook {} {}", hook.user_id, hook.key),
            });
        }
        let token = call
            .token()
            .ok_or_else(|| error(401, "NO_AUTH_FOUND", "Wrong authorization data"))?;
        let known = state
            .tokens
            .iter()
            .find(|t| t.access_token == token)
            .ok_or_else(|| error(401, "invalid_token", "Unable to get application by token"))?;
        if known.expired {
            return Err(error(
                401,
                "expired_token",
                "The access token provided has expired",
            ));
        }
        Ok(Credential {
            user_id: known.user_id,
            scopes: known.scopes.clone(),
            kind: CredentialKind::OAuth,
            owner: match &known.client_id {
                Some(app) => format!("app {app}"),
                None => format!("user {}", known.user_id),
            },
        })
    })
}

#[derive(Serialize)]
struct Success {
    result: Value,
    time: TimeObject,
}

pub(crate) fn success(result: Value, time: TimeObject) -> Reply {
    let body = Success { result, time };
    Reply::Answer {
        status: 200,
        content_type: JSON,
        body: Bytes::from(serde_json::to_vec(&body).expect("plain JSON values always serialize")),
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

pub(crate) fn error(status: u16, code: &str, description: &str) -> Reply {
    let body = ErrorBody {
        error: code,
        error_description: description,
    };
    Reply::Answer {
        status,
        content_type: JSON,
        body: Bytes::from(serde_json::to_vec(&body).expect("strings always serialize")),
    }
}

fn raw(status: u16, content_type: &'static str, body: Bytes) -> Reply {
    Reply::Answer {
        status,
        content_type,
        body,
    }
}

/// What a proxy in front of a portal sends when the portal is down.
fn html_page(status: u16) -> Reply {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{status} Bad Gateway</title></head>\n<body><h1>{status} Bad Gateway</h1><hr>nginx</body></html>\n"
    );
    raw(status, "text/html; charset=utf-8", Bytes::from(page))
}
