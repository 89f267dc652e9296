//! GeoPackage backend of segit (embedded default): one file, no server, opened natively by
//! QGIS and GDAL.
//!
//! - [`GpkgStore`]: the [`FeatureStore`]; [`GpkgStore::open`], [`GpkgStore::create`],
//!   [`GpkgStore::open_or_create`].
//! - Layout: each collection is a feature (or attribute) table named by its id with
//!   `fid INTEGER PRIMARY KEY AUTOINCREMENT`, `id TEXT NOT NULL UNIQUE`, `geom` (GeoPackage
//!   geometry blob in the storage CRS) and one column per property; `rtree_<id>_geom` is its
//!   spatial index, kept by the specification's triggers. The catalog (collections as JSON, in
//!   publication order) is the table `segit_collections`.
//! - Values: BOOLEAN as 0/1, DATE as `YYYY-MM-DD`, DATETIME as `YYYY-MM-DDTHH:MM:SS.SSSZ`
//!   (GeoPackage's format: millisecond precision, fixed width so that text order is time order).
//! - Reads run on a small pool of read connections from `spawn_blocking`, streaming batches
//!   through a bounded channel; writes run on one connection in a dedicated thread inside a
//!   single transaction ([`FeatureStore::begin_ingest`]).
//!
//! Modules: `schema` (file layout), `srs` (CRS definitions), `geom` (geometry blobs), `sql`
//! (value and SQL helpers), `catalog` (catalog and extents), `read` (query plans), `pool`
//! (read connections), `ingest` (writer), `error` (SQLite error mapping).

mod catalog;
mod error;
mod geom;
mod ingest;
mod pool;
mod read;
mod schema;
mod sql;
mod srs;
mod tally;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use rusqlite::OpenFlags;
use segit_query::{Catalog, Crs, Extent, Feature, FeatureQuery, FeatureSink, Identity, QueryStats};
use segit_store::{FeatureStore, IngestSink, StoreError};
use tokio::sync::mpsc;

use crate::error::SqlContext;
use crate::pool::ReadPool;
use crate::read::{Output, Plan};

/// Read connections kept per store.
const READ_CONNECTIONS: usize = 4;
/// Features per batch sent from the reader thread to the sink (a bulk read, such as the
/// correlation engine's snapshot, keeps the reader thread busy rather than waiting on the sink).
const BATCH: usize = 1024;
/// Batches in flight between the reader thread and the sink.
const CHANNEL_BATCHES: usize = 4;

/// What the reader thread of a query sends to the sink's side.
enum Message {
    /// the collection answered (always first)
    Begin(Box<segit_query::Collection>),
    /// the next features, in order
    Batch(Vec<Feature>),
}

/// A GeoPackage file serving as a [`FeatureStore`].
#[derive(Debug, Clone)]
pub struct GpkgStore {
    path: PathBuf,
    readers: Arc<ReadPool>,
}

impl GpkgStore {
    /// Opens an existing GeoPackage. Fails with one error naming the file when it is missing
    /// (`Unavailable`), is not SQLite or not a GeoPackage (`Corrupt`).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::Unavailable(format!(
                "GeoPackage '{}' does not exist",
                path.display()
            )));
        }
        let conn = pool::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|e| match e {
            StoreError::Corrupt(_) => StoreError::Corrupt(format!(
                "'{}' is not a SQLite database file",
                path.display()
            )),
            other => other,
        })?;
        schema::check(&conn, path)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .ctx("switching to WAL mode")?;
        schema::ensure_support_tables(&conn)?;
        Ok(Self::with_path(path))
    }

    /// Creates a new, empty GeoPackage 1.3 at `path` (which must not exist) with the spatial
    /// reference systems segit supports.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        if path.exists() {
            return Err(StoreError::Conflict(format!(
                "cannot create GeoPackage '{}': the file already exists",
                path.display()
            )));
        }
        let mut conn = pool::connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        let tx = conn.transaction().ctx("creating the GeoPackage")?;
        schema::create_core(&tx)?;
        tx.commit().ctx("creating the GeoPackage")?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .ctx("switching to WAL mode")?;
        Ok(Self::with_path(path))
    }

    /// Opens `path` when it exists, creates it otherwise.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        if path.as_ref().exists() {
            Self::open(path)
        } else {
            Self::create(path)
        }
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with_path(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            readers: Arc::new(ReadPool::new(path.to_owned(), READ_CONNECTIONS)),
        }
    }

    /// Runs `f` with a read connection on a blocking thread.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || readers.with(f))
            .await
            .map_err(|e| StoreError::Backend(format!("a read task failed: {e}")))?
    }
}

