//! `NativeClient`: the core client behind the JavaScript `Client`. Calls return promises settled
//! by `dispatch`; the per-method entry points are generated (`generated.rs`).

use std::sync::Mutex;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use b24kit::{ClientBuilder, ConfigProblem, Error as CoreError, Method};

use crate::dispatch::{self, Factories};
use crate::errors::ErrorRecord;
use crate::generated::NativeTime;

#[napi]
pub struct NativeClient {
    label: String,
    client: Mutex<Option<b24kit::Client>>,
}

/// Client settings from JavaScript; `undefined` keeps the core's default.
#[napi(object)]
pub struct ClientOptions {
    pub timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub max_response_bytes: Option<f64>,
    pub user_agent: Option<String>,
    pub root_certificate_pem: Option<String>,
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
    Ok(builder)
}

/// A client, or why it could not be made (the JavaScript side throws the typed error).
fn create(builder: ClientBuilder, options: ClientOptions) -> Either<NativeClient, ErrorRecord> {
    match configure(builder, &options).and_then(ClientBuilder::build) {
        Ok(client) => Either::A(NativeClient {
            label: client.to_string(),
            client: Mutex::new(Some(client)),
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

    /// Test hook, not API: a call that panics inside the core (`b24kit::panic::PanicProbe`).
    #[napi(js_name = "_panicForTests", catch_unwind)]
    pub fn panic_for_tests<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        self.call(env, b24kit::panic::PanicProbe, |applied| applied)
    }
}

impl NativeClient {
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
        let client = self
            .client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| Error::from_reason("the client has been closed"))?;
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
