//! R16 — unit declared unfit or unused with signs of use (L. 160/2019 c. 747).
//!
//! Catalogue: the IMU declaration in effect for Y carries reduction code 2 (unfit and not
//! used) and in Y the unit shows a utility signal (above 300 kWh or 100 Sm³), a lease in force
//! at some time in Y, or a registered resident at some time in Y.
//!
//! Planted as declarations of the year before the tax year, by the owner, with reduction 2:
//! - a true case: a let dwelling (lease, utilities and residents in the year);
//! - a true case: an empty dwelling whose last household left on 2 January of the tax year
//!   (resident for one day of the year);
//! - a near miss: an empty dwelling whose last household left on 1 January of the tax year
//!   (the end date is exclusive: no day of the year).
//!
//! Baseline: the generator never declares the reduction, so [`record`] finds only the
//! planted declarations, read from the final declarations and signals.

use super::facts::Facts;
use super::facts::{
    add_household, empty_dwellings_of_absent_owners, idle_persons, in_effect, leases,
    resident_in_year, utility_link, utility_signal,
};
use super::r19_main_residence_without_residence::declare;
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::SubjectRef;

/// Planting of R16.
pub(crate) const PLANTING: Planting = Planting { rule: "R16", plant };

/// Recording of every R16 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R16",
    record,
};

fn plant(town: &mut Municipality, p: &mut Planter) {
    let year = town.tax_year;
    // a let dwelling: the lease of an occupancy in force in the year, one landlord
    let let_unit = leases(town).into_iter().rev().find_map(|l| {
        let u = *l.units.first()?;
        let [h] = l.landlords[..] else { return None };
        (l.in_force_in_year(year)
            && l.units.len() == 1
            && town.units[u]
                .state_at(ymd(year, 1, 1))
                .is_some_and(|s| s.category.is_dwelling()))
        .then(|| (u, town.holdings[h].subject))
    });
    let list = empty_dwellings_of_absent_owners(town);
    let persons = idle_persons(town);
    if list.len() < 8 || persons.len() < 4 {
        return;
    }
    if let Some((u, owner)) = let_unit {
        declare(town, owner, u, year - 1, 3, 2);
    }
    // from the last quarter of the list: the ends and the middle are used by other plantings
    let (left_late, left_on_time) = (list[list.len() * 3 / 4], list[list.len() * 3 / 4 + 1]);
    for ((u, owner), left, who) in [
        (
            left_late,
            ymd(year, 1, 2),
            &persons[persons.len() / 4..persons.len() / 4 + 2],
        ),
        (
            left_on_time,
            ymd(year, 1, 1),
            &persons[persons.len() / 4 + 2..persons.len() / 4 + 4],
        ),
    ] {
        declare(town, SubjectRef::Person(owner), u, year - 1, 3, 2);
        let h = add_household(town, u, who, ymd(year - 6, 5, 1));
        for r in town.residents.iter_mut().filter(|r| r.household_id == h) {
            r.to = Some(left);
        }
    }
    p.near_miss(Expected::unit(
        &town.units[left_on_time.0].key,
        "declared unfit; the last residents left on 1 January (exclusive): no sign in the year",
    ));
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let year = town.tax_year;
    let ix = facts.index();
    let mut signals = std::collections::BTreeSet::<usize>::new();
    for k in 0..town.occupancies.len() {
        if utility_signal(town, k, year)
            && let Some(u) = utility_link(town, ix, k)
        {
            signals.insert(u);
        }
    }
    for l in facts.leases() {
        if l.in_force_in_year(year) {
            signals.extend(l.units.iter().copied());
        }
    }
    for r in &town.residents {
        if resident_in_year(r, year)
            && let Some(u) = ix.resident_link(r)
        {
            signals.insert(u);
        }
    }
    let mut out = Vec::new();
    for d in in_effect(town, year) {
        let Some(u) = d.unit else { continue };
        if d.reduction == 2 && signals.contains(&u) {
            out.push(Expected::unit(
                &town.units[u].key,
                "declared unfit and not used, with signs of use in the year",
            ));
        }
    }
    for e in out {
        p.report(e);
    }
}
