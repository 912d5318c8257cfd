//! PHP-style form and query decoding: `a=1&cmd[x]=2&list[]=3` becomes
//! `{"a":"1","cmd":{"x":"2"},"list":{"0":"3"}}`, the way a portal reads its parameters.

use serde_json::{Map, Value};

/// Decodes `application/x-www-form-urlencoded` text (or a query string) into `into`; later
/// keys replace earlier ones, as in PHP.
pub fn decode_into(input: &[u8], into: &mut Map<String, Value>) {
    for (key, value) in form_urlencoded::parse(input) {
        insert_pair(&key, value.into_owned(), into);
    }
}

/// One field `key=value` with its PHP-style key (`cmd[x]`, `list[]`), as any form encoding
/// gives it.
pub(crate) fn insert_pair(key: &str, value: String, into: &mut Map<String, Value>) {
    let (head, path) = split_key(key);
    if !head.is_empty() {
        insert(into, head, &path, Value::String(value));
    }
}

/// `cmd[a][b]` → (`cmd`, [`a`, `b`]); `list[]` → (`list`, [``]). A key with an unclosed
/// bracket is taken literally, as PHP does.
fn split_key(key: &str) -> (String, Vec<String>) {
    let Some(open) = key.find('[') else {
        return (key.to_string(), Vec::new());
    };
    let head = key[..open].to_string();
    let mut path = Vec::new();
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        match stripped.find(']') {
            Some(close) => {
                path.push(stripped[..close].to_string());
                rest = &stripped[close + 1..];
            }
            None => break,
        }
    }
    if path.is_empty() {
        return (key.to_string(), Vec::new());
    }
    (head, path)
}

fn insert(map: &mut Map<String, Value>, key: String, path: &[String], value: Value) {
    match path.split_first() {
        None => {
            map.insert(key, value);
        }
        Some((next, rest)) => {
            let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let child = slot.as_object_mut().expect("just made an object");
            let next_key = if next.is_empty() {
                next_index(child).to_string()
            } else {
                next.clone()
            };
            insert(child, next_key, rest, value);
        }
    }
}

/// PHP's `[]`: one more than the largest integer key so far.
fn next_index(map: &Map<String, Value>) -> i64 {
    map.keys()
        .filter_map(|k| k.parse::<i64>().ok())
        .max()
        .map_or(0, |m| m + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(s: &str) -> Value {
        let mut m = Map::new();
        decode_into(s.as_bytes(), &mut m);
        Value::Object(m)
    }

    #[test]
    fn flat_and_nested_keys() {
        assert_eq!(
            decode("CHAT_ID=2043&ACTIVATE=Y&cmd[a]=x%3D1&cmd[b][c]=2"),
            json!({"CHAT_ID":"2043","ACTIVATE":"Y","cmd":{"a":"x=1","b":{"c":"2"}}})
        );
    }

    #[test]
    fn list_keys_append() {
        assert_eq!(
            decode("l[]=a&l[]=b&l[5]=c&l[]=d"),
            json!({"l":{"0":"a","1":"b","5":"c","6":"d"}})
        );
    }

    #[test]
    fn later_keys_win_and_odd_keys_are_literal() {
        assert_eq!(decode("a=1&a=2&b[=3&=4"), json!({"a":"2","b[":"3"}));
    }
}
