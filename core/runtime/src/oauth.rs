//! OAuth access tokens that renew themselves: when the portal answers `expired_token`, one
//! refresh at the OAuth server (however many calls hit the expiry at once), the new pair handed
//! to the application's callback so it can store it, and the call repeated once. With a shared
//! store, one renewal in the whole fleet of processes started with the same pair (see
//! `shared::tokens`).

use std::sync::RwLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::error::TransportErrorKind;
use crate::secret::{scrub, snippet, Secret};
use crate::shared::SharedTokens;
use crate::tokens::{Refresh, TokenCallback, Tokens};
use crate::transport::Transport;
use crate::{wire, Error};

/// The current access token of an OAuth client, shared by its clones.
pub(crate) struct TokenStore {
    current: RwLock<Current>,
    refresh: Option<Refresher>,
    shared: Option<SharedTokens>,
}

struct Current {
    access: Secret,
    /// Counts refreshes, so that a call can tell whether the token it used is still current.
    generation: u64,
    /// The tokens this store has held (the newest few), for scrubbing echoed text.
    recent: Vec<Secret>,
}

struct Refresher {
    client_id: String,
    client_secret: Secret,
    refresh_token: std::sync::Mutex<Secret>,
    server: String,
    callback: Option<TokenCallback>,
    /// Held while a refresh runs: the single flight.
    in_flight: tokio::sync::Mutex<()>,
}

/// How many tokens, current and old, stay known for scrubbing.
const RECENT_TOKENS: usize = 8;
/// How much longer than one renewal at the OAuth server the fleet's renewal lease lasts.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// How often a process waiting for another's renewal looks for the new pair.
const LEASE_POLL: Duration = Duration::from_millis(50);

impl TokenStore {
    pub(crate) fn new(access: Secret, refresh: Option<Refresh>) -> TokenStore {
        let mut recent = vec![access.clone()];
        let refresher = refresh.map(|r| {
            recent.push(r.refresh_token.clone());
            Refresher {
                client_id: r.client_id,
                client_secret: r.client_secret,
                refresh_token: std::sync::Mutex::new(r.refresh_token),
                server: r.server,
                callback: r.callback,
                in_flight: tokio::sync::Mutex::new(()),
            }
        });
        TokenStore {
            current: RwLock::new(Current {
                access,
                generation: 0,
                recent,
            }),
            refresh: refresher,
            shared: None,
        }
    }

    /// This store, sharing renewals through `shared` when given.
    pub(crate) fn sharing(mut self, shared: Option<SharedTokens>) -> TokenStore {
        self.shared = shared;
        self
    }

    /// The token to send and its generation.
    pub(crate) fn current(&self) -> (Secret, u64) {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        (current.access.clone(), current.generation)
    }

    pub(crate) fn can_refresh(&self) -> bool {
        self.refresh.is_some()
    }

