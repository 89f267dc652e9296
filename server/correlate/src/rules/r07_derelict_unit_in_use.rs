//! R07 — F/2 (derelict) unit with signs of use.
//!
//! The state valid on D is F/2 and at least one signal holds for the unit (catalogue §0): a
//! utility signal of year Y (consumption strictly above `cons_min`, water excluded), a
//! resident on D, a TARI premises active on D, a lease in force on D — each linked to the
//! unit by unit key (or alias) or address key + internal. A state that was F/2 only in the
//! past is not an anomaly. Key `unit_key`; the evidence lists the signals.
//! Legal basis: DM 28/1998 art. 3; L. 311/2004 c. 336; L. 160/2019 c. 745. The comparable-rent
//! gap of the catalogue is not estimated (no rent distribution is configured), so the gap is
//! left empty.

use chrono::NaiveDate;
use segit_model::{Anomaly, Category, EvidenceValue, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{best_confidence, earliest, efficacy, use_signals};

/// R07.
#[derive(Debug, Default)]
pub struct R07DerelictUnitInUse;

/// Sources of the signs of use (R07, R08).
pub const SIGNAL_SOURCES: [Source; 5] = [
    Source::Units,
    Source::Utilities,
    Source::Residents,
    Source::Tari,
    Source::Leases,
];

impl Rule for R07DerelictUnitInUse {
    fn id(&self) -> &'static str {
        "R07"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Derelict (F/2) unit with signs of use"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "DM 28/1998 art. 3; L. 311/2004 c. 336; L. 160/2019 c. 745"
    }
    fn needs(&self) -> &'static [Source] {
        &SIGNAL_SOURCES
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let f2 = Category::parse("F02").map_err(|e| RuleError::Input(e.to_string()))?;
        let mut out = Vec::new();
        for (i, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(s) = u.state_at(as_of) else { continue };
            if s.category != Some(f2) {
                continue;
            }
            let signals = use_signals(
                inputs,
                i,
                as_of,
                params.rules.r07_cons_min_electricity_kwh,
                params.rules.r07_cons_min_gas_smc,
            );
            if signals.is_empty() {
                continue;
            }
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .unit(s.identifiers.canonical().clone())
                    .evidence("category", "F/2")
                    .evidence("f2_since", efficacy(s))
                    .evidence(
                        "signals",
                        EvidenceValue::List(
                            signals
                                .iter()
                                .map(super::common::Signal::evidence)
                                .collect(),
                        ),
                    )
                    .evidence_date(earliest(&signals).map(|e| e.max(efficacy(s))))
                    .confidence(best_confidence(&signals))
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
    fn f2_units_with_signals() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("F02"), d(2018, 1, 1), None)],
            ),
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("F02"), d(2018, 1, 1), None)],
            ),
            unit(
                3,
                vec![state(&["F205//12/101/3"], Some("F02"), d(2018, 1, 1), None)],
            ),
            unit(
                4,
                vec![
                    state(
                        &["F205//12/101/4"],
                        Some("F02"),
                        d(2018, 1, 1),
                        Some(d(2024, 1, 1)),
                    ),
                    state(&["F205//12/101/4"], Some("A02"), d(2024, 1, 1), None),
                ],
            ),
            unit(
                5,
                vec![state(
                    &["F205//12/101/5", "F205//12/101/6"],
                    Some("F02"),
                    d(2018, 1, 1),
                    None,
                )],
            ),
        ]);
        data.utilities = Some(Utilities::from(vec![
            utility(
                UtilityKind::Electricity,
                "E1",
                Some(CF[0]),
                Some("F205//12/101/1"),
                2025,
                301.0,
            ), // positive
            utility(
                UtilityKind::Electricity,
                "E2",
                Some(CF[0]),
                Some("F205//12/101/2"),
                2025,
                300.0,
            ), // near miss: not strictly above
            utility(
                UtilityKind::Water,
                "W3",
                Some(CF[0]),
                Some("F205//12/101/3"),
                2025,
                9000.0,
            ), // water never a signal
            utility(
                UtilityKind::Gas,
                "G4",
                Some(CF[0]),
                Some("F205//12/101/4"),
                2025,
                500.0,
            ), // F/2 only in the past
        ]));
        // Stapled unit reached through its alias by a TARI premises.
        data.tari = Some(vec![tari(
            "T5",
            CF[1],
            &["F205//12/101/6"],
            40,
            d(2020, 1, 1),
            None,
        )]);
        let out = R07DerelictUnitInUse
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.unit_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["F205//12/101/1", "F205//12/101/5"]);
    }
}
