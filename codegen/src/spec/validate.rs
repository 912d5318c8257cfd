//! Raw shapes → the validated model. Checks what serde cannot: names that must form identifiers,
//! duplicates, defaults that are not allowed values, and error codes that clients could not tell
//! apart. Every problem is collected, not just the first.

use std::collections::{BTreeSet, HashMap};

use super::error::{Collector, SpecError};
use super::model::*;
use super::raw;
use crate::naming::{error_idents, Idents};

pub(crate) fn time(raw: raw::TimeDef, c: &mut Collector) -> Time {
    let mut seen = HashMap::new();
    let mut fields = Vec::new();
    if raw.doc.trim().is_empty() {
        c.report("time.doc", "must not be empty");
    }
    for (i, f) in raw.fields.into_iter().enumerate() {
        let at = format!("time.fields[{i}]");
        if !is_snake_name(&f.name) {
            c.report(
                format!("{at}.name"),
                format!("{:?} is not a snake_case field name", f.name),
            );
        }
        if let Some(first) = seen.insert(f.name.clone(), i) {
            c.report(
                format!("{at}.name"),
                format!(
                    "duplicate field {:?} (first at time.fields[{first}])",
                    f.name
                ),
            );
        }
        check_doc(c, &format!("{at}.doc"), &f.doc);
        fields.push(TimeField {
            idents: Idents::from_name(&f.name),
            name: f.name,
            ty: f.ty,
            required: f.required,
            doc: f.doc.trim().to_string(),
        });
    }
    if fields.is_empty() {
        c.report("time.fields", "must list at least one field");
    }
    let budget_field = |role: &str, name: &str, required: bool, c: &mut Collector| {
        let at = format!("time.budget.{role}");
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            c.report(at, format!("{name:?} is not a field of time"));
            return None;
        };
        if field.ty == TimeFieldType::Datetime {
            c.report(
                at,
                format!("{name:?} is a date-time; the budget needs a number"),
            );
        } else if required && !field.required {
            c.report(at, format!("{name:?} must be a required field"));
        }
        Some(field.clone())
    };
    let used = budget_field("used_seconds", &raw.budget.used_seconds, false, c);
    let released = budget_field("released_at", &raw.budget.released_at, false, c);
    let answered = budget_field("answered_at", &raw.budget.answered_at, true, c);
    let placeholder = || TimeField {
        name: String::new(),
        ty: TimeFieldType::Seconds,
        required: true,
        doc: String::new(),
        idents: Idents::from_name(""),
    };
    Time {
        doc: raw.doc.trim().to_string(),
        // Only a spec without errors is used, so a placeholder never reaches a template.
        budget: TimeBudget {
            used_seconds: used.unwrap_or_else(placeholder),
            released_at: released.unwrap_or_else(placeholder),
            answered_at: answered.unwrap_or_else(placeholder),
        },
        fields,
    }
}

