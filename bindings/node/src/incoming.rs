//! What `readEvent` (generated with the event types) needs by hand: who sent a delivery, as
//! JavaScript gets it (`incoming.js` wraps it so that printing hides the tokens), and the record
//! of a delivery the core refused, which `incoming.js` throws as its class.

use napi_derive::napi;

use b24kit::ErrorReport;

use crate::errors::ErrorRecord;

/// Who sent a delivery.
#[napi(object, use_nullable = true)]
pub struct NativeEventAuth {
    pub domain: String,
    pub member_id: String,
    pub scope: Option<String>,
    pub status: Option<String>,
    pub client_endpoint: Option<String>,
    pub server_endpoint: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
}

impl From<b24kit::EventAuth> for NativeEventAuth {
    fn from(auth: b24kit::EventAuth) -> NativeEventAuth {
        NativeEventAuth {
            domain: auth.domain,
            member_id: auth.member_id,
            scope: auth.scope,
            status: auth.status,
            client_endpoint: auth.client_endpoint,
            server_endpoint: auth.server_endpoint,
            access_token: auth.access_token,
            refresh_token: auth.refresh_token,
            expires_in: auth.expires_in,
        }
    }
}

/// The record of a body the core did not accept as a delivery.
pub(crate) fn refusal(error: &b24kit::IncomingEventError) -> ErrorRecord {
    ErrorReport::from(error).into()
}

/// The record of an event the generated code has no JavaScript form for (a bug).
pub(crate) fn unknown_event() -> ErrorRecord {
    ErrorRecord::internal("an event without its JavaScript form")
}
