//! Turning a raw HTTP answer into the typed result or the right error.
//!
//! Order of judgement: a Bitrix24 error body (`error` present, even empty, whatever the status —
//! a 200 with an error body is still an error) is classified by code first and status second;
//! then a non-success status without such a body is an HTTP error; then a success body must have
//! `result` of the expected type and a `time` object.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::catalog::{Catalog, DocumentedMethodError, DocumentedSystemError};
use crate::error::ProtocolErrorKind;
use crate::method::Method;
use crate::secret::{scrub, snippet, Secret};
use crate::transport::RawAnswer;
use crate::{wire, Error, Response};

/// The catalog of method `M`.
pub(crate) type CatalogOf<M> = <M as Method>::Catalog;
/// The `time` object of answers in catalog `C`.
pub(crate) type TimeOf<C> = <C as Catalog>::Time;

/// The documented error of the called method with a code, if any: the method's table.
pub(crate) type MethodErrors<'a, C> = &'a dyn Fn(&str) -> Option<<C as Catalog>::MethodError>;

/// The fields of any Bitrix24 answer, read in one pass (absent fields are `None`).
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned, Tm: DeserializeOwned")]
struct Envelope<T, Tm> {
    result: Option<T>,
    time: Option<Tm>,
    #[serde(default, deserialize_with = "wire::opt_int")]
    total: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_int")]
    next: Option<i64>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The outcome of a call of method `M`: its result and `time`, or the error it failed with.
pub type Decoded<M> =
    Result<Response<<M as Method>::Output, TimeOf<CatalogOf<M>>>, Error<CatalogOf<M>>>;

/// The answer of a call of `M`.
pub(crate) fn decode<M: Method>(answer: RawAnswer, secrets: &[Secret]) -> Decoded<M> {
    decode_as::<CatalogOf<M>, wire::Read<M::Output>>(answer, secrets, &M::method_error)
        .map(|response| response.map(|read| read.0))
}

/// An answer with a `result` of type `T`, errors classified with `method_errors` (the called
/// method's table) and the catalog's system errors.
pub(crate) fn decode_as<C: Catalog, T: DeserializeOwned>(
    answer: RawAnswer,
    secrets: &[Secret],
    method_errors: MethodErrors<'_, C>,
) -> Result<Response<T, TimeOf<C>>, Error<C>> {
    let status = answer.status;
    let body = &answer.body[..];
    let success = (200..300).contains(&status);
    match serde_json::from_slice::<Envelope<T, TimeOf<C>>>(body) {
        Ok(env) => {
            if let Some(code) = env.error {
                let description = scrub(env.error_description.as_deref().unwrap_or(""), secrets);
                return Err(classify(status, code, description, method_errors));
            }
            if !success {
                return Err(Error::Http {
                    status,
                    snippet: snippet(body, secrets),
                });
            }
            match (env.result, env.time) {
                (Some(result), Some(time)) => Ok(Response {
                    result,
                    time,
                    total: env.total.and_then(|n| u64::try_from(n).ok()),
                    next: env.next.and_then(|n| u64::try_from(n).ok()),
                }),
                _ => Err(protocol(
                    ProtocolErrorKind::UnexpectedShape,
                    status,
                    body,
                    secrets,
                )),
            }
        }
        Err(_) => Err(diagnose(status, body, secrets, method_errors)),
    }
}

/// The slow path for answers that did not fit the envelope: tell an error body with odd extra
/// fields from a wrong `result` type, from something that is not JSON at all.
fn diagnose<C: Catalog>(
    status: u16,
    body: &[u8],
    secrets: &[Secret],
    method_errors: MethodErrors<'_, C>,
) -> Error<C> {
    let success = (200..300).contains(&status);
    let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    if let Some(serde_json::Value::Object(map)) = &value {
        if let Some(serde_json::Value::String(code)) = map.get("error") {
            let description = match map.get("error_description") {
                Some(serde_json::Value::String(d)) => scrub(d, secrets),
                _ => String::new(),
            };
            return classify(status, code.clone(), description, method_errors);
        }
    }
    if !success {
        return Error::Http {
            status,
            snippet: snippet(body, secrets),
        };
    }
    let kind = if body.iter().all(u8::is_ascii_whitespace) {
        ProtocolErrorKind::EmptyBody
    } else if value.is_none() {
        ProtocolErrorKind::NotJson
    } else {
        ProtocolErrorKind::UnexpectedShape
    };
    protocol(kind, status, body, secrets)
}

/// A Bitrix24 error code → the typed error. The method's own table wins when the code and the
/// status both match it; a code both tables know with another status is the system error —
/// unless the system error says which status is its own (`ACCESS_DENIED`: the plan's with 401,
/// per the newest docs; with any other status a method's, typed when the method documents it,
/// else kept as sent).
fn classify<C: Catalog>(
    status: u16,
    code: String,
    description: String,
    method_errors: MethodErrors<'_, C>,
) -> Error<C> {
    let method = method_errors(&code);
    let system = C::SystemError::from_code(&code)
        .filter(|system| system.only_with_status().is_none_or(|own| own == status));
    match (method, system) {
        (Some(error), Some(system)) => {
            if status == error.status() {
                Error::Method {
                    error,
                    status,
                    description,
                }
            } else {
                Error::System {
                    error: system,
                    status,
                    description,
                }
            }
        }
        (Some(error), None) => Error::Method {
            error,
            status,
            description,
        },
        (None, Some(error)) => Error::System {
            error,
            status,
            description,
        },
        (None, None) => Error::UnknownCode {
            code,
            status,
            description,
        },
    }
}

/// A command's error inside a batch answer: no status of its own, so a code in the method's
/// table is the method's error (with its documented status); `status` is the batch's.
pub(crate) fn classify_in_batch<C: Catalog>(
    status: u16,
    code: String,
    description: String,
    method_errors: MethodErrors<'_, C>,
) -> Error<C> {
    match method_errors(&code) {
        Some(error) => Error::Method {
            error,
            status: error.status(),
            description,
        },
        None => classify(status, code, description, method_errors),
    }
}

fn protocol<C: Catalog>(
    kind: ProtocolErrorKind,
    status: u16,
    body: &[u8],
    secrets: &[Secret],
) -> Error<C> {
    Error::Protocol {
        kind,
        status,
        snippet: snippet(body, secrets),
    }
}
