//! Secrets (webhook keys, tokens) in a type that cannot be printed by accident, and the scrubbing
//! of any text a server sends back before it lands in an error.

use std::fmt;
use std::sync::Arc;

/// A credential whose `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(value: &str) -> Secret {
        Secret(Arc::from(value))
    }

    /// The value, for the one place that must send it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A short, stable name for a secret that does not reveal it: the first 8 bytes of its SHA-256,
/// in hex. Shared state is keyed by it (a webhook key, the refresh token a fleet started with).
pub(crate) fn fingerprint(secret: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Replaces every occurrence of any secret in server-provided text (an echoed URL in an error
/// page, say) with `***`.
pub(crate) fn scrub(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        let value = secret.expose();
        if !value.is_empty() && out.contains(value) {
            out = out.replace(value, "***");
        }
    }
    out
}

/// At most `limit` characters of a body, lossily decoded, on one line, scrubbed of secrets.
pub(crate) fn snippet(body: &[u8], secrets: &[Secret]) -> String {
    const LIMIT: usize = 200;
    // Decode a little more than needed so a secret cut at the limit is still recognised.
    let head = &body[..body.len().min(LIMIT * 4 + 256)];
    let text = String::from_utf8_lossy(head);
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let scrubbed = scrub(one_line.trim(), secrets);
    let mut chars = scrubbed.chars();
    let mut out: String = chars.by_ref().take(LIMIT).collect();
    if chars.next().is_some() || head.len() < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("abcdef123");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
    }

    #[test]
    fn scrub_replaces_every_occurrence() {
        let s = [Secret::new("key123")];
        assert_eq!(scrub("a key123 b key123", &s), "a *** b ***");
    }

    #[test]
    fn snippet_is_one_short_line_without_secrets() {
        let s = [Secret::new("key123")];
        let body = format!("<html>\n<p>/rest/1/key123/</p>{}</html>", "x".repeat(500));
        let out = snippet(body.as_bytes(), &s);
        assert!(!out.contains("key123"));
        assert!(!out.contains('\n'));
        assert!(out.ends_with('…'));
        assert_eq!(out.chars().count(), 201);
    }

    #[test]
    fn snippet_survives_invalid_utf8() {
        assert_eq!(snippet(b"ok \xff\xfe", &[]), "ok \u{fffd}\u{fffd}");
    }
}
