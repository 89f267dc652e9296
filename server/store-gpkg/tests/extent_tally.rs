//! The extent the catalog keeps after a commit equals the extent computed from the rows, both
//! for a collection created in the ingest (tallied while written) and for one appended to in a
//! later ingest (scanned at commit).

use chrono::NaiveDate;
use geo_types::{Geometry, LineString, Point, Polygon, coord};
use segit_query::{
    Collection, Crs, Feature, GeometryType, Property, PropertyType, TemporalProperties, Value,
};
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;

fn collection(id: &str, end: bool, geometry_type: GeometryType) -> Collection {
    let mut properties = vec![Property::new("valid_from", PropertyType::Date, "from")];
    if end {
        properties.push(Property::new("valid_to", PropertyType::Date, "to"));
    }
    Collection {
        id: id.into(),
        title: id.into(),
        description: String::new(),
        keywords: Vec::new(),
        geometry_type,
        storage_crs: Crs::Epsg(7791),
        properties,
        temporal: Some(TemporalProperties {
            start: "valid_from".into(),
            end: end.then(|| "valid_to".into()),
        }),
        extent: None,
    }
}

fn date(y: i32, m: u32, d: u32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(y, m, d).expect("date"))
}

/// Feature `i`: a square or a point further east and north with `i`, dates shuffled, the end
/// open for every third feature.
fn feature(i: u32, end: bool, polygon: bool) -> Feature {
    let x = 500_000.0 + f64::from((i * 37) % 101);
    let y = 5_000_000.0 + f64::from((i * 53) % 97);
    let geometry = (!i.is_multiple_of(7)).then(|| {
        if polygon {
            Geometry::Polygon(Polygon::new(
                LineString::new(vec![
                    coord! { x: x, y: y },
                    coord! { x: x + 2.0, y: y },
                    coord! { x: x + 2.0, y: y + 3.0 },
                    coord! { x: x, y: y },
                ]),
                vec![],
            ))
        } else {
            Geometry::Point(Point::new(x, y))
        }
    });
    let from = date(
        1990 + i32::try_from((i * 13) % 30).expect("year"),
        1 + (i % 12),
        1,
    );
    let mut properties = vec![("valid_from".to_owned(), from)];
    if end {
        let to = if i.is_multiple_of(3) {
            Value::Null
        } else {
            date(2021 + i32::try_from(i % 4).expect("year"), 1 + (i % 12), 2)
        };
        properties.push(("valid_to".to_owned(), to));
    }
    Feature {
        id: format!("f{i}"),
        geometry,
        properties,
    }
}

async fn ingest(store: &GpkgStore, c: &Collection, create: bool, ids: std::ops::Range<u32>) {
    let end = c.temporal.as_ref().is_some_and(|t| t.end.is_some());
    let polygon = c.geometry_type == GeometryType::MultiPolygon;
    let mut sink = store.begin_ingest().await.expect("begin");
    if create {
        sink.create_collection(c).await.expect("create");
    }
    let features: Vec<Feature> = ids.map(|i| feature(i, end, polygon)).collect();
    for batch in features.chunks(7) {
        sink.write_deferred(&c.id, batch.to_vec())
            .await
            .expect("write");
    }
    sink.commit().await.expect("commit");
}

async fn assert_catalog_extent_is_scanned_extent(store: &GpkgStore, id: &str) {
    let scanned = store.extent(id).await.expect("extent");
    let kept = store
        .catalog()
        .await
        .expect("catalog")
        .get(id)
        .and_then(|c| c.extent);
    assert!(scanned.is_some(), "{id} has features");
    // the catalog keeps its entries as JSON: the scanned extent as it reads back from there
    let scanned: Option<segit_query::Extent> =
        serde_json::from_str(&serde_json::to_string(&scanned).expect("json")).expect("json");
    assert_eq!(kept, scanned, "{id}: kept extent vs scanned extent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_extents_equal_scanned_extents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = GpkgStore::create(dir.path().join("t.gpkg")).expect("create");
    let cases = [
        collection("dated", true, GeometryType::MultiPolygon),
        collection("instants", false, GeometryType::Point),
    ];
    for c in &cases {
        ingest(&store, c, true, 0..50).await;
        assert_catalog_extent_is_scanned_extent(&store, &c.id).await;
        // appended in a later ingest: the commit scans the rows
        ingest(&store, c, false, 50..80).await;
        assert_catalog_extent_is_scanned_extent(&store, &c.id).await;
        // created again: the tally starts from nothing
        ingest(&store, c, true, 100..103).await;
        assert_catalog_extent_is_scanned_extent(&store, &c.id).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_adds_nothing_to_the_kept_extent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = GpkgStore::create(dir.path().join("t.gpkg")).expect("create");
    let c = collection("dated", true, GeometryType::MultiPolygon);
    let mut sink = store.begin_ingest().await.expect("begin");
    sink.create_collection(&c).await.expect("create");
    sink.write("dated", (0..5).map(|i| feature(i, true, true)).collect())
        .await
        .expect("write");
    // a far feature, then a duplicate id: the batch is rolled back as a whole
    let mut far = feature(5, true, true);
    far.geometry = Some(Geometry::Polygon(Polygon::new(
        LineString::new(vec![
            coord! { x: 900_000.0, y: 5_900_000.0 },
            coord! { x: 900_001.0, y: 5_900_000.0 },
            coord! { x: 900_000.0, y: 5_900_001.0 },
            coord! { x: 900_000.0, y: 5_900_000.0 },
        ]),
        vec![],
    )));
    let bad = vec![far, feature(0, true, true)];
    assert!(sink.write("dated", bad).await.is_err());
    sink.commit().await.expect("commit");
    assert_catalog_extent_is_scanned_extent(&store, "dated").await;
}
