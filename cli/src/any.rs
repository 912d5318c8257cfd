//! `b24kit call` and `b24kit list`: any method by name, with the client's limits, retries and
//! errors — a curl that stays inside the portal's limits.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use b24kit::{AnyCall, Client, Error, ListCall, Progress};
use serde_json::{json, Map, Value};

use crate::report::{self, error_json};

/// Prints the answer as JSON: `result`, `time` and, for list methods, `total` and `next`.
pub async fn call(client: &Client, call: AnyCall, json_errors: bool) -> ExitCode {
    match client.call_any(&call).await {
        Ok(answer) => {
            let mut out = Map::new();
            out.insert("result".to_string(), answer.result);
            out.insert(
                "time".to_string(),
                serde_json::to_value(&answer.time).unwrap_or(Value::Null),
            );
            if let Some(total) = answer.total {
                out.insert("total".to_string(), json!(total));
            }
            if let Some(next) = answer.next {
                out.insert("next".to_string(), json!(next));
            }
            let out = Value::Object(out);
            let text = if std::io::stdout().is_terminal() {
                serde_json::to_string_pretty(&out)
            } else {
                serde_json::to_string(&out)
            };
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is the reader's choice, not a failure.
            let _ = writeln!(stdout, "{}", text.unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, json_errors),
    }
}

/// Streams the items as JSON lines; a progress line on stderr when it is a terminal.
pub async fn list(
    client: &Client,
    list: ListCall,
    limit: Option<u64>,
    json_errors: bool,
) -> ExitCode {
    let mut pager = client.list(list);
    let progress = std::io::stderr().is_terminal() && !json_errors;
    let mut printed: u64 = 0;
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let outcome = loop {
        if limit.is_some_and(|limit| printed >= limit) {
            break Ok(());
        }
        let page = match pager.next_page().await {
            Ok(Some(page)) => page,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        let mut closed = false;
        for item in page {
            if limit.is_some_and(|limit| printed >= limit) {
                break;
            }
            if writeln!(stdout, "{item}").is_err() {
                closed = true;
                break;
            }
            printed += 1;
        }
        // Each page reaches the reader as soon as it is here.
        if closed || stdout.flush().is_err() {
            break Ok(());
        }
        if progress {
            show(pager.progress());
        }
    };
    let _ = stdout.flush();
    if progress {
        eprintln!();
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, json_errors),
    }
}

fn show(p: Progress) {
    let total = p.total.map(|t| format!(" of {t}")).unwrap_or_default();
    let mut stderr = std::io::stderr().lock();
    let _ = write!(
        stderr,
        "\r{} items{total}, {} requests",
        p.items, p.requests
    );
    let _ = stderr.flush();
}

fn fail(e: &Error, json_errors: bool) -> ExitCode {
    if json_errors {
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            json!({"ok": false, "error": error_json(e)})
        );
    } else {
        eprintln!("b24kit: {e}");
    }
    ExitCode::from(report::exit_code(e))
}
