//! The blocking API, for scripts and programs without an async runtime. Calls run on one shared
//! background runtime; the calling thread waits.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::envelope::{Decoded, TimeOf};
use crate::method::Method;
use crate::{runtime, AnyCall, BatchItem, Error, ListCall, NamedCall, Response, RetryPolicy};

/// A blocking Bitrix24 client: the async [`Client`](crate::Client) behind a wait.
///
/// Build it with [`ClientBuilder::build_blocking`](crate::ClientBuilder::build_blocking) or
/// convert an async client with `From`. Safe to share between threads; cloning is cheap.
pub struct Client<C: Catalog> {
    inner: crate::Client<C>,
}

// A derive would ask `C: Clone`; the catalog is only a marker.
impl<C: Catalog> Clone for Client<C> {
    fn clone(&self) -> Self {
        Client {
            inner: self.inner.clone(),
        }
    }
}

impl<C: Catalog> Client<C> {
    /// Calls any method through its parameter type and waits for the answer.
    ///
    /// Fails with [`Error::BlockingInAsyncContext`] when called on a thread that is running an
    /// async runtime, where waiting would stall it.
    pub fn call<M: Method<Catalog = C>>(&self, params: M) -> Decoded<M> {
        self.wait(self.inner.call(params))?
    }

    /// Calls `M` once per element of `calls` through `batch` and waits; see
    /// [`Client::batch`](crate::Client::batch).
    #[allow(clippy::type_complexity)]
    pub fn batch<M: Method<Catalog = C>>(
        &self,
        calls: Vec<M>,
        halt: bool,
    ) -> Result<Vec<BatchItem<M::Output, C>>, Error<C>> {
        self.wait(self.inner.batch(calls, halt))
    }

    /// Calls any method by name and waits; see [`Client::call_any`](crate::Client::call_any).
    pub fn call_any(&self, call: &AnyCall) -> Result<Response<Value, TimeOf<C>>, Error<C>> {
        self.call_any_as(call)
    }

    /// Calls `method` with JSON `params` and waits; see
    /// [`Client::call_method`](crate::Client::call_method).
    pub fn call_method(
        &self,
        method: &str,
        params: Value,
    ) -> Result<Response<Value, TimeOf<C>>, Error<C>> {
        self.call_any(&AnyCall::new(method, params))
    }

    /// Calls any method by name, its result read into `T`, and waits; see
    /// [`Client::call_any_as`](crate::Client::call_any_as).
    pub fn call_any_as<T: DeserializeOwned + Send>(
        &self,
        call: &AnyCall,
    ) -> Result<Response<T, TimeOf<C>>, Error<C>> {
        self.wait(self.inner.call_any_as(call))?
    }

    /// Calls any methods through `batch` and waits; see
    /// [`Client::batch_any`](crate::Client::batch_any).
    pub fn batch_any(
        &self,
        calls: Vec<NamedCall>,
        halt: bool,
    ) -> Result<Vec<BatchItem<Value, C>>, Error<C>> {
        self.wait(self.inner.batch_any(calls, halt))?
    }

    /// A walk through a list method that waits for each page; see
    /// [`Client::list`](crate::Client::list). It is also an iterator of the items.
    pub fn list(&self, list: ListCall) -> Pager<C> {
        Pager {
            client: self.clone(),
            pager: self.inner.list(list),
            items: Items::default(),
        }
    }

    /// A typed walk through a list method that waits for each page; see
    /// [`Client::walk`](crate::Client::walk). It is also an iterator of the items.
    pub fn walk<M: crate::ListMethod<Catalog = C>>(&self, params: M) -> Walk<C, M::Item> {
        Walk {
            client: self.clone(),
            walk: self.inner.walk(params),
            items: Items::default(),
        }
    }

