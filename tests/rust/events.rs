//! Event deliveries: every event the specs type, POSTed as a portal posts it (the page's example
//! as a form), reads into its typed variant with every value kept; forged, broken and untyped
//! bodies are typed errors or kept as sent; no printed form shows a token.
//!
//! The bodies are checked in under `tests/events/<Name>.form` (and as fuzz seeds) so the other
//! languages' tests read the same bytes; `UPDATE_SNAPSHOTS=1` rewrites them from the specs.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{read_event, AnyCall, IncomingEventError, PortalEvent};
use b24kit_emulator::events::{delivery_form, DeliveryAuth};
use b24kit_emulator::state::DEFAULT_APPLICATION_TOKEN;
use b24kit_tests::{emulator, repo_root, webhook_client};
use serde_json::{json, Value};

/// The application token of the fixtures; the fuzz seeds carry the fuzz target's.
const TOKEN: &str = "51856fefc120afa4b628cc82d3935cce";
const ACCESS: &str = "s6p6eclrvim6da22ft9ch94ekreb52lv";
const REFRESH: &str = "4s386p3q0tr8dy89xvmt96234v3dljg8";

fn form(code: &str, data: &Value, token: &str) -> String {
    let auth = DeliveryAuth {
        domain: "emulator.b24kit.test",
        member_id: "a223c6b3710f85df22e9377d6c4f7553",
        application_token: token,
        user_tokens: Some((ACCESS, REFRESH)),
    };
    delivery_form(code, data, &auth, 7, 1714649632)
}

fn events() -> Vec<b24kit_codegen::spec::model::EventSpec> {
    b24kit_codegen::spec::load(&repo_root())
        .expect("the specs load")
        .events
}

/// The typed data as JSON, through its `Serialize`.
fn data_json(event: &PortalEvent) -> Value {
    match event {
        PortalEvent::OnOpenLineMessageAdd(d) => serde_json::to_value(d),
        PortalEvent::OnOpenLineMessageDelete(d) => serde_json::to_value(d),
        PortalEvent::OnOpenLineMessageUpdate(d) => serde_json::to_value(d),
        PortalEvent::OnSessionFinish(d) => serde_json::to_value(d),
        PortalEvent::OnSessionStart(d) => serde_json::to_value(d),
        PortalEvent::Other { data, .. } => Ok(data.clone()),
        other => panic!("a new event variant: extend this test ({})", other.code()),
    }
    .unwrap()
}

/// A value as the form carries it: numbers as text, booleans as `Y`/`N` (as the pages write
/// flags), empty lists and objects gone.
fn as_sent(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(Value::String(if *b { "Y" } else { "N" }.into())),
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::String(_) => Some(value.clone()),
        Value::Array(items) => {
            let items: Vec<Value> = items.iter().filter_map(as_sent).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(fields) => {
            let fields: serde_json::Map<String, Value> = fields
                .iter()
                .filter_map(|(k, v)| as_sent(v).map(|v| (k.clone(), v)))
                .collect();
            (!fields.is_empty()).then_some(Value::Object(fields))
        }
    }
}

#[test]
fn the_fixtures_are_the_spec_examples_as_a_portal_posts_them() {
    let events = events();
    assert_eq!(events.len(), 5, "the five open-line events");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let dir = repo_root().join("tests/events");
    let seeds = repo_root().join("fuzz/seeds/response");
    let mut stale = Vec::new();
    for e in &events {
        let files = [
            (
                dir.join(format!("{}.form", e.name)),
                form(&e.code, &e.example, TOKEN),
            ),
            (
                seeds.join(format!("event-{}.form", e.name)),
                form(&e.code, &e.example, b24kit::fuzzing::DELIVERY_TOKEN),
            ),
        ];
        for (path, body) in files {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &body).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale (UPDATE_SNAPSHOTS=1 rewrites): {stale:?}"
    );
}

#[test]
fn every_typed_event_reads_its_example_and_keeps_every_value() {
    for e in events() {
        let body = form(&e.code, &e.example, TOKEN);
        let delivery =
            read_event(body.as_bytes(), TOKEN).unwrap_or_else(|err| panic!("{}: {err}", e.name));
        assert_eq!(delivery.event.code(), e.code);
        assert!(
            !matches!(delivery.event, PortalEvent::Other { .. }),
            "{} is typed",
            e.name
        );
        assert_eq!(
            as_sent(&data_json(&delivery.event)),
            as_sent(&e.example),
            "{}",
            e.name
        );
        assert_eq!(
            (delivery.event_id, delivery.sent_at),
            (Some(7), Some(1714649632))
        );
        assert_eq!(delivery.auth.domain, "emulator.b24kit.test");
        assert_eq!(delivery.auth.access_token.as_deref(), Some(ACCESS));
        assert_eq!(delivery.auth.refresh_token.as_deref(), Some(REFRESH));
        assert_eq!(delivery.auth.expires_in, Some(3600));
    }
}

