//! R02 — urban-site parcel without declared units: TER state on D of quality 282 ENTE URBANO
//! (or special account 1) and no *unit on the parcel* (catalogue §0: units in special account
//! `A` do not count; a parcel named only by the second group of a stapled unit does count as
//! having a unit). Legal basis: L. 311/2004 c. 336. Action: c. 336 notice.

use chrono::NaiveDate;
use segit_model::{Anomaly, LandQuality, SuggestedAction, TerSpecialAccount};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{land_ref, parcel_key_of};

/// R02.
#[derive(Debug, Default)]
pub struct R02UrbanSiteWithoutUnits;

impl Rule for R02UrbanSiteWithoutUnits {
    fn id(&self) -> &'static str {
        "R02"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Urban-site parcel without declared units"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::LandParcels, Source::Units]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        for p in inputs.data.land_parcels.iter().flatten() {
            let Some(s) = p.state_at(as_of) else { continue };
            let urban = s.quality == Some(LandQuality::ENTE_URBANO)
                || s.special_account() == Some(TerSpecialAccount::UrbanSite);
            if !urban {
                continue;
            }
            let r = land_ref(p, s);
            if !inputs.units_on_parcel(&r, as_of).is_empty() {
                continue;
            }
            let Some(key) = parcel_key_of(inputs, &r) else {
                continue;
            };
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .parcel(key)
                    .evidence(
                        "land_quality",
                        i64::from(s.quality.map_or(0, LandQuality::code)),
                    )
                    .evidence("area_m2", s.area_m2 as i64)
                    .evidence_date(s.generating_deed.efficacy_date)
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
    fn urban_sites_without_units() {
        let mut data = all_sources();
        data.land_parcels = Some(vec![
            land(1, 12, "101", 282, "1", d(2000, 1, 1)),  // positive
            land(2, 12, "102", 282, "1", d(2000, 1, 1)),  // has a unit
            land(3, 12, "103", 282, "1", d(2000, 1, 1)),  // only common parts → positive
            land(4, 12, "104", 282, "1", d(2000, 1, 1)), // second group of a stapled unit → negative
            land(5, 12, "105", 1, "4567", d(2000, 1, 1)), // agricultural: out of scope
            land(6, 12, "106", 282, "1", d(2000, 1, 1)), // near miss: unit closed before D → positive
        ]);
        let mut common = state(&["F205//12/103/1"], None, d(2000, 1, 1), None);
        common.partita = Some("A".into());
        data.units = Some(vec![
            unit(
                1,
                vec![state(&["F205//12/102/1"], Some("A02"), d(2000, 1, 1), None)],
            ),
            unit(2, vec![common]),
            unit(
                3,
                vec![state(
                    &["F205//12/102/2", "F205//12/104/"],
                    Some("C06"),
                    d(2000, 1, 1),
                    None,
                )],
            ),
            unit(
                4,
                vec![state(
                    &["F205//12/106/1"],
                    Some("A02"),
                    d(2000, 1, 1),
                    Some(d(2020, 1, 1)),
                )],
            ),
        ]);
        let out = R02UrbanSiteWithoutUnits
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.parcel_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(
            keys,
            ["F205_001200.101", "F205_001200.103", "F205_001200.106"]
        );
    }
}
