//! Normalisation and linking of the supply into the integrated model (identifiers.md §2,
//! censuario.md §9, rules-catalogue.md "Join confidence" and "Linking to a unit").
//!
//! - [`address`]: street names normalised (case, accents, abbreviations, padding, suffixes) and
//!   matched to the street register.
//! - [`keys`]: map parcels from census identifiers; units by unit key, graffati alias, parcel +
//!   internal number, address + internal number.
//! - [`spatial`]: the parcel holding a building footprint.
//! - [`confidence`]: the catalogue's join confidences and the link methods.
//! - [`rates`]: link rates per source for the report.
//!
//! [`Linker`] holds the indexes of one supply; the publishing code asks it for every link and
//! counts the outcome in [`LinkRates`].

pub mod address;
pub mod confidence;
pub mod keys;
pub mod rates;
pub mod spatial;

use std::collections::HashMap;

use segit_model::{Belfiore, Street, SubjectData, SubjectId, TaxId, Unit};

pub use address::{ResolvedAddress, StreetRegister, normalise_internal, normalise_name};
pub use confidence::{Link, LinkMethod};
pub use keys::{ParcelIndex, UnitIndex};
pub use rates::{LinkRate, LinkRates};
pub use spatial::ParcelGrid;

use crate::censuario::CensusSubject;

/// The indexes of one supply.
#[derive(Debug, Default)]
pub struct Linker {
    /// the street register
    pub streets: StreetRegister,
    /// the map parcels
    pub parcels: ParcelIndex,
    /// the units
    pub units: UnitIndex,
    subjects_by_id: HashMap<SubjectId, usize>,
    subjects_by_cf: HashMap<String, usize>,
}

impl Linker {
    /// Builds the indexes.
    pub fn new<'a>(
        belfiore: Option<Belfiore>,
        streets: impl IntoIterator<Item = &'a Street>,
        map_parcels: impl IntoIterator<Item = &'a segit_model::ParcelKey>,
        units: impl IntoIterator<Item = &'a Unit>,
        subjects: &[CensusSubject],
    ) -> Self {
        let streets = StreetRegister::new(belfiore, streets);
        let parcels = ParcelIndex::new(map_parcels);
        let units = UnitIndex::new(units, &streets);
        let mut subjects_by_id = HashMap::new();
        let mut subjects_by_cf = HashMap::new();
        for (i, s) in subjects.iter().enumerate() {
            let subject = &s.subject;
            let kind = match subject.data {
                SubjectData::NaturalPerson(_) => segit_model::SubjectKind::NaturalPerson,
                SubjectData::LegalEntity(_) => segit_model::SubjectKind::LegalEntity,
            };
            subjects_by_id
                .entry(SubjectId {
                    belfiore: subject.belfiore,
                    id: subject.id,
                    kind,
                })
                .or_insert(i);
            if let Some(cf) = tax_code(&subject.data) {
                subjects_by_cf
                    .entry(cf.as_written().to_owned())
                    .or_insert(i);
            }
        }
        Self {
            streets,
            parcels,
            units,
            subjects_by_id,
            subjects_by_cf,
        }
    }

    /// The SOG subject of a TIT holding's subject id.
    pub fn subject_by_id(&self, id: &SubjectId) -> Option<Link<usize>> {
        self.subjects_by_id
            .get(id)
            .map(|&i| Link::new(i, LinkMethod::SourceKey))
    }

    /// The SOG subject with codice fiscale (or VAT number) `cf`, compared as written: a valid
    /// code joins with confidence 1.0, an invalid one only with the identical string (Q01).
    pub fn subject_by_cf(&self, cf: &TaxId) -> Option<Link<usize>> {
        self.subjects_by_cf
            .get(cf.as_written())
            .map(|&i| Link::new(i, LinkMethod::CodiceFiscale))
    }
}

/// The tax code of a subject.
pub fn tax_code(data: &SubjectData) -> Option<&TaxId> {
    match data {
        SubjectData::NaturalPerson(p) => p.tax_code.as_ref(),
        SubjectData::LegalEntity(e) => e.tax_code.as_ref(),
    }
}
