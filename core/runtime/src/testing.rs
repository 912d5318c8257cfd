//! A small catalog for the runtime's own unit tests: a few system errors with each reaction, one
//! method error and a `time` object. The real catalog is generated in the `b24kit` crate and
//! tested against the emulator there.

use serde::Deserialize;

use crate::catalog::{
    AnswerTime, BudgetReading, Catalog, DocumentedMethodError, DocumentedSystemError,
    ParameterNames, Reaction, RetryWhen,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Test;

impl Catalog for Test {
    type MethodError = MethodErrors;
    type SystemError = Errors;
    type Time = Time;

    fn method(name: &str) -> Option<crate::MethodFacts<MethodErrors>> {
        name.eq_ignore_ascii_case("test.method")
            .then_some(crate::MethodFacts {
                idempotent: true,
                error: |code| {
                    code.eq_ignore_ascii_case("ACCESS_DENIED")
                        .then_some(MethodErrors::AccessDenied)
                },
                paging: None,
            })
    }

    fn parameter(wire: &str) -> Option<ParameterNames> {
        (wire == "CHAT_ID").then_some(ParameterNames {
            wire: "CHAT_ID",
            snake: "chat_id",
            camel: "chatId",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MethodErrors {
    /// `ACCESS_DENIED` with 400, as open-line methods document it.
    AccessDenied,
}

impl DocumentedMethodError for MethodErrors {
    fn method(self) -> &'static str {
        "test.method"
    }
    fn code(self) -> &'static str {
        "ACCESS_DENIED"
    }
    fn status(self) -> u16 {
        400
    }
    fn meaning(self) -> &'static str {
        "No access to the dialog."
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Errors {
    QueryLimitExceeded,
    OperationTimeLimit,
    InternalServer,
    ExpiredToken,
    InvalidCredentials,
    /// `ACCESS_DENIED` with 401: the plan.
    PlanAccessDenied,
}

const ALL: [Errors; 6] = [
    Errors::QueryLimitExceeded,
    Errors::OperationTimeLimit,
    Errors::InternalServer,
    Errors::ExpiredToken,
    Errors::InvalidCredentials,
    Errors::PlanAccessDenied,
];

impl DocumentedSystemError for Errors {
    fn from_code(code: &str) -> Option<Self> {
        ALL.into_iter()
            .find(|e| e.code().eq_ignore_ascii_case(code))
    }

    fn code(self) -> &'static str {
        match self {
            Errors::QueryLimitExceeded => "QUERY_LIMIT_EXCEEDED",
            Errors::OperationTimeLimit => "OPERATION_TIME_LIMIT",
            Errors::InternalServer => "INTERNAL_SERVER_ERROR",
            Errors::ExpiredToken => "expired_token",
            Errors::InvalidCredentials => "INVALID_CREDENTIALS",
            Errors::PlanAccessDenied => "ACCESS_DENIED",
        }
    }

    fn meaning(self) -> &'static str {
        "a test error"
    }

    fn category_name(self) -> &'static str {
        match self {
            Errors::QueryLimitExceeded | Errors::OperationTimeLimit => "rate_limit",
            Errors::InternalServer => "server",
            Errors::ExpiredToken => "token_expired",
            Errors::InvalidCredentials => "auth",
            Errors::PlanAccessDenied => "plan",
        }
    }

    fn reaction(self) -> Reaction {
        let never = Reaction {
            retry: RetryWhen::Never,
            renew_token: false,
            mark_bucket_full: false,
            wait_for_budget: false,
        };
        match self {
            Errors::QueryLimitExceeded => Reaction {
                retry: RetryWhen::AnyMethod,
                mark_bucket_full: true,
                ..never
            },
            Errors::OperationTimeLimit => Reaction {
                retry: RetryWhen::IdempotentOnly,
                wait_for_budget: true,
                ..never
            },
            Errors::InternalServer => Reaction {
                retry: RetryWhen::IdempotentOnly,
                ..never
            },
            Errors::ExpiredToken => Reaction {
                renew_token: true,
                ..never
            },
            Errors::InvalidCredentials | Errors::PlanAccessDenied => never,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Time {
    pub(crate) start: f64,
    pub(crate) finish: f64,
    #[serde(default)]
    pub(crate) operating_reset_at: Option<f64>,
    #[serde(default)]
    pub(crate) operating: Option<f64>,
}

impl Time {
    pub(crate) fn at(finish: f64, operating: Option<f64>, reset_at: Option<f64>) -> Time {
        Time {
            start: finish,
            finish,
            operating_reset_at: reset_at,
            operating,
        }
    }
}

impl AnswerTime for Time {
    fn budget(&self) -> Option<BudgetReading> {
        Some(BudgetReading {
            used_seconds: self.operating?,
            released_at: self.operating_reset_at?,
            answered_at: self.finish,
        })
    }
}
