//! R28 — lease rent implausibly low (L. 160/2019 c. 760; D.Lgs. 23/2011 art. 3).
//!
//! Catalogue: for each lease in force on D, the expected minimum monthly rent is Σ over its
//! units of the OMI minimum rent (`Loc_min`, typology of the unit's category, state NORMALE,
//! the unit's microzone) × the total cadastral surface; a case when the monthly rent is
//! strictly below k = 0.5 of it.
//!
//! Planted as leases of empty dwellings lying wholly inside one OMI zone, let from April of
//! the tax year to a person who declares the premises for TARI:
//! - a true case: a yearly rent one euro below 6 × the expected minimum (monthly below half);
//! - a near miss: a yearly rent one cent above 6 × the expected minimum.
//!
//! Baseline: the lease writer derives rents of at least 110 €/m² a year, above half of every
//! OMI minimum of the town (at most 16.1 €/m² a month), so only planted leases are cases;
//! [`record`] checks each planted rent against the OMI quotation of its zone.

use super::facts::Facts;
use super::facts::{
    add_occupancy, domestic_premises, dwellings_in_zones, empty_dwellings, idle_persons, leases,
    omi_dwelling_minimums, surface_file,
};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::SubjectRef;

/// Planting of R28.
pub(crate) const PLANTING: Planting = Planting { rule: "R28", plant };

/// Recording of every R28 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R28",
    record,
};

/// Share of the OMI minimum (catalogue `k`).
const K: f64 = 0.5;

/// The expected minimum monthly rent of a single-dwelling lease on `unit`, when the unit lies
/// wholly inside one OMI zone.
fn expected_monthly(town: &Municipality, unit: usize) -> Option<f64> {
    let zones = crate::supply::omi::zones(town);
    let z = super::facts::zone_of(&zones, &town.parcels[town.units[unit].parcel])?;
    let (_, loc) = omi_dwelling_minimums(z);
    let (total, _) = surface_file(&town.units[unit])?;
    Some(loc * f64::from(total))
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let homes = dwellings_in_zones(town, &empty_dwellings(town));
    let persons = idle_persons(town);
    if homes.len() < 2 || persons.len() < 8 {
        return;
    }
    let from = ymd(town.tax_year, 4, 1);
    let picks = [homes[homes.len() / 2 - 1], homes[homes.len() / 2]];
    for (n, (unit, _)) in picks.into_iter().enumerate() {
        let Some(expected) = expected_monthly(town, unit) else {
            continue;
        };
        let limit = 12.0 * K * expected;
        let rent = if n == 0 {
            ((limit * 100.0).floor() - 100.0) / 100.0
        } else {
            ((limit * 100.0).ceil() + 1.0) / 100.0
        };
        let tenant = SubjectRef::Person(persons[persons.len() * 5 / 8 + n]);
        let k = add_occupancy(town, vec![unit], tenant, Some(0), from);
        town.occupancies[k].lease_rent = Some(rent);
        let premises = domestic_premises(town, unit, tenant, None, from);
        town.tari_positions.push(premises);
        if n == 1
            && let Some(l) = leases(town).into_iter().find(|l| l.occupancy == k)
        {
            p.near_miss(
                Expected::unit(
                    &town.units[unit].key,
                    format!(
                        "yearly rent {rent:.2} €: not below half of the OMI minimum {limit:.2} €"
                    ),
                )
                .with_record(&l.contract_id),
            );
        }
    }
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let d = super::as_of(town);
    let mut out = Vec::new();
    for l in facts.leases() {
        let Some(rent) = town.occupancies[l.occupancy].lease_rent else {
            continue;
        };
        let [unit] = l.units[..] else { continue };
        if !l.in_force_on(d) {
            continue;
        }
        let Some(expected) = expected_monthly(town, unit) else {
            continue;
        };
        if rent / 12.0 < K * expected {
            out.push(
                Expected::unit(
                    &town.units[unit].key,
                    format!(
                        "monthly rent {:.2} € below half of the OMI minimum {expected:.2} €",
                        rent / 12.0
                    ),
                )
                .with_record(&l.contract_id),
            );
        }
    }
    for e in out {
        p.report(e);
    }
}
