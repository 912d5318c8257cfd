//! Runs every case of `cases.json` through the `b24kit` crate's public API against the emulator
//! named by `B24KIT_CONFORMANCE_READY`, and prints one JSON line per case:
//! `{"case", "outcome": "pass" | "fail" | "n/a", "detail"}`.
//! Usage: `cargo run -p b24kit-tests --bin conformance -- tests/conformance/cases.json`
//!
//! Cases of wrong-typed or missing arguments are "n/a" here: in Rust they do not compile.

use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{Client, Error};
use serde_json::{json, Map, Value};

struct Ready {
    base: String,
    webhook: String,
    oauth_endpoint: String,
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: conformance <cases.json>");
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable cases"))
            .expect("JSON cases");
    let ready: Value = serde_json::from_str(
        &std::env::var("B24KIT_CONFORMANCE_READY").expect("B24KIT_CONFORMANCE_READY"),
    )
    .expect("the emulator's ready line");
    let field = |name: &str| ready[name].as_str().expect("a ready field").to_string();
    let ready = Ready {
        base: field("base_url"),
        webhook: field("webhook_url"),
        oauth_endpoint: field("oauth_endpoint"),
    };
    let control = reqwest::Client::builder().no_proxy().build().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for case in cases["cases"].as_array().expect("a list of cases") {
        let (outcome, detail) = match rt.block_on(run(&ready, &control, case)) {
            Ok(None) => ("pass", String::new()),
            Ok(Some(problem)) => ("fail", problem),
            Err(NotApplicable(why)) => ("n/a", why.to_string()),
        };
        println!(
            "{}",
            json!({"case": case["name"], "outcome": outcome, "detail": detail})
        );
    }
}

