//! Errors of the storage layer.

use segit_query::QueryError;
use thiserror::Error;

/// Why a store could not answer or write. Variants never carry SQL text or connection strings
/// meant for clients; `Backend` details are for logs.
#[derive(Debug, Error)]
pub enum StoreError {
    /// the query itself is invalid for this collection
    #[error(transparent)]
    Query(#[from] QueryError),
    /// the store cannot be reached (database down, pool exhausted, file locked)
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// the store's content is not what segit expects (corrupt file, missing table, bad schema)
    #[error("store content is invalid: {0}")]
    Corrupt(String),
    /// a write conflicts with stored data (duplicate id, collection exists with another schema)
    #[error("conflict: {0}")]
    Conflict(String),
    /// the consumer of a query stopped (client went away); not a server fault
    #[error("the consumer stopped: {0}")]
    Sink(#[from] segit_query::SinkError),
    /// any other backend failure (details for logs, not clients)
    #[error("backend error: {0}")]
    Backend(String),
}
