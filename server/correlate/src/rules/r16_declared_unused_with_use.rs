//! R16 — units declared unfit/unused with signs of use (L. 160/2019 c. 747: the 50 %
//! reduction holds only while the unit is actually not used).
//!
//! The IMU declaration in effect for year Y (the declarant's latest declaration with tax
//! period ≤ Y naming the unit, c. 769) carries reduction code 2 (unfit, not used), and in Y
//! the unit shows a utility signal (R07 thresholds), a lease in force at some time in Y, or a
//! registered resident at some time in Y. TARI reduction codes are municipal and not part of
//! the reference, so only the IMU declarations are read. Key `unit_key` + declarant. Gap:
//! the reduction lost, 50 % of the declarant's ordinary-rate tax on the unit.

use chrono::NaiveDate;
use segit_model::{Anomaly, EvidenceValue, ImuReduction, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::imu_due::declarations_in_effect;
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{kind_name, utility_signal};

/// R16.
#[derive(Debug, Default)]
pub struct R16DeclaredUnusedWithUse;

impl Rule for R16DeclaredUnusedWithUse {
    fn id(&self) -> &'static str {
        "R16"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Unit declared unfit or unused with signs of use"
    }
    fn family(&self) -> Family {
        Family::Tari
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 747"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::ImuDeclarations,
            Source::Units,
            Source::Utilities,
            Source::Leases,
            Source::Residents,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let leases = inputs.data.leases.as_deref().unwrap_or_default();
        let residents = inputs.data.residents.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (declarant, unit, position) in declarations_in_effect(inputs, year) {
            if position.reduction != ImuReduction::Unfit {
                continue;
            }
            let mut signals: Vec<EvidenceValue> = Vec::new();
            let mut since: Vec<NaiveDate> = Vec::new();
            let utilities = inputs.utilities();
            for i in inputs.utilities_of_unit(unit) {
                let u = utilities.at(i);
                if utility_signal(
                    u,
                    year,
                    params.rules.r07_cons_min_electricity_kwh,
                    params.rules.r07_cons_min_gas_smc,
                ) {
                    signals.push(
                        format!(
                            "utility {}:{}",
                            kind_name(u.point.utility),
                            u.point.supply_point
                        )
                        .into(),
                    );
                    since.push(u.point.contract.first());
                }
            }
            for l in inputs.leases_of_unit(unit) {
                if leases[l].is_in_force_in_year(year) {
                    signals.push(format!("lease {}", leases[l].contract_id).into());
                    since.push(leases[l].start_date);
                }
            }
            for r in inputs.residents_of_unit(unit) {
                if residents[r].residence.overlaps_year(year) {
                    signals
                        .push(format!("resident household {}", residents[r].household_id).into());
                    since.push(residents[r].residence.from());
                }
            }
            if signals.is_empty() {
                continue;
            }
            signals.sort_by_key(|s| format!("{s:?}"));
            signals.dedup();
            let Some(state) = units[unit].latest_state() else {
                continue;
            };
            let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)
                .ok_or_else(|| RuleError::Params(format!("tax year {year}")))?;
            let gap = units[unit].state_at(jan1).and_then(|s| {
                let base = crate::fiscal::imu_building_base(s.rent_eur?, s.category?, &params.imu)?;
                Some(
                    0.5 * base * params.imu.rate_other_buildings * position.possession_percent
                        / 100.0,
                )
            });
            out.push(
                Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                    .unit(state.identifiers.canonical().clone())
                    .record_key(inputs.pseudonym(declarant))
                    .evidence("reduction", "unfit (code 2)")
                    .evidence("signals", EvidenceValue::List(signals))
                    .evidence("year", i64::from(year))
                    .subject(inputs, declarant, SubjectRole::Owner)
                    .evidence_date(since.into_iter().min())
                    .gap(gap)
                    .build(),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Utilities;
    use crate::testkit::*;
    use segit_model::UtilityKind;

    #[test]
    fn unfit_declarations_with_signals() {
        let mut data = all_sources();
        data.units = Some(dwellings(4));
        data.imu_declarations = Some(vec![
            declaration(
                CF[0],
                2023,
                &[
                    ("F205//12/101/1", 3, 2),
                    ("F205//12/101/2", 3, 2),
                    ("F205//12/101/3", 3, 2),
                ],
            ),
            // A later declaration of the same declarant removes the reduction on unit 3.
            declaration(CF[0], 2024, &[("F205//12/101/3", 3, 0)]),
            // Declared for a later year: not in effect.
            declaration(CF[1], 2026, &[("F205//12/101/4", 3, 2)]),
        ]);
        data.utilities = Some(Utilities::from(vec![
            utility(
                UtilityKind::Electricity,
                "E1",
                None,
                Some("F205//12/101/1"),
                2025,
                800.0,
            ),
            utility(
                UtilityKind::Electricity,
                "E2",
                None,
                Some("F205//12/101/2"),
                2025,
                250.0,
            ), // near miss: below 300
            utility(
                UtilityKind::Electricity,
                "E3",
                None,
                Some("F205//12/101/3"),
                2025,
                800.0,
            ),
            utility(
                UtilityKind::Electricity,
                "E4",
                None,
                Some("F205//12/101/4"),
                2025,
                800.0,
            ),
        ]));
        let out = R16DeclaredUnusedWithUse
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.unit_key.as_ref().unwrap().to_string(),
            "F205//12/101/1"
        );
        // 1000 × 1.05 × 160 × 0.86 % × 50 %.
        assert!((out[0].estimated_gap.unwrap() - 722.4).abs() < 1e-6);
    }
}
