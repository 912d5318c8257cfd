//! The generated result types' `Deserialize`: an answer's object is read into a JSON map once,
//! by code every type shares, then each documented key is taken out of it by a small call, and
//! the keys left over are the type's `extra`.
//!
//! Why not serde's derive: it compiles each type's own visitor once per input form (the answer's
//! bytes, a `batch` entry's value, `extra`'s flatten buffer), with an error exit per field that
//! drops every other field read so far. In the shipped libraries that was about 600 KB of
//! machine code for 38 methods, 300 KB of it for the two 94-field settings objects.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::wire::Lenient;

/// The keys of an object being read, and the first problem met reading them.
pub struct Fields {
    map: serde_json::Map<String, Value>,
    problem: Option<String>,
}

impl Fields {
    /// The value of a key the answer always has; its absence is a problem.
    #[inline(never)]
    pub fn required<T: Lenient + Default>(&mut self, key: &'static str) -> T {
        match self.map.shift_remove(key) {
            Some(value) => self.read(key, value),
            None => {
                self.fail(|| format!("missing field `{key}`"));
                T::default()
            }
        }
    }

    /// The value of a key the answer may leave out: `T::default()` (`None`) then.
    #[inline(never)]
    pub fn optional<T: Lenient + Default>(&mut self, key: &'static str) -> T {
        match self.map.shift_remove(key) {
            Some(value) => self.read(key, value),
            None => T::default(),
        }
    }

    /// The keys no field took, in the order sent.
    pub fn rest(&mut self) -> serde_json::Map<String, Value> {
        std::mem::take(&mut self.map)
    }

    fn read<T: Lenient + Default>(&mut self, key: &'static str, value: Value) -> T {
        T::read(value).unwrap_or_else(|e| {
            self.fail(|| format!("field `{key}`: {e}"));
            T::default()
        })
    }

    fn fail(&mut self, problem: impl FnOnce() -> String) {
        if self.problem.is_none() {
            self.problem = Some(problem());
        }
    }
}

/// Reads an object and builds `T` from its keys with `build`. Every field is read (a field that
/// cannot be gets its default), so `build` has no early exits; the first problem then fails the
/// whole object.
pub fn read_object<'de, D: Deserializer<'de>, T>(
    d: D,
    build: fn(&mut Fields) -> T,
) -> Result<T, D::Error> {
    let mut fields = Fields {
        map: read_map(d)?,
        problem: None,
    };
    let value = build(&mut fields);
    match fields.problem {
        None => Ok(value),
        Some(problem) => Err(de::Error::custom(problem)),
    }
}

/// An object; or PHP's empty array (`[]`), which is how a portal writes an empty one.
fn read_map<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Map<String, Value>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = serde_json::Map<String, Value>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some((key, value)) = map.next_entry::<String, Value>()? {
                out.insert(key, value);
            }
            Ok(out)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(serde_json::Map::new()),
                Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Line {
        id: i64,
        name: Option<String>,
        queue: Vec<i64>,
        extra: serde_json::Map<String, Value>,
    }

    impl<'de> serde::Deserialize<'de> for Line {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            read_object(d, |fields| Line {
                id: fields.required("ID"),
                name: fields.optional("NAME"),
                queue: fields.optional("QUEUE"),
                extra: fields.rest(),
            })
        }
    }

    fn read(text: &str) -> Result<Line, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn documented_keys_are_read_leniently_and_the_rest_kept_in_order() {
        let line = read(r#"{"Z":1,"ID":"7","QUEUE":{"0":"1","2":3},"A":[true]}"#).unwrap();
        assert_eq!(line.id, 7);
        assert_eq!(line.name, None);
        assert_eq!(line.queue, [1, 3]);
        let keys: Vec<&str> = line.extra.keys().map(String::as_str).collect();
        assert_eq!(keys, ["Z", "A"]);
    }

    #[test]
    fn an_empty_php_array_is_an_empty_object() {
        assert_eq!(
            read(r#"{"ID":1,"QUEUE":[]}"#).unwrap().queue,
            Vec::<i64>::new()
        );
        let empty: Result<Line, _> = serde_json::from_str("[]");
        assert!(empty
            .unwrap_err()
            .to_string()
            .contains("missing field `ID`"));
        assert!(read("[1]").is_err());
    }

    #[test]
    fn the_first_problem_fails_the_object_and_names_its_key() {
        let e = read(r#"{"ID":"seven","NAME":5}"#).unwrap_err().to_string();
        assert!(e.starts_with("field `ID`:"), "{e}");
        let e = read(r#"{"NAME":"x"}"#).unwrap_err().to_string();
        assert!(e.starts_with("missing field `ID`"), "{e}");
    }

    #[test]
    fn objects_nest_through_values() {
        let lines: Vec<Line> = serde_json::from_value(serde_json::json!([{"ID": 1}, {"ID": "2"}]))
            .expect("a list of objects");
        assert_eq!(lines[1].id, 2);
    }
}
