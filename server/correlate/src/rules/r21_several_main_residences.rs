//! R21 — more than one main residence or too many appurtenances (L. 160/2019 c. 741: one
//! main residence; at most one appurtenance per category C/2, C/6, C/7).
//!
//! Read on the exemption claims in effect for Y (the latest declaration of the declarant per
//! unit, c. 769): a holder claiming characteristic 5 (main residence) on more than one
//! dwelling of the municipality, or characteristic 6 (appurtenance) on more than one unit of
//! the same category C/2, C/6 or C/7 (category on 1 January of Y, else the declared one).
//! Key: holder (+ `main_residence` or the category); the object is the claimed unit of the
//! highest rent (lowest key on ties), so that the lead has a place on the map. Gap: the ordinary-rate tax of the
//! claimed units beyond the first (lowest-rent ones, the reading most favourable to the
//! taxpayer), at the declared possession percentage.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use segit_model::{
    Anomaly, Category, CategoryGroup, ImuCharacteristic, SubjectRole, SuggestedAction, TaxId,
};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::fiscal::imu_building_base;
use crate::imu_due::{declarations_in_effect, jan1};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// Units claimed by one holder under one label: (rent, unit key, ordinary-rate tax).
type Claimed = Vec<(f64, String, Option<f64>)>;

/// R21.
#[derive(Debug, Default)]
pub struct R21SeveralMainResidences;

impl Rule for R21SeveralMainResidences {
    fn id(&self) -> &'static str {
        "R21"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "More than one main residence, or too many appurtenances"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 741"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::ImuDeclarations, Source::Units]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let jan1 = jan1(year).ok_or_else(|| RuleError::Params(format!("tax year {year}")))?;
        let units = inputs.data.units.as_deref().unwrap_or_default();
        // (holder, group label) → [(rent, unit key, tax at ordinary rate)]
        let mut groups: BTreeMap<(&TaxId, String), Claimed> = BTreeMap::new();
        for (code, unit, position) in declarations_in_effect(inputs, year) {
            let state = units[unit].state_at(jan1);
            let category: Option<Category> = state.and_then(|s| s.category).or(position.category);
            let Some(cat) = category else { continue };
            let label = match position.characteristic {
                ImuCharacteristic::MainResidence
                    if cat.group() == CategoryGroup::A && cat.number() != 10 =>
                {
                    "main_residence".to_owned()
                }
                ImuCharacteristic::Appurtenance if cat.can_be_appurtenance() => cat.to_string(),
                _ => continue,
            };
            let rent = state.and_then(|s| s.rent_eur).unwrap_or(0.0);
            let tax = imu_building_base(rent, cat, &params.imu)
                .map(|b| b * params.imu.rate_other_buildings * position.possession_percent / 100.0);
            let key = state.map_or_else(
                || {
                    units[unit]
                        .canonical_key()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                },
                |s| s.identifiers.canonical().to_string(),
            );
            groups
                .entry((code, label))
                .or_default()
                .push((rent, key, tax));
        }
        let mut out = Vec::new();
        for ((code, label), mut claimed) in groups {
            if claimed.len() < 2 {
                continue;
            }
            claimed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let gap: Option<f64> = claimed[1..].iter().map(|c| c.2).sum();
            let mut draft = Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                .record_key(format!("{}/{label}", inputs.pseudonym(code)))
                .evidence("claim", label.clone())
                .evidence("units", text_list(claimed.iter().map(|c| c.1.clone())))
                .evidence("year", i64::from(year))
                .subject(inputs, code, SubjectRole::Owner)
                .gap(gap);
            if let Ok(k) = claimed[0].1.parse::<segit_model::UnitKey>() {
                draft = draft.unit(k);
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn several_claims() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None)],
            ),
            unit(
                2,
                vec![state(&["F205//12/102/1"], Some("A03"), d(2000, 1, 1), None)],
            ),
            unit(
                3,
                vec![state(&["F205//12/101/2"], Some("C06"), d(2000, 1, 1), None)],
            ),
            unit(
                4,
                vec![state(&["F205//12/101/3"], Some("C06"), d(2000, 1, 1), None)],
            ),
            unit(
                5,
                vec![state(&["F205//12/101/4"], Some("C02"), d(2000, 1, 1), None)],
            ),
        ]);
        data.imu_declarations = Some(vec![
            declaration(
                CF[0],
                2022,
                &[("F205//12/101/1", 5, 0), ("F205//12/102/1", 5, 0)],
            ),
            declaration(
                CF[1],
                2022,
                &[
                    ("F205//12/101/2", 6, 0),
                    ("F205//12/101/3", 6, 0),
                    ("F205//12/101/4", 6, 0),
                ],
            ),
            // Near miss: the second main-residence claim was withdrawn by a later declaration.
            declaration(
                CF[2],
                2022,
                &[("F205//12/101/1", 5, 0), ("F205//12/102/1", 5, 0)],
            ),
            declaration(CF[2], 2024, &[("F205//12/102/1", 3, 0)]),
        ]);
        let out = R21SeveralMainResidences
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        let claims: Vec<String> = out
            .iter()
            .map(|a| format!("{:?}", a.evidence["claim"]))
            .collect();
        assert_eq!(out.len(), 2, "{claims:?}");
        assert!(
            claims.iter().any(|c| c.contains("main_residence"))
                && claims.iter().any(|c| c.contains("C/6"))
        );
        // each lead sits on the claimed unit of the highest rent (lowest key on ties)
        let units: Vec<String> = out
            .iter()
            .filter_map(|a| a.object.unit_key.as_ref().map(ToString::to_string))
            .collect();
        assert_eq!(units.len(), 2, "{units:?}");
        assert!(units.contains(&"F205//12/101/1".to_owned()), "{units:?}");
        assert!(units.contains(&"F205//12/101/2".to_owned()), "{units:?}");
    }
}
