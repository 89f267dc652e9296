//! Run parameters: municipal rates and rule thresholds (rules-catalogue.md §0 "Parameter
//! file"). One JSON object per municipality and tax year (`rates.json`); a missing key takes
//! the reference's default, unknown keys are ignored, a key present with a wrong type or an
//! out-of-range value is a precise [`ParamsError`] naming the key.
//!
//! Keys beyond the catalogue's table (all optional, documented on their fields):
//! `tari.domestic_variable_eur_by_occupants`, `rules.R24.succession_days`,
//! `rules.R25.protocol_max_years`, `rules.R26.weights`, `rules.R26.excluded_microzones`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use segit_model::{Belfiore, Category, CategoryGroup};
use serde_json::{Map, Value};

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
        if category.imu_multiplier().is_none() {
            return None;
        }
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

fn read_imu(r: &Reader<'_>, imu: &mut ImuParams) -> Result<(), ParamsError> {
    for (key, slot) in [
        ("rate_other_buildings", &mut imu.rate_other_buildings),
        ("rate_group_d_total", &mut imu.rate_group_d_total),
        (
            "rate_group_d_state_share",
            &mut imu.rate_group_d_state_share,
        ),
        (
            "rate_main_residence_luxury",
            &mut imu.rate_main_residence_luxury,
        ),
        ("rate_rural_instrumental", &mut imu.rate_rural_instrumental),
        ("rate_agricultural_land", &mut imu.rate_agricultural_land),
        ("regulated_rent_factor", &mut imu.regulated_rent_factor),
        ("free_loan_base_factor", &mut imu.free_loan_base_factor),
    ] {
        r.fraction(key, slot)?;
    }
    for (key, slot) in [
        (
            "deduction_main_residence_luxury_eur",
            &mut imu.deduction_main_residence_luxury_eur,
        ),
        ("revaluation_buildings", &mut imu.revaluation_buildings),
        ("revaluation_land", &mut imu.revaluation_land),
        ("multiplier_land", &mut imu.multiplier_land),
        ("min_payable_eur", &mut imu.min_payable_eur),
    ] {
        r.non_negative(key, slot)?;
    }
    if imu.rate_group_d_state_share > imu.rate_group_d_total {
        return Err(invalid(
            &r.key("rate_group_d_state_share"),
            &imu.rate_group_d_state_share.to_string(),
            "exceeds imu.rate_group_d_total",
        ));
    }
    if let Some(m) = r.object("multipliers")? {
        for (k, v) in m.obj {
            let key = m.key(k);
            let code = k.trim().to_ascii_uppercase();
            let ok = code.len() == 1
                && CategoryGroup::ALL
                    .iter()
                    .any(|g| g.letter().to_string() == code)
                || Category::parse(&code).is_ok();
            if !ok {
                return Err(invalid(
                    &key,
                    k,
                    "is neither a category group nor a category (A, A10, C01…)",
                ));
            }
            let n = number(&key, v)?;
            if n < 0.0 {
                return Err(invalid(&key, &n.to_string(), "must not be negative"));
            }
            let code = Category::parse(&code).map_or(code, Category::census_code);
            imu.multipliers.insert(code, n);
        }
    }
    if let Some(c) = r.object("tax_codes")? {
        let t = &mut imu.tax_codes;
        for (key, slot) in [
            ("main_residence_luxury", &mut t.main_residence_luxury),
            ("rural_instrumental", &mut t.rural_instrumental),
            ("agricultural_land", &mut t.agricultural_land),
            ("building_land", &mut t.building_land),
            ("other_buildings", &mut t.other_buildings),
            ("group_d_state", &mut t.group_d_state),
            ("group_d_comune", &mut t.group_d_comune),
        ] {
            if let Some(v) = c.obj.get(key) {
                *slot = match v {
                    Value::String(s)
                        if s.trim().len() == 4 && s.trim().bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        s.trim().to_owned()
                    }
                    Value::Number(n) if n.as_u64().is_some_and(|n| (1000..10000).contains(&n)) => {
                        n.to_string()
                    }
                    other => return Err(type_err(&c.key(key), "a 4-digit F24 tax code", other)),
                };
            }
        }
    }
    Ok(())
}

