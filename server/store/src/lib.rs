//! segit-store: the storage traits every backend implements.
//!
//! Handlers and engines see `dyn FeatureStore`; only the binary knows which backend is in use.
//! The contract suite every backend must pass lives in `contract` (added with the first backend).

pub mod error;
pub mod traits;

pub use error::StoreError;
pub use traits::{FeatureStore, IngestSink};
