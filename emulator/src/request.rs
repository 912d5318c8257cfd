//! Reading a REST call the way a portal does: both URL forms, with or without the `.json`
//! suffix or a trailing slash; parameters from the query string and from a JSON, URL-encoded or
//! `multipart/form-data` body (body keys win); the OAuth token from `auth`, `access_token` or `Authorization: Bearer`.

use serde_json::{Map, Value};

use crate::{multipart, php_form};

/// A parsed `/rest/…` request.
#[derive(Debug)]
pub(crate) struct RestCall {
    /// Lower-case, without suffix.
    pub method: String,
    /// `(user id, key)` from a webhook path.
    pub webhook: Option<(String, String)>,
    /// `false` for a suffix other than `.json` (the portal's XML transport is not emulated).
    pub transport_supported: bool,
    pub params: Map<String, Value>,
    pub bearer: Option<String>,
}

/// `path` is what follows `/rest/`.
pub(crate) fn parse(
    path: &str,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
    authorization: Option<&str>,
) -> RestCall {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (webhook, method_segment) = match segments.as_slice() {
        [user, key, method] if user.bytes().all(|b| b.is_ascii_digit()) => {
            (Some((user.to_string(), key.to_string())), *method)
        }
        [method] => (None, *method),
        _ => (None, ""),
    };
    let lower = method_segment.to_ascii_lowercase();
    let (method, transport_supported) = if let Some(m) = lower.strip_suffix(".json") {
        (m.to_string(), true)
    } else if let Some(m) = lower.strip_suffix(".xml") {
        (m.to_string(), false)
    } else {
        (lower, true)
    };

    let mut params = Map::new();
    if let Some(q) = query {
        php_form::decode_into(q.as_bytes(), &mut params);
    }
    if !body.is_empty() {
        let mut from_body = Map::new();
        let is_json =
            content_type.is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
        if is_json {
            // The portal treats invalid JSON as no parameters at all.
            if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
                from_body = map;
            }
        } else if let Some(boundary) = content_type.and_then(multipart::boundary) {
            multipart::decode_into(body, &boundary, &mut from_body);
        } else {
            php_form::decode_into(body, &mut from_body);
        }
        params.extend(from_body);
    }

    let bearer = authorization.and_then(|h| {
        let (scheme, token) = h.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string())
    });
    RestCall {
        method,
        webhook,
        transport_supported,
        params,
        bearer,
    }
}

impl RestCall {
    /// The OAuth access token, wherever the client put it.
    pub(crate) fn token(&self) -> Option<String> {
        // The portal's order: the `Authorization: Bearer` header, then `auth`, then
        // `access_token`; a value that is not a string (an array, `auth[]=…`) is no token.
        if let Some(bearer) = self.bearer.clone().filter(|t| !t.is_empty()) {
            return Some(bearer);
        }
        ["auth", "access_token"]
            .into_iter()
            .find_map(|key| match self.params.get(key) {
                Some(Value::String(t)) if !t.is_empty() => Some(t.clone()),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn webhook_path_with_suffix_and_json_body() {
        let c = parse(
            "1/key/imopenlines.session.mode.silent.json",
            Some("bx24_request_id=abc"),
            Some("application/json; charset=utf-8"),
            br#"{"CHAT_ID":2043,"ACTIVATE":"Y"}"#,
            None,
        );
        assert_eq!(c.method, "imopenlines.session.mode.silent");
        assert_eq!(c.webhook, Some(("1".into(), "key".into())));
        assert_eq!(c.params.get("CHAT_ID"), Some(&json!(2043)));
        assert_eq!(c.params.get("bx24_request_id"), Some(&json!("abc")));
    }

    #[test]
    fn oauth_path_without_suffix_with_trailing_slash_and_form_body() {
        let c = parse(
            "IMOPENLINES.session.mode.silent/",
            Some("CHAT_ID=1"),
            Some("application/x-www-form-urlencoded"),
            b"CHAT_ID=2043&auth=tok",
            None,
        );
        assert_eq!(c.method, "imopenlines.session.mode.silent");
        assert!(c.webhook.is_none());
        assert_eq!(
            c.params.get("CHAT_ID"),
            Some(&json!("2043")),
            "body wins over query"
        );
        assert_eq!(c.token().as_deref(), Some("tok"));
    }

    #[test]
    fn invalid_json_is_no_parameters_and_bearer_is_a_token() {
        let c = parse(
            "m",
            None,
            Some("application/json"),
            b"{nope",
            Some("Bearer t0k"),
        );
        assert!(c.params.is_empty());
        assert_eq!(c.token().as_deref(), Some("t0k"));
    }

    #[test]
    fn xml_suffix_is_flagged() {
        assert!(!parse("m.xml", None, None, b"", None).transport_supported);
    }
}
