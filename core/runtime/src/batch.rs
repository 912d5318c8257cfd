//! Many calls through Bitrix24's `batch` method: at most 50 commands per request, larger inputs
//! split, one result (or typed error) per call in input order. Calls of one typed method
//! ([`Client::batch`]) or of any methods by name, each named so that later calls can use an
//! earlier one's result (`$result[name]`, [`Client::batch_any`]). The rate limiter counts each
//! request once; each command spends its own method's execution-time budget.

use std::collections::HashMap;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::any_call::AnyCall;
use crate::catalog::{AnswerTime, Catalog};
use crate::client::Body;
use crate::envelope::{self, TimeOf};
use crate::error::{ArgumentProblem, ProtocolErrorKind};
use crate::method::Method;
use crate::query;
use crate::secret::{scrub, Secret};
use crate::transport::RawAnswer;
use crate::{Client, Error, Response};

/// The most commands the portal runs in one `batch` request.
pub const MAX_BATCH_COMMANDS: usize = 50;

/// One call's outcome in a batch.
pub type BatchItem<T, C> = Result<Response<T, TimeOf<C>>, Error<C>>;

/// One call of a mixed batch: a name later calls can use (`$result[name]`,
/// `$result[name][field]` in their parameters) and the call.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedCall {
    /// The call's name: letters, digits and `_`, once per batch; later calls refer to its
    /// result as `$result[name]`.
    pub name: String,
    /// The method to call and its parameters.
    pub call: AnyCall,
}

impl NamedCall {
    /// `call` under `name`; the name is checked when the batch is made.
    pub fn new(name: impl Into<String>, call: AnyCall) -> NamedCall {
        NamedCall {
            name: name.into(),
            call,
        }
    }
}

/// One command of a `batch` request: its key in `cmd`, its method and `method?query`.
#[derive(Debug)]
struct Command<'a> {
    key: String,
    method: &'a str,
    text: String,
}

/// Where each call went: its index in the input, its command (or its own error, made before
/// anything was sent).
type Planned<'a, C> = Vec<(usize, Result<Command<'a>, Error<C>>)>;

impl<C: Catalog> Client<C> {
    /// Calls `M` once per element of `calls` through `batch` requests of up to 50 commands, and
    /// returns one outcome per call, in input order.
    ///
    /// Invalid parameters fail their own item before anything is sent. With `halt`, the portal
    /// stops at the first failing command and the calls after it (in this and later requests)
    /// come back as [`Error::Skipped`]; without it, every call runs and requests go out
    /// concurrently as the rate limiter allows. A request that fails as a whole (after retries)
    /// fails each of its items with that error.
    pub async fn batch<M: Method<Catalog = C>>(
        &self,
        calls: Vec<M>,
        halt: bool,
    ) -> Vec<BatchItem<M::Output, C>> {
        self.batch_built(calls.into_iter().map(Ok).collect(), halt)
            .await
    }

    /// [`batch`](Self::batch) for calls a binding builds from its language's values, some of
    /// which may fail to build (a value JSON cannot hold): such a call fails on its own with its
    /// error, before anything is sent, exactly as a call with invalid parameters does.
    pub async fn batch_built<M: Method<Catalog = C>>(
        &self,
        calls: Vec<Result<M, Error<C>>>,
        halt: bool,
    ) -> Vec<BatchItem<M::Output, C>> {
        let count = calls.len();
        let mut planned: Planned<'_, C> = Vec::with_capacity(count);
        for (index, call) in calls.into_iter().enumerate() {
            let command = call.and_then(|call| {
                call.validate()?;
                let params = typed_params::<M>(&call)?;
                Ok(Command {
                    key: String::new(),
                    method: M::NAME,
                    text: query::command(M::NAME, &params),
                })
            });
            planned.push((index, command));
        }
        let chunks = chunk_evenly(planned);
        let errors = |_: usize, code: &str| M::method_error(code);
        let raw = self
            .run_chunks(chunks, count, halt, M::IDEMPOTENT, &errors)
            .await;
        raw.into_iter()
            .map(|item| {
                typed::<crate::wire::Read<M::Output>, C>(item)
                    .map(|response| response.map(|read| read.0))
            })
            .collect()
    }