    /// Every token and the client secret, current and recent.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        let mut secrets = current.recent.clone();
        if let Some(refresher) = &self.refresh {
            secrets.push(refresher.client_secret.clone());
        }
        secrets
    }

    /// Renews the access token unless a refresh since `seen_generation` already did. Concurrent
    /// callers wait for the one refresh in flight; `true` for the caller that renewed it.
    pub(crate) async fn refresh<C: Catalog>(
        &self,
        seen_generation: u64,
        transport: &Transport,
        timeout: Duration,
    ) -> Result<bool, Error<C>> {
        let Some(refresher) = &self.refresh else {
            return Ok(false);
        };
        let _flight = refresher.in_flight.lock().await;
        if self.current().1 != seen_generation {
            return Ok(false);
        }
        if let Some(shared) = &self.shared {
            if let Some(outcome) = self
                .renew_in_fleet(shared, refresher, transport, timeout)
                .await
            {
                return outcome;
            }
            // The store cannot be used now (its loss was told): this process renews alone.
        }
        let refresh_token = refresher.refresh_token();
        let tokens = self
            .renew_at_server(refresher, &refresh_token, transport, timeout)
            .await?;
        self.take(refresher, &tokens.access_token, &tokens.refresh_token);
        refresher.tell(&tokens);
        Ok(true)
    }

    /// A renewal shared by the fleet: the pair another process published since this one's token
    /// was sent is taken (`false`); otherwise the process that gets the lease renews and
    /// publishes (`true`), and the others wait for its pair. `None` when the store cannot be
    /// used now.
    async fn renew_in_fleet<C: Catalog>(
        &self,
        shared: &SharedTokens,
        refresher: &Refresher,
        transport: &Transport,
        timeout: Duration,
    ) -> Option<Result<bool, Error<C>>> {
        // The lease outlives one renewal; a holder that died frees it when it runs out, and this
        // call then renews itself.
        let lease = timeout + LEASE_MARGIN;
        let deadline = Instant::now() + lease + timeout;
        let sent = self.current().0;
        loop {
            if Instant::now() >= deadline {
                return Some(Err(Error::Transport {
                    kind: TransportErrorKind::Timeout,
                    may_have_reached_server: false,
                    detail: format!(
                        "another process's token renewal did not finish within {lease:?}"
                    ),
                }));
            }
            if let Some(pair) = shared.read(deadline).await? {
                if pair.access != sent {
                    self.take(refresher, pair.access.expose(), pair.refresh.expose());
                    return Some(Ok(false));
                }
            }
            let Some(fence) = shared.try_lease(lease, deadline).await? else {
                tokio::time::sleep(LEASE_POLL).await;
                continue;
            };
            // A renewal may have been published between the read and the lease.
            let Some(stored) = shared.read(deadline).await else {
                shared.unlock(fence);
                return None;
            };
            let refresh_token = match stored {
                Some(pair) if pair.access != sent => {
                    shared.unlock(fence);
                    self.take(refresher, pair.access.expose(), pair.refresh.expose());
                    return Some(Ok(false));
                }
                Some(pair) => pair.refresh,
                None => refresher.refresh_token(),
            };
            let renewed = self
                .renew_at_server(refresher, &refresh_token, transport, timeout)
                .await;
            return Some(match renewed {
                Ok(tokens) => {
                    self.take(refresher, &tokens.access_token, &tokens.refresh_token);
                    let published = shared
                        .publish(fence, &tokens.access_token, &tokens.refresh_token, deadline)
                        .await;
                    if !published {
                        log::warn!(target: "b24kit", "the renewed token pair could not be shared (the store did not take it); other processes renew their own");
                    }
                    refresher.tell(&tokens);
                    Ok(true)
                }
                Err(e) => {
                    shared.unlock(fence);
                    Err(e)
                }
            });
        }
    }

    /// Asks the OAuth server for a new pair with `refresh_token`.
    async fn renew_at_server<C: Catalog>(
        &self,
        refresher: &Refresher,
        refresh_token: &Secret,
        transport: &Transport,
        timeout: Duration,
    ) -> Result<Tokens, Error<C>> {
        let mut secrets = self.secrets();
        secrets.push(refresh_token.clone());
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("client_id", &refresher.client_id)
            .append_pair("client_secret", refresher.client_secret.expose())
            .append_pair("refresh_token", refresh_token.expose())
            .finish();
        // Checked when the client was built; a renewal is rare enough to parse it each time.
        let server = url::Url::parse(&refresher.server).map_err(|e| {
            Error::InvalidConfig(crate::error::ConfigProblem::InvalidUrl {
                reason: e.to_string(),
            })
        })?;
        // A form POST keeps the secrets out of the URL (and so out of proxy and server logs).
        let answer = transport
            .post(
                server,
                "application/x-www-form-urlencoded",
                form.into_bytes(),
                timeout,
                &secrets,
            )
            .await?;
        parse_token_answer(answer.status, &answer.body, &secrets)
    }

    /// Makes `access` the token in use (a new generation) and `refresh` the next to spend.
    fn take(&self, refresher: &Refresher, access: &str, refresh: &str) {
        let access = Secret::new(access);
        let refresh = Secret::new(refresh);
        *refresher
            .refresh_token
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = refresh.clone();
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        current.access = access.clone();
        current.generation += 1;
        current.recent.extend([access, refresh]);
        let excess = current.recent.len().saturating_sub(RECENT_TOKENS);
        current.recent.drain(..excess);
    }
}

