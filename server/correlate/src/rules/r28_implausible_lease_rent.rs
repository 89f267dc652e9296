//! R28 — lease rent implausible: possible undeclared part of the rent, or a fictitious lease
//! used to claim reliefs such as the regulated-rent reduction (L. 160/2019 c. 760; D.Lgs.
//! 23/2011 art. 3 on the registration of leases).
//!
//! For each lease in force on D: the expected minimum monthly rent is Σ over its units of
//! `Loc_min × total cadastral surface`, `Loc_min` being the mean, over the OMI zones of the
//! unit's microzone, of the minimum rent of the typology of its category (A/10 offices 6,
//! C/1 shops 11, C/6 and C/7 boxes 13, other group A 20 civil dwellings; state NORMALE).
//! Anomaly when `annual_rent / 12 < k × expected` (k = 0.5). Leases with a unit whose value
//! cannot be found are skipped. Key `contract_id`.

use chrono::NaiveDate;
use segit_model::{Anomaly, Category, CategoryGroup, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{MicrozoneMemo, omi_mean_in_microzone, unit_parcel};

/// R28.
#[derive(Debug, Default)]
pub struct R28ImplausibleLeaseRent;

/// OMI typology of a category, when the engine knows one.
pub fn omi_typology(cat: Category) -> Option<u32> {
    match (cat.group(), cat.number()) {
        (CategoryGroup::A, 10) => Some(6),
        (CategoryGroup::A, _) => Some(20),
        (CategoryGroup::C, 1) => Some(11),
        (CategoryGroup::C, 6 | 7) => Some(13),
        _ => None,
    }
}

fn loc_min(inputs: &Inputs, microzone: u32, typology: u32) -> Option<f64> {
    omi_mean_in_microzone(inputs, microzone, typology, |q| q.loc_min)
}

impl Rule for R28ImplausibleLeaseRent {
    fn id(&self) -> &'static str {
        "R28"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Lease rent implausibly low"
    }
    fn family(&self) -> Family {
        Family::Values
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 760; D.Lgs. 23/2011 art. 3"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Leases,
            Source::Units,
            Source::MapParcels,
            Source::Microzones,
            Source::OmiZones,
            Source::OmiValues,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let surfaces = inputs.data.surfaces.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        let mut microzones = MicrozoneMemo::default();
        'leases: for (li, lease) in inputs.data.leases.iter().flatten().enumerate() {
            let links = inputs.lease_links(li);
            if !lease.is_in_force_on(as_of) || links.is_empty() {
                continue;
            }
            let mut expected = 0.0;
            let mut keys = Vec::new();
            for l in links {
                let Some(s) = units[l.unit].state_at(as_of) else {
                    continue 'leases;
                };
                let Some(typology) = s.category.and_then(omi_typology) else {
                    continue 'leases;
                };
                let sup = inputs
                    .surface_of_unit(l.unit)
                    .map(|x| f64::from(surfaces[x].total_m2))
                    .or_else(|| s.surface_m2.map(f64::from));
                let Some(sup) = sup else { continue 'leases };
                let Some(z) = microzones.of(inputs, &unit_parcel(s)) else {
                    continue 'leases;
                };
                let Some(min) = loc_min(inputs, z, typology) else {
                    continue 'leases;
                };
                expected += min * sup;
                keys.push(s.identifiers.canonical().clone());
            }
            let monthly = lease.annual_rent / 12.0;
            if expected <= 0.0 || monthly >= params.rules.r28_k * expected {
                continue;
            }
            let mut draft = Draft::new(self, as_of, SuggestedAction::Other("lease_check".into()))?
                .unit(keys[0].clone())
                .record_key(lease.contract_id.clone())
                .evidence("contract_id", lease.contract_id.clone())
                .evidence("monthly_rent_eur", (monthly * 100.0).round() / 100.0)
                .evidence(
                    "omi_minimum_monthly_eur",
                    (expected * 100.0).round() / 100.0,
                )
                .evidence("units", text_list(keys.iter().map(ToString::to_string)))
                .evidence_date(Some(lease.start_date));
            for x in &lease.landlords {
                draft = draft.subject(inputs, &x.cf, SubjectRole::Owner);
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{Microzone, OmiQuotation, OmiZone};
    use crate::testkit::*;

    #[test]
    fn rents_below_half_the_omi_minimum() {
        let mut data = all_sources();
        data.units = Some(
            (1..=3)
                .map(|n| {
                    let mut s = state(
                        &[&format!("F205//12/101/{n}")],
                        Some("A02"),
                        d(2000, 1, 1),
                        None,
                    );
                    s.surface_m2 = Some(100);
                    unit(n, vec![s])
                })
                .collect(),
        );
        data.map_parcels = Some(vec![map_parcel(
            "F205_001200.101",
            square(10.0, 10.0, 20.0),
        )]);
        data.microzones = Some(vec![Microzone {
            number: 1,
            geometry: square(0.0, 0.0, 100.0),
        }]);
        data.omi_zones = Some(vec![OmiZone {
            zone: "B1".into(),
            link_zona: "MI00000001".into(),
            band: "B".into(),
            microzone: 1,
        }]);
        data.omi_values = Some(vec![OmiQuotation {
            link_zona: "MI00000001".into(),
            cod_tip: 20,
            state: "NORMALE".into(),
            compr_min: 3000.0,
            compr_max: 4000.0,
            loc_min: Some(10.0),
            loc_max: Some(14.0),
        }]);
        // Expected minimum 1000 €/month; half is 500.
        let mut low = lease(
            "L1",
            CF[0],
            CF[1],
            "F205//12/101/1",
            d(2024, 1, 1),
            d(2027, 12, 31),
        );
        low.annual_rent = 5_400.0; // 450 a month → positive
        let mut near = lease(
            "L2",
            CF[0],
            CF[2],
            "F205//12/101/2",
            d(2024, 1, 1),
            d(2027, 12, 31),
        );
        near.annual_rent = 6_000.0; // exactly 500 a month → near miss
        let normal = lease(
            "L3",
            CF[0],
            CF[3],
            "F205//12/101/3",
            d(2024, 1, 1),
            d(2027, 12, 31),
        );
        data.leases = Some(vec![low, near, normal]);
        let out = R28ImplausibleLeaseRent
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["contract_id"], "L1".into());
    }
}
