//! `b24kit-bench <reqwest|b24kit> <webhook URL> <calls> [in-flight]`: calls
//! `imopenlines.session.mode.silent` on chat 2043 `calls` times, with `in-flight` calls at once
//! (default 1, sequential), and prints one JSON line with calls per second and latencies.
//!
//! `reqwest` is the floor: a minimal hand-written client (POST JSON, read the body, parse the
//! envelope) on one reqwest client. `b24kit` is the typed call of the core.
//!
//! `b24kit-bench ceiling <webhook URL> <calls> <in-flight>` is a raw load generator (one reqwest
//! client on every core, nothing parsed): the requests per second the emulator can serve, so a
//! reader sees that no client row was limited by the emulator.
//!
//! `b24kit-generic` is the same call through the call by name (`Client::call_method`).
//!
//! `b24kit-paced` paces calls through the client's own bucket, and `b24kit-shared` through a bucket
//! in the Redis server at `B24KIT_BENCH_REDIS` (both with a limit far above what the calls reach,
//! so that nothing waits): their difference is what the shared bucket costs per call.
//!
//! `b24kit-bench walk <floor|by-id|counted> <webhook URL> <rounds>`: see `walk`.
//!
//! `b24kit-bench standard-plan <webhook URL> <calls>` makes the calls all at once through a client
//! paced for the standard plan (burst 50, 2 per second; default retries) against an emulator that
//! enforces it, and prints the time against the bucket's minimum and the calls that failed.

mod walk;

use std::sync::Arc;
use std::time::{Duration, Instant};

use b24kit::prelude::*;
use b24kit::{Client, ImopenlinesSessionModeSilentParams, RateLimit, SharedLimits};
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope {
    result: bool,
}

enum Caller {
    Reqwest { http: reqwest::Client, url: String },
    Typed(Client),
    Generic(Client),
}

