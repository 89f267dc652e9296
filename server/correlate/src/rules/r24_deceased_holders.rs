//! R24 — deceased holders still registered: the holder of a holding valid on D is a person
//! who died more than `succession_days` days before D (succession declaration and cadastral
//! transfer missing); IMU is due by the heirs (L. 160/2019 c. 743; D.Lgs. 346/1990 art. 28
//! succession declaration within twelve months). Data-quality and assessment lead; key:
//! property + holder.

use chrono::NaiveDate;
use segit_model::{Anomaly, PropertyKind, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{land_ref, parcel_key_of};

/// R24.
#[derive(Debug, Default)]
pub struct R24DeceasedHolders;

impl Rule for R24DeceasedHolders {
    fn id(&self) -> &'static str {
        "R24"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Deceased holder still registered"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 743; D.Lgs. 346/1990 art. 28"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Holdings, Source::Subjects, Source::Deaths]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let deaths: std::collections::HashMap<&segit_model::TaxId, NaiveDate> = inputs
            .data
            .deaths
            .iter()
            .flatten()
            .map(|d| (&d.person, d.date))
            .collect();
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let parcels = inputs.data.land_parcels.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for (hi, h) in inputs.data.holdings.iter().flatten().enumerate() {
            if !h.validity.contains(as_of) {
                continue;
            }
            let Some(code) = inputs.holding_code(hi) else {
                continue;
            };
            let Some(&died) = deaths.get(code) else {
                continue;
            };
            let days = (as_of - died).num_days();
            if days <= params.rules.r24_succession_days {
                continue;
            }
            let mut draft = Draft::new(
                self,
                as_of,
                SuggestedAction::Other("succession_check".into()),
            )?
            .record_key(format!(
                "{}{}/{}",
                h.property.kind.letter(),
                h.property.id,
                inputs.pseudonym(code)
            ))
            .evidence("date_of_death", died)
            .evidence("days_since_death", days)
            .evidence("right", h.right.as_str())
            .evidence("age_property_id", h.property.id as i64)
            .subject(inputs, code, SubjectRole::Owner)
            .evidence_date(died.checked_add_days(chrono::Days::new(
                params.rules.r24_succession_days.max(0) as u64,
            )));
            match h.property.kind {
                PropertyKind::Building => {
                    if let Some(s) = inputs
                        .unit_of_property(&h.property)
                        .and_then(|u| units[u].state_at(as_of).or_else(|| units[u].latest_state()))
                    {
                        draft = draft.unit(s.identifiers.canonical().clone());
                    }
                }
                PropertyKind::Land => {
                    if let Some(p) = inputs.land_of_property(&h.property)
                        && let Some(k) = parcels[p]
                            .state_at(as_of)
                            .and_then(|s| parcel_key_of(inputs, &land_ref(&parcels[p], s)))
                    {
                        draft = draft.parcel(k);
                    }
                }
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Death;
    use crate::testkit::*;

    #[test]
    fn holders_dead_for_more_than_a_year() {
        let mut data = all_sources();
        let subjects = cf_persons();
        data.units = Some(dwellings(4));
        let own = |s: usize, p: u64, to: Option<NaiveDate>| {
            holding(
                &subjects[s],
                property(p, PropertyKind::Building),
                "10",
                (1, 1),
                d(2010, 1, 1),
                to,
            )
        };
        data.holdings = Some(vec![
            own(0, 1, None),
            own(1, 2, None),
            own(2, 3, Some(d(2024, 9, 1))),
            own(3, 4, None),
        ]);
        let d0 = d(2025, 6, 1);
        data.deaths = Some(vec![
            Death {
                person: cf(CF[0]),
                date: d(2023, 1, 10),
            }, // positive
            Death {
                person: cf(CF[1]),
                date: d0 - chrono::Days::new(365),
            }, // near miss: exactly 365 days
            Death {
                person: cf(CF[2]),
                date: d(2023, 1, 10),
            }, // holding transferred
        ]);
        data.subjects = Some(subjects);
        let out = R24DeceasedHolders
            .evaluate(&Inputs::new(data), &Params::default(), d0)
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.unit_key.as_ref().unwrap().to_string(),
            "F205//12/101/1"
        );
    }
}