#[test]
fn values_arrive_as_text_and_are_read_as_their_documented_types() {
    let body = std::fs::read(repo_root().join("tests/events/OnSessionStart.form")).unwrap();
    let PortalEvent::OnSessionStart(data) = read_event(&body, TOKEN).unwrap().event else {
        panic!("not OnSessionStart")
    };
    let item = &data.data[0];
    assert_eq!((item.session.id, item.session.closed), (42, false));
    assert_eq!(
        (item.connector.connector_id.as_str(), item.connector.line_id),
        ("livechat", 128)
    );
    assert_eq!((item.chat.id, item.user.id), (10585, 1984));

    let body = std::fs::read(repo_root().join("tests/events/OnOpenLineMessageAdd.form")).unwrap();
    let PortalEvent::OnOpenLineMessageAdd(data) = read_event(&body, TOKEN).unwrap().event else {
        panic!("not OnOpenLineMessageAdd")
    };
    let item = &data.data[0];
    assert_eq!(
        (item.message.id, item.message.text.as_str()),
        (80964, "hello")
    );
    assert!(!item.message.system);
    // The empty lists of the example do not survive a form; the fields say so.
    assert_eq!((&item.message.files, &item.r#ref), (&None, &None));
    assert_eq!(item.message_extra.extra_url, "");
}

#[test]
fn a_forged_or_foreign_delivery_is_refused_before_its_data_is_read() {
    let body = std::fs::read(repo_root().join("tests/events/OnSessionStart.form")).unwrap();
    for token in ["", "51856fefc120afa4b628cc82d3935ccf", "51856fef", "x"] {
        assert_eq!(
            read_event(&body, token),
            Err(IncomingEventError::TokenMismatch),
            "{token:?}"
        );
    }
    // A forged body with data a reader would refuse still fails on the token first.
    let forged = form("ONSESSIONSTART", &json!({"DATA": "x"}), "forged");
    assert_eq!(
        read_event(forged.as_bytes(), TOKEN),
        Err(IncomingEventError::TokenMismatch)
    );
    let without = String::from_utf8(body.clone())
        .unwrap()
        .replace("auth%5Bapplication_token%5D", "auth%5Bother%5D");
    assert_eq!(
        read_event(without.as_bytes(), TOKEN),
        Err(IncomingEventError::Missing {
            key: "auth[application_token]"
        })
    );
}

#[test]
fn data_not_as_documented_is_a_typed_error_naming_the_event() {
    let bad = json!({"DATA": [{"connector": {"connector_id": "livechat", "line_id": "first",
        "chat_id": 1, "user_id": 2}, "session": {"id": 1, "closed": "N", "parent_id": 0,
        "close_term": 60}, "chat": {"id": 1}, "user": {"id": 2}}]});
    let err = read_event(form("ONSESSIONSTART", &bad, TOKEN).as_bytes(), TOKEN).unwrap_err();
    let IncomingEventError::BadData { event, detail } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(event, "ONSESSIONSTART");
    assert!(detail.contains("integer"), "{detail}");
    for broken in [
        &b"event=ONSESSIONSTART&data[DATA]=%zz"[..],
        b"[x]=1",
        b"a=%ff",
    ] {
        assert!(
            matches!(
                read_event(broken, TOKEN),
                Err(IncomingEventError::Malformed { .. })
            ),
            "{}",
            String::from_utf8_lossy(broken)
        );
    }
}

#[test]
fn an_event_the_specs_do_not_type_is_kept_with_its_data_as_sent() {
    let data = json!({"FIELDS": {"ID": 7, "TAGS": ["a", "b"]}});
    let body = form("ONCRMDEALADD", &data, TOKEN);
    let delivery = read_event(body.as_bytes(), TOKEN).unwrap();
    assert_eq!(
        delivery.event,
        PortalEvent::Other {
            code: "ONCRMDEALADD".into(),
            data: json!({"FIELDS": {"ID": "7", "TAGS": ["a", "b"]}}),
        }
    );
}

#[test]
fn no_printed_form_shows_a_token() {
    let body = std::fs::read(repo_root().join("tests/events/OnSessionFinish.form")).unwrap();
    let delivery = read_event(&body, TOKEN).unwrap();
    let printed = format!("{delivery:?}");
    for secret in [TOKEN, ACCESS, REFRESH] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(printed.contains("emulator.b24kit.test"), "{printed}");
    let err = read_event(&body, "wrong").unwrap_err();
    for shown in [format!("{err}"), format!("{err:?}")] {
        assert!(
            !shown.contains(TOKEN) && !shown.contains("wrong"),
            "{shown}"
        );
    }
}

/// An event handler on loopback: its URL, and the bodies POSTed to it as they arrive (each
/// answered `200`).
fn handler() -> (String, mpsc::Receiver<Vec<u8>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/b24/events?app=1", listener.local_addr().unwrap());
    let (sender, bodies) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                line.clear();
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            if sender.send(body).is_err() {
                return;
            }
        }
    });
    (url, bodies)
}

