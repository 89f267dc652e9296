//! Writing the demo municipality into a store in one ingest transaction.

use segit_store::{FeatureStore, StoreError};

use crate::Municipality;
use segit_query::Feature;

use crate::features::LAYERS;

/// Features per `write` call.
pub const BATCH: usize = 5_000;

/// What [`write_to`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// (collection id, features written), in publication order
    pub counts: Vec<(String, u64)>,
}

/// Creates every collection of the demo and writes its features in batches of [`BATCH`], in a
/// single ingest transaction: on any error the ingest is rolled back and nothing becomes
/// visible. Features are built one collection at a time, so only one collection's features are
/// in memory at once.
pub async fn write_to(
    store: &dyn FeatureStore,
    m: &Municipality,
) -> Result<DemoSummary, StoreError> {
    let mut sink = store.begin_ingest().await?;
    let mut counts = Vec::new();
    for (schema, build) in LAYERS {
        let collection = schema();
        let features = build(m);
        let n = features.len() as u64;
        let result = async {
            sink.create_collection(&collection).await?;
            let mut rest = features.into_iter();
            loop {
                let batch: Vec<Feature> = rest.by_ref().take(BATCH).collect();
                if batch.is_empty() {
                    break;
                }
                sink.write(&collection.id, batch).await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = result {
            // The original error matters more than a failed rollback.
            let _ = sink.rollback().await;
            return Err(e);
        }
        counts.push((collection.id, n));
    }
    sink.commit().await?;
    Ok(DemoSummary { counts })
}
