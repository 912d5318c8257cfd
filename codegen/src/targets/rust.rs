//! The Rust core's method code: `core/src/generated/`. Everything method-specific that the core
//! exposes comes from here; the hand-written runtime only knows the `Method` trait.

use serde::Serialize;

use super::banner;
use crate::naming::rust_ident;
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::rustfmt;
use crate::spec::model::{
    DefaultValue, FieldType, Method, Param, ParamType, ResultField, ResultType, TimeFieldType,
};
use crate::spec::{Spec, COMMON_FILE, SYSTEM_ERRORS_FILE};
use crate::Error;

pub(crate) const OUT_DIR: &str = "core/src/generated";

/// What the Rust templates need beyond the spec: Rust types and expressions.
#[derive(Serialize)]
struct RustMethod<'a> {
    m: &'a Method,
    params_type: String,
    error_type: String,
    output_type: String,
    params: Vec<RustParam<'a>>,
    /// Required parameters, in spec order: the arguments of `new`.
    required: Vec<RustParam<'a>>,
    /// For object results: the struct's fields.
    result_fields: Vec<RustField>,
}

#[derive(Serialize, Clone)]
struct RustParam<'a> {
    p: &'a Param,
    ident: String,
    /// The struct field's type.
    rust_type: String,
    /// The type `new` and the setter take.
    arg_type: &'static str,
    /// What the setter stores, from its argument named like the field.
    assign: String,
    /// The value `new` gives an optional parameter.
    default_expr: Option<String>,
}

#[derive(Serialize)]
struct RustField {
    name: String,
    ident: String,
    rust_type: String,
    /// The `serde` attributes that read it leniently.
    serde: String,
    doc: String,
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
            ResultType::Boolean => "bool".to_string(),
            ResultType::IntegerList => "Vec<i64>".to_string(),
            ResultType::Object => m.result.type_name.clone().unwrap_or_default(),
        },
        required: params.iter().filter(|p| p.p.required).cloned().collect(),
        params,
        result_fields: m.result.fields.iter().map(rust_field).collect(),
    }
}

fn rust_param(p: &Param) -> RustParam<'_> {
    let ident = rust_ident(&p.idents.snake);
    let (base, arg_type) = match p.ty {
        ParamType::Integer => ("i64", "i64"),
        ParamType::Flag => ("bool", "bool"),
        ParamType::String => ("String", "impl Into<String>"),
    };
    let conversion = if p.ty == ParamType::String {
        format!("{ident}.into()")
    } else {
        ident.clone()
    };
    RustParam {
        p,
        rust_type: if p.nullable {
            format!("Option<{base}>")
        } else {
            base.to_string()
        },
        arg_type,
        assign: if p.nullable {
            format!("Some({conversion})")
        } else {
            conversion
        },
        default_expr: match &p.default {
            Some(DefaultValue::Integer(n)) => Some(n.to_string()),
            Some(DefaultValue::Bool(b)) => Some(b.to_string()),
            None if p.nullable => Some("None".to_string()),
            None => None,
        },
        ident,
    }
}

fn rust_field(f: &ResultField) -> RustField {
    let (base, reader) = match f.ty {
        FieldType::Integer => ("i64", "int"),
        FieldType::String => ("String", "string"),
        FieldType::Boolean => ("bool", "bool"),
        FieldType::IntegerList => ("Vec<i64>", "int_list"),
    };
    let (rust_type, serde) = if f.required {
        let serde = match f.ty {
            FieldType::Integer => r#"#[serde(deserialize_with = "crate::wire::int")]"#.to_string(),
            _ => String::new(),
        };
        (base.to_string(), serde)
    } else {
        (
            format!("Option<{base}>"),
            format!(r#"#[serde(default, deserialize_with = "crate::wire::opt_{reader}")]"#),
        )
    };
    RustField {
        name: f.name.clone(),
        ident: rust_ident(&f.idents.snake),
        rust_type,
        serde,
        doc: f.doc.clone(),
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
