//! R04 — building outline on the map without units, or F/6 persisting.
//!
//! (a) a CXF building outline whose host parcel has no *unit on the parcel* on D (catalogue
//! §0: common parts in special account `A` do not count); key `parcel_key`, one anomaly per
//! parcel. (b) a unit whose state on D is F/6 and whose generating efficacy is more than
//! `f6_max_days` days before D; key `unit_key`. Legal basis: L. 311/2004 c. 336.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use segit_model::{Anomaly, Category, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source, parcel_ref};
use crate::params::Params;
use crate::rules::common::efficacy;

/// R04.
#[derive(Debug, Default)]
pub struct R04OutlineWithoutUnits;

impl Rule for R04OutlineWithoutUnits {
    fn id(&self) -> &'static str {
        "R04"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Building outline without units, or F/6 persisting"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Units, Source::BuildingOutlines]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        let mut by_parcel: BTreeMap<segit_model::ParcelKey, Vec<String>> = BTreeMap::new();
        for o in inputs.data.building_outlines.iter().flatten() {
            by_parcel
                .entry(o.parcel_key.clone())
                .or_default()
                .push(o.id.clone());
        }
        for (parcel, outlines) in by_parcel {
            if !inputs
                .units_on_parcel(&parcel_ref(&parcel), as_of)
                .is_empty()
            {
                continue;
            }
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .parcel(parcel)
                    .record_key("outline")
                    .evidence("case", "a")
                    .evidence("outlines", text_list(outlines))
                    .build(),
            );
        }
        let f6 = Category::parse("F06").map_err(|e| RuleError::Input(e.to_string()))?;
        for u in inputs.data.units.iter().flatten() {
            let Some(s) = u.state_at(as_of) else { continue };
            if s.category != Some(f6) {
                continue;
            }
            let since = efficacy(s);
            let days = (as_of - since).num_days();
            if days <= params.rules.r04_f6_max_days {
                continue;
            }
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .unit(s.identifiers.canonical().clone())
                    .record_key("f6")
                    .evidence("case", "b")
                    .evidence("efficacy_date", since)
                    .evidence("days_in_f6", days)
                    .evidence("f6_max_days", params.rules.r04_f6_max_days)
                    .evidence_date(Some(since))
                    .build(),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::BuildingOutline;
    use crate::testkit::*;

    #[test]
    fn outlines_without_units_and_old_f6() {
        let mut data = all_sources();
        let outline = |id: &str, p: &str| BuildingOutline {
            id: id.into(),
            parcel_key: pkey(p),
            geometry: square(0.0, 0.0, 10.0),
        };
        data.building_outlines = Some(vec![
            outline("O1", "F205_001200.101"),
            outline("O2", "F205_001200.102"),
            outline("O3", "F205_001200.101"),
        ]);
        let d0 = d(2025, 1, 1);
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/102/1"], Some("A02"), d(2000, 1, 1), None)],
            ),
            unit(
                2,
                vec![state(
                    &["F205//13/5/1"],
                    Some("F06"),
                    d0 - chrono::Days::new(181),
                    None,
                )],
            ), // positive
            unit(
                3,
                vec![state(
                    &["F205//13/5/2"],
                    Some("F06"),
                    d0 - chrono::Days::new(180),
                    None,
                )],
            ), // near miss: exactly 180 days
        ]);
        let out = R04OutlineWithoutUnits
            .evaluate(&Inputs::new(data), &Params::default(), d0)
            .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].object.parcel_key.as_ref().unwrap().to_string(),
            "F205_001200.101"
        );
        assert_eq!(
            out[1].object.unit_key.as_ref().unwrap().to_string(),
            "F205//13/5/1"
        );
    }
}
