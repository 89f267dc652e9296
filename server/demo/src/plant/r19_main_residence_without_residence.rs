//! R19 — main-residence exemption without residence (L. 160/2019 c. 740-741; Corte
//! costituzionale 209/2022).
//!
//! Catalogue: a dwelling (group A except A/1, A/8, A/9, A/10 on 1 January of Y) treated as a
//! holder's main residence — a characteristic-5 declaration in effect, or nothing paid for Y
//! and no other property — while the holder has no month of registered residence in it in Y
//! (a month counts when more than half of its days are resident).
//!
//! Planted on empty dwellings of absent owners, each declaring characteristic 5 for the year
//! before the tax year:
//! - a true case: the owner never lives there;
//! - a true case: the owner registers residence there from 17 December (15 of 31 days: no
//!   month);
//! - a near miss: the owner registers residence from 16 December (16 of 31 days: December
//!   counts).
//!
//! Baseline: owners who paid nothing for the year and hold one dwelling they do not live in
//! (`fiscal::imu_positions` leaves 6 % of dues unpaid), and owner-occupiers whose residence
//! the registry cannot link to the unit (no unit key, no internal number); [`record`] records
//! every such claim of the final municipality.

use super::facts::Facts;
use super::facts::{
    add_household, empty_dwellings_of_absent_owners, main_residence_scope, month_mask, pays_imu,
    residence_mask,
};
use super::imu_declarations::{BlockProperty, DeclaredBlock};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::dates::ymd;
use crate::entities::SubjectRef;

/// Planting of R19.
pub(crate) const PLANTING: Planting = Planting { rule: "R19", plant };

/// Recording of every R19 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R19",
    record,
};

/// A characteristic-5 (main residence) declaration of `person` for `unit`.
pub(crate) fn declare_main_residence(
    town: &mut Municipality,
    person: usize,
    unit: usize,
    year: i32,
) {
    declare(town, SubjectRef::Person(person), unit, year, 5, 0);
}

/// A declaration block of `declarant` for an existing `unit`.
pub(crate) fn declare(
    town: &mut Municipality,
    declarant: SubjectRef,
    unit: usize,
    year: i32,
    characteristic: u64,
    reduction: u8,
) {
    let base = town.units[unit]
        .current()
        .and_then(|s| Some(s.rent? * 1.05 * s.category.imu_multiplier()?))
        .unwrap_or(0.0);
    town.planted.imu_blocks.push(DeclaredBlock {
        declarant,
        tax_period: year,
        characteristic,
        reduction,
        property: BlockProperty::Unit(unit),
        base: base.round().max(0.0) as u64,
        share: (1, 1),
        acquired: ymd(year, 1, 1),
    });
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let year = town.tax_year;
    let list = empty_dwellings_of_absent_owners(town);
    if list.len() < 6 {
        return;
    }
    // from the middle of the list: the ends are used by other plantings
    let mid = list.len() / 2;
    let (never, late, just) = (list[mid - 1], list[mid], list[mid + 1]);
    for &(u, owner) in &[never, late, just] {
        declare_main_residence(town, owner, u, year - 1);
    }
    // reported by `record`: `never`, and `late` (resident from 17 December)
    add_household(town, late.0, &[late.1], ymd(year, 12, 17));
    add_household(town, just.0, &[just.1], ymd(year, 12, 16));
    p.near_miss(Expected::unit(
        &town.units[just.0].key,
        "declared main residence; the owner is resident from 16 December: one month",
    ));
}

fn record(town: &Municipality, facts: &Facts, p: &mut Planter) {
    let imu = facts.imu();
    let ix = facts.index();
    let mut holdings = std::collections::BTreeMap::<usize, Vec<usize>>::new();
    for (i, h) in town.holdings.iter().enumerate() {
        holdings.entry(h.unit).or_default().push(i);
    }
    let mut out = Vec::new();
    for (u, unit) in town.units.iter().enumerate() {
        if !main_residence_scope(unit, imu.year) {
            continue;
        }
        for &hi in holdings.get(&u).map_or(&[][..], Vec::as_slice) {
            let h = &town.holdings[hi];
            if !pays_imu(h) || month_mask(h.valid_from, h.valid_to, imu.year) == 0 {
                continue;
            }
            let code = imu.code(town, h.subject);
            if !imu.claims_main_residence(&code, u) || residence_mask(ix, &code, u, imu.year) != 0 {
                continue;
            }
            out.push(Expected::unit(
                &unit.key,
                format!(
                    "holding {} claimed as main residence, no month of residence",
                    h.id
                ),
            ));
        }
    }
    for e in out {
        p.report(e);
    }
}
