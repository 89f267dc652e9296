//! R25 — IMU declared on units not in the cadastre (L. 160/2019 c. 769; L. 311/2004 c. 336).
//!
//! F24 lines carry no cadastral identifiers, so the check runs on the declarations in effect
//! for Y: a position whose identifiers do not exist in FAB (urban) or TER (land) on
//! 31 December of its tax period, or a position declared with the registration protocol only
//! (declaration fields 19–20) for more than `rules.R25.protocol_max_years` years before Y —
//! evidence of units not yet registered or registered differently (feeds R01–R05). Key:
//! declarant + declaration + position.

use chrono::NaiveDate;
use segit_model::{Anomaly, ImuCadastre, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R25.
#[derive(Debug, Default)]
pub struct R25PaymentsOnUnknownUnits;

impl Rule for R25PaymentsOnUnknownUnits {
    fn id(&self) -> &'static str {
        "R25"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "IMU declared on identifiers missing from the cadastre"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 769; L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::ImuDeclarations, Source::Units, Source::LandParcels]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for decl in inputs.data.imu_declarations.iter().flatten() {
            if !decl.applies_to_year(year) {
                continue;
            }
            let Some(end) = NaiveDate::from_ymd_opt(decl.tax_period, 12, 31) else {
                continue;
            };
            for p in &decl.positions {
                let case = match (&p.property, p.cadastre) {
                    (Some(k), ImuCadastre::Urban) => {
                        let known = inputs.unit_index(k).is_some_and(|u| {
                            units[u]
                                .state_at(end)
                                .is_some_and(|s| s.identifiers.contains(k))
                        });
                        (!known).then_some("unit_not_in_fab")
                    }
                    (Some(k), ImuCadastre::Land) => inputs
                        .land_state_at(&k.without_subalterno(), end)
                        .is_none()
                        .then_some("parcel_not_in_ter"),
                    (None, _) => {
                        let since = p.registration_year.map_or(decl.tax_period, i32::from);
                        (p.registration_protocol.is_some()
                            && year - since > params.rules.r25_protocol_max_years)
                            .then_some("protocol_only")
                    }
                };
                let Some(case) = case else { continue };
                let mut draft = Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .record_key(format!(
                        "{}/{}/{}/{}",
                        inputs.pseudonym(&decl.declarant),
                        decl.tax_period,
                        decl.ordinal,
                        p.order
                    ))
                    .evidence("case", case)
                    .evidence("tax_period", i64::from(decl.tax_period))
                    .evidence("position", i64::from(p.order))
                    .subject(inputs, &decl.declarant, SubjectRole::Owner);
                if let Some(k) = &p.property {
                    draft = draft.unit(k.clone());
                }
                if let Some(proto) = &p.registration_protocol {
                    draft = draft.evidence("registration_protocol", proto.clone());
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
    fn unknown_identifiers_and_old_protocols() {
        let mut data = all_sources();
        data.units = Some(vec![unit(
            1,
            vec![state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None)],
        )]);
        data.land_parcels = Some(vec![land(1, 12, "200", 1, "4567", d(2000, 1, 1))]);
        let mut decl = declaration(
            CF[0],
            2023,
            &[
                ("F205//12/101/1", 3, 0),
                ("F205//12/101/99", 3, 0),
                ("F205//12/200/", 1, 0),
                ("F205//12/201/", 1, 0),
            ],
        );
        decl.positions[2].cadastre = ImuCadastre::Land;
        decl.positions[3].cadastre = ImuCadastre::Land;
        let mut old = declaration(
            CF[1],
            2021,
            &[("F205//12/101/1", 3, 0), ("F205//12/101/1", 3, 0)],
        );
        old.positions[0].property = None;
        old.positions[0].registration_protocol = Some("MI0123456".into());
        old.positions[0].registration_year = Some(2021); // 4 years before 2025 → reported
        old.positions[1].property = None;
        old.positions[1].registration_protocol = Some("MI0123457".into());
        old.positions[1].registration_year = Some(2023); // near miss: 2 years
        data.imu_declarations = Some(vec![decl, old]);
        let out = R25PaymentsOnUnknownUnits
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        let cases: Vec<String> = out
            .iter()
            .map(|a| format!("{:?}", a.evidence["case"]))
            .collect();
        assert_eq!(out.len(), 3, "{cases:?}");
        assert!(
            cases[0].contains("unit_not_in_fab")
                && cases[1].contains("parcel_not_in_ter")
                && cases[2].contains("protocol_only")
        );
    }
}
