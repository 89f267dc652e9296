//! End to end: the real `segit` binary on port 0 serving the demo municipality, on the embedded
//! GeoPackage and on PostGIS, read by GDAL's OGC API Features driver (`ogrinfo OAPIF:`, `ogr2ogr`).

use std::time::Duration;

use segit_tests::{Server, drop_schema, fresh_schema, pg_url, run_segit, run_tool};
use serde_json::Value;

const START: Duration = Duration::from_mins(4);

fn number_matched(server: &Server, collection: &str) -> u64 {
    let (status, _, body) = server.get(&format!("/collections/{collection}/items?limit=1"));
    assert_eq!(status, 200, "{body}");
    let json: Value = serde_json::from_str(&body).expect("GeoJSON");
    json["numberMatched"].as_u64().expect("numberMatched")
}

/// Published collection → the entity of the demo supply's `truth.json` it must count.
const TRUTH_COUNTS: [(&str, &str); 17] = [
    ("parcels", "map_parcels"),
    ("parcel_states", "census_parcels"),
    ("units", "unit_states"),
    ("holdings", "holdings"),
    ("subjects", "subjects"),
    ("buildings", "map_buildings"),
    ("house_numbers", "house_numbers"),
    ("residents", "residents"),
    ("tari_positions", "tari_premises"),
    ("leases", "leases"),
    ("deeds", "deeds"),
    ("f24_payments", "f24_payments"),
    ("cadastral_surfaces", "surfaces"),
    ("streets", "streets"),
    ("topo_buildings", "topo_buildings"),
    ("utilities", "utility_rows"),
    ("imu_declarations", "imu_declared_properties"),
];

/// The ingested demo publishes, per entity, exactly the count the generator's ground truth
/// expects (planted malformed records excluded).
fn check_counts_against_truth(server: &Server, supply: &std::path::Path) {
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(supply.join("truth.json")).expect("truth.json is written"),
    )
    .expect("truth.json is JSON");
    for (collection, entity) in TRUTH_COUNTS {
        let expected = truth["expected"][entity]
            .as_u64()
            .unwrap_or_else(|| panic!("truth.json has no expected count for {entity}"));
        assert_eq!(
            number_matched(server, collection),
            expected,
            "collection {collection} against truth entity {entity}"
        );
    }
}

/// `ogrinfo` lists the demo collections and `ogr2ogr` downloads a whole collection whose feature
/// count equals `numberMatched`.
fn check_with_gdal(server: &Server, dir: &std::path::Path) {
    let oapif = format!("OAPIF:{}", server.url);
    let out = run_tool("ogrinfo", &["-ro", "-q", &oapif]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ogrinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for layer in [
        "parcels",
        "buildings",
        "units",
        "house_numbers",
        "tari_positions",
    ] {
        assert!(
            listing.contains(layer),
            "ogrinfo does not list {layer}:\n{listing}"
        );
    }

    let expected = number_matched(server, "buildings");
    assert!(expected > 100, "the demo has buildings");
    let target = dir.join("buildings.gpkg");
    let out = run_tool(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            target.to_str().expect("utf-8 path"),
            &oapif,
            "buildings",
        ],
    );
    assert!(
        out.status.success(),
        "ogr2ogr failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_tool(
        "ogrinfo",
        &[
            "-ro",
            "-so",
            target.to_str().expect("utf-8 path"),
            "buildings",
        ],
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    let count: u64 = summary
        .lines()
        .find_map(|l| l.trim().strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in ogrinfo output:\n{summary}"));
    assert_eq!(
        count, expected,
        "ogr2ogr downloaded {count} of {expected} buildings"
    );
}

#[test]
fn demo_on_geopackage_is_read_by_gdal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gpkg = dir.path().join("demo.gpkg");
    let gpkg_str = gpkg.to_str().expect("utf-8 path");
    let supply = dir.path().join("supply");
    let diagnostics = dir.path().join("diag.jsonl");
    let server = Server::start(
        &["demo", "--scale", "0.2"],
        &[
            ("SEGIT_STORE__KIND", "gpkg"),
            ("SEGIT_STORE__PATH", gpkg_str),
            (
                "SEGIT_DEMO__SUPPLY_DIR",
                supply.to_str().expect("utf-8 path"),
            ),
            (
                "SEGIT_INGEST__DIAGNOSTICS_FILE",
                diagnostics.to_str().expect("utf-8 path"),
            ),
        ],
        START,
    );
    check_with_gdal(&server, dir.path());
    check_counts_against_truth(&server, &supply);
    drop(server);
    assert!(
        supply.join("truth.json").is_file(),
        "the demo went through a supply directory"
    );
    assert!(
        diagnostics.is_file(),
        "the demo's ingest wrote its diagnostics"
    );

    // the file itself is a GeoPackage that GDAL opens as-is
    let out = run_tool("ogrinfo", &["-ro", "-q", gpkg_str]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("parcels"), "{listing}");
    assert!(
        String::from_utf8_lossy(&out.stderr).trim().is_empty(),
        "ogrinfo warns about the GeoPackage: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // serving the existing file again works without regenerating it
    let server = Server::start(&["serve"], &[("SEGIT_STORE__PATH", gpkg_str)], START);
    assert!(number_matched(&server, "parcels") > 100);
}

#[test]
fn demo_on_postgis_is_read_by_gdal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = fresh_schema("segit_e2e");
    let url = pg_url();
    let supply = dir.path().join("supply");
    let diagnostics = dir.path().join("diag.jsonl");
    let env = [
        ("SEGIT_STORE__KIND", "postgis"),
        ("SEGIT_STORE__URL", url.as_str()),
        ("SEGIT_STORE__SCHEMA", schema.as_str()),
        (
            "SEGIT_DEMO__SUPPLY_DIR",
            supply.to_str().expect("utf-8 path"),
        ),
        (
            "SEGIT_INGEST__DIAGNOSTICS_FILE",
            diagnostics.to_str().expect("utf-8 path"),
        ),
    ];
    let out = run_segit(&["migrate"], &env);
    assert!(
        out.status.success(),
        "segit migrate failed (is PostgreSQL up? scripts/pg-setup): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&["demo", "--scale", "0.2"], &env, START);
    check_with_gdal(&server, dir.path());
    check_counts_against_truth(&server, &supply);
    drop(server);
    drop_schema(&schema);
}
