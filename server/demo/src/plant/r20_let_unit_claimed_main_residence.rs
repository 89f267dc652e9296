//! R20 — let unit claimed as the landlord's main residence (L. 160/2019 c. 741, c. 760).
//!
//! Catalogue: a registered lease in force at some time in Y on a dwelling of the R19 scope
//! whose landlord holds it with an IMU right and treats it as his main residence in Y (a
//! characteristic-5 declaration in effect, or nothing paid and no other property). A let
//! dwelling not claimed as the landlord's main residence is never a case.
//!
//! Planted on empty dwellings of absent owners, each let from February of the tax year to a
//! person who declares the premises for TARI:
//! - a true case: the owner declared it as his main residence the year before;
//! - a near miss: the owner declared it as an ordinary property (characteristic 3) and pays
//!   IMU or holds other properties — no claim.
//!
//! Baseline: let dwellings whose sole landlord paid nothing for the year and holds nothing
//! else; [`record`] records every claimed let dwelling of the final municipality.

use super::facts::Facts;
use super::facts::{
    Imu, add_occupancy, domestic_premises, empty_dwellings_of_absent_owners, idle_persons,
    main_residence_scope, month_mask, pays_imu,
};
use super::r19_main_residence_without_residence::{declare, declare_main_residence};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::SubjectRef;

/// Planting of R20.
pub(crate) const PLANTING: Planting = Planting { rule: "R20", plant };

/// Recording of every R20 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R20",
    record,
};

fn let_to(town: &mut Municipality, unit: usize, tenant: usize) {
    let from = ymd(town.tax_year, 2, 1);
    add_occupancy(town, vec![unit], SubjectRef::Person(tenant), Some(0), from);
    let premises = domestic_premises(town, unit, SubjectRef::Person(tenant), None, from);
    town.tari_positions.push(premises);
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let year = town.tax_year;
    let list = empty_dwellings_of_absent_owners(town);
    let tenants = idle_persons(town);
    let imu = Imu::new(town);
    if list.len() < 4 || tenants.len() < 2 {
        return;
    }
    // true case: the first of the list
    let (u, owner) = list[0];
    declare_main_residence(town, owner, u, year - 1);
    let_to(town, u, tenants[0]);
    // near miss: an owner who pays or holds more than this dwelling
    let other = list[1..].iter().copied().find(|&(u, owner)| {
        let code = imu.code(town, SubjectRef::Person(owner));
        !imu.claims_main_residence(&code, u)
    });
    if let Some((u, owner)) = other {
        declare(town, SubjectRef::Person(owner), u, year - 1, 3, 0);
        let_to(town, u, tenants[1]);
        p.near_miss(Expected::unit(
            &town.units[u].key,
            "let dwelling declared as an ordinary property: no main-residence claim",
        ));
    }
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let imu = facts.imu();
    let mut holdings = std::collections::BTreeMap::<usize, Vec<usize>>::new();
    for (i, h) in town.holdings.iter().enumerate() {
        holdings.entry(h.unit).or_default().push(i);
    }
    let mut out = Vec::new();
    for lease in facts.leases() {
        if !lease.in_force_in_year(imu.year) {
            continue;
        }
        let landlords: Vec<&str> = lease
            .landlords
            .iter()
            .map(|&h| town.subject_cf(town.holdings[h].subject))
            .collect();
        let mut seen = Vec::new();
        for &u in &lease.units {
            if seen.contains(&u) || !main_residence_scope(&town.units[u], imu.year) {
                continue;
            }
            seen.push(u);
            for &hi in holdings.get(&u).map_or(&[][..], Vec::as_slice) {
                let h = &town.holdings[hi];
                if !pays_imu(h) || month_mask(h.valid_from, h.valid_to, imu.year) == 0 {
                    continue;
                }
                let code = imu.code(town, h.subject);
                if !landlords.contains(&code.as_str()) || !imu.claims_main_residence(&code, u) {
                    continue;
                }
                out.push(Expected::unit(
                    &town.units[u].key,
                    format!(
                        "let under {} while claimed as the landlord's main residence",
                        lease.contract_id
                    ),
                ));
            }
        }
    }
    for e in out {
        p.report(e);
    }
}
