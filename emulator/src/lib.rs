//! # b24kit-emulator — a local Bitrix24 portal
//!
//! A real HTTP server on 127.0.0.1 that answers like a Bitrix24 portal for the methods b24kit
//! implements: both URL forms (webhook and OAuth), JSON, form and query parameters, the `.json`
//! suffix, the documented success and error bodies with their statuses, the request-intensity
//! limit, and fault injection. Tests in every language, the demo and the benchmarks use it.
//!
//! ```no_run
//! let emulator = b24kit_emulator::Emulator::start(Default::default())?;
//! println!("webhook: {}", emulator.webhook_url());
//! # Ok::<(), std::io::Error>(())
//! ```

#![warn(missing_docs)]

mod batch;
mod clock;
mod command;
mod command_line;
mod control;
mod delivery;
pub mod events;
mod faults;
mod limits;
mod methods;
mod multipart;
mod oauth;
mod operating;
mod php_form;
mod portal;
mod reply;
mod request;
mod rest;
mod server;
pub mod state;
mod tls;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

pub use command_line::CommandLine;
pub use faults::{Fault, FaultRequest};
pub use limits::RateLimit;
pub use methods::{served_methods, ServedMethod};
pub use operating::OperatingLimit;
pub use portal::{Portal, RecordedCall, Stats};
pub use state::PortalState;

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to listen on (default 127.0.0.1).
    pub host: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// What the portal holds at start-up (webhooks, tokens, chats, contacts).
    pub state: PortalState,
    /// The request-intensity limit; `None` turns it off (benchmarks).
    pub rate_limit: Option<RateLimit>,
    /// Serve HTTPS with a self-signed certificate generated at start-up.
    pub tls: bool,
    /// Print one line per request to stderr.
    pub log_requests: bool,
    /// Threads serving requests; 1 runs everything on one thread.
    pub worker_threads: usize,
    /// Closes keep-alive connections idle this long, as portals behind nginx do; `None` keeps
    /// them open.
    pub idle_timeout: Option<std::time::Duration>,
    /// Refuse webhooks over plain HTTP, as portals do (`INVALID_REQUEST` "Https required.").
    pub require_https: bool,
}

impl Default for EmulatorConfig {
    fn default() -> EmulatorConfig {
        EmulatorConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            state: PortalState::default(),
            rate_limit: Some(RateLimit::STANDARD),
            tls: false,
            log_requests: false,
            worker_threads: 1,
            idle_timeout: None,
            require_https: false,
        }
    }
}

/// A running emulator. It serves on its own thread until [`Emulator::shutdown`] or drop.
pub struct Emulator {
    addr: SocketAddr,
    tls_certificate_pem: Option<String>,
    portal: Arc<Portal>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds the port and starts serving; returns once the port accepts connections.
    pub fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        let listener = std::net::TcpListener::bind(SocketAddr::new(config.host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (acceptor, tls_certificate_pem) = if config.tls {
            let (acceptor, pem) = tls::self_signed().map_err(io::Error::other)?;
            (Some(acceptor), Some(pem))
        } else {
            (None, None)
        };
        let portal = Arc::new(Portal::new(
            config.state,
            config.rate_limit,
            config.log_requests,
        ));
        portal.set_require_https(config.require_https);
        let runtime = if config.worker_threads <= 1 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(config.worker_threads)
                .thread_name("b24kit-emulator")
                .enable_all()
                .build()?
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let served = portal.clone();
        let idle_timeout = config.idle_timeout;
        let thread = std::thread::Builder::new()
            .name("b24kit-emulator".to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            server::serve(listener, acceptor, served, idle_timeout, async {
                                let _ = stopped.await;
                            })
                            .await
                        }
                        Err(e) => eprintln!("b24kit-emulator: cannot listen: {e}"),
                    }
                });
            })?;
        Ok(Emulator {
            addr,
            tls_certificate_pem,
            portal,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>/` (or `https://…` with TLS).
    pub fn base_url(&self) -> String {
        let scheme = if self.tls_certificate_pem.is_some() {
            "https"
        } else {
            "http"
        };
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("{scheme}://[{ip}]:{}/", self.addr.port()),
            IpAddr::V4(ip) => format!("{scheme}://{ip}:{}/", self.addr.port()),
        }
    }

    /// The first webhook of the state, ready to use: `<base>rest/<user>/<key>/`.
    pub fn webhook_url(&self) -> String {
        let state = self.portal.state();
        match state.webhooks.first() {
            Some(w) => format!("{}rest/{}/{}/", self.base_url(), w.user_id, w.key),
            None => format!("{}rest/", self.base_url()),
        }
    }

    /// A webhook URL for any user and key (to test wrong keys, for example).
    pub fn webhook_url_for(&self, user_id: i64, key: &str) -> String {
        format!("{}rest/{user_id}/{key}/", self.base_url())
    }

    /// The OAuth REST base, `<base>rest/`, used with a token from the state.
    pub fn oauth_endpoint(&self) -> String {
        format!("{}rest/", self.base_url())
    }

    /// The OAuth server's token URL, `<base>/oauth/token/`: renews tokens with
    /// `grant_type=refresh_token` (see [`state::DEMO_REFRESH_TOKEN`]).
    pub fn oauth_server_url(&self) -> String {
        format!("{}oauth/token/", self.base_url())
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The self-signed certificate (PEM) when serving TLS.
    pub fn tls_certificate_pem(&self) -> Option<&str> {
        self.tls_certificate_pem.as_deref()
    }

    /// State, faults, limits and counts of the running portal.
    pub fn portal(&self) -> &Portal {
        &self.portal
    }

    /// Stops accepting, lets open requests finish (at most 2 s) and joins the server thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
