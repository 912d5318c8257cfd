//! What the runtime learns from the specs, as data: the generated code of the public `b24kit`
//! crate implements these traits once for the whole spec (its `Spec` type), and the runtime reads
//! them instead of naming a generated item. A new system error, a new method or a new reaction to
//! a code changes the spec and the generated code, never this crate.

use std::fmt::Debug;
use std::hash::Hash;

use serde::de::DeserializeOwned;

/// The vocabulary of one set of specs: its method errors, its system errors, the `time` object of
/// its answers and the names of its parameters. Implemented by a zero-sized marker type.
pub trait Catalog: Copy + Debug + Eq + Hash + Send + Sync + 'static {
    /// Every documented error of every method.
    type MethodError: DocumentedMethodError;
    /// Every documented system error.
    type SystemError: DocumentedSystemError;
    /// The `time` object of every answer.
    type Time: AnswerTime;

    /// The parameter with this Bitrix24 (wire) name, in every casing the bindings use; `None`
    /// for a name no spec declares.
    fn parameter(wire: &str) -> Option<ParameterNames>;

    /// What the specs say about the method with this dotted name (compared case-insensitively,
    /// as the portal compares names); `None` for a method no spec describes.
    fn method(name: &str) -> Option<MethodFacts<Self::MethodError>>;
}

/// What a spec says about one method, for calls that name it at run time.
#[derive(Debug, Clone, Copy)]
pub struct MethodFacts<E: 'static> {
    /// Whether repeating a successful call changes nothing, so that a retry is safe.
    pub idempotent: bool,
    /// The documented error of the method with this code (case-insensitive).
    pub error: fn(&str) -> Option<E>,
    /// For a list method that pages its own way (not through `start`), how: a walk of it by
    /// name goes that way whatever mode it was asked for.
    pub paging: Option<crate::OffsetPaging>,
}

/// A documented error of a method, as its spec declares it.
pub trait DocumentedMethodError: Copy + Eq + Hash + Debug + Send + Sync + 'static {
    /// The dotted name of the method that documents it.
    fn method(self) -> &'static str;
    /// The Bitrix24 `error` code, as documented.
    fn code(self) -> &'static str;
    /// The documented HTTP status.
    fn status(self) -> u16;
    /// What the error means, from the documentation.
    fn meaning(self) -> &'static str;
}

/// A documented system error (one any method can return), as `spec/system-errors.yaml` declares
/// it, with the client's reaction to it.
pub trait DocumentedSystemError: Copy + Eq + Hash + Debug + Send + Sync + 'static {
    /// The error with this code, compared case-insensitively.
    fn from_code(code: &str) -> Option<Self>;
    /// The Bitrix24 `error` code, as documented.
    fn code(self) -> &'static str;
    /// What the error means, from the documentation.
    fn meaning(self) -> &'static str;
    /// The category's snake_case name (`rate_limit`, `auth`, …), the same in every language.
    fn category_name(self) -> &'static str;
    /// What the client does when a call fails with it.
    fn reaction(self) -> Reaction;
    /// For a code methods use too (`ACCESS_DENIED`), the one status with which it is this
    /// system error; with any other status the code is the called method's.
    fn only_with_status(self) -> Option<u16> {
        None
    }
}

/// The `time` object of an answer: the runtime only reads the execution-time budget from it.
pub trait AnswerTime: DeserializeOwned + Clone + Debug + PartialEq + Send + Sync + 'static {
    /// The budget figures, when the answer carries them (cloud portals do, on-premise ones may
    /// not).
    fn budget(&self) -> Option<BudgetReading>;
}

/// What one answer says about its method's execution-time budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetReading {
    /// Seconds the method has run for this application or webhook in the portal's window.
    pub used_seconds: f64,
    /// Unix time, on the portal's clock, at which part of the budget is released.
    pub released_at: f64,
    /// Unix time, on the portal's clock, at which the answer was made; maps the release onto
    /// this machine's clock.
    pub answered_at: f64,
}

