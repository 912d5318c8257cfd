//! The Node package's method-specific parts: the addon's methods, `NativeTime` and result
//! objects (`bindings/node/src/generated/`: a file per method, one for the events), the `Client` methods with their argument checks
//! and `Time` (`client.js`), the error classes of each documented code (`errors.js`), the ES
//! module face (`index.mjs`) and the typings of all of it (`index.d.ts`, beside the hand-written
//! `base.d.ts`).

use serde::Serialize;

use super::banner;
use crate::naming::rust_ident;
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::spec::model::{DefaultValue, EventSpec, Method, ResultField};
use crate::spec::Spec;
use crate::types::{Import, ObjectView, Output, RustNames, SpecType, Typed, PUBLIC};
use crate::Error;

/// The addon's generated half: `mod.rs` (`NativeTime`), `events.rs` and one file per method.
pub(crate) const RUST_DIR: &str = "bindings/node/src/generated";
const JS_DIR: &str = "bindings/node";

/// The core's types as the addon writes them to JavaScript: a calendar date as its ISO text
/// (`2026-03-13`), as a `Date` is an instant and would move the day with the reader's time zone.
const NAMES: RustNames = RustNames {
    date: "String",
    date_from_core: Some("b24kit::wire::date_text"),
    ..PUBLIC
};

/// A spec type in TypeScript and, for parameters, the `client_base.js` helper that checks the
/// JavaScript value. The one place the Node target spells a type.
fn typescript_type(t: &Typed) -> (String, &'static str) {
    fn ts(ty: &SpecType) -> String {
        match ty {
            SpecType::Integer | SpecType::Number => "number".to_string(),
            SpecType::String => "string".to_string(),
            SpecType::Boolean => "boolean".to_string(),
            SpecType::Datetime => "Date".to_string(),
            // A day, as its ISO text (see `NAMES`).
            SpecType::Date => "string".to_string(),
            SpecType::Json => "unknown".to_string(),
            SpecType::List(item) => format!("{}[]", ts(item)),
            SpecType::Map(item) => format!("{{ [key: string]: {} }}", ts(item)),
            SpecType::Object(name) | SpecType::Enum(name) | SpecType::IntegerEnum(name) => {
                name.clone()
            }
        }
    }
    let check = match &t.ty {
        SpecType::Integer | SpecType::IntegerEnum(_) => "integerArg",
        SpecType::String | SpecType::Enum(_) => "stringArg",
        SpecType::Boolean => "flagArg",
        SpecType::Number => "numberArg",
        // An object crosses as JSON text too, read into the core's type on the Rust side.
        SpecType::Json | SpecType::Object(_) => "jsonArg",
        // Only the types above are parameters.
        _ => "",
    };
    let ts = crate::types::optional(&ts(&t.ty), t.required, |b| format!("{b} | null"));
    (ts, check)
}

#[derive(Serialize)]
struct JsMethod<'a> {
    m: &'a Method,
    params_type: String,
    /// The TypeScript interface of the parameters object.
    ts_params: String,
    /// Whether the parameters object may be left out (nothing is required).
    params_optional: bool,
    result_ts: String,
    /// The core's `answer.result` as the addon's value.
    result_mirror: String,
    /// For a list method: one item's TypeScript type, and a page's Rust type in the addon with
    /// the expression that makes it from the core's page `items`.
    item: Option<JsListItem>,
    /// The addon's mirrors of the core's object types: the result's and the declared ones.
    objects: Vec<JsObject>,
    /// Objects of other methods' (or the events') modules that this one's use.
    imports: Vec<Import>,
    params: Vec<JsParam>,
}

#[derive(Serialize)]
struct JsListItem {
    ts_type: String,
    page_type: String,
    page_mirror: String,
}

/// A type parameters take, as a TypeScript interface with the wire keys.
#[derive(Serialize)]
struct JsInputType {
    name: String,
    doc: String,
    fields: Vec<JsInputField>,
}

#[derive(Serialize)]
struct JsInputField {
    name: String,
    required: bool,
    ts_type: String,
    doc: String,
}

#[derive(Serialize)]
struct JsObject {
    name: String,
    doc: String,
    fields: Vec<JsField>,
}

#[derive(Serialize)]
struct JsField {
    name: String,
    js_name: String,
    rust_type: String,
    /// The core's value `r.<name>` as this field's.
    convert: String,
    ts_type: String,
    doc: String,
}

