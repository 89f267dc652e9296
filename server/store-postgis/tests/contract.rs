//! The backend contract suite of `segit_store::contract` on a fresh PostGIS schema.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgis_store_passes_the_contract_suite() {
    let t = common::TestSchema::new().await;
    segit_store::contract::run_all(&t.store).await;
}
