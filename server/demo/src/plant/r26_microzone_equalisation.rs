//! R26 — microzone eligible for the c. 335 equalisation (L. 311/2004 c. 335; Determinazione
//! 16 febbraio 2005).
//!
//! Catalogue (fiscal-rules.md §4.2): per microzone, the market value `Vm` (mean OMI midpoint
//! of civil dwellings, state NORMALE) over the cadastral value `Vc` (Σ rent × 1.05 × 100 /
//! Σ total surface of its dwellings, A/10 excluded); a microzone is eligible when its ratio
//! exceeds the surface-weighted municipal ratio by more than 35 %, with at least three
//! microzones taking part.
//!
//! The demo's market zones (`supply/omi.rs`) are one per microzone: the historic centre (B1,
//! price level 1.6, the planted case), the semi-centre (C1, 1.0) and the periphery (D1, 0.8),
//! while the
//! generator's rents follow the class of the buildings (old in the centre) and a 15 % uplift
//! in the historic census zone. [`record`] computes the indicator from the OMI values the
//! supply writes and the final units, rents and surfaces, locating each dwelling by its
//! parcel, and records the eligible microzones as cases and the others as near misses when
//! their deviation lies within 20 points of the threshold. A microzone whose deviation is
//! within one point of the threshold, where locating the few parcels that straddle a zone
//! border could change the verdict, is left out of the truth (it is neither asserted as a
//! case nor as a near miss) — the demo's levels keep every microzone far from it.

use std::collections::BTreeMap;

use super::facts::Facts;
use super::facts::surface_file;
use super::{Expected, Planter, Recording};
use crate::Municipality;

/// Recording of every R26 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R26",
    record,
};

/// The catalogue's threshold.
const THRESHOLD: f64 = 0.35;

/// The microzone deviations `R(z) / R_tot − 1` of the demo (microzone → deviation).
pub(crate) fn deviations(town: &Municipality) -> BTreeMap<u32, f64> {
    let zones = crate::supply::omi::zones(town);
    let d = super::as_of(town);
    // Σ rent, Σ surface per zone
    let mut stock: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for u in &town.units {
        let Some(s) = u.state_at(d) else { continue };
        if !s.category.is_dwelling() {
            continue;
        }
        let Some(rent) = s.rent else { continue };
        let surface = surface_file(u)
            .map(|(t, _)| f64::from(t))
            .or_else(|| s.surface_m2.map(f64::from));
        let Some(surface) = surface.filter(|v| *v > 0.0) else {
            continue;
        };
        let parcel = &town.parcels[u.parcel];
        let z = super::facts::zone_of(&zones, parcel).or_else(|| {
            let c = crate::geom::centroid(&parcel.geometry);
            zones
                .iter()
                .find(|z| use_contains(&z.polygon, c.x(), c.y()))
        });
        let Some(z) = z.and_then(|z| zones.iter().position(|x| std::ptr::eq(x, z))) else {
            continue;
        };
        let e = stock.entry(z).or_insert((0.0, 0.0));
        e.0 += rent;
        e.1 += surface;
    }
    let mut values = Vec::new();
    for (z, (rent, surface)) in stock {
        let lo = (1900.0 * zones[z].level / 50.0).round() * 50.0;
        let hi: f64 = format!("{:.0}", lo * 1.35).parse().unwrap_or(lo);
        let market = f64::midpoint(lo, hi);
        let cadastral = rent * 1.05 * 100.0 / surface;
        values.push((zones[z].microzone, market, cadastral, surface));
    }
    if values.len() < 3 {
        return BTreeMap::new();
    }
    let num: f64 = values.iter().map(|v| v.3 * v.1).sum();
    let den: f64 = values.iter().map(|v| v.3 * v.2).sum();
    let r_tot = num / den;
    values
        .iter()
        .map(|v| (v.0, (v.1 / v.2) / r_tot - 1.0))
        .collect()
}

/// Whether a point is inside a polygon with rectangular rings (the OMI zones).
fn use_contains(zone: &geo_types::Polygon<f64>, px: f64, py: f64) -> bool {
    let inside = |ring: &geo_types::LineString<f64>| {
        let (x0, y0, x1, y1) = super::facts::bbox(ring);
        px > x0 && px < x1 && py > y0 && py < y1
    };
    inside(zone.exterior()) && !zone.interiors().iter().any(inside)
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    for (zone, dev) in deviations(town) {
        if (dev - THRESHOLD).abs() < 0.01 {
            continue;
        }
        if dev > THRESHOLD {
            p.report(Expected::microzone(
                zone,
                format!("ratio {:.0} % above the municipal ratio", dev * 100.0),
            ));
        } else if dev > THRESHOLD - 0.2 {
            p.near_miss(Expected::microzone(
                zone,
                format!(
                    "ratio {:.0} % above the municipal ratio: not above 35 %",
                    dev * 100.0
                ),
            ));
        }
    }
}
