//! [`Client`], the async entry point. A call waits for its turn (the operating budget, then the
//! rate limiter), makes an attempt, and on failure reacts as the error's spec says (renew an
//! expired OAuth token, mark the bucket full, wait for the budget), retries after a backoff when
//! the retry rule allows, or returns the error.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::catalog::{Catalog, DocumentedSystemError, Reaction};
use crate::endpoint::Endpoint;
use crate::envelope::{self, Decoded};
use crate::error::{ArgumentProblem, ConfigProblem, TransportErrorKind};
use crate::limiter::{Bucket, Turn};
use crate::method::Method;
use crate::oauth::TokenStore;
use crate::observe::{Event, Observer, Stats};
use crate::operating::OperatingTracker;
use crate::retry::{self, RetryPolicy};
use crate::secret::Secret;
use crate::settings::Span;
use crate::shared::BudgetCheck;
use crate::transport::{RawAnswer, Transport, TransportSettings};
use crate::{ClientBuilder, Error};

/// An async Bitrix24 client for one portal and one set of credentials, typed by the catalog
/// of its specs (`b24kit::Client` is this type for the generated `Spec`).
///
/// Cloning is cheap; clones share one connection pool, one rate limiter and one OAuth token.
/// Create one client and reuse it. `Debug` shows the portal but never the webhook key or a token.
pub struct Client<C: Catalog> {
    inner: Arc<Inner>,
    /// Separate from `inner` so that a client for another runtime can share everything else
    /// (see [`Client::with_own_connections`]).
    transport: Arc<Transport>,
    retry: RetryPolicy,
    times: Times,
    catalog: PhantomData<C>,
}

/// The two bounds on a call's time: each attempt, and the whole call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Times {
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
}

// A derive would ask `C: Clone`; the catalog is only a marker.
impl<C: Catalog> Clone for Client<C> {
    fn clone(&self) -> Self {
        Client {
            inner: self.inner.clone(),
            transport: self.transport.clone(),
            retry: self.retry,
            times: self.times,
            catalog: PhantomData,
        }
    }
}

/// What every clone shares, whatever runtime it runs on.
pub(crate) struct Inner {
    pub(crate) endpoint: Endpoint,
    /// How to open another connection pool.
    pub(crate) transport_settings: TransportSettings,
    /// The OAuth access token (and how to renew it); `None` for webhooks.
    pub(crate) tokens: Option<TokenStore>,
    pub(crate) limiter: Option<Arc<Bucket>>,
    pub(crate) operating: Option<OperatingTracker>,
    pub(crate) observer: Arc<Observer>,
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

impl<C: Catalog> Client<C> {
    /// Starts a client for an inbound webhook URL, `https://<portal>/rest/<user id>/<key>/`.
    pub fn webhook(url: impl AsRef<str>) -> ClientBuilder<C> {
        ClientBuilder::new(Endpoint::webhook(url.as_ref()))
    }

    /// Starts a client for an OAuth application: the portal's REST base
    /// (`https://<portal>/rest/`, the `client_endpoint` of the token answer) and an access token.
    pub fn oauth(endpoint: impl AsRef<str>, access_token: impl AsRef<str>) -> ClientBuilder<C> {
        ClientBuilder::new(Endpoint::oauth(endpoint.as_ref(), access_token.as_ref()))
    }

    pub(crate) fn from_parts(
        inner: Inner,
        transport: Transport,
        retry: RetryPolicy,
        times: Times,
    ) -> Client<C> {
        Client {
            inner: Arc::new(inner),
            transport: Arc::new(transport),
            retry,
            times,
            catalog: PhantomData,
        }
    }

    /// This client with another retry policy, for the calls made through the returned clone
    /// (which shares everything else).
    pub fn with_retry(&self, policy: RetryPolicy) -> Client<C> {
        Client {
            retry: policy,
            ..self.clone()
        }
    }

    /// This client with another bound on each attempt (see
    /// [`ClientBuilder::timeout`]), for the calls made through the returned clone. A zero
    /// timeout is taken as the least one, a millisecond.
    pub fn with_timeout(&self, timeout: Duration) -> Client<C> {
        let mut client = self.clone();
        client.times.timeout = timeout.max(Duration::from_millis(1));
        client
    }

