//! Staying inside the portal's limits, against the emulator with its limits scaled down: the
//! client-side leaky bucket, retries, the execution-time budget, OAuth refresh and batch.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use b24kit::prelude::*;
use b24kit::{
    Client, Error, ImopenlinesSessionModeSilentError, ImopenlinesSessionModeSilentParams as Silent,
    MethodError, OperatingBudget, RateLimit, RetryPolicy, SystemError, Tokens,
};
use b24kit_emulator::state::{
    Chat, DEMO_ACCESS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN,
};
use b24kit_emulator::{Emulator, Fault, OperatingLimit, PortalState};
use b24kit_tests::{emulator, emulator_with};

/// The scaled-down portal limit of these tests: a burst of 10, 50 requests per second.
fn scaled_limit() -> b24kit_emulator::RateLimit {
    b24kit_emulator::RateLimit {
        burst: 10.0,
        drain_per_second: 50.0,
    }
}

fn paced_client(emu: &Emulator) -> Client {
    Client::webhook(emu.webhook_url())
        .timeout(Duration::from_secs(10))
        .rate_limit(Some(RateLimit::new(10.0, 50.0).unwrap()))
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_calls_meet_no_limit_error_and_take_the_minimum_time() {
    let emu = emulator_with(PortalState::default(), Some(scaled_limit()));
    let client = paced_client(&emu);
    let limit = RateLimit::new(10.0, 50.0).unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..300)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .imopenlines_session_mode_silent(Silent::new(2043).activate(i % 2 == 0))
                    .await
            })
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            failures.push(e);
        }
    }
    let elapsed = started.elapsed();
    let minimum = limit.minimum_duration(300);
    println!(
        "300 calls, burst 10 at 50/s: {elapsed:?}, bucket minimum {minimum:?} ({:.1} calls/s against a theoretical {:.1})",
        300.0 / elapsed.as_secs_f64(),
        300.0 / minimum.as_secs_f64()
    );
    assert!(failures.is_empty(), "{failures:?}");
    let stats = emu.portal().stats();
    assert_eq!(stats.rate_limited, 0, "the portal never refused a request");
    assert_eq!(stats.rest_requests, 300);
    assert!(
        elapsed >= minimum,
        "faster than the bucket allows: {elapsed:?}"
    );
    assert!(
        elapsed.as_secs_f64() <= minimum.as_secs_f64() * 1.10,
        "{elapsed:?} is more than 10% over the minimum {minimum:?}"
    );
}

#[tokio::test]
async fn retryable_faults_are_retried_until_the_call_succeeds() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let portal = emu.portal();
    let faults = [
        Fault::Error {
            status: 503,
            code: "QUERY_LIMIT_EXCEEDED".into(),
            description: "Too many requests".into(),
        },
        Fault::Error {
            status: 500,
            code: "INTERNAL_SERVER_ERROR".into(),
            description: "Internal server error".into(),
        },
        Fault::Empty { status: 502 },
        Fault::Drop,
    ];
    for fault in faults {
        portal.reset();
        portal.inject(fault.clone(), 2);
        let answer = client
            .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
            .await;
        assert!(answer.is_ok(), "{fault:?}: {answer:?}");
        assert_eq!(
            portal.stats().rest_requests,
            3,
            "{fault:?}: two failures, then success"
        );
        assert!(portal.chat(2043).unwrap().silent);
    }
}

#[tokio::test]
async fn errors_that_retrying_cannot_fix_are_returned_at_once() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let portal = emu.portal();
    let err = client
        .imopenlines_session_mode_silent(Silent::new(2044))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CHAT_TYPE"));
    assert_eq!(portal.stats().rest_requests, 1);
    portal.reset();
    portal.inject(
        Fault::Error {
            status: 401,
            code: "INVALID_CREDENTIALS".into(),
            description: "Invalid request credentials".into(),
        },
        3,
    );
    let err = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::System {
                error: SystemError::InvalidCredentials,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(portal.stats().rest_requests, 1);
    // Retries run out: the last error is returned after max_attempts exchanges.
    portal.reset();
    portal.inject(Fault::Empty { status: 500 }, 10);
    let three = client.with_retry(
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
    );
    let err = three
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(portal.stats().rest_requests, 3);
}

