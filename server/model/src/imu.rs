//! IMU declarations and F24 payments (other-supplies.md §5): a declaration ([`ImuDeclaration`],
//! record B) lists declared properties ([`ImuPosition`], the blocks of records D); an
//! [`F24Payment`] is one F24 line.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::category::Category;
use crate::ids::{Belfiore, Sex, TaxId, UnitKey};

/// Characteristic of a declared property (record D field 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImuCharacteristic {
    /// 1: land.
    Land,
    /// 2: building land.
    BuildingLand,
    /// 3: building valued by rent.
    BuildingByRent,
    /// 4: building valued by book value.
    BuildingByBookValue,
    /// 5: main residence (a claim of main residence for the unit).
    MainResidence,
    /// 6: appurtenance.
    Appurtenance,
    /// 7: builder's stock.
    BuildersStock,
}

impl ImuCharacteristic {
    /// Reads the numeric code (`005` = main residence).
    pub fn from_code(code: u8) -> Result<Self, ModelError> {
        Ok(match code {
            1 => Self::Land,
            2 => Self::BuildingLand,
            3 => Self::BuildingByRent,
            4 => Self::BuildingByBookValue,
            5 => Self::MainResidence,
            6 => Self::Appurtenance,
            7 => Self::BuildersStock,
            _ => {
                return Err(ModelError::syntax(
                    "IMU characteristic",
                    &code.to_string(),
                    "expected 1 to 7",
                ));
            }
        })
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            Self::Land => 1,
            Self::BuildingLand => 2,
            Self::BuildingByRent => 3,
            Self::BuildingByBookValue => 4,
            Self::MainResidence => 5,
            Self::Appurtenance => 6,
            Self::BuildersStock => 7,
        }
    }
}

/// Cadastre of the declared property (field 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImuCadastre {
    /// `U`: buildings (urban) cadastre.
    #[serde(rename = "U")]
    Urban,
    /// `T`: land cadastre.
    #[serde(rename = "T")]
    Land,
}

/// Reduction code (field 26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImuReduction {
    /// 0: none.
    None,
    /// 1: historic building.
    Historic,
    /// 2: unfit or uninhabitable.
    Unfit,
    /// 3: free loan (*comodato*, base × 50 %).
    FreeLoan,
    /// 4: non-resident pensioner.
    NonResidentPensioner,
    /// 5: other.
    Other,
}

impl ImuReduction {
    /// Reads the one-digit code.
    pub fn from_code(code: u8) -> Result<Self, ModelError> {
        Ok(match code {
            0 => Self::None,
            1 => Self::Historic,
            2 => Self::Unfit,
            3 => Self::FreeLoan,
            4 => Self::NonResidentPensioner,
            5 => Self::Other,
            _ => {
                return Err(ModelError::syntax(
                    "IMU reduction",
                    &code.to_string(),
                    "expected 0 to 5",
                ));
            }
        })
    }
}

/// Exemption code (field 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImuExemption {
    /// 0: none.
    None,
    /// 1: occupied illegally.
    OccupiedIllegally,
    /// 2: State-aid framework.
    StateAid,
    /// 3: other.
    Other,
}

impl ImuExemption {
    /// Reads the one-digit code.
    pub fn from_code(code: u8) -> Result<Self, ModelError> {
        Ok(match code {
            0 => Self::None,
            1 => Self::OccupiedIllegally,
            2 => Self::StateAid,
            3 => Self::Other,
            _ => {
                return Err(ModelError::syntax(
                    "IMU exemption",
                    &code.to_string(),
                    "expected 0 to 3",
                ));
            }
        })
    }
}

/// Assimilation to main residence (field 25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImuAssimilation {
    /// 0: not assimilated.
    None,
    /// 1: social housing.
    SocialHousing,
    /// 2: service housing.
    ServiceHousing,
}

/// Start (`I`) or end (`T`) of a relief (field 33).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReliefMark {
    /// `I`: start.
    #[serde(rename = "I")]
    Start,
    /// `T`: end; the declaration stops the earlier one for that unit.
    #[serde(rename = "T")]
    End,
}

/// One declared property (a block of a record D).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImuPosition {
    /// Order number (field 6).
    pub order: u32,
    /// Position of the property in the declaration (field 7).
    pub property_progressive: u32,
    /// Characteristic (field 9).
    pub characteristic: ImuCharacteristic,
    /// Address as text (field 10).
    pub address_text: Option<String>,
    /// Buildings or land cadastre (field 11).
    pub cadastre: ImuCadastre,
    /// Cadastral identifier from fields 12–16 in unit-key form (no subalterno for land);
    /// `None` when the property has no identifiers yet.
    pub property: Option<UnitKey>,
    /// Category (field 17, buildings).
    pub category: Option<Category>,
    /// Land quality as written (field 17, land).
    pub land_quality: Option<String>,
    /// Class (field 18).
    pub class: Option<String>,
    /// Registration protocol, when no cadastral identifiers yet (field 19).
    pub registration_protocol: Option<String>,
    /// Year of that registration (field 20).
    pub registration_year: Option<u16>,
    /// Taxable base in whole euro (field 21).
    pub taxable_base_eur: u64,
    /// Percentage of possession, 0–100 (fields 22–23).
    pub possession_percent: f64,
    /// Main-residence deduction in euro (field 24).
    pub deduction_eur: f64,
    /// Assimilation to main residence (field 25).
    pub assimilation: ImuAssimilation,
    /// Reduction (field 26).
    pub reduction: ImuReduction,
    /// Exemption (field 27).
    pub exemption: ImuExemption,
    /// Acquisition check box (field 28).
    pub acquisition: bool,
    /// Transfer check box (field 29).
    pub transfer: bool,
    /// Other-change check box (field 30).
    pub other_change: bool,
    /// Start/end date of possession or change (field 32).
    pub change_date: Option<NaiveDate>,
    /// Start or end of a relief (field 33).
    pub relief: Option<ReliefMark>,
}