pub(crate) fn system_errors(raw: raw::SystemErrorsFile, c: &mut Collector) -> SystemErrors {
    let mut revision_ids = Vec::new();
    for (i, r) in raw.revisions.iter().enumerate() {
        if !is_kebab_name(&r.id) {
            c.report(
                format!("revisions[{i}].id"),
                format!("{:?} is not a lower-case kebab-case id", r.id),
            );
        }
        if revision_ids.contains(&r.id) {
            c.report(
                format!("revisions[{i}].id"),
                format!("duplicate revision {:?}", r.id),
            );
        }
        revision_ids.push(r.id.clone());
    }
    if revision_ids.is_empty() {
        c.report("revisions", "must list at least one documented revision");
    }

    let mut categories: Vec<Category> = Vec::new();
    for (i, cat) in raw.categories.into_iter().enumerate() {
        if !is_snake_name(&cat.name) {
            c.report(
                format!("categories[{i}].name"),
                format!("{:?} is not a snake_case name", cat.name),
            );
        }
        if categories.iter().any(|k| k.name == cat.name) {
            c.report(
                format!("categories[{i}].name"),
                format!("duplicate category {:?}", cat.name),
            );
        }
        check_doc(c, &format!("categories[{i}].doc"), &cat.doc);
        categories.push(Category {
            class_name: format!("{}Error", Idents::from_name(&cat.name).pascal),
            idents: Idents::from_name(&cat.name),
            name: cat.name,
            doc: cat.doc.trim().to_string(),
        });
    }

    let mut codes = CodeRegistry::default();
    let mut errors = Vec::new();
    for (i, e) in raw.errors.into_iter().enumerate() {
        let at = format!("errors[{i}]");
        codes.insert(c, &format!("{at}.code"), &e.code);
        check_doc(c, &format!("{at}.message"), &e.message);
        check_doc(c, &format!("{at}.meaning"), &e.meaning);
        let category = categories.iter().find(|k| k.name == e.category);
        if category.is_none() {
            c.report(
                format!("{at}.category"),
                format!(
                    "unknown category {:?}; declared: {}",
                    e.category,
                    categories
                        .iter()
                        .map(|k| k.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if e.status.is_empty() {
            c.report(
                format!("{at}.status"),
                "must give the status of at least one revision",
            );
        }
        for (revision, status) in &e.status {
            if !revision_ids.contains(revision) {
                c.report(
                    format!("{at}.status.{revision}"),
                    format!(
                        "unknown revision {revision:?}; declared: {}",
                        revision_ids.join(", ")
                    ),
                );
            }
            check_status(c, &format!("{at}.status.{revision}"), *status);
        }
        let statuses: Vec<RevisionStatus> = revision_ids
            .iter()
            .filter_map(|r| {
                e.status.get(r).map(|s| RevisionStatus {
                    revision: r.clone(),
                    status: *s,
                })
            })
            .collect();
        let distinct_statuses = e
            .status
            .values()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let idents = error_idents(e.name.as_deref().unwrap_or(&e.code));
        check_name(c, &format!("{at}.name"), e.name.as_deref());
        for (j, action) in e.reaction.iter().enumerate() {
            if e.reaction[..j].contains(action) {
                c.report(
                    format!("{at}.reaction[{j}]"),
                    format!("{action:?} is listed twice"),
                );
            }
        }
        let reacts = |action: raw::Action| e.reaction.contains(&action);
        if reacts(raw::Action::WaitForBudget) && e.retry == raw::RetryWhen::Never {
            c.report(
                format!("{at}.reaction"),
                "wait_for_budget waits before a retry, but retry is never",
            );
        }
        if let Some(status) = e.only_with_status {
            check_status(c, &format!("{at}.only_with_status"), status);
        }
        errors.push(SystemError {
            only_with_status: e.only_with_status,
            class_name: format!("{}Error", idents.pascal),
            idents,
            category_idents: Idents::from_name(&e.category),
            code: e.code,
            message: e.message.trim().to_string(),
            meaning: e.meaning.trim().to_string(),
            statuses,
            distinct_statuses,
            category: e.category,
            retry: e.retry,
            retryable: e.retry != raw::RetryWhen::Never,
            renew_token: reacts(raw::Action::RenewToken),
            mark_bucket_full: reacts(raw::Action::MarkBucketFull),
            wait_for_budget: reacts(raw::Action::WaitForBudget),
        });
    }
    for (i, cat) in categories.iter().enumerate() {
        if !errors.iter().any(|e| e.category == cat.name) {
            c.report(
                format!("categories[{i}].name"),
                format!("category {:?} has no error", cat.name),
            );
        }
    }
    SystemErrors {
        revisions: raw
            .revisions
            .into_iter()
            .map(|r| Revision {
                id: r.id,
                source: r.source,
            })
            .collect(),
        categories,
        errors,
    }
}

/// Every parameter's wire name once, in method order, with the identifiers of the first method
/// that declares it.
pub(crate) fn parameter_names(methods: &[Method]) -> Vec<ParameterName> {
    let mut names: Vec<ParameterName> = Vec::new();
    for p in methods.iter().flat_map(|m| &m.params) {
        if !names.iter().any(|n| n.wire == p.wire) {
            names.push(ParameterName {
                wire: p.wire.clone(),
                idents: p.idents.clone(),
            });
        }
    }
    names
}

/// Method errors grouped into classes: the same class name (the same code, or the same `name`)
/// documented by several methods is one class.
pub(crate) fn method_error_classes(methods: &[Method]) -> Vec<MethodErrorClass> {
    let mut classes: Vec<MethodErrorClass> = Vec::new();
    for m in methods {
        for e in &m.errors {
            match classes.iter_mut().find(|k| k.class_name == e.class_name) {
                Some(class) => class.methods.push(m.name.clone()),
                None => classes.push(MethodErrorClass {
                    class_name: e.class_name.clone(),
                    idents: e.idents.clone(),
                    code: e.code.clone(),
                    status: e.status,
                    meaning: e.meaning.clone(),
                    methods: vec![m.name.clone()],
                }),
            }
        }
    }
    classes
}

pub(crate) fn method(
    raw: raw::MethodFile,
    file_stem: &str,
    source_file: &str,
    system: &SystemErrors,
    c: &mut Collector,
) -> Method {
    if !is_method_name(&raw.name) {
        c.report(
            "name",
            format!(
                "{:?} is not a dotted Bitrix24 method name (e.g. imopenlines.session.mode.silent)",
                raw.name
            ),
        );
    } else if raw.name != file_stem {
        c.report(
            "name",
            format!(
                "{:?} does not match the file name; rename the file to {}.yaml",
                raw.name, raw.name
            ),
        );
    }
    check_page(c, &raw.scope, &raw.summary, &raw.doc, &raw.docs_url);
    if let Some(d) = &raw.deprecated {
        check_doc(c, "deprecated", d);
    }

    let mut params: Vec<Param> = Vec::new();
    for (i, p) in raw.params.into_iter().enumerate() {
        let at = format!("params[{i}]");
        if let Some(param) = param(p, &at, c) {
            if let Some(j) = params.iter().position(|q| q.wire == param.wire) {
                c.report(
                    format!("{at}.wire"),
                    format!(
                        "duplicate parameter {:?} (first at params[{j}])",
                        param.wire
                    ),
                );
            } else if let Some(j) = params
                .iter()
                .position(|q| q.idents.snake == param.idents.snake)
            {
                c.report(
                    format!("{at}.wire"),
                    format!(
                        "{:?} gives the same identifier {:?} as params[{j}]",
                        param.wire, param.idents.snake
                    ),
                );
            } else {
                params.push(param);
            }
        }
    }
    let one_of = one_of(&raw.one_of, &params, c);
    if let Some(example) = &raw.example {
        check_example(example, &params, &one_of, c);
    }
    let result = result(raw.result, &raw.name, c);
    let list = raw
        .list
        .and_then(|def| list_paging(def, &params, &result, c));
    let types = declared_types(raw.types, c);
    let enums = declared_enums(raw.enums, c);

    let mut codes = CodeRegistry::default();
    let mut errors = Vec::new();
    for (i, e) in raw.errors.into_iter().enumerate() {
        let at = format!("errors[{i}]");
        codes.insert(c, &format!("{at}.code"), &e.code);
        check_status(c, &format!("{at}.status"), e.status);
        check_doc(c, &format!("{at}.meaning"), &e.meaning);
        check_doc(c, &format!("{at}.when"), &e.when);
        // Clients tell a method error from a system error with the same code by the status;
        // a shared status would make them indistinguishable.
        if let Some(sys) = system
            .errors
            .iter()
            .find(|s| s.code.eq_ignore_ascii_case(&e.code))
        {
            // A system error bound to one status (`only_with_status`) is that error only with it;
            // with any other status the code is the method's.
            let shared = |status: u16| sys.only_with_status.is_none_or(|only| only == status);
            if let Some(clash) = sys
                .statuses
                .iter()
                .find(|s| s.status == e.status && shared(s.status))
            {
                c.report(
                    format!("{at}.status"),
                    format!(
                        "{} with HTTP {} cannot be told apart from the system error {} ({} in {})",
                        e.code, e.status, sys.code, clash.status, clash.revision
                    ),
                );
            }
        }
        let idents = error_idents(e.name.as_deref().unwrap_or(&e.code));
        check_name(c, &format!("{at}.name"), e.name.as_deref());
        errors.push(MethodError {
            class_name: format!("{}Error", idents.pascal),
            idents,
            code: e.code,
            status: e.status,
            meaning: e.meaning.trim().to_string(),
            when: e.when.trim().to_string(),
            legacy: e.legacy,
        });
    }

    Method {
        idents: Idents::from_name(&raw.name),
        name: raw.name,
        source_file: source_file.to_string(),
        scope: raw.scope,
        summary: raw.summary.trim().to_string(),
        docs_url: raw.docs_url,
        doc: raw.doc.trim().to_string(),
        deprecated: raw.deprecated.map(|d| d.trim().to_string()),
        idempotent: raw.idempotent,
        params,
        one_of,
        result,
        list,
        types,
        enums,
        errors,
        example: raw.example.unwrap_or_default(),
    }
}

/// The example call names only parameters of the method, gives every required one, and keeps
/// the exactly-one-of rule.
/// An event's spec: its name matches the file's, its `data` is an object whose types resolve
/// over the whole spec ([`object_types`]).
pub(crate) fn event(
    raw: raw::EventFile,
    file_stem: &str,
    source_file: &str,
    c: &mut Collector,
) -> EventSpec {
    if !(raw.name.starts_with("On") && is_type_name(&raw.name)) {
        c.report(
            "name",
            format!(
                "{:?} is not an event name (PascalCase starting with On, e.g. OnSessionStart)",
                raw.name
            ),
        );
    } else if raw.name != file_stem {
        c.report(
            "name",
            format!(
                "{:?} does not match the file name; rename the file to {}.yaml",
                raw.name, raw.name
            ),
        );
    }
    check_page(c, &raw.scope, &raw.summary, &raw.doc, &raw.docs_url);
    check_doc(c, "data.doc", &raw.data.doc);
    if !raw.example.is_object() {
        c.report("example", "the example is the delivery's `data`, an object");
    }
    EventSpec {
        code: raw.name.to_ascii_uppercase(),
        source_file: source_file.to_string(),
        scope: raw.scope,
        summary: raw.summary.trim().to_string(),
        docs_url: raw.docs_url,
        doc: raw.doc.trim().to_string(),
        data_type: format!("{}Data", raw.name),
        data_doc: raw.data.doc.trim().to_string(),
        data_fields: fields(raw.data.fields, "data.fields", c),
        types: declared_types(raw.types, c),
        example: raw.example,
        idents: Idents::from_name(&raw.name),
        name: raw.name,
    }
}

fn check_example(
    example: &serde_json::Map<String, serde_json::Value>,
    params: &[Param],
    one_of: &[String],
    c: &mut Collector,
) {
    for name in example.keys() {
        if !params.iter().any(|p| p.wire == *name) {
            c.report(
                format!("example.{name}"),
                "is not a parameter of this method",
            );
        }
    }
    for p in params.iter().filter(|p| p.required) {
        if !example.contains_key(&p.wire) {
            c.report(
                "example",
                format!("the required parameter {} is missing", p.wire),
            );
        }
    }
    let given = one_of.iter().filter(|n| example.contains_key(*n)).count();
    if !one_of.is_empty() && given != 1 {
        c.report(
            "example",
            format!("gives {given} of one_of; exactly one must be given"),
        );
    }
}

/// Exactly-one-of groups name optional parameters without defaults.
fn one_of(names: &[String], params: &[Param], c: &mut Collector) -> Vec<String> {
    if names.is_empty() {
        return Vec::new();
    }
    if names.len() < 2 {
        c.report("one_of", "must name at least two parameters");
    }
    for (i, name) in names.iter().enumerate() {
        match params.iter().find(|p| p.wire == *name) {
            None => c.report(
                format!("one_of[{i}]"),
                format!("{name:?} is not a parameter of this method"),
            ),
            Some(p) if !p.nullable => c.report(
                format!("one_of[{i}]"),
                format!("{name:?} must be optional and without a default to be one of several"),
            ),
            Some(_) => {}
        }
        if names[..i].contains(name) {
            c.report(format!("one_of[{i}]"), format!("{name:?} is listed twice"));
        }
    }
    names.to_vec()
}

/// The member of every object result that holds the keys its spec does not describe.
const EXTRA_FIELD: &str = "extra";

/// A list method's paging: the parameters it names exist with the types paging needs, and the
/// result is a list.
fn list_paging(
    def: raw::ListDef,
    params: &[Param],
    result: &MethodResult,
    c: &mut Collector,
) -> Option<ListPaging> {
    if def.paging != "offset" {
        c.report(
            "list.paging",
            format!(
                "{:?} is not a paging this generator knows (offset)",
                def.paging
            ),
        );
    }
    match &def.within {
        Some(within) => match params.iter().find(|p| p.wire == *within) {
            Some(p) if p.ty == ParamType::Json => {}
            Some(_) => c.report("list.within", format!("{within} is not a json parameter")),
            None => c.report(
                "list.within",
                format!("{within} is not a parameter of the method"),
            ),
        },
        None => {
            for (at, name) in [("list.limit", &def.limit), ("list.offset", &def.offset)] {
                if !params
                    .iter()
                    .any(|p| p.wire == *name && p.ty == ParamType::Integer)
                {
                    c.report(
                        at,
                        format!("{name} is not an integer parameter of the method"),
                    );
                }
            }
        }
    }
    if def.page_size == 0 || def.page_size > def.max_page_size {
        c.report(
            "list.page_size",
            "a page holds at least one item and no more than max_page_size",
        );
    }
    let FieldType::List(item) = &result.ty else {
        c.report("result.type", "a list method's result is a list<…>");
        return None;
    };
    if !matches!(**item, FieldType::Object(_)) {
        c.report(
            "result.type",
            "a list method's items are objects of a named type: list<SomeItem>",
        );
    }
    Some(ListPaging {
        item: (**item).clone(),
        within: def.within,
        limit: def.limit,
        offset: def.offset,
        page_size: def.page_size,
        max_page_size: def.max_page_size,
    })
}

fn result(raw: raw::ResultDef, method: &str, c: &mut Collector) -> MethodResult {
    check_doc(c, "result.doc", &raw.doc);
    let own_type = format!("{}Result", Idents::from_name(method).pascal);
    if raw.ty.trim() == "object" {
        let fields = match raw.fields {
            None => {
                c.report("result.fields", "an object result lists its fields");
                Vec::new()
            }
            Some(defs) => fields(defs, "result.fields", c),
        };
        return MethodResult {
            ty: FieldType::Object(own_type.clone()),
            type_name: Some(own_type),
            doc: raw.doc.trim().to_string(),
            fields,
        };
    }
    if raw.fields.is_some() {
        c.report("result.fields", "only object results have fields");
    }
    MethodResult {
        ty: type_expression(&raw.ty, "result.type", c),
        type_name: None,
        doc: raw.doc.trim().to_string(),
        fields: Vec::new(),
    }
}

/// A type expression, reported (and read as `string`) when it is none, or when `json` sits
/// inside a list or a map.
fn type_expression(text: &str, at: &str, c: &mut Collector) -> FieldType {
    match FieldType::parse(text) {
        Ok(ty) if ty.nests_json() => {
            c.report(
                at,
                format!("{text:?}: json is a field's whole type, not an item of a list or map"),
            );
            ty
        }
        Ok(ty) => ty,
        Err(message) => {
            c.report(at, message);
            FieldType::String
        }
    }
}

/// The named object types a method file declares; that their names are unique and every
/// reference resolves is checked over the whole spec ([`object_types`]).
fn declared_types(defs: Vec<raw::ObjectTypeDef>, c: &mut Collector) -> Vec<ObjectType> {
    defs.into_iter()
        .enumerate()
        .map(|(i, def)| {
            let at = format!("types[{i}]");
            if !is_type_name(&def.name) {
                c.report(
                    format!("{at}.name"),
                    format!("{:?} is not a PascalCase type name", def.name),
                );
            }
            check_doc(c, &format!("{at}.doc"), &def.doc);
            ObjectType {
                fields: fields(def.fields, &format!("{at}.fields"), c),
                name: def.name,
                doc: def.doc.trim().to_string(),
                // Known once every spec is read: see `resolve_enum_fields`.
                input: false,
            }
        })
        .collect()
}

/// The enums a method file declares: values named apart in every language, none empty. Names
/// are checked with the object types' over the whole spec ([`object_types`]).
fn declared_enums(defs: Vec<raw::EnumDef>, c: &mut Collector) -> Vec<EnumType> {
    defs.into_iter()
        .enumerate()
        .map(|(i, def)| {
            let at = format!("enums[{i}]");
            if !is_type_name(&def.name) {
                c.report(
                    format!("{at}.name"),
                    format!("{:?} is not a PascalCase type name", def.name),
                );
            }
            check_doc(c, &format!("{at}.doc"), &def.doc);
            if def.values.is_empty() {
                c.report(format!("{at}.values"), "an enum lists at least one value");
            }
            // An enum of integer codes if its first value is one; all its values must then be.
            let integer = matches!(
                def.values.first().map(|v| &v.wire),
                Some(raw::EnumWire::Integer(_))
            );
            let mut values: Vec<EnumValue> = Vec::new();
            // Each value's name as the spec gives it, for messages.
            let mut names: Vec<String> = Vec::new();
            for (j, v) in def.values.into_iter().enumerate() {
                let at = format!("{at}.values[{j}]");
                check_doc(c, &format!("{at}.doc"), &v.doc);
                let (wire, is_code) = match v.wire {
                    raw::EnumWire::Integer(code) => (code.to_string(), true),
                    raw::EnumWire::Text(text) => (text, false),
                };
                if integer != is_code {
                    c.report(
                        format!("{at}.wire"),
                        format!(
                            "{wire:?}: an enum's values are all strings or all integer codes \
                             (the first value says which)"
                        ),
                    );
                }
                let (name, key) = match &v.name {
                    Some(name) => (name.clone(), "name"),
                    None => (wire.clone(), "wire"),
                };
                let idents = Idents::from_name(&name);
                if integer && v.name.is_none() {
                    c.report(
                        format!("{at}.name"),
                        format!("the integer code {wire} needs a `name` for the languages to call it"),
                    );
                } else if idents.pascal.is_empty() || !idents.pascal.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    c.report(
                        format!("{at}.{key}"),
                        format!("{name:?} gives no name a language can use (it must start with a letter)"),
                    );
                } else if let Some(k) = values.iter().position(|o| o.idents.pascal == idents.pascal) {
                    c.report(
                        format!("{at}.{key}"),
                        format!(
                            "{:?} and {name:?} would have the same name in every language",
                            names[k]
                        ),
                    );
                } else if idents.pascal == ENUM_OTHER {
                    c.report(
                        format!("{at}.{key}"),
                        format!(
                            "{name:?} would be named {ENUM_OTHER}, which every language keeps for values the spec does not name"
                        ),
                    );
                }
                if let Some(k) = values.iter().position(|o| o.wire == wire) {
                    c.report(
                        format!("{at}.wire"),
                        format!("{wire:?} is listed twice (also as {:?})", names[k]),
                    );
                }
                names.push(name);
                values.push(EnumValue {
                    wire,
                    doc: v.doc.trim().to_string(),
                    idents,
                });
            }
            EnumType {
                name: def.name,
                doc: def.doc.trim().to_string(),
                values,
                integer,
            }
        })
        .collect()
}

/// The variant that holds a value an enum does not name.
const ENUM_OTHER: &str = "Other";

/// The fields of an object: the method's result or a named type.
fn fields(defs: Vec<raw::ResultFieldDef>, at: &str, c: &mut Collector) -> Vec<ResultField> {
    if defs.is_empty() {
        c.report(at, "an object lists at least one field");
    }
    let mut fields: Vec<ResultField> = Vec::new();
    for (i, f) in defs.into_iter().enumerate() {
        let at = format!("{at}[{i}]");
        check_name(c, &format!("{at}.ident"), f.ident.as_deref());
        let idents = Idents::from_name(f.ident.as_deref().unwrap_or(&f.name));
        if !is_wire_key(&f.name) {
            c.report(
                format!("{at}.name"),
                format!(
                    "{:?} is not a key a language can name (letters, digits, `_`)",
                    f.name
                ),
            );
        } else if fields.iter().any(|g| g.name == f.name) {
            c.report(
                format!("{at}.name"),
                format!("duplicate field {:?}", f.name),
            );
        } else if let Some(g) = fields.iter().find(|g| g.idents.snake == idents.snake) {
            c.report(
                format!("{at}.name"),
                format!(
                    "{:?} and {:?} would have the same name in every language",
                    g.name, f.name
                ),
            );
        }
        if idents.snake == EXTRA_FIELD {
            c.report(
                format!("{at}.name"),
                format!(
                    "{EXTRA_FIELD:?} is taken: every language keeps the undocumented keys there \
                     (give the field another `ident`)"
                ),
            );
        }
        check_doc(c, &format!("{at}.doc"), &f.doc);
        let ty = type_expression(&f.ty, &format!("{at}.type"), c);
        fields.push(ResultField {
            idents,
            name: f.name,
            ty,
            required: f.required,
            nullable: f.nullable,
            doc: f.doc.trim().to_string(),
        });
    }
    fields
}

/// Checks the named object types over the whole spec: each name declared once and free of the
/// names the generator gives (`…Result`, `…Params`, `…Response`, the runtime's own types); every
/// reference resolves; every type is used; no type contains itself (its value would be
/// infinite in languages that nest values).
pub(crate) fn object_types(methods: &[Method], events: &[EventSpec]) -> Vec<SpecError> {
    let mut problems = Vec::new();
    let mut report = |file: &str, field: String, message: String| {
        problems.push(SpecError {
            file: file.to_string(),
            line_col: None,
            field,
            message,
        })
    };
    let owners = TypeOwner::all(methods, events);
    let generated = generated_type_names(methods, events);
    let mut declared: Vec<(&str, &TypeOwner)> = Vec::new();
    // Types refused here are not checked further: one problem per declaration.
    let mut refused: Vec<(usize, usize)> = Vec::new();
    for (k, owner) in owners.iter().enumerate() {
        for (i, t) in owner.types.iter().enumerate() {
            let field = format!("types[{i}].name");
            if declared.iter().any(|(name, _)| *name == t.name)
                || generated.contains(&t.name)
                || RESERVED_TYPE_NAMES.contains(&t.name.as_str())
            {
                refused.push((k, i));
            }
            if let Some((_, first)) = declared.iter().find(|(name, _)| *name == t.name) {
                report(
                    owner.file,
                    field,
                    format!("type {} is already declared by {}", t.name, first.file),
                );
            } else if generated.contains(&t.name) || RESERVED_TYPE_NAMES.contains(&t.name.as_str())
            {
                report(
                    owner.file,
                    field,
                    format!("{} is a name the generator gives to its own types", t.name),
                );
            } else {
                declared.push((&t.name, owner));
            }
        }
    }
    let lookup = |name: &str| owners.iter().flat_map(|o| o.types).find(|t| t.name == name);
    let mut used: Vec<&str> = Vec::new();
    for owner in &owners {
        // A value result may be (a list or map of) a named type; an object result is its own.
        if let Some(name) = owner.value_root.and_then(FieldType::object_name) {
            match lookup(name) {
                None => report(owner.file, "result.type".to_string(), missing_type(name)),
                Some(t) if t.input => report(
                    owner.file,
                    "result.type".to_string(),
                    format!("{name} is a parameter's type; declare another for answers"),
                ),
                Some(_) if !used.contains(&name) => used.push(name),
                Some(_) => {}
            }
        }
        let objects = std::iter::once((owner.root_at.to_string(), owner.root_fields, false)).chain(
            owner
                .types
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("types[{i}].fields"), t.fields.as_slice(), t.input)),
        );
        for (at, fields, input) in objects {
            for (j, f) in fields.iter().enumerate() {
                let Some(name) = f.ty.object_name() else {
                    continue;
                };
                match lookup(name) {
                    None => report(owner.file, format!("{at}[{j}].type"), missing_type(name)),
                    // The caller's input is written, an answer's read: one type cannot be both.
                    Some(t) if t.input != input => report(
                        owner.file,
                        format!("{at}[{j}].type"),
                        format!(
                            "{name} is {} type; declare another for {}",
                            if t.input {
                                "a parameter's"
                            } else {
                                "an answer's"
                            },
                            if input { "parameters" } else { "answers" }
                        ),
                    ),
                    Some(_) if !used.contains(&name) => used.push(name),
                    Some(_) => {}
                }
            }
        }
        for (i, p) in owner.params.iter().enumerate() {
            let Some(name) = p.object_name.as_deref() else {
                continue;
            };
            if !used.contains(&name) {
                used.push(name);
            }
            // Parameters compare and hash (a call can be a map key); fractions cannot. Dates
            // have no form every language can give yet (Python's arguments are JSON values).
            let unfit = |f: &ResultField| {
                f.ty.nests_map()
                    || [FieldType::Number, FieldType::Datetime, FieldType::Date]
                        .iter()
                        .any(|ty| f.ty.holds(ty))
            };
            if lookup(name).is_some_and(|t| t.fields.iter().any(unfit)) {
                report(
                    owner.file,
                    format!("params[{i}].type"),
                    format!(
                        "{name} holds a map, a fraction or a date; a parameter's object holds none"
                    ),
                );
            }
        }
    }
    for (k, owner) in owners.iter().enumerate() {
        for (i, t) in owner.types.iter().enumerate() {
            if refused.contains(&(k, i)) {
                continue;
            }
            if !used.contains(&t.name.as_str()) {
                report(
                    owner.file,
                    format!("types[{i}].name"),
                    format!("type {} is declared but no field uses it", t.name),
                );
            } else if contains(&t.name, &t.fields, &lookup, &mut Vec::new()) {
                report(
                    owner.file,
                    format!("types[{i}].fields"),
                    format!("type {} contains itself", t.name),
                );
            }
        }
    }
    problems
}

/// A spec file that declares object types and has a root that uses them: a method (its
/// result) or an event (its `data`).
struct TypeOwner<'a> {
    file: &'a str,
    types: &'a [ObjectType],
    /// A method's parameters (none for an event).
    params: &'a [Param],
    /// Where the root object's fields are in the file, and the fields.
    root_at: &'static str,
    root_fields: &'a [ResultField],
    /// A result that is a value of a spec type rather than an object of its own.
    value_root: Option<&'a FieldType>,
}

