//! R25 — IMU declared on identifiers missing from the cadastre (L. 160/2019 c. 769;
//! L. 311/2004 c. 336).
//!
//! Catalogue: F24 lines carry no cadastral identifiers, so the check runs on the declarations
//! in effect: a position whose urban identifiers do not exist in FAB on 31 December of its
//! tax period (units not yet registered, or registered differently).
//!
//! Planted as declarations of the year before the tax year by a holder of the parcel:
//! - a true case: a subalterno the parcel does not have (an undeclared unit);
//! - a true case: a unit declared for the year before its first cadastral state (registered
//!   only after the end of the declaration's tax period);
//! - a near miss: the same parcel's existing unit, declared with its own identifiers.
//!
//! Baseline: the generator declares only units existing at the end of the acquisition year,
//! so [`record`] finds only the planted positions.

use super::facts::Facts;
use super::facts::declared_positions;
use super::imu_declarations::{BlockProperty, DeclaredBlock};
use super::{Expected, Planter, Planting, Recording};
use chrono::Datelike;

use crate::Municipality;
use crate::dates::ymd;

/// Planting of R25.
pub(crate) const PLANTING: Planting = Planting { rule: "R25", plant };

/// Recording of every R25 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R25",
    record,
};

fn block(
    town: &Municipality,
    u: usize,
    property: BlockProperty,
    year: i32,
) -> Option<DeclaredBlock> {
    let h = town
        .holdings
        .iter()
        .find(|h| h.unit == u && h.valid_to.is_none() && super::facts::pays_imu(h))?;
    Some(DeclaredBlock {
        declarant: h.subject,
        tax_period: year,
        characteristic: 3,
        reduction: 0,
        property,
        base: 0,
        share: (h.share_num, h.share_den),
        acquired: ymd(year, 1, 1),
    })
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let year = town.tax_year - 1;
    let jan1 = ymd(year, 1, 1);
    // units existing since before the declaration year, and units first registered in the
    // tax year (after the declaration's tax period)
    let old: Vec<usize> = (0..town.units.len())
        .filter(|&u| {
            town.units[u]
                .states
                .first()
                .is_some_and(|s| s.valid_from < jan1)
        })
        .collect();
    let new: Vec<(usize, i32)> = (0..town.units.len())
        .filter_map(|u| {
            let first = town.units[u].states.first()?.valid_from.year();
            (2013..=town.tax_year)
                .contains(&first)
                .then_some((u, first - 1))
        })
        .collect();
    if old.len() < 4 {
        return;
    }
    let (missing, existing) = (old[old.len() / 3], old[old.len() * 2 / 3]);
    let u = &town.units[missing];
    let subalterno = town
        .units
        .iter()
        .filter(|x| x.foglio == u.foglio && x.particella == u.particella)
        .map(|x| x.subalterno)
        .max()
        .unwrap_or(0)
        + 100;
    let (foglio, particella) = (u.foglio, u.particella.clone());
    // reported by `record`
    let mut blocks = Vec::new();
    blocks.extend(block(
        town,
        missing,
        BlockProperty::Identifiers {
            foglio,
            particella,
            subalterno,
        },
        year,
    ));
    blocks.extend(block(town, existing, BlockProperty::Unit(existing), year));
    p.near_miss(Expected::unit(
        &town.units[existing].key,
        "declared with the identifiers of a unit in the cadastre",
    ));
    if let Some(&(fresh, before)) = new.last() {
        blocks.extend(block(town, fresh, BlockProperty::Unit(fresh), before));
    }
    town.planted.imu_blocks.extend(blocks);
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let mut out = Vec::new();
    for (period, key, unit) in declared_positions(town) {
        if period > town.tax_year {
            continue;
        }
        let end = ymd(period, 12, 31);
        let known = unit.is_some_and(|u| town.units[u].state_at(end).is_some());
        if !known {
            out.push(Expected::unit(
                &key,
                format!("declared for {period}, not in the cadastre on 31 December"),
            ));
        }
    }
    for e in out {
        p.report(e);
    }
}
