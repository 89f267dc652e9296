//! R18 — IMU paid below the due (L. 160/2019 c. 738-783).
//!
//! Catalogue: per holder, due = Σ of the tax of fiscal-rules.md §1.7 on his holdings for Y
//! (rates and tariffs of the reference's defaults), paid = Σ of his F24 lines for Y, all tax
//! codes together; a holder due less than €12 is never flagged; a case when due − paid >
//! max(€12, 2 % of the due).
//!
//! Planted on absent owners of one empty dwelling (one holding, nothing else held):
//! - a true case: half the due paid;
//! - a near miss: the due paid but for one cent less than the tolerance (2 % or €12).
//!
//! Baseline: `fiscal::imu_positions` leaves 6 % of dues unpaid, 5 % half paid and 3 % paid at
//! 80 %, at the generator's 1.06 % rate; [`record`] computes each holder's due by the
//! reference's formulas on the final holdings, residences, declarations and leases, and his
//! F24 payments as written, and records every holder whose gap exceeds the tolerance.

use super::facts::Facts;
use super::facts::{
    Imu, Index, empty_dwellings_of_absent_owners, f24_amounts, holder_dues_of, leases, rates,
};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::entities::SubjectRef;

/// Planting of R18.
pub(crate) const PLANTING: Planting = Planting { rule: "R18", plant };

/// Recording of every R18 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R18",
    record,
};

/// Minimum gap and relative tolerance of the catalogue.
fn tolerance(due: f64) -> f64 {
    12.0_f64.max(0.02 * due)
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let imu = Imu::new(town);
    let ix = Index::new(town);
    let owned = empty_dwellings_of_absent_owners(town);
    let codes = owned
        .iter()
        .map(|&(_, owner)| imu.code(town, SubjectRef::Person(owner)))
        .collect();
    let dues = holder_dues_of(town, &imu, &ix, &leases(town), &codes);
    // (position, due, unit key) of absent owners holding one dwelling with one position
    let mut by_subject: std::collections::BTreeMap<SubjectRef, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, pos) in town.imu_positions.iter().enumerate() {
        by_subject
            .entry(town.holdings[pos.holding].subject)
            .or_default()
            .push(i);
    }
    let mut picks = Vec::new();
    for (u, owner) in owned {
        let code = imu.code(town, SubjectRef::Person(owner));
        let positions: &[usize] = by_subject
            .get(&SubjectRef::Person(owner))
            .map_or(&[], Vec::as_slice);
        let Some(items) = dues.get(&code) else {
            continue;
        };
        let due: f64 = items.iter().map(|i| i.amount).sum();
        if let [pos] = positions[..]
            && town.holdings[town.imu_positions[pos].holding].unit == u
            && due > 200.0
            && items.iter().all(|i| i.object == town.units[u].key)
        {
            picks.push((pos, due, town.units[u].key.clone()));
        }
        if picks.len() == 8 {
            break;
        }
    }
    if picks.len() < 2 {
        return;
    }
    // the last two picks: the first ones sit among other plantings' dwellings
    let (half, almost) = (&picks[picks.len() - 2], &picks[picks.len() - 1]);
    town.imu_positions[half.0].paid = ((half.1 / 2.0) * 100.0).round() / 100.0;
    let paid = ((almost.1 - tolerance(almost.1)) * 100.0).ceil() / 100.0 + 0.01;
    town.imu_positions[almost.0].paid = paid;
    p.near_miss(Expected::unit(
        &almost.2,
        format!(
            "due {:.2} €, paid {paid:.2} €: the gap is within the tolerance of {:.2} €",
            almost.1,
            tolerance(almost.1)
        ),
    ));
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let paid = f24_amounts(town);
    let mut out = Vec::new();
    for (code, items) in facts.dues() {
        let due: f64 = items.iter().map(|i| i.amount).sum();
        if due < rates::MIN_PAYABLE {
            continue;
        }
        let paid = paid.get(code.as_str()).copied().unwrap_or(0.0);
        if due - paid <= tolerance(due) {
            continue;
        }
        let Some(largest) = items.iter().max_by(|a, b| {
            a.amount
                .total_cmp(&b.amount)
                .then_with(|| b.object.cmp(&a.object))
        }) else {
            continue;
        };
        out.push(Expected::unit(
            &largest.object,
            format!("due {due:.2} €, paid {paid:.2} €"),
        ));
    }
    for e in out {
        p.report(e);
    }
}
