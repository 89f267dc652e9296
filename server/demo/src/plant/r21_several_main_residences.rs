//! R21 — more than one main residence, or more than one appurtenance per category
//! (L. 160/2019 c. 741).
//!
//! Catalogue: on the declarations in effect for Y (the latest of the declarant per unit), a
//! holder claiming characteristic 5 on more than one dwelling (group A except A/10), or
//! characteristic 6 on more than one unit of the same category C/2, C/6 or C/7. The lead sits
//! on the claimed unit of the highest rent.
//!
//! Planted as declarations of the year before the tax year by persons with no other claim:
//! - a true case: two dwellings declared as main residence;
//! - a true case: two garages (C/6) declared as appurtenances;
//! - a near miss: one garage (C/6) and one storeroom (C/2) as appurtenances (one per
//!   category is allowed);
//! - a near miss: one dwelling and one office (A/10, never a main residence) declared as
//!   main residence.
//!
//! Baseline: the generator declares a main residence only where the holder lives and at most
//! one appurtenance per category; [`record`] reads every claim in effect of the final
//! declarations, planted blocks of other rules included.

use std::collections::BTreeMap;

use super::facts::Facts;
use super::facts::{free_units_of, idle_persons, in_effect};
use super::r19_main_residence_without_residence::declare;
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::SubjectRef;

/// Planting of R21.
pub(crate) const PLANTING: Planting = Planting { rule: "R21", plant };

/// Recording of every R21 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R21",
    record,
};

/// Units of a category on 1 January of the tax year, in unit order (at most `n`, spread).
fn units_of(town: &Municipality, group: char, number: u8, n: usize) -> Vec<usize> {
    let jan1 = ymd(town.tax_year, 1, 1);
    let all: Vec<usize> = (0..town.units.len())
        .filter(|&u| {
            town.units[u].states.len() == 1
                && town.units[u]
                    .state_at(jan1)
                    .is_some_and(|s| s.category.group == group && s.category.number == number)
        })
        .collect();
    if all.len() < n {
        return Vec::new();
    }
    let step = all.len() / n;
    (0..n).map(|k| all[k * step + step / 2]).collect()
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let year = town.tax_year - 1;
    let persons = idle_persons(town);
    let homes = units_of(town, 'A', 2, 3);
    let offices = units_of(town, 'A', 10, 1);
    let garages = free_units_of(town, 'C', 6);
    let stores = free_units_of(town, 'C', 2);
    if persons.len() < 8
        || homes.len() < 3
        || offices.is_empty()
        || garages.len() < 3
        || stores.is_empty()
    {
        return;
    }
    // from the middle: the ends of the list are used by other plantings
    let who = |k: usize| SubjectRef::Person(persons[persons.len() / 2 + k]);
    declare(town, who(0), homes[0], year, 5, 0);
    declare(town, who(0), homes[1], year, 5, 0);
    declare(town, who(1), garages[0], year, 6, 0);
    declare(town, who(1), garages[1], year, 6, 0);
    declare(town, who(2), garages[2], year, 6, 0);
    declare(town, who(2), stores[0], year, 6, 0);
    p.near_miss(Expected::unit(
        &town.units[garages[2]].key,
        "one garage and one storeroom as appurtenances: one per category",
    ));
    p.near_miss(Expected::unit(
        &town.units[stores[0]].key,
        "one garage and one storeroom as appurtenances: one per category",
    ));
    declare(town, who(3), homes[2], year, 5, 0);
    declare(town, who(3), offices[0], year, 5, 0);
    p.near_miss(Expected::unit(
        &town.units[homes[2]].key,
        "a dwelling and an office (A/10) declared as main residence: one dwelling",
    ));
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let jan1 = ymd(town.tax_year, 1, 1);
    // (declarant code, label) → [(rent, unit key)]
    let mut groups: BTreeMap<(String, String), Vec<(f64, String)>> = BTreeMap::new();
    for d in in_effect(town, town.tax_year) {
        let Some(u) = d.unit else { continue };
        let unit = &town.units[u];
        let Some(state) = unit.state_at(jan1).or_else(|| unit.current()) else {
            continue;
        };
        let cat = state.category;
        let label = match d.characteristic {
            5 if cat.is_dwelling() => "main_residence".to_owned(),
            6 if cat.is_appurtenance() => cat.display(),
            _ => continue,
        };
        let rent = unit.state_at(jan1).and_then(|s| s.rent).unwrap_or(0.0);
        groups
            .entry((town.subject_cf(d.declarant).to_owned(), label))
            .or_default()
            .push((rent, unit.key.clone()));
    }
    let mut out = Vec::new();
    for ((_, label), mut claimed) in groups {
        if claimed.len() < 2 {
            continue;
        }
        claimed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        out.push(Expected::unit(
            &claimed[0].1,
            format!("{} units claimed as {label}", claimed.len()),
        ));
    }
    for e in out {
        p.report(e);
    }
}
