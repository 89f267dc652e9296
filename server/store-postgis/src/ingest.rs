//! [`PostgisIngest`]: a transactional writer holding one pooled connection with an open
//! transaction. Features are loaded with binary `COPY`; nothing is visible to readers before
//! [`IngestSink::commit`].
//!
//! A collection (re)created by an ingest is loaded into a staging table of its own; the commit
//! drops the published table and renames the staging table into place. Readers of a collection
//! being replaced therefore keep reading the published rows, unblocked, for the whole ingest;
//! only the commit waits for reads already running. Appending to an existing collection writes
//! to the published table directly (row locks only).
//!
//! When the writer is dropped without commit or rollback (an error, a cancelled task), its
//! connection is taken out of the pool and closed, so the server rolls the transaction back and
//! no other request ever sees that connection mid-transaction.

use std::collections::BTreeMap;
use std::pin::pin;

use async_trait::async_trait;
use deadpool_postgres::Object;
use segit_query::{Collection, Feature};
use segit_store::{IngestSink, StoreError};
use tokio_postgres::Client;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{Kind, ToSql, Type};

use crate::copy::{CopyValue, copy_row};
use crate::error::pg_error;
use crate::extent::compute_extent;
use crate::sql::{
    check_collection, copy_in, create_collection_table, create_spatial_index,
    drop_collection_table, has_geometry, rename_table, staging_table, update_catalog,
    upsert_catalog,
};
use crate::store::load_collection;

/// A write transaction on one schema.
pub struct PostgisIngest {
    /// the connection, `None` once committed or rolled back
    conn: Option<Object>,
    schema: String,
    /// collections created or written in this transaction, by id
    touched: BTreeMap<String, Collection>,
    /// staging table of each collection (re)created in this transaction, by id
    staged: BTreeMap<String, String>,
    /// staging tables created so far (numbers their names)
    stages: usize,
    /// server process of this connection (makes staging names unique)
    backend_pid: i32,
    /// the `geometry` type as this database numbers it, looked up on first use
    geometry_type: Option<Type>,
    /// the `COPY` of a deferred write still running: it holds the connection and gives it
    /// back with its outcome
    pending: Option<tokio::task::JoinHandle<(InTransaction, Result<(), StoreError>)>>,
}

/// The connection of an ingest while a deferred write uses it: dropped without being taken
/// back (the ingest was dropped meanwhile), it is closed instead of pooled, so the server rolls
/// the transaction back.
struct InTransaction(Option<Object>);

impl Drop for InTransaction {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(Object::take(conn));
        }
    }
}

/// The definition, column types and statement of one `COPY`.
struct CopyPlan {
    def: Collection,
    types: Vec<Type>,
    sql: String,
}

/// Copies `features` into their table with binary `COPY` (`sql` from [`copy_in`]).
async fn copy_features(
    client: &Client,
    sql: &str,
    types: &[Type],
    def: &Collection,
    features: Vec<Feature>,
    schema: &str,
) -> Result<(), StoreError> {
    let err = |doing: &'static str| move |e: tokio_postgres::Error| pg_error(&e, doing, schema);
    let sink = client
        .copy_in(sql)
        .await
        .map_err(err("starting to copy features"))?;
    let mut writer = pin!(BinaryCopyInWriter::new(sink, types));
    for feature in features {
        // a bad row drops the writer, which aborts the COPY (and so the transaction)
        let row = copy_row(def, feature)?;
        let refs: Vec<&(dyn ToSql + Sync)> = row
            .iter()
            .map(|c: &CopyValue| c as &(dyn ToSql + Sync))
            .collect();
        writer
            .as_mut()
            .write(&refs)
            .await
            .map_err(err("copying features"))?;
    }
    writer
        .as_mut()
        .finish()
        .await
        .map_err(err("copying features"))?;
    Ok(())
}

