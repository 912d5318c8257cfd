//! Spec types, whatever declares them (a parameter, a result field, a `time` field), and their
//! Rust forms, which every target emits. Each target maps a [`SpecType`] to its own language in
//! one function of its module; nothing else in the generator spells a type.

use crate::spec::model::{
    EventSpec, FieldType, Method, Param, ParamType, ResultField, Spec, TimeField, TimeFieldType,
};

/// The types a spec can declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpecType {
    Integer,
    /// Fractional: seconds, a Unix time, a ratio.
    Number,
    String,
    Boolean,
    /// A date and time with its UTC offset.
    Datetime,
    /// A calendar date without a time of day.
    Date,
    /// Any JSON value, as sent.
    Json,
    List(Box<SpecType>),
    /// String keys (identifiers) to values of the item type.
    Map(Box<SpecType>),
    /// A named object type: its name is the type's name in every language.
    Object(String),
    /// A named enum of strings: its name is the type's name in every language that names the
    /// values.
    Enum(String),
    /// A named enum of integer codes, named as an enum of strings is.
    IntegerEnum(String),
}

impl SpecType {
    fn of_field(ty: &FieldType) -> SpecType {
        match ty {
            FieldType::Integer => SpecType::Integer,
            FieldType::Number => SpecType::Number,
            FieldType::String => SpecType::String,
            FieldType::Boolean => SpecType::Boolean,
            FieldType::Datetime => SpecType::Datetime,
            FieldType::Date => SpecType::Date,
            FieldType::Json => SpecType::Json,
            FieldType::List(item) => SpecType::List(Box::new(SpecType::of_field(item))),
            FieldType::Map(item) => SpecType::Map(Box::new(SpecType::of_field(item))),
            FieldType::Object(name) => SpecType::Object(name.clone()),
            FieldType::Enum(name) => SpecType::Enum(name.clone()),
            FieldType::IntegerEnum(name) => SpecType::IntegerEnum(name.clone()),
        }
    }
}

/// A spec type and whether a value is always there (`false`: it may be absent or null, and the
/// target wraps it in its optional form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Typed {
    pub(crate) ty: SpecType,
    pub(crate) required: bool,
}

/// How a Rust crate spells the types the core takes from its runtime, and how a binding turns
/// the core's values into its own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RustNames {
    pub(crate) datetime: &'static str,
    pub(crate) date: &'static str,
    /// The map type, taking its value type: `{}` stands for it.
    pub(crate) map: &'static str,
    /// The function that turns the core's date and time into this crate's; `None`: the same.
    pub(crate) datetime_from_core: Option<&'static str>,
    /// The same for a calendar date.
    pub(crate) date_from_core: Option<&'static str>,
    /// Whether a map must be rebuilt even when its values need no conversion (another type).
    pub(crate) map_from_core: bool,
    /// Any JSON value, and the function that makes it from the core's `serde_json::Value`.
    pub(crate) json: &'static str,
    pub(crate) json_from_core: Option<&'static str>,
    /// What an enum is in this crate: `None`, a type of the enum's name (the core's, or the
    /// binding's own that converts into it); else this type (`{}` stands for the enum's
    /// name), made from the core's value by `Into`: the wire text (`String`), or a wrapper.
    pub(crate) enum_as: Option<&'static str>,
    /// The same for an enum of integer codes: the code (`i64`), or a wrapper.
    pub(crate) integer_enum_as: Option<&'static str>,
}

/// The core itself.
pub(crate) const CORE: RustNames = RustNames {
    datetime: "b24kit_runtime::wire::DateTime",
    date: "b24kit_runtime::wire::Date",
    date_from_core: None,
    map: "b24kit_runtime::wire::Map<{}>",
    datetime_from_core: None,
    map_from_core: false,
    json: "serde_json::Value",
    json_from_core: None,
    enum_as: None,
    integer_enum_as: None,
};

/// A binding that keeps the core's types, through the public crate (Python, Node).
pub(crate) const PUBLIC: RustNames = RustNames {
    datetime: "b24kit::DateTime",
    date: "b24kit::Date",
    date_from_core: None,
    map: "b24kit::Map<{}>",
    datetime_from_core: None,
    map_from_core: false,
    json: "serde_json::Value",
    json_from_core: None,
    enum_as: Some("String"),
    integer_enum_as: Some("i64"),
};

