//! Q06 — ordinary unit (groups A, B, C on D) without cadastral surface: no floor plan (about
//! 5 % nationally); L. 147/2013 c. 646 cannot be applied to it (rules-catalogue.md §E).

use chrono::NaiveDate;
use segit_model::{Anomaly, FabSpecialAccount, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// Q06.
#[derive(Debug, Default)]
pub struct Q06UnitWithoutSurface;

impl Rule for Q06UnitWithoutSurface {
    fn id(&self) -> &'static str {
        "Q06"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Ordinary unit without cadastral surface"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 646"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Units, Source::Surfaces]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        for (i, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(s) = u.state_at(as_of) else { continue };
            let Some(cat) = s.category else { continue };
            if !cat.group().is_ordinary()
                || s.special_account() == Some(FabSpecialAccount::NonTaxableCommonParts)
            {
                continue;
            }
            if inputs.surface_of_unit(i).is_some() {
                continue;
            }
            out.push(
                Draft::new(
                    self,
                    as_of,
                    SuggestedAction::Other("cadastral_data_check".into()),
                )?
                .unit(s.identifiers.canonical().clone())
                .evidence("category", cat.to_string())
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
    use segit_model::{CadastralSurface, Category};

    #[test]
    fn ordinary_units_without_surface() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("A02"), d(2010, 1, 1), None)],
            ),
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("C06"), d(2010, 1, 1), None)],
            ),
            // Near misses: group D, and a surface reached through an alias of a stapled unit.
            unit(
                3,
                vec![state(&["F205//12/101/3"], Some("D01"), d(2010, 1, 1), None)],
            ),
            unit(
                4,
                vec![state(
                    &["F205//12/101/4", "F205//12/102/1"],
                    Some("A03"),
                    d(2010, 1, 1),
                    None,
                )],
            ),
        ]);
        data.surfaces = Some(vec![
            CadastralSurface {
                belfiore: f205(),
                age_property_id: 1,
                unit_key: key("F205//12/101/1"),
                category: Category::parse("A02").unwrap(),
                total_m2: 90,
                excluding_uncovered_m2: 85,
                polygons: vec![],
                reference_date: None,
                source: "S".into(),
            },
            CadastralSurface {
                belfiore: f205(),
                age_property_id: 4,
                unit_key: key("F205//12/102/1"),
                category: Category::parse("A03").unwrap(),
                total_m2: 70,
                excluding_uncovered_m2: 70,
                polygons: vec![],
                reference_date: None,
                source: "S".into(),
            },
        ]);
        let out = Q06UnitWithoutSurface
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.unit_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["F205//12/101/2"]);
    }
}
