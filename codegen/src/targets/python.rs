//! The Python package's method-specific parts: the native submodule `b24kit._native_generated`
//! (`bindings/python/src/generated/`: `Time` and the enums of results in `mod.rs`, the event
//! classes in `events.rs`, and per method a file with its result classes and one function per
//! way of calling it) with its stubs (`_native_generated.pyi`), the `Client`/`AsyncClient`
//! methods (`_client.py`) and the exception classes of each documented code (`errors.py`).

use serde::Serialize;

use super::banner;
use crate::naming::{python_ident, rust_ident};
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::spec::model::{DefaultValue, EnumType, EventSpec, Method, ResultField};
use crate::spec::Spec;
use crate::types::{Import, ObjectView, Output, RustNames, SpecType, Typed, PUBLIC};
use crate::Error;

/// The native module's generated half: `mod.rs` (shared types, registration), `events.rs` and
/// one file per method.
pub(crate) const RUST_DIR: &str = "bindings/python/src/generated";

/// The core's types as the public crate spells them, but an enum in a result is its text
/// wrapped so that Python reads the member of the package's enum (`bindings/python/src/enums.rs`).
const NAMES: RustNames = RustNames {
    enum_as: Some("crate::enums::EnumText<super::{}>"),
    integer_enum_as: Some("crate::enums::EnumCode<super::{}>"),
    ..PUBLIC
};
const PY_DIR: &str = "bindings/python/python/b24kit";

/// A spec type in Python: its annotation and, for parameters, the `args` helper that converts
/// the Python value. The one place the Python target spells a type.
fn python_type(t: &Typed) -> (String, &'static str) {
    fn annotation(ty: &SpecType) -> String {
        match ty {
            SpecType::Integer => "int".to_string(),
            SpecType::Number => "float".to_string(),
            SpecType::String => "str".to_string(),
            SpecType::Boolean => "bool".to_string(),
            SpecType::Datetime => "datetime".to_string(),
            SpecType::Date => "date".to_string(),
            SpecType::Json => "Any".to_string(),
            SpecType::List(item) => format!("List[{}]", annotation(item)),
            SpecType::Map(item) => format!("Dict[str, {}]", annotation(item)),
            SpecType::Object(name) => name.clone(),
            // A member of the `str` enum, or any other text.
            SpecType::Enum(name) => format!("Union[{name}, str]"),
            // A member of the `IntEnum` (itself an `int`), or any other code.
            SpecType::IntegerEnum(name) => format!("Union[{name}, int]"),
        }
    }
    let extract = match (&t.ty, t.required) {
        (SpecType::Integer | SpecType::IntegerEnum(_), true) => "integer",
        (SpecType::Integer | SpecType::IntegerEnum(_), false) => "optional_integer",
        (SpecType::String | SpecType::Enum(_), true) => "string",
        (SpecType::String | SpecType::Enum(_), false) => "optional_string",
        (SpecType::Boolean, _) => "flag",
        (SpecType::Json, true) => "json",
        (SpecType::Json, false) => "optional_json",
        // A dict with the wire keys, read into the core's type.
        (SpecType::Object(_), true) => "object",
        (SpecType::Object(_), false) => "optional_object",
        // Only the types above are parameters.
        _ => "",
    };
    let base = annotation(&t.ty);
    let annotation = crate::types::optional(&base, t.required, |b| format!("Optional[{b}]"));
    (annotation, extract)
}

#[derive(Serialize)]
struct PyMethod<'a> {
    m: &'a Method,
    params_type: String,
    result_py: String,
    /// The core's result `r` as the native module's value.
    result_mirror: String,
    /// For a list method: one item's Python annotation, and a page's Rust type in the native
    /// module with the expression that makes it from the core's page `items`.
    item: Option<PyListItem>,
    /// The classes mirroring the core's object types: the result's and the declared ones.
    objects: Vec<PyObject>,
    /// Classes of other methods' (or the events') modules that this one's use.
    imports: Vec<Import>,
    params: Vec<PyParam>,
}

#[derive(Serialize)]
struct PyListItem {
    py_type: String,
    page_type: String,
    page_mirror: String,
}

