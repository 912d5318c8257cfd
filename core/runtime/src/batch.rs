//! Many calls of one method through Bitrix24's `batch` method: at most 50 commands per request,
//! larger inputs split, one result (or typed error) per call in input order. The rate limiter
//! counts each request once; each command spends its own method's execution-time budget.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{AnswerTime, Catalog};
use crate::client::Body;
use crate::envelope::{self, TimeOf};
use crate::error::ArgumentProblem;
use crate::method::Method;
use crate::secret::{scrub, Secret};
use crate::transport::RawAnswer;
use crate::{Client, Error, Response};

/// The most commands the portal runs in one `batch` request.
pub const MAX_BATCH_COMMANDS: usize = 50;

/// One call's outcome in a batch.
pub type BatchItem<T, C> = Result<Response<T, TimeOf<C>>, Error<C>>;

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
        let mut outcomes: Vec<Option<BatchItem<M::Output, C>>> = Vec::with_capacity(calls.len());
        let mut commands: Vec<(usize, String)> = Vec::new();
        let mut halted = false;
        for (index, call) in calls.iter().enumerate() {
            if halted {
                outcomes.push(Some(Err(Error::Skipped)));
                continue;
            }
            match call.validate().and_then(|()| command::<M>(call)) {
                Ok(command) => {
                    commands.push((index, command));
                    outcomes.push(None);
                }
                Err(error) => {
                    halted = halt;
                    outcomes.push(Some(Err(error)));
                }
            }
        }
        let chunks: Vec<&[(usize, String)]> = commands.chunks(MAX_BATCH_COMMANDS).collect();
        if halt {
            let mut failed = false;
            for chunk in chunks {
                let results = if failed {
                    chunk.iter().map(|_| Err(Error::Skipped)).collect()
                } else {
                    self.send_chunk::<M>(chunk, true).await
                };
                failed = failed || results.iter().any(Result::is_err);
                fill(&mut outcomes, chunk, results);
            }
        } else {
            let requests = chunks
                .iter()
                .map(|chunk| self.send_chunk::<M>(chunk, false));
            let all = futures_util::future::join_all(requests).await;
            for (chunk, results) in chunks.iter().zip(all) {
                fill(&mut outcomes, chunk, results);
            }
        }
        outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Err(Error::Skipped)))
            .collect()
    }

    async fn send_chunk<M: Method<Catalog = C>>(
        &self,
        chunk: &[(usize, String)],
        halt: bool,
    ) -> Vec<BatchItem<M::Output, C>> {
        let request = BatchRequest {
            halt: u8::from(halt),
            cmd: chunk.iter().map(|(_, c)| c.as_str()).collect(),
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
            let batch = envelope::decode_as::<M, BatchResult>(answer, secrets)?;
            Ok(self.split::<M>(batch, chunk.len(), status, received, secrets))
        };
        match self
            .send("batch", M::NAME, M::IDEMPOTENT, &encode, &decode)
            .await
        {
            Ok(items) => items,
            Err(error) => chunk.iter().map(|_| Err(error.clone())).collect(),
        }
    }

    /// The per-command outcomes of one batch answer.
    fn split<M: Method<Catalog = C>>(
        &self,
        batch: Response<BatchResult, TimeOf<C>>,
        count: usize,
        status: u16,
        received: Instant,
        secrets: &[Secret],
    ) -> Vec<BatchItem<M::Output, C>> {
        let Response {
            result: commands,
            time,
        } = batch;
        (0..count)
            .map(|key| {
                if let Some(error) = entry(&commands.result_error, key) {
                    let code = error.get("error").and_then(Value::as_str).unwrap_or("");
                    let description = error
                        .get("error_description")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    return Err(envelope::classify_in_batch::<M>(
                        status,
                        code.to_string(),
                        scrub(description, secrets),
                    ));
                }
                let Some(value) = entry(&commands.result, key) else {
                    return Err(Error::Skipped);
                };
                let result = M::Output::deserialize(value).map_err(|_| Error::Protocol {
                    kind: crate::ProtocolErrorKind::UnexpectedShape,
                    status,
                    snippet: scrub(&format!("batch result {key}: {}", short(value)), secrets),
                })?;
                let time = entry(&commands.result_time, key)
                    .and_then(|t| TimeOf::<C>::deserialize(t).ok())
                    .unwrap_or_else(|| time.clone());
                if let Some(operating) = self.operating() {
                    operating.record(M::NAME, time.budget(), received);
                }
                Ok(Response { result, time })
            })
            .collect()
    }
}

