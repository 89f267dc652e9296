//! R02 — Urban-site parcel without declared units (catalogue §A R02).
//!
//! The generator leaves some urban-site parcels (quality 282 ENTE URBANO, special account 1)
//! without any unit: bare urban areas it did not register as F/1, urban courtyards. The
//! recording lists every parcel of quality 282 or special account 1 without a unit on the
//! parcel on D (the catalogue's *unit on a parcel*, §0).
//!
//! Near miss: a bare urban area whose only unit is its F/1 (an area registered in the buildings
//! cadastre counts as a unit on the parcel), the first such parcel of the generator.

use super::cadastre::ParcelIndex;
use super::facts::Facts;
use super::{Expected, Planter, Recording, as_of};
use crate::Municipality;
use crate::entities::Category;

/// Recording (and near miss) of every R02 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R02",
    record,
};

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let d = as_of(town);
    let ix = ParcelIndex::new(town);
    let mut near = false;
    for (i, parcel) in town.parcels.iter().enumerate() {
        if parcel.quality != 282 && parcel.special_account != Some("1") {
            continue;
        }
        let units = ix.units_on(town, i, d);
        if units.is_empty() {
            p.report(Expected::parcel(
                &parcel.key,
                format!("quality {} without units", parcel.quality),
            ));
        } else if !near
            && units.len() == 1
            && town.units[units[0]]
                .state_at(d)
                .is_some_and(|s| s.category == Category::new('F', 1))
        {
            near = true;
            p.near_miss(Expected::parcel(
                &parcel.key,
                "urban area whose only unit is its F/1",
            ));
        }
    }
}
