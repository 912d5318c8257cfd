//! [`ClientBuilder`]: the settings of a client, their defaults and their checks, in one place.
//! The language bindings come here too, through [`ClientBuilder::settings`].

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::endpoint::{self, Endpoint};
use crate::error::ConfigProblem;
use crate::limiter::{Bucket, RateLimit};
use crate::oauth::TokenStore;
use crate::observe::{EventListener, Observer};
use crate::operating::{OperatingBudget, OperatingTracker};
use crate::retry::RetryPolicy;
use crate::secret::{fingerprint, Secret};
use crate::settings::{self, Settings};
use crate::shared::{SharedBucket, SharedLimits, SharedStore, SharedTokens};
use crate::tokens::Refresh;
use crate::transport::{Transport, TransportSettings};
use crate::{blocking, client, Client, Error};

/// The portal interrupts a request after 60 s; 5 s more covers the network.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(65);
/// A whole call is bounded by default, so that nothing waits forever. Ten minutes is the
/// portal's execution-time window: a wait for the budget always fits, as do four attempts of
/// [`DEFAULT_TIMEOUT`] with their backoffs.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(600);
/// How long opening a connection may take unless set otherwise: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bitrix24 answers for single calls are a few KiB; anything near this is not one.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Calls are paced by the standard plans' limit unless told otherwise.
pub const DEFAULT_RATE_LIMIT: Option<RateLimit> = Some(RateLimit::STANDARD);
/// The name in the default `User-Agent` of the Rust API.
const RUST_PRODUCT: &str = "b24kit";

/// Settings of a [`Client`]; start with [`Client::webhook`] or [`Client::oauth`].
///
/// Cloning keeps the settings, so the same client can be built again (after a `fork()`, say).
#[must_use]
pub struct ClientBuilder<C: Catalog> {
    endpoint: Result<Endpoint, ConfigProblem>,
    /// The first setting that could not be read (a negative timeout, say), reported by `build`.
    invalid: Option<ConfigProblem>,
    connect_timeout: Duration,
    timeout: Duration,
    deadline: Duration,
    max_response_bytes: usize,
    user_agent: String,
    root_certificates_pem: Vec<Vec<u8>>,
    rate_limit: Option<RateLimit>,
    operating_budget: Option<OperatingBudget>,
    retry: RetryPolicy,
    refresh: Option<Refresh>,
    on_event: Option<EventListener>,
    shared: Option<SharedLimits>,
    catalog: PhantomData<C>,
}

// A derive would ask `C: Clone`; the catalog is only a marker.
impl<C: Catalog> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            endpoint: self.endpoint.clone(),
            invalid: self.invalid.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            deadline: self.deadline,
            max_response_bytes: self.max_response_bytes,
            user_agent: self.user_agent.clone(),
            root_certificates_pem: self.root_certificates_pem.clone(),
            rate_limit: self.rate_limit,
            operating_budget: self.operating_budget,
            retry: self.retry,
            refresh: self.refresh.clone(),
            on_event: self.on_event.clone(),
            shared: self.shared.clone(),
            catalog: PhantomData,
        }
    }
}

impl<C: Catalog> ClientBuilder<C> {
    pub(crate) fn new(endpoint: Result<Endpoint, ConfigProblem>) -> ClientBuilder<C> {
        ClientBuilder {
            endpoint,
            invalid: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: user_agent(RUST_PRODUCT),
            root_certificates_pem: Vec::new(),
            rate_limit: DEFAULT_RATE_LIMIT,
            operating_budget: Some(OperatingBudget::default()),
            retry: RetryPolicy::default(),
            refresh: None,
            on_event: None,
            shared: None,
            catalog: PhantomData,
        }
    }

