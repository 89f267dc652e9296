//! A person code as written by a source. The project keeps invalid codici fiscali as written
//! (rule Q01 reports them) and joins on the written form only (identifiers.md §3 convention):
//! a [`TaxId`] carries that form together with the validation outcome.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::CodiceFiscale;
use super::serde_str::serde_via_str;
use crate::ModelError;

/// A codice fiscale or partita IVA exactly as a source wrote it, upper-cased and trimmed, and
/// the result of validating it.
///
/// Equality, ordering and hashing use the written form only: two records join when they carry
/// the same string, valid or not. The code is never repaired.
///
/// A valid code is stored once, as its [`CodiceFiscale`] (whose text is the written form); an
/// invalid one keeps its text and its validation error behind one box, so a `TaxId` is as small
/// as a `String` (invalid codes are rare).
#[derive(Debug, Clone)]
pub struct TaxId(Written);

#[derive(Debug, Clone)]
enum Written {
    Valid(CodiceFiscale),
    Invalid(Box<(Box<str>, ModelError)>),
}

impl TaxId {
    /// Normalises (upper case, trim) and validates a written code. Only an empty or blank
    /// input is an error: an invalid code is kept, see [`TaxId::validation_error`].
    pub fn from_written(input: &str) -> Result<Self, ModelError> {
        let written = input.trim().to_ascii_uppercase();
        if written.is_empty() {
            return Err(ModelError::syntax("codice fiscale", input, "empty"));
        }
        // `CodiceFiscale::parse` keeps its (already trimmed, upper-case) input as the code.
        Ok(Self(match CodiceFiscale::parse(&written) {
            Ok(code) => Written::Valid(code),
            Err(error) => Written::Invalid(Box::new((written.into_boxed_str(), error))),
        }))
    }

    /// The code as written (upper case, trimmed): the join key.
    pub fn as_written(&self) -> &str {
        match &self.0 {
            Written::Valid(code) => code.as_str(),
            Written::Invalid(invalid) => &invalid.0,
        }
    }

    /// The validated code, when the written one is valid.
    pub fn code(&self) -> Option<&CodiceFiscale> {
        match &self.0 {
            Written::Valid(code) => Some(code),
            Written::Invalid(_) => None,
        }
    }

    /// Why the written code is invalid (the evidence of rule Q01); `None` when valid.
    pub fn validation_error(&self) -> Option<&ModelError> {
        match &self.0 {
            Written::Valid(_) => None,
            Written::Invalid(invalid) => Some(&invalid.1),
        }
    }

    /// True when the written code validates.
    pub fn is_valid(&self) -> bool {
        matches!(self.0, Written::Valid(_))
    }
}

impl From<CodiceFiscale> for TaxId {
    fn from(code: CodiceFiscale) -> Self {
        Self(Written::Valid(code))
    }
}

impl PartialEq for TaxId {
    fn eq(&self, other: &Self) -> bool {
        self.as_written() == other.as_written()
    }
}

impl Eq for TaxId {}

impl Hash for TaxId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_written().hash(state);
    }
}

impl PartialOrd for TaxId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TaxId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_written().cmp(other.as_written())
    }
}

impl FromStr for TaxId {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_written(s)
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_written())
    }
}

serde_via_str!(TaxId, "a codice fiscale or partita IVA as written");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_codes_are_kept() {
        let ok = TaxId::from_written(" rssmra70e52f205n").unwrap();
        assert!(ok.is_valid());
        assert_eq!(ok.as_written(), "RSSMRA70E52F205N");
        assert_eq!(ok.code().unwrap().as_str(), "RSSMRA70E52F205N");

        let bad = TaxId::from_written("RSSMRA85T10A562X").unwrap();
        assert!(!bad.is_valid());
        assert_eq!(bad.as_written(), "RSSMRA85T10A562X");
        assert_eq!(
            bad.validation_error().unwrap().to_string(),
            "codice fiscale RSSMRA85T10A562X: check character is X, expected S"
        );
        assert!(TaxId::from_written("  ").is_err());
    }

    #[test]
    fn joins_on_written_form_only() {
        let base = TaxId::from_written("RSSMRA70E52F205N").unwrap();
        let homo = TaxId::from_written("RSSMRA70E52F20RI").unwrap();
        assert_ne!(base, homo);
        let bad1 = TaxId::from_written("XXX").unwrap();
        let bad2 = TaxId::from_written("xxx").unwrap();
        assert_eq!(bad1, bad2);
        assert_eq!(TaxId::from(base.code().unwrap().clone()), base);
    }

    #[test]
    fn a_tax_id_is_as_small_as_a_string() {
        assert!(size_of::<TaxId>() <= size_of::<String>());
    }

    #[test]
    fn serde_keeps_invalid_codes() {
        let bad = TaxId::from_written("ABC").unwrap();
        let json = serde_json::to_string(&bad).unwrap();
        assert_eq!(json, "\"ABC\"");
        let back: TaxId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, bad);
        assert!(!back.is_valid());
    }
}
