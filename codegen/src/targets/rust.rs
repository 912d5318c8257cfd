//! The public `b24kit` crate's generated half: `core/src/generated/`. Everything that comes from
//! the specs is here — each method's parameters, result, errors and calls, the system errors
//! with their reactions, the `time` object — and reaches the hand-written runtime
//! (`b24kit-runtime`) through its `Catalog` and `Method` traits only.

use serde::Serialize;

use super::banner;
use crate::naming::{python_ident, rust_ident};
use crate::output::GeneratedFile;
use crate::render::Renderer;
use crate::rustfmt;
use crate::spec::model::{
    DefaultValue, EventSpec, Method, Param, ParamType, ResultField, TimeField,
};
use crate::spec::{Spec, COMMON_FILE, SYSTEM_ERRORS_FILE};
use crate::types::{ObjectView, Output, SpecType, Typed};
use crate::Error;

pub(crate) const OUT_DIR: &str = "core/src/generated";

/// What the Rust templates need beyond the spec: Rust types and expressions.
#[derive(Serialize)]
struct RustMethod<'a> {
    m: &'a Method,
    params_type: String,
    error_type: String,
    output_type: String,
    /// For a list method: the Rust type of one item.
    item_type: Option<String>,
    params: Vec<RustParam<'a>>,
    /// Required parameters, in spec order: the arguments of `new`.
    required: Vec<RustParam<'a>>,
    /// The result object (if the result is one) and the named types the spec declares.
    objects: Vec<RustObject>,
    /// Object types and enums declared by other methods' specs that this one uses.
    imports: Vec<String>,
}

#[derive(Serialize)]
struct RustObject {
    name: String,
    doc: String,
    fields: Vec<RustField>,
    /// A type parameters take: built by the caller, sent rather than read.
    input: bool,
}

#[derive(Serialize, Clone)]
struct RustParam<'a> {
    p: &'a Param,
    ident: String,
    /// The struct field's type.
    rust_type: String,
    /// The type `new` and the setter take.
    arg_type: String,
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
    /// The `serde` attribute that names its key when writing, where the name is not the key.
    serde: String,
    /// Whether the answer always has its key (`Fields::required`), or may leave it out.
    required: bool,
    /// For an input type's optional field: what its setter takes and how it stores it.
    setter_arg: String,
    setter_value: String,
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

/// The Rust type of a method's `result`.
pub(crate) fn output_type(m: &Method) -> String {
    Output::of(m).in_target(Typed::rust)
}

fn rust_method(m: &Method) -> RustMethod<'_> {
    let params: Vec<RustParam> = m.params.iter().map(rust_param).collect();
    let views = ObjectView::of(m);
    let fields = views
        .iter()
        .flat_map(|o| o.fields.iter().filter_map(|f| f.ty.type_name()));
    let enums = m
        .params
        .iter()
        .filter_map(|p| p.enum_name.as_deref().or(p.object_name.as_deref()));
    // A result that is a value (not an object of its own) may name a type too.
    let value_result = m
        .result
        .type_name
        .is_none()
        .then(|| m.result.ty.type_name())
        .flatten();
    let mut imports: Vec<String> = fields
        .chain(enums)
        .chain(value_result)
        .filter(|name| !views.iter().any(|o| o.name == *name))
        .filter(|name| !m.enums.iter().any(|e| e.name == *name))
        .map(str::to_string)
        .collect();
    imports.sort();
    imports.dedup();
    RustMethod {
        m,
        params_type: format!("{}Params", m.idents.pascal),
        error_type: format!("{}Error", m.idents.pascal),
        output_type: output_type(m),
        item_type: Typed::list_item(m).map(|item| item.rust()),
        required: params.iter().filter(|p| p.p.required).cloned().collect(),
        params,
        imports,
        objects: views.into_iter().map(rust_object).collect(),
    }
}

fn rust_object(o: ObjectView) -> RustObject {
    RustObject {
        doc: o.full_doc(),
        fields: o.fields.iter().map(|f| rust_field(f, o.input)).collect(),
        input: o.input,
        name: o.name,
    }
}

/// The events' module: every event's `data` type and declared types, and which method types
/// they use.
#[derive(Serialize)]
struct RustEvents<'a> {
    events: &'a [EventSpec],
    objects: Vec<RustObject>,
    imports: Vec<String>,
}

fn rust_events(events: &[EventSpec]) -> RustEvents<'_> {
    let views = ObjectView::of_events(events);
    let mut imports: Vec<String> = views
        .iter()
        .flat_map(|o| o.fields.iter().filter_map(|f| f.ty.type_name()))
        .filter(|name| !views.iter().any(|o| o.name == *name))
        .map(str::to_string)
        .collect();
    imports.sort();
    imports.dedup();
    RustEvents {
        events,
        objects: views.into_iter().map(rust_object).collect(),
        imports,
    }
}

