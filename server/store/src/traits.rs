//! The storage traits.

use async_trait::async_trait;
use segit_query::{
    Catalog, Collection, Extent, Feature, FeatureQuery, FeatureSink, Identity, QueryStats,
};

use crate::error::StoreError;

/// A store of published features.
///
/// Contract (checked by the contract suite in every backend's tests):
/// - `query` validates nothing itself beyond the collection's existence: callers pass a query
///   already validated with [`FeatureQuery::validate`]. It feeds the sink `begin`, the matching
///   features in order (sort keys, then id ascending), then `end` with the number matched
///   before paging. Geometries arrive in `query.output_crs`.
/// - Paging is stable: for an unchanged store, consecutive pages with the same query and
///   increasing offsets neither repeat nor skip features.
/// - Readers never see a half-written ingest: an [`IngestSink`] becomes visible only on commit.
#[async_trait]
pub trait FeatureStore: Send + Sync {
    /// The collections this store publishes, as last committed.
    async fn catalog(&self) -> Result<Catalog, StoreError>;

    /// Streams the features answering `query` into `sink`.
    async fn query(
        &self,
        query: &FeatureQuery,
        sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError>;

    /// Number of features matching `query` (bbox, datetime, filter), ignoring offset and limit.
    async fn count(&self, query: &FeatureQuery) -> Result<u64, StoreError>;

    /// One feature by id, geometry in `crs`, or `None` when there is no such feature.
    async fn get(
        &self,
        collection: &str,
        id: &str,
        crs: segit_query::Crs,
        identity: &Identity,
    ) -> Result<Option<Feature>, StoreError>;

    /// The current extent of `collection` computed from its data (`None` when empty).
    async fn extent(&self, collection: &str) -> Result<Option<Extent>, StoreError>;

    /// Starts a transactional write. Nothing written through it is visible until
    /// [`IngestSink::commit`]; dropping it without commit discards everything.
    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError>;
}

/// A transactional writer into a store.
#[async_trait]
pub trait IngestSink: Send {
    /// Creates `collection` (table, indexes, catalog entry), replacing an existing collection
    /// with the same id and all its features.
    async fn create_collection(&mut self, collection: &Collection) -> Result<(), StoreError>;

    /// Appends features to a collection created in this or an earlier ingest. Geometries are
    /// in the collection's storage CRS; properties follow its schema (missing ones are null).
    /// A property with an empty name is the schema's property at the same position (as a
    /// query with `property_names = false` returns them): a feature built in schema order may
    /// leave its names out.
    async fn write(&mut self, collection: &str, features: Vec<Feature>) -> Result<(), StoreError>;

    /// Like [`IngestSink::write`], but the store may still be writing the features when it
    /// returns, so that the caller prepares the next ones meanwhile: an error of this write is
    /// returned by the next call on the sink (a later write, `create_collection`, `commit`),
    /// which then writes nothing more. Stores that cannot overlap writes write at once.
    async fn write_deferred(
        &mut self,
        collection: &str,
        features: Vec<Feature>,
    ) -> Result<(), StoreError> {
        self.write(collection, features).await
    }

    /// Makes everything written visible at once, and recomputes the extents of the touched
    /// collections.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;

    /// Discards everything written.
    async fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}
