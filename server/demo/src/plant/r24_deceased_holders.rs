//! R24 — deceased holders still registered (L. 160/2019 c. 743; D.Lgs. 346/1990 art. 28).
//!
//! Catalogue: the holder of a holding valid on the as-of date D is a person who died more than
//! `succession_days` (365) days before D: the succession declaration and the cadastral transfer
//! are missing. One anomaly per holding, on the unit held.
//!
//! The generator models no deaths; the civil-registry deaths file (`anagrafe/deaths.csv`, a
//! project convention) holds only the deaths planted here, for persons holding units alone
//! (nobody else holds the same units), since before the death, whose code the subject file
//! writes unaltered:
//! - two **cases**: died three years before D, and 366 days before D (one day past the
//!   succession term), their holdings still current;
//! - two **near misses**: died exactly 365 days before D (the term not yet exceeded) and
//!   120 days before D.
//!
//! [`record`] reads the planted deaths back and records every holding valid on D of each
//! deceased person from the final holdings.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};

use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::entities::SubjectRef;
use crate::supply::text::iso;

/// Planting of R24.
pub(crate) const PLANTING: Planting = Planting { rule: "R24", plant };

/// The deaths file (project convention).
pub(crate) const DEATHS: &str = "anagrafe/deaths.csv";

/// Days of the succession term (`rules.R24.succession_days`).
const SUCCESSION_DAYS: i64 = 365;

/// Days between each planted death and the as-of date: two cases, two near misses.
const DIED_DAYS_BEFORE: [u64; 4] = [3 * 365 + 1, 366, 365, 120];

/// Whether holding `h` is valid on `d`.
fn valid_on(h: &crate::entities::Holding, d: NaiveDate) -> bool {
    h.valid_from <= d && h.valid_to.is_none_or(|t| t > d)
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = as_of(town);
    let earliest = d
        .checked_sub_days(Days::new(DIED_DAYS_BEFORE[0] + 1))
        .unwrap_or(d);
    let mut taken_units: BTreeSet<usize> = BTreeSet::new();
    let mut chosen: Vec<usize> = Vec::new();
    // the subject file corrupts the code of the first person holder (`supply/holders.rs`):
    // a death under the code as written would not reach that holder
    let corrupted = town
        .holdings
        .iter()
        .filter_map(|h| match h.subject {
            SubjectRef::Person(p) => Some(p),
            SubjectRef::Entity(_) => None,
        })
        .min();
    // holdings valid on D, by holder and by unit
    let mut valid_of: BTreeMap<SubjectRef, Vec<usize>> = BTreeMap::new();
    let mut valid_on_unit: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, x) in town.holdings.iter().enumerate() {
        if valid_on(x, d) {
            valid_of.entry(x.subject).or_default().push(i);
            valid_on_unit.entry(x.unit).or_default().push(i);
        }
    }
    for h in &town.holdings {
        if chosen.len() == DIED_DAYS_BEFORE.len() {
            break;
        }
        let SubjectRef::Person(person) = h.subject else {
            continue;
        };
        if chosen.contains(&person) || Some(person) == corrupted || !valid_on(h, d) {
            continue;
        }
        let held: Vec<&crate::entities::Holding> = valid_of
            .get(&h.subject)
            .into_iter()
            .flatten()
            .map(|&x| &town.holdings[x])
            .collect();
        // held since before the earliest death, and units no chosen person holds or co-holds
        let units: BTreeSet<usize> = held.iter().map(|x| x.unit).collect();
        let early = held.iter().all(|x| x.valid_from < earliest);
        let alone = units.iter().all(|&u| {
            !taken_units.contains(&u)
                && valid_on_unit
                    .get(&u)
                    .into_iter()
                    .flatten()
                    .all(|&x| town.holdings[x].subject == h.subject)
        });
        if early && alone {
            taken_units.extend(units);
            chosen.push(person);
        }
    }
    for (i, &person) in chosen.iter().enumerate() {
        let Some(died) = d.checked_sub_days(Days::new(DIED_DAYS_BEFORE[i])) else {
            continue;
        };
        let cf = town.persons[person].cf.clone();
        p.extra_line(DEATHS, format!("{cf};{};ATTO-{:04}", iso(died), i + 1));
    }
}

/// Recording of every R24 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R24",
    record,
};

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let deaths: Vec<(String, NaiveDate)> = p
        .planted_lines(DEATHS)
        .iter()
        .filter_map(|l| {
            let mut f = l.split(';');
            let cf = f.next()?.to_owned();
            let date = NaiveDate::parse_from_str(f.next()?, "%Y-%m-%d").ok()?;
            Some((cf, date))
        })
        .collect();
    let mut out = Vec::new();
    for (cf, died) in deaths {
        let days = (d - died).num_days();
        for h in &town.holdings {
            let SubjectRef::Person(person) = h.subject else {
                continue;
            };
            if town.persons[person].cf != cf || !valid_on(h, d) {
                continue;
            }
            let key = &town.units[h.unit].key;
            let e = Expected::unit(key, format!("holder {cf} died {days} days before {d}"));
            out.push((days > SUCCESSION_DAYS, e));
        }
    }
    for (case, e) in out {
        if case {
            p.report(e);
        } else {
            p.near_miss(e);
        }
    }
}
