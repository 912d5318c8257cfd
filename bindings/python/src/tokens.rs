//! `Tokens` (what the token-refresh callback receives) and what renewing a token needs: the
//! core's token pair and `Refresh`, in Python's terms.

use pyo3::prelude::*;

/// A renewed token pair, as the ``on_tokens_refreshed`` callback receives it: store
/// ``refresh_token`` in place of the old one. ``repr()`` shows neither token.
#[pyclass(frozen, get_all, module = "b24kit", name = "Tokens")]
pub struct Tokens {
    access_token: String,
    refresh_token: String,
    /// Unix time at which the access token expires, when the server said.
    expires: Option<i64>,
    expires_in: Option<i64>,
    client_endpoint: Option<String>,
    member_id: Option<String>,
}

impl From<&b24kit::Tokens> for Tokens {
    fn from(t: &b24kit::Tokens) -> Tokens {
        Tokens {
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone(),
            expires: t.expires,
            expires_in: t.expires_in,
            client_endpoint: t.client_endpoint.clone(),
            member_id: t.member_id.clone(),
        }
    }
}

#[pymethods]
impl Tokens {
    fn __repr__(&self) -> String {
        format!(
            "Tokens(access_token='***', refresh_token='***', expires={:?}, client_endpoint={:?})",
            self.expires, self.client_endpoint
        )
    }
}

/// What `Client.from_oauth` takes to renew tokens: `(client_id, client_secret, refresh_token,
/// oauth_server, on_tokens_refreshed)`.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Refresh {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) refresh_token: String,
    pub(crate) oauth_server: String,
    pub(crate) on_tokens_refreshed: Option<Py<PyAny>>,
}

/// Hands each renewed pair to a Python callable. An exception it raises is reported through
/// `sys.unraisablehook` (it cannot fail the call that happened to trigger the renewal).
pub(crate) fn token_callback(
    callback: Py<PyAny>,
) -> impl Fn(&b24kit::Tokens) + Send + Sync + 'static {
    move |tokens| {
        Python::attach(|py| {
            let outcome =
                Py::new(py, Tokens::from(tokens)).and_then(|t| callback.call1(py, (t,)).map(drop));
            if let Err(e) = outcome {
                e.write_unraisable(py, Some(callback.bind(py)));
            }
        });
    }
}
