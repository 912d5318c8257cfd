//! The OAuth server's `/oauth/token/`: renews an access token with `grant_type=refresh_token`,
//! given as a GET query (as the docs show) or a form POST (as CRest sends it). A refresh token
//! works once: a new pair is issued and the old one retired, so a client that refreshes twice for
//! one expiry gets `invalid_grant` the second time.

use serde_json::{json, Map, Value};

use crate::clock::unix_now;
use crate::php_form;
use crate::portal::Portal;

/// Lifetime of an issued access token, as on the real server.
const LIFETIME_SECONDS: i64 = 3600;

/// `(status, JSON body)` for a token request.
pub(crate) fn handle(
    portal: &Portal,
    query: Option<&str>,
    body: &[u8],
    base_url: &str,
) -> (u16, Value) {
    if let Some(crate::faults::Fault::OauthError {
        status,
        code,
        description,
    }) = portal.take_oauth_fault()
    {
        return failure(status, &code, &description);
    }
    let mut params = Map::new();
    if let Some(q) = query {
        php_form::decode_into(q.as_bytes(), &mut params);
    }
    php_form::decode_into(body, &mut params);
    let field = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (grant, client_id, secret, refresh) = (
        field("grant_type"),
        field("client_id"),
        field("client_secret"),
        field("refresh_token"),
    );
    if grant != "refresh_token" || client_id.is_empty() || refresh.is_empty() {
        return failure(
            400,
            "invalid_request",
            "grant_type=refresh_token, client_id and refresh_token are required",
        );
    }
    let issued = portal.with_state(|state| {
        if !state
            .apps
            .iter()
            .any(|a| a.client_id == client_id && a.client_secret == secret)
        {
            return Err(failure(
                401,
                "invalid_client",
                "Invalid client id or secret",
            ));
        }
        let Some(old) = state.tokens.iter_mut().find(|t| {
            t.refresh_token.as_deref() == Some(refresh.as_str())
                && t.client_id.as_deref() == Some(client_id.as_str())
        }) else {
            return Err(failure(400, "invalid_grant", "Invalid refresh token"));
        };
        // The old access token stays known but expired, as on a portal: a call still in
        // flight with it gets `expired_token`, not `invalid_token`.
        let mut token = old.clone();
        old.expired = true;
        old.refresh_token = None;
        let serial = portal.next_token_serial();
        token.access_token = format!("emulator-access-{serial}");
        token.refresh_token = Some(format!("emulator-refresh-{serial}"));
        token.expired = false;
        let issued = (
            token.access_token.clone(),
            token.refresh_token.clone(),
            token.user_id,
            token.scopes.join(","),
        );
        state.tokens.push(token);
        Ok(issued)
    });
    match issued {
        Ok((access, refresh, user_id, scope)) => {
            portal.count_token_refresh();
            let now = unix_now() as i64;
            (
                200,
                json!({
                    "access_token": access,
                    "expires": now + LIFETIME_SECONDS,
                    "expires_in": LIFETIME_SECONDS,
                    "scope": scope,
                    // The domain of the server that answered, as `oauth.bitrix.info` is for the
                    // portal's; `status` L is a local application's, as the demo one is.
                    "domain": authority(base_url),
                    "server_endpoint": format!("{base_url}/oauth/rest/"),
                    "status": "L",
                    "client_endpoint": format!("{base_url}/rest/"),
                    "member_id": crate::state::PORTAL_MEMBER_ID,
                    "user_id": user_id,
                    "refresh_token": refresh,
                }),
            )
        }
        Err(reply) => reply,
    }
}

fn failure(status: u16, code: &str, description: &str) -> (u16, Value) {
    (
        status,
        json!({"error": code, "error_description": description}),
    )
}

/// `host:port` of a base URL (`http://127.0.0.1:8080` → `127.0.0.1:8080`).
fn authority(base_url: &str) -> &str {
    base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .trim_end_matches('/')
}
