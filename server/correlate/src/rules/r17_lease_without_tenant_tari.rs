//! R17 — registered lease without the tenant's TARI (L. 147/2013 c. 641-642: the occupier
//! is liable).
//!
//! For each lease in force on D and each leased unit whose state on D is in group A, C/1, C/3
//! or group D (storerooms, garages, sheds, groups B and E and the F categories are out of
//! scope): anomaly unless a TARI premises active on D that lists the unit (or is at its
//! address key + internal) has as payer a tenant, or a member resident on D of a tenant's
//! household. Key `contract_id` + `unit_key`. Gap: fixed part on 80 % of the unit's surface
//! when a tariff is configured.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use segit_model::{Anomaly, CategoryGroup, SubjectRole, SuggestedAction, TaxId};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R17.
#[derive(Debug, Default)]
pub struct R17LeaseWithoutTenantTari;

impl Rule for R17LeaseWithoutTenantTari {
    fn id(&self) -> &'static str {
        "R17"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Registered lease without the tenant's TARI"
    }
    fn family(&self) -> Family {
        Family::Tari
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 641-642"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Leases,
            Source::Tari,
            Source::Units,
            Source::Residents,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let tari = inputs.data.tari.as_deref().unwrap_or_default();
        let residents = inputs.data.residents.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (li, lease) in inputs.data.leases.iter().flatten().enumerate() {
            if !lease.is_in_force_on(as_of) {
                continue;
            }
            // Tenants and the members, resident on D, of their households.
            let mut payers: BTreeSet<&TaxId> = lease.tenants.iter().map(|t| &t.cf).collect();
            let households: BTreeSet<&str> = lease
                .tenants
                .iter()
                .flat_map(|t| {
                    inputs
                        .residents_of_code(&t.cf)
                        .iter()
                        .map(|r| &residents[r])
                })
                .filter(|r| r.is_resident_on(as_of))
                .map(|r| &*r.household_id)
                .collect();
            for h in &households {
                payers.extend(
                    inputs
                        .household_rows(h)
                        .iter()
                        .map(|r| &residents[r])
                        .filter(|r| r.is_resident_on(as_of))
                        .map(|r| &r.person),
                );
            }
            for link in inputs.lease_links(li) {
                let Some(state) = units[link.unit].state_at(as_of) else {
                    continue;
                };
                let Some(cat) = state.category else { continue };
                let in_scope = matches!(cat.group(), CategoryGroup::A | CategoryGroup::D)
                    || (cat.group() == CategoryGroup::C && matches!(cat.number(), 1 | 3));
                if !in_scope {
                    continue;
                }
                let mut premises: Vec<usize> = inputs.tari_of_unit(link.unit).to_vec();
                if let Some(a) = inputs.state_address(state) {
                    premises.extend(inputs.tari_at_address(&a));
                }
                if premises
                    .iter()
                    .any(|&t| tari[t].is_active_on(as_of) && payers.contains(&tari[t].payer))
                {
                    continue;
                }
                let gap = inputs.surface_of_unit(link.unit).and_then(|si| {
                    let s = &inputs.data.surfaces.as_deref()?[si];
                    let tariff = if cat.group() == CategoryGroup::A && cat.number() != 10 {
                        params.tari.domestic_fixed_eur_per_m2
                    } else {
                        params.tari.tariff_per_m2(None)
                    }?;
                    Some(
                        crate::fiscal::tari_min_surface(
                            f64::from(s.excluding_uncovered_m2),
                            &params.tari,
                        ) * tariff,
                    )
                });
                let mut draft = Draft::new(self, as_of, SuggestedAction::TariAssessment)?
                    .unit(state.identifiers.canonical().clone())
                    .record_key(lease.contract_id.clone())
                    .evidence("contract_id", lease.contract_id.clone())
                    .evidence("category", cat.to_string())
                    .evidence("lease_start", lease.start_date)
                    .evidence("lease_last_day", lease.last_day())
                    .evidence_date(Some(lease.start_date))
                    .confidence(link.confidence)
                    .gap(gap);
                for t in &lease.tenants {
                    draft = draft.subject(inputs, &t.cf, SubjectRole::Tenant);
                }
                out.push(draft.build());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn leases_without_tenant_tari() {
        let mut data = all_sources();
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None)],
            ),
            unit(
                2,
                vec![state(&["F205//12/101/2"], Some("A02"), d(2000, 1, 1), None)],
            ),
            unit(
                3,
                vec![state(&["F205//12/101/3"], Some("C06"), d(2000, 1, 1), None)],
            ),
            unit(
                4,
                vec![state(&["F205//12/101/4"], Some("C01"), d(2000, 1, 1), None)],
            ),
            unit(
                5,
                vec![state(&["F205//12/101/5"], Some("A03"), d(2000, 1, 1), None)],
            ),
        ]);
        data.leases = Some(vec![
            lease(
                "L1",
                CF[0],
                CF[1],
                "F205//12/101/1",
                d(2024, 1, 1),
                d(2027, 12, 31),
            ), // positive: landlord pays
            lease(
                "L2",
                CF[0],
                CF[2],
                "F205//12/101/2",
                d(2024, 1, 1),
                d(2027, 12, 31),
            ), // spouse of the tenant pays
            lease(
                "L3",
                CF[0],
                CF[3],
                "F205//12/101/3",
                d(2024, 1, 1),
                d(2027, 12, 31),
            ), // garage: out of scope
            lease(
                "L4",
                CF[0],
                CF[3],
                "F205//12/101/4",
                d(2024, 1, 1),
                d(2027, 12, 31),
            ), // shop, tenant pays
            lease(
                "L5",
                CF[0],
                CF[3],
                "F205//12/101/5",
                d(2020, 1, 1),
                d(2024, 12, 31),
            ), // near miss: ended before D
        ]);
        data.residents = Some(vec![
            resident(
                CF[2],
                "H2",
                "F205/1/1/",
                Some("2"),
                d(2024, 1, 1),
                None,
                Some("F205//12/101/2"),
            ),
            resident(
                "RSSMRA85T10A562X",
                "H2",
                "F205/1/1/",
                Some("2"),
                d(2024, 1, 1),
                None,
                Some("F205//12/101/2"),
            ),
        ]);
        data.tari = Some(vec![
            tari("T1", CF[0], &["F205//12/101/1"], 80, d(2024, 1, 1), None),
            tari(
                "T2",
                "RSSMRA85T10A562X",
                &["F205//12/101/2"],
                80,
                d(2024, 1, 1),
                None,
            ),
            tari("T4", CF[3], &["F205//12/101/4"], 80, d(2024, 1, 1), None),
        ]);
        let out = R17LeaseWithoutTenantTari
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["contract_id"], "L1".into());
        assert_eq!(out[0].subjects[0].role, SubjectRole::Tenant);
    }
}
