//! Events a portal POSTs to an application's handler: the form body read into JSON the way PHP
//! reads it, the application token checked in constant time, and the envelope (`event`,
//! `eventId`, `ts`, `auth`) split from the event's `data`, which the generated event types read.
//!
//! The portal sends `application/x-www-form-urlencoded` with PHP's bracketed keys
//! (`data[DATA][0][session][id]=42`), every value as text; the typed readers take numbers and
//! `Y`/`N` flags from text as they do in answers.

use std::fmt;

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

/// The typed events of a spec, read from a delivery's `event` code and `data`; the generated
/// event enum implements it.
pub trait EventCatalog: Sized {
    /// The event for `code` (as sent, e.g. `ONSESSIONSTART`) with its `data`; a code the spec
    /// does not type is kept with its data as sent.
    fn read(code: &str, data: Value) -> Result<Self, serde_json::Error>;
}

/// One POST to an event handler, checked and read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery<E> {
    /// The event and its typed data.
    pub event: E,
    /// The event's identifier in the portal's queue (`eventId`), when sent.
    pub event_id: Option<i64>,
    /// Unix time at which the queue sent it (`ts`), when sent.
    pub sent_at: Option<i64>,
    /// Who sent it and, when the portal could tie the event to a user, that user's tokens.
    pub auth: EventAuth,
}

/// The `auth` part of a delivery, without the application token (checked already).
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EventAuth {
    /// The portal's address, e.g. `example.bitrix24.com`.
    pub domain: String,
    /// The portal's stable identifier.
    pub member_id: String,
    /// The scope the event belongs to, e.g. `imopenlines`.
    pub scope: Option<String>,
    /// The application's status on the portal: `L` local, `F` free, `D` demo, `T` trial,
    /// `P` paid.
    pub status: Option<String>,
    /// The portal's REST base, `https://<portal>/rest/`.
    pub client_endpoint: Option<String>,
    /// The OAuth server that renews the tokens.
    pub server_endpoint: Option<String>,
    /// The user's access token; absent when no user caused the event (a robot, an agent).
    pub access_token: Option<String>,
    /// The user's refresh token, with the access token.
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: Option<i64>,
}

impl fmt::Debug for EventAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |token: &Option<String>| token.as_ref().map(|_| "***");
        f.debug_struct("EventAuth")
            .field("domain", &self.domain)
            .field("member_id", &self.member_id)
            .field("scope", &self.scope)
            .field("status", &self.status)
            .field("client_endpoint", &self.client_endpoint)
            .field("server_endpoint", &self.server_endpoint)
            .field("access_token", &redacted(&self.access_token))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Why a POST is not an event delivery this application can trust. No variant carries a
/// token or any value of the body's `auth`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingEventError {
    /// The body is not a form as the portal writes one.
    Malformed {
        /// What is wrong, without the body's values.
        reason: String,
    },
    /// A key every delivery carries is missing or empty.
    Missing {
        /// The key as written in the form, e.g. `auth[application_token]`.
        key: &'static str,
    },
    /// The application token is not this application's: the POST did not come from a portal
    /// that installed it, or it came for another application.
    TokenMismatch,
    /// The event's `data` does not have the shape its spec documents.
    BadData {
        /// The event's code as sent, e.g. `ONSESSIONSTART`.
        event: String,
        /// Which value, and why.
        detail: String,
    },
}

impl fmt::Display for IncomingEventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IncomingEventError::Malformed { reason } => write!(f, "not an event form: {reason}"),
            IncomingEventError::Missing { key } => write!(f, "the event form lacks `{key}`"),
            IncomingEventError::TokenMismatch => {
                f.write_str("the application token does not match this application's")
            }
            IncomingEventError::BadData { event, detail } => {
                write!(f, "event {event}: data not as documented: {detail}")
            }
        }
    }
}

impl std::error::Error for IncomingEventError {}

/// Deepest nesting of brackets a key may have, as PHP's `max_input_nesting_level`.
const MAX_DEPTH: usize = 64;

