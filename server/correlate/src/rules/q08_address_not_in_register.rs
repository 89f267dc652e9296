//! Q08 — address not found in the street register (rules-catalogue.md §E, see R11): text
//! addresses of TARI premises and utility contracts without an address key that cannot be
//! resolved, and current FAB addresses whose street cannot be aligned (L. 147/2013 c. 647).

use chrono::{Datelike, NaiveDate};
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::kind_name;

/// Q08.
#[derive(Debug, Default)]
pub struct Q08AddressNotInRegister;

impl Rule for Q08AddressNotInRegister {
    fn id(&self) -> &'static str {
        "Q08"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Address not found in the street register"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 647"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Streets]
    }
    fn reads(&self) -> &'static [Source] {
        &[
            Source::Streets,
            Source::Units,
            Source::Tari,
            Source::Utilities,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year.unwrap_or_else(|| as_of.year());
        let mut found: Vec<(&'static str, String, String)> = Vec::new();
        for t in inputs.data.tari.iter().flatten() {
            if !t.is_active_in_year(year) || t.address_key.is_some() {
                continue;
            }
            if let Some(text) = t
                .address_text
                .as_deref()
                .filter(|s| inputs.resolve_text(s).is_none())
            {
                found.push((
                    "tari",
                    format!("{}/{}", t.account_id, t.premises_seq),
                    text.to_owned(),
                ));
            }
        }
        for row in inputs.utilities().iter() {
            let u = row.point;
            if row.row.year != year || u.address_key.is_some() {
                continue;
            }
            if let Some(text) = u
                .address_text
                .as_deref()
                .filter(|s| inputs.resolve_text(s).is_none())
            {
                found.push((
                    "utilities",
                    format!("{}:{}", kind_name(u.utility), u.supply_point),
                    text.to_owned(),
                ));
            }
        }
        for u in inputs.data.units.iter().flatten() {
            let Some(s) = u.state_at(as_of) else { continue };
            let Some(a) = s.current_address() else {
                continue;
            };
            if inputs.street_of(a).is_none() || a.house_number().is_none() {
                let text = format!("{} {}", a.street_name, a.civico1.as_deref().unwrap_or(""))
                    .trim()
                    .to_owned();
                found.push(("fab", s.identifiers.canonical().to_string(), text));
            }
        }
        found.sort();
        found.dedup();
        let mut out = Vec::new();
        for (source, record, text) in found {
            out.push(
                Draft::new(
                    self,
                    as_of,
                    SuggestedAction::Other("address_data_check".into()),
                )?
                .record_key(format!("{source}:{record}"))
                .evidence("source", source)
                .evidence("record", record)
                .evidence("address_text", text)
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
    use segit_model::CadastralAddress;

    #[test]
    fn unresolvable_text_and_fab_addresses() {
        let mut data = all_sources();
        data.streets = Some(vec![dei_mille()]);
        let mut ok = tari("T1", CF[0], &[], 50, d(2020, 1, 1), None);
        ok.address_text = Some("V. DEI MILLE 12".into());
        let mut bad = tari("T2", CF[0], &[], 50, d(2020, 1, 1), None);
        bad.address_text = Some("VIA INESISTENTE 3".into());
        data.tari = Some(vec![ok, bad]);
        let addr = |code: &str| CadastralAddress {
            toponimo: Some(236),
            street_name: "DEI MILLE".into(),
            civico1: Some("12".into()),
            civico2: None,
            civico3: None,
            street_code: Some(code.into()),
        };
        let mut s1 = state(&["F205//12/101/1"], Some("A02"), d(2010, 1, 1), None);
        s1.addresses = vec![addr("5432")];
        let mut s2 = state(&["F205//12/101/2"], Some("A02"), d(2010, 1, 1), None);
        s2.addresses = vec![CadastralAddress {
            street_name: "ALTROVE".into(),
            toponimo: Some(1),
            ..addr("99999")
        }];
        data.units = Some(vec![unit(1, vec![s1]), unit(2, vec![s2])]);
        let out = Q08AddressNotInRegister
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let records: Vec<String> = out
            .iter()
            .map(|a| format!("{:?}", a.evidence["record"]))
            .collect();
        assert_eq!(out.len(), 2, "{records:?}");
        assert!(records[0].contains("F205//12/101/2") && records[1].contains("T2"));
    }
}
