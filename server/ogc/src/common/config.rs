//! The service configuration handed in by the binary, and the shared application state.

use std::sync::Arc;

use segit_store::FeatureStore;

/// What the OGC services need to know about their deployment. Built by the binary from its
/// settings; this crate never reads configuration files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceConfig {
    /// public base URL every link starts with, e.g. `http://127.0.0.1:8080` (no trailing slash)
    pub public_url: String,
    /// service title (landing page)
    pub title: String,
    /// service description (landing page)
    pub description: String,
    /// page size when a request gives no `limit`
    pub default_limit: u64,
    /// largest page size; larger `limit`s are reduced to it
    pub max_limit: u64,
}

impl ServiceConfig {
    /// A configuration with the default paging (10 per page, at most 10 000).
    /// A trailing `/` of `public_url` is dropped.
    pub fn new(public_url: &str, title: &str, description: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            default_limit: 10,
            max_limit: 10_000,
        }
    }

    /// `public_url` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}

/// Shared state of the OGC services.
#[derive(Clone)]
pub struct AppState {
    /// the feature store, whatever its backend
    pub store: Arc<dyn FeatureStore>,
    /// deployment settings
    pub config: ServiceConfig,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
