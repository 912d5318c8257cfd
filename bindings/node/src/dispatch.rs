//! Promises settled from b24kit's I/O threads, in batches, without a thread-safe function per
//! call. Each call creates a raw promise on the JavaScript thread; when the call ends, the I/O
//! thread queues its outcome and — only if the queue was empty — pings one shared thread-safe
//! function. The JavaScript thread then settles every queued promise in one go, building the
//! `Response` or the typed error through factories that `index.js` registered. While no call is
//! pending the thread-safe function is unreferenced, so an idle client never keeps Node alive.

use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;
use napi::sys;

use b24kit::{Method, Spec};

use crate::cancel::Cancel;
use crate::client::NativeClient;
use crate::errors::ErrorRecord;
use crate::events::{Listener, NativeEvent};

/// Builds the settled value on the JavaScript thread: `Ok` resolves, `Err` rejects.
pub(crate) type Settle = Box<
    dyn FnOnce(sys::napi_env, &Factories) -> std::result::Result<sys::napi_value, sys::napi_value>
        + Send,
>;

/// A raw pointer that only the JavaScript thread dereferences.
pub(crate) struct JsThreadOnly(*mut c_void);

impl JsThreadOnly {
    pub(crate) fn new(pointer: *mut c_void) -> JsThreadOnly {
        JsThreadOnly(pointer)
    }

    pub(crate) fn get(&self) -> *mut c_void {
        self.0
    }
}

// SAFETY: the pointers (napi_deferred, napi_threadsafe_function) are handed between threads but
// used only through Node-API calls that are either thread-safe (`napi_call_threadsafe_function`)
// or made on the JavaScript thread (`napi_resolve_deferred`).
unsafe impl Send for JsThreadOnly {}
unsafe impl Sync for JsThreadOnly {}

/// What the JavaScript thread has to do, in the order the I/O threads asked.
enum Job {
    /// Settle a call's promise.
    Settle {
        deferred: JsThreadOnly,
        settle: Settle,
    },
    /// Tell a client's `onEvent` listener an event.
    Tell {
        listener: Arc<Listener>,
        // Boxed: events are rare beside settlements, which should not carry their size.
        event: Box<NativeEvent>,
    },
    /// Delete a listener's reference (its last client is gone).
    Forget(JsThreadOnly),
}

/// The hand-over point between the I/O threads and one JavaScript environment.
pub(crate) struct Dispatcher {
    tsfn: JsThreadOnly,
    queue: Mutex<Vec<Job>>,
}

/// `index.js`'s constructors for results and errors, as references.
pub(crate) struct Factories {
    make_response: sys::napi_ref,
    make_json_response: sys::napi_ref,
    make_error: sys::napi_ref,
}

/// Per-environment state (main thread and each worker thread have their own).
pub(crate) struct EnvState {
    pub(crate) dispatcher: Arc<Dispatcher>,
    factories: Factories,
    /// Calls started and not yet settled; only touched on the JavaScript thread.
    pending: usize,
}

pub(crate) fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::from_reason(format!(
            "{what} failed (status {status})"
        )))
    }
}

/// Registers the factories and creates this environment's dispatcher. Called once by `index.js`.
pub(crate) fn init(
    env: &Env,
    make_response: Unknown<'_>,
    make_json_response: Unknown<'_>,
    make_error: Unknown<'_>,
) -> Result<()> {
    let raw = env.raw();
    let reference = |value: sys::napi_value| -> Result<sys::napi_ref> {
        let mut r = ptr::null_mut();
        check(
            unsafe { sys::napi_create_reference(raw, value, 1, &mut r) },
            "napi_create_reference",
        )?;
        Ok(r)
    };
    let factories = Factories {
        make_response: reference(make_response.raw())?,
        make_json_response: reference(make_json_response.raw())?,
        make_error: reference(make_error.raw())?,
    };
    let mut name = ptr::null_mut();
    check(
        unsafe { sys::napi_create_string_utf8(raw, c"b24kit".as_ptr(), 6, &mut name) },
        "napi_create_string_utf8",
    )?;
    let mut tsfn = ptr::null_mut();
    check(
        unsafe {
            sys::napi_create_threadsafe_function(
                raw,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
                Some(drain),
                &mut tsfn,
            )
        },
        "napi_create_threadsafe_function",
    )?;
    check(
        unsafe { sys::napi_unref_threadsafe_function(raw, tsfn) },
        "napi_unref_threadsafe_function",
    )?;
    let state = EnvState {
        dispatcher: Arc::new(Dispatcher {
            tsfn: JsThreadOnly(tsfn as *mut c_void),
            queue: Mutex::new(Vec::new()),
        }),
        factories,
        pending: 0,
    };
    env.set_instance_data(state, (), |_| {})
}

