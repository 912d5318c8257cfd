//! The time model: a bound on each attempt (`timeout`) and on the whole call (`deadline`,
//! finite by default), both set per client and per call; and what a dropped call gives back.
//! Waits are made long (a second or more) so that the bounds discriminate with both cores busy.

use std::time::{Duration, Instant};

use b24kit::prelude::*;
use b24kit::{
    Client, ConfigProblem, Error, ImopenlinesSessionModeSilentParams as Silent, OperatingBudget,
    RateLimit, RetryPolicy, TransportErrorKind, DEFAULT_DEADLINE, DEFAULT_TIMEOUT,
};
use b24kit_emulator::{Emulator, Fault, OperatingLimit};
use b24kit_tests::emulator;

/// One request at once, then one a second: the second call waits about a second for its slot.
fn one_per_second(emu: &Emulator) -> Client {
    Client::webhook(emu.webhook_url())
        .rate_limit(Some(RateLimit::new(2.0, 1.0).unwrap()))
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
}

fn is_unsent_timeout(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            may_have_reached_server: false,
            ..
        }
    )
}

/// A call with this deadline that fails as one refused before anything was sent.
async fn refused_within(client: &Client, deadline: Duration) -> Error {
    let err = client
        .with_deadline(deadline)
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert!(is_unsent_timeout(&err), "{err:?}");
    err
}

#[test]
fn both_bounds_are_finite_by_default_and_a_zero_deadline_is_refused() {
    let client = Client::webhook("https://p.bitrix24.com/rest/1/key/")
        .build()
        .unwrap();
    assert_eq!(client.timeout(), DEFAULT_TIMEOUT);
    assert_eq!(client.deadline(), DEFAULT_DEADLINE);
    assert!(DEFAULT_DEADLINE >= DEFAULT_TIMEOUT);
    let per_call = client.with_deadline(Duration::from_secs(3));
    assert_eq!(per_call.deadline(), Duration::from_secs(3));
    assert_eq!(
        client.deadline(),
        DEFAULT_DEADLINE,
        "the client keeps its own"
    );
    let zero = Client::webhook("https://p.bitrix24.com/rest/1/key/")
        .deadline(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(
        zero,
        Error::InvalidConfig(ConfigProblem::InvalidLimit { name: "deadline" })
    );
}

#[tokio::test]
async fn a_call_that_would_wait_past_its_deadline_fails_at_once_and_gives_its_slot_back() {
    let emu = emulator();
    let client = one_per_second(&emu);
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();

    let started = Instant::now();
    let err = refused_within(&client, Duration::from_millis(300)).await;
    assert!(err.to_string().contains("rate limiter"), "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "refused without waiting: {:?}",
        started.elapsed()
    );
    assert_eq!(emu.portal().stats().rest_requests, 1, "nothing was sent");

    // The refused call's slot was given back: the next call waits for the second slot, not a
    // third (about 1 s from the first call, not 2 s).
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(1_700),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_dropped_call_gives_its_limiter_slot_back_and_sends_nothing() {
    let emu = emulator();
    let client = one_per_second(&emu);
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    let started = Instant::now();
    // Dropping the future is how a Rust caller cancels (as `select!` or a timeout does).
    let abandoned = tokio::time::timeout(
        Duration::from_millis(200),
        client.imopenlines_session_mode_silent(Silent::new(2043)),
    )
    .await;
    assert!(
        abandoned.is_err(),
        "still waiting for its slot when dropped"
    );
    client
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(1_700),
        "the abandoned slot was reused: {:?}",
        started.elapsed()
    );
    assert_eq!(emu.portal().stats().rest_requests, 2);
}

#[tokio::test]
async fn the_deadline_covers_the_wait_for_the_execution_time_budget() {
    let emu = emulator();
    emu.portal().set_operating_limit(Some(OperatingLimit {
        limit_seconds: 0.3,
        window_seconds: 20.0,
        cost_seconds: 0.1,
    }));
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .operating_budget(Some(OperatingBudget::new(
            Duration::from_millis(300),
            Duration::from_millis(100),
        )))
        .build()
        .unwrap();
    // Spend the budget down to its headroom: the client then holds calls until the portal
    // releases some (20 s later).
    for _ in 0..2 {
        client
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
            .unwrap();
    }
    let sent = emu.portal().stats().rest_requests;
    let started = Instant::now();
    let err = refused_within(&client, Duration::from_secs(2)).await;
    assert!(err.to_string().contains("execution-time budget"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.portal().stats().rest_requests, sent, "nothing was sent");
}

#[tokio::test]
async fn a_per_call_timeout_bounds_one_attempt_of_a_patient_client() {
    let emu = emulator();
    let client = Client::webhook(emu.webhook_url())
        .rate_limit(None)
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    emu.portal().inject(Fault::Delay { ms: 5_000 }, 1);
    let started = Instant::now();
    let err = client
        .with_timeout(Duration::from_millis(300))
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
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
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(client.timeout(), Duration::from_secs(30));
}
