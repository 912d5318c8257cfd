//! `b24kit`: call any Bitrix24 method from the shell, walk a list method, switch silent mode of
//! an open-line dialog, or run the demo. The demo runs against the embedded emulator unless
//! given a webhook; the commands that act on a portal need `--webhook` (or `B24_WEBHOOK_URL`),
//! or `--emulator` to ask for the embedded one.

mod any;
mod demo;
mod params;
mod report;

use std::process::ExitCode;
use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{AnyCall, Client, ImopenlinesSessionModeSilentParams, ListCall};
use b24kit_emulator::{Emulator, EmulatorConfig};
use clap::{Parser, Subcommand, ValueEnum};

use report::{Reporter, EXIT_USAGE};

const AFTER_HELP: &str = "\
`b24kit` alone runs the demo against its embedded Bitrix24 emulator on 127.0.0.1, with nothing to
set up. The commands that act on a portal (call, list, silent) need --webhook or B24_WEBHOOK_URL;
--emulator runs them against the embedded emulator instead.

Parameters of call and list: KEY=VALUE (text) with PHP-style keys as in the docs' examples
(filter[>ID]=10, select[]=ID, order[ID]=DESC), KEY:=JSON for other values (ACTIVATE:=true),
or --data '{\"filter\": {\">ID\": 10}}'.

Exit codes: 0 success; 1 the portal refused the call (the error code is printed);
2 bad arguments or settings (nothing was sent); 3 no valid answer (network, timeout, not Bitrix24).";

#[derive(Parser)]
#[command(name = "b24kit", version, about = "Call Bitrix24 REST methods within the portal's limits", after_help = AFTER_HELP)]
struct Args {
    /// Inbound webhook URL of your portal: https://<portal>/rest/<user id>/<key>/
    #[arg(long, env = "B24_WEBHOOK_URL", global = true, hide_env_values = true)]
    webhook: Option<String>,
    /// Use the embedded Bitrix24 emulator (on 127.0.0.1), not a portal.
    #[arg(long, global = true, conflicts_with = "webhook")]
    emulator: bool,
    /// One JSON object per line instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Seconds a call may take in all: waits for the portal's limits, attempts and retries.
    #[arg(long, global = true, default_value_t = 30.0)]
    deadline: f64,
    /// Seconds one attempt may take (the deadline bounds it too).
    #[arg(long, global = true, default_value_t = 65.0)]
    timeout: f64,
    /// Tell on stderr what the client does: -v waits, retries and renewals; -vv every request.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
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
    /// Call any method and print its answer as JSON (result, time, and total/next for lists).
    Call {
        /// The method, e.g. crm.contact.get.
        method: String,
        /// Parameters: KEY=VALUE, KEY[SUB]=VALUE, KEY[]=VALUE, KEY:=JSON.
        params: Vec<String>,
        /// The parameters as one JSON object (KEY=VALUE pairs are added to it).
        #[arg(long, short = 'd')]
        data: Option<String>,
        /// Retry the call after a failure that may have reached the portal (only if repeating
        /// it changes nothing).
        #[arg(long)]
        idempotent: bool,
    },
    /// Walk a list method to its end and print each item as a line of JSON.
    List {
        /// The list method, e.g. crm.contact.list.
        method: String,
        /// Its filter, select, order, …: KEY=VALUE, KEY[SUB]=VALUE, KEY[]=VALUE, KEY:=JSON.
        params: Vec<String>,
        /// The parameters as one JSON object (KEY=VALUE pairs are added to it).
        #[arg(long, short = 'd')]
        data: Option<String>,
        /// Walk by ID (ordered by ID, filtered on >ID, never counted): for large lists.
        #[arg(long)]
        by_id: bool,
        /// The identifier field to walk by (default ID).
        #[arg(long)]
        id_field: Option<String>,
        /// Where the items are when the result is an object (items for crm.item.list).
        #[arg(long)]
        items_key: Option<String>,
        /// Stop after this many items (no further page is fetched).
        #[arg(long)]
        limit: Option<u64>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    On,
    Off,
}

fn main() -> ExitCode {
    let args = Args::parse();
    for (value, flag) in [(args.deadline, "--deadline"), (args.timeout, "--timeout")] {
        if !(value.is_finite() && value > 0.0) {
            eprintln!("b24kit: {flag} must be a positive number of seconds");
            return ExitCode::from(EXIT_USAGE);
        }
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
    let command = args.command.unwrap_or(Command::Demo { chat: None });
    // Only the demo falls back to the emulator: a command that acts on a portal never reports
    // success for a fake one because the environment lost its webhook.
    let embedded =
        args.emulator || (args.webhook.is_none() && matches!(command, Command::Demo { .. }));
    // Keeps the embedded emulator alive until the command ends.
    let mut emulator = None;
    let webhook = match (&args.webhook, embedded) {
        (Some(url), _) => url.clone(),
        (None, true) => match Emulator::start(EmulatorConfig::default()) {
            Ok(started) => {
                if !args.json {
                    eprintln!(
                        "Using the embedded Bitrix24 emulator at {}, not a portal",
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
        (None, false) => {
            eprintln!(
                "b24kit: which portal? Give its webhook with --webhook <url> or B24_WEBHOOK_URL, or --emulator for the embedded emulator"
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut builder = Client::webhook(&webhook)
        .timeout(Duration::from_secs_f64(args.timeout))
        .deadline(Duration::from_secs_f64(args.deadline))
        .user_agent(concat!("b24kit-cli/", env!("CARGO_PKG_VERSION")));
    if args.verbose > 0 {
        builder = builder.on_event(report::event_printer(args.verbose, args.json));
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("b24kit: {e}");
            return ExitCode::from(report::exit_code(&e));
        }
    };

    match command {
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
        Command::Call {
            method,
            params,
            data,
            idempotent,
        } => {
            let params = match params::parse(data.as_deref(), &params) {
                Ok(params) => params,
                Err(e) => return usage(&e),
            };
            let mut call = AnyCall::new(method, params);
            if idempotent {
                call = call.idempotent(true);
            }
            any::call(&client, call, args.json).await
        }
        Command::List {
            method,
            params,
            data,
            by_id,
            id_field,
            items_key,
            limit,
        } => {
            let params = match params::parse(data.as_deref(), &params) {
                Ok(params) => params,
                Err(e) => return usage(&e),
            };
            let list = ListCall::with_options(method, params, by_id, id_field, items_key);
            any::list(&client, list, limit, args.json).await
        }
    }
}

fn usage(e: &params::ParamError) -> ExitCode {
    eprintln!("b24kit: {e}");
    ExitCode::from(EXIT_USAGE)
}
