//! The one error type of the crate: every parse or construction failure of an identifier or an
//! entity invariant, with the offending input and a precise reason.

use std::fmt;

use chrono::NaiveDate;

/// Error returned when an identifier, code or entity value does not satisfy its grammar or
/// invariant. Messages name the kind of value and repeat the input as written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The input does not follow the grammar of `kind` (wrong length, characters, range).
    #[error("{kind} {}: {reason}", Shown(input))]
    Syntax {
        /// Kind of value being parsed, e.g. "foglio", "unit key".
        kind: &'static str,
        /// The input as received (before normalisation).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A 16-character codice fiscale whose check character does not match the first 15.
    #[error("codice fiscale {code}: check character is {found}, expected {expected}")]
    CfCheckCharacter {
        /// The code, upper-cased and trimmed.
        code: String,
        /// Check character found in position 16.
        found: char,
        /// Check character computed from positions 1–15.
        expected: char,
    },
    /// An 11-digit code (partita IVA or numeric codice fiscale) with a wrong check digit.
    #[error("{kind} {code}: check digit is {found}, expected {expected}")]
    CheckDigit {
        /// "partita IVA" or "codice fiscale".
        kind: &'static str,
        /// The 11-digit code.
        code: String,
        /// Digit found in position 11.
        found: char,
        /// Digit computed from positions 1–10.
        expected: char,
    },
    /// A date interval whose end precedes its start.
    #[error("{kind}: end {to} is before start {from}")]
    InvertedInterval {
        /// "validity" or "active period".
        kind: &'static str,
        /// Start of the interval.
        from: NaiveDate,
        /// End of the interval.
        to: NaiveDate,
    },
    /// A fractional share that is not a proper fraction `n/d` with `0 <= n <= d`, `d > 0`.
    #[error("share {num}/{den}: {reason}")]
    InvalidShare {
        /// Numerator as given.
        num: u64,
        /// Denominator as given.
        den: u64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A number outside the range its quantity allows (confidence, area, …).
    #[error("{kind} {value}: outside {range}")]
    OutOfRange {
        /// Name of the quantity.
        kind: &'static str,
        /// The value as given.
        value: String,
        /// The allowed range, written for humans (e.g. "0..=1").
        range: &'static str,
    },
}

impl ModelError {
    /// Shorthand for a [`ModelError::Syntax`] error.
    pub(crate) fn syntax(kind: &'static str, input: &str, reason: impl Into<String>) -> Self {
        Self::Syntax {
            kind,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Writes an input for an error message: as is, or quoted when empty or padded with blanks.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() || self.0.trim() != self.0 {
            write!(f, "{:?}", self.0)
        } else {
            f.write_str(self.0)
        }
    }
}
