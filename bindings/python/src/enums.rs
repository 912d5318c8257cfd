//! Enum values in results. The package's enums are written in Python (in `b24kit._client`):
//! `str` enums for text values, `IntEnum`s for integer codes. A result's field holds the core's
//! value as text (or as the code) and gives Python the member that names it, or the value
//! itself when this version names none — nothing the portal sends is refused or lost, and
//! either compares equal to the plain value.

use std::marker::PhantomData;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};
use pyo3::IntoPyObjectExt;

/// An enum of the package, by the name of its Python class.
pub trait PythonEnum {
    const CLASS: &'static str;
}

/// A value of the enum `E` in a result, as sent: `V` is its text (`String`) or code (`i64`).
pub struct EnumValue<E, V> {
    value: V,
    enum_type: PhantomData<E>,
}

/// A value of a text enum.
pub type EnumText<E> = EnumValue<E, String>;

/// A value of an enum of integer codes.
pub type EnumCode<E> = EnumValue<E, i64>;

// One impl per value type: a generic one would overlap `From<T> for T`.
impl<E, C: Into<String>> From<C> for EnumText<E> {
    fn from(value: C) -> Self {
        EnumValue {
            value: value.into(),
            enum_type: PhantomData,
        }
    }
}

impl<E, C: Into<i64>> From<C> for EnumCode<E> {
    fn from(value: C) -> Self {
        EnumValue {
            value: value.into(),
            enum_type: PhantomData,
        }
    }
}

// By hand: derived impls would ask the same of the marker type `E`.
impl<E, V: Clone> Clone for EnumValue<E, V> {
    fn clone(&self) -> Self {
        EnumValue {
            value: self.value.clone(),
            enum_type: PhantomData,
        }
    }
}

impl<E, V: PartialEq> PartialEq for EnumValue<E, V> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<E, V: std::fmt::Debug> std::fmt::Debug for EnumValue<E, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

impl<'py, E: PythonEnum, V> IntoPyObject<'py> for &EnumValue<E, V>
where
    for<'a> &'a V: IntoPyObject<'py>,
{
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let plain = (&self.value).into_bound_py_any(py)?;
        member(py, E::CLASS, plain)
    }
}

impl<'py, E: PythonEnum, V: IntoPyObject<'py>> IntoPyObject<'py> for EnumValue<E, V> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let plain = self.value.into_bound_py_any(py)?;
        member(py, E::CLASS, plain)
    }
}

/// The package's module that defines the enums, looked up once.
static ENUMS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The member of `b24kit.<class>` whose value is `plain`, else `plain` itself.
fn member<'py>(
    py: Python<'py>,
    class: &str,
    plain: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let module =
        ENUMS_MODULE.get_or_try_init(py, || py.import("b24kit._client").map(Bound::unbind))?;
    // Every `enum.Enum` keeps its members by value in this dict: one lookup, no exception for
    // a value the class does not name.
    let by_value = module
        .bind(py)
        .getattr(class)?
        .getattr("_value2member_map_")?;
    match by_value.cast::<PyDict>()?.get_item(&plain)? {
        Some(named) => Ok(named),
        None => Ok(plain),
    }
}
