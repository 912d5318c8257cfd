//! The Python package's method-specific parts: the native module's methods and `Time` class
//! (`bindings/python/src/generated.rs`), the `Client`/`AsyncClient` methods (`_client.py`), the
//! exception hierarchy (`errors.py`) and the native module's stubs (`_native.pyi`).

use serde::Serialize;

use super::banner;
use crate::naming::rust_ident;
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::rustfmt;
use crate::spec::model::{
    DefaultValue, FieldType, Method, Param, ParamType, ResultType, TimeFieldType,
};
use crate::spec::Spec;
use crate::Error;

const RUST_OUT: &str = "bindings/python/src/generated.rs";
const PY_DIR: &str = "bindings/python/python/b24kit";

/// Python keywords and soft keywords that cannot name a parameter.
const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

#[derive(Serialize)]
struct PyMethod<'a> {
    m: &'a Method,
    params_type: String,
    result_py: String,
    /// For object results: the native class mirroring the core's result type.
    result_class: Option<String>,
    result_fields: Vec<PyField>,
    params: Vec<PyParam<'a>>,
}

#[derive(Serialize)]
struct PyField {
    /// The Rust field (pyo3 exposes it without `r#`).
    name: String,
    /// The attribute as Python code writes it.
    py_name: String,
    rust_type: String,
    py_type: String,
    doc: String,
}

#[derive(Serialize)]
struct PyParam<'a> {
    p: &'a Param,
    /// The Python name (keyword-safe).
    name: String,
    /// The Rust field of the core's parameter struct.
    rust_field: String,
    py_type: &'static str,
    /// The default as a Python literal, for optional parameters.
    py_default: Option<String>,
    /// The `args` helper that converts the Python value.
    extract: &'static str,
}

/// One exception class per distinct method error code, with the methods that document it.
#[derive(Serialize)]
struct MethodErrorClass {
    class_name: String,
    code: String,
    status: u16,
    meaning: String,
    methods: Vec<String>,
}

#[derive(Serialize)]
struct PyTimeField {
    name: String,
    rust_type: String,
    py_type: String,
    doc: String,
}

fn py_name(snake: &str) -> String {
    if PY_KEYWORDS.contains(&snake) {
        format!("{snake}_")
    } else {
        snake.to_string()
    }
}

fn py_method(m: &Method) -> PyMethod<'_> {
    PyMethod {
        m,
        params_type: format!("{}Params", m.idents.pascal),
        result_py: match m.result.ty {
            ResultType::Boolean => "bool".to_string(),
            ResultType::IntegerList => "List[int]".to_string(),
            ResultType::Object => m.result.type_name.clone().unwrap_or_default(),
        },
        result_class: m.result.type_name.clone(),
        result_fields: m
            .result
            .fields
            .iter()
            .map(|f| {
                let (rust, py) = match f.ty {
                    FieldType::Integer => ("i64", "int"),
                    FieldType::String => ("String", "str"),
                    FieldType::Boolean => ("bool", "bool"),
                    FieldType::IntegerList => ("Vec<i64>", "List[int]"),
                };
                PyField {
                    name: rust_ident(&f.idents.snake),
                    py_name: f.idents.snake.clone(),
                    rust_type: if f.required {
                        rust.to_string()
                    } else {
                        format!("Option<{rust}>")
                    },
                    py_type: if f.required {
                        py.to_string()
                    } else {
                        format!("Optional[{py}]")
                    },
                    doc: f.doc.clone(),
                }
            })
            .collect(),
        params: m
            .params
            .iter()
            .map(|p| PyParam {
                p,
                name: py_name(&p.idents.snake),
                rust_field: rust_ident(&p.idents.snake),
                py_type: match (p.ty, p.nullable) {
                    (ParamType::Integer, false) => "int",
                    (ParamType::Integer, true) => "Optional[int]",
                    (ParamType::Flag, _) => "bool",
                    (ParamType::String, false) => "str",
                    (ParamType::String, true) => "Optional[str]",
                },
                py_default: match &p.default {
                    Some(DefaultValue::Integer(n)) => Some(n.to_string()),
                    Some(DefaultValue::Bool(true)) => Some("True".to_string()),
                    Some(DefaultValue::Bool(false)) => Some("False".to_string()),
                    None if p.nullable => Some("None".to_string()),
                    None => None,
                },
                extract: match (p.ty, p.nullable) {
                    (ParamType::Integer, false) => "integer",
                    (ParamType::Integer, true) => "optional_integer",
                    (ParamType::Flag, _) => "flag",
                    (ParamType::String, false) => "string",
                    (ParamType::String, true) => "optional_string",
                },
            })
            .collect(),
    }
}

fn method_error_classes(spec: &Spec) -> Vec<MethodErrorClass> {
    let mut classes: Vec<MethodErrorClass> = Vec::new();
    for m in &spec.methods {
        for e in &m.errors {
            match classes.iter_mut().find(|c| c.class_name == e.class_name) {
                Some(c) => c.methods.push(m.name.clone()),
                None => classes.push(MethodErrorClass {
                    class_name: e.class_name.clone(),
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

pub(crate) fn generate(spec: &Spec, r: &Renderer) -> Result<Vec<GeneratedFile>, Error> {
    let methods: Vec<PyMethod> = spec.methods.iter().map(py_method).collect();
    let time_fields: Vec<PyTimeField> = spec
        .time
        .fields
        .iter()
        .map(|f| {
            let (rust, py) = match f.ty {
                TimeFieldType::Timestamp | TimeFieldType::Seconds => ("f64", "float"),
                TimeFieldType::Datetime => ("String", "str"),
            };
            PyTimeField {
                name: f.name.clone(),
                rust_type: if f.required {
                    rust.to_string()
                } else {
                    format!("Option<{rust}>")
                },
                py_type: if f.required {
                    py.to_string()
                } else {
                    format!("Optional[{py}]")
                },
                doc: f.doc.clone(),
            }
        })
        .collect();
    // Every wire name once, for messages that name parameters the Python way.
    let mut param_names: Vec<(String, String)> = Vec::new();
    for m in &methods {
        for p in &m.params {
            if !param_names.iter().any(|(wire, _)| *wire == p.p.wire) {
                param_names.push((p.p.wire.clone(), p.name.clone()));
            }
        }
    }
    let ctx = minijinja::context! {
        banner => banner("spec/"),
        methods => &methods,
        time => &spec.time,
        time_fields => &time_fields,
        system => &spec.system_errors,
        method_errors => method_error_classes(spec),
        param_names => param_names,
    };

    let rust = r.render("python/generated.rs.j2", &ctx)?;
    let mut files = vec![GeneratedFile {
        path: RUST_OUT.to_string(),
        contents: rustfmt::format(RUST_OUT, &rust)?,
    }];
    for name in ["_client.py", "errors.py", "_native.pyi"] {
        files.push(GeneratedFile {
            path: format!("{PY_DIR}/{name}"),
            contents: r.render(&format!("python/{name}.j2"), &ctx)?,
        });
    }
    Ok(files)
}
