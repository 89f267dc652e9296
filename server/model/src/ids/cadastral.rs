//! Parts of the cadastral identifiers: section (*sezione*), sheet (*foglio*), parcel number
//! (*particella*) and sub-unit number (*subalterno*), normalised as identifiers.md §2 says
//! (upper case, trimmed, no leading zeros in numbers, letters kept).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::serde_str::serde_via_str;
use crate::ModelError;

/// Longest parcel number accepted (the IMU declaration field is 10 characters wide).
const PARTICELLA_MAX_LEN: usize = 10;

/// Longest section accepted.
const SEZIONE_MAX_LEN: usize = 3;

/// ASCII text of at most `N` bytes stored inline, zero-padded: no allocation, and the derived
/// order of the bytes is the order of the texts (a shorter text that is a prefix of a longer
/// one sorts first, as zero sorts before any letter or digit).
pub(super) fn inline_ascii<const N: usize>(text: &str) -> [u8; N] {
    let mut bytes = [0u8; N];
    bytes[..text.len()].copy_from_slice(text.as_bytes());
    bytes
}

/// The text of an inline ASCII value (up to its first zero byte).
pub(super) fn inline_str(bytes: &[u8]) -> &str {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    // always ASCII (checked by the parsers)
    std::str::from_utf8(&bytes[..len]).unwrap_or_default()
}

/// A census section (one letter, maps and land cadastre) or urban section (up to three
/// characters, buildings cadastre).
///
/// "No section" (an empty or blank field, `_` in a sheet key) is modelled as
/// `Option<Sezione>::None`; use [`Sezione::parse_optional`] on raw fields.
///
/// Stored inline (the ASCII bytes, zero-padded to 3); hashed, compared and shown as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sezione([u8; SEZIONE_MAX_LEN]);

impl Sezione {
    /// Parses a non-empty section: 1 to 3 letters or digits, upper-cased, blanks trimmed.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ModelError::syntax(
                "sezione",
                input,
                "empty (no section is None)",
            ));
        }
        if s.len() > SEZIONE_MAX_LEN || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ModelError::syntax(
                "sezione",
                input,
                "expected 1 to 3 letters or digits",
            ));
        }
        Ok(Self(inline_ascii(&s.to_ascii_uppercase())))
    }

    /// Parses a raw section field: empty, blank or `_` means no section.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ModelError> {
        let s = input.trim();
        if s.is_empty() || s == "_" {
            Ok(None)
        } else {
            Self::parse(s).map(Some)
        }
    }

    /// The section as written (`B`).
    pub fn as_str(&self) -> &str {
        inline_str(&self.0)
    }

    /// True when the section can stand in a sheet key: exactly one letter (census section).
    pub fn is_census_section(&self) -> bool {
        self.0[0].is_ascii_alphabetic() && self.0[1] == 0
    }
}

impl FromStr for Sezione {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Sezione {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Sezione {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Sezione").field(&self.as_str()).finish()
    }
}

impl Hash for Sezione {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

serde_via_str!(Sezione, "a section code of 1 to 3 letters or digits");

/// A map sheet number (*foglio*), 1 to 9999. Parsing accepts zero padding (`0012`); the
/// canonical form has none (`12`), [`Foglio::padded`] gives the 4-digit form of sheet keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Foglio(u16);

impl Foglio {
    /// Largest sheet number (four digits).
    pub const MAX: u16 = 9999;

    /// Builds a sheet number from an integer in 1..=9999.
    pub fn new(n: u16) -> Result<Self, ModelError> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(ModelError::syntax(
                "foglio",
                &n.to_string(),
                "must be between 1 and 9999",
            ))
        }
    }

    /// Parses digits, zero padding allowed, blanks trimmed.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let n = parse_padded_number("foglio", input)?;
        if n == 0 || n > u32::from(Self::MAX) {
            return Err(ModelError::syntax(
                "foglio",
                input,
                "must be between 1 and 9999",
            ));
        }
        Ok(Self(n as u16))
    }

    /// The sheet number.
    pub fn get(self) -> u16 {
        self.0
    }

    /// Zero-padded 4-digit form (`0012`), as in sheet keys and census files.
    pub fn padded(self) -> String {
        format!("{:04}", self.0)
    }
}