impl<'a> TypeOwner<'a> {
    fn all(methods: &'a [Method], events: &'a [EventSpec]) -> Vec<TypeOwner<'a>> {
        let methods = methods.iter().map(|m| TypeOwner {
            file: &m.source_file,
            types: &m.types,
            params: &m.params,
            root_at: "result.fields",
            root_fields: &m.result.fields,
            value_root: m.result.type_name.is_none().then_some(&m.result.ty),
        });
        let events = events.iter().map(|e| TypeOwner {
            file: &e.source_file,
            types: &e.types,
            params: &[],
            root_at: "data.fields",
            root_fields: &e.data_fields,
            value_root: None,
        });
        methods.chain(events).collect()
    }
}

/// The names the generator gives each method's own types (`…Result`, `…Params`, `…Response`,
/// `…Error`), which no declared type or enum may take.
fn generated_type_names(methods: &[Method], events: &[EventSpec]) -> Vec<String> {
    let events = events
        .iter()
        .flat_map(|e| [e.name.clone(), e.data_type.clone()]);
    methods
        .iter()
        .flat_map(|m| {
            ["Result", "Params", "Response", "Error"]
                .map(|suffix| format!("{}{suffix}", m.idents.pascal))
        })
        .chain(events)
        .collect()
}

/// Why a result names `name`, which no `types:` or `enums:` declares.
fn missing_type(name: &str) -> String {
    format!("no spec declares the type {name} (under `types:` or `enums:`)")
}

