//! The emulator behaves like a portal towards any HTTP client: JSON on every answer, real error
//! statuses, every URL form and encoding a portal accepts, the leaky bucket, and the control API.

use b24kit_emulator::{PortalState, RateLimit};
use b24kit_tests::{emulator, emulator_with};
use serde_json::{json, Value};

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Builder helpers for bodies, so the tests need no extra reqwest features.
trait Bodies {
    fn json(self, value: &Value) -> Self;
    fn form(self, pairs: &[(&str, &str)]) -> Self;
}

impl Bodies for reqwest::RequestBuilder {
    fn json(self, value: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(value.to_string())
    }
    fn form(self, pairs: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

async fn answer(resp: reqwest::Response) -> (u16, String, Value) {
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn every_url_form_and_encoding_a_portal_accepts() {
    let emu = emulator();
    let base = emu.base_url();
    let hook = emu.webhook_url();
    let c = http();
    let requests = vec![
        c.post(format!("{hook}imopenlines.session.mode.silent.json")).json(&json!({"CHAT_ID": 2043, "ACTIVATE": "Y"})),
        c.post(format!("{hook}imopenlines.session.mode.silent")).form(&[("CHAT_ID", "2043"), ("ACTIVATE", "Y")]),
        c.post(format!("{hook}imopenlines.session.mode.silent/")).form(&[("CHAT_ID", "2043"), ("ACTIVATE", "Y")]),
        c.get(format!("{hook}IMOPENLINES.SESSION.MODE.SILENT.json?CHAT_ID=2043&ACTIVATE=Y&bx24_request_id=abc")),
        c.get(format!("{base}rest/imopenlines.session.mode.silent?CHAT_ID=2043&ACTIVATE=Y&auth=emulator-access-token")),
        c.post(format!("{base}rest/imopenlines.session.mode.silent.json"))
            .json(&json!({"CHAT_ID": "2043", "ACTIVATE": "Y", "auth": "emulator-access-token"})),
        c.post(format!("{base}rest/imopenlines.session.mode.silent.json"))
            .bearer_auth("emulator-access-token")
            .form(&[("CHAT_ID", "2043"), ("ACTIVATE", "Y"), ("extra[a][b]", "1"), ("list[]", "x")]),
    ];
    for (i, request) in requests.into_iter().enumerate() {
        emu.portal()
            .with_state(|s| s.chat_mut(2043).unwrap().silent = false);
        let (status, content_type, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(status, 200, "request {i}: {body}");
        assert!(
            content_type.starts_with("application/json"),
            "request {i}: {content_type}"
        );
        assert_eq!(body["result"], json!(true), "request {i}");
        for field in [
            "start",
            "finish",
            "duration",
            "processing",
            "date_start",
            "date_finish",
            "operating_reset_at",
            "operating",
        ] {
            assert!(
                body["time"].get(field).is_some(),
                "request {i}: time.{field} missing in {body}"
            );
        }
        assert!(
            emu.portal().chat(2043).unwrap().silent,
            "request {i} switched the mode on"
        );
    }
    let last = emu.portal().last_call().unwrap();
    assert_eq!(
        last.params["extra"],
        json!({"a": {"b": "1"}}),
        "PHP-style nested keys"
    );
    assert_eq!(last.params["list"], json!({"0": "x"}));
}

#[tokio::test]
async fn only_the_exact_string_y_switches_the_mode_on() {
    let emu = emulator();
    let c = http();
    for (activate, expected) in [
        (json!("Y"), true),
        (json!(true), false),
        (json!("y"), false),
        (json!(1), false),
        (json!("Y"), true),
        (Value::Null, false),
    ] {
        let mut body = json!({"CHAT_ID": 2043});
        if !activate.is_null() {
            body["ACTIVATE"] = activate.clone();
        }
        let (status, _, _) = answer(
            c.post(format!(
                "{}imopenlines.session.mode.silent",
                emu.webhook_url()
            ))
            .json(&body)
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            emu.portal().chat(2043).unwrap().silent,
            expected,
            "ACTIVATE={activate}"
        );
    }
}

#[tokio::test]
async fn errors_carry_their_real_status_and_json() {
    let emu = emulator();
    let c = http();
    let base = emu.base_url();
    let hook = emu.webhook_url();
    let cases = [
        (
            format!("{hook}imopenlines.session.mode.silent?CHAT_ID=0"),
            400,
            "CHAT_ID",
        ),
        (
            format!("{hook}imopenlines.session.mode.silent?CHAT_ID=abc"),
            400,
            "CHAT_ID",
        ),
        (
            format!("{hook}imopenlines.session.mode.silent?CHAT_ID=2044"),
            400,
            "CHAT_TYPE",
        ),
        (
            format!("{base}rest/1/nope/imopenlines.session.mode.silent?CHAT_ID=2043"),
            401,
            "INVALID_CREDENTIALS",
        ),
        (
            format!("{base}rest/imopenlines.session.mode.silent?CHAT_ID=2043"),
            401,
            "NO_AUTH_FOUND",
        ),
        (
            format!("{hook}no.such.method"),
            404,
            "ERROR_METHOD_NOT_FOUND",
        ),
        (
            format!("{hook}imopenlines.session.mode.silent.xml?CHAT_ID=2043"),
            500,
            "INTERNAL_WRONG_TRANSPORT",
        ),
        (format!("{base}elsewhere"), 404, "NOT_FOUND"),
    ];
    for (url, want_status, want_code) in cases {
        let (status, content_type, body) = answer(c.get(&url).send().await.unwrap()).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (want_status, Some(want_code)),
            "{url}: {body}"
        );
        assert!(content_type.starts_with("application/json"));
        assert!(body["error_description"].is_string());
    }
}

#[tokio::test]
async fn the_leaky_bucket_refuses_a_client_that_sends_too_fast() {
    let emu = emulator_with(
        PortalState::default(),
        Some(RateLimit {
            burst: 5.0,
            drain_per_second: 1.0,
        }),
    );
    let c = http();
    let url = format!(
        "{}imopenlines.session.mode.silent?CHAT_ID=2043",
        emu.webhook_url()
    );
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let (status, _, body) = answer(c.get(&url).send().await.unwrap()).await;
        if status == 503 {
            assert_eq!(body["error"], "QUERY_LIMIT_EXCEEDED");
        }
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(emu.portal().stats().rate_limited, 3);
    // One second drains one request.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(answer(c.get(&url).send().await.unwrap()).await.0, 200);
}

#[tokio::test]
async fn the_control_api_reads_loads_and_resets_state() {
    let emu = emulator();
    let c = http();
    let control = format!("{}_emulator/", emu.base_url());
    let url = format!(
        "{}imopenlines.session.mode.silent?CHAT_ID=2043&ACTIVATE=Y",
        emu.webhook_url()
    );
    c.get(&url).send().await.unwrap();
    let (_, _, chat) = answer(c.get(format!("{control}chats/2043")).send().await.unwrap()).await;
    assert_eq!(chat["silent"], json!(true));

    let mut state = serde_json::to_value(PortalState::default()).unwrap();
    state["chats"] = json!([{"id": 7, "entity_type": "LINES", "members": [1]}]);
    let (status, _, _) = answer(
        c.put(format!("{control}state"))
            .json(&state)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(emu.portal().state().chats.len(), 1);
    let (status, _, body) = answer(
        c.put(format!("{control}state"))
            .json(&json!({"chats": 1}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    let (status, _, _) = answer(c.post(format!("{control}faults")).json(&json!({"kind": "error", "status": 500, "code": "INTERNAL_SERVER_ERROR", "count": 2})).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(answer(c.get(&url).send().await.unwrap()).await.0, 500);

    let (_, _, stats) = answer(c.get(format!("{control}stats")).send().await.unwrap()).await;
    assert_eq!(stats["rest_requests"], json!(2));

    c.post(format!("{control}reset")).send().await.unwrap();
    assert_eq!(emu.portal().state(), PortalState::default());
    assert_eq!(
        answer(c.get(&url).send().await.unwrap()).await.0,
        200,
        "reset clears queued faults"
    );

    let (_, _, limits) = answer(
        c.put(format!("{control}limits"))
            .json(&json!({"burst": 10, "drain_per_second": 50}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        limits,
        json!({"enabled": true, "burst": 10.0, "drain_per_second": 50.0})
    );
    let (_, _, limits) = answer(
        c.put(format!("{control}limits"))
            .json(&json!({"enabled": false}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(limits, json!({"enabled": false}));
}
