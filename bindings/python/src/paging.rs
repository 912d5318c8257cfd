//! `NativePager`: a walk through a list method for `Client.list` and the typed `…_all` calls
//! (a page per `next_page`, with the GIL released while it is fetched) and their asyncio forms
//! (`next_page_async`, an asyncio future). The walk itself — modes, `batch` of pages, progress
//! — is the core's; a page's items become Python objects through the walk's `Items`.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::{bridge, dispatch, errors, interrupt, json, runtime};

/// How a page's items become a Python list: as JSON (a walk by name) or read into a method's
/// item type (a typed walk, from its generated code).
pub(crate) type Items = fn(Python<'_>, Vec<serde_json::Value>) -> PyResult<Py<PyAny>>;

#[pyclass(frozen, module = "b24kit._native")]
pub struct NativePager {
    /// Held across a page's requests; one page at a time.
    pager: Arc<tokio::sync::Mutex<b24kit::Pager>>,
    /// The progress after the last page, readable while the next one is fetched.
    progress: Arc<Mutex<b24kit::Progress>>,
    items: Items,
}

impl NativePager {
    /// A walk by name: its items as JSON.
    pub(crate) fn new(pager: b24kit::Pager) -> NativePager {
        NativePager::with_items(pager, json_items)
    }

    pub(crate) fn with_items(pager: b24kit::Pager, items: Items) -> NativePager {
        NativePager {
            progress: Arc::new(Mutex::new(pager.progress())),
            pager: Arc::new(tokio::sync::Mutex::new(pager)),
            items,
        }
    }

    /// A typed walk of `params`' list method, its pages read by `items`; refused parameters
    /// are each page's error (the core's).
    pub(crate) fn typed<M: b24kit::ListMethod<Catalog = b24kit::Spec>>(
        client: &crate::client::NativeClient,
        py: Python<'_>,
        params: &M,
        items: Items,
    ) -> PyResult<NativePager> {
        Ok(NativePager::with_items(
            client.client(py)?.list_typed(params),
            items,
        ))
    }
}

/// A page of a walk by name: its items as they came.
fn json_items(py: Python<'_>, items: Vec<serde_json::Value>) -> PyResult<Py<PyAny>> {
    let list = PyList::empty(py);
    for item in &items {
        list.append(json::to_python(py, item)?)?;
    }
    Ok(list.into_any().unbind())
}

type Page = Result<Option<Vec<serde_json::Value>>, b24kit::Error>;

/// The next page, and the progress after it.
async fn next(
    pager: Arc<tokio::sync::Mutex<b24kit::Pager>>,
    progress: Arc<Mutex<b24kit::Progress>>,
) -> Page {
    let mut pager = pager.lock().await;
    let page = pager.next_page().await;
    *progress.lock().unwrap_or_else(|p| p.into_inner()) = pager.progress();
    page
}

/// A page as a Python list of items, `None` at the end.
fn page_to_python(py: Python<'_>, page: Page, items: Items) -> PyResult<Py<PyAny>> {
    match page {
        Ok(Some(page)) => items(py, page),
        Ok(None) => Ok(py.None()),
        Err(error) => Err(errors::to_py(py, &error)),
    }
}

#[pymethods]
impl NativePager {
    /// The next page (a list of items), or `None` at the end; waits with the GIL released.
    fn next_page(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let rt = runtime::get().map_err(|e| {
            PyRuntimeError::new_err(format!("cannot start b24kit's I/O threads: {e}"))
        })?;
        let (pager, progress) = (self.pager.clone(), self.progress.clone());
        let outcome = py.detach(move || {
            b24kit::panic::catch(|| rt.block_on(interrupt::or_interrupted(next(pager, progress))))
        });
        match outcome {
            Ok(Ok(page)) => page_to_python(py, page, self.items),
            Ok(Err(raised)) => Err(raised),
            Err(panic) => Err(errors::internal(py, &panic)),
        }
    }

    /// The next page as an asyncio future of the running loop.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (pager, progress, items) = (self.pager.clone(), self.progress.clone(), self.items);
        dispatch::spawn(py, async move {
            let outcome = b24kit::panic::catch_async(next(pager, progress)).await;
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(page) => page_to_python(py, page, items),
                Err(panic) => Err(errors::internal(py, &panic)),
            });
            settle
        })
    }

    /// `(items so far, total when known, requests so far)`.
    #[getter]
    fn progress(&self) -> (u64, Option<u64>, u64) {
        let p = *self.progress.lock().unwrap_or_else(|p| p.into_inner());
        (p.items, p.total, p.requests)
    }
}
