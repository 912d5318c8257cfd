//! Python arguments → Rust values, strictly: a wrong type raises `TypeError` (a `bool` is not a
//! chat id even though Python's `bool` is an `int`), a value Rust cannot hold raises
//! `InvalidArgumentError` (a `ValueError`). Range checks of the spec happen in the core.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};

use crate::errors;

pub(crate) fn integer(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<i64> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, not {}",
            type_name(value)
        )));
    }
    value.extract::<i64>().map_err(|_| {
        errors::from_report(
            value.py(),
            b24kit::ErrorReport::unrepresentable(name, &value.to_string()),
        )
    })
}

/// An optional integer parameter: `None` means "not given".
pub(crate) fn optional_integer(
    value: &Bound<'_, PyAny>,
    name: &'static str,
) -> PyResult<Option<i64>> {
    if value.is_none() {
        return Ok(None);
    }
    integer(value, name).map(Some)
}

pub(crate) fn string(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(s) => s.extract::<String>(),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{name} must be a str, not {}",
            type_name(value)
        ))),
    }
}

/// An optional text parameter: `None` means "not given".
pub(crate) fn optional_string(
    value: &Bound<'_, PyAny>,
    name: &'static str,
) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    string(value, name).map(Some)
}

pub(crate) fn flag(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<bool> {
    match value.cast::<PyBool>() {
        Ok(b) => Ok(b.is_true()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{name} must be a bool, not {}",
            type_name(value)
        ))),
    }
}

/// A JSON parameter (an object or array whose shape another page describes): dicts, lists,
/// tuples, str, int, float, bool and `None` nested as JSON holds them; anything else is a
/// `TypeError` naming where it is (`ATTACH.BLOCKS[0]`).
pub(crate) fn json(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<serde_json::Value> {
    crate::json::to_json(value, name)
}

/// An optional JSON parameter: `None` means "not given" (not sent).
pub(crate) fn optional_json(
    value: &Bound<'_, PyAny>,
    name: &'static str,
) -> PyResult<Option<serde_json::Value>> {
    if value.is_none() {
        return Ok(None);
    }
    json(value, name).map(Some)
}

/// An object parameter (`params` of `imopenlines.config.add`): a dict with Bitrix24's keys,
/// read into the core's type as an answer's object would be (numbers given as text are
/// numbers); a key of the wrong type is a `TypeError` naming it, and nothing is sent.
pub(crate) fn object<T: b24kit::wire::Lenient>(
    value: &Bound<'_, PyAny>,
    name: &'static str,
) -> PyResult<T> {
    let json = json(value, name)?;
    if !json.is_object() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a dict of Bitrix24 key → value, not {}",
            type_name(value)
        )));
    }
    b24kit::wire::read_param_object(json).map_err(|e| PyTypeError::new_err(format!("{name}: {e}")))
}

/// An optional object parameter: `None` means "not given" (not sent).
pub(crate) fn optional_object<T: b24kit::wire::Lenient>(
    value: &Bound<'_, PyAny>,
    name: &'static str,
) -> PyResult<Option<T>> {
    if value.is_none() {
        return Ok(None);
    }
    object(value, name).map(Some)
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".to_string())
}

/// The calls of a batch: an iterable of dicts from parameter name to value, one per call, each
/// converted by `convert`. A name the method does not have is a `TypeError`, as a wrong keyword
/// would be.
pub(crate) fn batch_calls<P>(
    calls: &Bound<'_, PyAny>,
    names: &[&str],
    convert: impl Fn(&Bound<'_, PyDict>) -> PyResult<P>,
) -> PyResult<Vec<P>> {
    if calls.is_instance_of::<PyString>() || calls.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "calls must be a list of dicts (one per call), not {}",
            type_name(calls)
        )));
    }
    let mut out = Vec::new();
    for (index, item) in calls.try_iter()?.enumerate() {
        let item = item?;
        let call = item.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "calls[{index}] must be a dict of parameters, not {}",
                type_name(&item)
            ))
        })?;
        for key in call.keys() {
            let known = key
                .extract::<String>()
                .is_ok_and(|k| names.contains(&k.as_str()));
            if !known {
                return Err(PyTypeError::new_err(format!(
                    "calls[{index}] has an unknown parameter {}; the parameters are {names:?}",
                    key.repr()?
                )));
            }
        }
        out.push(convert(call)?);
    }
    Ok(out)
}

/// A parameter every call of a batch must give; `None` when left out, which its conversion then
/// refuses with the type it needs.
pub(crate) fn required<'py>(call: &Bound<'py, PyDict>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    Ok(call
        .get_item(name)?
        .unwrap_or_else(|| call.py().None().into_bound(call.py())))
}
