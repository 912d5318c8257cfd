//! The exported `Client`: construction from a webhook or OAuth settings, and the one call path
//! the generated methods use.

use std::sync::Arc;
use std::time::Duration;

use b24kit::{ClientBuilder, ConfigProblem, Error as CoreError, Method};

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
}

/// A Bitrix24 client. Create one and reuse it: it keeps connections alive, and any number of calls
/// may be in flight at once. Its description never shows the webhook key or the token. Kotlin's
/// `close()` (or `use { }`) and Swift's release free it and its connections.
#[derive(uniffi::Object)]
pub struct Client {
    label: String,
    inner: b24kit::Client,
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
    /// an access token.
    #[uniffi::constructor(default(options))]
    pub fn from_oauth(
        endpoint: String,
        access_token: String,
        options: ClientOptions,
    ) -> Result<Arc<Client>, B24kitError> {
        Client::build(b24kit::Client::oauth(endpoint, access_token), &options)
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