pub(crate) fn state(env: &Env) -> Result<&'static mut EnvState> {
    env.get_instance_data::<EnvState>()?
        .ok_or_else(|| Error::from_reason("b24kit's native module was not initialised by index.js"))
}

/// A new promise and its deferred; the call is counted as pending.
pub(crate) fn start(env: &Env) -> Result<(JsThreadOnly, sys::napi_value, Arc<Dispatcher>)> {
    let raw = env.raw();
    let state = state(env)?;
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    check(
        unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) },
        "napi_create_promise",
    )?;
    if state.pending == 0 {
        check(
            unsafe {
                sys::napi_ref_threadsafe_function(
                    raw,
                    state.dispatcher.tsfn.0 as sys::napi_threadsafe_function,
                )
            },
            "napi_ref_threadsafe_function",
        )?;
    }
    state.pending += 1;
    Ok((
        JsThreadOnly(deferred as *mut c_void),
        promise,
        state.dispatcher.clone(),
    ))
}

impl Dispatcher {
    /// Hands a finished call to the JavaScript thread; called on an I/O thread.
    pub(crate) fn complete(&self, deferred: JsThreadOnly, settle: Settle) {
        self.push(Job::Settle { deferred, settle });
    }

    /// Hands an event to a listener on the JavaScript thread.
    pub(crate) fn tell(&self, listener: Arc<Listener>, event: NativeEvent) {
        self.push(Job::Tell {
            listener,
            event: Box::new(event),
        });
    }

    /// Has a listener's reference deleted on the JavaScript thread.
    pub(crate) fn forget(&self, reference: JsThreadOnly) {
        self.push(Job::Forget(reference));
    }

    fn push(&self, job: Job) {
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            let was_empty = queue.is_empty();
            queue.push(job);
            was_empty
        };
        if was_empty {
            // Non-blocking with an unlimited queue: this cannot fail while the function lives.
            unsafe {
                sys::napi_call_threadsafe_function(
                    self.tsfn.0 as sys::napi_threadsafe_function,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                );
            }
        }
    }
}

/// The thread-safe function's callback: settles every queued promise.
unsafe extern "C" fn drain(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    _context: *mut c_void,
    _data: *mut c_void,
) {
    if env.is_null() {
        return; // the environment is shutting down
    }
    let wrapped = Env::from_raw(env);
    let Ok(state) = state(&wrapped) else {
        return;
    };
    let batch = std::mem::take(
        &mut *state
            .dispatcher
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner()),
    );
    let mut settled = 0;
    for job in batch {
        match job {
            Job::Settle { deferred, settle } => {
                settled += 1;
                match settle(env, &state.factories) {
                    Ok(value) => {
                        sys::napi_resolve_deferred(env, deferred.0 as sys::napi_deferred, value)
                    }
                    Err(error) => {
                        sys::napi_reject_deferred(env, deferred.0 as sys::napi_deferred, error)
                    }
                };
            }
            Job::Tell { listener, event } => listener.call(env, *event),
            Job::Forget(reference) => {
                sys::napi_delete_reference(env, reference.0 as sys::napi_ref);
            }
        }
    }
    state.pending -= settled.min(state.pending);
    if state.pending == 0 {
        sys::napi_unref_threadsafe_function(
            env,
            state.dispatcher.tsfn.0 as sys::napi_threadsafe_function,
        );
    }
}

impl Factories {
    /// `makeResponse(result, ...time fields)`.
    pub(crate) fn response(
        &self,
        env: sys::napi_env,
        args: &[sys::napi_value],
    ) -> std::result::Result<sys::napi_value, sys::napi_value> {
        call(env, self.make_response, args)
    }

    /// `makeJsonResponse(result, isText, total, next, ...time fields)`: the `Response` of a call
    /// by name.
    pub(crate) fn json_response(
        &self,
        env: sys::napi_env,
        args: &[sys::napi_value],
    ) -> std::result::Result<sys::napi_value, sys::napi_value> {
        call(env, self.make_json_response, args)
    }