struct NotApplicable(&'static str);

async fn send(
    http: &reqwest::Client,
    ready: &Ready,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Value {
    let mut request = http.request(
        method.parse().unwrap(),
        format!("{}_emulator/{path}", ready.base),
    );
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("the control API answers");
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null)
}

fn client_for(ready: &Ready, case: &Value) -> Client {
    let timeout = case["options"]["timeout_ms"].as_u64().unwrap_or(10_000);
    let builder = match &case["credential"] {
        Value::String(_) => Client::webhook(&ready.webhook),
        c if c.get("webhook_key").is_some() => Client::webhook(format!(
            "{}rest/1/{}/",
            ready.base,
            c["webhook_key"].as_str().unwrap()
        )),
        c => Client::oauth(&ready.oauth_endpoint, c["token"].as_str().unwrap()),
    };
    builder
        .timeout(Duration::from_millis(timeout))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build()
        .expect("a valid client")
}

/// The call of the case through the typed API, its result as JSON.
async fn call(
    client: &Client,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Result<Value, Error>, NotApplicable> {
    let int = |name: &str| {
        params
            .get(name)
            .map(|v| {
                v.as_i64().ok_or(NotApplicable(
                    "a wrong-typed argument does not compile in Rust",
                ))
            })
            .transpose()
    };
    let flag = |name: &str| {
        params
            .get(name)
            .map(|v| {
                v.as_bool().ok_or(NotApplicable(
                    "a wrong-typed argument does not compile in Rust",
                ))
            })
            .transpose()
    };
    let required = |value: Option<i64>| {
        value.ok_or(NotApplicable(
            "a missing required argument does not compile in Rust",
        ))
    };
    Ok(match method {
        "imopenlines.session.mode.silent" => {
            let mut p = b24kit::ImopenlinesSessionModeSilentParams::new(required(int("CHAT_ID")?)?);
            if let Some(on) = flag("ACTIVATE")? {
                p = p.activate(on);
            }
            client
                .imopenlines_session_mode_silent(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.session.mode.pin" => {
            let mut p = b24kit::ImopenlinesSessionModePinParams::new(required(int("CHAT_ID")?)?);
            if let Some(on) = flag("ACTIVATE")? {
                p = p.activate(on);
            }
            client
                .imopenlines_session_mode_pin(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.dialog.get" => {
            let text = |name: &str| {
                params
                    .get(name)
                    .map(|v| {
                        v.as_str().map(str::to_string).ok_or(NotApplicable(
                            "a wrong-typed argument does not compile in Rust",
                        ))
                    })
                    .transpose()
            };
            let mut p = b24kit::ImopenlinesDialogGetParams::new();
            if let Some(id) = int("CHAT_ID")? {
                p = p.chat_id(id);
            }
            if let Some(id) = text("DIALOG_ID")? {
                p = p.dialog_id(id);
            }
            if let Some(id) = int("SESSION_ID")? {
                p = p.session_id(id);
            }
            if let Some(code) = text("USER_CODE")? {
                p = p.user_code(code);
            }
            // Records are compared by the fields a case names; only their presence here.
            client
                .imopenlines_dialog_get(p)
                .await
                .map(|r| json!({"id": r.result.id}))
        }
        "imopenlines.session.mode.pinAll" => client
            .imopenlines_session_mode_pin_all(b24kit::ImopenlinesSessionModePinAllParams::new())
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.mode.unpinAll" => client
            .imopenlines_session_mode_unpin_all(b24kit::ImopenlinesSessionModeUnpinAllParams::new())
            .await
            .map(|r| json!(r.result)),
        _ => return Err(NotApplicable("the Rust runner does not know this method")),
    })
}

fn check_error(expected: &Value, error: &Error) -> Option<String> {
    let kind = expected["kind"].as_str().unwrap();
    if kind == "type" {
        return Some(format!("expected a wrong-type error, got {error:?}"));
    }
    if error.kind_name() != kind {
        return Some(format!("expected a {kind} error, got {error:?}"));
    }
    let category = match error {
        Error::System { error, .. } => Some(error.category().name()),
        _ => None,
    };
    let parameter = match error {
        Error::InvalidArgument { parameter, .. } => Some(*parameter),
        _ => None,
    };
    let actual = json!({
        "code": error.code(),
        "status": error.status(),
        "retryable": error.is_retryable(),
        "category": category,
        "parameter": parameter,
    });
    for (field, want) in expected.as_object().unwrap() {
        if field != "kind" && actual[field] != *want {
            return Some(format!(
                "{field}: expected {want}, got {} ({error:?})",
                actual[field]
            ));
        }
    }
    None
}

async fn run(
    ready: &Ready,
    http: &reqwest::Client,
    case: &Value,
) -> Result<Option<String>, NotApplicable> {
    send(http, ready, "POST", "reset", None).await;
    send(
        http,
        ready,
        "PUT",
        "limits",
        Some(&json!({"enabled": false})),
    )
    .await;
    let setup = &case["setup"];
    if let Some(flags) = setup.get("chat_flags") {
        let mut flags = flags.as_object().unwrap().clone();
        let id = flags.remove("id").unwrap();
        send(
            http,
            ready,
            "PATCH",
            &format!("chats/{id}"),
            Some(&Value::Object(flags)),
        )
        .await;
    }
    if let Some(fault) = setup.get("fault") {
        send(http, ready, "POST", "faults", Some(fault)).await;
    }
    let before = send(http, ready, "GET", "stats", None).await["rest_requests"]
        .as_u64()
        .unwrap();
    let client = client_for(ready, case);
    let params = case["call"]["params"].as_object().unwrap();
    let outcome = call(&client, case["call"]["method"].as_str().unwrap(), params).await?;
    let expect = &case["expect"];
    match (&outcome, expect.get("error")) {
        (Ok(value), Some(_)) => return Ok(Some(format!("expected an error, got {value}"))),
        (Err(error), Some(expected)) => {
            if let Some(problem) = check_error(expected, error) {
                return Ok(Some(problem));
            }
        }
        (Err(error), None) => return Ok(Some(format!("expected success, got {error:?}"))),
        (Ok(value), None) => {
            if *value != expect["result"] {
                return Ok(Some(format!(
                    "result: expected {}, got {value}",
                    expect["result"]
                )));
            }
        }
    }
    if let Some(want) = expect.get("chat") {
        let chat = send(http, ready, "GET", &format!("chats/{}", want["id"]), None).await;
        for (key, value) in want.as_object().unwrap() {
            if chat[key] != *value {
                return Ok(Some(format!(
                    "chat {key}: expected {value}, got {}",
                    chat[key]
                )));
            }
        }
    }
    if let Some(requests) = expect.get("requests") {
        let sent = send(http, ready, "GET", "stats", None).await["rest_requests"]
            .as_u64()
            .unwrap()
            - before;
        if Some(sent) != requests.as_u64() {
            return Ok(Some(format!(
                "expected {requests} requests at the portal, got {sent}"
            )));
        }
    }
    Ok(None)
}
