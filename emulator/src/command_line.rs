//! The emulator's command line: options, start-up, the banner and waiting for a signal. The
//! `b24kit-emulator` binary is this module; the Python and Node packages run the same command line
//! from their native libraries (`python -m b24kit.emulator`, `npx b24kit-emulator`), so the emulator
//! travels with them and takes the same options everywhere.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

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
        T: Into<OsString>,
    {
        match Args::parse(args) {
            Ok(args) => Ok(CommandLine { args }),
            Err(Stop::Printed) => Err(0),
            Err(Stop::Bad(message)) => {
                eprintln!("error: {message}\n\nUsage: b24kit-emulator [OPTIONS]\n\nFor more information, try '--help'.");
                Err(2)
            }
        }
    }

    /// Reads the options, starts the portal and announces it: what a host that waits in its own
    /// way runs before waiting (Node, whose own signal handlers a handler of ours would fight).
    /// `Err` is the exit status of a command that ended by itself (`--help`, a bad option, a port in use).
    pub fn start_from<I, T>(args: I) -> Result<Emulator, u8>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
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

/// The emulator's options.
struct Args {
    port: u16,
    host: IpAddr,
    state: Option<PathBuf>,
    rate_limit: LimitArg,
    tls: bool,
    cert_out: Option<PathBuf>,
    log: bool,
    threads: usize,
    idle_timeout_ms: Option<u64>,
    require_https: bool,
    ready_json: bool,
}

const HELP: &str = "\
A local Bitrix24 portal for tests, demos and benchmarks.

Usage: b24kit-emulator [OPTIONS]

Options:
      --port <PORT>              Port to listen on; 0 picks a free one [default: 0]
      --host <HOST>              Address to listen on [default: 127.0.0.1]
      --state <FILE>             Portal state to start from (JSON; see the README);
                                 default: the built-in demo state
      --rate-limit <LIMIT>       Request-intensity limit: standard (burst 50, 2/s),
                                 enterprise (250, 5/s), off, or BURST/RATE, e.g. 10/50
                                 [default: standard]
      --tls                      Serve HTTPS with a self-signed certificate generated at start-up
      --cert-out <FILE>          Where to write the certificate (PEM) when serving TLS
      --log                      Print one line per request to stderr
      --threads <N>              Threads serving requests [default: 2]
      --idle-timeout-ms <MS>     Close keep-alive connections idle this many milliseconds
                                 (default: keep them)
      --require-https            Refuse webhooks over plain HTTP, as portals do (use with --tls)
      --ready-json               Print one JSON line with the URLs instead of the human banner
                                 (for test fixtures)
  -h, --help                     Print help
  -V, --version                  Print version
";

/// What reading the command line came to, when it is not options to run with.
enum Stop {
    /// `--help` or `--version`: its text was printed.
    Printed,
    /// A bad option: the message to print.
    Bad(String),
}