    /// This client with another bound on the whole call (see [`ClientBuilder::deadline`]),
    /// for the calls made through the returned clone:
    /// `client.with_deadline(Duration::from_secs(5)).call(params)`. A zero deadline is taken
    /// as the least one, a millisecond.
    pub fn with_deadline(&self, deadline: Duration) -> Client<C> {
        let mut client = self.clone();
        client.times.deadline = deadline.max(Duration::from_millis(1));
        client
    }

    /// This client with the bounds a language binding was given (in its caller's unit), each
    /// `None` keeping this client's: checked as the builder checks them (finite, above zero).
    pub fn with_time_limits(
        &self,
        timeout: Option<Span>,
        deadline: Option<Span>,
    ) -> Result<Client<C>, ConfigProblem> {
        let read = |span: Option<Span>, name| -> Result<Option<Duration>, ConfigProblem> {
            match span.map(|s| s.duration(name)).transpose()? {
                Some(d) if d.is_zero() => Err(ConfigProblem::InvalidLimit { name }),
                read => Ok(read),
            }
        };
        let mut client = self.clone();
        if let Some(timeout) = read(timeout, "timeout")? {
            client.times.timeout = timeout;
        }
        if let Some(deadline) = read(deadline, "deadline")? {
            client.times.deadline = deadline;
        }
        Ok(client)
    }

    /// How long one attempt of a call through this client may take.
    pub fn timeout(&self) -> Duration {
        self.times.timeout
    }

    /// How long a whole call through this client may take.
    pub fn deadline(&self) -> Duration {
        self.times.deadline
    }

    /// A clone with a connection pool of its own, sharing the rate limiter, the execution-time
    /// budget and the OAuth token. Connections belong to the runtime that opened them; a caller
    /// that drives calls from several runtimes (one per thread, say) needs one pool per runtime.
    pub fn with_own_connections(&self) -> Result<Client<C>, Error<C>> {
        Ok(Client {
            transport: Arc::new(Transport::new(self.inner.transport_settings.clone())?),
            ..self.clone()
        })
    }

    /// This client (its retry policy and time limits) on `pool`'s connections: a binding that
    /// keeps a pool per thread applies each call's settings to the pool of the calling thread.
    pub fn on_connections_of(&self, pool: &Client<C>) -> Client<C> {
        Client {
            transport: pool.transport.clone(),
            ..self.clone()
        }
    }

    /// What this client and its clones have done so far: requests, retries, waits, renewals.
    pub fn stats(&self) -> Stats {
        self.inner.observer.stats()
    }

    pub(crate) fn emit(&self, event: Event) {
        self.inner.observer.emit(event);
    }

    /// The retry policy of calls made through this client.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    pub(crate) fn operating(&self) -> Option<&OperatingTracker> {
        self.inner.operating.as_ref()
    }

    /// Calls any method through its parameter type. The generated per-method functions
    /// (`client.imopenlines_session_mode_silent(…)`) are shorthands for this.
    pub async fn call<M: Method<Catalog = C>>(&self, params: M) -> Decoded<M> {
        params.validate()?;
        let encode = |auth: Option<&str>| encode_body(M::NAME, &params, auth);
        let decode = |answer: RawAnswer, secrets: &[Secret], received: Instant| {
            let response = envelope::decode::<M>(answer, secrets)?;
            if let Some(operating) = &self.inner.operating {
                use crate::catalog::AnswerTime;
                operating.record(M::NAME, response.time.budget(), received);
            }
            Ok(response)
        };
        self.send(M::NAME, &[M::NAME], M::IDEMPOTENT, &encode, &decode)
            .await
    }

    /// One exchange with waits, retries and token renewal. `budget` are the methods whose
    /// execution-time budget the request spends (for a batch, its commands' methods).
    pub(crate) async fn send<T: Send>(
        &self,
        url_method: &str,
        budget: &[&str],
        idempotent: bool,
        encode: &Encode<'_, C>,
        decode: &Decode<'_, T, C>,
    ) -> Result<T, Error<C>> {
        // The exchange itself is not generic: generic, it would be compiled once per method's
        // result type, and every language's library carries every method (measured in the Node
        // addon: 45 KB less at 38 methods). The decoded value waits here instead.
        let decoded = std::sync::Mutex::new(None);
        let keep = |answer: RawAnswer, secrets: &[Secret], received: Instant| {
            let value = decode(answer, secrets, received)?;
            *decoded.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
            Ok(())
        };
        self.exchange(url_method, budget, idempotent, encode, &keep)
            .await?;
        let value = decoded.into_inner().unwrap_or_else(|p| p.into_inner());
        Ok(value.expect("an exchange that succeeded has decoded its answer"))
    }

