//! Parameters from the command line, as the docs' curl examples write them: `KEY=VALUE` with
//! PHP-style keys (`filter[>ID]=10`, `select[]=ID`, `order[ID]=DESC`), `KEY:=JSON` for a value
//! that is not text (`ACTIVATE:=true`, `select:=["ID","NAME"]`), or one JSON object (`--data`).

use serde_json::{Map, Value};

/// Why the parameters cannot be read; shown as is, exit code 2.
#[derive(Debug, PartialEq)]
pub struct ParamError(pub String);

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The parameters object from `--data` (a JSON object) and `KEY=VALUE` pairs, in that order.
pub fn parse(data: Option<&str>, pairs: &[String]) -> Result<Value, ParamError> {
    let mut params = match data {
        None => Map::new(),
        Some(text) => match serde_json::from_str(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(ParamError("--data must be a JSON object".to_string())),
            Err(e) => return Err(ParamError(format!("--data is not JSON: {e}"))),
        },
    };
    for pair in pairs {
        let (key, value) = split(pair)?;
        insert(&mut params, &key, value, pair)?;
    }
    Ok(Value::Object(params))
}

/// `KEY=VALUE` (text) or `KEY:=JSON`.
fn split(pair: &str) -> Result<(String, Value), ParamError> {
    // The first `=` outside brackets: filter keys hold `=` themselves (`filter[>=ID]=10`).
    let mut depth = 0usize;
    let eq = pair.char_indices().find_map(|(i, c)| {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => return Some(i),
            _ => {}
        }
        None
    });
    let Some(eq) = eq else {
        return Err(ParamError(format!(
            "{pair:?} is not KEY=VALUE or KEY:=JSON"
        )));
    };
    let (key, value) = (&pair[..eq], &pair[eq + 1..]);
    if let Some(key) = key.strip_suffix(':') {
        let value = serde_json::from_str(value)
            .map_err(|e| ParamError(format!("the value of {key} is not JSON: {e}")))?;
        return Ok((key.to_string(), value));
    }
    Ok((key.to_string(), Value::String(value.to_string())))
}

/// Puts `value` at the PHP-style `key` (`a[b][]`) inside `params`.
fn insert(
    params: &mut Map<String, Value>,
    key: &str,
    value: Value,
    pair: &str,
) -> Result<(), ParamError> {
    let bad = || ParamError(format!("{pair:?}: a key is NAME, NAME[KEY]… or NAME[]"));
    let (name, mut rest) = match key.find('[') {
        Some(open) => (&key[..open], &key[open..]),
        None => (key, ""),
    };
    if name.is_empty() || name.contains(']') {
        return Err(bad());
    }
    let mut segments: Vec<Option<&str>> = Vec::new();
    while !rest.is_empty() {
        let close = rest.find(']').ok_or_else(bad)?;
        if !rest.starts_with('[') {
            return Err(bad());
        }
        let inner = &rest[1..close];
        segments.push(if inner.is_empty() { None } else { Some(inner) });
        rest = &rest[close + 1..];
    }
    place(params, name, &segments, value).map_err(|()| {
        ParamError(format!(
            "{pair:?} conflicts with an earlier value of {name}"
        ))
    })
}

/// Sets `map[name]` through `segments`: `Some(key)` an object key, `None` an array append.
fn place(
    map: &mut Map<String, Value>,
    name: &str,
    segments: &[Option<&str>],
    value: Value,
) -> Result<(), ()> {
    let Some((first, rest)) = segments.split_first() else {
        map.insert(name.to_string(), value);
        return Ok(());
    };
    let slot = map.entry(name.to_string()).or_insert_with(|| match first {
        Some(_) => Value::Object(Map::new()),
        None => Value::Array(Vec::new()),
    });
    match (first, slot) {
        (Some(key), Value::Object(inner)) => place(inner, key, rest, value),
        (None, Value::Array(items)) if rest.is_empty() => {
            items.push(value);
            Ok(())
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn php_style_keys_nest() {
        let params = parse(
            None,
            &pairs(&[
                "filter[>ID]=10",
                "filter[!NAME]=",
                "filter[<=ID]=20",
                "select[]=ID",
                "select[]=NAME",
                "order[ID]=DESC",
            ]),
        )
        .unwrap();
        assert_eq!(
            params,
            json!({"filter": {">ID": "10", "!NAME": "", "<=ID": "20"}, "select": ["ID", "NAME"], "order": {"ID": "DESC"}})
        );
        // Key order is kept: the portal reads `order` by it.
        assert_eq!(
            params["filter"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            [">ID", "!NAME", "<=ID"]
        );
    }

    #[test]
    fn typed_values_and_data_combine() {
        let params = parse(
            Some(r#"{"CHAT_ID": 2043}"#),
            &pairs(&["ACTIVATE:=true", "IDS:=[1,2]", "NOTE=a=b"]),
        )
        .unwrap();
        assert_eq!(
            params,
            json!({"CHAT_ID": 2043, "ACTIVATE": true, "IDS": [1, 2], "NOTE": "a=b"})
        );
    }

    #[test]
    fn bad_input_is_named() {
        for (data, pair, says) in [
            (None, "ID", "not KEY=VALUE"),
            (None, "=5", "a key is"),
            (None, "a[b=1", "not KEY=VALUE"),
            (None, "a]b=1", "a key is"),
            (None, "a[b]x=1", "a key is"),
            (None, "ID:=nope", "is not JSON"),
            (Some("[1]"), "ID=1", "must be a JSON object"),
            (Some("{"), "ID=1", "--data is not JSON"),
        ] {
            let err = parse(data, &pairs(&[pair])).unwrap_err();
            assert!(err.0.contains(says), "{pair}: {err}");
        }
        let err = parse(None, &pairs(&["a=1", "a[b]=2"])).unwrap_err();
        assert!(err.0.contains("conflicts"), "{err}");
    }
}