impl Typed {
    /// A parameter: a flag is a boolean; one that is optional without a default is absent
    /// unless given.
    pub(crate) fn param(p: &Param) -> Typed {
        let ty = match p.ty {
            ParamType::Integer => SpecType::Integer,
            ParamType::Flag => SpecType::Boolean,
            ParamType::String => SpecType::String,
            ParamType::Enum => SpecType::Enum(p.enum_name.clone().unwrap_or_default()),
            ParamType::IntegerEnum => {
                SpecType::IntegerEnum(p.enum_name.clone().unwrap_or_default())
            }
            ParamType::Json => SpecType::Json,
            ParamType::Object => SpecType::Object(p.object_name.clone().unwrap_or_default()),
        };
        Typed {
            ty,
            required: !p.nullable,
        }
    }

    pub(crate) fn field(f: &ResultField) -> Typed {
        Typed {
            ty: SpecType::of_field(&f.ty),
            required: !f.optional(),
        }
    }

    pub(crate) fn time(f: &TimeField) -> Typed {
        let ty = match f.ty {
            TimeFieldType::Timestamp | TimeFieldType::Seconds => SpecType::Number,
            TimeFieldType::Datetime => SpecType::String,
        };
        Typed {
            ty,
            required: f.required,
        }
    }

    /// One item of a list method's result, when the spec declares the method a list.
    pub(crate) fn list_item(m: &Method) -> Option<Typed> {
        m.list.as_ref().map(|list| Typed {
            ty: SpecType::of_field(&list.item),
            required: true,
        })
    }

    /// The same type, always there: what a value that was given has.
    pub(crate) fn present(&self) -> Typed {
        Typed {
            ty: self.ty.clone(),
            required: true,
        }
    }

    /// The core's Rust type, `Option<…>` when not required.
    pub(crate) fn rust(&self) -> String {
        self.rust_in(CORE)
    }

    /// The Rust type in a crate that spells dates, times and maps as `names` says (object types
    /// keep their name: each binding mirrors them under it).
    pub(crate) fn rust_in(&self, names: RustNames) -> String {
        let base = rust_base(&self.ty, names);
        optional(&base, self.required, |t| format!("Option<{t}>"))
    }

    /// The expression that turns a binding's parameter value `expr` into the core's: an enum
    /// from the binding's own or from its text; any other value is the core's already.
    pub(crate) fn to_core_expr(&self, expr: &str) -> String {
        match (&self.ty, self.required) {
            (SpecType::Enum(_) | SpecType::IntegerEnum(_), true) => format!("{expr}.into()"),
            (SpecType::Enum(_) | SpecType::IntegerEnum(_), false) => {
                format!("{expr}.map(Into::into)")
            }
            _ => expr.to_string(),
        }
    }

    /// The expression that turns the core's value `expr` into a binding's mirror of it: object
    /// types become the binding's own, dates, times and maps as `names` says.
    pub(crate) fn mirror(&self, expr: &str, names: RustNames) -> String {
        match (self.required, mirror_fn(&self.ty, names)) {
            (_, None) => expr.to_string(),
            (true, Some(_)) => mirror_value(&self.ty, expr, names),
            (false, Some(f)) => format!("{expr}.map({f})"),
        }
    }
}

fn rust_base(ty: &SpecType, names: RustNames) -> String {
    match ty {
        SpecType::Integer => "i64".to_string(),
        SpecType::Number => "f64".to_string(),
        SpecType::String => "String".to_string(),
        SpecType::Boolean => "bool".to_string(),
        SpecType::Datetime => names.datetime.to_string(),
        SpecType::Date => names.date.to_string(),
        SpecType::Json => names.json.to_string(),
        SpecType::List(item) => format!("Vec<{}>", rust_base(item, names)),
        SpecType::Map(item) => names.map.replace("{}", &rust_base(item, names)),
        SpecType::Object(name) => name.clone(),
        SpecType::Enum(name) => names
            .enum_as
            .map_or(name.clone(), |t| t.replace("{}", name)),
        SpecType::IntegerEnum(name) => names
            .integer_enum_as
            .map_or(name.clone(), |t| t.replace("{}", name)),
    }
}

