//! Q03 — Map parcel without TER record and without FAB units, roads and waters excluded
//! (catalogue §E Q03).
//!
//! The generator registers every parcel of its map in the land cadastre (TER), so it has no
//! case of its own (the malformed map parcels the CXF writer plants are rejected by the
//! ingest).
//!
//! - **Case**: a parcel of farmland without units, buildings or holders, drawn on the map
//!   (CXF and INSPIRE GML) but left out of `.TER` ([`super::Planted::ter_omitted`]).
//! - **Near miss**: a parcel of farmland without any unit — on the map and in TER, so not a
//!   case.
//!
//! Both are taken from the bare farmland after the parcels the cadastre plantings take (Q04
//! the first eight, R01 and R03 among them); R23 passes over the parcel left out of TER.

use super::cadastre::bare_agricultural;
use super::{Expected, Planter, Planting};
use crate::Municipality;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "Q03", plant };

fn plant(town: &mut Municipality, p: &mut Planter) {
    let bare = bare_agricultural(town, 8, 2);
    if let Some(&i) = bare.first() {
        p.near_miss(Expected::parcel(
            &town.parcels[i].key,
            "farmland without units, in TER",
        ));
    }
    // the case: bare farmland has no unit, so no holding of the generator's (they are on
    // units); the land holdings R23 plants later pass over it
    if let Some(&i) = bare.get(1) {
        p.planted.ter_omitted.insert(i);
        p.report(Expected::parcel(
            &town.parcels[i].key,
            "farmland on the map without units, buildings or holders, left out of TER",
        ));
    }
}
