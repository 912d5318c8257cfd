//! The control endpoints under `/_emulator/`, for tests in any language: read the state (the
//! side effect of a call), load or reset it, inject faults, change the rate limit, read counts.
//! No authentication; the emulator listens on loopback.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultRequest;
use crate::limits::RateLimit;
use crate::operating::OperatingLimit;
use crate::portal::Portal;
use crate::state::PortalState;

/// `(status, JSON body)` for a control request; `path` is what follows `/_emulator/`.
pub(crate) fn handle(portal: &Portal, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match (method, segments.as_slice()) {
        ("GET", []) => (200, help()),
        ("GET", ["state"]) => (200, to_json(&portal.state())),
        ("PUT", ["state"]) => {
            match parse_body::<Value>(body).and_then(|v| PortalState::from_json(&v.to_string())) {
                Ok(state) => {
                    portal.replace_state(state);
                    (200, json!({"ok": true}))
                }
                Err(e) => bad_request(&e),
            }
        }
        ("POST", ["reset"]) => {
            portal.reset();
            (200, json!({"ok": true}))
        }
        ("GET", ["chats", id]) => match id.parse::<i64>().ok().and_then(|id| portal.chat(id)) {
            Some(chat) => (200, to_json(&chat)),
            None => (404, json!({"error": format!("no chat {id}")})),
        },
        ("PATCH", ["chats", id]) => match (id.parse::<i64>(), parse_body::<ChatFlags>(body)) {
            (Ok(id), Ok(flags)) => {
                let patched = portal.with_state(|state| {
                    let chat = state.chat_mut(id)?;
                    if let Some(silent) = flags.silent {
                        chat.silent = silent;
                    }
                    if let Some(pinned) = flags.pinned {
                        chat.pinned = pinned;
                    }
                    if let Some(status) = flags.status {
                        chat.status = status;
                    }
                    if let Some(operator) = flags.operator {
                        chat.operator = operator;
                    }
                    if let Some(members) = flags.members {
                        chat.members = members;
                    }
                    Some(chat.clone())
                });
                match patched {
                    Some(chat) => (200, to_json(&chat)),
                    None => (404, json!({"error": format!("no chat {id}")})),
                }
            }
            (Err(_), _) => (404, json!({"error": format!("no chat {id}")})),
            (_, Err(e)) => bad_request(&e),
        },
        ("POST", ["faults"]) => match parse_body::<FaultRequest>(body) {
            Ok(request) => match request.fault.problem() {
                Some(problem) => bad_request(&problem),
                None => {
                    portal.queue_fault(request);
                    (200, json!({"ok": true}))
                }
            },
            Err(e) => bad_request(&e),
        },
        ("DELETE", ["faults"]) => {
            portal.clear_faults();
            (200, json!({"ok": true}))
        }
        ("GET", ["limits"]) => (200, limit_json(portal.rate_limit())),
        ("PUT", ["limits"]) => match parse_body::<LimitRequest>(body) {
            Ok(LimitRequest::Off { enabled: false }) => {
                portal.set_rate_limit(None);
                (200, limit_json(None))
            }
            Ok(LimitRequest::On(limit)) if limit.burst >= 1.0 && limit.drain_per_second > 0.0 => {
                portal.set_rate_limit(Some(limit));
                (200, limit_json(Some(limit)))
            }
            Ok(_) => bad_request("burst must be at least 1 and drain_per_second above 0"),
            Err(e) => bad_request(&e),
        },
        ("GET", ["operating"]) => (200, operating_json(portal.operating_limit())),
        ("PUT", ["operating"]) => match parse_body::<OperatingRequest>(body) {
            Ok(OperatingRequest::Off { enabled: false }) => {
                portal.set_operating_limit(None);
                (200, operating_json(None))
            }
            Ok(OperatingRequest::On(limit)) if limit.is_valid() => {
                portal.set_operating_limit(Some(limit));
                (200, operating_json(Some(limit)))
            }
            Ok(_) => bad_request(
                "limit_seconds and window_seconds must be above 0, cost_seconds at least 0",
            ),
            Err(e) => bad_request(&e),
        },
        ("POST", ["tokens", "expire"]) => (200, json!({"expired": portal.expire_tokens()})),
        ("GET", ["stats"]) => (200, to_json(&portal.stats())),
        ("GET", ["last_call"]) => (200, to_json(&portal.last_call())),
        _ => (
            404,
            json!({"error": format!("no control endpoint {method} /_emulator/{path}"), "help": help()}),
        ),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LimitRequest {
    Off { enabled: bool },
    On(RateLimit),
}

/// The flags `PATCH /_emulator/chats/{id}` may set.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChatFlags {
    silent: Option<bool>,
    pinned: Option<bool>,
    status: Option<crate::state::SessionStatus>,
    operator: Option<i64>,
    members: Option<Vec<i64>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OperatingRequest {
    Off { enabled: bool },
    On(OperatingLimit),
}

fn operating_json(limit: Option<OperatingLimit>) -> Value {
    match limit {
        Some(l) => json!({
            "enabled": true,
            "limit_seconds": l.limit_seconds,
            "window_seconds": l.window_seconds,
            "cost_seconds": l.cost_seconds,
        }),
        None => json!({"enabled": false}),
    }
}

fn limit_json(limit: Option<RateLimit>) -> Value {
    match limit {
        Some(l) => {
            json!({"enabled": true, "burst": l.burst, "drain_per_second": l.drain_per_second})
        }
        None => json!({"enabled": false}),
    }
}

fn help() -> Value {
    json!({
        "GET /_emulator/state": "the whole portal state",
        "PUT /_emulator/state": "replace the state (same format as --state files)",
        "POST /_emulator/reset": "start-up state, no faults, fresh counts, empty bucket",
        "GET /_emulator/chats/{id}": "one chat, e.g. its silent flag",
        "PATCH /_emulator/chats/{id}": "{\"silent\": true, \"pinned\": false, \"status\": \"answered\", \"operator\": 1, \"members\": [1, 2]}: set a chat's flags, its session's state and its members",
        "POST /_emulator/faults": "{\"kind\": \"error|html|empty|invalid_json|raw|moved|delay|drop\", ..., \"count\": N}",
        "DELETE /_emulator/faults": "drop queued faults",
        "GET|PUT /_emulator/limits": "{\"burst\": 50, \"drain_per_second\": 2} or {\"enabled\": false}",
        "GET|PUT /_emulator/operating": "execution-time budget per method and caller: {\"limit_seconds\": 480, \"window_seconds\": 600, \"cost_seconds\": 0} or {\"enabled\": false} (default)",
        "POST /_emulator/tokens/expire": "every access token expires; renew at /oauth/token/",
        "GET /_emulator/stats": "request counts (rate-limited, operation-time-limited, token refreshes)",
        "GET /_emulator/last_call": "method and parameters of the latest call, as the portal read them",
    })
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid request body: {e}"))
}

fn bad_request(message: &str) -> (u16, Value) {
    (400, json!({"error": message}))
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
