//! Every way a call can fail, against a real server: the method's documented errors, system
//! errors (from the emulator's own checks and injected, at every documented status), unknown
//! codes, and transport and protocol faults — each as the right variant with its data.

use std::time::{Duration, Instant};

use b24kit::prelude::*;
use b24kit::{
    Client, Error, ImopenlinesSessionModeSilentError as SilentError,
    ImopenlinesSessionModeSilentParams as Silent, MethodError, ProtocolErrorKind, RetryPolicy,
    SystemError, SystemErrorCategory, TransportErrorKind,
};
use b24kit_emulator::{Emulator, Fault, PortalState, RateLimit};
use b24kit_tests::{emulator, emulator_with, oauth_client, webhook_client};

async fn silent(client: &Client, chat_id: i64) -> Error {
    client
        .imopenlines_session_mode_silent(Silent::new(chat_id).activate(true))
        .await
        .expect_err("the call must fail")
}

fn error_body(status: u16, code: &str, description: &str) -> Fault {
    Fault::Error {
        status,
        code: code.to_string(),
        description: description.to_string(),
    }
}

async fn with_fault(fault: Fault) -> Error {
    let emu = emulator();
    emu.portal().inject(fault, 1);
    silent(&webhook_client(&emu), 2043).await
}

fn assert_method_error(err: &Error, expected: SilentError, description: &str) {
    match err {
        Error::Method {
            error: MethodError::ImopenlinesSessionModeSilent(e),
            status: 400,
            description: d,
        } => {
            assert_eq!(*e, expected);
            assert_eq!(d, description);
        }
        other => panic!("expected {expected:?}, got {other:?}"),
    }
    assert_eq!(err.code(), Some(expected.code()));
    assert_eq!(err.status(), Some(400));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn each_documented_method_error() {
    let emu = emulator();
    let client = webhook_client(&emu);
    assert_method_error(
        &silent(&client, 999_999).await,
        SilentError::ChatId,
        "Chat ID is invalid.",
    );
    assert_method_error(
        &silent(&client, 2044).await,
        SilentError::ChatType,
        "This chat is not Open Channel",
    );
    assert_method_error(
        &silent(&client, 2045).await,
        SilentError::AccessDenied,
        "You do not have permission to access this chat.",
    );
    let userless = oauth_client(&emu, "emulator-userless-token");
    assert_method_error(
        &silent(&userless, 2043).await,
        SilentError::UserId,
        "User ID is invalid.",
    );
    // None of these changed anything.
    assert!(emu.portal().state().chats.iter().all(|c| !c.silent));
    assert_eq!(SilentError::ALL.len(), 4);
}

fn assert_system(err: &Error, expected: SystemError, status: u16) {
    match err {
        Error::System {
            error, status: s, ..
        } => {
            assert_eq!((*error, *s), (expected, status), "{err}");
        }
        other => panic!("expected system error {expected:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn system_errors_from_the_portals_own_checks() {
    let emu = emulator();
    let wrong_key = Client::webhook(emu.webhook_url_for(1, "wrongkey"))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build()
        .unwrap();
    let err = silent(&wrong_key, 2043).await;
    assert_system(&err, SystemError::InvalidCredentials, 401);
    assert_eq!(err.code(), Some("INVALID_CREDENTIALS"));
    assert_eq!(err.description(), Some("Invalid request credentials"));

    let crm_only = Client::webhook(emu.webhook_url_for(1, "emulatorcrmonly1"))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build()
        .unwrap();
    assert_system(
        &silent(&crm_only, 2043).await,
        SystemError::InsufficientScope,
        401,
    );

    let expired = oauth_client(&emu, "emulator-expired-token");
    let err = silent(&expired, 2043).await;
    assert_system(&err, SystemError::ExpiredToken, 401);
    assert!(
        matches!(err, Error::System { error, .. } if error.category() == SystemErrorCategory::TokenExpired)
    );

    // A token the portal does not know: renewed like an expired one when the client can.
    let unknown = oauth_client(&emu, "no-such-token");
    let err = silent(&unknown, 2043).await;
    assert_system(&err, SystemError::InvalidToken, 401);
    assert_eq!(
        err.description(),
        Some("Unable to get application by token")
    );
}

#[tokio::test]
async fn the_request_intensity_limit_is_a_retryable_rate_limit_error() {
    let emu = emulator_with(
        PortalState::default(),
        Some(RateLimit {
            burst: 3.0,
            drain_per_second: 0.01,
        }),
    );
    let client = webhook_client(&emu);
    for _ in 0..3 {
        client
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
            .unwrap();
    }
    let err = silent(&client, 2043).await;
    assert_system(&err, SystemError::QueryLimitExceeded, 503);
    assert!(err.is_retryable());
    assert!(
        matches!(&err, Error::System { error, .. } if error.category() == SystemErrorCategory::RateLimit)
    );
    assert_eq!(emu.portal().stats().rate_limited, 1);
}

#[tokio::test]
async fn every_documented_system_error_at_every_documented_status() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let mut checked = 0;
    for &error in SystemError::ALL {
        for &(_, status) in error.documented_statuses() {
            if error.only_with_status().is_some_and(|own| own != status) {
                // An older revision's status for a code the newest docs give to methods.
                continue;
            }
            emu.portal().inject(
                error_body(status, error.code(), &format!("injected {}", error.code())),
                1,
            );
            let err = silent(&client, 2043).await;
            assert_system(&err, error, status);
            assert_eq!(
                err.description(),
                Some(format!("injected {}", error.code()).as_str())
            );
            assert_eq!(err.is_retryable(), error.is_retryable());
            checked += 1;
        }
    }
    // 18 codes over the documented revisions (some with two statuses).
    assert!(checked >= 25, "{checked}");
}

#[test]
fn categories_and_retry_advice_follow_the_docs() {
    use SystemErrorCategory as C;
    let expect = [
        ("QUERY_LIMIT_EXCEEDED", C::RateLimit, true),
        ("OPERATION_TIME_LIMIT", C::RateLimit, true),
        ("INTERNAL_SERVER_ERROR", C::Server, true),
        ("ERROR_UNEXPECTED_ANSWER", C::Server, true),
        ("NO_AUTH_FOUND", C::Auth, false),
        ("INVALID_CREDENTIALS", C::Auth, false),
        ("insufficient_scope", C::Auth, false),
        ("expired_token", C::TokenExpired, false),
        ("ACCESS_DENIED", C::Plan, false),
        ("OVERLOAD_LIMIT", C::PortalState, false),
        ("PORTAL_DELETED", C::PortalState, false),
        ("ERROR_BATCH_LENGTH_EXCEEDED", C::Batch, false),
        ("ERROR_METHOD_NOT_FOUND", C::NotFound, false),
    ];
    for (code, category, retryable) in expect {
        let e = SystemError::from_code(code).unwrap_or_else(|| panic!("{code} is in the table"));
        assert_eq!(
            (e.category(), e.is_retryable()),
            (category, retryable),
            "{code}"
        );
    }
    assert_eq!(SystemError::ALL.len(), 18);
    assert_eq!(
        SystemError::OverloadLimit.documented_statuses(),
        &[
            ("docs-2026-04", 503),
            ("docs-ru", 503),
            ("docs-newest", 401)
        ]
    );
}

#[tokio::test]
async fn access_denied_is_told_apart_by_status() {
    // The newest error table: ACCESS_DENIED with 401 is the plan's; with any other status it
    // comes from the method (403 "Application context required", say).
    let emu = emulator();
    let client = webhook_client(&emu);
    for (status, method) in [(400, true), (401, false), (403, true), (500, true)] {
        emu.portal()
            .inject(error_body(status, "ACCESS_DENIED", ""), 1);
        let err = silent(&client, 2043).await;
        assert_eq!(err.status(), Some(status));
        if method {
            assert!(
                matches!(
                    err,
                    Error::Method {
                        error: MethodError::ImopenlinesSessionModeSilent(SilentError::AccessDenied),
                        ..
                    }
                ),
                "{err:?}"
            );
        } else {
            assert_system(&err, SystemError::PlanAccessDenied, status);
            // An empty description falls back to the documented meaning.
            assert!(err.to_string().contains("plan"), "{err}");
        }
    }
    // A method that does not document the code keeps it as sent, unless it is the plan's 401.
    for (status, plan) in [(403, false), (401, true)] {
        emu.portal()
            .inject(error_body(status, "ACCESS_DENIED", ""), 1);
        let err = client
            .imopenlines_session_mode_pin_all(b24kit::ImopenlinesSessionModePinAllParams::new())
            .await
            .unwrap_err();
        if plan {
            assert_system(&err, SystemError::PlanAccessDenied, status);
        } else {
            assert!(
                matches!(&err, Error::UnknownCode { code, status: 403, .. } if code == "ACCESS_DENIED"),
                "{err:?}"
            );
        }
    }
}

#[tokio::test]
async fn codes_match_case_insensitively() {
    let emu = emulator();
    let client = webhook_client(&emu);
    for (code, status) in [
        ("query_limit_exceeded", 503),
        ("Chat_Type", 400),
        ("EXPIRED_TOKEN", 401),
    ] {
        emu.portal().inject(error_body(status, code, ""), 1);
        let err = silent(&client, 2043).await;
        assert!(err.code().unwrap().eq_ignore_ascii_case(code), "{err:?}");
        assert!(!matches!(err, Error::UnknownCode { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn unknown_and_empty_codes_are_kept() {
    let err = with_fault(error_body(400, "SOMETHING_NEW", "A new error")).await;
    assert_eq!(
        err,
        Error::UnknownCode {
            code: "SOMETHING_NEW".into(),
            status: 400,
            description: "A new error".into()
        }
    );
    let err = with_fault(Fault::Raw {
        status: 400,
        body: r#"{"error":"","error_description":"Not found"}"#.into(),
    })
    .await;
    assert_eq!(
        err,
        Error::UnknownCode {
            code: String::new(),
            status: 400,
            description: "Not found".into()
        }
    );
}

#[tokio::test]
async fn an_error_body_is_an_error_even_with_status_200_or_extra_fields() {
    let err = with_fault(Fault::Raw {
        status: 200,
        body: r#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#.into(),
    })
    .await;
    assert_system(&err, SystemError::QueryLimitExceeded, 200);
    let err = with_fault(Fault::Raw {
        status: 400,
        body: r#"{"error":"CHAT_ID","error_description":"x","argument":{"name":"CHAT_ID"},"result":null}"#.into(),
    })
    .await;
    assert_method_error(&err, SilentError::ChatId, "x");
}

#[tokio::test]
async fn an_html_error_page_is_an_http_error() {
    let err = with_fault(Fault::Html { status: 502 }).await;
    match &err {
        Error::Http {
            status: 502,
            snippet,
        } => assert!(snippet.contains("502 Bad Gateway"), "{snippet}"),
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(err.code(), None);
}

#[tokio::test]
async fn a_body_nginx_refuses_as_too_large_is_an_http_error() {
    let emu = emulator();
    let client = webhook_client(&emu);
    let padding = "x".repeat(2 * 1024 * 1024);
    let err = client
        .call_method(
            "imopenlines.session.mode.silent",
            serde_json::json!({"CHAT_ID": 2043, "PAD": padding}),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Http {
            status: 413,
            snippet,
        } => assert!(
            snippet.contains("413 Request Entity Too Large"),
            "{snippet}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        emu.portal().stats().rest_requests,
        0,
        "the portal never saw it"
    );
}

#[tokio::test]
async fn a_renamed_portal_is_a_typed_error_naming_the_new_address() {
    let emu = emulator();
    // Retries on, as by default: a move is not retried, and the redirect is not followed.
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(4)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    emu.portal().inject(
        Fault::Moved {
            to: "https://new-name.bitrix24.com".into(),
            status: 302,
        },
        1,
    );
    let err = silent(&client, 2043).await;
    match &err {
        Error::PortalMoved {
            status: 302,
            location,
        } => assert_eq!(location, "https://new-name.bitrix24.com/"),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.kind_name(), "portal_moved");
    assert!(!err.is_retryable());
    assert_eq!(emu.portal().stats().rest_requests, 1);
    let message = err.to_string();
    assert!(
        message.contains("https://new-name.bitrix24.com/") && message.contains("webhook URL"),
        "{message}"
    );
    // The Location header repeated the path with the key; only the origin is kept.
    let key = emu
        .webhook_url()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(!message.contains(&key) && !format!("{err:?}").contains(&key));

    // A redirect within the same portal is no move: an HTTP error, as before.
    emu.portal().inject(
        Fault::Moved {
            to: emu.base_url().trim_end_matches('/').to_string(),
            status: 301,
        },
        1,
    );
    assert!(matches!(
        silent(&client, 2043).await,
        Error::Http { status: 301, .. }
    ));
}

#[tokio::test]
async fn bodies_that_are_not_bitrix24_answers_are_protocol_errors() {
    let cases = [
        (Fault::Empty { status: 200 }, ProtocolErrorKind::EmptyBody),
        (Fault::InvalidJson { status: 200 }, ProtocolErrorKind::NotJson),
        (
            Fault::Raw {
                status: 200,
                body: r#"{"result":"yes","time":{"start":1,"finish":1,"duration":0,"processing":0,"date_start":"x","date_finish":"x"}}"#.into(),
            },
            ProtocolErrorKind::UnexpectedShape,
        ),
        (
            Fault::Raw {
                status: 200,
                body: r#"{"result":true}"#.into(),
            },
            ProtocolErrorKind::UnexpectedShape,
        ),
        (
            Fault::Raw {
                status: 200,
                body: "[1,2,3]".into(),
            },
            ProtocolErrorKind::UnexpectedShape,
        ),
    ];
    for (fault, kind) in cases {
        let err = with_fault(fault.clone()).await;
        assert!(
            matches!(&err, Error::Protocol { kind: k, status: 200, .. } if *k == kind),
            "{fault:?}: {err:?}"
        );
        assert!(!err.is_retryable());
    }
    // A non-success status with an empty or non-JSON body is an HTTP error, not a protocol one.
    let err = with_fault(Fault::Empty { status: 503 }).await;
    assert_eq!(
        err,
        Error::Http {
            status: 503,
            snippet: String::new()
        }
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_refused() {
    let emu = emulator();
    emu.portal().inject(
        Fault::Raw {
            status: 200,
            body: format!(r#"{{"result":"{}"}}"#, "x".repeat(64 * 1024)),
        },
        1,
    );
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .max_response_bytes(16 * 1024)
        .build()
        .unwrap();
    let err = silent(&client, 2043).await;
    assert!(
        matches!(
            err,
            Error::Protocol {
                kind: ProtocolErrorKind::TooLarge,
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_may_have_reached_the_server() {
    let err = with_fault(Fault::Drop).await;
    match &err {
        Error::Transport {
            kind: TransportErrorKind::ConnectionLost,
            may_have_reached_server: true,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_bound() {
    let emu = emulator();
    emu.portal().inject(Fault::Delay { ms: 30_000 }, 1);
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = silent(&client, 2043).await;
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                may_have_reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_listener_that_never_sends_headers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent_server = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    let client = Client::webhook(format!("http://127.0.0.1:{port}/rest/1/key/"))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = silent(&client, 2043).await;
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    silent_server.abort();
}

#[tokio::test]
async fn a_refused_connection_was_never_sent() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::webhook(format!("http://127.0.0.1:{port}/rest/1/key/"))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build()
        .unwrap();
    let err = silent(&client, 2043).await;
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                may_have_reached_server: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn faults_apply_to_the_next_calls_only() {
    let emu: Emulator = emulator();
    let client = webhook_client(&emu);
    emu.portal().inject(Fault::Html { status: 500 }, 2);
    assert!(matches!(
        silent(&client, 2043).await,
        Error::Http { status: 500, .. }
    ));
    assert!(matches!(
        silent(&client, 2043).await,
        Error::Http { status: 500, .. }
    ));
    assert!(client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .is_ok());
}
