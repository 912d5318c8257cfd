//! Whatever a server sends, the client returns a typed error in bounded time and memory, never
//! follows a redirect with its credentials, and never panics.

use std::io::Write;
use std::time::{Duration, Instant};

use b24kit::prelude::*;
use b24kit::{
    Client, Error, ImopenlinesSessionModeSilentParams as Silent, ProtocolErrorKind,
    TransportErrorKind,
};
use b24kit_tests::hostile::{HostileServer, Script};

const KEY: &str = "hostilekey123";

fn client(server: &HostileServer, timeout: Duration) -> Client {
    Client::webhook(server.webhook_url(KEY))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .timeout(timeout)
        .max_response_bytes(256 * 1024)
        .build()
        .unwrap()
}

async fn call(client: &Client) -> Error {
    client
        .imopenlines_session_mode_silent(Silent::new(2043).activate(true))
        .await
        .expect_err("a hostile server cannot make the call succeed")
}

fn raw(status_line: &str, headers: &[&str], body: &[u8]) -> Script {
    let mut bytes = format!("{status_line}\r\n").into_bytes();
    for h in headers {
        bytes.extend_from_slice(format!("{h}\r\n").as_bytes());
    }
    bytes.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    bytes.extend_from_slice(body);
    Script::Raw(bytes)
}

#[tokio::test]
async fn a_body_that_never_ends_stops_at_the_size_cap() {
    let server = HostileServer::start(Script::EndlessChunked);
    let started = Instant::now();
    let err = call(&client(&server, Duration::from_secs(10))).await;
    assert!(
        matches!(
            err,
            Error::Protocol {
                kind: ProtocolErrorKind::TooLarge,
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_announced_huge_body_is_refused_before_reading_it() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999999\r\n\r\n{";
    let server = HostileServer::start(Script::Raw(head.as_bytes().to_vec()));
    let err = call(&client(&server, Duration::from_secs(10))).await;
    assert!(
        matches!(
            err,
            Error::Protocol {
                kind: ProtocolErrorKind::TooLarge,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn headers_that_trickle_in_cannot_outlast_the_deadline() {
    let server = HostileServer::start(Script::TrickleHeaders {
        interval: Duration::from_millis(50),
    });
    let started = Instant::now();
    let err = call(&client(&server, Duration::from_millis(600))).await;
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_gzip_bomb_is_never_inflated() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![b'['; 50 * 1024 * 1024]).unwrap();
    let bomb = encoder.finish().unwrap();
    assert!(
        bomb.len() < 200 * 1024,
        "the bomb is small on the wire: {}",
        bomb.len()
    );
    let server = HostileServer::start(raw(
        "HTTP/1.1 200 OK",
        &["content-type: application/json", "content-encoding: gzip"],
        &bomb,
    ));
    let err = call(&client(&server, Duration::from_secs(10))).await;
    // The client asks for no compression and decodes none: the bytes are just not JSON.
    assert!(
        matches!(
            err,
            Error::Protocol {
                kind: ProtocolErrorKind::NotJson,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_utf8_and_deep_nesting_are_protocol_errors() {
    let server = HostileServer::start(raw(
        "HTTP/1.1 200 OK",
        &["content-type: application/json"],
        b"{\"result\": \"\xff\xfe\"}",
    ));
    let err = call(&client(&server, Duration::from_secs(10))).await;
    assert!(
        matches!(&err, Error::Protocol { status: 200, snippet, .. } if snippet.contains('\u{fffd}')),
        "{err:?}"
    );

    for body in [
        "[".repeat(10_000),
        format!("{{\"result\":{}", "[".repeat(10_000)),
        format!("{{\"error\":\"X\",\"extra\":{}}}", "{\"a\":".repeat(10_000)),
    ] {
        let server = HostileServer::start(raw(
            "HTTP/1.1 200 OK",
            &["content-type: application/json"],
            body.as_bytes(),
        ));
        let err = call(&client(&server, Duration::from_secs(10))).await;
        assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn redirects_are_never_followed_with_credentials() {
    let elsewhere = HostileServer::start(raw("HTTP/1.1 200 OK", &[], b"{}"));
    for (location, origin) in [
        (
            format!("http://{}/rest/1/{KEY}/", elsewhere.addr),
            format!("http://{}/", elsewhere.addr),
        ),
        (
            format!("https://evil.example.com/rest/1/{KEY}/x"),
            "https://evil.example.com/".to_string(),
        ),
    ] {
        let server = HostileServer::start(raw(
            "HTTP/1.1 302 Found",
            &[&format!("location: {location}")],
            b"",
        ));
        let err = call(&client(&server, Duration::from_secs(10))).await;
        // Reported as a move, naming only the other origin: the path repeated the key.
        assert_eq!(
            err,
            Error::PortalMoved {
                status: 302,
                location: origin
            }
        );
        assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
    }
    assert_eq!(
        elsewhere.requests(),
        0,
        "nothing was sent to the redirect target"
    );
}

#[tokio::test]
async fn a_connection_reset_mid_body() {
    let server = HostileServer::start(Script::ResetMidBody {
        announced: 10_000,
        sent: 100,
    });
    let err = call(&client(&server, Duration::from_secs(10))).await;
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::ConnectionLost,
                may_have_reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_status_lines_and_headers_are_transport_errors() {
    for garbage in [
        &b"NOT HTTP AT ALL\r\n\r\n"[..],
        b"HTTP/1.1 abc\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n",
    ] {
        let server = HostileServer::start(Script::Raw(garbage.to_vec()));
        let err = call(&client(&server, Duration::from_secs(10))).await;
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert!(!err.to_string().contains(KEY));
    }
}
