//! Q07 — Utility contract without cadastral identifiers, which cannot be joined by `unit_key`
//! (catalogue §E Q07).
//!
//! The utility writer (`supply/market.rs`) leaves the unit key empty on the contracts of about
//! half of the occupancies (a property-id hash decides): every such supply point whose
//! contract is active in the tax year is a **case**, with the contracts Q08 plants without
//! identifiers. The recording restates the writer's decisions: per occupancy the electricity
//! point `IT012E<n>` and, for most households, the gas point; plus the planted extra rows of
//! the file.
//!
//! Near miss: the first occupancy without unit key whose contracts ended before the tax year
//! (rows of earlier years remain in the file, but the contract is not active in the year).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::facts::Facts;
use super::{Expected, Planter, Recording, as_of};
use crate::Municipality;
use crate::dates::{day_before, ymd};
use crate::supply::mix;

/// Recording (and near miss) of every Q07 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "Q07",
    record,
};

/// Path of the utility file in the supply.
pub(crate) const UTILITIES: &str = "utenze/utility_supply.csv";

/// The supply points of occupancy `k` as the utility writer numbers them, and whether its
/// rows carry the unit key.
fn points(town: &Municipality, k: usize) -> (Vec<String>, bool) {
    let o = &town.occupancies[k];
    let unit = &town.units[o.units[0]];
    let h = mix(unit.property_id, k as u64);
    let mut v = vec![format!("electricity:IT012E{:08}", k + 1)];
    if o.household_size.is_some() && h % 10 < 7 {
        v.push(format!("gas:{:014}", 31_000_000_000_000 + k as u64));
    }
    (v, h.is_multiple_of(2))
}

fn active_in(from: NaiveDate, last: Option<NaiveDate>, year: i32) -> bool {
    from <= ymd(year, 12, 31) && last.is_none_or(|e| e >= ymd(year, 1, 1))
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let year = as_of(town).year();
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut near = false;
    for (k, o) in town.occupancies.iter().enumerate() {
        if o.units.is_empty() {
            continue;
        }
        let (points, keyed) = points(town, k);
        if keyed {
            continue;
        }
        let last = o.to.map(day_before);
        if active_in(o.from, last, year) {
            found.extend(points);
        } else if !near && last.is_some_and(|e| e.year() >= year - 2) {
            near = true;
            for point in points {
                p.near_miss(Expected::record(
                    &point,
                    "contract without unit key ended before the tax year",
                ));
            }
        }
    }
    for line in p.planted_lines(UTILITIES) {
        let f: Vec<&str> = line.split(';').collect();
        if f.len() < 10 || !f[7].is_empty() {
            continue;
        }
        let (Ok(from), end) = (f[8].parse::<NaiveDate>(), f[9].parse::<NaiveDate>().ok()) else {
            continue;
        };
        if active_in(from, end, year) {
            found.insert(format!("{}:{}", f[0], f[1]));
        }
    }
    for point in found {
        p.report(Expected::record(&point, "active contract without unit key"));
    }
}