/// A type parameters take, as a `TypedDict` with the wire keys: `total` when every key is
/// required.
#[derive(Serialize)]
struct PyInputType {
    name: String,
    doc: String,
    total: bool,
    fields: Vec<PyInputField>,
}

#[derive(Serialize)]
struct PyInputField {
    name: String,
    py_type: String,
    doc: String,
}

#[derive(Serialize)]
struct PyObject {
    /// The module of `generated/` that holds the class.
    module: String,
    name: String,
    doc: String,
    fields: Vec<PyField>,
}

#[derive(Serialize)]
struct PyField {
    /// The Rust field (pyo3 exposes it without `r#`).
    name: String,
    /// The attribute as Python code writes it.
    py_name: String,
    rust_type: String,
    /// The core's value `r.<name>` as this field's.
    convert: String,
    /// Any JSON value: kept as `serde_json::Value` (`null` when absent) and read through a
    /// getter that builds the Python value.
    json: bool,
    py_type: String,
    doc: String,
}

#[derive(Serialize)]
struct PyParam {
    wire: String,
    required: bool,
    doc: String,
    /// The Python name (keyword-safe).
    name: String,
    /// The Rust field of the core's parameter struct.
    rust_field: String,
    py_type: String,
    /// The default as a Python literal, for optional parameters.
    py_default: Option<String>,
    /// The `args` helper that converts the Python value.
    extract: &'static str,
    /// What turns the helper's value into the core's (`.into()` for an enum's text).
    to_core: String,
    /// The annotation in the native module's stub, where an enum is its text.
    native_py_type: String,
}

#[derive(Serialize)]
struct PyTimeField {
    name: String,
    rust_type: String,
    py_type: String,
    doc: String,
}

fn py_field(f: &ResultField) -> PyField {
    let typed = Typed::field(f);
    let name = rust_ident(&f.idents.snake);
    let json = typed.ty == SpecType::Json;
    let (rust_type, convert) = match (json, typed.required) {
        (true, true) => ("serde_json::Value".to_string(), format!("r.{name}")),
        (true, false) => (
            "serde_json::Value".to_string(),
            format!("r.{name}.unwrap_or_default()"),
        ),
        (false, _) => (
            typed.rust_in(NAMES),
            typed.mirror(&format!("r.{name}"), NAMES),
        ),
    };
    PyField {
        py_name: python_ident(&f.idents.snake),
        rust_type,
        convert,
        json,
        py_type: python_type(&typed).0,
        doc: f.doc.clone(),
        name,
    }
}

fn py_object(module: &str, o: ObjectView) -> PyObject {
    PyObject {
        module: module.to_string(),
        doc: o.full_doc(),
        fields: o.fields.iter().map(py_field).collect(),
        name: o.name,
    }
}

fn py_method<'a>(spec: &Spec, m: &'a Method) -> PyMethod<'a> {
    // A parameter's object is a `TypedDict` of `_client.py` (`input_types`), not a class.
    let views: Vec<ObjectView> = ObjectView::of(m).into_iter().filter(|o| !o.input).collect();
    let imports = Import::for_method(spec, m, &views);
    PyMethod {
        imports,
        m,
        params_type: format!("{}Params", m.idents.pascal),
        result_py: Output::of(m).in_target(|t| python_type(t).0),
        result_mirror: Output::of(m).mirror("r", NAMES),
        item: Typed::list_item(m).map(|item| {
            let page = Typed {
                ty: SpecType::List(Box::new(item.ty.clone())),
                required: true,
            };
            PyListItem {
                py_type: python_type(&item).0,
                page_type: page.rust_in(NAMES),
                page_mirror: page.mirror("items", NAMES),
            }
        }),
        objects: views
            .into_iter()
            .map(|o| py_object(&m.idents.snake, o))
            .collect(),
        params: m
            .params
            .iter()
            .map(|p| {
                let typed = Typed::param(p);
                let (py_type, extract) = python_type(&typed);
                let native_py_type = match typed.ty {
                    SpecType::Object(_) => {
                        python_type(&Typed {
                            ty: SpecType::Json,
                            required: typed.required,
                        })
                        .0
                    }
                    SpecType::Enum(_) => {
                        python_type(&Typed {
                            ty: SpecType::String,
                            required: typed.required,
                        })
                        .0
                    }
                    SpecType::IntegerEnum(_) => {
                        python_type(&Typed {
                            ty: SpecType::Integer,
                            required: typed.required,
                        })
                        .0
                    }
                    _ => py_type.clone(),
                };
                PyParam {
                    wire: p.wire.clone(),
                    required: p.required,
                    doc: p.doc.clone(),
                    name: python_ident(&p.idents.snake),
                    rust_field: rust_ident(&p.idents.snake),
                    py_type,
                    py_default: match &p.default {
                        Some(DefaultValue::Integer(n)) => Some(n.to_string()),
                        Some(DefaultValue::Bool(true)) => Some("True".to_string()),
                        Some(DefaultValue::Bool(false)) => Some("False".to_string()),
                        None if p.nullable => Some("None".to_string()),
                        None => None,
                    },
                    extract,
                    to_core: typed.to_core_expr(""),
                    native_py_type,
                }
            })
            .collect(),
    }
}