    /// Runs `work` on the shared runtime; refused on a thread that runs an async runtime.
    fn wait<T>(&self, work: impl std::future::Future<Output = T>) -> Result<T, Error<C>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsyncContext);
        }
        Ok(runtime::shared()?.block_on(work))
    }

    /// This client with another retry policy; see [`Client::with_retry`](crate::Client::with_retry).
    pub fn with_retry(&self, policy: RetryPolicy) -> Client<C> {
        Client {
            inner: self.inner.with_retry(policy),
        }
    }

    /// This client with another bound on each attempt; see
    /// [`Client::with_timeout`](crate::Client::with_timeout).
    pub fn with_timeout(&self, timeout: std::time::Duration) -> Client<C> {
        Client {
            inner: self.inner.with_timeout(timeout),
        }
    }

    /// This client with another bound on the whole call; see
    /// [`Client::with_deadline`](crate::Client::with_deadline).
    pub fn with_deadline(&self, deadline: std::time::Duration) -> Client<C> {
        Client {
            inner: self.inner.with_deadline(deadline),
        }
    }

    /// The async client behind this one (sharing its connections).
    pub fn as_async(&self) -> &crate::Client<C> {
        &self.inner
    }
}

impl<C: Catalog> From<crate::Client<C>> for Client<C> {
    fn from(inner: crate::Client<C>) -> Client<C> {
        Client { inner }
    }
}

impl<C: Catalog> fmt::Debug for Client<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

/// A walk through a list that waits for each page: [`Pager::next_page`], or the items one by one
/// as an [`Iterator`] (which ends after an error).
pub struct Pager<C: Catalog> {
    client: Client<C>,
    pager: crate::Pager<C>,
    items: Items<Value>,
}

impl<C: Catalog> Pager<C> {
    /// The next page of items, or `None` at the end of the list.
    pub fn next_page(&mut self) -> Result<Option<Vec<Value>>, Error<C>> {
        let pager = &mut self.pager;
        self.client.wait(pager.next_page())?
    }

    /// How far the walk has got: items handed out, the list's total once known, requests made.
    pub fn progress(&self) -> crate::Progress {
        self.pager.progress()
    }
}

impl<C: Catalog> Iterator for Pager<C> {
    type Item = Result<Value, Error<C>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (client, pager) = (&self.client, &mut self.pager);
        self.items.next(|| client.wait(pager.next_page())?)
    }
}

/// The items of a walk's pages one by one, each page fetched when the last is used up; the
/// items end after an error.
struct Items<T> {
    page: std::vec::IntoIter<T>,
    ended: bool,
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items {
            page: Vec::new().into_iter(),
            ended: false,
        }
    }
}

impl<T> Items<T> {
    fn next<E>(
        &mut self,
        mut next_page: impl FnMut() -> Result<Option<Vec<T>>, E>,
    ) -> Option<Result<T, E>> {
        loop {
            if let Some(item) = self.page.next() {
                return Some(Ok(item));
            }
            if self.ended {
                return None;
            }
            match next_page() {
                Ok(Some(page)) => self.page = page.into_iter(),
                Ok(None) => self.ended = true,
                Err(error) => {
                    self.ended = true;
                    return Some(Err(error));
                }
            }
        }
    }
}

/// A typed walk through a list that waits for each page: [`Walk::next_page`], or the items one
/// by one as an [`Iterator`] (which ends after an error).
pub struct Walk<C: Catalog, T> {
    client: Client<C>,
    walk: crate::Walk<C, T>,
    items: Items<T>,
}

impl<C: Catalog, T: crate::wire::Lenient + Send + 'static> Walk<C, T> {
    /// The next page of items, or `None` at the end of the list.
    pub fn next_page(&mut self) -> Result<Option<Vec<T>>, Error<C>> {
        let walk = &mut self.walk;
        self.client.wait(walk.next_page())?
    }

    /// How far the walk has got: items handed out, the list's total once known, requests made.
    pub fn progress(&self) -> crate::Progress {
        self.walk.progress()
    }
}

impl<C: Catalog, T: crate::wire::Lenient + Send + 'static> Iterator for Walk<C, T> {
    type Item = Result<T, Error<C>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (client, walk) = (&self.client, &mut self.walk);
        self.items.next(|| client.wait(walk.next_page())?)
    }
}