fn read_tari(r: &Reader<'_>, tari: &mut TariParams) -> Result<(), ParamsError> {
    if let Some(v) = r.obj.get("domestic_fixed_eur_per_m2") {
        let key = r.key("domestic_fixed_eur_per_m2");
        let n = number(&key, v)?;
        if n < 0.0 {
            return Err(invalid(&key, &n.to_string(), "must not be negative"));
        }
        tari.domestic_fixed_eur_per_m2 = Some(n);
    }
    if let Some(m) = r.object("non_domestic_eur_per_m2")? {
        for (k, v) in m.obj {
            let key = m.key(k);
            let n = number(&key, v)?;
            if n < 0.0 {
                return Err(invalid(&key, &n.to_string(), "must not be negative"));
            }
            tari.non_domestic_eur_per_m2.insert(k.trim().to_owned(), n);
        }
    }
    r.fraction("surface_share_c646", &mut tari.surface_share_c646)?;
    if let Some(v) = r.obj.get("domestic_variable_eur_by_occupants") {
        let key = r.key("domestic_variable_eur_by_occupants");
        let Value::Array(items) = v else {
            return Err(type_err(&key, "an array of numbers", v));
        };
        tari.domestic_variable_eur_by_occupants = items
            .iter()
            .map(|i| number(&key, i))
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

fn read_rules(r: &Reader<'_>, p: &mut RuleParams) -> Result<(), ParamsError> {
    if let Some(x) = r.object("R01")? {
        x.non_negative("min_area_m2", &mut p.r01_min_area_m2)?;
        x.fraction("min_overlap_share", &mut p.r01_min_overlap_share)?;
    }
    if let Some(x) = r.object("R04")? {
        set_int(&x, "f6_max_days", &mut p.r04_f6_max_days)?;
    }
    if let Some(x) = r.object("R07")? {
        x.non_negative(
            "cons_min_electricity_kwh",
            &mut p.r07_cons_min_electricity_kwh,
        )?;
        x.non_negative("cons_min_gas_smc", &mut p.r07_cons_min_gas_smc)?;
    }
    if let Some(x) = r.object("R08")? {
        if let Some(n) = x.int("f3_max_years", 0, 100)? {
            p.r08_f3_max_years = n as u32;
        }
        if let Some(n) = x.int("f4_max_months", 0, 1200)? {
            p.r08_f4_max_months = n as u32;
        }
    }
    if let Some(x) = r.object("R12")? {
        set_int(&x, "grace_days", &mut p.r12_grace_days)?;
    }
    if let Some(x) = r.object("R14")? {
        x.non_negative("tol_m2", &mut p.r14_tol_m2)?;
        x.fraction("tol_share", &mut p.r14_tol_share)?;
    }
    if let Some(x) = r.object("R15")? {
        x.non_negative(
            "cons_min_electricity_kwh",
            &mut p.r15_cons_min_electricity_kwh,
        )?;
        x.non_negative("cons_min_gas_smc", &mut p.r15_cons_min_gas_smc)?;
    }
    if let Some(x) = r.object("R18")? {
        x.non_negative("min_gap_eur", &mut p.r18_min_gap_eur)?;
        x.fraction("tolerance_share", &mut p.r18_tolerance_share)?;
    }
    if let Some(x) = r.object("R24")? {
        set_int(&x, "succession_days", &mut p.r24_succession_days)?;
    }
    if let Some(x) = r.object("R25")? {
        if let Some(n) = x.int("protocol_max_years", 0, 100)? {
            p.r25_protocol_max_years = n as i32;
        }
    }
    if let Some(x) = r.object("R26")? {
        x.non_negative("threshold", &mut p.r26_threshold)?;
        if let Some(n) = x.int("min_microzones", 1, 10_000)? {
            p.r26_min_microzones = n as usize;
        }
        if let Some(s) = x.string("weights")? {
            p.r26_weights = match s.as_str() {
                "surface" => MicrozoneWeights::Surface,
                "units" => MicrozoneWeights::Units,
                _ => {
                    return Err(invalid(
                        &x.key("weights"),
                        &s,
                        "is not one of surface, units",
                    ));
                }
            };
        }
        if let Some(v) = x.obj.get("excluded_microzones") {
            let key = x.key("excluded_microzones");
            let Value::Array(items) = v else {
                return Err(type_err(&key, "an array of microzone numbers", v));
            };
            p.r26_excluded_microzones = items
                .iter()
                .map(|i| {
                    i.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| type_err(&key, "an array of microzone numbers", i))
                })
                .collect::<Result<_, _>>()?;
        }
    }
    Ok(())
}

fn set_int(r: &Reader<'_>, key: &str, slot: &mut i64) -> Result<(), ParamsError> {
    if let Some(n) = r.int(key, 0, 100_000)? {
        *slot = n;
    }
    Ok(())
}

/// A JSON object being read, with its dotted path for error messages.
struct Reader<'a> {
    obj: &'a Map<String, Value>,
    path: String,
}

impl<'a> Reader<'a> {
    fn key(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn object(&self, name: &str) -> Result<Option<Reader<'a>>, ParamsError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(Reader {
                obj: o,
                path: self.key(name),
            })),
            Some(other) => Err(type_err(&self.key(name), "an object", other)),
        }
    }

    fn string(&self, name: &str) -> Result<Option<String>, ParamsError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(type_err(&self.key(name), "a string", other)),
        }
    }

    fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ParamsError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                let n = v
                    .as_i64()
                    .ok_or_else(|| type_err(&self.key(name), "an integer", v))?;
                if (min..=max).contains(&n) {
                    Ok(Some(n))
                } else {
                    Err(invalid(&self.key(name), &n.to_string(), "is out of range"))
                }
            }
        }
    }

    fn fraction(&self, name: &str, slot: &mut f64) -> Result<(), ParamsError> {
        if let Some(v) = self.obj.get(name).filter(|v| !v.is_null()) {
            let key = self.key(name);
            let n = number(&key, v)?;
            if !(0.0..=1.0).contains(&n) {
                return Err(invalid(&key, &n.to_string(), "is not a fraction in 0..=1"));
            }
            *slot = n;
        }
        Ok(())
    }

    fn non_negative(&self, name: &str, slot: &mut f64) -> Result<(), ParamsError> {
        if let Some(v) = self.obj.get(name).filter(|v| !v.is_null()) {
            let key = self.key(name);
            let n = number(&key, v)?;
            if n < 0.0 {
                return Err(invalid(&key, &n.to_string(), "must not be negative"));
            }
            *slot = n;
        }
        Ok(())
    }
}

fn number(key: &str, v: &Value) -> Result<f64, ParamsError> {
    v.as_f64()
        .filter(|n| n.is_finite())
        .ok_or_else(|| type_err(key, "a number", v))
}

fn type_err(key: &str, expected: &'static str, found: &Value) -> ParamsError {
    let mut found = found.to_string();
    if found.len() > 60 {
        found.truncate(60);
        found.push('…');
    }
    ParamsError::Type {
        key: key.to_owned(),
        expected,
        found,
    }
}

fn invalid(key: &str, value: &str, reason: &'static str) -> ParamsError {
    ParamsError::Invalid {
        key: key.to_owned(),
        value: value.to_owned(),
        reason,
    }
}
