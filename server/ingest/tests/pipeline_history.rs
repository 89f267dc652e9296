//! History and atomicity of the ingest: re-ingesting a supply changes nothing, a later supply
//! updates states and keeps the old ones ("as of" through OGC `datetime`), a failing write
//! leaves the store exactly as it was.

mod pipeline_support;

use async_trait::async_trait;
use pipeline_support::{all, as_of, by_id, options, run, store, supply, text};
use segit_ingest::pipeline::{NoProgress, ingest};
use segit_query::{
    Catalog, Collection, Crs, Extent, Feature, FeatureQuery, FeatureSink, Identity, QueryStats,
};
use segit_store::{FeatureStore, IngestSink, StoreError};
use segit_store_gpkg::GpkgStore;

/// Every collection with all its features.
async fn snapshot(store: &dyn FeatureStore) -> Vec<(Collection, Vec<Feature>)> {
    let catalog = store.catalog().await.expect("catalog");
    let mut out = Vec::new();
    for c in catalog.collections {
        let features = all(store, &c.id).await;
        out.push((c, features));
    }
    out
}

#[tokio::test]
async fn reingesting_the_same_supply_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    run(&store, "supply1", "2024-01-01").await;
    let before = snapshot(&store).await;
    // the same supply, delivered again a month later
    let report = run(&store, "supply1", "2024-02-01").await;
    assert!(
        report
            .collections
            .iter()
            .all(|c| !c.written && c.stored == c.merged),
        "{:?}",
        report.collections
    );
    assert_eq!(snapshot(&store).await, before);
}

#[tokio::test]
async fn a_later_supply_updates_states_and_keeps_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    run(&store, "supply1", "2024-01-01").await;
    let parcels_before = all(&store, "parcels").await;
    let report = run(&store, "supply2", "2024-06-01").await;
    // no maps in the update: the parcels are not touched
    assert!(report.collections.iter().all(|c| c.id != "parcels"));
    assert_eq!(all(&store, "parcels").await, parcels_before);

    let units = all(&store, "units").await;
    assert_eq!(units.len(), 2);
    let first = by_id(&units, "F205//12/101/7@1");
    assert_eq!(text(first, "category"), Some("A/2"));
    assert_eq!(
        first.property("valid_to"),
        Some(&segit_query::Value::Date(pipeline_support::date(
            "2023-05-10"
        )))
    );
    let second = by_id(&units, "F205//12/101/7@2");
    assert_eq!(text(second, "category"), Some("A/3"));
    // the update has no maps: the unit is placed and linked through the stored parcels
    assert_eq!(text(second, "parcel_key_link"), Some("source_key"));
    assert!(second.geometry.is_some());

    // "as of": before, on and after the transfer day (closing dates are exclusive)
    let on = |features: Vec<Feature>| -> Vec<String> {
        let mut v: Vec<String> = features.iter().map(|f| f.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(
        on(as_of(&store, "units", "2020-01-01").await),
        ["F205//12/101/7@1"]
    );
    assert_eq!(
        on(as_of(&store, "units", "2023-05-09").await),
        ["F205//12/101/7@1"]
    );
    assert_eq!(
        on(as_of(&store, "units", "2023-05-10").await),
        ["F205//12/101/7@2"]
    );
    assert_eq!(
        on(as_of(&store, "holdings", "2020-01-01").await),
        ["F205/7654321@2019-03-15", "F205/7654322@2019-03-15"]
    );
    let now = as_of(&store, "holdings", "2024-01-01").await;
    assert_eq!(on(now.clone()), ["F205/7654323@2023-05-10"]);
    assert_eq!(text(&now[0], "share"), Some("1/1"));

    // ingesting the update again changes nothing
    let before = snapshot(&store).await;
    let again = run(&store, "supply2", "2024-07-01").await;
    assert!(again.collections.iter().all(|c| !c.written));
    assert_eq!(snapshot(&store).await, before);
}

/// A store whose ingest sink fails on its `fail_at`-th write.
struct FailingStore {
    inner: GpkgStore,
    fail_at: usize,
}

struct FailingSink {
    inner: Box<dyn IngestSink>,
    writes: usize,
    fail_at: usize,
}

#[async_trait]
impl IngestSink for FailingSink {
    async fn create_collection(&mut self, collection: &Collection) -> Result<(), StoreError> {
        self.inner.create_collection(collection).await
    }
    async fn write(&mut self, collection: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        self.writes += 1;
        if self.writes == self.fail_at {
            return Err(StoreError::Backend("disk full (simulated)".into()));
        }
        self.inner.write(collection, features).await
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.inner.commit().await
    }
    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.inner.rollback().await
    }
}

