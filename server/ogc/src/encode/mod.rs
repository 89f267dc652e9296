//! Encoders: streaming writers the store feeds feature by feature.
//!
//! - [`json`]: low-level GeoJSON/JSON writing into a byte buffer (numbers with `ryu`).
//! - [`geojson`]: [`GeoJsonSink`], a [`segit_query::FeatureSink`] writing a GeoJSON
//!   FeatureCollection in chunks to a [`ChunkOutput`] (a bounded channel in the server).

pub mod geojson;
pub mod json;

pub use geojson::{ChunkOutput, GeoJsonSink, TrailerLinks};
