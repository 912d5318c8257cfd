//! Python arguments → Rust values, strictly: a wrong type raises `TypeError` (a `bool` is not a
//! chat id even though Python's `bool` is an `int`), a value Rust cannot hold raises
//! `InvalidArgumentError` (a `ValueError`). Range checks of the spec happen in the core.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use crate::errors;

pub(crate) fn integer(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<i64> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, not {}",
            type_name(value)
        )));
    }
    value.extract::<i64>().map_err(|_| {
        errors::invalid_argument(value.py(), name, format!("{name} is out of range: {value}"))
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

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".to_string())
}

/// The calls of a batch: an iterable of dicts from parameter name to value, one per call.
/// A name the method does not have is a `TypeError`, as a wrong keyword would be.
pub(crate) fn batch_calls<'py>(
    calls: &Bound<'py, PyAny>,
    names: &[&str],
) -> PyResult<Vec<Bound<'py, pyo3::types::PyDict>>> {
    if calls.is_instance_of::<PyString>() || calls.is_instance_of::<pyo3::types::PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "calls must be a list of dicts (one per call), not {}",
            type_name(calls)
        )));
    }
    let mut out = Vec::new();
    for (index, item) in calls.try_iter()?.enumerate() {
        let item = item?;
        let call = item.cast::<pyo3::types::PyDict>().map_err(|_| {
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
        out.push(call.clone());
    }
    Ok(out)
}

/// A parameter of one batch call; when not given, the method's default for it (`None` for no
/// default).
pub(crate) fn field<'py>(
    call: &Bound<'py, pyo3::types::PyDict>,
    name: &str,
    default: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = call.py();
    Ok(match (call.get_item(name)?, default) {
        (Some(value), _) => value,
        (None, Some(flag)) => PyBool::new(py, flag).to_owned().into_any(),
        (None, None) => py.None().into_bound(py),
    })
}