impl Caller {
    async fn call(&self) -> bool {
        match self {
            Caller::Reqwest { http, url } => {
                let body = http
                    .post(url)
                    .header("content-type", "application/json")
                    .body(r#"{"CHAT_ID":2043,"ACTIVATE":"Y"}"#)
                    .send()
                    .await
                    .expect("the emulator answers")
                    .bytes()
                    .await
                    .expect("a whole body");
                serde_json::from_slice::<Envelope>(&body)
                    .expect("an envelope")
                    .result
            }
            Caller::Typed(client) => {
                client
                    .imopenlines_session_mode_silent(
                        ImopenlinesSessionModeSilentParams::new(2043).activate(true),
                    )
                    .await
                    .expect("the call succeeds")
                    .result
            }
            Caller::Generic(client) => {
                client
                    .call_method(
                        "imopenlines.session.mode.silent",
                        serde_json::json!({"CHAT_ID": 2043, "ACTIVATE": "Y"}),
                    )
                    .await
                    .expect("the call succeeds")
                    .result
                    == serde_json::Value::Bool(true)
            }
        }
    }
}

/// The emulator's self-signed certificate for a TLS run (`B24KIT_BENCH_CA`), if any.
fn bench_ca() -> Option<Vec<u8>> {
    std::env::var_os("B24KIT_BENCH_CA")
        .map(|path| std::fs::read(path).expect("a readable certificate"))
}

/// The floor's HTTP client: no proxy (loopback), trusting the emulator's certificate for TLS runs.
fn http_client() -> reqwest::Client {
    let mut builder = reqwest::Client::builder().no_proxy();
    if let Some(pem) = bench_ca() {
        builder =
            builder.tls_certs_merge(reqwest::Certificate::from_pem_bundle(&pem).expect("PEM"));
    }
    builder.build().unwrap()
}

fn trust_bench_ca(builder: b24kit::ClientBuilder) -> b24kit::ClientBuilder {
    match bench_ca() {
        Some(pem) => builder.add_root_certificate_pem(pem),
        None => builder,
    }
}

fn main() {
    // reqwest comes without a crypto provider (b24kit brings its own): the floor uses the same
    // one, ring, as this process's default.
    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("no other provider installed");
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: b24kit-bench <reqwest|b24kit> <webhook URL> <calls> [in-flight]");
        std::process::exit(2);
    }
    if args[1] == "walk" {
        let rounds = args
            .get(4)
            .map_or(3, |n| n.parse().expect("rounds is a number"));
        walk::run(&args[2], &args[3], rounds);
        return;
    }
    let calls: usize = args[3].parse().expect("calls is a number");
    if args[1] == "standard-plan" {
        standard_plan(&args[2], calls);
        return;
    }
    if args[1] == "ceiling" {
        let in_flight = args
            .get(4)
            .map_or(128, |n| n.parse().expect("in-flight is a number"));
        ceiling(&args[2], calls, in_flight);
        return;
    }
    let in_flight: usize = args
        .get(4)
        .map_or(1, |n| n.parse().expect("in-flight is a number"));
    let caller = Arc::new(match args[1].as_str() {
        "reqwest" => Caller::Reqwest {
            http: http_client(),
            url: format!("{}imopenlines.session.mode.silent.json", args[2]),
        },
        // The emulator runs with its limits off: so does the client's pacing, to measure the
        // call path itself.
        "b24kit" => Caller::Typed(
            trust_bench_ca(Client::webhook(&args[2]).rate_limit(None))
                .build()
                .unwrap(),
        ),
        "b24kit-paced" | "b24kit-shared" => {
            // Never reached: the bucket is on the call's path, and no call waits for it.
            let limit = RateLimit::new(1e9, 1e9).unwrap();
            let mut builder = Client::webhook(&args[2]).rate_limit(Some(limit));
            if args[1] == "b24kit-shared" {
                let url = std::env::var("B24KIT_BENCH_REDIS")
                    .expect("B24KIT_BENCH_REDIS names a Redis URL");
                builder =
                    builder.shared_limits(SharedLimits::redis(&url).unwrap().prefix("bench:"));
            }
            Caller::Typed(trust_bench_ca(builder).build().unwrap())
        }
        "b24kit-generic" => Caller::Generic(
            trust_bench_ca(Client::webhook(&args[2]).rate_limit(None))
                .build()
                .unwrap(),
        ),
        other => panic!("unknown client {other}"),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (elapsed, mut latencies) = rt.block_on(async move {
        for _ in 0..200.min(calls) {
            caller.call().await;
        }
        let started = Instant::now();
        let per_worker = calls / in_flight;
        let workers: Vec<_> = (0..in_flight)
            .map(|_| {
                let caller = caller.clone();
                tokio::spawn(async move {
                    let mut lat = Vec::with_capacity(per_worker);
                    for _ in 0..per_worker {
                        let t = Instant::now();
                        assert!(caller.call().await);
                        lat.push(t.elapsed());
                    }
                    lat
                })
            })
            .collect();
        let mut all: Vec<Duration> = Vec::with_capacity(calls);
        for w in workers {
            all.extend(w.await.unwrap());
        }
        (started.elapsed(), all)
    });
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1e6
    };
    println!(
        "{}",
        serde_json::json!({
            "client": args[1],
            "calls": latencies.len(),
            "in_flight": in_flight,
            "calls_per_second": latencies.len() as f64 / elapsed.as_secs_f64(),
            "median_us": pct(0.5),
            "p99_us": pct(0.99),
        })
    );
}

/// All `calls` at once under the standard plan's limit, paced by the client.
fn standard_plan(webhook: &str, calls: usize) {
    let client = Client::webhook(webhook).build().expect("a valid client");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let failed = rt.block_on(async move {
        let tasks: Vec<_> = (0..calls)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .imopenlines_session_mode_silent(ImopenlinesSessionModeSilentParams::new(
                            2043,
                        ))
                        .await
                        .is_err()
                })
            })
            .collect();
        let mut failed = 0;
        for task in tasks {
            failed += usize::from(task.await.unwrap());
        }
        failed
    });
    let elapsed = started.elapsed().as_secs_f64();
    let limit = b24kit::RateLimit::STANDARD;
    // The portal's own minimum: the whole burst at once, the rest at the drain rate.
    let bucket_minimum = (calls as f64 - limit.burst()).max(0.0) / limit.drain_per_second();
    println!(
        "{}",
        serde_json::json!({
            "calls": calls,
            "seconds": elapsed,
            "bucket_minimum_seconds": bucket_minimum,
            "client_minimum_seconds": limit.minimum_duration(calls as u64).as_secs_f64(),
            "ratio_to_bucket_minimum": elapsed / bucket_minimum,
            "failed_calls": failed,
        })
    );
}

/// Requests per second the emulator serves to `in_flight` concurrent raw requests.
fn ceiling(webhook: &str, calls: usize, in_flight: usize) {
    let http = http_client();
    let url = format!("{webhook}imopenlines.session.mode.silent.json");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let elapsed = rt.block_on(async move {
        let started = Instant::now();
        let workers: Vec<_> = (0..in_flight)
            .map(|_| {
                let (http, url) = (http.clone(), url.clone());
                tokio::spawn(async move {
                    for _ in 0..calls / in_flight {
                        let response = http
                            .post(&url)
                            .header("content-type", "application/json")
                            .body(r#"{"CHAT_ID":2043,"ACTIVATE":"Y"}"#)
                            .send()
                            .await
                            .expect("the emulator answers");
                        assert!(response.status().is_success());
                        response.bytes().await.expect("a whole body");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.unwrap();
        }
        started.elapsed()
    });
    let served = calls / in_flight * in_flight;
    println!(
        "{}",
        serde_json::json!({
            "client": "emulator-ceiling",
            "in_flight": in_flight,
            "calls": served,
            "calls_per_second": served as f64 / elapsed.as_secs_f64(),
        })
    );
}