impl Refresher {
    fn refresh_token(&self) -> Secret {
        self.refresh_token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Hands the new pair to the application's callback.
    fn tell(&self, tokens: &Tokens) {
        if let Some(callback) = &self.callback {
            // A panicking callback must not leave the refresh half done: the tokens are stored.
            if crate::panic::catch(|| callback(tokens)).is_err() {
                log::error!(target: "b24kit", "the token callback panicked; the new tokens are in use");
            }
        }
    }
}

/// The OAuth server's answer: a token pair or `{"error": …, "error_description": …}`.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_int")]
    expires: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_int")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    client_endpoint: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    member_id: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn parse_token_answer<C: Catalog>(
    status: u16,
    body: &[u8],
    secrets: &[Secret],
) -> Result<Tokens, Error<C>> {
    let refused = |code: String, description: String| Error::TokenRefresh {
        code,
        status,
        description: scrub(&description, secrets),
    };
    let answer: TokenAnswer = match serde_json::from_slice(body) {
        Ok(answer) => answer,
        Err(_) => {
            return Err(refused(
                String::new(),
                format!("not an OAuth answer: {}", snippet(body, secrets)),
            ))
        }
    };
    if let Some(code) = answer.error {
        return Err(refused(code, answer.error_description.unwrap_or_default()));
    }
    match (answer.access_token, answer.refresh_token) {
        (Some(access_token), Some(refresh_token))
            if (200..300).contains(&status)
                && !access_token.is_empty()
                && !refresh_token.is_empty() =>
        {
            Ok(Tokens {
                access_token,
                refresh_token,
                expires: answer.expires,
                expires_in: answer.expires_in,
                client_endpoint: answer.client_endpoint,
                member_id: answer.member_id,
            })
        }
        _ => Err(refused(
            String::new(),
            format!(
                "no token pair in the OAuth answer: {}",
                snippet(body, secrets)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Test;

    fn parse(status: u16, body: &[u8], secrets: &[Secret]) -> Result<Tokens, Error<Test>> {
        parse_token_answer(status, body, secrets)
    }

    #[test]
    fn token_answers() {
        let ok = br#"{"access_token":"a1","refresh_token":"r1","expires":"1780319382","expires_in":3600,
            "client_endpoint":"https://p.bitrix24.com/rest/","member_id":"m","status":"F","user_id":67}"#;
        let tokens = parse(200, ok, &[]).unwrap();
        assert_eq!(
            (tokens.access_token.as_str(), tokens.refresh_token.as_str()),
            ("a1", "r1")
        );
        assert_eq!(
            (tokens.expires, tokens.expires_in),
            (Some(1780319382), Some(3600))
        );
        assert!(!format!("{tokens:?}").contains("a1"));

        let secret = Secret::new("r0-old");
        let refused = parse(
            400,
            br#"{"error":"invalid_grant","error_description":"refresh token r0-old expired"}"#,
            std::slice::from_ref(&secret),
        )
        .unwrap_err();
        assert_eq!(
            refused,
            Error::TokenRefresh {
                code: "invalid_grant".into(),
                status: 400,
                description: "refresh token *** expired".into()
            }
        );
        for bad in [&b"<html>r0-old</html>"[..], br#"{"access_token":"a"}"#, b""] {
            let e = parse(200, bad, std::slice::from_ref(&secret)).unwrap_err();
            assert!(
                matches!(&e, Error::TokenRefresh { code, .. } if code.is_empty()),
                "{e:?}"
            );
            assert!(!e.to_string().contains("r0-old"));
        }
    }
}
