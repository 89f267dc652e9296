//! Q04 — SUP area versus computed geometry area differs by more than 5 % (catalogue §E Q04).
//!
//! Planted on two bare agricultural parcels of a sheet written with its SUP (not the last
//! sheet, which the malformed supply writes without one), the registered area (SUP and TER)
//! made larger than the map polygon:
//! - by 6 %: |polygon − SUP| / SUP = 5.7 % > 5 % → **case**;
//! - by 4.5 %: 4.3 % ≤ 5 % → **near miss**.
//!
//! The recording lists every parcel whose registered area, rounded to the square metre as the
//! SUP writes it, differs from its polygon's area by more than 5 % of it.

use super::cadastre::bare_agricultural;
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording};
use crate::{Municipality, geom};

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "Q04", plant };

/// Recording of every Q04 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "Q04",
    record,
};

const MAX_RELATIVE_DIFFERENCE: f64 = 0.05;

fn plant(town: &mut Municipality, p: &mut Planter) {
    let last_sheet = town.parcels.iter().map(|x| x.sheet_key.clone()).max();
    let parcels: Vec<usize> = bare_agricultural(town, 0, 8)
        .into_iter()
        .filter(|&i| Some(&town.parcels[i].sheet_key) != last_sheet.as_ref())
        .take(2)
        .collect();
    let [case, near] = parcels[..] else { return };
    for (i, factor) in [(case, 1.06), (near, 1.045)] {
        let parcel = &mut town.parcels[i];
        parcel.area_m2 = (geom::area(&parcel.geometry) * factor).round();
    }
    p.near_miss(Expected::parcel(
        &town.parcels[near].key,
        "registered area 4.5 % above the polygon's: within 5 %",
    ));
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    for parcel in &town.parcels {
        let sup = crate::supply::text::round_half_up(parcel.area_m2) as f64;
        if sup <= 0.0 {
            continue;
        }
        let diff = (geom::area(&parcel.geometry) - sup).abs() / sup;
        if diff > MAX_RELATIVE_DIFFERENCE {
            p.report(Expected::parcel(
                &parcel.key,
                format!("SUP {sup} m², polygon differs by {:.1} %", diff * 100.0),
            ));
        }
    }
}
