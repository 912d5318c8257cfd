//! Calls of any Bitrix24 method by name, with parameters as JSON: the same pacing, budget,
//! retries, token renewal, scrubbing and error classification as a typed call. A method a spec
//! describes keeps its documented errors and its idempotency; any other method is not retried
//! after the request may have run unless the caller says it is idempotent.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::catalog::{AnswerTime, Catalog, MethodFacts};
use crate::client::Body;
use crate::envelope::{self, TimeOf};
use crate::error::ArgumentProblem;
use crate::secret::Secret;
use crate::transport::RawAnswer;
use crate::{Client, Error, Response};

/// The longest method name accepted; real names are well under it.
const MAX_METHOD_NAME: usize = 200;

/// A call of any method: its dotted name, its parameters (a JSON object) and, optionally,
/// whether it is idempotent.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyCall {
    method: String,
    params: Params,
    idempotent: Option<bool>,
}

/// The parameters of a call by name, as the caller handed them over.
#[derive(Debug, Clone)]
enum Params {
    Values(Value),
    /// JSON text, sent as written: the bindings whose host language writes JSON faster than it
    /// builds values hand their parameters over this way.
    Text(Box<RawValue>),
    /// Text that is not JSON: refused when the call is made.
    NotJson(String),
}

impl PartialEq for Params {
    fn eq(&self, other: &Params) -> bool {
        match (self, other) {
            (Params::Values(a), Params::Values(b)) => a == b,
            (Params::Text(a), Params::Text(b)) => a.get() == b.get(),
            (Params::NotJson(a), Params::NotJson(b)) => a == b,
            _ => false,
        }
    }
}

/// A call's checked parameters, as its request body takes them.
pub(crate) enum BodyParams<'a> {
    Values(&'a Map<String, Value>),
    /// The JSON text of an object.
    Text(&'a str),
}

impl AnyCall {
    /// A call of `method` with `params`: a JSON object of parameter → value (nested objects and
    /// arrays as the method expects them: `filter`, `select`, `order`, `fields`), or `null` for
    /// none. Both are checked when the call is made.
    pub fn new(method: impl Into<String>, params: Value) -> AnyCall {
        AnyCall {
            method: method.into(),
            params: Params::Values(params),
            idempotent: None,
        }
    }

    /// A call of `method` with its parameters as the JSON text of an object, sent as written
    /// (not read into values and written again). Text that is not JSON, or JSON that is not an
    /// object, is refused when the call is made, and nothing is sent.
    pub fn from_json_text(method: impl Into<String>, params: String) -> AnyCall {
        let params = match RawValue::from_string(params) {
            Ok(text) => Params::Text(text),
            Err(e) => Params::NotJson(e.to_string()),
        };
        AnyCall {
            method: method.into(),
            params,
            idempotent: None,
        }
    }

    /// Whether repeating the call changes nothing, so that it may be retried after it may have
    /// run (a timeout, a 5xx). By default a method a spec describes is what its spec says; any
    /// other is not.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> AnyCall {
        self.idempotent = Some(idempotent);
        self
    }

    /// [`AnyCall::idempotent`] when the caller said either way (`Some`), the default otherwise:
    /// how the bindings pass an optional argument on.
    #[must_use]
    pub fn idempotency(self, idempotent: Option<bool>) -> AnyCall {
        match idempotent {
            Some(idempotent) => self.idempotent(idempotent),
            None => self,
        }
    }

    /// The method's dotted name, as given.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The parameters as given, not yet checked: a JSON object, or `null` for none. Parameters
    /// given as JSON text are read into values here (`null` for text that is not JSON).
    pub fn params(&self) -> Cow<'_, Value> {
        match &self.params {
            Params::Values(values) => Cow::Borrowed(values),
            Params::Text(text) => {
                Cow::Owned(serde_json::from_str(text.get()).unwrap_or(Value::Null))
            }
            Params::NotJson(_) => Cow::Owned(Value::Null),
        }
    }

    /// The spec's facts about the method, if a spec describes it.
    pub(crate) fn facts<C: Catalog>(&self) -> Option<MethodFacts<C::MethodError>> {
        C::method(&self.method)
    }

    /// Whether a retry after the request may have run is safe.
    pub(crate) fn is_idempotent<C: Catalog>(&self) -> bool {
        self.idempotent
            .or_else(|| self.facts::<C>().map(|f| f.idempotent))
            .unwrap_or(false)
    }

    /// The documented error of the method with a code, if a spec documents it.
    pub(crate) fn method_error<C: Catalog>(&self, code: &str) -> Option<C::MethodError> {
        self.facts::<C>().and_then(|f| (f.error)(code))
    }

    /// The parameters as an object, once the name and the parameters are checked.
    pub(crate) fn checked<C: Catalog>(&self) -> Result<Cow<'_, Map<String, Value>>, Error<C>> {
        Ok(match self.checked_body::<C>()? {
            BodyParams::Values(map) => Cow::Borrowed(map),
            BodyParams::Text(text) => match serde_json::from_str(text) {
                Ok(map) => Cow::Owned(map),
                Err(e) => return Err(not_encodable(e.to_string())),
            },
        })
    }

    /// The parameters as the request body takes them, once the name and the parameters are
    /// checked.
    pub(crate) fn checked_body<C: Catalog>(&self) -> Result<BodyParams<'_>, Error<C>> {
        check_method_name(&self.method).map_err(|problem| Error::InvalidArgument {
            parameter: "method",
            problem,
        })?;
        static NONE: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let not_an_object = |kind: &str| {
            not_encodable(format!(
                "the parameters of a call are an object of name → value, not {kind}"
            ))
        };
        match &self.params {
            Params::Values(Value::Object(map)) => Ok(BodyParams::Values(map)),
            Params::Values(Value::Null) => Ok(BodyParams::Values(NONE.get_or_init(Map::new))),
            Params::Values(other) => Err(not_an_object(kind_of(other))),
            // Valid JSON without surrounding space: an object is the text that starts with `{`.
            Params::Text(text) if text.get().starts_with('{') => Ok(BodyParams::Text(text.get())),
            Params::Text(text) => match serde_json::from_str::<Value>(text.get()) {
                Ok(Value::Null) => Ok(BodyParams::Values(NONE.get_or_init(Map::new))),
                Ok(other) => Err(not_an_object(kind_of(&other))),
                Err(e) => Err(not_encodable(e.to_string())),
            },
            Params::NotJson(reason) => Err(not_encodable(format!(
                "the parameters are not JSON: {reason}"
            ))),
        }
    }
}

