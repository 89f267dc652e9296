//! Date helpers of the generator.

use chrono::{Days, NaiveDate};

use crate::rng::Rng;

/// A calendar date; invalid input yields the earliest date chrono knows (never produced by the
/// generator's constant inputs).
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A uniform date in `[from, to]` (inclusive); `from` when the range is empty.
pub fn between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    from + Days::new(rng.below(span as u64 + 1))
}

/// A uniform date in year `y`.
pub fn in_year(rng: &mut Rng, y: i32) -> NaiveDate {
    between(rng, ymd(y, 1, 1), ymd(y, 12, 31))
}

/// `d` plus `years` (clamped to 28 February when needed).
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    use chrono::Datelike;
    NaiveDate::from_ymd_opt(d.year() + years, d.month(), d.day())
        .unwrap_or_else(|| ymd(d.year() + years, d.month(), 28))
}

/// The day before `d`.
pub fn day_before(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}
