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
