//! Shared helpers of the pipeline tests: fixture supplies, a GeoPackage store, queries.

#![allow(dead_code)] // each test file uses its own subset of the helpers

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use segit_ingest::pipeline::{IngestOptions, IngestReport, NoProgress, ingest};
use segit_query::sink::VecSink;
use segit_query::{Crs, DatetimeInterval, Feature, FeatureQuery, Identity, Value};
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;

/// A fixture supply of `tests/fixtures/pipeline`.
pub fn supply(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pipeline")
        .join(name)
}

/// A date.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("pipeline test setup")
}

/// A fresh GeoPackage store in `dir`.
pub fn store(dir: &Path) -> GpkgStore {
    GpkgStore::create(dir.join("store.gpkg")).expect("pipeline test setup")
}

/// Options for a supply of `day`, stored in EPSG:7791.
pub fn options(day: &str) -> IngestOptions {
    IngestOptions::new(Crs::Epsg(7791), date(day))
}

/// Ingests `supply` on `day`.
pub async fn run(store: &dyn FeatureStore, supply_name: &str, day: &str) -> IngestReport {
    ingest(store, &supply(supply_name), &options(day), &mut NoProgress)
        .await
        .expect("pipeline test setup")
}

/// Ingests the supply directory `root` on `day`.
pub async fn ingest_dir(store: &dyn FeatureStore, root: &Path, day: &str) -> IngestReport {
    ingest(store, root, &options(day), &mut NoProgress)
        .await
        .expect("pipeline test setup")
}

/// Every feature of `collection` (all versions), by id.
pub async fn all(store: &dyn FeatureStore, collection: &str) -> Vec<Feature> {
    query(store, collection, None).await
}

/// The versions of `collection` valid on `day` (OGC API `datetime=<day>`).
pub async fn as_of(store: &dyn FeatureStore, collection: &str, day: &str) -> Vec<Feature> {
    let t = Utc.from_utc_datetime(&date(day).and_hms_opt(0, 0, 0).expect("pipeline test setup"));
    let interval = DatetimeInterval {
        start: Some(t),
        end: Some(t),
    };
    query(store, collection, Some(interval)).await
}

async fn query(
    store: &dyn FeatureStore,
    collection: &str,
    datetime: Option<DatetimeInterval>,
) -> Vec<Feature> {
    let catalog = store.catalog().await.expect("pipeline test setup");
    let c = catalog
        .get(collection)
        .unwrap_or_else(|| panic!("no collection {collection}"));
    let mut q = FeatureQuery::new(collection, Identity::System);
    q.output_crs = c.storage_crs;
    q.datetime = datetime;
    let q = q.validate(c).expect("pipeline test setup");
    let mut sink = VecSink::default();
    store
        .query(&q, &mut sink)
        .await
        .expect("pipeline test setup");
    sink.features
}

/// Text property.
pub fn text<'a>(f: &'a Feature, name: &str) -> Option<&'a str> {
    match f.property(name) {
        Some(Value::Text(t)) => Some(t.as_str()),
        _ => None,
    }
}

/// Number property.
pub fn number(f: &Feature, name: &str) -> Option<f64> {
    match f.property(name) {
        Some(Value::Float(x)) => Some(*x),
        Some(Value::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// The feature with id `id`.
pub fn by_id<'a>(features: &'a [Feature], id: &str) -> &'a Feature {
    features.iter().find(|f| f.id == id).unwrap_or_else(|| {
        let ids: Vec<&str> = features.iter().map(|f| f.id.as_str()).collect();
        panic!("no feature {id} among {ids:?}")
    })
}
