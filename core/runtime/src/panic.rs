//! Panics turned into values, for the language bindings: a panic must never unwind into a foreign
//! runtime (Python, Node, the JVM, Swift), where it would abort the process or surface as an
//! unrelated exception. Bindings report a [`Panic`] as their base error.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A caught panic and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    message: String,
}

impl Panic {
    /// The panic of a payload (`catch_unwind`'s, or a panicked task's `JoinError::into_panic`).
    pub fn from_payload(payload: Box<dyn Any + Send>) -> Panic {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        Panic { message }
    }

    /// The panic's message, or `panic` when its payload was not a string.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "internal error in b24kit ({}); please report it",
            self.message
        )
    }
}

/// Runs `f`, catching a panic.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Panic> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(Panic::from_payload)
}

/// Awaits `future`, catching a panic in any of its polls.
pub async fn catch_async<F: Future>(future: F) -> Result<F::Output, Panic> {
    CatchUnwind(Box::pin(future)).await
}

struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Panic>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(Panic::from_payload(payload))),
        }
    }
}

/// A call whose parameter check panics inside the core, for the bindings' tests that prove a
/// panic surfaces as their base error and leaves the process working. Not part of the API.
#[doc(hidden)]
#[derive(serde::Serialize)]
pub struct PanicProbe<C> {
    #[serde(skip)]
    catalog: std::marker::PhantomData<C>,
}

impl<C> PanicProbe<C> {
    pub fn new() -> Self {
        PanicProbe {
            catalog: std::marker::PhantomData,
        }
    }
}

impl<C> Default for PanicProbe<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: crate::Catalog> crate::Method for PanicProbe<C> {
    type Catalog = C;
    const NAME: &'static str = "b24kit.panicProbe";
    const IDEMPOTENT: bool = true;
    type Output = bool;

    fn validate(&self) -> Result<(), crate::Error<C>> {
        panic!("forced by the test hook")
    }

    fn method_error(_: &str) -> Option<C::MethodError> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_values_with_their_message() {
        let caught = catch(|| -> u8 { panic!("boom {}", 7) }).unwrap_err();
        assert_eq!(caught.message(), "boom 7");
        assert!(caught
            .to_string()
            .contains("internal error in b24kit (boom 7)"));
        assert_eq!(catch(|| 5), Ok(5));
    }

    #[tokio::test]
    async fn panics_inside_a_future_become_values() {
        let caught = catch_async(async {
            tokio::task::yield_now().await;
            panic!("later");
        })
        .await;
        assert_eq!(caught.map(|_: ()| ()).unwrap_err().message(), "later");
    }
}
