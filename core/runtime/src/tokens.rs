//! The OAuth token pair every language hands to its application, and the one value that says
//! how to renew it. Neither ever prints a secret.

use std::fmt;
use std::sync::Arc;

use crate::secret::Secret;

/// The documented OAuth server (`https://oauth.bitrix.info/oauth/token/`); portals in the
/// Russian region use `https://oauth.bitrix24.tech/oauth/token/`.
pub const DEFAULT_OAUTH_SERVER: &str = "https://oauth.bitrix.info/oauth/token/";

/// A renewed token pair, as handed to the callback of [`Refresh::on_tokens_refreshed`]. Store
/// the refresh token in place of the old one: the old one may not work again.
///
/// `Debug` shows neither token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tokens {
    /// The new access token, which authorizes calls until it expires.
    pub access_token: String,
    /// The new refresh token, for the next renewal; it replaces the old one.
    pub refresh_token: String,
    /// Unix time at which the access token expires, when the server said.
    pub expires: Option<i64>,
    /// The access token's lifetime in seconds, when the server said.
    pub expires_in: Option<i64>,
    /// The portal's REST base (`https://<portal>/rest/`), when the server said.
    pub client_endpoint: Option<String>,
    /// The portal's stable identifier, when the server said.
    pub member_id: Option<String>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"***")
            .field("refresh_token", &"***")
            .field("expires", &self.expires)
            .field("expires_in", &self.expires_in)
            .field("client_endpoint", &self.client_endpoint)
            .field("member_id", &self.member_id)
            .finish()
    }
}

/// Called with each renewed pair, on the I/O thread that made the renewal.
pub type TokenCallback = Arc<dyn Fn(&Tokens) + Send + Sync>;

/// How an expired OAuth access token is renewed: the application's client id and secret, the
/// refresh token, the OAuth server and who is told about the new pair. One value, so that the
/// order in which its parts are set never matters.
///
/// The client secret and the refresh token are only ever sent to the OAuth server; `Debug`
/// shows neither.
#[derive(Clone)]
pub struct Refresh {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) refresh_token: Secret,
    pub(crate) server: String,
    pub(crate) callback: Option<TokenCallback>,
}

impl Refresh {
    /// Renewal at the documented OAuth server ([`DEFAULT_OAUTH_SERVER`]) with the application's
    /// credentials and the refresh token.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl AsRef<str>,
        refresh_token: impl AsRef<str>,
    ) -> Refresh {
        Refresh {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret.as_ref()),
            refresh_token: Secret::new(refresh_token.as_ref()),
            server: DEFAULT_OAUTH_SERVER.to_string(),
            callback: None,
        }
    }

    /// Another OAuth server's token URL (the Russian region's, or an emulator's).
    #[must_use]
    pub fn oauth_server(mut self, url: impl Into<String>) -> Refresh {
        self.server = url.into();
        self
    }

    /// Called with every renewed pair, so the application can store it. It runs on the I/O
    /// thread that made the renewal; do not call the client from it.
    #[must_use]
    pub fn on_tokens_refreshed(
        mut self,
        callback: impl Fn(&Tokens) + Send + Sync + 'static,
    ) -> Refresh {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// The OAuth server's token URL.
    pub fn server(&self) -> &str {
        &self.server
    }
}

impl fmt::Debug for Refresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refresh")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .field("server", &self.server)
            .field("on_tokens_refreshed", &self.callback.is_some())
            .finish()
    }
}
