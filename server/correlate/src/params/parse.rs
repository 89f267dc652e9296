//! Reading the parameter file's sections with precise, key-named errors.

use segit_model::{Category, CategoryGroup};
use serde_json::{Map, Value};

use super::{ImuParams, MicrozoneWeights, ParamsError, RuleParams, TariParams};

pub(super) fn read_imu(r: &Reader<'_>, imu: &mut ImuParams) -> Result<(), ParamsError> {
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

pub(super) fn read_tari(r: &Reader<'_>, tari: &mut TariParams) -> Result<(), ParamsError> {
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

pub(super) fn read_rules(r: &Reader<'_>, p: &mut RuleParams) -> Result<(), ParamsError> {
    if let Some(x) = r.object("R01")? {
        x.non_negative("min_area_m2", &mut p.r01_min_area_m2)?;
        x.fraction("min_overlap_share", &mut p.r01_min_overlap_share)?;
    }
    if let Some(x) = r.object("R05")? {
        x.non_negative("ratio_min", &mut p.r05_ratio_min)?;
    }
    if let Some(x) = r.object("R10")? {
        x.fraction("p_low", &mut p.r10_p_low)?;
        x.fraction("k", &mut p.r10_k)?;
    }
    if let Some(x) = r.object("R27")? {
        x.fraction("k", &mut p.r27_k)?;
    }
    if let Some(x) = r.object("R28")? {
        x.fraction("k", &mut p.r28_k)?;
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
    if let Some(x) = r.object("R25")?
        && let Some(n) = x.int("protocol_max_years", 0, 100)?
    {
        p.r25_protocol_max_years = n as i32;
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
pub(super) struct Reader<'a> {
    pub(super) obj: &'a Map<String, Value>,
    pub(super) path: String,
}

impl<'a> Reader<'a> {
    pub(super) fn key(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    pub(super) fn object(&self, name: &str) -> Result<Option<Reader<'a>>, ParamsError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(Reader {
                obj: o,
                path: self.key(name),
            })),
            Some(other) => Err(type_err(&self.key(name), "an object", other)),
        }
    }

    pub(super) fn string(&self, name: &str) -> Result<Option<String>, ParamsError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(type_err(&self.key(name), "a string", other)),
        }
    }

    pub(super) fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ParamsError> {
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

pub(super) fn invalid(key: &str, value: &str, reason: &'static str) -> ParamsError {
    ParamsError::Invalid {
        key: key.to_owned(),
        value: value.to_owned(),
        reason,
    }
}
