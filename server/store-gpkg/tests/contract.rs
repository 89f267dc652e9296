//! The backend contract suite on a fresh GeoPackage file per test.

use segit_store::contract;
use segit_store_gpkg::GpkgStore;

/// A new store in its own temporary directory (kept alive by the returned guard).
fn fresh() -> (tempfile::TempDir, GpkgStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = GpkgStore::create(dir.path().join("contract.gpkg")).expect("create GeoPackage");
    (dir, store)
}

macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let (_dir, store) = fresh();
            contract::$name(&store).await;
        }
    )*};
}

contract_tests!(
    check_catalog,
    check_paging,
    check_count,
    check_filters,
    check_like,
    check_sort,
    check_projection,
    check_empty_results,
    check_datetime,
    check_bbox,
    check_spatial_filters,
    check_output_crs,
    check_extent,
    check_get,
    check_unknown_collection,
    check_sink_failure,
    check_empty_collection,
    check_write_errors,
    check_deferred_writes,
    check_positional_writes,
    check_uncommitted_is_invisible,
    check_rollback_leaves_nothing,
    check_recreate_replaces,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_all_on_one_store() {
    let (_dir, store) = fresh();
    contract::run_all(&store).await;
}