#[derive(Serialize)]
struct JsParam {
    wire: String,
    required: bool,
    doc: String,
    /// camelCase, as JavaScript callers write it.
    name: String,
    rust_field: String,
    rust_type: String,
    /// The core's value made from the addon's, `rust_field` (`?` where that may fail).
    value: String,
    /// The type of a given value (absent values are `undefined` or `null`).
    ts_type: String,
    /// The `client_base.js` helper that checks the value.
    check: &'static str,
    js_default: Option<String>,
}

/// An error class below the fixed ones.
#[derive(Serialize)]
struct ErrorClass {
    class_name: String,
    parent: String,
    code: String,
    doc: String,
}

#[derive(Serialize)]
struct JsTimeField {
    name: String,
    js_name: String,
    rust_type: String,
    ts_type: String,
    doc: String,
}

fn js_field(f: &ResultField) -> JsField {
    let typed = Typed::field(f);
    let name = rust_ident(&f.idents.snake);
    JsField {
        js_name: f.idents.camel.clone(),
        rust_type: typed.rust_in(NAMES),
        convert: typed.mirror(&format!("r.{name}"), NAMES),
        ts_type: typescript_type(&typed).0,
        doc: f.doc.clone(),
        name,
    }
}

fn js_object(o: ObjectView) -> JsObject {
    JsObject {
        doc: o.full_doc(),
        fields: o.fields.iter().map(js_field).collect(),
        name: o.name,
    }
}

/// An event in JavaScript: its data type, and the field of the addon's event object that
/// carries it (`onSessionStart`).
#[derive(Serialize)]
struct JsEvent<'a> {
    e: &'a EventSpec,
    /// The Rust field of `NativePortalEvent`.
    field: String,
    /// The same field as JavaScript sees it.
    js_field: String,
}

fn js_method<'a>(spec: &Spec, m: &'a Method) -> JsMethod<'a> {
    // A parameter's object is a TypeScript interface (`input_types`), not an addon object.
    let views: Vec<ObjectView> = ObjectView::of(m).into_iter().filter(|o| !o.input).collect();
    JsMethod {
        m,
        params_type: format!("{}Params", m.idents.pascal),
        ts_params: format!("{}Params", m.idents.pascal),
        params_optional: m.one_of.is_empty() && m.params.iter().all(|p| !p.required),
        result_ts: Output::of(m).in_target(|t| typescript_type(t).0),
        result_mirror: Output::of(m).mirror("answer.result", NAMES),
        item: Typed::list_item(m).map(|item| {
            let page = Typed {
                ty: SpecType::List(Box::new(item.ty.clone())),
                required: true,
            };
            JsListItem {
                ts_type: typescript_type(&item).0,
                page_type: page.rust_in(NAMES),
                page_mirror: page.mirror("items", NAMES),
            }
        }),
        imports: Import::for_method(spec, m, &views),
        objects: views.into_iter().map(js_object).collect(),
        params: m
            .params
            .iter()
            .map(|p| {
                let typed = Typed::param(p);
                let (_, check) = typescript_type(&typed);
                let rust_field = rust_ident(&p.idents.snake);
                // A JSON value crosses as the text `jsonArg` made of it, checked there.
                let (rust_type, value) = match (&typed.ty, typed.required) {
                    (SpecType::Json, true) => (
                        "String".to_string(),
                        format!("crate::any_method::json_param(&{rust_field}, {:?})?", p.wire),
                    ),
                    (SpecType::Json, false) => (
                        "Option<String>".to_string(),
                        format!(
                            "{rust_field}.map(|text| crate::any_method::json_param(&text, {:?})).transpose()?",
                            p.wire
                        ),
                    ),
                    (SpecType::Object(_), true) => (
                        "String".to_string(),
                        format!("crate::any_method::object_param(&{rust_field}, {:?})?", p.wire),
                    ),
                    (SpecType::Object(_), false) => (
                        "Option<String>".to_string(),
                        format!(
                            "{rust_field}.map(|text| crate::any_method::object_param(&text, {:?})).transpose()?",
                            p.wire
                        ),
                    ),
                    _ => (typed.rust_in(NAMES), typed.to_core_expr(&rust_field)),
                };
                JsParam {
                    wire: p.wire.clone(),
                    required: p.required,
                    doc: p.doc.clone(),
                    name: p.idents.camel.clone(),
                    rust_field,
                    rust_type,
                    value,
                    // What `jsonArg` takes: JSON as JavaScript writes it (Dates too).
                    ts_type: match typed.ty {
                        SpecType::Json => "JsonParam".to_string(),
                        _ => typescript_type(&typed.present()).0,
                    },
                    check,
                    js_default: match &p.default {
                        Some(DefaultValue::Integer(n)) => Some(n.to_string()),
                        Some(DefaultValue::Bool(b)) => Some(b.to_string()),
                        None if p.nullable => Some("null".to_string()),
                        None => None,
                    },
                }
            })
            .collect(),
    }
}

