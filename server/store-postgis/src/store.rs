//! [`PostgisStore`]: the [`FeatureStore`] over a PostgreSQL schema.
//!
//! Reads run in a read-only repeatable-read transaction, so the count and the rows of one answer
//! come from one snapshot. Rows are streamed from the server (`query_raw`) and handed to the sink
//! one by one: an answer never sits whole in memory.

use std::pin::pin;

use async_trait::async_trait;
use std::sync::Arc;

use deadpool_postgres::{Object, Pool, StatementCache};
use futures::TryStreamExt;
use segit_query::eval::prepare;
use segit_query::{
    Catalog, Collection, Crs, Extent, Feature, FeatureQuery, FeatureSink, Filter, Identity,
    Property, PropertyType, QueryError, QueryStats,
};
use segit_store::{FeatureStore, IngestSink, StoreError};
use tokio_postgres::{GenericClient, IsolationLevel, Statement};

use crate::connect::Target;
use crate::error::{pg_error, pool_error, run_migrate};
use crate::extent::compute_extent;
use crate::ingest::PostgisIngest;
use crate::migrate::{check_applied, latest_version, select_applied};
use crate::read::RowDecoder;
use crate::select::{Page, Selection, select_count, select_one, select_page};
use crate::sql::{
    MIGRATIONS_TABLE, check_name, has_geometry, qualified, select_catalog, select_collection,
};

/// A feature store in one schema of a PostGIS database.
#[derive(Clone)]
pub struct PostgisStore {
    pool: Pool,
    schema: String,
    target: String,
}

impl std::fmt::Debug for PostgisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgisStore")
            .field("target", &self.target)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl PostgisStore {
    /// Connects to the database at `url` (a `postgres://` URL or `key=value` string) and checks
    /// that `schema` holds segit tables at the version this build expects.
    ///
    /// Errors: [`StoreError::Unavailable`] naming `host:port` when the server cannot be reached;
    /// [`StoreError::Corrupt`] saying to run `segit migrate` when the schema is missing or
    /// behind.
    pub async fn connect(url: &str, schema: &str) -> Result<Self, StoreError> {
        check_name("schema", schema)?;
        let target = Target::parse(url)?;
        let store = Self {
            pool: target.pool()?,
            schema: schema.to_owned(),
            target: target.label,
        };
        store.check_schema().await?;
        Ok(store)
    }

    /// The schema this store reads and writes.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// A pooled connection.
    pub(crate) async fn client(&self) -> Result<Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| pool_error(e, &self.target, &self.schema))
    }

    fn err(&self, doing: &str) -> impl Fn(tokio_postgres::Error) -> StoreError + use<'_> {
        let doing = doing.to_owned();
        move |e| pg_error(&e, &doing, &self.schema)
    }

    async fn check_schema(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        let table = qualified(&self.schema, MIGRATIONS_TABLE);
        let exists: Option<String> = client
            .query_one("SELECT to_regclass($1::text)::text", &[&table])
            .await
            .and_then(|r| r.try_get(0))
            .map_err(self.err("checking the schema"))?;
        if exists.is_none() {
            return Err(StoreError::Corrupt(format!(
                "schema '{}' has no segit tables: {}",
                self.schema,
                run_migrate(&self.schema)
            )));
        }
        let rows = client
            .query(&select_applied(&self.schema), &[])
            .await
            .map_err(self.err("reading applied migrations"))?;
        let mut done = Vec::with_capacity(rows.len());
        for r in rows {
            done.push((
                r.try_get::<_, i32>(0)
                    .map_err(self.err("reading applied migrations"))?,
                r.try_get::<_, String>(1)
                    .map_err(self.err("reading applied migrations"))?,
            ));
        }
        check_applied(&self.schema, &done)?;
        let current = done.iter().map(|(v, _)| *v).max().unwrap_or(0);
        if current < latest_version() {
            return Err(StoreError::Corrupt(format!(
                "schema '{}' is at migration {current}, this segit needs {}: {}",
                self.schema,
                latest_version(),
                run_migrate(&self.schema)
            )));
        }
        Ok(())
    }

    /// The definition of collection `id` read with a cached prepared statement.
    async fn collection_cached<C: deadpool_postgres::GenericClient + Sync>(
        &self,
        cache: &StatementCache,
        client: &C,
        id: &str,
    ) -> Result<Collection, StoreError> {
        let stmt = prepared(cache, client, &select_collection(&self.schema))
            .await
            .map_err(self.err("reading the catalog"))?;
        let row = deadpool_postgres::GenericClient::query_opt(client, &stmt, &[&id])
            .await
            .map_err(self.err("reading the catalog"))?;
        let Some(row) = row else {
            return Err(QueryError::UnknownCollection(id.to_owned()).into());
        };
        let json: serde_json::Value = row.try_get(0).map_err(self.err("reading the catalog"))?;
        parse_definition(id, json)
    }

    /// Number of features of `collection` that `sel` selects.
    async fn count_matching<C: deadpool_postgres::GenericClient + Sync>(
        &self,
        cache: &StatementCache,
        client: &C,
        collection: &Collection,
        sel: &Selection,
    ) -> Result<u64, StoreError> {
        let count = select_count(&self.schema, collection, sel)?;
        let stmt = prepared(cache, client, &typed_text(&count.text, collection))
            .await
            .map_err(self.err("counting features"))?;
        let n: i64 =
            deadpool_postgres::GenericClient::query_one(client, &stmt, &count.param_refs())
                .await
                .and_then(|r| r.try_get(0))
                .map_err(self.err("counting features"))?;
        Ok(to_u64(n))
    }

    /// The definition of collection `id`, or the query error naming it.
    pub(crate) async fn collection(
        &self,
        client: &impl GenericClient,
        id: &str,
    ) -> Result<Collection, StoreError> {
        load_collection(client, &self.schema, id)
            .await?
            .ok_or_else(|| QueryError::UnknownCollection(id.to_owned()).into())
    }
}

