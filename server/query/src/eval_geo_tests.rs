//! Tests of the spatial and temporal semantics in [`crate::eval`]: DE-9IM predicates on
//! boundaries and holes, boxes, empty geometries, preparation into the storage CRS, and
//! datetime intervals.

use chrono::{NaiveDate, TimeZone, Utc};
use geo::Relate;
use geo_types::{Geometry, LineString, Point, Polygon, line_string, point, polygon};
use proptest::prelude::*;

use crate::catalog::TemporalProperties;
use crate::crs::{Crs, Transformer};
use crate::error::QueryError;
use crate::eval::{datetime_matches, evaluate, prepare};
use crate::eval_tests::{F, T, U, cmp, collection, feature};
use crate::feature::Feature;
use crate::filter::{CmpOp, Filter, SpatialOp};
use crate::query::{BBox, DatetimeInterval};
use crate::value::Value;

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
    // a box on the other side of the world cannot be expressed in UTM 32
    let far = Filter::BBox(BBox::new(150.0, -10.0, 160.0, 10.0, Crs::Crs84).unwrap());
    assert!(matches!(
        prepare(far, Crs::Epsg(7791)),
        Err(QueryError::Transform(_))
    ));
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

fn small_polygon() -> impl Strategy<Value = Geometry<f64>> {
    // small integer coordinates produce the degenerate cases: repeated points, collinear edges,
    // shared vertices, zero-area rings (at least three points: PostGIS refuses shorter rings)
    prop::collection::vec((0i8..6, 0i8..6), 3..7).prop_map(|pts| {
        let ring: Vec<(f64, f64)> = pts
            .into_iter()
            .map(|(x, y)| (f64::from(x), f64::from(y)))
            .collect();
        Geometry::Polygon(Polygon::new(LineString::from(ring), Vec::new()))
    })
}

fn small_geometry() -> impl Strategy<Value = Geometry<f64>> {
    prop_oneof![
        (0i8..6, 0i8..6)
            .prop_map(|(x, y)| Geometry::Point(point!(x: f64::from(x), y: f64::from(y)))),
        prop::collection::vec((0i8..6, 0i8..6), 0..5).prop_map(|pts| {
            Geometry::LineString(LineString::from(
                pts.into_iter()
                    .map(|(x, y)| (f64::from(x), f64::from(y)))
                    .collect::<Vec<_>>(),
            ))
        }),
        small_polygon(),
        // a square with a hole somewhere inside or across it
        (1i8..4, 1i8..4, 1i8..3).prop_map(|(x, y, w)| {
            let (x, y, w) = (f64::from(x), f64::from(y), f64::from(w));
            Geometry::Polygon(Polygon::new(
                square(0.0, 0.0, 5.0, 5.0).exterior().clone(),
                vec![square(x, y, x + w, y + w).exterior().clone()],
            ))
        }),
        prop::collection::vec((0i8..6, 0i8..6), 1..4).prop_map(|pts| {
            Geometry::MultiPoint(
                pts.into_iter()
                    .map(|(x, y)| point!(x: f64::from(x), y: f64::from(y)))
                    .collect::<Vec<_>>()
                    .into(),
            )
        }),
    ]
}

proptest! {
    #[test]
    fn spatial_predicates_are_consistent(a in small_geometry(), b in small_geometry()) {
        let f = with_geometry(a.clone());
        let eval = |op| evaluate(&spatial(op, b.clone()), &f);
        let intersects = eval(SpatialOp::Intersects);
        // the fast intersection test agrees with the DE-9IM matrix
        prop_assert_eq!(intersects, Some(a.relate(&b).is_intersects()));
        prop_assert_eq!(eval(SpatialOp::Disjoint), intersects.map(|x| !x));
        // the fast containment tests agree with the DE-9IM matrix
        let m = a.relate(&b);
        prop_assert_eq!(eval(SpatialOp::Within), Some(m.is_within()));
        prop_assert_eq!(eval(SpatialOp::Contains), Some(m.is_contains()));
        // within or contains imply intersects
        if eval(SpatialOp::Within) == T || eval(SpatialOp::Contains) == T {
            prop_assert_eq!(intersects, T);
        }
    }
}
