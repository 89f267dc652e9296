//! Date intervals of the sources. The reference fixes two conventions (rules-catalogue.md,
//! "Time alignment"):
//!
//! - [`Validity`]: start included, end **excluded** — FAB/TER states, TIT holdings (closing
//!   date), residents (`to_date`). On a transfer the seller's end equals the buyer's start.
//! - [`ActivePeriod`]: first and last day both **included** — TARI premises (`end_date`),
//!   leases, utility contracts (`contract_end`).
//!
//! An open end (`None`) means "still valid".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// A half-open validity interval `[from, to)`; `to = None` while current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawValidity")]
pub struct Validity {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct RawValidity {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl TryFrom<RawValidity> for Validity {
    type Error = ModelError;
    fn try_from(raw: RawValidity) -> Result<Self, ModelError> {
        Self::new(raw.from, raw.to)
    }
}

impl Validity {
    /// Builds `[from, to)`; `to` may equal `from` (an empty interval) but not precede it.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Self, ModelError> {
        match to {
            Some(t) if t < from => Err(ModelError::InvertedInterval {
                kind: "validity",
                from,
                to: t,
            }),
            _ => Ok(Self { from, to }),
        }
    }

    /// An interval still open: valid from `from` on.
    pub fn open(from: NaiveDate) -> Self {
        Self { from, to: None }
    }

    /// The "since the original survey" start of census files (`01010001`): 1 January of year 1.
    pub fn original_survey() -> NaiveDate {
        NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// First valid day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// First day no longer valid (excluded), `None` while open.
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// Valid on `date`: `from ≤ date` and (`to` open or `date < to`).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|t| date < t)
    }

    /// True while the interval is open.
    pub fn is_current(&self) -> bool {
        self.to.is_none()
    }

    /// True when the interval has at least one day in calendar year `year`.
    pub fn overlaps_year(&self, year: i32) -> bool {
        let Some((first, last)) = year_bounds(year) else {
            return false;
        };
        self.from <= last && self.to.is_none_or(|t| t > first) && !self.is_empty()
    }

    /// True when no day is valid (`to == from`).
    pub fn is_empty(&self) -> bool {
        self.to == Some(self.from)
    }

    /// Closes the interval at `to` (excluded).
    pub fn closed_at(self, to: NaiveDate) -> Result<Self, ModelError> {
        Self::new(self.from, Some(to))
    }
}

/// A closed activity period `[first, last]`, both days included; `last = None` while active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawActivePeriod")]
pub struct ActivePeriod {
    first: NaiveDate,
    last: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct RawActivePeriod {
    first: NaiveDate,
    last: Option<NaiveDate>,
}

impl TryFrom<RawActivePeriod> for ActivePeriod {
    type Error = ModelError;
    fn try_from(raw: RawActivePeriod) -> Result<Self, ModelError> {
        Self::new(raw.first, raw.last)
    }
}

impl ActivePeriod {
    /// Builds `[first, last]`; `last` must not precede `first`.
    pub fn new(first: NaiveDate, last: Option<NaiveDate>) -> Result<Self, ModelError> {
        match last {
            Some(l) if l < first => Err(ModelError::InvertedInterval {
                kind: "active period",
                from: first,
                to: l,
            }),
            _ => Ok(Self { first, last }),
        }
    }

    /// First active day.
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// Last active day (included), `None` while active.
    pub fn last(&self) -> Option<NaiveDate> {
        self.last
    }

    /// Active on `date`: `first ≤ date` and (`last` open or `date ≤ last`).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && self.last.is_none_or(|l| date <= l)
    }

    /// Active in year `year`: `first ≤ 31/12/Y` and (`last` open or `last ≥ 01/01/Y`).
    pub fn active_in_year(&self, year: i32) -> bool {
        let Some((jan1, dec31)) = year_bounds(year) else {
            return false;
        };
        self.first <= dec31 && self.last.is_none_or(|l| l >= jan1)
    }

    /// The same days as a half-open [`Validity`] (`to` = day after `last`).
    pub fn to_validity(&self) -> Validity {
        Validity {
            from: self.first,
            to: self.last.map(|l| l.succ_opt().unwrap_or(l)),
        }
    }
}

/// 1 January and 31 December of `year`, when representable.
fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn validity_end_is_exclusive() {
        let v = Validity::new(d(2019, 3, 15), Some(d(2021, 6, 1))).unwrap();
        assert!(!v.contains(d(2019, 3, 14)));
        assert!(v.contains(d(2019, 3, 15)));
        assert!(v.contains(d(2021, 5, 31)));
        assert!(!v.contains(d(2021, 6, 1)));
        assert!(!v.is_current());
        let open = Validity::open(d(2019, 3, 15));
        assert!(open.contains(d(2100, 1, 1)) && open.is_current());
    }

    #[test]
    fn transfer_day_belongs_to_buyer() {
        let seller = Validity::new(d(2010, 1, 1), Some(d(2020, 7, 1))).unwrap();
        let buyer = Validity::open(d(2020, 7, 1));
        assert!(!seller.contains(d(2020, 7, 1)));
        assert!(buyer.contains(d(2020, 7, 1)));
    }

    #[test]
    fn validity_years() {
        let v = Validity::new(d(2019, 3, 15), Some(d(2021, 1, 1))).unwrap();
        assert!(v.overlaps_year(2019) && v.overlaps_year(2020));
        assert!(!v.overlaps_year(2021) && !v.overlaps_year(2018));
        let empty = Validity::new(d(2020, 5, 5), Some(d(2020, 5, 5))).unwrap();
        assert!(empty.is_empty() && !empty.overlaps_year(2020) && !empty.contains(d(2020, 5, 5)));
    }

    #[test]
    fn inverted_intervals_rejected() {
        let e = Validity::new(d(2020, 1, 2), Some(d(2020, 1, 1))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "validity: end 2020-01-01 is before start 2020-01-02"
        );
        assert!(ActivePeriod::new(d(2020, 1, 2), Some(d(2020, 1, 1))).is_err());
        assert!(ActivePeriod::new(d(2020, 1, 2), Some(d(2020, 1, 2))).is_ok());
        assert!(
            serde_json::from_str::<Validity>(r#"{"from":"2020-01-02","to":"2020-01-01"}"#).is_err()
        );
    }

    #[test]
    fn active_period_end_is_inclusive() {
        let p = ActivePeriod::new(d(2020, 2, 1), Some(d(2022, 12, 31))).unwrap();
        assert!(p.contains(d(2022, 12, 31)));
        assert!(!p.contains(d(2023, 1, 1)));
        assert!(p.active_in_year(2020) && p.active_in_year(2022));
        assert!(!p.active_in_year(2019) && !p.active_in_year(2023));
        let v = p.to_validity();
        assert_eq!(v.to(), Some(d(2023, 1, 1)));
        assert!(v.contains(d(2022, 12, 31)) && !v.contains(d(2023, 1, 1)));
    }

    #[test]
    fn original_survey_start() {
        let v = Validity::open(Validity::original_survey());
        assert!(v.contains(d(1900, 1, 1)));
        assert_eq!(Validity::original_survey().year(), 1);
    }

    #[test]
    fn serde_round_trip() {
        let v = Validity::new(d(2019, 3, 15), None).unwrap();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"from":"2019-03-15","to":null}"#);
        assert_eq!(serde_json::from_str::<Validity>(&json).unwrap(), v);
    }
}