fn not_encodable<C: Catalog>(reason: String) -> Error<C> {
    Error::InvalidArgument {
        parameter: "params",
        problem: ArgumentProblem::NotEncodable { reason },
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Bitrix24 method names are dotted words of letters, digits and `_` (`crm.deal.list`,
/// `sonet_group.get`); anything else would change the URL the call goes to.
pub fn check_method_name(name: &str) -> Result<(), ArgumentProblem> {
    let refuse = |reason| {
        Err(ArgumentProblem::NotAMethodName {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return refuse("it is empty");
    }
    if name.len() > MAX_METHOD_NAME {
        return refuse("it is longer than 200 bytes");
    }
    // One pass: every call by name is checked, and nearly every name passes.
    let mut previous = b'.';
    let mut empty_part = false;
    for b in name.bytes() {
        if b == b'.' {
            empty_part |= previous == b'.';
        } else if !(b.is_ascii_alphanumeric() || b == b'_') {
            return refuse("it may hold only letters, digits, `.` and `_`");
        }
        previous = b;
    }
    if empty_part || previous == b'.' {
        return refuse("a part between dots is empty");
    }
    Ok(())
}

/// The request body of parameters given as the JSON text of an object: the text itself, or for
/// OAuth the text with the `auth` field put first.
fn body_from_text(object: &str, auth: Option<&str>) -> Vec<u8> {
    let Some(token) = auth else {
        return object.as_bytes().to_vec();
    };
    let rest = object[1..].trim_start();
    let token = Value::String(token.to_string()).to_string();
    let mut body = String::with_capacity(object.len() + token.len() + 10);
    body.push_str("{\"auth\":");
    body.push_str(&token);
    if !rest.starts_with('}') {
        body.push(',');
    }
    body.push_str(rest);
    body.into_bytes()
}

impl<C: Catalog> Client<C> {
    /// Calls `method` with JSON `params` (an object, or `null` for none) and returns its `result`
    /// as JSON; see [`Client::call_any`].
    pub async fn call_method(
        &self,
        method: &str,
        params: Value,
    ) -> Result<Response<Value, TimeOf<C>>, Error<C>> {
        self.call_any(&AnyCall::new(method, params)).await
    }

    /// Calls any method by name. Nothing is sent when the name is not a method name or the
    /// parameters are not an object. A code the method's spec documents is its typed
    /// [`Error::Method`]; system errors are typed as for every call; any other code is kept as
    /// sent ([`Error::UnknownCode`]).
    pub async fn call_any(&self, call: &AnyCall) -> Result<Response<Value, TimeOf<C>>, Error<C>> {
        self.call_any_as(call).await
    }

    /// Like [`Client::call_any`], with the `result` read into the caller's own type; a result of
    /// another shape is [`ProtocolErrorKind::UnexpectedShape`](crate::ProtocolErrorKind).
    /// `T` is `Send`, as the answers of every call are: the call's future then is too.
    pub async fn call_any_as<T: DeserializeOwned + Send>(
        &self,
        call: &AnyCall,
    ) -> Result<Response<T, TimeOf<C>>, Error<C>> {
        let params = call.checked_body::<C>()?;
        let method = call.method();
        let encode = |auth: Option<&str>| match params {
            BodyParams::Values(params) => {
                serde_json::to_vec(&Body { params, auth }).map_err(|e| not_encodable(e.to_string()))
            }
            BodyParams::Text(text) => Ok(body_from_text(text, auth)),
        };
        let errors = |code: &str| call.method_error::<C>(code);
        // Read straight into `T`: a result of another shape fails as an unexpected shape.
        let decode = |answer: RawAnswer, secrets: &[Secret], received| {
            let response = envelope::decode_as::<C, T>(answer, secrets, &errors)?;
            if let Some(operating) = self.operating() {
                operating.record(method, response.time.budget(), received);
            }
            Ok(response)
        };
        self.send(
            method,
            &[method],
            call.is_idempotent::<C>(),
            &encode,
            &decode,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        for good in [
            "crm.deal.list",
            "imopenlines.session.mode.pinAll",
            "sonet_group.get",
            "profile",
            "crm.item.productrow.list",
        ] {
            assert_eq!(check_method_name(good), Ok(()), "{good}");
        }
        let long = "a".repeat(201);
        for (bad, why) in [
            ("", "empty"),
            ("crm deal", "only letters"),
            ("crm/deal", "only letters"),
            ("crm..deal", "empty"),
            (".crm", "empty"),
            ("crm.deal?x=1", "only letters"),
            ("crm#x", "only letters"),
            ("crm%2Fdeal", "only letters"),
            ("crm\u{0}deal", "only letters"),
            ("crm\ndeal", "only letters"),
            (long.as_str(), "200 bytes"),
        ] {
            match check_method_name(bad) {
                Err(ArgumentProblem::NotAMethodName { reason, .. }) => {
                    assert!(reason.contains(why), "{bad:?}: {reason}")
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn idempotency_is_the_specs_or_the_callers() {
        use crate::testing::Test;
        let unknown = AnyCall::new("crm.deal.add", Value::Null);
        assert!(!unknown.is_idempotent::<Test>());
        assert!(unknown.clone().idempotent(true).is_idempotent::<Test>());
        let specced = AnyCall::new("TEST.method", Value::Null);
        assert!(specced.is_idempotent::<Test>());
        assert!(!specced.clone().idempotent(false).is_idempotent::<Test>());
        assert_eq!(
            specced.method_error::<Test>("access_denied"),
            Some(crate::testing::MethodErrors::AccessDenied)
        );
        assert_eq!(unknown.method_error::<Test>("ACCESS_DENIED"), None);
    }

    #[test]
    fn parameters_are_an_object_or_nothing() {
        use crate::testing::Test;
        assert!(AnyCall::new("m", Value::Null).checked::<Test>().is_ok());
        assert!(AnyCall::new("m", serde_json::json!({"filter": {">ID": 5}}))
            .checked::<Test>()
            .is_ok());
        let err = AnyCall::new("m", serde_json::json!([1]))
            .checked::<Test>()
            .unwrap_err();
        assert!(err.to_string().contains("not an array"), "{err}");
        let err = AnyCall::new("crm/../x", Value::Null)
            .checked::<Test>()
            .unwrap_err();
        assert!(
            !err.may_have_reached_server()
                && err.to_string().contains("not a Bitrix24 method name"),
            "{err}"
        );
    }

    #[test]
    fn parameters_as_json_text_are_sent_as_written_with_the_token_put_first() {
        assert_eq!(
            body_from_text(r#"{"CHAT_ID":5}"#, None),
            br#"{"CHAT_ID":5}"#
        );
        for (object, expected) in [
            (r#"{"CHAT_ID":5}"#, r#"{"auth":"t\"k","CHAT_ID":5}"#),
            ("{}", r#"{"auth":"t\"k"}"#),
            ("{ }", r#"{"auth":"t\"k"}"#),
            (r#"{ "a" : [1, {}] }"#, r#"{"auth":"t\"k","a" : [1, {}] }"#),
        ] {
            let body = String::from_utf8(body_from_text(object, Some("t\"k"))).unwrap();
            assert_eq!(body, expected);
            // What the values' path would send, field for field.
            let mut values: Map<String, Value> = serde_json::from_str(object).unwrap();
            values.insert("auth".into(), Value::from("t\"k"));
            let sent: Map<String, Value> = serde_json::from_str(&body).unwrap();
            assert_eq!(sent, values, "{object}");
        }
    }

    #[test]
    fn parameters_as_json_text_are_an_object_of_json_or_nothing() {
        use crate::testing::Test;
        let text = |t: &str| AnyCall::from_json_text("m", t.to_string());
        let call = text(" {\"filter\": {\">ID\": 5}} ");
        assert!(matches!(
            call.checked_body::<Test>(),
            Ok(BodyParams::Text(r#"{"filter": {">ID": 5}}"#))
        ));
        assert_eq!(
            call.params().into_owned(),
            serde_json::json!({"filter": {">ID": 5}})
        );
        assert_eq!(call.checked::<Test>().unwrap()["filter"][">ID"], 5);
        assert!(text("null").checked::<Test>().unwrap().is_empty());
        for (bad, why) in [
            ("[1]", "not an array"),
            ("{\"a\":", "not JSON"),
            ("7", "not a number"),
        ] {
            let err = text(bad).checked_body::<Test>().err().unwrap();
            assert!(
                matches!(
                    &err,
                    Error::InvalidArgument {
                        parameter: "params",
                        ..
                    }
                ) && err.to_string().contains(why),
                "{bad}: {err}"
            );
        }
    }
}