/// The definition of collection `id` in `schema`, `None` when it is not in the catalog.
pub(crate) async fn load_collection(
    client: &impl GenericClient,
    schema: &str,
    id: &str,
) -> Result<Option<Collection>, StoreError> {
    let row = client
        .query_opt(&select_collection(schema), &[&id])
        .await
        .map_err(|e| pg_error(&e, "reading the catalog", schema))?;
    match row {
        None => Ok(None),
        Some(r) => {
            let json: serde_json::Value = r
                .try_get(0)
                .map_err(|e| pg_error(&e, "reading the catalog", schema))?;
            parse_definition(id, json).map(Some)
        }
    }
}

fn parse_definition(id: &str, json: serde_json::Value) -> Result<Collection, StoreError> {
    serde_json::from_value(json).map_err(|e| {
        StoreError::Corrupt(format!(
            "catalog entry of collection '{id}' is unreadable: {e}"
        ))
    })
}

/// The selecting parts of `query` with its box and spatial literals in the storage CRS.
fn selection(query: &FeatureQuery, collection: &Collection) -> Result<Selection, StoreError> {
    let storage = collection.storage_crs;
    let bbox = match &query.bbox {
        Some(b) => match prepare(Filter::BBox(*b), storage)? {
            Filter::BBox(b) => Some(b),
            _ => None,
        },
        None => None,
    };
    let filter = match &query.filter {
        Some(f) => Some(prepare(f.clone(), storage)?),
        None => None,
    };
    if query.datetime.is_some() && collection.temporal.is_none() {
        return Err(QueryError::NotTemporal(collection.id.clone()).into());
    }
    Ok(Selection {
        bbox,
        datetime: query.datetime,
        filter,
    })
}

/// The properties a query returns, in schema order.
fn returned<'c>(
    query: &FeatureQuery,
    collection: &'c Collection,
) -> Result<Vec<&'c Property>, StoreError> {
    match &query.properties {
        None => Ok(collection.properties.iter().collect()),
        Some(names) => {
            for n in names {
                if collection.property(n).is_none() {
                    return Err(QueryError::UnknownProperty {
                        collection: collection.id.clone(),
                        property: n.clone(),
                    }
                    .into());
                }
            }
            Ok(collection
                .properties
                .iter()
                .filter(|p| names.contains(&p.name))
                .collect())
        }
    }
}

/// The driver client of a pooled connection.
fn pg(object: &Object) -> &tokio_postgres::Client {
    object
}

/// Prepared statements kept per connection; past this the connection's cache is emptied (filters
/// from clients make statement texts of many shapes).
const STATEMENT_CACHE_LIMIT: usize = 256;

/// `text` prepared once per connection and then reused.
async fn prepared<C: deadpool_postgres::GenericClient + Sync>(
    cache: &StatementCache,
    client: &C,
    text: &str,
) -> Result<Statement, tokio_postgres::Error> {
    if cache.size() >= STATEMENT_CACHE_LIMIT {
        cache.clear();
    }
    deadpool_postgres::GenericClient::prepare_cached(client, text).await
}

