//! Tests of the reference filter semantics in [`crate::eval`]: coercion errors, every operator,
//! three-valued logic, text order, `LIKE`, spatial predicates and datetime intervals.

use chrono::{NaiveDate, TimeZone, Utc};
use geo_types::{Geometry, LineString, Point, Polygon, line_string, point, polygon};
use proptest::prelude::*;

use crate::catalog::{Collection, GeometryType, Property, TemporalProperties};
use crate::crs::{Crs, Transformer};
use crate::error::QueryError;
use crate::eval::{coerce_filter, datetime_matches, evaluate, like_matches, prepare};
use crate::feature::Feature;
use crate::filter::{CmpOp, Filter, SpatialOp};
use crate::query::{BBox, DatetimeInterval};
use crate::value::{PropertyType, Value};

fn collection() -> Collection {
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

fn feature(props: &[(&str, Value)]) -> Feature {
    Feature {
        id: "1".into(),
        geometry: None,
        properties: props
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect(),
    }
}

fn cmp(property: &str, op: CmpOp, value: impl Into<Value>) -> Filter {
    Filter::Compare {
        property: property.into(),
        op,
        value: value.into(),
    }
}

const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);
const U: Option<bool> = None;

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

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]
}

fn with_geometry(g: Geometry<f64>) -> Feature {
    Feature {
        id: "g".into(),
        geometry: Some(g),
        properties: Vec::new(),
    }
}

fn spatial(op: SpatialOp, g: Geometry<f64>) -> Filter {
    Filter::Spatial {
        op,
        geometry: g,
        crs: Crs::Epsg(7791),
    }
}

#[test]
fn spatial_predicates_on_boundaries() {
    use SpatialOp::{Contains, Disjoint, Intersects, Within};
    let sq = Geometry::Polygon(square(0.0, 0.0, 10.0, 10.0));
    let inside = with_geometry(Geometry::Point(point!(x: 5.0, y: 5.0)));
    let on_edge = with_geometry(Geometry::Point(point!(x: 10.0, y: 5.0)));
    let on_corner = with_geometry(Geometry::Point(point!(x: 0.0, y: 0.0)));
    let outside = with_geometry(Geometry::Point(point!(x: 11.0, y: 5.0)));
    let table = [
        (&inside, [T, T, F, F]),
        (&on_edge, [T, F, F, F]),
        (&on_corner, [T, F, F, F]),
        (&outside, [F, F, F, T]),
    ];
    for (f, want) in table {
        for (op, w) in [Intersects, Within, Contains, Disjoint]
            .into_iter()
            .zip(want)
        {
            assert_eq!(
                evaluate(&spatial(op, sq.clone()), f),
                w,
                "{op:?} {:?}",
                f.geometry
            );
        }
    }
    // the polygon feature contains an interior point, not a boundary point
    let poly = with_geometry(sq.clone());
    let p = |x, y| Geometry::Point(point!(x: x, y: y));
    assert_eq!(evaluate(&spatial(Contains, p(5.0, 5.0)), &poly), T);
    assert_eq!(evaluate(&spatial(Contains, p(10.0, 5.0)), &poly), F);
    assert_eq!(evaluate(&spatial(Intersects, p(10.0, 5.0)), &poly), T);
    // a polygon is within itself and touching squares intersect
    assert_eq!(evaluate(&spatial(Within, sq.clone()), &poly), T);
    let touching = Geometry::Polygon(square(10.0, 0.0, 20.0, 10.0));
    assert_eq!(evaluate(&spatial(Intersects, touching.clone()), &poly), T);
    assert_eq!(evaluate(&spatial(Within, touching), &poly), F);
    // no geometry: unknown
    let none = feature(&[]);
    assert_eq!(evaluate(&spatial(Intersects, sq.clone()), &none), U);
}

