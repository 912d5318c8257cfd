//! Every error as one flat record, the same fields in every language: the bindings turn a
//! [`ErrorReport`] into their exception or error class and copy the fields over, nothing more.

use crate::catalog::{
    parameter_name, Casing, Catalog, DocumentedMethodError, DocumentedSystemError,
};
use crate::incoming::IncomingEventError;
use crate::panic::Panic;
use crate::Error;

/// A failure as a language binding shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    /// The error's variant as one snake_case word ([`Error::kind_name`]), or `internal` for a
    /// bug in b24kit (a caught panic).
    pub variant: &'static str,
    /// What happened, for people, with parameters named in the binding's casing.
    pub message: String,
    /// The Bitrix24 `error` code (documented spelling for documented codes), when there was one.
    pub code: Option<String>,
    /// The portal's `error_description`, when it sent one.
    pub description: Option<String>,
    /// The HTTP status of the answer, when one arrived.
    pub http_status: Option<u16>,
    /// Whether repeating the same call later may succeed.
    pub retryable: bool,
    /// `false` only when the request certainly never left this machine.
    pub may_have_reached_server: bool,
    /// For method errors: the dotted name of the method that documents the code.
    pub method: Option<&'static str>,
    /// For system errors: the category (`rate_limit`, `auth`, …).
    pub category: Option<&'static str>,
    /// For transport and protocol errors: what went wrong (`timeout`, `not_json`, …).
    pub kind: Option<&'static str>,
    /// For invalid arguments: the parameter, in the binding's casing.
    pub parameter: Option<String>,
}

impl ErrorReport {
    /// The report of `error`, naming parameters in `casing`.
    pub fn new<C: Catalog>(error: &Error<C>, casing: Casing) -> ErrorReport {
        let name = |wire| parameter_name::<C>(wire, casing);
        let mut report = ErrorReport {
            variant: error.kind_name(),
            message: error.message_naming(name),
            code: error.code().map(str::to_string),
            description: error.description().map(str::to_string),
            http_status: error.status(),
            retryable: error.is_retryable(),
            may_have_reached_server: error.may_have_reached_server(),
            method: None,
            category: None,
            kind: None,
            parameter: None,
        };
        match error {
            Error::Method { error, .. } => report.method = Some(error.method()),
            Error::System { error, .. } => report.category = Some(error.category_name()),
            Error::Transport { kind, .. } => report.kind = Some(kind.name()),
            Error::Protocol { kind, .. } => report.kind = Some(kind.name()),
            Error::InvalidArgument { parameter, .. } => {
                report.parameter = Some(name(parameter).to_string());
            }
            _ => {}
        }
        report
    }

    /// The report of a bug in b24kit: a panic caught before it crossed into the host language.
    pub fn internal(panic: &Panic) -> ErrorReport {
        ErrorReport::bug(panic.to_string())
    }

