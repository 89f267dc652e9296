//! Civil registry (other-supplies.md §4): residents and households. A residence period runs
//! from `from_date` (included) to `to_date` (**excluded**: the person is not resident that day).

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::address::Address;
use crate::ids::{AddressKey, Sex, TaxId, UnitKey};
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
///
/// The person, household, address key and internal number, period and unit key are inline;
/// the relationship, birth date, sex, citizenship and the address's staircase and floor are in
/// the boxed [`ResidentDetails`], `None` when they are empty (relationship `other`).
///
/// Serialised as the row: `address` with its key, staircase, floor and internal number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "ResidentForm")]
pub struct Resident {
    /// Codice fiscale as written (may be invalid, rule Q01).
    pub person: TaxId,
    /// Family-sheet id.
    pub household_id: Box<str>,
    /// Registered residence address: key and internal number (staircase and floor in the
    /// details).
    pub address: ResidentAddress,
    /// Residence period: `to` excluded.
    pub residence: Validity,
    /// Canonical unit key when the municipality linked the residence to a unit.
    pub unit_key: Option<UnitKey>,
    /// The rest of the row; `None` when all of it is empty. Boxed: a city holds millions of
    /// residence rows and the correlation engine reads none of it.
    pub details: Option<Box<ResidentDetails>>,
}

/// The key and internal number of a resident's address (the parts that identify a unit).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResidentAddress {
    /// Municipality, street code, house number and suffix.
    pub key: AddressKey,
    /// Internal number (*interno*).
    pub internal: Option<Box<str>>,
}

impl ResidentAddress {
    /// An address with only its key.
    pub fn at(key: AddressKey) -> Self {
        Self {
            key,
            internal: None,
        }
    }

    /// The internal number when non-empty (blanks trimmed).
    pub fn internal(&self) -> Option<&str> {
        self.internal
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The unit-level link key (`address_key`, internal), when the address identifies a unit.
    pub fn unit_link(&self) -> Option<(&AddressKey, &str)> {
        self.internal().map(|i| (&self.key, i))
    }
}

/// The parts of a residence row that few readers need, kept apart from [`Resident`] (see
/// [`Resident::details`]). Empty means relationship `other` and nothing else written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentDetails {
    /// Relationship to the head of the household.
    pub relationship: Relationship,
    /// Staircase of the address.
    pub staircase: Option<Box<str>>,
    /// Floor of the address, as in FAB (`T`, `1`, `S1`…).
    pub floor: Option<Box<str>>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Citizenship, ISO 3166-1 alpha-2 (`IT`, `RO`…).
    pub citizenship: Option<Box<str>>,
}

/// The details of a row without any (what [`Resident::details`] reads as when `None`).
static NO_RESIDENT_DETAILS: ResidentDetails = ResidentDetails {
    relationship: Relationship::Other,
    staircase: None,
    floor: None,
    birth_date: None,
    sex: None,
    citizenship: None,
};

impl Default for ResidentDetails {
    fn default() -> Self {
        NO_RESIDENT_DETAILS.clone()
    }
}

impl ResidentDetails {
    /// True when every part is empty and the relationship is `other`.
    pub fn is_empty(&self) -> bool {
        self == &NO_RESIDENT_DETAILS
    }

    /// The details boxed, or `None` when they are empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl Resident {
    /// Resident on `date`: `from ≤ date < to` (or `to` empty).
    pub fn is_resident_on(&self, date: NaiveDate) -> bool {
        self.residence.contains(date)
    }

    /// The rest of the row (relationship `other` and all empty when the row has none).
    pub fn details(&self) -> &ResidentDetails {
        self.details.as_deref().unwrap_or(&NO_RESIDENT_DETAILS)
    }

    /// The details, to be filled (boxed on first use).
    pub fn details_mut(&mut self) -> &mut ResidentDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// Relationship to the head of the household.
    pub fn relationship(&self) -> Relationship {
        self.details().relationship
    }

    /// Birth date.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.details().birth_date
    }

    /// Sex.
    pub fn sex(&self) -> Option<Sex> {
        self.details().sex
    }

    /// Citizenship, ISO 3166-1 alpha-2.
    pub fn citizenship(&self) -> Option<&str> {
        self.details().citizenship.as_deref()
    }

    /// The full residence address: key, staircase, floor and internal number.
    pub fn full_address(&self) -> Address {
        let d = self.details();
        Address {
            key: self.address.key.clone(),
            staircase: d.staircase.clone(),
            floor: d.floor.clone(),
            internal: self.address.internal.clone(),
        }
    }
}

impl Serialize for Resident {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.details();
        ResidentForm {
            person: Cow::Borrowed(&self.person),
            household_id: Cow::Borrowed(&self.household_id),
            relationship: d.relationship,
            address: AddressForm {
                key: Cow::Borrowed(&self.address.key),
                staircase: Cow::Borrowed(&d.staircase),
                floor: Cow::Borrowed(&d.floor),
                internal: Cow::Borrowed(&self.address.internal),
            },
            residence: self.residence,
            birth_date: d.birth_date,
            sex: d.sex,
            citizenship: Cow::Borrowed(&d.citizenship),
            unit_key: Cow::Borrowed(&self.unit_key),
        }
        .serialize(serializer)
    }
}

