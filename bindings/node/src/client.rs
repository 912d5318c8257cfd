//! `NativeClient`: the core client behind the JavaScript `Client`: made from the options,
//! shared with `withRetry` and a call's options (time limits, `AbortSignal`), closed. The calls are in `dispatch`; their entry points are
//! generated (`generated.rs`).

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;
use napi_derive::napi;

use b24kit::{ClientBuilder, Span};

use crate::cancel::{Cancel, NativeCancel};
use crate::events::Listener;

use crate::errors::ErrorRecord;
use crate::settings::{self, ClientOptions, RetryOptions};
use crate::tokens::{NativeTokens, Renewed};

/// Counts of what a client has done, for metrics.
#[napi(object)]
pub struct NativeStats {
    pub requests: f64,
    pub answers: f64,
    pub retries: f64,
    pub bucket_waits: f64,
    pub budget_waits: f64,
    pub waited_ms: f64,
    pub token_renewals: f64,
    pub pages: f64,
}

#[napi]
pub struct NativeClient {
    label: String,
    client: Mutex<Option<b24kit::Client>>,
    /// Token pairs renewed since JavaScript last asked (`takeRenewedTokens`).
    renewed: Renewed,
    /// Set on the client of one call with an `AbortSignal` (`withCancel`).
    cancel: Option<Arc<Cancel>>,
}

/// A client, or why it could not be made (the JavaScript side throws the typed error).
/// `on_event`, when given, is told every event of the client on the JavaScript thread.
fn create(
    env: &Env,
    builder: ClientBuilder,
    options: ClientOptions,
    on_event: Option<Unknown<'_>>,
) -> Result<Either<NativeClient, ErrorRecord>> {
    let renewed = Renewed::default();
    let refresh = options.refresh.as_ref().map(|r| renewed.refresh(r));
    let listener = match on_event {
        Some(function) => Some(Listener::new(
            env,
            function,
            crate::dispatch::state(env)?.dispatcher.clone(),
        )?),
        None => None,
    };
    let built = settings::settings(&options, refresh)
        .map(|mut settings| {
            settings.on_event = listener.as_ref().map(Listener::core);
            settings
        })
        .map_err(b24kit::Error::from)
        .and_then(|settings| builder.settings(settings).build());
    Ok(match built {
        Ok(client) => Either::A(NativeClient {
            label: client.to_string(),
            client: Mutex::new(Some(client)),
            renewed,
            cancel: None,
        }),
        Err(e) => Either::B(ErrorRecord::from_core(&e)),
    })
}

/// A client for an inbound webhook URL.
#[napi(catch_unwind)]
pub fn create_webhook_client(
    env: &Env,
    url: String,
    options: ClientOptions,
    on_event: Option<Unknown<'_>>,
) -> Result<Either<NativeClient, ErrorRecord>> {
    create(env, b24kit::Client::webhook(url), options, on_event)
}

/// A client for an OAuth application: the portal's REST base and an access token.
#[napi(catch_unwind)]
pub fn create_oauth_client(
    env: &Env,
    endpoint: String,
    access_token: String,
    options: ClientOptions,
    on_event: Option<Unknown<'_>>,
) -> Result<Either<NativeClient, ErrorRecord>> {
    create(
        env,
        b24kit::Client::oauth(endpoint, access_token),
        options,
        on_event,
    )
}

#[napi]
impl NativeClient {
    /// The portal and the kind of credential; never the key or the token.
    #[napi(getter)]
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// What the client and its clones have done so far; zeros once closed.
    #[napi(getter)]
    pub fn stats(&self) -> NativeStats {
        let stats = self.core().map(|c| c.stats()).unwrap_or_default();
        NativeStats {
            requests: stats.requests as f64,
            answers: stats.answers as f64,
            retries: stats.retries as f64,
            bucket_waits: stats.bucket_waits as f64,
            budget_waits: stats.budget_waits as f64,
            waited_ms: stats.waited.as_secs_f64() * 1000.0,
            token_renewals: stats.token_renewals as f64,
            pages: stats.pages as f64,
        }
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
        Either::A(self.sharing(client))
    }

    /// A client sharing this one's connections, limiter and token, with other time limits
    /// (milliseconds; `undefined` keeps this one's): a call's `timeoutMs` and `deadlineMs`.
    #[napi(catch_unwind)]
    pub fn with_time_limits(
        &self,
        timeout_ms: Option<f64>,
        deadline_ms: Option<f64>,
    ) -> Either<NativeClient, ErrorRecord> {
        let client = match self.core() {
            Ok(client) => client,
            Err(_) => return Either::A(self.sharing(None)),
        };
        match client.with_time_limits(timeout_ms.map(Span::Millis), deadline_ms.map(Span::Millis)) {
            Ok(client) => Either::A(self.sharing(Some(client))),
            Err(problem) => Either::B(ErrorRecord::config(problem)),
        }
    }

    /// This client for the calls of one `AbortSignal`: cancelling `cancel` drops them.
    #[napi]
    pub fn with_cancel(&self, cancel: &NativeCancel) -> NativeClient {
        NativeClient {
            cancel: Some(cancel.0.clone()),
            ..self.sharing(self.core().ok())
        }
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
        self.call(env, probe, |answer| (answer.result, ()))
    }
}

impl NativeClient {
    /// Another JavaScript-side client over `client` (`None` once closed), with this one's
    /// label, renewed tokens and cancel handle.
    fn sharing(&self, client: Option<b24kit::Client>) -> NativeClient {
        NativeClient {
            label: self.label.clone(),
            client: Mutex::new(client),
            renewed: self.renewed.clone(),
            cancel: self.cancel.clone(),
        }
    }

    /// The cancel handle of this client's calls, if it is one call's.
    pub(crate) fn cancel(&self) -> Option<Arc<Cancel>> {
        self.cancel.clone()
    }

    /// The core client, unless closed.
    pub(crate) fn core(&self) -> Result<b24kit::Client> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| Error::from_reason("the client has been closed"))
    }
}
