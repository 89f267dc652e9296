//! End to end: `segit demo` ingests and correlates a small demo municipality on the GeoPackage
//! and on a fresh PostGIS schema; `segit correlate` then runs again on each store.
//!
//! - the anomaly sets are identical on both stores (the `anomalies` collection read through
//!   each store, sorted by id);
//! - a second run on the same store reports 0 new / 0 resolved and leaves the anomaly
//!   collections byte-identical;
//! - `--rule R14` runs only R14;
//! - a store ingested from a supply without the utilities reports "not evaluated: missing
//!   utilities" for the rules that need them and exits 10;
//! - the served demo lists the anomaly collections to `ogrinfo`;
//! - every collection and property the loader reads (`segit_correlate::load::names::READ`) is
//!   in the catalog of the ingested demo (guards the loader against the ingest's schema).
//!
//! Needs PostgreSQL with PostGIS (`scripts/pg-setup`) and GDAL; fails, never skips, without
//! them.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use segit_correlate::load::names::{READ, VALID_FROM, VALID_TO};
use segit_correlate::persist::RUNS_ID;
use segit_query::sink::VecSink;
use segit_query::{Feature, FeatureQuery, Identity};
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;
use segit_store_postgis::PostgisStore;
use segit_tests::{Server, drop_schema, fresh_schema, pg_url, run_segit, run_tool};

const SCALE: &str = "0.1";
const SEED: &str = "20241";
const KEY: &str = "pseudonym key of the test office";
const START: Duration = Duration::from_mins(4);

