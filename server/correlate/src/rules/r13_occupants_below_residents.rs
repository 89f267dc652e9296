//! R13 — occupants declared lower than residents.
//!
//! For each domestic TARI premises active on D with a declared number of occupants,
//! `residents_at_D` = distinct persons resident on D at the premises' address key + internal
//! (the text address resolved through the street register when the key is empty); anomaly
//! when `declared < residents_at_D`. Key `account_id`. Legal basis: DPR 158/1999 (tariff by
//! occupants) through L. 147/2013 c. 651. Gap: difference of the variable parts when
//! `tari.domestic_variable_eur_by_occupants` is configured.

use chrono::NaiveDate;
use segit_model::{Anomaly, Confidence, SubjectRole, SuggestedAction, TariUserType};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R13.
#[derive(Debug, Default)]
pub struct R13OccupantsBelowResidents;

impl Rule for R13OccupantsBelowResidents {
    fn id(&self) -> &'static str {
        "R13"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "TARI occupants declared lower than residents"
    }
    fn family(&self) -> Family {
        Family::Tari
    }
    fn legal_basis(&self) -> &'static str {
        "DPR 158/1999; L. 147/2013 c. 651"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Residents, Source::Tari]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let residents = inputs.data.residents.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (i, t) in inputs.data.tari.iter().flatten().enumerate() {
            if t.user_type != TariUserType::Domestic || !t.is_active_on(as_of) {
                continue;
            }
            let Some(declared) = t.occupants else {
                continue;
            };
            let Some(address) = inputs.tari_address(i) else {
                continue;
            };
            let mut persons: Vec<_> = inputs
                .residents_at_address(address)
                .iter()
                .map(|r| &residents[r])
                .filter(|r| r.is_resident_on(as_of))
                .map(|r| &r.person)
                .collect();
            persons.sort();
            persons.dedup();
            let count = persons.len() as u32;
            if declared >= count {
                continue;
            }
            let gap = params
                .tari
                .variable_part(count)
                .zip(params.tari.variable_part(declared))
                .map(|(a, b)| a - b);
            out.push(
                Draft::new(self, as_of, SuggestedAction::TariAssessment)?
                    .address(address.0.clone())
                    .record_key(format!("{}/{}", t.account_id, t.premises_seq))
                    .evidence("account_id", &*t.account_id)
                    .evidence("premises_seq", i64::from(t.premises_seq))
                    .evidence("internal", address.1.clone())
                    .evidence("declared_occupants", i64::from(declared))
                    .evidence("residents_on_date", i64::from(count))
                    .subject(inputs, &t.payer, SubjectRole::Occupier)
                    .confidence(Confidence::ADDRESS_KEY_WITH_INTERNAL)
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
    use crate::testkit::*;
    use segit_model::Street;

    #[test]
    fn occupants_versus_residents() {
        let mut data = all_sources();
        let at = "F205/2040/12/";
        data.streets = Some(vec![Street {
            street_code: 2040,
            dug: "VIA".into(),
            duf: "DEI MILLE".into(),
            full_name: "VIA DEI MILLE".into(),
            cadastral_toponimo: None,
            cadastral_street_code: None,
        }]);
        data.residents = Some(vec![
            resident(CF[0], "H1", at, Some("1"), d(2020, 1, 1), None, None),
            resident(CF[1], "H1", at, Some("1"), d(2020, 1, 1), None, None),
            resident(
                CF[2],
                "H1",
                at,
                Some("1"),
                d(2020, 1, 1),
                Some(d(2025, 1, 1)),
                None,
            ), // left before D
            resident(CF[3], "H2", at, Some("2"), d(2020, 1, 1), None, None),
        ]);
        let mut under = tari("T1", CF[0], &[], 80, d(2020, 1, 1), None);
        under.address_text = Some("V. DEI MILLE 12".into()); // text resolved through the register
        under.internal = Some("1".into());
        under.occupants = Some(1);
        let mut exact = tari("T2", CF[3], &[], 80, d(2020, 1, 1), None);
        exact.address_key = Some(addr(at));
        exact.internal = Some("2".into());
        exact.occupants = Some(1); // near miss: equal
        data.tari = Some(vec![under, exact]);
        let mut params = Params::default();
        params.tari.domestic_variable_eur_by_occupants = vec![50.0, 90.0, 120.0];
        let out = R13OccupantsBelowResidents
            .evaluate(&Inputs::new(data), &params, d(2025, 6, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["residents_on_date"], 2i64.into());
        assert_eq!(out[0].estimated_gap, Some(40.0));
    }
}
