//! The `b24kit-emulator` binary as other languages' test fixtures use it: started on a free port,
//! announcing its URLs as one JSON line, loading a state file, writing its TLS certificate, and
//! stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start(args: &[&str]) -> (Child, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_b24kit-emulator"))
        .args(["--port", "0", "--ready-json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, ready)
}

/// A plain HTTP/1.1 GET over a socket: what any client in any language can do.
fn get(base_url: &str, path: &str) -> (u16, serde_json::Value) {
    let addr = base_url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

fn stop(mut child: Child) -> Duration {
    let started = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "{exit:?}");
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no exit 5 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn announces_serves_and_stops_on_sigterm() {
    let (child, ready) = start(&["--rate-limit", "off"]);
    let base = ready["base_url"].as_str().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{ready}");
    let webhook = ready["webhook_url"].as_str().unwrap();
    let path = format!(
        "{}imopenlines.session.mode.silent?CHAT_ID=2043&ACTIVATE=Y",
        webhook.trim_start_matches(&base)
    );
    let (status, body) = get(&base, &format!("/{path}"));
    assert_eq!(
        (status, &body["result"]),
        (200, &serde_json::json!(true)),
        "{body}"
    );
    let (_, chat) = get(&base, "/_emulator/chats/2043");
    assert_eq!(chat["silent"], true);
    let took = stop(child);
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn loads_a_state_file_and_rejects_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("b24kit-emu-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("state.json");
    std::fs::write(
        &good,
        r#"{"webhooks":[{"user_id":5,"key":"k5","scopes":["imopenlines"]}],"tokens":[],
            "chats":[{"id":1,"entity_type":"LINES","members":[5]}]}"#,
    )
    .unwrap();
    let (child, ready) = start(&["--state", good.to_str().unwrap()]);
    assert!(
        ready["webhook_url"]
            .as_str()
            .unwrap()
            .ends_with("/rest/5/k5/"),
        "{ready}"
    );
    let base = ready["base_url"].as_str().unwrap().to_string();
    let (status, _) = get(
        &base,
        "/rest/5/k5/imopenlines.session.mode.silent?CHAT_ID=1&ACTIVATE=Y",
    );
    assert_eq!(status, 200);
    stop(child);

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"chats": 3}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_b24kit-emulator"))
        .args(["--state", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot load state"),
        "{out:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tls_writes_its_certificate() {
    let cert = std::env::temp_dir().join(format!("b24kit-emu-cert-{}.pem", std::process::id()));
    let (child, ready) = start(&["--tls", "--cert-out", cert.to_str().unwrap()]);
    assert!(ready["base_url"]
        .as_str()
        .unwrap()
        .starts_with("https://127.0.0.1:"));
    let pem = std::fs::read_to_string(&cert).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    stop(child);
    std::fs::remove_file(cert).unwrap();
}
