//! `readEvent`: the body a portal POSTs to an event handler, read by the core. The outcome is a
//! delivery or the record of a typed error, which `incoming.js` throws as its class.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use b24kit::ErrorReport;

use crate::errors::ErrorRecord;
use crate::generated::{event_to_js, NativePortalEvent};

/// Who sent a delivery (`incoming.js` wraps it so that printing hides the tokens).
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

#[napi(object, use_nullable = true)]
pub struct NativeDelivery {
    pub event: NativePortalEvent,
    pub event_id: Option<i64>,
    pub sent_at: Option<i64>,
    pub auth: NativeEventAuth,
}

/// Exactly one of the two is set.
#[napi(object, use_nullable = true)]
pub struct NativeReadEvent {
    pub delivery: Option<NativeDelivery>,
    pub error: Option<ErrorRecord>,
}

fn failed(record: ErrorRecord) -> NativeReadEvent {
    NativeReadEvent {
        delivery: None,
        error: Some(record),
    }
}

#[napi(catch_unwind)]
pub fn read_event(body: Buffer, application_token: String) -> NativeReadEvent {
    let delivery = match b24kit::read_event(&body, &application_token) {
        Ok(delivery) => delivery,
        Err(e) => return failed(ErrorReport::from(&e).into()),
    };
    let Some(event) = event_to_js(delivery.event) else {
        return failed(ErrorRecord::internal(
            "an event without its JavaScript form",
        ));
    };
    let auth = delivery.auth;
    NativeReadEvent {
        delivery: Some(NativeDelivery {
            event,
            event_id: delivery.event_id,
            sent_at: delivery.sent_at,
            auth: NativeEventAuth {
                domain: auth.domain,
                member_id: auth.member_id,
                scope: auth.scope,
                status: auth.status,
                client_endpoint: auth.client_endpoint,
                server_endpoint: auth.server_endpoint,
                access_token: auth.access_token,
                refresh_token: auth.refresh_token,
                expires_in: auth.expires_in,
            },
        }),
        error: None,
    }
}
