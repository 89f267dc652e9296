//! R15 — units with utilities but no TARI (L. 147/2013 c. 641: premises connected to
//! utilities are presumed able to produce waste, common municipal regulation clause).
//!
//! A contract gives a utility signal of year Y (consumption strictly above the R15
//! thresholds, water excluded) and is linked to a unit. Not an anomaly when, in Y, (a) a TARI
//! premises active in Y lists the unit, or (b) a TARI premises active in Y is at the unit's
//! address key + internal, or (c) a signalling contract's holder is the payer of any TARI
//! premises active in Y anywhere in the municipality. One anomaly per unit listing all its
//! signalling supply points; key `unit_key`. Gap: fixed part on 80 % of the unit's surface
//! excluding uncovered areas when a tariff is configured.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use segit_model::{Anomaly, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source, UnitLink, UtilityPoint};
use crate::params::Params;
use crate::rules::common::{kind_name, utility_signal};

/// R15.
#[derive(Debug, Default)]
pub struct R15UtilitiesWithoutTari;

impl Rule for R15UtilitiesWithoutTari {
    fn id(&self) -> &'static str {
        "R15"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Unit with utilities but no TARI"
    }
    fn family(&self) -> Family {
        Family::Tari
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 641"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Utilities, Source::Tari, Source::Units]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let tari = inputs.data.tari.as_deref().unwrap_or_default();
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let mut by_unit: BTreeMap<usize, Vec<(&UtilityPoint, UnitLink)>> = BTreeMap::new();
        for (i, u) in inputs.utilities().iter().enumerate() {
            if !utility_signal(
                u,
                year,
                params.rules.r15_cons_min_electricity_kwh,
                params.rules.r15_cons_min_gas_smc,
            ) {
                continue;
            }
            if let Some(l) = inputs.utility_link(i) {
                by_unit.entry(l.unit).or_default().push((u.point, l));
            }
        }
        let mut out = Vec::new();
        for (unit, contracts) in by_unit {
            let active = |t: usize| tari[t].is_active_in_year(year);
            if inputs.tari_of_unit(unit).iter().any(active) {
                continue;
            }
            let state = units[unit]
                .state_at(as_of)
                .or_else(|| units[unit].latest_state());
            let address = state.and_then(|s| inputs.state_address(s));
            if address
                .as_ref()
                .is_some_and(|a| inputs.tari_at_address(a).iter().any(active))
            {
                continue;
            }
            if contracts.iter().any(|(c, _)| {
                c.holder
                    .as_ref()
                    .is_some_and(|h| inputs.tari_of_payer(h).iter().any(active))
            }) {
                continue;
            }
            let Some(state) = state else { continue };
            let confidence = contracts.iter().map(|(_, l)| l.confidence).fold(
                contracts[0].1.confidence,
                |a, c| {
                    if c.get() > a.get() { c } else { a }
                },
            );
            let gap = inputs.surface_of_unit(unit).and_then(|si| {
                let s = &inputs.data.surfaces.as_deref()?[si];
                Some(
                    crate::fiscal::tari_min_surface(
                        f64::from(s.excluding_uncovered_m2),
                        &params.tari,
                    ) * params.tari.domestic_fixed_eur_per_m2?,
                )
            });
            let mut points: Vec<String> = contracts
                .iter()
                .map(|(c, _)| format!("{}:{}", kind_name(c.utility), c.supply_point))
                .collect();
            points.sort();
            points.dedup();
            let mut draft = Draft::new(self, as_of, SuggestedAction::TariAssessment)?
                .unit(state.identifiers.canonical().clone())
                .evidence("supply_points", text_list(points))
                .evidence("year", i64::from(year))
                .evidence_date(contracts.iter().map(|(c, _)| c.contract.first()).min())
                .confidence(confidence)
                .gap(gap);
            if let Some(a) = address {
                draft = draft.address(a.0);
            }
            for (c, _) in &contracts {
                if let Some(h) = &c.holder {
                    draft = draft.subject(inputs, h, SubjectRole::Occupier);
                }
            }
            out.push(draft.build());
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
    fn utilities_without_tari() {
        let mut data = all_sources();
        data.units = Some(dwellings(5));
        data.utilities = Some(Utilities::from(vec![
            utility(
                UtilityKind::Electricity,
                "E1",
                Some(CF[0]),
                Some("F205//12/101/1"),
                2025,
                1200.0,
            ), // positive
            utility(
                UtilityKind::Gas,
                "G1",
                Some(CF[0]),
                Some("F205//12/101/1"),
                2025,
                400.0,
            ), // same unit: listed
            utility(
                UtilityKind::Electricity,
                "E2",
                Some(CF[1]),
                Some("F205//12/101/2"),
                2025,
                1200.0,
            ), // TARI on the unit
            utility(
                UtilityKind::Electricity,
                "E3",
                Some(CF[2]),
                Some("F205//12/101/3"),
                2025,
                1200.0,
            ), // holder pays elsewhere
            utility(
                UtilityKind::Electricity,
                "E4",
                Some(CF[3]),
                Some("F205//12/101/4"),
                2025,
                300.0,
            ), // near miss: not above 300
            utility(
                UtilityKind::Water,
                "W5",
                Some(CF[3]),
                Some("F205//12/101/5"),
                2025,
                900.0,
            ), // water is never a signal
        ]));
        data.tari = Some(vec![
            tari(
                "T2",
                "RSSMRA85T10A562X",
                &["F205//12/101/2"],
                50,
                d(2025, 3, 1),
                None,
            ),
            tari("T3", CF[2], &["F205//13/1/1"], 50, d(2020, 1, 1), None),
            // Ended in the previous year: does not cover unit 1.
            tari(
                "T1",
                "RSSMRA85T10A562Y",
                &["F205//12/101/1"],
                50,
                d(2020, 1, 1),
                Some(d(2024, 12, 31)),
            ),
        ]);
        let out = R15UtilitiesWithoutTari
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 12, 31))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.unit_key.as_ref().unwrap().to_string(),
            "F205//12/101/1"
        );
        assert_eq!(
            out[0].evidence["supply_points"],
            text_list(["electricity:E1", "gas:G1"])
        );
    }
}
