//! The address key: `<Belfiore>/<street code>/<house number>/<suffix>` (identifiers.md §2),
//! e.g. `F205/2040/12/B`, or `F205/2040/12/` without suffix. It identifies a house number
//! (a building entrance), never a unit.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::Belfiore;
use super::cadastral::{inline_ascii, inline_str, parse_padded_number};
use super::serde_str::serde_via_str;
use crate::ModelError;

/// Longest house-number suffix (*esponente*) accepted (`BIS`, `TER`, `A`…).
const SUFFIX_MAX_LEN: usize = 8;

/// An address key: municipality, municipal street code (street register), house number
/// (integer ≥ 1) and optional upper-case suffix (*esponente*).
///
/// The suffix is stored inline (its ASCII bytes zero-padded to 8, all zeros when there is
/// none): no allocation per key. Keys compare, hash and show as with the suffix an
/// `Option<&str>` (no suffix first, then the suffixes in text order).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AddressKey {
    belfiore: Belfiore,
    street_code: u32,
    number: u32,
    suffix: [u8; SUFFIX_MAX_LEN],
}

impl AddressKey {
    /// Builds an address key; the suffix is trimmed and upper-cased, an empty one means none.
    /// It must be 1 to 8 letters or digits.
    pub fn new(
        belfiore: Belfiore,
        street_code: u32,
        number: u32,
        suffix: Option<&str>,
    ) -> Result<Self, ModelError> {
        if number == 0 {
            return Err(ModelError::syntax(
                "address key",
                &number.to_string(),
                "house number must be at least 1",
            ));
        }
        let suffix = match suffix.map(str::trim) {
            None | Some("") => [0; SUFFIX_MAX_LEN],
            Some(s) => parse_suffix(s, s)?,
        };
        Ok(Self {
            belfiore,
            street_code,
            number,
            suffix,
        })
    }

    /// Parses the written form (always three `/`); zero padding of numbers is accepted.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        const KIND: &str = "address key";
        let s = input.trim();
        let parts: Vec<&str> = s.split('/').collect();
        if parts.len() != 4 {
            return Err(ModelError::syntax(
                KIND,
                input,
                format!("expected 4 parts separated by /, found {}", parts.len()),
            ));
        }
        let part = |e: ModelError, what: &str| match e {
            ModelError::Syntax { reason, .. } => {
                ModelError::syntax(KIND, input, format!("{what}: {reason}"))
            }
            other => other,
        };
        let belfiore = Belfiore::parse(parts[0]).map_err(|e| part(e, "Belfiore code"))?;
        let street_code =
            parse_padded_number("street code", parts[1]).map_err(|e| part(e, "street code"))?;
        let number =
            parse_padded_number("house number", parts[2]).map_err(|e| part(e, "house number"))?;
        if number == 0 {
            return Err(ModelError::syntax(
                KIND,
                input,
                "house number must be at least 1",
            ));
        }
        let suffix = match parts[3].trim() {
            "" => [0; SUFFIX_MAX_LEN],
            sfx => parse_suffix(sfx, input)?,
        };
        Ok(Self {
            belfiore,
            street_code,
            number,
            suffix,
        })
    }

    /// Municipality.
    pub fn belfiore(&self) -> Belfiore {
        self.belfiore
    }

    /// Municipal street code of the street register.
    pub fn street_code(&self) -> u32 {
        self.street_code
    }

    /// House number.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// Suffix (*esponente*), `None` when the number has none.
    pub fn suffix(&self) -> Option<&str> {
        Some(inline_str(&self.suffix)).filter(|s| !s.is_empty())
    }
}

/// A non-empty suffix, upper-cased, inline.
fn parse_suffix(s: &str, input: &str) -> Result<[u8; SUFFIX_MAX_LEN], ModelError> {
    if s.len() > SUFFIX_MAX_LEN || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ModelError::syntax(
            "address key",
            input,
            "suffix must be 1 to 8 letters or digits",
        ));
    }
    Ok(inline_ascii(&s.to_ascii_uppercase()))
}

impl Hash for AddressKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.belfiore.hash(state);
        self.street_code.hash(state);
        self.number.hash(state);
        self.suffix().hash(state);
    }
}

impl fmt::Debug for AddressKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddressKey")
            .field("belfiore", &self.belfiore)
            .field("street_code", &self.street_code)
            .field("number", &self.number)
            .field("suffix", &self.suffix())
            .finish()
    }
}

impl FromStr for AddressKey {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for AddressKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.belfiore,
            self.street_code,
            self.number,
            self.suffix().unwrap_or("")
        )
    }
}

serde_via_str!(AddressKey, "an address key such as F205/2040/12/B");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_key_is_inline() {
        assert!(size_of::<AddressKey>() <= 20, "{}", size_of::<AddressKey>());
    }

    #[test]
    fn keys_order_hash_and_show_as_with_an_optional_suffix() {
        use std::hash::BuildHasher;
        let texts = [
            "F205/2040/12/",
            "F205/2040/12/A",
            "F205/2040/12/AB",
            "F205/2040/12/B",
            "F205/2040/12/BIS",
            "F205/2040/13/",
        ];
        let mut keys: Vec<AddressKey> = texts.iter().rev().map(|t| t.parse().unwrap()).collect();
        keys.sort();
        let back: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(back, texts);
        let k = AddressKey::parse("F205/2040/12/bis").unwrap();
        let state = std::collections::hash_map::RandomState::new();
        // hashed as the fields in order, the suffix an `Option<&str>` (a tuple hashes its
        // elements in order)
        let as_written = (k.belfiore(), 2040u32, 12u32, Some("BIS"));
        assert_eq!(state.hash_one(&k), state.hash_one(as_written));
        assert_eq!(
            format!("{k:?}"),
            r#"AddressKey { belfiore: Belfiore([70, 50, 48, 53]), street_code: 2040, number: 12, suffix: Some("BIS") }"#
        );
        assert_eq!(
            AddressKey::parse("F205/1/1/ABCDEFGH").unwrap().suffix(),
            Some("ABCDEFGH")
        );
    }

    #[test]
    fn documented_examples() {
        let k = AddressKey::parse("F205/2040/12/B").unwrap();
        assert_eq!(
            (
                k.belfiore().as_str(),
                k.street_code(),
                k.number(),
                k.suffix()
            ),
            ("F205", 2040, 12, Some("B"))
        );
        assert_eq!(k.to_string(), "F205/2040/12/B");
        let plain = AddressKey::parse("F205/2040/12/").unwrap();
        assert_eq!(plain.suffix(), None);
        assert_eq!(plain.to_string(), "F205/2040/12/");
    }

    #[test]
    fn normalises() {
        assert_eq!(
            AddressKey::parse("f205/02040/000012/bis")
                .unwrap()
                .to_string(),
            "F205/2040/12/BIS"
        );
        let b = Belfiore::parse("F205").unwrap();
        assert_eq!(
            AddressKey::new(b, 2040, 12, Some(" a "))
                .unwrap()
                .to_string(),
            "F205/2040/12/A"
        );
        assert_eq!(
            AddressKey::new(b, 2040, 12, Some("")).unwrap().suffix(),
            None
        );
        assert!(AddressKey::new(b, 2040, 0, None).is_err());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "F205/2040/12",
            "F205/2040/12/B/",
            "F205//12/",
            "F205/2040/0/",
            "F205/2040/12A/",
            "F205/2040/12/B-1",
            "F205/x/12/",
        ] {
            assert!(AddressKey::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
