//! [`Client`], the async entry point, and [`ClientBuilder`]. A call waits for its turn (the
//! operating budget, then the rate limiter), makes an attempt, and on failure either renews an
//! expired OAuth token, retries after a backoff, or returns the error.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::error::{ArgumentProblem, ConfigProblem, TransportErrorKind};
use crate::limiter::{Bucket, RateLimit};
use crate::method::Method;
use crate::oauth::{RefreshSettings, TokenCallback, TokenStore, Tokens, DEFAULT_OAUTH_SERVER};
use crate::operating::{OperatingBudget, OperatingTracker};
use crate::retry::{self, RetryPolicy};
use crate::secret::Secret;
use crate::transport::{RawAnswer, Transport, TransportSettings};
use crate::{blocking, envelope, Error, Response, SystemError};

/// The portal interrupts a request after 60 s; 5 s more covers the network.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(65);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bitrix24 answers for single calls are a few KiB; anything near this is not one.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// An async Bitrix24 client for one portal and one set of credentials.
///
/// Cloning is cheap; clones share one connection pool, one rate limiter and one OAuth token.
/// Create one client and reuse it. `Debug` shows the portal but never the webhook key or a token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Separate from `inner` so that a client for another runtime can share everything else
    /// (see [`Client::with_own_connections`]).
    transport: Arc<Transport>,
    retry: RetryPolicy,
}

/// What every clone shares, whatever runtime it runs on.
struct Inner {
    endpoint: Endpoint,
    /// How to open another connection pool.
    transport_settings: TransportSettings,
    /// The OAuth access token (and how to renew it); `None` for webhooks.
    tokens: Option<TokenStore>,
    limiter: Option<Bucket>,
    operating: Option<OperatingTracker>,
}

impl Inner {
    /// Every secret that server-provided text is scrubbed of.
    fn secrets(&self) -> Vec<Secret> {
        match &self.tokens {
            Some(tokens) => tokens.secrets(),
            None => self.endpoint.secrets(),
        }
    }
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

