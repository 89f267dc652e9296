//! R03 — Rural building still in the land cadastre (catalogue §A R03).
//!
//! Planted on two bare agricultural parcels (no building, no unit):
//! - quality 279 FABB RURALE → **case** (a rural building never moved to the buildings
//!   cadastre after 30 November 2012);
//! - quality 280 FABB DIRUTO (a ruin: building-related, but not one of the rural qualities
//!   277, 279, 281, 283) → **near miss**.
//!
//! The recording lists every parcel whose (only, current) TER state has a rural quality.

use super::cadastre::bare_agricultural;
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R03", plant };

/// Recording of every R03 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R03",
    record,
};

const RURAL: [u16; 4] = [277, 279, 281, 283];

fn plant(town: &mut Municipality, p: &mut Planter) {
    let parcels = bare_agricultural(town, 2, 2);
    let [case, near] = parcels[..] else { return };
    for (i, quality, name) in [(case, 279, "FABB RURALE"), (near, 280, "FABB DIRUTO")] {
        let parcel = &mut town.parcels[i];
        parcel.quality = quality;
        parcel.quality_name = name;
        parcel.class = None;
        parcel.reddito_dominicale = None;
        parcel.reddito_agrario = None;
    }
    p.near_miss(Expected::parcel(
        &town.parcels[near].key,
        "quality 280 FABB DIRUTO: not a rural quality",
    ));
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    for parcel in &town.parcels {
        if RURAL.contains(&parcel.quality) {
            p.report(Expected::parcel(
                &parcel.key,
                format!("quality {} {}", parcel.quality, parcel.quality_name),
            ));
        }
    }
}