/// Every class below the fixed ones, parents first: method error codes (one class per code),
/// category groups, system error codes.
fn error_classes(spec: &Spec) -> Vec<ErrorClass> {
    let mut classes: Vec<ErrorClass> = spec
        .method_error_classes
        .iter()
        .map(|c| ErrorClass {
            class_name: c.class_name.clone(),
            parent: "MethodError".to_string(),
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
    for c in &spec.system_errors.categories {
        classes.push(ErrorClass {
            class_name: c.class_name.clone(),
            parent: "BitrixSystemError".to_string(),
            code: String::new(),
            doc: c.doc.clone(),
        });
    }
    for e in &spec.system_errors.errors {
        classes.push(ErrorClass {
            class_name: e.class_name.clone(),
            parent: format!("{}Error", e.category_idents.pascal),
            code: e.code.clone(),
            doc: format!("`{}` — {}. {}", e.code, e.message, e.meaning),
        });
    }
    classes
}

pub(crate) fn generate(spec: &Spec, r: &Renderer) -> Result<Vec<GeneratedFile>, Error> {
    let methods: Vec<JsMethod> = spec.methods.iter().map(|m| js_method(spec, m)).collect();
    let time_fields: Vec<JsTimeField> = spec
        .time
        .fields
        .iter()
        .map(|f| {
            let typed = Typed::time(f);
            JsTimeField {
                name: rust_ident(&f.idents.snake),
                js_name: f.idents.camel.clone(),
                rust_type: typed.rust(),
                ts_type: typescript_type(&typed).0,
                doc: f.doc.clone(),
            }
        })
        .collect();
    // Every object type, the methods' then the events'.
    let event_views = ObjectView::of_events(&spec.events);
    let event_imports = Import::for_views(spec, &event_views);
    let event_objects: Vec<JsObject> = event_views.into_iter().map(js_object).collect();
    let objects: Vec<&JsObject> = methods
        .iter()
        .flat_map(|m| &m.objects)
        .chain(&event_objects)
        .collect();
    // The types parameters take, as interfaces with the wire keys (JSON where the spec says
    // `json`: what `jsonArg` takes).
    let input_types: Vec<JsInputType> = spec
        .object_types()
        .filter(|t| t.input)
        .map(|t| JsInputType {
            name: t.name.clone(),
            doc: t.doc.clone(),
            fields: t
                .fields
                .iter()
                .map(|f| {
                    let typed = Typed::field(f).present();
                    JsInputField {
                        name: f.name.clone(),
                        required: f.required,
                        ts_type: match typed.ty {
                            SpecType::Json => "JsonParam".to_string(),
                            _ => typescript_type(&typed).0,
                        },
                        doc: f.doc.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let events: Vec<JsEvent> = spec
        .events
        .iter()
        .map(|e| JsEvent {
            e,
            field: rust_ident(&e.idents.snake),
            js_field: e.idents.camel.clone(),
        })
        .collect();
    let ctx = minijinja::context! {
        input_types => input_types,
        banner => banner("spec/"),
        methods => &methods,
        objects => objects,
        events => &events,
        enums => spec.enums().collect::<Vec<_>>(),
        time => &spec.time,
        time_fields => &time_fields,
        error_classes => error_classes(spec),
    };
    let mut files = super::per_method_rust(
        r,
        "node",
        RUST_DIR,
        ctx.clone(),
        minijinja::context! {
            banner => banner("spec/events/"),
            objects => &event_objects,
            imports => &event_imports,
            events => &events,
        },
        methods
            .iter()
            .map(|method| (method.m, minijinja::Value::from_serialize(method))),
    )?;
    for name in ["client.js", "errors.js", "index.mjs", "index.d.ts"] {
        files.push(GeneratedFile {
            path: format!("{JS_DIR}/{name}"),
            contents: r.render(&format!("node/{name}.j2"), &ctx)?,
        });
    }
    Ok(files)
}
