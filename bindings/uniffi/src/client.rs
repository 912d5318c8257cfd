//! The exported `Client`: construction from a webhook or OAuth settings, and the one call path
//! the generated methods use.

use std::sync::Arc;
use std::time::Duration;

use b24kit::{ClientBuilder, ConfigProblem, Error as CoreError, Method, RetryPolicy};

use crate::generated::B24kitError;

/// Settings of a client; every field is optional.
#[derive(uniffi::Record, Default, Clone)]
pub struct ClientOptions {
    /// How long a whole call may take, in milliseconds (default 65 000: the portal's 60 s limit
    /// plus the network).
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// How long opening a connection may take, in milliseconds (default 10 000).
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// The largest answer accepted, in bytes (default 8 MiB).
    #[uniffi(default = None)]
    pub max_response_bytes: Option<u64>,
    /// Replaces `b24kit-uniffi/<version>`; name your app.
    #[uniffi(default = None)]
    pub user_agent: Option<String>,
    /// One more trusted root certificate (PEM), e.g. for an on-premise portal.
    #[uniffi(default = None)]
    pub root_certificate_pem: Option<String>,
    /// The portal's request-intensity limit to pace calls by, so that they wait for a slot
    /// instead of failing with `QUERY_LIMIT_EXCEEDED` (default `RateLimit.Standard`).
    #[uniffi(default = None)]
    pub rate_limit: Option<RateLimit>,
    /// How failed calls are tried again (default: 4 attempts, backoff from 500 ms to 10 s).
    #[uniffi(default = None)]
    pub retry: Option<RetryOptions>,
}

/// The request-intensity limit a client paces itself by (a leaky bucket), shared by every call
/// of the client.
#[derive(uniffi::Enum, Clone, Copy, Debug, PartialEq)]
pub enum RateLimit {
    /// Every plan but Enterprise: a burst of 50, then 2 requests per second.
    Standard,
    /// Enterprise: a burst of 250, then 5 requests per second.
    Enterprise,
    /// Other values (an on-premise portal's, a test's).
    Custom { burst: f64, drain_per_second: f64 },
    /// No pacing: every call goes at once.
    Off,
}

/// How failed calls are tried again; absent fields keep the defaults.
#[derive(uniffi::Record, Default, Clone, Copy, Debug, PartialEq)]
pub struct RetryOptions {
    /// Attempts in all, the first included (default 4; 1 never retries).
    #[uniffi(default = None)]
    pub max_attempts: Option<u32>,
    /// The wait before the first retry, doubling for each further one (default 500 ms).
    #[uniffi(default = None)]
    pub initial_backoff_ms: Option<u64>,
    /// The longest wait between attempts (default 10 000 ms).
    #[uniffi(default = None)]
    pub max_backoff_ms: Option<u64>,
    /// Never retry past this many milliseconds after the call started (default: none).
    #[uniffi(default = None)]
    pub deadline_ms: Option<u64>,
}

fn retry_policy(options: &RetryOptions) -> Result<RetryPolicy, CoreError> {
    RetryPolicy::from_settings(
        options.max_attempts,
        options.initial_backoff_ms.map(Duration::from_millis),
        options.max_backoff_ms.map(Duration::from_millis),
        options.deadline_ms.map(Duration::from_millis),
    )
}

/// Receives each renewed token pair, so the app can store it (in the Keychain, say). Called on
/// b24kit's I/O thread; do not block it or call the client from it.
#[uniffi::export(with_foreign)]
pub trait TokenListener: Send + Sync {
    fn on_tokens_refreshed(&self, tokens: Arc<Tokens>);
}

/// A renewed token pair. Store `refreshToken()` in place of the old one. Its description shows
/// neither token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Tokens(b24kit::Tokens);

#[uniffi::export]
impl Tokens {
    pub fn access_token(&self) -> String {
        self.0.access_token.clone()
    }

    pub fn refresh_token(&self) -> String {
        self.0.refresh_token.clone()
    }

