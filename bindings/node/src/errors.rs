//! Core errors → the record `index.js`'s `makeError` turns into the right class of `errors.js`.

use napi_derive::napi;

use b24kit::Error;

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

impl ErrorRecord {
    pub(crate) fn from_core(error: &Error) -> ErrorRecord {
        let mut record = ErrorRecord {
            variant: error.kind_name().to_string(),
            message: error.to_string(),
            code: error.code().map(str::to_string),
            description: error.description().map(str::to_string),
            http_status: error.status().map(u32::from),
            retryable: error.is_retryable(),
            may_have_reached_server: error.may_have_reached_server(),
            method: None,
            category: None,
            kind: None,
            parameter: None,
        };
        match error {
            Error::Method { error, .. } => record.method = Some(error.method().to_string()),
            Error::System { error, .. } => {
                record.category = Some(error.category().name().to_string())
            }
            Error::Transport { kind, .. } => record.kind = Some(kind.name().to_string()),
            Error::Protocol { kind, .. } => record.kind = Some(kind.name().to_string()),
            Error::InvalidArgument { parameter, .. } => {
                // Name parameters the way the caller wrote them.
                record.message = error.message_naming(crate::generated::param_name);
                record.parameter = Some(crate::generated::param_name(parameter).to_string());
            }
            _ => {}
        }
        record
    }

    /// The base error for a bug in b24kit (a Rust panic or a value that cannot be converted).
    pub(crate) fn internal(message: &str) -> ErrorRecord {
        ErrorRecord {
            variant: "internal".to_string(),
            message: message.to_string(),
            code: None,
            description: None,
            http_status: None,
            retryable: false,
            may_have_reached_server: true,
            method: None,
            category: None,
            kind: None,
            parameter: None,
        }
    }
}
