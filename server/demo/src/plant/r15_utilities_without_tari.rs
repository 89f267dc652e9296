//! R15 — unit with utilities but no TARI (L. 147/2013 c. 641).
//!
//! Catalogue: an electricity or gas contract of year Y, active in Y, billing strictly more
//! than the thresholds (300 kWh, 100 Sm³; water never counts), linked to a unit; a case
//! unless a premises active in Y lists the unit or sits at its address + internal, or a
//! signalling contract's holder pays any premises active in Y.
//!
//! Planted as extra contracts of `utenze/utility_supply.csv` on empty dwellings, each holder a
//! person who pays no TARI:
//! - a true case billing 301 kWh in the tax year (strictly above 300);
//! - a near miss billing exactly 300 kWh (not above);
//! - a near miss: a water contract billing 900 m³ (water is never a signal).
//!
//! Baseline: every occupancy has an electricity contract far above the thresholds, so every
//! occupancy that never declared TARI (`fiscal::tari_positions`: 4 % of households, 35 % of
//! second homes, 6 % of businesses) and is linked to its unit is a case; [`record`] records
//! them from the occupancies, contracts and premises the generator made.

use std::collections::BTreeMap;

use super::facts::Facts;
use super::facts::{
    address_text, empty_dwellings, idle_persons, tari_active_in_year, unit_address, utility_link,
    utility_signal,
};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::supply::text::iso;

/// Planting of R15.
pub(crate) const PLANTING: Planting = Planting { rule: "R15", plant };

/// Recording of every R15 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R15",
    record,
};

/// The utility file.
pub(crate) const FILE: &str = "utenze/utility_supply.csv";

fn plant(town: &mut Municipality, p: &mut Planter) {
    let homes = empty_dwellings(town);
    let persons = idle_persons(town);
    if homes.len() < 8 || persons.len() < 8 {
        return;
    }
    let year = town.tax_year;
    let cases = [
        (
            "electricity",
            301.0,
            0.27,
            true,
            "301 kWh in the tax year, above 300",
        ),
        (
            "electricity",
            300.0,
            0.27,
            false,
            "300 kWh: not strictly above the threshold",
        ),
        ("water", 900.0, 1.9, false, "water contract: never a signal"),
    ];
    for (n, (utility, consumption, price, report, note)) in cases.into_iter().enumerate() {
        // from the end of the list: the first ones are taken by the household plantings
        let unit = homes[homes.len() - 1 - n];
        let holder = &town.persons[persons[persons.len() - 1 - n]].cf;
        let u = &town.units[unit];
        let point = match utility {
            "water" => format!("ACQ{:011}", 900_000_001 + n),
            _ => format!("IT012E9{:07}", 1 + n),
        };
        let mut address = address_text(town, u.address_key.as_deref().unwrap_or(""));
        if let Some(int) = &u.internal {
            address.push_str(" INT. ");
            address.push_str(int);
        }
        let line = format!(
            "{utility};{point};{holder};person;household non-resident;{address};{};{};{};;{year};{consumption:.0};{:.2}",
            u.address_key.as_deref().unwrap_or(""),
            u.key,
            iso(ymd(year - 1, 9, 1)),
            consumption * price
        );
        p.extra_line(FILE, line);
        let e = Expected::unit(&u.key, note);
        if report {
            p.report(e);
        } else {
            p.near_miss(e);
        }
    }
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let year = town.tax_year;
    let ix = facts.index();
    let mut by_unit: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for k in 0..town.occupancies.len() {
        if !utility_signal(town, k, year) {
            continue;
        }
        if let Some(u) = utility_link(town, ix, k) {
            by_unit.entry(u).or_default().push(k);
        }
    }
    let mut out = Vec::new();
    for (unit, contracts) in by_unit {
        let active = |t: &usize| tari_active_in_year(ix.tari(*t), year);
        if ix.tari_of_unit(unit).iter().any(active) {
            continue;
        }
        if unit_address(&town.units[unit]).is_some_and(|a| ix.tari_at(&a).iter().any(active)) {
            continue;
        }
        if contracts.iter().any(|&k| {
            ix.tari_of_payer(town.subject_cf(town.occupancies[k].occupant))
                .iter()
                .any(active)
        }) {
            continue;
        }
        out.push(Expected::unit(
            &town.units[unit].key,
            format!(
                "{} signalling contract(s) in {year}, no TARI",
                contracts.len()
            ),
        ));
    }
    for e in out {
        p.report(e);
    }
}