    /// Unix time at which the access token expires, when the server said.
    pub fn expires(&self) -> Option<i64> {
        self.0.expires
    }

    /// The access token's lifetime in seconds, when the server said.
    pub fn expires_in(&self) -> Option<i64> {
        self.0.expires_in
    }

    /// The portal's REST base, when the server said.
    pub fn client_endpoint(&self) -> Option<String> {
        self.0.client_endpoint.clone()
    }
}

impl std::fmt::Display for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tokens(access token ***, refresh token ***, expires {:?})",
            self.0.expires
        )
    }
}

/// What renewing an expired OAuth access token needs. An object rather than a record, so that
/// its string form never shows the client secret or the refresh token.
#[derive(uniffi::Object)]
pub struct TokenRefresh {
    client_id: String,
    client_secret: String,
    refresh_token: String,
    oauth_server: Option<String>,
    listener: Option<Arc<dyn TokenListener>>,
}

#[uniffi::export]
impl TokenRefresh {
    /// The application's id and secret and the refresh token; `oauthServer` replaces the
    /// documented server's URL; `listener` receives each renewed pair.
    #[uniffi::constructor(default(oauth_server = None, listener = None))]
    pub fn new(
        client_id: String,
        client_secret: String,
        refresh_token: String,
        oauth_server: Option<String>,
        listener: Option<Arc<dyn TokenListener>>,
    ) -> Arc<TokenRefresh> {
        Arc::new(TokenRefresh {
            client_id,
            client_secret,
            refresh_token,
            oauth_server,
            listener,
        })
    }
}

/// A Bitrix24 client. Create one and reuse it: it keeps connections alive, and any number of calls
/// may be in flight at once. Its description never shows the webhook key or the token. Kotlin's
/// `close()` (or `use { }`) and Swift's release free it and its connections.
#[derive(uniffi::Object)]
pub struct Client {
    label: String,
    inner: b24kit::Client,
}

fn apply_refresh(builder: ClientBuilder, refresh: &TokenRefresh) -> ClientBuilder {
    let mut builder = builder.refresh_token(
        refresh.client_id.clone(),
        &refresh.client_secret,
        &refresh.refresh_token,
    );
    if let Some(server) = &refresh.oauth_server {
        builder = builder.oauth_server(server.clone());
    }
    if let Some(listener) = refresh.listener.clone() {
        builder = builder.on_tokens_refreshed(move |tokens| {
            let tokens = Arc::new(Tokens(tokens.clone()));
            // A listener that throws must not take the call (or the app) down with it.
            let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                listener.on_tokens_refreshed(tokens)
            }));
            if delivered.is_err() {
                log::warn!(target: "b24kit", "the token listener failed");
            }
        });
    }
    builder
}

