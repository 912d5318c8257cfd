//! Where calls go and how they authenticate: parsing a webhook URL or an OAuth endpoint, and the
//! rule that credentials only travel over HTTPS (plain HTTP is allowed to this machine only).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use url::{Host, Url};

use crate::error::ConfigProblem;
use crate::secret::{fingerprint, Secret};

/// How many methods' URLs an endpoint keeps; far more than a program calls.
const MAX_CACHED_URLS: usize = 256;

/// The base URL of the portal's REST API and the credential that goes with it.
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// Ends in `/`; includes the webhook key for webhooks, so it is never printed. Parsed once:
    /// a method's URL is made from it without parsing (and IDNA-mapping) the host again.
    base_url: Url,
    /// The URL of each method called so far (see `method_url`).
    method_urls: Arc<RwLock<HashMap<String, Url>>>,
    /// `scheme://host[:port]/path` with the key replaced by `***`: safe to print.
    redacted: String,
    pub(crate) loopback: bool,
    pub(crate) auth: Auth,
}

#[derive(Clone)]
pub(crate) enum Auth {
    /// The key is part of the URL path.
    Webhook { user_id: u64, key: Secret },
    /// The token travels in the `auth` field of the body.
    OAuth { access_token: Secret },
}

impl Endpoint {
    /// `https://portal/rest/<user id>/<key>/`, with or without the trailing slash.
    pub(crate) fn webhook(url: &str) -> Result<Endpoint, ConfigProblem> {
        let url = parse(url)?;
        let mut segments: Vec<&str> = url.path().split('/').skip(1).collect();
        while segments.last() == Some(&"") {
            segments.pop();
        }
        let n = segments.len();
        let webhook_at = |end: usize| -> bool {
            end >= 3 && segments[end - 3] == "rest" && is_user_id(segments[end - 2])
        };
        if !webhook_at(n) {
            let reason = if n > 0 && webhook_at(n - 1) {
                "it ends in a method name; the webhook URL ends at the key".to_string()
            } else {
                "the path does not end in /rest/<user id>/<key>/".to_string()
            };
            return Err(ConfigProblem::NotAWebhookUrl { reason });
        }
        let key = segments[n - 1];
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(ConfigProblem::NotAWebhookUrl {
                reason: "the key holds characters that webhook keys never have".to_string(),
            });
        }
        let user_id: u64 = segments[n - 2]
            .parse()
            .map_err(|_| ConfigProblem::NotAWebhookUrl {
                reason: "the user id is not a number".to_string(),
            })?;
        let prefix = segments[..n - 1].join("/");
        let origin = origin(&url);
        let base = format!("{origin}/{prefix}/{key}/");
        Ok(Endpoint {
            base_url: parse(&base)?,
            method_urls: Arc::default(),
            redacted: format!("{origin}/{prefix}/***/"),
            loopback: is_loopback(&url),
            auth: Auth::Webhook {
                user_id,
                key: Secret::new(key),
            },
        })
    }

    /// The portal's REST base (`https://portal/rest/`, the `client_endpoint` of an OAuth token
    /// answer) or just the portal (`https://portal`), and an access token.
    pub(crate) fn oauth(endpoint: &str, access_token: &str) -> Result<Endpoint, ConfigProblem> {
        if access_token.trim().is_empty() {
            return Err(ConfigProblem::EmptyCredential {
                name: "access token",
            });
        }
        let url = parse(endpoint)?;
        let path = url.path().trim_end_matches('/');
        let path = if path.is_empty() {
            "/rest".to_string()
        } else if path.ends_with("/rest") {
            path.to_string()
        } else {
            return Err(ConfigProblem::InvalidUrl {
                reason: "an OAuth endpoint is the portal's REST base, e.g. https://portal.bitrix24.com/rest/"
                    .to_string(),
            });
        };
        let base = format!("{}{path}/", origin(&url));
        Ok(Endpoint {
            base_url: parse(&base)?,
            method_urls: Arc::default(),
            redacted: base.clone(),
            loopback: is_loopback(&url),
            auth: Auth::OAuth {
                access_token: Secret::new(access_token),
            },
        })
    }

    /// The URL of one method call. Made once per method and kept: reqwest takes a `Url` as it
    /// is, where URL text would be parsed again on every call. `method` is a checked method name
    /// (letters, digits, `.` and `_`); anything else would be percent-encoded as one segment.
    pub(crate) fn method_url(&self, method: &str) -> Url {
        let known = self.method_urls.read().unwrap_or_else(|p| p.into_inner());
        if let Some(url) = known.get(method) {
            return url.clone();
        }
        drop(known);
        let mut url = self.base_url.clone();
        url.path_segments_mut()
            .expect("an http(s) URL has a path")
            .pop_if_empty()
            .push(&format!("{method}.json"));
        let mut urls = self.method_urls.write().unwrap_or_else(|p| p.into_inner());
        // Calls by name may name any number of methods; past the bound a URL is made each time.
        if urls.len() < MAX_CACHED_URLS {
            urls.insert(method.to_string(), url.clone());
        }
        url
    }

    /// Every secret this endpoint holds, for scrubbing server-provided text.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        match &self.auth {
            Auth::Webhook { key, .. } => vec![key.clone()],
            Auth::OAuth { access_token } => vec![access_token.clone()],
        }
    }

    /// Names the portal and the credential whose request limit this endpoint counts against,
    /// with no secret in it (a webhook key is reduced to a fingerprint): the key of the limits
    /// shared between processes. `client_id` names the OAuth application when known.
    pub(crate) fn limit_identity(&self, client_id: Option<&str>) -> String {
        let host = self
            .base_url
            .host_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let portal = match self.base_url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        match &self.auth {
            Auth::Webhook { user_id, key } => {
                format!("{portal}:webhook:{user_id}:{}", fingerprint(key.expose()))
            }
            Auth::OAuth { .. } => match client_id {
                Some(app) => format!("{portal}:app:{app}"),
                None => format!("{portal}:oauth"),
            },
        }
    }

    /// The value of the `auth` body field, for OAuth.
    pub(crate) fn auth_field(&self) -> Option<&str> {
        match &self.auth {
            Auth::Webhook { .. } => None,
            Auth::OAuth { access_token } => Some(access_token.expose()),
        }
    }
}

