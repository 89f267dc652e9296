//! `write_to` against a recording store: one transaction, every collection created before its
//! features, batches of at most 5 000 features, rollback on failure.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use segit_demo::{DemoParams, generate, layers, write_to};
use segit_query::{
    Catalog, Collection, Crs, Extent, Feature, FeatureQuery, FeatureSink, Identity, QueryStats,
};
use segit_store::{FeatureStore, IngestSink, StoreError};

#[derive(Debug, Default)]
struct Log {
    begun: usize,
    events: Vec<String>,
    batches: Vec<(String, usize)>,
}

struct Store {
    log: Arc<Mutex<Log>>,
    fail_on_write: Option<usize>,
}

struct Sink {
    log: Arc<Mutex<Log>>,
    fail_on_write: Option<usize>,
    writes: usize,
}

#[async_trait]
impl FeatureStore for Store {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        Ok(Catalog::default())
    }
    async fn query(
        &self,
        _query: &FeatureQuery,
        _sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        Err(StoreError::Unavailable("recording store".into()))
    }
    async fn count(&self, _query: &FeatureQuery) -> Result<u64, StoreError> {
        Ok(0)
    }
    async fn get(
        &self,
        _collection: &str,
        _id: &str,
        _crs: Crs,
        _identity: &Identity,
    ) -> Result<Option<Feature>, StoreError> {
        Ok(None)
    }
    async fn extent(&self, _collection: &str) -> Result<Option<Extent>, StoreError> {
        Ok(None)
    }
    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
        self.log.lock().expect("log lock").begun += 1;
        Ok(Box::new(Sink {
            log: Arc::clone(&self.log),
            fail_on_write: self.fail_on_write,
            writes: 0,
        }))
    }
}

#[async_trait]
impl IngestSink for Sink {
    async fn create_collection(&mut self, collection: &Collection) -> Result<(), StoreError> {
        self.log
            .lock()
            .expect("log lock")
            .events
            .push(format!("create {}", collection.id));
        Ok(())
    }
    async fn write(&mut self, collection: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        self.writes += 1;
        if Some(self.writes) == self.fail_on_write {
            return Err(StoreError::Backend("disk full".into()));
        }
        let mut log = self.log.lock().expect("log lock");
        log.events.push(format!("write {collection}"));
        log.batches.push((collection.to_owned(), features.len()));
        Ok(())
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.log
            .lock()
            .expect("log lock")
            .events
            .push("commit".into());
        Ok(())
    }
    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.log
            .lock()
            .expect("log lock")
            .events
            .push("rollback".into());
        Ok(())
    }
}

#[test]
fn writes_every_collection_in_one_transaction_and_batches() {
    let m = generate(&DemoParams {
        seed: 1,
        scale: 0.4,
    });
    let log = Arc::new(Mutex::new(Log::default()));
    let store = Store {
        log: Arc::clone(&log),
        fail_on_write: None,
    };
    let summary = futures::executor::block_on(write_to(&store, &m)).unwrap();
    let expected: Vec<(String, u64)> = layers(&m)
        .into_iter()
        .map(|(c, f)| (c.id, f.len() as u64))
        .collect();
    assert_eq!(summary.counts, expected);
    let log = log.lock().expect("log lock");
    assert_eq!(log.begun, 1);
    assert_eq!(log.events.last().map(String::as_str), Some("commit"));
    assert!(!log.events.iter().any(|e| e == "rollback"));
    for (id, n) in &expected {
        let create = log
            .events
            .iter()
            .position(|e| *e == format!("create {id}"))
            .unwrap();
        let first_write = log.events.iter().position(|e| *e == format!("write {id}"));
        assert!(
            first_write.is_none_or(|w| w > create),
            "{id} written before creation"
        );
        let written: usize = log.batches.iter().filter(|b| b.0 == *id).map(|b| b.1).sum();
        assert_eq!(written as u64, *n, "{id}");
    }
    assert!(log.batches.iter().all(|b| b.1 <= 5_000 && b.1 > 0));
    assert!(
        log.batches.iter().any(|b| b.1 == 5_000),
        "large collections are split"
    );
}

#[test]
fn a_failed_write_rolls_back_and_reports_the_error() {
    let m = generate(&DemoParams {
        seed: 1,
        scale: 0.05,
    });
    let log = Arc::new(Mutex::new(Log::default()));
    let store = Store {
        log: Arc::clone(&log),
        fail_on_write: Some(3),
    };
    let err = futures::executor::block_on(write_to(&store, &m)).unwrap_err();
    assert!(matches!(err, StoreError::Backend(ref m) if m == "disk full"));
    let log = log.lock().expect("log lock");
    assert_eq!(log.events.last().map(String::as_str), Some("rollback"));
    assert!(!log.events.iter().any(|e| e == "commit"));
}
