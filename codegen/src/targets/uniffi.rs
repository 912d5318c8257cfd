//! The uniffi crate's method-specific parts (`bindings/uniffi/src/generated/`, a file per
//! method): the error enum's variants, the `Time` and response records, and the async methods
//! on `Client`. The Kotlin and Swift sources are then made from the built library by
//! `uniffi-bindgen`.

use serde::Serialize;

use super::banner;
use crate::naming::rust_ident;
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::spec::model::{DefaultValue, Method, Param};
use crate::spec::Spec;
use crate::types::{Import, ObjectView, Output, RustNames, SpecType, Typed};
use crate::Error;

/// The crate's generated half: `mod.rs` (errors, `Time`, enums, events), `events.rs` and one file
/// per method.
pub(crate) const RUST_DIR: &str = "bindings/uniffi/src/generated";

#[derive(Serialize)]
struct UniffiMethod<'a> {
    m: &'a Method,
    params_type: String,
    response_type: String,
    result_rust: String,
    /// The core's `answer.result` as the exported value.
    result_mirror: String,
    /// For a list method: one item's exported Rust type, and the expression that makes a page
    /// of them from the core's page `items`.
    item: Option<UniffiListItem>,
    /// The records mirroring the core's object types: the result's and the declared ones.
    objects: Vec<Record>,
    /// Records of other methods' (or the events') modules that this one's use.
    imports: Vec<Import>,
    params: Vec<UniffiParam>,
}

#[derive(Serialize)]
struct UniffiListItem {
    rust_type: String,
    page_mirror: String,
}

#[derive(Serialize)]
struct Record {
    name: String,
    doc: String,
    fields: Vec<RecordField>,
    /// A record parameters take: built in Kotlin or Swift, turned into the core's type.
    input: bool,
}

#[derive(Serialize)]
struct RecordField {
    name: String,
    rust_type: String,
    /// The core's value `r.<name>` as this field's (objects only).
    convert: String,
    /// An input record's field: its wire key, whether it must be given, and the expression that
    /// makes the core's value of it from `value` (inside `into_core`, which has `parameter`
    /// and `at`).
    wire: String,
    required: bool,
    to_core: String,
    doc: String,
}

/// The generated Kotlin and Swift beside uniffi's own output.
const KOTLIN_WALKS: &str = "bindings/kotlin/src/ext/kotlin/dev/b24kit/Walks.kt";
const SWIFT_WALKS: &str = "bindings/swift/Sources/B24kit/Walks.swift";

/// Dates and times cross as uniffi's timestamp (`java.time.Instant` in Kotlin, `Date` in Swift:
/// the instant only; the portal's offset stays in the core's value); days as `CalendarDate`
/// (`java.time.LocalDate` in Kotlin, ISO text in Swift); maps as uniffi's map
/// (`Map` in Kotlin, `Dictionary` in Swift); any JSON value as the bindings' `JsonValue`.
const NAMES: RustNames = RustNames {
    datetime: "std::time::SystemTime",
    date: "crate::CalendarDate",
    date_from_core: Some("crate::CalendarDate::from"),
    map: "std::collections::HashMap<String, {}>",
    datetime_from_core: Some("std::time::SystemTime::from"),
    map_from_core: true,
    json: "crate::any_method::JsonValue",
    json_from_core: Some("crate::any_method::JsonValue::from"),
    enum_as: None,
    integer_enum_as: None,
};

#[derive(Serialize)]
struct UniffiParam {
    ident: String,
    rust_type: String,
    /// The core's value made from the exported one, `ident` (`?` where that may fail).
    value: String,
    default: Option<String>,
}

