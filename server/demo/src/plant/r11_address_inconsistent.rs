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
//!   the dwelling is the first from the second quarter of the candidates whose street has
//!   such a number (a densely built city uses most of its numbers);
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

use std::collections::{HashMap, HashSet};

use super::facts::resident_on;
use super::{Expected, FabAddress, Planter, Planting};
use crate::{HouseNumber, Municipality};

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

/// The house numbers of the register that no unit, resident row or TARI premises uses, by
/// street code in register order, and every house number by address key.
struct Unused<'a> {
    by_street: HashMap<u32, Vec<&'a HouseNumber>>,
    by_key: HashMap<&'a str, &'a HouseNumber>,
}

impl<'a> Unused<'a> {
    fn new(town: &'a Municipality) -> Self {
        let used: HashSet<&str> = town
            .units
            .iter()
            .filter_map(|u| u.address_key.as_deref())
            .chain(town.residents.iter().map(|r| r.address_key.as_str()))
            .chain(town.tari_positions.iter().map(|t| t.address_key.as_str()))
            .collect();
        let mut by_street: HashMap<u32, Vec<&HouseNumber>> = HashMap::new();
        let mut by_key = HashMap::new();
        for h in &town.house_numbers {
            by_key.entry(h.address_key.as_str()).or_insert(h);
            if !used.contains(h.address_key.as_str()) {
                by_street.entry(h.street_code).or_default().push(h);
            }
        }
        Self { by_street, by_key }
    }

    /// The first unused house number of the register on the street of `key`, with another
    /// number.
    fn on_street_of(&self, key: &str) -> Option<String> {
        let hn = self.by_key.get(key)?;
        self.by_street
            .get(&hn.street_code)?
            .iter()
            .find(|h| h.number != hn.number)
            .map(|h| h.address_key.clone())
    }
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let list = candidates(town);
    if list.len() < 6 {
        return;
    }
    let step = list.len() / 4;
    let (staircase, by_name) = (list[2 * step], list[3 * step]);
    let d = super::as_of(town);

    // the case: the first dwelling from the first quarter on whose street a number is unused
    let unused = Unused::new(town);
    let moved = list[step..2 * step].iter().find_map(|&u| {
        let own = town.units[u].address_key.as_deref()?;
        Some((u, own.to_owned(), unused.on_street_of(own)?))
    });
    if let Some((moved, own, other)) = moved {
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
