//! What a client tells about itself: every event to the listener (and the `log` crate), and
//! counters for metrics — for a retry, a wait for the bucket, a token renewal, a batch split and
//! a list walk, against the emulator.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{
    Client, ClientBuilder, Event, ImopenlinesSessionModeSilentParams as Silent, ListCall,
    RateLimit, Refresh, RetryPolicy,
};
use b24kit_emulator::state::{
    DEMO_ACCESS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN,
};
use b24kit_emulator::Fault;
use b24kit_tests::emulator;
use serde_json::json;

/// The builder with a listener that keeps every event.
fn recorded(builder: ClientBuilder) -> (Client, Arc<Mutex<Vec<Event>>>) {
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = events.clone();
    let client = builder
        .on_event(move |event| sink.lock().unwrap().push(event.clone()))
        .build()
        .unwrap();
    (client, events)
}

fn kinds(events: &Mutex<Vec<Event>>) -> Vec<&'static str> {
    events.lock().unwrap().iter().map(Event::kind).collect()
}

#[tokio::test]
async fn a_retried_call_tells_each_attempt_and_why_it_retried() {
    let emu = emulator();
    let (client, events) = recorded(Client::webhook(emu.webhook_url()).rate_limit(None).retry(
        RetryPolicy::default().with_backoff(Duration::from_millis(20), Duration::from_millis(20)),
    ));
    emu.portal().inject(
        Fault::Error {
            status: 503,
            code: "QUERY_LIMIT_EXCEEDED".into(),
            description: "Too many requests".into(),
        },
        1,
    );
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    assert_eq!(
        kinds(&events),
        [
            "request_sent",
            "answered",
            "retry_scheduled",
            "request_sent",
            "answered"
        ]
    );
    let recorded = events.lock().unwrap().clone();
    match &recorded[2] {
        Event::RetryScheduled {
            method,
            attempt,
            reason,
            wait,
        } => {
            assert_eq!(method, "imopenlines.session.mode.silent");
            assert_eq!((*attempt, reason.as_str()), (1, "QUERY_LIMIT_EXCEEDED"));
            assert!(*wait <= Duration::from_millis(20), "{wait:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        recorded[1],
        Event::Answered {
            status: 503,
            attempt: 1,
            ..
        }
    ));
    assert!(matches!(
        recorded[4],
        Event::Answered {
            status: 200,
            attempt: 2,
            ..
        }
    ));
    let stats = client.stats();
    assert_eq!((stats.requests, stats.answers, stats.retries), (2, 2, 1));
    // Clones share the counters.
    assert_eq!(client.with_retry(RetryPolicy::never()).stats(), stats);
}

#[tokio::test]
async fn a_wait_for_the_bucket_is_told_before_it_starts() {
    let emu = emulator();
    let (client, events) = recorded(
        Client::webhook(emu.webhook_url()).rate_limit(Some(RateLimit::new(2.0, 10.0).unwrap())),
    );
    for _ in 0..2 {
        client
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
            .unwrap();
    }
    let waits: Vec<Duration> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::WaitingForBucket { wait } => Some(*wait),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 1, "{:?}", kinds(&events));
    assert!(waits[0] > Duration::ZERO && waits[0] <= Duration::from_millis(100));
    let stats = client.stats();
    assert_eq!((stats.bucket_waits, stats.requests), (1, 2));
    assert_eq!(stats.waited, waits[0]);
}

#[tokio::test]
async fn one_renewal_is_told_once_for_many_calls() {
    let emu = emulator();
    let (client, events) = recorded(
        Client::oauth(emu.oauth_endpoint(), DEMO_ACCESS_TOKEN)
            .rate_limit(None)
            .refresh(
                Refresh::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)
                    .oauth_server(emu.oauth_server_url()),
            ),
    );
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    emu.portal().expire_tokens();
    let calls = (0..10).map(|_| client.imopenlines_session_mode_silent(Silent::new(2043)));
    for outcome in futures_util::future::join_all(calls).await {
        outcome.unwrap();
    }
    assert_eq!(client.stats().token_renewals, 1);
    let told = kinds(&events)
        .into_iter()
        .filter(|k| *k == "token_renewed")
        .count();
    assert_eq!(told, 1);
    let printed = format!("{:?}", events.lock().unwrap());
    for secret in [DEMO_ACCESS_TOKEN, DEMO_REFRESH_TOKEN, DEMO_CLIENT_SECRET] {
        assert!(!printed.contains(secret), "an event shows a secret");
    }
}

#[tokio::test]
async fn a_split_batch_and_a_list_walk_tell_their_shape() {
    let emu = emulator();
    let (client, events) = recorded(Client::webhook(emu.webhook_url()).rate_limit(None));
    let calls: Vec<Silent> = (0..120).map(|_| Silent::new(2043)).collect();
    client.batch(calls, false).await;
    assert!(events.lock().unwrap().contains(&Event::BatchSplit {
        calls: 120,
        requests: 3
    }));

    events.lock().unwrap().clear();
    let mut pager = client.list(ListCall::counted(
        "crm.contact.list",
        json!({"select": ["ID"]}),
    ));
    for _ in 0..3 {
        pager.next_page().await.unwrap().unwrap();
    }
    let pages: Vec<Event> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.kind() == "page")
        .cloned()
        .collect();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages[2],
        Event::Page {
            method: "crm.contact.list".into(),
            items: 50,
            total: Some(10_000)
        }
    );
    assert_eq!(client.stats().pages, 3);
    assert_eq!(
        pages[2].to_string(),
        "crm.contact.list: page of 50 items (of 10000)"
    );
}