/// `text` tagged with the collection's property types, so that a statement prepared before a
/// collection was re-created with other types is never reused (PostgreSQL refuses a cached plan
/// whose result types changed).
fn typed_text(text: &str, collection: &Collection) -> String {
    let types: String = collection
        .properties
        .iter()
        .map(|p| match p.ty {
            PropertyType::Boolean => 'b',
            PropertyType::Integer => 'i',
            PropertyType::Number => 'n',
            PropertyType::Text => 't',
            PropertyType::Date => 'd',
            PropertyType::DateTime => 'z',
        })
        .collect();
    format!(
        "/* {} {types} */ {text}",
        collection.geometry_type.ogc_name()
    )
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[async_trait]
impl FeatureStore for PostgisStore {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(&select_catalog(&self.schema), &[])
            .await
            .map_err(self.err("reading the catalog"))?;
        let mut collections = Vec::with_capacity(rows.len());
        for r in rows {
            let json: serde_json::Value = r.try_get(0).map_err(self.err("reading the catalog"))?;
            let id = json
                .get("id")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            collections.push(parse_definition(&id, json)?);
        }
        Ok(Catalog { collections })
    }

    async fn query(
        &self,
        query: &FeatureQuery,
        sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(self.err("starting a read"))?;
        let cache = Arc::clone(&tx.statement_cache);
        let collection = self
            .collection_cached(&cache, &tx, &query.collection)
            .await?;
        let sel = selection(query, &collection)?;
        let page = Page {
            properties: returned(query, &collection)?,
            with_geometry: query.with_geometry && has_geometry(&collection),
            sort: &query.sort,
            offset: query.offset,
            // one row past the page tells whether more follow (see below)
            limit: query.limit.map(|l| l.saturating_add(1)),
        };
        let decoder = Arc::new(
            RowDecoder::new(
                &collection.id,
                page.properties.clone(),
                page.with_geometry,
                collection.storage_crs,
                query.output_crs,
            )?
            .with_names(query.property_names),
        );
        let stmt = select_page(&self.schema, &collection, &sel, &page)?;
        let statement = prepared(&cache, &tx, &typed_text(&stmt.text, &collection))
            .await
            .map_err(self.err("reading features"))?;
        let rows = tx
            .query_raw(&statement, stmt.params.iter())
            .await
            .map_err(self.err("reading features"))?;
        let mut rows = pin!(rows);
        sink.begin(&collection).await?;
        let mut returned_n = 0_u64;
        let mut more = false;
        // rows are decoded a batch at a time on a blocking thread while the sink takes the
        // batch before: decoding and consuming run side by side
        let mut decoding: Option<Decoding> = None;
        loop {
            let mut batch = Vec::with_capacity(DECODE_BATCH);
            let mut ended = false;
            while batch.len() < DECODE_BATCH {
                let Some(row) = rows
                    .try_next()
                    .await
                    .map_err(self.err("reading features"))?
                else {
                    ended = true;
                    break;
                };
                if query.limit == Some(returned_n) {
                    // the row past the page: it is not returned, it only says that more follow
                    more = true;
                    continue;
                }
                batch.push(row);
                returned_n += 1;
            }
            let next = (!batch.is_empty()).then(|| {
                let decoder = Arc::clone(&decoder);
                tokio::task::spawn_blocking(move || {
                    batch
                        .iter()
                        .map(|row| decoder.decode(row))
                        .collect::<Result<Vec<_>, _>>()
                })
            });
            if let Some(previous) = decoding.take() {
                deliver(previous, sink).await?;
            }
            decoding = next;
            if ended {
                break;
            }
        }
        if let Some(last) = decoding {
            deliver(last, sink).await?;
        }
        // On the last page the number matched is known without counting: everything before the
        // page plus the page. Otherwise (more rows, or an offset past the end) count, in the
        // same snapshot.
        let number_matched = if !more && (returned_n > 0 || query.offset == 0) {
            query.offset + returned_n
        } else {
            self.count_matching(&cache, &tx, &collection, &sel).await?
        };
        let stats = QueryStats {
            number_matched,
            number_returned: returned_n,
        };
        sink.end(stats).await?;
        tx.commit().await.map_err(self.err("ending a read"))?;
        Ok(stats)
    }

    async fn count(&self, query: &FeatureQuery) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let cache = Arc::clone(&client.statement_cache);
        let collection = self
            .collection_cached(&cache, &client, &query.collection)
            .await?;
        let sel = selection(query, &collection)?;
        self.count_matching(&cache, &client, &collection, &sel)
            .await
    }

    async fn get(
        &self,
        collection: &str,
        id: &str,
        crs: Crs,
        _identity: &Identity,
    ) -> Result<Option<Feature>, StoreError> {
        let client = self.client().await?;
        let cache = Arc::clone(&client.statement_cache);
        let collection = self.collection_cached(&cache, &client, collection).await?;
        let properties: Vec<&Property> = collection.properties.iter().collect();
        let geometry = has_geometry(&collection);
        let decoder = RowDecoder::new(
            &collection.id,
            properties.clone(),
            geometry,
            collection.storage_crs,
            crs,
        )?;
        let sql = select_one(&self.schema, &collection, &properties, geometry);
        let stmt = prepared(&cache, &client, &typed_text(&sql, &collection))
            .await
            .map_err(self.err("reading a feature"))?;
        let row = client
            .query_opt(&stmt, &[&id])
            .await
            .map_err(self.err("reading a feature"))?;
        row.map(|r| decoder.decode(&r)).transpose()
    }

    async fn extent(&self, collection: &str) -> Result<Option<Extent>, StoreError> {
        let client = self.client().await?;
        let collection = self.collection(pg(&client), collection).await?;
        compute_extent(pg(&client), &self.schema, &collection).await
    }

    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
        let client = self.client().await?;
        Ok(Box::new(
            PostgisIngest::begin(client, self.schema.clone()).await?,
        ))
    }
}

