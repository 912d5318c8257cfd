//! The emulator behaves like a portal towards any HTTP client: JSON on every answer, real error
//! statuses, every URL form and encoding a portal accepts, the leaky bucket, and the control API.

use b24kit_emulator::{PortalState, RateLimit};
use b24kit_tests::{emulator, emulator_with};
use serde_json::{json, Value};

fn http() -> reqwest::Client {
    b24kit_tests::raw_http()
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

/// POSTs `pairs` as a URL-encoded form and reads the answer.
async fn post_form(
    c: &reqwest::Client,
    url: impl AsRef<str>,
    pairs: &[(&str, &str)],
) -> (u16, String, Value) {
    answer(c.post(url.as_ref()).form(pairs).send().await.unwrap()).await
}

/// POSTs `body` as JSON and reads the answer.
async fn post_json(
    c: &reqwest::Client,
    url: impl AsRef<str>,
    body: &Value,
) -> (u16, String, Value) {
    answer(c.post(url.as_ref()).json(body).send().await.unwrap()).await
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
async fn a_multipart_form_data_body_is_read_like_a_form() {
    let emu = emulator();
    let body = "--b24kit-part\r\n\
        Content-Disposition: form-data; name=\"CHAT_ID\"\r\n\r\n2043\r\n\
        --b24kit-part\r\n\
        Content-Disposition: form-data; name=\"ACTIVATE\"\r\n\r\nY\r\n\
        --b24kit-part\r\n\
        Content-Disposition: form-data; name=\"FIELDS[TITLE]\"\r\n\r\ntwo\r\nlines\r\n\
        --b24kit-part\r\n\
        Content-Disposition: form-data; name=\"FILE\"; filename=\"a.txt\"\r\n\r\nbytes\r\n\
        --b24kit-part--\r\n";
    let (status, _, answer_body) = answer(
        http()
            .post(format!(
                "{}imopenlines.session.mode.silent",
                emu.webhook_url()
            ))
            .header("content-type", "multipart/form-data; boundary=b24kit-part")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{answer_body}");
    assert!(emu.portal().chat(2043).unwrap().silent);
    let last = emu.portal().last_call().unwrap();
    assert_eq!(last.params["FIELDS"], json!({"TITLE": "two\r\nlines"}));
    assert!(
        last.params.get("FILE").is_none(),
        "a file is not a parameter"
    );
}

#[tokio::test]
async fn answers_carry_a_portals_headers_and_a_fault_adds_any_others() {
    let emu = emulator();
    let c = http();
    let silent = format!("{}imopenlines.session.mode.silent", emu.webhook_url());
    let call = || c.post(&silent).json(&json!({"CHAT_ID": 2043})).send();
    let plain = call().await.unwrap();
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(
        header(&plain, "access-control-allow-origin").as_deref(),
        Some("*")
    );
    assert_eq!(
        header(&plain, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let took: f64 = header(&plain, "x-bitrix-rest-time")
        .unwrap()
        .parse()
        .unwrap();
    assert!((0.0..5.0).contains(&took), "{took}");

    let control = format!("{}_emulator/faults", emu.base_url());
    let queue = |fault: Value| c.post(&control).json(&fault).send();
    let cloud = json!({"kind": "headers", "headers": {
        "X-Bitrix-Rest-Application": "local.emulator.app",
        "Set-Cookie": "PHPSESSID=abc; path=/; HttpOnly"}});
    assert_eq!(queue(cloud).await.unwrap().status(), 200);
    let decorated = call().await.unwrap();
    assert_eq!(decorated.status(), 200);
    assert_eq!(
        header(&decorated, "x-bitrix-rest-application").as_deref(),
        Some("local.emulator.app")
    );
    assert!(header(&decorated, "set-cookie").is_some());
    assert_eq!(answer(decorated).await.2["result"], json!(true));
    let next = call().await.unwrap();
    assert!(
        header(&next, "x-bitrix-rest-application").is_none(),
        "one answer only"
    );

    for bad in [json!({"Bad Name": "x"}), json!({"X-Ok": "line\r\nbreak"})] {
        let refused = queue(json!({"kind": "headers", "headers": bad}))
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "{bad}");
    }
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
        // The portal looks the method up before the credentials.
        (
            format!("{base}rest/1/nope/no.such.method"),
            404,
            "ERROR_METHOD_NOT_FOUND",
        ),
        (
            format!("{base}rest/no.such.method"),
            404,
            "ERROR_METHOD_NOT_FOUND",
        ),
        (
            format!("{hook}imopenlines.session.mode.silent.xml?CHAT_ID=2043"),
            500,
            "INTERNAL_WRONG_TRANSPORT",
        ),
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
    // What nginx answers itself, before the portal: an HTML page with the true status.
    let big = "x".repeat(2 * 1024 * 1024);
    for (request, status, title) in [
        (c.get(format!("{base}elsewhere")), 404, "404 Not Found"),
        (
            c.post(format!("{hook}imopenlines.session.mode.silent"))
                .form(&[("CHAT_ID", "2043"), ("PAD", &big)]),
            413,
            "413 Request Entity Too Large",
        ),
    ] {
        let resp = request.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status);
        assert_eq!(resp.headers()["content-type"], "text/html");
        let page = resp.text().await.unwrap();
        assert!(page.contains(&format!("<title>{title}</title>")), "{page}");
    }
}

#[tokio::test]
async fn the_token_is_read_from_the_bearer_header_first_as_the_portal_does() {
    let emu = emulator();
    let c = http();
    let url = format!("{}imopenlines.session.mode.silent", emu.oauth_endpoint());
    let token = b24kit_emulator::state::DEMO_ACCESS_TOKEN.to_string();
    // A good token in `auth` does not help when the header carries a wrong one.
    let (status, _, body) = answer(
        c.post(&url)
            .header("authorization", "Bearer not-a-token")
            .form(&[("CHAT_ID", "2043"), ("auth", &token)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "{body}"
    );
    // The header alone, and `auth` alone, are each enough.
    for request in [
        c.post(&url)
            .header("authorization", format!("Bearer {token}"))
            .form(&[("CHAT_ID", "2043")]),
        c.post(&url).form(&[("CHAT_ID", "2043"), ("auth", &token)]),
    ] {
        let (status, _, body) = answer(request.send().await.unwrap()).await;
        assert_eq!((status, &body["result"]), (200, &json!(true)), "{body}");
    }
    // An array is not a token.
    let (status, _, body) = post_form(&c, &url, &[("CHAT_ID", "2043"), ("auth[]", &token)]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("NO_AUTH_FOUND")),
        "{body}"
    );
}

#[tokio::test]
async fn dialog_get_shows_a_pin_and_takes_the_first_identifier_given_and_pin_reads_php_truthiness()
{
    let emu = emulator();
    let c = http();
    let hook = emu.webhook_url();
    let call =
        |method: &str, pairs: &[(&str, &str)]| c.post(format!("{hook}{method}")).form(pairs).send();
    // The first identifier given decides, as on the portal: a bad CHAT_ID is not skipped.
    for (pairs, want) in [
        (&[("DIALOG_ID", "chat2043")][..], Ok(2043)),
        (
            &[("CHAT_ID", "0"), ("DIALOG_ID", "chat2043")][..],
            Err("ACCESS_ERROR"),
        ),
        (
            &[("CHAT_ID", "junk"), ("DIALOG_ID", "chat2043")][..],
            Err("ACCESS_ERROR"),
        ),
        (
            &[("SESSION_ID", "0"), ("USER_CODE", "livechat|1|1|1")][..],
            Err("ACCESS_ERROR"),
        ),
        (&[][..], Err("ACCESS_ERROR")),
    ] {
        let (status, _, body) = answer(call("imopenlines.dialog.get", pairs).await.unwrap()).await;
        match want {
            Ok(id) => assert_eq!(
                (status, &body["result"]["id"]),
                (200, &json!(id)),
                "{pairs:?}: {body}"
            ),
            Err(code) => assert_eq!(
                (status, body["error"].as_str()),
                (400, Some(code)),
                "{pairs:?}: {body}"
            ),
        }
    }
    // pin tests the raw CHAT_ID as PHP does: "0" and "" are empty; "abc" and " " are not, and
    // fail the next check instead.
    for (value, code) in [
        ("0", "CHAT_ID_EMPTY"),
        ("", "CHAT_ID_EMPTY"),
        ("abc", "CHAT_ID"),
        (" ", "CHAT_ID"),
        ("0.0", "CHAT_ID"),
    ] {
        let (status, _, body) = answer(
            call("imopenlines.session.mode.pin", &[("CHAT_ID", value)])
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(code)),
            "{value:?}: {body}"
        );
    }
    // A pin shows in dialog.get as the portal shows it: PAUSE, the fourth field of
    // entity_data_1, with the session's id in the sixth.
    let session_fields = |body: &Value| -> Vec<String> {
        let data = body["result"]["entity_data_1"].as_str().unwrap();
        data.split('|').map(str::to_string).collect()
    };
    let dialog = || call("imopenlines.dialog.get", &[("CHAT_ID", "2043")]);
    let before = session_fields(&answer(dialog().await.unwrap()).await.2);
    assert_eq!((before.len(), before[3].as_str()), (10, "N"), "{before:?}");
    let session = emu.portal().chat(2043).unwrap().session_id;
    assert_eq!(before[5], session.to_string());
    call("imopenlines.session.mode.pin", &[("CHAT_ID", "2043")])
        .await
        .unwrap();
    let after = session_fields(&answer(dialog().await.unwrap()).await.2);
    assert_eq!(after[3], "Y", "{after:?}");
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

    let (status, _, _) = post_json(
        &c,
        format!("{control}faults"),
        &json!({"kind": "error", "status": 500, "code": "INTERNAL_SERVER_ERROR", "count": 2}),
    )
    .await;
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

/// Entry `index` of a PHP array that arrived as a JSON list (keys 0..n-1) or object.
fn php_entry(collection: &Value, index: usize) -> &Value {
    match collection {
        Value::Array(list) => list.get(index).unwrap_or(&Value::Null),
        other => &other[index.to_string()],
    }
}

#[tokio::test]
async fn batch_accepts_every_documented_cmd_and_halt_form() {
    let emu = emulator();
    let hook = emu.webhook_url();
    let c = http();
    let silent_on = "imopenlines.session.mode.silent?CHAT_ID=2043&ACTIVATE=Y";
    let not_open_line = "imopenlines.session.mode.silent?CHAT_ID=2044";

    // cmd as a JSON list: every collection a list, empty ones `[]`.
    let (status, _, body) = post_json(
        &c,
        format!("{hook}batch.json"),
        &json!({"halt": 0, "cmd": [silent_on, silent_on]}),
    )
    .await;
    assert_eq!(status, 200);
    let result = &body["result"];
    assert_eq!(result["result"], json!([true, true]));
    assert_eq!(result["result_error"], json!([]));
    assert_eq!(result["result_total"], json!([]));
    assert_eq!(result["result_next"], json!([]));
    let times = result["result_time"].as_array().unwrap();
    assert_eq!(times.len(), 2);
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
        assert!(times[0].get(field).is_some(), "result_time lacks {field}");
    }
    assert!(body["time"]["duration"].is_number());

    // cmd as a JSON object with named keys: objects, the failing key under result_error.
    let (_, _, body) = post_json(
        &c,
        format!("{hook}batch"),
        &json!({"cmd": {"on": silent_on, "group": not_open_line}}),
    )
    .await;
    assert_eq!(body["result"]["result"], json!({"on": true}));
    assert_eq!(
        body["result"]["result_error"]["group"]["error"],
        "CHAT_TYPE"
    );
    assert!(body["result"]["result_time"]["on"].is_object());

    // PHP-style form keys, with halt in each form, read as PHP's (bool) reads a text: only
    // "" and "0" are false, so even "false" stops after the failure.
    for (halt, stops) in [
        ("1", true),
        ("true", true),
        ("0", false),
        ("false", true),
        ("", false),
    ] {
        let mut pairs = vec![("cmd[0]", not_open_line), ("cmd[1]", silent_on)];
        if !halt.is_empty() {
            pairs.push(("halt", halt));
        }
        let (status, _, body) = answer(
            c.post(format!("{hook}batch"))
                .form(&pairs)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "halt={halt}");
        assert_eq!(
            php_entry(&body["result"]["result_error"], 0)["error"],
            "CHAT_TYPE",
            "halt={halt}: {body}"
        );
        let ran_second = !php_entry(&body["result"]["result"], 1).is_null();
        assert_eq!(ran_second, !stops, "halt={halt}: {body}");
    }
    // The form keys 0..n-1 with every command successful: lists, like a JSON list.
    let (_, _, body) = post_form(
        &c,
        format!("{hook}batch"),
        &[("cmd[0]", silent_on), ("cmd[1]", silent_on)],
    )
    .await;
    assert_eq!(body["result"]["result"], json!([true, true]));

    // More than 50 commands: the extra ones are refused one by one; nested batch is refused.
    let many: Vec<&str> = std::iter::repeat_n(silent_on, 52).collect();
    let (_, _, body) = post_json(&c, format!("{hook}batch"), &json!({"cmd": many})).await;
    assert_eq!(body["result"]["result"].as_array().unwrap().len(), 50);
    assert_eq!(
        body["result"]["result_error"]["50"]["error"],
        "ERROR_BATCH_LENGTH_EXCEEDED"
    );
    assert_eq!(
        body["result"]["result_error"]["51"]["error"],
        "ERROR_BATCH_LENGTH_EXCEEDED"
    );
    let (_, _, body) = post_json(
        &c,
        format!("{hook}batch"),
        &json!({"cmd": ["batch?cmd[0]=x"]}),
    )
    .await;
    assert_eq!(
        php_entry(&body["result"]["result_error"], 0)["error"],
        "ERROR_BATCH_METHOD_NOT_ALLOWED"
    );
    assert_eq!(emu.portal().stats().per_method.get("batch"), Some(&10));
}

#[tokio::test]
async fn a_scope_refusal_inside_a_batch_has_no_description() {
    let emu = emulator();
    let crm_only = emu.webhook_url_for(1, "emulatorcrmonly1");
    let c = http();
    let (status, _, single) = post_json(
        &c,
        format!("{crm_only}imopenlines.session.mode.silent"),
        &json!({"CHAT_ID": 2043}),
    )
    .await;
    assert_eq!(
        (status, single["error"].as_str()),
        (401, Some("insufficient_scope"))
    );
    assert_ne!(single["error_description"], "", "{single}");
    let (status, _, body) = post_json(
        &c,
        format!("{crm_only}batch"),
        &json!({"cmd": ["imopenlines.session.mode.silent?CHAT_ID=2043"]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        php_entry(&body["result"]["result_error"], 0),
        &json!({"error": "insufficient_scope", "error_description": ""}),
        "{body}"
    );
}

#[tokio::test]
async fn the_oauth_server_renews_a_token_once_by_get_or_form_post() {
    use b24kit_emulator::state::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN};
    let emu = emulator();
    let c = http();
    let server = emu.oauth_server_url();
    let query = |refresh: &str, secret: &str| {
        format!("{server}?grant_type=refresh_token&client_id={DEMO_CLIENT_ID}&client_secret={secret}&refresh_token={refresh}")
    };
    let (status, _, bad) = answer(
        c.get(query(DEMO_REFRESH_TOKEN, "nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, _, first) = answer(
        c.get(query(DEMO_REFRESH_TOKEN, DEMO_CLIENT_SECRET))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    // The documented answer (settings/oauth/auto-renewal.md), field for field: `domain` is the
    // answering server's, `server_endpoint` its REST address, `status` one of app.info's.
    let fields: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = fields.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "access_token",
            "client_endpoint",
            "domain",
            "expires",
            "expires_in",
            "member_id",
            "refresh_token",
            "scope",
            "server_endpoint",
            "status",
            "user_id"
        ]
    );
    let base = emu.base_url().trim_end_matches('/').to_string();
    assert_eq!(first["domain"], json!(base.split_once("://").unwrap().1));
    assert_eq!(
        first["server_endpoint"],
        json!(format!("{base}/oauth/rest/"))
    );
    assert!(["F", "D", "T", "P", "L", "S"].contains(&first["status"].as_str().unwrap()));
    let (status, _, reused) = answer(
        c.get(query(DEMO_REFRESH_TOKEN, DEMO_CLIENT_SECRET))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, reused["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let next = first["refresh_token"].as_str().unwrap();
    let (status, _, second) = post_form(
        &c,
        &server,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", DEMO_CLIENT_SECRET),
            ("refresh_token", next),
        ],
    )
    .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(emu.portal().stats().token_refreshes, 2);
    // The newest access token works; the first one is now expired.
    let base = emu.base_url();
    let call = |token: &str| {
        c.post(format!("{base}rest/imopenlines.session.mode.silent.json"))
            .json(&json!({"CHAT_ID": 2043, "auth": token}))
            .send()
    };
    let (status, _, _) = answer(
        call(second["access_token"].as_str().unwrap())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, old) =
        answer(call(first["access_token"].as_str().unwrap()).await.unwrap()).await;
    assert_eq!(
        (status, old["error"].as_str()),
        (401, Some("expired_token"))
    );
}

#[tokio::test]
async fn the_execution_time_budget_reports_operating_and_refuses_past_the_limit() {
    let emu = emulator();
    let c = http();
    let control = format!("{}_emulator/operating", emu.base_url());
    let (status, _, _) = answer(
        c.put(&control)
            .json(&json!({"limit_seconds": 1.0, "window_seconds": 60.0, "cost_seconds": 0.4}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let hook = emu.webhook_url();
    let mut operating = Vec::new();
    for _ in 0..3 {
        let (status, _, body) = answer(
            c.get(format!(
                "{hook}imopenlines.session.mode.silent?CHAT_ID=2043"
            ))
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        operating.push(body["time"]["operating"].as_f64().unwrap());
        let reset_at = body["time"]["operating_reset_at"].as_i64().unwrap();
        let start = body["time"]["start"].as_f64().unwrap();
        assert!(
            reset_at as f64 > start && reset_at as f64 <= start + 61.0,
            "{body}"
        );
    }
    assert!(
        operating[0] >= 0.4 && operating[1] >= 0.8 && operating[2] >= 1.2,
        "{operating:?}"
    );
    let (status, _, body) = answer(
        c.get(format!(
            "{hook}imopenlines.session.mode.silent?CHAT_ID=2043"
        ))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("OPERATION_TIME_LIMIT"))
    );
    // Another method of the same webhook still runs.
    let (status, _, _) = answer(
        c.get(format!("{hook}imopenlines.session.mode.pinAll"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_ne!(status, 429);
    assert_eq!(emu.portal().stats().operation_time_limited, 1);
}

#[tokio::test]
async fn dates_are_written_in_the_portals_time_zone() {
    use b24kit::prelude::*;
    let emu = emulator();
    emu.portal()
        .with_state(|state| state.utc_offset_minutes = 60);
    let client = b24kit_tests::webhook_client(&emu);
    let answer = client
        .imopenlines_session_mode_silent(b24kit::ImopenlinesSessionModeSilentParams::new(2043))
        .await
        .unwrap();
    let time = answer.time;
    assert!(time.date_start.ends_with("+01:00"), "{}", time.date_start);
    // The same instant as `start`: the wall clock is an hour ahead of UTC.
    let hour = |date: &str| date[11..13].parse::<i64>().unwrap();
    let utc_hour = (time.start.floor() as i64).rem_euclid(86_400) / 3600;
    assert_eq!(hour(&time.date_start), (utc_hour + 1) % 24);
}
