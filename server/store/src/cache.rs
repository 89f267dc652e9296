//! A store decorator that keeps the catalog in memory for a short time.
//!
//! Every protocol request needs the catalog (to find its collection, to list collections);
//! reading and decoding it from the database each time costs more than answering a single
//! feature. [`CatalogCache`] answers `catalog()` from memory for up to `ttl`, refreshes it after,
//! and forgets it as soon as an ingest through it commits. Writes by another process become
//! visible to catalog readers within `ttl`; queries themselves always read the collection's
//! current definition inside the store, so a stale catalog never yields a wrong feature.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use segit_query::{
    Catalog, Collection, Crs, Extent, Feature, FeatureQuery, FeatureSink, Identity, QueryStats,
};

use crate::error::StoreError;
use crate::traits::{FeatureStore, IngestSink};

type Cached = Option<(Instant, Arc<Catalog>)>;

/// A [`FeatureStore`] whose catalog is cached for `ttl`.
pub struct CatalogCache {
    inner: Arc<dyn FeatureStore>,
    ttl: Duration,
    cached: Arc<RwLock<Cached>>,
}

impl CatalogCache {
    /// Wraps `inner`, caching its catalog for `ttl`.
    pub fn new(inner: Arc<dyn FeatureStore>, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            cached: Arc::new(RwLock::new(None)),
        }
    }

    fn fresh(&self) -> Option<Arc<Catalog>> {
        let guard = self.cached.read().ok()?;
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, c)| Arc::clone(c))
    }
}

fn forget(cached: &RwLock<Cached>) {
    if let Ok(mut guard) = cached.write() {
        *guard = None;
    }
}

#[async_trait]
impl FeatureStore for CatalogCache {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        if let Some(catalog) = self.fresh() {
            return Ok((*catalog).clone());
        }
        let catalog = self.inner.catalog().await?;
        if let Ok(mut guard) = self.cached.write() {
            *guard = Some((Instant::now(), Arc::new(catalog.clone())));
        }
        Ok(catalog)
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
        let inner = self.inner.begin_ingest().await?;
        Ok(Box::new(ForgetOnCommit {
            inner,
            cached: Arc::clone(&self.cached),
        }))
    }
}

/// An ingest through the cache: committing it forgets the cached catalog.
struct ForgetOnCommit {
    inner: Box<dyn IngestSink>,
    cached: Arc<RwLock<Cached>>,
}

#[async_trait]
impl IngestSink for ForgetOnCommit {
    async fn create_collection(&mut self, collection: &Collection) -> Result<(), StoreError> {
        self.inner.create_collection(collection).await
    }

    async fn write(&mut self, collection: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        self.inner.write(collection, features).await
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let result = self.inner.commit().await;
        forget(&self.cached);
        result
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.inner.rollback().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Counts catalog reads; its catalog grows by one collection per commit.
    #[derive(Default)]
    struct Counting {
        reads: AtomicUsize,
        commits: Arc<AtomicUsize>,
    }

    struct Sink(Arc<AtomicUsize>);

    #[async_trait]
    impl IngestSink for Sink {
        async fn create_collection(&mut self, _: &Collection) -> Result<(), StoreError> {
            Ok(())
        }
        async fn write(&mut self, _: &str, _: Vec<Feature>) -> Result<(), StoreError> {
            Ok(())
        }
        async fn commit(self: Box<Self>) -> Result<(), StoreError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
        async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
            Ok(())
        }
    }

    #[async_trait]
    impl FeatureStore for Counting {
        async fn catalog(&self) -> Result<Catalog, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let n = self.commits.load(Ordering::SeqCst);
            let template = Collection {
                id: String::new(),
                title: String::new(),
                description: String::new(),
                keywords: Vec::new(),
                geometry_type: segit_query::GeometryType::None,
                storage_crs: Crs::Epsg(7791),
                properties: Vec::new(),
                temporal: None,
                extent: None,
            };
            let collections = (0..n)
                .map(|i| Collection {
                    id: format!("c{i}"),
                    ..template.clone()
                })
                .collect();
            Ok(Catalog { collections })
        }
        async fn query(
            &self,
            _: &FeatureQuery,
            _: &mut dyn FeatureSink,
        ) -> Result<QueryStats, StoreError> {
            Ok(QueryStats::default())
        }
        async fn count(&self, _: &FeatureQuery) -> Result<u64, StoreError> {
            Ok(0)
        }
        async fn get(
            &self,
            _: &str,
            _: &str,
            _: Crs,
            _: &Identity,
        ) -> Result<Option<Feature>, StoreError> {
            Ok(None)
        }
        async fn extent(&self, _: &str) -> Result<Option<Extent>, StoreError> {
            Ok(None)
        }
        async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
            Ok(Box::new(Sink(Arc::clone(&self.commits))))
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        // the futures here never wait on IO: poll them to completion on this thread
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn catalog_is_read_once_within_the_ttl_and_again_after_a_commit() {
        let inner = Arc::new(Counting::default());
        let store = CatalogCache::new(inner.clone(), Duration::from_mins(1));
        block_on(async {
            assert!(store.catalog().await.unwrap().collections.is_empty());
            assert!(store.catalog().await.unwrap().collections.is_empty());
            assert_eq!(inner.reads.load(Ordering::SeqCst), 1);
            let ingest = store.begin_ingest().await.unwrap();
            ingest.commit().await.unwrap();
            assert_eq!(store.catalog().await.unwrap().collections.len(), 1);
            assert_eq!(inner.reads.load(Ordering::SeqCst), 2);
        });
    }

    #[test]
    fn a_zero_ttl_never_caches() {
        let inner = Arc::new(Counting::default());
        let store = CatalogCache::new(inner.clone(), Duration::ZERO);
        block_on(async {
            store.catalog().await.unwrap();
            store.catalog().await.unwrap();
        });
        assert_eq!(inner.reads.load(Ordering::SeqCst), 2);
    }
}