#[async_trait]
impl FeatureStore for GpkgStore {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        self.read(catalog::read_catalog).await
    }

    async fn query(
        &self,
        query: &FeatureQuery,
        sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        let query = query.clone();
        let (tx, mut rx) = mpsc::channel::<Message>(CHANNEL_BATCHES);
        let readers = Arc::clone(&self.readers);
        // One blocking task reads the collection and its rows from one snapshot; the
        // collection goes first so that `begin` precedes every feature.
        let reader = tokio::task::spawn_blocking(move || {
            readers.with(|conn| {
                let collection = catalog::read_collection(conn, &query.collection)?;
                let plan = Plan::new(&query, collection)?;
                if tx
                    .blocking_send(Message::Begin(Box::new(plan.collection.clone())))
                    .is_err()
                {
                    return Ok(0);
                }
                let mut batch = Vec::with_capacity(BATCH);
                let mut open = true;
                let matched = plan.run(conn, |f| {
                    batch.push(f);
                    if batch.len() >= BATCH {
                        open = tx
                            .blocking_send(Message::Batch(std::mem::replace(
                                &mut batch,
                                Vec::with_capacity(BATCH),
                            )))
                            .is_ok();
                    }
                    open
                })?;
                if open && !batch.is_empty() {
                    let _ = tx.blocking_send(Message::Batch(batch));
                }
                Ok(matched)
            })
        });
        let mut begun = false;
        let mut returned: u64 = 0;
        while let Some(message) = rx.recv().await {
            match message {
                Message::Begin(collection) => {
                    sink.begin(&collection).await?;
                    begun = true;
                }
                Message::Batch(batch) => {
                    for f in batch {
                        sink.feature(f).await?;
                        returned += 1;
                    }
                }
            }
        }
        let matched = reader
            .await
            .map_err(|e| StoreError::Backend(format!("a read task failed: {e}")))??;
        if !begun {
            return Err(StoreError::Backend(
                "the read ended before naming its collection".into(),
            ));
        }
        let stats = QueryStats {
            number_matched: matched,
            number_returned: returned,
        };
        sink.end(stats).await?;
        Ok(stats)
    }

    async fn count(&self, query: &FeatureQuery) -> Result<u64, StoreError> {
        let query = query.clone();
        self.read(move |c| {
            let collection = catalog::read_collection(c, &query.collection)?;
            Plan::new(&query, collection)?.count(c)
        })
        .await
    }

    async fn get(
        &self,
        collection: &str,
        id: &str,
        crs: Crs,
        _identity: &Identity,
    ) -> Result<Option<Feature>, StoreError> {
        let (collection, id) = (collection.to_owned(), id.to_owned());
        self.read(move |c| {
            let collection = catalog::read_collection(c, &collection)?;
            let output = Output::full(&collection, crs)?;
            read::get(c, &collection, &id, &output)
        })
        .await
    }

    async fn extent(&self, collection: &str) -> Result<Option<Extent>, StoreError> {
        let collection = collection.to_owned();
        self.read(move |c| {
            let collection = catalog::read_collection(c, &collection)?;
            catalog::compute_extent(c, &collection)
        })
        .await
    }

    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
        Ok(Box::new(
            ingest::GpkgIngest::begin(self.path.clone()).await?,
        ))
    }
}
