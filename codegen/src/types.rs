//! Spec types, whatever declares them (a parameter, a result field, a `time` field), and their
//! Rust form, which every target emits. Each target maps a [`SpecType`] to its own language in
//! one function of its module; nothing else in the generator spells a type.

use crate::spec::model::{
    FieldType, Method, Param, ParamType, ResultField, ResultType, TimeField, TimeFieldType,
};

/// The types a spec can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpecType {
    Integer,
    String,
    Boolean,
    IntegerList,
    /// Seconds or a Unix time, fractional.
    Number,
}

/// A spec type and whether a value is always there (`false`: it may be absent, and the target
/// wraps it in its optional form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Typed {
    pub(crate) ty: SpecType,
    pub(crate) required: bool,
}

impl Typed {
    /// A parameter: a flag is a boolean; one that is optional without a default is absent
    /// unless given.
    pub(crate) fn param(p: &Param) -> Typed {
        let ty = match p.ty {
            ParamType::Integer => SpecType::Integer,
            ParamType::Flag => SpecType::Boolean,
            ParamType::String => SpecType::String,
        };
        Typed {
            ty,
            required: !p.nullable,
        }
    }

    pub(crate) fn field(f: &ResultField) -> Typed {
        let ty = match f.ty {
            FieldType::Integer => SpecType::Integer,
            FieldType::String => SpecType::String,
            FieldType::Boolean => SpecType::Boolean,
            FieldType::IntegerList => SpecType::IntegerList,
        };
        Typed {
            ty,
            required: f.required,
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

    /// The Rust type, `Option<…>` when not required.
    pub(crate) fn rust(self) -> String {
        optional(self.rust_base(), self.required, |t| format!("Option<{t}>"))
    }

    /// The Rust type of a present value.
    pub(crate) fn rust_base(self) -> &'static str {
        match self.ty {
            SpecType::Integer => "i64",
            SpecType::String => "String",
            SpecType::Boolean => "bool",
            SpecType::IntegerList => "Vec<i64>",
            SpecType::Number => "f64",
        }
    }
}

/// What a method's `result` is: a value of a spec type, or an object of its own named type.
pub(crate) enum Output<'a> {
    Value(Typed),
    Object(&'a str),
}

impl Output<'_> {
    pub(crate) fn of(m: &Method) -> Output<'_> {
        let value = |ty| Output::Value(Typed { ty, required: true });
        match m.result.ty {
            ResultType::Boolean => value(SpecType::Boolean),
            ResultType::IntegerList => value(SpecType::IntegerList),
            ResultType::Object => Output::Object(m.result.type_name.as_deref().unwrap_or_default()),
        }
    }

    /// The type in a target: a value's through `value`, an object's name as it is.
    pub(crate) fn in_target(&self, value: impl Fn(Typed) -> String) -> String {
        match self {
            Output::Value(t) => value(*t),
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
