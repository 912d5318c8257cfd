//! The HTTP server: hyper over TCP (optionally TLS), keep-alive, `TCP_NODELAY` (without it
//! keep-alive clients stall ~40 ms per call on delayed ACKs), no per-request logging unless asked.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, AUTHORIZATION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::clock::unix_now;
use crate::portal::Portal;
use crate::reply::{self, Reply};
use crate::rest;
use crate::{control, oauth, request};

/// Bodies larger than this are refused; real calls are a few hundred bytes.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// The service's error: the connection is closed without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

/// Accepts connections until `shutdown` resolves, then lets open ones finish for a moment.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    portal: Arc<Portal>,
    idle_timeout: Option<Duration>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                // Out of file descriptors and the like: wait a little instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let portal = portal.clone();
        let secure = tls.is_some();
        let service = service_fn(move |req| handle(portal.clone(), secure, req));
        let mut builder = hyper::server::conn::http1::Builder::new();
        if let Some(idle) = idle_timeout {
            // hyper starts this timer whenever it waits for a request head, idle time included.
            builder.timer(TokioTimer::new()).header_read_timeout(idle);
        }
        match &tls {
            None => {
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    let _ = watcher.watch(conn).await;
                });
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), graceful.shutdown()).await;
}

async fn handle(
    portal: Arc<Portal>,
    secure: bool,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let started = unix_now();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        // nginx refuses an oversized body before the portal sees it.
        Err(_) => return Ok(response(413, reply::HTML, reply::html_body(413))),
    };
    let response = if let Some(rest_path) = path.strip_prefix("/rest/") {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        let reply = rest::handle(&portal, started, secure, || {
            request::parse(
                rest_path,
                parts.uri.query(),
                header(CONTENT_TYPE),
                &body,
                header(AUTHORIZATION),
            )
        })
        .await;
        match reply {
            Reply::Answer {
                status,
                content_type,
                body,
                headers,
            } => {
                let mut answer = response(status, content_type, body);
                let sent = answer.headers_mut();
                // What every portal answer carries; `X-Bitrix-Rest-Time` is a cloud portal's
                // (the seconds the call took), sent here as a cloud portal sends it.
                sent.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
                sent.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
                let took = format!("{:.6}", (unix_now() - started).max(0.0));
                if let Ok(took) = HeaderValue::from_str(&took) {
                    sent.insert("x-bitrix-rest-time", took);
                }
                for (name, value) in headers {
                    if let (Ok(name), Ok(value)) = (
                        hyper::header::HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_str(&value),
                    ) {
                        sent.append(name, value);
                    }
                }
                answer
            }
            Reply::Moved { status, to } => {
                let target = match parts.uri.path_and_query() {
                    Some(p) => format!("{}{}", to.trim_end_matches('/'), p.as_str()),
                    None => to,
                };
                let mut moved = response(status, "text/html", Bytes::new());
                match HeaderValue::from_str(&target) {
                    Ok(location) => {
                        moved
                            .headers_mut()
                            .insert(hyper::header::LOCATION, location);
                    }
                    Err(_) => *moved.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR,
                }
                moved
            }
            Reply::Drop => return Err(DropConnection),
        }
    } else if path.trim_end_matches('/') == "/oauth/token" {
        let host = parts
            .headers
            .get(hyper::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1");
        let base = format!("{}://{host}", if secure { "https" } else { "http" });
        let (status, value) = oauth::handle(&portal, parts.uri.query(), &body, &base);
        json_response(status, Bytes::from(value.to_string()))
    } else if let Some(control_path) = path.strip_prefix("/_emulator") {
        let (status, value) = control::handle(&portal, parts.method.as_str(), control_path, &body);
        json_response(status, Bytes::from(value.to_string()))
    } else {
        // Only /rest/ reaches the portal; nginx answers everything else itself.
        response(404, reply::HTML, reply::html_body(404))
    };
    if portal.log_requests {
        eprintln!(
            "{} {} -> {}",
            parts.method,
            path,
            response.status().as_u16()
        );
    }
    Ok(response)
}

fn json_response(status: u16, body: Bytes) -> Response<Full<Bytes>> {
    response(status, reply::JSON, body)
}

fn response(status: u16, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
