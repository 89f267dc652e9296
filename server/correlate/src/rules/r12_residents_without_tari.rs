//! R12 — residents without TARI.
//!
//! The household is the set of its members resident on D. The rule applies when the earliest
//! `from_date` among them is on or before D − `grace_days` (the date the household settled;
//! a newborn or a later member does not restart it). The household is covered when (a) a
//! domestic TARI premises active on D has any member's code as payer (as written), wherever
//! the premises are, or (b) any TARI premises active on D is at the household's address key
//! and internal number, or lists its unit. Key `household_id`; geometry the house-number point.
//! Legal basis: L. 147/2013 c. 641-642 (occupier liable, household jointly liable).
//! Gap: the fixed part on 80 % of the unit's surface (when the unit and its surface are known
//! and a domestic tariff is configured) plus the variable part for the household size.

use chrono::{Days, NaiveDate};
use segit_model::{Anomaly, Confidence, Resident, SubjectRole, SuggestedAction, TariUserType};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R12.
#[derive(Debug, Default)]
pub struct R12ResidentsWithoutTari;

/// The first 16 bytes of a household id as a big-endian integer (zero-padded): ordering
/// these orders the ids as strings, but for ids equal on them.
fn id_prefix(id: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = id.len().min(16);
    b[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

fn same_household(residents: &[Resident], a: &(u128, usize), b: &(u128, usize)) -> bool {
    residents[a.1].household_id == residents[b.1].household_id
}

/// The rows resident on `as_of` (prefix of the household id, row), in the order of their
/// household id, then of the rows: each household's members together, ascending (a million
/// rows sorted on the prefixes, the ids compared only where those are equal).
fn households_on(residents: &[Resident], as_of: NaiveDate) -> Vec<(u128, usize)> {
    let mut rows: Vec<(u128, usize)> = residents
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_resident_on(as_of))
        .map(|(i, r)| (id_prefix(&r.household_id), i))
        .collect();
    rows.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| {
                residents[a.1]
                    .household_id
                    .cmp(&residents[b.1].household_id)
            })
            .then(a.1.cmp(&b.1))
    });
    rows
}

