//! Belfiore codes (*codice catastale*): one letter and three digits naming a municipality
//! (`F205` Milano) or, with the letter `Z`, a foreign country (birthplaces in codici fiscali).

use std::fmt;
use std::str::FromStr;

use super::serde_str::serde_via_str;
use crate::ModelError;

/// A Belfiore code: one upper-case letter followed by three digits.
///
/// Codes starting with `Z` designate a foreign country, not a municipality
/// ([`Belfiore::is_foreign_country`]). Whether a code is assigned is not checked here: that
/// needs the municipality table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Belfiore([u8; 4]);

impl Belfiore {
    /// Parses a Belfiore code; surrounding blanks are trimmed and letters upper-cased.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim();
        let b = s.as_bytes();
        if b.len() != 4 {
            return Err(ModelError::syntax(
                "Belfiore code",
                input,
                format!(
                    "expected one letter and three digits, found {} characters",
                    s.chars().count()
                ),
            ));
        }
        if !b[0].is_ascii_alphabetic() {
            return Err(ModelError::syntax(
                "Belfiore code",
                input,
                "first character must be a letter",
            ));
        }
        if !b[1..].iter().all(u8::is_ascii_digit) {
            return Err(ModelError::syntax(
                "Belfiore code",
                input,
                "characters 2-4 must be digits",
            ));
        }
        Ok(Self([b[0].to_ascii_uppercase(), b[1], b[2], b[3]]))
    }

    /// The code as a string slice (`F205`).
    pub fn as_str(&self) -> &str {
        // The four bytes are ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// True for `Z` + 3 digits: a foreign country (used as birthplace of persons born abroad).
    pub fn is_foreign_country(&self) -> bool {
        self.0[0] == b'Z'
    }

    /// The letter of the code.
    pub fn letter(&self) -> char {
        char::from(self.0[0])
    }

    /// The numeric part of the code (`205` for `F205`).
    pub fn number(&self) -> u16 {
        self.0[1..]
            .iter()
            .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
    }
}

impl FromStr for Belfiore {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Belfiore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

serde_via_str!(Belfiore, "a Belfiore code such as F205");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples_parse() {
        for code in [
            "F205", "C351", "H501", "L219", "A176", "G273", "H833", "M011", "A000",
        ] {
            let b = Belfiore::parse(code).unwrap();
            assert_eq!(b.to_string(), code);
            assert!(!b.is_foreign_country());
        }
        let milano = Belfiore::parse("F205").unwrap();
        assert_eq!(milano.letter(), 'F');
        assert_eq!(milano.number(), 205);
    }

    #[test]
    fn normalises_case_and_blanks() {
        assert_eq!(Belfiore::parse(" f205 ").unwrap().as_str(), "F205");
    }

    #[test]
    fn foreign_country() {
        let z = Belfiore::parse("Z404").unwrap();
        assert!(z.is_foreign_country());
    }

    #[test]
    fn rejects_bad_codes() {
        for bad in ["", "F20", "F2055", "1205", "FF05", "F2O5", "F-05"] {
            assert!(Belfiore::parse(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            Belfiore::parse("F20").unwrap_err().to_string(),
            "Belfiore code F20: expected one letter and three digits, found 3 characters"
        );
    }

    #[test]
    fn serde_round_trip() {
        let b = Belfiore::parse("F205").unwrap();
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, "\"F205\"");
        assert_eq!(serde_json::from_str::<Belfiore>(&json).unwrap(), b);
        assert!(serde_json::from_str::<Belfiore>("\"F2\"").is_err());
    }
}
