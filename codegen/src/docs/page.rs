//! The facts of one method or event page of the official documentation (`bitrix24/b24restdocs`,
//! `api-reference/…`): its method name and scope, the parameter table, the returned-data table and
//! the tables of the objects it describes, and the error table — or, for an event, the table of
//! what the handler receives and the tables of its objects. Prose is not read.
//!
//! Pages write tables in YFM's multiline syntax: a table between `#|` and `|#`, each row between
//! `||` and `||`, cells separated by `|`. A name cell reads ``**NAME**`` (a trailing `*` marks
//! a required parameter) followed by its type in backticks, usually a link:
//! ``[`integer`](../data-types.md)``.

/// What a page says about its method.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Page {
    /// The method named at the end of the page's title.
    pub method: Option<String>,
    /// The scope the page's header names.
    pub scope: Option<String>,
    /// The rows of the table under "Method Parameters".
    pub params: Vec<Row>,
    /// Tables under "Method Parameters" that describe a parameter's object, by heading.
    pub param_objects: Vec<ObjectTable>,
    /// The rows of "Returned Data" (`result`, `time`).
    pub returned: Vec<Row>,
    /// The other tables under "Response Handling": the objects the result is made of (on an
    /// event page, those under "What the Handler Receives": the objects of `data`).
    pub result_objects: Vec<ObjectTable>,
    /// An event page's table of what the handler receives (`event`, `data`, `ts`, `auth`, …).
    pub handler: Vec<Row>,
    /// The rows of the error table under "Error Handling".
    pub errors: Vec<DocError>,
}

/// A parameter or field: its name, documented type and whether it is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    /// The type as the page writes it (`integer`, `string`, `object`, `array`, …); empty when
    /// the page gives none.
    pub ty: String,
    /// A parameter marked with `*`; fields are never marked.
    pub required: bool,
    /// The anchor of the table describing the row's object (`restrictions` for a description
    /// that links `(#restrictions)`).
    pub link: Option<String>,
    /// The values a description lists after "Possible values" (`- \`lead\` — a lead`), in
    /// page order; empty when it lists none.
    pub values: Vec<String>,
}

/// A table describing one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectTable {
    /// The heading above the table, without its `{#anchor}`.
    pub heading: String,
    /// The anchor other tables link to (`result` for `{#result}`), when the heading has one.
    pub anchor: Option<String>,
    pub rows: Vec<Row>,
}

/// One row of the error table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// The HTTP status, when the table has a status column.
    pub status: Option<u16>,
    pub code: String,
    /// The message the portal sends with the code (the table's description column).
    pub message: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Other,
    Parameters,
    Response,
    Errors,
    /// "What the Handler Receives", on an event page.
    Handler,
}

impl Page {
    /// Reads a page's Markdown.
    pub fn parse(text: &str) -> Page {
        let mut page = Page::default();
        let mut section = Section::Other;
        let mut heading = String::new();
        let mut table: Option<Vec<&str>> = None;
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some(lines) = table.as_mut() {
                if trimmed == "|#" {
                    let rows = table_rows(&lines.join("\n"));
                    page.add_table(section, &heading, rows);
                    table = None;
                } else {
                    lines.push(line);
                }
                continue;
            }
            if trimmed == "#|" {
                table = Some(Vec::new());
            } else if let Some(title) = trimmed.strip_prefix("# ") {
                page.method = title
                    .split_whitespace()
                    .last()
                    .filter(|word| word.contains('.'))
                    .map(str::to_string);
            } else if let Some(h2) = trimmed.strip_prefix("## ") {
                section = section_of(h2);
                heading.clear();
                // Some pages give "Returned Data" a section of its own, after the response.
                if is_returned_data(h2) {
                    heading = h2.to_string();
                }
            } else if let Some(sub) = sub_heading(trimmed) {
                heading = sub.to_string();
            } else if trimmed.starts_with("> Scope:") && page.scope.is_none() {
                page.scope = first_code_span(trimmed).map(str::to_string);
            }
        }
        page
    }

    /// The `result` row of "Returned Data".
    pub fn result(&self) -> Option<&Row> {
        self.returned.iter().find(|row| row.name == "result")
    }

    /// The table of the result's fields: the one anchored `result`, else the first object
    /// table of the response.
    pub fn result_object(&self) -> Option<&ObjectTable> {
        self.result_objects
            .iter()
            .find(|table| table.anchor.as_deref() == Some("result"))
            .or_else(|| self.result_objects.first())
    }

    /// The response table anchored `anchor`.
    pub fn object_table(&self, anchor: &str) -> Option<&ObjectTable> {
        self.result_objects
            .iter()
            .find(|table| table.anchor.as_deref() == Some(anchor))
    }

    fn add_table(&mut self, section: Section, heading: &str, rows: Vec<Vec<String>>) {
        let Some((header, body)) = rows.split_first() else {
            return;
        };
        match section {
            Section::Parameters if heading.is_empty() => {
                self.params = body.iter().filter_map(|r| name_row(r)).collect()
            }
            Section::Parameters => self.param_objects.push(object_table(heading, body)),
            Section::Response if heading.starts_with("Returned Data") => {
                self.returned = body.iter().filter_map(|r| name_row(r)).collect()
            }
            Section::Response | Section::Handler if !heading.is_empty() => {
                self.result_objects.push(object_table(heading, body))
            }
            Section::Handler => self.handler = body.iter().filter_map(|r| name_row(r)).collect(),
            Section::Errors => {
                let column = |name: &str| header.iter().position(|h| unmark(h) == name);
                let (Some(code), Some(message)) = (column("Code"), column("Description")) else {
                    return;
                };
                let status = column("Status");
                self.errors.extend(body.iter().filter_map(|row| {
                    Some(DocError {
                        status: status
                            .and_then(|i| row.get(i))
                            .and_then(|cell| unmark(cell).parse().ok()),
                        code: unmark(row.get(code)?).to_string(),
                        message: unmark(row.get(message)?).to_string(),
                    })
                }));
            }
            _ => {}
        }
    }
}

