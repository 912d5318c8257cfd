//! Where a method's spec and its page in the documentation disagree: parameters, result, error
//! codes. Each disagreement is a [`Finding`] for a person to settle, in the spec or (for a code
//! portals still send) by marking the spec's error `legacy`.

use std::fmt;

use super::page::{Page, Row};
use crate::spec::model::{EventSpec, FieldType, Method, ParamType, ResultField, Spec};

/// One disagreement between a spec and a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The page documents another method.
    OtherMethod {
        page: String,
    },
    /// The page names another scope.
    Scope {
        spec: String,
        page: String,
    },
    ParamMissingInSpec {
        name: String,
        page_type: String,
    },
    ParamNotOnPage {
        name: String,
    },
    ParamRequired {
        name: String,
        spec: bool,
        page: bool,
    },
    ParamType {
        name: String,
        spec: String,
        page: String,
    },
    ResultType {
        spec: String,
        page: String,
    },
    FieldMissingInSpec {
        name: String,
        page_type: String,
    },
    FieldNotOnPage {
        name: String,
    },
    FieldType {
        name: String,
        spec: String,
        page: String,
    },
    ErrorMissingInSpec {
        code: String,
        status: Option<u16>,
    },
    /// The spec lists a code the page does not, and does not mark it `legacy`.
    ErrorNotOnPage {
        code: String,
    },
    /// The spec marks a code `legacy`, yet the page lists it.
    LegacyErrorOnPage {
        code: String,
    },
    ErrorStatus {
        code: String,
        spec: u16,
        page: u16,
    },
    /// An event page without a `data` row that links the table of its fields.
    EventDataMissing,
    /// A parameter or field of an enum whose values are not those the page lists.
    EnumValues {
        name: String,
        /// The enum's values the page does not list.
        not_on_page: Vec<String>,
        /// The page's values the enum does not name.
        not_in_spec: Vec<String>,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::OtherMethod { page } => write!(f, "the page documents {page}"),
            Finding::EventDataMissing => {
                write!(f, "the page has no `data` row linking the table of its fields")
            }
            Finding::Scope { spec, page } => write!(f, "scope: spec {spec}, page {page}"),
            Finding::ParamMissingInSpec { name, page_type } => {
                write!(f, "parameter {name} ({page_type}) is on the page, not in the spec")
            }
            Finding::ParamNotOnPage { name } => {
                write!(f, "parameter {name} is in the spec, not on the page")
            }
            Finding::ParamRequired { name, spec, page } => write!(
                f,
                "parameter {name}: required in the spec {spec}, on the page {page}"
            ),
            Finding::ParamType { name, spec, page } => {
                write!(f, "parameter {name}: spec type {spec}, page type {page}")
            }
            Finding::ResultType { spec, page } => {
                write!(f, "result: spec type {spec}, page type {page}")
            }
            Finding::FieldMissingInSpec { name, page_type } => {
                write!(f, "field {name} ({page_type}) is on the page, not in the spec")
            }
            Finding::FieldNotOnPage { name } => {
                write!(f, "field {name} is in the spec, not on the page")
            }
            Finding::FieldType { name, spec, page } => {
                write!(f, "field {name}: spec type {spec}, page type {page}")
            }
            Finding::ErrorMissingInSpec { code, status } => match status {
                Some(status) => write!(f, "error {code} ({status}) is on the page, not in the spec"),
                None => write!(f, "error {code} is on the page, not in the spec"),
            },
            Finding::ErrorNotOnPage { code } => write!(
                f,
                "error {code} is in the spec, not on the page (mark it legacy if portals still send it)"
            ),
            Finding::LegacyErrorOnPage { code } => {
                write!(f, "error {code} is marked legacy, yet the page lists it")
            }
            Finding::ErrorStatus { code, spec, page } => {
                write!(f, "error {code}: spec status {spec}, page status {page}")
            }
            Finding::EnumValues {
                name,
                not_on_page,
                not_in_spec,
            } => {
                write!(f, "values of {name}:")?;
                if !not_in_spec.is_empty() {
                    write!(f, " the page lists {}, the spec does not", not_in_spec.join(", "))?;
                }
                if !not_in_spec.is_empty() && !not_on_page.is_empty() {
                    f.write_str(";")?;
                }
                if !not_on_page.is_empty() {
                    write!(f, " the spec names {}, the page does not", not_on_page.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// Compares a method's spec with its page.
pub fn compare(spec: &Spec, method: &Method, page: &Page) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(name) = page.method.as_ref().filter(|name| **name != method.name) {
        findings.push(Finding::OtherMethod { page: name.clone() });
    }
    if let Some(scope) = page.scope.as_ref().filter(|scope| **scope != method.scope) {
        findings.push(Finding::Scope {
            spec: method.scope.clone(),
            page: scope.clone(),
        });
    }
    compare_params(spec, method, page, &mut findings);
    compare_result(spec, method, page, &mut findings);
    compare_errors(method, page, &mut findings);
    findings
}

/// Compares an event's spec with its page: the scope, and the fields of `data` (at any depth)
/// against the tables the page's `data` row leads to.
pub fn compare_event(spec: &Spec, event: &EventSpec, page: &Page) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(scope) = page.scope.as_ref().filter(|scope| **scope != event.scope) {
        findings.push(Finding::Scope {
            spec: event.scope.clone(),
            page: scope.clone(),
        });
    }
    let table = page
        .handler
        .iter()
        .find(|row| row.name == "data")
        .and_then(|row| row.link.as_deref())
        .and_then(|anchor| page.object_table(anchor));
    match table {
        Some(table) => compare_fields(
            spec,
            page,
            "data.",
            &event.data_fields,
            &table.rows,
            &mut findings,
            1,
        ),
        None => findings.push(Finding::EventDataMissing),
    }
    findings
}

fn compare_params(spec: &Spec, method: &Method, page: &Page, findings: &mut Vec<Finding>) {
    for row in &page.params {
        let Some(param) = method.params.iter().find(|p| p.wire == row.name) else {
            findings.push(Finding::ParamMissingInSpec {
                name: row.name.clone(),
                page_type: row.ty.clone(),
            });
            continue;
        };
        if param.required != row.required {
            findings.push(Finding::ParamRequired {
                name: row.name.clone(),
                spec: param.required,
                page: row.required,
            });
        }
        if !param_type_matches(param.ty, &row.ty) {
            findings.push(Finding::ParamType {
                name: row.name.clone(),
                spec: type_name(&param.ty),
                page: row.ty.clone(),
            });
        }
        if let Some(name) = &param.enum_name {
            compare_enum(spec, &row.name, name, row, findings);
        }
    }
    for param in &method.params {
        if !page.params.iter().any(|row| row.name == param.wire) {
            findings.push(Finding::ParamNotOnPage {
                name: param.wire.clone(),
            });
        }
    }
}

fn compare_result(spec: &Spec, method: &Method, page: &Page, findings: &mut Vec<Finding>) {
    let Some(result) = page.result() else {
        return;
    };
    if method.result.type_name.is_none() {
        if !field_type_matches(&method.result.ty, &result.ty) {
            findings.push(Finding::ResultType {
                spec: method.result.ty.to_string(),
                page: result.ty.clone(),
            });
        } else {
            // A value, which may be (a list of) a named type described by a linked table.
            compare_value(spec, page, "result", &method.result.ty, result, findings, 0);
        }
        return;
    }
    if result.ty != "object" {
        findings.push(Finding::ResultType {
            spec: "object".to_string(),
            page: result.ty.clone(),
        });
    }
    let rows: &[Row] = page.result_object().map_or(&[], |table| &table.rows);
    compare_fields(
        spec,
        page,
        "result.",
        &method.result.fields,
        rows,
        findings,
        0,
    );
}

/// One value's type against its row, then what the row links: an object's table (a list's
/// items are described by theirs), or for a map the table with one row for any key
/// (`<messageId>`), whose own row describes the values.
fn compare_value(
    spec: &Spec,
    page: &Page,
    name: &str,
    ty: &FieldType,
    row: &Row,
    findings: &mut Vec<Finding>,
    depth: usize,
) {
    if !field_type_matches(ty, &row.ty) {
        findings.push(Finding::FieldType {
            name: name.to_string(),
            spec: type_name(ty),
            page: row.ty.clone(),
        });
    }
    if let Some(enum_name) = ty.enum_name() {
        compare_enum(spec, name, enum_name, row, findings);
    }
    let table = row
        .link
        .as_deref()
        .and_then(|anchor| page.object_table(anchor));
    let (Some(table), true) = (table, depth < MAX_DEPTH) else {
        return;
    };
    match ty {
        FieldType::Map(item) => {
            if let [any_key] = table.rows.as_slice() {
                if any_key.name.contains('<') {
                    let name = format!("{name}.<key>");
                    compare_value(spec, page, &name, item, any_key, findings, depth + 1);
                }
            }
        }
        _ => {
            if let Some(object) = ty.object_name().and_then(|t| spec.object_type(t)) {
                let prefix = format!("{name}.");
                compare_fields(
                    spec,
                    page,
                    &prefix,
                    &object.fields,
                    &table.rows,
                    findings,
                    depth + 1,
                );
            }
        }
    }
}

/// How deep nested tables are followed: pages nest a few levels; links that loop stop here.
const MAX_DEPTH: usize = 8;

/// The fields of an object against a table of rows, and, where a row links the table of its
/// object, that object's fields against that table (names then read `restrictions.avatar`).
fn compare_fields(
    spec: &Spec,
    page: &Page,
    prefix: &str,
    fields: &[ResultField],
    rows: &[Row],
    findings: &mut Vec<Finding>,
    depth: usize,
) {
    for row in rows {
        let name = format!("{prefix}{}", row.name);
        let Some(field) = fields.iter().find(|f| f.name == row.name) else {
            findings.push(Finding::FieldMissingInSpec {
                name,
                page_type: row.ty.clone(),
            });
            continue;
        };
        compare_value(spec, page, &name, &field.ty, row, findings, depth);
    }
    for field in fields {
        if !rows.iter().any(|row| row.name == field.name) {
            findings.push(Finding::FieldNotOnPage {
                name: format!("{prefix}{}", field.name),
            });
        }
    }
}

/// The values of the enum `enum_name` against those the row lists, when it lists any (a page
/// may describe the values elsewhere, or not at all).
fn compare_enum(spec: &Spec, name: &str, enum_name: &str, row: &Row, findings: &mut Vec<Finding>) {
    let Some(declared) = spec.enums().find(|e| e.name == enum_name) else {
        return;
    };
    if row.values.is_empty() {
        return;
    }
    let named: Vec<&str> = declared.values.iter().map(|v| v.wire.as_str()).collect();
    let not_on_page: Vec<String> = named
        .iter()
        .filter(|v| !row.values.iter().any(|listed| listed == *v))
        .map(|v| v.to_string())
        .collect();
    let not_in_spec: Vec<String> = row
        .values
        .iter()
        .filter(|listed| !named.contains(&listed.as_str()))
        .cloned()
        .collect();
    if !not_on_page.is_empty() || !not_in_spec.is_empty() {
        findings.push(Finding::EnumValues {
            name: name.to_string(),
            not_on_page,
            not_in_spec,
        });
    }
}

fn compare_errors(method: &Method, page: &Page, findings: &mut Vec<Finding>) {
    for documented in &page.errors {
        match method.errors.iter().find(|e| e.code == documented.code) {
            None => findings.push(Finding::ErrorMissingInSpec {
                code: documented.code.clone(),
                status: documented.status,
            }),
            Some(error) => {
                if error.legacy {
                    findings.push(Finding::LegacyErrorOnPage {
                        code: error.code.clone(),
                    });
                }
                if let Some(status) = documented.status.filter(|s| *s != error.status) {
                    findings.push(Finding::ErrorStatus {
                        code: error.code.clone(),
                        spec: error.status,
                        page: status,
                    });
                }
            }
        }
    }
    for error in &method.errors {
        if !error.legacy && !page.errors.iter().any(|e| e.code == error.code) {
            findings.push(Finding::ErrorNotOnPage {
                code: error.code.clone(),
            });
        }
    }
}

/// A spec type as the spec writes it (`integer_list`).
fn type_name(ty: &impl serde::Serialize) -> String {
    serde_json::to_value(ty)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn param_type_matches(spec: ParamType, page: &str) -> bool {
    match spec {
        ParamType::Integer => page == "integer",
        ParamType::String | ParamType::Enum => page == "string",
        ParamType::IntegerEnum => matches!(page, "integer" | "string"),
        // Sent as one of two strings (`Y`/`N`); pages write it as a string or a boolean.
        ParamType::Flag => matches!(page, "string" | "boolean" | "char"),
        ParamType::Json | ParamType::Object => matches!(page, "object" | "array"),
    }
}

fn field_type_matches(spec: &FieldType, page: &str) -> bool {
    match spec {
        FieldType::Integer => page == "integer",
        FieldType::Number => matches!(page, "double" | "float" | "number"),
        FieldType::String => matches!(page, "string" | "date"),
        FieldType::Date => matches!(page, "date" | "string"),
        // A flag the portal sends as `Y`/`N`, which pages write as a string or a char, as they
        // do for flag parameters.
        FieldType::Boolean => matches!(page, "boolean" | "string" | "char"),
        FieldType::Datetime => matches!(page, "datetime" | "string"),
        // Whatever the page says: the value is kept as sent.
        FieldType::Json => true,
        // Text that names one of the enum's values.
        FieldType::Enum(_) => matches!(page, "string" | "char"),
        // An integer code, which some pages write as text (`"2"`).
        FieldType::IntegerEnum(_) => matches!(page, "integer" | "string"),
        FieldType::List(_) => page == "array" || page.ends_with("[]"),
        FieldType::Object(_) | FieldType::Map(_) => page == "object",
    }
}
