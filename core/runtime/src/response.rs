//! A successful answer.

/// A successful call: the typed `result` and the answer's `time` object (the catalog's
/// [`AnswerTime`](crate::AnswerTime)).
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T, Tm> {
    pub result: T,
    pub time: Tm,
}
