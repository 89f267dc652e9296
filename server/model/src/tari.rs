//! TARI (waste tax) positions (other-supplies.md §9): one record per premises of an account,
//! with payer, surfaces, the units covered and the occupation period (last day **included**).

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::ids::{AddressKey, TaxId, UnitKey};
use crate::validity::ActivePeriod;

/// Domestic or non-domestic user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TariUserType {
    /// `domestic`.
    Domestic,
    /// `non_domestic`.
    NonDomestic,
}

impl TariUserType {
    /// Parses `domestic` or `non_domestic`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "domestic" => Ok(Self::Domestic),
            "non_domestic" => Ok(Self::NonDomestic),
            _ => Err(ModelError::syntax(
                "TARI user type",
                input,
                "expected domestic or non_domestic",
            )),
        }
    }
}

/// One premises of a TARI account (a row of `tari.csv`).
///
/// The staircase, floor and reduction code, which the correlation engine does not read, are
/// in the boxed [`TariDetails`], `None` when all empty. Serialised as the row, in its order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "TariForm")]
pub struct TariPosition {
    /// TARI account (position) id.
    pub account_id: Box<str>,
    /// Premises number within the account (1, 2, …).
    pub premises_seq: u32,
    /// Payer's code as written.
    pub payer: TaxId,
    /// Domestic or non-domestic user.
    pub user_type: TariUserType,
    /// Activity category (DPR 158/1999) of non-domestic users.
    pub tariff_class: Option<Box<str>>,
    /// Occupants declared (domestic users).
    pub occupants: Option<u32>,
    /// Premises address as text (`<DUG> <DUF> <number><suffix>`).
    pub address_text: Option<Box<str>>,
    /// Address key; `None` when the position was recorded as text only.
    pub address_key: Option<AddressKey>,
    /// Internal number.
    pub internal: Option<Box<str>>,
    /// Every unit the premises cover (a stapled unit may appear with its aliases).
    pub unit_keys: Vec<UnitKey>,
    /// Declared taxable surface in m².
    pub declared_m2: u32,
    /// Occupation period: `last` = `end_date`, included.
    pub period: ActivePeriod,
    /// Staircase, floor and reduction code; `None` when all empty. Boxed: a city holds
    /// hundreds of thousands of premises and most carry none of them.
    pub details: Option<Box<TariDetails>>,
}

/// The parts of a TARI row that few readers need, kept apart from [`TariPosition`] (see
/// [`TariPosition::details`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TariDetails {
    /// Staircase.
    pub staircase: Option<Box<str>>,
    /// Floor.
    pub floor: Option<Box<str>>,
    /// Reduction or exemption code.
    pub reduction: Option<Box<str>>,
}

/// The details of a position without any (what [`TariPosition::details`] reads as when `None`).
static NO_TARI_DETAILS: TariDetails = TariDetails {
    staircase: None,
    floor: None,
    reduction: None,
};

impl TariDetails {
    /// True when every part is empty.
    pub fn is_empty(&self) -> bool {
        self == &NO_TARI_DETAILS
    }

    /// The details boxed, or `None` when they are empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl TariPosition {
    /// Active on `date` (end date included).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.period.contains(date)
    }

    /// Active in year `year`.
    pub fn is_active_in_year(&self, year: i32) -> bool {
        self.period.active_in_year(year)
    }

    /// The internal number when non-empty.
    pub fn internal(&self) -> Option<&str> {
        self.internal
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Staircase, floor and reduction code (all empty when the position has none).
    pub fn details(&self) -> &TariDetails {
        self.details.as_deref().unwrap_or(&NO_TARI_DETAILS)
    }

    /// The details, to be filled (boxed on first use).
    pub fn details_mut(&mut self) -> &mut TariDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// Staircase.
    pub fn staircase(&self) -> Option<&str> {
        self.details().staircase.as_deref()
    }

    /// Floor.
    pub fn floor(&self) -> Option<&str> {
        self.details().floor.as_deref()
    }

    /// Reduction or exemption code.
    pub fn reduction(&self) -> Option<&str> {
        self.details().reduction.as_deref()
    }
}

impl Serialize for TariPosition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.details();
        TariForm {
            account_id: Cow::Borrowed(&self.account_id),
            premises_seq: self.premises_seq,
            payer: Cow::Borrowed(&self.payer),
            user_type: self.user_type,
            tariff_class: Cow::Borrowed(&self.tariff_class),
            occupants: self.occupants,
            address_text: Cow::Borrowed(&self.address_text),
            address_key: Cow::Borrowed(&self.address_key),
            staircase: Cow::Borrowed(&d.staircase),
            floor: Cow::Borrowed(&d.floor),
            internal: Cow::Borrowed(&self.internal),
            unit_keys: Cow::Borrowed(&self.unit_keys),
            declared_m2: self.declared_m2,
            period: self.period,
            reduction: Cow::Borrowed(&d.reduction),
        }
        .serialize(serializer)
    }
}

