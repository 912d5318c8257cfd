//! Limits shared between clients through a real Redis server: clients built apart (as separate
//! processes build theirs) pace themselves together against the emulator limited to a burst of
//! 10 at 50 requests per second; a store that is down, slow or unreachable never loses a call.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use b24kit::prelude::*;
use b24kit::{
    Client, ConfigProblem, Error, Event, IfUnreachable,
    ImopenlinesSessionModeSilentParams as Silent, OperatingBudget, RateLimit, Refresh, RetryPolicy,
    SharedLimits,
};
use b24kit_emulator::state::{
    DEMO_ACCESS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN,
};
use b24kit_emulator::{Emulator, OperatingLimit, PortalState};
use b24kit_tests::redis::RedisServer;
use b24kit_tests::{emulator, emulator_with};

const CLIENTS: usize = 4;
const CALLS: usize = 300;

fn limited_emulator() -> Emulator {
    emulator_with(
        PortalState::default(),
        Some(b24kit_emulator::RateLimit {
            burst: 10.0,
            drain_per_second: 50.0,
        }),
    )
}

fn limit() -> RateLimit {
    RateLimit::new(10.0, 50.0).unwrap()
}

/// A client as one process of a fleet would build it: its own bucket, paced at the portal's
/// limit, retrying a refusal (which the portal still counts).
fn fleet_client(emu: &Emulator, shared: Option<SharedLimits>) -> Client {
    let mut builder = Client::webhook(emu.webhook_url())
        .timeout(Duration::from_secs(10))
        .rate_limit(Some(limit()))
        .retry(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_backoff(Duration::from_millis(20), Duration::from_millis(200)),
        );
    if let Some(shared) = shared {
        builder = builder.shared_limits(shared);
    }
    builder.build().expect("the client builds")
}

