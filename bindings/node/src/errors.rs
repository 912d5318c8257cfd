//! Core errors → the record `errors.js`'s `makeError` turns into the right class: the core's
//! `ErrorReport`, with parameters named as JavaScript names them.

use napi_derive::napi;

use b24kit::{Casing, ConfigProblem, Error, ErrorReport};

/// Everything a typed error carries; the same fields in every language.
#[napi(object)]
pub struct ErrorRecord {
    /// The core's `kind_name`: `method`, `system`, `transport`, … or `internal`.
    pub variant: String,
    pub message: String,
    pub code: Option<String>,
    pub description: Option<String>,
    pub http_status: Option<u32>,
    pub retryable: bool,
    pub may_have_reached_server: bool,
    pub method: Option<String>,
    pub category: Option<String>,
    pub kind: Option<String>,
    pub parameter: Option<String>,
}

impl From<ErrorReport> for ErrorRecord {
    fn from(r: ErrorReport) -> ErrorRecord {
        ErrorRecord {
            variant: r.variant.to_string(),
            message: r.message,
            code: r.code,
            description: r.description,
            http_status: r.http_status.map(u32::from),
            retryable: r.retryable,
            may_have_reached_server: r.may_have_reached_server,
            method: r.method.map(str::to_string),
            category: r.category.map(str::to_string),
            kind: r.kind.map(str::to_string),
            parameter: r.parameter,
        }
    }
}

impl ErrorRecord {
    pub(crate) fn from_core(error: &Error) -> ErrorRecord {
        ErrorReport::new(error, Casing::Camel).into()
    }

    pub(crate) fn config(problem: ConfigProblem) -> ErrorRecord {
        ErrorRecord::from_core(&Error::InvalidConfig(problem))
    }

    /// The base error for a bug in b24kit (a Rust panic or a value that cannot be converted).
    pub(crate) fn internal(message: &str) -> ErrorRecord {
        ErrorReport::bug(message.to_string()).into()
    }
}
