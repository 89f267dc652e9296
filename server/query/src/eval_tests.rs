//! Tests of the reference filter semantics in [`crate::eval`]: coercion errors, every operator,
//! three-valued logic, text order and `LIKE`. Spatial and temporal tests are in
//! `eval_geo_tests`.

use chrono::{NaiveDate, TimeZone, Utc};
use geo_types::{Geometry, point};
use proptest::prelude::*;

use crate::catalog::{Collection, GeometryType, Property, TemporalProperties};
use crate::crs::Crs;
use crate::error::QueryError;
use crate::eval::{coerce_filter, evaluate, like_matches};
use crate::feature::Feature;
use crate::filter::{CmpOp, Filter, SpatialOp};
use crate::value::{PropertyType, Value};

pub(crate) fn collection() -> Collection {
    Collection {
        id: "parcels".into(),
        title: "Parcels".into(),
        description: String::new(),
        keywords: Vec::new(),
        geometry_type: GeometryType::Polygon,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("name", PropertyType::Text, "Name"),
            Property::new("area", PropertyType::Number, "Area"),
            Property::new("floors", PropertyType::Integer, "Floors"),
            Property::new("taxed", PropertyType::Boolean, "Taxed"),
            Property::new("since", PropertyType::Date, "Since"),
            Property::new("until", PropertyType::Date, "Until"),
            Property::new("seen", PropertyType::DateTime, "Seen"),
        ],
        temporal: Some(TemporalProperties {
            start: "since".into(),
            end: Some("until".into()),
        }),
        extent: None,
    }
}

pub(crate) fn feature(props: &[(&str, Value)]) -> Feature {
    Feature {
        id: "1".into(),
        geometry: None,
        properties: props
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect(),
    }
}

pub(crate) fn cmp(property: &str, op: CmpOp, value: impl Into<Value>) -> Filter {
    Filter::Compare {
        property: property.into(),
        op,
        value: value.into(),
    }
}

pub(crate) const T: Option<bool> = Some(true);
pub(crate) const F: Option<bool> = Some(false);
pub(crate) const U: Option<bool> = None;

/// Filters that are true, false and unknown on [`three_valued_feature`].
fn tfu() -> [(Option<bool>, Filter); 3] {
    [
        (T, cmp("floors", CmpOp::Eq, 3)),
        (F, cmp("floors", CmpOp::Eq, 4)),
        (U, cmp("area", CmpOp::Gt, 1.0)),
    ]
}

fn three_valued_feature() -> Feature {
    feature(&[("floors", Value::Int(3)), ("area", Value::Null)])
}

#[test]
fn coercion_turns_literals_into_property_types() {
    let f = Filter::And(vec![
        cmp("floors", CmpOp::Ge, "2"),
        cmp("area", CmpOp::Lt, 10),
        Filter::In {
            property: "since".into(),
            values: vec!["2024-01-31".into(), Value::Null],
        },
        Filter::Not(Box::new(Filter::Between {
            property: "taxed".into(),
            low: "false".into(),
            high: true.into(),
        })),
    ]);
    let got = coerce_filter(f, &collection()).unwrap();
    let date = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    assert_eq!(
        got,
        Filter::And(vec![
            cmp("floors", CmpOp::Ge, 2),
            cmp("area", CmpOp::Lt, 10.0),
            Filter::In {
                property: "since".into(),
                values: vec![Value::Date(date), Value::Null],
            },
            Filter::Not(Box::new(Filter::Between {
                property: "taxed".into(),
                low: false.into(),
                high: true.into(),
            })),
        ])
    );
}