    /// This client with another retry policy, for the calls made through the returned clone
    /// (which shares everything else).
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        Client {
            inner: self.inner.clone(),
            transport: self.transport.clone(),
            retry: policy,
        }
    }

    /// A clone with a connection pool of its own, sharing the rate limiter, the execution-time
    /// budget and the OAuth token. Connections belong to the runtime that opened them; a caller
    /// that drives calls from several runtimes (one per thread, say) needs one pool per runtime.
    pub fn with_own_connections(&self) -> Result<Client, Error> {
        Ok(Client {
            inner: self.inner.clone(),
            transport: Arc::new(Transport::new(self.inner.transport_settings.clone())?),
            retry: self.retry,
        })
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    pub(crate) fn operating(&self) -> Option<&OperatingTracker> {
        self.inner.operating.as_ref()
    }

    /// Calls any method through its parameter type. The generated per-method functions
    /// (`client.imopenlines_session_mode_silent(…)`) are shorthands for this.
    pub async fn call<M: Method>(&self, params: M) -> Result<Response<M::Output>, Error> {
        params.validate()?;
        let encode = |auth: Option<&str>| encode_body(M::NAME, &params, auth);
        let decode = |answer: RawAnswer, secrets: &[Secret], received: Instant| {
            let response = envelope::decode::<M>(answer, secrets)?;
            if let Some(operating) = &self.inner.operating {
                operating.record(M::NAME, &response.time, received);
            }
            Ok(response)
        };
        self.send(M::NAME, M::NAME, M::IDEMPOTENT, &encode, &decode)
            .await
    }

    /// One exchange with waits, retries and token renewal. `budget_method` is the method whose
    /// execution-time budget the request spends (for a batch, its commands' method).
    pub(crate) async fn send<T>(
        &self,
        url_method: &'static str,
        budget_method: &'static str,
        idempotent: bool,
        encode: &Encode<'_>,
        decode: &Decode<'_, T>,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = self.retry.get_deadline().map(|d| started + d);
        let url = inner.endpoint.method_url(url_method);
        let mut attempt = 1;
        let mut renewed = false;
        let mut last_error: Option<Error> = None;
        loop {
            if !self.wait_for_turn(budget_method, deadline).await {
                return Err(last_error.unwrap_or_else(|| deadline_passed(started)));
            }
            let timeout = match deadline {
                Some(d) => d.saturating_duration_since(Instant::now()),
                None => self.transport.timeout(),
            }
            .min(self.transport.timeout());
            if timeout.is_zero() {
                return Err(last_error.unwrap_or_else(|| deadline_passed(started)));
            }
            // The deadline, not the client's timeout, bounds this attempt.
            let cut_by_deadline = timeout < self.transport.timeout();
            let token = inner.tokens.as_ref().map(TokenStore::current);
            let body = encode(token.as_ref().map(|(t, _)| t.expose()))?;
            let secrets = inner.secrets();
            let outcome = match self
                .transport
                .post(&url, "application/json", body, timeout, &secrets)
                .await
            {
                Ok(answer) => {
                    log::debug!(target: "b24kit", "{url_method} answered HTTP {} (attempt {attempt}, {:?})", answer.status, started.elapsed());
                    decode(answer, &secrets, Instant::now())
                }
                Err(e) => Err(e),
            };
            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            log::debug!(target: "b24kit", "{url_method} failed (attempt {attempt}, {:?}): {error}", started.elapsed());
            if cut_by_deadline
                && matches!(
                    error,
                    Error::Transport {
                        kind: TransportErrorKind::Timeout,
                        ..
                    }
                )
            {
                // Our own deadline ended this attempt; an earlier attempt's failure says more
                // about why the call failed than "timed out" does.
                return Err(last_error.unwrap_or(error));
            }
            if let (Some(tokens), Some((_, generation))) = (&inner.tokens, &token) {
                if !renewed && tokens.can_refresh() && is_system(&error, SystemError::ExpiredToken)
                {
                    renewed = true;
                    tokens
                        .refresh(*generation, &self.transport, timeout)
                        .await?;
                    continue;
                }
            }
            if is_system(&error, SystemError::QueryLimitExceeded) {
                if let Some(limiter) = &inner.limiter {
                    limiter.mark_full(Instant::now());
                }
            }
            if attempt >= self.retry.get_max_attempts()
                || !retry::worth_retrying(&error, idempotent)
            {
                return Err(error);
            }
            let wait = match (
                &inner.operating,
                is_system(&error, SystemError::OperationTimeLimit),
            ) {
                (Some(operating), true) => {
                    operating.wait_after_refusal(budget_method, Instant::now())
                }
                _ => self.retry.backoff_before(attempt),
            };
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                return Err(error);
            }
            log::debug!(target: "b24kit", "{url_method}: retrying in {wait:?}");
            tokio::time::sleep(wait).await;
            last_error = Some(error);
            attempt += 1;
        }
    }

    /// Waits until the method's budget and the rate limiter let a request go; `false` when that
    /// would be after the deadline.
    async fn wait_for_turn(&self, method: &str, deadline: Option<Instant>) -> bool {
        let inner = &*self.inner;
        if let Some(operating) = &inner.operating {
            let hold = operating.wait_before(method, Instant::now());
            if !hold.is_zero() {
                if deadline.is_some_and(|d| Instant::now() + hold >= d) {
                    return false;
                }
                log::debug!(target: "b24kit", "{method} is near its execution-time budget; waiting {hold:?} for the portal to release some");
                tokio::time::sleep(hold).await;
            }
        }
        match &inner.limiter {
            Some(limiter) => limiter.acquire_before(deadline).await,
            None => true,
        }
    }
}

/// Builds a request body, given the current OAuth token (none for webhooks).
pub(crate) type Encode<'a> = dyn Fn(Option<&str>) -> Result<Vec<u8>, Error> + Sync + 'a;

/// Reads an answer that arrived at the given instant, scrubbing the given secrets.
pub(crate) type Decode<'a, T> =
    dyn Fn(RawAnswer, &[Secret], Instant) -> Result<T, Error> + Sync + 'a;

fn is_system(error: &Error, which: SystemError) -> bool {
    matches!(error, Error::System { error, .. } if *error == which)
}

fn deadline_passed(started: Instant) -> Error {
    Error::Transport {
        kind: TransportErrorKind::Timeout,
        may_have_reached_server: false,
        detail: format!(
            "the call's deadline passed after {:?} before a request could be sent",
            started.elapsed()
        ),
    }
}

fn encode_body<P: Serialize>(
    method: &'static str,
    params: &P,
    auth: Option<&str>,
) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(&Body { params, auth }).map_err(|e| Error::InvalidArgument {
        parameter: method,
        problem: ArgumentProblem::NotEncodable {
            reason: e.to_string(),
        },
    })
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
            .field(
                "rate_limit",
                &self.inner.limiter.as_ref().map(Bucket::limit),
            )
            .field("retry", &self.retry)
            .finish()
    }
}

