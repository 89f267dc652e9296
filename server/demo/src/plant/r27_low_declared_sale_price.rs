//! R27 — declared sale price far below market (DPR 131/1986 art. 51-52; L. 160/2019 c. 777).
//!
//! Catalogue: a deed dated on or before D whose declared price is strictly below k = 0.7 of
//! the market minimum, Σ over its units of the OMI minimum sale value (`Compr_min`, typology
//! of the category, state NORMALE, the unit's microzone) × the total cadastral surface.
//!
//! Planted as sale deeds of `atti/transfer_deeds.jsonl` on dwellings lying wholly inside one
//! OMI zone, sold in June of the tax year by their owner to a person new to the town:
//! - a true case: a price one euro below 0.7 × the market minimum;
//! - a near miss: a price one cent above 0.7 × the market minimum.
//!
//! Baseline: the deed writer declares sale prices of at least 2 300 €/m², above 0.7 of every
//! OMI minimum of the town (at most 3 050 €/m²), and no price for successions and donations;
//! so the planted deeds are the only cases, recorded here as they are planted.

use super::facts::{dwellings_in_zones, idle_persons, omi_dwelling_minimums, surface_file};
use super::{Expected, Planter, Planting};
use crate::Municipality;
use crate::supply::text::json_str;

/// Planting of R27.
pub(crate) const PLANTING: Planting = Planting { rule: "R27", plant };

/// The deeds file.
pub(crate) const FILE: &str = "atti/transfer_deeds.jsonl";

/// Share of the OMI minimum (catalogue `k`).
const K: f64 = 0.7;

fn plant(town: &mut Municipality, p: &mut Planter) {
    let all: Vec<usize> = (0..town.units.len()).collect();
    let homes = dwellings_in_zones(town, &all);
    let persons = idle_persons(town);
    let zones = crate::supply::omi::zones(town);
    if homes.len() < 8 || persons.len() < 8 {
        return;
    }
    let year = town.tax_year;
    for n in 0..2 {
        let (unit, z) = homes[homes.len() * 7 / 8 + n];
        let u = &town.units[unit];
        let Some((total, _)) = surface_file(u) else {
            continue;
        };
        let Some(seller) = town
            .holdings
            .iter()
            .find(|h| h.unit == unit && h.valid_to.is_none())
            .map(|h| town.subject_cf(h.subject).to_owned())
        else {
            continue;
        };
        let (compr, _) = omi_dwelling_minimums(&zones[z]);
        let limit = K * compr * f64::from(total);
        let price = if n == 0 {
            limit.floor() - 1.0
        } else {
            ((limit * 100.0).ceil() + 1.0) / 100.0
        };
        let buyer = &town.persons[persons[persons.len() * 6 / 8 + n]].cf;
        let id = format!("REP-9{:05}/{year}", n + 1);
        let category = u
            .current()
            .map(|s| s.category.display())
            .unwrap_or_default();
        p.extra_line(
            FILE,
            format!(
                "{{\"deed_id\":\"{id}\",\"deed_date\":\"{year}-06-10\",\"registration_date\":\"{year}-06-20\",\"deed_type\":\"sale\",\"declared_price\":{price:.2},\"parties\":[{{\"cf\":{},\"role\":\"seller\",\"right\":\"10\",\"share\":\"1/1\"}},{{\"cf\":{},\"role\":\"buyer\",\"right\":\"10\",\"share\":\"1/1\"}}],\"units\":[{{\"unit_key\":{},\"category\":{}}}]}}",
                json_str(&seller),
                json_str(buyer),
                json_str(&u.key),
                json_str(&category)
            ),
        );
        let e = Expected::unit(
            &u.key,
            format!("declared {price:.2} € vs 0.7 × OMI minimum {limit:.2} €"),
        )
        .with_record(&id);
        if n == 0 {
            p.report(e);
        } else {
            p.near_miss(e);
        }
    }
}