    /// [`send`](Self::send)'s loop, for a `decode` that keeps what it decoded itself.
    async fn exchange(
        &self,
        url_method: &str,
        budget: &[&str],
        idempotent: bool,
        encode: &Encode<'_, C>,
        decode: &Decode<'_, (), C>,
    ) -> Result<(), Error<C>> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = started + self.times.deadline;
        let url = inner.endpoint.method_url(url_method);
        let mut attempt = 1;
        let mut renewed = false;
        let mut last_error: Option<Error<C>> = None;
        loop {
            if let Err(waiting_for) = self.wait_for_turn(budget, deadline).await {
                return Err(last_error.unwrap_or_else(|| self.deadline_passed(waiting_for)));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(
                    last_error.unwrap_or_else(|| self.deadline_passed("before the next attempt"))
                );
            }
            let timeout = left.min(self.times.timeout);
            // The deadline, not the attempt's timeout, bounds this attempt.
            let cut_by_deadline = timeout < self.times.timeout;
            let token = inner.tokens.as_ref().map(TokenStore::current);
            let body = encode(token.as_ref().map(|(t, _)| t.expose()))?;
            let secrets = inner.secrets();
            inner.observer.emit(Event::RequestSent {
                method: url_method.to_string(),
                attempt,
            });
            let sent = Instant::now();
            let outcome = match self
                .transport
                .post(url.clone(), "application/json", body, timeout, &secrets)
                .await
            {
                Ok(answer) => {
                    inner.observer.emit(Event::Answered {
                        method: url_method.to_string(),
                        attempt,
                        status: answer.status,
                        elapsed: sent.elapsed(),
                    });
                    decode(answer, &secrets, Instant::now())
                }
                Err(e) => Err(e),
            };
            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if cut_by_deadline && is_timeout(&error) {
                // Our own deadline ended this attempt; an earlier attempt's failure says more
                // about why the call failed than "timed out" does.
                return Err(last_error.unwrap_or(error));
            }
            let reaction = reaction(&error);
            if let (Some(tokens), Some((_, generation))) = (&inner.tokens, &token) {
                if reaction.is_some_and(|r| r.renew_token) && !renewed && tokens.can_refresh() {
                    renewed = true;
                    if tokens
                        .refresh(*generation, &self.transport, timeout)
                        .await?
                    {
                        inner.observer.emit(Event::TokenRenewed);
                    }
                    continue;
                }
            }
            if reaction.is_some_and(|r| r.mark_bucket_full) {
                if let Some(limiter) = &inner.limiter {
                    limiter.mark_full(Instant::now());
                }
            }
            if attempt >= self.retry.max_attempts() || !retry::retry_when(&error).allows(idempotent)
            {
                return Err(error);
            }
            let wait = match (
                &inner.operating,
                reaction.is_some_and(|r| r.wait_for_budget),
            ) {
                (Some(operating), true) => budget
                    .iter()
                    .map(|method| operating.wait_after_refusal(method, Instant::now()))
                    .max()
                    .unwrap_or_default(),
                _ => self.retry.backoff_before(attempt),
            };
            if Instant::now() + wait >= deadline {
                return Err(error);
            }
            inner.observer.emit(Event::RetryScheduled {
                method: url_method.to_string(),
                attempt,
                reason: failure_name(&error),
                wait,
            });
            tokio::time::sleep(wait).await;
            last_error = Some(error);
            attempt += 1;
        }
    }

    /// Waits until the methods' budgets and the rate limiter let a request go; when that would
    /// be after the deadline, names what the call would have waited for. With a shared store,
    /// the budgets other processes were told of hold the call too.
    async fn wait_for_turn(&self, budget: &[&str], deadline: Instant) -> Result<(), &'static str> {
        let inner = &*self.inner;
        let check = inner.operating.as_ref().map(|operating| BudgetCheck {
            methods: budget,
            threshold_seconds: operating.threshold(),
        });
        loop {
            let local_hold = match &inner.operating {
                Some(operating) => {
                    let now = Instant::now();
                    budget
                        .iter()
                        .map(|method| operating.wait_before(method, now))
                        .max()
                        .unwrap_or_default()
                }
                None => Duration::ZERO,
            };
            if !local_hold.is_zero() {
                self.hold_for_budget(budget, local_hold, deadline).await?;
            }
            let Some(limiter) = &inner.limiter else {
                return Ok(());
            };
            let turn = limiter
                .acquire_before(Some(deadline), check, |wait| {
                    inner.observer.emit(Event::WaitingForBucket { wait })
                })
                .await;
            match turn {
                Turn::Go => return Ok(()),
                Turn::PastDeadline => return Err("waiting for the rate limiter"),
                // Another process learnt that a method's budget is spent: wait, then ask again.
                Turn::HoldForBudget(hold) => self.hold_for_budget(budget, hold, deadline).await?,
            }
        }
    }

    /// Waits `hold` for the portal to release some of these methods' budget, unless that would
    /// pass the deadline.
    async fn hold_for_budget(
        &self,
        budget: &[&str],
        hold: Duration,
        deadline: Instant,
    ) -> Result<(), &'static str> {
        if Instant::now() + hold >= deadline {
            return Err("waiting for the execution-time budget");
        }
        self.inner.observer.emit(Event::WaitingForBudget {
            methods: budget.iter().map(|m| m.to_string()).collect(),
            wait: hold,
        });
        tokio::time::sleep(hold).await;
        Ok(())
    }

    /// The error of a call whose deadline came before a request could be sent.
    fn deadline_passed(&self, when: &str) -> Error<C> {
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            may_have_reached_server: false,
            detail: format!(
                "the call's deadline ({:?}) would pass {when}; nothing was sent",
                self.times.deadline
            ),
        }
    }
}

