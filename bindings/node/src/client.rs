//! `NativeClient`: the core client behind the JavaScript `Client`. Calls return promises settled
//! by `dispatch`; the per-method entry points are generated (`generated.rs`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use b24kit::{ClientBuilder, ConfigProblem, Error as CoreError, Method, RateLimit, RetryPolicy};

use crate::dispatch::{self, Factories};
use crate::errors::ErrorRecord;
use crate::generated::NativeTime;

#[napi]
pub struct NativeClient {
    label: String,
    client: Mutex<Option<b24kit::Client>>,
    /// Token pairs renewed since JavaScript last asked (`takeRenewedTokens`); shared with the
    /// clients made by `withRetry`.
    renewed: Arc<Mutex<Vec<b24kit::Tokens>>>,
}

/// Client settings from JavaScript; `undefined` keeps the core's default.
#[napi(object)]
pub struct ClientOptions {
    pub timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub max_response_bytes: Option<f64>,
    pub user_agent: Option<String>,
    pub root_certificate_pem: Option<String>,
    /// `true` turns pacing off; otherwise `rate_limit_burst`/`rate_limit_drain_per_second`, or
    /// the standard plan when they are absent.
    pub rate_limit_off: Option<bool>,
    pub rate_limit_burst: Option<f64>,
    pub rate_limit_drain_per_second: Option<f64>,
    pub retry: Option<RetryOptions>,
    pub refresh: Option<RefreshOptions>,
}

/// How failed calls are tried again; absent fields keep the core's defaults.
#[napi(object)]
pub struct RetryOptions {
    pub max_attempts: Option<u32>,
    pub initial_backoff_ms: Option<f64>,
    pub max_backoff_ms: Option<f64>,
    pub deadline_ms: Option<f64>,
}

/// What renewing an OAuth token needs.
#[napi(object)]
pub struct RefreshOptions {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub oauth_server: Option<String>,
}

/// A renewed token pair, handed to JavaScript's `onTokensRefreshed`.
#[napi(object)]
pub struct NativeTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires: Option<i64>,
    pub expires_in: Option<i64>,
    pub client_endpoint: Option<String>,
    pub member_id: Option<String>,
}

fn retry_policy(options: &RetryOptions) -> std::result::Result<RetryPolicy, CoreError> {
    let millis = |value: Option<f64>, name: &'static str| {
        value
            .map(|ms| {
                Duration::try_from_secs_f64(ms / 1000.0)
                    .map_err(|_| CoreError::InvalidConfig(ConfigProblem::InvalidLimit { name }))
            })
            .transpose()
    };
    RetryPolicy::from_settings(
        options.max_attempts,
        millis(options.initial_backoff_ms, "initial backoff")?,
        millis(options.max_backoff_ms, "max backoff")?,
        millis(options.deadline_ms, "deadline")?,
    )
}

fn configure(
    mut builder: ClientBuilder,
    options: &ClientOptions,
) -> std::result::Result<ClientBuilder, CoreError> {
    let millis = |value: f64, name: &'static str| {
        Duration::try_from_secs_f64(value / 1000.0)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or(CoreError::InvalidConfig(ConfigProblem::InvalidLimit {
                name,
            }))
    };
    if let Some(ms) = options.timeout_ms {
        builder = builder.timeout(millis(ms, "timeout")?);
    }
    if let Some(ms) = options.connect_timeout_ms {
        builder = builder.connect_timeout(millis(ms, "connect timeout")?);
    }
    if let Some(bytes) = options.max_response_bytes {
        if !(bytes.is_finite() && bytes >= 1.0) {
            return Err(CoreError::InvalidConfig(ConfigProblem::InvalidLimit {
                name: "max response bytes",
            }));
        }
        builder = builder.max_response_bytes(bytes as usize);
    }
    builder = builder.user_agent(
        options
            .user_agent
            .clone()
            .unwrap_or_else(|| concat!("b24kit-node/", env!("CARGO_PKG_VERSION")).to_string()),
    );
    if let Some(pem) = &options.root_certificate_pem {
        builder = builder.add_root_certificate_pem(pem.clone());
    }
    builder = match (
        options.rate_limit_off,
        options.rate_limit_burst,
        options.rate_limit_drain_per_second,
    ) {
        (Some(true), _, _) => builder.rate_limit(None),
        (_, Some(burst), Some(drain)) => builder.rate_limit(Some(RateLimit::new(burst, drain)?)),
        _ => builder,
    };
    if let Some(retry) = &options.retry {
        builder = builder.retry(retry_policy(retry)?);
    }
    if let Some(refresh) = &options.refresh {
        builder = builder.refresh_token(
            refresh.client_id.clone(),
            &refresh.client_secret,
            &refresh.refresh_token,
        );
        if let Some(server) = &refresh.oauth_server {
            builder = builder.oauth_server(server.clone());
        }
    }
    Ok(builder)
}

/// A client, or why it could not be made (the JavaScript side throws the typed error).
fn create(builder: ClientBuilder, options: ClientOptions) -> Either<NativeClient, ErrorRecord> {
    let renewed: Arc<Mutex<Vec<b24kit::Tokens>>> = Arc::default();
    let sink = renewed.clone();
    let built = configure(builder, &options).and_then(|builder| {
        // JavaScript runs its callback when the call that renewed the token settles.
        let builder = if options.refresh.is_some() {
            builder.on_tokens_refreshed(move |tokens| {
                sink.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(tokens.clone())
            })
        } else {
            builder
        };
        builder.build()
    });
    match built {
        Ok(client) => Either::A(NativeClient {
            label: client.to_string(),
            client: Mutex::new(Some(client)),
            renewed,
        }),
        Err(e) => Either::B(ErrorRecord::from_core(&e)),
    }
}