fn next(bodies: &mpsc::Receiver<Vec<u8>>) -> b24kit::EventDelivery {
    let body = bodies
        .recv_timeout(Duration::from_secs(30))
        .expect("the emulator POSTs the event");
    read_event(&body, DEFAULT_APPLICATION_TOKEN).expect("a delivery the client reads")
}

#[tokio::test]
async fn the_emulator_posts_the_events_its_methods_raise_to_the_bound_handlers() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let (url, bodies) = handler();
    for event in ["OnSessionStart", "ONSESSIONFINISH", "onOpenLineMessageAdd"] {
        let bind = AnyCall::new("event.bind", json!({"event": event, "handler": url}));
        assert_eq!(client.call_any(&bind).await.unwrap().result, json!(true));
    }
    let bound = client
        .call_any(&AnyCall::new("event.get", json!({})))
        .await
        .unwrap();
    assert_eq!(
        bound.result.as_array().unwrap().len(),
        3,
        "{}",
        bound.result
    );

    client
        .imopenlines_session_start(ImopenlinesSessionStartParams::new(2043))
        .await
        .unwrap();
    client
        .imopenlines_operator_finish(ImopenlinesOperatorFinishParams::new(2043))
        .await
        .unwrap();
    client
        .imopenlines_crm_message_add(ImopenlinesCrmMessageAddParams::new(
            CrmEntityType::Lead,
            1205,
            2,
            2045,
            "Your order ships today.",
        ))
        .await
        .unwrap();

    let start = next(&bodies);
    let PortalEvent::OnSessionStart(data) = &start.event else {
        panic!("{start:?}")
    };
    let item = &data.data[0];
    assert_eq!((item.session.id, item.session.closed), (1743, false));
    assert_eq!(
        (item.chat.id, item.connector.connector_id.as_str()),
        (2043, "livechat")
    );
    assert_eq!((item.connector.line_id, item.connector.user_id), (1, 211));
    let finish = next(&bodies);
    let PortalEvent::OnSessionFinish(data) = &finish.event else {
        panic!("{finish:?}")
    };
    assert_eq!(
        (data.data[0].session.id, data.data[0].session.closed),
        (1743, true)
    );
    assert!(finish.event_id > start.event_id, "in the order raised");
    let message = next(&bodies);
    let PortalEvent::OnOpenLineMessageAdd(data) = &message.event else {
        panic!("{message:?}")
    };
    assert_eq!(data.data[0].message.text, "Your order ships today.");
    assert_eq!(
        (data.data[0].message.user_id, data.data[0].chat.id),
        (2, 2045)
    );
    assert_eq!(message.auth.domain, "emulator.b24kit.test");
    assert_eq!(
        message.auth.access_token, None,
        "no user tokens from the emulator"
    );

    // Unbound, the handler hears no more of it.
    let unbind = AnyCall::new(
        "event.unbind",
        json!({"event": "onsessionfinish", "handler": url}),
    );
    assert_eq!(
        client.call_any(&unbind).await.unwrap().result,
        json!({"count": 1})
    );
    client
        .imopenlines_operator_finish(ImopenlinesOperatorFinishParams::new(2043))
        .await
        .unwrap();
    assert!(bodies.recv_timeout(Duration::from_millis(500)).is_err());
    // The handler passes a body on as it answers; the emulator counts it once the answer is in.
    let stats = settled(&emu, |s| s.events_delivered >= 3).await;
    assert_eq!((stats.events_delivered, stats.events_undelivered), (3, 0));
}

/// The emulator's counts once `done` holds of them (a generous bound: deliveries are
/// asynchronous, and a busy machine may be slow to finish one).
async fn settled(
    emu: &b24kit_emulator::Emulator,
    done: impl Fn(&b24kit_emulator::Stats) -> bool,
) -> b24kit_emulator::Stats {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let stats = emu.portal().stats();
        if done(&stats) || std::time::Instant::now() > deadline {
            return stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn event_bind_refuses_an_unknown_event_and_a_handler_that_is_no_url() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let unknown = AnyCall::new(
        "event.bind",
        json!({"event": "ONNOTHING", "handler": "http://127.0.0.1:9/"}),
    );
    let err = client.call_any(&unknown).await.unwrap_err();
    assert_eq!(err.code(), Some("ERROR_EVENT_NOT_FOUND"), "{err}");
    let no_url = AnyCall::new(
        "event.bind",
        json!({"event": "ONSESSIONSTART", "handler": "ftp://x"}),
    );
    let err = client.call_any(&no_url).await.unwrap_err();
    assert_eq!(err.code(), Some("ERROR_ARGUMENT"), "{err}");
    // A handler nobody listens on: the call succeeds, the delivery counts as undelivered.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let bind = AnyCall::new(
        "event.bind",
        json!({"event": "ONSESSIONSTART", "handler": closed}),
    );
    client.call_any(&bind).await.unwrap();
    client
        .imopenlines_session_start(ImopenlinesSessionStartParams::new(2043))
        .await
        .unwrap();
    let stats = settled(&emu, |s| s.events_undelivered > 0).await;
    assert!(stats.events_undelivered > 0, "{stats:?}");
    assert_eq!(stats.events_delivered, 0);
}
