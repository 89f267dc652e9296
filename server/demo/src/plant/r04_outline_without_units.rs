//! R04 — Building outline on the map without units, or F/6 persisting (catalogue §A R04).
//!
//! Planted on a built urban parcel, two dedicated F/6 units (no holders, no address):
//! - F/6 since D − 181 days: more than `f6_max_days` = 180 days → **case** (b);
//! - F/6 since D − 180 days: exactly 180 days, not more → **near miss**.
//!
//! The recording lists (a) every parcel whose map carries a building outline (the CXF writes
//! one `nnn+` outline per building of the parcel) and that has no unit on the parcel on D —
//! in the generator, rural buildings and outbuildings never declared to the cadastre, and
//! the sheds other plantings put on bare land — and (b) every unit whose state on D is F/6 for
//! more than 180 days.

use chrono::Days;

use super::cadastre::{ParcelIndex, add_unit, building_of, built_urban, f_state};
use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording, as_of};
use crate::Municipality;
use crate::entities::Category;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R04", plant };

/// Recording of every R04 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R04",
    record,
};

const F6: Category = Category::new('F', 6);
const F6_MAX_DAYS: i64 = 180;

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = as_of(town);
    let Some(&parcel) = built_urban(town, 1, 1).first() else {
        return;
    };
    let building = building_of(town, parcel);
    for (days, note) in [
        (181, ""),
        (180, "F/6 for exactly 180 days: not more than f6_max_days"),
    ] {
        let u = add_unit(
            town,
            parcel,
            building,
            vec![f_state(F6, d - Days::new(days), "COSTITUZIONE")],
        );
        if !note.is_empty() {
            p.near_miss(Expected::unit(&town.units[u].key, note).with_record("f6"));
        }
    }
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let ix = ParcelIndex::new(town);
    for i in 0..town.parcels.len() {
        if ix.built(i) && ix.units_on(town, i, d).is_empty() {
            p.report(
                Expected::parcel(
                    &town.parcels[i].key,
                    "building outline on a parcel without units",
                )
                .with_record("outline"),
            );
        }
    }
    for u in &town.units {
        if let Some(s) = u.state_at(d)
            && s.category == F6
            && (d - s.valid_from).num_days() > F6_MAX_DAYS
        {
            p.report(
                Expected::unit(&u.key, format!("F/6 since {}", s.valid_from)).with_record("f6"),
            );
        }
    }
}
