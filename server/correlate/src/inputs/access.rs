//! Read access to the snapshot's indexes: units on parcels, TER states, links of the
//! municipal registers to units, codes, addresses and geometries.

use std::collections::BTreeSet;
use std::fmt::Write;

use chrono::NaiveDate;
use hmac::{Hmac, KeyInit, Mac};
use segit_model::{
    AddressKey, Belfiore, FabSpecialAccount, ParcelKey, ParcelState, PropertyId, SubjectId, TaxId,
    UnitKey,
};
use sha2::Sha256;

use super::compact::Rows;
use super::index::{Inputs, UnitAddress, UnitLink};
use super::spatial::ParcelIndex;
use super::{Source, Utilities};

impl Inputs {
    /// The sources not supplied, in [`Source::ALL`] order.
    pub fn missing_sources(&self) -> Vec<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| !self.data.has(*s))
            .collect()
    }

    /// The supplied sources.
    pub fn supplied_sources(&self) -> BTreeSet<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| self.data.has(*s))
            .collect()
    }

    /// Frees a source the rules left to run do not read, with its indexes: the utility rows
    /// ([`Source::Utilities`]), the F24 payments ([`Source::F24`]), the IMU declarations
    /// ([`Source::ImuDeclarations`]) or the transfer deeds ([`Source::Deeds`]); it counts as
    /// supplied no longer ([`Inputs::supplied_sources`]). False, and nothing freed, for the
    /// other sources and while the raw data is shared (an `Arc` clone of [`Inputs::data`]).
    pub fn release(&mut self, source: Source) -> bool {
        let Some(data) = std::sync::Arc::get_mut(&mut self.data) else {
            return false;
        };
        match source {
            Source::Utilities => {
                data.utilities = None;
                self.utility_links = super::compact::OptLinks::default();
                self.utilities_by_unit = super::compact::ByUnit::default();
            }
            Source::Deeds => data.deeds = None,
            Source::ImuDeclarations => {
                data.imu_declarations = None;
                self.declarations_by_code = super::compact::ByCode::default();
            }
            Source::F24 => {
                data.f24 = None;
                self.f24_by_payer = super::compact::ByCode::default();
            }
            _ => return false,
        }
        true
    }

    /// The sources [`Inputs::release`] frees, in the order a staged run releases them.
    pub const RELEASABLE: [Source; 4] = [
        Source::Deeds,
        Source::ImuDeclarations,
        Source::F24,
        Source::Utilities,
    ];

    /// Municipality of the snapshot.
    pub fn comune(&self) -> Option<Belfiore> {
        self.comune
    }

    /// Pseudonym of a person code: HMAC-SHA-256 of the code as written (upper case, trimmed),
    /// truncated to 16 hex characters (identifiers.md §5).
    pub fn pseudonym(&self, code: &TaxId) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.pseudonym_key) else {
            return String::new();
        };
        mac.update(code.as_written().as_bytes());
        let bytes = mac.finalize().into_bytes();
        bytes
            .iter()
            .take(8)
            .fold(String::with_capacity(16), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }

    /// The unit carrying `key` (canonical or alias of any state).
    pub fn unit_index(&self, key: &UnitKey) -> Option<usize> {
        let units = self.data.units.as_deref().unwrap_or_default();
        self.unit_by_key.get(key, |i| units[i].has_key(key)).first()
    }

    /// Units with an identifier group on the parcel `parcel` (unit-key form, any state).
    pub fn units_touching_parcel(&self, parcel: &UnitKey) -> Rows<'_> {
        let units = self.data.units.as_deref().unwrap_or_default();
        let parcel = parcel.without_subalterno();
        self.units_by_parcel.get(&parcel, |i| {
            units[i]
                .states
                .iter()
                .any(|s| s.identifiers.on_parcel(&parcel))
        })
    }

    /// "Units on a parcel" on `date` (catalogue §0): state valid on `date`, not in special
    /// account `A`, with any identifier group on the parcel.
    pub fn units_on_parcel(&self, parcel: &UnitKey, date: NaiveDate) -> Vec<usize> {
        let units = self.data.units.as_deref().unwrap_or_default();
        self.units_touching_parcel(parcel)
            .iter()
            .filter(|&i| {
                units[i].state_at(date).is_some_and(|s| {
                    s.special_account() != Some(FabSpecialAccount::NonTaxableCommonParts)
                        && s.identifiers.on_parcel(parcel)
                })
            })
            .collect()
    }

    /// TER parcels (indices) recorded on the parcel reference.
    pub fn land_parcels_at(&self, parcel: &UnitKey) -> &[usize] {
        self.land_by_parcel
            .get(&parcel.without_subalterno())
            .map_or(&[], Vec::as_slice)
    }

    /// The TER state valid on `date` of the parcel reference.
    pub fn land_state_at(&self, parcel: &UnitKey, date: NaiveDate) -> Option<&ParcelState> {
        let parcels = self.data.land_parcels.as_deref()?;
        self.land_parcels_at(parcel).iter().find_map(|&i| {
            parcels[i]
                .state_at(date)
                .filter(|s| s.foglio == parcel.foglio() && &s.particella == parcel.particella())
        })
    }

    /// Index of the map parcel with this key.
    pub fn map_parcel(&self, key: &ParcelKey) -> Option<usize> {
        self.map_parcel_by_key.get(key).copied()
    }

    /// Map parcels of a parcel reference (any annex/development).
    pub fn map_parcels_at(&self, parcel: &UnitKey) -> &[usize] {
        self.map_parcels_by_ref
            .get(&parcel.without_subalterno())
            .map_or(&[], Vec::as_slice)
    }

    /// The R-tree of the map parcels.
    pub fn parcel_tree(&self) -> &ParcelIndex {
        &self.parcel_tree
    }

    /// Index of the SOG subject with a code of this id (the last one when repeated).
    pub(super) fn subject_index(&self, subject: &SubjectId) -> Option<usize> {
        let subjects = self.data.subjects.as_deref()?;
        self.subject_by_id
            .get(subject, |i| subjects[i].subject_id() == *subject)
            .last()
    }

    /// Codice fiscale of a SOG subject.
    pub fn subject_code(&self, subject: &SubjectId) -> Option<&TaxId> {
        let i = self.subject_index(subject)?;
        self.data.subjects.as_deref()?.get(i)?.tax_code()
    }

    /// TIT holdings of a property.
    pub fn holdings_of(&self, property: &PropertyId) -> Rows<'_> {
        let holdings = self.data.holdings.as_deref().unwrap_or_default();
        self.holdings_by_property
            .get(property, |i| holdings[i].property == *property)
    }

    /// TIT holdings of the property of unit `unit` (what [`Inputs::holdings_of`] gives for
    /// its property id).
    pub fn holdings_of_unit(&self, unit: usize) -> Rows<'_> {
        match self.first_unit_of_property.get(unit) {
            Some(&first) if first != u32::MAX => self.holdings_by_unit.get(first as usize),
            _ => Rows::NONE,
        }
    }

    /// TIT holdings of a person code (as written).
    pub fn holdings_of_code(&self, code: &TaxId) -> Rows<'_> {
        self.holdings_by_cf.get(code, |i| self.holding_code(i))
    }

    /// Codice fiscale of the holder of TIT holding `i` (the code of its SOG subject).
    pub fn holding_code(&self, i: usize) -> Option<&TaxId> {
        let s = *self.holding_subject.get(i)?;
        self.data.subjects.as_deref()?.get(s as usize)?.tax_code()
    }

    /// The FAB unit of the property of TIT holding `i`.
    pub fn holding_unit(&self, i: usize) -> Option<usize> {
        self.holding_unit
            .get(i)
            .filter(|&&u| u != u32::MAX)
            .map(|&u| u as usize)
    }

    /// Every person code holding something, sorted.
    pub fn holder_codes(&self) -> Vec<&TaxId> {
        let mut v: Vec<&TaxId> = self
            .holdings_by_cf
            .firsts()
            .filter_map(|i| self.holding_code(i))
            .collect();
        v.sort();
        v
    }

    /// Every person code holding something, each once, in the order of its first holding
    /// (the order the holdings are stored in: a pass over holders that reads their holdings
    /// and units mostly forwards).
    pub fn holder_codes_by_first_holding(&self) -> Vec<&TaxId> {
        let mut firsts: Vec<usize> = self.holdings_by_cf.firsts().collect();
        firsts.sort_unstable();
        firsts
            .into_iter()
            .filter_map(|i| self.holding_code(i))
            .collect()
    }

    /// Units at an address key + internal.
    pub fn units_at_address(&self, addr: &UnitAddress) -> Rows<'_> {
        let units = self.data.units.as_deref().unwrap_or_default();
        self.units_by_address.get(addr, |i| {
            units[i]
                .states
                .iter()
                .any(|s| self.state_at_address(s, addr))
        })
    }

    /// Unit link of each resident row (same order as `residents`).
    pub fn resident_link(&self, i: usize) -> Option<UnitLink> {
        self.resident_links.get(i)
    }

    /// Resident rows linked to a unit.
    pub fn residents_of_unit(&self, unit: usize) -> Rows<'_> {
        self.residents_by_unit.get(unit)
    }

    /// Resident rows at an address key + internal.
    pub fn residents_at_address(&self, addr: &UnitAddress) -> Rows<'_> {
        let residents = self.data.residents.as_deref().unwrap_or_default();
        self.residents_by_address.get(addr, |i| {
            super::index::resident_at_address(&residents[i], addr)
        })
    }

    /// Unit links of a TARI premises (de-duplicated by unit).
    pub fn tari_links(&self, i: usize) -> &[UnitLink] {
        self.tari_links.get(i)
    }

    /// Address key (text resolved when empty) + internal of a TARI premises.
    pub fn tari_address(&self, i: usize) -> Option<&UnitAddress> {
        self.tari_addresses.get(i).and_then(Option::as_ref)
    }

    /// TARI premises linked to a unit.
    pub fn tari_of_unit(&self, unit: usize) -> Rows<'_> {
        self.tari_by_unit.get(unit)
    }

    /// TARI premises at an address key + internal.
    pub fn tari_at_address(&self, addr: &UnitAddress) -> Rows<'_> {
        self.tari_by_address
            .get(addr, |i| self.tari_address(i) == Some(addr))
    }

    /// TARI premises of a payer code.
    pub fn tari_of_payer(&self, code: &TaxId) -> Rows<'_> {
        let rows = self.data.tari.as_deref().unwrap_or_default();
        self.tari_by_payer
            .get(code, |i| rows.get(i).map(|t| &t.payer))
    }

    /// The utility rows (none when the source is missing).
    pub fn utilities(&self) -> &Utilities {
        static NONE: Utilities = Utilities::new();
        self.data.utilities.as_ref().unwrap_or(&NONE)
    }

    /// Unit link of a utility row.
    pub fn utility_link(&self, i: usize) -> Option<UnitLink> {
        self.utility_links.get(i)
    }

    /// Unit links of a lease.
    pub fn lease_links(&self, i: usize) -> &[UnitLink] {
        self.lease_links.get(i)
    }

    /// Leases on a unit.
    pub fn leases_of_unit(&self, unit: usize) -> Rows<'_> {
        self.leases_by_unit.get(unit)
    }

    /// Cadastral surface row of a unit.
    pub fn surface_of_unit(&self, unit: usize) -> Option<usize> {
        self.surface_by_unit
            .get(unit)
            .filter(|&&i| i != u32::MAX)
            .map(|&i| i as usize)
    }

    /// F24 lines of a payer code.
    pub fn f24_of(&self, code: &TaxId) -> Rows<'_> {
        let rows = self.data.f24.as_deref().unwrap_or_default();
        self.f24_by_payer
            .get(code, |i| rows.get(i).map(|p| &p.payer))
    }

    /// House-number point of an address key.
    pub fn house_number(&self, key: &AddressKey) -> Option<usize> {
        self.house_number_by_key.get(key).copied()
    }

    /// The unit of a property id.
    pub fn unit_of_property(&self, property: &PropertyId) -> Option<usize> {
        let units = self.data.units.as_deref().unwrap_or_default();
        self.unit_by_property
            .get(property, |i| units[i].property == *property)
            .first()
    }

    /// The TER parcel of a property id.
    pub fn land_of_property(&self, property: &PropertyId) -> Option<usize> {
        self.land_by_property.get(property).copied()
    }

    /// Resident rows of a person code (as written).
    pub fn residents_of_code(&self, code: &TaxId) -> Rows<'_> {
        let rows = self.data.residents.as_deref().unwrap_or_default();
        self.residents_by_cf
            .get(code, |i| rows.get(i).map(|r| &r.person))
    }

    /// Utility rows linked to a unit.
    pub fn utilities_of_unit(&self, unit: usize) -> Rows<'_> {
        self.utilities_by_unit.get(unit)
    }

    /// Resident rows of a household (any period).
    pub fn household_rows(&self, household: &str) -> Rows<'_> {
        let residents = self.data.residents.as_deref().unwrap_or_default();
        self.residents_by_household
            .get(household, |i| &*residents[i].household_id == household)
    }

    /// IMU declarations of a declarant code.
    pub fn declarations_of(&self, code: &TaxId) -> Rows<'_> {
        let rows = self.data.imu_declarations.as_deref().unwrap_or_default();
        self.declarations_by_code
            .get(code, |i| rows.get(i).map(|d| &d.declarant))
    }

    /// Topographic footprint by building id.
    pub fn footprint(&self, id: &str) -> Option<usize> {
        self.footprint_by_id.get(id).copied()
    }

    /// CXF building outline by id.
    pub fn outline(&self, id: &str) -> Option<usize> {
        self.outline_by_id.get(id).copied()
    }

    /// The R-tree of the topographic footprints.
    pub fn footprint_tree(&self) -> &ParcelIndex {
        &self.footprint_tree
    }
}
