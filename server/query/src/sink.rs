//! The streaming consumer a store feeds.
//!
//! Call order, guaranteed by every store: `begin` exactly once, then `feature` zero or more times
//! in result order, then `end` exactly once — unless a call returns an error or the store fails,
//! in which case no further call is made. An encoder may therefore write its header in `begin`
//! and its trailer (counts, links) in `end`.

use async_trait::async_trait;
use thiserror::Error;

use crate::catalog::Collection;
use crate::feature::Feature;

/// What a store knows when the answer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueryStats {
    /// features that matched the selection, before offset and limit
    pub number_matched: u64,
    /// features passed to `feature`
    pub number_returned: u64,
}

/// A sink failed; the store stops feeding it.
#[derive(Debug, Error)]
pub enum SinkError {
    /// the consumer went away (client disconnected)
    #[error("the receiver of the features went away")]
    Closed,
    /// encoding failed
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// A consumer of query results.
#[async_trait]
pub trait FeatureSink: Send {
    /// Called once before the first feature, with the collection being answered.
    async fn begin(&mut self, collection: &Collection) -> Result<(), SinkError>;
    /// Called for each feature, in order.
    async fn feature(&mut self, feature: Feature) -> Result<(), SinkError>;
    /// Called once after the last feature.
    async fn end(&mut self, stats: QueryStats) -> Result<(), SinkError>;
}

/// A sink that collects features in memory (tests, small internal queries).
#[derive(Debug, Default)]
pub struct VecSink {
    /// features received
    pub features: Vec<Feature>,
    /// stats received by `end`
    pub stats: Option<QueryStats>,
}

#[async_trait]
impl FeatureSink for VecSink {
    async fn begin(&mut self, _collection: &Collection) -> Result<(), SinkError> {
        Ok(())
    }
    async fn feature(&mut self, feature: Feature) -> Result<(), SinkError> {
        self.features.push(feature);
        Ok(())
    }
    async fn end(&mut self, stats: QueryStats) -> Result<(), SinkError> {
        self.stats = Some(stats);
        Ok(())
    }
}
