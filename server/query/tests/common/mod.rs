//! A throw-away PostGIS database for the comparison tests.
//!
//! `SEGIT_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) names a server
//! where the connecting role may create databases and the PostGIS extension is installed. Each
//! test gets a fresh database `<prefix>_<unique>` that is dropped afterwards. An unreachable server
//! fails the test with a message saying what to set up.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio_postgres::{Client, Config, NoTls};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

async fn connect(config: &Config) -> Client {
    let (client, connection) = config.connect(NoTls).await.unwrap_or_else(|e| {
        panic!(
            "cannot connect to PostgreSQL ({e}); start it or set SEGIT_TEST_PG_URL \
             (default {DEFAULT_URL}) to a server with PostGIS available"
        )
    });
    tokio::spawn(async move {
        // the connection ends when the client is dropped
        let _ = connection.await;
    });
    client
}

/// Runs `f` with a client of a fresh database that has PostGIS, then drops the database (also
/// when `f` reports failures through its return value; a panic inside `f` leaves it behind).
pub async fn with_postgis<T>(prefix: &str, f: impl AsyncFnOnce(&Client) -> T) -> T {
    let url = std::env::var("SEGIT_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned());
    let admin_config: Config = url
        .parse()
        .unwrap_or_else(|e| panic!("SEGIT_TEST_PG_URL '{url}' is not a PostgreSQL URL: {e}"));
    let admin = connect(&admin_config).await;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("{prefix}_{}_{nanos}", std::process::id());
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));

    let mut db_config = admin_config.clone();
    db_config.dbname(&name);
    let db = connect(&db_config).await;
    let outcome = match db
        .batch_execute("CREATE EXTENSION IF NOT EXISTS postgis")
        .await
    {
        Ok(()) => Ok(f(&db).await),
        Err(e) => Err(format!(
            "CREATE EXTENSION postgis failed ({e}); install postgresql-15-postgis-3"
        )),
    };
    drop(db);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap_or_else(|e| panic!("DROP DATABASE {name}: {e}"));
    outcome.unwrap_or_else(|e| panic!("{e}"))
}
