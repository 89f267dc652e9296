//! R10 — rent per m² far below comparable units (L. 311/2004 c. 336: verification of the
//! classification; supporting evidence for c. 335).
//!
//! For ordinary units (groups A, B, C) with state on D, a rent and a total cadastral surface:
//! `rent_per_m2 = rent / sup_totale`; compared with the units of the same category in the
//! same census zone; flagged when strictly below the `p_low` percentile (nearest rank) or
//! strictly below `k × median` of the group. Groups of fewer than three units are not
//! compared. Key `unit_key`. Gap: the IMU on the rent missing to reach the group median, at
//! the ordinary rate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::fiscal::imu_building_base;
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// Smallest group compared.
pub const MIN_GROUP: usize = 3;

/// Units of one (category, census zone): (rent per m², unit index, surface).
type Group = Vec<(f64, usize, f64)>;

/// R10.
#[derive(Debug, Default)]
pub struct R10LowRentPerM2;

impl Rule for R10LowRentPerM2 {
    fn id(&self) -> &'static str {
        "R10"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Rent per m² far below comparable units"
    }
    fn family(&self) -> Family {
        Family::Buildings
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 336"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Units, Source::Surfaces]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let surfaces = inputs.data.surfaces.as_deref().unwrap_or_default();
        // (category, census zone) → [(rent per m², unit index, surface)]
        let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
        for (i, u) in inputs.data.units.iter().flatten().enumerate() {
            let Some(s) = u.state_at(as_of) else { continue };
            let Some(cat) = s.category.filter(|c| c.group().is_ordinary()) else {
                continue;
            };
            let Some(rent) = s.rent_eur.filter(|r| *r > 0.0) else {
                continue;
            };
            let sup = inputs
                .surface_of_unit(i)
                .map(|x| f64::from(surfaces[x].total_m2))
                .or_else(|| s.surface_m2.map(f64::from));
            let Some(sup) = sup.filter(|x| *x > 0.0) else {
                continue;
            };
            let zone = s
                .census_zone
                .as_deref()
                .unwrap_or("")
                .trim()
                .trim_start_matches('0')
                .to_owned();
            groups
                .entry((cat.census_code(), zone))
                .or_default()
                .push((rent / sup, i, sup));
        }
        let units = inputs.data.units.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for ((cat, zone), mut g) in groups {
            if g.len() < MIN_GROUP {
                continue;
            }
            g.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let n = g.len();
            let median = if n % 2 == 1 {
                g[n / 2].0
            } else {
                f64::midpoint(g[n / 2 - 1].0, g[n / 2].0)
            };
            let rank = ((params.rules.r10_p_low * n as f64).ceil() as usize).clamp(1, n);
            let p_low = g[rank - 1].0;
            for &(v, i, sup) in &g {
                let below_k = v < params.rules.r10_k * median;
                if !(v < p_low || below_k) {
                    continue;
                }
                let Some(s) = units[i].state_at(as_of) else {
                    continue;
                };
                let gap = s
                    .category
                    .and_then(|c| imu_building_base((median - v) * sup, c, &params.imu))
                    .map(|b| b * params.imu.rate_other_buildings);
                out.push(
                    Draft::new(self, as_of, SuggestedAction::C336Notice)?
                        .unit(s.identifiers.canonical().clone())
                        .evidence("category", cat.clone())
                        .evidence("census_zone", zone.clone())
                        .evidence("rent_per_m2", (v * 1000.0).round() / 1000.0)
                        .evidence("group_median", (median * 1000.0).round() / 1000.0)
                        .evidence("group_p_low", (p_low * 1000.0).round() / 1000.0)
                        .evidence("group_size", n as i64)
                        .evidence("below_k_median", below_k)
                        .gap(gap)
                        .build(),
                );
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
    fn rents_far_below_the_median() {
        let mut data = all_sources();
        // Same category and zone, 100 m² each: rents 1000, 1000, 1000, 520 (near miss), 480.
        let rents = [1000.0, 1000.0, 1000.0, 520.0, 480.0];
        data.units = Some(
            rents
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut s = state(
                        &[&format!("F205//12/101/{}", i + 1)],
                        Some("A02"),
                        d(2000, 1, 1),
                        None,
                    );
                    s.rent_eur = Some(*r);
                    s.surface_m2 = Some(100);
                    unit(i as u64 + 1, vec![s])
                })
                .collect(),
        );
        let out = R10LowRentPerM2
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].object.unit_key.as_ref().unwrap().to_string(),
            "F205//12/101/5"
        );
    }
}
