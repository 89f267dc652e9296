//! Transactional writes: an [`IngestSink`] owning one write connection on a dedicated thread.
//!
//! The thread opens the connection, starts `BEGIN IMMEDIATE` (so a second writer waits, then
//! fails as `Unavailable`), and serves commands sent by the async side. A failing `write` leaves
//! nothing behind (its rows are deleted again, [`Writer::undoable`]); a `create` runs inside a
//! savepoint. Commit recomputes extents of the
//! touched collections and commits; rollback, a dropped sink or any exit without commit rolls
//! back. Readers (WAL mode) never see a half-written ingest.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use async_trait::async_trait;
use geo_types::{Geometry, MultiLineString, MultiPoint, MultiPolygon};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use segit_query::{Collection, Feature, GeometryType, QueryError, Value};
use segit_store::{IngestSink, StoreError};
use tokio::sync::oneshot;

use crate::catalog::{extent_with_envelope, read_collection, storage_envelope};
use crate::error::SqlContext;
use crate::schema::{self, GEOM};
use crate::sql::{bind, has_geometry, quote};
use crate::tally::Tally;

type Reply = oneshot::Sender<Result<(), StoreError>>;

/// The error of a call when the writer thread is gone.
fn gone() -> StoreError {
    StoreError::Backend("the ingest thread has stopped".into())
}

/// A request to the writer thread.
enum Command {
    Create(Box<Collection>, Reply),
    Write(String, Vec<Feature>, Reply),
    Commit(Reply),
    Rollback(Reply),
}

/// The write side of a [`crate::GpkgStore`].
pub(crate) struct GpkgIngest {
    commands: Option<mpsc::Sender<Command>>,
    thread: Option<JoinHandle<()>>,
    /// the answer to the write still in progress ([`IngestSink::write_deferred`])
    pending: Option<oneshot::Receiver<Result<(), StoreError>>>,
}

impl GpkgIngest {
    /// Starts the writer thread on `path` and waits until it holds the write transaction.
    pub(crate) async fn begin(path: PathBuf) -> Result<Self, StoreError> {
        let (tx, rx) = mpsc::channel::<Command>();
        let (ready_tx, ready_rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("segit-gpkg-ingest".into())
            .spawn(move || writer(&path, &rx, ready_tx))
            .map_err(|e| StoreError::Backend(format!("starting the ingest thread: {e}")))?;
        let ready = ready_rx
            .await
            .map_err(|_| StoreError::Backend("the ingest thread stopped while starting".into()))?;
        ready?;
        Ok(Self {
            commands: Some(tx),
            thread: Some(thread),
            pending: None,
        })
    }

    /// Waits for the write still in progress, if any, and returns its outcome.
    async fn settle(&mut self) -> Result<(), StoreError> {
        match self.pending.take() {
            Some(rx) => rx.await.map_err(|_| gone())?,
            None => Ok(()),
        }
    }

    /// Sends a command once the write in progress is done; the answer is awaited.
    async fn send(&mut self, make: impl FnOnce(Reply) -> Command) -> Result<(), StoreError> {
        self.settle().await?;
        let rx = self.post(make)?;
        rx.await.map_err(|_| gone())?
    }

    /// Sends a command; its answer comes on the receiver returned.
    fn post(
        &mut self,
        make: impl FnOnce(Reply) -> Command,
    ) -> Result<oneshot::Receiver<Result<(), StoreError>>, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .as_ref()
            .ok_or_else(gone)?
            .send(make(tx))
            .map_err(|_| gone())?;
        Ok(rx)
    }

    async fn finish(mut self, make: impl FnOnce(Reply) -> Command) -> Result<(), StoreError> {
        let result = self.send(make).await;
        self.commands = None;
        if let Some(t) = self.thread.take() {
            // The thread has answered and is returning; joining does not block for long.
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
        result
    }
}

impl Drop for GpkgIngest {
    fn drop(&mut self) {
        // Closing the channel makes the writer roll back and exit.
        self.commands = None;
    }
}

#[async_trait]
impl IngestSink for GpkgIngest {
    async fn create_collection(&mut self, collection: &Collection) -> Result<(), StoreError> {
        let c = Box::new(collection.clone());
        self.send(|r| Command::Create(c, r)).await
    }

