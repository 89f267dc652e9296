//! R14 — TARI surface below 80 % of the cadastral surface (L. 147/2013 c. 646).
//!
//! Catalogue: per premises active on D, S = Σ cadastral surface *excluding uncovered areas*
//! of its units (all in groups A, B, C with a surface), threshold T = 0.8 × S, tolerance
//! max(2 m², 3 % of T); a case when the declared surface is strictly below T − tolerance.
//!
//! Planted, each on its own single-dwelling domestic premises:
//! - a true case declaring the largest whole number of m² strictly below T − tolerance;
//! - a near miss declaring the smallest whole number of m² not below T − tolerance;
//! - a near miss on a dwelling with a balcony or garden: the declaration is below 80 % of the
//!   *total* surface but not of the surface excluding uncovered areas (the total is never
//!   used).
//!
//! Baseline: about 8 % of the generator's declarations understate the surface (factor 0.45–
//! 0.75 in `fiscal::tari_positions`); every premises whose declaration falls below the
//! threshold is recorded by [`record`] from the final premises and surfaces.

use super::facts::Facts;
use super::facts::{surface_file, tari_active_on};
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;

/// Planting of R14.
pub(crate) const PLANTING: Planting = Planting { rule: "R14", plant };

/// Recording of every R14 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R14",
    record,
};

/// S of a premises: `None` when a unit is not ordinary on D or has no surface.
fn surface_excl(town: &Municipality, units: &[usize], d: chrono::NaiveDate) -> Option<f64> {
    let mut seen: Vec<usize> = Vec::new();
    let mut s = 0.0;
    for &u in units {
        let unit = &town.units[u];
        let state = unit.state_at(d)?;
        if !matches!(state.category.group, 'A' | 'B' | 'C') {
            return None;
        }
        let (_, excl) = surface_file(unit)?;
        if !seen.contains(&u) {
            seen.push(u);
            s += f64::from(excl);
        }
    }
    (!seen.is_empty()).then_some(s)
}

/// T − tolerance of a surface S.
fn limit(s: f64) -> f64 {
    let t = 0.8 * s;
    t - 2.0_f64.max(0.03 * t)
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = super::as_of(town);
    // single-dwelling domestic premises active on D, in order
    let candidates: Vec<usize> = (0..town.tari_positions.len())
        .filter(|&i| {
            let t = &town.tari_positions[i];
            t.user_type == "domestic"
                && t.units.len() == 1
                && t.end_date.is_none()
                && tari_active_on(t, d)
                && town.units[t.units[0]]
                    .state_at(d)
                    .is_some_and(|s| s.category.is_dwelling())
                && surface_file(&town.units[t.units[0]]).is_some_and(|(_, e)| e >= 60)
        })
        .collect();
    if candidates.len() < 6 {
        return;
    }
    let step = candidates.len() / 6;
    let pick = |n: usize| candidates[n * step + step / 2];
    let (below, at, total_only) = (pick(1), pick(3), {
        // a dwelling whose total surface exceeds the excluding one by at least 12 %
        candidates
            .iter()
            .copied()
            .rev()
            .find(|&i| {
                surface_file(&town.units[town.tari_positions[i].units[0]])
                    .is_some_and(|(t, e)| f64::from(t) >= 1.12 * f64::from(e))
                    && i != pick(1)
                    && i != pick(3)
            })
            .unwrap_or(pick(5))
    });
    for (i, kind) in [(below, 0), (at, 1), (total_only, 2)] {
        let unit = town.tari_positions[i].units[0];
        let Some((total, excl)) = surface_file(&town.units[unit]) else {
            continue;
        };
        let lim = limit(f64::from(excl));
        let declared = match kind {
            0 => lim.ceil() as u32 - 1,
            _ => lim.ceil() as u32,
        };
        let t = &mut town.tari_positions[i];
        t.declared_m2 = declared;
        let key = town.units[unit].key.clone();
        let record = format!("{}/{}", t.account_id, t.premises_seq);
        match kind {
            0 => {} // reported by `record`
            1 => p.near_miss(Expected::unit(&key, format!(
                "declared {declared} m² vs 80 % of {excl} m² minus tolerance = {lim:.2} m²: not below"
            )).with_record(&record)),
            _ => p.near_miss(Expected::unit(&key, format!(
                "declared {declared} m²: below 80 % of the total {total} m² but not of {excl} m² excluding uncovered areas"
            )).with_record(&record)),
        }
    }
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = super::as_of(town);
    for t in &town.tari_positions {
        if !tari_active_on(t, d) || t.units.is_empty() {
            continue;
        }
        let Some(s) = surface_excl(town, &t.units, d) else {
            continue;
        };
        let lim = limit(s);
        if f64::from(t.declared_m2) >= lim {
            continue;
        }
        let key = &town.units[t.units[0]].key;
        p.report(
            Expected::unit(
                key,
                format!(
                    "declared {} m² vs 80 % of {s} m² minus tolerance = {lim:.2} m²",
                    t.declared_m2
                ),
            )
            .with_record(&format!("{}/{}", t.account_id, t.premises_seq)),
        );
    }
}