/// Runs `CALLS` calls spread over the clients at once; the failures and the time taken.
async fn run_fleet(clients: &[Client]) -> (Vec<Error>, Duration) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..CALLS)
        .map(|i| {
            let client = clients[i % clients.len()].clone();
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
    (failures, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_a_store_stay_under_the_portal_limit_together() {
    let redis = RedisServer::start();
    let minimum = limit().minimum_duration(CALLS as u64);

    let emu = limited_emulator();
    let alone: Vec<Client> = (0..CLIENTS).map(|_| fleet_client(&emu, None)).collect();
    // Apart, some calls may fail even after their retries: the portal keeps refusing.
    let (failed_alone, elapsed_alone) = run_fleet(&alone).await;
    let refused_alone = emu.portal().stats().rate_limited;

    let emu = limited_emulator();
    let shared = SharedLimits::redis(&redis.url()).unwrap();
    let fleet: Vec<Client> = (0..CLIENTS)
        .map(|_| fleet_client(&emu, Some(shared.clone())))
        .collect();
    let (failures, elapsed) = run_fleet(&fleet).await;
    let stats = emu.portal().stats();
    println!(
        "{CLIENTS} clients, {CALLS} calls, burst 10 at 50/s: apart {refused_alone} refusals and {} \
         failed calls in {elapsed_alone:?}; shared {} refusals in {elapsed:?} (bucket minimum \
         {minimum:?})",
        failed_alone.len(),
        stats.rate_limited
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(
        refused_alone > 0,
        "{CLIENTS} clients pacing themselves apart should overrun the portal's limit"
    );
    assert_eq!(
        stats.rate_limited, 0,
        "the portal refused shared-paced requests"
    );
    assert_eq!(stats.rest_requests, CALLS as u64);
    assert!(
        elapsed >= minimum,
        "faster than the bucket allows: {elapsed:?}"
    );
    assert!(
        elapsed.as_secs_f64() <= minimum.as_secs_f64() * 1.10,
        "{elapsed:?} is more than 10% over the minimum {minimum:?}"
    );
    let keys = redis.cli(&["--scan", "--pattern", "b24kit:bucket:*"]);
    assert_eq!(
        keys.lines().count(),
        1,
        "one bucket for one portal and webhook: {keys}"
    );
    let key = emu.portal().state().webhooks[0].key.clone();
    assert!(
        !keys.contains(&key),
        "the webhook key is in a Redis key: {keys}"
    );
}

fn recorded(events: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    events.lock().unwrap().clone()
}

fn listening_client(
    emu: &Emulator,
    shared: SharedLimits,
) -> (Result<Client, Error>, Arc<Mutex<Vec<String>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let client = Client::webhook(emu.webhook_url())
        .timeout(Duration::from_secs(10))
        .deadline(Duration::from_secs(10))
        .rate_limit(Some(limit()))
        .retry(RetryPolicy::never())
        .shared_limits(shared)
        .on_event(move |event: &Event| {
            if event.kind().starts_with("shared_") {
                sink.lock().unwrap().push(event.to_string());
            }
        })
        .build();
    (client, events)
}

async fn calls(client: &Client, n: usize) {
    for i in 0..n {
        let answer = client
            .imopenlines_session_mode_silent(Silent::new(2043).activate(i % 2 == 0))
            .await;
        assert!(answer.is_ok(), "call {i}: {answer:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_lost_mid_run_loses_no_call_and_sharing_resumes_when_it_returns() {
    let mut redis = RedisServer::start();
    let emu = limited_emulator();
    let (client, events) = listening_client(&emu, SharedLimits::redis(&redis.url()).unwrap());
    let client = client.unwrap();
    calls(&client, 20).await;
    assert!(recorded(&events).is_empty(), "{:?}", recorded(&events));

    redis.kill();
    calls(&client, 20).await;
    let lost = recorded(&events);
    assert_eq!(lost.len(), 1, "the loss is told once: {lost:?}");
    assert!(lost[0].contains("unavailable"), "{lost:?}");

    redis.restart();
    // The store is tried again a second after it failed.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    calls(&client, 20).await;
    let told = recorded(&events);
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told[1].contains("available again"), "{told:?}");
    let keys = redis.cli(&["--scan", "--pattern", "b24kit:bucket:*"]);
    assert_eq!(
        keys.lines().count(),
        1,
        "the restarted store holds the bucket again: {keys}"
    );
    assert_eq!(emu.portal().stats().rate_limited, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_store_holds_a_call_for_a_bounded_time() {
    let redis = RedisServer::start();
    let emu = limited_emulator();
    let (client, events) = listening_client(&emu, SharedLimits::redis(&redis.url()).unwrap());
    let client = client.unwrap();
    calls(&client, 1).await;
    // The server stops answering anyone for three seconds.
    let url = redis.url();
    let port = url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches("/0")
        .to_string();
    let sleeper = std::process::Command::new("redis-cli")
        .args(["-p", &port, "DEBUG", "SLEEP", "3"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    calls(&client, 1).await;
    let held = started.elapsed();
    let mut sleeper = sleeper;
    let _ = sleeper.wait();
    println!("a call with the store asleep took {held:?}");
    assert!(
        held < Duration::from_secs(2),
        "the call waited {held:?} for a slow store"
    );
    assert_eq!(recorded(&events).len(), 1, "{:?}", recorded(&events));
}

#[tokio::test]
async fn an_unreachable_store_fails_the_build_or_falls_back_as_chosen() {
    let emu = limited_emulator();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://:hunter2secret@127.0.0.1:{port}/0");

    let (refused, _) = listening_client(&emu, SharedLimits::redis(&url).unwrap());
    match refused {
        Err(Error::InvalidConfig(problem @ ConfigProblem::SharedStoreUnreachable { .. })) => {
            let text = format!("{problem} {problem:?}");
            assert!(!text.contains("hunter2secret"), "{text}");
            assert!(
                text.contains(&format!("redis://127.0.0.1:{port}/0")),
                "{text}"
            );
        }
        other => panic!("expected an unreachable store: {other:?}"),
    }

    let fallback = SharedLimits::redis(&url)
        .unwrap()
        .if_unreachable(IfUnreachable::UseLocalLimits);
    let (client, events) = listening_client(&emu, fallback);
    let client = client.expect("local limits were chosen");
    calls(&client, 3).await;
    let told = recorded(&events);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(!told[0].contains("hunter2secret"), "{told:?}");
    assert!(format!("{client:?}").contains("redis://127.0.0.1"));
    assert!(!format!("{client:?}").contains("hunter2secret"));

    assert!(matches!(
        SharedLimits::redis("http://127.0.0.1:6379"),
        Err(ConfigProblem::InvalidSharedStore { .. })
    ));
}

/// Four clients take turns on a method whose budget the portal limits to 0.5 s of execution per
/// 2 s, each call costing 0.1 s. Each client sees the portal's count only in its own answers:
/// apart, a client that last saw 0.1 s calls when 0.4 s are spent; sharing, it waits for the
/// release another client was told of.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_one_client_saw_spent_holds_every_client() {
    let redis = RedisServer::start();
    let mut refused = Vec::new();
    for shared in [None, Some(SharedLimits::redis(&redis.url()).unwrap())] {
        let emu = emulator();
        emu.portal().set_operating_limit(Some(OperatingLimit {
            limit_seconds: 0.5,
            window_seconds: 2.0,
            cost_seconds: 0.1,
        }));
        let clients: Vec<Client> = (0..4)
            .map(|_| {
                let mut builder = Client::webhook(emu.webhook_url())
                    .rate_limit(Some(limit()))
                    .operating_budget(Some(OperatingBudget::new(
                        Duration::from_millis(500),
                        Duration::from_millis(100),
                    )))
                    .retry(RetryPolicy::never());
                if let Some(shared) = &shared {
                    builder = builder.shared_limits(shared.clone());
                }
                builder.build().unwrap()
            })
            .collect();
        let mut waits = 0u64;
        for i in 0..12 {
            match clients[i % 4]
                .imopenlines_session_mode_silent(Silent::new(2043))
                .await
            {
                Ok(_) => {}
                Err(e) if e.code() == Some("OPERATION_TIME_LIMIT") => waits += 1,
                Err(e) => panic!("call {i}: {e:?}"),
            }
        }
        assert_eq!(emu.portal().stats().operation_time_limited, waits);
        refused.push(waits);
    }
    println!(
        "12 calls from 4 clients under a 0.5 s budget per 2 s: refused apart {}, shared {}",
        refused[0], refused[1]
    );
    assert!(refused[0] > 0, "clients apart should run into the limit");
    assert_eq!(
        refused[1], 0,
        "a client called a method whose budget another had seen spent"
    );
}

/// An OAuth client as one process of a fleet builds it, started with the demo pair; `renewed`
/// counts its callback's calls.
fn oauth_worker(
    emu: &Emulator,
    shared: Option<&SharedLimits>,
    renewed: &Arc<AtomicUsize>,
) -> Client {
    let counter = renewed.clone();
    let mut builder = Client::oauth(emu.oauth_endpoint(), DEMO_ACCESS_TOKEN)
        .rate_limit(None)
        .timeout(Duration::from_secs(10))
        .refresh(
            Refresh::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)
                .oauth_server(emu.oauth_server_url())
                .on_tokens_refreshed(move |_| {
                    counter.fetch_add(1, Ordering::SeqCst);
                }),
        );
    if let Some(shared) = shared {
        builder = builder.shared_limits(shared.clone());
    }
    builder.build().unwrap()
}

/// Eight workers meet an expired token at once. Apart, each renews with the one refresh token
/// and all but one are refused (`invalid_grant`: a refresh token works once); sharing, one
/// renews, the callback runs once, and every call succeeds on the new pair.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_workers_meeting_an_expired_token_renew_it_once() {
    let redis = RedisServer::start();
    let shared = SharedLimits::redis(&redis.url()).unwrap();
    let mut outcomes = Vec::new();
    for sharing in [None, Some(&shared)] {
        let emu = emulator();
        let renewed = Arc::new(AtomicUsize::new(0));
        let workers: Vec<Client> = (0..8)
            .map(|_| oauth_worker(&emu, sharing, &renewed))
            .collect();
        calls(&workers[0], 1).await;
        assert!(emu.portal().expire_tokens() >= 1);
        let tasks: Vec<_> = workers
            .iter()
            .map(|worker| {
                let worker = worker.clone();
                tokio::spawn(async move {
                    worker
                        .imopenlines_session_mode_silent(Silent::new(2043))
                        .await
                })
            })
            .collect();
        let mut failed = Vec::new();
        for task in tasks {
            if let Err(e) = task.await.unwrap() {
                failed.push(e);
            }
        }
        outcomes.push((
            emu.portal().stats().token_refreshes,
            renewed.load(Ordering::SeqCst),
            failed,
        ));
    }
    println!(
        "8 workers, an expired token: apart {} renewals, {} callbacks, {} failed calls; shared {} renewals, {} callbacks, {} failed",
        outcomes[0].0,
        outcomes[0].1,
        outcomes[0].2.len(),
        outcomes[1].0,
        outcomes[1].1,
        outcomes[1].2.len()
    );
    assert!(
        outcomes[0]
            .2
            .iter()
            .any(|e| e.code() == Some("invalid_grant")),
        "apart, a worker should have spent a refresh token already used: {:?}",
        outcomes[0].2
    );
    let (renewals, callbacks, failed) = &outcomes[1];
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(
        (*renewals, *callbacks),
        (1, 1),
        "one renewal and one callback in the fleet"
    );
    let keys = redis.cli(&["--scan", "--pattern", "b24kit:tokens:*"]);
    assert_eq!(keys.lines().count(), 1, "{keys}");
    assert!(
        !keys.contains(DEMO_REFRESH_TOKEN) && !keys.contains(DEMO_CLIENT_SECRET),
        "{keys}"
    );
}

/// A process killed while renewing leaves its lease behind: the next renewal waits for the
/// lease to run out, then renews.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_lease_left_by_a_dead_process_runs_out() {
    let redis = RedisServer::start();
    let shared = SharedLimits::redis(&redis.url()).unwrap();
    let emu = emulator();
    let renewed = Arc::new(AtomicUsize::new(0));
    let worker = oauth_worker(&emu, Some(&shared), &renewed);
    emu.portal().expire_tokens();
    calls(&worker, 1).await;
    let pair = redis.cli(&["--scan", "--pattern", "b24kit:tokens:*"]);
    let lease = pair.replacen("b24kit:tokens:", "b24kit:tokens-renewal:", 1);
    assert_eq!(
        redis.cli(&["SET", &lease, "a-dead-process", "PX", "1500"]),
        "OK"
    );
    emu.portal().expire_tokens();
    let started = Instant::now();
    calls(&worker, 1).await;
    let waited = started.elapsed();
    println!("a renewal behind a dead process's lease of 1.5 s took {waited:?}");
    assert!(
        waited >= Duration::from_millis(1300),
        "renewed under another's lease: {waited:?}"
    );
    assert_eq!(emu.portal().stats().token_refreshes, 2);
    assert_eq!(renewed.load(Ordering::SeqCst), 2);
}

/// A `rediss://` store with a self-signed certificate: refused as unreachable unless its
/// certificate is trusted, then shared as any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_over_tls_is_used_once_its_certificate_is_trusted() {
    let redis = RedisServer::start_tls();
    let emu = limited_emulator();
    let untrusted = fleet_client_result(&emu, SharedLimits::redis(&redis.url()).unwrap());
    match untrusted {
        Err(Error::InvalidConfig(ConfigProblem::SharedStoreUnreachable { reason, .. })) => {
            println!("untrusted certificate: {reason}")
        }
        other => panic!("a store with an untrusted certificate was used: {other:?}"),
    }
    let trusted = SharedLimits::redis(&redis.url())
        .unwrap()
        .root_certificate_pem(redis.certificate_pem())
        .unwrap();
    let client = fleet_client_result(&emu, trusted).expect("the trusted store answers");
    calls(&client, 3).await;
    let keys = redis.cli(&["--scan", "--pattern", "b24kit:bucket:*"]);
    assert_eq!(
        keys.lines().count(),
        1,
        "the bucket is in the TLS store: {keys}"
    );
    assert!(matches!(
        SharedLimits::redis(&redis.url())
            .unwrap()
            .root_certificate_pem("not a certificate"),
        Err(ConfigProblem::InvalidCertificate { .. })
    ));
}

fn fleet_client_result(emu: &Emulator, shared: SharedLimits) -> Result<Client, Error> {
    Client::webhook(emu.webhook_url())
        .timeout(Duration::from_secs(10))
        .rate_limit(Some(limit()))
        .retry(RetryPolicy::never())
        .shared_limits(shared)
        .build()
}