#[async_trait]
impl FeatureStore for FailingStore {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        self.inner.catalog().await
    }
    async fn query(
        &self,
        query: &FeatureQuery,
        sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        self.inner.query(query, sink).await
    }
    async fn count(&self, query: &FeatureQuery) -> Result<u64, StoreError> {
        self.inner.count(query).await
    }
    async fn get(
        &self,
        collection: &str,
        id: &str,
        crs: Crs,
        identity: &Identity,
    ) -> Result<Option<Feature>, StoreError> {
        self.inner.get(collection, id, crs, identity).await
    }
    async fn extent(&self, collection: &str) -> Result<Option<Extent>, StoreError> {
        self.inner.extent(collection).await
    }
    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
        Ok(Box::new(FailingSink {
            inner: self.inner.begin_ingest().await?,
            writes: 0,
            fail_at: self.fail_at,
        }))
    }
}

#[tokio::test]
async fn a_failing_ingest_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let store = FailingStore {
        inner: store(dir.path()),
        fail_at: 3,
    };
    // the first supply fails on its third write: nothing at all is visible
    let err = ingest(
        &store,
        &supply("supply1"),
        &options("2024-01-01"),
        &mut NoProgress,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert!(store.catalog().await.unwrap().collections.is_empty());

    // a working ingest, then a failing update: the store answers exactly as before
    run(&store.inner, "supply1", "2024-01-01").await;
    let before = snapshot(&store).await;
    let failing = FailingStore {
        inner: GpkgStore::open(dir.path().join("store.gpkg")).unwrap(),
        fail_at: 2,
    };
    assert!(
        ingest(
            &failing,
            &supply("supply2"),
            &options("2024-06-01"),
            &mut NoProgress
        )
        .await
        .is_err()
    );
    assert_eq!(snapshot(&store).await, before);
    // and a rerun completes
    run(&store.inner, "supply2", "2024-06-01").await;
    assert_eq!(all(&store, "units").await.len(), 2);
}

#[tokio::test]
async fn versions_of_an_earlier_schema_are_kept_on_the_new_one() {
    use geo_types::{Geometry, Point};
    use segit_query::{GeometryType, Property, PropertyType, Value};

    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    // a `units` collection written earlier with another schema (no history properties)
    let old = Collection {
        id: "units".into(),
        title: "units".into(),
        description: String::new(),
        keywords: Vec::new(),
        geometry_type: GeometryType::Point,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("unit_key", PropertyType::Text, "key"),
            Property::new("category", PropertyType::Text, "category"),
            Property::new("legacy_note", PropertyType::Text, "note"),
        ],
        temporal: None,
        extent: None,
    };
    let mut sink = store.begin_ingest().await.unwrap();
    sink.create_collection(&old).await.unwrap();
    sink.write(
        "units",
        vec![Feature {
            id: "F205//12/200/1@1".into(),
            geometry: Some(Geometry::Point(Point::new(514_900.0, 5_034_600.0))),
            properties: vec![
                ("unit_key".into(), Value::Text("F205//12/200/1".into())),
                ("category".into(), Value::Text("C/6".into())),
                ("legacy_note".into(), Value::Text("x".into())),
            ],
        }],
    )
    .await
    .unwrap();
    sink.commit().await.unwrap();

    run(&store, "supply1", "2024-01-01").await;
    let units = all(&store, "units").await;
    assert_eq!(units.len(), 2);
    let kept = by_id(&units, "F205//12/200/1@1");
    assert_eq!(text(kept, "category"), Some("C/6"));
    assert_eq!(kept.property("legacy_note"), None);
    assert_eq!(
        kept.property("valid_from"),
        Some(&Value::Date(pipeline_support::date("0001-01-01")))
    );
    assert_eq!(
        text(by_id(&units, "F205//12/101/7@1"), "category"),
        Some("A/2")
    );
}
