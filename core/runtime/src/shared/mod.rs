//! Limits shared by every process that calls one portal with one credential.
//!
//! The portal counts requests per portal and credential, not per process: N workers each pacing
//! themselves to the portal's limit send up to N times what it allows, and the portal answers
//! `QUERY_LIMIT_EXCEEDED` (and, if that goes on, blocks the application). With
//! [`SharedLimits`] the clients of every process keep one leaky bucket in Redis, and each
//! method's execution-time budget as the portal last reported it to any of them, checked and
//! updated atomically on the server in one round trip per call.
//!
//! OAuth clients started with the same token pair also share its renewal: one process renews,
//! the others use the pair it published (a refresh token works once).
//!
//! Redis is a helper, never a single point of failure: when it cannot be reached, calls go on
//! under this process's own bucket (an event and a warning say so) and go back to the shared
//! one when it answers again.

mod bucket;
mod store;
mod tokens;

use std::fmt;

pub(crate) use bucket::{BudgetCheck, SharedBucket, SharedTurn};
pub(crate) use store::SharedStore;
pub(crate) use tokens::SharedTokens;

use crate::error::ConfigProblem;
use crate::secret::Secret;

/// The key prefix used unless [`SharedLimits::prefix`] sets another.
pub const DEFAULT_SHARED_PREFIX: &str = "b24kit:";

/// What a client does when the shared store cannot be reached as it is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IfUnreachable {
    /// Building the client fails with [`ConfigProblem::SharedStoreUnreachable`]: a deployment
    /// that counts on sharing finds out at start.
    #[default]
    Fail,
    /// The client paces calls by itself (a warning says so) until the store answers.
    UseLocalLimits,
}

impl IfUnreachable {
    /// `fail` or `use_local_limits`, the words every binding accepts.
    pub fn name(self) -> &'static str {
        match self {
            IfUnreachable::Fail => "fail",
            IfUnreachable::UseLocalLimits => "use_local_limits",
        }
    }

    /// Reads [`name`](Self::name)'s words.
    pub fn from_name(name: &str) -> Result<IfUnreachable, ConfigProblem> {
        match name {
            "fail" => Ok(IfUnreachable::Fail),
            "use_local_limits" => Ok(IfUnreachable::UseLocalLimits),
            _ => Err(ConfigProblem::InvalidSharedStore {
                reason: format!(
                    "if-unreachable must be `fail` or `use_local_limits`, not `{name}`"
                ),
            }),
        }
    }
}

/// Where the clients of many processes keep the limits they share: a Redis server
/// (`redis://[:password@]host:port/db`, or `rediss://` for TLS), a prefix for the keys, and
/// what to do when it cannot be reached at start. The URL's password is never printed.
#[derive(Clone, PartialEq)]
pub struct SharedLimits {
    url: Secret,
    redacted: String,
    prefix: String,
    if_unreachable: IfUnreachable,
    root_certificate_pem: Option<Vec<u8>>,
}

impl SharedLimits {
    /// Limits kept in the Redis server at `url`, under keys starting with
    /// [`DEFAULT_SHARED_PREFIX`]. A URL that is not a Redis URL is refused here.
    pub fn redis(url: &str) -> Result<SharedLimits, ConfigProblem> {
        let redacted = redact(url)?;
        Ok(SharedLimits {
            url: Secret::new(url),
            redacted,
            prefix: DEFAULT_SHARED_PREFIX.to_string(),
            if_unreachable: IfUnreachable::default(),
            root_certificate_pem: None,
        })
    }

    /// Limits from a binding's options, each left out keeping its default: the URL, the key
    /// prefix, the choice by its name (`fail`, `use_local_limits`) and the store's CA.
    pub fn from_settings(
        url: &str,
        prefix: Option<&str>,
        if_unreachable: Option<&str>,
        root_certificate_pem: Option<Vec<u8>>,
    ) -> Result<SharedLimits, ConfigProblem> {
        let mut limits = SharedLimits::redis(url)?;
        if let Some(prefix) = prefix {
            limits = limits.prefix(prefix);
        }
        if let Some(name) = if_unreachable {
            limits = limits.if_unreachable(IfUnreachable::from_name(name)?);
        }
        if let Some(pem) = root_certificate_pem {
            limits = limits.root_certificate_pem(pem)?;
        }
        Ok(limits)
    }

