//! The dependency rules of ARCHITECTURE.md, checked over `cargo metadata`: a broken rule fails here.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// package name → (normal dependency names, dev dependency names)
fn workspace_deps() -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let mut map = BTreeMap::new();
    for pkg in meta["packages"].as_array().expect("packages") {
        let name = pkg["name"].as_str().expect("name").to_owned();
        let mut normal = Vec::new();
        let mut dev = Vec::new();
        for dep in pkg["dependencies"].as_array().expect("dependencies") {
            let dep_name = dep["name"].as_str().expect("dep name").to_owned();
            match dep["kind"].as_str() {
                Some("dev") => dev.push(dep_name),
                _ => normal.push(dep_name),
            }
        }
        map.insert(name, (normal, dev));
    }
    map
}

fn segit_deps(deps: &[String]) -> Vec<&str> {
    deps.iter()
        .map(String::as_str)
        .filter(|d| d.starts_with("segit"))
        .collect()
}

const BACKENDS: [&str; 2] = ["segit-store-gpkg", "segit-store-postgis"];
const IO_CRATES: [&str; 8] = [
    "tokio",
    "rusqlite",
    "tokio-postgres",
    "deadpool-postgres",
    "actix-web",
    "figment",
    "reqwest",
    "quick-xml",
];

#[test]
fn model_depends_on_no_segit_crate_and_no_io() {
    let deps = workspace_deps();
    let (normal, _) = &deps["segit-model"];
    assert!(
        segit_deps(normal).is_empty(),
        "segit-model depends on {:?}",
        segit_deps(normal)
    );
    for io in IO_CRATES {
        assert!(
            !normal.iter().any(|d| d == io),
            "segit-model must not depend on {io}"
        );
    }
}

#[test]
fn layers_point_downwards() {
    let deps = workspace_deps();
    let allowed: &[(&str, &[&str])] = &[
        ("segit-query", &["segit-model"]),
        ("segit-store", &["segit-query", "segit-model"]),
        (
            "segit-store-gpkg",
            &["segit-store", "segit-query", "segit-model"],
        ),
        (
            "segit-store-postgis",
            &["segit-store", "segit-query", "segit-model"],
        ),
        (
            "segit-ogc",
            &["segit-query", "segit-store", "segit-model", "segit-render"],
        ),
        ("segit-demo", &["segit-model", "segit-query", "segit-store"]),
        (
            "segit-ingest",
            &["segit-model", "segit-query", "segit-store"],
        ),
        (
            "segit-correlate",
            &["segit-model", "segit-query", "segit-store"],
        ),
    ];
    for (pkg, ok) in allowed {
        let (normal, _) = deps
            .get(*pkg)
            .unwrap_or_else(|| panic!("package {pkg} is missing"));
        for dep in segit_deps(normal) {
            assert!(
                ok.contains(&dep),
                "{pkg} must not depend on {dep} (allowed: {ok:?})"
            );
        }
    }
}

#[test]
fn only_the_binary_and_tests_know_a_backend() {
    let deps = workspace_deps();
    for (pkg, (normal, _)) in &deps {
        if pkg == "segit" || pkg == "segit-tests" {
            continue;
        }
        for backend in BACKENDS {
            assert!(
                !normal.iter().any(|d| d == backend),
                "{pkg} depends on the backend {backend}; handlers and engines see dyn FeatureStore"
            );
        }
    }
}

#[test]
fn protocols_never_touch_sql_or_config() {
    let deps = workspace_deps();
    let (normal, _) = &deps["segit-ogc"];
    for banned in [
        "tokio-postgres",
        "deadpool-postgres",
        "rusqlite",
        "figment",
        "config",
    ] {
        assert!(
            !normal.iter().any(|d| d == banned),
            "segit-ogc must not depend on {banned}"
        );
    }
}

#[test]
fn engines_have_no_http() {
    let deps = workspace_deps();
    for pkg in [
        "segit-render",
        "segit-ingest",
        "segit-correlate",
        "segit-demo",
        "segit-store",
    ] {
        if let Some((normal, _)) = deps.get(pkg) {
            assert!(
                !normal.iter().any(|d| d == "actix-web"),
                "{pkg} must not depend on actix-web"
            );
        }
    }
}

#[test]
fn service_modules_import_common_never_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/ogc/src");
    let services = ["features", "wfs", "wms", "tiles"];
    for service in services {
        let dir = src.join(service);
        let Ok(entries) = walk(&dir) else { continue };
        for file in entries {
            let text = std::fs::read_to_string(&file).expect("readable source");
            for other in services.iter().filter(|s| **s != service) {
                for needle in [
                    format!("crate::{other}::"),
                    format!("crate::{other};"),
                    format!("super::super::{other}"),
                ] {
                    assert!(
                        !text.contains(&needle),
                        "{} (service {service}) imports service {other}",
                        file.display()
                    );
                }
            }
        }
    }
}

fn walk(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(out)
}
