//! R08 — F/3 or F/4 lasting too long, or F/3/F/4 with signs of use (catalogue §A R08).
//!
//! Planted on a built urban parcel, four dedicated units without holders, occupants or
//! address (so no sign of use links to them), their current state generated on a calendar
//! boundary of the as-of date D (2025-12-31):
//! - F/3 since D − 3 years − 1 day: the third anniversary falls the day before D → **case**;
//! - F/3 since exactly D − 3 years: the anniversary is D itself, not strictly before D →
//!   **near miss**;
//! - F/4 since D − 12 months − 1 day → **case**; F/4 since exactly D − 12 months → **near
//!   miss**.
//!
//! The recording lists every unit whose state on D is F/3 or F/4 and either too old (calendar
//! periods of `f3_max_years` = 3, `f4_max_months` = 12, the reference's defaults) or occupied on
//! D (the occupancies are what residents, TARI premises, leases and contracts describe).

use std::collections::HashSet;

use chrono::{Months, NaiveDate};

use super::cadastre::{add_unit, building_of, built_urban, f_state};
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::dates::{add_years, day_before};
use crate::entities::Category;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R08", plant };

/// Recording of every R08 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R08",
    record,
};

const F3: Category = Category::new('F', 3);
const F4: Category = Category::new('F', 4);

fn f4_since(d: NaiveDate) -> NaiveDate {
    d.checked_sub_months(Months::new(12)).unwrap_or(d)
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = as_of(town);
    let Some(&parcel) = built_urban(town, 0, 1).first() else {
        return;
    };
    let building = building_of(town, parcel);
    let cases = [
        (
            F3,
            day_before(add_years(d, -3)),
            true,
            "F/3 since D − 3 years − 1 day",
        ),
        (
            F3,
            add_years(d, -3),
            false,
            "F/3 since exactly D − 3 years: anniversary on D",
        ),
        (
            F4,
            day_before(f4_since(d)),
            true,
            "F/4 since D − 12 months − 1 day",
        ),
        (
            F4,
            f4_since(d),
            false,
            "F/4 since exactly D − 12 months: anniversary on D",
        ),
    ];
    for (category, from, case, note) in cases {
        let u = add_unit(
            town,
            parcel,
            building,
            vec![f_state(category, from, "COSTITUZIONE")],
        );
        if !case {
            p.near_miss(Expected::unit(&town.units[u].key, note));
        }
    }
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let occupied_on_d: HashSet<usize> = town
        .occupancies
        .iter()
        .filter(|o| o.from <= d && o.to.is_none_or(|t| d < t))
        .flat_map(|o| o.units.iter().copied())
        .collect();
    for (i, u) in town.units.iter().enumerate() {
        let Some(s) = u.state_at(d) else { continue };
        let too_old = if s.category == F3 {
            add_years(s.valid_from, 3) < d
        } else if s.category == F4 {
            s.valid_from
                .checked_add_months(Months::new(12))
                .is_some_and(|a| a < d)
        } else {
            continue;
        };
        let occupied = occupied_on_d.contains(&i);
        if too_old || occupied {
            p.report(Expected::unit(
                &u.key,
                format!(
                    "{} since {}{}",
                    s.category.display(),
                    s.valid_from,
                    if occupied { ", occupied on D" } else { "" }
                ),
            ));
        }
    }
}
