//! Building blocks shared by every OGC service module: errors, links, content negotiation,
//! query-parameter parsing and the service configuration.

pub mod config;
pub mod error;
pub mod links;
pub mod negotiate;
pub mod params;
