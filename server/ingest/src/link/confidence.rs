//! Match confidences of the joins (rules-catalogue.md "Join confidence (defaults)") and the
//! methods a link was found by.

use std::fmt;

use serde::Serialize;

/// Exact `unit_key` (foglio, particella, sub), canonical or graffato alias.
pub const EXACT_UNIT_KEY: f64 = 1.0;
/// `parcel_key` + internal number/floor from the address.
pub const PARCEL_AND_INTERNAL: f64 = 0.8;
/// `address_key` + internal number.
pub const ADDRESS_AND_INTERNAL: f64 = 0.7;
/// `address_key` only (building level).
pub const ADDRESS_ONLY: f64 = 0.4;
/// Person by validated codice fiscale (an invalid one joins only the identical string).
pub const PERSON_CF: f64 = 1.0;
/// Person by name and birth date only.
pub const PERSON_NAME_BIRTH: f64 = 0.6;
/// Spatial: building footprint ∩ parcel ≥ 50 % of the footprint area.
pub const SPATIAL_FOOTPRINT: f64 = 0.9;
/// Share of the footprint area that must fall in the parcel for a spatial link.
pub const SPATIAL_MIN_SHARE: f64 = 0.5;
/// Keys of the same supply (TIT → FAB property id, TIT → SOG subject id, CXF `nnn+` host code):
/// an identifier given by the source itself, as exact as a unit key.
pub const SOURCE_KEY: f64 = 1.0;

/// How a link was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMethod {
    /// the canonical unit key
    UnitKey,
    /// a graffato alias of the unit
    UnitAlias,
    /// parcel key + internal number
    ParcelInternal,
    /// address key + internal number
    AddressInternal,
    /// address key only
    AddressOnly,
    /// codice fiscale
    CodiceFiscale,
    /// name and birth date
    NameBirth,
    /// footprint in parcel
    Spatial,
    /// identifier given by the source (property id, subject id, CXF host code)
    SourceKey,
    /// street register: the Agenzia's street code (c. 647 alignment)
    StreetCode,
    /// street register: street type + name
    StreetName,
}

impl LinkMethod {
    /// The confidence of a link found this way.
    pub fn confidence(self) -> f64 {
        match self {
            Self::UnitKey | Self::UnitAlias => EXACT_UNIT_KEY,
            Self::ParcelInternal => PARCEL_AND_INTERNAL,
            Self::AddressInternal => ADDRESS_AND_INTERNAL,
            Self::AddressOnly => ADDRESS_ONLY,
            Self::CodiceFiscale => PERSON_CF,
            Self::NameBirth => PERSON_NAME_BIRTH,
            Self::Spatial => SPATIAL_FOOTPRINT,
            Self::SourceKey | Self::StreetCode | Self::StreetName => SOURCE_KEY,
        }
    }

    /// Name in reports and in the `*_link` properties.
    pub fn name(self) -> &'static str {
        match self {
            Self::UnitKey => "unit_key",
            Self::UnitAlias => "unit_alias",
            Self::ParcelInternal => "parcel_internal",
            Self::AddressInternal => "address_internal",
            Self::AddressOnly => "address_only",
            Self::CodiceFiscale => "codice_fiscale",
            Self::NameBirth => "name_birth",
            Self::Spatial => "spatial",
            Self::SourceKey => "source_key",
            Self::StreetCode => "street_code",
            Self::StreetName => "street_name",
        }
    }
}

impl fmt::Display for LinkMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A link to one target, with how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Link<T> {
    /// the target
    pub target: T,
    /// how
    pub method: LinkMethod,
}

impl<T> Link<T> {
    /// A link found by `method`.
    pub fn new(target: T, method: LinkMethod) -> Self {
        Self { target, method }
    }

    /// Its confidence.
    pub fn confidence(&self) -> f64 {
        self.method.confidence()
    }
}
