//! The one place where Bitrix24 names become identifiers. Every target language takes its casing
//! from here, so `imopenlines.session.mode.pinAll` is `imopenlines_session_mode_pin_all` in Rust and
//! Python and `imopenlinesSessionModePinAll` in JavaScript, Kotlin and Swift.

use serde::Serialize;

/// One name in the casings the targets need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Idents {
    /// `imopenlines_session_mode_silent`, `chat_id`, `insufficient_scope`
    pub snake: String,
    /// `ImopenlinesSessionModeSilent`, `ChatId`, `InsufficientScope`
    pub pascal: String,
    /// `imopenlinesSessionModeSilent`, `chatId`, `insufficientScope`
    pub camel: String,
    /// `IMOPENLINES_SESSION_MODE_SILENT`, `CHAT_ID`, `INSUFFICIENT_SCOPE`
    pub screaming: String,
}

impl Idents {
    /// Builds every casing from a Bitrix24 name: a dotted method name, an upper-case wire name,
    /// an error code in either case, or a snake_case field name.
    pub fn from_name(name: &str) -> Idents {
        let words = words(name);
        let pascal: String = words.iter().map(|w| capitalize(w)).collect();
        let camel = match words.split_first() {
            Some((first, rest)) => {
                let mut s = first.clone();
                s.extend(rest.iter().map(|w| capitalize(w)));
                s
            }
            None => String::new(),
        };
        Idents {
            snake: words.join("_"),
            screaming: words.join("_").to_ascii_uppercase(),
            pascal,
            camel,
        }
    }
}

/// Identifiers of an error, from its code (or its explicit `name`): a leading or trailing
/// `error` word is dropped, so `ERROR_METHOD_NOT_FOUND` is `MethodNotFound` and
/// `user_access_error` is `UserAccess`; class names then add one `Error`.
pub fn error_idents(code_or_name: &str) -> Idents {
    let mut w = words(code_or_name);
    if w.len() > 1 && w.first().is_some_and(|x| x == "error") {
        w.remove(0);
    }
    if w.len() > 1 && w.last().is_some_and(|x| x == "error") {
        w.pop();
    }
    Idents::from_name(&w.join("_"))
}

/// Lower-case words of a name: split on `.`, `_` and `-`, and at each lower→upper change inside
/// a camelCase segment (`pinAll` → `pin`, `all`); an all-caps segment stays one word.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for segment in name.split(['.', '_', '-']).filter(|s| !s.is_empty()) {
        let mut current = String::new();
        let mut prev_lower = false;
        for ch in segment.chars() {
            if ch.is_ascii_uppercase() && prev_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
            current.push(ch.to_ascii_lowercase());
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Rust keywords that cannot be used as plain identifiers.
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield", "gen",
];

/// A snake_case identifier made safe for Rust (`type` → `r#type`).
pub fn rust_ident(snake: &str) -> String {
    if RUST_KEYWORDS.contains(&snake) {
        format!("r#{snake}")
    } else {
        snake.to_string()
    }
}

/// Python keywords and soft keywords that cannot name a parameter.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A snake_case name made safe for Python (`from` → `from_`).
pub fn python_ident(snake: &str) -> String {
    if PYTHON_KEYWORDS.contains(&snake) {
        format!("{snake}_")
    } else {
        snake.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_map_to_every_casing() {
        let ids = Idents::from_name("imopenlines.session.mode.pinAll");
        assert_eq!(ids.snake, "imopenlines_session_mode_pin_all");
        assert_eq!(ids.pascal, "ImopenlinesSessionModePinAll");
        assert_eq!(ids.camel, "imopenlinesSessionModePinAll");
        assert_eq!(ids.screaming, "IMOPENLINES_SESSION_MODE_PIN_ALL");
    }

    #[test]
    fn wire_names_and_codes_map_to_every_casing() {
        assert_eq!(Idents::from_name("CHAT_ID").camel, "chatId");
        assert_eq!(Idents::from_name("CHAT_ID").pascal, "ChatId");
        assert_eq!(
            Idents::from_name("insufficient_scope").pascal,
            "InsufficientScope"
        );
        assert_eq!(Idents::from_name("date_start").camel, "dateStart");
    }

    #[test]
    fn error_words_are_not_repeated() {
        assert_eq!(
            error_idents("ERROR_METHOD_NOT_FOUND").pascal,
            "MethodNotFound"
        );
        assert_eq!(
            error_idents("INTERNAL_SERVER_ERROR").pascal,
            "InternalServer"
        );
        assert_eq!(error_idents("user_access_error").pascal, "UserAccess");
        assert_eq!(error_idents("CHAT_ID").pascal, "ChatId");
        assert_eq!(error_idents("ERROR").pascal, "Error");
    }

    #[test]
    fn keywords_are_escaped_for_rust_and_python() {
        assert_eq!(rust_ident("type"), "r#type");
        assert_eq!(rust_ident("chat_id"), "chat_id");
        assert_eq!(python_ident("from"), "from_");
        assert_eq!(python_ident("type"), "type");
    }
}
