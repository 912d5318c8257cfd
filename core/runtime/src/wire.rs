//! Lenient readers for values of Bitrix24 answers, used by the generated result types. Portals
//! send identifiers as numbers in one method and as numeric strings in another (`"chatId":
//! "1763"`), and optional keys as absent or `null`; a typed client should take both.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

pub use crate::fields::{read_object, Fields};

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

/// A whole `result` read through its type's [`Lenient`] impl: what a method's answer is decoded
/// as, so a result is read as leniently at the top as a field is at any depth (an integer list
/// sent as numeric strings, or as the PHP object `{"0": 339, "2": 337}` after the portal
/// filtered it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read<T>(pub T);

impl<'de, T: Lenient> Deserialize<'de> for Read<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(Read)
    }
}

/// A parameter's object as a binding received it (JSON with Bitrix24's keys:
/// `OpenLineSettings`), read into its type as an answer's object is (numbers given as text are
/// numbers). `Err` says what is wrong for the binding to raise: not an object, or the key that
/// holds a value of the wrong type.
pub fn read_param_object<T: Lenient>(value: serde_json::Value) -> Result<T, String> {
    if !value.is_object() {
        return Err(format!("an object of Bitrix24 key → value, not {value}"));
    }
    serde_json::from_value::<Read<T>>(value)
        .map(|read| read.0)
        .map_err(|e| e.to_string())
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

/// A date and time with the portal's UTC offset, as Bitrix24 writes it (ISO 8601 / RFC 3339,
/// `2026-03-13T16:50:15+01:00`): the offset is kept, so the text a portal sent can be rebuilt.
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;

/// A calendar date without a time of day (`2026-03-13`), for fields a page types `date`
/// (a birthday, a deadline's day). Some methods write such a field as midnight in the portal's
/// zone (`2026-03-13T00:00:00+03:00`); the date is then the one written, not shifted to UTC.
pub type Date = chrono::NaiveDate;

/// A value read from an answer as leniently as portals write it. Generated result types read
/// every field through [`lenient`]; the impls here say what each type accepts beyond its plain
/// JSON form, and nesting (`Option<Vec<T>>`) composes them.
pub trait Lenient: Sized {
    /// Reads the value from what the portal sent.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// `#[serde(deserialize_with)]` for any [`Lenient`] field; optional ones add `default`.
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::read(d)
}

/// Reads one `T` through its [`Lenient`] impl where serde expects a seed (list items).
struct Seed<T>(std::marker::PhantomData<T>);

impl<'de, T: Lenient> de::DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::read(d)
    }
}

impl Lenient for i64 {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int(d)
    }
}

impl Lenient for f64 {
    /// A number, or a string holding one (`"0.42"`).
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| de::Error::custom("expected a number"))
    }
}

impl Lenient for String {
    /// Text; a number is kept as its text.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_string(d)?.ok_or_else(|| de::Error::custom("expected a string, found null"))
    }
}

impl Lenient for bool {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_bool(d)?.ok_or_else(|| de::Error::custom("expected a boolean, found null"))
    }
}

impl Lenient for DateTime {
    /// RFC 3339 with an offset, as PHP's `date('c')` writes it.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
            de::Error::custom(format!(
                "expected an ISO 8601 date and time, found {text:?}: {e}"
            ))
        })
    }
}

impl Lenient for Date {
    /// `YYYY-MM-DD`, or a date and time whose date part is taken as written.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let trimmed = text.trim();
        Date::parse_from_str(trimmed, "%Y-%m-%d")
            .or_else(|_| DateTime::parse_from_rfc3339(trimmed).map(|t| t.date_naive()))
            .map_err(|_| de::Error::custom(format!("expected a date (YYYY-MM-DD), found {text:?}")))
    }
}

