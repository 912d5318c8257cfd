//! The Node package's method-specific parts: the addon's methods and `NativeTime`
//! (`bindings/node/src/generated.rs`), the `Client` methods with their argument checks
//! (`client.js`), the error classes (`errors.js`), the ES module face (`index.mjs`) and the
//! complete typings (`index.d.ts`).

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

const RUST_OUT: &str = "bindings/node/src/generated.rs";
const JS_DIR: &str = "bindings/node";

#[derive(Serialize)]
struct JsMethod<'a> {
    m: &'a Method,
    params_type: String,
    /// The TypeScript interface of the parameters object.
    ts_params: String,
    /// Whether the parameters object may be left out (nothing is required).
    params_optional: bool,
    result_ts: String,
    /// For object results: the addon's mirror of the core's result type.
    result_class: Option<String>,
    result_fields: Vec<JsField>,
    params: Vec<JsParam<'a>>,
}

#[derive(Serialize)]
struct JsField {
    name: String,
    js_name: String,
    rust_type: String,
    ts_type: String,
    doc: String,
}

#[derive(Serialize)]
struct JsParam<'a> {
    p: &'a Param,
    /// camelCase, as JavaScript callers write it.
    name: String,
    rust_field: String,
    rust_type: String,
    ts_type: &'static str,
    /// The `base.js` helper that checks the value.
    check: &'static str,
    js_default: Option<String>,
}

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

fn js_method(m: &Method) -> JsMethod<'_> {
    JsMethod {
        m,
        params_type: format!("{}Params", m.idents.pascal),
        ts_params: format!("{}Params", m.idents.pascal),
        params_optional: m.one_of.is_empty() && m.params.iter().all(|p| !p.required),
        result_ts: match m.result.ty {
            ResultType::Boolean => "boolean".to_string(),
            ResultType::IntegerList => "number[]".to_string(),
            ResultType::Object => m.result.type_name.clone().unwrap_or_default(),
        },
        result_class: m.result.type_name.clone(),
        result_fields: m
            .result
            .fields
            .iter()
            .map(|f| {
                let (rust, ts) = match f.ty {
                    FieldType::Integer => ("i64", "number"),
                    FieldType::String => ("String", "string"),
                    FieldType::Boolean => ("bool", "boolean"),
                    FieldType::IntegerList => ("Vec<i64>", "number[]"),
                };
                JsField {
                    name: rust_ident(&f.idents.snake),
                    js_name: f.idents.camel.clone(),
                    rust_type: if f.required {
                        rust.to_string()
                    } else {
                        format!("Option<{rust}>")
                    },
                    ts_type: if f.required {
                        ts.to_string()
                    } else {
                        format!("{ts} | null")
                    },
                    doc: f.doc.clone(),
                }
            })
            .collect(),
        params: m
            .params
            .iter()
            .map(|p| JsParam {
                p,
                name: p.idents.camel.clone(),
                rust_field: rust_ident(&p.idents.snake),
                rust_type: {
                    let base = match p.ty {
                        ParamType::Integer => "i64",
                        ParamType::Flag => "bool",
                        ParamType::String => "String",
                    };
                    if p.nullable {
                        format!("Option<{base}>")
                    } else {
                        base.to_string()
                    }
                },
                ts_type: match p.ty {
                    ParamType::Integer => "number",
                    ParamType::Flag => "boolean",
                    ParamType::String => "string",
                },
                check: match p.ty {
                    ParamType::Integer => "integerArg",
                    ParamType::Flag => "flagArg",
                    ParamType::String => "stringArg",
                },
                js_default: match &p.default {
                    Some(DefaultValue::Integer(n)) => Some(n.to_string()),
                    Some(DefaultValue::Bool(b)) => Some(b.to_string()),
                    None if p.nullable => Some("null".to_string()),
                    None => None,
                },
            })
            .collect(),
    }
}

/// Every class below the fixed ones, parents first: method error codes (one class per code),
/// category groups, system error codes.
fn error_classes(spec: &Spec) -> Vec<ErrorClass> {
    let mut classes: Vec<ErrorClass> = Vec::new();
    for m in &spec.methods {
        for e in &m.errors {
            match classes.iter_mut().find(|c| c.class_name == e.class_name) {
                Some(c) => c.doc.push_str(&format!(", {}", m.name)),
                None => classes.push(ErrorClass {
                    class_name: e.class_name.clone(),
                    parent: "MethodError".to_string(),
                    code: e.code.clone(),
                    doc: format!(
                        "`{}` (HTTP {}): {} Documented for: {}",
                        e.code, e.status, e.meaning, m.name
                    ),
                }),
            }
        }
    }
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
    let methods: Vec<JsMethod> = spec.methods.iter().map(js_method).collect();
    let time_fields: Vec<JsTimeField> = spec
        .time
        .fields
        .iter()
        .map(|f| {
            let (rust, ts) = match f.ty {
                TimeFieldType::Timestamp | TimeFieldType::Seconds => ("f64", "number"),
                TimeFieldType::Datetime => ("String", "string"),
            };
            JsTimeField {
                name: f.name.clone(),
                js_name: f.idents.camel.clone(),
                rust_type: if f.required {
                    rust.to_string()
                } else {
                    format!("Option<{rust}>")
                },
                ts_type: if f.required {
                    ts.to_string()
                } else {
                    format!("{ts} | null")
                },
                doc: f.doc.clone(),
            }
        })
        .collect();
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
        error_classes => error_classes(spec),
        param_names => param_names,
    };
    let rust = r.render("node/generated.rs.j2", &ctx)?;
    let mut files = vec![GeneratedFile {
        path: RUST_OUT.to_string(),
        contents: rustfmt::format(RUST_OUT, &rust)?,
    }];
    for name in ["client.js", "errors.js", "index.mjs", "index.d.ts"] {
        files.push(GeneratedFile {
            path: format!("{JS_DIR}/{name}"),
            contents: r.render(&format!("node/{name}.j2"), &ctx)?,
        });
    }
    Ok(files)
}
