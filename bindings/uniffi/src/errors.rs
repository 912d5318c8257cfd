//! The one error type of Kotlin and Swift: an enum with a variant per documented code (generated
//! from the spec through `error_enum!`), each carrying the same fields, so that a Kotlin
//! `catch (e: B24kitException.ChatType)` or a Swift `catch B24kitError.ChatType` sees them all.
//! Methods on the enum read the fields whatever the variant.

use b24kit::Error as CoreError;

use crate::generated::{method_variant, param_name, system_variant, B24kitError, Variant};

/// What every error carries; `None` where it does not apply.
pub(crate) struct Fields {
    pub(crate) reason: String,
    pub(crate) code: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) http_status: Option<i32>,
    pub(crate) retryable: bool,
    pub(crate) may_have_reached_server: bool,
    pub(crate) method: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) parameter: Option<String>,
}

impl Fields {
    fn bare(reason: String) -> Fields {
        Fields {
            reason,
            code: None,
            description: None,
            http_status: None,
            retryable: false,
            may_have_reached_server: false,
            method: None,
            category: None,
            kind: None,
            parameter: None,
        }
    }
}

/// Declares `B24kitError` (one variant per name, all with the same fields), its field-less
/// mirror `Variant`, and the accessors.
macro_rules! error_enum {
    ($($(#[$doc:meta])* $variant:ident),* $(,)?) => {
        /// Why a call failed. Every variant carries the same fields; the methods read them
        /// whatever the variant. Messages never contain the webhook key or a token.
        ///
        /// The fields: `reason` (what happened, for people); `code` (the Bitrix24 `error` code,
        /// documented spelling); `description` (the portal's localized `error_description`);
        /// `http_status`; `retryable` (whether repeating the call later may succeed);
        /// `may_have_reached_server` (`false` only when the request certainly never left this
        /// device); `method` (for method errors, the dotted name); `category` (for system errors:
        /// `rate_limit`, `auth`, …); `kind` (for transport and protocol errors: `timeout`,
        /// `not_json`, …); `parameter` (for invalid arguments, the parameter's name).
        ///
        /// (The fields carry no doc comments of their own: uniffi's metadata for an enum this
        /// size must stay under its fixed buffer.)
        #[derive(Debug, uniffi::Error)]
        pub enum B24kitError {
            $(
                $(#[$doc])*
                $variant {
                    reason: String,
                    code: Option<String>,
                    description: Option<String>,
                    http_status: Option<i32>,
                    retryable: bool,
                    may_have_reached_server: bool,
                    method: Option<String>,
                    category: Option<String>,
                    kind: Option<String>,
                    parameter: Option<String>,
                },
            )*
        }

        #[derive(Clone, Copy)]
        pub(crate) enum Variant {
            $($variant,)*
        }

        impl B24kitError {
            pub(crate) fn new(variant: Variant, f: $crate::errors::Fields) -> B24kitError {
                match variant {
                    $(Variant::$variant => B24kitError::$variant {
                        reason: f.reason,
                        code: f.code,
                        description: f.description,
                        http_status: f.http_status,
                        retryable: f.retryable,
                        may_have_reached_server: f.may_have_reached_server,
                        method: f.method,
                        category: f.category,
                        kind: f.kind,
                        parameter: f.parameter,
                    },)*
                }
            }

            pub(crate) fn fields(&self) -> $crate::errors::Fields {
                match self {
                    $(B24kitError::$variant {
                        reason,
                        code,
                        description,
                        http_status,
                        retryable,
                        may_have_reached_server,
                        method,
                        category,
                        kind,
                        parameter,
                    } => $crate::errors::Fields {
                        reason: reason.clone(),
                        code: code.clone(),
                        description: description.clone(),
                        http_status: *http_status,
                        retryable: *retryable,
                        may_have_reached_server: *may_have_reached_server,
                        method: method.clone(),
                        category: category.clone(),
                        kind: kind.clone(),
                        parameter: parameter.clone(),
                    },)*
                }
            }
        }
    };
}
pub(crate) use error_enum;

impl From<CoreError> for B24kitError {
    fn from(error: CoreError) -> Self {
        let mut f = Fields {
            reason: error.to_string(),
            code: error.code().map(str::to_string),
            description: error.description().map(str::to_string),
            http_status: error.status().map(i32::from),
            retryable: error.is_retryable(),
            may_have_reached_server: error.may_have_reached_server(),
            method: None,
            category: None,
            kind: None,
            parameter: None,
        };
        let variant = match &error {
            CoreError::Method { error, .. } => {
                f.method = Some(error.method().to_string());
                method_variant(error.code())
            }
            CoreError::System { error, .. } => {
                f.category = Some(error.category().name().to_string());
                system_variant(error.code())
            }
            CoreError::UnknownCode { .. } => Variant::UnknownCode,
            CoreError::Http { .. } => Variant::Http,
            CoreError::Transport { kind, .. } => {
                f.kind = Some(kind.name().to_string());
                match kind {
                    b24kit::TransportErrorKind::Connect => Variant::Connect,
                    b24kit::TransportErrorKind::Tls => Variant::Tls,
                    b24kit::TransportErrorKind::Timeout => Variant::RequestTimeout,
                    _ => Variant::ConnectionLost,
                }
            }
            CoreError::Protocol { kind, .. } => {
                f.kind = Some(kind.name().to_string());
                Variant::Protocol
            }
            CoreError::InvalidArgument { parameter, .. } => {
                // Name parameters the way the caller wrote them.
                f.reason = error.message_naming(param_name);
                f.parameter = Some(param_name(parameter).to_string());
                Variant::InvalidArgument
            }
            CoreError::InvalidConfig(_) => Variant::Config,
            CoreError::TokenRefresh { .. } => Variant::TokenRefresh,
            CoreError::Skipped => Variant::Skipped,
            _ => Variant::Internal,
        };
        B24kitError::new(variant, f)
    }
}

impl B24kitError {
    /// A bug in b24kit (a Rust panic), reported instead of crashing the app.
    pub(crate) fn internal(panic: &b24kit::panic::Panic) -> Self {
        let mut f = Fields::bare(panic.to_string());
        f.may_have_reached_server = true;
        Self::new(Variant::Internal, f)
    }
}

#[uniffi::export]
impl B24kitError {
    /// What happened, for people; never contains the webhook key or a token.
    pub fn reason(&self) -> String {
        self.fields().reason
    }

    /// The Bitrix24 `error` code, when the portal sent one.
    pub fn error_code(&self) -> Option<String> {
        self.fields().code
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn status(&self) -> Option<i32> {
        self.fields().http_status
    }

    /// Whether repeating the same call later may succeed.
    pub fn is_retryable(&self) -> bool {
        self.fields().retryable
    }

    /// For system errors: the category (`rate_limit`, `auth`, `token_expired`, …).
    pub fn error_category(&self) -> Option<String> {
        self.fields().category
    }
}

impl std::fmt::Display for B24kitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.fields().reason)
    }
}
