//! The one error type of the OGC services and the one mapping from query and store errors.
//!
//! Every failure a handler can meet becomes an [`ApiError`], rendered as RFC 9457
//! `application/problem+json` (`type`, `title`, `status`, `detail`, plus the OGC exception
//! `code`). Store details that may contain SQL, paths or connection strings are logged with a
//! request id and never sent to clients: the client gets the id to quote.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use segit_query::{Crs, QueryError, SinkError};
use segit_store::StoreError;
use serde::Serialize;

/// Seconds a client is asked to wait when the store is unavailable.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// An error answer of the OGC services.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {detail}")]
pub struct ApiError {
    /// HTTP status
    pub status: StatusCode,
    /// OGC exception code (`InvalidParameterValue`, `NotFound`, ...)
    pub code: &'static str,
    /// what exactly went wrong, for the client
    pub detail: String,
    /// seconds for `Retry-After` (503 only)
    pub retry_after: Option<u32>,
}

/// The problem+json body.
#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'static str,
}

impl ApiError {
    /// 400: a query parameter or path value is malformed or not acceptable.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidParameterValue", detail)
    }

    /// 404: the resource does not exist.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", detail)
    }

    /// 405: the resource exists but not for this method.
    pub fn method_not_allowed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "OperationNotSupported",
            detail,
        )
    }

    /// 503: the store cannot be reached now; the client may retry.
    pub fn unavailable() -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_SECONDS),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "the data store is temporarily unavailable; retry later",
            )
        }
    }

    /// 500: logs `cause` with a fresh request id and returns a generic error quoting that id.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        let id = request_id();
        tracing::error!(request_id = %id, error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "NoApplicableCode",
            format!("internal server error (request id {id})"),
        )
    }

    fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            retry_after: None,
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::UnknownCollection(_) => Self::not_found(e.to_string()),
            QueryError::UnsupportedCrs(_) => Self::bad_request(format!(
                "{e}; supported: {}",
                supported_crs_names().join(", ")
            )),
            QueryError::UnknownProperty { .. }
            | QueryError::InvalidValue { .. }
            | QueryError::NotText { .. }
            | QueryError::Transform(_)
            | QueryError::NotTemporal(_)
            | QueryError::InvalidGeometry(_) => Self::bad_request(e.to_string()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Query(q) => q.into(),
            StoreError::Unavailable(ref why) => {
                tracing::warn!(request_id = %request_id(), reason = %why, "store unavailable");
                Self::unavailable()
            }
            StoreError::Sink(SinkError::Closed) => {
                tracing::debug!("client went away before the answer started");
                Self::internal(&e)
            }
            StoreError::Sink(SinkError::Encode(_))
            | StoreError::Corrupt(_)
            | StoreError::Conflict(_)
            | StoreError::Backend(_) => Self::internal(&e),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = Problem {
            ty: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
            code: self.code,
        };
        let mut resp = HttpResponse::build(self.status);
        resp.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if let Some(secs) = self.retry_after {
            resp.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        resp.body(serde_json::to_vec(&body).unwrap_or_default())
    }
}

/// Every CRS the services accept, CRS84 first, as short names.
pub fn supported_crs_names() -> Vec<String> {
    std::iter::once(Crs::Crs84)
        .chain(Crs::SUPPORTED_EPSG.iter().map(|&c| Crs::Epsg(c)))
        .map(Crs::short_name)
        .collect()
}

/// A process-unique id to correlate a client-visible error with the server log.
pub fn request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = chrono::Utc::now().timestamp_millis() as u64;
    format!("{t:x}-{n:x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailable_store_is_503_with_retry_after() {
        let e = ApiError::from(StoreError::Unavailable("pool exhausted".into()));
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(e.retry_after, Some(RETRY_AFTER_SECONDS));
        assert!(!e.detail.contains("pool"));
        let resp = e.error_response();
        assert_eq!(resp.headers().get(header::RETRY_AFTER).unwrap(), "5");
    }

    #[test]
    fn backend_details_never_reach_the_client() {
        let e = ApiError::from(StoreError::Backend("SELECT * FROM secret".into()));
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.detail.contains("SELECT"));
        assert!(e.detail.contains("request id"));
    }

    #[test]
    fn query_errors_keep_their_detail() {
        let e = ApiError::from(StoreError::Query(QueryError::UnknownCollection("x".into())));
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.detail, "unknown collection 'x'");
        let e = ApiError::from(QueryError::UnsupportedCrs("EPSG:2154".into()));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.detail.contains("EPSG:6707"), "{}", e.detail);
    }
}
