//! A small pool of read-only connections to one GeoPackage, used from blocking tasks.
//!
//! Connections are opened lazily up to `max`; a caller that finds none free waits on a
//! condition variable (it runs on a blocking thread, never on the async executor). In WAL mode
//! readers see the last committed state and never block the writer.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use segit_store::StoreError;

use crate::error::SqlContext;

/// How long a statement waits for a lock before the store reports itself unavailable.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a connection to `path` with segit's settings (busy timeout, `ST_*` functions).
pub(crate) fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags).ctx("opening the GeoPackage")?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .ctx("setting the busy timeout")?;
    crate::geom::register_functions(&conn).ctx("registering the GeoPackage SQL functions")?;
    Ok(conn)
}

/// A bounded pool of read connections.
#[derive(Debug)]
pub(crate) struct ReadPool {
    path: PathBuf,
    max: usize,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    idle: Vec<Connection>,
    open: usize,
}

impl ReadPool {
    /// A pool for `path` holding at most `max` connections.
    pub(crate) fn new(path: PathBuf, max: usize) -> Self {
        Self {
            path,
            max: max.max(1),
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        }
    }

    /// Runs `f` with a read connection (blocking until one is free) inside one read
    /// transaction, so that everything `f` reads (catalog and rows) comes from one snapshot.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let lease = Lease {
            pool: self,
            conn: Some(self.take()?),
        };
        let Some(conn) = &lease.conn else {
            return Err(StoreError::Backend(
                "a pooled connection went missing".into(),
            ));
        };
        conn.execute_batch("BEGIN DEFERRED")
            .ctx("starting a read")?;
        let result = f(conn);
        let end = conn.execute_batch(if result.is_ok() { "COMMIT" } else { "ROLLBACK" });
        match (result, end) {
            (Ok(v), Ok(())) => Ok(v),
            (Ok(_), Err(e)) => Err(crate::error::map_sqlite("ending a read", &e)),
            (Err(e), _) => Err(e),
        }
    }

    fn take(&self) -> Result<Connection, StoreError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(conn);
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                let opened = connect(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .and_then(|c| {
                    c.pragma_update(None, "query_only", true)
                        .ctx("making the connection read-only")?;
                    Ok(c)
                });
                if opened.is_err() {
                    let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                    state.open -= 1;
                    self.freed.notify_one();
                }
                return opened;
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn give_back(&self, conn: Connection) {
        // A connection left inside a transaction (a panic mid-read) is closed, not reused.
        if !conn.is_autocommit() {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.open -= 1;
            self.freed.notify_one();
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.idle.push(conn);
        self.freed.notify_one();
    }
}

/// A connection on loan; it goes back to the pool when dropped, even on panic.
struct Lease<'p> {
    pool: &'p ReadPool,
    conn: Option<Connection>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
