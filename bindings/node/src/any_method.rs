//! Calls of any method by name, mixed batches and list walks. Parameters arrive as JSON text
//! (`json.js` checks them and names the path of a value JSON cannot hold); results that are
//! objects or arrays, and list pages, leave as JSON text that JavaScript parses: one
//! `JSON.parse` instead of a Node-API call per value.

use std::sync::{Arc, Mutex, OnceLock};

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use serde_json::Value;

use b24kit::{AnyCall, ListCall, NamedCall};

use crate::client::NativeClient;
use crate::dispatch::{spawn_settled, Factories, Settle};

/// The parameters JavaScript sent, as JSON text of an object.
fn params(text: &str) -> Result<Value> {
    json_param(text, "params")
}

/// A typed method's JSON parameter (`ATTACH`), as the text `jsonArg` made of a checked value.
pub(crate) fn json_param(text: &str, parameter: &str) -> Result<Value> {
    serde_json::from_str(text)
        .map_err(|e| Error::new(Status::InvalidArg, format!("{parameter} is not JSON: {e}")))
}

/// A typed method's object parameter (`PARAMS` of `imopenlines.config.add`), as the text
/// `jsonArg` made of it, read into the core's type as an answer's object is (numbers given as
/// text are numbers); a key of the wrong type is refused, naming it, and nothing is sent.
pub(crate) fn object_param<T: b24kit::wire::Lenient>(text: &str, parameter: &str) -> Result<T> {
    b24kit::wire::read_param_object(json_param(text, parameter)?)
        .map_err(|e| Error::new(Status::InvalidArg, format!("{parameter}: {e}")))
}

/// Appends the fields of an answer's `time` (they come from the spec) to a factory's arguments.
pub(crate) type MakeTime = fn(sys::napi_env, b24kit::Time, &mut Vec<sys::napi_value>) -> Result<()>;

static MAKE_TIME: OnceLock<MakeTime> = OnceLock::new();

/// Registers how `time` is made; the generated module, which defines it, calls this.
pub(crate) fn register_time(make: MakeTime) {
    let _ = MAKE_TIME.set(make);
}

/// The `Response` of a call by name: a result that is a plain value crosses as itself, an object
/// or array as JSON text that JavaScript parses (one `JSON.parse` instead of a Node-API call per
/// value).
fn respond(
    env: sys::napi_env,
    factories: &Factories,
    answer: b24kit::Response<Value>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let internal = |e: Error| factories.internal(env, &e.to_string());
    let make_time = MAKE_TIME
        .get()
        .ok_or_else(|| factories.internal(env, "the time converter is not registered"))?;
    let (result, is_text) = match answer.result {
        Value::Object(_) | Value::Array(_) => (
            unsafe { String::to_napi_value(env, answer.result.to_string()) },
            true,
        ),
        Value::Null => (unsafe { Null::to_napi_value(env, Null) }, false),
        Value::Bool(b) => (unsafe { bool::to_napi_value(env, b) }, false),
        Value::String(s) => (unsafe { String::to_napi_value(env, s) }, false),
        // A double, as `JSON.parse` would make it.
        Value::Number(n) => (
            unsafe { f64::to_napi_value(env, n.as_f64().unwrap_or(f64::NAN)) },
            false,
        ),
    };
    let result = result.map_err(internal)?;
    let optional = |n: Option<u64>| match n {
        Some(n) => unsafe { f64::to_napi_value(env, n as f64) },
        None => unsafe { Null::to_napi_value(env, Null) },
    };
    let total = optional(answer.total).map_err(internal)?;
    let next = optional(answer.next).map_err(internal)?;
    let is_text = unsafe { bool::to_napi_value(env, is_text) }.map_err(internal)?;
    let mut args = vec![result, is_text, total, next];
    make_time(env, answer.time, &mut args).map_err(internal)?;
    factories.json_response(env, &args)
}

type Outcome<T> = std::result::Result<T, b24kit::panic::Panic>;