impl ImuPosition {
    /// True for a claim of main residence (characteristic 5).
    pub fn claims_main_residence(&self) -> bool {
        self.characteristic == ImuCharacteristic::MainResidence
    }
}

/// An IMU declaration: declarant and tax period (record B) with its properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImuDeclaration {
    /// Declarant's code as written.
    pub declarant: TaxId,
    /// Ordinal of the record B in the file (the module progressive of its records D).
    pub ordinal: u32,
    /// Year of filing (field 6).
    pub declaration_year: i32,
    /// Tax period (field 7): the declaration is effective from this year on.
    pub tax_period: i32,
    /// Municipality (field 8).
    pub belfiore: Belfiore,
    /// Surname or company name (field 14).
    pub surname_or_name: String,
    /// Given name (field 15), blank for legal entities.
    pub given_name: Option<String>,
    /// Birth date (field 16).
    pub birth_date: Option<NaiveDate>,
    /// Sex (field 17).
    pub sex: Option<Sex>,
    /// Declared properties.
    pub positions: Vec<ImuPosition>,
}

impl ImuDeclaration {
    /// Persistence (c. 769): a declaration is considered for every year from its tax period
    /// on, until a later one of the same declarant for the same unit changes it.
    pub fn applies_to_year(&self, year: i32) -> bool {
        self.tax_period <= year
    }
}

/// Instalment of an F24 line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instalment {
    /// `acconto`: first instalment.
    Acconto,
    /// `saldo`: balance.
    Saldo,
    /// `unica`: single payment.
    Unica,
}

impl Instalment {
    /// Parses `acconto`, `saldo` or `unica`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "acconto" => Ok(Self::Acconto),
            "saldo" => Ok(Self::Saldo),
            "unica" => Ok(Self::Unica),
            _ => Err(ModelError::syntax(
                "instalment",
                input,
                "expected acconto, saldo or unica",
            )),
        }
    }
}

/// One F24 IMU line (a row of `f24_imu.csv`). It counts for `tax_year` whatever its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct F24Payment {
    /// Unique id of the line.
    pub payment_id: String,
    /// Payer's code as written.
    pub payer: TaxId,
    /// Date of payment.
    pub payment_date: NaiveDate,
    /// Year the payment refers to.
    pub tax_year: i32,
    /// Municipality paid.
    pub belfiore: Belfiore,
    /// 4-digit IMU tax code (3912…3939).
    pub tax_code: String,
    /// Euro paid.
    pub amount_eur: f64,
    /// Instalment.
    pub instalment: Instalment,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for c in 1..=7 {
            assert_eq!(ImuCharacteristic::from_code(c).unwrap().code(), c);
        }
        assert!(ImuCharacteristic::from_code(0).is_err());
        assert_eq!(ImuReduction::from_code(3).unwrap(), ImuReduction::FreeLoan);
        assert!(ImuReduction::from_code(6).is_err());
        assert_eq!(ImuExemption::from_code(0).unwrap(), ImuExemption::None);
        assert!(ImuExemption::from_code(4).is_err());
        assert_eq!(Instalment::parse("saldo").unwrap(), Instalment::Saldo);
        assert!(Instalment::parse("rata").is_err());
    }

    #[test]
    fn declaration_persistence_and_main_residence() {
        let position = ImuPosition {
            order: 1,
            property_progressive: 1,
            characteristic: ImuCharacteristic::from_code(5).unwrap(),
            address_text: Some("VIA DEI MILLE 12".into()),
            cadastre: ImuCadastre::Urban,
            property: UnitKey::parse("F205//12/101/7").ok(),
            category: Category::parse("A/2").ok(),
            land_quality: None,
            class: Some("03".into()),
            registration_protocol: None,
            registration_year: None,
            taxable_base_eur: 173_529,
            possession_percent: 50.0,
            deduction_eur: 0.0,
            assimilation: ImuAssimilation::None,
            reduction: ImuReduction::None,
            exemption: ImuExemption::None,
            acquisition: true,
            transfer: false,
            other_change: false,
            change_date: NaiveDate::from_ymd_opt(2019, 3, 15),
            relief: None,
        };
        let decl = ImuDeclaration {
            declarant: TaxId::from_written("RSSMRA70E52F205N").unwrap(),
            ordinal: 1,
            declaration_year: 2020,
            tax_period: 2019,
            belfiore: Belfiore::parse("F205").unwrap(),
            surname_or_name: "ROSSI".into(),
            given_name: Some("MARIA".into()),
            birth_date: NaiveDate::from_ymd_opt(1970, 5, 12),
            sex: Some(Sex::Female),
            positions: vec![position],
        };
        assert!(decl.applies_to_year(2019) && decl.applies_to_year(2025));
        assert!(!decl.applies_to_year(2018));
        assert!(decl.positions[0].claims_main_residence());
        let json = serde_json::to_string(&decl).unwrap();
        assert_eq!(serde_json::from_str::<ImuDeclaration>(&json).unwrap(), decl);
    }
}
