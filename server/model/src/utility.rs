//! Utility supply contracts (other-supplies.md §2): one record per contract and reference
//! year; the contract runs from `contract_start` to `contract_end` (**included**).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::ids::{AddressKey, TaxId, UnitKey};
use crate::validity::ActivePeriod;

/// Kind of utility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UtilityKind {
    /// Electricity (POD, kWh).
    Electricity,
    /// Gas (PDR, Sm³).
    Gas,
    /// Water (m³); never a signal of use in the rules.
    Water,
}

/// Holder of a contract: person or entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderType {
    /// `person`.
    Person,
    /// `entity`.
    Entity,
}

/// Declared use of the supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UseType {
    /// `household resident`.
    #[serde(rename = "household resident")]
    HouseholdResident,
    /// `household non-resident`.
    #[serde(rename = "household non-resident")]
    HouseholdNonResident,
    /// `other`.
    #[serde(rename = "other")]
    Other,
}

impl UtilityKind {
    /// Parses `electricity`, `gas` or `water`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "electricity" => Ok(Self::Electricity),
            "gas" => Ok(Self::Gas),
            "water" => Ok(Self::Water),
            _ => Err(ModelError::syntax(
                "utility",
                input,
                "expected electricity, gas or water",
            )),
        }
    }
}

impl HolderType {
    /// Parses `person` or `entity`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "person" => Ok(Self::Person),
            "entity" => Ok(Self::Entity),
            _ => Err(ModelError::syntax(
                "holder type",
                input,
                "expected person or entity",
            )),
        }
    }
}

impl UseType {
    /// Parses `household resident`, `household non-resident` or `other`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "household resident" => Ok(Self::HouseholdResident),
            "household non-resident" => Ok(Self::HouseholdNonResident),
            "other" => Ok(Self::Other),
            _ => Err(ModelError::syntax(
                "use type",
                input,
                "expected household resident, household non-resident or other",
            )),
        }
    }
}

/// One contract in one reference year (a row of `utility_supply.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UtilitySupply {
    /// Electricity, gas or water.
    pub utility: UtilityKind,
    /// POD, PDR or water-meter id.
    pub supply_point: Box<str>,
    /// Contract holder's code as written.
    pub holder: Option<TaxId>,
    /// Person or entity.
    pub holder_type: HolderType,
    /// Declared use.
    pub use_type: UseType,
    /// Supply address as free text (staircase and internal only appear here).
    pub address_text: Option<Box<str>>,
    /// Address key, when the address could be coded (often empty).
    pub address_key: Option<AddressKey>,
    /// Unit key built from the declared cadastral identifiers.
    pub unit_key: Option<UnitKey>,
    /// Contract period: `last` = `contract_end`, included.
    pub contract: ActivePeriod,
    /// Reference year of the communication.
    pub year: i32,
    /// Consumption billed in `year` (kWh, Sm³ or m³).
    pub billed_consumption: Option<f64>,
    /// Amount billed in `year`, euro.
    pub billed_amount: Option<f64>,
}

impl UtilitySupply {
    /// Contract active on `date` (end included).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.contract.contains(date)
    }

    /// Contract active in year `year`.
    pub fn is_active_in_year(&self, year: i32) -> bool {
        self.contract.active_in_year(year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_enumerations_and_periods() {
        assert_eq!(UtilityKind::parse("gas").unwrap(), UtilityKind::Gas);
        assert_eq!(HolderType::parse("entity").unwrap(), HolderType::Entity);
        assert_eq!(
            UseType::parse("household non-resident").unwrap(),
            UseType::HouseholdNonResident
        );
        assert!(UtilityKind::parse("telephone").is_err());
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let s = UtilitySupply {
            utility: UtilityKind::Electricity,
            supply_point: "IT001E12345678".into(),
            holder: TaxId::from_written("RSSMRA70E52F205N").ok(),
            holder_type: HolderType::Person,
            use_type: UseType::HouseholdResident,
            address_text: Some("VIA DEI MILLE 12 SC. B INT. 12".into()),
            address_key: None,
            unit_key: None,
            contract: ActivePeriod::new(d(2018, 1, 1), Some(d(2021, 3, 31))).unwrap(),
            year: 2021,
            billed_consumption: Some(350.0),
            billed_amount: Some(80.5),
        };
        assert!(s.is_active_on(d(2021, 3, 31)) && !s.is_active_on(d(2021, 4, 1)));
        assert!(s.is_active_in_year(2021) && !s.is_active_in_year(2022));
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""use_type":"household resident""#));
        assert_eq!(serde_json::from_str::<UtilitySupply>(&json).unwrap(), s);
    }
}
