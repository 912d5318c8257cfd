//! Calls of any method by name, mixed batches and list walks for Kotlin and Swift.
//!
//! JSON crosses the FFI as [`JsonValue`], a recursive enum: Swift gets an `indirect enum`,
//! Kotlin a sealed class, with integers kept apart from doubles and object keys in order (the
//! portal reads `order` by key order). Nothing is serialized to text and parsed again in the
//! host. A value the portal cannot be sent — a NaN or an infinity — is an `InvalidArgument`
//! error naming its path (`params.filter.>ID`), and nothing is sent.
//!
//! The exported calls name the error enum and `Time`, which the generated code declares; it
//! invokes [`any_method_exports!`] with them.

use std::sync::Mutex;

use b24kit::{ArgumentProblem, ErrorReport};
use serde_json::{Map, Number, Value};

/// A JSON value, as calls by name take and give them.
#[derive(uniffi::Enum, Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool {
        value: bool,
    },
    /// A number without a fraction that fits 64 bits.
    Int {
        value: i64,
    },
    /// Any other number.
    Double {
        value: f64,
    },
    String {
        value: String,
    },
    Array {
        items: Vec<JsonValue>,
    },
    /// An object, its entries in order.
    Object {
        entries: Vec<JsonEntry>,
    },
}

/// One entry of a JSON object.
#[derive(uniffi::Record, Clone, Debug, PartialEq)]
pub struct JsonEntry {
    pub key: String,
    pub value: JsonValue,
}

/// How far a list walk has got.
#[derive(uniffi::Record, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListProgress {
    /// Items handed out so far.
    pub items: i64,
    /// How many items the list has, once the portal said (counted walks only).
    pub total: Option<i64>,
    /// HTTP requests made so far.
    pub requests: i64,
}

impl From<b24kit::Progress> for ListProgress {
    fn from(p: b24kit::Progress) -> ListProgress {
        ListProgress {
            items: p.items as i64,
            total: p.total.map(|t| t as i64),
            requests: p.requests as i64,
        }
    }
}

/// The JSON of the core.
impl From<Value> for JsonValue {
    fn from(value: Value) -> JsonValue {
        match value {
            Value::Null => JsonValue::Null,
            Value::Bool(value) => JsonValue::Bool { value },
            Value::Number(n) => match n.as_i64() {
                Some(value) => JsonValue::Int { value },
                None => JsonValue::Double {
                    value: n.as_f64().unwrap_or(f64::NAN),
                },
            },
            Value::String(value) => JsonValue::String { value },
            Value::Array(items) => JsonValue::Array {
                items: items.into_iter().map(JsonValue::from).collect(),
            },
            Value::Object(map) => JsonValue::Object {
                entries: map
                    .into_iter()
                    .map(|(key, value)| JsonEntry {
                        key,
                        value: value.into(),
                    })
                    .collect(),
            },
        }
    }
}

/// `value` as the core's JSON; `path` names it in the error (`params`, `calls.contact`).
pub(crate) fn to_core(value: JsonValue, path: &str) -> Result<Value, ErrorReport> {
    json_param(value, "params", path).map_err(|e| ErrorReport::new(&e, b24kit::Casing::Camel))
}

/// A typed method's JSON parameter (`ATTACH`, `KEYBOARD`) as the core's value; the error names
/// the parameter (its wire name, which the report spells the host's way) and the path inside it
/// from `name`, as the host writes it (`attach.BLOCKS[0].x`).
pub(crate) fn json_param(
    value: JsonValue,
    parameter: &'static str,
    name: &str,
) -> Result<Value, b24kit::Error> {
    let mut at = name.to_string();
    convert(value, &mut at).map_err(|reason| b24kit::Error::InvalidArgument {
        parameter,
        problem: ArgumentProblem::NotEncodable { reason },
    })
}

/// An input record's `extra` (or any JSON that must be an object) as the core's map.
pub(crate) fn object_param(
    value: JsonValue,
    parameter: &'static str,
    name: &str,
) -> Result<Map<String, Value>, b24kit::Error> {
    match json_param(value, parameter, name)? {
        Value::Object(map) => Ok(map),
        other => Err(b24kit::Error::InvalidArgument {
            parameter,
            problem: ArgumentProblem::NotEncodable {
                reason: format!("{name} is an object of key → value, not {other}"),
            },
        }),
    }
}

/// [`json_param`] for an optional parameter: `None` is not sent.
pub(crate) fn optional_json_param(
    value: Option<JsonValue>,
    parameter: &'static str,
    name: &str,
) -> Result<Option<Value>, b24kit::Error> {
    value
        .map(|value| json_param(value, parameter, name))
        .transpose()
}

