//! Writing the demo municipality into a store in one ingest transaction.

use segit_store::{FeatureStore, StoreError};

use crate::Municipality;
use crate::features::layers;

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
/// visible.
pub async fn write_to(
    store: &dyn FeatureStore,
    m: &Municipality,
) -> Result<DemoSummary, StoreError> {
    let mut sink = store.begin_ingest().await?;
    let mut counts = Vec::new();
    for (collection, features) in layers(m) {
        let n = features.len() as u64;
        let result = async {
            sink.create_collection(&collection).await?;
            let mut rest = features;
            while !rest.is_empty() {
                let tail = rest.split_off(rest.len().min(BATCH));
                sink.write(&collection.id, rest).await?;
                rest = tail;
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