fn settle_answer(
    env: sys::napi_env,
    factories: &Factories,
    outcome: Outcome<std::result::Result<b24kit::Response<Value>, b24kit::Error>>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    match outcome {
        Ok(Ok(answer)) => respond(env, factories, answer),
        Ok(Err(error)) => Err(factories.core_error(env, &error)),
        Err(panic) => Err(factories.internal(env, &panic.to_string())),
    }
}

fn settle_batch(
    env: sys::napi_env,
    factories: &Factories,
    outcome: Outcome<std::result::Result<Vec<b24kit::BatchItem<Value>>, b24kit::Error>>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let items = match outcome {
        Ok(Ok(items)) => items,
        Ok(Err(error)) => return Err(factories.core_error(env, &error)),
        Err(panic) => return Err(factories.internal(env, &panic.to_string())),
    };
    let mut array = std::ptr::null_mut();
    let status = unsafe { sys::napi_create_array_with_length(env, items.len(), &mut array) };
    if status != sys::Status::napi_ok {
        return Err(factories.internal(env, "cannot create an array"));
    }
    for (index, item) in items.into_iter().enumerate() {
        let value = match item {
            Ok(answer) => match respond(env, factories, answer) {
                Ok(value) | Err(value) => value,
            },
            Err(error) => factories.core_error(env, &error),
        };
        unsafe { sys::napi_set_element(env, array, index as u32, value) };
    }
    Ok(array)
}

#[napi]
impl NativeClient {
    /// Any method by name; the promise settles with a `Response` or a typed error.
    #[napi(catch_unwind)]
    pub fn call_method<'e>(
        &self,
        env: &'e Env,
        method: String,
        params_json: String,
        idempotent: Option<bool>,
    ) -> Result<Unknown<'e>> {
        // The text is sent as written: reading it into values only to write it out again cost
        // the JavaScript thread 1.3–2 µs a call (measured against the emulator, dist build).
        let call = AnyCall::from_json_text(method, params_json).idempotency(idempotent);
        let client = self.core()?;
        spawn_settled(env, self.cancel(), async move {
            let outcome =
                b24kit::panic::catch_async(async move { client.call_any(&call).await }).await;
            let settle: Settle =
                Box::new(move |env, factories| settle_answer(env, factories, outcome));
            settle
        })
    }

    /// Calls of any methods through `batch`: JSON text of `[[name, method, params], …]`. The
    /// promise settles with one `Response` or typed error per call.
    #[napi(catch_unwind)]
    pub fn batch_calls<'e>(
        &self,
        env: &'e Env,
        calls_json: String,
        halt: bool,
    ) -> Result<Unknown<'e>> {
        let calls: Vec<(String, String, Value)> = serde_json::from_str(&calls_json)
            .map_err(|e| Error::new(Status::InvalidArg, format!("calls are not JSON: {e}")))?;
        let calls = calls
            .into_iter()
            .map(|(name, method, params)| NamedCall::new(name, AnyCall::new(method, params)))
            .collect();
        let client = self.core()?;
        spawn_settled(env, self.cancel(), async move {
            let outcome = b24kit::panic::catch_async(client.batch_any(calls, halt)).await;
            let settle: Settle =
                Box::new(move |env, factories| settle_batch(env, factories, outcome));
            settle
        })
    }

    /// A walk through a list method; nothing is sent until the first page is asked for.
    #[napi(catch_unwind)]
    pub fn list(
        &self,
        method: String,
        params_json: String,
        by_id: bool,
        id_field: Option<String>,
        items_key: Option<String>,
    ) -> Result<NativePager> {
        let params = params(&params_json)?;
        let list = ListCall::with_options(method, params, by_id, id_field, items_key);
        let pager = self.core()?.list(list);
        Ok(NativePager::new(self, pager, None))
    }
}

/// The native side of a JavaScript list walk: pages per `nextPages()`.
#[napi]
pub struct NativePager {
    /// Held across a page's requests; one page at a time.
    pager: Arc<tokio::sync::Mutex<b24kit::Pager>>,
    /// The progress after the last page, readable while the next one is fetched.
    progress: Arc<Mutex<b24kit::Progress>>,
    /// The walk's `AbortSignal`, if it has one.
    cancel: Option<Arc<crate::cancel::Cancel>>,
    /// For a typed walk: how its pages are read into the method's item type.
    typed: Option<TypedPages>,
}