#[tokio::test]
async fn the_deadline_bounds_all_attempts_together() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(100)
                .with_backoff(Duration::from_millis(50), Duration::from_millis(50)),
        )
        .deadline(Duration::from_secs(1))
        .build()
        .unwrap();
    emu.portal().inject(Fault::Empty { status: 503 }, 1000);
    let started = Instant::now();
    let err = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    // Whether the deadline falls between attempts or cuts one short, the call fails with what
    // the portal said, not with a timeout of its own making.
    assert_eq!(err.status(), Some(503), "{err:?}");
    // 100 attempts 25–50 ms apart would take 2.5 s at least.
    assert!(elapsed < Duration::from_millis(2_400), "{elapsed:?}");
    let requests = emu.portal().stats().rest_requests;
    assert!(
        (2..=45).contains(&requests),
        "{requests} attempts within a 1 s deadline at 25–50 ms apart"
    );

    // A hung server: the deadline cuts the first attempt itself short.
    emu.portal().clear_faults();
    emu.portal().inject(Fault::Delay { ms: 5_000 }, 1);
    let started = Instant::now();
    let err = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: b24kit::TransportErrorKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_renewed_once_for_fifty_concurrent_calls() {
    let emu = emulator();
    let seen: Arc<Mutex<Vec<Tokens>>> = Arc::default();
    let sink = seen.clone();
    let client = Client::oauth(emu.oauth_endpoint(), DEMO_ACCESS_TOKEN)
        .rate_limit(None)
        .refresh(
            Refresh::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)
                // Set before the server: the order of a refresh's parts does not matter.
                .on_tokens_refreshed(move |tokens| sink.lock().unwrap().push(tokens.clone()))
                .oauth_server(emu.oauth_server_url()),
        )
        .build()
        .unwrap();
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    assert!(emu.portal().expire_tokens() >= 1);
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .imopenlines_session_mode_silent(Silent::new(2043).activate(i % 2 == 0))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("every call succeeds after the renewal");
    }
    assert_eq!(emu.portal().stats().token_refreshes, 1);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "the callback saw one new pair");
    let state = emu.portal().state();
    let issued = state.tokens.last().unwrap();
    assert_eq!(seen[0].access_token, issued.access_token);
    assert_eq!(Some(&seen[0].refresh_token), issued.refresh_token.as_ref());
    assert_ne!(seen[0].access_token, DEMO_ACCESS_TOKEN);
    assert!(seen[0].expires.is_some());
}

#[tokio::test]
async fn a_refused_refresh_is_a_typed_error_without_secrets() {
    let emu = emulator();
    let client = Client::oauth(emu.oauth_endpoint(), DEMO_ACCESS_TOKEN)
        .rate_limit(None)
        .refresh(
            Refresh::new(DEMO_CLIENT_ID, "wrong-client-secret", DEMO_REFRESH_TOKEN)
                .oauth_server(emu.oauth_server_url()),
        )
        .build()
        .unwrap();
    emu.portal().expire_tokens();
    let err = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TokenRefresh { .. }), "{err:?}");
    assert_eq!(err.code(), Some("invalid_client"));
    let text = format!("{err} {err:?}");
    for secret in ["wrong-client-secret", DEMO_REFRESH_TOKEN, DEMO_ACCESS_TOKEN] {
        assert!(!text.contains(secret), "{text}");
    }
    // Without refresh settings an expiry is the portal's error, as before.
    let plain = b24kit_tests::oauth_client(&emu, DEMO_ACCESS_TOKEN);
    let err = plain
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::System {
                error: SystemError::ExpiredToken,
                ..
            }
        ),
        "{err:?}"
    );
}

