//! Every 400/404/405/500/503 answer, as problem+json with a precise detail.

use crate::support::{Failure, app, config, get, store};

#[actix_web::test]
async fn malformed_parameters_are_400_with_the_reason() {
    let app = app(store(), config()).await;
    let cases = [
        (
            "bbox=1,2,3",
            "invalid bbox '1,2,3': expected 4 numbers, got 3",
        ),
        ("bbox=7,45,0,8,46,100", "6 numbers"),
        ("bbox=a,b,c,d", "expected comma-separated numbers"),
        ("bbox=8,45,7,46", "minimum must not exceed maximum"),
        (
            "bbox-crs=EPSG:2154&bbox=1,2,3,4",
            "invalid bbox-crs 'EPSG:2154': unsupported CRS",
        ),
        ("limit=0", "invalid limit '0'"),
        ("limit=ten", "invalid limit 'ten'"),
        ("limit=2.5", "invalid limit '2.5'"),
        ("offset=-1", "invalid offset '-1'"),
        ("datetime=yesterday", "invalid datetime 'yesterday'"),
        ("datetime=2024-01-02/2024-01-01", "start is after end"),
        (
            "crs=EPSG:2154",
            "invalid crs 'EPSG:2154': unsupported CRS; supported: OGC:CRS84, EPSG:4326",
        ),
        (
            "foglio=uno",
            "invalid value for property 'foglio': 'uno' is not a valid integer",
        ),
        (
            "valid_from=2024-13-01",
            "invalid value for property 'valid_from'",
        ),
        ("f=xml", "unsupported format f=xml"),
        (
            "limit=1&limit=2",
            "query parameter 'limit' given more than once",
        ),
        (
            "foo=1",
            "unknown query parameter 'foo'; allowed: f, bbox, bbox-crs, crs, limit, offset, datetime, foglio, particella",
        ),
    ];
    for (query, detail) in cases {
        get(&app, &format!("/collections/parcels/items?{query}"))
            .await
            .assert_problem(400, detail);
    }
    get(&app, "/collections/addresses/items?datetime=2024-01-01")
        .await
        .assert_problem(400, "collection 'addresses' has no temporal properties");
    get(&app, "/collections/parcels/items/p01?crs=EPSG:1")
        .await
        .assert_problem(400, "invalid crs 'EPSG:1'");
    get(&app, "/collections/parcels/items/p01?limit=1")
        .await
        .assert_problem(400, "unknown query parameter 'limit'; allowed: f, crs");
    get(&app, "/collections?bbox=1,2,3,4")
        .await
        .assert_problem(400, "unknown query parameter 'bbox'; allowed: f");
}

#[actix_web::test]
async fn missing_things_are_404() {
    let app = app(store(), config()).await;
    get(&app, "/collections/nope")
        .await
        .assert_problem(404, "unknown collection 'nope'");
    get(&app, "/collections/nope/items")
        .await
        .assert_problem(404, "unknown collection 'nope'");
    get(&app, "/collections/nope/items/1")
        .await
        .assert_problem(404, "unknown collection 'nope'");
    get(&app, "/collections/parcels/items/zzz")
        .await
        .assert_problem(404, "collection 'parcels' has no feature 'zzz'");
    // undecodable bytes are replaced, never a panic
    get(&app, "/collections/%FF/items")
        .await
        .assert_problem(404, "unknown collection '\u{fffd}'");
    get(&app, "/no/such/route")
        .await
        .assert_problem(404, "no resource at /no/such/route");
}

#[actix_web::test]
async fn other_methods_are_405() {
    let app = app(store(), config()).await;
    let req = actix_web::test::TestRequest::post()
        .uri("/collections")
        .to_request();
    let resp = actix_web::test::call_service(&app, req).await;
    assert_eq!(resp.status(), 405);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
}

#[actix_web::test]
async fn an_unavailable_store_is_503_with_retry_after() {
    let app = app(store().failing(Failure::Unavailable), config()).await;
    for uri in ["/collections", "/collections/parcels/items", "/api"] {
        let a = get(&app, uri).await;
        a.assert_problem(503, "temporarily unavailable");
        assert_eq!(a.header("retry-after"), "5");
        assert!(
            !a.body.contains("5432"),
            "no connection details: {}",
            a.body
        );
    }
}

#[actix_web::test]
async fn backend_failures_are_500_without_details() {
    let app = app(store().failing(Failure::BackendBeforeBegin), config()).await;
    let a = get(&app, "/collections/parcels/items").await;
    a.assert_problem(500, "request id");
    assert!(!a.body.contains("secret_table"), "{}", a.body);
}

#[actix_web::test]
async fn odd_inputs_are_answered_never_panicked_on() {
    let app = app(store(), config()).await;
    let odd = [
        "bbox=NaN,NaN,NaN,NaN",
        "bbox=-inf,0,inf,1",
        "bbox=,,,",
        "bbox=1e400,0,2e400,1",
        "limit=99999999999999999999999",
        "offset=18446744073709551615",
        "offset=18446744073709551615&limit=100",
        "datetime=/",
        "datetime=../..",
        "datetime=2024-01-01T25:00:00Z",
        "crs=",
        "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/",
        "foglio=99999999999999999999",
        "area=NaN",
        "particella=%00%01",
        "f=",
        "%FF=1",
        "=",
    ];
    for q in odd {
        let a = get(&app, &format!("/collections/parcels/items?{q}")).await;
        assert!(
            a.status == 200 || a.status == 400,
            "{q}: {} {}",
            a.status,
            a.body
        );
        if a.status == 400 {
            a.assert_problem(400, "");
        } else {
            assert_eq!(a.json()["type"], "FeatureCollection", "{q}");
        }
    }
}