/// `name` and the object types its fields name, at any depth, added to `seen`.
fn reachable(name: &str, objects: &[ObjectType], seen: &mut Vec<String>) {
    if seen.iter().any(|s| s == name) {
        return;
    }
    let Some(t) = objects.iter().find(|t| t.name == name) else {
        return;
    };
    seen.push(name.to_string());
    for f in &t.fields {
        if let Some(inner) = f.ty.object_name() {
            reachable(inner, objects, seen);
        }
    }
}

/// Reads the names of declared enums in result and event fields as enums: the parser cannot
/// tell them from object types, as both are PascalCase names.
pub(crate) fn resolve_enum_fields(methods: &mut [Method], events: &mut [EventSpec]) {
    // A parameter's PascalCase type names an enum or, when a spec declares it under `types:`,
    // an object type; the types parameters take (at any depth) are the callers' input.
    let objects: Vec<ObjectType> = methods.iter().flat_map(|m| m.types.clone()).collect();
    let mut inputs: Vec<String> = Vec::new();
    for p in methods.iter_mut().flat_map(|m| &mut m.params) {
        let Some(name) = p.enum_name.clone() else {
            continue;
        };
        if objects.iter().any(|t| t.name == name) {
            p.ty = ParamType::Object;
            p.enum_name = None;
            p.object_name = Some(name.clone());
            reachable(&name, &objects, &mut inputs);
        }
    }
    for t in methods.iter_mut().flat_map(|m| &mut m.types) {
        t.input = inputs.contains(&t.name);
    }
    let declared: Vec<EnumType> = methods.iter().flat_map(|m| m.enums.clone()).collect();
    let names: Vec<&EnumType> = declared.iter().collect();
    // A parameter of an enum of integer codes is sent as a number.
    for p in methods.iter_mut().flat_map(|m| &mut m.params) {
        let name = p.enum_name.as_deref();
        if declared
            .iter()
            .any(|e| e.integer && Some(e.name.as_str()) == name)
        {
            p.ty = ParamType::IntegerEnum;
        }
    }
    let resolve = |f: &mut ResultField| f.ty = f.ty.clone().resolve_enums(&names);
    for m in methods.iter_mut() {
        m.result.ty = m.result.ty.clone().resolve_enums(&names);
        if let Some(list) = &mut m.list {
            list.item = list.item.clone().resolve_enums(&names);
        }
        m.result.fields.iter_mut().for_each(resolve);
        m.types
            .iter_mut()
            .flat_map(|t| &mut t.fields)
            .for_each(resolve);
    }
    for e in events.iter_mut() {
        e.data_fields.iter_mut().for_each(resolve);
        e.types
            .iter_mut()
            .flat_map(|t| &mut t.fields)
            .for_each(resolve);
    }
}

