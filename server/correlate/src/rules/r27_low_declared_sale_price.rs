//! R27 — declared sale price far below market (evidence for building-land IMU assessments,
//! R23, and for reporting to the Agenzia: registration tax is a State tax, DPR 131/1986
//! art. 51-52; municipal reference values of L. 160/2019 c. 777 for building land).
//!
//! For each deed dated on or before D with a declared price: the market minimum is Σ over
//! its units of `Compr_min × total cadastral surface` (OMI quotation of the unit's microzone,
//! typology of its category as in R28, state NORMALE, mean over the microzone's OMI zones)
//! plus Σ over its parcels inside a buildable zone of `reference value × parcel area`.
//! Anomaly when `declared_price < k × market minimum` (k = 0.7). A deed with a property
//! whose value cannot be found is skipped. Key `deed_id`.

use chrono::NaiveDate;
use segit_model::{Anomaly, DeedProperty, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::inputs::{Inputs, Source, parcel_ref};
use crate::params::Params;
use crate::rules::common::{MicrozoneMemo, omi_mean_in_microzone, unit_parcel};
use crate::rules::r28_implausible_lease_rent::omi_typology;

/// R27.
#[derive(Debug, Default)]
pub struct R27LowDeclaredSalePrice;

fn compr_min(inputs: &Inputs, microzone: u32, typology: u32) -> Option<f64> {
    omi_mean_in_microzone(inputs, microzone, typology, |q| Some(q.compr_min))
}

fn property_value(
    inputs: &Inputs,
    microzones: &mut MicrozoneMemo,
    p: &DeedProperty,
    date: NaiveDate,
) -> Option<f64> {
    use geo::{Area, Contains, InteriorPoint};
    match p {
        DeedProperty::Unit { unit_key, .. } => {
            let u = inputs.unit_index(unit_key)?;
            let units = inputs.data.units.as_deref()?;
            let s = units[u].state_at(date)?;
            let typology = omi_typology(s.category?)?;
            let surfaces = inputs.data.surfaces.as_deref().unwrap_or_default();
            let sup = inputs
                .surface_of_unit(u)
                .map(|x| f64::from(surfaces[x].total_m2))
                .or_else(|| s.surface_m2.map(f64::from))?;
            Some(compr_min(inputs, microzones.of(inputs, &unit_parcel(s))?, typology)? * sup)
        }
        DeedProperty::Parcel { parcel_key, .. } => {
            let maps = inputs.data.map_parcels.as_deref()?;
            let geometry = &maps[inputs.map_parcel(parcel_key).or_else(|| {
                inputs
                    .map_parcels_at(&parcel_ref(parcel_key))
                    .first()
                    .copied()
            })?]
            .geometry;
            let point = geometry.interior_point()?;
            let zone = inputs
                .data
                .buildable_zones
                .iter()
                .flatten()
                .filter(|z| z.geometry.contains(&point))
                .min_by(|a, b| a.zone_id.cmp(&b.zone_id))?;
            let area = inputs
                .land_state_at(&parcel_ref(parcel_key), date)
                .map_or_else(|| geometry.unsigned_area(), |s| s.area_m2 as f64);
            Some(zone.reference_value_eur_per_m2? * area)
        }
    }
}

impl Rule for R27LowDeclaredSalePrice {
    fn id(&self) -> &'static str {
        "R27"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "Declared sale price far below market"
    }
    fn family(&self) -> Family {
        Family::Values
    }
    fn legal_basis(&self) -> &'static str {
        "DPR 131/1986 art. 51-52; L. 160/2019 c. 777"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Deeds,
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
        let mut out = Vec::new();
        let mut microzones = MicrozoneMemo::default();
        for deed in inputs.data.deeds.iter().flatten() {
            let Some(price) = deed.declared_price else {
                continue;
            };
            if deed.deed_date > as_of || deed.units.is_empty() {
                continue;
            }
            let values: Option<Vec<f64>> = deed
                .units
                .iter()
                .map(|p| property_value(inputs, &mut microzones, p, deed.deed_date))
                .collect();
            let Some(market) = values.map(|v| v.iter().sum::<f64>()) else {
                continue;
            };
            if market <= 0.0 || price >= params.rules.r27_k * market {
                continue;
            }
            let keys: Vec<String> = deed
                .units
                .iter()
                .map(|p| match p {
                    DeedProperty::Unit { unit_key, .. } => unit_key.to_string(),
                    DeedProperty::Parcel { parcel_key, .. } => parcel_key.to_string(),
                })
                .collect();
            let mut draft = Draft::new(
                self,
                as_of,
                SuggestedAction::Other("report_to_agenzia".into()),
            )?
            .record_key(deed.deed_id.clone())
            .evidence("deed_id", &*deed.deed_id)
            .evidence("deed_type", &*deed.deed_type)
            .evidence("declared_price_eur", price)
            .evidence("market_minimum_eur", (market * 100.0).round() / 100.0)
            .evidence("properties", text_list(keys))
            .evidence_date(Some(deed.deed_date));
            match &deed.units[0] {
                DeedProperty::Unit { unit_key, .. } => draft = draft.unit(unit_key.clone()),
                DeedProperty::Parcel { parcel_key, .. } => draft = draft.parcel(parcel_key.clone()),
            }
            // Buyers become the holders; sellers are not subjects of the lead.
            for party in deed
                .parties
                .iter()
                .filter(|p| p.role == segit_model::PartyRole::Buyer)
            {
                draft = draft.subject(inputs, &party.cf, SubjectRole::Owner);
            }
            out.push(draft.build());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{BuildableZone, Microzone, OmiQuotation, OmiZone};
    use crate::testkit::*;
    use segit_model::TransferDeed;

    fn deed(id: &str, price: f64, property: DeedProperty) -> TransferDeed {
        TransferDeed {
            deed_id: id.into(),
            deed_date: d(2024, 5, 1),
            registration_date: d(2024, 5, 10),
            deed_type: "sale".into(),
            declared_price: Some(price),
            parties: Vec::new(),
            units: vec![property],
        }
    }

    #[test]
    fn prices_against_omi_and_reference_values() {
        let mut data = all_sources();
        let mut s = state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None);
        s.surface_m2 = Some(100);
        data.units = Some(vec![unit(1, vec![s])]);
        data.land_parcels = Some(vec![land(2, 12, "102", 1, "4567", d(2000, 1, 1))]); // 1000 m²
        data.map_parcels = Some(vec![
            map_parcel("F205_001200.101", square(10.0, 10.0, 20.0)),
            map_parcel("F205_001200.102", square(50.0, 10.0, 20.0)),
        ]);
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
            loc_min: None,
            loc_max: None,
        }]);
        data.buildable_zones = Some(vec![BuildableZone {
            zone_id: "B2".into(),
            geometry: square(40.0, 0.0, 60.0),
            reference_value_eur_per_m2: Some(100.0),
        }]);
        let unit_prop = || DeedProperty::Unit {
            unit_key: key("F205//12/101/1"),
            category: None,
        };
        let land_prop = || DeedProperty::Parcel {
            parcel_key: pkey("F205_001200.102"),
            quality: None,
        };
        data.deeds = Some(vec![
            deed("D1", 200_000.0, unit_prop()), // < 0.7 × 300 000 → positive
            deed("D2", 210_000.0, unit_prop()), // exactly 0.7 × 300 000 → near miss
            deed("D3", 50_000.0, land_prop()),  // < 0.7 × 100 000 → positive
        ]);
        let out = R27LowDeclaredSalePrice
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
            .unwrap();
        let ids: Vec<String> = out
            .iter()
            .map(|a| format!("{:?}", a.evidence["deed_id"]))
            .collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids[0].contains("D1") && ids[1].contains("D3"));
    }
}
