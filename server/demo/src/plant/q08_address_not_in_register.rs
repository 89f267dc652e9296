//! Q08 — Address not found in the street register (catalogue §E Q08, see R11).
//!
//! Planted as two extra electricity contracts of the tax year in the utility file, written
//! without unit key or address key (so both are also Q07 cases), for an existing person, with
//! a consumption below every signal threshold (no use-signal rule concerns them):
//! - address `VICOLO DEL SOGNO 3`, a street the register does not have → **case**;
//! - the abbreviated text of an existing house number (`V.` for `VIA`…) with no internal
//!   number, which the register resolves → **near miss**.
//!
//! The generator writes every other address from its street register, so the recording is the
//! planted case.

use super::facts::address_text;
use super::q07_utility_without_unit_key::UTILITIES;
use super::{Expected, Planter, Planting};
use crate::Municipality;

/// The planting (and its recording: the generator's other addresses all resolve).
pub(crate) const PLANTING: Planting = Planting { rule: "Q08", plant };

fn plant(town: &mut Municipality, p: &mut Planter) {
    let Some(person) = town.persons.first() else {
        return;
    };
    let cf = person.cf.clone();
    let Some(hn) = town.house_numbers.first() else {
        return;
    };
    let known = address_text(town, &hn.address_key);
    let year = town.tax_year;
    let start = crate::dates::ymd(year, 2, 1);
    for (n, address, case) in [
        (1, "VICOLO DEL SOGNO 3".to_owned(), true),
        (2, known, false),
    ] {
        let point = format!("IT012E9{n:07}");
        p.extra_line(
            UTILITIES,
            format!(
                "electricity;{point};{cf};person;household non-resident;{address};;;{start};;{year};120;32.40"
            ),
        );
        let record = format!("utilities:electricity:{point}");
        if case {
            p.report(Expected::record(
                &record,
                format!("address {address} not in the register"),
            ));
        } else {
            p.near_miss(Expected::record(
                &record,
                format!("address {address} resolves"),
            ));
        }
    }
}
