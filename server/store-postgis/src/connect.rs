//! Connections: parsing the URL, session settings, the pool, single connections for migrations.
//!
//! Every session runs with `TimeZone=UTC`, so dates compare with date-times at midnight UTC as in
//! `segit_query::Value::compare`, whatever the server's default.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use segit_store::StoreError;
use tokio_postgres::{Client, NoTls};

use crate::error::{connect_reason, describe_target};

/// Connections kept by one store.
const POOL_SIZE: usize = 16;
/// How long establishing a connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request waits for a free pooled connection.
const WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// A parsed connection target.
#[derive(Clone)]
pub struct Target {
    /// driver configuration, session settings included
    pub config: tokio_postgres::Config,
    /// `host:port` for messages
    pub label: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the configuration holds the password: show only where it points
        f.debug_struct("Target")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Parses a `postgres://` URL or a `key=value` connection string.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|_| {
            StoreError::Unavailable(
                "the PostgreSQL connection string is not valid (expected postgres://user@host:port/database)"
                    .into(),
            )
        })?;
        let options = match config.get_options() {
            Some(o) if !o.trim().is_empty() => format!("{o} -c TimeZone=UTC"),
            _ => "-c TimeZone=UTC".to_owned(),
        };
        config.options(options);
        if config.get_application_name().is_none() {
            config.application_name("segit");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let label = describe_target(&config);
        Ok(Self { config, label })
    }

    /// A pool of connections to this target (connections are opened lazily).
    pub fn pool(&self) -> Result<Pool, StoreError> {
        let manager = Manager::from_config(
            self.config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Backend(format!("cannot build the PostgreSQL pool: {e}")))
    }

    /// One connection outside any pool; its driver task runs until the client is dropped.
    pub async fn connect_one(&self) -> Result<Client, StoreError> {
        let (client, connection) = self.config.connect(NoTls).await.map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot connect to PostgreSQL at {}: {}",
                self.label,
                connect_reason(&e)
            ))
        })?;
        tokio::spawn(async move {
            // errors surface on the client's next call
            let _ = connection.await;
        });
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_run_in_utc_and_keep_given_options() {
        let t = Target::parse("postgres://u:pw@h:5433/db").expect("parses");
        assert_eq!(t.config.get_options(), Some("-c TimeZone=UTC"));
        assert_eq!(t.label, "h:5433");
        assert!(!format!("{t:?}").contains("pw"));
        let t = Target::parse("postgres://h/db?options=-c%20work_mem%3D8MB").expect("parses");
        assert_eq!(
            t.config.get_options(),
            Some("-c work_mem=8MB -c TimeZone=UTC")
        );
    }

    #[test]
    fn bad_urls_are_reported_without_echoing_them() {
        let err = Target::parse("postgres://u:secret@h:notaport/db").expect_err("invalid");
        assert!(!err.to_string().contains("secret"));
    }
}
