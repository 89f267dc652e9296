//! R05 — footprint volume versus declared surfaces: undeclared extensions (L. 311/2004
//! c. 336: variations not declared).
//!
//! Aggregated per parcel (the catalogue's advice for parcels hosting several buildings):
//! footprints attributed to the parcel as in R01 (at least `min_overlap_share` of the
//! footprint's area inside it); `gross_floor_area = Σ footprint area × floors` (floors from
//! height / 3.0 m when missing; a footprint without either is skipped); `declared = Σ total
//! cadastral surface` of the units on the parcel on D (surfaces supply, else FAB surface);
//! anomaly when the parcel has units and `declared / gross_floor_area < ratio_min` (0.6).
//! Key `parcel_key`. No gap: the missing rent is unknown until declared.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::Area;
use segit_model::{Anomaly, Confidence, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source, intersection_area, parcel_ref};
use crate::params::Params;

/// R05.
#[derive(Debug, Default)]
pub struct R05UndeclaredExtension;

impl Rule for R05UndeclaredExtension {
    fn id(&self) -> &'static str {
        "R05"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Footprint volume above the declared surfaces"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Footprints,
            Source::MapParcels,
            Source::Units,
            Source::Surfaces,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let maps = inputs.data.map_parcels.as_deref().unwrap_or_default();
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let surfaces = inputs.data.surfaces.as_deref().unwrap_or_default();
        // map parcel → (gross floor area, footprint ids, earliest survey)
        let mut per_parcel: BTreeMap<usize, (f64, Vec<String>, Option<NaiveDate>)> =
            BTreeMap::new();
        for f in inputs.data.footprints.iter().flatten() {
            let area = f.geometry.unsigned_area();
            let Some(floors) = f.building.effective_floors() else {
                continue;
            };
            if area <= 0.0 {
                continue;
            }
            for mi in inputs.parcel_tree().candidates(&f.geometry) {
                if intersection_area(&f.geometry, &maps[mi].geometry) / area
                    < params.rules.r01_min_overlap_share
                {
                    continue;
                }
                let e = per_parcel.entry(mi).or_default();
                e.0 += area * f64::from(floors);
                e.1.push(f.building.building_id.clone());
                e.2 = match (e.2, f.building.survey_date) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        let mut out = Vec::new();
        for (mi, (gfa, ids, survey)) in per_parcel {
            let on_parcel = inputs.units_on_parcel(&parcel_ref(&maps[mi].parcel_key), as_of);
            if on_parcel.is_empty() || gfa <= 0.0 {
                continue;
            }
            let declared: f64 = on_parcel
                .iter()
                .filter_map(|&u| {
                    inputs
                        .surface_of_unit(u)
                        .map(|s| f64::from(surfaces[s].total_m2))
                        .or_else(|| {
                            units[u]
                                .state_at(as_of)
                                .and_then(|s| s.surface_m2)
                                .map(f64::from)
                        })
                })
                .sum();
            let ratio = declared / gfa;
            if ratio >= params.rules.r05_ratio_min {
                continue;
            }
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .parcel(maps[mi].parcel_key.clone())
                    .evidence("gross_floor_area_m2", (gfa * 100.0).round() / 100.0)
                    .evidence("declared_m2", declared)
                    .evidence("ratio", (ratio * 1000.0).round() / 1000.0)
                    .evidence("units", on_parcel.len() as i64)
                    .evidence("footprints", text_list(ids))
                    .evidence_date(survey)
                    .confidence(Confidence::SPATIAL_FOOTPRINT)
                    .build(),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Footprint;
    use crate::testkit::*;
    use segit_model::{Building, BuildingUse};

    fn footprint(id: &str, x: f64, floors: Option<u32>, height: Option<f64>) -> Footprint {
        Footprint {
            building: Building {
                building_id: id.into(),
                height_m: height,
                floors,
                use_class: BuildingUse::Residential,
                survey_date: None,
            },
            geometry: square(x + 10.0, 10.0, 10.0),
        }
    }

    #[test]
    fn declared_surfaces_against_gross_floor_area() {
        let mut data = all_sources();
        data.map_parcels = Some(
            (0..3)
                .map(|i| {
                    map_parcel(
                        &format!("F205_001200.{}", 101 + i),
                        square(f64::from(i as u8) * 100.0, 0.0, 100.0),
                    )
                })
                .collect(),
        );
        data.units = Some(
            (0..3)
                .map(|i| {
                    unit(
                        i + 1,
                        vec![state(
                            &[&format!("F205//12/{}/1", 101 + i)],
                            Some("A02"),
                            d(2000, 1, 1),
                            None,
                        )],
                    )
                })
                .collect(),
        );
        data.surfaces = Some(vec![
            surface("F205//12/101/1", "A02", 100, 95),
            surface("F205//12/102/1", "A02", 180, 170),
            surface("F205//12/103/1", "A02", 100, 95),
        ]);
        data.footprints = Some(vec![
            footprint("B1", 0.0, Some(3), None), // 300 m² gross, 100 declared → 0.33: positive
            footprint("B2", 100.0, None, Some(9.1)), // 3 floors from height, 180/300 = 0.6: near miss
            footprint("B3", 200.0, None, None),      // no floors nor height: skipped
        ]);
        let out = R05UndeclaredExtension
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.parcel_key.as_ref().unwrap().to_string(),
            "F205_001200.101"
        );
    }
}
