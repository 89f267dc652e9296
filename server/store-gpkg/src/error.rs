//! Mapping of SQLite errors to [`StoreError`].
//!
//! Busy or locked databases are `Unavailable` (another writer holds the file), damaged files are
//! `Corrupt`, constraint violations (duplicate feature id, NOT NULL) are `Conflict`; everything
//! else is `Backend`. Messages name what failed, never SQL text.

use rusqlite::ErrorCode;
use segit_store::StoreError;

/// Converts a rusqlite error raised while doing `what` into the matching [`StoreError`].
pub(crate) fn map_sqlite(what: &str, err: &rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let detail = msg.as_deref().unwrap_or("");
            match e.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Unavailable(
                    format!("{what}: the GeoPackage is locked by another writer"),
                ),
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => StoreError::Corrupt(
                    format!("{what}: the file is damaged or not SQLite ({detail})"),
                ),
                ErrorCode::ConstraintViolation => StoreError::Conflict(format!("{what}: {detail}")),
                ErrorCode::Unknown
                    if detail.starts_with("no such table")
                        || detail.starts_with("no such column") =>
                {
                    StoreError::Corrupt(format!(
                        "{what}: the file does not have the tables segit wrote ({detail})"
                    ))
                }
                ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::ReadOnly
                | ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::OutOfMemory => {
                    StoreError::Unavailable(format!("{what}: {e} {detail}"))
                }
                _ => StoreError::Backend(format!("{what}: {e} {detail}")),
            }
        }
        other => StoreError::Backend(format!("{what}: {other}")),
    }
}

/// Extension trait to attach a description to rusqlite results.
pub(crate) trait SqlContext<T> {
    /// Maps the error with [`map_sqlite`], naming `what` was being done.
    fn ctx(self, what: &str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn ctx(self, what: &str) -> Result<T, StoreError> {
        self.map_err(|e| map_sqlite(what, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some("detail".into()))
    }

    #[test]
    fn maps_sqlite_codes_to_store_errors() {
        assert!(matches!(
            map_sqlite("x", &failure(rusqlite::ffi::SQLITE_BUSY)),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            map_sqlite("x", &failure(rusqlite::ffi::SQLITE_LOCKED)),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            map_sqlite("x", &failure(rusqlite::ffi::SQLITE_CORRUPT)),
            StoreError::Corrupt(_)
        ));
        assert!(matches!(
            map_sqlite("x", &failure(rusqlite::ffi::SQLITE_NOTADB)),
            StoreError::Corrupt(_)
        ));
        assert!(matches!(
            map_sqlite("x", &failure(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)),
            StoreError::Conflict(_)
        ));
        assert!(matches!(
            map_sqlite("x", &failure(rusqlite::ffi::SQLITE_ERROR)),
            StoreError::Backend(_)
        ));
        let missing = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some("no such table: parcels".into()),
        );
        assert!(matches!(map_sqlite("x", &missing), StoreError::Corrupt(_)));
        assert!(matches!(
            map_sqlite("x", &rusqlite::Error::InvalidQuery),
            StoreError::Backend(_)
        ));
    }
}