/// Reads a delivery: parses the form, checks `auth[application_token]` against
/// `application_token` in constant time (before the event is read), then reads
/// the envelope and the typed event.
pub fn read_delivery<E: EventCatalog>(
    body: &[u8],
    application_token: &str,
) -> Result<Delivery<E>, IncomingEventError> {
    let mut form = parse_form(body)?;
    let auth = match form.get_mut("auth") {
        Some(Value::Object(auth)) => std::mem::take(auth),
        _ => return Err(IncomingEventError::Missing { key: "auth" }),
    };
    let sent = match auth.get("application_token") {
        Some(Value::String(token)) if !token.is_empty() => token.as_bytes(),
        _ => {
            return Err(IncomingEventError::Missing {
                key: "auth[application_token]",
            })
        }
    };
    // An empty expected token would accept nothing anyway; refusing it says why.
    if application_token.is_empty() || !bool::from(sent.ct_eq(application_token.as_bytes())) {
        return Err(IncomingEventError::TokenMismatch);
    }
    let code = match form.get("event") {
        Some(Value::String(code)) if !code.is_empty() => code.to_ascii_uppercase(),
        _ => return Err(IncomingEventError::Missing { key: "event" }),
    };
    let data = form.remove("data").unwrap_or(Value::Object(Map::new()));
    let event = E::read(&code, data).map_err(|e| IncomingEventError::BadData {
        event: code.clone(),
        detail: e.to_string(),
    })?;
    Ok(Delivery {
        event,
        event_id: integer(form.get("eventId")),
        sent_at: integer(form.get("ts")),
        auth: EventAuth {
            domain: text(auth.get("domain")).unwrap_or_default(),
            member_id: text(auth.get("member_id")).unwrap_or_default(),
            scope: text(auth.get("scope")),
            status: text(auth.get("status")),
            client_endpoint: text(auth.get("client_endpoint")),
            server_endpoint: text(auth.get("server_endpoint")),
            access_token: text(auth.get("access_token")),
            refresh_token: text(auth.get("refresh_token")),
            expires_in: integer(auth.get("expires_in")),
        },
    })
}

fn text(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn integer(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A form body as PHP reads it into `$_POST`: `a[b][0]=x` nests, `a[]=x` appends, a later key
/// replaces an earlier one; every value is text. Objects whose keys are `0`, `1`, … in order
/// become lists.
pub fn parse_form(body: &[u8]) -> Result<Map<String, Value>, IncomingEventError> {
    let mut root = Map::new();
    for (n, pair) in body.split(|&b| b == b'&').enumerate() {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &b""[..]),
        };
        let key = decode(key).map_err(|why| malformed(format!("key {}: {why}", n + 1)))?;
        let value = decode(value)
            .map_err(|why| malformed(format!("the value of `{}`: {why}", printable(&key))))?;
        let path = key_path(&key)?;
        insert_into(&mut root, &path, Value::String(value));
    }
    // The top level stays an object whatever its keys (`0=x` is the key `0`); below it, lists.
    Ok(root.into_iter().map(|(k, v)| (k, lists(v))).collect())
}

fn malformed(reason: String) -> IncomingEventError {
    IncomingEventError::Malformed { reason }
}

/// A key for an error message: its bracketed path only, at most 80 characters.
fn printable(key: &str) -> String {
    key.chars().filter(|c| !c.is_control()).take(80).collect()
}

/// Percent-decoding with `+` as a space; the result must be UTF-8.
fn decode(raw: &[u8]) -> Result<String, &'static str> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .ok_or("a `%` without two hex digits")?;
                let text = std::str::from_utf8(hex).map_err(|_| "a `%` without two hex digits")?;
                out.push(u8::from_str_radix(text, 16).map_err(|_| "a `%` without two hex digits")?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "not UTF-8 once decoded")
}

/// One step of a bracketed key: a name, or `[]` (append).
#[derive(Debug, PartialEq)]
enum Step {
    Name(String),
    Append,
}

/// `data[DATA][0][id]` → `data`, `DATA`, `0`, `id`. As PHP does, text after the last closing
/// bracket is ignored, and a first bracket that never closes is part of the name (as `_`).
fn key_path(key: &str) -> Result<Vec<Step>, IncomingEventError> {
    let (base, mut rest) = match key.find('[') {
        Some(0) => return Err(malformed("a key starts with `[`".to_string())),
        Some(at) if key[at..].contains(']') => (&key[..at], &key[at..]),
        Some(_) => return Ok(vec![Step::Name(key.replacen('[', "_", 1))]),
        None => (key, ""),
    };
    if base.is_empty() {
        return Err(malformed("a value without a key".to_string()));
    }
    let mut path = vec![Step::Name(base.to_string())];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            break;
        };
        let name = &inner[..close];
        path.push(if name.is_empty() {
            Step::Append
        } else {
            Step::Name(name.to_string())
        });
        if path.len() > MAX_DEPTH {
            return Err(malformed(format!(
                "`{}` nests deeper than {MAX_DEPTH} levels",
                printable(base)
            )));
        }
        rest = &inner[close + 1..];
    }
    Ok(path)
}