    /// The report of a bug in b24kit found by a binding (a value it could not convert).
    pub fn bug(message: String) -> ErrorReport {
        ErrorReport {
            variant: "internal",
            message,
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

    /// An argument the binding could not hand to the core: a number the host language holds but
    /// the parameter's type cannot (an integer beyond 64 bits, say). Nothing is sent.
    pub fn unrepresentable(parameter: &str, value: &str) -> ErrorReport {
        ErrorReport {
            variant: "invalid_argument",
            message: format!("{parameter} is out of range: {value}"),
            may_have_reached_server: false,
            parameter: Some(parameter.to_string()),
            ..ErrorReport::bug(String::new())
        }
    }
}

impl From<&IncomingEventError> for ErrorReport {
    /// Variant `event`; `kind` says what is wrong with the delivery (`malformed`,
    /// `missing_key`, `token_mismatch`, `bad_data`), `code` is the event's for `bad_data` and
    /// `parameter` the key for `missing_key`. Nothing was sent, and repeating cannot help.
    fn from(error: &IncomingEventError) -> ErrorReport {
        let (kind, code, parameter) = match error {
            IncomingEventError::Malformed { .. } => ("malformed", None, None),
            IncomingEventError::Missing { key } => ("missing_key", None, Some(key.to_string())),
            IncomingEventError::TokenMismatch => ("token_mismatch", None, None),
            IncomingEventError::BadData { event, .. } => ("bad_data", Some(event.clone()), None),
        };
        ErrorReport {
            variant: "event",
            message: error.to_string(),
            code,
            may_have_reached_server: false,
            kind: Some(kind),
            parameter,
            ..ErrorReport::bug(String::new())
        }
    }
}

impl<C: Catalog> From<&Error<C>> for ErrorReport {
    /// The report with parameters under their Bitrix24 names.
    fn from(error: &Error<C>) -> ErrorReport {
        ErrorReport::new(error, Casing::Wire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Errors, MethodErrors, Test};
    use crate::{ArgumentProblem, TransportErrorKind};

    #[test]
    fn every_field_from_one_place() {
        let method: Error<Test> = Error::Method {
            error: MethodErrors::AccessDenied,
            status: 400,
            description: "no".into(),
        };
        let report = ErrorReport::new(&method, Casing::Camel);
        assert_eq!(report.variant, "method");
        assert_eq!(report.code.as_deref(), Some("ACCESS_DENIED"));
        assert_eq!(report.method, Some("test.method"));
        assert_eq!(report.http_status, Some(400));
        assert!(!report.retryable && report.may_have_reached_server);

        let system: Error<Test> = Error::System {
            error: Errors::QueryLimitExceeded,
            status: 503,
            description: String::new(),
        };
        let report = ErrorReport::new(&system, Casing::Snake);
        assert_eq!(
            (report.category, report.retryable),
            (Some("rate_limit"), true)
        );

        let timeout: Error<Test> = Error::Transport {
            kind: TransportErrorKind::Timeout,
            may_have_reached_server: true,
            detail: "slow".into(),
        };
        assert_eq!(
            ErrorReport::new(&timeout, Casing::Snake).kind,
            Some("timeout")
        );
    }

    #[test]
    fn parameters_in_the_callers_casing() {
        let error: Error<Test> = Error::InvalidArgument {
            parameter: "CHAT_ID",
            problem: ArgumentProblem::BelowMinimum {
                minimum: 1,
                actual: 0,
            },
        };
        for (casing, name) in [
            (Casing::Wire, "CHAT_ID"),
            (Casing::Snake, "chat_id"),
            (Casing::Camel, "chatId"),
        ] {
            let report = ErrorReport::new(&error, casing);
            assert_eq!(report.parameter.as_deref(), Some(name));
            assert_eq!(report.message, format!("{name} must be at least 1, got 0"));
            assert!(!report.may_have_reached_server);
        }
    }

    #[test]
    fn unrepresentable_values_are_invalid_arguments() {
        let report = ErrorReport::unrepresentable("chat_id", "1e40");
        assert_eq!(report.variant, "invalid_argument");
        assert_eq!(report.parameter.as_deref(), Some("chat_id"));
        assert!(!report.may_have_reached_server && !report.retryable);
    }

    #[test]
    fn event_errors_say_what_is_wrong_without_values() {
        let report = ErrorReport::from(&IncomingEventError::BadData {
            event: "ONSESSIONSTART".into(),
            detail: "not an integer string".into(),
        });
        assert_eq!((report.variant, report.kind), ("event", Some("bad_data")));
        assert_eq!(report.code.as_deref(), Some("ONSESSIONSTART"));
        assert!(!report.retryable && !report.may_have_reached_server);
        let report = ErrorReport::from(&IncomingEventError::Missing { key: "event" });
        assert_eq!(
            (report.kind, report.parameter.as_deref()),
            (Some("missing_key"), Some("event"))
        );
        let report = ErrorReport::from(&IncomingEventError::TokenMismatch);
        assert_eq!(report.kind, Some("token_mismatch"));
    }
}
