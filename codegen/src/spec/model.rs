//! The validated spec: what the templates see. Everything here has passed `validate`, so targets
//! never re-check it.

use serde::Serialize;

pub use super::raw::{Action, ParamType, RetryWhen, TimeFieldType};
use crate::naming::Idents;

#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    pub time: Time,
    pub system_errors: SystemErrors,
    /// Sorted by method name, so output does not depend on directory order.
    pub methods: Vec<Method>,
    /// Every parameter name once (the first method that declares a wire name gives its
    /// identifiers), in method order: the table that names parameters in each language.
    pub parameters: Vec<ParameterName>,
    /// One entry per distinct method error class (the same code documented by several methods
    /// is one class), in method order.
    pub method_error_classes: Vec<MethodErrorClass>,
    /// The events a portal POSTs to a handler, sorted by name.
    pub events: Vec<EventSpec>,
}

impl Spec {
    /// Every named object type, in method order, then those of events.
    pub fn object_types(&self) -> impl Iterator<Item = &ObjectType> {
        self.methods
            .iter()
            .flat_map(|m| &m.types)
            .chain(self.events.iter().flat_map(|e| &e.types))
    }

    /// The named object type `name`.
    pub fn object_type(&self, name: &str) -> Option<&ObjectType> {
        self.object_types().find(|t| t.name == name)
    }

    /// Every enum, in method order.
    pub fn enums(&self) -> impl Iterator<Item = &EnumType> {
        self.methods.iter().flat_map(|m| &m.enums)
    }

    /// The enums a result or an event holds somewhere (not only parameters take), in method
    /// order.
    pub fn result_enums(&self) -> impl Iterator<Item = &EnumType> {
        let held: Vec<&str> = result_field_types(&self.methods, &self.events)
            .filter_map(FieldType::enum_name)
            .collect();
        self.enums()
            .filter(move |e| held.contains(&e.name.as_str()))
    }
}

/// The type of every value a result or an event holds: each method's result, the fields of
/// result objects, events' `data` and every declared type's but those parameters take.
pub(crate) fn result_field_types<'a>(
    methods: &'a [Method],
    events: &'a [EventSpec],
) -> impl Iterator<Item = &'a FieldType> {
    let method_types = methods.iter().flat_map(|m| {
        let fields = m
            .result
            .fields
            .iter()
            .chain(m.types.iter().filter(|t| !t.input).flat_map(|t| &t.fields));
        std::iter::once(&m.result.ty).chain(fields.map(|f| &f.ty))
    });
    let event_types = events.iter().flat_map(|e| {
        e.data_fields
            .iter()
            .chain(e.types.iter().flat_map(|t| &t.fields))
            .map(|f| &f.ty)
    });
    method_types.chain(event_types)
}

