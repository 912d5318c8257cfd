//! The HTTP exchange: one reqwest client per [`Client`](crate::Client) (shared by its clones, so
//! connections are kept alive and reused), a time limit per exchange, and a cap on the size of
//! what the server may send back.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use url::Url;

use crate::catalog::Catalog;
use crate::error::{ConfigProblem, ProtocolErrorKind, TransportErrorKind};
use crate::secret::{snippet, Secret};
use crate::Error;

/// A complete HTTP answer: status and body, nothing interpreted yet.
pub(crate) struct RawAnswer {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

pub(crate) struct Transport {
    http: reqwest::Client,
    max_response_bytes: usize,
}

#[derive(Clone)]
pub(crate) struct TransportSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) user_agent: String,
    /// Built once per client: every connection, and every transport made from these settings
    /// (a binding may make one per thread), shares its trust store, read once.
    pub(crate) tls: rustls::ClientConfig,
    /// Loopback endpoints bypass any proxy from the environment: a proxy cannot reach them.
    pub(crate) bypass_proxy: bool,
}

impl Transport {
    pub(crate) fn new(settings: TransportSettings) -> Result<Transport, ConfigProblem> {
        let mut builder = reqwest::Client::builder()
            // The time limit of an exchange is ours (`post`); reqwest only bounds the connect,
            // so that a connect failure can be reported as "not sent".
            .connect_timeout(settings.connect_timeout.min(settings.timeout))
            .user_agent(settings.user_agent)
            // Never follow a redirect with credentials in the URL or body: a 3xx is reported.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .tls_backend_preconfigured(settings.tls);
        if settings.bypass_proxy {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ConfigProblem::HttpClient {
            reason: error_chain(&e.without_url()),
        })?;
        Ok(Transport {
            http,
            max_response_bytes: settings.max_response_bytes,
        })
    }

    /// POSTs a body and reads the whole answer within `timeout`.
    pub(crate) async fn post<C: Catalog>(
        &self,
        url: Url,
        content_type: &'static str,
        body: Vec<u8>,
        timeout: Duration,
        secrets: &[Secret],
    ) -> Result<RawAnswer, Error<C>> {
        match tokio::time::timeout(timeout, self.exchange(url, content_type, body, secrets)).await {
            Ok(answer) => answer,
            Err(_) => Err(Error::Transport {
                kind: TransportErrorKind::Timeout,
                may_have_reached_server: true,
                detail: format!("no complete answer within {timeout:?}"),
            }),
        }
    }

    async fn exchange<C: Catalog>(
        &self,
        url: Url,
        content_type: &'static str,
        body: Vec<u8>,
        secrets: &[Secret],
    ) -> Result<RawAnswer, Error<C>> {
        let mut response = self
            .http
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        if let Some(moved_to) = moved_to(&response) {
            return Err(Error::PortalMoved {
                status,
                location: moved_to,
            });
        }
        let too_large = |body: &[u8]| Error::Protocol {
            kind: ProtocolErrorKind::TooLarge,
            status,
            snippet: snippet(body, secrets),
        };
        match response.content_length() {
            Some(len) if len > self.max_response_bytes as u64 => return Err(too_large(&[])),
            // The length is known and within the cap; hyper enforces it while reading.
            Some(_) => {
                let body = response.bytes().await.map_err(transport_error)?;
                return Ok(RawAnswer { status, body });
            }
            None => {}
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > self.max_response_bytes {
                return Err(too_large(&body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawAnswer {
            status,
            body: Bytes::from(body),
        })
    }
}

/// Where a redirect to another origin points: its origin only (`https://new.bitrix24.com/`), as
/// a renamed portal answers the old address with a 302 to the new one. The path is left out — it
/// may repeat the webhook key — and the redirect is not followed: the credentials stay here.
/// `None` for anything else, including a redirect within the same origin (reported as HTTP).
fn moved_to(response: &reqwest::Response) -> Option<String> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    let from = response.url();
    let to = from.join(location).ok()?;
    let origin = to.origin();
    if !origin.is_tuple() || origin == from.origin() {
        return None;
    }
    Some(format!("{}/", origin.ascii_serialization()))
}

/// reqwest's error → ours, without the URL (it holds the webhook key).
fn transport_error<C: Catalog>(e: reqwest::Error) -> Error<C> {
    let e = e.without_url();
    let kind = if is_tls(&e) {
        TransportErrorKind::Tls
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::ConnectionLost
    };
    Error::Transport {
        kind,
        // A failed connect (including a TLS handshake) means no request bytes left.
        may_have_reached_server: !e.is_connect(),
        detail: error_chain(&e),
    }
}

fn is_tls(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<rustls::Error>() {
            return true;
        }
        // io::Error::source skips the error it wraps, and TLS errors arrive wrapped in two
        // layers of io::Error; look inside explicitly.
        let mut io = err.downcast_ref::<std::io::Error>();
        while let Some(inner) = io.and_then(|e| e.get_ref()) {
            if inner.is::<rustls::Error>() {
                return true;
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        source = err.source();
    }
    false
}

/// An error and its causes as one line, skipping repeats.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = source {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = err.source();
    }
    parts.join(": ")
}
