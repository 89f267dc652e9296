//! R06 — land parcel used as an appurtenance or built on (sheet-level cross-check; L. 311/2004
//! c. 336).
//!
//! Like R01 for enclaves and courtyards: an agricultural TER parcel (state on D, quality
//! 1–250, special account not 1) whose map polygon lies inside the outer ring of an urban-site
//! parcel (TER quality 282 or special account 1) — fully enclosed by it — whose holders on D
//! (the holders of the units on the urban site) include every holder of the enclosed parcel,
//! and which a topographic footprint intersects for at least 1 m² (a smaller overlap is
//! treated as misregistration of the layers). Paved surfaces are not among the supplies. Key
//! `parcel_key` of the enclosed parcel.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use geo::{Area, Contains};
use geo_types::{MultiPolygon, Polygon};
use segit_model::{
    Anomaly, Confidence, LandQuality, SuggestedAction, TaxId, TerSpecialAccount, UnitKey,
};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source, intersection_area, parcel_ref};
use crate::params::Params;

/// Smallest footprint overlap that counts as "built on", m².
pub const MIN_BUILT_OVERLAP_M2: f64 = 1.0;

/// R06.
#[derive(Debug, Default)]
pub struct R06EnclosedAgriculturalParcel;

fn holders_of_land(inputs: &Inputs, parcel: &UnitKey, as_of: NaiveDate) -> BTreeSet<TaxId> {
    let parcels = inputs.data.land_parcels.as_deref().unwrap_or_default();
    let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
    inputs
        .land_parcels_at(parcel)
        .iter()
        .flat_map(|&p| {
            inputs
                .holdings_of(&parcels[p].property)
                .iter()
                .map(|h| &holdings[h])
        })
        .filter(|h| h.validity.contains(as_of))
        .filter_map(|h| inputs.subject_code(&h.subject).cloned())
        .collect()
}

fn holders_of_units(inputs: &Inputs, parcel: &UnitKey, as_of: NaiveDate) -> BTreeSet<TaxId> {
    let units = inputs.data.units.as_deref().unwrap_or_default();
    let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
    inputs
        .units_on_parcel(parcel, as_of)
        .iter()
        .flat_map(|&u| {
            inputs
                .holdings_of(&units[u].property)
                .iter()
                .map(|h| &holdings[h])
        })
        .filter(|h| h.validity.contains(as_of))
        .filter_map(|h| inputs.subject_code(&h.subject).cloned())
        .collect()
}

fn outer(g: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(
        g.iter()
            .map(|p| Polygon::new(p.exterior().clone(), Vec::new()))
            .collect(),
    )
}

