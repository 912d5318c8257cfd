//! Runs every case of `cases.json` through the `b24kit` crate's public API against the emulator
//! named by `B24KIT_CONFORMANCE_READY`, and prints one JSON line per case:
//! `{"case", "outcome": "pass" | "fail" | "n/a", "detail"}`.
//! Usage: `cargo run -p b24kit-tests --bin conformance -- tests/conformance/cases.json`
//!
//! Cases of wrong-typed or missing arguments are "n/a" here: in Rust they do not compile.

use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{AnyCall, Client, Error, ListCall, NamedCall};
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
    let control = b24kit_tests::raw_http();
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
    let required_text = |value: Option<String>| {
        value.ok_or(NotApplicable(
            "a missing required argument does not compile in Rust",
        ))
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
                .map(|r| serde_json::to_value(r.result).expect("a typed result serializes"))
        }
        "imopenlines.session.history.get" => {
            let mut p = b24kit::ImopenlinesSessionHistoryGetParams::new();
            if let Some(id) = int("SESSION_ID")? {
                p = p.session_id(id);
            }
            if let Some(id) = int("CHAT_ID")? {
                p = p.chat_id(id);
            }
            client
                .imopenlines_session_history_get(p)
                .await
                .map(|r| serde_json::to_value(r.result).expect("a typed result serializes"))
        }
        "imopenlines.operator.answer" => client
            .imopenlines_operator_answer(b24kit::ImopenlinesOperatorAnswerParams::new(required(
                int("CHAT_ID")?,
            )?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.operator.finish" => client
            .imopenlines_operator_finish(b24kit::ImopenlinesOperatorFinishParams::new(required(
                int("CHAT_ID")?,
            )?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.operator.another.finish" => client
            .imopenlines_operator_another_finish(
                b24kit::ImopenlinesOperatorAnotherFinishParams::new(required(int("CHAT_ID")?)?),
            )
            .await
            .map(|r| json!(r.result)),
        "imopenlines.operator.skip" => client
            .imopenlines_operator_skip(b24kit::ImopenlinesOperatorSkipParams::new(required(int(
                "CHAT_ID",
            )?)?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.operator.spam" => client
            .imopenlines_operator_spam(b24kit::ImopenlinesOperatorSpamParams::new(required(int(
                "CHAT_ID",
            )?)?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.join" => client
            .imopenlines_session_join(b24kit::ImopenlinesSessionJoinParams::new(required(int(
                "CHAT_ID",
            )?)?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.start" => client
            .imopenlines_session_start(b24kit::ImopenlinesSessionStartParams::new(required(int(
                "CHAT_ID",
            )?)?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.message.session.start" => client
            .imopenlines_message_session_start(b24kit::ImopenlinesMessageSessionStartParams::new(
                required(int("CHAT_ID")?)?,
                required(int("MESSAGE_ID")?)?,
            ))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.crm.lead.create" => client
            .imopenlines_crm_lead_create(b24kit::ImopenlinesCrmLeadCreateParams::new(required(
                int("CHAT_ID")?,
            )?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.intercept" => client
            .imopenlines_session_intercept(b24kit::ImopenlinesSessionInterceptParams::new(
                required(int("CHAT_ID")?)?,
            ))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.head.vote" => {
            let mut p =
                b24kit::ImopenlinesSessionHeadVoteParams::new(required(int("SESSION_ID")?)?);
            if let Some(rating) = int("RATING")? {
                p = p.rating(rating);
            }
            if let Some(comment) = params.get("COMMENT") {
                let comment = comment.as_str().ok_or(NotApplicable(
                    "a wrong-typed argument does not compile in Rust",
                ))?;
                p = p.comment(comment);
            }
            client
                .imopenlines_session_head_vote(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.session.mode.pinAll" => client
            .imopenlines_session_mode_pin_all(b24kit::ImopenlinesSessionModePinAllParams::new())
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.mode.unpinAll" => client
            .imopenlines_session_mode_unpin_all(b24kit::ImopenlinesSessionModeUnpinAllParams::new())
            .await
            .map(|r| json!(r.result)),
        "imopenlines.crm.chat.get" => {
            let mut p = b24kit::ImopenlinesCrmChatGetParams::new(
                required_text(text("CRM_ENTITY_TYPE")?)?,
                required(int("CRM_ENTITY")?)?,
            );
            if let Some(on) = flag("ACTIVE_ONLY")? {
                p = p.active_only(on);
            }
            client
                .imopenlines_crm_chat_get(p)
                .await
                .map(|r| serde_json::to_value(r.result).expect("a typed result serializes"))
        }
        "imopenlines.crm.chat.getLastId" => client
            .imopenlines_crm_chat_get_last_id(b24kit::ImopenlinesCrmChatGetLastIdParams::new(
                required_text(text("CRM_ENTITY_TYPE")?)?,
                required(int("CRM_ENTITY")?)?,
            ))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.crm.chat.user.add" => {
            let mut p = b24kit::ImopenlinesCrmChatUserAddParams::new(
                required_text(text("CRM_ENTITY_TYPE")?)?,
                required(int("CRM_ENTITY")?)?,
                required(int("USER_ID")?)?,
            );
            if let Some(id) = int("CHAT_ID")? {
                p = p.chat_id(id);
            }
            client
                .imopenlines_crm_chat_user_add(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.crm.chat.user.delete" => {
            let mut p = b24kit::ImopenlinesCrmChatUserDeleteParams::new(
                required_text(text("CRM_ENTITY_TYPE")?)?,
                required(int("CRM_ENTITY")?)?,
                required(int("USER_ID")?)?,
            );
            if let Some(id) = int("CHAT_ID")? {
                p = p.chat_id(id);
            }
            client
                .imopenlines_crm_chat_user_delete(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.revision.get" => client
            .imopenlines_revision_get(b24kit::ImopenlinesRevisionGetParams::new())
            .await
            .map(|r| serde_json::to_value(r.result).expect("a typed result serializes")),
        "imopenlines.network.join" => client
            .imopenlines_network_join(b24kit::ImopenlinesNetworkJoinParams::new(required_text(
                text("CODE")?,
            )?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.network.message.add" => {
            let mut p = b24kit::ImopenlinesNetworkMessageAddParams::new(
                required_text(text("CODE")?)?,
                required(int("USER_ID")?)?,
                required_text(text("MESSAGE")?)?,
            );
            if let Some(attach) = params.get("ATTACH") {
                p = p.attach(attach.clone());
            }
            if let Some(keyboard) = params.get("KEYBOARD") {
                p = p.keyboard(keyboard.clone());
            }
            if let Some(on) = flag("URL_PREVIEW")? {
                p = p.url_preview(on);
            }
            client
                .imopenlines_network_message_add(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.config.get" => {
            let mut p = b24kit::ImopenlinesConfigGetParams::new(required(int("CONFIG_ID")?)?);
            if let Some(on) = flag("WITH_QUEUE")? {
                p = p.with_queue(on);
            }
            if let Some(on) = flag("SHOW_OFFLINE")? {
                p = p.show_offline(on);
            }
            client
                .imopenlines_config_get(p)
                .await
                .map(|r| serde_json::to_value(r.result).expect("a typed result serializes"))
        }
        "imopenlines.config.add" => {
            let mut p = b24kit::ImopenlinesConfigAddParams::new();
            if let Some(settings) = params.get("PARAMS") {
                p = p.params(settings_of(settings));
            }
            client
                .imopenlines_config_add(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.config.list.get" => {
            let p = config_list_params(params.get("PARAMS"), params.get("OPTIONS"));
            client
                .imopenlines_config_list_get(p)
                .await
                .map(|r| serde_json::to_value(r.result).expect("a typed result serializes"))
        }
        "imopenlines.config.update" => {
            let mut p = b24kit::ImopenlinesConfigUpdateParams::new(required(int("CONFIG_ID")?)?);
            if let Some(settings) = params.get("PARAMS") {
                p = p.params(settings_of(settings));
            }
            client
                .imopenlines_config_update(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.config.delete" => client
            .imopenlines_config_delete(b24kit::ImopenlinesConfigDeleteParams::new(required(int(
                "CONFIG_ID",
            )?)?))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.config.path.get" => client
            .imopenlines_config_path_get(b24kit::ImopenlinesConfigPathGetParams::new())
            .await
            .map(|r| serde_json::to_value(r.result).expect("a typed result serializes")),
        "imopenlines.crm.message.add" => client
            .imopenlines_crm_message_add(b24kit::ImopenlinesCrmMessageAddParams::new(
                required_text(text("CRM_ENTITY_TYPE")?)?,
                required(int("CRM_ENTITY")?)?,
                required(int("USER_ID")?)?,
                required(int("CHAT_ID")?)?,
                required_text(text("MESSAGE")?)?,
            ))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.message.quick.save" => client
            .imopenlines_message_quick_save(b24kit::ImopenlinesMessageQuickSaveParams::new(
                required(int("CHAT_ID")?)?,
                required(int("MESSAGE_ID")?)?,
            ))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.session.open" => client
            .imopenlines_session_open(b24kit::ImopenlinesSessionOpenParams::new(required_text(
                text("USER_CODE")?,
            )?))
            .await
            .map(|r| serde_json::to_value(r.result).expect("a typed result serializes")),
        "imopenlines.operator.transfer" => {
            let mut p = b24kit::ImopenlinesOperatorTransferParams::new(required(int("CHAT_ID")?)?);
            if let Some(target) = text("TRANSFER_ID")? {
                p = p.transfer_id(target);
            }
            if let Some(user) = int("USER_ID")? {
                p = p.user_id(user);
            }
            if let Some(queue) = int("QUEUE_ID")? {
                p = p.queue_id(queue);
            }
            client
                .imopenlines_operator_transfer(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.bot.session.operator" => client
            .imopenlines_bot_session_operator(b24kit::ImopenlinesBotSessionOperatorParams::new(
                required(int("CHAT_ID")?)?,
            ))
            .await
            .map(|r| json!(r.result)),
        "imopenlines.bot.session.finish" => {
            let mut p = b24kit::ImopenlinesBotSessionFinishParams::new(required(int("CHAT_ID")?)?);
            if let Some(bot) = text("CLIENT_ID")? {
                p = p.client_id(bot);
            }
            client
                .imopenlines_bot_session_finish(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.bot.session.message.send" => {
            let mut p =
                b24kit::ImopenlinesBotSessionMessageSendParams::new(required(int("CHAT_ID")?)?);
            if let Some(kind) = text("NAME")? {
                p = p.name(kind);
            }
            if let Some(message) = text("MESSAGE")? {
                p = p.message(message);
            }
            client
                .imopenlines_bot_session_message_send(p)
                .await
                .map(|r| json!(r.result))
        }
        "imopenlines.bot.session.transfer" => {
            let mut p =
                b24kit::ImopenlinesBotSessionTransferParams::new(required(int("CHAT_ID")?)?);
            if let Some(user) = int("USER_ID")? {
                p = p.user_id(user);
            }
            if let Some(queue) = int("QUEUE_ID")? {
                p = p.queue_id(queue);
            }
            if let Some(target) = text("TRANSFER_ID")? {
                p = p.transfer_id(target);
            }
            if let Some(leave) = flag("LEAVE")? {
                p = p.leave(leave);
            }
            if let Some(bot) = text("CLIENT_ID")? {
                p = p.client_id(bot);
            }
            client
                .imopenlines_bot_session_transfer(p)
                .await
                .map(|r| json!(r.result))
        }
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

/// A line's settings from the case's JSON, read as a Rust caller's would be built.
fn settings_of(json: &Value) -> b24kit::OpenLineSettings {
    serde_json::from_value(json.clone()).expect("the case's settings are a line's settings")
}

/// Whether `actual` holds `want`: every key of an object, every item of a list, equality
/// otherwise (a typed result serializes its dates and times with the offset the portal sent).
fn has(actual: &Value, want: &Value) -> bool {
    match want {
        Value::Object(want) => want
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|a| has(a, value))),
        Value::Array(want) => actual.as_array().is_some_and(|actual| {
            actual.len() == want.len() && actual.iter().zip(want).all(|(a, w)| has(a, w))
        }),
        _ => actual == want,
    }
}

/// A successful answer: its result and, for list methods, `total` and `next`.
struct Answer {
    result: Value,
    total: Option<u64>,
    next: Option<u64>,
}

impl From<b24kit::Response<Value>> for Answer {
    fn from(r: b24kit::Response<Value>) -> Answer {
        Answer {
            result: r.result,
            total: r.total,
            next: r.next,
        }
    }
}

/// A success or an error, as the expectation says.
fn check_answer(expect: &Value, outcome: &Result<Answer, Error>) -> Option<String> {
    let answer = match (outcome, expect.get("error")) {
        (Ok(answer), Some(_)) => return Some(format!("expected an error, got {}", answer.result)),
        (Err(error), Some(expected)) => return check_error(expected, error),
        (Err(error), None) => return Some(format!("expected success, got {error:?}")),
        (Ok(answer), None) => answer,
    };
    if let Some(want) = expect.get("result") {
        if answer.result != *want {
            return Some(format!("result: expected {want}, got {}", answer.result));
        }
    }
    if let Some(want) = expect.get("result_has") {
        if !has(&answer.result, want) {
            return Some(format!(
                "result: expected it to hold {want}, got {}",
                answer.result
            ));
        }
    }
    if let Some(count) = expect.get("result_count") {
        if answer.result.as_array().map(|a| a.len() as u64) != count.as_u64() {
            return Some(format!(
                "result: expected {count} items, got {}",
                answer.result
            ));
        }
    }
    for (field, got) in [("total", answer.total), ("next", answer.next)] {
        if let Some(want) = expect.get(field) {
            if want.as_u64() != got {
                return Some(format!("{field}: expected {want}, got {got:?}"));
            }
        }
    }
    None
}

async fn perform_call(client: &Client, case: &Value) -> Result<Option<String>, NotApplicable> {
    let call = &case["call"];
    let method = call["method"].as_str().unwrap();
    let outcome = if call["by_name"] == true {
        client
            .call_method(method, call["params"].clone())
            .await
            .map(Answer::from)
    } else {
        let params = call["params"].as_object().unwrap();
        self::call(client, method, params)
            .await?
            .map(|result| Answer {
                result,
                total: None,
                next: None,
            })
    };
    Ok(check_answer(&case["expect"], &outcome))
}

async fn perform_list(client: &Client, case: &Value) -> Option<String> {
    let (spec, expect) = (&case["list"], &case["expect"]);
    let method = spec["method"].as_str().unwrap();
    let (items, p) = if spec["typed"] == true {
        walk_typed(client, method, &spec["params"]).await
    } else {
        let list = if spec["by_id"] == true {
            ListCall::by_id(method, spec["params"].clone())
        } else {
            ListCall::counted(method, spec["params"].clone())
        };
        let mut pager = client.list(list);
        let mut items = Vec::new();
        let outcome = loop {
            match pager.next_page().await {
                Ok(Some(page)) => items.extend(page),
                Ok(None) => break Ok(items),
                Err(error) => break Err(error),
            }
        };
        (outcome, pager.progress())
    };
    let items = match (items, expect.get("error")) {
        (Ok(items), None) => items,
        (Ok(items), Some(_)) => {
            return Some(format!("expected an error, got {} items", items.len()))
        }
        (Err(error), Some(expected)) => return check_error(expected, &error),
        (Err(error), None) => return Some(format!("expected the whole list, got {error:?}")),
    };
    if Some(items.len() as u64) != expect["items"].as_u64() {
        return Some(format!(
            "expected {} items, got {}",
            expect["items"],
            items.len()
        ));
    }
    for (end, item) in [("first", items.first()), ("last", items.last())] {
        if let Some(want) = expect.get(end) {
            if !item.is_some_and(|item| has(item, want)) {
                return Some(format!(
                    "{end} item: expected it to hold {want}, got {item:?}"
                ));
            }
        }
    }
    let progress = json!({"items": p.items, "total": p.total, "requests": p.requests});
    if let Some(want) = expect.get("progress") {
        if progress != *want {
            return Some(format!("progress: expected {want}, got {progress}"));
        }
    }
    None
}

/// The parameters of `imopenlines.config.list.get` from the case's `PARAMS` and `OPTIONS`.
fn config_list_params(
    asked: Option<&Value>,
    options: Option<&Value>,
) -> b24kit::ImopenlinesConfigListGetParams {
    let mut p = b24kit::ImopenlinesConfigListGetParams::new();
    if let Some(asked) = asked {
        p = p.params(asked.clone());
    }
    if let Some(options) = options {
        p = p.options(options.clone());
    }
    p
}

/// A walk to the end through a list method's typed walk, its items serialized as JSON.
async fn walk_typed(
    client: &Client,
    method: &str,
    params: &Value,
) -> (Result<Vec<Value>, Error>, b24kit::Progress) {
    match method {
        "imopenlines.config.list.get" => {
            let p = config_list_params(params.get("PARAMS"), params.get("OPTIONS"));
            let mut walk = client.imopenlines_config_list_get_all(p);
            let mut items = Vec::new();
            let outcome =
                loop {
                    match walk.next_page().await {
                        Ok(Some(page)) => items.extend(page.into_iter().map(|item| {
                            serde_json::to_value(item).expect("a typed item serializes")
                        })),
                        Ok(None) => break Ok(items),
                        Err(error) => break Err(error),
                    }
                };
            (outcome, walk.progress())
        }
        other => panic!("no typed walk of {other} in this runner"),
    }
}

async fn perform_batch(client: &Client, case: &Value) -> Option<String> {
    let (spec, expect) = (&case["batch"], &case["expect"]);
    let calls = spec["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            NamedCall::new(
                c["name"].as_str().unwrap(),
                AnyCall::new(c["method"].as_str().unwrap(), c["params"].clone()),
            )
        })
        .collect();
    let outcomes = match client.batch_any(calls, spec["halt"] == true).await {
        Ok(outcomes) => outcomes,
        Err(error) if expect.get("error").is_some() => {
            return check_answer(expect, &Err(error));
        }
        Err(error) => return Some(format!("expected outcomes, got {error:?}")),
    };
    if expect.get("error").is_some() {
        return Some(format!(
            "expected the batch to be refused, got {} outcomes",
            outcomes.len()
        ));
    }
    let wanted = expect["outcomes"].as_array().unwrap();
    if wanted.len() != outcomes.len() {
        return Some(format!(
            "expected {} outcomes, got {}",
            wanted.len(),
            outcomes.len()
        ));
    }
    for (want, outcome) in wanted.iter().zip(outcomes) {
        if let Some(problem) = check_answer(want, &outcome.map(Answer::from)) {
            return Some(format!("{}: {problem}", want["name"]));
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
    let problem = if case.get("list").is_some() {
        perform_list(&client, case).await
    } else if case.get("batch").is_some() {
        perform_batch(&client, case).await
    } else {
        perform_call(&client, case).await?
    };
    if problem.is_some() {
        return Ok(problem);
    }
    let expect = &case["expect"];
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
