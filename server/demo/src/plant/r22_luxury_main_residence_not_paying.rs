//! R22 — luxury main residence not paying (L. 160/2019 c. 740, c. 748-749).
//!
//! Catalogue: a unit in A/1, A/8 or A/9 on 1 January of Y where a holder with an IMU right is
//! registered resident in Y: the tax at the main-residence rate for those months, after his
//! part of the €200 deduction, is positive and he paid nothing on code 3912 for Y.
//!
//! The demo builds no luxury categories (its villas are A/7), so the rule has no case and
//! nothing to plant without changing categories other rules read; [`record`] still computes
//! every case from the final units, residences, dues and F24 payments, so that a luxury unit
//! added to the generator is recorded.

use super::facts::{Imu, Index, f24_paid, holder_dues, month_mask, pays_imu, residence_mask};
use super::{Expected, Planter, Planting};
use crate::Municipality;
use crate::dates::ymd;

/// Recording of every R22 case of the final municipality.
pub(crate) const RECORD: Planting = Planting {
    rule: "R22",
    plant: record,
};

fn record(town: &mut Municipality, p: &mut Planter) {
    let imu = Imu::new(town);
    let year = imu.year;
    let luxury: Vec<usize> = (0..town.units.len())
        .filter(|&u| {
            town.units[u]
                .state_at(ymd(year, 1, 1))
                .is_some_and(|s| s.category.is_luxury())
        })
        .collect();
    if luxury.is_empty() {
        return;
    }
    let ix = Index::new(town);
    let dues = holder_dues(town, &imu, &ix);
    let paid = f24_paid(town);
    let mut out = Vec::new();
    for u in luxury {
        let key = &town.units[u].key;
        for h in town.holdings.iter().filter(|h| h.unit == u) {
            let mask = month_mask(h.valid_from, h.valid_to, year);
            if !pays_imu(h) || mask == 0 {
                continue;
            }
            let code = imu.code(town, h.subject);
            if mask & residence_mask(&ix, &code, u, year) == 0 {
                continue;
            }
            let due: f64 = dues
                .get(&code)
                .into_iter()
                .flatten()
                .filter(|i| &i.object == key && i.code == "3912")
                .map(|i| i.amount)
                .sum();
            if due > 0.0 && !paid.contains(&(code.clone(), "3912")) {
                out.push(Expected::unit(
                    key,
                    format!("luxury main residence, due {due:.2} € on 3912, nothing paid"),
                ));
            }
        }
    }
    for e in out {
        p.report(e);
    }
}
