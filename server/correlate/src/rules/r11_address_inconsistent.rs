//! R11 — cadastral address inconsistent with the street register or with residents and TARI
//! (L. 147/2013 c. 647: alignment of cadastral data with street names and house numbers).
//!
//! On the unit's state valid on D: (a) `not_in_register` — its current FAB address cannot be
//! aligned to the street register (street code, or toponimo + name) or has no house number;
//! (b) `house_number_differs` — it can, but residents on D or TARI premises active on D
//! linked to the unit **by unit key** are registered at another house number (address key
//! without staircase and internal). A TARI premises grouping several units (a dwelling and its
//! garage at a rear entrance) carries one address, that of the premises: it is consistent when
//! it is the house number of **any** of its units, and only then says nothing of the others'.
//! Data-quality layer; key `unit_key` + case.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use segit_model::{AddressKey, Anomaly, Confidence, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R11.
#[derive(Debug, Default)]
pub struct R11AddressInconsistent;

impl Rule for R11AddressInconsistent {
    fn id(&self) -> &'static str {
        "R11"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Cadastral address inconsistent with the street register or residents"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 647"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Units,
            Source::Streets,
            Source::Residents,
            Source::Tari,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let residents = inputs.data.residents.as_deref().unwrap_or_default();
        let tari = inputs.data.tari.as_deref().unwrap_or_default();
        let comune = inputs.comune();
        let units = inputs.data.units.as_deref().unwrap_or_default();
        // the FAB address key of a unit's state valid on D, when it aligns to the register
        let state_key = |s: &segit_model::UnitState| -> Option<AddressKey> {
            let a = s.current_address()?;
            let street = inputs.street_of(a)?;
            let (n, suffix) = a.house_number()?;
            AddressKey::new(comune?, street, n, suffix.as_deref()).ok()
        };
        let fab_key = |u: &segit_model::Unit| u.state_at(as_of).and_then(state_key);
        let mut out = Vec::new();
        for (i, u) in units.iter().enumerate() {
            let Some(s) = u.state_at(as_of) else { continue };
            let Some(a) = s.current_address() else {
                continue;
            };
            let fab = state_key(s);
            let key = s.identifiers.canonical().clone();
            let Some(fab) = fab else {
                out.push(
                    Draft::new(
                        self,
                        as_of,
                        SuggestedAction::Other("address_data_check".into()),
                    )?
                    .unit(key)
                    .record_key("not_in_register")
                    .evidence("case", "not_in_register")
                    .evidence(
                        "fab_address",
                        format!("{} {}", a.street_name, a.civico1.as_deref().unwrap_or(""))
                            .trim()
                            .to_owned(),
                    )
                    .build(),
                );
                continue;
            };
            let mut elsewhere: BTreeSet<String> = BTreeSet::new();
            for r in inputs.residents_of_unit(i) {
                let row = &residents[r];
                // linked by unit key: its key is one of this unit's (the link says so)
                if row.is_resident_on(as_of)
                    && inputs
                        .resident_link(r)
                        .is_some_and(|l| l.unit == i && l.confidence == Confidence::EXACT_UNIT_KEY)
                    && row.address.key != fab
                {
                    elsewhere.insert(row.address.key.to_string());
                }
            }
            for t in inputs.tari_of_unit(i) {
                let p = &tari[t];
                if !p.is_active_on(as_of) || p.unit_keys.is_empty() {
                    continue;
                }
                if let Some((k, _)) = inputs.tari_address(t)
                    && *k != fab
                    && !p.unit_keys.iter().any(|uk| {
                        inputs
                            .unit_index(uk)
                            .filter(|&j| j != i)
                            .and_then(|j| units.get(j))
                            .and_then(&fab_key)
                            .is_some_and(|other| other == *k)
                    })
                {
                    elsewhere.insert(k.to_string());
                }
            }
            if elsewhere.is_empty() {
                continue;
            }
            out.push(
                Draft::new(
                    self,
                    as_of,
                    SuggestedAction::Other("address_data_check".into()),
                )?
                .unit(key)
                .address(fab.clone())
                .record_key("house_number_differs")
                .evidence("case", "house_number_differs")
                .evidence("fab_address_key", fab.to_string())
                .evidence("registered_at", text_list(elsewhere))
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
    fn fab_addresses_against_register_and_residents() {
        let mut data = all_sources();
        data.streets = Some(vec![dei_mille()]);
        let with_address = |n: u64, code: &str, name: &str, civico: &str| {
            let mut s = state(
                &[&format!("F205//12/101/{n}")],
                Some("A02"),
                d(2000, 1, 1),
                None,
            );
            s.addresses = vec![CadastralAddress {
                toponimo: Some(236),
                street_name: name.into(),
                civico1: Some(civico.into()),
                civico2: None,
                civico3: None,
                street_code: Some(code.into()),
            }];
            unit(n, vec![s])
        };
        data.units = Some(vec![
            with_address(1, "05432", "DEI MILLE", "12"),
            with_address(2, "99999", "ALTROVE", "12"),
            with_address(3, "05432", "DEI MILLE", "14"),
        ]);
        data.residents = Some(vec![
            resident(
                CF[0],
                "H1",
                "F205/2040/16/",
                Some("1"),
                d(2020, 1, 1),
                None,
                Some("F205//12/101/1"),
            ), // another number → positive
            resident(
                CF[1],
                "H3",
                "F205/2040/14/",
                Some("1"),
                d(2020, 1, 1),
                None,
                Some("F205//12/101/3"),
            ), // same number: consistent
        ]);
        let out = R11AddressInconsistent
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let cases: Vec<String> = out
            .iter()
            .map(|a| {
                format!(
                    "{}:{:?}",
                    a.object.unit_key.as_ref().unwrap(),
                    a.evidence["case"]
                )
            })
            .collect();
        assert_eq!(cases.len(), 2, "{cases:?}");
        assert!(cases[0].contains("101/1") && cases[0].contains("house_number_differs"));
        assert!(cases[1].contains("101/2") && cases[1].contains("not_in_register"));
    }

    /// A TARI premises of a dwelling at 14 and its garage at 14/B (a rear entrance) is
    /// registered at the dwelling's number: consistent with both units; a premises of the
    /// garage alone registered at 14 is not.
    #[test]
    fn a_premises_of_several_units_is_at_the_number_of_one_of_them() {
        let mut data = all_sources();
        data.streets = Some(vec![dei_mille()]);
        let with_address = |n: u64, civico2: Option<&str>| {
            let mut s = state(
                &[&format!("F205//12/101/{n}")],
                Some(if n == 1 { "A02" } else { "C06" }),
                d(2000, 1, 1),
                None,
            );
            s.addresses = vec![CadastralAddress {
                toponimo: Some(236),
                street_name: "DEI MILLE".into(),
                civico1: Some("000014".into()),
                civico2: civico2.map(Into::into),
                civico3: None,
                street_code: Some("05432".into()),
            }];
            unit(n, vec![s])
        };
        data.units = Some(vec![
            with_address(1, None),
            with_address(2, Some("B")),
            with_address(3, Some("B")),
        ]);
        let at_14 = |account: &str, units: &[&str]| {
            let mut t = tari(account, CF[0], units, 90, d(2020, 1, 1), None);
            t.address_key = Some(addr("F205/2040/14/"));
            t.internal = Some("1".into());
            t
        };
        data.tari = Some(vec![
            at_14("T1", &["F205//12/101/1", "F205//12/101/2"]),
            at_14("T2", &["F205//12/101/3"]),
        ]);
        let out = R11AddressInconsistent
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let units: Vec<String> = out
            .iter()
            .map(|a| a.object.unit_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(units, ["F205//12/101/3"], "{out:?}");
        assert_eq!(
            out[0].object.address_key.as_ref().unwrap().to_string(),
            "F205/2040/14/B"
        );
    }
}