/// A date's ISO text (`2026-03-13`), for a language with no type for a day (JavaScript's `Date`
/// is an instant, which would move the day with the reader's time zone).
pub fn date_text(date: Date) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl Lenient for serde_json::Value {
    /// Anything, as sent.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    /// `null` (and, with `#[serde(default)]`, an absent key) is `None`; so are the empty string
    /// and the `false` PHP writes for "no value" (an unset date, no phones), unless `T` itself
    /// reads them.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(ref s) if s.is_empty() => Ok(T::read(value).ok()),
            serde_json::Value::Bool(false) => Ok(T::read(value).ok()),
            other => T::read(other).map(Some).map_err(de::Error::custom),
        }
    }
}

/// An object keyed by identifiers (`{"85851": {…}}`), its keys in the order sent.
pub type Map<T> = indexmap::IndexMap<String, T>;

impl<T: Lenient> Lenient for Map<T> {
    /// An object; or the list a PHP array with keys 0, 1, … becomes (`[]` when empty), keyed
    /// by position.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = Map<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Map<T>, A::Error> {
                let mut out = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value_seed(Seed(std::marker::PhantomData))?;
                    out.insert(key, value);
                }
                Ok(out)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Map<T>, A::Error> {
                let mut out = Map::new();
                while let Some(v) = seq.next_element_seed(Seed(std::marker::PhantomData))? {
                    out.insert(out.len().to_string(), v);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    /// A list, or the object a PHP array becomes once filtered (`{"0": …, "2": …}`; `{}` when
    /// empty): its values in order.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element_seed(Seed(std::marker::PhantomData))? {
                    out.push(v);
                }
                Ok(out)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while map.next_key::<de::IgnoredAny>()?.is_some() {
                    out.push(map.next_value_seed(Seed(std::marker::PhantomData))?);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
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
        #[serde(default, deserialize_with = "lenient")]
        list: Option<Vec<i64>>,
        #[serde(default, deserialize_with = "opt_string")]
        name: Option<String>,
        #[serde(default, deserialize_with = "opt_bool")]
        flag: Option<bool>,
    }

    #[test]
    fn a_date_is_read_as_written_and_an_unset_one_is_none() {
        let read = |json: &str| {
            let mut d = serde_json::Deserializer::from_str(json);
            <Option<Date> as Lenient>::read(&mut d).map_err(|e| e.to_string())
        };
        let march_13 = Date::from_ymd_opt(2026, 3, 13);
        assert_eq!(read(r#""2026-03-13""#), Ok(march_13));
        // Midnight in the portal's zone is that day, not the previous one in UTC.
        assert_eq!(read(r#""2026-03-13T00:00:00+03:00""#), Ok(march_13));
        assert_eq!(read(r#"" 2026-03-13 ""#), Ok(march_13));
        // PHP's "no value": an empty text or `false`; and `null`.
        assert_eq!(read(r#""""#), Ok(None));
        assert_eq!(read("false"), Ok(None));
        assert_eq!(read("null"), Ok(None));
        let error = read(r#""13.03.2026""#).unwrap_err();
        assert!(error.contains("expected a date (YYYY-MM-DD)"), "{error}");
        assert!(read(r#""2026-02-30""#).is_err());
        assert_eq!(
            serde_json::to_string(&march_13.unwrap()).unwrap(),
            r#""2026-03-13""#
        );
        assert_eq!(
            date_text(Date::from_ymd_opt(26, 1, 2).unwrap()),
            "0026-01-02"
        );
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
        let read = |json: &str| serde_json::from_str::<Read<Vec<i64>>>(json).map(|read| read.0);
        assert_eq!(read("[339, 337]").unwrap(), vec![339, 337]);
        assert_eq!(read(r#"["339", "337"]"#).unwrap(), vec![339, 337]);
        assert_eq!(read(r#"{"0": 339, "2": "337"}"#).unwrap(), vec![339, 337]);
        assert_eq!(read("{}").unwrap(), Vec::<i64>::new());
        assert!(read("null").is_err());
        assert!(read(r#"["x"]"#).is_err());
        assert!(read("true").is_err());
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Viewer {
        #[serde(deserialize_with = "lenient")]
        user_id: i64,
        #[serde(default, deserialize_with = "lenient")]
        date: Option<DateTime>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Nested {
        #[serde(deserialize_with = "lenient")]
        viewers: Vec<Viewer>,
        #[serde(default, deserialize_with = "lenient")]
        ids: Option<Vec<i64>>,
        #[serde(default, deserialize_with = "lenient")]
        ratio: Option<f64>,
    }

    impl Lenient for Viewer {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Viewer::deserialize(d)
        }
    }

    #[test]
    fn nested_values_are_read_as_leniently_as_top_level_ones() {
        let n: Nested = serde_json::from_str(
            r#"{"viewers":[{"user_id":"27","date":"2026-03-16T20:50:37+01:00"},{"user_id":599,"date":null}],
                "ids":{"0":"5","3":6},"ratio":"0.5"}"#,
        )
        .unwrap();
        assert_eq!(n.viewers[0].user_id, 27);
        let date = n.viewers[0].date.unwrap();
        assert_eq!(date.to_rfc3339(), "2026-03-16T20:50:37+01:00");
        assert_eq!(date.offset().local_minus_utc(), 3600);
        assert_eq!(
            n.viewers[1],
            Viewer {
                user_id: 599,
                date: None
            }
        );
        assert_eq!((n.ids, n.ratio), (Some(vec![5, 6]), Some(0.5)));

        // PHP writes an unset date as an empty string, an empty array as `[]` or `{}`.
        let n: Nested = serde_json::from_str(r#"{"viewers":{},"ids":[],"ratio":""}"#).unwrap();
        assert_eq!((n.viewers.len(), n.ids, n.ratio), (0, Some(vec![]), None));
        let v: Viewer = serde_json::from_str(r#"{"user_id":1,"date":""}"#).unwrap();
        assert_eq!(v.date, None);
    }

    #[test]
    fn values_of_the_wrong_kind_are_refused_with_what_was_expected() {
        let bad = |json: &str| {
            serde_json::from_str::<Nested>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(bad(r#"{"viewers":null}"#).contains("expected a list"));
        assert!(bad(r#"{"viewers":[{"user_id":"x"}]}"#).contains("integer"));
        let date = r#"{"viewers":[{"user_id":1,"date":"16.03.2026"}]}"#;
        assert!(bad(date).contains("ISO 8601"), "{}", bad(date));
        assert!(bad(r#"{"viewers":[],"ratio":"NaN"}"#).contains("expected a number"));
        assert!(bad(r#"{"viewers":[],"ids":[true]}"#).contains("integer"));
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Keyed {
        #[serde(deserialize_with = "lenient")]
        messages: Map<Viewer>,
        #[serde(default, deserialize_with = "lenient")]
        groups: Option<Map<Vec<i64>>>,
        #[serde(default, deserialize_with = "lenient")]
        phones: Option<Map<String>>,
    }

    #[test]
    fn maps_keep_their_keys_in_order_and_take_php_lists_and_false() {
        let k: Keyed = serde_json::from_str(
            r#"{"messages":{"9":{"user_id":"1"},"10":{"user_id":2}},"groups":{"7":["1","2"]},"phones":false}"#,
        )
        .unwrap();
        assert_eq!(k.messages.keys().collect::<Vec<_>>(), ["9", "10"]);
        assert_eq!(k.messages["10"].user_id, 2);
        assert_eq!(k.groups.unwrap()["7"], vec![1, 2]);
        assert_eq!(k.phones, None);
        // PHP's empty array, and one with keys 0 and 1, arrive as lists.
        let k: Keyed = serde_json::from_str(r#"{"messages":[],"groups":[[5],[6]]}"#).unwrap();
        assert!(k.messages.is_empty());
        assert_eq!(
            k.groups.unwrap().into_iter().collect::<Vec<_>>(),
            [("0".to_string(), vec![5]), ("1".to_string(), vec![6])]
        );
        assert!(serde_json::from_str::<Keyed>(r#"{"messages":"x"}"#).is_err());
        assert!(serde_json::from_str::<Keyed>(r#"{"messages":{},"phones":true}"#).is_err());
    }
}
