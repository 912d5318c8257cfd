//! The uniffi crate's method-specific parts (`bindings/uniffi/src/generated.rs`): the error
//! enum's variants, the `Time` and response records, and the async methods on `Client`. The
//! Kotlin and Swift sources are then made from the built library by `uniffi-bindgen`.

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

const RUST_OUT: &str = "bindings/uniffi/src/generated.rs";

#[derive(Serialize)]
struct UniffiMethod<'a> {
    m: &'a Method,
    params_type: String,
    response_type: String,
    result_rust: String,
    /// For object results: the exported record mirroring the core's result type.
    result_record: Option<String>,
    result_fields: Vec<RecordField>,
    params: Vec<UniffiParam<'a>>,
}

#[derive(Serialize)]
struct RecordField {
    name: String,
    rust_type: String,
    doc: String,
}

#[derive(Serialize)]
struct UniffiParam<'a> {
    p: &'a Param,
    ident: String,
    rust_type: String,
    default: Option<String>,
}

#[derive(Serialize)]
struct Variant {
    name: String,
    code: String,
    doc: String,
}

#[derive(Serialize)]
struct TimeField {
    name: String,
    rust_type: String,
    doc: String,
}

pub(crate) fn generate(spec: &Spec, r: &Renderer) -> Result<Vec<GeneratedFile>, Error> {
    let methods: Vec<UniffiMethod> = spec
        .methods
        .iter()
        .map(|m| UniffiMethod {
            m,
            params_type: format!("{}Params", m.idents.pascal),
            response_type: format!("{}Response", m.idents.pascal),
            result_rust: match m.result.ty {
                ResultType::Boolean => "bool".to_string(),
                ResultType::IntegerList => "Vec<i64>".to_string(),
                ResultType::Object => m.result.type_name.clone().unwrap_or_default(),
            },
            result_record: m.result.type_name.clone(),
            result_fields: m
                .result
                .fields
                .iter()
                .map(|f| {
                    let base = match f.ty {
                        FieldType::Integer => "i64",
                        FieldType::String => "String",
                        FieldType::Boolean => "bool",
                        FieldType::IntegerList => "Vec<i64>",
                    };
                    RecordField {
                        name: rust_ident(&f.idents.snake),
                        rust_type: if f.required {
                            base.to_string()
                        } else {
                            format!("Option<{base}>")
                        },
                        doc: f.doc.clone(),
                    }
                })
                .collect(),
            params: m
                .params
                .iter()
                .map(|p| UniffiParam {
                    p,
                    ident: rust_ident(&p.idents.snake),
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
                    default: match &p.default {
                        Some(DefaultValue::Integer(n)) => Some(n.to_string()),
                        Some(DefaultValue::Bool(b)) => Some(b.to_string()),
                        None if p.nullable => Some("None".to_string()),
                        None => None,
                    },
                })
                .collect(),
        })
        .collect();
    let mut method_variants: Vec<Variant> = Vec::new();
    for m in &spec.methods {
        for e in &m.errors {
            match method_variants
                .iter_mut()
                .find(|v| v.name == e.idents.pascal)
            {
                Some(v) => v.doc.push_str(&format!(", {}", m.name)),
                None => method_variants.push(Variant {
                    name: e.idents.pascal.clone(),
                    code: e.code.clone(),
                    doc: format!(
                        "`{}` (HTTP {}): {} Documented for: {}",
                        e.code, e.status, e.meaning, m.name
                    ),
                }),
            }
        }
    }
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
    let time_fields: Vec<TimeField> = spec
        .time
        .fields
        .iter()
        .map(|f| {
            let base = match f.ty {
                TimeFieldType::Timestamp | TimeFieldType::Seconds => "f64",
                TimeFieldType::Datetime => "String",
            };
            TimeField {
                name: rust_ident(&f.idents.snake),
                rust_type: if f.required {
                    base.to_string()
                } else {
                    format!("Option<{base}>")
                },
                doc: f.doc.clone(),
            }
        })
        .collect();
    let mut param_names: Vec<(String, String)> = Vec::new();
    for m in &spec.methods {
        for p in &m.params {
            if !param_names.iter().any(|(wire, _)| *wire == p.wire) {
                param_names.push((p.wire.clone(), p.idents.camel.clone()));
            }
        }
    }
    let ctx = minijinja::context! {
        banner => banner("spec/"),
        methods => &methods,
        time => &spec.time,
        time_fields => time_fields,
        method_variants => method_variants,
        system_variants => system_variants,
        param_names => param_names,
    };
    let rust = r.render("uniffi/generated.rs.j2", &ctx)?;
    Ok(vec![GeneratedFile {
        path: RUST_OUT.to_string(),
        contents: rustfmt::format(RUST_OUT, &rust)?,
    }])
}