    /// The typed error of a core error.
    pub(crate) fn core_error(&self, env: sys::napi_env, error: &b24kit::Error) -> sys::napi_value {
        self.record(env, ErrorRecord::from_core(error))
    }

    /// The base error for a bug in b24kit.
    pub(crate) fn internal(&self, env: sys::napi_env, message: &str) -> sys::napi_value {
        self.record(
            env,
            ErrorRecord::internal(&format!(
                "internal error in b24kit ({message}); please report it"
            )),
        )
    }

    fn record(&self, env: sys::napi_env, record: ErrorRecord) -> sys::napi_value {
        let value =
            unsafe { ErrorRecord::to_napi_value(env, record) }.unwrap_or(std::ptr::null_mut());
        self.error(env, value)
    }

    /// `makeError(record)`: the typed error for a failed call.
    pub(crate) fn error(&self, env: sys::napi_env, record: sys::napi_value) -> sys::napi_value {
        match call(env, self.make_error, &[record]) {
            Ok(error) | Err(error) => error,
        }
    }
}

/// Calls a referenced function; a thrown exception comes back as `Err`.
fn call(
    env: sys::napi_env,
    function: sys::napi_ref,
    args: &[sys::napi_value],
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    unsafe {
        let mut f = ptr::null_mut();
        let mut undefined = ptr::null_mut();
        sys::napi_get_reference_value(env, function, &mut f);
        sys::napi_get_undefined(env, &mut undefined);
        let mut out = ptr::null_mut();
        if sys::napi_call_function(env, undefined, f, args.len(), args.as_ptr(), &mut out)
            == sys::Status::napi_ok
        {
            Ok(out)
        } else {
            let mut exception = ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut exception);
            Err(exception)
        }
    }
}

/// An answer's `time`, handed to JavaScript as its fields (arguments of the generated
/// `makeResponse`, in the spec's order): JavaScript builds the object from them far faster than
/// Node-API can build one with named properties (about 10 µs a call here).
pub(crate) trait TimeFields: Send + 'static {
    /// Appends the fields' JavaScript values to `args`.
    ///
    /// # Safety
    /// On the JavaScript thread, with `env` live.
    unsafe fn push_fields(self, env: sys::napi_env, args: &mut Vec<sys::napi_value>) -> Result<()>;
}

/// No time at all: for the panic probe, which never answers.
impl TimeFields for () {
    unsafe fn push_fields(self, _: sys::napi_env, _: &mut Vec<sys::napi_value>) -> Result<()> {
        Ok(())
    }
}

/// Turns a successful answer into the addon's JavaScript-facing result and `time`; the
/// generated entry points pass one per method.
pub(crate) type Respond<T, R, Tm> = fn(b24kit::Response<T>) -> (R, Tm);

impl NativeClient {
    /// Starts the call on the runtime and returns its promise.
    pub(crate) fn call<'e, M, R, Tm>(
        &self,
        env: &'e Env,
        params: M,
        respond: Respond<M::Output, R, Tm>,
    ) -> Result<Unknown<'e>>
    where
        M: Method<Catalog = Spec> + 'static,
        R: ToNapiValue + Send + 'static,
        Tm: TimeFields,
    {
        let client = self.core()?;
        spawn_settled(env, self.cancel(), async move {
            let outcome = b24kit::panic::catch_async(client.call(params))
                .await
                .map(|outcome| outcome.map(respond));
            let settle: Settle = Box::new(move |env, factories| settle(env, factories, outcome));
            settle
        })
    }

    /// Starts calls of `M` through `batch` and returns the promise of an array with one
    /// `Response` or typed error per call.
    pub(crate) fn batch<'e, M, R, Tm>(
        &self,
        env: &'e Env,
        calls: Vec<M>,
        halt: bool,
        respond: Respond<M::Output, R, Tm>,
    ) -> Result<Unknown<'e>>
    where
        M: Method<Catalog = Spec> + 'static,
        R: ToNapiValue + Send + 'static,
        Tm: TimeFields,
    {
        let client = self.core()?;
        spawn_settled(env, self.cancel(), async move {
            let outcome = b24kit::panic::catch_async(client.batch(calls, halt))
                .await
                .map(|items| items.into_iter().map(|item| item.map(respond)).collect());
            let settle: Settle =
                Box::new(move |env, factories| settle_batch(env, factories, outcome));
            settle
        })
    }
}