    /// Every option a language binding passes, at once: what `settings` leaves `None` keeps its
    /// current value. A value that cannot be read fails [`build`](Self::build).
    pub fn settings(mut self, settings: Settings) -> Self {
        let Settings {
            product,
            timeout,
            deadline,
            connect_timeout,
            max_response_bytes,
            user_agent: agent,
            root_certificates_pem,
            rate_limit,
            retry,
            operating_budget,
            refresh,
            on_event,
            shared,
        } = settings;
        self.user_agent = agent.unwrap_or_else(|| user_agent(product));
        self.root_certificates_pem.extend(root_certificates_pem);
        if let Some(limit) = rate_limit {
            self.rate_limit = limit;
        }
        if let Some(policy) = retry {
            self.retry = policy;
        }
        if let Some(budget) = operating_budget {
            self.operating_budget = budget;
        }
        if refresh.is_some() {
            self.refresh = refresh;
        }
        if on_event.is_some() {
            self.on_event = on_event;
        }
        if shared.is_some() {
            self.shared = shared;
        }
        let read = || -> Result<Self, ConfigProblem> {
            let mut builder = self.clone();
            if let Some(span) = timeout {
                builder.timeout = span.duration("timeout")?;
            }
            if let Some(span) = deadline {
                builder.deadline = span.duration("deadline")?;
            }
            if let Some(span) = connect_timeout {
                builder.connect_timeout = span.duration("connect timeout")?;
            }
            if let Some(bytes) = max_response_bytes {
                builder.max_response_bytes = settings::count(bytes, "max response bytes")?;
            }
            Ok(builder)
        };
        match read() {
            Ok(builder) => builder,
            Err(problem) => {
                self.invalid.get_or_insert(problem);
                self
            }
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

    /// Paces calls together with every other process that uses the same portal and credential
    /// and the same shared store (default: this client and its clones alone), shares their
    /// execution-time budgets, and, for an OAuth client with [`Refresh`] settings, the renewal
    /// of the token pair. See [`SharedLimits`]; [`build`](Self::build) checks that the store
    /// answers.
    pub fn shared_limits(mut self, limits: SharedLimits) -> Self {
        self.shared = Some(limits);
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Renews the access token when the portal says it expired (OAuth clients only); see
    /// [`Refresh`].
    pub fn refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// Tells `listener` every [`Event`](crate::Event) of the client and its clones — requests,
    /// answers, retries, waits, renewals, batch splits, pages — on the thread where it happened.
    /// Every event also goes to the `log` crate (target `b24kit`) and into
    /// [`Client::stats`].
    pub fn on_event(mut self, listener: impl Fn(&crate::Event) + Send + Sync + 'static) -> Self {
        self.on_event = Some(std::sync::Arc::new(listener));
        self
    }

    /// How long opening a connection may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte of the answer
    /// (default 65 s: the portal's own 60 s limit plus the network). Per call:
    /// [`Client::with_timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a whole call may take (default 10 minutes): its waits for the rate limiter and
    /// the execution-time budget, every attempt, the backoffs between them and a token renewal.
    /// A call that would pass it fails with a timeout instead of waiting. Per call:
    /// [`Client::with_deadline`]. A list walk or a split batch bounds each request by it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
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

    /// Checks the settings and builds the client; a rejected setting fails with
    /// [`Error::InvalidConfig`]. Nothing is sent.
    pub fn build(self) -> Result<Client<C>, Error<C>> {
        let endpoint = self.endpoint?;
        if let Some(problem) = self.invalid {
            return Err(problem.into());
        }
        for (value, name) in [
            (self.timeout, "timeout"),
            (self.deadline, "deadline"),
            (self.connect_timeout, "connect timeout"),
        ] {
            if value.is_zero() {
                return Err(ConfigProblem::InvalidLimit { name }.into());
            }
        }
        if self.max_response_bytes == 0 {
            return Err(ConfigProblem::InvalidLimit {
                name: "max response bytes",
            }
            .into());
        }
        let mut root_certificates = Vec::new();
        for pem in &self.root_certificates_pem {
            root_certificates.extend(crate::tls::roots_from_pem(pem)?);
        }
        let transport_settings = TransportSettings {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            user_agent: self.user_agent,
            tls: crate::tls::client_config(root_certificates)?,
            bypass_proxy: endpoint.loopback,
        };
        let transport = Transport::new(transport_settings.clone())?;
        let identity = endpoint.limit_identity(self.refresh.as_ref().map(|r| r.client_id.as_str()));
        if let (None, Some(_)) = (endpoint.auth_field(), &self.refresh) {
            return Err(ConfigProblem::RefreshWithoutOAuth.into());
        }
        if let Some(refresh) = &self.refresh {
            check_refresh(refresh)?;
        }
        let observer = std::sync::Arc::new(Observer::new(self.on_event));
        let store = match self.shared {
            Some(limits) => Some(SharedStore::open(
                limits,
                self.connect_timeout,
                observer.clone(),
            )?),
            None => None,
        };
        // Shared limits pace requests: the bucket and budgets are shared when pacing is on.
        let shared = match (&self.rate_limit, &store) {
            (Some(_), Some(store)) => Some(std::sync::Arc::new(SharedBucket::new(
                store.clone(),
                &identity,
            ))),
            _ => None,
        };
        let tokens = endpoint.auth_field().map(|access| {
            // Processes started with the same pair share its renewals.
            let shared_tokens = match (&store, &self.refresh) {
                (Some(store), Some(refresh)) => Some(SharedTokens::new(
                    store.clone(),
                    &format!("{identity}:{}", fingerprint(refresh.refresh_token.expose())),
                )),
                _ => None,
            };
            TokenStore::new(Secret::new(access), self.refresh).sharing(shared_tokens)
        });
        let inner = client::Inner {
            endpoint,
            transport_settings,
            tokens,
            limiter: self
                .rate_limit
                .map(|limit| std::sync::Arc::new(Bucket::sharing(limit, shared.clone()))),
            operating: self
                .operating_budget
                .map(|budget| OperatingTracker::sharing(budget, shared)),
            observer,
        };
        let times = client::Times {
            timeout: self.timeout,
            deadline: self.deadline,
        };
        Ok(Client::from_parts(inner, transport, self.retry, times))
    }

    /// Builds a [`blocking::Client`] for code without an async runtime.
    pub fn build_blocking(self) -> Result<blocking::Client<C>, Error<C>> {
        self.build().map(blocking::Client::from)
    }
}

/// `product/version`, the default `User-Agent`.
fn user_agent(product: &str) -> String {
    format!("{product}/{}", env!("CARGO_PKG_VERSION"))
}

fn check_refresh(refresh: &Refresh) -> Result<(), ConfigProblem> {
    for (value, name) in [
        (refresh.client_id.as_str(), "client id"),
        (refresh.client_secret.expose(), "client secret"),
        (refresh.refresh_token.expose(), "refresh token"),
    ] {
        if value.trim().is_empty() {
            return Err(ConfigProblem::EmptyCredential { name });
        }
    }
    endpoint::check_https(&refresh.server)
}

impl<C: Catalog> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("rate_limit", &self.rate_limit)
            .field("operating_budget", &self.operating_budget)
            .field("shared", &self.shared)
            .field("retry", &self.retry)
            .field("refresh", &self.refresh)
            .field("on_event", &self.on_event.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Span;
    use crate::testing::Test;

    fn build(settings: Settings) -> Result<Client<Test>, Error<Test>> {
        Client::<Test>::webhook("https://p.bitrix24.com/rest/1/key/")
            .settings(settings)
            .build()
    }

    #[test]
    fn settings_are_checked_once_for_every_binding() {
        let mut zero = Settings::new("test");
        zero.timeout = Some(Span::Millis(0.0));
        assert_eq!(
            build(zero).unwrap_err(),
            Error::InvalidConfig(ConfigProblem::InvalidLimit { name: "timeout" })
        );
        let mut negative = Settings::new("test");
        negative.connect_timeout = Some(Span::Seconds(-1.0));
        assert_eq!(
            build(negative).unwrap_err(),
            Error::InvalidConfig(ConfigProblem::InvalidDuration {
                name: "connect timeout"
            })
        );
        let mut fraction = Settings::new("test");
        fraction.max_response_bytes = Some(1.5);
        assert_eq!(
            build(fraction).unwrap_err(),
            Error::InvalidConfig(ConfigProblem::InvalidCount {
                name: "max response bytes"
            })
        );
    }

    #[test]
    fn settings_keep_what_they_leave_out() {
        let mut settings = Settings::new("b24kit-test");
        settings.rate_limit = Some(None);
        let builder = Client::<Test>::webhook("https://p.bitrix24.com/rest/1/key/")
            .timeout(Duration::from_secs(3))
            .settings(settings);
        assert_eq!(builder.timeout, Duration::from_secs(3));
        assert_eq!(builder.rate_limit, None);
        assert_eq!(builder.operating_budget, Some(OperatingBudget::default()));
        assert_eq!(
            builder.user_agent,
            format!("b24kit-test/{}", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn refresh_needs_oauth_and_is_one_value() {
        let refresh = Refresh::new("app", "s3cr3t-value", "r3fr3sh-value")
            .oauth_server("https://o.example/t/");
        let webhook = Client::<Test>::webhook("https://p.bitrix24.com/rest/1/key/")
            .refresh(refresh.clone())
            .build();
        assert_eq!(
            webhook.unwrap_err(),
            Error::InvalidConfig(ConfigProblem::RefreshWithoutOAuth)
        );
        let printed = format!("{refresh:?}");
        assert!(
            !printed.contains("s3cr3t") && !printed.contains("r3fr3sh"),
            "{printed}"
        );
        assert!(printed.contains("https://o.example/t/"), "{printed}");
        let insecure = Refresh::new("app", "s", "r").oauth_server("http://o.example/t/");
        assert!(matches!(
            Client::<Test>::oauth("https://p.bitrix24.com/rest/", "tok")
                .refresh(insecure)
                .build()
                .unwrap_err(),
            Error::InvalidConfig(ConfigProblem::InsecureUrl { .. })
        ));
    }
}
