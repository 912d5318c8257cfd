//! What the runtime needs to know about a method. The generated code implements [`Method`] for
//! each method's parameter type; the runtime never names a method itself.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::ArgumentProblem;
use crate::wire::Lenient;
use crate::Error;

/// A Bitrix24 REST method, implemented by its parameter type.
///
/// `Serialize` must produce the wire form (Bitrix24 parameter names and encodings).
pub trait Method: Serialize + Send + Sync {
    /// The specs the method comes from: its errors, the `time` of its answers.
    type Catalog: Catalog;
    /// The dotted Bitrix24 name, e.g. `imopenlines.session.mode.silent`.
    const NAME: &'static str;
    /// Whether repeating a successful call changes nothing, so that a retry is safe.
    const IDEMPOTENT: bool;
    /// The type of `result` in a successful answer, read as leniently as portals write it.
    type Output: Lenient + Send;

    /// Checks the parameters before anything is sent.
    fn validate(&self) -> Result<(), Error<Self::Catalog>>;

    /// The documented error of this method with this code (case-insensitive).
    fn method_error(code: &str) -> Option<<Self::Catalog as Catalog>::MethodError>;
}

/// Fails with [`Error::InvalidArgument`] when `value < minimum`.
pub fn check_at_least<C: Catalog>(
    parameter: &'static str,
    value: i64,
    minimum: i64,
) -> Result<(), Error<C>> {
    if value < minimum {
        return Err(Error::InvalidArgument {
            parameter,
            problem: ArgumentProblem::BelowMinimum {
                minimum,
                actual: value,
            },
        });
    }
    Ok(())
}

/// Fails with [`Error::InvalidArgument`] when `value > maximum`.
pub fn check_at_most<C: Catalog>(
    parameter: &'static str,
    value: i64,
    maximum: i64,
) -> Result<(), Error<C>> {
    if value > maximum {
        return Err(Error::InvalidArgument {
            parameter,
            problem: ArgumentProblem::AboveMaximum {
                maximum,
                actual: value,
            },
        });
    }
    Ok(())
}

/// Fails with [`Error::InvalidArgument`] unless exactly one of the parameters is given.
pub fn check_one_of<C: Catalog>(
    parameters: &'static [&'static str],
    given: &[bool],
) -> Result<(), Error<C>> {
    let named: Vec<&'static str> = parameters
        .iter()
        .zip(given)
        .filter(|(_, g)| **g)
        .map(|(p, _)| *p)
        .collect();
    if named.len() == 1 {
        return Ok(());
    }
    Err(Error::InvalidArgument {
        parameter: parameters[0],
        problem: ArgumentProblem::ExactlyOneOf {
            parameters,
            given: named,
        },
    })
}
