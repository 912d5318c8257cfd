//! The `b24kit` command as a shell user meets it: the demo with nothing set up, `silent on|off`,
//! `--json`, a portal given by `--webhook` or `B24_WEBHOOK_URL`, and exit codes.

use std::process::{Command, Output};

use b24kit_emulator::{Emulator, EmulatorConfig};

fn b24kit(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_b24kit"));
    cmd.args(args).env_remove("B24_WEBHOOK_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_demo_runs_against_the_embedded_emulator() {
    let out = b24kit(&[], &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("embedded Bitrix24 emulator"));
    assert_eq!(stdout.matches("ok: result true").count(), 2, "{stdout}");
    assert!(
        stdout.contains("chat 2043 is now silent")
            && stdout.contains("chat 2043 is now not silent")
    );
    assert!(stdout.contains("CHAT_TYPE (HTTP 400)"), "{stdout}");
}

#[test]
fn the_demo_as_json_lines() {
    let out = b24kit(&["demo", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (lines[0]["ok"].as_bool(), lines[0]["activate"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(lines[0]["time"]["duration"].is_number());
    assert_eq!(lines[1]["activate"], false);
    assert_eq!(lines[2]["error"]["kind"], "method");
    assert_eq!(lines[2]["error"]["code"], "CHAT_TYPE");
    assert_eq!(lines[2]["error"]["status"], 400);
    assert_eq!(lines[2]["error"]["retryable"], false);
}

#[test]
fn exit_codes_tell_refusals_bad_input_and_unreachable_portals_apart() {
    let refused = b24kit(&["silent", "on", "2045"], &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("ACCESS_DENIED"),
        "{}",
        text(&refused.stderr)
    );

    let bad_input = b24kit(&["silent", "on", "-3"], &[]);
    assert_eq!(bad_input.status.code(), Some(2));
    assert!(text(&bad_input.stderr).contains("CHAT_ID must be at least 1"));

    let usage = b24kit(&["silent", "maybe", "2043"], &[]);
    assert_eq!(usage.status.code(), Some(2));

    let insecure = b24kit(
        &[
            "--webhook",
            "http://portal.example.com/rest/1/key/",
            "silent",
            "on",
            "5",
        ],
        &[],
    );
    assert_eq!(insecure.status.code(), Some(2));
    assert!(text(&insecure.stderr).contains("https"));

    let unreachable = b24kit(
        &[
            "--webhook",
            "http://127.0.0.1:1/rest/1/key/",
            "silent",
            "on",
            "5",
        ],
        &[],
    );
    assert_eq!(unreachable.status.code(), Some(3));
    assert!(
        !text(&unreachable.stderr).contains("key/"),
        "no secret in messages"
    );
}

#[test]
fn a_portal_from_the_environment_or_the_flag_is_used() {
    let portal = Emulator::start(EmulatorConfig::default()).unwrap();
    let out = b24kit(
        &["silent", "on", "2043"],
        &[("B24_WEBHOOK_URL", &portal.webhook_url())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        portal.portal().chat(2043).unwrap().silent,
        "the given portal was called"
    );
    assert!(!text(&out.stderr).contains("embedded"));

    let out = b24kit(
        &[
            "--webhook",
            &portal.webhook_url(),
            "silent",
            "off",
            "2043",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(!portal.portal().chat(2043).unwrap().silent);
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["result"], true);

    // On a real portal the demo needs the chat to use.
    let out = b24kit(&["--webhook", &portal.webhook_url()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--chat"));
    let out = b24kit(
        &["--webhook", &portal.webhook_url(), "demo", "--chat", "2046"],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("CHAT_ID (HTTP 400)"));
}