/// Puts `value` at `path` below `node`, which becomes an object if it is not one (a later key
/// replaces an earlier value, as in PHP).
fn insert(node: &mut Value, path: &[Step], value: Value) {
    if path.is_empty() {
        *node = value;
        return;
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Value::Object(map) = node {
        insert_into(map, path, value);
    }
}

/// Puts `value` at the non-empty `path` in `map`.
fn insert_into(map: &mut Map<String, Value>, path: &[Step], value: Value) {
    let Some((step, rest)) = path.split_first() else {
        return;
    };
    let key = match step {
        Step::Name(name) => name.clone(),
        // PHP appends at one past the largest integer key.
        Step::Append => map
            .keys()
            .filter_map(|k| k.parse::<u64>().ok())
            .max()
            .map_or(0, |max| max + 1)
            .to_string(),
    };
    insert(map.entry(key).or_insert(Value::Null), rest, value);
}

/// Objects keyed `0`, `1`, … in order become lists, at every depth.
fn lists(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sequential = !map.is_empty()
                && map
                    .keys()
                    .enumerate()
                    .all(|(i, k)| k.parse::<usize>().ok() == Some(i) && *k == i.to_string());
            if sequential {
                Value::Array(map.into_iter().map(|(_, v)| lists(v)).collect())
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, lists(v))).collect())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Raw(String, Value);

    impl EventCatalog for Raw {
        fn read(code: &str, data: Value) -> Result<Self, serde_json::Error> {
            Ok(Raw(code.to_string(), data))
        }
    }

    const TOKEN: &str = "51856fefc120afa4b628cc82d3935cce";

    fn body(extra: &str) -> String {
        format!(
            "event=ONSESSIONSTART&event_handler_id=7&data%5BDATA%5D%5B0%5D%5Bsession%5D%5Bid%5D=42\
             &data[DATA][0][session][closed]=N&ts=1714649632&eventId=9\
             &auth[domain]=example.bitrix24.com&auth[member_id]=a223&auth[access_token]=s6p6\
             &auth[application_token]={TOKEN}{extra}"
        )
    }

    #[test]
    fn a_delivery_is_read_into_its_envelope_and_nested_data() {
        let d = read_delivery::<Raw>(body("").as_bytes(), TOKEN).unwrap();
        assert_eq!(
            d.event,
            Raw(
                "ONSESSIONSTART".into(),
                json!({"DATA": [{"session": {"id": "42", "closed": "N"}}]})
            )
        );
        assert_eq!((d.event_id, d.sent_at), (Some(9), Some(1714649632)));
        assert_eq!(d.auth.domain, "example.bitrix24.com");
        assert_eq!(d.auth.access_token.as_deref(), Some("s6p6"));
        assert_eq!(d.auth.refresh_token, None);
        let debug = format!("{:?}", d.auth);
        assert!(!debug.contains("s6p6") && debug.contains("***"), "{debug}");
    }

    #[test]
    fn the_token_must_match_exactly() {
        let wrong = TOKEN.replace('5', "6");
        for expected in [
            wrong.as_str(),
            "",
            &TOKEN[1..],
            "51856fefc120afa4b628cc82d3935ccee",
        ] {
            assert_eq!(
                read_delivery::<Raw>(body("").as_bytes(), expected),
                Err(IncomingEventError::TokenMismatch),
                "{expected:?}"
            );
        }
        let no_token = body("").replace("application_token", "app_token");
        let err = read_delivery::<Raw>(no_token.as_bytes(), TOKEN).unwrap_err();
        assert_eq!(
            err,
            IncomingEventError::Missing {
                key: "auth[application_token]"
            }
        );
        // A forged body with the right token but no event says so.
        let no_event = body("").replace("event=ONSESSIONSTART", "kind=x");
        assert_eq!(
            read_delivery::<Raw>(no_event.as_bytes(), TOKEN).unwrap_err(),
            IncomingEventError::Missing { key: "event" }
        );
    }

    #[test]
    fn keys_nest_append_and_replace_as_php_reads_them() {
        let form = parse_form(b"a[]=x&a[]=y&b[k]=1&b[k]=2&c=1&c[d]=2&e[0]=p&e[2]=q&f[x]y=1&g[h=1")
            .unwrap();
        assert_eq!(
            Value::Object(form),
            json!({"a": ["x", "y"], "b": {"k": "2"}, "c": {"d": "2"},
                   "e": {"0": "p", "2": "q"}, "f": {"x": "1"}, "g_h": "1"})
        );
        // Found by fuzzing: a top-level key `0` once made the whole form a list.
        let form = parse_form(b"0&1=x").unwrap();
        assert_eq!(Value::Object(form), json!({"0": "", "1": "x"}));
        let form = parse_form(b"t=a+b%20c%C3%A9&empty=&bare").unwrap();
        assert_eq!(
            Value::Object(form),
            json!({"t": "a b cé", "empty": "", "bare": ""})
        );
    }

    #[test]
    fn bad_forms_are_typed_errors_without_their_values() {
        for bad in [&b"a=%zz"[..], b"a=%4", b"a=%ff%fe", b"[x]=1", b"=secret"] {
            let err = parse_form(bad).unwrap_err();
            assert!(
                matches!(err, IncomingEventError::Malformed { .. }),
                "{err:?}"
            );
            assert!(!err.to_string().contains("secret"), "{err}");
        }
        let deep = format!("a{}=1", "[x]".repeat(MAX_DEPTH + 1));
        assert!(matches!(
            parse_form(deep.as_bytes()),
            Err(IncomingEventError::Malformed { .. })
        ));
        let ok = format!("a{}=1", "[x]".repeat(MAX_DEPTH - 1));
        assert!(parse_form(ok.as_bytes()).is_ok());
    }
}
