//! Tests of the §0 links by address key + internal number (no unit key in the source), as
//! the rules see them.

use segit_model::{CadastralAddress, Confidence, Street, UtilityKind};

use crate::engine::Rule;
use crate::inputs::Inputs;
use crate::params::Params;
use crate::rules::r07_derelict_unit_in_use::R07DerelictUnitInUse;
use crate::rules::r14_tari_surface_below_c646::R14TariSurfaceBelowC646;
use crate::rules::r15_utilities_without_tari::R15UtilitiesWithoutTari;
use crate::testkit::*;

/// A unit at VIA DEI MILLE 12 (municipal street 2040), internal `internal`.
fn unit_at(n: u64, cat: &str, internal: &str) -> segit_model::Unit {
    let mut s = state(
        &[&format!("F205//12/101/{n}")],
        Some(cat),
        d(2000, 1, 1),
        None,
    );
    s.internal = Some(internal.into());
    s.addresses = vec![CadastralAddress {
        toponimo: Some(236),
        street_name: "DEI MILLE".into(),
        civico1: Some("000012".into()),
        civico2: None,
        civico3: None,
        street_code: Some("05432".into()),
    }];
    unit(n, vec![s])
}

fn base() -> crate::inputs::InputData {
    let mut data = all_sources();
    data.streets = Some(vec![Street {
        street_code: 2040,
        dug: "VIA".into(),
        duf: "DEI MILLE".into(),
        full_name: "VIA DEI MILLE".into(),
        cadastral_toponimo: Some(236),
        cadastral_street_code: Some("5432".into()),
    }]);
    data
}

#[test]
fn residents_and_utilities_link_by_address_and_internal() {
    let mut data = base();
    data.units = Some(vec![unit_at(1, "F02", "3"), unit_at(2, "F02", "4")]);
    // Resident at the same address, internal 3: linked to unit 1 only (confidence 0.7).
    data.residents = Some(vec![
        resident(
            CF[0],
            "H1",
            "F205/2040/12/",
            Some(" 3 "),
            d(2020, 1, 1),
            None,
            None,
        ),
        // No internal: never linked to a unit.
        resident(
            CF[1],
            "H2",
            "F205/2040/12/",
            None,
            d(2020, 1, 1),
            None,
            None,
        ),
    ]);
    let inputs = Inputs::new(data);
    let out = R07DerelictUnitInUse
        .evaluate(&inputs, &Params::default(), d(2025, 6, 1))
        .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].object.unit_key.as_ref().unwrap().to_string(),
        "F205//12/101/1"
    );
    assert_eq!(
        out[0].match_confidence,
        Confidence::ADDRESS_KEY_WITH_INTERNAL
    );
}

#[test]
fn tari_text_address_with_internal_is_a_fallback_link() {
    let mut data = base();
    data.units = Some(vec![unit_at(1, "A02", "3")]);
    data.surfaces = Some(vec![surface("F205//12/101/1", "A02", 100, 100)]);
    let mut t = tari("T1", CF[0], &[], 50, d(2020, 1, 1), None);
    t.address_text = Some("V. DEI MILLE 12".into());
    t.internal = Some("3".into());
    data.tari = Some(vec![t]);
    let out = R14TariSurfaceBelowC646
        .evaluate(&Inputs::new(data), &Params::default(), d(2025, 1, 1))
        .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].match_confidence,
        Confidence::ADDRESS_KEY_WITH_INTERNAL
    );
}

#[test]
fn utilities_are_covered_by_tari_at_the_unit_address() {
    let mut data = base();
    data.units = Some(vec![unit_at(1, "A02", "3"), unit_at(2, "A02", "5")]);
    let mut e1 = utility(
        UtilityKind::Electricity,
        "E1",
        Some(CF[0]),
        None,
        2025,
        900.0,
    );
    e1.address_text = Some("VIA DEI MILLE 12 INT. 3".into());
    let e2 = utility(
        UtilityKind::Electricity,
        "E2",
        Some(CF[1]),
        Some("F205//12/101/2"),
        2025,
        900.0,
    );
    data.utilities = Some(vec![e1, e2].into());
    // Premises at the address of unit 2 (internal 5), recorded without unit keys.
    let mut t = tari("T2", "RSSMRA85T10A562X", &[], 50, d(2020, 1, 1), None);
    t.address_key = Some(addr("F205/2040/12/"));
    t.internal = Some("5".into());
    data.tari = Some(vec![t]);
    let out = R15UtilitiesWithoutTari
        .evaluate(&Inputs::new(data), &Params::default(), d(2025, 12, 31))
        .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].object.unit_key.as_ref().unwrap().to_string(),
        "F205//12/101/1"
    );
    assert_eq!(
        out[0].object.address_key.as_ref().unwrap().to_string(),
        "F205/2040/12/"
    );
}

#[test]
fn holdings_and_holders_of_a_unit_match_the_lookups_by_id() {
    use segit_model::PropertyKind;
    let mut data = all_sources();
    let subjects = cf_persons();
    let s = |k: &str| state(&[k], Some("A02"), d(2000, 1, 1), None);
    // Units 0 and 2 repeat property id 1 (an inconsistent supply); unit 1 has no holding.
    data.units = Some(vec![
        unit(1, vec![s("F205//12/101/1")]),
        unit(2, vec![s("F205//12/101/2")]),
        unit(1, vec![s("F205//12/101/3")]),
        unit(3, vec![s("F205//12/101/4")]),
    ]);
    let b = |p| property(p, PropertyKind::Building);
    data.holdings = Some(vec![
        holding(&subjects[0], b(3), "10", (1, 1), d(2000, 1, 1), None),
        holding(&subjects[1], b(1), "10", (1, 2), d(2000, 1, 1), None),
        holding(&subjects[2], b(1), "10", (1, 2), d(2000, 1, 1), None),
        holding(&subjects[0], b(9), "10", (1, 1), d(2000, 1, 1), None),
    ]);
    data.subjects = Some(subjects);
    let inputs = Inputs::new(data);
    let units = inputs.data.units.as_deref().unwrap();
    for (i, u) in units.iter().enumerate() {
        assert_eq!(inputs.holdings_of_unit(i), inputs.holdings_of(&u.property));
    }
    assert_eq!(inputs.holdings_of_unit(0), &[1, 2]);
    assert_eq!(inputs.holdings_of_unit(2), &[1, 2]);
    assert!(inputs.holdings_of_unit(1).is_empty());
    let holdings = inputs.data.holdings.as_deref().unwrap();
    for (i, h) in holdings.iter().enumerate() {
        assert_eq!(inputs.holding_code(i), inputs.subject_code(&h.subject));
        assert_eq!(inputs.holding_unit(i), inputs.unit_of_property(&h.property));
    }
    assert_eq!(inputs.holding_unit(1), Some(0));
    assert_eq!(inputs.holding_unit(3), None);
    // Holders by first holding: subjects 0, 1, 2; the same codes as the sorted list.
    let by_first = inputs.holder_codes_by_first_holding();
    let expected: Vec<_> = [0, 1, 2].iter().map(|&i| inputs.holding_code(i)).collect();
    assert_eq!(
        by_first.iter().map(|&c| Some(c)).collect::<Vec<_>>(),
        expected
    );
    let mut sorted = by_first.clone();
    sorted.sort();
    assert_eq!(sorted, inputs.holder_codes());
}
