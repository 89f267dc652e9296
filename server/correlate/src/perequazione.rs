//! The c. 335 microzone indicator (fiscal-rules.md §4.2 and its project conventions): per
//! cadastral microzone, the market value `Vm` (mean of the OMI midpoints of *Abitazioni
//! civili*, state NORMALE, of its OMI zones), the cadastral value `Vc = Σ(rent × 1.05 × 100) /
//! Σ surface` of the reference stock (group A except A/10 with a cadastral surface, located
//! through the point-on-surface of its parcel), the weights, `R(z)`, deviations from the
//! weighted and simple municipal ratios, eligibility and uplift. Excluded from the whole
//! computation: configured microzones, microzones whose OMI zones are all in band `R`, and
//! microzones without reference stock or without a quotation.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::{Contains, InteriorPoint};
use segit_model::{CategoryGroup, UnitKey};

use crate::fiscal::{MicrozoneValues, microzone_ratios};
use crate::inputs::Inputs;
use crate::params::{MicrozoneWeights, Params};
use crate::rules::common::unit_parcel;

/// OMI typology of civil dwellings.
pub const CIVIL_DWELLINGS: u32 = 20;

/// One microzone of the indicator layer.
#[derive(Debug, Clone, PartialEq)]
pub struct MicrozoneIndicator {
    /// Microzone number.
    pub microzone: u32,
    /// OMI zone codes in the microzone.
    pub omi_zones: Vec<String>,
    /// Their LinkZona keys.
    pub link_zones: Vec<String>,
    /// Takes part in the computation.
    pub participating: bool,
    /// Why not, when it does not.
    pub excluded_because: Option<&'static str>,
    /// Market value per m² `Vm`.
    pub market_value: Option<f64>,
    /// Cadastral value per m² `Vc`.
    pub cadastral_value: Option<f64>,
    /// Weight.
    pub weight: f64,
    /// Units of the reference stock.
    pub units: usize,
    /// Total rent of the reference stock.
    pub total_rent: f64,
    /// Total surface of the reference stock.
    pub total_surface: f64,
    /// `R(z)`.
    pub ratio: Option<f64>,
    /// Deviation from the weighted `R_tot`.
    pub deviation: Option<f64>,
    /// Deviation from the simple mean.
    pub deviation_simple: Option<f64>,
    /// Eligible under the weighted ratio.
    pub eligible: bool,
    /// Eligible under the simple mean.
    pub eligible_simple: bool,
    /// Rent multiplier to bring the microzone back within the threshold.
    pub uplift: Option<f64>,
}