fn rust_param(p: &Param) -> RustParam<'_> {
    let ident = rust_ident(&p.idents.snake);
    let typed = Typed::param(p);
    // Text setters take anything that becomes a `String`; enum setters a value of the enum or
    // its text (`"lead"`); JSON setters a `serde_json::Value` or what becomes one (`json!`, a
    // string, a number, a vector).
    let converts = matches!(
        p.ty,
        ParamType::String | ParamType::Enum | ParamType::IntegerEnum | ParamType::Json
    );
    // An object parameter takes its type as built (`OpenLineSettings::new().line_name(…)`).
    let arg_type = if converts {
        format!("impl Into<{}>", typed.present().rust())
    } else {
        typed.present().rust()
    };
    let conversion = if converts {
        format!("{ident}.into()")
    } else {
        ident.clone()
    };
    RustParam {
        p,
        rust_type: typed.rust(),
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

fn rust_field(f: &ResultField, input: bool) -> RustField {
    let typed = Typed::field(f);
    // Every value is read leniently (`b24kit_runtime::wire::Lenient`, through `Fields`); a key
    // that may be absent defaults to `None`, while a required but nullable one must still be
    // sent.
    let ident = rust_ident(&f.idents.snake);
    // The wire key, where the field's name is not it (`chatId` → `chat_id`).
    let serde = if ident.trim_start_matches("r#") == f.name {
        String::new()
    } else {
        format!("#[serde(rename = {:?})]", f.name)
    };
    let doc = match (f.required, f.nullable) {
        (false, _) if input => format!("{}\n\n`None`: not sent.", f.doc),
        (true, true) => format!(
            "{}\n\nAlways sent; `None` when the portal sends `null`.",
            f.doc
        ),
        (false, true) => format!("{}\n\n`None` when absent or `null`.", f.doc),
        (false, false) => format!("{}\n\n`None` when absent.", f.doc),
        (true, false) => f.doc.clone(),
    };
    // Text, enums, JSON and lists take what becomes one (`"Shop"`, `"evenly"`, `json!(…)`).
    let present = typed.present().rust();
    let converts = !matches!(
        typed.ty,
        SpecType::Integer | SpecType::Number | SpecType::Boolean
    );
    let (setter_arg, setter_value) = if converts {
        (format!("impl Into<{present}>"), "value.into()".to_string())
    } else {
        (present, "value".to_string())
    };
    RustField {
        name: f.name.clone(),
        ident,
        rust_type: typed.rust(),
        serde,
        required: f.required,
        setter_arg,
        setter_value,
        doc,
    }
}

/// Rust's view of one `time` field the budget reads: `self.x` when always there, `self.x?` when
/// it may be absent.
fn budget_expr(f: &TimeField) -> String {
    let ident = rust_ident(&f.idents.snake);
    if f.required {
        format!("self.{ident}")
    } else {
        format!("self.{ident}?")
    }
}

/// A parameter in the table that names parameters in every language.
#[derive(Serialize)]
struct ParameterRow {
    wire: String,
    snake: String,
    camel: String,
}

/// The methods of one scope: one extension trait each on the async and the blocking client.
#[derive(Serialize)]
struct Scope<'a> {
    name: String,
    /// `Imopenlines`: the async trait; the blocking one is `BlockingImopenlines`.
    trait_name: String,
    methods: Vec<&'a RustMethod<'a>>,
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
        format!("{OUT_DIR}/events.rs"),
        "rust/events.rs.j2",
        minijinja::context! { banner => banner("spec/events/"), e => rust_events(&spec.events) },
    )?;
    let parameters: Vec<ParameterRow> = spec
        .parameters
        .iter()
        .map(|p| ParameterRow {
            wire: p.wire.clone(),
            snake: python_ident(&p.idents.snake),
            camel: p.idents.camel.clone(),
        })
        .collect();
    // The runtime looks a method up by halves (`find_method`): the table is sorted by name.
    let mut by_name: Vec<_> = methods.iter().collect();
    by_name.sort_by(|a, b| a.m.name.cmp(&b.m.name));
    emit(
        format!("{OUT_DIR}/catalog.rs"),
        "rust/catalog.rs.j2",
        minijinja::context! { banner => banner("spec/"), parameters => parameters, methods => &by_name },
    )?;
    let mut scopes: Vec<Scope> = Vec::new();
    for method in &methods {
        match scopes.iter_mut().find(|s| s.name == method.m.scope) {
            Some(scope) => scope.methods.push(method),
            None => scopes.push(Scope {
                name: method.m.scope.clone(),
                trait_name: crate::naming::Idents::from_name(&method.m.scope).pascal,
                methods: vec![method],
            }),
        }
    }
    emit(
        format!("{OUT_DIR}/calls.rs"),
        "rust/calls.rs.j2",
        minijinja::context! { banner => banner("spec/methods/"), scopes => scopes },
    )?;
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
        .map(|f| RustTimeField {
            name: f.name.clone(),
            ident: rust_ident(&f.idents.snake),
            rust_type: Typed::time(f).rust(),
            required: f.required,
            doc: f.doc.clone(),
        })
        .collect();
    let budget = &spec.time.budget;
    emit(
        format!("{OUT_DIR}/time.rs"),
        "rust/time.rs.j2",
        minijinja::context! {
            banner => banner(COMMON_FILE),
            time => &spec.time,
            fields => time_fields,
            used_seconds => budget_expr(&budget.used_seconds),
            released_at => budget_expr(&budget.released_at),
            answered_at => budget_expr(&budget.answered_at),
        },
    )?;
    Ok(files)
}
