//! A successful answer.

/// A successful call: the typed `result`, the answer's `time` object (the catalog's
/// [`AnswerTime`](crate::AnswerTime)) and, for list methods, where the list stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T, Tm> {
    /// The answer's `result`, decoded into the method's output type.
    pub result: T,
    /// The answer's `time` object; for a batch item, its own command's when the portal sent one.
    pub time: Tm,
    /// For list methods: how many items the whole list has (absent when the portal did not
    /// count, as with `start = -1`).
    pub total: Option<u64>,
    /// For list methods: the `start` of the next page, absent on the last.
    pub next: Option<u64>,
}

impl<T, Tm> Response<T, Tm> {
    /// The same answer with its result turned into another type.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U, Tm> {
        Response {
            result: f(self.result),
            time: self.time,
            total: self.total,
            next: self.next,
        }
    }
}