/// The expression that makes the core's value of `p` from the exported one: a JSON value is
/// converted (a NaN fails), an enum's text becomes the enum, the rest is the core's already.
fn param_value(p: &Param) -> String {
    let ident = rust_ident(&p.idents.snake);
    let typed = Typed::param(p);
    match (&typed.ty, typed.required) {
        (SpecType::Json, true) => format!(
            "crate::any_method::json_param({ident}, {:?}, {:?})?",
            p.wire, p.idents.camel
        ),
        (SpecType::Json, false) => format!(
            "crate::any_method::optional_json_param({ident}, {:?}, {:?})?",
            p.wire, p.idents.camel
        ),
        (SpecType::Object(_), true) => {
            format!("{ident}.into_core({:?}, {:?})?", p.wire, p.idents.camel)
        }
        (SpecType::Object(_), false) => format!(
            "{ident}.map(|value| value.into_core({:?}, {:?})).transpose()?",
            p.wire, p.idents.camel
        ),
        _ => typed.to_core_expr(&ident),
    }
}

/// A variant of `B24kitError` for a documented code.
#[derive(Serialize)]
struct Variant {
    name: String,
    code: String,
    doc: String,
}

/// Records and parameters are Rust types here; uniffi-bindgen maps them on to Kotlin and Swift.
fn record_field(name: &str, typed: Typed, doc: &str) -> RecordField {
    let name = rust_ident(name);
    RecordField {
        rust_type: typed.rust_in(NAMES),
        convert: typed.mirror(&format!("r.{name}"), NAMES),
        wire: String::new(),
        required: typed.required,
        to_core: String::new(),
        doc: doc.to_string(),
        name,
    }
}

/// A field of a record parameters take (an input type): the record's value as the core's.
fn input_field(f: &crate::spec::model::ResultField) -> RecordField {
    let typed = Typed::field(f);
    let path = format!("{{at}}.{}", f.name);
    // A required field's value is read straight from the record; an optional one's is bound
    // by `if let Some(value)`.
    let value = match f.required {
        true => format!("self.{}", rust_ident(&f.idents.snake)),
        false => "value".to_string(),
    };
    RecordField {
        wire: f.name.clone(),
        to_core: input_to_core(&typed.ty, &value, &path),
        ..record_field(&f.idents.snake, typed, &f.doc)
    }
}

/// The expression that makes the core's value of type `ty` from the record's `value`; `path`
/// is the `format!` text of where it is, for errors (JSON that cannot be sent names its path).
fn input_to_core(ty: &SpecType, value: &str, path: &str) -> String {
    match ty {
        // Named: a required field's value goes to `new`, which takes any `Into` of the enum.
        SpecType::Enum(name) | SpecType::IntegerEnum(name) => {
            format!("b24kit::{name}::from({value})")
        }
        SpecType::Json => {
            format!("crate::any_method::json_param({value}, parameter, &format!(\"{path}\"))?")
        }
        SpecType::Object(_) => format!("{value}.into_core(parameter, &format!(\"{path}\"))?"),
        SpecType::List(item) => match input_to_core(item, "item", &format!("{path}[{{i}}]")) {
            each if each == "item" => value.to_string(),
            each => match (each.strip_suffix("(item)"), each.strip_suffix('?')) {
                (Some(function), _) => format!("{value}.into_iter().map({function}).collect()"),
                (None, Some(fallible)) => format!(
                    "{value}.into_iter().enumerate().map(|(i, item)| {fallible}).collect::<Result<Vec<_>, b24kit::Error>>()?"
                ),
                (None, None) => format!("{value}.into_iter().map(|item| {each}).collect()"),
            },
        },
        _ => value.to_string(),
    }
}

fn record(o: ObjectView) -> Record {
    Record {
        doc: o.full_doc(),
        fields: o
            .fields
            .iter()
            .map(|f| {
                if o.input {
                    input_field(f)
                } else {
                    record_field(&f.idents.snake, Typed::field(f), &f.doc)
                }
            })
            .collect(),
        input: o.input,
        name: o.name,
    }
}