    /// Calls any methods through `batch`: one outcome per call, in input order. Calls are named,
    /// and a call's parameters may use an earlier call's result: `$result[name]` stands for it
    /// whole, `$result[name][field]` for a field of it (the portal substitutes them). Up to 50
    /// calls go in one request; a larger input is split where no call refers to one in an
    /// earlier request — where that is impossible, the whole batch is refused before anything is
    /// sent, as it is for names used twice or names that are not identifiers.
    ///
    /// A call whose method name or parameters are invalid fails on its own, before anything is
    /// sent. With `halt`, the calls after the first failure are [`Error::Skipped`].
    pub async fn batch_any(
        &self,
        calls: Vec<NamedCall>,
        halt: bool,
    ) -> Result<Vec<BatchItem<Value, C>>, Error<C>> {
        let chunks = plan_named::<C>(&calls)?;
        let idempotent = calls.iter().all(|c| c.call.is_idempotent::<C>());
        let errors = |index: usize, code: &str| calls[index].call.method_error::<C>(code);
        Ok(self
            .run_chunks(chunks, calls.len(), halt, idempotent, &errors)
            .await)
    }

    /// The pages of a list method at `starts`, through one `batch` request; a page that failed
    /// fails them all. Each page's `result` stays JSON text: a binding hands it over as text,
    /// and Rust reads it into values page by page as the walk reaches it.
    pub(crate) async fn fetch_pages(
        &self,
        call: &AnyCall,
        params: &serde_json::Map<String, Value>,
        starts: &[u64],
    ) -> Result<Vec<Response<Box<RawValue>, TimeOf<C>>>, Error<C>> {
        let commands: Vec<Command<'_>> = starts
            .iter()
            .enumerate()
            .map(|(i, start)| {
                let mut params = params.clone();
                params.insert("start".to_string(), Value::from(*start));
                Command {
                    key: i.to_string(),
                    method: call.method(),
                    text: query::command(call.method(), &params),
                }
            })
            .collect();
        let indices: Vec<usize> = (0..starts.len()).collect();
        let errors = |_: usize, code: &str| call.method_error::<C>(code);
        self.send_commands::<RawResults>(
            &commands,
            &indices,
            false,
            call.is_idempotent::<C>(),
            &errors,
        )
        .await
        .into_iter()
        .collect()
    }

