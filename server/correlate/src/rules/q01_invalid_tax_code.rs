//! Q01 — invalid codice fiscale (rules-catalogue.md §E; identifiers.md §3): structure or
//! check character wrong. One record per occurrence (source, record, field, code as written);
//! the record is kept and the code joins only as written (DPR 605/1973; DM 23/12/1976).

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction, TaxId};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source, Utilities};
use crate::params::Params;

/// Q01.
#[derive(Debug, Default)]
pub struct Q01InvalidTaxCode;

impl Rule for Q01InvalidTaxCode {
    fn id(&self) -> &'static str {
        "Q01"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Invalid codice fiscale"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "DPR 605/1973; DM 23 dicembre 1976"
    }
    fn needs(&self) -> &'static [Source] {
        &[]
    }
    fn reads(&self) -> &'static [Source] {
        &[
            Source::Subjects,
            Source::Residents,
            Source::Tari,
            Source::Utilities,
            Source::Leases,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let d = &inputs.data;
        let mut found: Vec<(&'static str, String, &'static str, &TaxId)> = Vec::new();
        for s in d.subjects.iter().flatten() {
            if let Some(c) = s.tax_code().filter(|c| !c.is_valid()) {
                found.push(("sog", s.id.to_string(), "tax_code", c));
            }
        }
        // a residence period is identified by household, person and first day (a row number
        // would change with the order the rows are read in, and the record key must be stable)
        // (the record key is built for invalid codes only: most codes are valid)
        for r in d
            .residents
            .iter()
            .flatten()
            .filter(|r| !r.person.is_valid())
        {
            found.push((
                "residents",
                format!(
                    "{}/{}/{}",
                    r.household_id,
                    r.person.as_written(),
                    r.residence.from()
                ),
                "person_cf",
                &r.person,
            ));
        }
        for t in d.tari.iter().flatten().filter(|t| !t.payer.is_valid()) {
            found.push((
                "tari",
                format!("{}/{}", t.account_id, t.premises_seq),
                "payer_cf",
                &t.payer,
            ));
        }
        for u in d.utilities.iter().flat_map(Utilities::iter) {
            if let Some(h) = u.point.holder.as_ref().filter(|h| !h.is_valid()) {
                found.push((
                    "utilities",
                    format!("{}/{}", u.point.supply_point, u.row.year),
                    "holder_cf",
                    h,
                ));
            }
        }
        for l in d.leases.iter().flatten() {
            for x in l.landlords.iter().filter(|x| !x.cf.is_valid()) {
                found.push(("leases", l.contract_id.clone(), "landlord_cf", &x.cf));
            }
            for x in l.tenants.iter().filter(|x| !x.cf.is_valid()) {
                found.push(("leases", l.contract_id.clone(), "tenant_cf", &x.cf));
            }
        }
        let mut out = Vec::new();
        for (source, record, field, code) in found {
            let Some(err) = code.validation_error() else {
                continue;
            };
            out.push(
                Draft::new(self, as_of, SuggestedAction::RegistryCheck)?
                    .record_key(format!("{source}:{record}:{field}"))
                    .evidence("source", source)
                    .evidence("record", record)
                    .evidence("field", field)
                    .evidence("code_as_written", code.as_written())
                    .evidence("reason", err.to_string())
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
    fn reports_each_invalid_occurrence_and_keeps_valid_ones() {
        let mut data = all_sources();
        data.tari = Some(vec![
            tari("T1", CF[0], &[], 50, d(2020, 1, 1), None),
            // Near miss: a homocode with a correct check character is valid.
            tari("T2", "RSSMRA70E52F20RI", &[], 50, d(2020, 1, 1), None),
            tari("T3", "RSSMRA85T10A562X", &[], 50, d(2020, 1, 1), None),
        ]);
        data.residents = Some(vec![resident(
            "RSSMRA85T10A562X",
            "H1",
            "F205/1/1/",
            None,
            d(2020, 1, 1),
            None,
            None,
        )]);
        let inputs = Inputs::new(data);
        let out = Q01InvalidTaxCode
            .evaluate(&inputs, &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 2);
        let sources: Vec<String> = out
            .iter()
            .map(|a| format!("{:?}", a.evidence["source"]))
            .collect();
        assert!(
            sources.iter().any(|s| s.contains("tari"))
                && sources.iter().any(|s| s.contains("residents"))
        );
        assert!(out.iter().all(|a| a.rule_id.as_str() == "Q01"));
        // the residence period is named by household, code as written and first day
        assert!(out.iter().any(|a| {
            a.evidence[crate::engine::RECORD_KEY]
                == "residents:H1/RSSMRA85T10A562X/2020-01-01:person_cf".into()
        }));
    }
}
