//! The emulator's command line: options, start-up, the banner and waiting for a signal. The
//! `b24kit-emulator` binary is this module; the Python and Node packages run the same command line
//! from their native libraries (`python -m b24kit.emulator`, `npx b24kit-emulator`), so the emulator
//! travels with them and takes the same options everywhere.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::{Emulator, EmulatorConfig, PortalState, RateLimit};

/// The emulator's options as given on a command line, checked.
pub struct CommandLine {
    args: Args,
}

impl CommandLine {
    /// Reads the options (the first item is the program's name). `--help` and `--version` print
    /// their text, and a bad option its message, then come back as `Err(exit status)`.
    pub fn parse_from<I, T>(args: I) -> Result<CommandLine, u8>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        match Args::try_parse_from(args) {
            Ok(args) => Ok(CommandLine { args }),
            Err(e) => {
                let _ = e.print();
                Err(u8::try_from(e.exit_code()).unwrap_or(2))
            }
        }
    }

    /// Reads the options, starts the portal and announces it: what a host that waits in its own
    /// way runs before waiting (Node, whose own signal handlers a handler of ours would fight).
    /// `Err` is the exit status of a command that ended by itself (`--help`, a bad option, a port in use).
    pub fn start_from<I, T>(args: I) -> Result<Emulator, u8>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let command = CommandLine::parse_from(args)?;
        let emulator = command.start()?;
        command.announce(&emulator);
        Ok(emulator)
    }

    /// Starts the portal these options describe; a failure is reported on stderr and comes back
    /// as the exit status (2: the options or the state file, 1: the server).
    fn start(&self) -> Result<Emulator, u8> {
        let args = &self.args;
        let state = match &args.state {
            None => PortalState::default(),
            Some(path) => match std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|text| PortalState::from_json(&text))
            {
                Ok(state) => state,
                Err(e) => {
                    eprintln!(
                        "b24kit-emulator: cannot load state from {}: {e}",
                        path.display()
                    );
                    return Err(2);
                }
            },
        };
        let emulator = Emulator::start(EmulatorConfig {
            host: args.host,
            port: args.port,
            state,
            rate_limit: args.rate_limit.0,
            tls: args.tls,
            log_requests: args.log,
            worker_threads: args.threads.max(1),
            idle_timeout: args.idle_timeout_ms.map(std::time::Duration::from_millis),
            require_https: args.require_https,
        })
        .map_err(|e| {
            eprintln!(
                "b24kit-emulator: cannot start on {}:{}: {e}",
                args.host, args.port
            );
            1
        })?;
        if let (Some(path), Some(pem)) = (&args.cert_out, emulator.tls_certificate_pem()) {
            if let Err(e) = std::fs::write(path, pem) {
                eprintln!(
                    "b24kit-emulator: cannot write the certificate to {}: {e}",
                    path.display()
                );
                emulator.shutdown();
                return Err(1);
            }
        }
        Ok(emulator)
    }

    /// Prints where the portal listens and how to reach it: a banner for people, or one JSON line
    /// with `--ready-json`. Whoever reads it may use the portal (or stop it) at once.
    fn announce(&self, emulator: &Emulator) {
        print_banner(emulator, &self.args);
    }

    /// The whole command: starts, announces, serves until SIGINT or SIGTERM (Ctrl-C), stops.
    /// Returns the exit status.
    pub fn run(self) -> u8 {
        let emulator = match self.start() {
            Ok(emulator) => emulator,
            Err(status) => return status,
        };
        // The handlers are in place before the ready line: whoever reads it may stop us at once.
        let waiting = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| {
                let signals = {
                    let _runtime = rt.enter();
                    Signals::listen()
                };
                (rt, signals)
            });
        self.announce(&emulator);
        match waiting {
            Ok((rt, signals)) => rt.block_on(signals.wait()),
            Err(e) => eprintln!("b24kit-emulator: cannot wait for signals: {e}"),
        }
        emulator.shutdown();
        0
    }
}

