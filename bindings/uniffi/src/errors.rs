//! The one error type of Kotlin and Swift: an enum with a variant per documented code, each
//! carrying the same `ErrorInfo` record, so that a Kotlin `catch (e: B24kitException.ChatType)`
//! or a Swift `catch B24kitError.ChatType` sees all of it. The documented codes come from the specs: the
//! generated code invokes [`error_enum!`] with them; the fixed variants, the fields and the
//! mapping from the core's `ErrorReport` are here.

/// Declares the error enum (named by the caller, `B24kitError`): a variant per documented method
/// error code and per system error code (each `Variant = "CODE"`), the fixed variants,
/// `From<ErrorReport>` and the accessors.
macro_rules! error_enum {
    (
        $name:ident;
        method: { $($(#[$mdoc:meta])* $method:ident = $mcode:literal,)* }
        system: { $($(#[$sdoc:meta])* $system:ident = $scode:literal,)* }
    ) => {
        $crate::errors::error_enum! {
            @all $name
            [
                $($(#[$mdoc])* $method,)*
                $($(#[$sdoc])* $system,)*
                /// A Bitrix24 error code the docs do not list (kept in `code`).
                UnknownCode,
                /// A non-success HTTP status without a Bitrix24 error body.
                Http,
                /// The portal has been renamed: its old address answered with a redirect, which
                /// is not followed (the credentials would go with it); `description` is the new
                /// address to put in the webhook URL or OAuth endpoint.
                PortalMoved,
                /// No connection could be opened; the request was not sent.
                Connect,
                /// The TLS handshake failed (for example an untrusted certificate).
                Tls,
                /// The call's time limit passed before the whole answer arrived.
                RequestTimeout,
                /// The connection closed or broke before the whole answer arrived.
                ConnectionLost,
                /// An answer arrived but is not a Bitrix24 answer of the expected shape; see `kind`.
                Protocol,
                /// A parameter was rejected before anything was sent; `parameter` names it.
                InvalidArgument,
                /// The client settings were rejected; nothing was sent.
                Config,
                /// The OAuth server refused to renew the access token (`code`: its error, e.g.
                /// `invalid_grant`).
                TokenRefresh,
                /// A batch call that never ran: an earlier one failed and the batch was sent
                /// with `halt`.
                Skipped,
                /// A body POSTed to an event handler is not a form as a portal writes one, or
                /// lacks a key every delivery has (`parameter` names it).
                EventForm,
                /// An event delivery's application token is not this application's: it did not
                /// come from a portal that installed the application.
                EventToken,
                /// An event's `data` does not have its documented shape; `code` is the event's.
                EventData,
                /// A bug in b24kit, reported instead of crashing the app.
                Internal,
            ]
            method: [$($method = $mcode,)*]
            system: [$($system = $scode,)*]
        }
    };
    (
        @all $name:ident
        [$($(#[$doc:meta])* $variant:ident,)*]
        method: [$($method:ident = $mcode:literal,)*]
        system: [$($system:ident = $scode:literal,)*]
    ) => {
        /// Why a call failed: a variant per documented code and per kind of failure, so that
        /// Kotlin catches `B24kitException.ChatType` and Swift `B24kitError.ChatType`. Every
        /// variant carries the same [`ErrorInfo`] (`info`); the methods read it whatever the
        /// variant. Messages never contain the webhook key or a token.
        #[derive(Debug, uniffi::Error)]
        pub enum $name {
            $(
                $(#[$doc])*
                $variant {
                    /// What is known about the failure.
                    info: $crate::errors::ErrorInfo,
                },
            )*
        }

        impl From<b24kit::ErrorReport> for $name {
            fn from(r: b24kit::ErrorReport) -> $name {
                use $crate::errors::with_fields;
                match (r.variant, r.code.as_deref(), r.kind) {
                    $(("method", Some($mcode), _) => with_fields!(r, $name, $method),)*
                    $(("system", Some($scode), _) => with_fields!(r, $name, $system),)*
                    ("method" | "system" | "unknown_code", _, _) => with_fields!(r, $name, UnknownCode),
                    ("http", _, _) => with_fields!(r, $name, Http),
                    ("portal_moved", _, _) => with_fields!(r, $name, PortalMoved),
                    ("transport", _, Some("connect")) => with_fields!(r, $name, Connect),
                    ("transport", _, Some("tls")) => with_fields!(r, $name, Tls),
                    ("transport", _, Some("timeout")) => with_fields!(r, $name, RequestTimeout),
                    ("transport", _, _) => with_fields!(r, $name, ConnectionLost),
                    ("protocol", _, _) => with_fields!(r, $name, Protocol),
                    ("invalid_argument", _, _) => with_fields!(r, $name, InvalidArgument),
                    ("invalid_config", _, _) => with_fields!(r, $name, Config),
                    ("token_refresh", _, _) => with_fields!(r, $name, TokenRefresh),
                    ("skipped", _, _) => with_fields!(r, $name, Skipped),
                    ("event", _, Some("token_mismatch")) => with_fields!(r, $name, EventToken),
                    ("event", _, Some("bad_data")) => with_fields!(r, $name, EventData),
                    ("event", _, _) => with_fields!(r, $name, EventForm),
                    _ => with_fields!(r, $name, Internal),
                }
            }
        }

        impl $name {
            /// What every variant carries.
            fn fields(&self) -> &$crate::errors::ErrorInfo {
                match self {
                    $($name::$variant { info })|* => info,
                }
            }
        }

        #[uniffi::export]
        impl $name {
            /// What happened, for people; never contains the webhook key or a token.
            pub fn reason(&self) -> String {
                self.fields().reason.clone()
            }

            /// Everything known about the failure (the same as the variant's `info`).
            pub fn info(&self) -> $crate::errors::ErrorInfo {
                self.fields().clone()
            }

            /// The Bitrix24 `error` code, when the portal sent one.
            pub fn error_code(&self) -> Option<String> {
                self.fields().code.clone()
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
                self.fields().category.clone()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.fields().reason)
            }
        }
    };
}
pub(crate) use error_enum;

/// A variant of the error enum with what an `ErrorReport` says.
macro_rules! with_fields {
    ($report:ident, $enum:ident, $variant:ident) => {
        $enum::$variant {
            info: $crate::errors::ErrorInfo::from($report),
        }
    };
}
pub(crate) use with_fields;

/// What every error carries, whatever its variant: one record rather than the same fields on
/// each of the enum's many variants, so that each field is documented once (uniffi's metadata
/// for an enum has a fixed size). Never contains the webhook key or a token.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ErrorInfo {
    /// What happened, for people.
    pub reason: String,
    /// The Bitrix24 `error` code in its documented spelling, when the portal sent one.
    pub code: Option<String>,
    /// The portal's localized `error_description`, when it sent one.
    pub description: Option<String>,
    /// The HTTP status of the answer, when one arrived.
    pub http_status: Option<i32>,
    /// Whether repeating the same call later may succeed.
    pub retryable: bool,
    /// `false` only when the request certainly never left this device.
    pub may_have_reached_server: bool,
    /// For a method's documented error: the method's dotted name.
    pub method: Option<String>,
    /// For a system error: its category (`rate_limit`, `auth`, `token_expired`, …).
    pub category: Option<String>,
    /// For transport, protocol and event errors: what kind (`timeout`, `not_json`, …).
    pub kind: Option<String>,
    /// For an invalid argument: the parameter's name.
    pub parameter: Option<String>,
}

impl From<b24kit::ErrorReport> for ErrorInfo {
    fn from(report: b24kit::ErrorReport) -> ErrorInfo {
        ErrorInfo {
            reason: report.message,
            code: report.code,
            description: report.description,
            http_status: report.http_status.map(i32::from),
            retryable: report.retryable,
            may_have_reached_server: report.may_have_reached_server,
            method: report.method.map(str::to_string),
            category: report.category.map(str::to_string),
            kind: report.kind.map(str::to_string),
            parameter: report.parameter,
        }
    }
}