impl std::fmt::Debug for PostgisIngest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgisIngest")
            .field("schema", &self.schema)
            .field("open", &self.conn.is_some())
            .field("touched", &self.touched.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PostgisIngest {
    /// Opens a transaction on `conn`.
    pub(crate) async fn begin(conn: Object, schema: String) -> Result<Self, StoreError> {
        let mut this = Self {
            conn: Some(conn),
            schema,
            touched: BTreeMap::new(),
            staged: BTreeMap::new(),
            stages: 0,
            backend_pid: 0,
            geometry_type: None,
            pending: None,
        };
        let client = this.client()?;
        client
            .batch_execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await
            .map_err(|e| pg_error(&e, "starting an ingest", &this.schema))?;
        let pid: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .and_then(|r| r.try_get(0))
            .map_err(|e| pg_error(&e, "starting an ingest", &this.schema))?;
        this.backend_pid = pid;
        Ok(this)
    }

    /// What a `COPY` of `features` into `collection` needs, once the deferred write still
    /// running is done; `None` when there is nothing to copy (the collection must exist all
    /// the same).
    async fn prepare_copy(
        &mut self,
        collection: &str,
        features: &[Feature],
    ) -> Result<Option<CopyPlan>, StoreError> {
        self.settle().await?;
        let def = self.definition(collection).await?;
        if features.is_empty() {
            return Ok(None);
        }
        let types = self.copy_types(&def).await?;
        let sql = copy_in(&self.schema, self.table_of(collection), &def);
        Ok(Some(CopyPlan { def, types, sql }))
    }

    /// Waits for the deferred write still running, if any, takes its connection back and
    /// returns its outcome.
    async fn settle(&mut self) -> Result<(), StoreError> {
        let Some(task) = self.pending.take() else {
            return Ok(());
        };
        let (mut conn, result) = task
            .await
            .map_err(|e| StoreError::Backend(format!("the copy task stopped: {e}")))?;
        self.conn = conn.0.take();
        result
    }

    fn client(&self) -> Result<&Client, StoreError> {
        self.conn
            .as_deref()
            .map(|w| &**w)
            .ok_or_else(|| StoreError::Backend("the ingest has already ended".into()))
    }

    fn err(&self, doing: &str) -> impl Fn(tokio_postgres::Error) -> StoreError + use<'_> {
        let doing = doing.to_owned();
        move |e| pg_error(&e, &doing, &self.schema)
    }

    /// The `geometry` type of this database (PostGIS types have no fixed OID).
    async fn geometry_type(&mut self) -> Result<Type, StoreError> {
        if let Some(t) = &self.geometry_type {
            return Ok(t.clone());
        }
        let client = self.client()?;
        let row = client
            .query_one(
                "SELECT t.oid, n.nspname::text FROM pg_type t \
                 JOIN pg_namespace n ON n.oid = t.typnamespace \
                 WHERE t.oid = 'geometry'::regtype",
                &[],
            )
            .await
            .map_err(self.err("looking up the geometry type"))?;
        let oid: u32 = row
            .try_get(0)
            .map_err(self.err("looking up the geometry type"))?;
        let schema: String = row
            .try_get(1)
            .map_err(self.err("looking up the geometry type"))?;
        let t = Type::new("geometry".into(), oid, Kind::Simple, schema);
        self.geometry_type = Some(t.clone());
        Ok(t)
    }

    /// The definition of `id`: created in this ingest, or read from the catalog.
    async fn definition(&mut self, id: &str) -> Result<Collection, StoreError> {
        if let Some(c) = self.touched.get(id) {
            return Ok(c.clone());
        }
        let client = self.client()?;
        let c = load_collection(client, &self.schema, id)
            .await?
            .ok_or_else(|| {
                StoreError::Query(segit_query::QueryError::UnknownCollection(id.into()))
            })?;
        self.touched.insert(id.to_owned(), c.clone());
        Ok(c)
    }

    /// Column types of a `COPY` into `collection`, in [`copy_in`] order.
    async fn copy_types(&mut self, collection: &Collection) -> Result<Vec<Type>, StoreError> {
        let mut types = vec![Type::TEXT];
        if has_geometry(collection) {
            types.push(self.geometry_type().await?);
        }
        types.extend(collection.properties.iter().map(|p| match p.ty {
            segit_query::PropertyType::Boolean => Type::BOOL,
            segit_query::PropertyType::Integer => Type::INT8,
            segit_query::PropertyType::Number => Type::FLOAT8,
            segit_query::PropertyType::Text => Type::TEXT,
            segit_query::PropertyType::Date => Type::DATE,
            segit_query::PropertyType::DateTime => Type::TIMESTAMPTZ,
        }));
        Ok(types)
    }

    /// The table rows of collection `id` go to in this ingest.
    fn table_of<'s>(&'s self, id: &'s str) -> &'s str {
        self.staged.get(id).map_or(id, String::as_str)
    }

    /// Replaces the published tables of the (re)created collections by their staging tables,
    /// once their spatial index is built.
    async fn publish_staged(&self) -> Result<(), StoreError> {
        let client = self.client()?;
        // memory for sorting the rows of a spatial index built at once (this transaction only)
        client
            .batch_execute("SET LOCAL maintenance_work_mem = '256MB'")
            .await
            .map_err(self.err("preparing the spatial indexes"))?;
        for (id, stage) in &self.staged {
            let index = self
                .touched
                .get(id)
                .and_then(|c| create_spatial_index(&self.schema, stage, c));
            let sql = format!(
                "{}{};\n{}",
                index.map(|i| format!("{i};\n")).unwrap_or_default(),
                drop_collection_table(&self.schema, id),
                rename_table(&self.schema, stage, id)
            );
            client
                .batch_execute(&sql)
                .await
                .map_err(self.err("publishing a collection table"))?;
        }
        Ok(())
    }

    /// Recomputes the extents of the touched collections and stores them in the catalog.
    async fn update_extents(&self) -> Result<(), StoreError> {
        let client = self.client()?;
        for c in self.touched.values() {
            let mut c = c.clone();
            c.extent = compute_extent(client, &self.schema, &c).await?;
            let json = serde_json::to_value(&c).map_err(|e| {
                StoreError::Backend(format!("cannot encode collection '{}': {e}", c.id))
            })?;
            client
                .execute(&update_catalog(&self.schema), &[&c.id, &json])
                .await
                .map_err(self.err("updating the catalog"))?;
        }
        Ok(())
    }
}