    async fn write(&mut self, collection: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        let id = collection.to_owned();
        self.send(|r| Command::Write(id, features, r)).await
    }

    /// The writer thread writes these features while the caller prepares the next ones; at
    /// most one write is in progress.
    async fn write_deferred(
        &mut self,
        collection: &str,
        features: Vec<Feature>,
    ) -> Result<(), StoreError> {
        self.settle().await?;
        let id = collection.to_owned();
        self.pending = Some(self.post(|r| Command::Write(id, features, r))?);
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.finish(Command::Commit).await
    }

    async fn rollback(mut self: Box<Self>) -> Result<(), StoreError> {
        // the outcome of a write in progress no longer matters
        let _ = self.settle().await;
        self.finish(Command::Rollback).await
    }
}

/// The writer thread's body.
fn writer(
    path: &std::path::Path,
    commands: &mpsc::Receiver<Command>,
    ready: oneshot::Sender<Result<(), StoreError>>,
) {
    // the connection never leaves this thread: SQLite need not lock it on every call
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let started = crate::pool::connect(path, flags).and_then(|c| {
        // A page cache of 128 MiB (SQLite's default: 2 MiB) keeps the unique id index and the
        // rtree of a large collection in memory while rows come in an order that is not
        // theirs (residents, utilities): without it each row reads a page back and writes
        // another out to the WAL. Durability is unchanged: the pages still reach the WAL, and
        // COMMIT syncs it as before.
        c.pragma_update(None, "cache_size", -131_072)
            .ctx("setting the ingest page cache")?;
        // Every insert fires the rtree trigger inside the ingest transaction, so SQLite keeps
        // a statement journal of the pages it changes (to undo the statement alone if it
        // fails). In memory, that journal costs a copy per page instead of a write to a
        // temporary file per page.
        c.pragma_update(None, "temp_store", "MEMORY")
            .ctx("keeping statement journals in memory")?;
        c.execute_batch("BEGIN IMMEDIATE")
            .ctx("starting the ingest transaction")?;
        Ok(c)
    });
    let conn = match started {
        Ok(c) => {
            if ready.send(Ok(())).is_err() {
                let _ = c.execute_batch("ROLLBACK");
                return;
            }
            c
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut state = Writer {
        conn: &conn,
        touched: BTreeMap::new(),
        indexed_here: BTreeSet::new(),
        buf: Vec::new(),
    };
    while let Ok(cmd) = commands.recv() {
        match cmd {
            Command::Create(c, reply) => {
                let _ = reply.send(state.savepoint(|w| w.create(&c)));
            }
            Command::Write(id, features, reply) => {
                let result = state.undoable(&id, features);
                let result = match result {
                    Ok(tally) => {
                        state.tally(id, tally);
                        Ok(())
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            Command::Commit(reply) => {
                let result = state.commit();
                if result.is_err() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                let _ = reply.send(result);
                return;
            }
            Command::Rollback(reply) => {
                let _ = reply.send(
                    conn.execute_batch("ROLLBACK")
                        .ctx("rolling back the ingest"),
                );
                return;
            }
        }
    }
    let _ = conn.execute_batch("ROLLBACK");
}

struct Writer<'c> {
    conn: &'c Connection,
    /// the collections created or written in the transaction, with the tally of what was
    /// written when the collection was created in it (`None`: its extent needs a scan)
    touched: BTreeMap<String, Option<Tally>>,
    /// the collections with a geometry created in the transaction: their R*Tree index is
    /// filled by [`Self::write`] itself and its triggers are put back at commit. A trigger
    /// would make every insert a statement SQLite journals apart (to undo it alone), copying
    /// each page it changes.
    indexed_here: BTreeSet<String>,
    buf: Vec<u8>,
}

impl Writer<'_> {
    /// Records a successful write to `id`: adds its tally to the collection's, or marks the
    /// collection for a scan when it was not created in the transaction.
    fn tally(&mut self, id: String, written: Option<Tally>) {
        let entry = self.touched.entry(id).or_insert(None);
        match (entry.as_mut(), written) {
            (Some(t), Some(w)) => t.merge(&w),
            _ => *entry = None,
        }
    }

    /// Runs `f` in a savepoint: all of it or nothing.
    fn savepoint(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute_batch("SAVEPOINT segit_write")
            .ctx("starting a write")?;
        match f(self) {
            Ok(()) => self
                .conn
                .execute_batch("RELEASE segit_write")
                .ctx("finishing a write"),
            Err(e) => {
                let _ = self
                    .conn
                    .execute_batch("ROLLBACK TO segit_write; RELEASE segit_write");
                Err(e)
            }
        }
    }

    /// Runs [`Self::write`] so that a failing batch leaves nothing behind, without a savepoint
    /// (whose journal would copy every page the batch changes that existed before it): the
    /// rows of a batch are those with a `fid` above the table's AUTOINCREMENT sequence before
    /// it, so undoing the batch deletes them with their R*Tree entries (by the triggers, or
    /// here for an index filled by [`Self::write`]) and puts the sequence back. A failing row itself leaves nothing: SQLite checks constraints
    /// before it writes a row, and a statement that fires triggers is atomic on its own.
    fn undoable(&mut self, id: &str, features: Vec<Feature>) -> Result<Option<Tally>, StoreError> {
        let sequence = self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .optional();
        let sequence = match sequence {
            Ok(s) => s,
            // no sequence table yet: no collection either, which is the error to report
            Err(e) => {
                read_collection(self.conn, id)?;
                return Err(crate::error::map_sqlite("reading the id sequence", &e));
            }
        };
        let result = self.write(id, features);
        // a write to a collection that does not exist wrote nothing
        if result.is_err() && read_collection(self.conn, id).is_ok() {
            let index = self
                .indexed_here
                .contains(id)
                .then(|| quote(&schema::rtree_name(id)));
            self.conn
                .execute(
                    &format!("DELETE FROM {} WHERE fid > ?1", quote(id)),
                    [sequence.unwrap_or(0)],
                )
                .and_then(|_| match &index {
                    Some(r) => self.conn.execute(
                        &format!("DELETE FROM {r} WHERE id > ?1"),
                        [sequence.unwrap_or(0)],
                    ),
                    None => Ok(0),
                })
                .and_then(|_| match sequence {
                    Some(seq) => self.conn.execute(
                        "UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1",
                        params![id, seq],
                    ),
                    None => self
                        .conn
                        .execute("DELETE FROM sqlite_sequence WHERE name = ?1", [id]),
                })
                .map_err(|e| crate::error::map_sqlite("undoing a failed write", &e))?;
        }
        result
    }

    fn create(&mut self, collection: &Collection) -> Result<(), StoreError> {
        schema::check_names(collection)?;
        let old = schema::drop_collection(self.conn, &collection.id)?;
        let position = match old {
            Some(p) => p,
            None => self
                .conn
                .query_row(
                    "SELECT COALESCE(MAX(position) + 1, 0) FROM segit_collections",
                    [],
                    |r| r.get(0),
                )
                .ctx("reading the catalog")?,
        };
        let mut stored = collection.clone();
        stored.extent = None;
        schema::create_collection(self.conn, &stored, position)?;
        if has_geometry(&stored) {
            schema::drop_rtree_triggers(self.conn, &collection.id)?;
            self.indexed_here.insert(collection.id.clone());
        } else {
            self.indexed_here.remove(&collection.id);
        }
        self.touched
            .insert(collection.id.clone(), Some(Tally::default()));
        Ok(())
    }

    /// Inserts `features` into `id`; returns their tally when the collection was created in
    /// the transaction.
    fn write(&mut self, id: &str, features: Vec<Feature>) -> Result<Option<Tally>, StoreError> {
        let collection = read_collection(self.conn, id)?;
        let mut tally = matches!(self.touched.get(id), Some(Some(_))).then(Tally::default);
        let position = |name: &str| collection.properties.iter().position(|p| p.name == name);
        let (start, end) = match &collection.temporal {
            Some(tp) => (position(&tp.start), tp.end.as_deref().and_then(position)),
            None => (None, None),
        };
        let has_geom = has_geometry(&collection);
        let mut cols = vec!["id".to_owned()];
        if has_geom {
            cols.push(GEOM.to_owned());
        }
        cols.extend(collection.properties.iter().map(|p| quote(&p.name)));
        let marks = (1..=cols.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({marks})",
            quote(id),
            cols.join(", ")
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .ctx("preparing the feature insert")?;
        // the R*Tree entry, as the GeoPackage insert trigger writes it
        let mut index = if self.indexed_here.contains(id) && has_geom {
            Some(
                self.conn
                    .prepare_cached(&format!(
                        "INSERT OR REPLACE INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
                        quote(&schema::rtree_name(id))
                    ))
                    .ctx("preparing the spatial index insert")?,
            )
        } else {
            None
        };
        let srs_id = collection.storage_crs.srid() as i32;
        let mut values: Vec<Value> = Vec::with_capacity(collection.properties.len());
        for mut f in features {
            values.clear();
            values.resize(collection.properties.len(), Value::Null);
            // the values move into the row: no copy of their text
            let properties = std::mem::take(&mut f.properties);
            for (k, (name, v)) in properties.into_iter().enumerate() {
                // properties usually come in schema order: their position is tried first (an
                // empty name is the property at that position)
                let at = collection
                    .properties
                    .get(k)
                    .filter(|p| name.is_empty() || p.name == name);
                let found = at
                    .map(|_| k)
                    .or_else(|| collection.properties.iter().position(|p| p.name == name));
                let Some(i) = found else {
                    return Err(QueryError::UnknownProperty {
                        collection: id.to_owned(),
                        property: if name.is_empty() {
                            format!("(unnamed, at position {})", k + 1)
                        } else {
                            name
                        },
                    }
                    .into());
                };
                values[i] = v.coerce(collection.properties[i].ty).map_err(|reason| {
                    QueryError::InvalidValue {
                        property: collection.properties[i].name.clone(),
                        reason: format!("feature '{}': {reason}", f.id),
                    }
                })?;
            }
            let (geom, envelope) = match (&f.geometry, has_geom) {
                (None, _) => (None, None),
                (Some(_), false) => {
                    return Err(StoreError::Conflict(format!(
                        "feature '{}' has a geometry but collection '{id}' has none",
                        f.id
                    )));
                }
                (Some(g), true) => {
                    let g = fit_geometry(g, collection.geometry_type).ok_or_else(|| {
                        StoreError::Conflict(format!(
                            "feature '{}' has a geometry that is not a {} as collection '{id}' \
                             requires",
                            f.id,
                            collection.geometry_type.ogc_name()
                        ))
                    })?;
                    let envelope = crate::geom::encode(&g, srs_id, &mut self.buf);
                    (Some(self.buf.as_slice()), envelope)
                }
            };
            if let Some(t) = tally.as_mut() {
                t.add(
                    envelope,
                    start.and_then(|i| values.get(i)),
                    end.and_then(|i| values.get(i)),
                );
            }
            // every parameter is bound on each row: none keeps a value of the previous one
            let bound = (|| {
                stmt.raw_bind_parameter(1, f.id.as_str())?;
                let first = if has_geom {
                    stmt.raw_bind_parameter(2, geom)?;
                    3
                } else {
                    2
                };
                for (i, v) in values.iter().enumerate() {
                    bind(&mut stmt, first + i, v)?;
                }
                stmt.raw_execute()?;
                if let (Some(index), Some(e)) = (index.as_mut(), envelope) {
                    let fid = self.conn.last_insert_rowid();
                    index.execute(params![fid, e.min_x, e.max_x, e.min_y, e.max_y])?;
                }
                Ok(())
            })();
            bound.map_err(
                |e| match crate::error::map_sqlite("writing a feature", &e) {
                    StoreError::Conflict(m) => StoreError::Conflict(format!(
                        "feature '{}' of collection '{id}': {m}",
                        f.id
                    )),
                    other => other,
                },
            )?;
        }
        Ok(tally)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        // a collection created in the transaction is never dropped without being created
        // again: its table is there
        for id in std::mem::take(&mut self.indexed_here) {
            schema::create_rtree_triggers(self.conn, &id)?;
        }
        for (id, tally) in std::mem::take(&mut self.touched) {
            let mut collection = read_collection(self.conn, &id)?;
            let (env, extent) = if let Some(t) = tally.filter(Tally::exact) {
                (t.storage_envelope(&collection)?, t.extent(&collection)?)
            } else {
                let env = storage_envelope(self.conn, &collection)?;
                (env, extent_with_envelope(self.conn, &collection, env)?)
            };
            collection.extent = extent;
            self.conn
                .execute(
                    "UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5, \
                     last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name = ?1",
                    params![
                        id,
                        env.map(|b| b.min_x),
                        env.map(|b| b.min_y),
                        env.map(|b| b.max_x),
                        env.map(|b| b.max_y)
                    ],
                )
                .ctx("updating gpkg_contents")?;
            let definition = serde_json::to_string(&collection)
                .map_err(|e| StoreError::Backend(format!("encoding collection '{id}': {e}")))?;
            self.conn
                .execute(
                    "UPDATE segit_collections SET definition = ?2 WHERE id = ?1",
                    params![id, definition],
                )
                .ctx("updating the catalog")?;
        }
        self.conn
            .execute_batch("COMMIT")
            .ctx("committing the ingest")
    }
}

/// `g` as a geometry of collection type `ty`: unchanged when it fits, a single geometry
/// wrapped into its multi type, `None` when it cannot fit.
fn fit_geometry(g: &Geometry<f64>, ty: GeometryType) -> Option<Cow<'_, Geometry<f64>>> {
    Some(Cow::Owned(match (ty, g) {
        (GeometryType::Geometry, g)
        | (GeometryType::Point, g @ Geometry::Point(_))
        | (GeometryType::LineString, g @ Geometry::LineString(_))
        | (GeometryType::Polygon, g @ Geometry::Polygon(_))
        | (GeometryType::MultiPoint, g @ Geometry::MultiPoint(_))
        | (GeometryType::MultiLineString, g @ Geometry::MultiLineString(_))
        | (GeometryType::MultiPolygon, g @ Geometry::MultiPolygon(_)) => {
            return Some(Cow::Borrowed(g));
        }
        (GeometryType::MultiPoint, Geometry::Point(p)) => MultiPoint(vec![*p]).into(),
        (GeometryType::MultiLineString, Geometry::LineString(l)) => {
            MultiLineString(vec![l.clone()]).into()
        }
        (GeometryType::MultiPolygon, Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]).into(),
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use geo_types::{LineString, Point, Polygon, coord};
    use segit_store::FeatureStore;

    use super::*;

    fn fit(g: &Geometry<f64>, ty: GeometryType) -> Option<Geometry<f64>> {
        fit_geometry(g, ty).map(Cow::into_owned)
    }

    fn points(ids: &[&str]) -> Vec<Feature> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| Feature {
                id: (*id).to_owned(),
                geometry: Some(Geometry::Point(Point::new(9.0 + i as f64, 45.0))),
                properties: vec![("n".to_owned(), Value::Int(i as i64))],
            })
            .collect()
    }

    /// Rows (fid, id, n), rtree entries (id, minx) and the AUTOINCREMENT sequence of `t`.
    type Contents = (Vec<(i64, String, i64)>, Vec<(i64, f64)>, i64);

    fn contents(path: &std::path::Path) -> Contents {
        let c = Connection::open(path).unwrap();
        let rows = c
            .prepare("SELECT fid, id, n FROM t ORDER BY fid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let rtree = c
            .prepare("SELECT id, minx FROM rtree_t_geom ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let seq = c
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 't'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (rows, rtree, seq)
    }

    /// Writes batches to a new collection `t` and commits; `fail` batches must fail.
    async fn ingest(path: &std::path::Path, batches: Vec<(Vec<Feature>, bool)>) {
        let store = crate::GpkgStore::create(path).unwrap();
        let mut sink = store.begin_ingest().await.unwrap();
        sink.create_collection(&test_collection()).await.unwrap();
        for (features, fail) in batches {
            let result = sink.write("t", features).await;
            assert_eq!(result.is_err(), fail, "{result:?}");
        }
        sink.commit().await.unwrap();
    }

    /// The collection `t`: points with one integer property `n`.
    fn test_collection() -> Collection {
        Collection {
            id: "t".into(),
            title: "t".into(),
            description: String::new(),
            keywords: Vec::new(),
            geometry_type: GeometryType::Point,
            storage_crs: segit_query::Crs::Epsg(4326),
            properties: vec![segit_query::Property::new(
                "n",
                segit_query::PropertyType::Integer,
                "n",
            )],
            temporal: None,
            extent: None,
        }
    }

    #[tokio::test]
    async fn a_failed_write_leaves_what_was_there_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let clean = dir.path().join("clean.gpkg");
        ingest(
            &clean,
            vec![(points(&["a", "b"]), false), (points(&["c", "d"]), false)],
        )
        .await;
        let expected = contents(&clean);
        assert_eq!(expected.0.len(), 4);
        assert_eq!(expected.1.len(), 4);
        assert_eq!(expected.2, 4);
        // the first batch fails on a duplicate id after one row, the third on a value of the
        // wrong type after two rows, the fourth on an unknown property before any
        let mut wrong = points(&["x", "y", "z"]);
        wrong[2].properties[0].1 = Value::Text("not a number".into());
        let mut unknown = points(&["u"]);
        unknown[0].properties[0].0 = "zzz".into();
        let failed = dir.path().join("failed.gpkg");
        ingest(
            &failed,
            vec![
                (points(&["e", "e"]), true),
                (points(&["a", "b"]), false),
                (wrong, true),
                (unknown, true),
                (points(&["c", "d"]), false),
            ],
        )
        .await;
        assert_eq!(contents(&failed), expected);
    }

    /// The R*Tree entries of `t`, in id order.
    fn index_of(c: &Connection) -> Vec<(i64, f64, f64, f64, f64)> {
        c.prepare("SELECT id, minx, maxx, miny, maxy FROM rtree_t_geom ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[tokio::test]
    async fn the_spatial_index_filled_by_the_ingest_is_the_triggers_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.gpkg");
        let square = Polygon::new(
            LineString::new(vec![
                coord! { x: 9.1, y: 45.2 },
                coord! { x: 9.4, y: 45.2 },
                coord! { x: 9.4, y: 45.7 },
                coord! { x: 9.1, y: 45.2 },
            ]),
            vec![],
        );
        let mut features = points(&["a", "b", "c", "d", "e"]);
        features[1].geometry = Some(Geometry::Polygon(square));
        features[2].geometry = None;
        features[3].geometry = Some(Geometry::MultiPolygon(MultiPolygon(vec![])));
        let store = crate::GpkgStore::create(&path).unwrap();
        let mut sink = store.begin_ingest().await.unwrap();
        let mut collection = test_collection();
        collection.geometry_type = GeometryType::Geometry;
        sink.create_collection(&collection).await.unwrap();
        sink.write("t", features).await.unwrap();
        sink.commit().await.unwrap();

        let c = crate::pool::connect(&path, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
        let filled = index_of(&c);
        // the null and the empty geometry have no entry
        assert_eq!(
            filled.iter().map(|e| e.0).collect::<Vec<_>>(),
            vec![1, 2, 5]
        );
        let triggers: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 't'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 6);
        // the triggers, back after the commit, rebuild the same index from the rows
        c.execute_batch("DELETE FROM rtree_t_geom; UPDATE t SET geom = geom;")
            .unwrap();
        assert_eq!(index_of(&c), filled);
        // and keep it in step with later changes
        c.execute("DELETE FROM t WHERE id = 'a'", []).unwrap();
        assert_eq!(
            index_of(&c).iter().map(|e| e.0).collect::<Vec<_>>(),
            vec![2, 5]
        );
    }

    #[test]
    fn single_geometries_fit_their_multi_type() {
        let p = Geometry::Point(Point::new(1.0, 2.0));
        assert_eq!(fit(&p, GeometryType::Point), Some(p.clone()));
        assert_eq!(
            fit(&p, GeometryType::MultiPoint),
            Some(MultiPoint(vec![Point::new(1.0, 2.0)]).into())
        );
        assert_eq!(fit(&p, GeometryType::Geometry), Some(p.clone()));
        assert_eq!(fit(&p, GeometryType::Polygon), None);
        let ring = LineString::new(vec![
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 1.0, y: 0.0 },
            coord! { x: 0.0, y: 1.0 },
            coord! { x: 0.0, y: 0.0 },
        ]);
        let poly = Polygon::new(ring.clone(), vec![]);
        assert_eq!(
            fit(&Geometry::Polygon(poly.clone()), GeometryType::MultiPolygon),
            Some(MultiPolygon(vec![poly]).into())
        );
        assert_eq!(
            fit(
                &Geometry::LineString(ring.clone()),
                GeometryType::MultiLineString
            ),
            Some(MultiLineString(vec![ring.clone()]).into())
        );
        assert_eq!(fit(&Geometry::LineString(ring), GeometryType::None), None);
    }
}