impl Rule for R12ResidentsWithoutTari {
    fn id(&self) -> &'static str {
        "R12"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Resident household without TARI"
    }
    fn family(&self) -> Family {
        Family::Tari
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 641-642"
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
        let tari = inputs.data.tari.as_deref().unwrap_or_default();
        let households = households_on(residents, as_of);
        let Some(cutoff) =
            as_of.checked_sub_days(Days::new(params.rules.r12_grace_days.max(0) as u64))
        else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for members in households.chunk_by(|a, b| a.0 == b.0 && same_household(residents, a, b)) {
            let household = &*residents[members[0].1].household_id;
            let members: Vec<usize> = members.iter().map(|m| m.1).collect();
            let rows: Vec<&Resident> = members.iter().map(|&i| &residents[i]).collect();
            let Some(settled) = rows.iter().map(|r| r.residence.from()).min() else {
                continue;
            };
            if settled > cutoff {
                continue;
            }
            let by_payer = rows.iter().any(|r| {
                inputs.tari_of_payer(&r.person).iter().any(|t| {
                    tari[t].is_active_on(as_of) && tari[t].user_type == TariUserType::Domestic
                })
            });
            if by_payer {
                continue;
            }
            let units: Vec<usize> = members
                .iter()
                .filter_map(|&i| inputs.resident_link(i))
                .map(|l| l.unit)
                .collect();
            let addresses: Vec<_> = rows
                .iter()
                .filter_map(|r| {
                    r.address
                        .internal()
                        .map(|int| (r.address.key.clone(), int.trim().to_uppercase()))
                })
                .collect();
            let by_place = units.iter().any(|&u| {
                inputs
                    .tari_of_unit(u)
                    .iter()
                    .any(|t| tari[t].is_active_on(as_of))
            }) || addresses.iter().any(|a| {
                inputs
                    .tari_at_address(a)
                    .iter()
                    .any(|t| tari[t].is_active_on(as_of))
            });
            if by_place {
                continue;
            }
            let mut persons: Vec<_> = rows.iter().map(|r| &r.person).collect();
            persons.sort();
            persons.dedup();
            let head = rows
                .iter()
                .min_by_key(|r| (r.residence.from(), r.person.as_written()))
                .map_or(rows[0], |r| *r);
            let gap = units.first().and_then(|&u| {
                let surfaces = inputs.data.surfaces.as_deref()?;
                let s = &surfaces[inputs.surface_of_unit(u)?];
                let fixed = crate::fiscal::tari_min_surface(
                    f64::from(s.excluding_uncovered_m2),
                    &params.tari,
                ) * params.tari.domestic_fixed_eur_per_m2?;
                Some(
                    fixed
                        + params
                            .tari
                            .variable_part(persons.len() as u32)
                            .unwrap_or(0.0),
                )
            });
            let mut draft = Draft::new(self, as_of, SuggestedAction::TariAssessment)?
                .address(head.address.key.clone())
                .record_key(household)
                .evidence("household_id", household)
                .evidence("address_key", head.address.key.to_string())
                .evidence("internal", head.address.internal().unwrap_or(""))
                .evidence("members_on_date", persons.len() as i64)
                .evidence("settled_since", settled)
                .evidence(
                    "linked_units",
                    text_list(units.iter().filter_map(|&u| {
                        inputs
                            .data
                            .units
                            .as_deref()
                            .and_then(|v| v[u].latest_state())
                            .map(|s| s.identifiers.canonical().to_string())
                    })),
                )
                .evidence_date(
                    settled.checked_add_days(Days::new(params.rules.r12_grace_days.max(0) as u64)),
                )
                .confidence(Confidence::CF_EXACT)
                .gap(gap);
            for p in persons {
                draft = draft.subject(inputs, p, SubjectRole::Resident);
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
    fn households_without_tari() {
        let mut data = all_sources();
        let d0 = d(2025, 6, 1);
        let at = "F205/2040/12/";
        data.residents = Some(vec![
            // H1: settled long ago, no TARI at all → positive (a newborn does not restart grace).
            resident(CF[0], "H1", at, Some("1"), d(2020, 1, 1), None, None),
            resident(CF[1], "H1", at, Some("1"), d(2025, 5, 20), None, None),
            // H2: the payer is a member (premises elsewhere) → covered.
            resident(CF[2], "H2", at, Some("2"), d(2020, 1, 1), None, None),
            // H3: a premises at the same address + internal → covered.
            resident(CF[3], "H3", at, Some("3"), d(2020, 1, 1), None, None),
            // H4: near miss, settled 89 days before D → within grace.
            resident(
                "RSSMRA85T10A562X",
                "H4",
                at,
                Some("4"),
                d0 - Days::new(89),
                None,
                None,
            ),
            // H5: moved out before D.
            resident(
                "RSSMRA85T10A562Y",
                "H5",
                at,
                Some("5"),
                d(2020, 1, 1),
                Some(d(2025, 1, 1)),
                None,
            ),
        ]);
        let mut at_address = tari("T3", "RSSMRA85T10A562Z", &[], 60, d(2020, 1, 1), None);
        at_address.address_key = Some(addr(at));
        at_address.internal = Some("3".into());
        data.tari = Some(vec![
            tari("T2", CF[2], &[], 60, d(2020, 1, 1), None),
            at_address,
        ]);
        // H1's payer code only has an expired premises.
        data.tari.as_mut().unwrap().push(tari(
            "T1",
            CF[0],
            &[],
            60,
            d(2019, 1, 1),
            Some(d(2024, 12, 31)),
        ));
        let out = R12ResidentsWithoutTari
            .evaluate(&Inputs::new(data), &Params::default(), d0)
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["household_id"], "H1".into());
        assert_eq!(out[0].subjects.len(), 2);
        assert!(
            out[0]
                .subjects
                .iter()
                .all(|s| s.person_key.len() == 16 && !s.person_key.contains("RSS"))
        );
    }
}