fn uniffi_method<'a>(spec: &Spec, m: &'a Method) -> UniffiMethod<'a> {
    let views = ObjectView::of(m);
    // The records of object parameters declared by another method's spec.
    let mut imports = Import::for_method(spec, m, &views);
    imports.extend(
        m.params
            .iter()
            .filter_map(|p| p.object_name.as_deref())
            .filter(|name| !views.iter().any(|o| o.name == *name))
            .filter_map(|name| {
                Some(Import {
                    module: crate::types::declaring_module(spec, name)?,
                    name: name.to_string(),
                })
            }),
    );
    imports.sort();
    imports.dedup();
    UniffiMethod {
        imports,
        m,
        params_type: format!("{}Params", m.idents.pascal),
        response_type: format!("{}Response", m.idents.pascal),
        result_rust: Output::of(m).in_target(|t| t.rust_in(NAMES)),
        result_mirror: Output::of(m).mirror("answer.result", NAMES),
        item: Typed::list_item(m).map(|item| {
            let page = Typed {
                ty: SpecType::List(Box::new(item.ty.clone())),
                required: true,
            };
            UniffiListItem {
                rust_type: item.rust_in(NAMES),
                page_mirror: format!(
                    "{{ let page: {} = {}; page }}",
                    page.rust_in(NAMES),
                    page.mirror("items", NAMES)
                ),
            }
        }),
        objects: views.into_iter().map(record).collect(),
        params: m
            .params
            .iter()
            .map(|p| UniffiParam {
                ident: rust_ident(&p.idents.snake),
                rust_type: Typed::param(p).rust_in(NAMES),
                value: param_value(p),
                default: match &p.default {
                    Some(DefaultValue::Integer(n)) => Some(n.to_string()),
                    Some(DefaultValue::Bool(b)) => Some(b.to_string()),
                    None if p.nullable => Some("None".to_string()),
                    None => None,
                },
            })
            .collect(),
    }
}

pub(crate) fn generate(spec: &Spec, r: &Renderer) -> Result<Vec<GeneratedFile>, Error> {
    let methods: Vec<UniffiMethod> = spec
        .methods
        .iter()
        .map(|m| uniffi_method(spec, m))
        .collect();
    let method_variants: Vec<Variant> = spec
        .method_error_classes
        .iter()
        .map(|c| Variant {
            name: c.idents.pascal.clone(),
            code: c.code.clone(),
            doc: format!(
                "`{}` (HTTP {}): {} Documented for: {}",
                c.code,
                c.status,
                c.meaning,
                c.methods.join(", ")
            ),
        })
        .collect();
    let system_variants: Vec<Variant> = spec
        .system_errors
        .errors
        .iter()
        .map(|e| Variant {
            name: e.idents.pascal.clone(),
            code: e.code.clone(),
            doc: format!(
                "`{}` — {} (category `{}`). {}",
                e.code, e.message, e.category, e.meaning
            ),
        })
        .collect();
    let time_fields: Vec<RecordField> = spec
        .time
        .fields
        .iter()
        .map(|f| record_field(&f.idents.snake, Typed::time(f), &f.doc))
        .collect();
    // The events' records, in `events.rs`; each method's are in its own file.
    let event_views = ObjectView::of_events(&spec.events);
    let event_imports = Import::for_views(spec, &event_views);
    let event_records: Vec<Record> = event_views.into_iter().map(record).collect();
    let ctx = minijinja::context! {
        banner => banner("spec/"),
        methods => &methods,
        events => &spec.events,
        enums => spec.enums().collect::<Vec<_>>(),
        time => &spec.time,
        time_fields => time_fields,
        method_variants => method_variants,
        system_variants => system_variants,
    };
    // The walks' Kotlin Flows and Swift sequences: one-liners per list method over the
    // hand-written helpers beside them (`itemsOf`, `ItemCursor`).
    let walks = minijinja::context! { banner => banner("spec/"), methods => &methods };
    let mut files = vec![
        GeneratedFile {
            path: KOTLIN_WALKS.to_string(),
            contents: r.render("uniffi/Walks.kt.j2", &walks)?,
        },
        GeneratedFile {
            path: SWIFT_WALKS.to_string(),
            contents: r.render("uniffi/Walks.swift.j2", &walks)?,
        },
    ];
    files.extend(super::per_method_rust(
        r,
        "uniffi",
        RUST_DIR,
        ctx,
        minijinja::context! {
            banner => banner("spec/events/"),
            objects => &event_records,
            imports => &event_imports,
        },
        methods
            .iter()
            .map(|method| (method.m, minijinja::Value::from_serialize(method))),
    )?);
    Ok(files)
}
