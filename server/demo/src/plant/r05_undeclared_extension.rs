//! R05 — Footprint volume versus declared surfaces, undeclared extensions (catalogue §A R05).
//!
//! The generator declares units for the floors of its buildings, but not for outbuildings it
//! leaves undeclared, nor every storey of its larger buildings: wherever the declared surfaces
//! fall below 60 % of the gross floor area the parcel is a case. The recording restates the
//! rule on the generator's entities: per parcel with units on D, the gross floor area is the
//! sum of its topographic footprints' areas times their floors (every footprint lies inside its
//! parcel), the declared area the sum of the total cadastral surfaces (surfaces file) of its
//! units; a case when declared / gross < `ratio_min` = 0.6.
//!
//! Near miss: the parcel with the lowest ratio not below 0.6.

use std::collections::BTreeMap;

use super::cadastre::ParcelIndex;
use super::facts::Facts;
use super::facts::surface_file;
use super::{Expected, Planter, Recording, as_of};
use crate::{Municipality, geom};

/// Recording (and near miss) of every R05 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R05",
    record,
};

const RATIO_MIN: f64 = 0.6;

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let ix = ParcelIndex::new(town);
    let keys: BTreeMap<&str, usize> = town
        .parcels
        .iter()
        .enumerate()
        .map(|(i, x)| (x.key.as_str(), i))
        .collect();
    let mut gross: BTreeMap<usize, f64> = BTreeMap::new();
    for b in &town.buildings {
        let area = geom::area(&b.footprint);
        if area <= 0.0 || b.floors == 0 {
            continue;
        }
        if let Some(&i) = keys.get(b.parcel_key.as_str()) {
            *gross.entry(i).or_default() += area * f64::from(b.floors);
        }
    }
    let mut near: Option<(f64, usize)> = None;
    for (i, gfa) in gross {
        let units = ix.units_on(town, i, d);
        if units.is_empty() {
            continue;
        }
        let declared: f64 = units
            .iter()
            .filter_map(|&u| surface_file(&town.units[u]).map(|(t, _)| f64::from(t)))
            .sum();
        let ratio = declared / gfa;
        if ratio < RATIO_MIN {
            p.report(Expected::parcel(
                &town.parcels[i].key,
                format!("declared {declared} m² of {gfa:.0} m² gross floor area"),
            ));
        } else if near.is_none_or(|(r, _)| ratio < r) {
            near = Some((ratio, i));
        }
    }
    if let Some((ratio, i)) = near {
        p.near_miss(Expected::parcel(
            &town.parcels[i].key,
            format!("declared / gross floor area {ratio:.3}: not below 0.6"),
        ));
    }
}