#[test]
fn empty_geometries_intersect_nothing() {
    use geo_types::{GeometryCollection, MultiPoint};
    let sq = Geometry::Polygon(square(0.0, 0.0, 10.0, 10.0));
    for empty in [
        Geometry::MultiPoint(MultiPoint(Vec::new())),
        Geometry::GeometryCollection(GeometryCollection(Vec::new())),
    ] {
        let f = with_geometry(empty.clone());
        assert_eq!(evaluate(&spatial(SpatialOp::Intersects, sq.clone()), &f), F);
        assert_eq!(evaluate(&spatial(SpatialOp::Disjoint, sq.clone()), &f), T);
        assert_eq!(evaluate(&spatial(SpatialOp::Contains, sq.clone()), &f), F);
        let bbox = Filter::BBox(BBox::new(0.0, 0.0, 1.0, 1.0, Crs::Epsg(7791)).unwrap());
        assert_eq!(evaluate(&bbox, &f), F);
        let poly = with_geometry(sq.clone());
        assert_eq!(evaluate(&spatial(SpatialOp::Intersects, empty), &poly), F);
    }
    // a geometry with a NaN coordinate cannot be judged
    let nan = with_geometry(Geometry::Point(point!(x: f64::NAN, y: 1.0)));
    assert_eq!(evaluate(&spatial(SpatialOp::Intersects, sq), &nan), U);
}

#[test]
fn polygons_with_holes() {
    let holed = Geometry::Polygon(Polygon::new(
        square(0.0, 0.0, 10.0, 10.0).exterior().clone(),
        vec![square(4.0, 4.0, 6.0, 6.0).exterior().clone()],
    ));
    let in_hole = with_geometry(Geometry::Point(point!(x: 5.0, y: 5.0)));
    let on_hole_edge = with_geometry(Geometry::Point(point!(x: 4.0, y: 5.0)));
    let in_ring = with_geometry(Geometry::Point(point!(x: 2.0, y: 2.0)));
    assert_eq!(
        evaluate(&spatial(SpatialOp::Intersects, holed.clone()), &in_hole),
        F
    );
    assert_eq!(
        evaluate(&spatial(SpatialOp::Disjoint, holed.clone()), &in_hole),
        T
    );
    assert_eq!(
        evaluate(
            &spatial(SpatialOp::Intersects, holed.clone()),
            &on_hole_edge
        ),
        T
    );
    assert_eq!(
        evaluate(&spatial(SpatialOp::Within, holed.clone()), &on_hole_edge),
        F
    );
    assert_eq!(
        evaluate(&spatial(SpatialOp::Within, holed.clone()), &in_ring),
        T
    );
    // a line crossing the hole is not within the holed polygon
    let crossing = with_geometry(Geometry::LineString(
        line_string![(x: 1.0, y: 5.0), (x: 9.0, y: 5.0)],
    ));
    assert_eq!(
        evaluate(&spatial(SpatialOp::Within, holed.clone()), &crossing),
        F
    );
    assert_eq!(
        evaluate(&spatial(SpatialOp::Intersects, holed.clone()), &crossing),
        T
    );
    // the box around the hole intersects the polygon's ring only through its boundary
    let f = with_geometry(holed);
    let b = |x0, y0, x1, y1| Filter::BBox(BBox::new(x0, y0, x1, y1, Crs::Epsg(7791)).unwrap());
    assert_eq!(evaluate(&b(4.5, 4.5, 5.5, 5.5), &f), F);
    assert_eq!(evaluate(&b(3.0, 3.0, 5.0, 5.0), &f), T);
    assert_eq!(evaluate(&b(10.0, 10.0, 12.0, 12.0), &f), T);
    assert_eq!(evaluate(&b(10.5, 0.0, 12.0, 12.0), &f), F);
}

#[test]
fn bbox_tests_the_geometry_not_its_envelope() {
    // an L-shaped line whose envelope covers the box but which misses it
    let l = with_geometry(Geometry::LineString(LineString::from(vec![
        (0.0, 0.0),
        (10.0, 0.0),
        (10.0, 10.0),
    ])));
    let bbox = Filter::BBox(BBox::new(1.0, 5.0, 4.0, 9.0, Crs::Epsg(7791)).unwrap());
    assert_eq!(evaluate(&bbox, &l), F);
    assert_eq!(evaluate(&bbox, &feature(&[])), U);
}

