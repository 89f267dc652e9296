//! Q03 — Map parcel without TER record and without FAB units, roads and waters excluded
//! (catalogue §E Q03).
//!
//! The generator registers every parcel of its map in the land cadastre (TER), so it has no
//! case of its own (the malformed map parcels the CXF writer plants are rejected by the
//! ingest).
//!
//! Near miss: a parcel of farmland without any unit — on the map and in TER, so not a case.

use super::cadastre::bare_agricultural;
use super::{Expected, Planter, Planting};
use crate::Municipality;

/// The planting (a near miss).
pub(crate) const PLANTING: Planting = Planting { rule: "Q03", plant };

fn plant(town: &mut Municipality, p: &mut Planter) {
    if let Some(&i) = bare_agricultural(town, 8, 1).first() {
        p.near_miss(Expected::parcel(
            &town.parcels[i].key,
            "farmland without units, in TER",
        ));
    }
}
