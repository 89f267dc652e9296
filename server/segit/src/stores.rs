//! Opening the configured store. The only place that names a backend.

use std::sync::Arc;

use anyhow::Context;
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;
use segit_store_postgis::PostgisStore;

use crate::settings::{StoreKind, StoreSettings};

/// Whether a missing GeoPackage file may be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// create an empty GeoPackage when the file does not exist (demo, ingest)
    IfMissing,
    /// the file must exist (serve)
    Never,
}

/// Opens the store the settings describe, with a message naming the setting on failure.
pub async fn open(
    settings: &StoreSettings,
    create: Create,
) -> anyhow::Result<Arc<dyn FeatureStore>> {
    match settings.kind {
        StoreKind::Gpkg => {
            let path = &settings.path;
            let store = match create {
                Create::IfMissing => {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir).with_context(|| {
                            format!(
                                "cannot create the directory of store.path {}",
                                path.display()
                            )
                        })?;
                    }
                    GpkgStore::open_or_create(path)
                }
                Create::Never => GpkgStore::open(path),
            }
            .with_context(|| format!("store.path = {}", path.display()))?;
            Ok(Arc::new(store))
        }
        StoreKind::Postgis => {
            let store = PostgisStore::connect(settings.url.expose(), &settings.schema)
                .await
                .with_context(|| format!("store.url = {}", settings.url))?;
            Ok(Arc::new(store))
        }
    }
}
