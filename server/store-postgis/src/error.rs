//! Mapping of PostgreSQL and pool errors to [`StoreError`].
//!
//! Messages name the server (`host:port`) and what was being done, never the connection string
//! or password; SQL text is not included (it may be logged by callers with the request id).

use deadpool_postgres::{PoolError, TimeoutType};
use segit_store::StoreError;
use tokio_postgres::config::Host;
use tokio_postgres::error::SqlState;

/// The message telling an operator how to create or update a schema.
pub fn run_migrate(schema: &str) -> String {
    format!("run `segit migrate` to create or update the segit tables in schema '{schema}'")
}

/// `host:port` of every host in `config` (Unix sockets by path), for messages.
pub fn describe_target(config: &tokio_postgres::Config) -> String {
    let ports = config.get_ports();
    let hosts = config.get_hosts();
    if hosts.is_empty() {
        return format!("localhost:{}", ports.first().copied().unwrap_or(5432));
    }
    hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let port = ports
                .get(i)
                .or_else(|| ports.first())
                .copied()
                .unwrap_or(5432);
            match h {
                Host::Tcp(name) => format!("{name}:{port}"),
                #[cfg(unix)]
                Host::Unix(path) => format!("{}:{port}", path.display()),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Maps a database error raised while `doing` something (a short phrase) in `schema`.
pub fn pg_error(e: &tokio_postgres::Error, doing: &str, schema: &str) -> StoreError {
    let Some(db) = e.as_db_error() else {
        if e.is_closed() {
            return StoreError::Unavailable(format!(
                "connection to PostgreSQL closed while {doing}"
            ));
        }
        return StoreError::Unavailable(format!("PostgreSQL failed while {doing}: {e}"));
    };
    let code = db.code();
    let msg = db.message();
    let detail = db.detail().map(|d| format!(" ({d})")).unwrap_or_default();
    let class = &code.code()[..2];
    if *code == SqlState::UNDEFINED_TABLE
        || *code == SqlState::INVALID_SCHEMA_NAME
        || *code == SqlState::UNDEFINED_COLUMN
    {
        StoreError::Corrupt(format!(
            "{msg} while {doing}; the schema does not match this segit: {}",
            run_migrate(schema)
        ))
    } else if *code == SqlState::UNDEFINED_FUNCTION || *code == SqlState::UNDEFINED_OBJECT {
        StoreError::Corrupt(format!(
            "{msg} while {doing}: is PostGIS installed? {}",
            run_migrate(schema)
        ))
    } else if class == "23" {
        // integrity constraint violations: duplicate ids, required properties
        StoreError::Conflict(format!("{msg}{detail}"))
    } else if class == "08" || class == "53" || class == "57" || class == "40" {
        // connection exceptions, insufficient resources, operator intervention,
        // serialization failures: the caller may retry later
        StoreError::Unavailable(format!("{msg} while {doing}"))
    } else if class == "22" {
        // data exceptions: a value PostgreSQL cannot store (NUL in text, geometry type)
        StoreError::Conflict(format!("{msg}{detail} while {doing}"))
    } else {
        StoreError::Backend(format!("{msg}{detail} while {doing} [{}]", code.code()))
    }
}

/// Maps a failure to obtain a pooled connection to `target`.
pub fn pool_error(e: PoolError, target: &str, schema: &str) -> StoreError {
    match e {
        PoolError::Timeout(TimeoutType::Wait) => StoreError::Unavailable(format!(
            "no PostgreSQL connection to {target} became free in time (pool exhausted)"
        )),
        PoolError::Timeout(TimeoutType::Create | TimeoutType::Recycle) => {
            StoreError::Unavailable(format!("connecting to PostgreSQL at {target} timed out"))
        }
        PoolError::Backend(e) => match pg_error(&e, "connecting", schema) {
            StoreError::Unavailable(_) | StoreError::Backend(_) => {
                StoreError::Unavailable(format!(
                    "cannot connect to PostgreSQL at {target}: {}",
                    connect_reason(&e)
                ))
            }
            other => other,
        },
        PoolError::Closed => StoreError::Unavailable("the PostgreSQL pool is closed".into()),
        PoolError::NoRuntimeSpecified => {
            StoreError::Backend("the PostgreSQL pool has no runtime".into())
        }
        PoolError::PostCreateHook(e) => {
            StoreError::Unavailable(format!("cannot prepare a connection to {target}: {e}"))
        }
    }
}

/// Why a connection attempt failed, without echoing configuration.
pub fn connect_reason(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_owned();
    }
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn targets_name_host_and_port_but_not_the_password() {
        let cfg = tokio_postgres::Config::from_str("postgres://u:secret@db.example:6543/x")
            .expect("valid url");
        let t = describe_target(&cfg);
        assert_eq!(t, "db.example:6543");
        assert!(!t.contains("secret"));
        let cfg = tokio_postgres::Config::from_str("host=a,b port=1,2 user=u").expect("valid dsn");
        assert_eq!(describe_target(&cfg), "a:1,b:2");
    }

    #[test]
    fn migrate_hint_names_the_schema() {
        assert!(run_migrate("s1").contains("segit migrate"));
        assert!(run_migrate("s1").contains("'s1'"));
    }
}
