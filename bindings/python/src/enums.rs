//! Enum values in results. The package's enums are `str` enums written in Python (in
//! `b24kit._client`); a result's field holds the core's value as text and gives Python the
//! member that names it, or the text itself when this version names none — nothing the portal
//! sends is refused or lost, and either compares equal to the text.

use std::marker::PhantomData;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyString};

/// An enum of the package, by the name of its Python class.
pub trait PythonEnum {
    const CLASS: &'static str;
}

/// The text of a value of the enum `E` in a result.
pub struct EnumText<E> {
    text: String,
    enum_type: PhantomData<E>,
}

impl<E, C: Into<String>> From<C> for EnumText<E> {
    fn from(value: C) -> Self {
        EnumText {
            text: value.into(),
            enum_type: PhantomData,
        }
    }
}

// By hand: derived impls would ask the same of the marker type `E`.
impl<E> Clone for EnumText<E> {
    fn clone(&self) -> Self {
        self.text.clone().into()
    }
}

impl<E> PartialEq for EnumText<E> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<E> std::fmt::Debug for EnumText<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text.fmt(f)
    }
}

impl<'py, E: PythonEnum> IntoPyObject<'py> for &EnumText<E> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, E::CLASS, &self.text)
    }
}

impl<'py, E: PythonEnum> IntoPyObject<'py> for EnumText<E> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        member(py, E::CLASS, &self.text)
    }
}

/// The package's module that defines the enums, looked up once.
static ENUMS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The member of `b24kit.<class>` whose value is `text`, else `text` as a `str`.
fn member<'py>(py: Python<'py>, class: &str, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let module =
        ENUMS_MODULE.get_or_try_init(py, || py.import("b24kit._client").map(Bound::unbind))?;
    // Every `enum.Enum` keeps its members by value in this dict: one lookup, no exception for
    // a value the class does not name.
    let by_value = module
        .bind(py)
        .getattr(class)?
        .getattr("_value2member_map_")?;
    match by_value.cast::<PyDict>()?.get_item(text)? {
        Some(named) => Ok(named),
        None => Ok(PyString::new(py, text).into_any()),
    }
}
