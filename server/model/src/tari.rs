//! TARI (waste tax) positions (other-supplies.md §9): one record per premises of an account,
//! with payer, surfaces, the units covered and the occupation period (last day **included**).

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Staircase.
    pub staircase: Option<Box<str>>,
    /// Floor.
    pub floor: Option<Box<str>>,
    /// Internal number.
    pub internal: Option<Box<str>>,
    /// Every unit the premises cover (a stapled unit may appear with its aliases).
    pub unit_keys: Vec<UnitKey>,
    /// Declared taxable surface in m².
    pub declared_m2: u32,
    /// Occupation period: `last` = `end_date`, included.
    pub period: ActivePeriod,
    /// Reduction or exemption code.
    pub reduction: Option<Box<str>>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn end_date_is_inclusive() {
        let p = TariPosition {
            account_id: "T-1".into(),
            premises_seq: 1,
            payer: TaxId::from_written("RSSMRA70E52F205N").unwrap(),
            user_type: TariUserType::parse("domestic").unwrap(),
            tariff_class: None,
            occupants: Some(2),
            address_text: Some("VIA DEI MILLE 12".into()),
            address_key: AddressKey::parse("F205/2040/12/").ok(),
            staircase: Some("B".into()),
            floor: Some("3".into()),
            internal: Some("12".into()),
            unit_keys: vec![UnitKey::parse("F205//12/101/7").unwrap()],
            declared_m2: 80,
            period: ActivePeriod::new(d(2019, 4, 1), Some(d(2023, 12, 31))).unwrap(),
            reduction: None,
        };
        assert!(p.is_active_on(d(2023, 12, 31)));
        assert!(!p.is_active_on(d(2024, 1, 1)));
        assert!(p.is_active_in_year(2019) && !p.is_active_in_year(2024));
        assert_eq!(p.internal(), Some("12"));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<TariPosition>(&json).unwrap(), p);
        assert!(TariUserType::parse("business").is_err());
    }
}