fn convert(value: JsonValue, path: &mut String) -> Result<Value, String> {
    Ok(match value {
        JsonValue::Null => Value::Null,
        JsonValue::Bool { value } => Value::Bool(value),
        JsonValue::Int { value } => Value::from(value),
        JsonValue::Double { value } => Value::Number(
            Number::from_f64(value)
                .ok_or_else(|| format!("{path} is {value}, which JSON cannot hold"))?,
        ),
        JsonValue::String { value } => Value::String(value),
        JsonValue::Array { items } => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                out.push(convert(item, path)?);
                path.truncate(len);
            }
            Value::Array(out)
        }
        JsonValue::Object { entries } => {
            let mut map = Map::with_capacity(entries.len());
            for JsonEntry { key, value } in entries {
                let len = path.len();
                path.push('.');
                path.push_str(&key);
                let value = convert(value, path)?;
                path.truncate(len);
                map.insert(key, value);
            }
            Value::Object(map)
        }
    })
}

/// The parameters of a call: an object, or `Null` for none.
pub(crate) fn params(value: JsonValue, path: &str) -> Result<Value, ErrorReport> {
    match value {
        JsonValue::Object { .. } | JsonValue::Null => to_core(value, path),
        _ => Err(ErrorReport::new(
            &b24kit::Error::InvalidArgument {
                parameter: "params",
                problem: ArgumentProblem::NotEncodable {
                    reason: format!("{path} must be an object of parameter → value"),
                },
            },
            b24kit::Casing::Camel,
        )),
    }
}

/// The walk behind an exported list walk: the core's pager and its progress after the last
/// page, readable while the next one is fetched.
pub(crate) struct Walk {
    pager: tokio::sync::Mutex<b24kit::Pager>,
    progress: Mutex<b24kit::Progress>,
}

impl Walk {
    pub(crate) fn new(pager: b24kit::Pager) -> Walk {
        Walk {
            progress: Mutex::new(pager.progress()),
            pager: tokio::sync::Mutex::new(pager),
        }
    }

    /// The next page, or `None` at the end; a panic in the core is an error, not a crash.
    pub(crate) async fn next_page(&self) -> Result<Option<Vec<JsonValue>>, ErrorReport> {
        match b24kit::panic::catch_async(self.next_raw_page()).await {
            Ok(Ok(page)) => Ok(page.map(|items| items.into_iter().map(JsonValue::from).collect())),
            Ok(Err(error)) => Err(ErrorReport::new(&error, b24kit::Casing::Camel)),
            Err(panic) => Err(ErrorReport::internal(&panic)),
        }
    }

    /// The next page as the core hands it out.
    async fn next_raw_page(&self) -> Result<Option<Vec<serde_json::Value>>, b24kit::Error> {
        let mut pager = self.pager.lock().await;
        let page = pager.next_page().await;
        *self.progress.lock().unwrap_or_else(|p| p.into_inner()) = pager.progress();
        page
    }

    pub(crate) fn progress(&self) -> ListProgress {
        (*self.progress.lock().unwrap_or_else(|p| p.into_inner())).into()
    }
}

/// The walk behind an exported typed walk of a list method: the core's walk by name, its pages
/// read into the method's item type by the generated code.
pub(crate) struct TypedWalk {
    walk: Walk,
}

impl TypedWalk {
    /// The walk of `params`, or, when the record could not be read into them, one whose every
    /// page is that error (the core's refusal; nothing is sent).
    pub(crate) fn new<M: b24kit::ListMethod<Catalog = b24kit::Spec>>(
        client: &b24kit::Client,
        params: Result<M, b24kit::Error>,
    ) -> TypedWalk {
        let pager = match params {
            Ok(params) => client.list_typed(&params),
            Err(refused) => client.list_refused(refused),
        };
        TypedWalk {
            walk: Walk::new(pager),
        }
    }

    /// The next page read by `read`, or `None` at the end; a panic in the core is an error,
    /// not a crash.
    pub(crate) async fn next_page<T>(
        &self,
        read: fn(Vec<serde_json::Value>) -> Result<Vec<T>, b24kit::Error>,
    ) -> Result<Option<Vec<T>>, ErrorReport> {
        let outcome = b24kit::panic::catch_async(self.walk.next_raw_page()).await;
        match outcome {
            Ok(Ok(Some(items))) => read(items)
                .map(Some)
                .map_err(|error| ErrorReport::new(&error, b24kit::Casing::Camel)),
            Ok(Ok(None)) => Ok(None),
            Ok(Err(error)) => Err(ErrorReport::new(&error, b24kit::Casing::Camel)),
            Err(panic) => Err(ErrorReport::internal(&panic)),
        }
    }

    pub(crate) fn progress(&self) -> ListProgress {
        self.walk.progress()
    }
}

