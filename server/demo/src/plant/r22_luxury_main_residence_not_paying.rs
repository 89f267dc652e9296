//! R22 — luxury main residence not paying (L. 160/2019 c. 740, c. 748-749).
//!
//! Catalogue: a unit in A/1, A/8 or A/9 on 1 January of Y where a holder with an IMU right is
//! registered resident in Y: the tax at the main-residence rate for those months, after his
//! part of the €200 deduction, is positive and he paid nothing on code 3912 for Y.
//!
//! The generator builds no luxury categories (its villas are A/7). Planted on owner-occupied
//! villas (one owner, resident since before the tax year, residence linked by unit key),
//! registered as A/8 (*ville*) instead:
//! - a true case: the owner paid nothing (the villa was treated as an exempt main residence);
//! - a near miss: the owner paid the due on code 3912.
//!
//! [`record`] computes every case from the final units, residences, dues and F24 payments.

use std::collections::{HashMap, HashSet};

use super::facts::Facts;
use super::facts::{
    Imu, Index, f24_paid, holder_dues_of, leases, month_mask, pays_imu, residence_mask,
};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;

/// Planting of R22.
pub(crate) const PLANTING: Planting = Planting { rule: "R22", plant };

/// Owner-occupied villas: (unit, IMU position of the owner).
fn villas(town: &Municipality) -> Vec<(usize, usize)> {
    let jan1 = ymd(town.tax_year - 1, 1, 1);
    // current holdings per unit; (person, unit) of the rows linked by unit key since before
    // the year before
    let mut current: HashMap<usize, usize> = HashMap::new();
    for x in town.holdings.iter().filter(|x| x.valid_to.is_none()) {
        *current.entry(x.unit).or_default() += 1;
    }
    let linked_rows: HashSet<(usize, usize)> = town
        .residents
        .iter()
        .filter(|r| r.unit_key.is_some() && r.to.is_none() && r.from < jan1)
        .map(|r| (r.person, r.unit))
        .collect();
    let mut out = Vec::new();
    for (i, pos) in town.imu_positions.iter().enumerate() {
        let h = &town.holdings[pos.holding];
        let u = &town.units[h.unit];
        let crate::entities::SubjectRef::Person(person) = h.subject else {
            continue;
        };
        let villa = u.states.len() == 1
            && u.current()
                .is_some_and(|s| s.category == crate::Category::new('A', 7));
        let sole = h.right == "10" && h.share_num == h.share_den && h.valid_from < jan1;
        if !villa || !sole || pos.main_residence_months != 12 {
            continue;
        }
        let others = current.get(&h.unit).copied().unwrap_or(0);
        let linked = linked_rows.contains(&(person, h.unit));
        if others == 1 && linked {
            out.push((h.unit, i));
        }
        if out.len() == 2 {
            break;
        }
    }
    out
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let found = villas(town);
    let [(unpaid, _), (paying, position)] = found[..] else {
        return;
    };
    for u in [unpaid, paying] {
        for s in &mut town.units[u].states {
            s.category = crate::Category::new('A', 8);
        }
    }
    // the paying owner pays the due at the luxury main-residence rate less the deduction
    let imu = Imu::new(town);
    let ix = Index::new(town);
    let code = imu.code(
        town,
        town.holdings[town.imu_positions[position].holding].subject,
    );
    let key = town.units[paying].key.clone();
    let due: f64 = holder_dues_of(town, &imu, &ix, &leases(town), &[code.clone()].into())
        .get(&code)
        .into_iter()
        .flatten()
        .filter(|i| i.object == key)
        .map(|i| i.amount)
        .sum();
    town.imu_positions[position].paid = (due * 100.0).round() / 100.0;
    p.near_miss(Expected::unit(
        &key,
        format!("luxury main residence, {due:.2} € paid on 3912"),
    ));
}

/// Recording of every R22 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R22",
    record,
};

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let imu = facts.imu();
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
    let ix = facts.index();
    let dues = facts.dues();
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
            if mask & residence_mask(ix, &code, u, year) == 0 {
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