/// An OAuth client with `access` that renews it with the emulator's demo application.
fn renewing(emu: &Emulator, access: &str) -> Client {
    Client::oauth(emu.oauth_endpoint(), access)
        .rate_limit(None)
        .refresh(
            Refresh::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)
                .oauth_server(emu.oauth_server_url()),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_token_the_portal_does_not_know_is_renewed_as_an_expired_one_is() {
    // As the official JS SDK does: `invalid_token` (revoked, or replaced by a renewal made
    // elsewhere) renews the pair once and repeats the call.
    let emu = emulator();
    let client = renewing(&emu, "revoked-access-token");
    let answer = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .expect("renewed and repeated");
    assert!(answer.result);
    assert_eq!(emu.portal().stats().token_refreshes, 1);
    assert_eq!(client.stats().token_renewals, 1);
}

#[tokio::test]
async fn the_oauth_servers_documented_refusals_are_typed_whatever_their_status() {
    // WRONG_CLIENT comes with HTTP 200 (the official Python SDK knows it so); PAYMENT_REQUIRED is
    // in the docs; invalid_grant (400) means the user must authorize again.
    let emu = emulator();
    for (status, code) in [
        (200, "WRONG_CLIENT"),
        (402, "PAYMENT_REQUIRED"),
        (400, "invalid_grant"),
    ] {
        let client = renewing(&emu, DEMO_ACCESS_TOKEN);
        emu.portal().reset();
        emu.portal().expire_tokens();
        emu.portal().inject(
            Fault::OauthError {
                status,
                code: code.into(),
                description: format!("refused: {code}"),
            },
            1,
        );
        let err = client
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
            .unwrap_err();
        match &err {
            Error::TokenRefresh {
                code: got,
                status: got_status,
                ..
            } => assert_eq!((got.as_str(), *got_status), (code, status)),
            other => panic!("{code}: {other:?}"),
        }
        assert!(!err.is_retryable(), "{code}");
        assert_eq!(emu.portal().stats().token_refreshes, 0, "{code}");
    }
}

/// 120 open-line chats, every tenth of them a group chat (not an open line).
fn many_chats() -> PortalState {
    let mut state = PortalState::default();
    let template = state.chat(2043).unwrap().clone();
    for id in 5000..5120 {
        state.chats.push(Chat {
            id,
            entity_type: if id % 10 == 7 {
                "CHAT".into()
            } else {
                "LINES".into()
            },
            ..template.clone()
        });
    }
    state
}

#[tokio::test]
async fn a_batch_of_120_takes_three_requests_and_answers_in_order() {
    let emu = emulator_with(many_chats(), None);
    let client = b24kit_tests::webhook_client(&emu);
    let calls: Vec<Silent> = (5000..5120)
        .map(|id| Silent::new(id).activate(true))
        .collect();
    let outcomes = client.batch(calls, false).await;
    assert_eq!(outcomes.len(), 120);
    let stats = emu.portal().stats();
    assert_eq!(stats.rest_requests, 3);
    assert_eq!(stats.per_method.get("batch"), Some(&3));
    for (id, outcome) in (5000..5120).zip(&outcomes) {
        let chat = emu.portal().chat(id).unwrap();
        if id % 10 == 7 {
            let err = outcome.as_ref().unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Method {
                        error: MethodError::ImopenlinesSessionModeSilent(
                            ImopenlinesSessionModeSilentError::ChatType
                        ),
                        ..
                    }
                ),
                "chat {id}: {err:?}"
            );
            assert!(!chat.silent);
        } else {
            let answer = outcome.as_ref().unwrap();
            assert!(answer.result, "chat {id}");
            assert!(answer.time.duration >= 0.0);
            assert!(chat.silent, "chat {id}");
        }
    }
    // Invalid input fails its own item before sending; the rest still go.
    emu.portal().reset();
    let outcomes = client
        .batch(vec![Silent::new(0), Silent::new(2043)], false)
        .await;
    assert!(matches!(outcomes[0], Err(Error::InvalidArgument { .. })));
    assert!(outcomes[1].is_ok());
    assert_eq!(emu.portal().stats().rest_requests, 1);
}

#[tokio::test]
async fn halt_stops_at_the_first_failure() {
    let emu = emulator_with(many_chats(), None);
    let client = b24kit_tests::webhook_client(&emu);
    // 5007 is a group chat: 5000..5006 run, 5007 fails, everything after it is skipped.
    let calls: Vec<Silent> = (5000..5060)
        .map(|id| Silent::new(id).activate(true))
        .collect();
    let outcomes = client.batch(calls, true).await;
    assert!(outcomes[..7].iter().all(Result::is_ok));
    assert!(matches!(
        outcomes[7],
        Err(Error::Method {
            error: MethodError::ImopenlinesSessionModeSilent(
                ImopenlinesSessionModeSilentError::ChatType
            ),
            ..
        })
    ));
    assert!(
        outcomes[8..]
            .iter()
            .all(|o| matches!(o, Err(Error::Skipped))),
        "{:?}",
        &outcomes[8..12]
    );
    assert!(!emu.portal().chat(5008).unwrap().silent);
    assert_eq!(
        emu.portal().stats().rest_requests,
        1,
        "the second chunk is never sent"
    );
}

#[tokio::test]
async fn the_execution_time_budget_is_respected_without_refusals() {
    let emu = emulator();
    emu.portal().set_operating_limit(Some(OperatingLimit {
        limit_seconds: 0.5,
        window_seconds: 2.0,
        cost_seconds: 0.1,
    }));
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .operating_budget(Some(OperatingBudget::new(
            Duration::from_millis(500),
            Duration::from_millis(100),
        )))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..12 {
        client
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
            .expect("no OPERATION_TIME_LIMIT reaches the caller");
    }
    let stats = emu.portal().stats();
    println!(
        "12 calls under a 0.5 s budget per 2 s: {:?}",
        started.elapsed()
    );
    assert_eq!(
        stats.operation_time_limited, 0,
        "the client waited before the limit"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it had to wait for a release"
    );

    // A client that ignores the budget is refused, and retries after the release.
    let counted = Arc::new(AtomicUsize::new(0));
    let blind = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .operating_budget(None)
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let mut refused = None;
    for _ in 0..10 {
        counted.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = blind
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
        {
            refused = Some(e);
            break;
        }
    }
    let err = refused.expect("the portal refuses once the budget is spent");
    assert!(
        matches!(
            err,
            Error::System {
                error: SystemError::OperationTimeLimit,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(429));
}
