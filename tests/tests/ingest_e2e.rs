//! `segit ingest` with the real binary: exit statuses, report, diagnostics file, history
//! served through OGC API `datetime`, and atomicity under `kill -9` on GeoPackage and PostGIS.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use segit_tests::{Server, drop_schema, fresh_schema, pg_url, run_segit, segit_binary};

const START: Duration = Duration::from_mins(1);

/// A fixture supply of the ingest crate.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../server/ingest/tests/fixtures/pipeline")
        .join(name)
}

fn ingest(supply: &Path, date: &str, env: &[(&str, &str)]) -> std::process::Output {
    let supply = supply.to_str().expect("UTF-8 path");
    run_segit(&["ingest", supply, "--supply-date", date], env)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn ids(server: &Server, path: &str) -> Vec<String> {
    let (status, _, body) = server.get(path);
    assert_eq!(status, 200, "{path}: {body}");
    let mut ids: Vec<String> = json(&body)["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn ingest_reports_rejections_and_serves_history_on_geopackage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gpkg = dir.path().join("store.gpkg");
    let diagnostics = dir.path().join("diagnostics.jsonl");
    let env = [
        ("SEGIT_STORE__PATH", gpkg.to_str().expect("UTF-8")),
        (
            "SEGIT_INGEST__DIAGNOSTICS_FILE",
            diagnostics.to_str().expect("UTF-8"),
        ),
    ];

    // one resident has an impossible date: committed, exit 10, listed in the diagnostics
    let out = ingest(&fixture("supply1"), "2024-01-01", &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("residents") && stdout.contains("residents → unit"),
        "{stdout}"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&diagnostics)
        .expect("diagnostics file")
        .lines()
        .map(json)
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["severity"], "rejected");
    assert_eq!(lines[0]["line"], 4);
    assert!(
        lines[0]["file"]
            .as_str()
            .expect("file")
            .ends_with("residents.csv")
    );
    assert_eq!(lines[0]["field"], "from_date");

    // the update has no rejected record: exit 0
    let out = ingest(&fixture("supply2"), "2024-06-01", &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // the same update again, a week later: the GeoPackage stays byte-identical
    let before = std::fs::read(&gpkg).expect("store file");
    let out = ingest(&fixture("supply2"), "2024-06-08", &env);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
    assert!(
        std::fs::read(&gpkg).expect("store file") == before,
        "re-ingesting changed the file"
    );

    // a missing supply, an unknown kind: failure, exit 1
    let out = ingest(&dir.path().join("nowhere"), "2024-06-01", &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let supply = fixture("supply2");
    let out = run_segit(
        &[
            "ingest",
            supply.to_str().expect("UTF-8"),
            "--kind",
            "shapefile",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(1));

    // history through OGC API Features `datetime`
    let server = Server::start(&["serve"], &env[..1], START);
    assert_eq!(
        ids(&server, "/collections/units/items?datetime=2020-01-01"),
        ["F205//12/101/7@1"]
    );
    assert_eq!(
        ids(&server, "/collections/units/items?datetime=2024-01-01"),
        ["F205//12/101/7@2"]
    );
    assert_eq!(
        ids(&server, "/collections/holdings/items?datetime=2020-01-01").len(),
        2
    );
    assert_eq!(
        ids(&server, "/collections/holdings/items?datetime=2024-01-01"),
        ["F205/7654323@2023-05-10"]
    );
}

/// Everything the store answers: every collection's items.
fn answers(env: &[(&str, &str)]) -> String {
    let server = Server::start(&["serve"], env, START);
    let (status, _, body) = server.get("/collections?f=json");
    assert_eq!(status, 200, "{body}");
    let mut ids: Vec<String> = json(&body)["collections"]
        .as_array()
        .expect("collections")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    let mut out = String::new();
    for id in ids {
        let (status, _, body) = server.get(&format!("/collections/{id}/items?limit=10000&f=json"));
        assert_eq!(status, 200, "{body}");
        let v = json(&body);
        let _ = writeln!(out, "{id} {} {}", v["numberMatched"], v["features"]);
    }
    out
}

/// A land-cadastre supply of `n` parcels, large enough to be killed while it is written.
fn large_supply(dir: &Path, n: u32) -> PathBuf {
    let root = dir.join("large");
    std::fs::create_dir_all(root.join("censuario")).expect("mkdir");
    let mut ter = String::with_capacity(n as usize * 120);
    for i in 0..n {
        let foglio = 100 + i / 90_000;
        let particella = 1 + i % 90_000;
        let _ = writeln!(
            ter,
            "F205||{}|T|1|1|{foglio:04}|{particella:05}||||1|2|0|4|0|0|0|0|800|400|0,41|0,21|01010001|16011979|I||000||||||||0004567||694034||||||",
            5_000_000 + i
        );
    }
    std::fs::write(root.join("censuario/F2059999.TER"), ter).expect("write TER");
    root
}

/// Ingests the composed supply, then kills an ingest of a large supply while it writes: the
/// store answers exactly as before, and a rerun completes.
fn kill_mid_ingest(dir: &Path, env: &[(&str, &str)]) {
    let out = ingest(&fixture("supply1"), "2024-01-01", env);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = answers(env);

    let large = large_supply(dir, 150_000);
    let mut child = Command::new(segit_binary())
        .args([
            "ingest",
            large.to_str().expect("UTF-8"),
            "--supply-date",
            "2024-06-01",
        ])
        .envs(env.iter().copied())
        .env("SEGIT_LOG__FILTER", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("segit starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("stderr line");
        let writing = line.contains("writing parcel_states");
        seen.push(line);
        if writing {
            child.kill().expect("kill -9");
            break;
        }
    }
    let status = child.wait().expect("wait");
    assert!(
        !status.success() && status.code().is_none(),
        "the ingest was not killed while writing ({status:?}):\n{}",
        seen.join("\n")
    );
    assert_eq!(answers(env), before, "the store changed after kill -9");

    let out = ingest(&large, "2024-06-01", env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&["serve"], env, START);
    let (_, _, body) = server.get("/collections/parcel_states/items?limit=1&f=json");
    assert_eq!(json(&body)["numberMatched"], 150_002);
}

#[test]
fn kill_9_during_an_ingest_leaves_the_geopackage_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gpkg = dir.path().join("store.gpkg");
    let diagnostics = dir.path().join("diagnostics.jsonl");
    let env = [
        ("SEGIT_STORE__PATH", gpkg.to_str().expect("UTF-8")),
        (
            "SEGIT_INGEST__DIAGNOSTICS_FILE",
            diagnostics.to_str().expect("UTF-8"),
        ),
    ];
    kill_mid_ingest(dir.path(), &env);
}

#[test]
fn kill_9_during_an_ingest_leaves_postgis_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let schema = fresh_schema("segit_ingest");
    let url = pg_url();
    let diagnostics = dir.path().join("diagnostics.jsonl");
    let env = [
        ("SEGIT_STORE__KIND", "postgis"),
        ("SEGIT_STORE__URL", url.as_str()),
        ("SEGIT_STORE__SCHEMA", schema.as_str()),
        (
            "SEGIT_INGEST__DIAGNOSTICS_FILE",
            diagnostics.to_str().expect("UTF-8"),
        ),
    ];
    let out = run_segit(&["migrate"], &env);
    assert!(
        out.status.success(),
        "segit migrate failed (is PostgreSQL up? scripts/pg-setup): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    kill_mid_ingest(dir.path(), &env);
    drop_schema(&schema);
}

#[test]
fn ingest_over_the_demo_keeps_the_demo_features() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gpkg = dir.path().join("store.gpkg");
    let diagnostics = dir.path().join("diagnostics.jsonl");
    let env = [
        ("SEGIT_STORE__PATH", gpkg.to_str().expect("UTF-8")),
        (
            "SEGIT_INGEST__DIAGNOSTICS_FILE",
            diagnostics.to_str().expect("UTF-8"),
        ),
    ];
    let out = run_segit(&["demo", "--direct", "--no-serve", "--scale", "0.05"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let matched = |server: &Server, collection: &str| -> u64 {
        let (_, _, body) = server.get(&format!("/collections/{collection}/items?limit=1&f=json"));
        json(&body)["numberMatched"]
            .as_u64()
            .expect("numberMatched")
    };
    let units_before = {
        let server = Server::start(&["serve"], &env[..1], START);
        matched(&server, "units")
    };
    let out = ingest(&fixture("supply1"), "2024-01-01", &env);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&["serve"], &env[..1], START);
    assert_eq!(matched(&server, "units"), units_before + 1);
    assert_eq!(
        ids(&server, "/collections/units/items?unit_key=F205//12/101/7"),
        ["F205//12/101/7@1"]
    );
}
