//! Civil registry (other-supplies.md §4): residents and households. A residence period runs
//! from `from_date` (included) to `to_date` (**excluded**: the person is not resident that day).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::address::Address;
use crate::ids::{Sex, TaxId, UnitKey};
use crate::validity::Validity;

/// Relationship to the head of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// `head`.
    Head,
    /// `spouse`.
    Spouse,
    /// `child`.
    Child,
    /// `other`.
    Other,
}

impl Relationship {
    /// Parses `head`, `spouse`, `child` or `other`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "head" => Ok(Self::Head),
            "spouse" => Ok(Self::Spouse),
            "child" => Ok(Self::Child),
            "other" => Ok(Self::Other),
            _ => Err(ModelError::syntax(
                "relationship",
                input,
                "expected head, spouse, child or other",
            )),
        }
    }
}

/// One residence period of one person (a row of `residents.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    /// Codice fiscale as written (may be invalid, rule Q01).
    pub person: TaxId,
    /// Family-sheet id.
    pub household_id: Box<str>,
    /// Relationship to the head of the household.
    pub relationship: Relationship,
    /// Registered residence address with staircase, floor and internal.
    pub address: Address,
    /// Residence period: `to` excluded.
    pub residence: Validity,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Citizenship, ISO 3166-1 alpha-2 (`IT`, `RO`…).
    pub citizenship: Option<Box<str>>,
    /// Canonical unit key when the municipality linked the residence to a unit.
    pub unit_key: Option<UnitKey>,
}

impl Resident {
    /// Resident on `date`: `from ≤ date < to` (or `to` empty).
    pub fn is_resident_on(&self, date: NaiveDate) -> bool {
        self.residence.contains(date)
    }
}

/// A household (*nucleo familiare*): the rows of one family sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// Family-sheet id.
    pub household_id: Box<str>,
    /// Every residence row of the household, any period.
    pub members: Vec<Resident>,
}

impl Household {
    /// Groups residence rows by household id, households in order of first appearance.
    pub fn group(residents: impl IntoIterator<Item = Resident>) -> Vec<Self> {
        let mut out: Vec<Self> = Vec::new();
        for r in residents {
            match out.iter_mut().find(|h| h.household_id == r.household_id) {
                Some(h) => h.members.push(r),
                None => out.push(Self {
                    household_id: r.household_id.clone(),
                    members: vec![r],
                }),
            }
        }
        out
    }

    /// The rows resident on `date`: the household at that date.
    pub fn members_on(&self, date: NaiveDate) -> impl Iterator<Item = &Resident> {
        self.members.iter().filter(move |r| r.is_resident_on(date))
    }

    /// Number of distinct persons resident on `date`.
    pub fn size_on(&self, date: NaiveDate) -> usize {
        let mut persons: Vec<&TaxId> = self.members_on(date).map(|r| &r.person).collect();
        persons.sort();
        persons.dedup();
        persons.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AddressKey;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_resident_stays_small() {
        // the tax code is as small as a string (its validation error is boxed), the unit and
        // address keys inline
        assert!(size_of::<Resident>() <= 208, "{}", size_of::<Resident>());
    }

    fn resident(cf: &str, household: &str, from: NaiveDate, to: Option<NaiveDate>) -> Resident {
        Resident {
            person: TaxId::from_written(cf).unwrap(),
            household_id: household.into(),
            relationship: Relationship::parse("head").unwrap(),
            address: Address::at(AddressKey::parse("F205/2040/12/").unwrap()),
            residence: Validity::new(from, to).unwrap(),
            birth_date: None,
            sex: None,
            citizenship: Some("IT".into()),
            unit_key: None,
        }
    }

    #[test]
    fn residence_end_is_exclusive_and_households_group() {
        let rows = vec![
            resident("RSSMRA70E52F205N", "H1", d(2010, 1, 1), Some(d(2020, 6, 1))),
            resident("BNCLCU85C15C351H", "H1", d(2015, 1, 1), None),
            resident("MRTMTT25D09F205Z", "H2", d(2000, 1, 1), None),
        ];
        assert!(!rows[0].is_resident_on(d(2020, 6, 1)));
        assert!(rows[0].is_resident_on(d(2020, 5, 31)));
        let households = Household::group(rows);
        assert_eq!(households.len(), 2);
        assert_eq!(households[0].size_on(d(2020, 5, 31)), 2);
        assert_eq!(households[0].size_on(d(2020, 6, 1)), 1);
        assert_eq!(households[1].size_on(d(1999, 12, 31)), 0);
        assert!(Relationship::parse("cousin").is_err());
    }
}