/// `method?QUERY` for one call: its wire parameters as a PHP query string.
fn command<M: Method>(call: &M) -> Result<String, Error<M::Catalog>> {
    let value = serde_json::to_value(call).map_err(|e| Error::InvalidArgument {
        parameter: M::NAME,
        problem: ArgumentProblem::NotEncodable {
            reason: e.to_string(),
        },
    })?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Value::Object(fields) = &value {
        for (name, value) in fields {
            append(&mut query, name, value);
        }
    }
    Ok(format!("{}?{}", M::NAME, query.finish()))
}

/// PHP's `http_build_query`: lists and maps as `name[key]`, booleans as 1 and 0, nulls left out.
fn append(query: &mut form_urlencoded::Serializer<'_, String>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            query.append_pair(name, if *b { "1" } else { "0" });
        }
        Value::Number(n) => {
            query.append_pair(name, &n.to_string());
        }
        Value::String(s) => {
            query.append_pair(name, s);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                append(query, &format!("{name}[{i}]"), item);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                append(query, &format!("{name}[{key}]"), item);
            }
        }
    }
}

/// The command at position `key` of a per-command collection: PHP sends one whose keys are
/// 0..n-1 as a JSON list and any other as an object, and an empty one as `[]`.
fn entry(collection: &Value, key: usize) -> Option<&Value> {
    match collection {
        Value::Array(items) => items.get(key),
        Value::Object(map) => map.get(&key.to_string()),
        _ => None,
    }
    .filter(|v| !v.is_null())
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
    chunk: &[(usize, String)],
    results: Vec<BatchItem<T, C>>,
) {
    for ((index, _), result) in chunk.iter().zip(results) {
        outcomes[*index] = Some(result);
    }
}

#[derive(Serialize)]
struct BatchRequest<'a> {
    halt: u8,
    cmd: Vec<&'a str>,
}

/// `result` of a batch answer.
#[derive(Deserialize)]
pub(crate) struct BatchResult {
    #[serde(default)]
    result: Value,
    #[serde(default)]
    result_error: Value,
    #[serde(default)]
    result_time: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Test;

    /// A method with a flag and an id, as the open-line methods have.
    #[derive(Serialize)]
    struct Silent {
        #[serde(rename = "CHAT_ID")]
        chat_id: i64,
        #[serde(rename = "ACTIVATE")]
        activate: &'static str,
    }

    impl Method for Silent {
        type Catalog = Test;
        const NAME: &'static str = "imopenlines.session.mode.silent";
        const IDEMPOTENT: bool = true;
        type Output = bool;
        fn validate(&self) -> Result<(), Error<Test>> {
            Ok(())
        }
        fn method_error(_: &str) -> Option<crate::testing::MethodErrors> {
            None
        }
    }

    #[test]
    fn commands_are_php_queries() {
        let call = Silent {
            chat_id: 2043,
            activate: "Y",
        };
        assert_eq!(
            command(&call).unwrap(),
            "imopenlines.session.mode.silent?ACTIVATE=Y&CHAT_ID=2043"
        );
        let mut query = form_urlencoded::Serializer::new(String::new());
        let value = serde_json::json!({"A": [1, {"b": true}], "C": null, "D": "x y&z"});
        for (name, v) in value.as_object().unwrap() {
            append(&mut query, name, v);
        }
        assert_eq!(query.finish(), "A%5B0%5D=1&A%5B1%5D%5Bb%5D=1&D=x+y%26z");
    }

    #[test]
    fn collections_as_lists_or_objects() {
        let list = serde_json::json!([true, false]);
        let object = serde_json::json!({"1": true, "7": null});
        assert_eq!(entry(&list, 1), Some(&Value::Bool(false)));
        assert_eq!(entry(&list, 2), None);
        assert_eq!(entry(&object, 1), Some(&Value::Bool(true)));
        assert_eq!(entry(&object, 0), None);
        assert_eq!(entry(&object, 7), None);
        assert_eq!(entry(&serde_json::json!([]), 0), None);
    }
}
