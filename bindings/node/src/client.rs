//! `NativeClient`: the core client behind the JavaScript `Client`: made from the options,
//! shared with `withRetry`, closed. The calls are in `dispatch`; their entry points are
//! generated (`generated.rs`).

use std::sync::Mutex;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use b24kit::ClientBuilder;

use crate::errors::ErrorRecord;
use crate::settings::{self, ClientOptions, RetryOptions};
use crate::tokens::{NativeTokens, Renewed};

#[napi]
pub struct NativeClient {
    label: String,
    client: Mutex<Option<b24kit::Client>>,
    /// Token pairs renewed since JavaScript last asked (`takeRenewedTokens`).
    renewed: Renewed,
}

/// A client, or why it could not be made (the JavaScript side throws the typed error).
fn create(builder: ClientBuilder, options: ClientOptions) -> Either<NativeClient, ErrorRecord> {
    let renewed = Renewed::default();
    let refresh = options.refresh.as_ref().map(|r| renewed.refresh(r));
    let built = settings::settings(&options, refresh)
        .map_err(b24kit::Error::from)
        .and_then(|settings| builder.settings(settings).build());
    match built {
        Ok(client) => Either::A(NativeClient {
            label: client.to_string(),
            client: Mutex::new(Some(client)),
            renewed,
        }),
        Err(e) => Either::B(ErrorRecord::from_core(&e)),
    }
}

/// A client for an inbound webhook URL.
#[napi(catch_unwind)]
pub fn create_webhook_client(
    url: String,
    options: ClientOptions,
) -> Either<NativeClient, ErrorRecord> {
    create(b24kit::Client::webhook(url), options)
}

/// A client for an OAuth application: the portal's REST base and an access token.
#[napi(catch_unwind)]
pub fn create_oauth_client(
    endpoint: String,
    access_token: String,
    options: ClientOptions,
) -> Either<NativeClient, ErrorRecord> {
    create(b24kit::Client::oauth(endpoint, access_token), options)
}

#[napi]
impl NativeClient {
    /// The portal and the kind of credential; never the key or the token.
    #[napi(getter)]
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// Drops the connection pool; later calls reject.
    #[napi]
    pub fn close(&self) {
        *self.client.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// A client sharing this one's connections, limiter and token, retrying by `retry`.
    #[napi(catch_unwind)]
    pub fn with_retry(&self, retry: RetryOptions) -> Either<NativeClient, ErrorRecord> {
        let policy = match settings::retry_policy(&retry) {
            Ok(policy) => policy,
            Err(problem) => return Either::B(ErrorRecord::config(problem)),
        };
        let client = self
            .client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|c| c.with_retry(policy));
        Either::A(NativeClient {
            label: self.label.clone(),
            client: Mutex::new(client),
            renewed: self.renewed.clone(),
        })
    }

    /// The token pairs renewed since the last call of this, oldest first.
    #[napi]
    pub fn take_renewed_tokens(&self) -> Vec<NativeTokens> {
        self.renewed.take()
    }

    /// Test hook, not API: a call that panics inside the core (`b24kit::panic::PanicProbe`).
    #[napi(js_name = "_panicForTests", catch_unwind)]
    pub fn panic_for_tests<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        let probe = b24kit::panic::PanicProbe::<b24kit::Spec>::new();
        self.call(env, probe, |answer| (answer.result, answer.time.duration))
    }
}

impl NativeClient {
    /// The core client, unless closed.
    pub(crate) fn core(&self) -> Result<b24kit::Client> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| Error::from_reason("the client has been closed"))
    }
}
