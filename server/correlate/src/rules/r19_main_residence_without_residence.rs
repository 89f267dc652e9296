//! R19 — main-residence exemption without residence (L. 160/2019 c. 740-741; Constitutional
//! Court 209/2022: each possessor is judged on his own residence).
//!
//! Scope: units whose state on 1 January of Y is in group A except A/1, A/8, A/9, A/10;
//! holders with an IMU right and at least one month of possession in Y. The unit is treated
//! as the holder's main residence when (a) a declaration in effect for Y carries
//! characteristic 5 for it, or (b) the holder paid nothing for Y and holds no other property
//! in Y. Anomaly when the holder has **no month** of registered residence in the unit in Y
//! (month rule; residence linked by unit key or address + internal). Key `unit_key` + holder;
//! gap = the IMU due on the unit for the holder at the ordinary rate.

use chrono::NaiveDate;
use segit_model::{Anomaly, CategoryGroup, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::imu_due::{
    YearMonths, jan1, main_residence_claim, residence_months, unit_tax_without_exemption,
};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R19.
#[derive(Debug, Default)]
pub struct R19MainResidenceWithoutResidence;

/// Units of the R19/R20 scope on 1 January: group A except A/1, A/8, A/9, A/10.
pub fn in_scope(state: &segit_model::UnitState) -> bool {
    state
        .category
        .is_some_and(|c| c.group() == CategoryGroup::A && !c.is_luxury() && c.number() != 10)
}

impl Rule for R19MainResidenceWithoutResidence {
    fn id(&self) -> &'static str {
        "R19"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Main-residence exemption without residence"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 740-741; Corte costituzionale 209/2022"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Units,
            Source::Holdings,
            Source::Subjects,
            Source::Residents,
            Source::ImuDeclarations,
            Source::F24,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let year_months = YearMonths::new(year);
        let jan1 = jan1(year).ok_or_else(|| RuleError::Params(format!("tax year {year}")))?;
        let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (ui, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(state) = u.state_at(jan1).filter(|s| in_scope(s)) else {
                continue;
            };
            for hi in inputs.holdings_of_unit(ui) {
                let h = &holdings[hi];
                if !h.right.pays_imu() || year_months.mask(h.validity.from(), h.validity.to()) == 0
                {
                    continue;
                }
                let Some(code) = inputs.holding_code(hi) else {
                    continue;
                };
                // the residence first: the unit's few rows, and most holders of a dwelling
                // live in it
                if residence_months(inputs, code, ui, year_months) != 0 {
                    continue;
                }
                let Some(claim) = main_residence_claim(inputs, code, ui, year) else {
                    continue;
                };
                out.push(
                    Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                        .unit(state.identifiers.canonical().clone())
                        .record_key(inputs.pseudonym(code))
                        .evidence("claim", claim.name())
                        .evidence("year", i64::from(year))
                        .evidence("residence_months", 0i64)
                        .evidence("share", h.share.map_or_else(String::new, |s| s.to_string()))
                        .subject(inputs, code, SubjectRole::Owner)
                        .evidence_date(Some(h.validity.from().max(jan1)))
                        .gap(unit_tax_without_exemption(
                            inputs, params, code, h, ui, year,
                        ))
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
    use segit_model::PropertyKind;

    #[test]
    fn claims_without_residence() {
        let mut data = all_sources();
        let subjects = cf_persons();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None)],
            ), // declared, not resident → positive
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("A03"), d(2000, 1, 1), None)],
            ), // nothing paid, only property, resident elsewhere → positive
            unit(
                3,
                vec![state(&["F205//12/101/3"], Some("A02"), d(2000, 1, 1), None)],
            ), // declared, resident one month → negative
            unit(
                4,
                vec![state(&["F205//12/101/4"], Some("A08"), d(2000, 1, 1), None)],
            ), // luxury: out of scope
        ]);
        let own = |s: usize, p: u64| {
            holding(
                &subjects[s],
                property(p, PropertyKind::Building),
                "10",
                (1, 1),
                d(2010, 1, 1),
                None,
            )
        };
        data.holdings = Some(vec![own(0, 1), own(1, 2), own(2, 3), own(3, 4)]);
        data.imu_declarations = Some(vec![
            declaration(CF[0], 2020, &[("F205//12/101/1", 5, 0)]),
            declaration(CF[2], 2020, &[("F205//12/101/3", 5, 0)]),
            declaration(CF[3], 2020, &[("F205//12/101/4", 5, 0)]),
        ]);
        data.f24 = Some(vec![payment(CF[0], 2025, "3918", 10.0)]);
        data.residents = Some(vec![
            resident(
                CF[1],
                "H2",
                "F205/1/1/",
                Some("9"),
                d(2010, 1, 1),
                None,
                Some("F205//13/1/1"),
            ),
            // 16 days of December: December counts.
            resident(
                CF[2],
                "H3",
                "F205/1/1/",
                Some("3"),
                d(2025, 12, 16),
                None,
                Some("F205//12/101/3"),
            ),
        ]);
        data.subjects = Some(subjects);
        let out = R19MainResidenceWithoutResidence
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 12, 31))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.unit_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["F205//12/101/1", "F205//12/101/2"]);
        assert_eq!(
            out[1].evidence["claim"],
            "nothing_paid_single_property".into()
        );
        assert!((out[0].estimated_gap.unwrap() - 1000.0 * 1.05 * 160.0 * 0.0086).abs() < 1e-6);
    }
}