/// A present value converted (see [`Typed::mirror`]).
fn mirror_value(ty: &SpecType, expr: &str, names: RustNames) -> String {
    match (ty, mirror_fn(ty, names)) {
        (_, None) => expr.to_string(),
        (SpecType::Object(_) | SpecType::Enum(_) | SpecType::IntegerEnum(_), _) => {
            format!("{expr}.into()")
        }
        (SpecType::List(item), _) => format!(
            "{expr}.into_iter().map({}).collect()",
            mirror_fn(item, names).unwrap_or_default()
        ),
        (SpecType::Map(item), _) => match mirror_fn(item, names) {
            None => format!("{expr}.into_iter().collect()"),
            Some(_) => format!(
                "{expr}.into_iter().map(|(key, value)| (key, {})).collect()",
                mirror_value(item, "value", names)
            ),
        },
        (_, Some(f)) => format!("{f}({expr})"),
    }
}

/// A function or closure converting one value, `None` where no conversion is needed.
fn mirror_fn(ty: &SpecType, names: RustNames) -> Option<String> {
    match ty {
        // An enum becomes a binding's own type or its text: the core's converts into both.
        SpecType::Object(_) | SpecType::Enum(_) | SpecType::IntegerEnum(_) => {
            Some("Into::into".to_string())
        }
        SpecType::Datetime => names.datetime_from_core.map(str::to_string),
        SpecType::Date => names.date_from_core.map(str::to_string),
        SpecType::Json => names.json_from_core.map(str::to_string),
        SpecType::List(item) => mirror_fn(item, names)
            .map(|f| format!("|items: Vec<_>| items.into_iter().map({f}).collect::<Vec<_>>()")),
        SpecType::Map(item) => {
            let target = rust_base(ty, names);
            match mirror_fn(item, names) {
                None if !names.map_from_core => None,
                None => Some(format!(
                    "|map: b24kit::Map<_>| map.into_iter().collect::<{target}>()"
                )),
                Some(_) => Some(format!(
                    "|map: b24kit::Map<_>| map.into_iter().map(|(key, value)| (key, {})).collect::<{target}>()",
                    mirror_value(item, "value", names)
                )),
            }
        }
        _ => None,
    }
}

/// An object the generator emits a type for: a method's result or a named type.
pub(crate) struct ObjectView<'a> {
    pub(crate) name: String,
    pub(crate) doc: String,
    pub(crate) fields: &'a [ResultField],
    /// The method whose result it is, for results.
    pub(crate) result_of: Option<&'a str>,
    /// A type parameters take: the caller builds it, the client sends it.
    pub(crate) input: bool,
}

