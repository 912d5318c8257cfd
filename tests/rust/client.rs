//! The core client against the emulator: the call works through every entry point, changes the
//! portal for real, sends exactly the documented wire form, and rejects bad input and settings
//! before anything is sent.

use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{
    ArgumentProblem, Client, ConfigProblem, Error, ImopenlinesSessionModeSilentParams as Silent,
    TransportErrorKind,
};
use b24kit_emulator::{Emulator, EmulatorConfig, Fault};
use b24kit_tests::{emulator, oauth_client, webhook_client};
use serde_json::json;

#[tokio::test]
async fn activate_then_deactivate_changes_the_silent_flag() {
    let emu = emulator();
    let client = webhook_client(&emu);
    assert!(!emu.portal().chat(2043).unwrap().silent);

    let on = client
        .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
        .await
        .unwrap();
    assert!(on.result);
    assert!(emu.portal().chat(2043).unwrap().silent);

    let off = client
        .imopenlines_session_mode_silent(Silent::new(2043).activate(false))
        .await
        .unwrap();
    assert!(off.result);
    assert!(!emu.portal().chat(2043).unwrap().silent);
}

#[tokio::test]
async fn repeating_a_mode_is_harmless() {
    let emu = emulator();
    let client = webhook_client(&emu);
    for _ in 0..3 {
        client
            .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
            .await
            .unwrap();
    }
    let chat = emu.portal().chat(2043).unwrap();
    assert!(chat.silent);
    assert_eq!(
        chat.system_messages,
        vec!["IMOL_CHAT_STEALTH_ON"],
        "the chat is told once"
    );
}

#[tokio::test]
async fn the_default_is_off_and_is_sent_explicitly() {
    let emu = emulator();
    let client = webhook_client(&emu);
    emu.portal()
        .with_state(|s| s.chat_mut(2043).unwrap().silent = true);
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    assert!(!emu.portal().chat(2043).unwrap().silent);
    let sent = emu.portal().last_call().unwrap();
    assert_eq!(sent.method, "imopenlines.session.mode.silent");
    assert_eq!(sent.params.get("CHAT_ID"), Some(&json!(2043)));
    assert_eq!(
        sent.params.get("ACTIVATE"),
        Some(&json!("N")),
        "never rely on the server's default"
    );

    client
        .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
        .await
        .unwrap();
    assert_eq!(
        emu.portal().last_call().unwrap().params.get("ACTIVATE"),
        Some(&json!("Y"))
    );
}

#[tokio::test]
async fn oauth_sends_the_token_as_auth() {
    let emu = emulator();
    let client = oauth_client(&emu, "emulator-access-token");
    let r = client
        .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
        .await
        .unwrap();
    assert!(r.result);
    assert!(emu.portal().chat(2043).unwrap().silent);
    assert_eq!(
        emu.portal().last_call().unwrap().params.get("auth"),
        Some(&json!("***"))
    );
}

#[tokio::test]
async fn a_user_whose_line_lets_them_join_may_switch() {
    let emu = emulator();
    let client = webhook_client(&emu);
    client
        .imopenlines_session_mode_silent(Silent::new(2046).activate(true))
        .await
        .unwrap();
    assert!(emu.portal().chat(2046).unwrap().silent);
}

#[tokio::test]
async fn the_generic_call_is_the_same_call() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let r = client.call(Silent::new(2043).activate(true)).await.unwrap();
    assert!(r.result);
    assert!(emu.portal().chat(2043).unwrap().silent);
}

#[tokio::test]
async fn the_time_object_has_all_eight_fields() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let t = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap()
        .time;
    assert!(t.start >= before.floor() && t.finish >= t.start, "{t:?}");
    assert!((t.duration - (t.finish - t.start)).abs() < 1e-6);
    assert!(t.processing >= 0.0 && t.processing <= t.duration + 1e-6);
    assert_eq!(t.date_start.len(), "2026-03-16T19:36:06+01:00".len());
    assert!(t.date_finish.starts_with(&t.date_start[..10]));
    assert_eq!(t.operating, Some(0.0));
    assert_eq!(t.operating_reset_at, Some((t.start as i64 + 600) as f64));
}

