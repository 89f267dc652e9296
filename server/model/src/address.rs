//! Addresses of the municipal sources: an [`AddressKey`] (street code, house number, suffix)
//! with staircase, floor and internal number carried beside it (identifiers.md §2).

use serde::{Deserialize, Serialize};

use crate::ids::AddressKey;

/// An address with its in-building details. The key alone identifies a house number (a
/// building entrance); the key with a non-empty internal number identifies a unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Address {
    /// Municipality, street code, house number and suffix.
    pub key: AddressKey,
    /// Staircase (*scala*).
    pub staircase: Option<String>,
    /// Floor, as in FAB (`T`, `1`, `S1`…).
    pub floor: Option<String>,
    /// Internal number (*interno*).
    pub internal: Option<String>,
}

impl Address {
    /// An address with only its key.
    pub fn at(key: AddressKey) -> Self {
        Self {
            key,
            staircase: None,
            floor: None,
            internal: None,
        }
    }

    /// Municipal street code.
    pub fn street_code(&self) -> u32 {
        self.key.street_code()
    }

    /// House number.
    pub fn house_number(&self) -> u32 {
        self.key.number()
    }

    /// Suffix (*esponente*).
    pub fn suffix(&self) -> Option<&str> {
        self.key.suffix()
    }

    /// The internal number when non-empty (blanks trimmed).
    pub fn internal(&self) -> Option<&str> {
        self.internal
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// True when the address identifies a unit: it has a non-empty internal number.
    pub fn identifies_unit(&self) -> bool {
        self.internal().is_some()
    }

    /// The unit-level link key (`address_key`, internal), when the address identifies a unit.
    pub fn unit_link(&self) -> Option<(&AddressKey, &str)> {
        self.internal().map(|i| (&self.key, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_identification_needs_internal() {
        let key = AddressKey::parse("F205/2040/12/B").unwrap();
        let mut a = Address::at(key.clone());
        assert!(!a.identifies_unit());
        a.internal = Some("  ".into());
        assert!(!a.identifies_unit());
        a.internal = Some(" 12 ".into());
        assert_eq!(a.unit_link(), Some((&key, "12")));
        assert_eq!(
            (a.street_code(), a.house_number(), a.suffix()),
            (2040, 12, Some("B"))
        );
    }
}