pub(crate) fn generate(spec: &Spec, r: &Renderer) -> Result<Vec<GeneratedFile>, Error> {
    let methods: Vec<PyMethod> = spec.methods.iter().map(|m| py_method(spec, m)).collect();
    let time_fields: Vec<PyTimeField> = spec
        .time
        .fields
        .iter()
        .map(|f| {
            let typed = Typed::time(f);
            PyTimeField {
                name: rust_ident(&f.idents.snake),
                rust_type: typed.rust(),
                py_type: python_type(&typed).0,
                doc: f.doc.clone(),
            }
        })
        .collect();
    // Every object class, the methods' then the events' (their `data` and declared types).
    let objects: Vec<&PyObject> = methods.iter().flat_map(|m| &m.objects).collect();
    let event_views = ObjectView::of_events(&spec.events);
    let event_imports = Import::for_views(spec, &event_views);
    let event_objects: Vec<PyObject> = event_views
        .into_iter()
        .map(|o| py_object("events", o))
        .collect();
    let objects: Vec<&PyObject> = objects.into_iter().chain(&event_objects).collect();
    let events: &[EventSpec] = &spec.events;
    let object_names: Vec<&str> = objects
        .iter()
        .map(|o| o.name.as_str())
        .chain(events.iter().map(|e| e.name.as_str()))
        .collect();
    let enums: Vec<&EnumType> = spec.enums().collect();
    let result_enums: Vec<&EnumType> = spec.result_enums().collect();
    let input_types: Vec<PyInputType> = spec
        .object_types()
        .filter(|t| t.input)
        .map(|t| PyInputType {
            name: t.name.clone(),
            doc: t.doc.clone(),
            total: t.fields.iter().all(|f| f.required),
            fields: t
                .fields
                .iter()
                .map(|f| PyInputField {
                    name: f.name.clone(),
                    py_type: python_type(&Typed::field(f).present()).0,
                    doc: f.doc.clone(),
                })
                .collect(),
        })
        .collect();
    let ctx = minijinja::context! {
        input_types => input_types,
        result_enums => result_enums,
        banner => banner("spec/"),
        methods => &methods,
        objects => objects,
        events => events,
        object_names => object_names,
        enums => enums,
        time => &spec.time,
        time_fields => &time_fields,
        system => &spec.system_errors,
        method_errors => &spec.method_error_classes,
    };

    let mut files = super::per_method_rust(
        r,
        "python",
        RUST_DIR,
        ctx.clone(),
        minijinja::context! {
            banner => banner("spec/events/"),
            objects => &event_objects,
            imports => &event_imports,
            events => events,
        },
        methods
            .iter()
            .map(|method| (method.m, minijinja::Value::from_serialize(method))),
    )?;
    for name in ["_client.py", "errors.py", "_native_generated.pyi"] {
        files.push(GeneratedFile {
            path: format!("{PY_DIR}/{name}"),
            contents: r.render(&format!("python/{name}.j2"), &ctx)?,
        });
    }
    Ok(files)
}
