//! `b24kit-bench walk <floor|by-id|counted> <webhook URL> <rounds>`: walks every item of
//! `crm.contact.list` `rounds` times, after one untimed walk, and prints one JSON line per walk
//! with the items, the HTTP requests and the items per second.
//!
//! `floor` is a hand-written reqwest loop doing the docs' large-list walk (order by ID, filter
//! `>ID` with the last ID seen, `start = -1`), one request per page; `by-id` and `counted` are
//! b24kit's list walk in those modes.

use std::time::Instant;

use b24kit::{Client, ListCall};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{http_client, trust_bench_ca};

const METHOD: &str = "crm.contact.list";

#[derive(Deserialize)]
struct Page {
    result: Vec<Value>,
}

/// The hand-written walk: items and requests.
async fn floor(http: &reqwest::Client, webhook: &str) -> (u64, u64) {
    let url = format!("{webhook}{METHOD}.json");
    let (mut last, mut items, mut requests) = (0u64, 0u64, 0u64);
    loop {
        let body = json!({"order": {"ID": "ASC"}, "filter": {">ID": last}, "start": -1});
        let bytes = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("the emulator answers")
            .bytes()
            .await
            .expect("a whole body");
        requests += 1;
        let page: Page = serde_json::from_slice(&bytes).expect("a page");
        items += page.result.len() as u64;
        match page.result.last() {
            Some(item) if page.result.len() == 50 => {
                last = item["ID"]
                    .as_str()
                    .and_then(|id| id.parse().ok())
                    .expect("a numeric ID");
            }
            _ => return (items, requests),
        }
    }
}

/// b24kit's walk: items and requests.
async fn walk(client: &Client, by_id: bool) -> (u64, u64) {
    let list = if by_id {
        ListCall::by_id(METHOD, json!({}))
    } else {
        ListCall::counted(METHOD, json!({}))
    };
    let mut pager = client.list(list);
    let mut items = 0u64;
    while let Some(page) = pager.next_page().await.expect("a page") {
        items += page.len() as u64;
    }
    (items, pager.progress().requests)
}

pub fn run(mode: &str, webhook: &str, rounds: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = http_client();
    let client = trust_bench_ca(Client::webhook(webhook).rate_limit(None))
        .build()
        .unwrap();
    let label = match mode {
        "floor" => "walk-floor",
        "by-id" => "walk-rust-by-id",
        "counted" => "walk-rust-counted",
        other => panic!("unknown walk {other}"),
    };
    rt.block_on(async {
        // The first walk is not timed, in every language: the connection is open and the code
        // warm, as in an app that walks lists all day.
        for round in 0..=rounds {
            let started = Instant::now();
            let (items, requests) = match mode {
                "floor" => floor(&http, webhook).await,
                "by-id" => walk(&client, true).await,
                _ => walk(&client, false).await,
            };
            let seconds = started.elapsed().as_secs_f64();
            if round == 0 {
                continue;
            }
            println!(
                "{}",
                json!({
                    "client": label,
                    "items": items,
                    "requests": requests,
                    "seconds": seconds,
                    "items_per_second": items as f64 / seconds,
                })
            );
        }
    });
}
