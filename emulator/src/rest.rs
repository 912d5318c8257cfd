//! One REST call from arrival to answer: injected faults first, then the rate limit, then the
//! portal's own checks (transport, credentials, method, scope) and the method itself.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::clock::TimeObject;
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
    let Some(method) = methods::find(&call.method) else {
        return error(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
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
        return error(401, "insufficient_scope", description);
    }
    let handler_started = Instant::now();
    let caller = Caller {
        user_id: credential.user_id,
    };
    let outcome = portal.with_state(|state| (method.handler)(state, &caller, &call.params));
    portal.record_call(call.method, call.params);
    match outcome {
        Ok(result) => success(result, started, handler_started.elapsed().as_secs_f64()),
        Err(failure) => error(failure.status, failure.code, failure.description),
    }
}

enum CredentialKind {
    Webhook,
    OAuth,
}

struct Credential {
    user_id: i64,
    scopes: Vec<String>,
    kind: CredentialKind,
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
        })
    })
}

#[derive(Serialize)]
struct Success {
    result: Value,
    time: TimeObject,
}

fn success(result: Value, started: f64, processing: f64) -> Reply {
    let body = Success {
        result,
        time: TimeObject::new(started, processing, 0.0),
    };
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
