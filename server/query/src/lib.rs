//! segit-query: the one feature-query core every protocol and the correlation engine use.
//!
//! A protocol module translates its dialect (OGC API query parameters, WFS KVP, FES, CQL2, tile
//! coordinates) into a [`FeatureQuery`], validates it against the [`Catalog`], and hands it to a
//! store together with a [`FeatureSink`] that encodes the answer as it streams.
//!
//! - [`value`]: typed property values and property types.
//! - [`feature`]: the feature record exchanged between stores and encoders.
//! - [`filter`]: the backend-neutral filter AST and its evaluation semantics.
//! - [`query`]: `FeatureQuery`, bbox, datetime intervals, sorting, paging.
//! - [`catalog`]: collections, their property schema (public or personal), extents, queryables.
//! - [`crs`]: supported coordinate reference systems, axis order and pure-Rust transformations
//!   ([`Transformer`], [`transform_bbox`]).
//! - [`eval`]: filter coercion at validation, preparation into the storage CRS, and the reference
//!   three-valued evaluation of a filter against a feature (`LIKE`, datetime intervals).
//! - [`wkb`]: the WKB/EWKB geometry codec the stores share.
//! - [`identity`]: who is asking; carried by every query.
//! - [`sink`]: the streaming consumer a store feeds.

pub mod catalog;
pub mod crs;
pub mod error;
pub mod eval;
#[cfg(test)]
mod eval_geo_tests;
#[cfg(test)]
mod eval_tests;
pub mod feature;
pub mod filter;
pub mod identity;
pub mod query;
pub mod sink;
pub mod value;
pub mod wkb;

pub use catalog::{Catalog, Collection, Extent, GeometryType, Property, TemporalProperties};
pub use crs::{Crs, HelmertSet, Transformer, transform_bbox};
pub use error::QueryError;
pub use feature::Feature;
pub use filter::{CmpOp, Filter, SpatialOp};
pub use identity::Identity;
pub use query::{BBox, DatetimeInterval, FeatureQuery, SortKey};
pub use sink::{FeatureSink, QueryStats, SinkError};
pub use value::{PropertyType, Value};
