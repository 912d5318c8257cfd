//! A first spec for a method, drafted from its page: the facts the page's tables give (name,
//! scope, parameters with their types and whether they are required, the values a parameter
//! takes — a flag's `Y`/`N`, an enum's list —, the result and its fields, error codes with
//! status and message). Everything a person must write or decide is `TODO`;
//! the loader refuses a draft until it is done.

use std::fmt::Write;

use super::page::{ObjectTable, Page, Row};

/// The docs site every spec's `docs_url` points at; a page's path there is its path in the
/// docs repository with `.html` for `.md`.
pub const DOCS_SITE: &str = "https://apidocs.bitrix24.com/";

/// The page path in the docs repository that a spec's `docs_url` names.
pub fn page_path(docs_url: &str) -> Option<String> {
    let path = docs_url.strip_prefix(DOCS_SITE)?.strip_suffix(".html")?;
    Some(format!("{path}.md"))
}

/// A draft spec (YAML) for the page at `path` (relative to the docs repository).
pub fn draft(page: &Page, path: &str) -> String {
    let mut out = String::new();
    let url = format!("{DOCS_SITE}{}", path.trim_end_matches(".md")) + ".html";
    let _ = writeln!(
        out,
        "# Drafted by `b24kit-codegen docs draft` from bitrix24/b24restdocs {path}"
    );
    let _ = writeln!(
        out,
        "# (facts only). Write every TODO in your own words and check each fact."
    );
    let _ = writeln!(
        out,
        "name: {}",
        text(page.method.as_deref().unwrap_or("TODO"))
    );
    let _ = writeln!(
        out,
        "scope: {}",
        text(page.scope.as_deref().unwrap_or("TODO"))
    );
    let _ = writeln!(out, "summary: TODO");
    let _ = writeln!(out, "docs_url: {url}");
    let _ = writeln!(out, "doc: TODO");
    let _ = writeln!(
        out,
        "idempotent: TODO  # true only when repeating the call changes nothing"
    );
    // Parameters whose rows list values other than a flag's: each needs an enum.
    let mut enums: Vec<&Row> = Vec::new();
    if !page.params.is_empty() {
        let _ = writeln!(out, "params:");
        for row in &page.params {
            let _ = writeln!(out, "  - wire: {}", text(&row.name));
            if is_flag(row) {
                let _ = writeln!(out, "    type: flag");
                let _ = writeln!(out, "    values: [\"Y\", \"N\"]");
                if !row.required {
                    // The client always sends a flag, so it must know the portal's default.
                    let _ = writeln!(
                        out,
                        "    default: TODO  # \"Y\" or \"N\", what the portal assumes without it"
                    );
                }
            } else if !row.values.is_empty() {
                let _ = writeln!(
                    out,
                    "    type: TODO  # the name of the enum drafted for it under `enums:`"
                );
                enums.push(row);
            } else {
                let _ = writeln!(out, "    type: {}", param_type(row));
            }
            let _ = writeln!(out, "    required: {}", row.required);
            let _ = writeln!(out, "    doc: TODO");
        }
    }
    let result = page.result();
    let _ = writeln!(out, "result:");
    let _ = writeln!(out, "  type: {}", result.map_or("TODO".into(), result_type));
    let _ = writeln!(out, "  doc: TODO");
    // Object tables the result links, found on the way; each becomes a named type.
    let mut types: Vec<&ObjectTable> = Vec::new();
    if result.is_some_and(|row| row.ty == "object") {
        if let Some(object) = page.result_object() {
            let _ = writeln!(out, "  fields:");
            write_fields(&mut out, page, &object.rows, "    ", &mut types);
        }
    }
    let mut written = 0;
    while written < types.len() {
        if written == 0 {
            let _ = writeln!(out, "types:");
        }
        let table = types[written];
        written += 1;
        let _ = writeln!(out, "  - name: {}  # check the name", type_name(table));
        let _ = writeln!(out, "    doc: TODO");
        let _ = writeln!(out, "    fields:");
        write_fields(&mut out, page, &table.rows, "      ", &mut types);
    }
    if !enums.is_empty() {
        let _ = writeln!(out, "enums:");
        for row in enums {
            let _ = writeln!(out, "  - name: TODO  # PascalCase, for {}", row.name);
            let _ = writeln!(out, "    doc: TODO");
            let _ = writeln!(out, "    values:");
            // Integer codes the page lists for an integer are an enum of codes, which needs a
            // name per value.
            let codes = row.ty == "integer" && row.values.iter().all(|v| v.parse::<i64>().is_ok());
            for value in &row.values {
                if codes {
                    let _ = writeln!(out, "      - wire: {value}");
                    let _ = writeln!(out, "        name: TODO  # snake_case, for code {value}");
                } else {
                    let _ = writeln!(out, "      - wire: {}", text(value));
                }
                let _ = writeln!(out, "        doc: TODO");
            }
        }
    }
    if !page.errors.is_empty() {
        let _ = writeln!(out, "errors:");
        for error in &page.errors {
            let _ = writeln!(out, "  - code: {}", text(&error.code));
            match error.status {
                Some(status) => {
                    let _ = writeln!(out, "    status: {status}");
                }
                None => {
                    let _ = writeln!(out, "    status: TODO");
                }
            }
            let _ = writeln!(out, "    meaning: {}", text(&error.message));
            let _ = writeln!(out, "    when: TODO");
        }
    }
    out
}

