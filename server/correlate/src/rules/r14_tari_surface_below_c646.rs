//! R14 — TARI surface below 80 % of the cadastral surface (L. 147/2013 c. 646; interpello
//! 306/2019).
//!
//! Per premises active on D, domestic or not: S = Σ surface excluding uncovered areas of the
//! distinct units it covers (unit keys, aliases of a stapled unit counted once; fallback
//! address key + internal). Skipped when any unit is not in group A, B or C on D, has no
//! cadastral surface (Q06) or is not in FAB. `T = surface_share_c646 × S` (not rounded), `tol = max(tol_m2,
//! tol_share × T)`; anomaly when `declared < T − tol` (strict). The total surface (balconies
//! and gardens included) is never used. Gap = (T − declared) × tariff per m² (the class's
//! non-domestic tariff, else the domestic one). Key `account_id` (+ unit keys).

use chrono::NaiveDate;
use segit_model::{Anomaly, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::weakest;

/// R14.
#[derive(Debug, Default)]
pub struct R14TariSurfaceBelowC646;

impl Rule for R14TariSurfaceBelowC646 {
    fn id(&self) -> &'static str {
        "R14"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "TARI surface below 80 % of the cadastral surface"
    }
    fn family(&self) -> Family {
        Family::Tari
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 646; interpello 306/2019"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Tari, Source::Units, Source::Surfaces]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let surfaces = inputs.data.surfaces.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        'premises: for (i, t) in inputs.data.tari.iter().flatten().enumerate() {
            if !t.is_active_on(as_of) {
                continue;
            }
            let links = inputs.tari_links(i);
            // A listed key missing from FAB: the surface of the premises is unknown.
            if links.is_empty() || t.unit_keys.iter().any(|k| inputs.unit_index(k).is_none()) {
                continue;
            }
            let mut s_total = 0.0;
            let mut keys = Vec::new();
            for l in links {
                let Some(state) = units[l.unit].state_at(as_of) else {
                    continue 'premises;
                };
                if !state.category.is_some_and(|c| c.group().is_ordinary()) {
                    continue 'premises;
                }
                let Some(si) = inputs.surface_of_unit(l.unit) else {
                    continue 'premises;
                };
                s_total += f64::from(surfaces[si].excluding_uncovered_m2);
                keys.push(state.identifiers.canonical().clone());
            }
            let threshold = params.tari.surface_share_c646 * s_total;
            let tol = params
                .rules
                .r14_tol_m2
                .max(params.rules.r14_tol_share * threshold);
            let declared = f64::from(t.declared_m2);
            if declared >= threshold - tol {
                continue;
            }
            let gap = params
                .tari
                .tariff_per_m2(t.tariff_class.as_deref())
                .map(|tariff| (threshold - declared) * tariff);
            let mut draft = Draft::new(self, as_of, SuggestedAction::TariAssessment)?
                .unit(keys[0].clone())
                .record_key(format!("{}/{}", t.account_id, t.premises_seq))
                .evidence("account_id", &*t.account_id)
                .evidence("premises_seq", i64::from(t.premises_seq))
                .evidence("unit_keys", text_list(keys.iter().map(ToString::to_string)))
                .evidence("surface_excluding_uncovered_m2", s_total)
                .evidence("threshold_m2", threshold)
                .evidence("tolerance_m2", tol)
                .evidence("declared_m2", declared)
                .evidence_date(Some(t.period.first()))
                .confidence(weakest(links.iter().map(|l| l.confidence)))
                .subject(inputs, &t.payer, SubjectRole::Occupier)
                .gap(gap);
            if let Some(a) = inputs.tari_address(i) {
                draft = draft.evidence("address_key", a.0.to_string());
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
    fn threshold_tolerance_and_skips() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(
                    &["F205//12/101/1", "F205//12/101/9"],
                    Some("A02"),
                    d(2000, 1, 1),
                    None,
                )],
            ),
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("C06"), d(2000, 1, 1), None)],
            ),
            unit(
                3,
                vec![state(&["F205//12/101/3"], Some("A02"), d(2000, 1, 1), None)],
            ),
            unit(
                4,
                vec![state(&["F205//12/101/4"], Some("D01"), d(2000, 1, 1), None)],
            ),
            unit(
                5,
                vec![state(&["F205//12/101/5"], Some("A02"), d(2000, 1, 1), None)],
            ),
        ]);
        data.surfaces = Some(vec![
            surface("F205//12/101/1", "A02", 120, 85),
            surface("F205//12/101/2", "C06", 15, 15),
            surface("F205//12/101/3", "A02", 100, 85),
            surface("F205//12/101/4", "D01", 500, 500),
        ]);
        // Dwelling (listed with its alias) + garage: S = 100, T = 80, tol = max(2, 2.4) = 2.4.
        let positive = tari(
            "T1",
            CF[0],
            &["F205//12/101/1", "F205//12/101/9", "F205//12/101/2"],
            77,
            d(2020, 1, 1),
            None,
        );
        // Near miss: 78 m² ≥ T − tol = 77.6 m² is compliant.
        let near = tari(
            "T2",
            CF[1],
            &["F205//12/101/1", "F205//12/101/2"],
            78,
            d(2020, 1, 1),
            None,
        );
        // 80 % of the surface excluding uncovered areas (68 of 85) is compliant although below 80 % of the total.
        let compliant = tari("T3", CF[2], &["F205//12/101/3"], 68, d(2020, 1, 1), None);
        let group_d = tari("T4", CF[3], &["F205//12/101/4"], 10, d(2020, 1, 1), None);
        let no_surface = tari("T5", CF[3], &["F205//12/101/5"], 10, d(2020, 1, 1), None);
        let unknown_key = tari(
            "T6",
            CF[3],
            &["F205//12/101/3", "F205//12/999/1"],
            10,
            d(2020, 1, 1),
            None,
        );
        data.tari = Some(vec![
            positive,
            near,
            compliant,
            group_d,
            no_surface,
            unknown_key,
        ]);
        let mut params = Params::default();
        params.tari.domestic_fixed_eur_per_m2 = Some(2.0);
        let inputs = Inputs::new(data);
        let out = R14TariSurfaceBelowC646
            .evaluate(&inputs, &params, d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(
            out[0].evidence["surface_excluding_uncovered_m2"],
            100.0.into()
        );
        assert!((out[0].estimated_gap.unwrap() - 6.0).abs() < 1e-9);
    }
}
