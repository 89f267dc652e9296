//! Bad settings and broken stores stop start-up with one clear message naming the file or
//! setting, and a non-zero exit status — never a panic.

use segit_tests::run_segit;

fn fails_with(args: &[&str], env: &[(&str, &str)], needles: &[&str]) {
    let out = run_segit(args, env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "segit {args:?} should fail; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "segit panicked:\n{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr does not mention {needle:?}:\n{stderr}"
        );
    }
}

#[test]
fn missing_geopackage_is_named() {
    fails_with(
        &["serve"],
        &[("SEGIT_STORE__PATH", "/nonexistent/dir/segit.gpkg")],
        &["/nonexistent/dir/segit.gpkg", "store.path"],
    );
}

#[test]
fn corrupt_geopackage_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.gpkg");
    std::fs::write(&path, b"this is not a sqlite file at all, just text").expect("write");
    let p = path.to_str().expect("utf-8");
    fails_with(&["serve"], &[("SEGIT_STORE__PATH", p)], &[p, "store.path"]);

    // a valid SQLite database that is not a GeoPackage
    let plain = dir.path().join("plain.sqlite");
    let plain_str = plain.to_str().expect("utf-8");
    let made = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()", plain_str])
        .status()
        .expect("python3 runs");
    assert!(made.success());
    fails_with(
        &["serve"],
        &[("SEGIT_STORE__PATH", plain_str)],
        &[plain_str, "GeoPackage"],
    );
}

#[test]
fn unreachable_database_is_named() {
    fails_with(
        &["serve"],
        &[
            ("SEGIT_STORE__KIND", "postgis"),
            (
                "SEGIT_STORE__URL",
                "postgres://segit:secret@127.0.0.1:1/segit",
            ),
        ],
        &["store.url", "127.0.0.1:1"],
    );
    let out = run_segit(
        &["serve"],
        &[
            ("SEGIT_STORE__KIND", "postgis"),
            (
                "SEGIT_STORE__URL",
                "postgres://segit:secret@127.0.0.1:1/segit",
            ),
        ],
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("secret"),
        "the password leaked"
    );
}

#[test]
fn unknown_crs_in_settings_is_named() {
    fails_with(
        &["serve"],
        &[("SEGIT_DEMO__STORAGE_CRS", "EPSG:999999")],
        &["demo.storage_crs", "999999"],
    );
}

#[test]
fn unknown_setting_is_named() {
    fails_with(
        &["check-config"],
        &[("SEGIT_SERVER__PROT", "80")],
        &["server.prot", "SEGIT_SERVER__PROT"],
    );
}

#[test]
fn check_config_reports_valid_settings_without_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing.gpkg");
    let out = run_segit(
        &["check-config"],
        &[("SEGIT_STORE__PATH", path.to_str().expect("utf-8"))],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("settings are valid"), "{stderr}");
    assert!(stderr.contains("missing.gpkg"), "{stderr}");
    assert_eq!(
        out.status.code(),
        Some(3),
        "a store that cannot open is exit 3:\n{stderr}"
    );
}
