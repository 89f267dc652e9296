//! Tests of [`crate::imu_due`] on small composed holdings.

use segit_model::PropertyKind;

use crate::imu_due::{holder_due, unit_tax_without_exemption};
use crate::inputs::Inputs;
use crate::params::Params;
use crate::testkit::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// Base of a rent of 1000 on a 160 multiplier: 168 000.
const BASE_160: f64 = 1000.0 * 1.05 * 160.0;

#[test]
fn worked_example_half_share_from_march() {
    let mut data = all_sources();
    let rossi = person(1, CF[2]);
    let mut s = state(&["F205//12/101/7"], Some("A02"), d(2010, 1, 1), None);
    s.rent_eur = Some(1032.91);
    data.units = Some(vec![unit(100, vec![s])]);
    data.holdings = Some(vec![holding(
        &rossi,
        property(100, PropertyKind::Building),
        "10",
        (1, 2),
        d(2019, 3, 15),
        None,
    )]);
    data.subjects = Some(vec![rossi]);
    let mut params = Params::default();
    params.imu.rate_other_buildings = 0.0106;
    let inputs = Inputs::new(data);
    let due = holder_due(&inputs, &params, &cf(CF[2]), 2019);
    assert!((due.total - 766.42).abs() < 0.005, "{}", due.total);
    assert_eq!(due.items[0].tax_code, "3918");
    assert_eq!(due.items[0].months, 10);
    let due = holder_due(&inputs, &params, &cf(CF[2]), 2020);
    assert!((due.total - 919.70).abs() < 0.005, "{}", due.total);
}

#[test]
fn main_residence_and_one_appurtenance_per_category() {
    let mut data = all_sources();
    let a = person(1, CF[0]);
    let mk = |n: u64, k: &str, cat: &str, rent: f64| {
        let mut s = state(&[k], Some(cat), d(2000, 1, 1), None);
        s.rent_eur = Some(rent);
        unit(n, vec![s])
    };
    data.units = Some(vec![
        mk(1, "F205//12/101/1", "A02", 1000.0),
        mk(2, "F205//12/101/2", "C06", 100.0),
        mk(3, "F205//12/101/3", "C06", 200.0), // the appurtenance: highest rent
        mk(4, "F205//12/102/1", "C02", 100.0), // another parcel: taxed
    ]);
    data.holdings = Some(
        (1..=4)
            .map(|n| {
                holding(
                    &a,
                    property(n, PropertyKind::Building),
                    "10",
                    (1, 1),
                    d(2000, 1, 1),
                    None,
                )
            })
            .collect(),
    );
    data.subjects = Some(vec![a]);
    // Resident in the dwelling from 1 July: main residence for July–December.
    data.residents = Some(vec![resident(
        CF[0],
        "H1",
        "F205/1/1/",
        Some("1"),
        d(2025, 7, 1),
        None,
        Some("F205//12/101/1"),
    )]);
    let due = holder_due(&Inputs::new(data), &Params::default(), &cf(CF[0]), 2025);
    let by_object: Vec<(String, u32)> = due
        .items
        .iter()
        .map(|i| (i.object.clone(), i.months))
        .collect();
    assert_eq!(
        by_object,
        [
            ("F205//12/101/1".into(), 6),
            ("F205//12/101/2".into(), 12),
            ("F205//12/101/3".into(), 6),
            ("F205//12/102/1".into(), 12)
        ]
    );
    let expected = BASE_160 * 0.0086 * 0.5
        + BASE_160 * 0.1 * 0.0086
        + BASE_160 * 0.2 * 0.0086 * 0.5
        + BASE_160 * 0.1 * 0.0086;
    assert!(close(due.total, expected), "{} vs {expected}", due.total);
    assert!(!due.incomplete);
}

#[test]
fn luxury_rate_deduction_group_d_and_missing_rent() {
    let mut data = all_sources();
    let a = person(1, CF[0]);
    let b = person(2, CF[1]);
    let mut lux = state(&["F205//12/101/1"], Some("A08"), d(2000, 1, 1), None);
    lux.rent_eur = Some(1000.0);
    let mut factory = state(&["F205//12/103/1"], Some("D01"), d(2000, 1, 1), None);
    factory.rent_eur = Some(10_000.0);
    let f3 = state(&["F205//12/104/1"], Some("F03"), d(2000, 1, 1), None);
    data.units = Some(vec![
        unit(1, vec![lux]),
        unit(2, vec![factory]),
        unit(3, vec![f3]),
    ]);
    data.holdings = Some(vec![
        holding(
            &a,
            property(1, PropertyKind::Building),
            "10",
            (1, 2),
            d(2000, 1, 1),
            None,
        ),
        holding(
            &b,
            property(1, PropertyKind::Building),
            "10",
            (1, 2),
            d(2000, 1, 1),
            None,
        ),
        holding(
            &a,
            property(2, PropertyKind::Building),
            "10",
            (1, 1),
            d(2000, 1, 1),
            None,
        ),
        holding(
            &a,
            property(3, PropertyKind::Building),
            "10",
            (1, 1),
            d(2000, 1, 1),
            None,
        ),
        // Bare ownership never pays.
        holding(
            &b,
            property(2, PropertyKind::Building),
            "20",
            (1, 1),
            d(2000, 1, 1),
            None,
        ),
    ]);
    data.subjects = Some(vec![a, b]);
    // Both holders live in the villa: the deduction is split by shares (100 € each).
    data.residents = Some(vec![
        resident(
            CF[0],
            "H1",
            "F205/1/1/",
            Some("1"),
            d(2000, 1, 1),
            None,
            Some("F205//12/101/1"),
        ),
        resident(
            CF[1],
            "H1",
            "F205/1/1/",
            Some("1"),
            d(2000, 1, 1),
            None,
            Some("F205//12/101/1"),
        ),
    ]);
    let inputs = Inputs::new(data);
    let due = holder_due(&inputs, &Params::default(), &cf(CF[0]), 2025);
    let codes = due.by_code();
    assert!(close(codes["3912"], BASE_160 * 0.005 * 0.5 - 100.0));
    let d_base = 10_000.0 * 1.05 * 65.0;
    assert!(close(codes["3925"], d_base * 0.0076));
    assert!(close(codes["3930"], d_base * 0.0010));
    assert!(due.incomplete, "the F/3 unit has no rent");
    assert!(
        !holder_due(&inputs, &Params::default(), &cf(CF[1]), 2025)
            .by_code()
            .contains_key("3925")
    );
}

