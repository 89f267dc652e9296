//! Q02 — FAB unit without type-2 identifiers, or identifiers pointing to a parcel missing from
//! the map (catalogue §E Q02).
//!
//! Planted beside a built urban parcel, two dedicated units under construction (F/3 since
//! March of the tax year: young, no holders, no address, so no other rule concerns them):
//! - identified on particella `9901` of the same sheet, which the map does not have →
//!   **case**;
//! - identified on the host parcel itself, which the map has → **near miss**.
//!
//! The recording lists every unit with a state on D whose sheet and particella are not a
//! parcel of the map.

use std::collections::BTreeSet;

use super::cadastre::{add_unit, building_of, built_urban, f_state};
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::entities::Category;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "Q02", plant };

/// Recording of every Q02 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "Q02",
    record,
};

/// Particella of the planted unit the map does not have.
const MISSING: &str = "9901";

fn plant(town: &mut Municipality, p: &mut Planter) {
    let Some(&parcel) = built_urban(town, 3, 1).first() else {
        return;
    };
    let building = building_of(town, parcel);
    let since = crate::dates::ymd(town.tax_year, 3, 2);
    let state = || vec![f_state(Category::new('F', 3), since, "COSTITUZIONE")];
    let near = add_unit(town, parcel, building, state());
    p.near_miss(Expected::unit(
        &town.units[near].key,
        "identifiers on a parcel of the map",
    ));
    let orphan = add_unit(town, parcel, building, state());
    let u = &mut town.units[orphan];
    MISSING.clone_into(&mut u.particella);
    u.subalterno = 1;
    u.key = format!("{}//{}/{MISSING}/1", town.belfiore, u.foglio);
    u.parcel_key = format!("{}_{:04}00.{MISSING}", town.belfiore, u.foglio);
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let mapped: BTreeSet<(u32, &str)> = town
        .parcels
        .iter()
        .map(|x| (x.foglio, x.particella.as_str()))
        .collect();
    for u in &town.units {
        if u.state_at(d).is_some() && !mapped.contains(&(u.foglio, u.particella.as_str())) {
            p.report(Expected::unit(
                &u.key,
                format!(
                    "sheet {} particella {} not on the map",
                    u.foglio, u.particella
                ),
            ));
        }
    }
}
