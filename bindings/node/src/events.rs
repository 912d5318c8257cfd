//! The client's events for JavaScript's `onEvent`: the core tells them on an I/O thread; they
//! cross to the JavaScript thread through the dispatcher's queue (in order with the settling of
//! the calls they belong to) and are handed to the listener there.

use std::ptr;
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use crate::dispatch::{check, Dispatcher, JsThreadOnly};

/// One event as JavaScript sees it: `kind` and `message` always, the other fields where the
/// event has them.
#[napi(object)]
pub struct NativeEvent {
    pub kind: String,
    pub message: String,
    pub method: Option<String>,
    pub attempt: Option<u32>,
    pub status: Option<u32>,
    pub elapsed_ms: Option<f64>,
    pub wait_ms: Option<f64>,
    pub reason: Option<String>,
    pub methods: Option<Vec<String>>,
    pub calls: Option<u32>,
    pub requests: Option<u32>,
    pub items: Option<u32>,
    pub total: Option<f64>,
    pub store: Option<String>,
}

impl From<&b24kit::Event> for NativeEvent {
    fn from(event: &b24kit::Event) -> NativeEvent {
        use b24kit::Event as E;
        let ms = |d: &std::time::Duration| d.as_secs_f64() * 1000.0;
        let mut out = NativeEvent {
            kind: event.kind().to_string(),
            message: event.to_string(),
            method: None,
            attempt: None,
            status: None,
            elapsed_ms: None,
            wait_ms: None,
            reason: None,
            methods: None,
            calls: None,
            requests: None,
            items: None,
            total: None,
            store: None,
        };
        match event {
            E::RequestSent { method, attempt } => {
                out.method = Some(method.clone());
                out.attempt = Some(*attempt);
            }
            E::Answered {
                method,
                attempt,
                status,
                elapsed,
            } => {
                out.method = Some(method.clone());
                out.attempt = Some(*attempt);
                out.status = Some(u32::from(*status));
                out.elapsed_ms = Some(ms(elapsed));
            }
            E::RetryScheduled {
                method,
                attempt,
                reason,
                wait,
            } => {
                out.method = Some(method.clone());
                out.attempt = Some(*attempt);
                out.reason = Some(reason.clone());
                out.wait_ms = Some(ms(wait));
            }
            E::WaitingForBucket { wait } => out.wait_ms = Some(ms(wait)),
            E::WaitingForBudget { methods, wait } => {
                out.methods = Some(methods.clone());
                out.wait_ms = Some(ms(wait));
            }
            E::BatchSplit { calls, requests } => {
                out.calls = Some(*calls as u32);
                out.requests = Some(*requests as u32);
            }
            E::Page {
                method,
                items,
                total,
            } => {
                out.method = Some(method.clone());
                out.items = Some(*items as u32);
                out.total = total.map(|t| t as f64);
            }
            E::SharedLimitsLost { store, reason } => {
                out.store = Some(store.clone());
                out.reason = Some(reason.clone());
            }
            E::SharedLimitsBack { store } => out.store = Some(store.clone()),
            _ => {}
        }
        out
    }
}

/// The JavaScript listener of a client and its clones. Dropped with the last of them, on any
/// thread: its reference is then deleted on the JavaScript thread.
pub(crate) struct Listener {
    reference: JsThreadOnly,
    dispatcher: Arc<Dispatcher>,
}

impl Listener {
    /// Keeps `function` (on the JavaScript thread) for events told through `dispatcher`.
    pub(crate) fn new(
        env: &Env,
        function: Unknown<'_>,
        dispatcher: Arc<Dispatcher>,
    ) -> Result<Arc<Listener>> {
        let mut reference = ptr::null_mut();
        check(
            unsafe { sys::napi_create_reference(env.raw(), function.raw(), 1, &mut reference) },
            "napi_create_reference",
        )?;
        Ok(Arc::new(Listener {
            reference: JsThreadOnly::new(reference.cast()),
            dispatcher,
        }))
    }

    /// The core's listener: each event queued for the JavaScript thread.
    pub(crate) fn core(self: &Arc<Listener>) -> b24kit::EventListener {
        let listener = self.clone();
        Arc::new(move |event: &b24kit::Event| {
            listener
                .dispatcher
                .tell(listener.clone(), NativeEvent::from(event))
        })
    }

    /// Hands `event` to the listener; on the JavaScript thread. A listener that throws is
    /// reported as a warning by the wrapper `client_base.js` puts around it.
    pub(crate) fn call(&self, env: sys::napi_env, event: NativeEvent) {
        unsafe {
            let Ok(value) = NativeEvent::to_napi_value(env, event) else {
                return;
            };
            let mut function = ptr::null_mut();
            let mut undefined = ptr::null_mut();
            sys::napi_get_reference_value(env, self.reference.get().cast(), &mut function);
            sys::napi_get_undefined(env, &mut undefined);
            let mut out = ptr::null_mut();
            if sys::napi_call_function(env, undefined, function, 1, &value, &mut out)
                != sys::Status::napi_ok
            {
                let mut exception = ptr::null_mut();
                sys::napi_get_and_clear_last_exception(env, &mut exception);
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.dispatcher
            .forget(JsThreadOnly::new(self.reference.get()));
    }
}