    /// Sends the chunks (one request each) and puts every outcome back at its call's index.
    async fn run_chunks(
        &self,
        chunks: Vec<Planned<'_, C>>,
        count: usize,
        halt: bool,
        idempotent: bool,
        errors: &(dyn Fn(usize, &str) -> Option<C::MethodError> + Sync),
    ) -> Vec<BatchItem<Value, C>> {
        let mut outcomes: Vec<Option<BatchItem<Value, C>>> = (0..count).map(|_| None).collect();
        let mut sendable: Vec<(Vec<usize>, Vec<Command<'_>>)> = Vec::new();
        let mut halted = false;
        for chunk in chunks {
            let mut indices = Vec::new();
            let mut commands = Vec::new();
            for (index, planned) in chunk {
                if halted {
                    outcomes[index] = Some(Err(Error::Skipped));
                    continue;
                }
                match planned {
                    Ok(mut command) => {
                        if command.key.is_empty() {
                            command.key = commands.len().to_string();
                        }
                        indices.push(index);
                        commands.push(command);
                    }
                    Err(error) => {
                        halted = halt;
                        outcomes[index] = Some(Err(error));
                    }
                }
            }
            if !commands.is_empty() {
                sendable.push((indices, commands));
            }
        }
        if sendable.len() > 1 {
            self.emit(crate::Event::BatchSplit {
                calls: count,
                requests: sendable.len(),
            });
        }
        if halt {
            let mut failed = false;
            for (indices, commands) in &sendable {
                let results = if failed {
                    commands.iter().map(|_| Err(Error::Skipped)).collect()
                } else {
                    self.send_commands::<Value>(commands, indices, true, idempotent, errors)
                        .await
                };
                failed = failed || results.iter().any(Result::is_err);
                fill(&mut outcomes, indices, results);
            }
        } else {
            let requests = sendable.iter().map(|(indices, commands)| {
                self.send_commands::<Value>(commands, indices, false, idempotent, errors)
            });
            let all = futures_util::future::join_all(requests).await;
            for ((indices, _), results) in sendable.iter().zip(all) {
                fill(&mut outcomes, indices, results);
            }
        }
        outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Err(Error::Skipped)))
            .collect()
    }

    /// One `batch` request: the outcome of each command, in order. `errors(index, code)`
    /// classifies a command's error code with its method's table (`index` is the call's).
    async fn send_commands<R: Results>(
        &self,
        commands: &[Command<'_>],
        indices: &[usize],
        halt: bool,
        idempotent: bool,
        errors: &(dyn Fn(usize, &str) -> Option<C::MethodError> + Sync),
    ) -> Vec<BatchItem<R::Item, C>> {
        let request = BatchRequest {
            halt: u8::from(halt),
            cmd: Ordered(commands),
        };
        let encode = |auth: Option<&str>| {
            serde_json::to_vec(&Body {
                params: &request,
                auth,
            })
            .map_err(|e| Error::InvalidArgument {
                parameter: "cmd",
                problem: ArgumentProblem::NotEncodable {
                    reason: e.to_string(),
                },
            })
        };
        let decode = |answer: RawAnswer, secrets: &[Secret], received: Instant| {
            let status = answer.status;
            // The request's own errors are system errors: no method table applies.
            let batch = envelope::decode_as::<C, BatchResult<R>>(answer, secrets, &|_| None)?;
            Ok(self.split(batch, commands, indices, status, received, secrets, errors))
        };
        let mut budget: Vec<&str> = commands.iter().map(|c| c.method).collect();
        budget.sort_unstable();
        budget.dedup();
        match self
            .send("batch", &budget, idempotent, &encode, &decode)
            .await
        {
            Ok(items) => items,
            Err(error) => commands.iter().map(|_| Err(error.clone())).collect(),
        }
    }

    /// The per-command outcomes of one batch answer.
    #[allow(clippy::too_many_arguments)]
    fn split<R: Results>(
        &self,
        batch: Response<BatchResult<R>, TimeOf<C>>,
        commands: &[Command<'_>],
        indices: &[usize],
        status: u16,
        received: Instant,
        secrets: &[Secret],
        errors: &(dyn Fn(usize, &str) -> Option<C::MethodError> + Sync),
    ) -> Vec<BatchItem<R::Item, C>> {
        let Response {
            result: mut answer,
            time,
            ..
        } = batch;
        commands
            .iter()
            .zip(indices)
            .map(|(command, index)| {
                let key = command.key.as_str();
                if let Some(error) = entry(&answer.result_error, key) {
                    let code = error.get("error").and_then(Value::as_str).unwrap_or("");
                    let description = error
                        .get("error_description")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    return Err(envelope::classify_in_batch::<C>(
                        status,
                        code.to_string(),
                        scrub(description, secrets),
                        &|code| errors(*index, code),
                    ));
                }
                let Some(result) = answer.result.take(key) else {
                    return Err(Error::Skipped);
                };
                let time = entry(&answer.result_time, key)
                    .and_then(|t| TimeOf::<C>::deserialize(t).ok())
                    .unwrap_or_else(|| time.clone());
                if let Some(operating) = self.operating() {
                    operating.record(command.method, time.budget(), received);
                }
                let number = |collection: &Value| {
                    entry(collection, key).and_then(|v| match v {
                        Value::Number(n) => n.as_u64(),
                        Value::String(s) => s.parse().ok(),
                        _ => None,
                    })
                };
                Ok(Response {
                    result,
                    time,
                    total: number(&answer.result_total),
                    next: number(&answer.result_next),
                })
            })
            .collect()
    }
}

/// A typed call's wire parameters, as a JSON object.
fn typed_params<M: Method>(call: &M) -> Result<serde_json::Map<String, Value>, Error<M::Catalog>> {
    match serde_json::to_value(call) {
        Ok(Value::Object(params)) => Ok(params),
        Ok(_) => Ok(serde_json::Map::new()),
        Err(e) => Err(Error::InvalidArgument {
            parameter: M::NAME,
            problem: ArgumentProblem::NotEncodable {
                reason: e.to_string(),
            },
        }),
    }
}

/// A command's JSON result read into the method's result type.
fn typed<T: DeserializeOwned, C: Catalog>(item: BatchItem<Value, C>) -> BatchItem<T, C> {
    let Response {
        result,
        time,
        total,
        next,
    } = item?;
    match T::deserialize(&result) {
        Ok(result) => Ok(Response {
            result,
            time,
            total,
            next,
        }),
        Err(_) => Err(Error::Protocol {
            kind: ProtocolErrorKind::UnexpectedShape,
            status: 200,
            snippet: format!("batch result: {}", short(&result)),
        }),
    }
}

/// Calls of one method in chunks of 50, in order.
fn chunk_evenly<C: Catalog>(planned: Planned<'_, C>) -> Vec<Planned<'_, C>> {
    let mut chunks = Vec::new();
    let mut planned = planned.into_iter().peekable();
    while planned.peek().is_some() {
        chunks.push(planned.by_ref().take(MAX_BATCH_COMMANDS).collect());
    }
    chunks
}

/// The named calls as commands in chunks of at most 50, cut only where no call refers to a call
/// before the cut.
fn plan_named<C: Catalog>(calls: &[NamedCall]) -> Result<Vec<Planned<'_, C>>, Error<C>> {
    let invalid = |reason: String| Error::InvalidArgument {
        parameter: "calls",
        problem: ArgumentProblem::InvalidBatch { reason },
    };
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (index, named) in calls.iter().enumerate() {
        let name = named.name.as_str();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(invalid(format!(
                "call name {name:?} must be letters, digits and `_`"
            )));
        }
        if position.insert(name, index).is_some() {
            return Err(invalid(format!("call name {name:?} is used twice")));
        }
    }
    // The earliest call each call refers to, if any.
    let mut earliest: Vec<Option<(usize, String)>> = Vec::with_capacity(calls.len());
    for (index, named) in calls.iter().enumerate() {
        let mut first: Option<(usize, String)> = None;
        for referred in references(&named.call.params()) {
            let Some(&at) = position.get(referred.as_str()).filter(|&&at| at < index) else {
                return Err(invalid(format!(
                    "call {:?} refers to $result[{referred}], but no earlier call has that name",
                    named.name
                )));
            };
            if first.as_ref().is_none_or(|(f, _)| at < *f) {
                first = Some((at, referred));
            }
        }
        earliest.push(first);
    }
    // A cut before call `i` is allowed when no call from `i` on refers to a call before `i`.
    let mut reach_back = vec![usize::MAX; calls.len() + 1];
    for i in (0..calls.len()).rev() {
        let here = earliest[i].as_ref().map_or(usize::MAX, |(at, _)| *at);
        reach_back[i] = reach_back[i + 1].min(here);
    }
    let can_cut = |i: usize| i == calls.len() || reach_back[i] >= i;
    let mut cuts = vec![0];
    let mut start = 0;
    while start < calls.len() {
        let limit = (start + MAX_BATCH_COMMANDS).min(calls.len());
        let Some(end) = (start + 1..=limit).rev().find(|&i| can_cut(i)) else {
            // No cut fits, so some call at or after `limit` refers to one before it.
            let (from, to) = (limit..calls.len())
                .find_map(|i| {
                    earliest[i]
                        .as_ref()
                        .filter(|(at, _)| *at < limit)
                        .map(|(at, _)| (i, *at))
                })
                .unwrap_or((limit.min(calls.len() - 1), start));
            return Err(invalid(format!(
                "call {:?} refers to call {:?}, and the calls from one to the other do not fit in one request of {MAX_BATCH_COMMANDS}; a reference cannot cross from one request to another",
                calls[from].name, calls[to].name
            )));
        };
        cuts.push(end);
        start = end;
    }
    let mut chunks = Vec::new();
    for window in cuts.windows(2) {
        let chunk = (window[0]..window[1])
            .map(|index| {
                let named = &calls[index];
                let command = named.call.checked::<C>().map(|params| Command {
                    key: named.name.clone(),
                    method: named.call.method(),
                    text: query::command(named.call.method(), &params),
                });
                (index, command)
            })
            .collect();
        chunks.push(chunk);
    }
    Ok(chunks)
}