#[test]
fn coercion_errors_name_the_property() {
    let c = collection();
    assert_eq!(
        coerce_filter(Filter::IsNull("owner".into()), &c),
        Err(QueryError::UnknownProperty {
            collection: "parcels".into(),
            property: "owner".into()
        })
    );
    let nested = Filter::Or(vec![Filter::Not(Box::new(cmp("nope", CmpOp::Eq, 1)))]);
    assert!(matches!(
        coerce_filter(nested, &c),
        Err(QueryError::UnknownProperty { property, .. }) if property == "nope"
    ));
    match coerce_filter(cmp("floors", CmpOp::Eq, "three"), &c) {
        Err(QueryError::InvalidValue { property, reason }) => {
            assert_eq!(property, "floors");
            assert!(reason.contains("three"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let between = Filter::Between {
        property: "since".into(),
        low: "2024-01-01".into(),
        high: "2024-13-01".into(),
    };
    assert!(matches!(
        coerce_filter(between, &c),
        Err(QueryError::InvalidValue { property, .. }) if property == "since"
    ));
    let like = Filter::Like {
        property: "floors".into(),
        pattern: "1%".into(),
        case_insensitive: false,
    };
    assert_eq!(
        coerce_filter(like, &c),
        Err(QueryError::NotText {
            operator: "LIKE",
            property: "floors".into()
        })
    );
    let nan = Filter::Spatial {
        op: SpatialOp::Intersects,
        geometry: Geometry::Point(point!(x: f64::NAN, y: 1.0)),
        crs: Crs::Crs84,
    };
    assert!(matches!(
        coerce_filter(nan, &c),
        Err(QueryError::InvalidGeometry(_))
    ));
}

#[test]
fn every_comparison_operator() {
    let f = feature(&[("floors", Value::Int(3)), ("area", Value::Float(2.5))]);
    let table = [
        (CmpOp::Eq, [F, T, F]),
        (CmpOp::Ne, [T, F, T]),
        (CmpOp::Lt, [F, F, T]),
        (CmpOp::Le, [F, T, T]),
        (CmpOp::Gt, [T, F, F]),
        (CmpOp::Ge, [T, T, F]),
    ];
    for (op, want) in table {
        for (literal, w) in [2, 3, 4].into_iter().zip(want) {
            assert_eq!(
                evaluate(&cmp("floors", op, literal), &f),
                w,
                "{op:?} {literal}"
            );
        }
        // integers and floats compare numerically
        assert_eq!(evaluate(&cmp("area", op, 2.5), &f), want[1], "{op:?} 2.5");
    }
}

#[test]
fn null_and_missing_operands_are_unknown() {
    let f = feature(&[("name", Value::Null)]);
    for op in [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Ge] {
        assert_eq!(evaluate(&cmp("name", op, "x"), &f), U);
        assert_eq!(evaluate(&cmp("absent", op, "x"), &f), U);
    }
    // a null literal is unknown too
    let g = feature(&[("name", "x".into())]);
    assert_eq!(evaluate(&cmp("name", CmpOp::Eq, Value::Null), &g), U);
    let like = Filter::Like {
        property: "name".into(),
        pattern: "%".into(),
        case_insensitive: false,
    };
    assert_eq!(evaluate(&like, &f), U);
    assert_eq!(evaluate(&Filter::IsNull("name".into()), &f), T);
    assert_eq!(evaluate(&Filter::IsNull("absent".into()), &f), T);
    assert_eq!(evaluate(&Filter::IsNull("name".into()), &g), F);
    assert_eq!(
        evaluate(&Filter::Not(Box::new(Filter::IsNull("name".into()))), &f),
        F
    );
}

#[test]
fn kleene_truth_tables() {
    let f = three_valued_feature();
    for (a, fa) in tfu() {
        assert_eq!(evaluate(&fa, &f), a);
        let not = evaluate(&Filter::Not(Box::new(fa.clone())), &f);
        assert_eq!(not, a.map(|x| !x), "NOT {a:?}");
        for (b, fb) in tfu() {
            let and = evaluate(&Filter::And(vec![fa.clone(), fb.clone()]), &f);
            let or = evaluate(&Filter::Or(vec![fa.clone(), fb.clone()]), &f);
            let want_and = match (a, b) {
                (F, _) | (_, F) => F,
                (T, T) => T,
                _ => U,
            };
            let want_or = match (a, b) {
                (T, _) | (_, T) => T,
                (F, F) => F,
                _ => U,
            };
            assert_eq!(and, want_and, "{a:?} AND {b:?}");
            assert_eq!(or, want_or, "{a:?} OR {b:?}");
        }
    }
    assert_eq!(evaluate(&Filter::And(Vec::new()), &f), T);
    assert_eq!(evaluate(&Filter::Or(Vec::new()), &f), F);
}

#[test]
fn text_compares_by_code_point() {
    let f = feature(&[("name", "Zeta".into())]);
    // 'Z' (0x5A) sorts before 'a' (0x61); no locale folding
    assert_eq!(evaluate(&cmp("name", CmpOp::Lt, "alpha"), &f), T);
    let accented = feature(&[("name", "été".into())]);
    // 'é' (U+00E9) sorts after 'z'
    assert_eq!(evaluate(&cmp("name", CmpOp::Gt, "zzz"), &accented), T);
    assert_eq!(evaluate(&cmp("name", CmpOp::Eq, "été"), &accented), T);
    assert_eq!(evaluate(&cmp("name", CmpOp::Eq, "ete"), &accented), F);
    // a 4-byte character sorts after every BMP character
    let emoji = feature(&[("name", "😀".into())]);
    assert_eq!(evaluate(&cmp("name", CmpOp::Gt, "\u{FFFD}"), &emoji), T);
}

#[test]
fn between_is_inclusive() {
    let f = |v: i64| feature(&[("floors", Value::Int(v))]);
    let b = Filter::Between {
        property: "floors".into(),
        low: 2.into(),
        high: 4.into(),
    };
    for (v, want) in [(1, F), (2, T), (3, T), (4, T), (5, F)] {
        assert_eq!(evaluate(&b, &f(v)), want, "{v}");
    }
    assert_eq!(evaluate(&b, &feature(&[("floors", Value::Null)])), U);
    // a null bound is unknown unless the other bound already fails
    let open = Filter::Between {
        property: "floors".into(),
        low: Value::Null,
        high: 4.into(),
    };
    assert_eq!(evaluate(&open, &f(3)), U);
    assert_eq!(evaluate(&open, &f(5)), F);
}

#[test]
fn in_follows_sql_with_nulls() {
    let f = feature(&[("floors", Value::Int(3)), ("area", Value::Null)]);
    let in_ = |values: Vec<Value>| Filter::In {
        property: "floors".into(),
        values,
    };
    assert_eq!(evaluate(&in_(vec![1.into(), 3.into()]), &f), T);
    assert_eq!(evaluate(&in_(vec![1.into(), 2.into()]), &f), F);
    assert_eq!(evaluate(&in_(vec![1.into(), Value::Null]), &f), U);
    assert_eq!(evaluate(&in_(vec![Value::Null, 3.into()]), &f), T);
    assert_eq!(evaluate(&in_(Vec::new()), &f), F);
    assert_eq!(evaluate(&in_(vec![3.0.into()]), &f), T);
    let on_null = Filter::In {
        property: "area".into(),
        values: vec![1.0.into()],
    };
    assert_eq!(evaluate(&on_null, &f), U);
}

#[test]
fn dates_and_datetimes_compare() {
    let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let f = feature(&[
        ("since", Value::Date(d)),
        (
            "seen",
            Value::DateTime(Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()),
        ),
    ]);
    assert_eq!(evaluate(&cmp("since", CmpOp::Eq, d), &f), T);
    let noon = Value::DateTime(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap());
    assert_eq!(evaluate(&cmp("seen", CmpOp::Gt, noon), &f), T);
    // a date literal against a date-time is midnight UTC
    assert_eq!(evaluate(&cmp("seen", CmpOp::Gt, d), &f), T);
}

fn like(pattern: &str, text: &str) -> bool {
    like_matches(pattern, text, false)
}

#[test]
fn like_wildcards_and_escapes() {
    assert!(like("", ""));
    assert!(!like("", "a"));
    assert!(like("%", ""));
    assert!(like("%%", "abc"));
    assert!(!like("_", ""));
    assert!(like("_", "x"));
    assert!(like("a%c", "abbbc"));
    assert!(like("a%c", "ac"));
    assert!(!like("a%c", "acb"));
    assert!(like("%a%b%", "xxaxxbxx"));
    assert!(!like("%a%b%", "xxbxxaxx"));
    assert!(like("a_c", "abc"));
    assert!(!like("a_c", "abbc"));
    // escapes: \% and \_ are literal, \\ is one backslash, a lone trailing \ is itself
    assert!(like("100\\%", "100%"));
    assert!(!like("100\\%", "1000"));
    assert!(like("a\\_b", "a_b"));
    assert!(!like("a\\_b", "axb"));
    assert!(like("a\\\\b", "a\\b"));
    assert!(like("a\\", "a\\"));
    assert!(like("\\a", "a"));
    // case-sensitive by default
    assert!(!like("abc", "ABC"));
    assert!(like_matches("abc", "ABC", true));
    assert!(like_matches("via roma%", "VIA ROMA 12", true));
    assert!(like_matches("ÉTÉ", "été", true));
    assert!(!like_matches("ÉTÉ", "ete", true));
    // capital sigma folds to σ on both sides (no context-dependent final ς)
    assert!(like_matches("%ΟΣ", "ΟΔΟΣ", true));
    assert!(like_matches("οδοσ", "ΟΔΟΣ", true));
}

#[test]
fn like_counts_characters_not_bytes() {
    assert!(like("_", "é"));
    assert!(like("_", "😀"));
    assert!(!like("__", "é"));
    assert!(like("caf_", "café"));
    assert!(like("%è", "perchè"));
    assert!(like("n_n", "n😀n"));
}

#[test]
fn like_is_not_exponential() {
    let text = "a".repeat(5_000);
    let pattern = format!("{}b", "%a".repeat(50));
    let start = std::time::Instant::now();
    assert!(!like(&pattern, &text));
    assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
}

#[test]
fn like_on_feature_values() {
    let f = feature(&[("name", "Via Roma 12".into()), ("floors", Value::Int(1))]);
    let l = |p: &str, ci| Filter::Like {
        property: "name".into(),
        pattern: p.into(),
        case_insensitive: ci,
    };
    assert_eq!(evaluate(&l("Via %", false), &f), T);
    assert_eq!(evaluate(&l("via %", false), &f), F);
    assert_eq!(evaluate(&l("via %", true), &f), T);
    let on_int = Filter::Like {
        property: "floors".into(),
        pattern: "1".into(),
        case_insensitive: false,
    };
    assert_eq!(evaluate(&on_int, &f), U);
}

/// Translation of a `LIKE` pattern to an anchored regular expression.
fn like_regex(pattern: &str) -> regex::Regex {
    let mut re = String::from("(?s)^");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            '\\' => re.push_str(&regex::escape(&chars.next().unwrap_or('\\').to_string())),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap()
}

proptest! {
    #[test]
    fn like_agrees_with_regex(pattern in "[ab%_\\\\]{0,8}", text in "[ab%_\\\\]{0,10}") {
        prop_assert_eq!(like(&pattern, &text), like_regex(&pattern).is_match(&text));
    }

    #[test]
    fn like_agrees_with_regex_on_unicode(
        pattern in "[aé😀%_\\\\]{0,8}",
        text in "[aé😀%_\\\\]{0,10}",
    ) {
        prop_assert_eq!(like(&pattern, &text), like_regex(&pattern).is_match(&text));
    }

    #[test]
    fn case_insensitive_like_agrees_with_regex_on_ascii(
        pattern in "[aAbB%_]{0,8}",
        text in "[aAbB]{0,10}",
    ) {
        let re = regex::Regex::new(&format!("(?i){}", like_regex(&pattern).as_str()))
            .unwrap();
        prop_assert_eq!(like_matches(&pattern, &text, true), re.is_match(&text));
    }

    #[test]
    fn like_agrees_with_regex_on_printable_ascii(
        pattern in "[ -~]{0,12}",
        text in "[ -~]{0,16}",
    ) {
        prop_assert_eq!(like(&pattern, &text), like_regex(&pattern).is_match(&text));
    }
}
