//! The backend contract suite: checks every [`FeatureStore`] must pass, whatever it stores
//! features in. Backends run it from their tests on a fresh, empty store:
//!
//! ```text
//! segit_store::contract::run_all(&store).await;
//! ```
//!
//! or call the checks one by one (each loads the fixtures it needs, see [`fixtures::ensure`]).
//! Expected answers come from the reference semantics in `segit_query::eval` applied to the
//! fixtures in memory ([`oracle`]), so a backend agrees with the query core by construction.
//! A failing check panics with a message naming the query and the difference.

pub mod fixtures;
mod lifecycle;
pub mod oracle;
mod queries;
mod spatial;

use async_trait::async_trait;
use segit_query::{Collection, Feature, FeatureQuery, FeatureSink, QueryStats, SinkError};

use crate::{FeatureStore, StoreError};

pub use lifecycle::{
    check_catalog, check_deferred_writes, check_empty_collection, check_get,
    check_positional_writes, check_recreate_replaces, check_rollback_leaves_nothing,
    check_sink_failure, check_uncommitted_is_invisible, check_unknown_collection,
    check_write_errors,
};
pub use queries::{
    check_count, check_datetime, check_empty_results, check_filters, check_like, check_paging,
    check_projection, check_sort,
};
pub use spatial::{check_bbox, check_extent, check_output_crs, check_spatial_filters};

/// Runs every check, in order, on `store` (which should start empty).
pub async fn run_all(store: &dyn FeatureStore) {
    check_catalog(store).await;
    check_paging(store).await;
    check_count(store).await;
    check_filters(store).await;
    check_like(store).await;
    check_sort(store).await;
    check_projection(store).await;
    check_empty_results(store).await;
    check_datetime(store).await;
    check_bbox(store).await;
    check_spatial_filters(store).await;
    check_output_crs(store).await;
    check_extent(store).await;
    check_get(store).await;
    check_unknown_collection(store).await;
    check_sink_failure(store).await;
    check_empty_collection(store).await;
    check_write_errors(store).await;
    check_deferred_writes(store).await;
    check_positional_writes(store).await;
    check_uncommitted_is_invisible(store).await;
    check_rollback_leaves_nothing(store).await;
    check_recreate_replaces(store).await;
}

/// A sink that records what it receives and asserts the documented call order.
#[derive(Debug, Default)]
pub struct RecordingSink {
    /// collection id passed to `begin`
    pub begun: Option<String>,
    /// features received
    pub features: Vec<Feature>,
    /// stats passed to `end`
    pub ended: Option<QueryStats>,
}

#[async_trait]
impl FeatureSink for RecordingSink {
    async fn begin(&mut self, collection: &Collection) -> Result<(), SinkError> {
        assert!(
            self.begun.is_none(),
            "begin called twice (second for '{}')",
            collection.id
        );
        self.begun = Some(collection.id.clone());
        Ok(())
    }
    async fn feature(&mut self, feature: Feature) -> Result<(), SinkError> {
        assert!(
            self.begun.is_some(),
            "feature '{}' sent before begin",
            feature.id
        );
        assert!(
            self.ended.is_none(),
            "feature '{}' sent after end",
            feature.id
        );
        self.features.push(feature);
        Ok(())
    }
    async fn end(&mut self, stats: QueryStats) -> Result<(), SinkError> {
        assert!(self.begun.is_some(), "end called before begin");
        assert!(self.ended.is_none(), "end called twice");
        self.ended = Some(stats);
        Ok(())
    }
}

/// What a query returned through a [`RecordingSink`].
#[derive(Debug)]
pub struct Answer {
    /// features in the order received
    pub features: Vec<Feature>,
    /// stats passed to `end`
    pub stats: QueryStats,
}

impl Answer {
    /// Ids of the features, in order.
    pub fn ids(&self) -> Vec<String> {
        self.features.iter().map(|f| f.id.clone()).collect()
    }
}

/// Runs `query` and checks the sink protocol: `begin` once with the query's collection, `end`
/// once, stats consistent with the features received and with the value `query` returned.
pub async fn run(store: &dyn FeatureStore, query: &FeatureQuery) -> Result<Answer, StoreError> {
    let mut sink = RecordingSink::default();
    let returned = store.query(query, &mut sink).await?;
    assert_eq!(
        sink.begun.as_deref(),
        Some(query.collection.as_str()),
        "begin was not called with collection '{}' for {query:?}",
        query.collection
    );
    let stats = sink
        .ended
        .unwrap_or_else(|| panic!("end was not called for {query:?}"));
    assert_eq!(
        stats, returned,
        "stats given to end differ from those returned for {query:?}"
    );
    assert_eq!(
        stats.number_returned,
        sink.features.len() as u64,
        "number_returned differs from the features sent for {query:?}"
    );
    Ok(Answer {
        features: sink.features,
        stats,
    })
}

/// [`run`], panicking on a store error.
pub async fn must_run(store: &dyn FeatureStore, query: &FeatureQuery) -> Answer {
    match run(store, query).await {
        Ok(a) => a,
        Err(e) => panic!("query failed: {e} ({query:?})"),
    }
}

/// A query on fixture collection `id`, validated against its definition (as handlers do).
pub fn validated(query: FeatureQuery) -> FeatureQuery {
    let (collection, _) = fixtures::fixture(&query.collection);
    let text = format!("{query:?}");
    query
        .validate(&collection)
        .unwrap_or_else(|e| panic!("the suite built an invalid query {text}: {e}"))
}

/// Runs a validated query and compares ids (in order) and `number_matched` with the oracle.
pub async fn assert_matches_oracle(
    store: &dyn FeatureStore,
    query: FeatureQuery,
    what: &str,
) -> Answer {
    let query = validated(query);
    let expected = oracle::answer(&query);
    let got = must_run(store, &query).await;
    assert_eq!(
        got.ids(),
        expected.ids,
        "{what}: wrong features or order for {query:?}"
    );
    assert_eq!(
        got.stats.number_matched, expected.matched,
        "{what}: wrong number_matched for {query:?}"
    );
    got
}
