//! How a call runs: on the core's client, with a panic caught and reported as an error instead
//! of crashing the app, and the core's error turned into the binding's (whatever error type the
//! generated code declared).

use b24kit::{ErrorReport, Method, Spec};

use crate::client::Client;

impl Client {
    /// Runs one call.
    pub(crate) async fn call<M, E>(&self, params: M) -> Result<b24kit::Response<M::Output>, E>
    where
        M: Method<Catalog = Spec> + 'static,
        E: From<ErrorReport>,
    {
        match b24kit::panic::catch_async(self.core().call(params)).await {
            Ok(outcome) => {
                outcome.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel)))
            }
            Err(panic) => Err(E::from(ErrorReport::internal(&panic))),
        }
    }

    /// Runs calls through `batch`: one outcome per call, in order. A panic fails every call.
    pub(crate) async fn batch<M, E>(
        &self,
        calls: Vec<M>,
        halt: bool,
    ) -> Vec<Result<b24kit::Response<M::Output>, E>>
    where
        M: Method<Catalog = Spec> + 'static,
        E: From<ErrorReport>,
    {
        let count = calls.len();
        match b24kit::panic::catch_async(self.core().batch(calls, halt)).await {
            Ok(items) => items
                .into_iter()
                .map(|item| item.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel))))
                .collect(),
            Err(panic) => (0..count)
                .map(|_| Err(E::from(ErrorReport::internal(&panic))))
                .collect(),
        }
    }
}

impl Client {
    /// Runs one call by name.
    pub(crate) async fn call_any<E>(
        &self,
        call: b24kit::AnyCall,
    ) -> Result<b24kit::Response<serde_json::Value>, E>
    where
        E: From<ErrorReport>,
    {
        let outcome = b24kit::panic::catch_async(async { self.core().call_any(&call).await }).await;
        match outcome {
            Ok(outcome) => {
                outcome.map_err(|e| E::from(ErrorReport::new(&e, b24kit::Casing::Camel)))
            }
            Err(panic) => Err(E::from(ErrorReport::internal(&panic))),
        }
    }

    /// Runs calls by name through `batch`: one outcome per call, in order. A batch that
    /// cannot be planned (a `$result` reference to no earlier call) fails as a whole.
    pub(crate) async fn batch_any<E>(
        &self,
        calls: Vec<b24kit::NamedCall>,
        halt: bool,
    ) -> Result<Vec<Result<b24kit::Response<serde_json::Value>, E>>, E>
    where
        E: From<ErrorReport>,
    {
        let report = |e: &b24kit::Error| E::from(ErrorReport::new(e, b24kit::Casing::Camel));
        match b24kit::panic::catch_async(self.core().batch_any(calls, halt)).await {
            Ok(Ok(items)) => Ok(items
                .into_iter()
                .map(|item| item.map_err(|e| report(&e)))
                .collect()),
            Ok(Err(error)) => Err(report(&error)),
            Err(panic) => Err(E::from(ErrorReport::internal(&panic))),
        }
    }
}
