//! Large answers stream in order across batches; concurrent readers share the pool; a
//! consumer that goes away mid-stream stops the read without harming the store.

use geo_types::{Geometry, Point};
use segit_query::sink::VecSink;
use segit_query::{
    BBox, CmpOp, Collection, Crs, Feature, FeatureQuery, FeatureSink, Filter, GeometryType,
    Identity, Property, PropertyType, QueryStats, SinkError, Value,
};
use segit_store::{FeatureStore, StoreError};
use segit_store_gpkg::GpkgStore;

const N: usize = 2_500;

async fn store_with_points(dir: &std::path::Path) -> GpkgStore {
    let store = GpkgStore::create(dir.join("s.gpkg")).expect("setting up the store");
    let collection = Collection {
        id: "many".into(),
        title: "Many points".into(),
        description: String::new(),
        keywords: Vec::new(),
        geometry_type: GeometryType::Point,
        storage_crs: Crs::Epsg(7791),
        properties: vec![Property::new("n", PropertyType::Integer, "N")],
        temporal: None,
        extent: None,
    };
    let mut ingest = store.begin_ingest().await.expect("setting up the store");
    ingest
        .create_collection(&collection)
        .await
        .expect("setting up the store");
    let features: Vec<Feature> = (0..N)
        .map(|i| Feature {
            id: format!("f{i:05}"),
            geometry: Some(Geometry::Point(Point::new(
                500_000.0 + (i % 50) as f64,
                5_000_000.0 + (i / 50) as f64,
            ))),
            properties: vec![("n".into(), Value::Int(i as i64))],
        })
        .collect();
    for chunk in features.chunks(1_000) {
        ingest
            .write("many", chunk.to_vec())
            .await
            .expect("setting up the store");
    }
    ingest.commit().await.expect("setting up the store");
    store
}

async fn all(store: &GpkgStore, query: &FeatureQuery) -> (Vec<String>, QueryStats) {
    let mut sink = VecSink::default();
    let stats = store
        .query(query, &mut sink)
        .await
        .expect("setting up the store");
    (sink.features.into_iter().map(|f| f.id).collect(), stats)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_answers_arrive_complete_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_points(dir.path()).await;
    let expected: Vec<String> = (0..N).map(|i| format!("f{i:05}")).collect();
    let plain = FeatureQuery::new("many", Identity::System);
    let (ids, stats) = all(&store, &plain).await;
    assert_eq!(ids, expected);
    assert_eq!(
        stats,
        QueryStats {
            number_matched: N as u64,
            number_returned: N as u64
        }
    );
    let mut filtered = plain.clone();
    filtered.filter = Some(Filter::Compare {
        property: "n".into(),
        op: CmpOp::Ge,
        value: Value::Int(100),
    });
    filtered.bbox = Some(
        BBox::new(
            499_000.0,
            4_999_000.0,
            501_000.0,
            5_001_000.0,
            Crs::Epsg(7791),
        )
        .unwrap(),
    );
    filtered.offset = 7;
    filtered.limit = Some(2_000);
    let (ids, stats) = all(&store, &filtered).await;
    assert_eq!(ids, expected[107..2_107]);
    assert_eq!(
        stats,
        QueryStats {
            number_matched: (N - 100) as u64,
            number_returned: 2_000
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_readers_get_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_points(dir.path()).await;
    let query = FeatureQuery::new("many", Identity::System);
    let reference = all(&store, &query).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (store, query) = (store.clone(), query.clone());
        tasks.spawn(async move { all(&store, &query).await });
    }
    while let Some(answer) = tasks.join_next().await {
        assert_eq!(answer.unwrap(), reference);
    }
}

struct StopAfter(usize);

#[async_trait::async_trait]
impl FeatureSink for StopAfter {
    async fn begin(&mut self, _c: &Collection) -> Result<(), SinkError> {
        Ok(())
    }
    async fn feature(&mut self, _f: Feature) -> Result<(), SinkError> {
        self.0 = self.0.checked_sub(1).ok_or(SinkError::Closed)?;
        Ok(())
    }
    async fn end(&mut self, _s: QueryStats) -> Result<(), SinkError> {
        panic!("end after the consumer went away");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_going_away_mid_stream_stops_the_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_points(dir.path()).await;
    let query = FeatureQuery::new("many", Identity::System);
    for stop in [0, 1, 255, 256, 257, 1_000] {
        let result = store.query(&query, &mut StopAfter(stop)).await;
        assert!(
            matches!(result, Err(StoreError::Sink(SinkError::Closed))),
            "stop after {stop}: {result:?}"
        );
    }
    let (ids, _) = all(&store, &query).await;
    assert_eq!(ids.len(), N, "the store still answers");
}
