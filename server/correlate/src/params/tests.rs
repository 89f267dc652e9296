//! Tests of the parameter file.

use super::*;

#[test]
fn empty_object_gives_the_reference_defaults() {
    let p = Params::from_json_str("{}").unwrap();
    assert_eq!(p, Params::default());
    assert!((p.imu.rate_other_buildings - 0.0086).abs() < 1e-12);
    assert!((p.tari.surface_share_c646 - 0.8).abs() < 1e-12);
    assert!((p.rules.r26_threshold - 0.35).abs() < 1e-12);
    assert_eq!(p.rules.r04_f6_max_days, 180);
    assert_eq!(p.imu.tax_codes.group_d_state, "3925");
    assert_eq!(
        p.tax_year_for(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
        2025
    );
}

#[test]
fn full_file_overrides_and_ignores_unknown_keys() {
    let text = r#"{
        "comune": "F205", "tax_year": 2024, "as_of_date": "2025-01-01", "unknown": [1, 2],
        "imu": {"rate_other_buildings": 0.0106, "multipliers": {"A": 150, "a10": 70, "C01": 50},
                "tax_codes": {"other_buildings": "3918"}, "min_payable_eur": 10, "f_category_units": "note"},
        "tari": {"domestic_fixed_eur_per_m2": 1.9, "non_domestic_eur_per_m2": {"12": 4.5}, "surface_share_c646": 0.8,
                 "domestic_variable_eur_by_occupants": [60, 110]},
        "rules": {"R01": {"min_area_m2": 10}, "R08": {"f3_max_years": 5}, "R14": {"tol_m2": 3, "tol_share": 0.05},
                  "R26": {"weights": "units", "excluded_microzones": [4]}, "R99": {"x": 1}}
    }"#;
    let p = Params::from_json_str(text).unwrap();
    assert_eq!(p.comune.unwrap().to_string(), "F205");
    assert_eq!(
        p.tax_year_for(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
        2024
    );
    assert_eq!(
        p.imu.multiplier(Category::parse("A03").unwrap()),
        Some(150.0)
    );
    assert_eq!(
        p.imu.multiplier(Category::parse("A10").unwrap()),
        Some(70.0)
    );
    assert_eq!(
        p.imu.multiplier(Category::parse("C02").unwrap()),
        Some(160.0)
    );
    assert_eq!(p.imu.multiplier(Category::parse("E01").unwrap()), None);
    assert_eq!(p.tari.tariff_per_m2(Some("12")), Some(4.5));
    assert_eq!(p.tari.tariff_per_m2(Some("99")), Some(1.9));
    assert_eq!(p.tari.variable_part(5), Some(110.0));
    assert_eq!(p.rules.r08_f3_max_years, 5);
    assert_eq!(p.rules.r26_weights, MicrozoneWeights::Units);
    assert_eq!(p.rules.r26_excluded_microzones, [4]);
}

#[test]
fn precise_errors() {
    let err = |t: &str| Params::from_json_str(t).unwrap_err().to_string();
    assert_eq!(
        err(r#"{"imu": {"rate_other_buildings": "0.86%"}}"#),
        r#"parameter imu.rate_other_buildings: expected a number, found "0.86%""#
    );
    assert_eq!(
        err(r#"{"imu": {"rate_other_buildings": 1.06}}"#),
        "parameter imu.rate_other_buildings: 1.06 is not a fraction in 0..=1"
    );
    assert_eq!(
        err(r#"{"rules": {"R14": {"tol_m2": -1}}}"#),
        "parameter rules.R14.tol_m2: -1 must not be negative"
    );
    assert_eq!(
        err(r#"{"imu": {"multipliers": {"A99": 1}}}"#),
        "parameter imu.multipliers.A99: A99 is neither a category group nor a category (A, A10, C01…)"
    );
    assert_eq!(
        err(r#"{"as_of_date": "01/01/2025"}"#),
        "parameter as_of_date: 01/01/2025 is not an ISO date (YYYY-MM-DD)"
    );
    assert_eq!(
        err(r#"{"tari": []}"#),
        "parameter tari: expected an object, found []"
    );
    assert_eq!(
        err(r#"{"rules": {"R26": {"weights": "area"}}}"#),
        "parameter rules.R26.weights: area is not one of surface, units"
    );
    assert_eq!(
        err(r#"{"imu": {"rate_group_d_total": 0.007}}"#),
        "parameter imu.rate_group_d_state_share: 0.0076 exceeds imu.rate_group_d_total"
    );
    assert!(err("[1]").contains("expected a JSON object"));
    assert!(err("{").starts_with("parameter file: "));
}