/// What the client does about a system error. Declared per code in `spec/system-errors.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reaction {
    /// For which methods a call that failed with it is tried again.
    pub retry: RetryWhen,
    /// Renew the OAuth access token and repeat the call once.
    pub renew_token: bool,
    /// The portal's request bucket is full: make the client's own bucket full too.
    pub mark_bucket_full: bool,
    /// Wait for the release of execution-time budget that the portal announced, instead of the
    /// usual backoff, before trying again.
    pub wait_for_budget: bool,
}

/// For which methods a failed call is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryWhen {
    /// Never: repeating it cannot help.
    Never,
    /// Only for methods their spec marks idempotent: the call may have run.
    IdempotentOnly,
    /// For any method: the call was refused before it ran.
    AnyMethod,
}

impl RetryWhen {
    /// Whether a call of a method that is (or is not) idempotent may be tried again.
    pub fn allows(self, idempotent: bool) -> bool {
        match self {
            RetryWhen::Never => false,
            RetryWhen::IdempotentOnly => idempotent,
            RetryWhen::AnyMethod => true,
        }
    }
}

/// A parameter's name in each casing a language uses, generated from one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParameterNames {
    /// As Bitrix24 spells it, e.g. `CHAT_ID`.
    pub wire: &'static str,
    /// snake_case, as Python writes it (a keyword gets a trailing `_`).
    pub snake: &'static str,
    /// camelCase, as JavaScript, Kotlin and Swift write it.
    pub camel: &'static str,
}

/// The casing a language names parameters in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Casing {
    /// Bitrix24's own spelling (`CHAT_ID`), as Rust messages use it.
    Wire,
    /// `chat_id`: Python.
    Snake,
    /// `chatId`: JavaScript, Kotlin, Swift.
    Camel,
}

impl ParameterNames {
    /// The name in `casing`.
    pub fn in_casing(self, casing: Casing) -> &'static str {
        match casing {
            Casing::Wire => self.wire,
            Casing::Snake => self.snake,
            Casing::Camel => self.camel,
        }
    }
}

/// The facts of the method named `name` in `table`, which is sorted by name (the generated
/// catalog's table is). Every call by name looks its method up: a name as the spec spells it is
/// found by halves; any other casing (the portal compares names case-insensitively) or a method
/// no spec describes, by going through the table.
pub fn find_method<E: Copy + 'static>(
    table: &[(&str, MethodFacts<E>)],
    name: &str,
) -> Option<MethodFacts<E>> {
    let index = table
        .binary_search_by(|(known, _)| (*known).cmp(name))
        .ok()
        .or_else(|| {
            table
                .iter()
                .position(|(known, _)| known.eq_ignore_ascii_case(name))
        })?;
    Some(table[index].1)
}

/// The name of parameter `wire` in `casing`, or `wire` itself when no spec declares it.
pub fn parameter_name<C: Catalog>(wire: &str, casing: Casing) -> &str {
    match C::parameter(wire) {
        Some(names) => names.in_casing(casing),
        None => wire,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(idempotent: bool) -> MethodFacts<()> {
        MethodFacts {
            idempotent,
            error: |_| None,
            paging: None,
        }
    }

    #[test]
    fn a_method_is_found_in_any_casing_and_only_by_its_whole_name() {
        let table = [
            ("crm.deal.list", facts(true)),
            ("imopenlines.session.mode.pinAll", facts(false)),
            ("imopenlines.session.mode.silent", facts(true)),
            ("profile", facts(true)),
        ];
        for (name, idempotent) in [
            ("crm.deal.list", true),
            ("CRM.Deal.List", true),
            ("imopenlines.session.mode.pinall", false),
            ("IMOPENLINES.SESSION.MODE.PINALL", false),
            ("imopenlines.session.mode.silent", true),
            ("Profile", true),
        ] {
            let found = find_method(&table, name).map(|f| f.idempotent);
            assert_eq!(found, Some(idempotent), "{name}");
        }
        for absent in [
            "",
            "crm",
            "crm.deal.list.x",
            "imopenlines.session.mode",
            "zzz",
        ] {
            assert!(find_method(&table, absent).is_none(), "{absent}");
        }
    }
}
