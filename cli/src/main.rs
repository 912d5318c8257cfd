//! `b24kit`: switch silent mode of a Bitrix24 open-line dialog from the shell, or run the demo.
//! Without `--webhook` (or `B24_WEBHOOK_URL`) every command runs against the embedded emulator.

mod demo;
mod report;

use std::process::ExitCode;
use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{Client, ImopenlinesSessionModeSilentParams};
use b24kit_emulator::{Emulator, EmulatorConfig};
use clap::{Parser, Subcommand, ValueEnum};

use report::{Reporter, EXIT_USAGE};

const AFTER_HELP: &str = "\
Without --webhook or B24_WEBHOOK_URL, b24kit starts its embedded Bitrix24 emulator on 127.0.0.1
and talks to that, so `b24kit` alone runs the demo with nothing to set up.

Exit codes: 0 success; 1 the portal refused the call (the error code is printed);
2 bad arguments or settings (nothing was sent); 3 no valid answer (network, timeout, not Bitrix24).";

#[derive(Parser)]
#[command(name = "b24kit", version, about = "Switch silent mode of a Bitrix24 open-line dialog", after_help = AFTER_HELP)]
struct Args {
    /// Inbound webhook URL of your portal: https://<portal>/rest/<user id>/<key>/
    #[arg(long, env = "B24_WEBHOOK_URL", global = true, hide_env_values = true)]
    webhook: Option<String>,
    /// One JSON object per line instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Seconds a call may take in all.
    #[arg(long, global = true, default_value_t = 30.0)]
    timeout: f64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Switch silent mode on, off again, and show an error case (the default command).
    Demo {
        /// Open-line chat to use on a real portal (the emulator uses its chat 2043).
        #[arg(long)]
        chat: Option<i64>,
    },
    /// Switch silent mode of an open-line chat on or off.
    Silent {
        mode: Mode,
        /// Identifier of the open-line chat.
        #[arg(allow_negative_numbers = true)]
        chat_id: i64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    On,
    Off,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        eprintln!("b24kit: --timeout must be a positive number of seconds");
        return ExitCode::from(EXIT_USAGE);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("b24kit: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let reporter = Reporter { json: args.json };
    // Keeps the embedded emulator alive until the command ends.
    let mut emulator = None;
    let webhook = match &args.webhook {
        Some(url) => url.clone(),
        None => match Emulator::start(EmulatorConfig::default()) {
            Ok(started) => {
                if !args.json {
                    eprintln!(
                        "No --webhook or B24_WEBHOOK_URL given: using the embedded Bitrix24 emulator at {}",
                        started.base_url()
                    );
                }
                let url = started.webhook_url();
                emulator = Some(started);
                url
            }
            Err(e) => {
                eprintln!("b24kit: cannot start the embedded emulator: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let client = match Client::webhook(&webhook)
        .timeout(Duration::from_secs_f64(args.timeout))
        .user_agent(concat!("b24kit-cli/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("b24kit: {e}");
            return ExitCode::from(report::exit_code(&e));
        }
    };

    match args.command.unwrap_or(Command::Demo { chat: None }) {
        Command::Demo { chat } => demo::run(&client, emulator.as_ref(), chat, &reporter).await,
        Command::Silent { mode, chat_id } => {
            let activate = matches!(mode, Mode::On);
            reporter.call(chat_id, activate);
            let outcome = client
                .imopenlines_session_mode_silent(
                    ImopenlinesSessionModeSilentParams::new(chat_id).activate(activate),
                )
                .await;
            reporter.outcome("silent", chat_id, activate, &outcome);
            match outcome {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => ExitCode::from(report::exit_code(&e)),
            }
        }
    }
}