/// Whether a result or event field names the enum `name`, at any depth.
fn field_uses_enum(methods: &[Method], events: &[EventSpec], name: &str) -> bool {
    // Parameters' object types hold enums too (`OpenLineQueueEntry.ENTITY_TYPE`).
    let input_fields = methods
        .iter()
        .flat_map(|m| &m.types)
        .filter(|t| t.input)
        .flat_map(|t| &t.fields)
        .map(|f| &f.ty);
    result_field_types(methods, events)
        .chain(input_fields)
        .any(|ty| ty.enum_name() == Some(name))
}

/// Checks the enums over the whole spec: each name declared once, apart from the object types
/// and the names the generator gives; every parameter's enum declared; every enum used by a
/// parameter or a field.
pub(crate) fn enums(methods: &[Method], events: &[EventSpec]) -> Vec<SpecError> {
    let mut problems = Vec::new();
    let mut report = |file: &str, field: String, message: String| {
        problems.push(SpecError {
            file: file.to_string(),
            line_col: None,
            field,
            message,
        })
    };
    let generated = generated_type_names(methods, events);
    let taken = |name: &str| {
        RESERVED_TYPE_NAMES.contains(&name)
            || generated.iter().any(|g| g == name)
            || methods
                .iter()
                .flat_map(|m| &m.types)
                .any(|t| t.name == name)
    };
    let mut declared: Vec<(&str, &Method)> = Vec::new();
    for m in methods {
        for (i, e) in m.enums.iter().enumerate() {
            let field = format!("enums[{i}].name");
            if let Some((_, first)) = declared.iter().find(|(name, _)| *name == e.name) {
                report(
                    &m.source_file,
                    field,
                    format!(
                        "enum {} is already declared by {}",
                        e.name, first.source_file
                    ),
                );
            } else if taken(&e.name) {
                report(
                    &m.source_file,
                    field,
                    format!("{} is already the name of a type", e.name),
                );
            } else {
                declared.push((&e.name, m));
                let used = methods
                    .iter()
                    .flat_map(|m| &m.params)
                    .any(|p| p.enum_name.as_deref() == Some(&e.name))
                    || field_uses_enum(methods, events, &e.name);
                if !used {
                    report(
                        &m.source_file,
                        field,
                        format!(
                            "enum {} is declared but no parameter or field uses it",
                            e.name
                        ),
                    );
                }
            }
        }
    }
    for m in methods {
        for (i, p) in m.params.iter().enumerate() {
            let Some(name) = &p.enum_name else {
                continue;
            };
            if !methods
                .iter()
                .flat_map(|m| &m.enums)
                .any(|e| e.name == *name)
            {
                report(
                    &m.source_file,
                    format!("params[{i}].type"),
                    format!("no spec declares the enum {name} (under `enums:`)"),
                );
            }
        }
    }
    problems
}

