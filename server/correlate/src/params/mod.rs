//! Run parameters: municipal rates and rule thresholds (rules-catalogue.md §0 "Parameter
//! file"). One JSON object per municipality and tax year (`rates.json`); a missing key takes
//! the reference's default, unknown keys are ignored, a key present with a wrong type or an
//! out-of-range value is a precise [`ParamsError`] naming the key.
//!
//! Keys beyond the catalogue's table (all optional, documented on their fields):
//! `tari.domestic_variable_eur_by_occupants`, `rules.R05.ratio_min`, `rules.R10.p_low`,
//! `rules.R10.k`, `rules.R27.k`, `rules.R28.k`, `rules.R24.succession_days`,
//! `rules.R25.protocol_max_years`, `rules.R26.weights`, `rules.R26.excluded_microzones`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use segit_model::{Belfiore, Category};
use serde_json::Value;

use parse::{Reader, invalid, read_imu, read_rules, read_tari};

mod parse;
#[cfg(test)]
mod tests;

/// Why a parameter file was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamsError {
    /// Not JSON, or not a JSON object.
    #[error("parameter file: {0}")]
    Syntax(String),
    /// A key with a value of the wrong type.
    #[error("parameter {key}: expected {expected}, found {found}")]
    Type {
        /// Dotted key (`imu.rate_other_buildings`).
        key: String,
        /// What the key takes.
        expected: &'static str,
        /// The JSON value found.
        found: String,
    },
    /// A value outside its range, or an invalid code.
    #[error("parameter {key}: {value} {reason}")]
    Invalid {
        /// Dotted key.
        key: String,
        /// The value as written.
        value: String,
        /// Why it is invalid.
        reason: &'static str,
    },
}

/// F24 tax codes of the IMU objects (fiscal-rules.md §1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxCodes {
    /// A/1, A/8, A/9 main residence and appurtenances (3912).
    pub main_residence_luxury: String,
    /// Rural instrumental buildings (3913).
    pub rural_instrumental: String,
    /// Agricultural land (3914).
    pub agricultural_land: String,
    /// Building land (3916).
    pub building_land: String,
    /// Other buildings (3918).
    pub other_buildings: String,
    /// Group D, State share (3925).
    pub group_d_state: String,
    /// Group D, municipal increase (3930).
    pub group_d_comune: String,
}

impl Default for TaxCodes {
    fn default() -> Self {
        Self {
            main_residence_luxury: "3912".into(),
            rural_instrumental: "3913".into(),
            agricultural_land: "3914".into(),
            building_land: "3916".into(),
            other_buildings: "3918".into(),
            group_d_state: "3925".into(),
            group_d_comune: "3930".into(),
        }
    }
}

/// IMU parameters (`imu.*`), rates as fractions.
#[derive(Debug, Clone, PartialEq)]
pub struct ImuParams {
    /// Ordinary rate (0.0086).
    pub rate_other_buildings: f64,
    /// Total rate on group D (0.0086).
    pub rate_group_d_total: f64,
    /// State part of the group-D rate (0.0076).
    pub rate_group_d_state_share: f64,
    /// A/1, A/8, A/9 main-residence rate (0.005).
    pub rate_main_residence_luxury: f64,
    /// Yearly deduction of a luxury main residence (200).
    pub deduction_main_residence_luxury_eur: f64,
    /// Rural instrumental buildings, D/10 (0.001).
    pub rate_rural_instrumental: f64,
    /// Agricultural land (0.0076).
    pub rate_agricultural_land: f64,
    /// Tax factor of a regulated-rent lease (0.75).
    pub regulated_rent_factor: f64,
    /// Base factor of a free loan to a relative (0.5).
    pub free_loan_base_factor: f64,
    /// Revaluation of building rents (1.05).
    pub revaluation_buildings: f64,
    /// Revaluation of the reddito dominicale (1.25).
    pub revaluation_land: f64,
    /// Multiplier of agricultural land (135).
    pub multiplier_land: f64,
    /// Multipliers overriding the law's: group letter or census category → multiplier.
    pub multipliers: BTreeMap<String, f64>,
    /// Minimum payable yearly amount (12).
    pub min_payable_eur: f64,
    /// F24 tax codes.
    pub tax_codes: TaxCodes,
}