fn configure(
    mut builder: ClientBuilder,
    options: &ClientOptions,
) -> Result<ClientBuilder, CoreError> {
    let millis = |ms: u64, name: &'static str| {
        if ms == 0 {
            Err(CoreError::InvalidConfig(ConfigProblem::InvalidLimit {
                name,
            }))
        } else {
            Ok(Duration::from_millis(ms))
        }
    };
    if let Some(ms) = options.timeout_ms {
        builder = builder.timeout(millis(ms, "timeout")?);
    }
    if let Some(ms) = options.connect_timeout_ms {
        builder = builder.connect_timeout(millis(ms, "connect timeout")?);
    }
    if let Some(bytes) = options.max_response_bytes {
        builder = builder.max_response_bytes(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    builder = builder.user_agent(
        options
            .user_agent
            .clone()
            .unwrap_or_else(|| concat!("b24kit-uniffi/", env!("CARGO_PKG_VERSION")).to_string()),
    );
    if let Some(pem) = &options.root_certificate_pem {
        builder = builder.add_root_certificate_pem(pem.clone());
    }
    builder = match options.rate_limit {
        None | Some(RateLimit::Standard) => builder.rate_limit(Some(b24kit::RateLimit::STANDARD)),
        Some(RateLimit::Enterprise) => builder.rate_limit(Some(b24kit::RateLimit::ENTERPRISE)),
        Some(RateLimit::Custom {
            burst,
            drain_per_second,
        }) => builder.rate_limit(Some(b24kit::RateLimit::new(burst, drain_per_second)?)),
        Some(RateLimit::Off) => builder.rate_limit(None),
    };
    if let Some(retry) = &options.retry {
        builder = builder.retry(retry_policy(retry)?);
    }
    Ok(builder)
}

impl Client {
    fn build(builder: ClientBuilder, options: &ClientOptions) -> Result<Arc<Client>, B24kitError> {
        let client = configure(builder, options).and_then(ClientBuilder::build)?;
        Ok(Arc::new(Client {
            label: client.to_string(),
            inner: client,
        }))
    }

    /// Runs calls through `batch`: one outcome per call, in order. A panic fails every call
    /// with `B24kitError.Internal`.
    pub(crate) async fn batch<M: Method + 'static>(
        &self,
        calls: Vec<M>,
        halt: bool,
    ) -> Vec<Result<b24kit::Response<M::Output>, B24kitError>> {
        let count = calls.len();
        match b24kit::panic::catch_async(self.inner.batch(calls, halt)).await {
            Ok(items) => items
                .into_iter()
                .map(|item| item.map_err(B24kitError::from))
                .collect(),
            Err(panic) => (0..count)
                .map(|_| Err(B24kitError::internal(&panic)))
                .collect(),
        }
    }

    /// Runs one call; panics become `B24kitError.Internal`, never a crash.
    pub(crate) async fn call<M: Method + 'static>(
        &self,
        params: M,
    ) -> Result<b24kit::Response<M::Output>, B24kitError> {
        match b24kit::panic::catch_async(self.inner.call(params)).await {
            Ok(outcome) => outcome.map_err(B24kitError::from),
            Err(panic) => Err(B24kitError::internal(&panic)),
        }
    }
}

#[uniffi::export]
impl Client {
    /// A client for an inbound webhook, `https://<portal>/rest/<user id>/<key>/`.
    #[uniffi::constructor(default(options))]
    pub fn from_webhook(url: String, options: ClientOptions) -> Result<Arc<Client>, B24kitError> {
        Client::build(b24kit::Client::webhook(url), &options)
    }

    /// A client for an OAuth application: the portal's REST base (`https://<portal>/rest/`) and
    /// an access token. With `refresh`, an expired token is renewed once (however many calls
    /// meet the expiry together) and the call repeated.
    #[uniffi::constructor(default(refresh = None, options))]
    pub fn from_oauth(
        endpoint: String,
        access_token: String,
        options: ClientOptions,
        refresh: Option<Arc<TokenRefresh>>,
    ) -> Result<Arc<Client>, B24kitError> {
        let mut builder = b24kit::Client::oauth(endpoint, access_token);
        if let Some(refresh) = &refresh {
            builder = apply_refresh(builder, refresh);
        }
        Client::build(builder, &options)
    }

    /// This client with another retry policy, sharing connections, rate limiter and token.
    pub fn with_retry(&self, retry: RetryOptions) -> Result<Arc<Client>, B24kitError> {
        let policy = retry_policy(&retry)?;
        Ok(Arc::new(Client {
            label: self.label.clone(),
            inner: self.inner.with_retry(policy),
        }))
    }

    /// The portal and the kind of credential; never the key or the token.
    pub fn description(&self) -> String {
        self.label.clone()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Test hook, not API: a call that panics inside the core. It fails with
    /// `B24kitError.Internal`, and the client keeps working.
    pub async fn panic_for_tests(&self) -> Result<bool, B24kitError> {
        self.call(b24kit::panic::PanicProbe)
            .await
            .map(|answer| answer.result)
    }
}
