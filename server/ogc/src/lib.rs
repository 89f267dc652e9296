//! OGC protocols of segit: OGC API Features (and later WFS, WMS, Tiles) over HTTP.
//!
//! This is the only crate that knows HTTP, JSON wire formats and HTML. Handlers see the store
//! as `Arc<dyn FeatureStore>` and translate requests into [`segit_query::FeatureQuery`]s.
//!
//! - [`common`]: problem+json errors (the one mapping from query and store errors), links,
//!   content negotiation, query-parameter parsing, service configuration.
//! - [`features`]: OGC API – Features Part 1 Core (plus Part 2 `crs`/`bbox-crs`): routes,
//!   handlers, OpenAPI document, HTML pages.
//! - [`encode`]: the streaming GeoJSON sink.
//!
//! The binary mounts everything with [`configure`]:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # fn demo(store: Arc<dyn segit_store::FeatureStore>) {
//! use actix_web::App;
//! use segit_ogc::{AppState, ServiceConfig};
//! let state = AppState {
//!     store,
//!     config: ServiceConfig::new("http://127.0.0.1:8080", "segit", "Municipal geodata"),
//! };
//! // once per worker, e.g. inside `HttpServer::new(move || ...)`
//! let _app = App::new().configure(segit_ogc::configure(state.clone()));
//! # }
//! ```

pub mod common;
pub mod encode;
pub mod features;

pub use common::config::{AppState, ServiceConfig};
pub use features::configure;
