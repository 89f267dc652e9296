//! R11 — Cadastral address inconsistent with the street register or with the residents and
//! TARI of the unit (L. 147/2013 c. 647; catalogue §A R11).
//!
//! Catalogue: the unit's FAB address cannot be aligned to the street register, or it can but
//! the residents (or TARI premises) of the unit are registered at another house number. The
//! house number is the address key: street, number and suffix, without staircase and internal
//! number (identifiers.md §2).
//!
//! Planted, each on its own dwelling whose resident rows all carry the unit key (so that no
//! address-based link of the engine depends on the rows moved):
//! - a true case: the household of a dwelling is registered at another house number of the
//!   same street, one no unit has (so the moved rows meet no other unit's address + internal);
//!   the FAB and the TARI premises keep the dwelling's own;
//! - a near miss: the household of another dwelling is registered at the dwelling's house
//!   number on another staircase (`Z`): the staircase is not part of the house number;
//! - a near miss: a third dwelling's FAB address is written without the Agenzia's street code,
//!   with `toponimo` + name only: it aligns to the register by name, at the dwelling's number.
//!
//! Baseline: the generator writes every FAB address, resident row and TARI premises of a unit
//! from the unit's own address key; a TARI premises grouping a dwelling and its garage at a
//! rear entrance (`…/N/B`) is registered at the dwelling's number, one of its units' — not a
//! case. So the planted case is the whole truth.

use std::collections::HashSet;

use super::facts::resident_on;
use super::{Expected, FabAddress, Planter, Planting};
use crate::Municipality;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "R11", plant };

/// Dwellings with an address whose resident rows (every one, whatever its dates) carry the unit
/// key, with at least one resident on D, in unit order.
fn candidates(town: &Municipality) -> Vec<usize> {
    let d = super::as_of(town);
    let mut rows: Vec<(bool, bool)> = vec![(true, false); town.units.len()];
    for r in &town.residents {
        let Some(entry) = rows.get_mut(r.unit) else {
            continue;
        };
        entry.0 &= r.unit_key.as_deref() == Some(town.units[r.unit].key.as_str());
        entry.1 |= resident_on(r, d);
    }
    (0..town.units.len())
        .filter(|&u| rows[u] == (true, true) && town.units[u].address_key.is_some())
        .collect()
}

/// A house number of the register on the street of `key` that no unit, resident row or TARI
/// premises uses, with another number.
fn unused_number(town: &Municipality, key: &str) -> Option<String> {
    let hn = town.house_numbers.iter().find(|h| h.address_key == key)?;
    let used: HashSet<&str> = town
        .units
        .iter()
        .filter_map(|u| u.address_key.as_deref())
        .chain(town.residents.iter().map(|r| r.address_key.as_str()))
        .chain(town.tari_positions.iter().map(|t| t.address_key.as_str()))
        .collect();
    town.house_numbers
        .iter()
        .find(|h| {
            h.street_code == hn.street_code
                && h.number != hn.number
                && !used.contains(h.address_key.as_str())
        })
        .map(|h| h.address_key.clone())
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let list = candidates(town);
    if list.len() < 6 {
        return;
    }
    let step = list.len() / 4;
    let (moved, staircase, by_name) = (list[step], list[2 * step], list[3 * step]);
    let d = super::as_of(town);

    if let Some(own) = town.units[moved].address_key.clone()
        && let Some(other) = unused_number(town, &own)
    {
        for r in town.residents.iter_mut().filter(|r| r.unit == moved) {
            r.address_key.clone_from(&other);
        }
        p.report(Expected::unit(
            &town.units[moved].key,
            format!("FAB at {own}, residents registered at {other}"),
        ));
    }

    let key = town.units[staircase].key.clone();
    let mut moved_rows = 0;
    for r in town
        .residents
        .iter_mut()
        .filter(|r| r.unit == staircase && resident_on(r, d))
    {
        r.staircase = Some("Z".to_owned());
        moved_rows += 1;
    }
    if moved_rows > 0 {
        p.near_miss(Expected::unit(
            &key,
            "residents at the FAB house number on staircase Z: same house number",
        ));
    }

    if let Some(own) = town.units[by_name].address_key.clone() {
        let key = town.units[by_name].key.clone();
        p.fab_address(
            &key,
            FabAddress {
                address_key: own,
                street_code: false,
            },
        );
        p.near_miss(Expected::unit(
            &key,
            "FAB address without street code, aligned by toponimo + name at the same number",
        ));
    }
}
