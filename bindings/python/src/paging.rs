//! `NativePager`: a walk through a list method for `Client.list` (a page per `next_page`, with
//! the GIL released while it is fetched) and `AsyncClient.list` (`next_page_async`, an asyncio
//! future). The walk itself — modes, `batch` of pages, progress — is the core's.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::{bridge, dispatch, errors, interrupt, json, runtime};

#[pyclass(frozen, module = "b24kit._native")]
pub struct NativePager {
    /// Held across a page's requests; one page at a time.
    pager: Arc<tokio::sync::Mutex<b24kit::Pager>>,
    /// The progress after the last page, readable while the next one is fetched.
    progress: Arc<Mutex<b24kit::Progress>>,
}

impl NativePager {
    pub(crate) fn new(pager: b24kit::Pager) -> NativePager {
        NativePager {
            progress: Arc::new(Mutex::new(pager.progress())),
            pager: Arc::new(tokio::sync::Mutex::new(pager)),
        }
    }
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
fn page_to_python(py: Python<'_>, page: Page) -> PyResult<Py<PyAny>> {
    match page {
        Ok(Some(items)) => {
            let list = PyList::empty(py);
            for item in &items {
                list.append(json::to_python(py, item)?)?;
            }
            Ok(list.into_any().unbind())
        }
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
            Ok(Ok(page)) => page_to_python(py, page),
            Ok(Err(raised)) => Err(raised),
            Err(panic) => Err(errors::internal(py, &panic)),
        }
    }

    /// The next page as an asyncio future of the running loop.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (pager, progress) = (self.pager.clone(), self.progress.clone());
        dispatch::spawn(py, async move {
            let outcome = b24kit::panic::catch_async(next(pager, progress)).await;
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