impl Drop for PostgisIngest {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // still inside a transaction: close the connection instead of pooling it
            drop(Object::take(conn));
        }
    }
}

#[async_trait]
impl IngestSink for PostgisIngest {
    async fn create_collection(&mut self, collection: &Collection) -> Result<(), StoreError> {
        self.settle().await?;
        check_collection(collection)?;
        let stage = staging_table(self.backend_pid, self.stages);
        let mut ddl = Vec::new();
        if let Some(previous) = self.staged.get(&collection.id) {
            // created twice in one ingest: the second definition wins
            ddl.push(drop_collection_table(&self.schema, previous));
        }
        // the spatial index is built at commit, over all the rows at once (see
        // `publish_staged`): faster than growing it row by row
        ddl.push(create_collection_table(&self.schema, &stage, collection));
        let client = self.client()?;
        client
            .batch_execute(&ddl.join(";\n"))
            .await
            .map_err(self.err("creating a collection table"))?;
        let mut stored = collection.clone();
        stored.extent = None;
        let json = serde_json::to_value(&stored).map_err(|e| {
            StoreError::Backend(format!("cannot encode collection '{}': {e}", collection.id))
        })?;
        client
            .execute(&upsert_catalog(&self.schema), &[&stored.id, &json])
            .await
            .map_err(self.err("writing the catalog"))?;
        self.stages += 1;
        self.staged.insert(stored.id.clone(), stage);
        self.touched.insert(stored.id.clone(), stored);
        Ok(())
    }

    async fn write(&mut self, collection: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        let Some(copy) = self.prepare_copy(collection, &features).await? else {
            return Ok(());
        };
        copy_features(
            self.client()?,
            &copy.sql,
            &copy.types,
            &copy.def,
            features,
            &self.schema,
        )
        .await
    }

    /// The `COPY` runs on a task of its own, holding the connection, while the caller prepares
    /// the next features; at most one runs at a time.
    async fn write_deferred(
        &mut self,
        collection: &str,
        features: Vec<Feature>,
    ) -> Result<(), StoreError> {
        let Some(copy) = self.prepare_copy(collection, &features).await? else {
            return Ok(());
        };
        let schema = self.schema.clone();
        let conn =
            InTransaction(Some(self.conn.take().ok_or_else(|| {
                StoreError::Backend("the ingest has already ended".into())
            })?));
        self.pending = Some(tokio::spawn(async move {
            let result = match conn.0.as_deref() {
                Some(client) => {
                    copy_features(client, &copy.sql, &copy.types, &copy.def, features, &schema)
                        .await
                }
                None => Err(StoreError::Backend("the ingest has already ended".into())),
            };
            (conn, result)
        }));
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.settle().await?;
        self.publish_staged().await?;
        self.update_extents().await?;
        self.client()?
            .batch_execute("COMMIT")
            .await
            .map_err(self.err("committing an ingest"))?;
        // back to the pool, outside any transaction
        drop(self.conn.take());
        Ok(())
    }

    async fn rollback(mut self: Box<Self>) -> Result<(), StoreError> {
        // the outcome of a deferred write no longer matters
        let _ = self.settle().await;
        self.client()?
            .batch_execute("ROLLBACK")
            .await
            .map_err(self.err("rolling back an ingest"))?;
        drop(self.conn.take());
        Ok(())
    }
}
