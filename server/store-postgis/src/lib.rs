//! PostGIS backend of segit.
//!
//! [`PostgisStore`] implements [`segit_store::FeatureStore`] over one PostgreSQL schema:
//! a catalog table `segit_collections` (each `Collection` as JSON) and one table per collection
//! (`id text COLLATE "C"` primary key, `geom geometry(<type>, <srid>)` with a GiST index, one
//! typed column per property). [`migrate()`] creates and updates that schema from the numbered
//! files in `migrations/`.
//!
//! - [`sql`]: identifier quoting and the static statements (DDL, catalog, `COPY`);
//! - [`params`]: bound parameters;
//! - [`filter_sql`], [`select`]: pure builders translating a query into SQL with the semantics of
//!   `segit_query::eval`;
//! - [`read`], [`copy`]: rows to features and features to `COPY` rows;
//! - [`store`], [`ingest`], [`extent`]: the store itself;
//! - [`connect`], [`error`], [`mod@migrate`]: connections, error mapping, schema migrations.
//!
//! Geometries travel as WKB and are transformed between CRSs in Rust, never in SQL, so this
//! backend and the GeoPackage backend return identical coordinates.

pub mod connect;
pub mod copy;
pub mod error;
pub mod extent;
pub mod filter_sql;
pub mod ingest;
pub mod migrate;
pub mod params;
pub mod read;
pub mod select;
pub mod sql;
pub mod store;

pub use ingest::PostgisIngest;
pub use migrate::{MIGRATIONS, Migration, migrate};
pub use sql::quote_ident;
pub use store::PostgisStore;
