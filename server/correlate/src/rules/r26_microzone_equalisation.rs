//! R26 — microzone equalisation indicator (L. 311/2004 c. 335; Determinazione 16 febbraio
//! 2005, 35 % threshold; Cassazione 22671/2019 for the "necessary and sufficient" uplift).
//!
//! Computed by [`crate::perequazione::indicator`]; the anomaly is a microzone eligible under
//! the weighted `R_tot` (deviation strictly above `rules.R26.threshold`, at least
//! `rules.R26.min_microzones` microzones taking part). Key: microzone number, with the OMI
//! zone codes and LinkZona keys in the evidence. The action is a request to the Agenzia; each
//! new rent must still be motivated unit by unit (Cassazione 17409/2018).

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::perequazione::indicator;

/// R26.
#[derive(Debug, Default)]
pub struct R26MicrozoneEqualisation;

impl Rule for R26MicrozoneEqualisation {
    fn id(&self) -> &'static str {
        "R26"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Microzone eligible for c. 335 equalisation"
    }
    fn family(&self) -> Family {
        Family::Values
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 335; Determinazione 16 febbraio 2005"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Microzones,
            Source::OmiZones,
            Source::OmiValues,
            Source::Units,
            Source::MapParcels,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let (r_tot, r_simple, rows) = indicator(inputs, params, as_of);
        let participating = rows.iter().filter(|r| r.participating).count();
        let mut out = Vec::new();
        for row in rows.iter().filter(|r| r.eligible) {
            let round = |v: Option<f64>| v.map_or(0.0, |v| (v * 10_000.0).round() / 10_000.0);
            out.push(
                Draft::new(self, as_of, SuggestedAction::Other("c335_request".into()))?
                    .microzone(row.microzone)
                    .evidence("omi_zones", text_list(row.omi_zones.clone()))
                    .evidence("link_zones", text_list(row.link_zones.clone()))
                    .evidence("ratio", round(row.ratio))
                    .evidence("ratio_municipal_weighted", round(r_tot))
                    .evidence("ratio_municipal_simple", round(r_simple))
                    .evidence("deviation", round(row.deviation))
                    .evidence("deviation_simple", round(row.deviation_simple))
                    .evidence("eligible_simple", row.eligible_simple)
                    .evidence("uplift", round(row.uplift))
                    .evidence("units", row.units as i64)
                    .evidence("total_rent_eur", (row.total_rent * 100.0).round() / 100.0)
                    .evidence("participating_microzones", participating as i64)
                    .build(),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{Microzone, OmiQuotation, OmiZone};
    use crate::testkit::*;

    /// Four microzones with one 100 m² dwelling each; the rents make Vc = 1.05 × 100 × rent / 100.
    fn data(rents: [f64; 4], markets: [f64; 4]) -> crate::inputs::InputData {
        let mut data = all_sources();
        let mut units = Vec::new();
        let mut maps = Vec::new();
        let mut zones = Vec::new();
        let mut omi = Vec::new();
        let mut values = Vec::new();
        for i in 0..4 {
            let x = f64::from(i as u8) * 100.0;
            let k = format!("F205//12/{}/1", 101 + i);
            let mut s = state(&[&k], Some("A02"), d(2000, 1, 1), None);
            s.rent_eur = Some(rents[i]);
            s.surface_m2 = Some(100);
            units.push(unit(i as u64 + 1, vec![s]));
            maps.push(map_parcel(
                &format!("F205_001200.{}", 101 + i),
                square(x + 10.0, 10.0, 20.0),
            ));
            zones.push(Microzone {
                number: i as u32 + 1,
                geometry: square(x, 0.0, 100.0),
            });
            omi.push(OmiZone {
                zone: format!("B{}", i + 1),
                link_zona: format!("MI0000000{}", i + 1),
                band: "B".into(),
                microzone: i as u32 + 1,
            });
            values.push(OmiQuotation {
                link_zona: format!("MI0000000{}", i + 1),
                cod_tip: 20,
                state: "NORMALE".into(),
                compr_min: markets[i] - 100.0,
                compr_max: markets[i] + 100.0,
                loc_min: None,
                loc_max: None,
            });
        }
        data.units = Some(units);
        data.map_parcels = Some(maps);
        data.microzones = Some(zones);
        data.omi_zones = Some(omi);
        data.omi_values = Some(values);
        data
    }

    #[test]
    fn worked_example_ratios_with_equal_weights() {
        // Vc = 1.05 × rent; R = 5, 3, 2, 1.25 as in fiscal-rules.md §4.2 (equal weights).
        let vc = [80.0, 100.0, 100.0, 80.0];
        let markets = [400.0, 300.0, 200.0, 100.0];
        let rents = vc.map(|v: f64| v / 1.05);
        let inputs = Inputs::new(data(rents, markets));
        let out = R26MicrozoneEqualisation
            .evaluate(&inputs, &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].object.microzone, Some(1));
        assert_eq!(out[0].evidence["deviation"], 0.8.into());
        assert_eq!(
            out[0].evidence["ratio_municipal_weighted"],
            ((1000.0f64 / 360.0 * 10_000.0).round() / 10_000.0).into()
        );
    }

    #[test]
    fn near_miss_and_exclusions() {
        let rents = [100.0 / 1.05; 4]; // Vc = 100 everywhere
        let mut params = Params::default();
        // 151 / 112.75 − 1 = 33.9 %: not eligible; 155 / 113.75 − 1 = 36.3 %: eligible.
        let near = Inputs::new(data(rents, [151.0, 100.0, 100.0, 100.0]));
        assert!(
            R26MicrozoneEqualisation
                .evaluate(&near, &params, d(2025, 1, 1))
                .unwrap()
                .is_empty()
        );
        let above = Inputs::new(data(rents, [155.0, 100.0, 100.0, 100.0]));
        assert_eq!(
            R26MicrozoneEqualisation
                .evaluate(&above, &params, d(2025, 1, 1))
                .unwrap()
                .len(),
            1
        );
        // Excluding two microzones leaves fewer than three taking part: nothing is eligible.
        params.rules.r26_excluded_microzones = vec![3, 4];
        assert!(
            R26MicrozoneEqualisation
                .evaluate(&above, &params, d(2025, 1, 1))
                .unwrap()
                .is_empty()
        );
        let (_, _, rows) = indicator(&above, &params, d(2025, 1, 1));
        assert_eq!(
            rows[2].excluded_because,
            Some("configured as industrial or rural")
        );
    }
}