impl Default for ImuParams {
    fn default() -> Self {
        Self {
            rate_other_buildings: 0.0086,
            rate_group_d_total: 0.0086,
            rate_group_d_state_share: 0.0076,
            rate_main_residence_luxury: 0.005,
            deduction_main_residence_luxury_eur: 200.0,
            rate_rural_instrumental: 0.001,
            rate_agricultural_land: 0.0076,
            regulated_rent_factor: 0.75,
            free_loan_base_factor: 0.5,
            revaluation_buildings: 1.05,
            revaluation_land: 1.25,
            multiplier_land: 135.0,
            multipliers: BTreeMap::new(),
            min_payable_eur: 12.0,
            tax_codes: TaxCodes::default(),
        }
    }
}

impl ImuParams {
    /// Multiplier of a category: a configured category key (`A10`) wins over a configured
    /// group key (`A`), which wins over the law's value (c. 745). `None` for groups E and F.
    pub fn multiplier(&self, category: Category) -> Option<f64> {
        if let Some(m) = self.multipliers.get(&category.census_code()) {
            return Some(*m);
        }
        category.imu_multiplier()?;
        let group = category.group().letter().to_string();
        self.multipliers
            .get(&group)
            .copied()
            .or_else(|| category.imu_multiplier().map(f64::from))
    }
}

/// TARI parameters (`tari.*`).
#[derive(Debug, Clone, PartialEq)]
pub struct TariParams {
    /// Domestic tariff per m² (no default: gaps are not computed without it).
    pub domestic_fixed_eur_per_m2: Option<f64>,
    /// Non-domestic tariff per m² by tariff class.
    pub non_domestic_eur_per_m2: BTreeMap<String, f64>,
    /// Share of the cadastral surface of c. 646 (0.80).
    pub surface_share_c646: f64,
    /// Extension key `tari.domestic_variable_eur_by_occupants`: yearly variable part of a
    /// household by number of occupants (element 0 = one occupant); the last element applies
    /// to larger households. Empty: R13 gaps are not computed.
    pub domestic_variable_eur_by_occupants: Vec<f64>,
}

impl Default for TariParams {
    fn default() -> Self {
        Self {
            domestic_fixed_eur_per_m2: None,
            non_domestic_eur_per_m2: BTreeMap::new(),
            surface_share_c646: 0.8,
            domestic_variable_eur_by_occupants: Vec::new(),
        }
    }
}

impl TariParams {
    /// Tariff per m² of a premises: its class's non-domestic tariff, else the domestic one.
    pub fn tariff_per_m2(&self, tariff_class: Option<&str>) -> Option<f64> {
        tariff_class
            .and_then(|c| self.non_domestic_eur_per_m2.get(c.trim()))
            .copied()
            .or(self.domestic_fixed_eur_per_m2)
    }

    /// Yearly variable part of a household of `occupants` persons, when configured.
    pub fn variable_part(&self, occupants: u32) -> Option<f64> {
        if occupants == 0 {
            return Some(0.0);
        }
        let idx = (occupants as usize - 1).min(
            self.domestic_variable_eur_by_occupants
                .len()
                .checked_sub(1)?,
        );
        self.domestic_variable_eur_by_occupants.get(idx).copied()
    }
}

/// Weights of the c. 335 ratio (`rules.R26.weights`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicrozoneWeights {
    /// Total cadastral surface of the reference stock (default).
    Surface,
    /// Number of units of the reference stock.
    Units,
}

/// Rule thresholds (`rules.*`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleParams {
    /// R01 minimum footprint area, m² (8).
    pub r01_min_area_m2: f64,
    /// R01 minimum share of the footprint inside the parcel (0.5).
    pub r01_min_overlap_share: f64,
    /// R05 minimum ratio of declared surface to gross floor area (0.6, catalogue R05).
    pub r05_ratio_min: f64,
    /// R04 maximum age of an F/6 state, days (180).
    pub r04_f6_max_days: i64,
    /// R07/R08 electricity threshold, kWh (300).
    pub r07_cons_min_electricity_kwh: f64,
    /// R07/R08 gas threshold, Sm³ (100).
    pub r07_cons_min_gas_smc: f64,
    /// R08 maximum age of F/3, years (3).
    pub r08_f3_max_years: u32,
    /// R08 maximum age of F/4, months (12).
    pub r08_f4_max_months: u32,
    /// R10 low percentile of rent per m² (0.05, catalogue R10).
    pub r10_p_low: f64,
    /// R10 share of the median rent per m² (0.5, catalogue R10).
    pub r10_k: f64,
    /// R27 share of the OMI minimum value (0.7, catalogue R27).
    pub r27_k: f64,
    /// R28 share of the OMI minimum rent (0.5, catalogue R28).
    pub r28_k: f64,
    /// R12 grace period, days (90).
    pub r12_grace_days: i64,
    /// R14 absolute tolerance, m² (2).
    pub r14_tol_m2: f64,
    /// R14 relative tolerance (0.03).
    pub r14_tol_share: f64,
    /// R15 electricity threshold, kWh (300).
    pub r15_cons_min_electricity_kwh: f64,
    /// R15 gas threshold, Sm³ (100).
    pub r15_cons_min_gas_smc: f64,
    /// R18 minimum gap, € (12).
    pub r18_min_gap_eur: f64,
    /// R18 relative tolerance (0.02).
    pub r18_tolerance_share: f64,
    /// R24 days after death without transfer (365, catalogue `succession_days`).
    pub r24_succession_days: i64,
    /// R25 years a declaration may carry only a registration protocol (2, design choice).
    pub r25_protocol_max_years: i32,
    /// R26 deviation threshold (0.35).
    pub r26_threshold: f64,
    /// R26 minimum number of participating microzones (3).
    pub r26_min_microzones: usize,
    /// R26 weights (surface).
    pub r26_weights: MicrozoneWeights,
    /// R26 microzones excluded as industrial or rural (besides the automatic exclusions).
    pub r26_excluded_microzones: Vec<u32>,
}

