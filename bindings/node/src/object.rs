//! The result objects' JavaScript form, built field by field through one small writer.
//!
//! napi's `#[napi(object)]` inlines every field's conversion, with its own error exit, into
//! each type's converter: about 1.9 KB of machine code per field, 350 KB for the two 94-field
//! settings objects of `imopenlines.config.*` alone (measured in the addon). Here a field costs
//! one call of [`ObjectWriter::put`], compiled once per value type, and the object is still
//! made in one Node-API call with all its properties, as napi's derive makes it.

use std::ffi::CStr;

use napi::bindgen_prelude::*;
use napi::sys;

pub(crate) struct ObjectWriter {
    env: sys::napi_env,
    properties: Vec<sys::napi_property_descriptor>,
    /// The first conversion that failed; later fields are skipped.
    failed: Option<Error>,
}

impl ObjectWriter {
    pub(crate) fn new(env: sys::napi_env, fields: usize) -> ObjectWriter {
        ObjectWriter {
            env,
            properties: Vec::with_capacity(fields),
            failed: None,
        }
    }

    /// Adds a property: the value's JavaScript form (`null` for `None`), under `name`, which
    /// lives as long as the program (a literal).
    #[inline(never)]
    pub(crate) fn put<V: ToNapiValue>(&mut self, name: &'static CStr, value: V) {
        if self.failed.is_some() {
            return;
        }
        match unsafe { V::to_napi_value(self.env, value) } {
            Ok(value) => self.properties.push(sys::napi_property_descriptor {
                utf8name: name.as_ptr(),
                name: std::ptr::null_mut(),
                method: None,
                getter: None,
                setter: None,
                value,
                attributes: sys::PropertyAttributes::writable
                    | sys::PropertyAttributes::enumerable
                    | sys::PropertyAttributes::configurable,
                data: std::ptr::null_mut(),
            }),
            Err(e) => self.failed = Some(e),
        }
    }

    /// The object with every property put, or the first conversion's error.
    pub(crate) fn finish(self) -> Result<sys::napi_value> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        unsafe { create_object_with_properties(self.env, &self.properties) }
    }
}