/// The exported calls by name, for the error type and `Time` the generated code declares.
macro_rules! any_method_exports {
    ($error:ident, $time:ident) => {
        /// A successful call by name: its `result`, the answer's `time` and, for list methods,
        /// `total` (when the portal counted) and `next` (the next page's start).
        #[derive(uniffi::Record, Clone, Debug, PartialEq)]
        pub struct JsonResponse {
            pub result: $crate::any_method::JsonValue,
            pub time: $time,
            pub total: Option<i64>,
            pub next: Option<i64>,
        }

        impl From<b24kit::Response<serde_json::Value>> for JsonResponse {
            fn from(answer: b24kit::Response<serde_json::Value>) -> JsonResponse {
                JsonResponse {
                    result: answer.result.into(),
                    time: answer.time.into(),
                    total: answer.total.map(|t| t as i64),
                    next: answer.next.map(|n| n as i64),
                }
            }
        }

        /// One call of a mixed batch: its name (for `$result[name]` references), the method
        /// and its parameters.
        #[derive(uniffi::Record, Clone, Debug, PartialEq)]
        pub struct NamedCall {
            pub name: String,
            pub method: String,
            pub params: $crate::any_method::JsonValue,
        }

        /// The outcome of one call of a mixed batch.
        #[allow(clippy::large_enum_variant)]
        #[derive(uniffi::Enum, Debug)]
        pub enum JsonOutcome {
            Success { response: JsonResponse },
            Failure { error: $error },
        }

        /// A walk through a list method, a page at a time; nothing is sent until the first
        /// page is asked for, and stopping sends nothing more.
        #[derive(uniffi::Object)]
        pub struct ListWalk {
            walk: $crate::any_method::Walk,
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl ListWalk {
            /// The next page of items, or none at the end. A failed page can be asked for again.
            pub async fn next_page(
                &self,
            ) -> Result<Option<Vec<$crate::any_method::JsonValue>>, $error> {
                self.walk.next_page().await.map_err($error::from)
            }

            /// How far the walk has got.
            pub fn progress(&self) -> $crate::any_method::ListProgress {
                self.walk.progress()
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl Client {
            /// Calls any method by name, with the same limits, retries and errors as the typed
            /// calls. `params` is an object (or `Null`). `idempotent` lets a failure that may
            /// have reached the portal be retried; a method without a spec is not, by default.
            #[uniffi::method(default(idempotent = None))]
            pub async fn call_method(
                &self,
                method: String,
                params: $crate::any_method::JsonValue,
                idempotent: Option<bool>,
            ) -> Result<JsonResponse, $error> {
                let params = $crate::any_method::params(params, "params")?;
                let call = b24kit::AnyCall::new(method, params).idempotency(idempotent);
                self.call_any::<$error>(call).await.map(JsonResponse::from)
            }

            /// Calls of any methods through `batch`: up to 50 per request, more split (never
            /// across a `$result[name]` reference). One outcome per call, in order; with `halt`
            /// the calls after the first failure are `Skipped`.
            #[uniffi::method(default(halt = false))]
            pub async fn batch_calls(
                &self,
                calls: Vec<NamedCall>,
                halt: bool,
            ) -> Result<Vec<JsonOutcome>, $error> {
                let mut named = Vec::with_capacity(calls.len());
                for call in calls {
                    let path = format!("calls.{}", call.name);
                    let params = $crate::any_method::params(call.params, &path)?;
                    named.push(b24kit::NamedCall::new(
                        call.name,
                        b24kit::AnyCall::new(call.method, params),
                    ));
                }
                let items = self.batch_any::<$error>(named, halt).await?;
                Ok(items
                    .into_iter()
                    .map(|item| match item {
                        Ok(answer) => JsonOutcome::Success {
                            response: answer.into(),
                        },
                        Err(error) => JsonOutcome::Failure { error },
                    })
                    .collect())
            }
        }

        #[uniffi::export]
        impl Client {
            /// A walk through a list method: by ID (`by_id`, as the docs advise for large lists)
            /// or through counted pages fetched 50 per `batch` request. `id_field` (default
            /// `ID`) and `items_key` (where the items are when `result` is an object) fit other
            /// list methods.
            #[uniffi::method(default(by_id = false, id_field = None, items_key = None))]
            pub fn list(
                &self,
                method: String,
                params: $crate::any_method::JsonValue,
                by_id: bool,
                id_field: Option<String>,
                items_key: Option<String>,
            ) -> Result<std::sync::Arc<ListWalk>, $error> {
                let params = $crate::any_method::params(params, "params")?;
                let list =
                    b24kit::ListCall::with_options(method, params, by_id, id_field, items_key);
                Ok(std::sync::Arc::new(ListWalk {
                    walk: $crate::any_method::Walk::new(self.core().list(list)),
                }))
            }
        }
    };
}
pub(crate) use any_method_exports;
