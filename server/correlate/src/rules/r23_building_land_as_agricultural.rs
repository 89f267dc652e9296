//! R23 — building land taxed as agricultural land, or not taxed (L. 160/2019 c. 741 lett. d:
//! definition of building land; c. 746: market value base; c. 777: municipal reference
//! values).
//!
//! An agricultural TER parcel (state on D, quality 1–250, special account not 1) whose map
//! polygon's point-on-surface lies in a buildable zone of the zoning plan, with no building
//! (no unit on the parcel on D and no topographic footprint with at least
//! `rules.R01.min_overlap_share` of its area in the parcel), and none of whose IMU holders in
//! Y paid anything under the building-land code (3916) for Y — they paid as agricultural land
//! (3914) or nothing. Farmers' agricultural treatment (c. 741 lett. d) is not visible in the
//! data and is left to review. Key `parcel_key`. Gap: area × reference value × ordinary rate
//! × Σ (share × months / 12) of the holders, when the zone has a reference value.

use chrono::NaiveDate;
use geo::{Area, Contains, InteriorPoint};
use segit_model::{Anomaly, EvidenceValue, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::fiscal::month_mask;
use crate::inputs::{Inputs, Source, intersection_area};
use crate::params::Params;
use crate::rules::common::{land_ref, parcel_key_of};

/// R23.
#[derive(Debug, Default)]
pub struct R23BuildingLandAsAgricultural;

impl Rule for R23BuildingLandAsAgricultural {
    fn id(&self) -> &'static str {
        "R23"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Building land taxed as agricultural land or not taxed"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 741, c. 746, c. 777"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::LandParcels,
            Source::MapParcels,
            Source::BuildableZones,
            Source::Holdings,
            Source::Subjects,
            Source::F24,
            Source::Units,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let maps = inputs.data.map_parcels.as_deref().unwrap_or_default();
        let zones = inputs.data.buildable_zones.as_deref().unwrap_or_default();
        let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
        let f24 = inputs.data.f24.as_deref().unwrap_or_default();
        let land_code = &params.imu.tax_codes.building_land;
        let mut out = Vec::new();
        for p in inputs.data.land_parcels.iter().flatten() {
            let Some(s) = p.state_at(as_of).filter(|s| s.is_agricultural()) else {
                continue;
            };
            let r = land_ref(p, s);
            let Some(&mi) = inputs.map_parcels_at(&r).first() else {
                continue;
            };
            let geometry = &maps[mi].geometry;
            let Some(point) = geometry.interior_point() else {
                continue;
            };
            let Some(zone) = zones
                .iter()
                .filter(|z| z.geometry.contains(&point))
                .min_by(|a, b| a.zone_id.cmp(&b.zone_id))
            else {
                continue;
            };
            if !inputs.units_on_parcel(&r, as_of).is_empty() {
                continue;
            }
            let footprints = inputs.data.footprints.as_deref().unwrap_or_default();
            let built = inputs
                .footprint_tree()
                .candidates(geometry)
                .into_iter()
                .any(|fi| {
                    let f = &footprints[fi];
                    let area = f.geometry.unsigned_area();
                    area > 0.0
                        && intersection_area(&f.geometry, geometry) / area
                            >= params.rules.r01_min_overlap_share
                });
            if built {
                continue;
            }
            let mut holders = Vec::new();
            let mut weight = 0.0;
            let mut paid_as_land = false;
            for hi in inputs.holdings_of(&p.property) {
                let h = &holdings[hi];
                let months = month_mask(h.validity.from(), h.validity.to(), year).count_ones();
                if !h.right.pays_imu() || months == 0 {
                    continue;
                }
                let Some(code) = inputs.holding_code(hi) else {
                    continue;
                };
                paid_as_land |= inputs.f24_of(code).iter().any(|x| {
                    f24[x].tax_year == year
                        && &f24[x].tax_code == land_code
                        && f24[x].amount_eur > 0.0
                });
                weight +=
                    h.share.map_or(0.0, segit_model::Share::as_f64) * f64::from(months) / 12.0;
                holders.push(code);
            }
            if holders.is_empty() || paid_as_land {
                continue;
            }
            let Some(key) = parcel_key_of(inputs, &r) else {
                continue;
            };
            let area = s.area_m2 as f64;
            let gap = zone
                .reference_value_eur_per_m2
                .map(|v| area * v * params.imu.rate_other_buildings * weight);
            let mut draft = Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                .parcel(key)
                .evidence("zone_id", zone.zone_id.clone())
                .evidence(
                    "reference_value_eur_per_m2",
                    zone.reference_value_eur_per_m2
                        .map_or(EvidenceValue::Null, EvidenceValue::from),
                )
                .evidence("area_m2", area)
                .evidence(
                    "land_quality",
                    i64::from(s.quality.map_or(0, segit_model::LandQuality::code)),
                )
                .evidence("year", i64::from(year))
                .gap(gap);
            for code in holders {
                draft = draft.subject(inputs, code, SubjectRole::Owner);
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::BuildableZone;
    use crate::testkit::*;
    use segit_model::PropertyKind;

    #[test]
    fn buildable_agricultural_parcels_not_paying_as_building_land() {
        let mut data = all_sources();
        let subjects = cf_persons();
        data.land_parcels = Some(
            (0..4)
                .map(|i| land(i + 1, 12, &format!("{}", 101 + i), 1, "4567", d(2000, 1, 1)))
                .collect(),
        );
        data.map_parcels = Some(
            (0..4)
                .map(|i| {
                    map_parcel(
                        &format!("F205_001200.{}", 101 + i),
                        square(f64::from(i as u8) * 100.0, 0.0, 100.0),
                    )
                })
                .collect(),
        );
        // Zone covers parcels 101-103; parcel 104 is outside (near miss).
        data.buildable_zones = Some(vec![BuildableZone {
            zone_id: "B2".into(),
            geometry: square(0.0, 0.0, 300.0),
            reference_value_eur_per_m2: Some(50.0),
        }]);
        let own = |s: usize, p: u64| {
            holding(
                &subjects[s],
                property(p, PropertyKind::Land),
                "10",
                (1, 1),
                d(2010, 1, 1),
                None,
            )
        };
        data.holdings = Some(vec![own(0, 1), own(1, 2), own(2, 3), own(3, 4)]);
        data.f24 = Some(vec![
            payment(CF[0], 2025, "3914", 20.0), // paid as agricultural land → positive
            payment(CF[1], 2025, "3916", 430.0), // paid as building land → negative
        ]);
        // Parcel 103 is built (a unit on it).
        data.units = Some(vec![unit(
            9,
            vec![state(&["F205//12/103/1"], Some("A02"), d(2000, 1, 1), None)],
        )]);
        data.subjects = Some(subjects);
        let out = R23BuildingLandAsAgricultural
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 12, 31))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.parcel_key.as_ref().unwrap().to_string(),
            "F205_001200.101"
        );
        // 1000 m² × 50 €/m² × 0.86 %.
        assert!((out[0].estimated_gap.unwrap() - 430.0).abs() < 1e-6);
    }
}
