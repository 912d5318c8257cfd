//! One REST call from arrival to answer: injected faults first, then the rate limit, then the
//! portal's own checks in the portal's order (transport, whether the method exists, credentials,
//! scope) and the method itself.

use std::time::Duration;

use bytes::Bytes;

use crate::command::{run_command, Credential, CredentialKind};
use crate::faults::Fault;
use crate::portal::Portal;
use crate::reply::{error, html_page, raw, success, Reply, JSON};
use crate::request::RestCall;

/// Handles a call whose request has been read; `started` is the arrival time (Unix seconds).
pub(crate) async fn handle(
    portal: &Portal,
    started: f64,
    secure: bool,
    call: impl FnOnce() -> RestCall,
) -> Reply {
    portal.count_request();
    let mut headers = Vec::new();
    match portal.take_fault() {
        // Never taken for a REST call (`take_fault` leaves the OAuth server's faults alone).
        None | Some(Fault::OauthError { .. }) => {}
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
        Some(Fault::Moved { to, status }) => return Reply::Moved { status, to },
        Some(Fault::Headers { headers: extra }) => headers.extend(extra),
    }
    let mut reply = portal_answer(portal, started, secure, call);
    if let Reply::Answer { headers: sent, .. } = &mut reply {
        sent.extend(headers);
    }
    reply
}

/// The portal's own answer: the rate limit, its checks in its order, and the method.
fn portal_answer(
    portal: &Portal,
    started: f64,
    secure: bool,
    call: impl FnOnce() -> RestCall,
) -> Reply {
    if !portal.admit() {
        return error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    }
    let call = call();
    portal.count_method(&call.method);
    if !call.transport_supported {
        return error(500, "INTERNAL_WRONG_TRANSPORT", "Wrong transport!");
    }
    // As the portal: an unknown method is 404 whatever the credentials (a misspelled method
    // with a wrong key is told about the method, not the key).
    if call.method != "batch" && crate::methods::find(&call.method).is_none() {
        return error(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    }
    // The webhook check (`apauth`) refuses plain HTTP on a portal that requires HTTPS.
    if call.webhook.is_some() && portal.requires_https() && !secure {
        return error(401, "INVALID_REQUEST", "Https required.");
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
                app: None,
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
            app: known.client_id.clone(),
            owner: match &known.client_id {
                Some(app) => format!("app {app}"),
                None => format!("user {}", known.user_id),
            },
        })
    })
}
