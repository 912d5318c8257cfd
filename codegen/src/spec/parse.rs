//! YAML text → the raw shapes, with errors that name the file, the line and the field instead of
//! a serde dump. (The YAML deserializer already prefixes messages with the field path, e.g.
//! `errors[0].status: invalid type …`.)

use serde::de::DeserializeOwned;

use super::error::SpecError;

pub(crate) fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, SpecError> {
    serde_yaml::from_str(text).map_err(|err: serde_yaml::Error| SpecError {
        file: file.to_string(),
        line_col: err.location().map(|l| (l.line(), l.column())),
        field: String::new(),
        message: plain_message(&err.to_string()),
    })
}

/// The message without its trailing location (reported separately) and with serde's backticks
/// turned into plain quotes.
fn plain_message(text: &str) -> String {
    let without_location = match text.rfind(" at line ") {
        Some(i) if is_location(&text[i..]) => &text[..i],
        _ => text,
    };
    without_location.replace('`', "\"")
}

/// ` at line 12 column 5`, exactly.
fn is_location(tail: &str) -> bool {
    let words: Vec<&str> = tail.split_whitespace().collect();
    matches!(words.as_slice(), ["at", "line", l, "column", c]
        if l.bytes().all(|b| b.is_ascii_digit()) && c.bytes().all(|b| b.is_ascii_digit()))
}