/// A local Bitrix24 portal for tests, demos and benchmarks.
#[derive(Parser)]
#[command(name = "b24kit-emulator", version)]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Portal state to start from (JSON; see the README); default: the built-in demo state.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Request-intensity limit: `standard` (burst 50, 2/s), `enterprise` (250, 5/s), `off`,
    /// or `BURST/RATE`, e.g. `10/50`.
    #[arg(long, default_value = "standard", value_parser = parse_limit)]
    rate_limit: LimitArg,
    /// Serve HTTPS with a self-signed certificate generated at start-up.
    #[arg(long)]
    tls: bool,
    /// Where to write the certificate (PEM) when serving TLS.
    #[arg(long, requires = "tls")]
    cert_out: Option<PathBuf>,
    /// Print one line per request to stderr.
    #[arg(long)]
    log: bool,
    /// Threads serving requests.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Close keep-alive connections idle this many milliseconds (default: keep them).
    #[arg(long)]
    idle_timeout_ms: Option<u64>,
    /// Refuse webhooks over plain HTTP, as portals do (use with --tls).
    #[arg(long)]
    require_https: bool,
    /// Print one JSON line with the URLs instead of the human banner (for test fixtures).
    #[arg(long)]
    ready_json: bool,
}

#[derive(Clone, Copy)]
struct LimitArg(Option<RateLimit>);

fn parse_limit(text: &str) -> Result<LimitArg, String> {
    match text {
        "standard" => Ok(LimitArg(Some(RateLimit::STANDARD))),
        "enterprise" => Ok(LimitArg(Some(RateLimit::ENTERPRISE))),
        "off" => Ok(LimitArg(None)),
        custom => {
            let (burst, rate) = custom
                .split_once('/')
                .ok_or("expected standard, enterprise, off or BURST/RATE")?;
            let burst: f64 = burst.parse().map_err(|_| "BURST must be a number")?;
            let rate: f64 = rate.parse().map_err(|_| "RATE must be a number")?;
            if burst < 1.0 || rate <= 0.0 {
                return Err("BURST must be at least 1 and RATE above 0".into());
            }
            Ok(LimitArg(Some(RateLimit {
                burst,
                drain_per_second: rate,
            })))
        }
    }
}

fn print_banner(emulator: &Emulator, args: &Args) {
    let state = emulator.portal().state();
    let token = state
        .tokens
        .first()
        .map(|t| t.access_token.clone())
        .unwrap_or_default();
    let refresh_token = state
        .tokens
        .first()
        .and_then(|t| t.refresh_token.clone())
        .unwrap_or_default();
    let app = state.apps.first();
    let client_id = app.map(|a| a.client_id.clone()).unwrap_or_default();
    let client_secret = app.map(|a| a.client_secret.clone()).unwrap_or_default();
    if args.ready_json {
        let line = serde_json::json!({
            "base_url": emulator.base_url(),
            "webhook_url": emulator.webhook_url(),
            "oauth_endpoint": emulator.oauth_endpoint(),
            "access_token": token,
            "oauth_server": emulator.oauth_server_url(),
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
            "control_url": format!("{}_emulator/", emulator.base_url()),
            "application_token": state.application_token,
            "certificate": args.cert_out,
        });
        println!("{line}");
        return;
    }
    println!("b24kit emulator: a local Bitrix24 portal (stop with Ctrl-C)");
    println!("  listening     {}", emulator.base_url());
    println!("  webhook URL   {}", emulator.webhook_url());
    println!(
        "  OAuth         endpoint {}  access token {token}",
        emulator.oauth_endpoint()
    );
    println!(
        "  OAuth server  {}  client {client_id} / {client_secret}  refresh token {refresh_token}",
        emulator.oauth_server_url()
    );
    println!("  control       {}_emulator/", emulator.base_url());
    println!(
        "  events        event.bind to an http:// handler; application token {}",
        state.application_token
    );
    match emulator.portal().rate_limit() {
        Some(l) => println!(
            "  rate limit    burst {}, drains {}/s",
            l.burst, l.drain_per_second
        ),
        None => println!("  rate limit    off"),
    }
    if let Some(path) = &args.cert_out {
        println!("  certificate   {}", path.display());
    }
    for line in state.describe() {
        println!("  {line}");
    }
}

/// SIGTERM and SIGINT, listened for from the moment this is made.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Must run inside a tokio runtime.
    fn listen() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                interrupt: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            let (Some(mut term), Some(mut interrupt)) = (self.term, self.interrupt) else {
                let _ = tokio::signal::ctrl_c().await;
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