/// The text of a heading below a section (`###` to `######`), which names the table after it.
fn sub_heading(line: &str) -> Option<&str> {
    let level = line.chars().take_while(|c| *c == '#').count();
    (3..=6)
        .contains(&level)
        .then(|| line[level..].strip_prefix(' '))
        .flatten()
}

fn is_returned_data(heading: &str) -> bool {
    heading.to_ascii_lowercase().starts_with("returned data")
}

fn section_of(heading: &str) -> Section {
    let heading = heading.to_ascii_lowercase();
    if heading.starts_with("method parameters") || heading == "parameters" {
        Section::Parameters
    } else if heading.starts_with("response handling") || is_returned_data(&heading) {
        Section::Response
    } else if heading.starts_with("error handling") {
        Section::Errors
    } else if heading.starts_with("what the handler receives") {
        Section::Handler
    } else {
        Section::Other
    }
}

fn object_table(heading: &str, body: &[Vec<String>]) -> ObjectTable {
    let (heading, anchor) = match heading.rsplit_once("{#") {
        Some((text, anchor)) => (
            text.trim().to_string(),
            Some(anchor.trim_end_matches('}').to_string()),
        ),
        None => (heading.trim().to_string(), None),
    };
    ObjectTable {
        heading,
        anchor,
        rows: body.iter().filter_map(|r| name_row(r)).collect(),
    }
}

/// A row whose first cell is ``**NAME**`` (maybe followed by `*`) and a type in backticks.
fn name_row(row: &[String]) -> Option<Row> {
    let cell = row.first()?;
    let rest = cell.trim_start().strip_prefix("**")?;
    let (name, after) = rest.split_once("**")?;
    let required = after.starts_with('*');
    let link = row[1..].iter().find_map(|cell| {
        let start = cell.find("](#")? + 3;
        let end = start + cell[start..].find(')')?;
        Some(cell[start..end].to_string())
    });
    Some(Row {
        name: name.trim().to_string(),
        ty: first_code_span(after).unwrap_or_default().to_string(),
        required,
        link,
        values: row[1..]
            .iter()
            .flat_map(|cell| listed_values(cell))
            .collect(),
    })
}

/// The values a description cell lists: the code span opening each `- ` item after "Possible
/// values" or "Allowed values" (other lists, such as "Possible fields", name no values).
fn listed_values(cell: &str) -> Vec<String> {
    let lower = cell.to_lowercase();
    let Some(at) = ["possible values", "allowed values"]
        .iter()
        .find_map(|intro| lower.find(intro))
    else {
        return Vec::new();
    };
    cell[at..]
        .lines()
        .skip(1)
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| line.starts_with("- "))
        .filter_map(|item| {
            let item = item[2..].trim_start();
            item.starts_with('`')
                .then(|| first_code_span(item))
                .flatten()
                .map(str::to_string)
        })
        .collect()
}