/// Rows decoded per batch by [`PostgisStore::query`].
const DECODE_BATCH: usize = 1024;

/// A batch of rows being decoded on a blocking thread.
type Decoding = tokio::task::JoinHandle<Result<Vec<Feature>, StoreError>>;

/// Hands the features of a decoded batch to `sink`, in row order.
async fn deliver(batch: Decoding, sink: &mut dyn FeatureSink) -> Result<(), StoreError> {
    let features = batch
        .await
        .map_err(|e| StoreError::Backend(format!("decoding rows stopped: {e}")))??;
    for feature in features {
        sink.feature(feature).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use segit_query::{BBox, GeometryType, PropertyType};

    #[test]
    fn statement_texts_change_with_property_types() {
        let a = coll();
        let mut b = coll();
        b.properties = vec![Property::new("x", PropertyType::Integer, "x")];
        let mut c = coll();
        c.properties = vec![Property::new("x", PropertyType::Text, "x")];
        let sql = "SELECT 1";
        assert_ne!(typed_text(sql, &a), typed_text(sql, &b));
        assert_ne!(typed_text(sql, &b), typed_text(sql, &c));
        assert!(typed_text(sql, &b).ends_with(sql));
    }

    fn coll() -> Collection {
        Collection {
            id: "c".into(),
            title: String::new(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::Point,
            storage_crs: Crs::Epsg(7791),
            properties: vec![
                Property::new("a", PropertyType::Text, "A"),
                Property::new("b", PropertyType::Integer, "B"),
            ],
            temporal: None,
            extent: None,
        }
    }

    #[test]
    fn returned_properties_keep_schema_order() {
        let c = coll();
        let mut q = FeatureQuery::new("c", Identity::System);
        assert_eq!(returned(&q, &c).expect("all").len(), 2);
        q.properties = Some(vec!["b".into(), "a".into()]);
        let names: Vec<&str> = returned(&q, &c)
            .expect("valid")
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        q.properties = Some(vec!["zz".into()]);
        assert!(returned(&q, &c).is_err());
    }

    #[test]
    fn boxes_are_moved_to_the_storage_crs() {
        let c = coll();
        let mut q = FeatureQuery::new("c", Identity::System);
        q.bbox = Some(BBox::new(9.0, 45.0, 9.1, 45.1, Crs::Crs84).expect("bbox"));
        let sel = selection(&q, &c).expect("prepares");
        let b = sel.bbox.expect("bbox");
        assert_eq!(b.crs, Crs::Epsg(7791));
        assert!(b.min_x > 400_000.0 && b.max_y > 4_900_000.0);
        q.datetime = Some(segit_query::DatetimeInterval {
            start: None,
            end: None,
        });
        assert!(matches!(
            selection(&q, &c),
            Err(StoreError::Query(QueryError::NotTemporal(_)))
        ));
    }

    #[test]
    fn unreadable_definitions_are_corrupt() {
        assert!(matches!(
            parse_definition("x", serde_json::json!({"id": "x"})),
            Err(StoreError::Corrupt(_))
        ));
        let json = serde_json::to_value(coll()).expect("serialises");
        assert_eq!(parse_definition("c", json).expect("parses"), coll());
    }
}
