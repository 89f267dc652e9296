//! Q03 — map parcel without TER record and without FAB units (rules-catalogue.md §E), roads
//! and waters excluded (CXF `STRADA`/`ACQUA` areas and the fondiario codes starting with `S`
//! or `A`). Basis: L. 147/2013 c. 647 (alignment of cadastral data).

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source, parcel_ref};
use crate::params::Params;

/// Q03.
#[derive(Debug, Default)]
pub struct Q03MapParcelWithoutRecords;

/// Roads and waters of the maps: `STRADA`, `ACQUA`, or a code starting with `S`/`A`.
fn is_road_or_water(particella: &str) -> bool {
    matches!(particella.as_bytes().first(), Some(b'S' | b'A'))
}

impl Rule for Q03MapParcelWithoutRecords {
    fn id(&self) -> &'static str {
        "Q03"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Map parcel without land record and without units"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 147/2013 c. 647"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::MapParcels, Source::LandParcels, Source::Units]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for p in inputs.data.map_parcels.iter().flatten() {
            if is_road_or_water(p.parcel_key.particella().as_str()) {
                continue;
            }
            let r = parcel_ref(&p.parcel_key);
            let has_ter = inputs.land_state_at(&r, as_of).is_some();
            let has_units = inputs.units_touching_parcel(&r).iter().any(|i| {
                units[i]
                    .state_at(as_of)
                    .is_some_and(|s| s.identifiers.on_parcel(&r))
            });
            if has_ter || has_units {
                continue;
            }
            out.push(
                Draft::new(
                    self,
                    as_of,
                    SuggestedAction::Other("cadastral_data_check".into()),
                )?
                .parcel(p.parcel_key.clone())
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
    fn orphan_parcels_only() {
        let mut data = all_sources();
        data.map_parcels = Some(vec![
            map_parcel("F205_001200.101", square(0.0, 0.0, 10.0)),
            map_parcel("F205_001200.102", square(10.0, 0.0, 10.0)),
            map_parcel("F205_001200.103", square(20.0, 0.0, 10.0)),
            map_parcel("F205_001200.STRADA", square(30.0, 0.0, 10.0)),
            map_parcel("F205_001200.104", square(40.0, 0.0, 10.0)),
        ]);
        data.land_parcels = Some(vec![
            land(1, 12, "101", 1, "4567", d(2000, 1, 1)),
            // Near miss: a TER record that starts after D does not count.
            land(2, 12, "104", 1, "4567", d(2030, 1, 1)),
        ]);
        data.units = Some(vec![unit(
            1,
            vec![state(&["F205//12/102/1"], Some("A02"), d(2000, 1, 1), None)],
        )]);
        let out = Q03MapParcelWithoutRecords
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let keys: Vec<String> = out
            .iter()
            .map(|a| a.object.parcel_key.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["F205_001200.103", "F205_001200.104"]);
    }
}
