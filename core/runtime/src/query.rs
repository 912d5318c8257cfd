//! Parameters as the query string of a GET, the way PHP's `http_build_query` writes them:
//! nested objects and lists as `name[key]`, booleans as `1` and `0`, `null` left out. Commands
//! of a `batch` request (`method?query`) are written this way.

use serde_json::{Map, Value};

/// `method?query` for one command of a batch.
pub(crate) fn command(method: &str, params: &Map<String, Value>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        append(&mut query, name, value);
    }
    format!("{method}?{}", query.finish())
}

fn append(query: &mut form_urlencoded::Serializer<'_, String>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            query.append_pair(name, if *b { "1" } else { "0" });
        }
        Value::Number(n) => {
            query.append_pair(name, &n.to_string());
        }
        Value::String(s) => {
            query.append_pair(name, s);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                append(query, &format!("{name}[{i}]"), item);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                append(query, &format!("{name}[{key}]"), item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_parameters_as_php_keys() {
        let params = serde_json::json!({
            "filter": {">ID": 5, "%NAME": "a b&c"},
            "select": ["ID", "NAME"],
            "order": {"ID": "ASC"},
            "start": -1,
            "skip": null,
            "flag": true,
        });
        let Value::Object(params) = params else {
            unreachable!()
        };
        assert_eq!(
            command("crm.contact.list", &params),
            // In the order given; `null` left out.
            "crm.contact.list?filter%5B%3EID%5D=5&filter%5B%25NAME%5D=a+b%26c&select%5B0%5D=ID&select%5B1%5D=NAME&order%5BID%5D=ASC&start=-1&flag=1"
        );
    }
}
