//! The blocking API, for scripts and programs without an async runtime. Calls run on one shared
//! background runtime; the calling thread waits.

use std::fmt;

use crate::catalog::Catalog;
use crate::envelope::Decoded;
use crate::method::Method;
use crate::{runtime, BatchItem, Error, RetryPolicy};

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
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsyncContext);
        }
        runtime::shared()?.block_on(self.inner.call(params))
    }

    /// Calls `M` once per element of `calls` through `batch` and waits; see
    /// [`Client::batch`](crate::Client::batch).
    #[allow(clippy::type_complexity)]
    pub fn batch<M: Method<Catalog = C>>(
        &self,
        calls: Vec<M>,
        halt: bool,
    ) -> Result<Vec<BatchItem<M::Output, C>>, Error<C>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsyncContext);
        }
        Ok(runtime::shared()?.block_on(self.inner.batch(calls, halt)))
    }

    /// This client with another retry policy; see [`Client::with_retry`](crate::Client::with_retry).
    pub fn with_retry(&self, policy: RetryPolicy) -> Client<C> {
        Client {
            inner: self.inner.with_retry(policy),
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
