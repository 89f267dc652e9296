//! OGC API Features over an in-memory store: every endpoint, paging, CRS handling, errors,
//! HTML pages and streaming.

// helpers outside `#[test]` functions fail loudly on purpose
#![allow(clippy::unwrap_used)]

mod support;

mod capabilities;
mod errors;
mod gdal;
mod items;
mod streaming;
