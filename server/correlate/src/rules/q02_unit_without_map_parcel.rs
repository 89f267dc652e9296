//! Q02 — FAB unit without type-2 identifiers, or with identifiers pointing to a parcel missing
//! from the map (rules-catalogue.md §E). The model never builds a unit state without an
//! identifier group, so the check is on the map: every group of the state valid on D must
//! name a parcel of the maps (L. 147/2013 c. 647, alignment of cadastral data).

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// Q02.
#[derive(Debug, Default)]
pub struct Q02UnitWithoutMapParcel;

impl Rule for Q02UnitWithoutMapParcel {
    fn id(&self) -> &'static str {
        "Q02"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Unit whose identifiers point to a parcel missing from the map"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 647"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Units, Source::MapParcels]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        for u in inputs.data.units.iter().flatten() {
            let Some(s) = u.state_at(as_of) else { continue };
            let missing: Vec<String> = s
                .identifiers
                .iter()
                .filter(|k| inputs.map_parcels_at(k).is_empty())
                .map(|k| k.without_subalterno().to_string())
                .collect();
            if missing.is_empty() {
                continue;
            }
            out.push(
                Draft::new(
                    self,
                    as_of,
                    SuggestedAction::Other("cadastral_data_check".into()),
                )?
                .unit(s.identifiers.canonical().clone())
                .evidence("parcels_missing_from_map", text_list(missing))
                .evidence("age_property_id", u.property.id as i64)
                .build(),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn flags_units_whose_parcel_is_not_on_the_map() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("A02"), d(2010, 1, 1), None)],
            ),
            unit(
                2,
                vec![state(&["F205//12/999/1"], Some("A02"), d(2010, 1, 1), None)],
            ),
            // Stapled: second group on a missing parcel.
            unit(
                3,
                vec![state(
                    &["F205//12/101/2", "F205//12/998/"],
                    Some("C06"),
                    d(2010, 1, 1),
                    None,
                )],
            ),
            // Near miss: closed state, not valid on D.
            unit(
                4,
                vec![state(
                    &["F205//12/997/1"],
                    Some("A02"),
                    d(2010, 1, 1),
                    Some(d(2020, 1, 1)),
                )],
            ),
        ]);
        data.map_parcels = Some(vec![map_parcel("F205_001200.101", square(0.0, 0.0, 10.0))]);
        let out = Q02UnitWithoutMapParcel
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.unit_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["F205//12/999/1", "F205//12/101/2"]);
    }
}
