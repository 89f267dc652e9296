//! House numbering: entrances along each street get odd numbers on one side and even numbers on
//! the other, increasing along the street, with occasional gaps and suffixes (*esponenti*) as in
//! real street registers.

use std::collections::BTreeSet;

use crate::blocks::Entrance;
use crate::entities::{Building, HouseNumber, Street};
use crate::rng::Rng;

/// Numbers `entrances`; returns the house numbers and, per parcel, the address key of its first
/// entrance. Buildings entered through an entrance receive its address key.
pub fn number(
    rng: &mut Rng,
    belfiore: &str,
    streets: &[Street],
    entrances: &[Entrance],
    parcel_keys: &[String],
    buildings: &mut [Building],
) -> (Vec<HouseNumber>, Vec<Option<String>>) {
    let mut order: Vec<usize> = (0..entrances.len())
        .filter(|&e| entrances[e].shares_number_of.is_none())
        .collect();
    order.sort_by(|&a, &b| {
        let (ea, eb) = (&entrances[a], &entrances[b]);
        (ea.street, ea.side)
            .cmp(&(eb.street, eb.side))
            .then(ea.along.total_cmp(&eb.along))
            .then(a.cmp(&b))
    });
    // (number, wanted suffix) of each primary entrance
    let mut assigned: Vec<Option<(u32, String)>> = vec![None; entrances.len()];
    let mut last: Option<(usize, u8, u32)> = None;
    for &e in &order {
        let ent = &entrances[e];
        let start = if ent.side == 0 { 1 } else { 2 };
        let (number, suffix) = match last {
            Some((s, side, n)) if s == ent.street && side == ent.side => {
                if rng.chance(0.03) {
                    (n, "A".to_owned())
                } else if rng.chance(0.08) {
                    (n + 4, String::new())
                } else {
                    (n + 2, String::new())
                }
            }
            _ => (start, String::new()),
        };
        last = Some((ent.street, ent.side, number));
        assigned[e] = Some((number, suffix));
    }
    let mut secondaries: Vec<Vec<usize>> = vec![Vec::new(); entrances.len()];
    for (e, ent) in entrances.iter().enumerate() {
        if let Some(p) = ent.shares_number_of {
            secondaries[p].push(e);
        }
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut numbers = Vec::with_capacity(entrances.len());
    let mut parcel_address: Vec<Option<String>> = vec![None; parcel_keys.len()];
    let mut emit = |e: usize, number: u32, wanted: &str, numbers: &mut Vec<HouseNumber>| {
        let ent = &entrances[e];
        let street = &streets[ent.street];
        let Some(suffix) = std::iter::once(wanted)
            .chain(SUFFIXES)
            .find(|s| !used.contains(&format!("{}/{number}/{s}", street.code)))
        else {
            return;
        };
        used.insert(format!("{}/{number}/{suffix}", street.code));
        let key = format!("{belfiore}/{}/{number}/{suffix}", street.code);
        for &b in &ent.buildings {
            buildings[b].address_key = Some(key.clone());
        }
        if parcel_address[ent.parcel].is_none() {
            parcel_address[ent.parcel] = Some(key.clone());
        }
        numbers.push(HouseNumber {
            address_key: key,
            street_code: street.code,
            number,
            suffix: suffix.to_owned(),
            parcel_key: parcel_keys[ent.parcel].clone(),
            point: ent.point,
        });
    };
    for &e in &order {
        let Some((number, suffix)) = assigned[e].clone() else {
            continue;
        };
        emit(e, number, &suffix, &mut numbers);
        for &s in &secondaries[e] {
            emit(s, number, "B", &mut numbers);
        }
    }
    (numbers, parcel_address)
}

/// Suffixes tried in order when the wanted one is taken.
const SUFFIXES: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];
