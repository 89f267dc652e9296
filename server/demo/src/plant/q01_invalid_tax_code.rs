//! Q01 — Codice fiscale check character or structure invalid (catalogue §E Q01: one record
//! per occurrence, the record kept and joined only as written).
//!
//! Planted as two extra electricity contracts of the tax year in the utility file (no unit key,
//! an existing house number with no internal number, a consumption below every signal
//! threshold; both are Q07 cases), for the first adult person of the town:
//! - the code written with a wrong check character → **case** (`utilities:<point>/<year>`);
//! - the code written in its omocodic form (the last digit of the place code replaced by its
//!   letter) with the check character recomputed: valid → **near miss**.
//!
//! The supply writers report the malformed codes they plant when malformed records are
//! written (SOG subject, resident row, utility row: `Ctx::report`).

use segit_model::ids::check_character;

use super::facts::address_text;
use super::q07_utility_without_unit_key::UTILITIES;
use super::{Expected, Planter, Planting};
use crate::Municipality;
use crate::supply::holders::corrupt_cf;

/// The planting.
pub(crate) const PLANTING: Planting = Planting { rule: "Q01", plant };

/// Omocodic letters of the digits 0–9.
const OMOCODE: &[u8; 10] = b"LMNPQRSTUV";

/// The omocodic form of a valid code: its 15th character, a digit, replaced by its letter and
/// the check character recomputed.
fn omocode(cf: &str) -> Option<String> {
    let b = cf.as_bytes();
    if b.len() != 16 || !b[14].is_ascii_digit() {
        return None;
    }
    let mut first15 = cf[..14].to_owned();
    first15.push(char::from(OMOCODE[usize::from(b[14] - b'0')]));
    let check = check_character(&first15).ok()?;
    Some(format!("{first15}{check}"))
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let Some(cf) = town
        .persons
        .iter()
        .map(|x| x.cf.clone())
        .find(|cf| omocode(cf).is_some())
    else {
        return;
    };
    let Some(hn) = town.house_numbers.get(1) else {
        return;
    };
    let address = address_text(town, &hn.address_key);
    let year = town.tax_year;
    let start = crate::dates::ymd(year, 3, 1);
    let (Some(valid), bad) = (omocode(&cf), corrupt_cf(&cf)) else {
        return;
    };
    for (n, code, case) in [(3, bad, true), (4, valid, false)] {
        let point = format!("IT012E9{n:07}");
        p.extra_line(
            UTILITIES,
            format!(
                "electricity;{point};{code};person;household non-resident;{address};;;{start};;{year};150;40.50"
            ),
        );
        let record = format!("utilities:{point}/{year}:holder_cf");
        if case {
            p.report(Expected::record(
                &record,
                format!("check character of {code} wrong"),
            ));
        } else {
            p.near_miss(Expected::record(
                &record,
                format!("{code}: omocodic form, valid"),
            ));
        }
    }
}