/// Whether `fields` reach the type `target`, following object types not yet `seen`.
fn contains<'a>(
    target: &str,
    fields: &'a [ResultField],
    lookup: &impl Fn(&str) -> Option<&'a ObjectType>,
    seen: &mut Vec<&'a str>,
) -> bool {
    fields
        .iter()
        .filter_map(|f| f.ty.object_name())
        .any(|name| {
            if name == target {
                return true;
            }
            if seen.contains(&name) {
                return false;
            }
            seen.push(name);
            lookup(name).is_some_and(|t| contains(target, &t.fields, lookup, seen))
        })
}

/// Types the runtime or every binding already defines.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Time",
    "ErrorInfo",
    "Response",
    "Client",
    "AsyncClient",
    "Spec",
    "Error",
    "MethodError",
    "SystemError",
    "DateTime",
    "RateLimit",
    "JsonValue",
    "PortalEvent",
    "EventDelivery",
    "EventAuth",
    "OtherEvent",
];

fn param(p: raw::ParamDef, at: &str, c: &mut Collector) -> Option<Param> {
    let before = c.errors.len();
    if !is_wire_name(&p.wire) {
        c.report(
            format!("{at}.wire"),
            format!("{:?} is not an upper-case wire name like CHAT_ID", p.wire),
        );
    }
    check_doc(c, &format!("{at}.doc"), &p.doc);
    if p.required && p.default.is_some() {
        c.report(
            format!("{at}.default"),
            "a required parameter cannot have a default",
        );
    }
    let mut flag = None;
    let mut default = None;
    let mut enum_name = None;
    let ty = match p.ty.trim() {
        "integer" => ParamType::Integer,
        "flag" => ParamType::Flag,
        "string" => ParamType::String,
        "json" => ParamType::Json,
        name if is_type_name(name) => {
            enum_name = Some(name.to_string());
            ParamType::Enum
        }
        other => {
            c.report(
                format!("{at}.type"),
                format!(
                    "{other:?} is not a parameter type: integer, flag, string, json or the \
                     PascalCase name of an enum (under `enums:`)"
                ),
            );
            return None;
        }
    };
    match ty {
        ParamType::Integer => {
            if p.values.is_some() {
                c.report(
                    format!("{at}.values"),
                    "integer parameters take minimum/maximum, not a list of values",
                );
            }
            if let (Some(min), Some(max)) = (p.minimum, p.maximum) {
                if min > max {
                    c.report(
                        format!("{at}.minimum"),
                        format!("minimum {min} is above maximum {max}"),
                    );
                }
            }
            match &p.default {
                None => {}
                Some(raw::Scalar::Integer(n)) => {
                    if p.minimum.is_some_and(|m| *n < m) || p.maximum.is_some_and(|m| *n > m) {
                        c.report(
                            format!("{at}.default"),
                            format!("default {n} is outside minimum/maximum"),
                        );
                    }
                    default = Some(DefaultValue::Integer(*n));
                }
                Some(other) => c.report(
                    format!("{at}.default"),
                    format!("default {other} is not an integer"),
                ),
            }
        }
        ParamType::String
        | ParamType::Enum
        | ParamType::IntegerEnum
        | ParamType::Json
        | ParamType::Object => {
            if p.minimum.is_some() || p.maximum.is_some() || p.values.is_some() {
                c.report(
                    format!("{at}.type"),
                    "string, enum and json parameters take neither minimum/maximum nor values",
                );
            }
            if p.default.is_some() {
                c.report(
                    format!("{at}.default"),
                    "string, enum and json parameters take no default",
                );
            }
        }
        ParamType::Flag => {
            if p.minimum.is_some() || p.maximum.is_some() {
                c.report(
                    format!("{at}.minimum"),
                    "flag parameters take values, not minimum/maximum",
                );
            }
            match p.values.as_deref() {
                Some([on, off]) if on != off && !on.is_empty() && !off.is_empty() => {
                    flag = Some(FlagValues {
                        on: on.clone(),
                        off: off.clone(),
                    });
                }
                _ => c.report(
                    format!("{at}.values"),
                    "a flag needs exactly two different non-empty values: [true-value, false-value]",
                ),
            }
            if !p.required && p.default.is_none() {
                c.report(
                    format!("{at}.default"),
                    "an optional flag needs a default, because the client always sends the flag",
                );
            }
            if let (Some(d), Some(values)) = (&p.default, &flag) {
                match d {
                    raw::Scalar::String(s) if *s == values.on => {
                        default = Some(DefaultValue::Bool(true))
                    }
                    raw::Scalar::String(s) if *s == values.off => {
                        default = Some(DefaultValue::Bool(false))
                    }
                    other => c.report(
                        format!("{at}.default"),
                        format!(
                            "default {other} is not one of the allowed values {:?}, {:?}",
                            values.on, values.off
                        ),
                    ),
                }
            }
        }
    }
    if c.errors.len() != before {
        return None;
    }
    Some(Param {
        idents: Idents::from_name(&p.wire),
        default_doc: p.default.as_ref().map(|d| match d {
            raw::Scalar::String(s) => s.clone(),
            other => other.to_string(),
        }),
        nullable: !p.required && p.default.is_none(),
        wire: p.wire,
        ty,
        enum_name,
        object_name: None,
        required: p.required,
        minimum: p.minimum,
        maximum: p.maximum,
        flag,
        default,
        doc: p.doc.trim().to_string(),
    })
}