/// The documented OAuth server's token URL.
#[napi]
pub fn default_oauth_server() -> &'static str {
    b24kit::DEFAULT_OAUTH_SERVER
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
        let policy = match retry_policy(&retry) {
            Ok(policy) => policy,
            Err(e) => return Either::B(ErrorRecord::from_core(&e)),
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
        std::mem::take(&mut *self.renewed.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .map(|t| NativeTokens {
                access_token: t.access_token,
                refresh_token: t.refresh_token,
                expires: t.expires,
                expires_in: t.expires_in,
                client_endpoint: t.client_endpoint,
                member_id: t.member_id,
            })
            .collect()
    }

    /// Test hook, not API: a call that panics inside the core (`b24kit::panic::PanicProbe`).
    #[napi(js_name = "_panicForTests", catch_unwind)]
    pub fn panic_for_tests<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        self.call(env, b24kit::panic::PanicProbe, |applied| applied)
    }
}

impl NativeClient {
    fn core(&self) -> Result<b24kit::Client> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| Error::from_reason("the client has been closed"))
    }

    /// Starts calls of `M` through `batch` and returns the promise of an array with one
    /// `Response` or typed error per call.
    pub(crate) fn batch<'e, M, R>(
        &self,
        env: &'e Env,
        calls: Vec<M>,
        halt: bool,
        convert: fn(M::Output) -> R,
    ) -> Result<Unknown<'e>>
    where
        M: Method + 'static,
        R: ToNapiValue + Send + 'static,
    {
        let client = self.core()?;
        let (deferred, promise, dispatcher) = dispatch::start(env)?;
        let awake = crate::awake::awake();
        awake.touch();
        napi::bindgen_prelude::spawn(async move {
            let outcome = b24kit::panic::catch_async(client.batch(calls, halt))
                .await
                .map(|items| {
                    items
                        .into_iter()
                        .map(|item| {
                            item.map(|answer| b24kit::Response {
                                result: convert(answer.result),
                                time: answer.time,
                            })
                        })
                        .collect::<Vec<_>>()
                });
            let settle: dispatch::Settle =
                Box::new(move |env, factories| settle_batch(env, factories, outcome));
            dispatcher.complete(deferred, settle);
            awake.touch();
        });
        Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), promise) })
    }

    /// Starts the call on the runtime and returns its promise; `convert` turns the core's result
    /// into the addon's JavaScript-facing type.
    pub(crate) fn call<'e, M, R>(
        &self,
        env: &'e Env,
        params: M,
        convert: fn(M::Output) -> R,
    ) -> Result<Unknown<'e>>
    where
        M: Method + 'static,
        R: ToNapiValue + Send + 'static,
    {
        let client = self.core()?;
        let (deferred, promise, dispatcher) = dispatch::start(env)?;
        let awake = crate::awake::awake();
        awake.touch();
        napi::bindgen_prelude::spawn(async move {
            let outcome = b24kit::panic::catch_async(client.call(params))
                .await
                .map(|outcome| {
                    outcome.map(|answer| b24kit::Response {
                        result: convert(answer.result),
                        time: answer.time,
                    })
                });
            let settle: dispatch::Settle =
                Box::new(move |env, factories| settle(env, factories, outcome));
            dispatcher.complete(deferred, settle);
            awake.touch();
        });
        Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), promise) })
    }
}

type Outcome<T> =
    std::result::Result<std::result::Result<b24kit::Response<T>, CoreError>, b24kit::panic::Panic>;

type BatchOutcome<T> = std::result::Result<
    Vec<std::result::Result<b24kit::Response<T>, CoreError>>,
    b24kit::panic::Panic,
>;

/// The array of a batch's outcomes: a `Response` or a typed error per call.
fn settle_batch<T: ToNapiValue>(
    env: sys::napi_env,
    factories: &Factories,
    outcome: BatchOutcome<T>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let items = match outcome {
        Ok(items) => items,
        Err(panic) => return settle::<T>(env, factories, Err(panic)),
    };
    let mut array = std::ptr::null_mut();
    let status = unsafe { sys::napi_create_array_with_length(env, items.len(), &mut array) };
    if status != sys::Status::napi_ok {
        let record = ErrorRecord::internal("internal error in b24kit (cannot create an array)");
        let value =
            unsafe { ErrorRecord::to_napi_value(env, record) }.unwrap_or(std::ptr::null_mut());
        return Err(factories.error(env, value));
    }
    for (index, item) in items.into_iter().enumerate() {
        let value = match settle(env, factories, Ok(item)) {
            Ok(value) | Err(value) => value,
        };
        unsafe { sys::napi_set_element(env, array, index as u32, value) };
    }
    Ok(array)
}

/// The JavaScript value of an outcome, built on the JavaScript thread.
fn settle<T: ToNapiValue>(
    env: sys::napi_env,
    factories: &Factories,
    outcome: Outcome<T>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let record = match outcome {
        Ok(Ok(answer)) => {
            let converted = unsafe {
                T::to_napi_value(env, answer.result).and_then(|result| {
                    NativeTime::to_napi_value(env, NativeTime::from(answer.time))
                        .map(|time| (result, time))
                })
            };
            match converted {
                Ok((result, time)) => return factories.response(env, result, time),
                Err(e) => ErrorRecord::internal(&format!(
                    "internal error in b24kit ({e}); please report it"
                )),
            }
        }
        Ok(Err(error)) => ErrorRecord::from_core(&error),
        Err(panic) => ErrorRecord::internal(&panic.to_string()),
    };
    let value = unsafe { ErrorRecord::to_napi_value(env, record) }.unwrap_or(std::ptr::null_mut());
    Err(factories.error(env, value))
}
