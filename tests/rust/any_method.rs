//! Any method by name, list paging and mixed batches, against the emulator: the same pacing,
//! retries, errors and secrets as a typed call.

use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{ImopenlinesSessionModeSilentError, Progress, ProtocolErrorKind};
use b24kit_emulator::Fault;
use b24kit_tests::{emulator, webhook_client};
use futures_util::StreamExt;
use serde_json::{json, Value};

fn quick(emu: &b24kit_emulator::Emulator) -> Client {
    Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(10)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_specced_method_by_name_behaves_as_its_typed_call() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let answer = client
        .call_method(
            "imopenlines.session.mode.silent",
            json!({"CHAT_ID": 2043, "ACTIVATE": "Y"}),
        )
        .await
        .unwrap();
    assert_eq!(answer.result, Value::Bool(true));
    assert!(emu.portal().chat(2043).unwrap().silent);
    assert!(answer.time.duration >= 0.0);
    // The method's documented code is its typed error, whatever the name's case.
    let err = client
        .call_method("IMOPENLINES.session.mode.silent", json!({"CHAT_ID": 2044}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method {
                error: MethodError::ImopenlinesSessionModeSilent(
                    ImopenlinesSessionModeSilentError::ChatType
                ),
                status: 400,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn parameters_as_json_text_call_as_values_do_with_a_webhook_and_a_token() {
    let emu = emulator();
    let oauth = Client::oauth(
        emu.oauth_endpoint(),
        b24kit_emulator::state::DEMO_ACCESS_TOKEN,
    )
    .rate_limit(None)
    .build()
    .unwrap();
    // The token travels in the body: it is put into the text, which must still be read right.
    for (client, activate) in [(webhook_client(&emu), "Y"), (oauth, "N")] {
        let text = format!(r#"{{"CHAT_ID":2043,"ACTIVATE":"{activate}"}}"#);
        let call = AnyCall::from_json_text("imopenlines.session.mode.silent", text);
        let answer = client.call_any(&call).await.unwrap();
        assert_eq!(answer.result, Value::Bool(true));
        assert_eq!(emu.portal().chat(2043).unwrap().silent, activate == "Y");
    }
    // Text that is not an object's JSON is refused before anything is sent.
    let before = emu.portal().stats().rest_requests;
    let client = webhook_client(&emu);
    for bad in ["[2043]", r#"{"CHAT_ID":"#] {
        let call = AnyCall::from_json_text("imopenlines.session.mode.silent", bad.to_string());
        let err = client.call_any(&call).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    parameter: "params",
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
    assert_eq!(emu.portal().stats().rest_requests, before);
}

#[tokio::test]
async fn any_other_method_keeps_its_codes_as_sent() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let contact = client
        .call_method("crm.contact.get", json!({"ID": 5}))
        .await
        .unwrap();
    assert_eq!(contact.result["ID"], "5");
    // The portal's CRM refuses with a blank code: kept as sent.
    let err = client
        .call_method("crm.contact.get", json!({"ID": 99_999_999}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownCode { code, status: 400, description } if code.is_empty() && description == "Not found"),
        "{err:?}"
    );
    let err = client
        .call_method("crm.nothing.here", Value::Null)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::System {
                error: SystemError::MethodNotFound,
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_names_and_parameters_send_nothing() {
    let emu = emulator();
    let client = webhook_client(&emu);
    for name in [
        "",
        "crm deal",
        "crm/../x",
        "crm.deal?x",
        "a#b",
        "a%2F",
        "a\u{1}b",
    ] {
        let err = client.call_method(name, Value::Null).await.unwrap_err();
        assert!(
            matches!(
                &err,
                Error::InvalidArgument {
                    parameter: "method",
                    ..
                }
            ),
            "{name:?}: {err:?}"
        );
        assert!(!err.may_have_reached_server());
    }
    let long = "a".repeat(201);
    assert!(client.call_method(&long, Value::Null).await.is_err());
    let err = client
        .call_method("crm.contact.get", json!([1, 2]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidArgument {
                parameter: "params",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(emu.portal().stats().rest_requests, 0);
}

#[tokio::test]
async fn results_read_into_the_callers_type() {
    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    struct Contact {
        id: String,
        name: String,
    }
    let emu = emulator();
    let client = webhook_client(&emu);
    let call = AnyCall::new("crm.contact.list", json!({"filter": {"@ID": [3, 4]}}));
    let answer = client.call_any_as::<Vec<Contact>>(&call).await.unwrap();
    assert_eq!(
        answer
            .result
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["3", "4"]
    );
    assert!(!answer.result[0].name.is_empty());
    assert_eq!((answer.total, answer.next), (Some(2), None));
    let err = client.call_any_as::<Vec<u64>>(&call).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Protocol {
                kind: ProtocolErrorKind::UnexpectedShape,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_method_without_a_spec_is_retried_only_when_nothing_ran_unless_told() {
    let emu = emulator();
    let client = quick(&emu);
    let call = AnyCall::new("crm.contact.get", json!({"ID": 1}));
    // A bare 500: the request may have run; not retried for a method no spec calls idempotent.
    emu.portal().inject(Fault::Empty { status: 500 }, 1);
    assert!(client.call_any(&call).await.is_err());
    assert_eq!(emu.portal().stats().rest_requests, 1);
    emu.portal().reset();
    emu.portal().inject(Fault::Empty { status: 500 }, 1);
    client
        .call_any(&call.clone().idempotent(true))
        .await
        .unwrap();
    assert_eq!(emu.portal().stats().rest_requests, 2);
    // QUERY_LIMIT_EXCEEDED: nothing ran, so any method is retried.
    emu.portal().reset();
    emu.portal().inject(
        Fault::Error {
            status: 503,
            code: "QUERY_LIMIT_EXCEEDED".into(),
            description: "Too many requests".into(),
        },
        1,
    );
    client.call_any(&call).await.unwrap();
    assert_eq!(emu.portal().stats().rest_requests, 2);
}

#[tokio::test]
async fn a_mixed_batch_runs_in_order_with_references() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let calls = vec![
        NamedCall::new(
            "page",
            AnyCall::new(
                "crm.contact.list",
                json!({"filter": {">ID": 100}, "order": {"ID": "ASC"}, "select": ["ID"]}),
            ),
        ),
        NamedCall::new(
            "first",
            AnyCall::new("crm.contact.get", json!({"ID": "$result[page][0][ID]"})),
        ),
        NamedCall::new(
            "silent",
            AnyCall::new(
                "imopenlines.session.mode.silent",
                json!({"CHAT_ID": 2044, "ACTIVATE": "Y"}),
            ),
        ),
        NamedCall::new("bad", AnyCall::new("not a name", Value::Null)),
    ];
    let outcomes = client.batch_any(calls, false).await.unwrap();
    assert_eq!(emu.portal().stats().rest_requests, 1);
    let page = outcomes[0].as_ref().unwrap();
    assert_eq!((page.total, page.next), (Some(9_900), Some(50)));
    assert_eq!(outcomes[1].as_ref().unwrap().result["ID"], "101");
    assert!(
        matches!(
            outcomes[2],
            Err(Error::Method {
                error: MethodError::ImopenlinesSessionModeSilent(
                    ImopenlinesSessionModeSilentError::ChatType
                ),
                ..
            })
        ),
        "{:?}",
        outcomes[2]
    );
    assert!(matches!(outcomes[3], Err(Error::InvalidArgument { .. })));

    // With halt, the calls after the first failure do not run.
    let calls = vec![
        NamedCall::new("a", AnyCall::new("crm.contact.get", json!({"ID": 0}))),
        NamedCall::new("b", AnyCall::new("crm.contact.get", json!({"ID": 1}))),
    ];
    let outcomes = client.batch_any(calls, true).await.unwrap();
    assert!(matches!(outcomes[0], Err(Error::UnknownCode { .. })));
    assert!(matches!(outcomes[1], Err(Error::Skipped)));
}

#[tokio::test]
async fn a_reference_never_crosses_requests() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let mut calls: Vec<NamedCall> = (0..120)
        .map(|i| {
            NamedCall::new(
                format!("c{i}"),
                AnyCall::new("crm.contact.get", json!({"ID": i + 1})),
            )
        })
        .collect();
    // Call 70 uses call 40: the first request is cut before 40, so 3 requests, not 3 of 50/50/20.
    calls[70] = NamedCall::new(
        "c70",
        AnyCall::new("crm.contact.get", json!({"ID": "$result[c40][ID]"})),
    );
    let outcomes = client.batch_any(calls, false).await.unwrap();
    assert_eq!(outcomes.len(), 120);
    assert_eq!(emu.portal().stats().rest_requests, 3);
    assert_eq!(outcomes[70].as_ref().unwrap().result["ID"], "41");
    assert!(outcomes.iter().all(Result::is_ok));

    let mut far: Vec<NamedCall> = (0..80)
        .map(|i| {
            NamedCall::new(
                format!("c{i}"),
                AnyCall::new("crm.contact.get", json!({"ID": 1})),
            )
        })
        .collect();
    far[75] = NamedCall::new(
        "c75",
        AnyCall::new("crm.contact.get", json!({"ID": "$result[c0][ID]"})),
    );
    let err = client.batch_any(far, false).await.unwrap_err();
    assert!(err.to_string().contains("cannot cross"), "{err}");
}

fn ids(items: &[Value]) -> Vec<u64> {
    items
        .iter()
        .map(|c| c["ID"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn a_counted_walk_fetches_the_rest_fifty_pages_a_request() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let mut pager = client.list(ListCall::counted(
        "crm.contact.list",
        json!({"select": ["ID"]}),
    ));
    let mut seen = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        seen.extend(ids(&page));
    }
    assert_eq!(seen, (1..=10_000).collect::<Vec<_>>());
    // One page, then 199 more in four batches of at most 50.
    assert_eq!(emu.portal().stats().rest_requests, 5);
    assert_eq!(
        pager.progress(),
        Progress {
            items: 10_000,
            total: Some(10_000),
            requests: 5
        }
    );
}

#[tokio::test]
async fn pages_already_fetched_are_handed_over_without_a_request() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let mut pager = client.list(ListCall::counted("crm.contact.list", json!({})));
    // Nothing is at hand before the first page, nor after it: the rest is not fetched yet.
    assert!(pager.next_ready_page().is_none());
    assert_eq!(pager.next_page().await.unwrap().unwrap().len(), 50);
    assert!(pager.next_ready_page().is_none());
    // The next page brings 49 more in the same batch request; they are at hand.
    pager.next_page().await.unwrap().unwrap();
    let mut ready = 0;
    while let Some(page) = pager.next_ready_page() {
        assert_eq!(page.len(), 50);
        ready += 1;
    }
    assert_eq!(ready, 49);
    assert_eq!(emu.portal().stats().rest_requests, 2);
    assert_eq!(pager.progress().items, 51 * 50);
    // A walk by ID has nothing ahead, ever.
    let mut by_id = client.list(ListCall::by_id("crm.contact.list", json!({})));
    by_id.next_page().await.unwrap().unwrap();
    assert!(by_id.next_ready_page().is_none());
}

/// Pages as JSON text (what the Node binding reads with `JSON.parse`) hold the same items in the
/// same pages, for the same requests and progress, as pages of values: by ID (the portal's text
/// handed on), counted (pages out of a `batch`, many per crossing), and for a result that holds
/// its list in an object.
#[tokio::test]
async fn pages_as_json_text_hold_what_pages_of_values_hold() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let params = json!({"filter": {"<=ID": 1234}});
    let walks = [
        (ListCall::by_id("crm.contact.list", params.clone()), 25),
        (ListCall::counted("crm.contact.list", params), 2),
    ];
    for (list, crossings) in walks {
        emu.portal().reset();
        let mut as_values = client.list(list.clone());
        let mut pages = Vec::new();
        while let Some(page) = as_values.next_page().await.unwrap() {
            pages.push(page);
        }
        let requests = emu.portal().stats().rest_requests;
        emu.portal().reset();
        let mut as_text = client.list(list);
        let (mut from_text, mut texts) = (Vec::new(), 0);
        while let Some(json) = as_text.next_pages_json().await.unwrap() {
            texts += 1;
            from_text.extend(serde_json::from_str::<Vec<Vec<Value>>>(&json).unwrap());
        }
        assert_eq!(pages.len(), 25);
        assert_eq!(from_text, pages);
        assert_eq!(texts, crossings, "{:?}", as_text.progress());
        assert_eq!(emu.portal().stats().rest_requests, requests);
        assert_eq!(as_text.progress(), as_values.progress());
    }

    // A result holding its list under a key: a full page; then a full page whose last item has
    // no ID to walk on by, which the walk refuses as an answer of the wrong shape.
    emu.portal().reset();
    let time = r#""time":{"start":1.0,"finish":1.1,"duration":0.1,"processing":0.1,"date_start":"2026-12-03T11:53:47+00:00","date_finish":"2026-12-03T11:53:47+00:00"}"#;
    let task = |id: u64| json!({"id": id, "title": format!("task {id}")});
    let page = |items: Vec<Value>| {
        let body = format!(r#"{{"result":{{"tasks":{}}},{time}}}"#, Value::from(items));
        Fault::Raw { status: 200, body }
    };
    let first: Vec<Value> = (1..=50).map(task).collect();
    let mut second: Vec<Value> = (51..=99).map(task).collect();
    second.push(json!({"title": "no id"}));
    emu.portal().inject(page(first.clone()), 1);
    emu.portal().inject(page(second), 1);
    let tasks = ListCall::with_options(
        "tasks.task.list",
        json!({}),
        true,
        Some("id".into()),
        Some("tasks".into()),
    );
    let mut as_text = client.list(tasks);
    let json = as_text.next_pages_json().await.unwrap().unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<Vec<Value>>>(&json).unwrap(),
        vec![first]
    );
    match as_text.next_pages_json().await {
        Err(Error::Protocol {
            kind: ProtocolErrorKind::UnexpectedShape,
            snippet,
            ..
        }) => assert!(snippet.contains(r#"no "id" to walk by"#), "{snippet}"),
        other => panic!("expected the shape error, got {other:?}"),
    }
    assert_eq!(emu.portal().stats().rest_requests, 2);
}

#[tokio::test]
async fn a_walk_by_id_never_counts_and_stops_when_asked() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let list = ListCall::by_id(
        "crm.contact.list",
        json!({"filter": {"TYPE_ID": "CLIENT"}, "order": {"NAME": "DESC"}, "select": ["ID", "TYPE_ID"]}),
    );
    let items: Vec<Value> = client
        .list(list.clone())
        .into_stream()
        .map(Result::unwrap)
        .collect()
        .await;
    let got = ids(&items);
    // Every third contact is a client; by ID ascending, each once.
    assert_eq!(got, (1..=10_000).filter(|i| i % 3 == 0).collect::<Vec<_>>());
    assert!(items.iter().all(|c| c["TYPE_ID"] == "CLIENT"));
    let requests = emu.portal().stats().rest_requests;
    assert_eq!(requests, 3_333 / 50 + 1, "one request per page of 50");
    let last = emu.portal().last_call().unwrap();
    assert_eq!(last.params["start"], json!(-1), "{:?}", last.params);

    // Taking 120 items asks for three pages, no more.
    emu.portal().reset();
    let first: Vec<Value> = client
        .list(list)
        .into_stream()
        .take(120)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(first.len(), 120);
    assert_eq!(emu.portal().stats().rest_requests, 3);
}

#[test]
fn the_blocking_pager_is_an_iterator() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .build_blocking()
        .unwrap();
    let pager = client.list(ListCall::by_id(
        "crm.contact.list",
        json!({"filter": {"<=ID": 130}}),
    ));
    let items: Vec<Value> = pager.map(Result::unwrap).collect();
    assert_eq!(ids(&items), (1..=130).collect::<Vec<_>>());
    let page = client
        .call_method("crm.contact.get", json!({"ID": 7}))
        .unwrap();
    assert_eq!(page.result["ID"], "7");
}
