//! R03 — rural building still in the land cadastre: the TER state valid on D has quality 279
//! FABB RURALE, 277, 281 or 283 and D is after 30 November 2012, the deadline for declaring
//! them to the buildings cadastre (a closed state with these qualities is not an anomaly).
//! Legal basis: D.L. 201/2011 art. 13 c. 14-ter; L. 311/2004 c. 336.

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{land_ref, parcel_key_of};

/// R03.
#[derive(Debug, Default)]
pub struct R03RuralBuildingInLandCadastre;

/// Qualities of rural buildings still in the land cadastre.
pub const RURAL_QUALITIES: [u16; 4] = [277, 279, 281, 283];

/// The deadline of D.L. 201/2011 art. 13 c. 14-ter.
pub fn deadline() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2012, 11, 30)
}

impl Rule for R03RuralBuildingInLandCadastre {
    fn id(&self) -> &'static str {
        "R03"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Rural building still in the land cadastre"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "D.L. 201/2011 art. 13 c. 14-ter; L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::LandParcels]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let mut out = Vec::new();
        if deadline().is_none_or(|dl| as_of <= dl) {
            return Ok(out);
        }
        for p in inputs.data.land_parcels.iter().flatten() {
            let Some(s) = p.state_at(as_of) else { continue };
            let Some(q) = s.quality.filter(|q| RURAL_QUALITIES.contains(&q.code())) else {
                continue;
            };
            let Some(key) = parcel_key_of(inputs, &land_ref(p, s)) else {
                continue;
            };
            out.push(
                Draft::new(self, as_of, SuggestedAction::C336Notice)?
                    .parcel(key)
                    .evidence("land_quality", i64::from(q.code()))
                    .evidence("quality_name", q.abbreviation().unwrap_or(""))
                    .evidence_date(deadline().and_then(|dl| dl.succ_opt()))
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
    fn current_rural_qualities_after_the_deadline() {
        let mut data = all_sources();
        let mut closed = land(3, 12, "103", 279, "4567", d(2000, 1, 1));
        closed.states[0].validity =
            segit_model::Validity::new(d(2000, 1, 1), Some(d(2015, 1, 1))).unwrap();
        data.land_parcels = Some(vec![
            land(1, 12, "101", 279, "4567", d(2000, 1, 1)),
            land(2, 12, "102", 283, "4567", d(2000, 1, 1)),
            closed,                                         // near miss: closed state
            land(4, 12, "104", 280, "4567", d(2000, 1, 1)), // near miss: 280 not in the list
        ]);
        let inputs = Inputs::new(data);
        let out = R03RuralBuildingInLandCadastre
            .evaluate(&inputs, &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 2);
        // Before the deadline nothing is due yet.
        assert!(
            R03RuralBuildingInLandCadastre
                .evaluate(&inputs, &Params::default(), d(2012, 11, 30))
                .unwrap()
                .is_empty()
        );
    }
}
