//! Q06 — Ordinary unit without cadastral surface (catalogue §E Q06).
//!
//! Planted on two storerooms (C/2) of the generator that nobody occupies and no TARI
//! premises lists:
//! - the first loses its cadastral surface (no floor plan filed: no row in the surfaces file)
//!   → **case**;
//! - the second keeps it → **near miss**.
//!
//! The recording lists every unit whose state on D is of an ordinary group (A, B, C) and that
//! has no row in the surfaces file (`superfici/`, current surfaces of groups A, B, C).

use super::facts::Facts;
use super::facts::surface_file;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::entities::Category;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "Q06", plant };

/// Recording of every Q06 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "Q06",
    record,
};

fn plant(town: &mut Municipality, p: &mut Planter) {
    let c2 = Category::new('C', 2);
    let mut used = vec![false; town.units.len()];
    for &u in town
        .occupancies
        .iter()
        .flat_map(|o| &o.units)
        .chain(town.tari_positions.iter().flat_map(|t| &t.units))
    {
        used[u] = true;
    }
    let picked: Vec<usize> = (0..town.units.len())
        .filter(|&u| !used[u])
        .filter(|&u| {
            town.units[u]
                .current()
                .is_some_and(|s| s.category == c2 && surface_file(&town.units[u]).is_some())
        })
        .take(2)
        .collect();
    let [case, near] = picked[..] else { return };
    for s in &mut town.units[case].states {
        s.surface_m2 = None;
        s.surface_excl_m2 = None;
    }
    p.near_miss(Expected::unit(
        &town.units[near].key,
        "C/2 with its cadastral surface",
    ));
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    for u in &town.units {
        let Some(s) = u.state_at(d) else { continue };
        if matches!(s.category.group, 'A' | 'B' | 'C') && surface_file(u).is_none() {
            p.report(Expected::unit(
                &u.key,
                format!("{} without cadastral surface", s.category.display()),
            ));
        }
    }
}
