//! R01 — building on a parcel classified as agricultural land ("ghost building").
//!
//! A footprint whose **whole** area is at least `min_area_m2` and which has at least
//! `min_overlap_share` of that area inside a map parcel whose TER state on D is agricultural
//! (quality 1–250, special account not 1), with no *unit on the parcel* (catalogue §0). One
//! anomaly per footprint and parcel; topographic footprints and CXF outlines are checked the
//! same way. Legal basis: L. 311/2004 c. 336; D.L. 262/2006 art. 2 c. 36. Action: c. 336
//! notice. No gap: an undeclared building has no rent yet.

use chrono::NaiveDate;
use geo::Area;
use geo_types::MultiPolygon;
use segit_model::{Anomaly, Confidence, GeometryRef, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source, intersection_area, parcel_ref};
use crate::params::Params;

/// R01.
#[derive(Debug, Default)]
pub struct R01GhostBuilding;

impl R01GhostBuilding {
    #[allow(clippy::too_many_arguments)]
    fn check(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
        id: &str,
        source: &str,
        geometry: &MultiPolygon<f64>,
        survey: Option<NaiveDate>,
        out: &mut Vec<Anomaly>,
    ) -> Result<(), RuleError> {
        let area = geometry.unsigned_area();
        if area < params.rules.r01_min_area_m2 || area <= 0.0 {
            return Ok(());
        }
        let maps = inputs.data.map_parcels.as_deref().unwrap_or_default();
        for i in inputs.parcel_tree().candidates(geometry) {
            let parcel = &maps[i];
            let inside = intersection_area(geometry, &parcel.geometry);
            let share = inside / area;
            if share < params.rules.r01_min_overlap_share {
                continue;
            }
            let r = parcel_ref(&parcel.parcel_key);
            let Some(ter) = inputs.land_state_at(&r, as_of) else {
                continue;
            };
            if !ter.is_agricultural() || !inputs.units_on_parcel(&r, as_of).is_empty() {
                continue;
            }
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .geometry(GeometryRef::BuildingFootprint(id.to_owned()))
                    .parcel(parcel.parcel_key.clone())
                    .record_key(format!("{source}:{id}"))
                    .evidence("footprint_source", source)
                    .evidence("footprint_area_m2", (area * 100.0).round() / 100.0)
                    .evidence(
                        "footprint_share_in_parcel",
                        (share * 1000.0).round() / 1000.0,
                    )
                    .evidence(
                        "land_quality",
                        i64::from(ter.quality.map_or(0, segit_model::LandQuality::code)),
                    )
                    .evidence_date(survey)
                    .confidence(Confidence::SPATIAL_FOOTPRINT)
                    .build(),
            );
        }
        Ok(())
    }
}

impl Rule for R01GhostBuilding {
    fn id(&self) -> &'static str {
        "R01"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Building on a parcel classified as agricultural land"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336; D.L. 262/2006 art. 2 c. 36"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Footprints,
            Source::MapParcels,
            Source::LandParcels,
            Source::Units,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        for f in inputs.data.footprints.iter().flatten() {
            self.check(
                inputs,
                params,
                as_of,
                &f.building.building_id,
                "topographic",
                &f.geometry,
                f.building.survey_date,
                &mut out,
            )?;
        }
        for o in inputs.data.building_outlines.iter().flatten() {
            self.check(
                inputs,
                params,
                as_of,
                &o.id,
                "cxf",
                &o.geometry,
                None,
                &mut out,
            )?;
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

    fn footprint(id: &str, g: MultiPolygon<f64>) -> Footprint {
        Footprint {
            building: Building {
                building_id: id.into(),
                height_m: None,
                floors: Some(1),
                use_class: BuildingUse::Other,
                survey_date: Some(d(2021, 5, 1)),
            },
            geometry: g,
        }
    }

    #[test]
    fn footprints_on_agricultural_parcels_without_units() {
        let mut data = all_sources();
        data.map_parcels = Some(vec![
            map_parcel("F205_001200.101", square(0.0, 0.0, 100.0)),
            map_parcel("F205_001200.102", square(100.0, 0.0, 100.0)),
            map_parcel("F205_001200.103", square(200.0, 0.0, 100.0)),
        ]);
        data.land_parcels = Some(vec![
            land(1, 12, "101", 1, "4567", d(2000, 1, 1)),
            land(2, 12, "102", 1, "4567", d(2000, 1, 1)),
            land(3, 12, "103", 282, "1", d(2000, 1, 1)),
        ]);
        // A unit on 102: its footprint is declared.
        data.units = Some(vec![unit(
            1,
            vec![state(&["F205//12/102/1"], Some("A02"), d(2000, 1, 1), None)],
        )]);
        data.footprints = Some(vec![
            footprint("B1", square(10.0, 10.0, 10.0)), // positive: 100 m² on 101
            footprint("B2", square(110.0, 10.0, 10.0)), // negative: parcel 102 has a unit
            footprint("B3", square(210.0, 10.0, 10.0)), // negative: urban site
            footprint("B4", square(20.0, 20.0, 2.5)),  // near miss: 6.25 m² < 8 m²
            footprint("B5", square(96.0, 50.0, 10.0)), // near miss: 40 % on 101, 60 % on 102 (has a unit)
            footprint("B6", square(95.0, 70.0, 10.0)), // 50 % on 101 → reported there
        ]);
        let out = R01GhostBuilding
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let ids: Vec<String> = out
            .iter()
            .map(|a| format!("{:?}", a.geometry_ref.as_ref().unwrap()))
            .collect();
        assert_eq!(out.len(), 2, "{ids:?}");
        assert!(ids[0].contains("B1") && ids[1].contains("B6"));
        assert_eq!(out[0].match_confidence, Confidence::SPATIAL_FOOTPRINT);
        assert_eq!(out[0].evidence_date, Some(d(2021, 5, 1)));
    }
}
