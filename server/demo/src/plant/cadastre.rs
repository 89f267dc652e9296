//! Shared helpers of the cadastral plantings (Q02–Q06, R02–R08): dedicated units added to
//! existing parcels, the parcels no planting or building uses, and the *unit on a parcel*
//! definition of the catalogue (§0) restated on the generator's entities.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::entities::{Category, Holding, SubjectRef, Unit, UnitState};
use crate::{Municipality, ParcelUse};

/// Units by host parcel index, and whether a parcel hosts a building footprint.
pub(crate) struct ParcelIndex {
    units: Vec<Vec<usize>>,
    built: Vec<bool>,
}

impl ParcelIndex {
    /// Indexes the units and buildings of `town` by parcel.
    pub(crate) fn new(town: &Municipality) -> Self {
        let by_key: BTreeMap<(u32, &str), usize> = town
            .parcels
            .iter()
            .enumerate()
            .map(|(i, p)| ((p.foglio, p.particella.as_str()), i))
            .collect();
        let mut units = vec![Vec::new(); town.parcels.len()];
        for (i, u) in town.units.iter().enumerate() {
            if let Some(&p) = by_key.get(&(u.foglio, u.particella.as_str())) {
                units[p].push(i);
            }
        }
        let keys: BTreeMap<&str, usize> = town
            .parcels
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.as_str(), i))
            .collect();
        let mut built = vec![false; town.parcels.len()];
        for b in &town.buildings {
            if let Some(&p) = keys.get(b.parcel_key.as_str()) {
                built[p] = true;
            }
        }
        Self { units, built }
    }

    /// Units identified on parcel `p` (any state).
    pub(crate) fn units(&self, p: usize) -> &[usize] {
        &self.units[p]
    }

    /// Units on parcel `p` whose state is valid on `d`.
    pub(crate) fn units_on(&self, town: &Municipality, p: usize, d: NaiveDate) -> Vec<usize> {
        self.units[p]
            .iter()
            .copied()
            .filter(|&u| town.units[u].state_at(d).is_some())
            .collect()
    }

    /// Whether parcel `p` hosts a building footprint.
    pub(crate) fn built(&self, p: usize) -> bool {
        self.built[p]
    }
}

/// Agricultural parcels without buildings and units, in parcel order: land a planting can
/// use without touching any building rule. `skip` of them are passed over (so that two
/// plantings pick different parcels).
pub(crate) fn bare_agricultural(town: &Municipality, skip: usize, n: usize) -> Vec<usize> {
    let ix = ParcelIndex::new(town);
    (0..town.parcels.len())
        .filter(|&p| town.parcels[p].usage == ParcelUse::Agricultural)
        .filter(|&p| !ix.built(p) && ix.units(p).is_empty())
        .skip(skip)
        .take(n)
        .collect()
}

/// Urban parcels hosting a building with units, in parcel order, `skip` of them passed over.
pub(crate) fn built_urban(town: &Municipality, skip: usize, n: usize) -> Vec<usize> {
    let ix = ParcelIndex::new(town);
    (0..town.parcels.len())
        .filter(|&p| town.parcels[p].usage == ParcelUse::Urban)
        .filter(|&p| ix.built(p) && !ix.units(p).is_empty())
        .skip(skip)
        .take(n)
        .collect()
}

/// A state of a unit of group F (no class, rent or surface), valid from `from`.
pub(crate) fn f_state(category: Category, from: NaiveDate, cause: &'static str) -> UnitState {
    UnitState {
        progressive: 1,
        category,
        class: None,
        consistency: None,
        rent: None,
        surface_m2: None,
        surface_excl_m2: None,
        valid_from: from,
        valid_to: None,
        cause,
    }
}

/// Adds a unit with `states` on parcel `p` (host building `building`, no address, ground
/// floor), as the next subalterno of the parcel and the next property id of the town, owned
/// by the municipality (right 10, 1/1) from its first state; returns its index.
pub(crate) fn add_unit(
    town: &mut Municipality,
    p: usize,
    building: Option<usize>,
    states: Vec<UnitState>,
) -> usize {
    let from = states.first().map(|s| s.valid_from);
    let u = add_unit_without_holders(town, p, building, states);
    let comune = town
        .entities
        .iter()
        .position(|e| e.name.starts_with("COMUNE DI"))
        .unwrap_or(0);
    if let Some(from) = from {
        add_holding(town, u, SubjectRef::Entity(comune), (1, 1), from);
    }
    u
}

/// Adds a holding in ownership (right 10) of `share` of unit `u` by `subject` from `from`.
pub(crate) fn add_holding(
    town: &mut Municipality,
    u: usize,
    subject: SubjectRef,
    share: (u32, u32),
    from: NaiveDate,
) {
    let id = town.holdings.iter().map(|h| h.id).max().unwrap_or(0) + 1;
    town.holdings.push(Holding {
        id,
        unit: u,
        subject,
        right: "10",
        share_num: share.0,
        share_den: share.1,
        valid_from: from,
        valid_to: None,
    });
}

/// [`add_unit`] without any holder.
pub(crate) fn add_unit_without_holders(
    town: &mut Municipality,
    p: usize,
    building: Option<usize>,
    states: Vec<UnitState>,
) -> usize {
    let parcel = &town.parcels[p];
    // the units of the parcel as [`ParcelIndex`] assigns them: by sheet and number, to the
    // last parcel of that sheet and number
    let same = |f: u32, n: &str| f == parcel.foglio && n == parcel.particella;
    let last = town
        .parcels
        .iter()
        .rposition(|q| same(q.foglio, &q.particella));
    let sub = if last == Some(p) {
        town.units
            .iter()
            .filter(|u| same(u.foglio, &u.particella))
            .map(|u| u.subalterno)
            .max()
            .unwrap_or(0)
    } else {
        0
    } + 1;
    let property_id = town
        .units
        .iter()
        .map(|u| u.property_id)
        .max()
        .unwrap_or(1_000_000)
        + 1;
    let unit = Unit {
        key: format!(
            "{}//{}/{}/{sub}",
            town.belfiore, parcel.foglio, parcel.particella
        ),
        property_id,
        foglio: parcel.foglio,
        particella: parcel.particella.clone(),
        subalterno: sub,
        parcel_key: parcel.key.clone(),
        parcel: p,
        building,
        address_key: None,
        staircase: None,
        floor: "T".to_owned(),
        internal: None,
        states,
    };
    town.units.push(unit);
    town.units.len() - 1
}

/// The first building on parcel `p`.
pub(crate) fn building_of(town: &Municipality, p: usize) -> Option<usize> {
    let key = &town.parcels[p].key;
    town.buildings.iter().position(|b| b.parcel_key == *key)
}
