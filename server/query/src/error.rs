//! Errors of the query core.

use thiserror::Error;

/// Why a query cannot be answered as asked. Each variant carries what the client needs to fix it.
#[derive(Debug, Error, PartialEq)]
pub enum QueryError {
    /// the collection does not exist (or the caller may not see it)
    #[error("unknown collection '{0}'")]
    UnknownCollection(String),
    /// a property named in the query does not exist in the collection
    #[error("collection '{collection}' has no property '{property}'")]
    UnknownProperty {
        /// collection id
        collection: String,
        /// property name as given
        property: String,
    },
    /// a literal does not fit the property's type
    #[error("invalid value for property '{property}': {reason}")]
    InvalidValue {
        /// property name
        property: String,
        /// why the literal is not acceptable
        reason: String,
    },
    /// an operator that needs text was applied to another type
    #[error("operator {operator} needs a text property, '{property}' is not text")]
    NotText {
        /// operator name
        operator: &'static str,
        /// property name
        property: String,
    },
    /// a CRS that segit does not support
    #[error("unsupported CRS '{0}'")]
    UnsupportedCrs(String),
    /// a coordinate transformation failed
    #[error("coordinate transformation failed: {0}")]
    Transform(String),
    /// a datetime filter on a collection without time
    #[error("collection '{0}' has no temporal properties; datetime cannot be used")]
    NotTemporal(String),
    /// a malformed geometry literal
    #[error("invalid geometry: {0}")]
    InvalidGeometry(String),
}
