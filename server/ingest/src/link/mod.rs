//! Normalisation and linking of the supply into the integrated model (identifiers.md §2,
//! censuario.md §9, rules-catalogue.md "Join confidence" and "Linking to a unit").
//!
//! - [`address`]: street names normalised (case, accents, abbreviations, padding, suffixes) and
//!   matched to the street register.
//! - [`keys`]: map parcels from census identifiers.
//! - [`units`]: units by unit key, graffati alias, parcel + internal number, address + internal
//!   number; buildings by host parcel.
//! - [`persons`]: subjects by subject id, codice fiscale, or name + birth date.
//! - [`spatial`]: the parcel holding a building footprint.
//! - [`confidence`]: the catalogue's join confidences and the link methods.
//! - [`rates`]: link rates per source for the report.
//!
//! [`Linker`] holds the indexes of one supply over the store's current content; the publishing
//! code asks it for every link and counts the outcome in [`LinkRates`].

pub mod address;
pub mod confidence;
mod features;
pub mod keys;
pub mod persons;
pub mod rates;
pub mod spatial;
pub mod units;

use std::collections::HashMap;

use segit_model::{Belfiore, ParcelKey, Street};

pub use address::{ResolvedAddress, StreetRegister, normalise_internal, normalise_name};
pub use confidence::{Link, LinkMethod};
pub use keys::ParcelIndex;
pub use persons::{PersonIndex, PersonIndexBuilder};
pub use rates::{LinkRate, LinkRates};
pub use spatial::ParcelGrid;
pub use units::{BuildingIndex, UnitIndex, UnitIndexBuilder};

/// The indexes one supply links against: the street register, the map parcels, the units,
/// the buildings and the subjects (this supply's, over the store's current ones).
#[derive(Debug, Default)]
pub struct Linker {
    /// the street register
    pub streets: StreetRegister,
    /// the map parcels
    pub parcels: ParcelIndex,
    /// the units
    pub units: UnitIndex,
    /// the buildings by host parcel
    pub buildings: BuildingIndex,
    /// the subjects
    pub persons: PersonIndex,
    /// the parcel key of each land-cadastre property (`Belfiore/section/id/T`), latest state
    pub land: HashMap<String, String>,
}

impl Linker {
    /// The street register and map parcels; units, buildings and subjects are added once
    /// their features are built.
    pub fn new<'a>(
        belfiore: Option<Belfiore>,
        streets: impl IntoIterator<Item = &'a Street>,
        map_parcels: impl IntoIterator<Item = &'a ParcelKey>,
    ) -> Self {
        Self {
            streets: StreetRegister::new(belfiore, streets),
            parcels: ParcelIndex::new(map_parcels),
            ..Self::default()
        }
    }
}