/// The request body: the method's parameters plus, for OAuth, the `auth` token.
#[derive(Serialize)]
pub(crate) struct Body<'a, P: Serialize> {
    #[serde(flatten)]
    pub(crate) params: &'a P,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) auth: Option<&'a str>,
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
    rate_limit: Option<RateLimit>,
    operating_budget: Option<OperatingBudget>,
    retry: RetryPolicy,
    refresh: Option<RefreshSettings>,
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
            rate_limit: Some(RateLimit::STANDARD),
            operating_budget: Some(OperatingBudget::default()),
            retry: RetryPolicy::default(),
            refresh: None,
        }
    }

    /// The portal's request-intensity limit to stay under (default [`RateLimit::STANDARD`]);
    /// `None` sends every call at once. Clones of the client share one limiter.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The per-method execution-time budget to stay under (default
    /// [`OperatingBudget::default`]); `None` ignores `time.operating`.
    pub fn operating_budget(mut self, budget: Option<OperatingBudget>) -> Self {
        self.operating_budget = budget;
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Renews the access token when the portal says it expired: the application's client id
    /// and secret and the refresh token. The client secret and the tokens are only ever sent to
    /// the OAuth server (and the access token to the portal).
    pub fn refresh_token(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl AsRef<str>,
        refresh_token: impl AsRef<str>,
    ) -> Self {
        let callback = self.refresh.as_ref().and_then(|r| r.callback.clone());
        let server = self.refresh.as_ref().map(|r| r.server.clone());
        self.refresh = Some(RefreshSettings {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret.as_ref()),
            refresh_token: Secret::new(refresh_token.as_ref()),
            server: server.unwrap_or_else(|| DEFAULT_OAUTH_SERVER.to_string()),
            callback,
        });
        self
    }

    /// The OAuth server's token URL (default [`DEFAULT_OAUTH_SERVER`]); call after
    /// [`refresh_token`](Self::refresh_token).
    pub fn oauth_server(mut self, url: impl Into<String>) -> Self {
        if let Some(refresh) = &mut self.refresh {
            refresh.server = url.into();
        }
        self
    }

    /// Called with every renewed token pair, so the application can store it; call after
    /// [`refresh_token`](Self::refresh_token). It runs on the I/O thread that did the refresh.
    pub fn on_tokens_refreshed(
        mut self,
        callback: impl Fn(&Tokens) + Send + Sync + 'static,
    ) -> Self {
        let callback: TokenCallback = Arc::new(callback);
        if let Some(refresh) = &mut self.refresh {
            refresh.callback = Some(callback);
        }
        self
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
        let transport_settings = TransportSettings {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            user_agent: self.user_agent,
            root_certificates,
            bypass_proxy: endpoint.loopback,
        };
        let transport = Arc::new(Transport::new(transport_settings.clone())?);
        let tokens = match (endpoint.auth_field(), self.refresh) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(Error::InvalidConfig(ConfigProblem::RefreshWithoutOAuth));
            }
            (Some(access), refresh) => {
                if let Some(refresh) = &refresh {
                    check_refresh_settings(refresh)?;
                }
                Some(TokenStore::new(Secret::new(access), refresh))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                endpoint,
                transport_settings,
                tokens,
                limiter: self.rate_limit.map(Bucket::new),
                operating: self.operating_budget.map(OperatingTracker::new),
            }),
            transport,
            retry: self.retry,
        })
    }

    /// Builds a [`blocking::Client`] for code without an async runtime.
    pub fn build_blocking(self) -> Result<blocking::Client, Error> {
        self.build().map(blocking::Client::from)
    }
}

fn check_refresh_settings(refresh: &RefreshSettings) -> Result<(), Error> {
    for (value, name) in [
        (refresh.client_id.as_str(), "client id"),
        (refresh.client_secret.expose(), "client secret"),
        (refresh.refresh_token.expose(), "refresh token"),
    ] {
        if value.trim().is_empty() {
            return Err(Error::InvalidConfig(ConfigProblem::EmptyCredential {
                name,
            }));
        }
    }
    crate::endpoint::check_https(&refresh.server)
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .field("refreshes_tokens", &self.refresh.is_some())
            .finish_non_exhaustive()
    }
}