/// Runs `work` on the runtime and returns a promise that settles with what it hands back, or
/// with `undefined` once `cancel` is cancelled (`work` is dropped then). The runtime is kept
/// awake around the start and the end (see `awake`).
///
/// `work` is boxed here so that every call spawns one and the same task type: a task type per
/// method would compile the runtime's task machinery once per method and per batch variant
/// (measured: 575 KB of the addon's 7.1 MB).
pub(crate) fn spawn_settled<'e>(
    env: &'e Env,
    cancel: Option<Arc<Cancel>>,
    work: impl std::future::Future<Output = Settle> + Send + 'static,
) -> Result<Unknown<'e>> {
    spawn_boxed(env, cancel, Box::pin(work))
}

type Work = std::pin::Pin<Box<dyn std::future::Future<Output = Settle> + Send>>;

fn spawn_boxed<'e>(env: &'e Env, cancel: Option<Arc<Cancel>>, work: Work) -> Result<Unknown<'e>> {
    let (deferred, promise, dispatcher) = start(env)?;
    let call = crate::awake::awake().call();
    napi::bindgen_prelude::spawn(async move {
        let settle = match cancel {
            None => work.await,
            Some(cancel) => tokio::select! {
                biased;
                () = cancel.cancelled() => cancelled(),
                settle = work => settle,
            },
        };
        dispatcher.complete(deferred, settle);
        drop(call);
    });
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), promise) })
}

/// The native promise of a cancelled call: JavaScript has rejected its own already.
fn cancelled() -> Settle {
    Box::new(|env, _| {
        let mut undefined = ptr::null_mut();
        unsafe { sys::napi_get_undefined(env, &mut undefined) };
        Ok(undefined)
    })
}

type Outcome<R, Tm> =
    std::result::Result<std::result::Result<(R, Tm), b24kit::Error>, b24kit::panic::Panic>;

type BatchOutcome<R, Tm> =
    std::result::Result<Vec<std::result::Result<(R, Tm), b24kit::Error>>, b24kit::panic::Panic>;

/// The array of a batch's outcomes: a `Response` or a typed error per call.
fn settle_batch<R: ToNapiValue, Tm: TimeFields>(
    env: sys::napi_env,
    factories: &Factories,
    outcome: BatchOutcome<R, Tm>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let items = match outcome {
        Ok(items) => items,
        Err(panic) => return settle::<R, Tm>(env, factories, Err(panic)),
    };
    let mut array = std::ptr::null_mut();
    let status = unsafe { sys::napi_create_array_with_length(env, items.len(), &mut array) };
    if status != sys::Status::napi_ok {
        let record = ErrorRecord::internal("internal error in b24kit (cannot create an array)");
        let value =
            unsafe { ErrorRecord::to_napi_value(env, record) }.unwrap_or(std::ptr::null_mut());
        return Err(factories.error(env, value));
    }
    for (index, item) in items.into_iter().enumerate() {
        let value = match settle(env, factories, Ok(item)) {
            Ok(value) | Err(value) => value,
        };
        unsafe { sys::napi_set_element(env, array, index as u32, value) };
    }
    Ok(array)
}

/// The JavaScript value of an outcome, built on the JavaScript thread.
fn settle<R: ToNapiValue, Tm: TimeFields>(
    env: sys::napi_env,
    factories: &Factories,
    outcome: Outcome<R, Tm>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let record = match outcome {
        Ok(Ok((result, time))) => {
            let converted = unsafe {
                R::to_napi_value(env, result).and_then(|result| {
                    let mut args = Vec::with_capacity(10);
                    args.push(result);
                    time.push_fields(env, &mut args).map(|()| args)
                })
            };
            match converted {
                Ok(args) => return factories.response(env, &args),
                Err(e) => ErrorRecord::internal(&format!(
                    "internal error in b24kit ({e}); please report it"
                )),
            }
        }
        Ok(Err(error)) => ErrorRecord::from_core(&error),
        Err(panic) => ErrorRecord::internal(&panic.to_string()),
    };
    let value = unsafe { ErrorRecord::to_napi_value(env, record) }.unwrap_or(std::ptr::null_mut());
    Err(factories.error(env, value))
}
