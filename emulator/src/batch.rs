//! The `batch` method: up to 50 commands `key → "method?query"` run in the order sent, with the
//! request's credentials, each against its own method's scope and execution-time budget. A
//! command's parameters may use an earlier command's result: a value that is exactly
//! `$result[key]` (or `$result[key][field]…`) becomes that result, and a reference inside a longer
//! text becomes its text. `halt` is read as PHP casts it to a boolean. The answer is 200 whatever
//! the commands did: `result`, `result_error`, `result_total`, `result_next` and `result_time`
//! keyed like `cmd`. As in PHP, a collection whose keys are exactly `0..n-1` is a JSON list (so an
//! empty one is `[]`), any other an object.

use serde_json::{json, Map, Value};

use crate::clock::{unix_now, TimeObject};
use crate::command::{run_command, CommandFailure, Credential};
use crate::methods::Answer;
use crate::php_form;
use crate::portal::Portal;
use crate::reply::{self, Reply};

/// `CRestUtil::BATCH_MAX_LENGTH`.
const MAX_COMMANDS: usize = 50;

/// Parameters every command inherits from the batch request.
const INHERITED: [&str; 2] = ["auth", "access_token"];

pub(crate) fn run(
    portal: &Portal,
    credential: &Credential,
    params: &Map<String, Value>,
    started: f64,
) -> Reply {
    let commands = commands(params);
    let halt = halt(params);
    let mut result = Keyed::default();
    let mut errors = Keyed::default();
    let mut totals = Keyed::default();
    let mut nexts = Keyed::default();
    let mut times = Keyed::default();
    let processing_started = std::time::Instant::now();
    for (index, (key, command)) in commands.into_iter().enumerate() {
        let outcome = if index >= MAX_COMMANDS {
            Err(CommandFailure::new(
                400,
                "ERROR_BATCH_LENGTH_EXCEEDED",
                "Max batch length exceeded",
            ))
        } else {
            run_one(portal, credential, params, &command, &result)
        };
        match outcome {
            Ok((answer, time)) => {
                result.push(key.clone(), answer.result);
                if let Some(total) = answer.total {
                    totals.push(key.clone(), json!(total));
                }
                if let Some(next) = answer.next {
                    nexts.push(key.clone(), json!(next));
                }
                times.push(key, serde_json::to_value(time).unwrap_or(Value::Null));
            }
            Err(failure) => {
                errors.push(
                    key,
                    json!({"error": failure.code, "error_description": described_in_batch(&failure)}),
                );
                if halt {
                    break;
                }
            }
        }
    }
    let body = json!({
        "result": result.into_json(),
        "result_error": errors.into_json(),
        "result_total": totals.into_json(),
        "result_next": nexts.into_json(),
        "result_time": times.into_json(),
    });
    let processing = processing_started.elapsed().as_secs_f64();
    let utc_offset = portal.with_state(|state| state.utc_offset_minutes);
    reply::success(
        body.into(),
        TimeObject::new(started, processing, None, utc_offset),
    )
}

/// A command's error text as a batch reports it: a scope refusal comes without one, because the
/// server's batch item throws it with the code alone (`OAuthException(['error' =>
/// 'insufficient_scope'])`), as the docs' batch error example shows.
fn described_in_batch(failure: &CommandFailure) -> &str {
    if failure.code == "insufficient_scope" {
        ""
    } else {
        &failure.description
    }
}

fn run_one(
    portal: &Portal,
    credential: &Credential,
    outer: &Map<String, Value>,
    command: &Value,
    earlier: &Keyed,
) -> Result<(Answer, TimeObject), CommandFailure> {
    let Some(text) = command.as_str() else {
        return Err(CommandFailure::new(
            400,
            "ERROR_METHOD_NOT_FOUND",
            "Method not found!",
        ));
    };
    let (method, query) = text.split_once('?').unwrap_or((text, ""));
    let method = method.trim().to_ascii_lowercase();
    if matches!(method.as_str(), "batch" | "download" | "upload") {
        return Err(CommandFailure::new(
            405,
            "ERROR_BATCH_METHOD_NOT_ALLOWED",
            "Method is not allowed for batch usage",
        ));
    }
    let mut params = Map::new();
    php_form::decode_into(query.as_bytes(), &mut params);
    for value in params.values_mut() {
        substitute(value, earlier);
    }
    for name in INHERITED {
        if let Some(value) = outer.get(name) {
            params.insert(name.to_string(), value.clone());
        }
    }
    run_command(portal, credential, &method, params, unix_now())
}

/// `cmd` as `(key, command)` pairs in the order sent: from a JSON list (keys `0..n-1`), or an
/// object from JSON or from PHP-style form keys `cmd[key]=…` (parameters keep their order).
fn commands(params: &Map<String, Value>) -> Vec<(String, Value)> {
    match find(params, "cmd") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, c)| (i.to_string(), c.clone()))
            .collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

/// `halt` as PHP's `(bool)` reads it: `false`, `0`, `0.0`, `""`, `"0"`, an empty array and null
/// are false; anything else — the text `"false"` too — is true. Absent is false.
fn halt(params: &Map<String, Value>) -> bool {
    match find(params, "halt") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(s)) => !(s.is_empty() || s == "0"),
        Some(Value::Array(list)) => !list.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
    }
}

