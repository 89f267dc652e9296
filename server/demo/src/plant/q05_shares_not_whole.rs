//! Q05 — TIT shares of a property at date D do not sum to 1 per right type (catalogue §E Q05).
//!
//! Planted on a built urban parcel, two dedicated units under construction (F/3 since March of
//! the tax year: no rent, no IMU due, no address), each held in ownership (right 10) from
//! March of the tax year by existing persons:
//! - one holder of 1/2 and nobody else: the shares sum to 1/2 → **case**;
//! - two holders of 1/3 and 2/3: the shares sum to 1 → **near miss**.
//!
//! The recording lists every unit with a right whose holdings valid on D do not sum to 1.

use std::collections::BTreeMap;

use super::cadastre::{add_holding, add_unit_without_holders, building_of, built_urban, f_state};
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::entities::{Category, SubjectRef};

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "Q05", plant };

/// Recording of every Q05 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "Q05",
    record,
};

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let Some(&parcel) = built_urban(town, 4, 1).first() else {
        return;
    };
    if town.persons.len() < 3 {
        return;
    }
    let building = building_of(town, parcel);
    let since = crate::dates::ymd(town.tax_year, 3, 2);
    let cases: [&[(usize, u32, u32)]; 2] = [&[(0, 1, 2)], &[(1, 1, 3), (2, 2, 3)]];
    for (k, shares) in cases.into_iter().enumerate() {
        let unit = add_unit_without_holders(
            town,
            parcel,
            building,
            vec![f_state(Category::new('F', 3), since, "COSTITUZIONE")],
        );
        for &(person, num, den) in shares {
            add_holding(town, unit, SubjectRef::Person(person), (num, den), since);
        }
        if k == 1 {
            p.near_miss(Expected::unit(
                &town.units[unit].key,
                "ownership shares 1/3 + 2/3 = 1",
            ));
        }
    }
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let day = as_of(town);
    let mut sums: BTreeMap<(usize, &str), (u64, u64)> = BTreeMap::new();
    for h in &town.holdings {
        if h.share_den == 0 || !(h.valid_from <= day && h.valid_to.is_none_or(|t| day < t)) {
            continue;
        }
        let sum = sums.entry((h.unit, h.right)).or_insert((0, 1));
        let (n, d) = (u64::from(h.share_num), u64::from(h.share_den));
        let (num, den) = (sum.0 * d + n * sum.1, sum.1 * d);
        let common = gcd(num, den).max(1);
        *sum = (num / common, den / common);
    }
    for ((unit, right), (num, den)) in sums {
        if num != den {
            p.report(Expected::unit(
                &town.units[unit].key,
                format!("right {right}: shares sum to {num}/{den}"),
            ));
        }
    }
}
