//! R01 — Building on a parcel classified as agricultural land, "ghost building" (catalogue
//! §A R01).
//!
//! Planted on two bare agricultural parcels (no building, no unit), a small shed each, drawn on
//! the cadastral map (CXF outline `nnn+`) and in the topographic database:
//! - 12.25 m² (3.5 m square) → **case**, once per footprint source (`topographic:<id>`,
//!   `cxf:<parcel>+`);
//! - 7.51 m² (2.74 m square), below `min_area` = 8 m² → **near miss** (the outline is still an
//!   R04 case: an outline on a parcel without units).
//!
//! The recording lists every building of the generator at least `min_area` large on an
//! agricultural parcel (quality 1–250, special account not 1) without units on D: the rural
//! buildings the generator leaves undeclared on farmland, and the planted shed. Buildings lie
//! inside their parcel, so the overlap share is 1.

use geo_types::{Coord, LineString, Polygon};

use super::cadastre::{ParcelIndex, bare_agricultural};
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::entities::{Building, BuildingKind};
use crate::{Municipality, geom};

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R01", plant };

/// Recording of every R01 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R01",
    record,
};

const MIN_AREA_M2: f64 = 8.0;

/// Adds a square shed of side `side` at the centroid of parcel `p`; returns its index.
pub(crate) fn add_shed(town: &mut Municipality, at: usize, side: f64) -> usize {
    let parcel = &town.parcels[at];
    let centre = geom::centroid(&parcel.geometry);
    let (x, y) = (geom::round_cm(centre.x()), geom::round_cm(centre.y()));
    let h = geom::round_cm(side / 2.0);
    let ring = LineString(vec![
        Coord { x: x - h, y: y - h },
        Coord { x: x + h, y: y - h },
        Coord { x: x + h, y: y + h },
        Coord { x: x - h, y: y + h },
        Coord { x: x - h, y: y - h },
    ]);
    let footprint = Polygon::new(ring, vec![]);
    let footprint_m2 = geom::area(&footprint);
    let n = town
        .buildings
        .iter()
        .filter(|b| b.parcel_key == parcel.key)
        .count()
        + 1;
    town.buildings.push(Building {
        id: format!("{}-{n}", parcel.key),
        parcel_key: parcel.key.clone(),
        kind: BuildingKind::Accessory,
        footprint,
        footprint_m2,
        floors: 1,
        height_m: 2.5,
        year_built: 2019,
        survey_date: crate::dates::ymd(2024, 5, 14),
        address_key: None,
    });
    town.buildings.len() - 1
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let parcels = bare_agricultural(town, 4, 2);
    let [case, near] = parcels[..] else { return };
    add_shed(town, case, 3.5);
    let b = add_shed(town, near, 2.74);
    let (id, key) = (town.buildings[b].id.clone(), town.parcels[near].key.clone());
    let note = format!(
        "shed of {:.2} m² on farmland: below min_area 8 m²",
        town.buildings[b].footprint_m2
    );
    p.near_miss(Expected::parcel(&key, &note).with_record(&format!("topographic:{id}")));
    p.near_miss(Expected::parcel(&key, note).with_record(&format!("cxf:{key}+")));
}

/// An agricultural quality of the current TER state (censuario.md §7.4).
pub(crate) fn agricultural(q: u16, special_account: Option<&str>) -> bool {
    (1..=250).contains(&q) && special_account != Some("1")
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let ix = ParcelIndex::new(town);
    for (i, parcel) in town.parcels.iter().enumerate() {
        if !ix.built(i)
            || !agricultural(parcel.quality, parcel.special_account)
            || !ix.units_on(town, i, d).is_empty()
        {
            continue;
        }
        for b in town.buildings.iter().filter(|b| b.parcel_key == parcel.key) {
            if geom::area(&b.footprint) < MIN_AREA_M2 {
                continue;
            }
            let note = format!(
                "{:.2} m² building on farmland without units",
                b.footprint_m2
            );
            p.report(
                Expected::parcel(&parcel.key, &note).with_record(&format!("topographic:{}", b.id)),
            );
            p.report(
                Expected::parcel(&parcel.key, note).with_record(&format!("cxf:{}+", parcel.key)),
            );
        }
    }
}
