//! The template engine: minijinja with strict undefined variables (a typo fails instead of
//! rendering empty) and the few filters templates need to write source code safely.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::Error;

pub(crate) struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    pub(crate) fn new(templates_dir: &Path) -> Renderer {
        let mut env = Environment::new();
        env.set_loader(minijinja::path_loader(templates_dir));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        // Source code, not HTML or JSON: templates escape explicitly (`rust_str`, `tojson`).
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.add_filter("rust_str", rust_str);
        env.add_filter("doc", doc);
        env.add_filter("rust_bool", |b: bool| b.to_string());
        Renderer { env }
    }

    pub(crate) fn render(&self, template: &str, ctx: impl Serialize) -> Result<String, Error> {
        let tmpl = self
            .env
            .get_template(template)
            .map_err(|source| Error::Template {
                template: template.to_string(),
                detail: format!("{source:#}"),
            })?;
        tmpl.render(ctx).map_err(|source| Error::Template {
            template: template.to_string(),
            detail: format!("{source:#}"),
        })
    }
}

/// A Rust string literal for any text (Rust's own `Debug` escaping is valid literal syntax).
fn rust_str(value: String) -> String {
    format!("{value:?}")
}

/// Text as comment lines: each line starts with `prefix`, words wrap at 100 columns, and blank
/// lines keep the prefix without trailing spaces.
fn doc(text: String, prefix: String) -> String {
    const WIDTH: usize = 100;
    let bare = prefix.trim_end();
    let room = WIDTH.saturating_sub(prefix.len()).max(40);
    let mut out = Vec::new();
    for paragraph in text.trim().split('\n') {
        if paragraph.trim().is_empty() {
            out.push(bare.to_string());
            continue;
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > room {
                out.push(format!("{prefix}{line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(format!("{prefix}{line}"));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_wraps_and_prefixes_every_line() {
        let text = "word ".repeat(40);
        let out = doc(text, "/// ".to_string());
        assert!(out.lines().count() > 1);
        assert!(out.lines().all(|l| l.starts_with("/// ") && l.len() <= 100));
    }

    #[test]
    fn doc_keeps_blank_lines_without_trailing_space() {
        assert_eq!(doc("a\n\nb".into(), "//! ".into()), "//! a\n//!\n//! b");
    }

    #[test]
    fn rust_str_escapes_quotes_and_newlines() {
        assert_eq!(rust_str("a \"b\"\n".into()), r#""a \"b\"\n""#);
    }

    #[test]
    fn strict_templates_fail_on_unknown_variables() {
        let dir = std::env::temp_dir().join(format!("b24kit-render-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("t.j2"), "{{ nope }}").unwrap();
        let r = Renderer::new(&dir);
        let err = r.render("t.j2", minijinja::context! {}).unwrap_err();
        assert!(err.to_string().contains("t.j2"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