/// Codes are compared case-insensitively, as clients match them.
#[derive(Default)]
struct CodeRegistry(Vec<(String, String)>);

impl CodeRegistry {
    /// Checks the code's form and that no earlier entry has it.
    fn insert(&mut self, c: &mut Collector, at: &str, code: &str) {
        check_code(c, at, code);
        let ident = error_idents(code).pascal;
        if let Some((first_at, _)) = self.0.iter().find(|(_, k)| k.eq_ignore_ascii_case(code)) {
            c.report(
                at,
                format!("duplicate error code {code:?} (first at {first_at}; codes are case-insensitive)"),
            );
        } else if let Some((first_at, _)) =
            self.0.iter().find(|(_, k)| error_idents(k).pascal == ident)
        {
            c.report(
                at,
                format!("error code {code:?} gives the same identifier {ident} as {first_at}"),
            );
        } else {
            self.0.push((at.to_string(), code.to_string()));
        }
    }
}

fn check_name(c: &mut Collector, at: &str, name: Option<&str>) {
    if let Some(name) = name {
        if !is_snake_name(name) {
            c.report(at, format!("{name:?} is not a snake_case name"));
        }
    }
}

/// Class names fixed by the runtime of every language; no generated class may take them.
pub(crate) const RESERVED_CLASS_NAMES: &[&str] = &[
    "B24kitError",
    "MethodError",
    "BitrixSystemError",
    "UnknownCodeError",
    "HttpError",
    "TransportError",
    "ConnectError",
    "TlsError",
    "RequestTimeoutError",
    "ConnectionLostError",
    "ProtocolError",
    "InvalidArgumentError",
    "ConfigError",
    "InternalError",
    "EventError",
    "EventFormError",
    "EventTokenError",
    "EventDataError",
];