#[tokio::test]
async fn the_docs_example_answer_parses_with_integer_numbers() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let docs_example = r#"{"result": true, "time": {"start": 1773678966, "finish": 1773678966.767325,
        "duration": 0.7673249244689941, "processing": 0, "date_start": "2026-03-16T19:36:06+01:00",
        "date_finish": "2026-03-16T19:36:06+01:00", "operating_reset_at": 1773679566, "operating": 0}}"#;
    emu.portal().inject(
        Fault::Raw {
            status: 200,
            body: docs_example.into(),
        },
        1,
    );
    let r = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    assert!(r.result);
    assert_eq!(r.time.start, 1773678966.0);
    assert_eq!(r.time.processing, 0.0);
    assert_eq!(r.time.operating_reset_at, Some(1773679566.0));
    assert_eq!(r.time.date_start, "2026-03-16T19:36:06+01:00");
}

#[tokio::test]
async fn operating_fields_are_optional() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let on_premise = r#"{"result": true, "time": {"start": 1.5, "finish": 2, "duration": 0.5, "processing": 0.1,
        "date_start": "2026-03-16T19:36:06+01:00", "date_finish": "2026-03-16T19:36:06+01:00"}}"#;
    emu.portal().inject(
        Fault::Raw {
            status: 200,
            body: on_premise.into(),
        },
        1,
    );
    let t = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap()
        .time;
    assert_eq!((t.operating, t.operating_reset_at), (None, None));
}

#[test]
fn the_blocking_client_switches_the_mode() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build_blocking()
        .unwrap();
    assert!(
        client
            .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
            .unwrap()
            .result
    );
    assert!(emu.portal().chat(2043).unwrap().silent);
    assert!(
        client
            .imopenlines_session_mode_silent(Silent::new(2043).activate(false))
            .unwrap()
            .result
    );
    assert!(!emu.portal().chat(2043).unwrap().silent);
}

#[test]
fn blocking_clients_work_from_many_threads() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build_blocking()
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    client
                        .imopenlines_session_mode_silent(Silent::new(2043).activate(i % 2 == 0))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(emu.portal().stats().rest_requests, 80);
}

#[tokio::test]
async fn blocking_inside_an_async_runtime_is_refused_not_a_deadlock() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build_blocking()
        .unwrap();
    let err = client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .unwrap_err();
    assert_eq!(err, Error::BlockingInAsyncContext);
    assert!(!err.may_have_reached_server());
    assert_eq!(emu.portal().stats().rest_requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_on_one_client() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let calls = (0..200).map(|i| {
        let client = client.clone();
        async move {
            client
                .imopenlines_session_mode_silent(Silent::new(2043).activate(i % 2 == 0))
                .await
        }
    });
    let results = futures_join_all(calls).await;
    assert!(results.iter().all(|r| r.as_ref().is_ok_and(|r| r.result)));
    assert_eq!(emu.portal().stats().rest_requests, 200);
}

/// Runs futures concurrently on the current task (no extra dependency for `join_all`).
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn out_of_range_chat_ids_are_refused_before_sending() {
    let emu = emulator();
    let client = webhook_client(&emu);
    for chat_id in [0, -5, i64::MIN] {
        let err = client
            .imopenlines_session_mode_silent(Silent::new(chat_id).activate(true))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            Error::InvalidArgument {
                parameter: "CHAT_ID",
                problem: ArgumentProblem::BelowMinimum {
                    minimum: 1,
                    actual: chat_id
                }
            }
        );
        assert!(
            err.to_string().contains("CHAT_ID must be at least 1"),
            "{err}"
        );
        assert!(!err.may_have_reached_server() && !err.is_retryable());
    }
    assert_eq!(emu.portal().stats().rest_requests, 0, "nothing was sent");
}