    /// For a `rediss://` store whose certificate the system does not trust (a private CA, a
    /// self-signed certificate): the certificates (PEM) to trust for it instead of the system's.
    pub fn root_certificate_pem(
        mut self,
        pem: impl Into<Vec<u8>>,
    ) -> Result<SharedLimits, ConfigProblem> {
        let pem = pem.into();
        crate::tls::roots_from_pem(&pem)?;
        self.root_certificate_pem = Some(pem);
        Ok(self)
    }

    /// Keys start with `prefix` (to keep apart deployments that share one Redis database).
    pub fn prefix(mut self, prefix: &str) -> SharedLimits {
        self.prefix = prefix.to_string();
        self
    }

    /// What to do when the store cannot be reached as the client is built.
    pub fn if_unreachable(mut self, choice: IfUnreachable) -> SharedLimits {
        self.if_unreachable = choice;
        self
    }

    /// The store's URL without its password, safe to print.
    pub fn redacted_url(&self) -> &str {
        &self.redacted
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.prefix
    }

    /// What happens when the store cannot be reached at start.
    pub fn unreachable_choice(&self) -> IfUnreachable {
        self.if_unreachable
    }

    pub(crate) fn url(&self) -> &Secret {
        &self.url
    }

    pub(crate) fn trusted_roots(&self) -> Option<&[u8]> {
        self.root_certificate_pem.as_deref()
    }

    /// The password in the URL, if any, for scrubbing the Redis client's messages.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        url::Url::parse(self.url.expose())
            .ok()
            .and_then(|url| url.password().map(Secret::new))
            .into_iter()
            .collect()
    }
}

impl fmt::Debug for SharedLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLimits")
            .field("url", &self.redacted)
            .field("prefix", &self.prefix)
            .field("if_unreachable", &self.if_unreachable)
            .field("root_certificate_pem", &self.root_certificate_pem.is_some())
            .finish()
    }
}

/// `scheme://host:port/db` of a Redis URL: no user name, no password.
fn redact(url: &str) -> Result<String, ConfigProblem> {
    let invalid = |reason: String| ConfigProblem::InvalidSharedStore { reason };
    let parsed = url::Url::parse(url).map_err(|e| invalid(format!("not a URL: {e}")))?;
    let scheme = parsed.scheme();
    if scheme != "redis" && scheme != "rediss" {
        return Err(invalid(format!(
            "a shared store is a Redis URL (redis:// or rediss://), not {scheme}://"
        )));
    }
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("the Redis URL names no host".to_string()))?;
    let port = parsed.port().unwrap_or(6379);
    Ok(format!("{scheme}://{host}:{port}{}", parsed.path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_printed() {
        let limits = SharedLimits::redis("redis://worker:pa55word@10.0.0.7:6380/2").unwrap();
        assert_eq!(limits.redacted_url(), "redis://10.0.0.7:6380/2");
        let printed = format!("{limits:?}");
        assert!(
            !printed.contains("pa55word") && !printed.contains("worker"),
            "{printed}"
        );
        assert_eq!(limits.secrets().len(), 1);
    }

    #[test]
    fn only_redis_urls_are_taken() {
        for bad in ["http://127.0.0.1:6379", "redis://", "127.0.0.1:6379", ""] {
            assert!(
                matches!(
                    SharedLimits::redis(bad),
                    Err(ConfigProblem::InvalidSharedStore { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            SharedLimits::redis("rediss://cache.example")
                .unwrap()
                .redacted_url(),
            "rediss://cache.example:6379"
        );
    }

    #[test]
    fn the_choice_reads_its_own_names() {
        for choice in [IfUnreachable::Fail, IfUnreachable::UseLocalLimits] {
            assert_eq!(IfUnreachable::from_name(choice.name()), Ok(choice));
        }
        assert!(IfUnreachable::from_name("ignore").is_err());
    }
}
