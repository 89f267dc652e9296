//! Spatial checks: bbox selection given in several CRSs, spatial filter predicates, output
//! CRS transformation and extents.

use geo_types::{Coord, Geometry, LineString, Point, Polygon, coord};
use segit_query::{
    BBox, Crs, FeatureQuery, Filter, Identity, SpatialOp, Transformer, transform_bbox,
};

use super::fixtures::{self, EVENTS, ORIGIN_X, ORIGIN_Y, PARCELS, POINTS, VALIDITY};
use super::{assert_matches_oracle, must_run, oracle, validated};
use crate::FeatureStore;

fn q(collection: &str) -> FeatureQuery {
    FeatureQuery::new(collection, Identity::System)
}

/// A box in EPSG:7791 relative to the fixtures' origin; edges at 50 m offsets stay at least
/// 20 m from every fixture vertex, so the box selects the same features in any CRS.
fn local_box(x0: f64, y0: f64, x1: f64, y1: f64) -> BBox {
    BBox::new(
        ORIGIN_X + x0,
        ORIGIN_Y + y0,
        ORIGIN_X + x1,
        ORIGIN_Y + y1,
        Crs::Epsg(7791),
    )
    .expect("valid box")
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Geometry<f64> {
    Geometry::Polygon(local_box(x0, y0, x1, y1).to_polygon())
}

fn coords(g: &Geometry<f64>) -> Vec<Coord<f64>> {
    use geo::CoordsIter;
    g.coords_iter().collect()
}

/// A bbox selects the features whose geometry intersects it; the same box expressed in
/// EPSG:7791, CRS84, EPSG:3003 and EPSG:6706 selects the same features.
pub async fn check_bbox(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let boxes = [
        local_box(50.0, 50.0, 350.0, 250.0),
        local_box(-50.0, -50.0, 50.0, 50.0),
        local_box(150.0, 150.0, 170.0, 170.0),
        local_box(230.0, 130.0, 250.0, 150.0),
        local_box(5_000.0, 5_000.0, 6_000.0, 6_000.0),
        local_box(-1_000.0, -1_000.0, 2_000.0, 2_000.0),
    ];
    for b in boxes {
        for collection in [POINTS, PARCELS, EVENTS] {
            let mut query = q(collection);
            query.bbox = Some(b);
            let native = assert_matches_oracle(store, query.clone(), "bbox in EPSG:7791").await;
            for crs in [Crs::Crs84, Crs::Epsg(3003), Crs::Epsg(6706)] {
                let mut other = query.clone();
                other.bbox = Some(transform_bbox(&b, crs).expect("box transforms"));
                let got = assert_matches_oracle(store, other, "bbox in another CRS").await;
                assert_eq!(
                    got.ids(),
                    native.ids(),
                    "{collection}: bbox {b:?} in {crs} selects other features than in EPSG:7791"
                );
            }
            let mut paged = query.clone();
            paged.limit = Some(2);
            paged.offset = 1;
            paged.sort = vec![segit_query::SortKey {
                property: match collection {
                    POINTS => "name".into(),
                    PARCELS => "floors".into(),
                    _ => "at".into(),
                },
                ascending: false,
            }];
            assert_matches_oracle(store, paged, "bbox with sort and paging").await;
        }
    }
    let mut attrs = q(VALIDITY);
    attrs.bbox = Some(local_box(-1e6, -1e6, 1e6, 1e6));
    let got = assert_matches_oracle(store, attrs, "bbox on a collection without geometry").await;
    assert!(
        got.features.is_empty(),
        "a bbox selects no feature without geometry"
    );
}

/// Spatial predicates (intersects, within, contains, disjoint) against polygons with a hole,
/// with literals in the storage CRS and in CRS84, combined with attribute filters.
pub async fn check_spatial_filters(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let area = rect(50.0, 50.0, 250.0, 250.0);
    let hole_point = Geometry::Point(Point::new(ORIGIN_X + 240.0, ORIGIN_Y + 140.0));
    let inside_point = Geometry::Point(Point::new(ORIGIN_X + 140.0, ORIGIN_Y + 140.0));
    let line = Geometry::LineString(LineString::new(vec![
        coord! { x: ORIGIN_X - 10.0, y: ORIGIN_Y + 90.0 },
        coord! { x: ORIGIN_X + 330.0, y: ORIGIN_Y + 250.0 },
    ]));
    let tri = Geometry::Polygon(Polygon::new(
        LineString::new(vec![
            coord! { x: ORIGIN_X + 20.0, y: ORIGIN_Y + 20.0 },
            coord! { x: ORIGIN_X + 470.0, y: ORIGIN_Y + 30.0 },
            coord! { x: ORIGIN_X + 30.0, y: ORIGIN_Y + 370.0 },
            coord! { x: ORIGIN_X + 20.0, y: ORIGIN_Y + 20.0 },
        ]),
        vec![],
    ));
    let literals = [
        area.clone(),
        hole_point,
        inside_point,
        line,
        tri,
        rect(-1e4, -1e4, 1e4, 1e4),
    ];
    let ops = [
        SpatialOp::Intersects,
        SpatialOp::Within,
        SpatialOp::Contains,
        SpatialOp::Disjoint,
    ];
    let to84 = Transformer::new(Crs::Epsg(7791), Crs::Crs84).expect("transformer");
    for literal in &literals {
        for op in ops {
            for collection in [POINTS, PARCELS] {
                let mut query = q(collection);
                query.filter = Some(Filter::Spatial {
                    op,
                    geometry: literal.clone(),
                    crs: Crs::Epsg(7791),
                });
                assert_matches_oracle(store, query.clone(), "spatial filter").await;
                let mut g84 = literal.clone();
                to84.transform_geometry(&mut g84)
                    .expect("literal transforms");
                query.filter = Some(Filter::Spatial {
                    op,
                    geometry: g84,
                    crs: Crs::Crs84,
                });
                assert_matches_oracle(store, query, "spatial filter in CRS84").await;
            }
        }
    }
    let mut combo = q(PARCELS);
    combo.filter = Some(Filter::Or(vec![
        Filter::Spatial {
            op: SpatialOp::Within,
            geometry: area.clone(),
            crs: Crs::Epsg(7791),
        },
        Filter::Compare {
            property: "floors".into(),
            op: segit_query::CmpOp::Eq,
            value: 3i64.into(),
        },
    ]));
    assert_matches_oracle(store, combo.clone(), "spatial OR attribute").await;
    combo.filter = combo.filter.map(|f| Filter::Not(Box::new(f)));
    assert_matches_oracle(store, combo, "NOT (spatial OR attribute)").await;
    let mut boxed = q(POINTS);
    boxed.filter = Some(Filter::And(vec![
        Filter::BBox(local_box(50.0, 50.0, 350.0, 350.0)),
        Filter::Not(Box::new(Filter::IsNull("name".into()))),
    ]));
    boxed.bbox = Some(local_box(150.0, -50.0, 450.0, 250.0));
    assert_matches_oracle(store, boxed, "bbox filter and query bbox").await;
}

/// Geometries come back in the requested CRS: coordinates agree with `Transformer` within
/// 1e-9 (relative to the coordinate's magnitude for metres), exactly in the storage CRS.
pub async fn check_output_crs(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    for crs in [
        Crs::Epsg(7791),
        Crs::Crs84,
        Crs::Epsg(4326),
        Crs::Epsg(6706),
        Crs::Epsg(3003),
        Crs::Epsg(3857),
        Crs::Epsg(6707),
        Crs::Epsg(32632),
    ] {
        for collection in [POINTS, PARCELS, EVENTS] {
            let storage = fixtures::fixture(collection).0.storage_crs;
            let t = Transformer::new(storage, crs).expect("transformer");
            let mut query = q(collection);
            query.output_crs = crs;
            let query = validated(query);
            let expected = oracle::answer(&query);
            let got = must_run(store, &query).await;
            assert_eq!(got.ids(), expected.ids, "{collection} in {crs}: features");
            for (g, e) in got.features.iter().zip(&expected.features) {
                let mut want = e.geometry.clone().expect("fixture geometry");
                t.transform_geometry(&mut want).expect("fixture transforms");
                let have = g
                    .geometry
                    .as_ref()
                    .unwrap_or_else(|| panic!("feature '{}' lost its geometry in {crs}", g.id));
                assert_eq!(
                    std::mem::discriminant(have),
                    std::mem::discriminant(&want),
                    "geometry type of '{}' in {crs}",
                    g.id
                );
                let (hc, wc) = (coords(have), coords(&want));
                assert_eq!(hc.len(), wc.len(), "vertex count of '{}' in {crs}", g.id);
                for (h, w) in hc.iter().zip(&wc) {
                    let tol = |v: f64| 1e-9 * v.abs().max(1.0);
                    assert!(
                        (h.x - w.x).abs() <= tol(w.x) && (h.y - w.y).abs() <= tol(w.y),
                        "feature '{}' in {crs}: vertex {h:?} differs from the reference {w:?}",
                        g.id
                    );
                }
            }
        }
    }
    let f = store
        .get(POINTS, "a9", Crs::Crs84, &Identity::System)
        .await
        .expect("get")
        .expect("feature a9 exists");
    let mut want = fixtures::points()
        .into_iter()
        .find(|p| p.id == "a9")
        .and_then(|p| p.geometry)
        .expect("a9");
    Transformer::new(Crs::Epsg(7791), Crs::Crs84)
        .expect("t")
        .transform_geometry(&mut want)
        .expect("transform");
    let (h, w) = (
        coords(f.geometry.as_ref().expect("geometry")),
        coords(&want),
    );
    assert!(
        (h[0].x - w[0].x).abs() < 1e-9 && (h[0].y - w[0].y).abs() < 1e-9,
        "get in CRS84: {h:?} vs {w:?}"
    );
}

/// `extent` covers every geometry (in CRS84) tightly, has the temporal range of temporal
/// collections (open end when a validity is open), and the catalog carries it after commit.
pub async fn check_extent(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    for collection in [POINTS, PARCELS, EVENTS] {
        let storage = fixtures::fixture(collection).0.storage_crs;
        let to84 = Transformer::new(storage, Crs::Crs84).expect("transformer");
        let extent = store
            .extent(collection)
            .await
            .unwrap_or_else(|e| panic!("extent of {collection} failed: {e}"))
            .unwrap_or_else(|| panic!("{collection} has features, its extent must not be None"));
        let b = extent
            .bbox_crs84
            .unwrap_or_else(|| panic!("{collection}: no spatial extent"));
        let (mut lo_x, mut lo_y, mut hi_x, mut hi_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for f in fixtures::fixture(collection).1 {
            let mut g = f.geometry.expect("fixture geometry");
            to84.transform_geometry(&mut g).expect("transform");
            for c in coords(&g) {
                lo_x = lo_x.min(c.x);
                lo_y = lo_y.min(c.y);
                hi_x = hi_x.max(c.x);
                hi_y = hi_y.max(c.y);
            }
        }
        let eps = 1e-7;
        assert!(
            b[0] <= lo_x + eps && b[1] <= lo_y + eps && b[2] >= hi_x - eps && b[3] >= hi_y - eps,
            "{collection}: extent {b:?} does not cover the features [{lo_x}, {lo_y}, {hi_x}, {hi_y}]"
        );
        let slack = 1e-4;
        assert!(
            b[0] >= lo_x - slack
                && b[1] >= lo_y - slack
                && b[2] <= hi_x + slack
                && b[3] <= hi_y + slack,
            "{collection}: extent {b:?} is much larger than the features [{lo_x}, {lo_y}, {hi_x}, {hi_y}]"
        );
        let temporal = (collection == EVENTS).then(|| {
            let at = |i: usize| match fixtures::events()[i].property("at") {
                Some(segit_query::Value::DateTime(d)) => Some(*d),
                _ => None,
            };
            [at(0), at(9)]
        });
        assert_eq!(extent.temporal, temporal, "{collection}: temporal extent");
        let catalog = store.catalog().await.expect("catalog");
        let stored = catalog
            .get(collection)
            .and_then(|c| c.extent)
            .and_then(|e| e.bbox_crs84);
        assert!(
            stored.is_some(),
            "{collection}: the catalog must carry the extent computed at commit"
        );
    }
    let extent = store
        .extent(VALIDITY)
        .await
        .expect("extent")
        .expect("validity has features");
    assert_eq!(
        extent.bbox_crs84, None,
        "a collection without geometry has no spatial extent"
    );
    let start = chrono::NaiveDate::from_ymd_opt(2000, 2, 29)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    assert_eq!(
        extent.temporal,
        Some([start, None]),
        "temporal extent: earliest start, open end (v4, v6 are still valid)"
    );
}
