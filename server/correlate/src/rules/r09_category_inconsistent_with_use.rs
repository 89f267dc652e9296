//! R09 — category inconsistent with actual use (L. 311/2004 c. 336: situations no longer
//! consistent with the classification).
//!
//! The catalogue's cases, on the unit's state valid on D and the records linked to it (§0):
//! - `storage_with_residents`: C/2 or C/6 with residents on D;
//! - `storage_with_household_electricity`: C/2 or C/6 with an electricity row of year Y under
//!   the "household resident" tariff, contract active in Y;
//! - `office_used_as_dwelling`: A/10 with residents on D **and** a domestic TARI premises
//!   active on D (mixed use — a studio inside a dwelling — is legal, so one signal is not
//!   enough);
//! - `dwelling_with_non_domestic_tari`: group A except A/10 whose TARI premises active on D are
//!   all non-domestic (at least one);
//! - `shop_with_domestic_tari`: C/1 whose TARI premises active on D are all domestic.
//!
//! One anomaly per unit and case; key `unit_key` + case.

use chrono::{Datelike, NaiveDate};
use segit_model::{Anomaly, CategoryGroup, SuggestedAction, TariUserType, UseType, UtilityKind};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R09.
#[derive(Debug, Default)]
pub struct R09CategoryInconsistentWithUse;

impl Rule for R09CategoryInconsistentWithUse {
    fn id(&self) -> &'static str {
        "R09"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Category inconsistent with actual use"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Units,
            Source::Residents,
            Source::Utilities,
            Source::Tari,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = as_of.year();
        let residents = inputs.data.residents.as_deref().unwrap_or_default();
        let utilities = inputs.utilities();
        let tari = inputs.data.tari.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (i, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(s) = u.state_at(as_of) else { continue };
            let Some(cat) = s.category else { continue };
            let resident = inputs
                .residents_of_unit(i)
                .iter()
                .any(|r| residents[r].is_resident_on(as_of));
            let household_power = inputs
                .utilities_of_unit(i)
                .iter()
                .map(|x| utilities.at(x))
                .any(|x| {
                    x.point.utility == UtilityKind::Electricity
                        && x.point.use_type == UseType::HouseholdResident
                        && x.row.year == year
                        && x.point.is_active_in_year(year)
                });
            let premises: Vec<_> = inputs
                .tari_of_unit(i)
                .iter()
                .map(|t| &tari[t])
                .filter(|t| t.is_active_on(as_of))
                .collect();
            let domestic = premises
                .iter()
                .filter(|t| t.user_type == TariUserType::Domestic)
                .count();
            let storage = cat.group() == CategoryGroup::C && matches!(cat.number(), 2 | 6);
            let mut cases = Vec::new();
            if storage && resident {
                cases.push("storage_with_residents");
            }
            if storage && household_power {
                cases.push("storage_with_household_electricity");
            }
            if cat.group() == CategoryGroup::A && cat.number() == 10 && resident && domestic > 0 {
                cases.push("office_used_as_dwelling");
            }
            if cat.group() == CategoryGroup::A
                && cat.number() != 10
                && !premises.is_empty()
                && domestic == 0
            {
                cases.push("dwelling_with_non_domestic_tari");
            }
            if cat.group() == CategoryGroup::C
                && cat.number() == 1
                && !premises.is_empty()
                && domestic == premises.len()
            {
                cases.push("shop_with_domestic_tari");
            }
            for case in cases {
                out.push(
                    Draft::new(self, as_of, SuggestedAction::C336Notice)?
                        .unit(s.identifiers.canonical().clone())
                        .record_key(case)
                        .evidence("case", case)
                        .evidence("category", cat.to_string())
                        .evidence("tari_premises", premises.len() as i64)
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
    use crate::inputs::Utilities;
    use crate::testkit::*;

    #[test]
    fn use_against_category() {
        let mut data = all_sources();
        let cats = ["C06", "C02", "A10", "A10", "A02", "C01", "A02"];
        data.units = Some(
            cats.iter()
                .enumerate()
                .map(|(i, c)| {
                    unit(
                        i as u64 + 1,
                        vec![state(
                            &[&format!("F205//12/101/{}", i + 1)],
                            Some(c),
                            d(2000, 1, 1),
                            None,
                        )],
                    )
                })
                .collect(),
        );
        let k = |n: usize| format!("F205//12/101/{n}");
        data.residents = Some(vec![
            resident(
                CF[0],
                "H1",
                "F205/1/1/",
                Some("1"),
                d(2020, 1, 1),
                None,
                Some(&k(1)),
            ), // garage with a resident → positive
            resident(
                CF[1],
                "H3",
                "F205/1/1/",
                Some("3"),
                d(2020, 1, 1),
                None,
                Some(&k(3)),
            ), // office + domestic TARI → positive
            resident(
                CF[2],
                "H4",
                "F205/1/1/",
                Some("4"),
                d(2020, 1, 1),
                None,
                Some(&k(4)),
            ), // office, resident only: mixed use
        ]);
        data.utilities = Some(Utilities::from(vec![utility(
            UtilityKind::Electricity,
            "E2",
            None,
            Some(&k(2)),
            2025,
            50.0,
        )])); // storeroom, household tariff → positive
        let mut shop = tari("T6", CF[3], &[&k(6)], 40, d(2020, 1, 1), None);
        shop.user_type = TariUserType::Domestic;
        let mut office = tari("T5", CF[3], &[&k(5)], 40, d(2020, 1, 1), None);
        office.user_type = TariUserType::NonDomestic;
        let mut mixed = tari("T7", CF[3], &[&k(7)], 40, d(2020, 1, 1), None);
        mixed.user_type = TariUserType::NonDomestic;
        data.tari = Some(vec![
            tari("T3", CF[1], &[&k(3)], 40, d(2020, 1, 1), None),
            shop,
            office,
            mixed,
            tari("T7b", CF[3], &[&k(7)], 40, d(2020, 1, 1), None),
        ]);
        let out = R09CategoryInconsistentWithUse
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        let cases: Vec<String> = out
            .iter()
            .map(|a| {
                format!(
                    "{}:{:?}",
                    a.object.unit_key.as_ref().unwrap(),
                    a.evidence["case"]
                )
            })
            .collect();
        assert_eq!(cases.len(), 5, "{cases:?}");
        for (n, case) in [
            (1, "storage_with_residents"),
            (2, "storage_with_household_electricity"),
            (3, "office_used_as_dwelling"),
            (5, "dwelling_with_non_domestic_tari"),
            (6, "shop_with_domestic_tari"),
        ] {
            assert!(
                cases
                    .iter()
                    .any(|c| c.starts_with(&format!("{}:", k(n))) && c.contains(case)),
                "{n} {case}"
            );
        }
    }
}