/// Exception class names must be unique across the whole spec: a code shared by several
/// methods is one class; an error whose name would clash with another needs an explicit `name`.
pub(crate) fn class_names(spec: &Spec) -> Vec<SpecError> {
    struct Entry<'a> {
        class: &'a str,
        owner: String,
        /// For method errors: the code, so that the same code in two methods is one class.
        method_code: Option<&'a str>,
        file: &'a str,
        field: String,
    }
    let system_file = super::SYSTEM_ERRORS_FILE;
    let mut entries = Vec::new();
    for (i, cat) in spec.system_errors.categories.iter().enumerate() {
        entries.push(Entry {
            class: &cat.class_name,
            owner: format!("category {}", cat.name),
            method_code: None,
            file: system_file,
            field: format!("categories[{i}].name"),
        });
    }
    for (i, e) in spec.system_errors.errors.iter().enumerate() {
        entries.push(Entry {
            class: &e.class_name,
            owner: format!("system error {}", e.code),
            method_code: None,
            file: system_file,
            field: format!("errors[{i}].code"),
        });
    }
    for m in &spec.methods {
        for (i, e) in m.errors.iter().enumerate() {
            entries.push(Entry {
                class: &e.class_name,
                owner: format!("method error {} of {}", e.code, m.name),
                method_code: Some(&e.code),
                file: &m.source_file,
                field: format!("errors[{i}].code"),
            });
        }
    }

    let mut claimed: Vec<&Entry> = Vec::new();
    let mut problems = Vec::new();
    for entry in &entries {
        let clash = if RESERVED_CLASS_NAMES.contains(&entry.class) {
            Some("a class the runtime reserves".to_string())
        } else {
            claimed
                .iter()
                .find(|c| {
                    c.class == entry.class
                        && (c.method_code.is_none() || c.method_code != entry.method_code)
                })
                .map(|c| c.owner.clone())
        };
        match clash {
            Some(other) => problems.push(SpecError {
                file: entry.file.to_string(),
                line_col: None,
                field: entry.field.clone(),
                message: format!(
                    "{} would be named {} like {other}; give it a `name`",
                    entry.owner, entry.class
                ),
            }),
            None => claimed.push(entry),
        }
    }
    problems
}

/// What a method's or an event's file says of its page: the scope, a one-line summary, the
/// description and the docs URL.
fn check_page(c: &mut Collector, scope: &str, summary: &str, doc: &str, docs_url: &str) {
    if !is_snake_name(scope) {
        c.report("scope", format!("{scope:?} is not a Bitrix24 scope name"));
    }
    if summary.trim().is_empty() || summary.trim().contains('\n') {
        c.report("summary", "must be one non-empty line");
    }
    check_doc(c, "doc", doc);
    if !docs_url.starts_with("https://") || docs_url.contains(char::is_whitespace) {
        c.report("docs_url", format!("{docs_url:?} is not an https URL"));
    }
}

fn check_doc(c: &mut Collector, at: &str, text: &str) {
    if text.trim().is_empty() {
        c.report(at, "must not be empty");
    }
}

fn check_code(c: &mut Collector, at: &str, code: &str) {
    let ok = code
        .chars()
        .next()
        .is_some_and(|ch| ch.is_ascii_alphabetic())
        && code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if !ok {
        c.report(
            at,
            format!("{code:?} is not an error code (Latin letters, digits and underscores, starting with a letter)"),
        );
    }
}

fn check_status(c: &mut Collector, at: &str, status: u16) {
    if !(400..=599).contains(&status) {
        c.report(
            at,
            format!("{status} is not an HTTP error status (400-599)"),
        );
    }
}

fn is_method_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && p.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

fn is_wire_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A result key as portals write them: `chat_id`, `chatId`, `chatid`, `entity_data_1`.
fn is_wire_key(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// PascalCase: an ASCII capital, then letters and digits.
pub(crate) fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_snake_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_kebab_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
