//! What the emulator sends back: an answer (a Bitrix24 success or error body, a proxy's page, a
//! raw body) or nothing at all.

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::clock::TimeObject;
use crate::methods::Answer;

/// What to send back.
pub(crate) enum Reply {
    Answer {
        status: u16,
        content_type: &'static str,
        body: Bytes,
        /// Besides `Content-Type` and those every answer carries.
        headers: Vec<(String, String)>,
    },
    /// A redirect to `to` followed by the request's own path, with no body.
    Moved { status: u16, to: String },
    /// Close the connection without answering.
    Drop,
}

pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// A success body, keys in the portal's order.
#[derive(Serialize)]
struct Success {
    result: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<u64>,
    time: TimeObject,
}

pub(crate) fn success(answer: Answer, time: TimeObject) -> Reply {
    let body = Success {
        result: answer.result,
        total: answer.total,
        next: answer.next,
        time,
    };
    Reply::Answer {
        status: 200,
        content_type: JSON,
        body: Bytes::from(serde_json::to_vec(&body).expect("plain JSON values always serialize")),
        headers: Vec::new(),
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

pub(crate) fn error(status: u16, code: &str, description: &str) -> Reply {
    let body = ErrorBody {
        error: code,
        error_description: description,
    };
    Reply::Answer {
        status,
        content_type: JSON,
        body: Bytes::from(serde_json::to_vec(&body).expect("strings always serialize")),
        headers: Vec::new(),
    }
}

pub(crate) fn raw(status: u16, content_type: &'static str, body: Bytes) -> Reply {
    Reply::Answer {
        status,
        content_type,
        body,
        headers: Vec::new(),
    }
}

/// What a proxy in front of a portal sends when the portal is down.
pub(crate) fn html_page(status: u16) -> Reply {
    raw(status, HTML, html_body(status))
}

pub(crate) const HTML: &str = "text/html";

/// The page nginx, in front of every portal, sends for a status it answers itself: no JSON, the
/// status and its reason phrase as nginx spells them, for 404s of unknown paths, 413s of
/// oversized bodies and the 5xx of a proxy whose upstream failed.
pub(crate) fn html_body(status: u16) -> Bytes {
    let title = format!("{status} {}", nginx_reason(status));
    Bytes::from(format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ))
}

fn nginx_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        408 => "Request Time-out",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "Error",
    }
}