impl Rule for R06EnclosedAgriculturalParcel {
    fn id(&self) -> &'static str {
        "R06"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Agricultural parcel enclosed in an urban site and built on"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::LandParcels,
            Source::MapParcels,
            Source::Footprints,
            Source::Holdings,
            Source::Subjects,
            Source::Units,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let maps = inputs.data.map_parcels.as_deref().unwrap_or_default();
        let footprints = inputs.data.footprints.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (mi, m) in maps.iter().enumerate() {
            let r = parcel_ref(&m.parcel_key);
            let Some(ter) = inputs.land_state_at(&r, as_of) else {
                continue;
            };
            if !ter.is_agricultural() {
                continue;
            }
            let host = inputs
                .parcel_tree()
                .candidates(&m.geometry)
                .into_iter()
                .filter(|&h| h != mi)
                .find(|&h| {
                    let hr = parcel_ref(&maps[h].parcel_key);
                    let urban = inputs.land_state_at(&hr, as_of).is_some_and(|s| {
                        s.quality == Some(LandQuality::ENTE_URBANO)
                            || s.special_account() == Some(TerSpecialAccount::UrbanSite)
                    });
                    urban && outer(&maps[h].geometry).contains(&m.geometry)
                });
            let Some(host) = host else { continue };
            let owners = holders_of_land(inputs, &r, as_of);
            let host_owners = holders_of_units(inputs, &parcel_ref(&maps[host].parcel_key), as_of);
            if owners.is_empty() || !owners.is_subset(&host_owners) {
                continue;
            }
            let built: Vec<String> = inputs
                .footprint_tree()
                .candidates(&m.geometry)
                .into_iter()
                .filter(|&f| {
                    intersection_area(&footprints[f].geometry, &m.geometry) >= MIN_BUILT_OVERLAP_M2
                })
                .map(|f| footprints[f].building.building_id.clone())
                .collect();
            if built.is_empty() {
                continue;
            }
            let mut draft = Draft::new(self, as_of, SuggestedAction::C336Notice)?
                .parcel(m.parcel_key.clone())
                .evidence("enclosing_parcel", maps[host].parcel_key.to_string())
                .evidence(
                    "land_quality",
                    i64::from(ter.quality.map_or(0, LandQuality::code)),
                )
                .evidence(
                    "area_m2",
                    (m.geometry.unsigned_area() * 100.0).round() / 100.0,
                )
                .evidence("footprints", text_list(built))
                .confidence(Confidence::SPATIAL_FOOTPRINT);
            for o in &owners {
                draft = draft.subject(inputs, o, segit_model::SubjectRole::Owner);
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Footprint;
    use crate::testkit::*;
    use geo_types::{LineString, polygon};
    use segit_model::{Building, BuildingUse, PropertyKind};

    fn courtyard() -> MultiPolygon<f64> {
        let hole = LineString::from(vec![
            (40.0, 40.0),
            (60.0, 40.0),
            (60.0, 60.0),
            (40.0, 60.0),
            (40.0, 40.0),
        ]);
        let outer: Polygon<f64> = polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0), (x: 0.0, y: 0.0)];
        MultiPolygon::new(vec![Polygon::new(outer.exterior().clone(), vec![hole])])
    }

    fn data(built: bool, same_owner: bool) -> crate::inputs::InputData {
        let mut data = all_sources();
        let a = person(1, CF[0]);
        let b = person(2, CF[1]);
        data.map_parcels = Some(vec![
            map_parcel("F205_001200.101", courtyard()),
            map_parcel("F205_001200.102", square(40.0, 40.0, 20.0)),
        ]);
        data.land_parcels = Some(vec![
            land(1, 12, "101", 282, "1", d(2000, 1, 1)),
            land(2, 12, "102", 1, "4567", d(2000, 1, 1)),
        ]);
        data.units = Some(vec![unit(
            10,
            vec![state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None)],
        )]);
        let enclosed_owner = if same_owner { &a } else { &b };
        data.holdings = Some(vec![
            holding(
                &a,
                property(10, PropertyKind::Building),
                "10",
                (1, 1),
                d(2000, 1, 1),
                None,
            ),
            holding(
                enclosed_owner,
                property(2, PropertyKind::Land),
                "10",
                (1, 1),
                d(2000, 1, 1),
                None,
            ),
        ]);
        data.subjects = Some(vec![a, b]);
        let x = if built { 45.0 } else { 70.0 };
        data.footprints = Some(vec![Footprint {
            building: Building {
                building_id: "B1".into(),
                height_m: None,
                floors: Some(1),
                use_class: BuildingUse::Other,
                survey_date: None,
            },
            geometry: square(x, 45.0, 5.0),
        }]);
        data
    }

    #[test]
    fn composed_example_enclave() {
        let run = |built, same| {
            R06EnclosedAgriculturalParcel
                .evaluate(
                    &Inputs::new(data(built, same)),
                    &Params::default(),
                    d(2025, 1, 1),
                )
                .unwrap()
        };
        let out = run(true, true);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.parcel_key.as_ref().unwrap().to_string(),
            "F205_001200.102"
        );
        assert!(run(false, true).is_empty(), "no building on the enclave");
        assert!(run(true, false).is_empty(), "different owners");
    }
}
