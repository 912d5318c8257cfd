//! [`Client`], the async entry point, and [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::error::{ArgumentProblem, ConfigProblem};
use crate::method::Method;
use crate::secret::Secret;
use crate::transport::{Transport, TransportSettings};
use crate::{blocking, envelope, Error, Response};

/// The portal interrupts a request after 60 s; 5 s more covers the network.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(65);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bitrix24 answers for single calls are a few KiB; anything near this is not one.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// An async Bitrix24 client for one portal and one set of credentials.
///
/// Cloning is cheap and clones share one connection pool; create one client and reuse it.
/// `Debug` shows the portal but never the webhook key or the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    transport: Transport,
    secrets: Vec<Secret>,
}

impl Client {
    /// Starts a client for an inbound webhook URL, `https://<portal>/rest/<user id>/<key>/`.
    pub fn webhook(url: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder::new(Endpoint::webhook(url.as_ref()))
    }

    /// Starts a client for an OAuth application: the portal's REST base
    /// (`https://<portal>/rest/`, the `client_endpoint` of the token answer) and an access token.
    pub fn oauth(endpoint: impl AsRef<str>, access_token: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder::new(Endpoint::oauth(endpoint.as_ref(), access_token.as_ref()))
    }

    /// Calls any method through its parameter type. The generated per-method functions
    /// (`client.imopenlines_session_mode_silent(…)`) are shorthands for this.
    pub async fn call<M: Method>(&self, params: M) -> Result<Response<M::Output>, Error> {
        params.validate()?;
        let inner = &*self.inner;
        let body = serde_json::to_vec(&Body {
            params: &params,
            auth: inner.endpoint.auth_field(),
        })
        .map_err(|e| Error::InvalidArgument {
            parameter: M::NAME,
            problem: ArgumentProblem::NotEncodable {
                reason: e.to_string(),
            },
        })?;
        let started = Instant::now();
        let outcome = match inner
            .transport
            .post_json(&inner.endpoint.method_url(M::NAME), body, &inner.secrets)
            .await
        {
            Ok(answer) => {
                log::debug!(target: "b24kit", "{} answered HTTP {} in {:?}", M::NAME, answer.status, started.elapsed());
                envelope::decode::<M>(answer, &inner.secrets)
            }
            Err(e) => Err(e),
        };
        if let Err(e) = &outcome {
            log::debug!(target: "b24kit", "{} failed after {:?}: {e}", M::NAME, started.elapsed());
        }
        outcome
    }
}

/// The portal and the kind of credential, e.g. `https://p.bitrix24.com/rest/1/***/ (webhook of
/// user 1)`; never the key or the token.
impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner.endpoint, f)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .finish()
    }
}

/// The request body: the method's parameters plus, for OAuth, the `auth` token.
#[derive(Serialize)]
struct Body<'a, P: Serialize> {
    #[serde(flatten)]
    params: &'a P,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<&'a str>,
}

/// Settings of a [`Client`]; start with [`Client::webhook`] or [`Client::oauth`].
///
/// Cloning keeps the settings, so the same client can be built again (after a `fork()`, say).
#[must_use]
#[derive(Clone)]
pub struct ClientBuilder {
    endpoint: Result<Endpoint, Error>,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    user_agent: String,
    root_certificates_pem: Vec<Vec<u8>>,
}

impl ClientBuilder {
    fn new(endpoint: Result<Endpoint, Error>) -> ClientBuilder {
        ClientBuilder {
            endpoint,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: format!("b24kit/{}", env!("CARGO_PKG_VERSION")),
            root_certificates_pem: Vec::new(),
        }
    }

    /// How long opening a connection may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole call may take, from sending to the last byte of the answer
    /// (default 65 s: the portal's own 60 s limit plus the network).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest answer accepted (default 8 MiB); a larger one fails with
    /// [`ProtocolErrorKind::TooLarge`](crate::ProtocolErrorKind::TooLarge).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Replaces the `User-Agent` (default `b24kit/<version>`); the docs recommend naming the
    /// integration, e.g. `my-crm-sync/2.1`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Trusts one more root certificate (PEM), in addition to the system's, e.g. a self-signed
    /// on-premise portal or the emulator's `--tls` certificate.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let endpoint = self.endpoint?;
        for (value, name) in [
            (self.timeout, "timeout"),
            (self.connect_timeout, "connect timeout"),
        ] {
            if value.is_zero() {
                return Err(Error::InvalidConfig(ConfigProblem::InvalidLimit { name }));
            }
        }
        if self.max_response_bytes == 0 {
            return Err(Error::InvalidConfig(ConfigProblem::InvalidLimit {
                name: "max response bytes",
            }));
        }
        let mut root_certificates = Vec::new();
        for pem in &self.root_certificates_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                Error::InvalidConfig(ConfigProblem::InvalidCertificate {
                    reason: e.to_string(),
                })
            })?;
            if certs.is_empty() {
                return Err(Error::InvalidConfig(ConfigProblem::InvalidCertificate {
                    reason: "no PEM certificate found".to_string(),
                }));
            }
            root_certificates.extend(certs);
        }
        let transport = Transport::new(TransportSettings {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            user_agent: self.user_agent,
            root_certificates,
            bypass_proxy: endpoint.loopback,
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                secrets: endpoint.secrets(),
                endpoint,
                transport,
            }),
        })
    }

    /// Builds a [`blocking::Client`] for code without an async runtime.
    pub fn build_blocking(self) -> Result<blocking::Client, Error> {
        self.build().map(blocking::Client::from)
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}
