//! The exported `Client`: construction from a webhook or OAuth settings, `withRetry`,
//! `withTimeoutMs`, `withDeadlineMs` and its description. The calls are in `dispatch`; their entry points are generated.

use std::sync::Arc;

use b24kit::{ClientBuilder, ErrorReport};

use crate::events::{self, ClientStats, EventListener};
use crate::settings::{self, ClientOptions, RetryOptions};
use crate::tokens::TokenRefresh;

/// A Bitrix24 client. Create one and reuse it: it keeps connections alive, and any number of calls
/// may be in flight at once. Its description never shows the webhook key or the token. Kotlin's
/// `close()` (or `use { }`) and Swift's release free it and its connections.
#[derive(uniffi::Object)]
pub struct Client {
    label: String,
    inner: b24kit::Client,
}

impl Client {
    pub(crate) fn create(
        builder: ClientBuilder,
        options: &ClientOptions,
        refresh: Option<Arc<TokenRefresh>>,
        listener: Option<Arc<dyn EventListener>>,
    ) -> Result<Arc<Client>, ErrorReport> {
        let built = options
            .settings(refresh.map(|r| r.core()))
            .map(|mut settings| {
                settings.on_event = listener.map(events::core_listener);
                settings
            })
            .map_err(b24kit::Error::from)
            .and_then(|settings| builder.settings(settings).build());
        match built {
            Ok(client) => Ok(Arc::new(Client {
                label: client.to_string(),
                inner: client,
            })),
            Err(e) => Err(ErrorReport::new(&e, b24kit::Casing::Camel)),
        }
    }

    pub(crate) fn retrying(&self, retry: &RetryOptions) -> Result<Arc<Client>, ErrorReport> {
        let policy = settings::retry_policy(retry).map_err(|p| {
            ErrorReport::new(&b24kit::Error::InvalidConfig(p), b24kit::Casing::Camel)
        })?;
        Ok(Arc::new(Client {
            label: self.label.clone(),
            inner: self.inner.with_retry(policy),
        }))
    }

    /// This client with other time limits (milliseconds; `None` keeps this one's).
    pub(crate) fn timed(
        &self,
        timeout_ms: Option<u64>,
        deadline_ms: Option<u64>,
    ) -> Result<Arc<Client>, ErrorReport> {
        let inner = self
            .inner
            .with_time_limits(
                timeout_ms.map(settings::millis),
                deadline_ms.map(settings::millis),
            )
            .map_err(|p| {
                ErrorReport::new(&b24kit::Error::InvalidConfig(p), b24kit::Casing::Camel)
            })?;
        Ok(Arc::new(Client {
            label: self.label.clone(),
            inner,
        }))
    }

    pub(crate) fn core(&self) -> &b24kit::Client {
        &self.inner
    }
}

#[uniffi::export]
impl Client {
    /// The portal and the kind of credential; never the key or the token.
    pub fn description(&self) -> String {
        self.label.clone()
    }

    /// What this client and its clones have done so far, for metrics.
    pub fn stats(&self) -> ClientStats {
        self.inner.stats().into()
    }
}

/// The exported functions of `Client` that can fail, for the error type the generated code
/// declares (its variants come from the specs); the generated code invokes this with it, where
/// `Client` is in scope.
macro_rules! client_exports {
    ($error:ident) => {
        #[uniffi::export]
        impl Client {
            /// A client for an inbound webhook, `https://<portal>/rest/<user id>/<key>/`;
            /// `listener` hears every event of the client.
            #[uniffi::constructor(default(listener = None, options))]
            pub fn from_webhook(
                url: String,
                options: $crate::settings::ClientOptions,
                listener: Option<std::sync::Arc<dyn $crate::events::EventListener>>,
            ) -> Result<std::sync::Arc<Self>, $error> {
                Self::create(b24kit::Client::webhook(url), &options, None, listener)
                    .map_err($error::from)
            }

            /// A client for an OAuth application: the portal's REST base
            /// (`https://<portal>/rest/`) and an access token. With `refresh`, an expired token
            /// is renewed once (however many calls meet the expiry together) and the call
            /// repeated. `listener` hears every event of the client.
            #[uniffi::constructor(default(refresh = None, listener = None, options))]
            pub fn from_oauth(
                endpoint: String,
                access_token: String,
                options: $crate::settings::ClientOptions,
                refresh: Option<std::sync::Arc<$crate::tokens::TokenRefresh>>,
                listener: Option<std::sync::Arc<dyn $crate::events::EventListener>>,
            ) -> Result<std::sync::Arc<Self>, $error> {
                Self::create(
                    b24kit::Client::oauth(endpoint, access_token),
                    &options,
                    refresh,
                    listener,
                )
                .map_err($error::from)
            }

            /// This client with another retry policy, sharing connections, rate limiter and
            /// token.
            pub fn with_retry(
                &self,
                retry: $crate::settings::RetryOptions,
            ) -> Result<std::sync::Arc<Self>, $error> {
                self.retrying(&retry).map_err($error::from)
            }

            /// This client with another bound on each attempt, in milliseconds, for the calls
            /// made through the returned one (which shares connections, rate limiter and token).
            pub fn with_timeout_ms(&self, timeout_ms: u64) -> Result<std::sync::Arc<Self>, $error> {
                self.timed(Some(timeout_ms), None).map_err($error::from)
            }

            /// This client with another bound on the whole call, in milliseconds (waits,
            /// attempts and backoffs included), for the calls made through the returned one.
            pub fn with_deadline_ms(
                &self,
                deadline_ms: u64,
            ) -> Result<std::sync::Arc<Self>, $error> {
                self.timed(None, Some(deadline_ms)).map_err($error::from)
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl Client {
            /// Test hook, not API: a call that panics inside the core. It fails with
            /// `B24kitError.Internal`, and the client keeps working.
            pub async fn panic_for_tests(&self) -> Result<bool, $error> {
                self.call::<_, $error>(Ok(b24kit::panic::PanicProbe::<b24kit::Spec>::new()))
                    .await
                    .map(|answer| answer.result)
            }
        }
    };
}
pub(crate) use client_exports;
