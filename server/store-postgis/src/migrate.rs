//! Schema migrations: the numbered files of `migrations/`, embedded, applied in order, each in
//! its own transaction, recorded in `<schema>.segit_migrations`.
//!
//! Migrations run with `search_path` set to the target schema (then `public`), so their SQL
//! names tables without a schema. A database-wide advisory lock serialises concurrent runs.

use segit_store::StoreError;
use tokio_postgres::Client;

use crate::connect::Target;
use crate::error::pg_error;
use crate::sql::{MIGRATIONS_TABLE, check_name, qualified, quote_ident};

/// One embedded migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// number, from the file name
    pub version: i32,
    /// file name without `.sql`
    pub name: &'static str,
    /// SQL text
    pub sql: &'static str,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_catalog",
    sql: include_str!("../../../migrations/0001_catalog.sql"),
}];

/// The version a schema must have reached for this build to use it.
pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Key of the advisory lock held while migrating (any schema of the database).
const LOCK_KEY: i64 = 0x5E61_7400_0001;

/// `CREATE TABLE IF NOT EXISTS` of the migration record.
pub fn create_migrations_table(schema: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (version integer PRIMARY KEY, name text NOT NULL, \
         applied_at timestamptz NOT NULL DEFAULT now())",
        qualified(schema, MIGRATIONS_TABLE)
    )
}

/// Versions and names already applied, in order.
pub fn select_applied(schema: &str) -> String {
    format!(
        "SELECT version, name FROM {} ORDER BY version",
        qualified(schema, MIGRATIONS_TABLE)
    )
}

/// Records one migration. Parameters: `$1` version (integer), `$2` name.
pub fn insert_applied(schema: &str) -> String {
    format!(
        "INSERT INTO {} (version, name) VALUES ($1::integer, $2::text)",
        qualified(schema, MIGRATIONS_TABLE)
    )
}

/// Applies the migrations missing from `schema` of the database at `url` (creating the schema
/// when needed) and returns the names of those applied now, in order. Running it again applies
/// nothing.
pub async fn migrate(url: &str, schema: &str) -> Result<Vec<String>, StoreError> {
    check_name("schema", schema)?;
    let target = Target::parse(url)?;
    let mut client = target.connect_one().await?;
    let err = |doing: &str| {
        let doing = doing.to_owned();
        let schema = schema.to_owned();
        move |e: tokio_postgres::Error| pg_error(&e, &doing, &schema)
    };
    client
        .execute("SELECT pg_advisory_lock($1::bigint)", &[&LOCK_KEY])
        .await
        .map_err(err("waiting for the migration lock"))?;
    let result = apply_missing(&mut client, schema).await;
    // the lock also ends with the session; release it explicitly for pooled setups
    let unlock = client
        .execute("SELECT pg_advisory_unlock($1::bigint)", &[&LOCK_KEY])
        .await
        .map_err(err("releasing the migration lock"));
    let applied = result?;
    unlock?;
    Ok(applied)
}

async fn apply_missing(client: &mut Client, schema: &str) -> Result<Vec<String>, StoreError> {
    let err = |doing: &'static str| move |e: tokio_postgres::Error| pg_error(&e, doing, schema);
    client
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {}; {}",
            quote_ident(schema),
            create_migrations_table(schema)
        ))
        .await
        .map_err(err("creating the schema"))?;
    let rows = client
        .query(&select_applied(schema), &[])
        .await
        .map_err(err("reading applied migrations"))?;
    let mut done: Vec<(i32, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        let version: i32 = row.try_get(0).map_err(err("reading applied migrations"))?;
        let name: String = row.try_get(1).map_err(err("reading applied migrations"))?;
        done.push((version, name));
    }
    check_applied(schema, &done)?;
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        if done.iter().any(|(v, _)| *v == m.version) {
            continue;
        }
        let tx = client
            .transaction()
            .await
            .map_err(err("starting a migration"))?;
        tx.batch_execute(&format!(
            "SET LOCAL search_path TO {}, public",
            quote_ident(schema)
        ))
        .await
        .map_err(err("setting the search path"))?;
        tx.batch_execute(m.sql)
            .await
            .map_err(|e| pg_error(&e, &format!("applying migration {}", m.name), schema))?;
        tx.execute(&insert_applied(schema), &[&m.version, &m.name])
            .await
            .map_err(err("recording a migration"))?;
        tx.commit().await.map_err(err("committing a migration"))?;
        applied.push(m.name.to_owned());
    }
    Ok(applied)
}

/// Checks that the recorded migrations are a known prefix of [`MIGRATIONS`].
pub fn check_applied(schema: &str, done: &[(i32, String)]) -> Result<(), StoreError> {
    for (version, name) in done {
        match MIGRATIONS.iter().find(|m| m.version == *version) {
            Some(m) if m.name == name => {}
            Some(m) => {
                return Err(StoreError::Corrupt(format!(
                    "schema '{schema}' recorded migration {version} as '{name}', this segit knows it as '{}'",
                    m.name
                )));
            }
            None => {
                return Err(StoreError::Corrupt(format!(
                    "schema '{schema}' has migration {version} ('{name}') unknown to this segit \
                     (written by a newer version?)"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_named_by_their_files() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i32::try_from(i + 1).expect("small"));
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
            assert!(!m.sql.trim().is_empty());
        }
        assert_eq!(
            latest_version(),
            i32::try_from(MIGRATIONS.len()).expect("small")
        );
    }

    #[test]
    fn the_catalog_migration_creates_the_catalog() {
        assert!(MIGRATIONS[0].sql.contains("CREATE TABLE segit_collections"));
        assert!(
            MIGRATIONS[0]
                .sql
                .contains("CREATE EXTENSION IF NOT EXISTS postgis")
        );
    }

    #[test]
    fn recorded_migrations_must_be_known() {
        assert!(check_applied("s", &[(1, "0001_catalog".into())]).is_ok());
        assert!(check_applied("s", &[(1, "0001_other".into())]).is_err());
        assert!(matches!(
            check_applied("s", &[(99, "0099_future".into())]),
            Err(StoreError::Corrupt(m)) if m.contains("newer")
        ));
    }

    #[test]
    fn statements_quote_the_schema() {
        assert_eq!(
            insert_applied("a\"b"),
            "INSERT INTO \"a\"\"b\".\"segit_migrations\" (version, name) VALUES ($1::integer, $2::text)"
        );
        assert!(create_migrations_table("s").starts_with("CREATE TABLE IF NOT EXISTS \"s\"."));
    }
}