impl Args {
    /// Options from a command line (its first item is the program's name). A hand-written
    /// reader rather than clap: the emulator travels in the Python module and the Node addon,
    /// where clap weighed about 160 KB of each for these eleven options.
    fn parse<T: Into<OsString>>(args: impl IntoIterator<Item = T>) -> Result<Args, Stop> {
        let mut out = Args {
            port: 0,
            host: IpAddr::from([127, 0, 0, 1]),
            state: None,
            rate_limit: LimitArg(Some(RateLimit::STANDARD)),
            tls: false,
            cert_out: None,
            log: false,
            threads: 2,
            idle_timeout_ms: None,
            require_https: false,
            ready_json: false,
        };
        let mut args = args.into_iter().map(Into::into).skip(1);
        while let Some(arg) = args.next() {
            let arg = arg
                .into_string()
                .map_err(|a| Stop::Bad(format!("unexpected argument '{}'", a.to_string_lossy())))?;
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_string(), Some(value.to_string()))
                }
                _ => (arg, None),
            };
            let mut value = |what: &str| -> Result<String, Stop> {
                match inline.clone() {
                    Some(value) => Ok(value),
                    None => args
                        .next()
                        .and_then(|v| v.into_string().ok())
                        .ok_or_else(|| {
                            Stop::Bad(format!("a value is required for '{name} <{what}>'"))
                        }),
                }
            };
            match name.as_str() {
                "-h" | "--help" => {
                    print!("{HELP}");
                    return Err(Stop::Printed);
                }
                "-V" | "--version" => {
                    println!("b24kit-emulator {}", env!("CARGO_PKG_VERSION"));
                    return Err(Stop::Printed);
                }
                "--port" => out.port = parsed(&name, &value("PORT")?)?,
                "--host" => out.host = parsed(&name, &value("HOST")?)?,
                "--state" => out.state = Some(PathBuf::from(value("FILE")?)),
                "--rate-limit" => {
                    let text = value("LIMIT")?;
                    out.rate_limit = parse_limit(&text).map_err(|e| {
                        Stop::Bad(format!(
                            "invalid value '{text}' for '--rate-limit <LIMIT>': {e}"
                        ))
                    })?;
                }
                "--cert-out" => out.cert_out = Some(PathBuf::from(value("FILE")?)),
                "--threads" => out.threads = parsed(&name, &value("N")?)?,
                "--idle-timeout-ms" => out.idle_timeout_ms = Some(parsed(&name, &value("MS")?)?),
                flag @ ("--tls" | "--log" | "--require-https" | "--ready-json") => {
                    if inline.is_some() {
                        return Err(Stop::Bad(format!("'{flag}' takes no value")));
                    }
                    match flag {
                        "--tls" => out.tls = true,
                        "--log" => out.log = true,
                        "--require-https" => out.require_https = true,
                        _ => out.ready_json = true,
                    }
                }
                other => return Err(Stop::Bad(format!("unexpected argument '{other}'"))),
            }
        }
        if out.cert_out.is_some() && !out.tls {
            return Err(Stop::Bad("'--cert-out' requires '--tls'".to_string()));
        }
        Ok(out)
    }
}

/// An option's value of a type that parses from text (a number, an address).
fn parsed<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, Stop>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| Stop::Bad(format!("invalid value '{text}' for '{name}': {e}")))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &[&str]) -> Result<Args, String> {
        Args::parse(std::iter::once("b24kit-emulator").chain(line.iter().copied())).map_err(
            |stop| match stop {
                Stop::Printed => "printed".to_string(),
                Stop::Bad(message) => message,
            },
        )
    }

    #[test]
    fn defaults_and_both_spellings_of_a_value() {
        let args = parse(&[]).unwrap();
        assert_eq!((args.port, args.threads, args.tls), (0, 2, false));
        assert!(args.rate_limit.0.is_some());
        let args = parse(&[
            "--port=8080",
            "--rate-limit",
            "10/50",
            "--tls",
            "--cert-out",
            "c.pem",
        ])
        .unwrap();
        assert_eq!(args.port, 8080);
        let limit = args.rate_limit.0.unwrap();
        assert_eq!((limit.burst, limit.drain_per_second), (10.0, 50.0));
        assert_eq!(args.cert_out, Some(PathBuf::from("c.pem")));
        assert!(parse(&["--rate-limit", "off"])
            .unwrap()
            .rate_limit
            .0
            .is_none());
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        for (line, expected) in [
            (&["--rate-limit", "fast"][..], "BURST/RATE"),
            (&["--port", "http"], "invalid value 'http' for '--port'"),
            (&["--threads"], "a value is required for '--threads <N>'"),
            (&["--cert-out", "c.pem"], "requires '--tls'"),
            (&["--tls=yes"], "'--tls' takes no value"),
            (&["--bogus"], "unexpected argument '--bogus'"),
            (&["extra"], "unexpected argument 'extra'"),
        ] {
            let message = parse(line).err().expect("refused");
            assert!(message.contains(expected), "{line:?}: {message}");
        }
    }
}
