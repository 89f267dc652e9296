//! R09 — Category inconsistent with actual use (catalogue §A R09).
//!
//! Planted on two storerooms (C/2) of the generator that nobody occupies and no TARI premises
//! lists, each given a one-person household of a person otherwise idle in the town (registered
//! with the storeroom's unit key):
//! - living there since May of the year before the tax year, still on D → **case**
//!   (`storage_with_residents`);
//! - moved out on D itself (the registry's end date is exclusive: not resident on D) →
//!   **near miss**.
//!
//! The recording restates the rule's five cases on the generator's entities, linked as the
//! catalogue's §0 links them: storerooms and garages (C/2, C/6) with residents on D or with a
//! household electricity contract of the year; offices (A/10) with residents and domestic TARI;
//! dwellings with only non-domestic TARI; shops (C/1) with only domestic TARI.

use std::collections::BTreeSet;

use chrono::Datelike;

use super::facts::Facts;
use super::facts::{add_household, idle_persons, resident_on, tari_active_on, utility_link};
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::Category;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R09", plant };

/// Recording of every R09 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R09",
    record,
};

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = as_of(town);
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
    for r in &town.residents {
        used[r.unit] = true;
    }
    // storerooms from the end of the town (other plantings pick from its start)
    let picked: Vec<usize> = (0..town.units.len())
        .rev()
        .filter(|&u| !used[u] && town.units[u].address_key.is_some())
        .filter(|&u| town.units[u].current().is_some_and(|s| s.category == c2))
        .take(2)
        .collect();
    let persons: Vec<usize> = idle_persons(town).into_iter().rev().take(2).collect();
    let ([case, near], [a, b]) = (&picked[..], &persons[..]) else {
        return;
    };
    let (case, near, a, b) = (*case, *near, *a, *b);
    add_household(town, case, &[a], ymd(d.year() - 1, 5, 1));
    let household = add_household(town, near, &[b], ymd(d.year() - 2, 9, 1));
    for r in town
        .residents
        .iter_mut()
        .filter(|r| r.household_id == household)
    {
        r.to = Some(d);
    }
    p.near_miss(
        Expected::unit(&town.units[near].key, "storeroom whose resident left on D")
            .with_record("storage_with_residents"),
    );
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let year = d.year();
    let ix = facts.index();
    let resident: BTreeSet<usize> = town
        .residents
        .iter()
        .filter(|r| resident_on(r, d))
        .filter_map(|r| ix.resident_link(r))
        .collect();
    let power: BTreeSet<usize> = (0..town.occupancies.len())
        .filter(|&k| {
            let o = &town.occupancies[k];
            o.household_size.is_some_and(|n| n > 0)
                && super::facts::utility_years(town, k).contains(&year)
                && super::facts::utility_signal(town, k, year)
        })
        .filter_map(|k| utility_link(town, ix, k))
        .collect();
    for (i, u) in town.units.iter().enumerate() {
        let Some(s) = u.state_at(d) else { continue };
        let (group, number) = (s.category.group, s.category.number);
        let premises: Vec<bool> = ix
            .tari_of_unit(i)
            .iter()
            .map(|&t| &town.tari_positions[t])
            .filter(|t| tari_active_on(t, d))
            .map(|t| t.user_type == "domestic")
            .collect();
        let domestic = premises.iter().filter(|x| **x).count();
        let storage = group == 'C' && matches!(number, 2 | 6);
        let mut cases = Vec::new();
        if storage && resident.contains(&i) {
            cases.push("storage_with_residents");
        }
        if storage && power.contains(&i) {
            cases.push("storage_with_household_electricity");
        }
        if group == 'A' && number == 10 && resident.contains(&i) && domestic > 0 {
            cases.push("office_used_as_dwelling");
        }
        if group == 'A' && number != 10 && !premises.is_empty() && domestic == 0 {
            cases.push("dwelling_with_non_domestic_tari");
        }
        if group == 'C' && number == 1 && !premises.is_empty() && domestic == premises.len() {
            cases.push("shop_with_domestic_tari");
        }
        for case in cases {
            p.report(
                Expected::unit(&u.key, format!("{} {case}", s.category.display()))
                    .with_record(case),
            );
        }
    }
}