/// Replaces `$result[key][field]…` in a command's parameter by what it refers to (the whole
/// value when it is exactly one reference, else the text of each).
fn substitute(value: &mut Value, earlier: &Keyed) {
    match value {
        Value::String(text) if text.contains("$result[") => {
            if let Some(whole) = resolve_exact(text, earlier) {
                *value = whole;
                return;
            }
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("$result[") {
                out.push_str(&rest[..at]);
                let (path, after) = reference_path(&rest[at + "$result".len()..]);
                match lookup(earlier, &path) {
                    Some(found) => out.push_str(&php_text(found)),
                    None => out.push_str(&rest[at..rest.len() - after.len()]),
                }
                rest = after;
            }
            out.push_str(rest);
            *value = Value::String(out);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, earlier)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, earlier)),
        _ => {}
    }
}

/// The value a text that is exactly one reference refers to.
fn resolve_exact(text: &str, earlier: &Keyed) -> Option<Value> {
    let inner = text.strip_prefix("$result")?;
    let (path, rest) = reference_path(inner);
    if !rest.is_empty() || path.is_empty() {
        return None;
    }
    lookup(earlier, &path).cloned()
}

/// `[a][b]…` → (`["a", "b"]`, what follows).
fn reference_path(mut text: &str) -> (Vec<String>, &str) {
    let mut path = Vec::new();
    while let Some(inner) = text.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            break;
        };
        path.push(inner[..close].to_string());
        text = &inner[close + 1..];
    }
    (path, text)
}

fn lookup<'a>(earlier: &'a Keyed, path: &[String]) -> Option<&'a Value> {
    let (key, fields) = path.split_first()?;
    let mut value = earlier.get(key)?;
    for field in fields {
        value = match value {
            Value::Object(map) => map.get(field)?,
            Value::Array(items) => items.get(field.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// A value inside a text, as PHP writes it there.
fn php_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(true) => "1".to_string(),
        Value::Bool(false) | Value::Null => String::new(),
        Value::Array(_) | Value::Object(_) => "Array".to_string(),
    }
}

/// The portal reads batch parameters whatever their case.
fn find<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A PHP array being built: keys in insertion order.
#[derive(Default)]
struct Keyed(Vec<(String, Value)>);

impl Keyed {
    fn push(&mut self, key: String, value: Value) {
        self.0.push((key, value));
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A list when the keys are `0..n-1` in order (so empty is `[]`), else an object.
    fn into_json(self) -> Value {
        let is_list = self
            .0
            .iter()
            .enumerate()
            .all(|(i, (k, _))| *k == i.to_string());
        if is_list {
            Value::Array(self.0.into_iter().map(|(_, v)| v).collect())
        } else {
            Value::Object(self.0.into_iter().collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halt_as_php_casts_it() {
        for (value, expected) in [
            (json!(true), true),
            (json!(false), false),
            (json!(1), true),
            (json!(0), false),
            (json!("1"), true),
            (json!("0"), false),
            (json!("true"), true),
            // PHP's (bool)"false" is true: only "" and "0" are false texts.
            (json!("false"), true),
            (json!(""), false),
            (json!([]), false),
        ] {
            let params: Map<String, Value> =
                [("halt".to_string(), value.clone())].into_iter().collect();
            assert_eq!(halt(&params), expected, "{value}");
        }
        assert!(!halt(&Map::new()));
    }

    #[test]
    fn php_arrays_become_lists_only_for_keys_zero_to_n() {
        let mut k = Keyed::default();
        assert_eq!(k.into_json(), json!([]));
        k = Keyed::default();
        k.push("0".into(), json!(1));
        k.push("1".into(), json!(2));
        assert_eq!(k.into_json(), json!([1, 2]));
        k = Keyed::default();
        k.push("1".into(), json!(2));
        assert_eq!(k.into_json(), json!({"1": 2}));
        k = Keyed::default();
        k.push("a".into(), json!(true));
        assert_eq!(k.into_json(), json!({"a": true}));
    }

    #[test]
    fn commands_run_in_the_order_sent() {
        let mut params = Map::new();
        php_form::decode_into(b"cmd[10]=m%3FA%3D1&cmd[b]=m&cmd[2]=m&cmd[a]=m", &mut params);
        let keys: Vec<String> = commands(&params).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["10", "b", "2", "a"]);
        let params: Map<String, Value> =
            serde_json::from_str(r#"{"cmd": {"z": "m", "1": "m", "a": "m"}}"#).unwrap();
        let keys: Vec<String> = commands(&params).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["z", "1", "a"]);
    }

    #[test]
    fn references_to_earlier_results() {
        let mut earlier = Keyed::default();
        earlier.push("list".into(), json!([{"ID": "7", "TAGS": ["a"]}]));
        earlier.push("n".into(), json!(5));
        let mut params = json!({
            "ID": "$result[list][0][ID]",
            "WHOLE": "$result[list][0]",
            "TEXT": "id $result[list][0][ID] of $result[n], tags $result[list][0][TAGS]",
            "MISSING": "$result[nope]",
            "NESTED": {"X": ["$result[n]"]},
        });
        substitute(&mut params, &earlier);
        assert_eq!(params["ID"], "7");
        assert_eq!(params["WHOLE"], json!({"ID": "7", "TAGS": ["a"]}));
        assert_eq!(params["TEXT"], "id 7 of 5, tags Array");
        assert_eq!(params["MISSING"], "$result[nope]");
        assert_eq!(params["NESTED"], json!({"X": [5]}));
    }
}
