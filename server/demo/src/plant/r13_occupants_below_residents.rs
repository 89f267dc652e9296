//! R13 — TARI occupants declared lower than residents (DPR 158/1999; L. 147/2013 c. 651).
//!
//! Catalogue: for each domestic premises active on D with a declared number of occupants, the
//! distinct persons resident on D at its address key + internal number; a case when the
//! declaration is strictly lower.
//!
//! Planted, each on its own household and premises:
//! - a true case: a person joins a household in 2024 and the declaration still counts the
//!   old size (declared n, resident n + 1);
//! - a near miss: a person joins another household and the declaration was updated
//!   (declared n + 1, resident n + 1: equal is not lower);
//! - a near miss: a child moves out on D itself (not resident on D) and the declaration
//!   already counts one fewer (declared n − 1, resident n − 1).
//!
//! Baseline: the generator declares every household's size, so [`record`] finds only the
//! premises whose residents outnumber the declaration in the final registers.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::facts::Facts;
use super::facts::{idle_persons, resident_address, resident_on, tari_active_on, tari_address};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::{Resident, SubjectRef};

/// Planting of R13.
pub(crate) const PLANTING: Planting = Planting { rule: "R13", plant };

/// Recording of every R13 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R13",
    record,
};

/// Premises with a resident household of at least two whose members all live at its address
/// + internal, with the household id: (premises, household).
fn candidates(town: &Municipality) -> Vec<(usize, String)> {
    let d = super::as_of(town);
    let mut by_address: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    let mut rows: BTreeMap<&str, Vec<&Resident>> = BTreeMap::new();
    for r in &town.residents {
        rows.entry(r.household_id.as_str()).or_default().push(r);
        if let Some(a) = resident_address(r) {
            by_address
                .entry(a)
                .or_default()
                .insert(r.household_id.as_str());
        }
    }
    let mut used: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for (i, t) in town.tari_positions.iter().enumerate() {
        let (Some(n), Some(a), SubjectRef::Person(payer)) = (t.occupants, tari_address(t), t.payer)
        else {
            continue;
        };
        if t.user_type != "domestic" || n < 2 || !tari_active_on(t, d) || t.end_date.is_some() {
            continue;
        }
        let Some(households) = by_address.get(&a) else {
            continue;
        };
        let [household] = households.iter().copied().collect::<Vec<_>>()[..] else {
            continue;
        };
        let members: Vec<&Resident> = rows
            .get(household)
            .into_iter()
            .flatten()
            .copied()
            .filter(|r| resident_on(r, d))
            .collect();
        if members.len() as u32 != n
            || !members.iter().any(|r| r.person == payer)
            || members.iter().any(|r| r.to.is_some())
            || t.units.iter().any(|u| used.contains(u))
        {
            continue;
        }
        used.extend(t.units.iter().copied());
        out.push((i, household.to_owned()));
    }
    out
}

fn join(town: &mut Municipality, household: &str, person: usize) {
    let Some(model) = town
        .residents
        .iter()
        .find(|r| r.household_id == household)
        .cloned()
    else {
        return;
    };
    let m = town
        .residents
        .iter()
        .filter(|r| r.household_id == household)
        .count();
    town.residents.push(Resident {
        id: format!("{household}/{}/1", m + 1),
        person,
        relationship: "other",
        from: ymd(town.tax_year - 1, 5, 1),
        to: None,
        ..model
    });
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = super::as_of(town);
    let list = candidates(town);
    let persons = idle_persons(town);
    if list.len() < 12 || persons.len() < 2 {
        return;
    }
    let step = list.len() / 4;
    let (below, equal, left) = (
        &list[step].clone(),
        &list[2 * step].clone(),
        &list[3 * step].clone(),
    );
    let record = |town: &Municipality, i: usize| {
        let t = &town.tari_positions[i];
        (
            t.address_key.clone(),
            format!("{}/{}", t.account_id, t.premises_seq),
        )
    };
    // true case: a new member, the declaration unchanged (reported by `record`)
    join(town, &below.1, persons[0]);
    // near miss: a new member, the declaration updated
    join(town, &equal.1, persons[1]);
    let t = &mut town.tari_positions[equal.0];
    let n = t.occupants.unwrap_or(0) + 1;
    t.occupants = Some(n);
    let (key, rec) = record(town, equal.0);
    p.near_miss(
        Expected::address(&key, format!("declared {n} occupants, {n} residents")).with_record(&rec),
    );
    // near miss: a member leaves on D; the declaration counts one fewer
    let leaver = town
        .residents
        .iter()
        .rposition(|r| r.household_id == left.1 && r.relationship != "head");
    if let Some(r) = leaver {
        town.residents[r].to = Some(d);
        let t = &mut town.tari_positions[left.0];
        let n = t.occupants.unwrap_or(1) - 1;
        t.occupants = Some(n);
        let (key, rec) = record(town, left.0);
        p.near_miss(
            Expected::address(
                &key,
                format!("declared {n}; a member moved out on {d}, so {n} residents on that day"),
            )
            .with_record(&rec),
        );
    }
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = super::as_of(town);
    let mut at: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    for r in &town.residents {
        if resident_on(r, d)
            && let Some(a) = resident_address(r)
        {
            at.entry(a)
                .or_default()
                .insert(town.persons[r.person].cf.as_str());
        }
    }
    let mut out = Vec::new();
    for t in &town.tari_positions {
        let (Some(declared), Some(a)) = (t.occupants, tari_address(t)) else {
            continue;
        };
        if t.user_type != "domestic" || !tari_active_on(t, d) {
            continue;
        }
        let residents = at.get(&a).map_or(0, BTreeSet::len) as u32;
        if declared < residents {
            out.push(
                Expected::address(
                    &t.address_key,
                    format!("declared {declared} occupants, {residents} residents on {d}"),
                )
                .with_record(&format!("{}/{}", t.account_id, t.premises_seq)),
            );
        }
    }
    for e in out {
        p.report(e);
    }
}