/// The serialised form of a [`Resident`]: the row's fields in their order.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Resident")]
struct ResidentForm<'a> {
    person: Cow<'a, TaxId>,
    household_id: Cow<'a, Box<str>>,
    relationship: Relationship,
    address: AddressForm<'a>,
    residence: Validity,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
    citizenship: Cow<'a, Option<Box<str>>>,
    unit_key: Cow<'a, Option<UnitKey>>,
}

/// The serialised form of the residence address (an [`Address`]).
#[derive(Serialize, Deserialize)]
#[serde(rename = "Address")]
struct AddressForm<'a> {
    key: Cow<'a, AddressKey>,
    staircase: Cow<'a, Option<Box<str>>>,
    floor: Cow<'a, Option<Box<str>>>,
    internal: Cow<'a, Option<Box<str>>>,
}

impl From<ResidentForm<'_>> for Resident {
    fn from(f: ResidentForm<'_>) -> Self {
        Self {
            person: f.person.into_owned(),
            household_id: f.household_id.into_owned(),
            address: ResidentAddress {
                key: f.address.key.into_owned(),
                internal: f.address.internal.into_owned(),
            },
            residence: f.residence,
            unit_key: f.unit_key.into_owned(),
            details: ResidentDetails {
                relationship: f.relationship,
                staircase: f.address.staircase.into_owned(),
                floor: f.address.floor.into_owned(),
                birth_date: f.birth_date,
                sex: f.sex,
                citizenship: f.citizenship.into_owned(),
            }
            .boxed(),
        }
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

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_resident_stays_small() {
        // a city holds millions of residence rows: the relationship, birth, sex, citizenship,
        // staircase and floor are boxed (the correlation engine reads none of them); the tax
        // code is as small as a string, the unit and address keys inline
        assert!(size_of::<Resident>() <= 120, "{}", size_of::<Resident>());
    }

    fn resident(cf: &str, household: &str, from: NaiveDate, to: Option<NaiveDate>) -> Resident {
        Resident {
            person: TaxId::from_written(cf).unwrap(),
            household_id: household.into(),
            address: ResidentAddress::at(AddressKey::parse("F205/2040/12/").unwrap()),
            residence: Validity::new(from, to).unwrap(),
            unit_key: None,
            details: ResidentDetails {
                relationship: Relationship::parse("head").unwrap(),
                citizenship: Some("IT".into()),
                ..ResidentDetails::default()
            }
            .boxed(),
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

    #[test]
    fn details_are_boxed_unless_empty_with_relationship_other() {
        assert_eq!(ResidentDetails::default().boxed(), None);
        assert_eq!(ResidentDetails::default().relationship, Relationship::Other);
        let mut r = resident("RSSMRA70E52F205N", "H1", d(2010, 1, 1), None);
        assert_eq!(
            (r.relationship(), r.citizenship()),
            (Relationship::Head, Some("IT"))
        );
        r.details = None;
        assert_eq!(r.relationship(), Relationship::Other);
        assert_eq!(
            (r.birth_date(), r.sex(), r.citizenship()),
            (None, None, None)
        );
        r.details_mut().floor = Some("T".into());
        r.address.internal = Some(" 12 ".into());
        let a = r.full_address();
        assert_eq!((a.floor.as_deref(), a.internal()), (Some("T"), Some("12")));
        assert_eq!(r.address.unit_link().map(|(_, i)| i), Some("12"));
        // a row read back with relationship `other` and nothing else carries no box
        r.details = None;
        let back: Resident = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back.details, None);
        assert_eq!(back, r);
    }

    /// The serialised form of a row before its details moved out of line: the form must not
    /// change.
    #[derive(Serialize)]
    #[serde(rename = "Resident")]
    struct FlatResident {
        person: TaxId,
        household_id: Box<str>,
        relationship: Relationship,
        address: Address,
        residence: Validity,
        birth_date: Option<NaiveDate>,
        sex: Option<Sex>,
        citizenship: Option<Box<str>>,
        unit_key: Option<UnitKey>,
    }

    #[test]
    fn the_serialised_form_is_the_row() {
        let full = {
            let mut r = resident("RSSMRA70E52F205N", "H1", d(2010, 1, 1), Some(d(2020, 6, 1)));
            let details = r.details_mut();
            details.staircase = Some("B".into());
            details.floor = Some("3".into());
            details.birth_date = Some(d(1970, 5, 12));
            details.sex = Some(Sex::parse("F").unwrap());
            r.address.internal = Some("12".into());
            r.unit_key = UnitKey::parse("F205//12/101/7").ok();
            r
        };
        let mut bare = full.clone();
        bare.details = None;
        for r in [
            resident("BNCLCU85C15C351H", "H2", d(2015, 1, 1), None),
            full,
            bare,
        ] {
            let json = serde_json::to_string(&r).unwrap();
            let d = r.details();
            let flat = FlatResident {
                person: r.person.clone(),
                household_id: r.household_id.clone(),
                relationship: d.relationship,
                address: r.full_address(),
                residence: r.residence,
                birth_date: d.birth_date,
                sex: d.sex,
                citizenship: d.citizenship.clone(),
                unit_key: r.unit_key.clone(),
            };
            assert_eq!(json, serde_json::to_string(&flat).unwrap());
            let back: Resident = serde_json::from_str(&json).unwrap();
            assert_eq!(back, r);
        }
    }
}
