//! The `b24kit` command as a user runs it: a child process, its output and exit code.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use b24kit_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

fn b24kit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_b24kit"))
        .args(args)
        .env_remove("B24_WEBHOOK_URL")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the b24kit binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn commands_that_act_on_a_portal_never_fall_back_to_the_emulator() {
    for args in [
        &["silent", "on", "2043"][..],
        &["--json", "call", "crm.contact.get", "ID=5"],
        &["list", "crm.contact.list"],
    ] {
        let out = b24kit(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?} printed {}", stdout(&out));
        let says = stderr(&out);
        assert!(
            says.contains("--webhook")
                && says.contains("B24_WEBHOOK_URL")
                && says.contains("--emulator"),
            "{says}"
        );
    }
}

#[test]
fn the_demo_says_which_portal_it_talks_to() {
    let out = b24kit(&["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["step"], "portal");
    assert_eq!(first["emulator"], true);
    assert!(!first["portal"].as_str().unwrap().contains("webhook_key"));
}

#[test]
fn call_prints_the_answer_of_any_method_as_json() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let url = emulator.webhook_url();
    let out = b24kit(&[
        "--webhook",
        &url,
        "call",
        "crm.contact.list",
        "filter[<=ID]=60",
        "select[]=ID",
        "order[ID]=DESC",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer["result"][0], serde_json::json!({"ID": "60"}));
    assert_eq!(answer["total"], 60);
    assert_eq!(answer["next"], 50);
    assert!(answer["time"]["duration"].is_number());
    // It went to the portal named, as sent.
    let seen = emulator.portal().last_call().unwrap();
    assert_eq!(seen.method, "crm.contact.list");

    let out = b24kit(&[
        "--webhook",
        &url,
        "call",
        "imopenlines.session.mode.silent",
        "--data",
        r#"{"CHAT_ID": 2043}"#,
        "ACTIVATE=Y",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(emulator.portal().chat(2043).unwrap().silent);
}

#[test]
fn call_errors_have_their_exit_codes() {
    let out = b24kit(&[
        "--emulator",
        "--json",
        "call",
        "crm.contact.get",
        "ID:=99999999",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["ok"], false);
    assert_eq!(line["error"]["kind"], "unknown_code");
    assert_eq!(line["error"]["status"], 400);

    for args in [
        &["--emulator", "call", "crm deal"][..],
        &["--emulator", "call", "crm.contact.get", "ID"],
        &["--emulator", "call", "crm.contact.get", "a]b=1"],
        &["--emulator", "call", "crm.contact.get", "--data", "[1]"],
    ] {
        let out = b24kit(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("Using the embedded") && stderr(&out).contains("b24kit: "),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn list_streams_every_item_as_a_json_line() {
    let out = b24kit(&["--emulator", "list", "crm.contact.list", "select[]=ID"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: Vec<u64> = stdout(&out)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["ID"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (1..=10_000).collect::<Vec<_>>());

    let out = b24kit(&[
        "--emulator",
        "list",
        "crm.contact.list",
        "--by-id",
        "--limit",
        "3",
        "select[]=ID",
        "select[]=NAME",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["ID"], "3");
    assert_eq!(lines[0].as_object().unwrap().len(), 2);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_b24kit"))
        .args(["--emulator", "list", "crm.contact.list", "--by-id"])
        .env_remove("B24_WEBHOOK_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe closes here, as `| head -1` closes it.
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("\"ID\":\"1\""), "{first}");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn verbose_tells_on_stderr_what_the_client_does_and_keeps_stdout_clean() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let url = emulator.webhook_url();
    let quiet = b24kit(&["--webhook", &url, "silent", "on", "2043"]);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(!stderr(&quiet).contains("request sent"));

    let out = b24kit(&["--webhook", &url, "-vv", "silent", "on", "2043"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let says = stderr(&out);
    assert!(
        says.contains("b24kit: imopenlines.session.mode.silent: request sent (attempt 1)"),
        "{says}"
    );
    assert!(says.contains("HTTP 200"), "{says}");
    assert!(
        !says.contains(url.trim_end_matches('/').rsplit('/').next().unwrap()),
        "no key"
    );
    // The same report, nothing added: compared without its figures, which tell the time of each
    // call (the two calls may fall in different seconds).
    let figures_masked = |text: String| text.replace(|c: char| c.is_ascii_digit(), "#");
    assert_eq!(figures_masked(stdout(&out)), figures_masked(stdout(&quiet)));

    let json = b24kit(&["--webhook", &url, "--json", "-vv", "silent", "off", "2043"]);
    let events: Vec<Value> = stderr(&json)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["request_sent", "answered"]);
}

#[test]
fn the_deadline_bounds_the_whole_call() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    emulator
        .portal()
        .inject(b24kit_emulator::Fault::Delay { ms: 10_000 }, 5);
    let started = std::time::Instant::now();
    let out = b24kit(&[
        "--webhook",
        &emulator.webhook_url(),
        "--deadline",
        "0.5",
        "silent",
        "on",
        "2043",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let bad = b24kit(&["--emulator", "--deadline", "0", "silent", "on", "2043"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--deadline"));
}
