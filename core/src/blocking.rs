//! The blocking API, for scripts and programs without an async runtime. Calls run on one shared
//! background runtime; the calling thread waits.

use std::fmt;

use crate::method::Method;
use crate::{runtime, Error, Response};

/// A blocking Bitrix24 client: the async [`Client`](crate::Client) behind a wait.
///
/// Build it with [`ClientBuilder::build_blocking`](crate::ClientBuilder::build_blocking) or
/// convert an async client with `From`. Safe to share between threads; cloning is cheap.
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    /// Calls any method through its parameter type and waits for the answer.
    ///
    /// Fails with [`Error::BlockingInAsyncContext`] when called on a thread that is running an
    /// async runtime, where waiting would stall it.
    pub fn call<M: Method>(&self, params: M) -> Result<Response<M::Output>, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsyncContext);
        }
        runtime::shared()?.block_on(self.inner.call(params))
    }

    /// Calls `M` once per element of `calls` through `batch` and waits; see
    /// [`Client::batch`](crate::Client::batch).
    pub fn batch<M: Method>(
        &self,
        calls: Vec<M>,
        halt: bool,
    ) -> Result<Vec<crate::BatchItem<M::Output>>, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsyncContext);
        }
        Ok(runtime::shared()?.block_on(self.inner.batch(calls, halt)))
    }

    /// This client with another retry policy; see [`Client::with_retry`](crate::Client::with_retry).
    pub fn with_retry(&self, policy: crate::RetryPolicy) -> Client {
        Client {
            inner: self.inner.with_retry(policy),
        }
    }

    /// The async client behind this one (sharing its connections).
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }
}

impl From<crate::Client> for Client {
    fn from(inner: crate::Client) -> Client {
        Client { inner }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}
