//! R17 — registered lease without the tenant's TARI (L. 147/2013 c. 641-642).
//!
//! Catalogue: each lease in force on D and each leased unit whose state on D is in group A,
//! C/1, C/3 or group D: a case unless a premises active on D listing the unit (or at its
//! address + internal) is paid by a tenant or by a member, resident on D, of a tenant's
//! household.
//!
//! Planted through new occupancies by persons who hold no right on the unit (the lease writer
//! registers each as a lease, `supply/market.rs`):
//! - a true case: a dwelling let from March of the tax year, no premises at all;
//! - a near miss: a dwelling let to a person whose partner, resident with him there, pays
//!   the premises (a member of the tenant's household pays);
//! - a near miss: a storeroom (C/2) let without premises (out of the rule's scope).
//!
//! Baseline: the let dwellings, shops and offices whose occupiers never declared TARI
//! (`fiscal::tari_positions`) while their lease is in force on D; [`record`] records every
//! lease of the final municipality without its tenant's premises.

use std::collections::BTreeSet;

use super::facts::Facts;
use super::facts::{
    add_household, add_occupancy, domestic_premises, empty_dwellings, free_units_of, idle_persons,
    leases, resident_on, tari_active_on, unit_address,
};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::SubjectRef;

/// Planting of R17.
pub(crate) const PLANTING: Planting = Planting { rule: "R17", plant };

/// Recording of every R17 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R17",
    record,
};

/// Categories in the rule's scope.
pub(crate) fn in_scope(c: crate::Category) -> bool {
    matches!(c.group, 'A' | 'D') || (c.group == 'C' && matches!(c.number, 1 | 3))
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let homes = empty_dwellings(town);
    let persons = idle_persons(town);
    let stores = free_units_of(town, 'C', 2);
    if homes.len() < 4 || persons.len() < 6 {
        return;
    }
    let from = ymd(town.tax_year, 3, 1);
    // true case (reported by `record`)
    add_occupancy(
        town,
        vec![homes[0]],
        SubjectRef::Person(persons[0]),
        Some(0),
        from,
    );
    // near miss: the partner pays
    let (tenant, partner) = (persons[1], persons[2]);
    add_household(town, homes[1], &[tenant, partner], from);
    let k = add_occupancy(
        town,
        vec![homes[1]],
        SubjectRef::Person(tenant),
        Some(2),
        from,
    );
    let premises = domestic_premises(town, homes[1], SubjectRef::Person(partner), Some(2), from);
    town.tari_positions.push(premises);
    let lease = leases(town).into_iter().find(|l| l.occupancy == k);
    if let Some(l) = lease {
        p.near_miss(
            Expected::unit(
                &town.units[homes[1]].key,
                "lease whose premises are paid by the tenant's resident partner",
            )
            .with_record(&l.contract_id),
        );
    }
    // near miss: a storeroom let without premises
    if let Some(&store) = stores.first() {
        let k = add_occupancy(
            town,
            vec![store],
            SubjectRef::Person(persons[3]),
            None,
            from,
        );
        if let Some(l) = leases(town).into_iter().find(|l| l.occupancy == k) {
            p.near_miss(
                Expected::unit(
                    &town.units[store].key,
                    "storeroom C/2 let without TARI: out of scope",
                )
                .with_record(&l.contract_id),
            );
        }
    }
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let d = super::as_of(town);
    let ix = facts.index();
    let mut out = Vec::new();
    for lease in facts.leases() {
        if !lease.in_force_on(d) {
            continue;
        }
        let tenant = town.subject_cf(lease.tenant);
        let mut payers: BTreeSet<&str> = BTreeSet::from([tenant]);
        let households: BTreeSet<&str> = ix
            .residents_of(tenant)
            .filter(|r| resident_on(r, d))
            .map(|r| r.household_id.as_str())
            .collect();
        for h in households {
            payers.extend(
                ix.household(h)
                    .filter(|r| resident_on(r, d))
                    .map(|r| town.persons[r.person].cf.as_str()),
            );
        }
        let mut seen = Vec::new();
        for &u in &lease.units {
            if seen.contains(&u) {
                continue;
            }
            seen.push(u);
            let Some(state) = town.units[u].state_at(d) else {
                continue;
            };
            if !in_scope(state.category) {
                continue;
            }
            let mut premises: Vec<usize> = ix.tari_of_unit(u).to_vec();
            if let Some(a) = unit_address(&town.units[u]) {
                premises.extend_from_slice(ix.tari_at(&a));
            }
            if premises.iter().any(|&t| {
                let t = ix.tari(t);
                tari_active_on(t, d) && payers.contains(town.subject_cf(t.payer))
            }) {
                continue;
            }
            out.push(
                Expected::unit(
                    &town.units[u].key,
                    format!(
                        "lease {} in force on {d}, no premises of the tenant",
                        lease.contract_id
                    ),
                )
                .with_record(&lease.contract_id),
            );
        }
    }
    for e in out {
        p.report(e);
    }
}