#[test]
fn regulated_lease_and_exemption_free_tax() {
    let mut data = all_sources();
    let a = person(1, CF[0]);
    data.units = Some(vec![unit(
        1,
        vec![state(&["F205//12/101/1"], Some("A02"), d(2000, 1, 1), None)],
    )]);
    let h = holding(
        &a,
        property(1, PropertyKind::Building),
        "10",
        (1, 1),
        d(2000, 1, 1),
        None,
    );
    data.holdings = Some(vec![h.clone()]);
    data.subjects = Some(vec![a]);
    data.leases = Some(vec![lease_type_regulated(lease(
        "L1",
        CF[0],
        CF[1],
        "F205//12/101/1",
        d(2024, 1, 1),
        d(2027, 12, 31),
    ))]);
    let inputs = Inputs::new(data);
    let due = holder_due(&inputs, &Params::default(), &cf(CF[0]), 2025);
    assert!(close(due.total, BASE_160 * 0.0086 * 0.75));
    let t =
        unit_tax_without_exemption(&inputs, &Params::default(), &cf(CF[0]), &h, 0, 2025).unwrap();
    assert!(close(t, due.total));
}

#[test]
fn year_months_is_month_mask() {
    use crate::fiscal::month_mask;
    use crate::imu_due::YearMonths;
    let dates = [
        d(2023, 6, 10),
        d(2024, 12, 31),
        d(2025, 1, 1),
        d(2025, 1, 2),
        d(2025, 2, 14),
        d(2025, 2, 15),
        d(2025, 6, 30),
        d(2025, 12, 16),
        d(2025, 12, 31),
        d(2026, 1, 1),
        d(2026, 1, 2),
        d(2027, 3, 1),
    ];
    for year in [2024, 2025, 2026] {
        let months = YearMonths::new(year);
        for &start in &dates {
            assert_eq!(months.mask(start, None), month_mask(start, None, year));
            for &end in &dates {
                assert_eq!(
                    months.mask(start, Some(end)),
                    month_mask(start, Some(end), year),
                    "{start} {end} {year}"
                );
            }
        }
    }
    assert_eq!(YearMonths::new(2025).mask(d(2024, 5, 1), None), 0x0fff);
    assert_eq!(YearMonths::new(2025).mask(d(2026, 1, 1), None), 0);
}

#[test]
fn declarations_in_effect_latest_per_declarant_and_unit() {
    use crate::imu_due::declarations_in_effect;
    let mut data = all_sources();
    data.units = Some(dwellings(2));
    let mut equal_rank_later = declaration(CF[1], 2021, &[("F205//12/101/2", 3, 0)]);
    equal_rank_later.positions[0].order = 9;
    data.imu_declarations = Some(vec![
        declaration(CF[1], 2021, &[("F205//12/101/2", 5, 0)]),
        declaration(
            CF[0],
            2022,
            &[("F205//12/101/1", 5, 0), ("F205//12/101/2", 5, 0)],
        ),
        declaration(CF[0], 2020, &[("F205//12/101/1", 3, 0)]), // outranked
        declaration(CF[0], 2030, &[("F205//12/101/1", 3, 0)]), // after the year
        equal_rank_later,
        declaration(CF[1], 2020, &[("F205//99/1/1", 5, 0)]), // no such unit
    ]);
    let inputs = Inputs::new(data);
    let got: Vec<(String, usize, u32)> = declarations_in_effect(&inputs, 2025)
        .into_iter()
        .map(|(c, u, p)| (c.as_written().to_owned(), u, p.order))
        .collect();
    let mut want = vec![
        (CF[0].to_owned(), 0, 1),
        (CF[0].to_owned(), 1, 2),
        (CF[1].to_owned(), 1, 9),
    ];
    want.sort();
    assert_eq!(got, want);
}
