//! How results and errors are shown: one readable block per call for people, one JSON object
//! per line with `--json` for scripts. Exit codes are decided here too.

use std::io::Write;

use b24kit::{Error, Response, Time};
use serde_json::{json, Value};

/// Prints a line on stdout; a reader that went away (`| head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Exit codes, as documented in `--help`.
pub const EXIT_PORTAL_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_UNREACHABLE: u8 = 3;

/// The demo step whose error is expected.
pub const EXPECTED_ERROR_STEP: &str = "error_case";

pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::InvalidArgument { .. } | Error::InvalidConfig(_) | Error::BlockingInAsyncContext => {
            EXIT_USAGE
        }
        Error::Transport { .. } | Error::Protocol { .. } => EXIT_UNREACHABLE,
        _ => EXIT_PORTAL_ERROR,
    }
}

pub struct Reporter {
    pub json: bool,
}

impl Reporter {
    /// Says which portal the demo talks to: a real one or the embedded emulator.
    pub fn portal(&self, label: &str, emulator: bool) {
        if self.json {
            say!(
                "{}",
                json!({"step": "portal", "portal": label, "emulator": emulator})
            );
        } else if !emulator {
            say!("Portal: {label}");
        }
    }

    /// Announces a call before it is made (people only).
    pub fn call(&self, chat_id: i64, activate: bool) {
        if !self.json {
            say!(
                "imopenlines.session.mode.silent CHAT_ID={chat_id} ACTIVATE={}",
                if activate { "Y" } else { "N" }
            );
        }
    }

    pub fn outcome(
        &self,
        step: &str,
        chat_id: i64,
        activate: bool,
        outcome: &Result<Response<bool>, Error>,
    ) {
        if self.json {
            let mut line = json!({"step": step, "chat_id": chat_id, "activate": activate});
            match outcome {
                Ok(r) => {
                    line["ok"] = json!(true);
                    line["result"] = json!(r.result);
                    line["time"] = serde_json::to_value(&r.time).unwrap_or(Value::Null);
                }
                Err(e) => {
                    line["ok"] = json!(false);
                    line["error"] = error_json(e);
                }
            }
            say!("{line}");
            return;
        }
        match outcome {
            Ok(r) => say!("  ok: result {} ({})", r.result, time_summary(&r.time)),
            // The demo's error case is part of the show; any other error is news for stderr.
            Err(e) if step == EXPECTED_ERROR_STEP => say!("  error: {e}"),
            Err(e) => eprintln!("b24kit: {e}"),
        }
    }

    /// A side effect read back from the embedded emulator (people only).
    pub fn note(&self, text: &str) {
        if !self.json {
            say!("  {text}");
        }
    }
}

pub fn error_json(e: &Error) -> Value {
    json!({
        "kind": e.kind_name(),
        "code": e.code(),
        "status": e.status(),
        "description": e.description(),
        "retryable": e.is_retryable(),
        "message": e.to_string(),
    })
}

fn time_summary(t: &Time) -> String {
    let mut s = format!(
        "took {:.3} s, {:.3} s in the method, started {}",
        t.duration, t.processing, t.date_start
    );
    if let Some(operating) = t.operating {
        s.push_str(&format!(
            ", {operating:.1} s of the method's time budget used"
        ));
    }
    if let Some(reset) = t.operating_reset_at {
        s.push_str(&format!(", part of it frees up at Unix time {reset:.0}"));
    }
    s
}

/// Prints the client's events on stderr (stdout stays the command's own output): at `-v` the
/// waits, retries and renewals, at `-vv` every request too; one JSON object per line with
/// `--json`.
pub fn event_printer(verbose: u8, as_json: bool) -> impl Fn(&b24kit::Event) + Send + Sync {
    let quietest = if verbose >= 2 {
        log::Level::Debug
    } else {
        log::Level::Info
    };
    move |event| {
        if event.level() > quietest {
            return;
        }
        let line = if as_json {
            json!({"event": event.kind(), "message": event.to_string()}).to_string()
        } else {
            format!("b24kit: {event}")
        };
        let _ = writeln!(std::io::stderr(), "{line}");
    }
}
