//! R08 — F/3 (under construction) or F/4 (being defined) lasting too long, or with signs of
//! use.
//!
//! Current state on D only. Ages are calendar periods: F/3 is too old when efficacy +
//! `f3_max_years` years falls strictly before D, F/4 when efficacy + `f4_max_months` months
//! does (a 29 February start moves to 28 February). Any R07 signal makes an F/3 or F/4 unit
//! an anomaly whatever its age. Key `unit_key`. Legal basis: L. 311/2004 c. 336; L. 160/2019
//! c. 746 (base as building land until completion).

use chrono::{Months, NaiveDate};
use segit_model::{Anomaly, Category, EvidenceValue, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{Signal, best_confidence, earliest, efficacy, use_signals};
use crate::rules::r07_derelict_unit_in_use::SIGNAL_SOURCES;

/// R08.
#[derive(Debug, Default)]
pub struct R08F3F4TooLong;

impl Rule for R08F3F4TooLong {
    fn id(&self) -> &'static str {
        "R08"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "F/3 or F/4 lasting too long, or with signs of use"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336; L. 160/2019 c. 746"
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
        let parse = |c: &str| Category::parse(c).map_err(|e| RuleError::Input(e.to_string()));
        let (f3, f4) = (parse("F03")?, parse("F04")?);
        let mut out = Vec::new();
        for (i, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(s) = u.state_at(as_of) else { continue };
            let since = efficacy(s);
            let limit = if s.category == Some(f3) {
                since.checked_add_months(Months::new(12 * params.rules.r08_f3_max_years))
            } else if s.category == Some(f4) {
                since.checked_add_months(Months::new(params.rules.r08_f4_max_months))
            } else {
                continue;
            };
            let too_old = limit.is_some_and(|l| l < as_of);
            let signals = use_signals(
                inputs,
                i,
                as_of,
                params.rules.r07_cons_min_electricity_kwh,
                params.rules.r07_cons_min_gas_smc,
            );
            if !too_old && signals.is_empty() {
                continue;
            }
            let date = if too_old {
                limit.and_then(|l| l.succ_opt())
            } else {
                earliest(&signals)
            };
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .unit(s.identifiers.canonical().clone())
                    .evidence(
                        "category",
                        s.category.map(|c| c.to_string()).unwrap_or_default(),
                    )
                    .evidence("efficacy_date", since)
                    .evidence("too_old", too_old)
                    .evidence(
                        "limit_date",
                        limit.map_or(EvidenceValue::Null, EvidenceValue::from),
                    )
                    .evidence(
                        "signals",
                        EvidenceValue::List(signals.iter().map(Signal::evidence).collect()),
                    )
                    .evidence_date(date)
                    .confidence(if too_old {
                        segit_model::Confidence::EXACT_UNIT_KEY
                    } else {
                        best_confidence(&signals)
                    })
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

    #[test]
    fn calendar_ages_and_signals() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(
                    &["F205//12/101/1"],
                    Some("F03"),
                    d(2022, 5, 31),
                    None,
                )],
            ), // +3y = 2025-05-31 < D
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("F03"), d(2022, 6, 1), None)],
            ), // near miss: anniversary = D
            unit(
                3,
                vec![state(
                    &["F205//12/101/3"],
                    Some("F04"),
                    d(2024, 5, 31),
                    None,
                )],
            ), // +12m < D
            unit(
                4,
                vec![state(&["F205//12/101/4"], Some("F04"), d(2024, 6, 1), None)],
            ), // near miss
            unit(
                5,
                vec![state(&["F205//12/101/5"], Some("F03"), d(2025, 1, 1), None)],
            ), // young, with a resident
            unit(
                6,
                vec![state(
                    &["F205//12/101/6"],
                    Some("F03"),
                    d(2020, 2, 29),
                    None,
                )],
            ), // 29 Feb → 28 Feb 2023 < D
        ]);
        data.residents = Some(vec![resident(
            CF[0],
            "H1",
            "F205/1/1/",
            Some("1"),
            d(2025, 3, 1),
            None,
            Some("F205//12/101/5"),
        )]);
        let out = R08F3F4TooLong
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.unit_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(
            keys,
            [
                "F205//12/101/1",
                "F205//12/101/3",
                "F205//12/101/5",
                "F205//12/101/6"
            ]
        );
    }
}
