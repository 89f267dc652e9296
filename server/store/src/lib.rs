//! segit-store: the storage traits every backend implements.
//!
//! Handlers and engines see `dyn FeatureStore`; only the binary knows which backend is in use.
//! The contract suite every backend must pass lives in `contract` (cargo feature `contract`,
//! enabled by backends in their dev-dependencies).

pub mod cache;
#[cfg(feature = "contract")]
pub mod contract;
pub mod error;
pub mod traits;

pub use cache::CatalogCache;
pub use error::StoreError;
pub use traits::{FeatureStore, IngestSink};
