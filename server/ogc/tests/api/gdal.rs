//! A real client: GDAL's OGC API Features driver reads the service over HTTP (listing,
//! counts, spatial filter, and a paged download). `scripts/test` installs `gdal-bin`.

use std::process::Command;
use std::sync::Arc;

use crate::support::{config, store_with};

/// Runs a GDAL tool; fails loudly when it is missing or fails.
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} (install gdal-bin): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} {args:?} failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[actix_web::test]
async fn gdal_lists_filters_and_downloads_through_paging() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cfg = config();
    cfg.public_url = format!("http://127.0.0.1:{port}");
    cfg.max_limit = 1000;
    let state = segit_ogc::AppState {
        store: Arc::new(store_with(2500)),
        config: cfg,
    };
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().configure(segit_ogc::configure(state.clone()))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("addresses.geojson");
    let url = format!("OAPIF:http://127.0.0.1:{port}");
    let (listing, filtered, downloaded) = tokio::task::spawn_blocking(move || {
        let listing = run("ogrinfo", &["-ro", "-so", "-al", &url]);
        let filtered = run(
            "ogrinfo",
            &[
                "-ro", &url, "parcels", "-spat", "7.0001", "45.001", "7.0025", "45.002",
            ],
        );
        let target_str = target.to_str().unwrap();
        run("ogr2ogr", &["-f", "GeoJSON", target_str, &url, "addresses"]);
        (listing, filtered, std::fs::read_to_string(&target).unwrap())
    })
    .await
    .unwrap();
    handle.stop(true).await;

    assert!(listing.contains("Layer name: parcels"), "{listing}");
    assert!(listing.contains("Geometry: Polygon"), "{listing}");
    assert!(listing.contains("Feature Count: 25"), "{listing}");
    assert!(listing.contains("Layer name: addresses"), "{listing}");
    assert!(listing.contains("Feature Count: 2500"), "{listing}");
    assert!(listing.contains("foglio: Integer"), "{listing}");

    let ids: Vec<&str> = filtered
        .lines()
        .filter_map(|l| l.trim().strip_prefix("id (String) = "))
        .collect();
    assert_eq!(ids, ["p01", "p02", "p03"], "{filtered}");

    let doc: serde_json::Value = serde_json::from_str(&downloaded).unwrap();
    let features = doc["features"].as_array().unwrap();
    assert_eq!(features.len(), 2500, "every page downloaded");
    assert_eq!(features[2499]["properties"]["number"], 2500);
}