/// The indicator of every microzone, with the weighted and simple municipal ratios.
pub fn indicator(
    inputs: &Inputs,
    params: &Params,
    as_of: NaiveDate,
) -> (Option<f64>, Option<f64>, Vec<MicrozoneIndicator>) {
    let zones_geo = inputs.data.microzones.as_deref().unwrap_or_default();
    let maps = inputs.data.map_parcels.as_deref().unwrap_or_default();
    let surfaces = inputs.data.surfaces.as_deref().unwrap_or_default();
    let mut rows: BTreeMap<u32, MicrozoneIndicator> = BTreeMap::new();
    for z in zones_geo {
        rows.entry(z.number).or_insert_with(|| MicrozoneIndicator {
            microzone: z.number,
            omi_zones: Vec::new(),
            link_zones: Vec::new(),
            participating: false,
            excluded_because: None,
            market_value: None,
            cadastral_value: None,
            weight: 0.0,
            units: 0,
            total_rent: 0.0,
            total_surface: 0.0,
            ratio: None,
            deviation: None,
            deviation_simple: None,
            eligible: false,
            eligible_simple: false,
            uplift: None,
        });
    }
    // Market values.
    let mut all_rural: HashMap<u32, bool> = HashMap::new();
    let mut midpoints: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for omi in inputs.data.omi_zones.iter().flatten() {
        let Some(row) = rows.get_mut(&omi.microzone) else {
            continue;
        };
        row.omi_zones.push(omi.zone.clone());
        row.link_zones.push(omi.link_zona.clone());
        let rural = omi.band.trim().eq_ignore_ascii_case("R");
        let e = all_rural.entry(omi.microzone).or_insert(true);
        *e &= rural;
        let q = inputs.data.omi_values.iter().flatten().find(|q| {
            q.link_zona == omi.link_zona
                && q.cod_tip == CIVIL_DWELLINGS
                && q.state.trim().eq_ignore_ascii_case("NORMALE")
        });
        if let Some(q) = q {
            midpoints
                .entry(omi.microzone)
                .or_default()
                .push(f64::midpoint(q.compr_min, q.compr_max));
        }
    }
    // Reference stock.
    let mut parcel_zone: HashMap<UnitKey, Option<u32>> = HashMap::new();
    for (ui, u) in inputs.data.units.iter().flatten().enumerate() {
        let Some(s) = u.state_at(as_of) else { continue };
        let Some(cat) = s
            .category
            .filter(|c| c.group() == CategoryGroup::A && c.number() != 10)
        else {
            continue;
        };
        let _ = cat;
        let Some(rent) = s.rent_eur else { continue };
        let surface = inputs
            .surface_of_unit(ui)
            .map(|i| f64::from(surfaces[i].total_m2))
            .or_else(|| s.surface_m2.map(f64::from));
        let Some(surface) = surface.filter(|s| *s > 0.0) else {
            continue;
        };
        let parcel = unit_parcel(s);
        let zone = *parcel_zone.entry(parcel.clone()).or_insert_with(|| {
            let point = inputs
                .map_parcels_at(&parcel)
                .first()
                .and_then(|&m| maps[m].geometry.interior_point())?;
            zones_geo
                .iter()
                .filter(|z| z.geometry.contains(&point))
                .map(|z| z.number)
                .min()
        });
        let Some(row) = zone.and_then(|z| rows.get_mut(&z)) else {
            continue;
        };
        row.units += 1;
        row.total_rent += rent;
        row.total_surface += surface;
    }
    let mut values = Vec::new();
    for row in rows.values_mut() {
        row.market_value = midpoints
            .get(&row.microzone)
            .map(|m| m.iter().sum::<f64>() / m.len() as f64);
        if row.total_surface > 0.0 {
            row.cadastral_value =
                Some(row.total_rent * params.imu.revaluation_buildings * 100.0 / row.total_surface);
        }
        row.weight = match params.rules.r26_weights {
            MicrozoneWeights::Surface => row.total_surface,
            MicrozoneWeights::Units => row.units as f64,
        };
        row.excluded_because = if params
            .rules
            .r26_excluded_microzones
            .contains(&row.microzone)
        {
            Some("configured as industrial or rural")
        } else if all_rural.get(&row.microzone).copied().unwrap_or(false) {
            Some("all OMI zones in band R")
        } else if row.units == 0 {
            Some("no reference stock")
        } else if row.market_value.is_none() {
            Some("no OMI quotation of civil dwellings")
        } else {
            None
        };
        row.participating = row.excluded_because.is_none();
        if let (true, Some(m), Some(c)) = (row.participating, row.market_value, row.cadastral_value)
        {
            values.push(MicrozoneValues {
                microzone: row.microzone,
                market: m,
                cadastral: c,
                weight: row.weight,
            });
        }
    }
    if values.is_empty() {
        return (None, None, rows.into_values().collect());
    }
    let (r_tot, r_simple, ratios) = microzone_ratios(
        &values,
        params.rules.r26_threshold,
        params.rules.r26_min_microzones,
    );
    for r in ratios {
        if let Some(row) = rows.get_mut(&r.microzone) {
            row.ratio = Some(r.ratio);
            row.deviation = Some(r.deviation);
            row.deviation_simple = Some(r.deviation_simple);
            row.eligible = r.eligible;
            row.eligible_simple = r.eligible_simple;
            row.uplift = Some(r.uplift);
        }
    }
    (Some(r_tot), Some(r_simple), rows.into_values().collect())
}