impl<'a> ObjectView<'a> {
    /// The method's result object (if it is one) and the named types its spec declares.
    pub(crate) fn of(m: &'a Method) -> Vec<ObjectView<'a>> {
        let result = m.result.type_name.as_ref().map(|name| ObjectView {
            name: name.clone(),
            doc: m.result.doc.clone(),
            fields: &m.result.fields,
            result_of: Some(&m.name),
            input: false,
        });
        result
            .into_iter()
            .chain(m.types.iter().map(|t| ObjectView {
                name: t.name.clone(),
                doc: t.doc.clone(),
                fields: &t.fields,
                result_of: None,
                input: t.input,
            }))
            .collect()
    }

    /// An event's `data` object and the named types its spec declares.
    pub(crate) fn of_event(e: &'a EventSpec) -> Vec<ObjectView<'a>> {
        let data = ObjectView {
            name: e.data_type.clone(),
            doc: format!("{} The `data` of `{}`.", e.data_doc, e.name),
            fields: &e.data_fields,
            result_of: None,
            input: false,
        };
        std::iter::once(data)
            .chain(e.types.iter().map(|t| ObjectView {
                name: t.name.clone(),
                doc: t.doc.clone(),
                fields: &t.fields,
                result_of: None,
                input: false,
            }))
            .collect()
    }

    /// The object types of every event, in event order.
    pub(crate) fn of_events(events: &'a [EventSpec]) -> Vec<ObjectView<'a>> {
        events.iter().flat_map(ObjectView::of_event).collect()
    }

    /// The type's documentation: a result says whose it is.
    pub(crate) fn full_doc(&self) -> String {
        match self.result_of {
            Some(method) => format!("{} The result of `{method}`.", self.doc),
            None => self.doc.clone(),
        }
    }
}

/// A named object type `views` use that another file declares, in a binding whose generated
/// code has a module per method (named like its snake-case name) and one for the events:
/// `use super::{module}::{name};`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub(crate) struct Import {
    pub(crate) module: String,
    pub(crate) name: String,
}

impl Import {
    /// The types `views` name that are not among them, each with the module declaring it.
    pub(crate) fn for_views(spec: &Spec, views: &[ObjectView]) -> Vec<Import> {
        let mut imports: Vec<Import> = views
            .iter()
            .flat_map(|o| o.fields.iter().filter_map(|f| f.ty.object_name()))
            .filter(|name| !views.iter().any(|o| o.name == *name))
            .filter_map(|name| {
                Some(Import {
                    module: declaring_module(spec, name)?,
                    name: name.to_string(),
                })
            })
            .collect();
        imports.sort();
        imports.dedup();
        imports
    }
}

impl Import {
    /// The types a method's module uses from others: those its objects name, and its result's
    /// when the result is (a list or map of) another spec's type.
    pub(crate) fn for_method(spec: &Spec, m: &Method, views: &[ObjectView]) -> Vec<Import> {
        let mut imports = Import::for_views(spec, views);
        let value_result = m
            .result
            .type_name
            .is_none()
            .then(|| m.result.ty.object_name());
        if let Some(name) = value_result.flatten() {
            if let (false, Some(module)) = (
                views.iter().any(|o| o.name == name),
                declaring_module(spec, name),
            ) {
                imports.push(Import {
                    module,
                    name: name.to_string(),
                });
                imports.sort();
                imports.dedup();
            }
        }
        imports
    }
}

/// The module of a split binding that declares the object type `name`.
pub(crate) fn declaring_module(spec: &Spec, name: &str) -> Option<String> {
    let in_method = spec.methods.iter().find(|m| {
        m.result.type_name.as_deref() == Some(name) || m.types.iter().any(|t| t.name == name)
    });
    match in_method {
        Some(m) => Some(m.idents.snake.clone()),
        None => spec
            .events
            .iter()
            .any(|e| e.data_type == name || e.types.iter().any(|t| t.name == name))
            .then(|| "events".to_string()),
    }
}

/// What a method's `result` is: a value of a spec type, or an object of its own named type.
pub(crate) enum Output<'a> {
    Value(Typed),
    Object(&'a str),
}

impl Output<'_> {
    pub(crate) fn of(m: &Method) -> Output<'_> {
        match &m.result.type_name {
            Some(name) => Output::Object(name),
            None => Output::Value(Typed {
                ty: SpecType::of_field(&m.result.ty),
                required: true,
            }),
        }
    }

    /// The expression that turns the core's result `expr` into a binding's: an object through
    /// its mirror's `From`, a value as `names` says (typed, so that a list's `collect` knows
    /// what it builds).
    pub(crate) fn mirror(&self, expr: &str, names: RustNames) -> String {
        match self {
            Output::Object(name) => format!("{name}::from({expr})"),
            Output::Value(t) => {
                let converted = t.mirror(expr, names);
                if converted == expr {
                    converted
                } else {
                    format!(
                        "{{ let result: {} = {converted}; result }}",
                        t.rust_in(names)
                    )
                }
            }
        }
    }

    /// The type in a target: a value's through `value`, an object's name as it is.
    pub(crate) fn in_target(&self, value: impl Fn(&Typed) -> String) -> String {
        match self {
            Output::Value(t) => value(t),
            Output::Object(name) => name.to_string(),
        }
    }
}