#[derive(Debug, Clone, Serialize)]
pub struct ParameterName {
    pub wire: String,
    pub idents: Idents,
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodErrorClass {
    /// The class in languages with class hierarchies, e.g. `ChatTypeError`.
    pub class_name: String,
    /// The identifier base, e.g. `ChatType` (uniffi's variant).
    pub idents: Idents,
    pub code: String,
    /// The status of the first method that documents it.
    pub status: u16,
    pub meaning: String,
    /// Dotted names of the methods that document the code.
    pub methods: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Time {
    pub doc: String,
    /// Which fields carry the execution-time budget.
    pub budget: TimeBudget,
    pub fields: Vec<TimeField>,
}

/// The `time` fields the client reads for the execution-time budget.
#[derive(Debug, Clone, Serialize)]
pub struct TimeBudget {
    pub used_seconds: TimeField,
    pub released_at: TimeField,
    pub answered_at: TimeField,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeField {
    pub name: String,
    pub ty: TimeFieldType,
    pub required: bool,
    pub doc: String,
    pub idents: Idents,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemErrors {
    pub revisions: Vec<Revision>,
    pub categories: Vec<Category>,
    pub errors: Vec<SystemError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub id: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub name: String,
    pub doc: String,
    pub idents: Idents,
    /// The exception class of the group, e.g. `RateLimitError`.
    pub class_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemError {
    pub code: String,
    pub message: String,
    pub meaning: String,
    /// In the order the revisions are declared.
    pub statuses: Vec<RevisionStatus>,
    /// Distinct statuses, ascending.
    pub distinct_statuses: Vec<u16>,
    pub category: String,
    pub category_idents: Idents,
    pub retry: RetryWhen,
    /// Whether retrying can help at all (`retry` is not `never`).
    pub retryable: bool,
    pub renew_token: bool,
    pub mark_bucket_full: bool,
    pub wait_for_budget: bool,
    /// The one status with which the code is this system error (methods use it with others).
    pub only_with_status: Option<u16>,
    /// Identifier base (`QueryLimitExceeded`), from the code or the spec's `name`.
    pub idents: Idents,
    /// The exception class in languages with class hierarchies, e.g. `QueryLimitExceededError`.
    pub class_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionStatus {
    pub revision: String,
    pub status: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct Method {
    /// The dotted Bitrix24 name, e.g. `imopenlines.session.mode.silent`.
    pub name: String,
    /// The spec file, relative to the repository root.
    pub source_file: String,
    pub scope: String,
    pub summary: String,
    /// The method's page in the official documentation.
    pub docs_url: String,
    pub doc: String,
    pub deprecated: Option<String>,
    pub idempotent: bool,
    pub params: Vec<Param>,
    /// Wire names of optional parameters of which exactly one must be given (empty: no such rule).
    pub one_of: Vec<String>,
    pub result: MethodResult,
    /// For a list method: how it takes its pages.
    pub list: Option<ListPaging>,
    /// The named object types this method's spec declares (others may use them too).
    pub types: Vec<ObjectType>,
    /// The enums this method's spec declares (others may use them too).
    pub enums: Vec<EnumType>,
    pub errors: Vec<MethodError>,
    /// Parameters (wire names) of a call that succeeds on the emulator's default state: the
    /// fidelity test makes it and holds the answer against the documented shapes.
    pub example: serde_json::Map<String, serde_json::Value>,
    pub idents: Idents,
}

/// An event a portal POSTs to an application's handler (`OnSessionStart`), as a form whose
/// `data` this spec types.
#[derive(Debug, Clone, Serialize)]
pub struct EventSpec {
    /// As the docs write it: `OnSessionStart`.
    pub name: String,
    /// As the portal sends it in `event`: `ONSESSIONSTART`.
    pub code: String,
    pub source_file: String,
    pub scope: String,
    pub summary: String,
    pub docs_url: String,
    pub doc: String,
    /// The type of the delivery's `data`: `<Name>Data`.
    pub data_type: String,
    pub data_doc: String,
    pub data_fields: Vec<ResultField>,
    /// The named object types this event's spec declares (other events may use them too).
    pub types: Vec<ObjectType>,
    /// The page's example `data`.
    pub example: serde_json::Value,
    pub idents: Idents,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub wire: String,
    pub ty: ParamType,
    pub required: bool,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// For flags: the wire strings for true and false.
    pub flag: Option<FlagValues>,
    /// The default in the typed API (a number for integers, a boolean for flags).
    pub default: Option<DefaultValue>,
    /// The default as written in the spec, for documentation.
    pub default_doc: Option<String>,
    /// Optional without a default: absent unless the caller gives it, and then not sent.
    pub nullable: bool,
    /// For enum parameters: the enum's name.
    pub enum_name: Option<String>,
    /// For object parameters: the object type's name.
    pub object_name: Option<String>,
    pub doc: String,
    pub idents: Idents,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagValues {
    pub on: String,
    pub off: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DefaultValue {
    Integer(i64),
    Bool(bool),
}

/// How a list method takes its pages: a `limit` and an `offset` among its parameters (inside
/// `within` when given). Its result is a list of `item`.
#[derive(Debug, Clone, Serialize)]
pub struct ListPaging {
    pub within: Option<String>,
    pub limit: String,
    pub offset: String,
    pub page_size: u64,
    pub max_page_size: u64,
    /// The type of one item: the result's list item type.
    pub item: FieldType,
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodResult {
    /// The type of `result`; an object result is an object of its own type, `type_name`.
    pub ty: FieldType,
    pub doc: String,
    /// For object results: the documented keys, in spec order; empty otherwise.
    pub fields: Vec<ResultField>,
    /// For object results: the type's name base, e.g. `ImopenlinesDialogGetResult`.
    pub type_name: Option<String>,
}

/// A named enumeration of strings (`CrmEntityType`) or of integer codes: what a parameter
/// takes or a result field holds. Each language names its values and still takes and keeps
/// any other string (or integer), as portals add values before clients do.
#[derive(Debug, Clone, Serialize)]
pub struct EnumType {
    /// PascalCase, the type's name in every language.
    pub name: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
    /// The values are integer codes, sent as JSON numbers.
    pub integer: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// The value as sent, e.g. `lead`, or an integer code's decimal text (`2`).
    pub wire: String,
    pub doc: String,
    /// The value's name in each language (`Lead`, `LEAD`).
    pub idents: Idents,
}

/// A named object type of results, e.g. `ChatRestrictions`.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectType {
    /// PascalCase, the type's name in every language.
    pub name: String,
    pub doc: String,
    /// The documented keys, in spec order.
    pub fields: Vec<ResultField>,
    /// Whether a parameter takes it (at any depth): the caller builds it and the client sends
    /// it, rather than reads it from an answer.
    pub input: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultField {
    pub name: String,
    pub ty: FieldType,
    /// The key is always sent.
    pub required: bool,
    /// The value may be `null`.
    pub nullable: bool,
    pub doc: String,
    pub idents: Idents,
}

impl ResultField {
    /// Whether a reader may find no value: the key absent or its value `null`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// The type of a result field, parsed from the spec's type expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Integer,
    /// A fractional number.
    Number,
    String,
    Boolean,
    /// An ISO 8601 date and time with its offset.
    Datetime,
    /// A calendar date without a time of day (`2026-03-13`).
    Date,
    /// Any JSON value, as sent: for a key the page documents without describing its shape.
    Json,
    List(Box<FieldType>),
    /// An object keyed by identifiers (`{"85851": {…}}`), each value of the item type.
    Map(Box<FieldType>),
    /// A named object type of the spec. The parser writes every PascalCase name as one;
    /// validation turns the names of enums into [`FieldType::Enum`].
    Object(String),
    /// A named enum of the spec (`QueueType`): the wire text, with the values the spec names.
    Enum(String),
    /// A named enum of integer codes: the code, with the values the spec names.
    IntegerEnum(String),
}

impl FieldType {
    /// The expression as a spec writes it: `integer`, `list<ChatViewer>`.
    pub fn parse(text: &str) -> Result<FieldType, String> {
        let text = text.trim();
        Ok(match text {
            "integer" => FieldType::Integer,
            "number" => FieldType::Number,
            "string" => FieldType::String,
            "boolean" => FieldType::Boolean,
            "datetime" => FieldType::Datetime,
            "date" => FieldType::Date,
            "json" => FieldType::Json,
            _ => {
                if let Some(item) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
                    FieldType::List(Box::new(FieldType::parse(item)?))
                } else if let Some(item) =
                    text.strip_prefix("map<").and_then(|t| t.strip_suffix('>'))
                {
                    FieldType::Map(Box::new(FieldType::parse(item)?))
                } else if crate::spec::validate::is_type_name(text) {
                    FieldType::Object(text.to_string())
                } else {
                    return Err(format!(
                        "{text:?} is not a type: integer, number, string, boolean, datetime, \
                         date, json, list<T>, map<T> or the PascalCase name of an object type"
                    ));
                }
            }
        })
    }

    /// Whether a `json` value sits inside a list or a map (only a field's whole type may be one).
    pub fn nests_json(&self) -> bool {
        match self {
            FieldType::List(item) | FieldType::Map(item) => {
                matches!(**item, FieldType::Json) || item.nests_json()
            }
            _ => false,
        }
    }

    /// Whether `ty` is this type or its items' (`list<T>` holds `T`).
    pub fn holds(&self, ty: &FieldType) -> bool {
        self == ty || matches!(self, FieldType::List(item) | FieldType::Map(item) if item.holds(ty))
    }

    /// Whether a map sits anywhere in the type (`map<T>`, `list<map<T>>`).
    pub fn nests_map(&self) -> bool {
        match self {
            FieldType::Map(_) => true,
            FieldType::List(item) => item.nests_map(),
            _ => false,
        }
    }

    /// The object type named at any depth (`list<ChatViewer>` → `ChatViewer`).
    pub fn object_name(&self) -> Option<&str> {
        match self {
            FieldType::List(item) | FieldType::Map(item) => item.object_name(),
            FieldType::Object(name) => Some(name),
            _ => None,
        }
    }

    /// The enum named at any depth (`list<Weekday>` → `Weekday`).
    pub fn enum_name(&self) -> Option<&str> {
        match self {
            FieldType::List(item) | FieldType::Map(item) => item.enum_name(),
            FieldType::Enum(name) | FieldType::IntegerEnum(name) => Some(name),
            _ => None,
        }
    }

    /// The object type or enum named at any depth (`list<Weekday>` → `Weekday`): what a
    /// module that uses the type imports.
    pub fn type_name(&self) -> Option<&str> {
        match self {
            FieldType::List(item) | FieldType::Map(item) => item.type_name(),
            FieldType::Object(name) | FieldType::Enum(name) | FieldType::IntegerEnum(name) => {
                Some(name)
            }
            _ => None,
        }
    }

    /// The same type with the names in `enums` read as enums rather than object types.
    pub fn resolve_enums(self, enums: &[&EnumType]) -> FieldType {
        match self {
            FieldType::Object(name) => match enums.iter().find(|e| e.name == name) {
                Some(e) if e.integer => FieldType::IntegerEnum(name),
                Some(_) => FieldType::Enum(name),
                None => FieldType::Object(name),
            },
            FieldType::List(item) => FieldType::List(Box::new(item.resolve_enums(enums))),
            FieldType::Map(item) => FieldType::Map(Box::new(item.resolve_enums(enums))),
            other => other,
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldType::Integer => f.write_str("integer"),
            FieldType::Number => f.write_str("number"),
            FieldType::String => f.write_str("string"),
            FieldType::Boolean => f.write_str("boolean"),
            FieldType::Datetime => f.write_str("datetime"),
            FieldType::Date => f.write_str("date"),
            FieldType::Json => f.write_str("json"),
            FieldType::List(item) => write!(f, "list<{item}>"),
            FieldType::Map(item) => write!(f, "map<{item}>"),
            FieldType::Object(name) | FieldType::Enum(name) | FieldType::IntegerEnum(name) => {
                f.write_str(name)
            }
        }
    }
}

impl Serialize for FieldType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodError {
    pub code: String,
    pub status: u16,
    pub meaning: String,
    pub when: String,
    /// No longer on the method's page; kept because portals may still send it.
    pub legacy: bool,
    /// Identifier base (`ChatType`), from the code or the spec's `name`.
    pub idents: Idents,
    /// The exception class, e.g. `ChatTypeError`; the same code in two methods is one class.
    pub class_name: String,
}
