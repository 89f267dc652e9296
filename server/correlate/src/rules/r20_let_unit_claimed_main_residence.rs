//! R20 — unit let while claimed as the landlord's main residence (L. 160/2019 c. 741: the
//! possessor must live there; c. 760: 75 % only for regulated-rent leases).
//!
//! The anomaly is the exemption claim: a registered lease on unit U in force at some time in
//! Y of which the holder is a landlord, and U treated as the holder's main residence in Y as in
//! R19 (characteristic 5 in effect, or nothing paid and no other property), U in the R19
//! scope on 1 January. A tenant resident in U is corroborating evidence only; a let dwelling
//! not claimed as the landlord's main residence is never an R20 anomaly. Key `unit_key` +
//! holder (+ `contract_id`); gap as in R19.

use chrono::NaiveDate;
use segit_model::{Anomaly, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::imu_due::{
    YearMonths, jan1, main_residence_claim, residence_mask, unit_tax_without_exemption,
};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::r19_main_residence_without_residence::in_scope;

/// R20.
#[derive(Debug, Default)]
pub struct R20LetUnitClaimedMainResidence;

impl Rule for R20LetUnitClaimedMainResidence {
    fn id(&self) -> &'static str {
        "R20"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Let unit claimed as the landlord's main residence"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 741, c. 760"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Leases,
            Source::Units,
            Source::Holdings,
            Source::Subjects,
            Source::Residents,
            Source::ImuDeclarations,
            Source::F24,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let year_months = YearMonths::new(year);
        let jan1 = jan1(year).ok_or_else(|| RuleError::Params(format!("tax year {year}")))?;
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (li, lease) in inputs.data.leases.iter().flatten().enumerate() {
            if !lease.is_in_force_in_year(year) {
                continue;
            }
            for link in inputs.lease_links(li) {
                let u = &units[link.unit];
                let Some(state) = u.state_at(jan1).filter(|s| in_scope(s)) else {
                    continue;
                };
                for hi in inputs.holdings_of_unit(link.unit) {
                    let h = &holdings[hi];
                    if !h.right.pays_imu()
                        || year_months.mask(h.validity.from(), h.validity.to()) == 0
                    {
                        continue;
                    }
                    let Some(code) = inputs.holding_code(hi) else {
                        continue;
                    };
                    if !lease.landlords.iter().any(|l| &l.cf == code) {
                        continue;
                    }
                    let Some(claim) = main_residence_claim(inputs, code, link.unit, year) else {
                        continue;
                    };
                    let tenant_resident = lease
                        .tenants
                        .iter()
                        .any(|t| residence_mask(inputs, &t.cf, link.unit, year) != 0);
                    let mut draft = Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                        .unit(state.identifiers.canonical().clone())
                        .record_key(format!("{}/{}", inputs.pseudonym(code), lease.contract_id))
                        .evidence("contract_id", lease.contract_id.clone())
                        .evidence("claim", claim.name())
                        .evidence("tenant_resident", tenant_resident)
                        .evidence(
                            "landlord_resident_months",
                            i64::from(residence_mask(inputs, code, link.unit, year).count_ones()),
                        )
                        .subject(inputs, code, SubjectRole::Owner)
                        .evidence_date(Some(lease.start_date.max(jan1)))
                        .confidence(link.confidence)
                        .gap(unit_tax_without_exemption(
                            inputs, params, code, h, link.unit, year,
                        ));
                    for t in &lease.tenants {
                        draft = draft.subject(inputs, &t.cf, SubjectRole::Tenant);
                    }
                    out.push(draft.build());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use segit_model::PropertyKind;

    #[test]
    fn let_units_with_exemption_claims() {
        let mut data = all_sources();
        let subjects = cf_persons();
        data.units = Some(dwellings(3));
        let own = |s: usize, p: u64| {
            holding(
                &subjects[s],
                property(p, PropertyKind::Building),
                "10",
                (1, 1),
                d(2010, 1, 1),
                None,
            )
        };
        data.holdings = Some(vec![own(0, 1), own(1, 2), own(2, 3)]);
        data.leases = Some(vec![
            lease(
                "L1",
                CF[0],
                CF[3],
                "F205//12/101/1",
                d(2024, 1, 1),
                d(2027, 12, 31),
            ), // claimed → positive
            lease(
                "L2",
                CF[1],
                CF[3],
                "F205//12/101/2",
                d(2024, 1, 1),
                d(2027, 12, 31),
            ), // paid, not claimed → negative
            lease(
                "L3",
                CF[2],
                CF[3],
                "F205//12/101/3",
                d(2020, 1, 1),
                d(2024, 12, 31),
            ), // near miss: ended before Y
        ]);
        data.imu_declarations = Some(vec![
            declaration(CF[0], 2023, &[("F205//12/101/1", 5, 0)]),
            declaration(CF[2], 2023, &[("F205//12/101/3", 5, 0)]),
        ]);
        data.f24 = Some(vec![payment(CF[1], 2025, "3918", 1445.0)]);
        data.residents = Some(vec![resident(
            CF[3],
            "H9",
            "F205/1/1/",
            Some("1"),
            d(2024, 1, 1),
            None,
            Some("F205//12/101/1"),
        )]);
        data.subjects = Some(subjects);
        let out = R20LetUnitClaimedMainResidence
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["contract_id"], "L1".into());
        assert_eq!(out[0].evidence["tenant_resident"], true.into());
    }
}