/// The names `$result[name]` in a call's parameters refer to, in any string value.
fn references(params: &Value) -> Vec<String> {
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(text) => {
                let mut rest = text.as_str();
                while let Some(at) = rest.find("$result[") {
                    rest = &rest[at + "$result[".len()..];
                    if let Some(end) = rest.find(']') {
                        found.push(rest[..end].to_string());
                        rest = &rest[end..];
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            Value::Object(fields) => fields.values().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(params, &mut found);
    found
}

/// The command at key `key` of a per-command collection: PHP sends one whose keys are 0..n-1
/// as a JSON list and any other as an object, and an empty one as `[]`.
fn entry<'v>(collection: &'v Value, key: &str) -> Option<&'v Value> {
    match collection {
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        Value::Object(map) => map.get(key),
        _ => None,
    }
    .filter(|v| !v.is_null())
}

/// The commands' results of a batch answer, one taken out per command key.
pub(crate) trait Results: DeserializeOwned + Default + Send {
    type Item: Send;

    /// The result at `key`, moved out; `None` when absent or `null`.
    fn take(&mut self, key: &str) -> Option<Self::Item>;
}

impl Results for Value {
    type Item = Value;

    /// Like [`entry`], moving the value out (results can be large).
    fn take(&mut self, key: &str) -> Option<Value> {
        let slot = match self {
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Value::Object(map) => map.get_mut(key),
            _ => None,
        }?;
        Some(slot.take()).filter(|v| !v.is_null())
    }
}

/// The results as JSON text per command key, not read into values.
#[derive(Default)]
struct RawResults(HashMap<String, Box<RawValue>>);

impl<'de> Deserialize<'de> for RawResults {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        // The same two shapes as `entry` reads: a list for keys 0..n-1, else an object.
        let by_key = match raw.get().trim_start().as_bytes().first() {
            Some(b'[') => serde_json::from_str::<Vec<Box<RawValue>>>(raw.get())
                .map_err(D::Error::custom)?
                .into_iter()
                .enumerate()
                .map(|(i, result)| (i.to_string(), result))
                .collect(),
            Some(b'{') => serde_json::from_str(raw.get()).map_err(D::Error::custom)?,
            _ => HashMap::new(),
        };
        Ok(RawResults(by_key))
    }
}

