//! One method call by an authenticated caller, as a REST call and as a command of `batch` run it:
//! the method's existence and scope, the execution-time budget, then the handler.

use std::time::Instant;

use serde_json::{Map, Value};

use crate::clock::{unix_now, TimeObject};
use crate::methods::{self, Answer, Caller};
use crate::portal::Portal;

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
) -> Result<(Answer, TimeObject), CommandFailure> {
    let Some(method) = methods::find(name) else {
        return Err(CommandFailure::new(
            404,
            "ERROR_METHOD_NOT_FOUND",
            "Method not found!",
        ));
    };
    if !method.scope.is_empty() && !credential.scopes.iter().any(|s| s == method.scope) {
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
        app: credential.app.clone(),
    };
    let (outcome, utc_offset) = portal.run_handler(|state| {
        (
            (method.handler)(state, &caller, &params),
            state.utc_offset_minutes,
        )
    });
    let processing = handler_started.elapsed().as_secs_f64();
    portal.record_call(name.to_string(), params);
    let reading = portal.book_operating(&credential.owner, method.name, unix_now(), processing);
    match outcome {
        Ok(result) => Ok((
            result,
            TimeObject::new(started, processing, reading, utc_offset),
        )),
        Err(failure) => {
            debug_assert!(
                method.errors.contains(&failure),
                "{} refused with {failure:?}, which its table of errors does not list",
                method.name
            );
            Err(CommandFailure::new(
                failure.status,
                failure.code,
                failure.description,
            ))
        }
    }
}

pub(crate) enum CredentialKind {
    Webhook,
    OAuth,
}

pub(crate) struct Credential {
    pub(crate) user_id: i64,
    pub(crate) scopes: Vec<String>,
    pub(crate) kind: CredentialKind,
    /// The application or webhook whose execution-time budget the calls spend.
    pub(crate) owner: String,
    /// The application of an OAuth token (its `client_id`).
    pub(crate) app: Option<String>,
}
