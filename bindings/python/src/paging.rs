//! `NativePager`: a walk through a list method for `Client.list` and the typed `…_all` calls
//! (a page per `next_page`, with the GIL released while it is fetched) and their asyncio forms
//! (`next_page_async`, an asyncio future). The walk itself — modes, `batch` of pages, progress
//! — is the core's. A walk by name reads each page's JSON text with Python's own `json.loads`
//! (faster than taking values over one by one); a typed walk's items become Python objects
//! through its `Items`.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::{bridge, dispatch, errors, interrupt, runtime};

/// How a typed walk's items become a Python list: read into the method's item type (from its
/// generated code).
pub(crate) type Items = fn(Python<'_>, Vec<serde_json::Value>) -> PyResult<Py<PyAny>>;

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pyclass(frozen, module = "b24kit._native")]
pub struct NativePager {
    /// Held across a page's requests; one page at a time.
    pager: Arc<tokio::sync::Mutex<b24kit::Pager>>,
    /// The progress after the last page, readable while the next one is fetched.
    progress: Arc<Mutex<b24kit::Progress>>,
    /// `None` for a walk by name, whose pages come as JSON text.
    items: Option<Items>,
}

impl NativePager {
    /// A walk by name: its items as JSON.
    pub(crate) fn new(pager: b24kit::Pager) -> NativePager {
        NativePager::with_items(pager, None)
    }

    fn with_items(pager: b24kit::Pager, items: Option<Items>) -> NativePager {
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
            Some(items),
        ))
    }
}

/// A page as it comes from the core: JSON text (a walk by name), or values with how they
/// become Python objects (a typed walk).
enum Fetched {
    Json(String),
    Typed(Vec<serde_json::Value>, Items),
}

type Page = Result<Option<Fetched>, b24kit::Error>;

/// The next page, and the progress after it.
async fn next(
    pager: Arc<tokio::sync::Mutex<b24kit::Pager>>,
    progress: Arc<Mutex<b24kit::Progress>>,
    items: Option<Items>,
) -> Page {
    let mut pager = pager.lock().await;
    let page = match items {
        None => pager.next_page_json().await.map(|p| p.map(Fetched::Json)),
        Some(items) => (pager.next_page().await).map(|p| p.map(|p| Fetched::Typed(p, items))),
    };
    *progress.lock().unwrap_or_else(|p| p.into_inner()) = pager.progress();
    page
}

/// A page as a Python list of items, `None` at the end.
fn page_to_python(py: Python<'_>, page: Page) -> PyResult<Py<PyAny>> {
    match page {
        Ok(Some(Fetched::Json(text))) => {
            let loads = JSON_LOADS.get_or_try_init(py, || {
                py.import("json")?.getattr("loads").map(Bound::unbind)
            })?;
            Ok(loads.bind(py).call1((text,))?.unbind())
        }
        Ok(Some(Fetched::Typed(page, items))) => items(py, page),
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
        let items = self.items;
        let outcome = py.detach(move || {
            b24kit::panic::catch(|| {
                rt.block_on(interrupt::or_interrupted(next(pager, progress, items)))
            })
        });
        match outcome {
            Ok(Ok(page)) => page_to_python(py, page),
            Ok(Err(raised)) => Err(raised),
            Err(panic) => Err(errors::internal(py, &panic)),
        }
    }

    /// The next page as an asyncio future of the running loop.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (pager, progress, items) = (self.pager.clone(), self.progress.clone(), self.items);
        dispatch::spawn(py, async move {
            let outcome = b24kit::panic::catch_async(next(pager, progress, items)).await;
            let settle: bridge::Settle = Box::new(move |py| match outcome {
                Ok(page) => page_to_python(py, page),
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