impl FromStr for Foglio {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Foglio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

serde_via_str!(Foglio, "a sheet number between 1 and 9999");

/// A parcel number (*particella*, *mappale*): digits with optional letters (`101`, `101A`,
/// `A`), or the road/water labels of the open data (`STRADA001`, `ACQUA001`).
///
/// Normalisation: upper case, trimmed, leading zeros removed from the leading numeric part
/// (`00101` → `101`); letters and the digits after them are kept as written. At most 10
/// characters; a leading numeric part equal to zero is rejected.
///
/// Stored inline (the ASCII bytes, zero-padded to 10); hashed, compared and shown as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Particella([u8; PARTICELLA_MAX_LEN]);

impl Particella {
    /// Parses and normalises a parcel number.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ModelError::syntax("particella", input, "empty"));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ModelError::syntax(
                "particella",
                input,
                "only letters and digits are allowed",
            ));
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (numeric, rest) = s.split_at(digits);
        let numeric = numeric.trim_start_matches('0');
        if digits > 0 && numeric.is_empty() {
            return Err(ModelError::syntax(
                "particella",
                input,
                "numeric part is zero",
            ));
        }
        let normalised = format!("{numeric}{}", rest.to_ascii_uppercase());
        if normalised.len() > PARTICELLA_MAX_LEN {
            return Err(ModelError::syntax(
                "particella",
                input,
                "longer than 10 characters",
            ));
        }
        Ok(Self(inline_ascii(&normalised)))
    }

    /// The normalised parcel number (`101`).
    pub fn as_str(&self) -> &str {
        inline_str(&self.0)
    }

    /// The leading numeric part, if the parcel number starts with digits (`101A` → 101).
    pub fn number(&self) -> Option<u32> {
        let digits: String = self
            .as_str()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }

    /// Census-file form: a purely numeric parcel number zero-padded to 5 digits (`00101`);
    /// a parcel number with letters is written as is.
    pub fn census_padded(&self) -> String {
        let text = self.as_str();
        if text.bytes().all(|b| b.is_ascii_digit()) {
            format!("{text:0>5}")
        } else {
            text.to_owned()
        }
    }
}

impl FromStr for Particella {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Particella {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Particella {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Particella").field(&self.as_str()).finish()
    }
}

impl Hash for Particella {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

serde_via_str!(Particella, "a parcel number such as 101 or 101A");

/// A sub-unit number (*subalterno*), 1 to 9999.
///
/// `0`, empty and blank mean "no subalterno" (identifiers.md §2): call sites hold an
/// `Option<Subalterno>` built with [`Subalterno::parse_optional`]; [`Subalterno::parse`]
/// rejects those values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subalterno(u16);

impl Subalterno {
    /// Largest subalterno (four digits).
    pub const MAX: u16 = 9999;

    /// Builds a subalterno from an integer in 1..=9999.
    pub fn new(n: u16) -> Result<Self, ModelError> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(ModelError::syntax(
                "subalterno",
                &n.to_string(),
                "must be between 1 and 9999 (0 means none)",
            ))
        }
    }

    /// Parses a present subalterno: digits, zero padding allowed, value 1..=9999.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let n = parse_padded_number("subalterno", input)?;
        if n == 0 || n > u32::from(Self::MAX) {
            return Err(ModelError::syntax(
                "subalterno",
                input,
                "must be between 1 and 9999 (0 means none)",
            ));
        }
        Ok(Self(n as u16))
    }

    /// Parses a raw subalterno field: `0` (any padding), empty or blank give `None`.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ModelError> {
        let s = input.trim();
        if s.is_empty() || s.bytes().all(|b| b == b'0') {
            Ok(None)
        } else {
            Self::parse(s).map(Some)
        }
    }

    /// The subalterno number.
    pub fn get(self) -> u16 {
        self.0
    }

    /// Zero-padded 4-digit form of census files (`0007`).
    pub fn padded(self) -> String {
        format!("{:04}", self.0)
    }
}

