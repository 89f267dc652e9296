//! Q05 — TIT shares of a property valid on D do not sum to 1 per right type; uncoded `0/0`
//! shares are ignored (rules-catalogue.md §E). Needed by every IMU computation (L. 160/2019
//! c. 761: tax in proportion to the share).

use chrono::NaiveDate;
use segit_model::{Anomaly, PropertyKind, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::{land_ref, parcel_key_of};

/// Q05.
#[derive(Debug, Default)]
pub struct Q05SharesNotWhole;

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Rule for Q05SharesNotWhole {
    fn id(&self) -> &'static str {
        "Q05"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Holding shares do not sum to 1"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 761"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Holdings]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        _params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        // (property, right) → exact sum num/den: the valid holdings sorted by key, then by
        // their order (each key's shares summed in holding order; the property ids copied so
        // that the sort compares them in place), then summed group by group (a million keys
        // at Milan's scale, without hashing them), the sums that are not whole kept in key
        // order.
        let mut valid: Vec<(segit_model::PropertyId, &str, usize, segit_model::Share)> = inputs
            .data
            .holdings
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, h)| h.validity.contains(as_of))
            .filter_map(|(i, h)| Some((h.property.clone(), h.right.as_str(), i, h.share?)))
            .collect();
        valid.sort_unstable_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
        let mut not_whole = Vec::new();
        for group in valid.chunk_by(|a, b| (&a.0, a.1) == (&b.0, b.1)) {
            let (mut num, mut den) = (0u128, 1u128);
            for &(_, _, _, share) in group {
                let (n, dd) = (u128::from(share.num()), u128::from(share.den()));
                let sum = num * dd + n * den;
                let prod = den * dd;
                let g = gcd(sum, prod).max(1);
                (num, den) = (sum / g, prod / g);
            }
            if num != den {
                not_whole.push(((group[0].0.clone(), group[0].1), (num, den, group.len())));
            }
        }
        drop(valid);
        let mut out = Vec::new();
        for ((property, right), (num, den, count)) in not_whole {
            let right = right.to_owned();
            let mut draft = Draft::new(
                self,
                as_of,
                SuggestedAction::Other("cadastral_data_check".into()),
            )?
            .record_key(format!(
                "{}/{}/{right}",
                property.kind.letter(),
                property.id
            ))
            .evidence("right", right.clone())
            .evidence("share_sum", format!("{num}/{den}"))
            .evidence("holdings", count as i64)
            .evidence("age_property_id", property.id as i64);
            match property.kind {
                PropertyKind::Building => {
                    let units = inputs.data.units.as_deref().unwrap_or_default();
                    if let Some(s) = inputs
                        .unit_of_property(&property)
                        .and_then(|u| units[u].state_at(as_of).or_else(|| units[u].latest_state()))
                    {
                        draft = draft.unit(s.identifiers.canonical().clone());
                    }
                }
                PropertyKind::Land => {
                    let parcels = inputs.data.land_parcels.as_deref().unwrap_or_default();
                    if let Some(i) = inputs.land_of_property(&property)
                        && let Some(s) = parcels[i]
                            .state_at(as_of)
                            .or_else(|| parcels[i].current_state())
                        && let Some(k) = parcel_key_of(inputs, &land_ref(&parcels[i], s))
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
    use crate::testkit::*;

    #[test]
    fn sums_per_property_and_right() {
        let a = person(1, CF[0]);
        let b = person(2, CF[1]);
        let p1 = property(10, PropertyKind::Building);
        let p2 = property(11, PropertyKind::Building);
        let p3 = property(12, PropertyKind::Building);
        let mut data = all_sources();
        data.holdings = Some(vec![
            // p1: 1/2 + 1/3 ownership → 5/6.
            holding(&a, p1.clone(), "10", (1, 2), d(2010, 1, 1), None),
            holding(&b, p1.clone(), "10", (1, 3), d(2010, 1, 1), None),
            // p2: 2/4 + 1/2 ownership, 1/1 usufruct, 1/1 bare ownership: all whole.
            holding(&a, p2.clone(), "10", (2, 4), d(2010, 1, 1), None),
            holding(&b, p2.clone(), "10", (1, 2), d(2010, 1, 1), None),
            holding(&a, p3.clone(), "80", (1, 1), d(2010, 1, 1), None),
            holding(&b, p3.clone(), "20", (1, 1), d(2010, 1, 1), None),
            // Near miss: an uncoded 0/0 share and a closed holding are ignored.
            holding(&b, p3.clone(), "80", (0, 0), d(2010, 1, 1), None),
            holding(&b, p3, "20", (1, 2), d(2010, 1, 1), Some(d(2015, 1, 1))),
        ]);
        let out = Q05SharesNotWhole
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["share_sum"], "5/6".into());
    }
}
