//! How a call runs: blocking calls on the calling thread with the GIL released (`local_io`),
//! asyncio calls on b24kit's runtime settled on the loop thread (`bridge`). The generated entry
//! points convert their arguments and come here with a function that turns the core's answer
//! into the Python `Response`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use b24kit::cancel::CancelScope;
use b24kit::{AnyCall, Method, NamedCall, Spec};

use crate::bridge::{self, AbortOnCancel};
use crate::client::NativeClient;
use crate::local_io::Failure;
use crate::response::respond;
use crate::{errors, json, local_io, runtime};

/// Turns a successful answer into its Python `Response`.
pub(crate) trait Respond<T>:
    Fn(Python<'_>, b24kit::Response<T>) -> PyResult<Py<PyAny>>
{
}

impl<T, F: Fn(Python<'_>, b24kit::Response<T>) -> PyResult<Py<PyAny>>> Respond<T> for F {}

impl NativeClient {
    /// Calls on this thread and waits, with the GIL released.
    pub(crate) fn call_sync<M>(
        &self,
        py: Python<'_>,
        params: M,
        respond: impl Respond<M::Output>,
    ) -> PyResult<Py<PyAny>>
    where
        M: Method<Catalog = Spec> + 'static,
    {
        let token = self.token()?;
        let shared = self.client(py)?;
        match py.detach(move || local_io::call(&token, &shared, params)) {
            Ok(Ok(answer)) => respond(py, answer),
            Ok(Err(error)) => Err(errors::to_py(py, &error)),
            Err(failure) => Err(failure.into_py(py)),
        }
    }

    /// Starts the call on b24kit's runtime and returns an asyncio future of its outcome.
    pub(crate) fn call_async<'py, M>(
        &self,
        py: Python<'py>,
        params: M,
        respond: impl Respond<M::Output> + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        M: Method<Catalog = Spec> + 'static,
    {
        let client = self.client(py)?;
        spawn(py, async move {
            let outcome = b24kit::panic::catch_async(client.call(params)).await;
            // Only Rust values cross to the loop thread; Python objects are made there.
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(Ok(answer)) => respond(py, answer),
                Ok(Err(error)) => Err(errors::to_py(py, &error)),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            settle
        })
    }

    /// Runs calls of `M` through `batch` on this thread and waits, with the GIL released.
    pub(crate) fn batch_sync<M>(
        &self,
        py: Python<'_>,
        calls: Vec<M>,
        halt: bool,
        respond: impl Respond<M::Output>,
    ) -> PyResult<Py<PyList>>
    where
        M: Method<Catalog = Spec> + 'static,
    {
        let token = self.token()?;
        let shared = self.client(py)?;
        let run = move || {
            local_io::run(&token, &shared, move |client| async move {
                client.batch(calls, halt).await
            })
        };
        match py.detach(run) {
            Ok(items) => batch_list(py, items, &respond),
            Err(failure) => Err(failure.into_py(py)),
        }
    }

    /// Starts calls of `M` through `batch` on b24kit's runtime; an asyncio future of the list.
    pub(crate) fn batch_async<'py, M>(
        &self,
        py: Python<'py>,
        calls: Vec<M>,
        halt: bool,
        respond: impl Respond<M::Output> + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        M: Method<Catalog = Spec> + 'static,
    {
        let client = self.client(py)?;
        spawn(py, async move {
            let outcome = b24kit::panic::catch_async(client.batch(calls, halt)).await;
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(items) => batch_list(py, items, &respond).map(Py::into_any),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            settle
        })
    }

    /// Calls any method by name on this thread and waits, with the GIL released.
    pub(crate) fn call_any_sync(&self, py: Python<'_>, call: AnyCall) -> PyResult<Py<PyAny>> {
        let token = self.token()?;
        let shared = self.client(py)?;
        let run = move || {
            local_io::run(&token, &shared, move |client| async move {
                client.call_any(&call).await
            })
        };
        match py.detach(run) {
            Ok(Ok(answer)) => respond(py, answer, |py, v| json::to_python(py, &v)),
            Ok(Err(error)) => Err(errors::to_py(py, &error)),
            Err(failure) => Err(failure.into_py(py)),
        }
    }

    /// Calls any method by name on b24kit's runtime; an asyncio future of its `Response`.
    pub(crate) fn call_any_async<'py>(
        &self,
        py: Python<'py>,
        call: AnyCall,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        spawn(py, async move {
            let outcome =
                b24kit::panic::catch_async(async move { client.call_any(&call).await }).await;
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(Ok(answer)) => respond(py, answer, |py, v| json::to_python(py, &v)),
                Ok(Err(error)) => Err(errors::to_py(py, &error)),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            settle
        })
    }

    /// Calls any methods through `batch` on this thread and waits, with the GIL released.
    pub(crate) fn batch_any_sync(
        &self,
        py: Python<'_>,
        calls: Vec<NamedCall>,
        halt: bool,
    ) -> PyResult<Py<PyList>> {
        let token = self.token()?;
        let shared = self.client(py)?;
        let run = move || {
            local_io::run(&token, &shared, move |client| async move {
                client.batch_any(calls, halt).await
            })
        };
        match py.detach(run) {
            Ok(Ok(items)) => batch_list(py, items, &json_respond),
            Ok(Err(error)) => Err(errors::to_py(py, &error)),
            Err(failure) => Err(failure.into_py(py)),
        }
    }

    /// Calls any methods through `batch` on b24kit's runtime; an asyncio future of the list.
    pub(crate) fn batch_any_async<'py>(
        &self,
        py: Python<'py>,
        calls: Vec<NamedCall>,
        halt: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        spawn(py, async move {
            let outcome = b24kit::panic::catch_async(client.batch_any(calls, halt)).await;
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(Ok(items)) => batch_list(py, items, &json_respond).map(Py::into_any),
                Ok(Err(error)) => Err(errors::to_py(py, &error)),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            settle
        })
    }
}