/// Pages read into a list method's item type off the JavaScript thread, and how the
/// JavaScript thread then makes them an array of pages of objects.
pub(crate) type TypedPages = fn(Vec<Vec<Value>>) -> std::result::Result<MakePages, b24kit::Error>;
pub(crate) type MakePages = Box<dyn FnOnce(sys::napi_env) -> Result<sys::napi_value> + Send>;

impl NativePager {
    fn new(client: &NativeClient, pager: b24kit::Pager, typed: Option<TypedPages>) -> NativePager {
        NativePager {
            progress: Arc::new(Mutex::new(pager.progress())),
            pager: Arc::new(tokio::sync::Mutex::new(pager)),
            cancel: client.cancel(),
            typed,
        }
    }

    /// A typed walk of `params`' list method, its pages read by `pages`; refused parameters
    /// are each page's error (the core's).
    pub(crate) fn typed<M: b24kit::ListMethod<Catalog = b24kit::Spec>>(
        client: &NativeClient,
        params: &M,
        pages: TypedPages,
    ) -> Result<NativePager> {
        Ok(NativePager::new(
            client,
            client.core()?.list_typed(params),
            Some(pages),
        ))
    }
}

/// The pages a `nextPages()` settles with: JSON text (a walk by name) or made by a typed walk.
enum Pages {
    Json(String),
    Typed(MakePages),
}

/// How far a walk has got.
#[napi(object)]
pub struct NativeProgress {
    pub items: f64,
    pub total: Option<f64>,
    pub requests: f64,
}

#[napi]
impl NativePager {
    /// The promise of the next pages (the next one and any others already fetched: one
    /// crossing for many pages of a counted walk), or `null` at the end: as JSON text of an
    /// array of pages for a walk by name, as an array of pages of objects for a typed walk.
    #[napi(catch_unwind)]
    pub fn next_pages<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        let (pager, progress, typed) = (self.pager.clone(), self.progress.clone(), self.typed);
        spawn_settled(env, self.cancel.clone(), async move {
            let outcome = b24kit::panic::catch_async(async move {
                let mut pager = pager.lock().await;
                let pages = match typed {
                    Some(read) => pager.next_page().await.and_then(|page| {
                        page.map(|first| {
                            let mut pages = vec![first];
                            while let Some(page) = pager.next_ready_page() {
                                pages.push(page);
                            }
                            read(pages).map(Pages::Typed)
                        })
                        .transpose()
                    }),
                    None => pager
                        .next_pages_json()
                        .await
                        .map(|json| json.map(Pages::Json)),
                };
                *progress.lock().unwrap_or_else(|p| p.into_inner()) = pager.progress();
                pages
            })
            .await;
            let settle: Settle = Box::new(move |env, factories| match outcome {
                Ok(Ok(Some(Pages::Json(text)))) => unsafe { String::to_napi_value(env, text) }
                    .map_err(|e| factories.internal(env, &e.to_string())),
                Ok(Ok(Some(Pages::Typed(make)))) => {
                    make(env).map_err(|e| factories.internal(env, &e.to_string()))
                }
                Ok(Ok(None)) => unsafe { Null::to_napi_value(env, Null) }
                    .map_err(|e| factories.internal(env, &e.to_string())),
                Ok(Err(error)) => Err(factories.core_error(env, &error)),
                Err(panic) => Err(factories.internal(env, &panic.to_string())),
            });
            settle
        })
    }

    /// Items handed out, the list's total once known, and requests made so far.
    #[napi(getter)]
    pub fn progress(&self) -> NativeProgress {
        let p = *self.progress.lock().unwrap_or_else(|p| p.into_inner());
        NativeProgress {
            items: p.items as f64,
            total: p.total.map(|t| t as f64),
            requests: p.requests as f64,
        }
    }
}
