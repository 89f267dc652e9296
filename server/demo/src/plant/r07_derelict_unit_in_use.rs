//! R07 — F/2 (derelict) unit with signs of use (catalogue §A R07).
//!
//! The generator deliberately lets some derelict (F/2) units be occupied: households live
//! there, pay TARI, rent them. The recording lists every unit whose state on D is F/2 with at
//! least one signal linked to it as the catalogue's §0 links do: a resident on D, a TARI
//! premises active on D, a lease in force on D, or a utility contract of year Y with a
//! consumption above the thresholds (every contract the generator writes is far above them).
//!
//! Near miss: a dedicated F/2 unit (no holders, no occupant, no address) on a built urban
//! parcel: a derelict unit nobody uses.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::cadastre::{add_unit, building_of, built_urban, f_state};
use super::facts::Facts;
use super::facts::{resident_on, tari_active_on, utility_link, utility_signal};
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::entities::Category;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R07", plant };

/// Recording of every R07 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R07",
    record,
};

const F2: Category = Category::new('F', 2);

fn plant(town: &mut Municipality, p: &mut Planter) {
    let Some(&parcel) = built_urban(town, 2, 1).first() else {
        return;
    };
    let building = building_of(town, parcel);
    let u = add_unit(
        town,
        parcel,
        building,
        vec![f_state(
            F2,
            crate::dates::ymd(2016, 3, 9),
            "VARIAZIONE PER COLLABENZA",
        )],
    );
    p.near_miss(Expected::unit(
        &town.units[u].key,
        "F/2 unit without any sign of use",
    ));
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let year = d.year();
    let ix = facts.index();
    let f2: std::collections::BTreeSet<usize> = town
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.state_at(d).is_some_and(|s| s.category == F2))
        .map(|(i, _)| i)
        .collect();
    if f2.is_empty() {
        return;
    }
    let mut signals: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut signal = |u: Option<usize>, what: &'static str| {
        if let Some(u) = u.filter(|u| f2.contains(u)) {
            let v = signals.entry(u).or_default();
            if !v.contains(&what) {
                v.push(what);
            }
        }
    };
    for r in town.residents.iter().filter(|r| resident_on(r, d)) {
        signal(ix.resident_link(r), "resident");
    }
    for &u in &f2 {
        if ix
            .tari_of_unit(u)
            .iter()
            .any(|&t| tari_active_on(&town.tari_positions[t], d))
        {
            signal(Some(u), "TARI");
        }
    }
    for l in facts.leases().iter().filter(|l| l.in_force_on(d)) {
        for &u in &l.units {
            signal(Some(u), "lease");
        }
    }
    for k in 0..town.occupancies.len() {
        if utility_signal(town, k, year) {
            signal(utility_link(town, ix, k), "utilities");
        }
    }
    for (u, what) in signals {
        p.report(Expected::unit(
            &town.units[u].key,
            format!("F/2 with {}", what.join(", ")),
        ));
    }
}
