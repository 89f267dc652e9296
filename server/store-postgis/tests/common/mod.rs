//! Shared set-up of the PostGIS tests: a fresh, migrated schema per test in the database named
//! by `SEGIT_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/segit_test`), dropped
//! when the test ends, also when it fails.

#![allow(dead_code)]

pub mod fixture;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use segit_store_postgis::{PostgisStore, migrate, quote_ident};

/// Database URL of the tests.
pub fn pg_url() -> String {
    std::env::var("SEGIT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/segit_test".to_owned())
}

/// What to do when the test database cannot be reached.
pub const PG_HINT: &str = "PostgreSQL with PostGIS must run for these tests: run `scripts/pg-setup` \
                           (as root) or set SEGIT_TEST_PG_URL";

/// A fresh schema, dropped with everything in it when this value is dropped. Tests using it run
/// on the multi-threaded runtime, so connections closed by dropped values are shut down by the
/// runtime's workers while the drop waits.
pub struct TestSchema {
    /// schema name (`segit_t_<random>`)
    pub name: String,
    /// store over the schema (migrated)
    pub store: PostgisStore,
}

/// A schema name no other test uses.
pub fn fresh_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "segit_t_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestSchema {
    /// Creates and migrates a fresh schema; fails the test (never skips it) when PostgreSQL
    /// cannot be reached.
    pub async fn new() -> Self {
        let name = fresh_name();
        let url = pg_url();
        if let Err(e) = migrate(&url, &name).await {
            panic!("cannot prepare the test schema in {url}: {e}\n{PG_HINT}");
        }
        let store = PostgisStore::connect(&url, &name)
            .await
            .expect("connecting to the migrated test schema");
        Self { name, store }
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        // an abandoned ingest may still hold locks until its connection closes: wait a while
        let sql = format!(
            "SET lock_timeout = '30s'; DROP SCHEMA IF EXISTS {} CASCADE",
            quote_ident(&self.name)
        );
        let url = pg_url();
        // a runtime of its own: this may run while the test's runtime is shutting down
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
                tokio::spawn(conn);
                client.batch_execute(&sql).await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}
