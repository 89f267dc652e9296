//! The GeoJSON body streams in chunks and is never assembled whole.

use actix_web::test;

use crate::support::{Failure, app, chunks, config, store, store_with};

#[actix_web::test]
async fn a_hundred_thousand_features_arrive_in_many_chunks() {
    let mut cfg = config();
    cfg.max_limit = 100_000;
    let app = app(store_with(100_000), cfg).await;
    let req = test::TestRequest::get()
        .uri("/collections/addresses/items?limit=100000")
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 200);
    let parts = chunks(resp).await;
    let sizes: Vec<usize> = parts
        .iter()
        .map(|c| c.as_ref().expect("no stream error").len())
        .collect();
    assert!(sizes.len() > 100, "only {} chunks", sizes.len());
    let largest = sizes.iter().max().copied().unwrap_or_default();
    assert!(
        largest < 64 * 1024,
        "chunks stay small: largest {largest} bytes"
    );
    let body: Vec<u8> = parts
        .into_iter()
        .flat_map(|c| c.unwrap().to_vec())
        .collect();
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["numberReturned"], 100_000);
    assert_eq!(doc["numberMatched"], 100_000);
    assert_eq!(doc["features"][99_999]["id"], "a099999");
}

#[actix_web::test]
async fn a_failure_after_the_first_feature_aborts_the_body() {
    let app = app(store().failing(Failure::BackendAfterBegin), config()).await;
    let req = test::TestRequest::get()
        .uri("/collections/parcels/items")
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 200, "the answer had started");
    let parts = chunks(resp).await;
    assert!(
        parts.last().is_some_and(Result::is_err),
        "the body ends with an error"
    );
}