#[test]
fn prepare_moves_literals_into_the_storage_crs() {
    let lit = Geometry::Point(Point::new(9.191_383, 45.464_211));
    let filter = Filter::Or(vec![
        Filter::Not(Box::new(Filter::Spatial {
            op: SpatialOp::Intersects,
            geometry: lit,
            crs: Crs::Crs84,
        })),
        Filter::BBox(BBox::new(9.1, 45.4, 9.3, 45.5, Crs::Crs84).unwrap()),
        cmp("floors", CmpOp::Eq, 1),
    ]);
    let got = prepare(filter, Crs::Epsg(7791)).unwrap();
    let Filter::Or(parts) = &got else {
        panic!("{got:?}")
    };
    let Filter::Not(inner) = &parts[0] else {
        panic!("{got:?}")
    };
    let Filter::Spatial {
        geometry: Geometry::Point(pt),
        crs,
        ..
    } = inner.as_ref()
    else {
        panic!("{got:?}")
    };
    assert_eq!(*crs, Crs::Epsg(7791));
    assert!(
        (pt.x() - 514_961.61).abs() < 0.01 && (pt.y() - 5_034_538.27).abs() < 0.01,
        "{pt:?}"
    );
    let Filter::BBox(b) = &parts[1] else {
        panic!("{got:?}")
    };
    assert_eq!(b.crs, Crs::Epsg(7791));
    let tr = Transformer::new(Crs::Crs84, Crs::Epsg(7791)).unwrap();
    let (x, y) = tr.transform_coord(9.2, 45.45).unwrap();
    assert!(b.min_x < x && x < b.max_x && b.min_y < y && y < b.max_y);
    assert_eq!(parts[2], cmp("floors", CmpOp::Eq, 1));
    // a literal outside the domain is a transform error
    let bad = Filter::Spatial {
        op: SpatialOp::Within,
        geometry: Geometry::Point(Point::new(9.0, 95.0)),
        crs: Crs::Crs84,
    };
    assert!(matches!(
        prepare(bad, Crs::Epsg(7791)),
        Err(QueryError::Transform(_))
    ));
}

fn day(y: i32, m: u32, d: u32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

#[test]
fn datetime_intervals_intersect_validity_inclusively() {
    let temporal = collection().temporal.unwrap();
    let valid_2020 = feature(&[("since", day(2020, 1, 1)), ("until", day(2020, 12, 31))]);
    let still_valid = feature(&[("since", day(2020, 1, 1)), ("until", Value::Null)]);
    let no_start = feature(&[("since", Value::Null), ("until", day(2020, 12, 31))]);
    let iv = |start, end| DatetimeInterval { start, end };
    let cases = [
        (
            iv(Some(at(2020, 6, 1, 0)), Some(at(2020, 6, 2, 0))),
            true,
            true,
        ),
        // touching the start (midnight UTC) and the end (midnight UTC of the last day)
        (iv(None, Some(at(2020, 1, 1, 0))), true, true),
        (iv(Some(at(2020, 12, 31, 0)), None), true, true),
        (iv(Some(at(2020, 12, 31, 1)), None), false, true),
        (iv(None, Some(at(2019, 12, 31, 23))), false, false),
        (
            iv(Some(at(2030, 1, 1, 0)), Some(at(2031, 1, 1, 0))),
            false,
            true,
        ),
        (iv(None, None), true, true),
    ];
    for (interval, want_2020, want_open) in cases {
        assert_eq!(
            datetime_matches(&interval, &temporal, &valid_2020),
            want_2020,
            "{interval:?}"
        );
        assert_eq!(
            datetime_matches(&interval, &temporal, &still_valid),
            want_open,
            "{interval:?}"
        );
        assert!(!datetime_matches(&interval, &temporal, &no_start));
    }
    // instants: the start is also the end
    let instants = TemporalProperties {
        start: "seen".into(),
        end: None,
    };
    let seen = feature(&[("seen", Value::DateTime(at(2024, 3, 1, 12)))]);
    assert!(datetime_matches(
        &iv(Some(at(2024, 3, 1, 12)), Some(at(2024, 3, 1, 12))),
        &instants,
        &seen
    ));
    assert!(!datetime_matches(
        &iv(Some(at(2024, 3, 1, 13)), None),
        &instants,
        &seen
    ));
    assert!(!datetime_matches(
        &iv(None, Some(at(2024, 3, 1, 11))),
        &instants,
        &seen
    ));
}
