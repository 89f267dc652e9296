//! R10 — Rent per m² far below comparable units (catalogue §A R10).
//!
//! The generator draws rents per m² around a tariff with a spread, so every group of
//! comparable units (same category, same census zone) has a low tail: those units are the
//! cases. The recording restates the rule on the generator's units: current state of an
//! ordinary group with a rent (as the FAB writes it, two decimals) and a cadastral surface (the
//! surfaces file); groups of at least 3; a unit is a case when its rent per m² is below the
//! group's 5th percentile (the value of rank ⌈0.05·n⌉) or below half the group's median.
//!
//! Near miss: in the largest group, the unit with the lowest rent per m² that is not below
//! either threshold.

use std::collections::BTreeMap;

use super::facts::Facts;
use super::facts::surface_file;
use super::{Expected, Planter, Recording, as_of};
use crate::Municipality;

/// Recording (and near miss) of every R10 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R10",
    record,
};

const MIN_GROUP: usize = 3;
const P_LOW: f64 = 0.05;
const K: f64 = 0.5;

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let mut groups: BTreeMap<(String, u8), Vec<(f64, usize)>> = BTreeMap::new();
    for (i, u) in town.units.iter().enumerate() {
        let Some(s) = u.state_at(d) else { continue };
        if !matches!(s.category.group, 'A' | 'B' | 'C') {
            continue;
        }
        let Some(rent) = s
            .rent
            .and_then(|r| format!("{r:.2}").parse::<f64>().ok())
            .filter(|r| *r > 0.0)
        else {
            continue;
        };
        let Some((total, _)) = surface_file(u).filter(|(t, _)| *t > 0) else {
            continue;
        };
        let zone = town.parcels.get(u.parcel).map_or(1, |x| x.census_zone);
        groups
            .entry((s.category.display(), zone))
            .or_default()
            .push((rent / f64::from(total), i));
    }
    let mut near: Option<(usize, f64, usize)> = None;
    for ((category, zone), mut g) in groups {
        let n = g.len();
        if n < MIN_GROUP {
            continue;
        }
        g.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let median = if n % 2 == 1 {
            g[n / 2].0
        } else {
            f64::midpoint(g[n / 2 - 1].0, g[n / 2].0)
        };
        let rank = ((P_LOW * n as f64).ceil() as usize).clamp(1, n);
        let p_low = g[rank - 1].0;
        for &(v, i) in &g {
            if v < p_low || v < K * median {
                p.report(Expected::unit(
                    &town.units[i].key,
                    format!("{category} zone {zone}: {v:.2} €/m² against a median of {median:.2}"),
                ));
            } else {
                if near.is_none_or(|(size, _, _)| n > size) {
                    near = Some((n, v, i));
                }
                break;
            }
        }
    }
    if let Some((_, v, i)) = near {
        p.near_miss(Expected::unit(
            &town.units[i].key,
            format!("{v:.2} €/m²: the lowest rent of its group not below either threshold"),
        ));
    }
}
