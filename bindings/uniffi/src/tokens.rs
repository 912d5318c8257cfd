//! The token pair Kotlin and Swift receive, the listener that receives it, and what renewing a
//! token needs — the core's `Tokens` and `Refresh` in uniffi's terms.

use std::sync::Arc;

/// Receives each renewed token pair, so the app can store it (in the Keychain, say). Called on
/// b24kit's I/O thread; do not block it or call the client from it.
#[uniffi::export(with_foreign)]
pub trait TokenListener: Send + Sync {
    fn on_tokens_refreshed(&self, tokens: Arc<Tokens>);
}

/// A renewed token pair. Store `refreshToken()` in place of the old one. Its description shows
/// neither token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Tokens(b24kit::Tokens);

#[uniffi::export]
impl Tokens {
    pub fn access_token(&self) -> String {
        self.0.access_token.clone()
    }

    pub fn refresh_token(&self) -> String {
        self.0.refresh_token.clone()
    }

    /// Unix time at which the access token expires, when the server said.
    pub fn expires(&self) -> Option<i64> {
        self.0.expires
    }

    /// The access token's lifetime in seconds, when the server said.
    pub fn expires_in(&self) -> Option<i64> {
        self.0.expires_in
    }

    /// The portal's REST base, when the server said.
    pub fn client_endpoint(&self) -> Option<String> {
        self.0.client_endpoint.clone()
    }

    /// The portal's stable identifier, when the server said.
    pub fn member_id(&self) -> Option<String> {
        self.0.member_id.clone()
    }
}

impl std::fmt::Display for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tokens(access token ***, refresh token ***, expires {:?})",
            self.0.expires
        )
    }
}

/// What renewing an expired OAuth access token needs. An object rather than a record, so that
/// its string form never shows the client secret or the refresh token.
#[derive(uniffi::Object)]
pub struct TokenRefresh(b24kit::Refresh);

#[uniffi::export]
impl TokenRefresh {
    /// The application's id and secret and the refresh token; `oauthServer` replaces the
    /// documented server's URL; `listener` receives each renewed pair.
    #[uniffi::constructor(default(oauth_server = None, listener = None))]
    pub fn new(
        client_id: String,
        client_secret: String,
        refresh_token: String,
        oauth_server: Option<String>,
        listener: Option<Arc<dyn TokenListener>>,
    ) -> Arc<TokenRefresh> {
        let mut refresh = b24kit::Refresh::new(client_id, client_secret, refresh_token);
        if let Some(server) = oauth_server {
            refresh = refresh.oauth_server(server);
        }
        if let Some(listener) = listener {
            refresh = refresh.on_tokens_refreshed(move |tokens| {
                let tokens = Arc::new(Tokens(tokens.clone()));
                // A listener that throws must not take the call (or the app) down with it.
                let delivered = b24kit::panic::catch(|| listener.on_tokens_refreshed(tokens));
                if delivered.is_err() {
                    log::warn!(target: "b24kit", "the token listener failed");
                }
            });
        }
        Arc::new(TokenRefresh(refresh))
    }
}

impl TokenRefresh {
    pub(crate) fn core(&self) -> b24kit::Refresh {
        self.0.clone()
    }
}