/// Drops the PostGIS schema when the test ends, also on failure.
struct SchemaGuard(String);

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        drop_schema(&self.0);
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn env<'a>(base: &'a [(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    base.iter().chain(more).copied().collect()
}

/// Every feature of `collection`, sorted by id.
async fn features(store: &dyn FeatureStore, collection: &str) -> Vec<Feature> {
    let catalog = store.catalog().await.expect("catalog");
    let c = catalog
        .get(collection)
        .unwrap_or_else(|| panic!("the store has no collection {collection}"));
    let mut q = FeatureQuery::new(collection, Identity::System);
    q.output_crs = c.storage_crs;
    let q = q.validate(c).expect("valid query");
    let mut sink = VecSink::default();
    store.query(&q, &mut sink).await.expect("query");
    let mut v = sink.features;
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

/// A canonical text of features (ids, geometry, properties) to compare stores and runs.
fn canonical(features: &[Feature]) -> String {
    features
        .iter()
        .map(|f| format!("{}|{:?}|{:?}", f.id, f.geometry, f.properties))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The anomaly collections' features, canonical, per collection.
async fn anomaly_layers(store: &dyn FeatureStore) -> Vec<(String, String)> {
    let catalog = store.catalog().await.expect("catalog");
    let ids: Vec<String> = catalog
        .collections
        .iter()
        .map(|c| c.id.clone())
        .filter(|id| id.starts_with("anomalies"))
        .collect();
    assert!(ids.len() >= 4, "anomaly collections published: {ids:?}");
    let mut out = Vec::new();
    for id in ids {
        let f = features(store, &id).await;
        out.push((id, canonical(&f)));
    }
    out
}

fn as_of_of(supply: &Path) -> String {
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(supply.join("truth.json")).expect("truth.json is written"),
    )
    .expect("truth.json is JSON");
    // the date the demo's planted cases are true for: the end of its tax year, which
    // `segit demo` correlates at
    truth["correlation"]["as_of"]
        .as_str()
        .expect("truth.json gives the correlation as-of date")
        .to_owned()
}

/// Runs `segit correlate`; its exit code and standard output.
fn correlate(env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["correlate"];
    all.extend_from_slice(args);
    let out = run_segit(&all, env);
    let (stdout, stderr) = text(&out);
    assert!(
        matches!(out.status.code(), Some(0 | 10)),
        "segit correlate {args:?} failed ({:?}):\n{stdout}\n{stderr}",
        out.status
    );
    (out.status.code(), stdout)
}

fn check_full_run(stdout: &str, code: Option<i32>) {
    assert!(stdout.contains("run run-"), "{stdout}");
    assert!(stdout.contains("input fingerprint"), "{stdout}");
    let rule_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" v") && l.contains(" ms)"))
        .collect();
    assert!(rule_lines.len() >= 20, "every rule reports:\n{stdout}");
    // 0 when every rule ran, 10 when some were not evaluated or failed
    let all_ran = rule_lines.iter().all(|l| l.contains(" ok ("));
    assert_eq!(code, Some(if all_ran { 0 } else { 10 }), "{stdout}");
    assert!(stdout.contains("R14  v1 ok ("), "{stdout}");
    assert!(stdout.contains("R12  v1 ok ("), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn correlation_end_to_end_on_both_stores() {
    let dir = tempfile::tempdir().expect("temp dir");
    let supply = dir.path().join("supply");
    let gpkg = dir.path().join("demo.gpkg");
    let diag = dir.path().join("diag.jsonl");
    let (supply_s, gpkg_s, diag_s) = (
        supply.to_str().expect("utf-8"),
        gpkg.to_str().expect("utf-8"),
        diag.to_str().expect("utf-8"),
    );
    let common = [
        ("SEGIT_DEMO__SUPPLY_DIR", supply_s),
        ("SEGIT_INGEST__DIAGNOSTICS_FILE", diag_s),
        ("SEGIT_CORRELATE__PSEUDONYM_KEY", KEY),
    ];

    // GeoPackage: demo (ingest + correlation), then correlate twice more
    let on_gpkg = env(
        &common,
        &[("SEGIT_STORE__KIND", "gpkg"), ("SEGIT_STORE__PATH", gpkg_s)],
    );
    let out = run_segit(
        &["demo", "--no-serve", "--scale", SCALE, "--seed", SEED],
        &on_gpkg,
    );
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.success(),
        "segit demo (gpkg) failed:\n{stdout}\n{stderr}"
    );
    let as_of = as_of_of(&supply);

    let store = GpkgStore::open(&gpkg).expect("open the demo GeoPackage");
    let catalog = store.catalog().await.expect("catalog");
    for (collection, properties) in READ {
        let Some(c) = catalog.get(collection) else {
            // project-convention sources the demo supply may not carry
            assert!(
                ["deaths", "buildable_zones"].contains(collection),
                "the ingest publishes no collection {collection}"
            );
            continue;
        };
        for p in properties.iter().chain(&[VALID_FROM, VALID_TO]) {
            assert!(
                c.property(p).is_some(),
                "the ingest's {collection} has no property {p} the loader reads"
            );
        }
    }
    assert!(catalog.get(RUNS_ID).is_some(), "segit demo records its run");
    let after_demo = anomaly_layers(&store).await;
    drop(store);

    let (code, stdout) = correlate(&on_gpkg, &["--as-of", &as_of]);
    check_full_run(&stdout, code);
    assert!(
        stdout.contains(" 0 new, 0 resolved"),
        "the same inputs give no new and no resolved anomalies:\n{stdout}"
    );
    let store = GpkgStore::open(&gpkg).expect("open the demo GeoPackage");
    let second = anomaly_layers(&store).await;
    assert_eq!(
        after_demo, second,
        "the anomaly collections are byte-identical after a second run"
    );
    let runs = features(&store, RUNS_ID).await;
    assert_eq!(runs.len(), 2, "one correlation_runs record per run");
    let gpkg_anomalies = features(&store, "anomalies").await;
    assert!(
        gpkg_anomalies.len() > 50,
        "the demo has anomalies: {}",
        gpkg_anomalies.len()
    );
    drop(store);

    // only R14
    let (code, stdout) = correlate(&on_gpkg, &["--as-of", &as_of, "--rule", "R14"]);
    assert_eq!(code, Some(0), "{stdout}");
    let rule_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" v") && l.contains(" ms)"))
        .collect();
    assert_eq!(rule_lines.len(), 1, "only R14 runs:\n{stdout}");
    assert!(rule_lines[0].starts_with("R14 "), "{stdout}");
    assert!(stdout.contains(" 0 new, 0 resolved"), "{stdout}");
    let store = GpkgStore::open(&gpkg).expect("open the demo GeoPackage");
    assert_eq!(
        canonical(&features(&store, "anomalies").await),
        canonical(&gpkg_anomalies),
        "a run of R14 alone keeps the other rules' anomalies"
    );
    drop(store);

    // PostGIS, fresh schema: same demo, same anomalies
    let url = pg_url();
    let schema = SchemaGuard(fresh_schema("corr_e2e"));
    let supply_pg = dir.path().join("supply_pg");
    let on_pg = vec![
        ("SEGIT_DEMO__SUPPLY_DIR", supply_pg.to_str().expect("utf-8")),
        ("SEGIT_INGEST__DIAGNOSTICS_FILE", diag_s),
        ("SEGIT_CORRELATE__PSEUDONYM_KEY", KEY),
        ("SEGIT_STORE__KIND", "postgis"),
        ("SEGIT_STORE__URL", url.as_str()),
        ("SEGIT_STORE__SCHEMA", schema.0.as_str()),
    ];
    let out = run_segit(&["migrate"], &on_pg);
    assert!(
        out.status.success(),
        "segit migrate failed (is PostgreSQL up? scripts/pg-setup): {}",
        text(&out).1
    );
    let out = run_segit(
        &["demo", "--no-serve", "--scale", SCALE, "--seed", SEED],
        &on_pg,
    );
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.success(),
        "segit demo (postgis) failed:\n{stdout}\n{stderr}"
    );
    let (code, stdout) = correlate(&on_pg, &["--as-of", &as_of]);
    check_full_run(&stdout, code);
    assert!(stdout.contains(" 0 new, 0 resolved"), "{stdout}");
    let pg = PostgisStore::connect(&url, &schema.0)
        .await
        .expect("connect to PostGIS");
    let pg_anomalies = features(&pg, "anomalies").await;
    assert_eq!(
        pg_anomalies.len(),
        gpkg_anomalies.len(),
        "same number of anomalies on both stores"
    );
    for (a, b) in gpkg_anomalies.iter().zip(&pg_anomalies) {
        assert_eq!(a.id, b.id, "same anomaly ids on both stores");
        assert_eq!(
            a.properties, b.properties,
            "anomaly {} differs between the stores",
            a.id
        );
    }

    // a supply without the utilities
    let partial = dir.path().join("partial");
    copy_dir(&supply, &partial);
    std::fs::remove_dir_all(partial.join("utenze")).expect("the demo supply has utenze/");
    let partial_gpkg = dir.path().join("partial.gpkg");
    let on_partial = env(
        &common,
        &[
            ("SEGIT_STORE__KIND", "gpkg"),
            ("SEGIT_STORE__PATH", partial_gpkg.to_str().expect("utf-8")),
            ("SEGIT_INGEST__STORAGE_CRS", "EPSG:7791"),
        ],
    );
    let out = run_segit(
        &[
            "ingest",
            partial.to_str().expect("utf-8"),
            "--supply-date",
            &as_of,
        ],
        &on_partial,
    );
    assert!(
        matches!(out.status.code(), Some(0 | 10)),
        "ingest of the partial supply failed: {}",
        text(&out).1
    );
    let (code, stdout) = correlate(&on_partial, &["--as-of", &as_of]);
    assert_eq!(code, Some(10), "{stdout}");
    for rule in ["Q07", "R15"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(rule) && l.contains("not evaluated: missing utilities")),
            "{rule} needs the utilities:\n{stdout}"
        );
    }
    assert!(stdout.contains("R14  v1 ok ("), "{stdout}");

    // the served demo lists the anomaly layers
    let server = Server::start(&["serve"], &on_gpkg, START);
    let out = run_tool("ogrinfo", &["-ro", "-q", &format!("OAPIF:{}", server.url)]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ogrinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for layer in [
        "anomalies",
        "anomalies_by_microzone",
        "correlation_runs",
        "parcels",
    ] {
        assert!(
            listing
                .lines()
                .any(|l| l.contains(&format!(": {layer} ")) || l.ends_with(&format!(": {layer}"))),
            "ogrinfo does not list {layer}:\n{listing}"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
