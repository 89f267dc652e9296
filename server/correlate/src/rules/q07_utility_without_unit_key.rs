//! Q07 — utility contract without cadastral identifiers: it cannot be joined by `unit_key`
//! (rules-catalogue.md §E). One record per supply point active in year Y (the year of D).
//! Basis: the utilities' communication of cadastral identifiers to the tax registry
//! (L. 311/2004 c. 332–334).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use segit_model::{Anomaly, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::rules::common::kind_name;

/// Q07.
#[derive(Debug, Default)]
pub struct Q07UtilityWithoutUnitKey;

impl Rule for Q07UtilityWithoutUnitKey {
    fn id(&self) -> &'static str {
        "Q07"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Utility contract without cadastral identifiers"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "L. 311/2004 c. 332-334"
    }
    fn needs(&self) -> &'static [Source] {
        &[Source::Utilities]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year.unwrap_or_else(|| as_of.year());
        // (utility, supply point) borrowed from the rows: no text copied per row
        let mut points: BTreeMap<(&str, &str), (Option<segit_model::AddressKey>, bool)> =
            BTreeMap::new();
        for (i, u) in inputs.utilities().iter().enumerate() {
            let u = u.point;
            if u.unit_key.is_some() || !u.is_active_in_year(year) {
                continue;
            }
            let e = points
                .entry((kind_name(u.utility), &u.supply_point))
                .or_insert((None, false));
            if e.0.is_none() {
                e.0.clone_from(&u.address_key);
            }
            e.1 |= inputs.utility_link(i).is_some();
        }
        // one record per point: sized once (a city has hundreds of thousands)
        let mut out = Vec::with_capacity(points.len());
        for ((kind, supply_point), (address, linked_by_address)) in points {
            let point = format!("{kind}:{supply_point}");
            let mut draft = Draft::new(
                self,
                as_of,
                SuggestedAction::Other("utility_data_check".into()),
            )?
            .record_key(point.clone())
            .evidence("supply_point", point)
            .evidence("linked_by_address", linked_by_address);
            if let Some(a) = address {
                draft = draft.address(a);
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Utilities;
    use crate::testkit::*;
    use segit_model::UtilityKind;

    #[test]
    fn contracts_without_unit_key_once_per_point() {
        let mut data = all_sources();
        data.utilities = Some(Utilities::from(vec![
            utility(UtilityKind::Electricity, "IT001E1", None, None, 2025, 100.0),
            utility(UtilityKind::Electricity, "IT001E1", None, None, 2024, 100.0),
            utility(
                UtilityKind::Gas,
                "G1",
                None,
                Some("F205//12/101/1"),
                2025,
                100.0,
            ),
        ]));
        let mut ended = utility(UtilityKind::Water, "W1", None, None, 2023, 10.0);
        ended.contract =
            segit_model::ActivePeriod::new(d(2015, 1, 1), Some(d(2023, 12, 31))).unwrap();
        data.utilities.as_mut().unwrap().push(ended).unwrap();
        let out = Q07UtilityWithoutUnitKey
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 6, 1))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].evidence["supply_point"],
            "electricity:IT001E1".into()
        );
    }
}