/// The rows of a table body (the text between `#|` and `|#`), each split into cells.
fn table_rows(body: &str) -> Vec<Vec<String>> {
    split_outside_code(body, "||")
        .into_iter()
        .filter(|row| !row.trim().is_empty())
        .map(|row| {
            split_outside_code(&row, "|")
                .into_iter()
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// Splits at `separator` except inside code spans (a cell may show ``a|b`` in backticks).
fn split_outside_code(text: &str, separator: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut in_code = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code && rest.starts_with(separator) {
            parts.push(String::new());
            rest = &rest[separator.len()..];
            continue;
        }
        parts.last_mut().expect("never empty").push(c);
        rest = &rest[c.len_utf8()..];
    }
    parts
}

fn first_code_span(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let end = start + text[start..].find('`')?;
    Some(&text[start..end])
}

/// A cell's text without bold or code marks.
fn unmark(cell: &str) -> &str {
    cell.trim().trim_matches('*').trim_matches('`').trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page in the documentation's layout, with text of our own.
    const PAGE: &str = "# Do a thing with a widget widgets.thing.do

> Scope: [`widgets`](../scopes.md)
>
> Who may call it: anyone

## Method Parameters

#|
|| **Name**
`type` | **Description** ||
|| **WIDGET_ID***
[`integer`](../data-types.md) | Which widget. ||
|| **MODE**
[`string`](../data-types.md) | How: `a|b` picks one. ||
|| **OPTIONS**
[`object`](../data-types.md) | See [below](#options) ||
|#

### Parameter OPTIONS {#options}

#|
|| **Name**
`type` | **Description** ||
|| **depth**
[`integer`](../data-types.md) | How deep. ||
|#

## Response Handling

HTTP status: **200**

### Returned Data

#|
|| **Name**
`type` | **Description** ||
|| **result**
[`object`](../data-types.md) | [(fields)](#result) ||
|| **time**
[`time`](../data-types.md#time) | Timing. ||
|#

### Result Object {#result}

#|
|| **Name**
`type` | **Description** ||
|| **id**
[`integer`](../data-types.md) | The widget. ||
|| **tags**
[`array`](../data-types.md) | Its tags. ||
|#

## Error Handling

### Possible Error Codes

#|
|| **Status** | **Code** | **Description** | **Value** ||
|| `400` | `WIDGET_ID_EMPTY` | Widget ID can't be empty | `WIDGET_ID` missing ||
|| `403` | `ACCESS_DENIED` | Access denied | Not yours ||
|#
";

    #[test]
    fn reads_the_facts_of_a_page() {
        let page = Page::parse(PAGE);
        assert_eq!(page.method.as_deref(), Some("widgets.thing.do"));
        assert_eq!(page.scope.as_deref(), Some("widgets"));
        let params: Vec<(&str, &str, bool)> = page
            .params
            .iter()
            .map(|r| (r.name.as_str(), r.ty.as_str(), r.required))
            .collect();
        assert_eq!(
            params,
            [
                ("WIDGET_ID", "integer", true),
                ("MODE", "string", false),
                ("OPTIONS", "object", false)
            ]
        );
        assert_eq!(page.param_objects.len(), 1);
        assert_eq!(page.param_objects[0].anchor.as_deref(), Some("options"));
        assert_eq!(page.param_objects[0].rows[0].name, "depth");
        let returned: Vec<&str> = page.returned.iter().map(|r| r.ty.as_str()).collect();
        assert_eq!(returned, ["object", "time"]);
        assert_eq!(page.result_objects[0].heading, "Result Object");
        assert_eq!(page.result_objects[0].anchor.as_deref(), Some("result"));
        assert_eq!(page.result_objects[0].rows[1].ty, "array");
        assert_eq!(
            page.errors,
            [
                DocError {
                    status: Some(400),
                    code: "WIDGET_ID_EMPTY".into(),
                    message: "Widget ID can't be empty".into()
                },
                DocError {
                    status: Some(403),
                    code: "ACCESS_DENIED".into(),
                    message: "Access denied".into()
                },
            ]
        );
    }

    #[test]
    fn returned_data_as_a_section_and_object_tables_under_deeper_headings() {
        let table =
            |rows: &str| format!("#|\n|| **Name**\n`type` | **Description** ||\n{rows}|#\n");
        let result_rows = "|| **result**\n[`array`](x.md) | Chats [(details)](#result-item) ||\n|| **time**\n[`time`](x.md) | Time ||\n";
        let item_rows = "|| **CHAT_ID**\n[`string`](x.md) | Chat ||\n";
        // Returned data in a section of its own, its item object under `###`.
        let own_section = format!(
            "## Response Handling\n\n## Returned Data\n\n{}\n### Result Object {{#result-item}}\n\n{}",
            table(result_rows),
            table(item_rows)
        );
        // Returned data under `###`, its item object under `####`.
        let nested = format!(
            "## Response Handling\n\n### Returned Data\n\n{}\n#### Result Object {{#result-item}}\n\n{}",
            table(result_rows),
            table(item_rows)
        );
        for text in [own_section, nested] {
            let page = Page::parse(&text);
            let result = page.result().expect("the result row is read");
            assert_eq!(
                (result.ty.as_str(), result.link.as_deref()),
                ("array", Some("result-item"))
            );
            let item = page
                .object_table("result-item")
                .expect("the item table is read");
            assert_eq!(item.rows[0].name, "CHAT_ID");
        }
    }

    #[test]
    fn an_error_table_without_a_status_column_and_a_page_without_tables() {
        let page = Page::parse(
            "# Title only\n\n## Error Handling\n\n#|\n|| **Code** | **Description** ||\n|| `X` | Broke ||\n|#\n",
        );
        assert_eq!(page.method, None);
        assert_eq!(
            page.errors,
            [DocError {
                status: None,
                code: "X".into(),
                message: "Broke".into()
            }]
        );
        assert_eq!(Page::parse(""), Page::default());
    }
}
