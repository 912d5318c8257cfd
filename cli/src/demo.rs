//! The demo: switch silent mode on, then off, then show how a refused call looks. Against the
//! embedded emulator it also reads the chat back, to show that the mode really changed.

use std::process::ExitCode;

use b24kit::prelude::*;
use b24kit::{Client, Error, ImopenlinesSessionModeSilentParams, Response};
use b24kit_emulator::Emulator;

use crate::report::{self, Reporter, EXIT_USAGE};

/// The docs' example chat, an open line in the emulator's default state.
const EMULATOR_CHAT: i64 = 2043;
/// A chat in the emulator's default state that is not an open line.
const EMULATOR_NOT_AN_OPEN_LINE: i64 = 2044;
/// On a real portal, a chat identifier that no portal has yet.
const PORTAL_MISSING_CHAT: i64 = i32::MAX as i64;

pub async fn run(
    client: &Client,
    emulator: Option<&Emulator>,
    chat: Option<i64>,
    reporter: &Reporter,
) -> ExitCode {
    let (chat, error_chat) = match (emulator, chat) {
        (Some(_), _) => (EMULATOR_CHAT, EMULATOR_NOT_AN_OPEN_LINE),
        (None, Some(chat)) => (chat, PORTAL_MISSING_CHAT),
        (None, None) => {
            eprintln!("b24kit: on a real portal the demo needs --chat <open-line chat id> (it switches that chat's silent mode on and back off)");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    reporter.portal(&client.to_string(), emulator.is_some());

    for (step, activate) in [("on", true), ("off", false)] {
        let outcome = call(client, reporter, step, chat, activate).await;
        if let Some(emulator) = emulator {
            if let Some(c) = emulator.portal().chat(chat) {
                reporter.note(&format!(
                    "emulator: chat {chat} is now {}",
                    if c.silent { "silent" } else { "not silent" }
                ));
            }
        }
        if let Err(e) = outcome {
            return ExitCode::from(report::exit_code(&e));
        }
    }

    if emulator.is_some() {
        reporter.note("expected error: chat 2044 is not an open line");
    } else {
        reporter.note(&format!("expected error: chat {error_chat} does not exist"));
    }
    let outcome = call(
        client,
        reporter,
        report::EXPECTED_ERROR_STEP,
        error_chat,
        true,
    )
    .await;
    match outcome {
        Err(Error::Method { .. }) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(report::exit_code(&e)),
        Ok(_) => {
            eprintln!("b24kit: the error case unexpectedly succeeded");
            ExitCode::FAILURE
        }
    }
}

async fn call(
    client: &Client,
    reporter: &Reporter,
    step: &str,
    chat: i64,
    activate: bool,
) -> Result<Response<bool>, Error> {
    reporter.call(chat, activate);
    let outcome = client
        .imopenlines_session_mode_silent(
            ImopenlinesSessionModeSilentParams::new(chat).activate(activate),
        )
        .await;
    reporter.outcome(step, chat, activate, &outcome);
    outcome
}
