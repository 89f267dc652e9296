//! R22 — luxury main residence not paying (L. 160/2019 c. 740, c. 748-749: A/1, A/8, A/9
//! main residences pay at the main-residence rate with the €200 deduction).
//!
//! For each unit whose state on 1 January of Y is A/1, A/8 or A/9 and each holder with an
//! IMU right who has registered residence in it in Y (month rule): the tax due at the
//! main-residence rate for those months (after the holder's part of the deduction, fiscal-
//! rules.md §1.7) is positive, and the holder paid nothing for Y on the luxury code (3912) —
//! not paying, or paying as if exempt. Key `unit_key` + holder; gap = that due.

use chrono::NaiveDate;
use segit_model::{Anomaly, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::imu_due::{YearMonths, holder_due, jan1, residence_months};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R22.
#[derive(Debug, Default)]
pub struct R22LuxuryMainResidenceNotPaying;

impl Rule for R22LuxuryMainResidenceNotPaying {
    fn id(&self) -> &'static str {
        "R22"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Luxury main residence not paying"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 740, c. 748-749"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Units,
            Source::Holdings,
            Source::Subjects,
            Source::Residents,
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
        let f24 = inputs.data.f24.as_deref().unwrap_or_default();
        let code_3912 = &params.imu.tax_codes.main_residence_luxury;
        let mut out = Vec::new();
        for (ui, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(state) = u
                .state_at(jan1)
                .filter(|s| s.category.is_some_and(segit_model::Category::is_luxury))
            else {
                continue;
            };
            let key = state.identifiers.canonical().to_string();
            for hi in inputs.holdings_of_unit(ui) {
                let h = &holdings[hi];
                let mask = year_months.mask(h.validity.from(), h.validity.to());
                if !h.right.pays_imu() || mask == 0 {
                    continue;
                }
                let Some(code) = inputs.holding_code(hi) else {
                    continue;
                };
                let months = (mask & residence_months(inputs, code, ui, year_months)).count_ones();
                if months == 0 {
                    continue;
                }
                let due: f64 = holder_due(inputs, params, code, year)
                    .items
                    .iter()
                    .filter(|i| i.object == key && &i.tax_code == code_3912)
                    .map(|i| i.amount)
                    .sum();
                let paid: f64 = inputs
                    .f24_of(code)
                    .iter()
                    .map(|p| &f24[p])
                    .filter(|p| p.tax_year == year && &p.tax_code == code_3912)
                    .map(|p| p.amount_eur)
                    .sum();
                if due <= 0.0 || paid > 0.0 {
                    continue;
                }
                out.push(
                    Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                        .unit(state.identifiers.canonical().clone())
                        .record_key(inputs.pseudonym(code))
                        .evidence(
                            "category",
                            state.category.map(|c| c.to_string()).unwrap_or_default(),
                        )
                        .evidence("main_residence_months", i64::from(months))
                        .evidence("due_3912_eur", (due * 100.0).round() / 100.0)
                        .subject(inputs, code, SubjectRole::Owner)
                        .evidence_date(Some(jan1))
                        .gap(Some(due))
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
    fn luxury_residents_without_3912() {
        let mut data = all_sources();
        let subjects = cf_persons();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("A08"), d(2000, 1, 1), None)],
            ), // resident, nothing paid → positive
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("A01"), d(2000, 1, 1), None)],
            ), // paid on 3912
            unit(
                3,
                vec![state(&["F205//12/101/3"], Some("A02"), d(2000, 1, 1), None)],
            ), // not luxury
            unit(
                4,
                vec![state(&["F205//12/101/4"], Some("A09"), d(2000, 1, 1), None)],
            ), // not resident: R18's business
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
        data.residents = Some(
            (0..3)
                .map(|i| {
                    resident(
                        CF[i],
                        &format!("H{i}"),
                        "F205/1/1/",
                        Some("1"),
                        d(2010, 1, 1),
                        None,
                        Some(&format!("F205//12/101/{}", i + 1)),
                    )
                })
                .collect(),
        );
        data.f24 = Some(vec![
            payment(CF[1], 2025, "3912", 640.0),
            payment(CF[0], 2025, "3918", 10.0),
        ]);
        data.subjects = Some(subjects);
        let out = R22LuxuryMainResidenceNotPaying
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.unit_key.as_ref().unwrap().to_string(),
            "F205//12/101/1"
        );
        // 168 000 × 0.5 % − 200.
        assert!((out[0].estimated_gap.unwrap() - 640.0).abs() < 1e-6);
    }
}
