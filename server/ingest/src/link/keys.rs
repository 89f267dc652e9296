//! Key indexes: map parcels by census identifiers (sheet variant resolution), units by any of
//! their keys (graffati aliases included), by address + internal number and by parcel +
//! internal number.

use std::collections::HashMap;

use segit_model::{
    AddressKey, Belfiore, Foglio, ParcelKey, Particella, PropertyId, Sezione, SheetKey, Unit,
    UnitKey,
};

use super::address::{StreetRegister, normalise_internal};
use super::confidence::{Link, LinkMethod};

/// (Belfiore, census section, foglio, particella): a parcel without its sheet variant.
type ParcelNumber = (Belfiore, Option<Sezione>, Foglio, Particella);

/// The parcels of the maps (CXF, GML), found from census identifiers, which lack the annex and
/// development letters of the sheet (censuario.md §9): the variant holding the parcel number
/// is the one chosen; when several hold it, the main sheet (no annex, no development) is
/// preferred, else the first in key order.
#[derive(Debug, Default)]
pub struct ParcelIndex {
    by_number: HashMap<ParcelNumber, Vec<ParcelKey>>,
}

impl ParcelIndex {
    /// Indexes the map parcels `keys`.
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a ParcelKey>) -> Self {
        let mut by_number: HashMap<ParcelNumber, Vec<ParcelKey>> = HashMap::new();
        for key in keys {
            let sheet = key.sheet();
            let number = (
                sheet.belfiore(),
                sheet.section().cloned(),
                sheet.foglio(),
                key.particella().clone(),
            );
            let list = by_number.entry(number).or_default();
            if !list.contains(key) {
                list.push(key.clone());
            }
        }
        for list in by_number.values_mut() {
            list.sort_by_key(|k| {
                let main = k.sheet().annex().is_none() && k.sheet().development().is_none();
                (!main, k.clone())
            });
        }
        Self { by_number }
    }

    /// Whether the maps hold `key`.
    pub fn contains(&self, key: &ParcelKey) -> bool {
        let sheet = key.sheet();
        self.by_number
            .get(&(
                sheet.belfiore(),
                sheet.section().cloned(),
                sheet.foglio(),
                key.particella().clone(),
            ))
            .is_some_and(|l| l.contains(key))
    }

    /// The parcel of census identifiers: a map parcel when the maps hold it (linked by key),
    /// else the key on the main sheet (not linked). The census section maps to the map section
    /// only when it is one letter (the usual "both empty" case included); otherwise no key can
    /// be built [U: a per-municipality table would be needed].
    pub fn resolve(
        &self,
        belfiore: Belfiore,
        section: Option<&Sezione>,
        foglio: Foglio,
        particella: &Particella,
    ) -> (Option<ParcelKey>, Option<LinkMethod>) {
        let number = (belfiore, section.cloned(), foglio, particella.clone());
        if let Some(found) = self.by_number.get(&number).and_then(|l| l.first()) {
            return (Some(found.clone()), Some(LinkMethod::SourceKey));
        }
        let key = SheetKey::new(belfiore, section.cloned(), foglio, None, None)
            .ok()
            .map(|s| s.parcel(particella.clone()));
        (key, None)
    }

    /// The parcel of a unit key.
    pub fn resolve_unit(&self, key: &UnitKey) -> (Option<ParcelKey>, Option<LinkMethod>) {
        self.resolve(
            key.belfiore(),
            key.section(),
            key.foglio(),
            key.particella(),
        )
    }
}

/// The units of the supply, found by any of their keys.
#[derive(Debug, Default)]
pub struct UnitIndex {
    canonical: Vec<Option<UnitKey>>,
    by_key: HashMap<UnitKey, (usize, bool)>,
    by_property: HashMap<PropertyId, usize>,
    by_address: HashMap<(AddressKey, String), Vec<usize>>,
    by_parcel: HashMap<(UnitKey, String), Vec<usize>>,
}

impl UnitIndex {
    /// Indexes `units`; addresses of their latest states are resolved through `streets`.
    pub fn new<'a>(units: impl IntoIterator<Item = &'a Unit>, streets: &StreetRegister) -> Self {
        let mut index = Self::default();
        for (i, unit) in units.into_iter().enumerate() {
            let canonical = unit.canonical_key().cloned();
            for state in &unit.states {
                for key in state.identifiers.iter() {
                    let is_canonical = Some(key) == canonical.as_ref();
                    let entry = index.by_key.entry(key.clone()).or_insert((i, is_canonical));
                    if is_canonical {
                        *entry = (i, true);
                    }
                }
            }
            index.by_property.entry(unit.property.clone()).or_insert(i);
            if let Some(state) = unit.latest_state()
                && let Some(internal) = normalise_internal(state.internal.as_deref())
            {
                if let Some(address) = state
                    .current_address()
                    .and_then(|a| streets.resolve_cadastral(a))
                {
                    index
                        .by_address
                        .entry((address.key, internal.clone()))
                        .or_default()
                        .push(i);
                }
                for key in state.identifiers.iter() {
                    let list = index
                        .by_parcel
                        .entry((key.without_subalterno(), internal.clone()))
                        .or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
            index.canonical.push(canonical);
        }
        index
    }

    /// The canonical key of the unit at position `i`.
    pub fn canonical(&self, i: usize) -> Option<&UnitKey> {
        self.canonical.get(i).and_then(Option::as_ref)
    }

    /// The unit of a property id (TIT → FAB).
    pub fn by_property(&self, property: &PropertyId) -> Option<usize> {
        self.by_property.get(property).copied()
    }

    /// Links a record to a unit (rules-catalogue.md "Linking to a unit"): by unit key or alias;
    /// else, for a key without subalterno, by parcel + internal number; else by address key +
    /// non-empty internal number. A match must be unique. An address without an internal
    /// number never links to a unit.
    pub fn link(
        &self,
        key: Option<&UnitKey>,
        address: Option<&AddressKey>,
        internal: Option<&str>,
    ) -> Option<Link<usize>> {
        if let Some(key) = key
            && let Some(&(i, canonical)) = self.by_key.get(key)
        {
            let method = if canonical {
                LinkMethod::UnitKey
            } else {
                LinkMethod::UnitAlias
            };
            return Some(Link::new(i, method));
        }
        let internal = normalise_internal(internal)?;
        if let Some(key) = key.filter(|k| k.subalterno().is_none())
            && let Some([i]) = self
                .by_parcel
                .get(&(key.clone(), internal.clone()))
                .map(Vec::as_slice)
        {
            return Some(Link::new(*i, LinkMethod::ParcelInternal));
        }
        match self
            .by_address
            .get(&(address?.clone(), internal))
            .map(Vec::as_slice)
        {
            Some([i]) => Some(Link::new(*i, LinkMethod::AddressInternal)),
            _ => None,
        }
    }
}
