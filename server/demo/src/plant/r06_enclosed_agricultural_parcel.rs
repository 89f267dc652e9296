//! R06 — agricultural parcel enclosed in an urban site and built on (catalogue §A R06).
//!
//! Catalogue: an agricultural TER parcel (quality 1–250, special account not 1) whose map
//! polygon lies inside the outer ring of an urban-site parcel (quality 282 or special account
//! 1), held on D only by holders of the units on that urban site, and intersected by a
//! topographic footprint for at least 1 m².
//!
//! The generator's courtyard blocks draw the courtyard as a parcel of its own filling the hole
//! of the block's urban site (quality 275 CORTE URBAN, special account 1), so they are never
//! agricultural. The planting turns courtyards into kitchen gardens (quality 17 ORTO, no class
//! and no income, so no IMU is due on them), each held 1/1 by one person (a land holding in
//! `.SOG` / `.TIT`, like R23's) since the day that person's holding on the block began, with a
//! shed at the garden's centre:
//! - held by a holder of the block's units, shed 2.74 m square (7.51 m², below R01's 8 m²) →
//!   **case**;
//! - held by a holder of the block's units, shed 0.9 m square (0.81 m² of overlap, below
//!   1 m²) → **near miss** (misregistration of the layers);
//! - held by a person holding nothing else, shed 2.74 m square → **near miss** (different
//!   holders).
//!
//! The first courtyards with a suitable holder are taken in that order (a small town may have
//! fewer than three).
//!
//! Every shed is an outline on a parcel without units, which R04's recording lists. The
//! holders are alive (no death planted by R24) and not the first person holder, whose code the
//! subject file corrupts. The planting runs after R23's, which picks farmland by use.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::cadastre::ParcelIndex;
use super::r01_ghost_building::add_shed;
use super::r23_building_land_as_agricultural::{LandHolding, free_persons};
use super::{DEATHS, Expected, Planter, Planting, as_of};
use crate::Municipality;
use crate::entities::{ParcelUse, SubjectRef};

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R06", plant };

/// First holding id of the land holdings planted here (no other holding has it).
const FIRST_HOLDING_ID: u64 = 99_600_001;

/// Side of the shed of the case and of the different-holder near miss, m (7.51 m²).
const SHED_SIDE_M: f64 = 2.74;

/// Side of the shed overlapping its garden by less than 1 m², m (0.81 m²).
const SMALL_SHED_SIDE_M: f64 = 0.9;

/// A courtyard parcel and a person holding a unit of the block around it on D, with the first
/// day of that holding.
struct Courtyard {
    parcel: usize,
    holder: usize,
    since: NaiveDate,
}

/// Courtyards (in parcel order) whose block — the parcel drawn just before, with the courtyard
/// as its hole — has units on `d` held by a person who is alive, not the first person holder
/// and has no corrupted code; the first such person of each block.
fn courtyards(town: &Municipality, p: &Planter, d: NaiveDate) -> Vec<Courtyard> {
    let ix = ParcelIndex::new(town);
    let dead: HashSet<&str> = p
        .planted_lines(DEATHS)
        .iter()
        .filter_map(|l| l.split(';').next())
        .collect();
    let first_person = town.holdings.iter().find_map(|h| match h.subject {
        SubjectRef::Person(q) => Some(q),
        SubjectRef::Entity(_) => None,
    });
    let mut holdings_of: Vec<Vec<usize>> = vec![Vec::new(); town.units.len()];
    for (i, h) in town.holdings.iter().enumerate() {
        holdings_of[h.unit].push(i);
    }
    let mut out = Vec::new();
    for i in 1..town.parcels.len() {
        let (court, block) = (&town.parcels[i], &town.parcels[i - 1]);
        if court.usage != ParcelUse::Courtyard
            || block.usage != ParcelUse::Urban
            || block.geometry.interiors().len() != 1
            || !ix.units(i).is_empty()
            || ix.built(i)
        {
            continue;
        }
        let holder = ix
            .units_on(town, i - 1, d)
            .into_iter()
            .flat_map(|u| holdings_of[u].iter().map(|&h| &town.holdings[h]))
            .filter(|h| h.valid_from <= d && h.valid_to.is_none_or(|t| t > d))
            .find_map(|h| match h.subject {
                SubjectRef::Person(q)
                    if Some(q) != first_person && !dead.contains(town.persons[q].cf.as_str()) =>
                {
                    Some((q, h.valid_from))
                }
                _ => None,
            });
        if let Some((holder, since)) = holder {
            out.push(Courtyard {
                parcel: i,
                holder,
                since,
            });
        }
    }
    out
}

/// Turns courtyard `c` into a kitchen garden held 1/1 by `person` from `since`, with a square
/// shed of side `side` at its centre.
fn garden(
    town: &mut Municipality,
    p: &mut Planter,
    c: usize,
    person: usize,
    since: NaiveDate,
    side: f64,
) {
    let parcel = &mut town.parcels[c];
    parcel.usage = ParcelUse::Agricultural;
    parcel.quality = 17;
    parcel.quality_name = "ORTO";
    parcel.class = None;
    parcel.special_account = None;
    parcel.reddito_dominicale = None;
    parcel.reddito_agrario = None;
    let id = p
        .planted
        .land_holdings
        .iter()
        .map(|h| h.id + 1)
        .max()
        .unwrap_or(FIRST_HOLDING_ID)
        .max(FIRST_HOLDING_ID);
    p.planted.land_holdings.push(LandHolding {
        id,
        person,
        parcel: c,
        share_num: 1,
        share_den: 1,
        valid_from: since,
    });
    add_shed(town, c, side);
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let d = as_of(town);
    let mut sites = courtyards(town, p, d).into_iter();
    if let Some(c) = sites.next() {
        garden(town, p, c.parcel, c.holder, c.since, SHED_SIDE_M);
        let note = format!(
            "kitchen garden enclosed in urban site {}, held by a holder of its units, with a \
             7.51 m² shed",
            town.parcels[c.parcel - 1].key
        );
        p.report(Expected::parcel(&town.parcels[c.parcel].key, note));
    }
    if let Some(c) = sites.next() {
        garden(town, p, c.parcel, c.holder, c.since, SMALL_SHED_SIDE_M);
        let note = format!(
            "kitchen garden enclosed in urban site {}, held by a holder of its units, footprint \
             overlap 0.81 m² (below 1 m²)",
            town.parcels[c.parcel - 1].key
        );
        p.near_miss(Expected::parcel(&town.parcels[c.parcel].key, note));
    }
    let taken: HashSet<usize> = p.planted.land_holdings.iter().map(|h| h.person).collect();
    let stranger = free_persons(town).into_iter().find(|q| !taken.contains(q));
    if let (Some(c), Some(stranger)) = (sites.next(), stranger) {
        garden(town, p, c.parcel, stranger, c.since, SHED_SIDE_M);
        let note = format!(
            "kitchen garden enclosed in urban site {}, held by a person holding none of its \
             units, with a 7.51 m² shed",
            town.parcels[c.parcel - 1].key
        );
        p.near_miss(Expected::parcel(&town.parcels[c.parcel].key, note));
    }
}
