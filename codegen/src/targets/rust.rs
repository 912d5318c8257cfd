//! The Rust core's method code: `core/src/generated/`. Everything method-specific that the core
//! exposes comes from here; the hand-written runtime only knows the `Method` trait.

use serde::Serialize;

use super::banner;
use crate::naming::rust_ident;
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::rustfmt;
use crate::spec::model::{DefaultValue, Method, Param, ParamType, ResultType, TimeFieldType};
use crate::spec::{Spec, COMMON_FILE, SYSTEM_ERRORS_FILE};
use crate::Error;

pub(crate) const OUT_DIR: &str = "core/src/generated";

/// What the Rust templates need beyond the spec: Rust types and expressions.
#[derive(Serialize)]
struct RustMethod<'a> {
    m: &'a Method,
    params_type: String,
    error_type: String,
    output_type: &'static str,
    params: Vec<RustParam<'a>>,
    /// Required parameters, in spec order: the arguments of `new`.
    required: Vec<RustParam<'a>>,
}

#[derive(Serialize, Clone)]
struct RustParam<'a> {
    p: &'a Param,
    ident: String,
    rust_type: &'static str,
    /// The value `new` gives an optional parameter.
    default_expr: Option<String>,
}

#[derive(Serialize)]
struct RustTimeField {
    name: String,
    ident: String,
    rust_type: String,
    required: bool,
    doc: String,
}

fn rust_method(m: &Method) -> RustMethod<'_> {
    let params: Vec<RustParam> = m.params.iter().map(rust_param).collect();
    RustMethod {
        m,
        params_type: format!("{}Params", m.idents.pascal),
        error_type: format!("{}Error", m.idents.pascal),
        output_type: match m.result.ty {
            ResultType::Boolean => "bool",
        },
        required: params.iter().filter(|p| p.p.required).cloned().collect(),
        params,
    }
}

fn rust_param(p: &Param) -> RustParam<'_> {
    RustParam {
        p,
        ident: rust_ident(&p.idents.snake),
        rust_type: match p.ty {
            ParamType::Integer => "i64",
            ParamType::Flag => "bool",
        },
        default_expr: p.default.as_ref().map(|d| match d {
            DefaultValue::Integer(n) => n.to_string(),
            DefaultValue::Bool(b) => b.to_string(),
        }),
    }
}

pub(crate) fn generate(spec: &Spec, r: &Renderer) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    let mut emit = |path: String, template: &str, ctx: minijinja::Value| -> Result<(), Error> {
        let rendered = r.render(template, ctx)?;
        let contents = rustfmt::format(&path, &rendered)?;
        files.push(GeneratedFile { path, contents });
        Ok(())
    };

    let methods: Vec<RustMethod> = spec.methods.iter().map(rust_method).collect();
    emit(
        format!("{OUT_DIR}/mod.rs"),
        "rust/mod.rs.j2",
        minijinja::context! { banner => banner("spec/"), methods => &methods },
    )?;
    emit(
        format!("{OUT_DIR}/methods/mod.rs"),
        "rust/methods/mod.rs.j2",
        minijinja::context! { banner => banner("spec/methods/"), methods => &methods },
    )?;
    for method in &methods {
        emit(
            format!("{OUT_DIR}/methods/{}.rs", method.m.idents.snake),
            "rust/methods/method.rs.j2",
            minijinja::context! { banner => banner(&method.m.source_file), method => method },
        )?;
    }
    emit(
        format!("{OUT_DIR}/method_errors.rs"),
        "rust/method_errors.rs.j2",
        minijinja::context! { banner => banner("spec/methods/"), methods => &methods },
    )?;
    emit(
        format!("{OUT_DIR}/system_errors.rs"),
        "rust/system_errors.rs.j2",
        minijinja::context! { banner => banner(SYSTEM_ERRORS_FILE), system => &spec.system_errors },
    )?;
    let time_fields: Vec<RustTimeField> = spec
        .time
        .fields
        .iter()
        .map(|f| {
            let base = match f.ty {
                TimeFieldType::Timestamp | TimeFieldType::Seconds => "f64",
                TimeFieldType::Datetime => "String",
            };
            RustTimeField {
                name: f.name.clone(),
                ident: rust_ident(&f.idents.snake),
                rust_type: if f.required {
                    base.to_string()
                } else {
                    format!("Option<{base}>")
                },
                required: f.required,
                doc: f.doc.clone(),
            }
        })
        .collect();
    emit(
        format!("{OUT_DIR}/time.rs"),
        "rust/time.rs.j2",
        minijinja::context! { banner => banner(COMMON_FILE), time => &spec.time, fields => time_fields },
    )?;
    Ok(files)
}
