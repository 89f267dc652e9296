//! Q04 — SUP area versus the area computed from the parcel geometry differs by more than 5 %
//! (rules-catalogue.md §E): a sign of a bad import or transformation (L. 147/2013 c. 647).

use chrono::NaiveDate;
use geo::Area;
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// Relative difference beyond which the areas disagree.
pub const MAX_RELATIVE_DIFFERENCE: f64 = 0.05;

/// Q04.
#[derive(Debug, Default)]
pub struct Q04AreaMismatch;

impl Rule for Q04AreaMismatch {
    fn id(&self) -> &'static str {
        "Q04"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "SUP area differs from the geometry area by more than 5 %"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 647"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::MapParcels]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        for p in inputs.data.map_parcels.iter().flatten() {
            let Some(sup) = p.sup_area_m2.filter(|a| *a > 0.0) else {
                continue;
            };
            let computed = p.geometry.unsigned_area();
            let diff = (computed - sup).abs() / sup;
            if diff > MAX_RELATIVE_DIFFERENCE {
                out.push(
                    Draft::new(
                        self,
                        as_of,
                        SuggestedAction::Other("cadastral_data_check".into()),
                    )?
                    .parcel(p.parcel_key.clone())
                    .evidence("sup_area_m2", sup)
                    .evidence("geometry_area_m2", (computed * 100.0).round() / 100.0)
                    .evidence("relative_difference", (diff * 10_000.0).round() / 10_000.0)
                    .build(),
                );
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn five_percent_is_the_limit() {
        let mut data = all_sources();
        let mut a = map_parcel("F205_001200.101", square(0.0, 0.0, 10.0));
        a.sup_area_m2 = Some(110.0); // 100 vs 110: 9.1 %
        let mut b = map_parcel("F205_001200.102", square(0.0, 0.0, 10.0));
        b.sup_area_m2 = Some(104.0); // near miss: 3.8 %
        let mut c = map_parcel("F205_001200.103", square(0.0, 0.0, 10.0));
        c.sup_area_m2 = None;
        data.map_parcels = Some(vec![a, b, c]);
        let out = Q04AreaMismatch
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.parcel_key.as_ref().unwrap().to_string(),
            "F205_001200.101"
        );
    }
}
