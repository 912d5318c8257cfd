//! Python values ↔ JSON, for calls of any method by name: dicts, lists and tuples, strings,
//! booleans, integers, floats and `None` in; the same back out. A value JSON cannot hold — a
//! NaN or an infinity, bytes, a set, an object, a dict key that is not a string, a container
//! inside itself — is a `TypeError` that names where it is (`filter.>ID`, `select[2]`), and
//! nothing is sent.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use pyo3::IntoPyObjectExt;
use serde_json::{Map, Number, Value};

/// Where a value is, for messages (`params.filter.>ID`, `params.select[2]`): a chain of borrowed
/// steps on the stack, spelled out only when a value is refused.
#[derive(Clone, Copy)]
enum At<'a> {
    Top(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Top(name) => f.write_str(name),
            At::Key(parent, key) => write!(f, "{parent}.{key}"),
            At::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// The JSON of `value`; `what` names it at the top (`params`).
pub(crate) fn to_json(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let mut open = Vec::new();
    convert(value, At::Top(what), &mut open)
}

fn convert(value: &Bound<'_, PyAny>, at: At<'_>, open: &mut Vec<usize>) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(refuse(at, "an integer beyond 64 bits"));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| refuse(at, &format!("{}, which JSON cannot hold", f.value())));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    // Containers: a cycle would never end.
    let id = value.as_ptr() as usize;
    if open.contains(&id) {
        return Err(refuse(at, "a container inside itself"));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        open.push(id);
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(refuse(
                    at,
                    &format!("a dict with a key of type {}", type_name(&key)),
                ));
            };
            let key = key.to_cow()?.into_owned();
            let item = convert(&item, At::Key(&at, &key), open)?;
            map.insert(key, item);
        }
        open.pop();
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        open.push(id);
        let mut items = Vec::new();
        for (index, item) in value.try_iter()?.enumerate() {
            items.push(convert(&item?, At::Index(&at, index), open)?);
        }
        open.pop();
        return Ok(Value::Array(items));
    }
    Err(refuse(at, &format!("of type {}", type_name(value))))
}

fn refuse(at: At<'_>, what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{at} is {what}; parameters are JSON: dict, list, str, int, float, bool or None"
    ))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "unknown type".to_string())
}

/// `value` as Python: dicts (in the portal's key order), lists, str, int, float, bool, None.
pub(crate) fn to_python(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => b.into_py_any(py)?,
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_py_any(py)?,
            (None, Some(u)) => u.into_py_any(py)?,
            _ => n.as_f64().unwrap_or(f64::NAN).into_py_any(py)?,
        },
        Value::String(s) => s.into_py_any(py)?,
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => object_to_python(py, map)?,
    })
}

/// An object as a dict, in the portal's key order.
pub(crate) fn object_to_python(py: Python<'_>, map: &Map<String, Value>) -> PyResult<Py<PyAny>> {
    let dict = PyDict::new(py);
    for (key, item) in map {
        dict.set_item(key, to_python(py, item)?)?;
    }
    Ok(dict.into_any().unbind())
}
