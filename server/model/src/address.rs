//! Addresses of the municipal sources: an [`AddressKey`] (street code, house number, suffix)
//! with staircase, floor and internal number carried beside it (identifiers.md §2).

use serde::{Deserialize, Serialize};

use crate::ids::{AddressKey, ParcelKey};

/// An address with its in-building details. The key alone identifies a house number (a
/// building entrance); the key with a non-empty internal number identifies a unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Address {
    /// Municipality, street code, house number and suffix.
    pub key: AddressKey,
    /// Staircase (*scala*).
    pub staircase: Option<Box<str>>,
    /// Floor, as in FAB (`T`, `1`, `S1`…).
    pub floor: Option<Box<str>>,
    /// Internal number (*interno*).
    pub internal: Option<Box<str>>,
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

/// A street of the municipal street register (a row of `streets.csv`), with the alignment
/// to the Agenzia's FAB street codes (L. 147/2013 c. 647).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Street {
    /// Municipal street code (the one inside `address_key`).
    pub street_code: u32,
    /// Generic street type in full (`VIA`, `VIALE`…).
    pub dug: String,
    /// Official name, upper case, accents kept.
    pub duf: String,
    /// `<dug> <duf>`.
    pub full_name: String,
    /// The Agenzia's street-type code of FAB type 3.
    pub cadastral_toponimo: Option<u16>,
    /// The Agenzia's street code of FAB type 3, as written (5 digits).
    pub cadastral_street_code: Option<String>,
}

/// A house-number point of `house_numbers.geojson` (attributes; the point is with the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseNumber {
    /// Address key of the entrance.
    pub address_key: AddressKey,
    /// Parcel the entrance serves.
    pub parcel_key: Option<ParcelKey>,
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