impl FromStr for Subalterno {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Subalterno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

serde_via_str!(Subalterno, "a subalterno between 1 and 9999");

/// Parses a non-negative integer written with optional zero padding; at most 9 significant
/// digits so the value always fits.
pub(crate) fn parse_padded_number(kind: &'static str, input: &str) -> Result<u32, ModelError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ModelError::syntax(kind, input, "empty"));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ModelError::syntax(kind, input, "only digits are allowed"));
    }
    let significant = s.trim_start_matches('0');
    if significant.len() > 9 {
        return Err(ModelError::syntax(kind, input, "too many digits"));
    }
    Ok(significant.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_and_parcel_number_are_inline() {
        assert!(size_of::<Option<Sezione>>() <= 4);
        assert!(size_of::<Particella>() <= PARTICELLA_MAX_LEN);
    }

    #[test]
    fn inline_texts_order_hash_and_show_as_their_text() {
        use std::hash::BuildHasher;
        let texts = ["1", "10", "101", "101A", "11", "2", "A", "STRADA001"];
        let mut parsed: Vec<Particella> = texts.iter().rev().map(|t| t.parse().unwrap()).collect();
        parsed.sort();
        let back: Vec<&str> = parsed.iter().map(Particella::as_str).collect();
        assert_eq!(back, texts);
        let state = std::collections::hash_map::RandomState::new();
        let p = Particella::parse("0101a").unwrap();
        assert_eq!(state.hash_one(&p), state.hash_one("101A"));
        assert_eq!(format!("{p:?}"), r#"Particella("101A")"#);
        let s = Sezione::parse("a1").unwrap();
        assert_eq!(state.hash_one(&s), state.hash_one("A1"));
        assert_eq!(format!("{s:?}"), r#"Sezione("A1")"#);
        assert!(Sezione::parse("A").unwrap() < s && s < Sezione::parse("B").unwrap());
        assert_eq!(Sezione::parse("ABC").unwrap().as_str(), "ABC");
        assert_eq!(
            Particella::parse("1234567890").unwrap().as_str(),
            "1234567890"
        );
    }

    #[test]
    fn sezione() {
        assert_eq!(Sezione::parse_optional("").unwrap(), None);
        assert_eq!(Sezione::parse_optional(" ").unwrap(), None);
        assert_eq!(Sezione::parse_optional("_").unwrap(), None);
        let b = Sezione::parse_optional("b").unwrap().unwrap();
        assert_eq!(b.as_str(), "B");
        assert!(b.is_census_section());
        let urban = Sezione::parse("A12").unwrap();
        assert!(!urban.is_census_section());
        assert!(Sezione::parse("ABCD").is_err());
        assert!(Sezione::parse("A-").is_err());
        assert!(Sezione::parse("").is_err());
    }

    #[test]
    fn foglio() {
        assert_eq!(Foglio::parse("0012").unwrap().get(), 12);
        assert_eq!(Foglio::parse("12").unwrap().to_string(), "12");
        assert_eq!(Foglio::parse("0856").unwrap().padded(), "0856");
        assert_eq!(Foglio::parse("9999").unwrap().get(), 9999);
        for bad in ["", "0", "0000", "10000", "12A", "-1", "1 2"] {
            assert!(Foglio::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Foglio::new(0).is_err());
        assert_eq!(
            Foglio::parse("0").unwrap_err().to_string(),
            "foglio 0: must be between 1 and 9999"
        );
    }

    #[test]
    fn particella() {
        assert_eq!(Particella::parse("00101").unwrap().as_str(), "101");
        assert_eq!(Particella::parse("101").unwrap().census_padded(), "00101");
        assert_eq!(Particella::parse("0101a").unwrap().as_str(), "101A");
        assert_eq!(Particella::parse("A").unwrap().census_padded(), "A");
        assert_eq!(
            Particella::parse("STRADA001").unwrap().as_str(),
            "STRADA001"
        );
        assert_eq!(Particella::parse("1298").unwrap().number(), Some(1298));
        assert_eq!(Particella::parse("A").unwrap().number(), None);
        for bad in ["", "0", "000", "10/1", "1 2", "12345678901", "é1"] {
            assert!(Particella::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn subalterno() {
        assert_eq!(
            Subalterno::parse_optional("0007").unwrap().unwrap().get(),
            7
        );
        assert_eq!(Subalterno::parse_optional("0").unwrap(), None);
        assert_eq!(Subalterno::parse_optional("0000").unwrap(), None);
        assert_eq!(Subalterno::parse_optional("").unwrap(), None);
        assert_eq!(Subalterno::parse_optional("   ").unwrap(), None);
        assert_eq!(Subalterno::parse("7").unwrap().padded(), "0007");
        assert!(Subalterno::parse("0").is_err());
        assert!(Subalterno::parse_optional("7A").is_err());
        assert!(Subalterno::parse_optional("10000").is_err());
    }
}