#[test]
fn bad_settings_are_refused_before_sending() {
    let problem = |r: Result<Client, Error>| match r {
        Err(Error::InvalidConfig(p)) => p,
        other => panic!("expected a config problem, got {other:?}"),
    };
    assert!(matches!(
        problem(
            Client::webhook("http://portal.example.com/rest/1/key/")
                .rate_limit(None)
                .retry(b24kit::RetryPolicy::never())
                .build()
        ),
        ConfigProblem::InsecureUrl { .. }
    ));
    assert!(matches!(
        problem(
            Client::webhook("https://portal.example.com/rest/key/")
                .rate_limit(None)
                .retry(b24kit::RetryPolicy::never())
                .build()
        ),
        ConfigProblem::NotAWebhookUrl { .. }
    ));
    assert!(matches!(
        problem(
            Client::webhook("https://p.example.com/rest/1/key/")
                .rate_limit(None)
                .retry(b24kit::RetryPolicy::never())
                .timeout(Duration::ZERO)
                .build()
        ),
        ConfigProblem::InvalidLimit { name: "timeout" }
    ));
    assert!(matches!(
        problem(
            Client::webhook("https://p.example.com/rest/1/key/")
                .rate_limit(None)
                .retry(b24kit::RetryPolicy::never())
                .add_root_certificate_pem("not a pem")
                .build()
        ),
        ConfigProblem::InvalidCertificate { .. }
    ));
    assert!(matches!(
        problem(
            Client::oauth("https://p.example.com/rest/", "")
                .rate_limit(None)
                .retry(b24kit::RetryPolicy::never())
                .build()
        ),
        ConfigProblem::EmptyCredential { .. }
    ));
}

#[tokio::test]
async fn tls_works_with_the_emulator_certificate_and_fails_without_it() {
    let emu = Emulator::start(EmulatorConfig {
        tls: true,
        rate_limit: None,
        ..EmulatorConfig::default()
    })
    .unwrap();
    assert!(emu.webhook_url().starts_with("https://127.0.0.1:"));
    let pem = emu.tls_certificate_pem().unwrap().to_string();
    let trusted = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    assert!(
        trusted
            .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
            .await
            .unwrap()
            .result
    );
    assert!(emu.portal().chat(2043).unwrap().silent);

    let untrusted = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    match untrusted
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err()
    {
        Error::Transport {
            kind: TransportErrorKind::Tls,
            may_have_reached_server: false,
            detail,
        } => assert!(detail.to_lowercase().contains("certificate"), "{detail}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_portal_that_requires_https_refuses_a_webhook_over_http() {
    // Off by default (tests run over plain HTTP); on, as on a portal: INVALID_REQUEST.
    for tls in [false, true] {
        let emu = Emulator::start(EmulatorConfig {
            tls,
            require_https: true,
            rate_limit: None,
            ..EmulatorConfig::default()
        })
        .unwrap();
        let mut builder = Client::webhook(emu.webhook_url())
            .rate_limit(None)
            .retry(b24kit::RetryPolicy::never());
        if let Some(pem) = emu.tls_certificate_pem() {
            builder = builder.add_root_certificate_pem(pem.to_string());
        }
        let outcome = builder
            .build()
            .unwrap()
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await;
        if tls {
            assert!(outcome.unwrap().result);
        } else {
            let err = outcome.unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::System {
                        error: b24kit::SystemError::InvalidRequest,
                        status: 401,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_idle_connection_closed_by_the_portal_is_replaced() {
    let emu = Emulator::start(EmulatorConfig {
        rate_limit: None,
        idle_timeout: Some(Duration::from_millis(150)),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = webhook_client(&emu);
    for _ in 0..3 {
        client
            .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert_eq!(emu.portal().stats().rest_requests, 3);
}
