//! Problems found in the specs, each pinned to a file and to a line or a field, so that the author
//! can go straight to the spot.

use std::fmt;

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Path relative to the repository root, with `/` separators.
    pub file: String,
    /// 1-based line and column, when the YAML parser knows them.
    pub line_col: Option<(usize, usize)>,
    /// Dotted path of the offending field, e.g. `params[1].default`; empty for the whole file.
    pub field: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one load of the specs, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// Collects problems for one file while validation walks it.
pub(crate) struct Collector<'a> {
    file: &'a str,
    pub(crate) errors: &'a mut Vec<SpecError>,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(file: &'a str, errors: &'a mut Vec<SpecError>) -> Self {
        Collector { file, errors }
    }

    pub(crate) fn report(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_string(),
            line_col: None,
            field: field.into(),
            message: message.into(),
        });
    }
}