impl Results for RawResults {
    type Item = Box<RawValue>;

    fn take(&mut self, key: &str) -> Option<Box<RawValue>> {
        self.0.remove(key).filter(|result| result.get() != "null")
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

fn fill<T, C: Catalog>(
    outcomes: &mut [Option<BatchItem<T, C>>],
    indices: &[usize],
    results: Vec<BatchItem<T, C>>,
) {
    for (index, result) in indices.iter().zip(results) {
        outcomes[*index] = Some(result);
    }
}

#[derive(Serialize)]
struct BatchRequest<'a> {
    halt: u8,
    cmd: Ordered<'a>,
}

/// `cmd` as an object in the order the commands were given: the portal runs them in the order
/// sent, and later commands may use earlier results.
struct Ordered<'a>(&'a [Command<'a>]);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for command in self.0 {
            map.serialize_entry(&command.key, &command.text)?;
        }
        map.end()
    }
}

/// `result` of a batch answer; the commands' results are held as `R`.
#[derive(Deserialize)]
pub(crate) struct BatchResult<R> {
    #[serde(default)]
    result: R,
    #[serde(default)]
    result_error: Value,
    #[serde(default)]
    result_total: Value,
    #[serde(default)]
    result_next: Value,
    #[serde(default)]
    result_time: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Test;
    use serde_json::json;

    fn named(name: &str, params: Value) -> NamedCall {
        NamedCall::new(name, AnyCall::new("crm.contact.get", params))
    }

    #[test]
    fn collections_as_lists_or_objects() {
        let list = json!([true, false]);
        let object = json!({"1": true, "7": null, "a": 3});
        assert_eq!(entry(&list, "1"), Some(&Value::Bool(false)));
        assert_eq!(entry(&list, "2"), None);
        assert_eq!(entry(&object, "1"), Some(&Value::Bool(true)));
        assert_eq!(entry(&object, "a"), Some(&json!(3)));
        assert_eq!(entry(&object, "0"), None);
        assert_eq!(entry(&object, "7"), None);
        assert_eq!(entry(&json!([]), "0"), None);
    }

