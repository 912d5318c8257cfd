//! A successful answer.

use crate::Time;

/// A successful call: the typed `result` and the answer's `time` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    pub result: T,
    pub time: Time,
}
