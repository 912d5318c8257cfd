//! The token pair JavaScript's `onTokensRefreshed` receives. The core renews on an I/O thread;
//! the pairs wait here until the call that renewed settles on the JavaScript thread, which then
//! hands them to the callback.

use std::sync::{Arc, Mutex};

use napi_derive::napi;

/// A renewed token pair, handed to JavaScript's `onTokensRefreshed`.
#[napi(object)]
pub struct NativeTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires: Option<i64>,
    pub expires_in: Option<i64>,
    pub client_endpoint: Option<String>,
    pub member_id: Option<String>,
}

impl From<b24kit::Tokens> for NativeTokens {
    fn from(t: b24kit::Tokens) -> NativeTokens {
        NativeTokens {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            expires: t.expires,
            expires_in: t.expires_in,
            client_endpoint: t.client_endpoint,
            member_id: t.member_id,
        }
    }
}

/// Token pairs renewed and not yet handed to JavaScript; shared by a client and its
/// `withRetry` clones.
#[derive(Clone, Default)]
pub(crate) struct Renewed(Arc<Mutex<Vec<b24kit::Tokens>>>);

impl Renewed {
    /// The core's renewal settings, keeping every renewed pair here.
    pub(crate) fn refresh(&self, options: &crate::settings::RefreshOptions) -> b24kit::Refresh {
        let sink = self.0.clone();
        let refresh = b24kit::Refresh::new(
            options.client_id.clone(),
            &options.client_secret,
            &options.refresh_token,
        )
        .on_tokens_refreshed(move |tokens| {
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(tokens.clone())
        });
        match &options.oauth_server {
            Some(server) => refresh.oauth_server(server.clone()),
            None => refresh,
        }
    }

    /// The pairs renewed since the last call of this, oldest first.
    pub(crate) fn take(&self) -> Vec<NativeTokens> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .map(NativeTokens::from)
            .collect()
    }
}