/// `base` as is when required, else in the target's optional form.
pub(crate) fn optional(base: &str, required: bool, wrap: impl Fn(&str) -> String) -> String {
    if required {
        base.to_string()
    } else {
        wrap(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(expr: &str, required: bool) -> Typed {
        Typed {
            ty: SpecType::of_field(&FieldType::parse(expr).unwrap()),
            required,
        }
    }

    #[test]
    fn nested_types_in_rust_and_their_mirrors() {
        let viewers = typed("list<ChatViewer>", false);
        assert_eq!(viewers.rust(), "Option<Vec<ChatViewer>>");
        assert_eq!(
            viewers.mirror("r.viewers", PUBLIC),
            "r.viewers.map(|items: Vec<_>| items.into_iter().map(Into::into).collect::<Vec<_>>())"
        );
        let other = RustNames {
            datetime: "T",
            map: "HashMap<String, {}>",
            datetime_from_core: Some("f"),
            map_from_core: true,
            json: "J",
            json_from_core: Some("J::from"),
            enum_as: Some("String"),
            date: "D",
            date_from_core: Some("g"),
            integer_enum_as: Some("i64"),
        };
        assert_eq!(typed("json", false).rust_in(other), "Option<J>");
        assert_eq!(typed("json", false).mirror("v", other), "v.map(J::from)");
        assert_eq!(typed("json", true).mirror("v", PUBLIC), "v");
        let dates = typed("list<datetime>", true);
        assert_eq!(dates.rust_in(other), "Vec<T>");
        assert_eq!(dates.mirror("d", PUBLIC), "d");
        assert_eq!(dates.mirror("d", other), "d.into_iter().map(f).collect()");
        assert_eq!(typed("datetime", false).mirror("d", other), "d.map(f)");
        // A day: its own type and conversion, in lists too.
        assert_eq!(typed("list<date>", false).rust_in(other), "Option<Vec<D>>");
        assert_eq!(typed("date", true).mirror("d", other), "g(d)");
        assert_eq!(
            typed("list<date>", true).mirror("d", other),
            "d.into_iter().map(g).collect()"
        );
        assert_eq!(typed("date", true).rust(), "b24kit_runtime::wire::Date");
        assert_eq!(
            typed("ChatLink", true).mirror("r.link", PUBLIC),
            "r.link.into()"
        );
        assert_eq!(typed("list<integer>", true).mirror("ids", other), "ids");

        let users = typed("map<ChatViewer>", true);
        assert_eq!(users.rust(), "b24kit_runtime::wire::Map<ChatViewer>");
        assert_eq!(users.rust_in(other), "HashMap<String, ChatViewer>");
        let converted = "u.into_iter().map(|(key, value)| (key, value.into())).collect()";
        assert_eq!(users.mirror("u", PUBLIC), converted);
        assert_eq!(users.mirror("u", other), converted);
        let flags = typed("map<boolean>", false);
        assert_eq!(flags.mirror("m", PUBLIC), "m");
        assert_eq!(
            flags.mirror("m", other),
            "m.map(|map: b24kit::Map<_>| map.into_iter().collect::<HashMap<String, bool>>())"
        );
        assert_eq!(
            typed("map<list<integer>>", true).mirror("m", other),
            "m.into_iter().collect()"
        );
    }

    #[test]
    fn enums_in_results_mirror_as_text_or_as_a_bindings_own_type() {
        let days = Typed {
            ty: SpecType::of_field(&FieldType::List(Box::new(FieldType::Enum(
                "Weekday".to_string(),
            )))),
            required: false,
        };
        assert_eq!(days.rust(), "Option<Vec<Weekday>>");
        assert_eq!(days.rust_in(PUBLIC), "Option<Vec<String>>");
        assert_eq!(
            days.mirror("d", PUBLIC),
            "d.map(|items: Vec<_>| items.into_iter().map(Into::into).collect::<Vec<_>>())"
        );
        let wrapped = RustNames {
            enum_as: Some("Text<{}>"),
            ..PUBLIC
        };
        assert_eq!(days.rust_in(wrapped), "Option<Vec<Text<Weekday>>>");
        let own = RustNames {
            enum_as: None,
            ..PUBLIC
        };
        let queue = Typed {
            ty: SpecType::Enum("QueueType".to_string()),
            required: true,
        };
        assert_eq!(queue.rust_in(own), "QueueType");
        assert_eq!(queue.mirror("q", own), "q.into()");
        assert_eq!(queue.mirror("q", PUBLIC), "q.into()");
    }
}
