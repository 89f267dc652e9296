//! Opening and creating files: clear errors for missing, non-SQLite and non-GeoPackage files,
//! the GeoPackage 1.3 header, persistence across reopening, and one writer at a time.

use std::time::{Duration, Instant};

use segit_query::{FeatureQuery, Identity};
use segit_store::contract::fixtures;
use segit_store::{FeatureStore, StoreError};
use segit_store_gpkg::GpkgStore;

#[test]
fn missing_file_is_unavailable_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing.gpkg");
    let err = GpkgStore::open(&path).unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("nothing.gpkg") && m.contains("does not exist")),
        "{err}"
    );
}

#[test]
fn a_text_file_is_not_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.gpkg");
    std::fs::write(
        &path,
        "this is not a database, just some text that is long enough to have a header....",
    )
    .unwrap();
    let err = GpkgStore::open(&path).unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("notes.gpkg") && m.contains("not a SQLite")),
        "{err}"
    );
}

#[test]
fn a_plain_sqlite_database_is_not_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (a INTEGER)")
        .unwrap();
    let err = GpkgStore::open(&path).unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("plain.sqlite") && m.contains("not a GeoPackage")),
        "{err}"
    );

    let path = dir.path().join("half.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0x4750_4B47)
        .unwrap();
    conn.execute_batch("CREATE TABLE t (a INTEGER)").unwrap();
    drop(conn);
    let err = GpkgStore::open(&path).unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("half.gpkg") && m.contains("gpkg_contents")),
        "{err}"
    );
}

#[test]
fn create_refuses_an_existing_file_and_writes_a_geopackage_1_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.gpkg");
    GpkgStore::create(&path).unwrap();
    assert!(matches!(
        GpkgStore::create(&path),
        Err(StoreError::Conflict(_))
    ));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let journal: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(
        (app, version, journal.as_str()),
        (0x4750_4B47, 10300, "wal")
    );
    for srs in [
        -1, 0, 4326, 3857, 3003, 3004, 6706, 6707, 7791, 25832, 32632,
    ] {
        let def: String = conn
            .query_row(
                "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
                [srs],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("srs {srs}: {e}"));
        assert!(
            srs <= 0 || def.contains(&format!("AUTHORITY[\"EPSG\",\"{srs}\"]]")),
            "srs {srs}: {def}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.gpkg");
    {
        let store = GpkgStore::open_or_create(&path).unwrap();
        fixtures::load(&store).await.unwrap();
    }
    let store = GpkgStore::open_or_create(&path).unwrap();
    assert_eq!(store.path(), path.as_path());
    let catalog = store.catalog().await.unwrap();
    assert_eq!(catalog.collections.len(), fixtures::all().len());
    let n = store
        .count(&FeatureQuery::new(fixtures::POINTS, Identity::System))
        .await
        .unwrap();
    assert_eq!(n, fixtures::points().len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = GpkgStore::create(dir.path().join("w.gpkg")).unwrap();
    let first = store.begin_ingest().await.unwrap();
    let started = Instant::now();
    let second = store.begin_ingest().await;
    assert!(
        matches!(second, Err(StoreError::Unavailable(_))),
        "a second writer must be Unavailable"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "the second writer waits for the lock first"
    );
    drop(first);
    let again = store
        .begin_ingest()
        .await
        .expect("the lock is released when a writer is dropped");
    again.rollback().await.unwrap();
}