/// A YAML scalar: JSON's string syntax is YAML's double-quoted style.
fn text(value: &str) -> String {
    serde_json::Value::String(value.to_string()).to_string()
}

/// A parameter the page says takes `Y` or `N`: a flag, a boolean in every language.
fn is_flag(row: &Row) -> bool {
    let mut values: Vec<&str> = row.values.iter().map(String::as_str).collect();
    values.sort_unstable();
    values == ["N", "Y"]
}

fn param_type(row: &Row) -> String {
    match row.ty.as_str() {
        "integer" | "string" => row.ty.clone(),
        "object" | "array" => "json".to_string(),
        other => format!("TODO  # the page says {}", text(other)),
    }
}

fn result_type(row: &Row) -> String {
    match row.ty.as_str() {
        "boolean" | "object" => row.ty.clone(),
        "integer[]" => "list<integer>".to_string(),
        other => format!("TODO  # the page says {}", text(other)),
    }
}

/// The fields of an object table; a row that links another table of the page gets that
/// table's type (queued in `types` once).
fn write_fields<'a>(
    out: &mut String,
    page: &'a Page,
    rows: &'a [Row],
    indent: &str,
    types: &mut Vec<&'a ObjectTable>,
) {
    for row in rows {
        let _ = writeln!(out, "{indent}- name: {}", text(&row.name));
        let _ = writeln!(out, "{indent}  type: {}", value_type(page, row, types));
        let _ = writeln!(out, "{indent}  required: TODO");
        let _ = writeln!(out, "{indent}  doc: TODO");
    }
}

/// A row's type: scalars as the page writes them; an object or list whose row links a table,
/// that table's type; a linked table with one row for any key (`<messageId>`), a map.
fn value_type<'a>(page: &'a Page, row: &'a Row, types: &mut Vec<&'a ObjectTable>) -> String {
    let linked = row.link.as_deref().and_then(|a| page.object_table(a));
    if let Some([any_key]) = linked.map(|t| t.rows.as_slice()) {
        if any_key.name.contains('<') {
            let item = value_type(page, any_key, types);
            return match item.strip_prefix("TODO  # ") {
                Some(said) => format!("TODO  # a map; its values: {said}"),
                None => format!("map<{item}>"),
            };
        }
    }
    let mut queue = |table: &'a ObjectTable| {
        if !types.iter().any(|t| std::ptr::eq(*t, table)) {
            types.push(table);
        }
        type_name(table)
    };
    match (row.ty.as_str(), linked) {
        ("integer" | "string" | "boolean" | "datetime", _) => row.ty.clone(),
        ("double" | "float", _) => "number".to_string(),
        ("object", Some(table)) => queue(table),
        ("array", Some(table)) => format!("list<{}>", queue(table)),
        (other, _) => format!("TODO  # the page says {}", text(other)),
    }
}

/// A type name from a table's heading: `Readed List Item Object` → `ReadedListItem`.
fn type_name(table: &ObjectTable) -> String {
    let heading = table.heading.trim_end_matches("Object").trim();
    let name: String = heading
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect();
    if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name
    } else {
        "TODO".to_string()
    }
}