    #[test]
    fn raw_results_keep_each_result_as_sent_in_either_shape() {
        let read = |text: &str| serde_json::from_str::<RawResults>(text).unwrap();
        let mut list = read(r#"[[{"ID":"1"}, {"ID":"2"}], null, {"a" : 1}]"#);
        assert_eq!(list.take("0").unwrap().get(), r#"[{"ID":"1"}, {"ID":"2"}]"#);
        assert_eq!(list.take("1").map(|r| r.get().to_string()), None);
        assert_eq!(list.take("2").unwrap().get(), r#"{"a" : 1}"#);
        assert_eq!(
            list.take("0").map(|r| r.get().to_string()),
            None,
            "taken once"
        );
        let mut object = read(r#"{"7": [1], "page": [], "gone": null}"#);
        assert_eq!(object.take("7").unwrap().get(), "[1]");
        assert_eq!(object.take("page").unwrap().get(), "[]");
        assert_eq!(object.take("gone").map(|r| r.get().to_string()), None);
        assert_eq!(read("[]").take("0").map(|r| r.get().to_string()), None);
        assert!(read(r#""not a collection""#).0.is_empty());
        assert!(read("null").0.is_empty());
        // A batch answer whose `result` is missing reads as no results, as with values.
        let batch: BatchResult<RawResults> =
            serde_json::from_str(r#"{"result_error": []}"#).unwrap();
        assert!(batch.result.0.is_empty());
    }

    #[test]
    fn references_are_found_in_any_string() {
        let params = json!({"ID": "$result[user][0][ID]", "filter": {"X": ["a $result[b] c"]}});
        let mut found = references(&params);
        found.sort();
        assert_eq!(found, ["b", "user"]);
    }

    #[test]
    fn chunks_are_cut_where_no_reference_crosses() {
        // 60 calls: call 55 refers to call 30, so the cut falls before 30 (not at 50).
        let calls: Vec<NamedCall> = (0..60)
            .map(|i| {
                let params = if i == 55 {
                    json!({"ID": "$result[c30][ID]"})
                } else {
                    json!({"ID": i})
                };
                named(&format!("c{i}"), params)
            })
            .collect();
        let chunks = plan_named::<Test>(&calls).unwrap();
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, [30, 30]);
        // The keys are the names, in the order given.
        let Ok(first) = &chunks[1][0].1 else { panic!() };
        assert_eq!(first.key, "c30");
    }

    #[test]
    fn references_that_cannot_fit_are_refused() {
        // Call 55 refers to call 0: they cannot be within 50 of each other.
        let calls: Vec<NamedCall> = (0..60)
            .map(|i| {
                let params = if i == 55 {
                    json!({"ID": "$result[c0]"})
                } else {
                    json!({})
                };
                named(&format!("c{i}"), params)
            })
            .collect();
        let err = plan_named::<Test>(&calls).unwrap_err();
        assert!(
            err.to_string().contains("cannot cross") && err.to_string().contains("\"c55\""),
            "{err}"
        );
        for (calls, why) in [
            (
                vec![named("a", json!({})), named("a", json!({}))],
                "used twice",
            ),
            (vec![named("a b", json!({}))], "letters"),
            (
                vec![
                    named("a", json!({"ID": "$result[b]"})),
                    named("b", json!({})),
                ],
                "no earlier call",
            ),
        ] {
            let err = plan_named::<Test>(&calls).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
            assert!(!err.may_have_reached_server());
        }
    }

    #[test]
    fn commands_go_in_the_order_given() {
        let commands = [
            Command {
                key: "z".into(),
                method: "m",
                text: "m?A=1".into(),
            },
            Command {
                key: "a".into(),
                method: "m",
                text: "m".into(),
            },
        ];
        let body = serde_json::to_string(&BatchRequest {
            halt: 0,
            cmd: Ordered(&commands),
        })
        .unwrap();
        assert_eq!(body, r#"{"halt":0,"cmd":{"z":"m?A=1","a":"m"}}"#);
    }
}
