//! Leases and transfer deeds (other-supplies.md §3): registered lease contracts, in force from
//! `start_date` to the earlier of `end_date` and `termination_date`, **both included**; and
//! deeds of sale, donation, succession… used as evidence (holdings come from TIT).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::category::Category;
use crate::holding::{RightCode, Share};
use crate::ids::{ParcelKey, TaxId, UnitKey};

/// Kind of lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaseType {
    /// `free_market`.
    FreeMarket,
    /// `regulated`: *canone concordato* (IMU × 75 %).
    Regulated,
    /// `transitory`.
    Transitory,
    /// `students`.
    Students,
    /// `other`.
    Other,
}

/// A landlord and the share of the let property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landlord {
    /// Code as written.
    pub cf: TaxId,
    /// Share, written `n/d`.
    pub share: Share,
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Code as written.
    pub cf: TaxId,
}

/// A let unit with its category and rent at the lease start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeasedUnit {
    /// Unit key.
    pub unit_key: UnitKey,
    /// Category in display form; `None` when written `""`.
    #[serde(with = "optional_category")]
    pub category: Option<Category>,
    /// Cadastral rent at the start date, euro.
    pub rent: Option<f64>,
}

/// A registered lease (a line of `leases.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    /// Contract id, office-series-number-year.
    pub contract_id: String,
    /// First day of the lease.
    pub start_date: NaiveDate,
    /// Last day of the contractual term (included).
    pub end_date: NaiveDate,
    /// Last day of an early termination (included).
    pub termination_date: Option<NaiveDate>,
    /// Kind of lease.
    pub lease_type: LeaseType,
    /// Yearly rent, euro.
    pub annual_rent: f64,
    /// Landlords with shares.
    pub landlords: Vec<Landlord>,
    /// Tenants.
    pub tenants: Vec<Tenant>,
    /// Let units.
    pub units: Vec<LeasedUnit>,
    /// Registration date (does not move the start).
    pub registration_date: NaiveDate,
}

impl Lease {
    /// Last day in force: the earlier of `end_date` and `termination_date`.
    pub fn last_day(&self) -> NaiveDate {
        self.termination_date
            .map_or(self.end_date, |t| t.min(self.end_date))
    }

    /// In force on `date`: `start_date ≤ date ≤ last_day`.
    pub fn is_in_force_on(&self, date: NaiveDate) -> bool {
        self.start_date <= date && date <= self.last_day()
    }

    /// In force at some day of `year`.
    pub fn is_in_force_in_year(&self, year: i32) -> bool {
        let (Some(jan1), Some(dec31)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return false;
        };
        self.start_date <= dec31 && self.last_day() >= jan1
    }
}

/// Role of a party in a transfer deed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// `seller`.
    Seller,
    /// `buyer`.
    Buyer,
}

/// A party of a transfer deed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeedParty {
    /// Code as written.
    pub cf: TaxId,
    /// Seller or buyer.
    pub role: PartyRole,
    /// TIT right code transferred (`10`).
    pub right: RightCode,
    /// Share, written `n/d`.
    pub share: Share,
}

/// A property of a transfer deed: a unit or a land parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DeedProperty {
    /// A buildings-cadastre unit, optionally with its category.
    Unit {
        /// Unit key.
        unit_key: UnitKey,
        /// Category.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<Category>,
    },
    /// A land parcel, optionally with its quality.
    Parcel {
        /// Parcel key.
        parcel_key: ParcelKey,
        /// Quality as written.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quality: Option<String>,
    },
}

/// A transfer deed (a line of `transfer_deeds.jsonl`); its effect date is `deed_date`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferDeed {
    /// Notary repertoire / registration number.
    pub deed_id: Box<str>,
    /// Date of the deed (its effect date).
    pub deed_date: NaiveDate,
    /// Registration date.
    pub registration_date: NaiveDate,
    /// `sale`, `donation`, `succession`, `division`… as written.
    pub deed_type: Box<str>,
    /// Declared price, euro.
    pub declared_price: Option<f64>,
    /// Parties.
    pub parties: Vec<DeedParty>,
    /// Properties transferred.
    pub units: Vec<DeedProperty>,
}

/// Serde for a category written in display form, `""` meaning none.
mod optional_category {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::category::Category;

    // The signature is fixed by serde's `with` attribute.
    #[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)]
    pub(super) fn serialize<S: Serializer>(c: &Option<Category>, s: S) -> Result<S::Ok, S::Error> {
        match c {
            Some(c) => s.collect_str(c),
            None => s.serialize_str(""),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Category>, D::Error> {
        let s = Option::<String>::deserialize(d)?.unwrap_or_default();
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Category::parse(&s)
                .map(Some)
                .map_err(serde::de::Error::custom)
        }
    }
}

impl LeaseType {
    /// Parses the written form (`free_market`, `regulated`, `transitory`, `students`, `other`).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "free_market" => Ok(Self::FreeMarket),
            "regulated" => Ok(Self::Regulated),
            "transitory" => Ok(Self::Transitory),
            "students" => Ok(Self::Students),
            "other" => Ok(Self::Other),
            _ => Err(ModelError::syntax(
                "lease type",
                input,
                "expected free_market, regulated, transitory, students or other",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: &str = r#"{"contract_id":"TNL-3T-001234-2019","start_date":"2019-04-01","end_date":"2023-03-31","termination_date":"2021-06-30","lease_type":"regulated","annual_rent":7200.0,"landlords":[{"cf":"RSSMRA70E52F205N","share":"1/2"},{"cf":"01234567897","share":"1/2"}],"tenants":[{"cf":"BNCLCU85C15C351H"}],"units":[{"unit_key":"F205//12/101/7","category":"A/2","rent":1032.91},{"unit_key":"F205//12/101/9","category":"","rent":null}],"registration_date":"2019-04-10"}"#;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn lease_line_round_trip_and_period() {
        let lease: Lease = serde_json::from_str(LEASE).unwrap();
        assert_eq!(lease.lease_type, LeaseType::Regulated);
        assert_eq!(lease.landlords[0].share.to_string(), "1/2");
        assert_eq!(lease.units[0].category.unwrap().to_string(), "A/2");
        assert_eq!(lease.units[1].category, None);
        assert_eq!(lease.last_day(), d(2021, 6, 30));
        assert!(lease.is_in_force_on(d(2021, 6, 30)));
        assert!(!lease.is_in_force_on(d(2021, 7, 1)));
        assert!(lease.is_in_force_in_year(2021) && !lease.is_in_force_in_year(2022));
        assert_eq!(serde_json::to_string(&lease).unwrap(), LEASE);
        assert!(LeaseType::parse("holiday").is_err());
    }

    #[test]
    fn transfer_deed_line() {
        let line = r#"{"deed_id":"REP-1234","deed_date":"2019-03-15","registration_date":"2019-03-20","deed_type":"sale","declared_price":250000.0,"parties":[{"cf":"RSSMRA70E52F205N","role":"buyer","right":"10","share":"1/2"}],"units":[{"unit_key":"F205//12/101/7","category":"A/2"},{"parcel_key":"F205_001200.102"}]}"#;
        let deed: TransferDeed = serde_json::from_str(line).unwrap();
        assert_eq!(deed.parties[0].role, PartyRole::Buyer);
        assert!(
            matches!(&deed.units[1], DeedProperty::Parcel { parcel_key, .. } if parcel_key.to_string() == "F205_001200.102")
        );
        assert_eq!(serde_json::to_string(&deed).unwrap(), line);
    }
}