impl Default for RuleParams {
    fn default() -> Self {
        Self {
            r01_min_area_m2: 8.0,
            r01_min_overlap_share: 0.5,
            r04_f6_max_days: 180,
            r05_ratio_min: 0.6,
            r10_p_low: 0.05,
            r10_k: 0.5,
            r27_k: 0.7,
            r28_k: 0.5,
            r07_cons_min_electricity_kwh: 300.0,
            r07_cons_min_gas_smc: 100.0,
            r08_f3_max_years: 3,
            r08_f4_max_months: 12,
            r12_grace_days: 90,
            r14_tol_m2: 2.0,
            r14_tol_share: 0.03,
            r15_cons_min_electricity_kwh: 300.0,
            r15_cons_min_gas_smc: 100.0,
            r18_min_gap_eur: 12.0,
            r18_tolerance_share: 0.02,
            r24_succession_days: 365,
            r25_protocol_max_years: 2,
            r26_threshold: 0.35,
            r26_min_microzones: 3,
            r26_weights: MicrozoneWeights::Surface,
            r26_excluded_microzones: Vec::new(),
        }
    }
}

/// The parameters of one run: municipality, tax year, as-of date, IMU, TARI and rules.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    /// Municipality (Belfiore) the rates belong to.
    pub comune: Option<Belfiore>,
    /// Tax year Y; `None`: the year of the as-of date.
    pub tax_year: Option<i32>,
    /// As-of date D, when fixed by the file.
    pub as_of_date: Option<NaiveDate>,
    /// IMU rates.
    pub imu: ImuParams,
    /// TARI tariffs.
    pub tari: TariParams,
    /// Rule thresholds.
    pub rules: RuleParams,
}

impl Params {
    /// The tax year of a run evaluated on `as_of`: the configured year, else the year of D.
    pub fn tax_year_for(&self, as_of: NaiveDate) -> i32 {
        self.tax_year.unwrap_or_else(|| as_of.year())
    }

    /// Parses a parameter file.
    pub fn from_json_str(text: &str) -> Result<Self, ParamsError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ParamsError::Syntax(e.to_string()))?;
        let Value::Object(root) = value else {
            return Err(ParamsError::Syntax("expected a JSON object".into()));
        };
        let mut p = Self::default();
        let r = Reader {
            obj: &root,
            path: String::new(),
        };
        if let Some(s) = r.string("comune")? {
            p.comune = Some(
                Belfiore::parse(&s).map_err(|_| invalid("comune", &s, "is not a Belfiore code"))?,
            );
        }
        if let Some(y) = r.int("tax_year", 1900, 2200)? {
            p.tax_year = Some(y as i32);
        }
        if let Some(s) = r.string("as_of_date")? {
            p.as_of_date = Some(
                s.parse()
                    .map_err(|_| invalid("as_of_date", &s, "is not an ISO date (YYYY-MM-DD)"))?,
            );
        }
        if let Some(imu) = r.object("imu")? {
            read_imu(&imu, &mut p.imu)?;
        }
        if let Some(tari) = r.object("tari")? {
            read_tari(&tari, &mut p.tari)?;
        }
        if let Some(rules) = r.object("rules")? {
            read_rules(&rules, &mut p.rules)?;
        }
        Ok(p)
    }
}