/// The serialised form of a [`TariPosition`]: the row's fields in their order.
#[derive(Serialize, Deserialize)]
#[serde(rename = "TariPosition")]
struct TariForm<'a> {
    account_id: Cow<'a, Box<str>>,
    premises_seq: u32,
    payer: Cow<'a, TaxId>,
    user_type: TariUserType,
    tariff_class: Cow<'a, Option<Box<str>>>,
    occupants: Option<u32>,
    address_text: Cow<'a, Option<Box<str>>>,
    address_key: Cow<'a, Option<AddressKey>>,
    staircase: Cow<'a, Option<Box<str>>>,
    floor: Cow<'a, Option<Box<str>>>,
    internal: Cow<'a, Option<Box<str>>>,
    unit_keys: Cow<'a, [UnitKey]>,
    declared_m2: u32,
    period: ActivePeriod,
    reduction: Cow<'a, Option<Box<str>>>,
}

impl From<TariForm<'_>> for TariPosition {
    fn from(f: TariForm<'_>) -> Self {
        Self {
            account_id: f.account_id.into_owned(),
            premises_seq: f.premises_seq,
            payer: f.payer.into_owned(),
            user_type: f.user_type,
            tariff_class: f.tariff_class.into_owned(),
            occupants: f.occupants,
            address_text: f.address_text.into_owned(),
            address_key: f.address_key.into_owned(),
            internal: f.internal.into_owned(),
            unit_keys: f.unit_keys.into_owned(),
            declared_m2: f.declared_m2,
            period: f.period,
            details: TariDetails {
                staircase: f.staircase.into_owned(),
                floor: f.floor.into_owned(),
                reduction: f.reduction.into_owned(),
            }
            .boxed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn position() -> TariPosition {
        TariPosition {
            account_id: "T-1".into(),
            premises_seq: 1,
            payer: TaxId::from_written("RSSMRA70E52F205N").unwrap(),
            user_type: TariUserType::parse("domestic").unwrap(),
            tariff_class: None,
            occupants: Some(2),
            address_text: Some("VIA DEI MILLE 12".into()),
            address_key: AddressKey::parse("F205/2040/12/").ok(),
            internal: Some("12".into()),
            unit_keys: vec![UnitKey::parse("F205//12/101/7").unwrap()],
            declared_m2: 80,
            period: ActivePeriod::new(d(2019, 4, 1), Some(d(2023, 12, 31))).unwrap(),
            details: TariDetails {
                staircase: Some("B".into()),
                floor: Some("3".into()),
                reduction: None,
            }
            .boxed(),
        }
    }

    #[test]
    fn end_date_is_inclusive() {
        let p = position();
        assert!(p.is_active_on(d(2023, 12, 31)));
        assert!(!p.is_active_on(d(2024, 1, 1)));
        assert!(p.is_active_in_year(2019) && !p.is_active_in_year(2024));
        assert_eq!(p.internal(), Some("12"));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<TariPosition>(&json).unwrap(), p);
        assert!(TariUserType::parse("business").is_err());
    }

    #[test]
    fn details_are_boxed_only_when_some_part_is_written() {
        assert_eq!(TariDetails::default().boxed(), None);
        let mut p = position();
        assert_eq!((p.staircase(), p.floor()), (Some("B"), Some("3")));
        p.details = None;
        assert_eq!(
            (p.staircase(), p.floor(), p.reduction()),
            (None, None, None)
        );
        p.details_mut().reduction = Some("R1".into());
        assert_eq!(p.reduction(), Some("R1"));
        p.details = None;
        let back: TariPosition = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back.details, None);
    }

    #[test]
    fn a_position_stays_small() {
        // the staircase, floor and reduction code are boxed (the correlation engine reads
        // none of them)
        assert!(
            size_of::<TariPosition>() <= 176,
            "{}",
            size_of::<TariPosition>()
        );
    }

    /// The serialised form of a position before its details moved out of line: the form must
    /// not change.
    #[derive(Serialize)]
    #[serde(rename = "TariPosition")]
    struct FlatPosition {
        account_id: Box<str>,
        premises_seq: u32,
        payer: TaxId,
        user_type: TariUserType,
        tariff_class: Option<Box<str>>,
        occupants: Option<u32>,
        address_text: Option<Box<str>>,
        address_key: Option<AddressKey>,
        staircase: Option<Box<str>>,
        floor: Option<Box<str>>,
        internal: Option<Box<str>>,
        unit_keys: Vec<UnitKey>,
        declared_m2: u32,
        period: ActivePeriod,
        reduction: Option<Box<str>>,
    }

    #[test]
    fn the_serialised_form_is_the_row() {
        let mut reduced = position();
        reduced.details_mut().reduction = Some("R1".into());
        reduced.tariff_class = Some("11".into());
        let mut bare = position();
        bare.details = None;
        bare.address_key = None;
        for p in [position(), reduced, bare] {
            let json = serde_json::to_string(&p).unwrap();
            let d = p.details();
            let flat = FlatPosition {
                account_id: p.account_id.clone(),
                premises_seq: p.premises_seq,
                payer: p.payer.clone(),
                user_type: p.user_type,
                tariff_class: p.tariff_class.clone(),
                occupants: p.occupants,
                address_text: p.address_text.clone(),
                address_key: p.address_key.clone(),
                staircase: d.staircase.clone(),
                floor: d.floor.clone(),
                internal: p.internal.clone(),
                unit_keys: p.unit_keys.clone(),
                declared_m2: p.declared_m2,
                period: p.period,
                reduction: d.reduction.clone(),
            };
            assert_eq!(json, serde_json::to_string(&flat).unwrap());
            let back: TariPosition = serde_json::from_str(&json).unwrap();
            assert_eq!(back, p);
        }
    }
}
