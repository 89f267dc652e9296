//! The plantings of R12–R28: each rule is listed in the correlation truth with the true cases
//! and near misses its planting designs, at the smallest scale and at the test scale, and the
//! truth is deterministic.

use segit_demo::{DemoParams, generate};

/// (rule, minimum true cases, minimum near misses) every scale ≥ 0.05 must carry.
const PLANTED: &[(&str, usize, usize)] = &[
    ("R12", 2, 2),
    ("R13", 1, 2),
    ("R14", 1, 2),
    ("R15", 1, 2),
    ("R16", 1, 1),
    ("R17", 1, 2),
    ("R18", 1, 1),
    ("R19", 2, 1),
    ("R20", 1, 1),
    ("R21", 2, 3),
    ("R22", 1, 1),
    ("R25", 2, 1),
    ("R26", 1, 0),
    ("R27", 1, 1),
    ("R28", 1, 1),
];

fn check(scale: f64) {
    let town = generate(&DemoParams { seed: 2025, scale });
    let truth = &town.planted.correlation;
    assert_eq!(truth.as_of, "2025-12-31");
    for &(rule, reports, near) in PLANTED {
        let r = truth
            .rules
            .get(rule)
            .unwrap_or_else(|| panic!("{rule} missing from the truth at scale {scale}"));
        eprintln!(
            "scale {scale} {rule}: {} reported, {} near misses",
            r.report.len(),
            r.near_miss.len()
        );
        assert!(
            r.report.len() >= reports && r.near_miss.len() >= near,
            "{rule} at scale {scale}: {} reported, {} near misses",
            r.report.len(),
            r.near_miss.len()
        );
        // a near miss is never also expected
        for n in &r.near_miss {
            assert!(
                !r.report.iter().any(|e| e.unit_key.is_some()
                    && e.unit_key == n.unit_key
                    && (n.record.is_none() || e.record == n.record)
                    && (n.address_key.is_none() || e.address_key == n.address_key)),
                "{rule}: near miss {n:?} is also expected"
            );
        }
    }
}

#[test]
fn every_rule_is_planted_at_the_smallest_scale() {
    check(0.05);
}

#[test]
fn every_rule_is_planted_at_the_test_scale_deterministically() {
    check(0.2);
    let a = generate(&DemoParams {
        seed: 2025,
        scale: 0.2,
    });
    let b = generate(&DemoParams {
        seed: 2025,
        scale: 0.2,
    });
    assert_eq!(a.planted, b.planted);
}
