//! Lenient readers for values of Bitrix24 answers, used by the generated result types. Portals
//! send identifiers as numbers in one method and as numeric strings in another (`"chatId":
//! "1763"`), and optional keys as absent or `null`; a typed client should take both.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// An integer given as a JSON number or a numeric string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientInt(pub i64);

impl<'de> Deserialize<'de> for LenientInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LenientInt;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string holding one")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientInt, E> {
                Ok(LenientInt(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientInt, E> {
                i64::try_from(v)
                    .map(LenientInt)
                    .map_err(|_| E::custom("integer out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientInt, E> {
                if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(LenientInt(v as i64))
                } else {
                    Err(E::custom("not a whole number"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientInt, E> {
                v.trim()
                    .parse()
                    .map(LenientInt)
                    .map_err(|_| E::custom("not an integer string"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `#[serde(deserialize_with)]` for a required integer.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    LenientInt::deserialize(d).map(|v| v.0)
}

/// For an optional integer: absent (with `#[serde(default)]`) or `null` is `None`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<LenientInt>::deserialize(d)?.map(|v| v.0))
}

/// For an optional list of integers; the portal sends an empty list as `[]` or, in PHP fashion,
/// as an empty object `{}`.
pub fn opt_int_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Vec<i64>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of integers")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element::<LenientInt>()? {
                out.push(v.0);
            }
            Ok(Some(out))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((_, v)) = map.next_entry::<de::IgnoredAny, LenientInt>()? {
                out.push(v.0);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_any(V)
}

/// A whole `result` that is a list of integers, read as leniently as [`opt_int_list`]: numbers
/// or numeric strings, in a list or in a PHP array that became an object (`{"0": 339, "2": 337}`
/// after the portal filtered it). `null` is refused: a list result is always there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntList(pub Vec<i64>);

impl<'de> Deserialize<'de> for IntList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match opt_int_list(d)? {
            Some(list) => Ok(IntList(list)),
            None => Err(de::Error::custom("expected a list of integers, found null")),
        }
    }
}

impl From<IntList> for Vec<i64> {
    fn from(list: IntList) -> Self {
        list.0
    }
}

/// For an optional string: absent or `null` is `None`; numbers are kept as their text.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(de::Error::custom(format!(
                "expected a string, found {other}"
            )))
        }
    })
}

/// For an optional boolean: also `Y`/`N` and `1`/`0`, as Bitrix24 sends flags.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Bool(b)) => Some(b),
        Some(serde_json::Value::String(s)) if s == "Y" || s == "1" => Some(true),
        Some(serde_json::Value::String(s)) if s == "N" || s == "0" || s.is_empty() => Some(false),
        Some(serde_json::Value::Number(n)) if n.as_i64() == Some(1) => Some(true),
        Some(serde_json::Value::Number(n)) if n.as_i64() == Some(0) => Some(false),
        Some(other) => {
            return Err(de::Error::custom(format!(
                "expected a boolean, found {other}"
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "int")]
        id: i64,
        #[serde(default, deserialize_with = "opt_int")]
        owner: Option<i64>,
        #[serde(default, deserialize_with = "opt_int_list")]
        list: Option<Vec<i64>>,
        #[serde(default, deserialize_with = "opt_string")]
        name: Option<String>,
        #[serde(default, deserialize_with = "opt_bool")]
        flag: Option<bool>,
    }

    #[test]
    fn numbers_and_numeric_strings_and_absent_keys() {
        let s: Sample = serde_json::from_str(
            r#"{"id":"1763","owner":null,"list":["1",2],"name":5,"flag":"Y"}"#,
        )
        .unwrap();
        assert_eq!(
            s,
            Sample {
                id: 1763,
                owner: None,
                list: Some(vec![1, 2]),
                name: Some("5".into()),
                flag: Some(true)
            }
        );
        let s: Sample = serde_json::from_str(r#"{"id":7,"list":{}}"#).unwrap();
        assert_eq!(
            (s.owner, s.list, s.name, s.flag),
            (None, Some(vec![]), None, None)
        );
        assert!(serde_json::from_str::<Sample>(r#"{"id":"x"}"#).is_err());
        assert!(serde_json::from_str::<Sample>(r#"{"id":1.5}"#).is_err());
    }

    #[test]
    fn a_list_result_in_every_form_a_portal_sends() {
        let read = |json: &str| serde_json::from_str::<IntList>(json).map(Vec::from);
        assert_eq!(read("[339, 337]").unwrap(), vec![339, 337]);
        assert_eq!(read(r#"["339", "337"]"#).unwrap(), vec![339, 337]);
        assert_eq!(read(r#"{"0": 339, "2": "337"}"#).unwrap(), vec![339, 337]);
        assert_eq!(read("{}").unwrap(), Vec::<i64>::new());
        assert!(read("null").is_err());
        assert!(read(r#"["x"]"#).is_err());
        assert!(read("true").is_err());
    }
}