/// Runs `work` on b24kit's runtime; the asyncio future settles with what it hands back.
/// Cancelling the future gives back the call's limiter slot before the caller hears of it (the
/// done-callback runs first), and aborts the work.
pub(crate) fn spawn<'py>(
    py: Python<'py>,
    work: impl std::future::Future<Output = bridge::Settle> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    spawn_boxed(py, Box::pin(work))
}

/// `work` boxed, so that every call spawns one and the same task type: a task type per method
/// would compile the runtime's task machinery once per method and per batch variant (measured
/// in the Node addon, which does the same: 575 KB less).
type Work = std::pin::Pin<Box<dyn std::future::Future<Output = bridge::Settle> + Send>>;

fn spawn_boxed<'py>(py: Python<'py>, work: Work) -> PyResult<Bound<'py, PyAny>> {
    let rt = runtime::get()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start b24kit's I/O threads: {e}")))?;
    let (channel, future) = bridge::new_future(py)?;
    let future_ref = future.clone().unbind();
    let scope = CancelScope::new();
    let task = rt.spawn(scope.run(async move {
        let settle = work.await;
        channel.complete(future_ref, settle);
    }));
    let on_cancel = AbortOnCancel {
        scope,
        task: task.abort_handle(),
    };
    future.call_method1("add_done_callback", (on_cancel,))?;
    Ok(future)
}

/// The `Response` of an answer whose result is JSON.
fn json_respond(
    py: Python<'_>,
    answer: b24kit::Response<serde_json::Value>,
) -> PyResult<Py<PyAny>> {
    respond(py, answer, |py, v| json::to_python(py, &v))
}

/// One entry per call: its `Response`, or the exception instance of its error.
fn batch_list<T>(
    py: Python<'_>,
    items: Vec<b24kit::BatchItem<T>>,
    respond: &impl Respond<T>,
) -> PyResult<Py<PyList>> {
    let list = PyList::empty(py);
    for item in items {
        match item {
            Ok(answer) => list.append(respond(py, answer)?)?,
            Err(error) => list.append(errors::to_py(py, &error).into_value(py))?,
        }
    }
    Ok(list.unbind())
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Runtime(e) => {
                PyRuntimeError::new_err(format!("cannot start b24kit's I/O: {e}"))
            }
            Failure::Build(e) => errors::to_py(py, &e),
            Failure::Panic(panic) => errors::internal(py, &panic),
            Failure::Interrupted(raised) => raised,
        }
    }
}
