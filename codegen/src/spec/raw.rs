//! The YAML shapes exactly as written in `spec/`. Every struct refuses unknown keys, so a typo in a
//! spec fails loudly instead of being ignored; meaning is checked later, in `validate`.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonFile {
    pub time: TimeDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeDef {
    pub doc: String,
    pub budget: BudgetDef,
    pub fields: Vec<TimeFieldDef>,
}

/// Which fields of `time` the client reads to stay inside the execution-time budget.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetDef {
    pub used_seconds: String,
    pub released_at: String,
    pub answered_at: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeFieldDef {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TimeFieldType,
    pub required: bool,
    pub doc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeFieldType {
    /// Unix time in seconds; integer or float on the wire.
    Timestamp,
    /// A duration in seconds; integer or float on the wire.
    Seconds,
    /// An ISO 8601 date-time string.
    Datetime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemErrorsFile {
    pub revisions: Vec<RevisionDef>,
    pub categories: Vec<CategoryDef>,
    pub errors: Vec<SystemErrorDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionDef {
    pub id: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub name: String,
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemErrorDef {
    pub code: String,
    /// Identifier base in every language, for a code that would clash with another error's.
    #[serde(default)]
    pub name: Option<String>,
    pub message: String,
    pub meaning: String,
    /// Documented HTTP status per revision id.
    pub status: BTreeMap<String, u16>,
    pub category: String,
    pub retry: RetryWhen,
    /// What the client does besides retrying.
    #[serde(default)]
    pub reaction: Vec<Action>,
    /// For a code methods use too: the one status with which it is this system error; with any
    /// other status it is the method's.
    #[serde(default)]
    pub only_with_status: Option<u16>,
}

/// For which methods a call that failed with a system error is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryWhen {
    /// The portal refused before anything ran.
    AnyMethod,
    /// Only methods whose spec says `idempotent: true`.
    Idempotent,
    Never,
}

/// A reaction of the client to a system error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Renew the OAuth access token and repeat the call once.
    RenewToken,
    /// The portal's request bucket is full: fill the client's own.
    MarkBucketFull,
    /// Before the retry, wait for the release of execution time the portal announced.
    WaitForBudget,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodFile {
    pub name: String,
    pub scope: String,
    pub summary: String,
    pub docs_url: String,
    pub doc: String,
    #[serde(default)]
    pub deprecated: Option<String>,
    pub idempotent: bool,
    #[serde(default)]
    pub params: Vec<ParamDef>,
    /// Wire names of optional parameters of which exactly one must be given.
    #[serde(default)]
    pub one_of: Vec<String>,
    pub result: ResultDef,
    /// For a list method: how it takes its pages. Its result is then `list<Item>`, and every
    /// language walks it typed.
    #[serde(default)]
    pub list: Option<ListDef>,
    /// Named object types the result's fields use (at any depth), declared once here and
    /// usable from any method's spec.
    #[serde(default)]
    pub types: Vec<ObjectTypeDef>,
    /// Named string enumerations its parameters use, declared once here and usable from any
    /// method's spec.
    #[serde(default)]
    pub enums: Vec<EnumDef>,
    #[serde(default)]
    pub errors: Vec<MethodErrorDef>,
    /// Parameters (wire names) of a call that succeeds on the emulator's default state; absent
    /// is a call without parameters.
    #[serde(default)]
    pub example: Option<serde_json::Map<String, serde_json::Value>>,
}

/// An event the portal POSTs to an application's handler, one file per event under
/// `spec/events/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    /// The event's name as the docs write it, e.g. `OnSessionStart`; the portal sends it in
    /// capitals (`ONSESSIONSTART`).
    pub name: String,
    pub scope: String,
    pub summary: String,
    pub docs_url: String,
    pub doc: String,
    /// The delivery's `data` object.
    pub data: EventDataDef,
    /// Named object types `data` uses, usable from any event's spec.
    #[serde(default)]
    pub types: Vec<ObjectTypeDef>,
    /// The delivery's `data` as the page's example gives it: tests send it as the portal does.
    pub example: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDataDef {
    pub doc: String,
    pub fields: Vec<ResultFieldDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub wire: String,
    /// `integer`, `flag`, `string`, `json` or the PascalCase name of an enum under `enums:`.
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    #[serde(default)]
    pub default: Option<Scalar>,
    pub doc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    /// A whole number; sent as a JSON number.
    Integer,
    /// A boolean in the typed API, sent as one of two strings: `values[0]` for true,
    /// `values[1]` for false.
    Flag,
    /// Text; sent as a JSON string.
    String,
    /// One of an enum's values (or any other text the caller gives); sent as a JSON string.
    Enum,
    /// One of the codes of an enum of integer codes (or any other integer); sent as a JSON
    /// number.
    IntegerEnum,
    /// Any JSON value, for a parameter the page documents as an object or array whose shape
    /// another page describes (an attachment, a keyboard, a filter); sent nested, as given.
    Json,
    /// An object of a named type the spec declares (`OpenLineSettings`): its fields given are
    /// sent, nested, with their wire names; those not given are not sent.
    Object,
}

/// A default value as written in YAML.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Integer(i64),
    Bool(bool),
    String(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Integer(n) => write!(f, "{n}"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::String(s) => write!(f, "{s:?}"),
        }
    }
}

/// How a list method takes its pages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDef {
    /// `offset`: a page-size parameter and an offset parameter, named by `limit` and `offset`.
    pub paging: String,
    /// The object parameter holding them (`PARAMS`), if they are not top-level parameters.
    #[serde(default)]
    pub within: Option<String>,
    pub limit: String,
    pub offset: String,
    /// Items per page when no limit is asked for.
    pub page_size: u64,
    /// The most items a page holds, whatever the limit asks.
    pub max_page_size: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDef {
    /// `object` (an object of the method's own type, with `fields`) or a type expression, as a
    /// field's: `boolean`, `integer`, `list<integer>`, `list<CrmChat>`.
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: String,
    /// For `object` results: the documented keys.
    #[serde(default)]
    pub fields: Option<Vec<ResultFieldDef>>,
}

/// A named enumeration of the strings (or integer codes) a parameter takes or a field holds:
/// `name` in PascalCase, the same in every language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    pub values: Vec<EnumValueDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValueDef {
    /// The value as sent: a string, or an integer for an enum of integer codes.
    pub wire: EnumWire,
    /// The value's name in every language, where the wire value gives none (an integer code);
    /// by default the wire string.
    #[serde(default)]
    pub name: Option<String>,
    pub doc: String,
}

/// An enum value as the YAML writes it: `wire: lead` or `wire: 2`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum EnumWire {
    Integer(i64),
    Text(String),
}

/// A named object type: `name` in PascalCase, the same in every language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectTypeDef {
    pub name: String,
    pub doc: String,
    pub fields: Vec<ResultFieldDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultFieldDef {
    pub name: String,
    /// The field's name in code (snake_case), where the key cannot be one: `extra` holds every
    /// object's undocumented keys.
    #[serde(default)]
    pub ident: Option<String>,
    /// A type expression: `integer`, `number`, `string`, `boolean`, `datetime`, `list<T>` or
    /// the name of an object type.
    #[serde(rename = "type")]
    pub ty: String,
    /// `false`: the key may be absent.
    pub required: bool,
    /// `true`: the value may be `null`.
    #[serde(default)]
    pub nullable: bool,
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodErrorDef {
    pub code: String,
    /// Identifier base in every language, for a code that would clash with another error's.
    #[serde(default)]
    pub name: Option<String>,
    pub status: u16,
    pub meaning: String,
    pub when: String,
    /// The method's page no longer lists the code, but portals may still send it.
    #[serde(default)]
    pub legacy: bool,
}
