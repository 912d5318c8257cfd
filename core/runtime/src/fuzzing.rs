//! Entry points for the fuzz targets (`fuzz/`) and their replay test, not part of the API: they
//! drive the parsers that read what a server or a user hands the client, which must answer
//! anything with a value or a typed error — never a panic, never a leaked key.

use std::marker::PhantomData;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::endpoint::Endpoint;
use crate::error::ConfigProblem;
use crate::incoming::{read_delivery, EventCatalog};
use crate::method::Method;
use crate::transport::RawAnswer;
use crate::{envelope, Error};

/// A stand-in method for decoding answers: `result` is a boolean, no method errors; system errors
/// are the catalog's.
#[derive(Serialize)]
struct Probe<C>(#[serde(skip)] PhantomData<C>);

impl<C: Catalog> Method for Probe<C> {
    type Catalog = C;
    const NAME: &'static str = "fuzz.probe";
    const IDEMPOTENT: bool = true;
    type Output = bool;

    fn validate(&self) -> Result<(), Error<C>> {
        Ok(())
    }

    fn method_error(_: &str) -> Option<C::MethodError> {
        None
    }
}

/// One fuzz input for the answer decoder: two bytes of status, the rest the body.
pub fn response<C: Catalog>(data: &[u8]) {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) % 1000, rest),
        _ => (200, data),
    };
    let _ = decode_answer::<C>(status, body);
}

/// The application token of the fuzz inputs' deliveries: seeds carry it, so the fuzzer gets
/// past the token check to the typed readers.
pub const DELIVERY_TOKEN: &str = "fuzz0application0token";

/// One fuzz input for the event handler's reader: any body is a delivery or a typed error.
/// Panics if the printed `auth` of a delivery shows a token it holds: its text appears there
/// more often than in the same `auth` without tokens. (The other fields and the event's data are
/// printed as sent, and a body may well carry a token's text in them, as the fuzzer found.)
pub fn delivery<E: EventCatalog + std::fmt::Debug>(data: &[u8]) {
    match read_delivery::<E>(data, DELIVERY_TOKEN) {
        Ok(d) => {
            let _ = format!("{d:?}");
            let auth = format!("{:?}", d.auth);
            let without_tokens = format!(
                "{:?}",
                crate::incoming::EventAuth {
                    access_token: None,
                    refresh_token: None,
                    ..d.auth.clone()
                }
            );
            let tokens = [&d.auth.access_token, &d.auth.refresh_token];
            for token in tokens.into_iter().flatten().filter(|t| t.len() >= 4) {
                let shown = auth.matches(token.as_str()).count();
                let sent_elsewhere = without_tokens.matches(token.as_str()).count();
                assert!(shown <= sent_elsewhere, "token leaked: {auth}");
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// One fuzz input for the endpoint parsers: any text as a webhook URL and as an OAuth endpoint.
/// Panics if an accepted webhook prints its key.
pub fn endpoint(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_webhook(text) {
        // The base ends in the key; the printed forms show `***` in its place, so the base can
        // only appear in them if the key leaked.
        Ok(forms) => assert!(
            !forms.debug.contains(&forms.base) && !forms.display.contains(&forms.base),
            "key leaked: {} / {}",
            forms.debug,
            forms.display
        ),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let _ = parse_oauth(text, "token");
}

/// Decodes an answer (status and body) as the client does after an exchange.
pub fn decode_answer<C: Catalog>(status: u16, body: &[u8]) -> Result<bool, Error<C>> {
    let answer = RawAnswer {
        status,
        body: bytes::Bytes::copy_from_slice(body),
    };
    envelope::decode::<Probe<C>>(answer, &[]).map(|r| r.result)
}

/// A webhook URL as the client holds it: how it prints, and the base every call is sent to.
pub struct WebhookForms {
    pub debug: String,
    pub display: String,
    /// `origin/…/rest/<user>/<key>/`: the secret part of every request URL.
    pub base: String,
}

/// Parses a webhook URL, returning its printable forms and the base it sends to.
pub fn parse_webhook(url: &str) -> Result<WebhookForms, ConfigProblem> {
    let endpoint = Endpoint::webhook(url)?;
    let method_url = endpoint.method_url("m");
    Ok(WebhookForms {
        debug: format!("{endpoint:?}"),
        display: endpoint.to_string(),
        base: method_url.as_str().trim_end_matches("m.json").to_string(),
    })
}

/// Parses an OAuth endpoint with a token.
pub fn parse_oauth(endpoint: &str, token: &str) -> Result<String, ConfigProblem> {
    Endpoint::oauth(endpoint, token).map(|e| e.to_string())
}
