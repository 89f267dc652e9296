//! R12 — resident household without TARI (L. 147/2013 c. 641-642).
//!
//! Catalogue: a household whose members are resident on D, settled (earliest `from_date`) on
//! or before D − 90 days, is a case unless a member is the payer of a domestic premises active
//! on D anywhere, or a premises active on D lists the household's unit or sits at its address
//! key + internal number.
//!
//! Planted, each on its own empty dwelling with persons who never lived in the town:
//! - a true case: a household settled exactly D − 90 days, no TARI (the grace period is over);
//! - a near miss: a household settled D − 89 days, no TARI (still within the grace period);
//! - a near miss: a household whose only TARI is a domestic premises its head pays for another
//!   dwelling (the payer covers the household wherever the premises are);
//! - a true case: an owner-occupier household whose TARI premises ceased at the end of 2023.
//!
//! Baseline: about 4 % of resident households never declared their occupancy
//! (`fiscal::tari_positions`); [`record`] records every household of the final registers that
//! has no cover, from the residents and premises the generator made.

use std::collections::BTreeMap;

use chrono::Days;

use super::facts::Facts;
use super::facts::{
    add_household, domestic_premises, empty_dwellings, idle_persons, resident_address, resident_on,
    tari_active_on,
};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::{Resident, SubjectRef};

/// Planting of R12.
pub(crate) const PLANTING: Planting = Planting { rule: "R12", plant };

/// Recording of every R12 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R12",
    record,
};

/// Grace period of the catalogue, days.
pub(crate) const GRACE_DAYS: u64 = 90;

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = super::as_of(town);
    let homes = empty_dwellings(town);
    let persons = idle_persons(town);
    if homes.len() < 4 || persons.len() < 6 {
        return;
    }
    let (Some(settled), Some(late)) = (
        d.checked_sub_days(Days::new(GRACE_DAYS)),
        d.checked_sub_days(Days::new(GRACE_DAYS - 1)),
    ) else {
        return;
    };
    // true case: settled on the last day of the grace period's start
    add_household(town, homes[0], &persons[0..2], settled);
    // near miss: one day later
    let h = add_household(town, homes[1], &persons[2..4], late);
    let key = town.units[homes[1]].address_key.clone().unwrap_or_default();
    p.near_miss(
        Expected::address(
            &key,
            format!("household settled {late}: within the 90 days of grace"),
        )
        .with_record(&h),
    );
    // near miss: the head pays a domestic premises elsewhere (an empty dwelling used as a
    // second home)
    let since = ymd(town.tax_year - 3, 4, 1);
    let h = add_household(town, homes[2], &persons[4..6], since);
    let premises = domestic_premises(town, homes[3], SubjectRef::Person(persons[4]), None, since);
    town.tari_positions.push(premises);
    let key = town.units[homes[2]].address_key.clone().unwrap_or_default();
    p.near_miss(
        Expected::address(
            &key,
            "no premises at home, but the head pays a domestic premises elsewhere",
        )
        .with_record(&h),
    );
    // true case: an owner-occupier's premises ceased at the end of 2023
    let ceased = ymd(town.tax_year - 2, 12, 31);
    let mut owners: BTreeMap<usize, Vec<SubjectRef>> = BTreeMap::new();
    for h in town.holdings.iter().filter(|h| h.valid_to.is_none()) {
        owners.entry(h.unit).or_default().push(h.subject);
    }
    let mut premises_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut paid_by: BTreeMap<SubjectRef, Vec<usize>> = BTreeMap::new();
    for (i, t) in town.tari_positions.iter().enumerate() {
        for &u in &t.units {
            premises_of.entry(u).or_default().push(i);
        }
        paid_by.entry(t.payer).or_default().push(i);
    }
    let ix_pick = town
        .occupancies
        .iter()
        .enumerate()
        .rev()
        .find_map(|(k, o)| {
            let main = *o.units.first()?;
            let owner = owners.get(&main).is_some_and(|v| v.contains(&o.occupant));
            let premises = premises_of.get(&main).map_or(&[][..], Vec::as_slice);
            let pays_elsewhere = paid_by.get(&o.occupant).is_some_and(|v| {
                v.iter()
                    .any(|&t| !town.tari_positions[t].units.contains(&main))
            });
            (matches!(o.occupant, SubjectRef::Person(_))
                && o.household_size.is_some_and(|n| n > 1)
                && o.to.is_none()
                && o.from < ymd(town.tax_year - 5, 1, 1)
                && owner
                && premises.len() == 1
                && !pays_elsewhere)
                .then(|| (k, premises[0]))
        });
    if let Some((_, t)) = ix_pick {
        town.tari_positions[t].end_date = Some(ceased);
    }
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let d = super::as_of(town);
    let Some(cutoff) = d.checked_sub_days(Days::new(GRACE_DAYS)) else {
        return;
    };
    let ix = facts.index();
    let mut households: BTreeMap<&str, Vec<&Resident>> = BTreeMap::new();
    for r in &town.residents {
        if resident_on(r, d) {
            households
                .entry(r.household_id.as_str())
                .or_default()
                .push(r);
        }
    }
    let mut out = Vec::new();
    for (id, rows) in households {
        let Some(settled) = rows.iter().map(|r| r.from).min() else {
            continue;
        };
        if settled > cutoff {
            continue;
        }
        let by_payer = rows.iter().any(|r| {
            ix.tari_of_payer(&town.persons[r.person].cf)
                .iter()
                .any(|&t| {
                    let t = ix.tari(t);
                    tari_active_on(t, d) && t.user_type == "domestic"
                })
        });
        if by_payer {
            continue;
        }
        let by_unit = rows.iter().filter_map(|r| ix.resident_link(r)).any(|u| {
            ix.tari_of_unit(u)
                .iter()
                .any(|&t| tari_active_on(ix.tari(t), d))
        });
        let by_address = rows.iter().filter_map(|r| resident_address(r)).any(|a| {
            ix.tari_at(&a)
                .iter()
                .any(|&t| tari_active_on(ix.tari(t), d))
        });
        if by_unit || by_address {
            continue;
        }
        let Some(head) = rows
            .iter()
            .min_by_key(|r| (r.from, town.persons[r.person].cf.as_str()))
        else {
            continue;
        };
        out.push(
            Expected::address(
                &head.address_key,
                format!("household of {} settled {settled}, no TARI", rows.len()),
            )
            .with_record(id),
        );
    }
    for e in out {
        p.report(e);
    }
}
