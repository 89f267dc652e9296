//! Partita IVA (VAT number) and 11-digit numeric codici fiscali: 7-digit progressive, 3-digit
//! office code, check digit (identifiers.md §4).

use std::fmt;
use std::str::FromStr;

use super::serde_str::serde_via_str;
use crate::ModelError;

/// An 11-digit partita IVA with a valid check digit. The same grammar serves numeric codici
/// fiscali of legal entities (see [`super::CodiceFiscale`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitaIva([u8; 11]);

impl PartitaIva {
    /// Parses 11 digits (blanks trimmed) and checks the check digit.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        parse_numeric("partita IVA", input).map(Self)
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Office code (digits 8–10).
    pub fn office_code(&self) -> &str {
        &self.as_str()[7..10]
    }
}

/// Computes the check digit of an 11-digit code from its first 10 digits:
/// `(10 − s mod 10) mod 10` where `s` sums odd-position digits and `f(d)` of even-position
/// digits, `f(d) = 2d` if `2d ≤ 9` else `2d − 9`.
pub fn check_digit(first10: &str) -> Result<char, ModelError> {
    let b = first10.trim().as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return Err(ModelError::syntax(
            "partita IVA",
            first10,
            "check digit needs exactly 10 digits",
        ));
    }
    let mut s = 0u32;
    for (i, d) in b.iter().map(|c| u32::from(c - b'0')).enumerate() {
        if i % 2 == 0 {
            s += d;
        } else {
            let twice = 2 * d;
            s += if twice > 9 { twice - 9 } else { twice };
        }
    }
    Ok(char::from(b'0' + ((10 - s % 10) % 10) as u8))
}

/// Parses an 11-digit numeric code with check digit; `kind` names it in errors.
pub(crate) fn parse_numeric(kind: &'static str, input: &str) -> Result<[u8; 11], ModelError> {
    let s = input.trim();
    let b = s.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
        return Err(ModelError::syntax(kind, input, "expected 11 digits"));
    }
    let expected = check_digit(&s[..10])?;
    let found = char::from(b[10]);
    if found != expected {
        return Err(ModelError::CheckDigit {
            kind,
            code: s.to_owned(),
            found,
            expected,
        });
    }
    let mut out = [0u8; 11];
    out.copy_from_slice(b);
    Ok(out)
}

impl FromStr for PartitaIva {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for PartitaIva {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

serde_via_str!(PartitaIva, "an 11-digit partita IVA");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_example() {
        let p = PartitaIva::parse("01234567897").unwrap();
        assert_eq!(p.to_string(), "01234567897");
        assert_eq!(p.office_code(), "789");
        assert_eq!(check_digit("0123456789").unwrap(), '7');
    }

    #[test]
    fn wrong_check_digit() {
        let e = PartitaIva::parse("01234567890").unwrap_err();
        assert_eq!(
            e.to_string(),
            "partita IVA 01234567890: check digit is 0, expected 7"
        );
    }

    #[test]
    fn wrong_structure() {
        for bad in [
            "",
            "0123456789",
            "012345678977",
            "0123456789A",
            "01234 67897",
        ] {
            assert!(PartitaIva::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(check_digit("012345678").is_err());
    }
}
