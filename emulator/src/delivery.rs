//! POSTs the events a call raised to the handlers bound to them (`event.bind`), as a portal's
//! event queue does: a form per event and handler, in the order raised, one at a time, on the
//! server's runtime. Only plain `http://` handlers are reached (the emulator speaks no TLS to
//! them); one that is not, that refuses, or that does not answer within five seconds counts as
//! undelivered.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;

use crate::clock::unix_now;
use crate::events::{delivery_form, DeliveryAuth};
use crate::state::PortalState;

/// How long a handler has to answer.
const HANDLER_TIMEOUT: Duration = Duration::from_secs(5);

/// One POST to make.
pub(crate) struct Delivery {
    url: String,
    body: String,
}

/// The POSTs for the events the last call raised (taken off the state), one per event and
/// handler bound to it.
pub(crate) fn take(state: &mut PortalState, serial: &AtomicU64) -> Vec<Delivery> {
    let raised = std::mem::take(&mut state.raised);
    let mut out = Vec::new();
    for event in raised {
        for binding in state
            .event_handlers
            .iter()
            .filter(|b| b.event == event.code)
        {
            let auth = DeliveryAuth {
                domain: crate::state::PORTAL_DOMAIN,
                member_id: crate::state::PORTAL_MEMBER_ID,
                application_token: &state.application_token,
                user_tokens: None,
            };
            let id = serial.fetch_add(1, Ordering::Relaxed) + 1;
            let body = delivery_form(event.code, &event.data, &auth, id, unix_now() as i64);
            out.push(Delivery {
                url: binding.handler.clone(),
                body,
            });
        }
    }
    out
}

/// Counts of POSTs made.
#[derive(Default)]
pub(crate) struct Counts {
    pub(crate) delivered: AtomicU64,
    pub(crate) undelivered: AtomicU64,
}

/// The portal's queue of POSTs: a task on the runtime that first needed it sends them in order.
#[derive(Default)]
pub(crate) struct Outbox {
    queue: Mutex<Option<mpsc::UnboundedSender<Delivery>>>,
    pub(crate) counts: Arc<Counts>,
}

impl Outbox {
    /// Queues the POSTs; outside a runtime (never, for the server) they count as undelivered.
    pub(crate) fn send(&self, deliveries: Vec<Delivery>) {
        if deliveries.is_empty() {
            return;
        }
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if queue.as_ref().is_none_or(|q| q.is_closed()) {
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                let n = deliveries.len() as u64;
                self.counts.undelivered.fetch_add(n, Ordering::Relaxed);
                return;
            };
            let (sender, receiver) = mpsc::unbounded_channel();
            runtime.spawn(run(receiver, self.counts.clone()));
            *queue = Some(sender);
        }
        let sender = queue.as_ref().expect("set above");
        for delivery in deliveries {
            if sender.send(delivery).is_err() {
                self.counts.undelivered.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn run(mut receiver: mpsc::UnboundedReceiver<Delivery>, counts: Arc<Counts>) {
    while let Some(delivery) = receiver.recv().await {
        let answered = tokio::time::timeout(HANDLER_TIMEOUT, post(&delivery)).await;
        let counter = match answered {
            Ok(Ok(status)) if (200..300).contains(&status) => &counts.delivered,
            _ => &counts.undelivered,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// One POST; the handler's status.
async fn post(delivery: &Delivery) -> Result<u16, String> {
    let uri: hyper::Uri = delivery.url.parse().map_err(|e| format!("{e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// handlers are reached".to_string());
    }
    let host = uri.host().ok_or("no host")?.to_string();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = uri.authority().map_or(host.clone(), |a| a.to_string());
    let request = hyper::Request::post(path)
        .header(hyper::header::HOST, authority)
        .header(
            hyper::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(hyper::header::USER_AGENT, "Bitrix24 Webhook Engine")
        .body(Full::new(Bytes::from(delivery.body.clone())))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(response.status().as_u16())
}