impl Endpoint {
    fn auth_label(&self) -> String {
        match &self.auth {
            Auth::Webhook { user_id, .. } => format!("webhook of user {user_id}"),
            Auth::OAuth { .. } => "OAuth access token".to_string(),
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.redacted)
            .field("auth", &self.auth_label())
            .finish()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.redacted, self.auth_label())
    }
}

/// Checks a URL that credentials will be sent to: https, or http to this machine only.
pub(crate) fn check_https(url: &str) -> Result<(), ConfigProblem> {
    parse(url).map(|_| ())
}

fn parse(text: &str) -> Result<Url, ConfigProblem> {
    let invalid = |reason: &str| ConfigProblem::InvalidUrl {
        reason: reason.to_string(),
    };
    let url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" | "http" => {}
        _ => return Err(invalid("the scheme must be https")),
    }
    if url.host().is_none() {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("user info (user:password@) is not allowed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query string or fragment is not allowed"));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(ConfigProblem::InsecureUrl {
            host: url.host_str().unwrap_or_default().to_string(),
        });
    }
    Ok(url)
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn is_user_id(segment: &str) -> bool {
    !segment.is_empty() && segment.len() <= 19 && segment.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(result: Result<Endpoint, ConfigProblem>) -> ConfigProblem {
        match result {
            Err(p) => p,
            Ok(e) => panic!("expected a config problem, got {e:?}"),
        }
    }

    #[test]
    fn webhook_urls_with_and_without_trailing_slash() {
        for url in [
            "https://p.bitrix24.com/rest/1/abc123/",
            "https://p.bitrix24.com/rest/1/abc123",
        ] {
            let e = Endpoint::webhook(url).unwrap();
            assert_eq!(
                e.method_url("imopenlines.session.mode.silent").as_str(),
                "https://p.bitrix24.com/rest/1/abc123/imopenlines.session.mode.silent.json"
            );
            assert!(!e.loopback);
        }
    }

    #[test]
    fn webhook_on_a_sub_path_keeps_the_prefix() {
        let e = Endpoint::webhook("https://intranet.example.com/b24/rest/7/k_ey-1/").unwrap();
        assert_eq!(
            e.method_url("m").as_str(),
            "https://intranet.example.com/b24/rest/7/k_ey-1/m.json"
        );
    }

    #[test]
    fn a_method_url_made_once_is_the_same_later_and_the_kept_ones_are_bounded() {
        let e = Endpoint::webhook("https://p.bitrix24.com/rest/1/abc123/").unwrap();
        for _ in 0..2 {
            assert_eq!(
                e.method_url("crm.deal.list").as_str(),
                "https://p.bitrix24.com/rest/1/abc123/crm.deal.list.json"
            );
            assert_eq!(
                e.method_url("profile").as_str(),
                "https://p.bitrix24.com/rest/1/abc123/profile.json"
            );
        }
        for i in 0..MAX_CACHED_URLS + 10 {
            let url = e.method_url(&format!("m{i}"));
            assert_eq!(
                url.as_str(),
                format!("https://p.bitrix24.com/rest/1/abc123/m{i}.json")
            );
        }
        assert_eq!(e.method_urls.read().unwrap().len(), MAX_CACHED_URLS);
    }

    #[test]
    fn webhook_debug_hides_the_key() {
        let e = Endpoint::webhook("https://p.bitrix24.com/rest/1/supersecretkey/").unwrap();
        let printed = format!("{e:?}");
        assert!(!printed.contains("supersecretkey"), "{printed}");
        assert!(printed.contains("/rest/1/***/"), "{printed}");
    }

    #[test]
    fn plain_http_is_refused_except_for_loopback() {
        assert_eq!(
            problem(Endpoint::webhook("http://p.bitrix24.com/rest/1/abc/")),
            ConfigProblem::InsecureUrl {
                host: "p.bitrix24.com".into()
            }
        );
        for host in ["127.0.0.1:8080", "localhost", "[::1]:9"] {
            let e = Endpoint::webhook(&format!("http://{host}/rest/1/abc/")).unwrap();
            assert!(e.loopback, "{host}");
        }
    }

    #[test]
    fn a_method_url_is_not_a_webhook_url() {
        let p = problem(Endpoint::webhook(
            "https://p.bitrix24.com/rest/1/abc/profile.json",
        ));
        assert!(
            matches!(&p, ConfigProblem::NotAWebhookUrl { reason } if reason.contains("method name")),
            "{p:?}"
        );
    }

    #[test]
    fn malformed_webhooks_name_the_problem_without_the_key() {
        for url in [
            "https://p.bitrix24.com/",
            "https://p.bitrix24.com/rest/abc/secretkey/",
            "https://p.bitrix24.com/rest/1/secret%20key/",
            "ftp://p.bitrix24.com/rest/1/secretkey/",
            "https://user:pw@p.bitrix24.com/rest/1/secretkey/",
            "https://p.bitrix24.com/rest/1/secretkey/?x=1",
            "not a url secretkey",
        ] {
            let p = problem(Endpoint::webhook(url));
            assert!(!p.to_string().contains("secretkey"), "{url}: {p}");
        }
    }

    #[test]
    fn oauth_endpoint_forms() {
        for base in [
            "https://p.bitrix24.com/rest/",
            "https://p.bitrix24.com/rest",
            "https://p.bitrix24.com",
        ] {
            let e = Endpoint::oauth(base, "tok").unwrap();
            assert_eq!(
                e.method_url("m").as_str(),
                "https://p.bitrix24.com/rest/m.json"
            );
            assert_eq!(e.auth_field(), Some("tok"));
        }
        assert!(matches!(
            problem(Endpoint::oauth("https://p.bitrix24.com/rest/", " ")),
            ConfigProblem::EmptyCredential { .. }
        ));
        assert!(matches!(
            problem(Endpoint::oauth("https://p.bitrix24.com/crm/", "tok")),
            ConfigProblem::InvalidUrl { .. }
        ));
    }
}
