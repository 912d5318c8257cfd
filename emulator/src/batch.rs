//! The `batch` method: up to 50 commands `key → "method?query"` run in order with the request's
//! credentials, each against its own method's scope and execution-time budget. The answer is 200
//! whatever the commands did: `result`, `result_error`, `result_total`, `result_next` and
//! `result_time` keyed like `cmd`. As in PHP, a collection whose keys are exactly `0..n-1` is a
//! JSON list (so an empty one is `[]`), any other an object.
//! Not emulated: `$result[key][field]` references to earlier results.

use serde_json::{json, Map, Value};

use crate::clock::{unix_now, TimeObject};
use crate::command::{run_command, CommandFailure, Credential};
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
            run_one(portal, credential, params, &command)
        };
        match outcome {
            Ok((value, time)) => {
                result.push(key.clone(), value);
                times.push(key, serde_json::to_value(time).unwrap_or(Value::Null));
            }
            Err(failure) => {
                errors.push(
                    key,
                    json!({"error": failure.code, "error_description": failure.description}),
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
        "result_total": Value::Array(Vec::new()),
        "result_next": Value::Array(Vec::new()),
        "result_time": times.into_json(),
    });
    let processing = processing_started.elapsed().as_secs_f64();
    reply::success(body, TimeObject::new(started, processing, None))
}

fn run_one(
    portal: &Portal,
    credential: &Credential,
    outer: &Map<String, Value>,
    command: &Value,
) -> Result<(Value, TimeObject), CommandFailure> {
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
    for name in INHERITED {
        if let Some(value) = outer.get(name) {
            params.insert(name.to_string(), value.clone());
        }
    }
    run_command(portal, credential, &method, params, unix_now())
}

/// `cmd` as `(key, command)` pairs in order: from a JSON list (keys `0..n-1`), or an object from
/// JSON or from PHP-style form keys `cmd[key]=…`.
fn commands(params: &Map<String, Value>) -> Vec<(String, Value)> {
    match find(params, "cmd") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, c)| (i.to_string(), c.clone()))
            .collect(),
        Some(Value::Object(map)) => {
            let mut pairs: Vec<(String, Value)> =
                map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            // JSON objects keep no order here; numeric keys run in numeric order, as PHP
            // keeps the order they were sent in and clients send them ascending.
            pairs.sort_by(
                |(a, _), (b, _)| match (a.parse::<u64>(), b.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => std::cmp::Ordering::Equal,
                },
            );
            pairs
        }
        _ => Vec::new(),
    }
}

/// `halt` as `true`/`false`, `1`/`0` (number or text); absent is `false`.
fn halt(params: &Map<String, Value>) -> bool {
    match find(params, "halt") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(s)) => {
            let s = s.trim();
            !(s.is_empty() || s == "0" || s.eq_ignore_ascii_case("false"))
        }
        _ => false,
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
    fn halt_in_every_documented_form() {
        for (value, expected) in [
            (json!(true), true),
            (json!(false), false),
            (json!(1), true),
            (json!(0), false),
            (json!("1"), true),
            (json!("0"), false),
            (json!("true"), true),
            (json!("false"), false),
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
    fn form_commands_keep_numeric_order() {
        let mut params = Map::new();
        php_form::decode_into(b"cmd[10]=m%3FA%3D1&cmd[2]=m&cmd[0]=m", &mut params);
        let keys: Vec<String> = commands(&params).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["0", "2", "10"]);
    }
}