/// Builds a request body, given the current OAuth token (none for webhooks).
pub(crate) type Encode<'a, C> = dyn Fn(Option<&str>) -> Result<Vec<u8>, Error<C>> + Sync + 'a;

/// Reads an answer that arrived at the given instant, scrubbing the given secrets.
pub(crate) type Decode<'a, T, C> =
    dyn Fn(RawAnswer, &[Secret], Instant) -> Result<T, Error<C>> + Sync + 'a;

/// What the spec says to do about a system error; `None` for every other error.
fn reaction<C: Catalog>(error: &Error<C>) -> Option<Reaction> {
    match error {
        Error::System { error, .. } => Some(error.reaction()),
        _ => None,
    }
}

/// What a failure is called in an event: its Bitrix24 code, else its kind (`timeout`, `http`).
fn failure_name<C: Catalog>(error: &Error<C>) -> String {
    match error {
        Error::Transport { kind, .. } => kind.name().to_string(),
        Error::Protocol { kind, .. } => kind.name().to_string(),
        Error::Http { status, .. } => format!("HTTP {status}"),
        _ => error.code().unwrap_or(error.kind_name()).to_string(),
    }
}

fn is_timeout<C: Catalog>(error: &Error<C>) -> bool {
    matches!(
        error,
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            ..
        }
    )
}

fn encode_body<P: Serialize, C: Catalog>(
    method: &'static str,
    params: &P,
    auth: Option<&str>,
) -> Result<Vec<u8>, Error<C>> {
    serde_json::to_vec(&Body { params, auth }).map_err(|e| Error::InvalidArgument {
        parameter: method,
        problem: ArgumentProblem::NotEncodable {
            reason: e.to_string(),
        },
    })
}

/// The portal and the kind of credential, e.g. `https://p.bitrix24.com/rest/1/***/ (webhook of
/// user 1)`; never the key or the token.
impl<C: Catalog> fmt::Display for Client<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner.endpoint, f)
    }
}

impl<C: Catalog> fmt::Debug for Client<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field(
                "rate_limit",
                &self.inner.limiter.as_ref().map(|bucket| bucket.limit()),
            )
            .field(
                "shared_limits",
                &self
                    .inner
                    .limiter
                    .as_ref()
                    .and_then(|bucket| bucket.shared_store()),
            )
            .field("retry", &self.retry)
            .field("timeout", &self.times.timeout)
            .field("deadline", &self.times.deadline)
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
