//! The files segit writes are valid GeoPackages for GDAL/OGR: layers, feature counts, SRS,
//! fields, spatial index, and no warning or error on stderr.

use std::path::Path;
use std::process::Command;

use segit_store::contract::fixtures;
use segit_store_gpkg::GpkgStore;

fn ogrinfo(args: &[&str]) -> (String, String) {
    let out = Command::new("ogrinfo")
        .args(args)
        .output()
        .expect("ogrinfo (gdal-bin) must be installed; scripts/test installs it");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "ogrinfo {args:?} failed: {stderr}\n{stdout}"
    );
    assert!(
        stderr.trim().is_empty(),
        "ogrinfo {args:?} printed warnings or errors: {stderr}"
    );
    (stdout, stderr)
}

async fn written(dir: &Path) -> String {
    let path = dir.join("fixtures.gpkg");
    let store = GpkgStore::create(&path).expect("create");
    fixtures::load(&store).await.expect("load fixtures");
    path.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ogrinfo_lists_layers_counts_and_srs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = written(dir.path()).await;
    let (summary, _) = ogrinfo(&["-ro", "-so", "-al", &file]);
    for (layer, geometry, count) in [
        ("contract_points", "Point", fixtures::points().len()),
        ("contract_parcels", "Polygon", fixtures::parcels().len()),
        ("contract_validity", "None", fixtures::validity().len()),
    ] {
        let start = summary
            .find(&format!("Layer name: {layer}"))
            .unwrap_or_else(|| panic!("layer {layer} missing:\n{summary}"));
        let section = &summary[start..];
        let section = &section[..section[1..]
            .find("Layer name:")
            .map_or(section.len(), |i| i + 1)];
        assert!(
            section.contains(&format!("Geometry: {geometry}")),
            "{layer} geometry:\n{section}"
        );
        assert!(
            section.contains(&format!("Feature Count: {count}")),
            "{layer} count:\n{section}"
        );
        if geometry != "None" {
            assert!(
                section.contains("RDN2008 / UTM zone 32N"),
                "{layer} SRS:\n{section}"
            );
            assert!(
                section.contains("FID Column = fid"),
                "{layer} FID column:\n{section}"
            );
            assert!(
                section.contains("Geometry Column = geom"),
                "{layer} geometry column:\n{section}"
            );
        }
        assert!(
            section.contains("id: String"),
            "{layer} id field:\n{section}"
        );
    }
    for field in [
        "flag: Integer(Boolean)",
        "count: Integer64",
        "ratio: Real",
        "name: String",
        "day: Date",
        "stamp: DateTime",
    ] {
        assert!(summary.contains(field), "field {field} missing:\n{summary}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ogrinfo_reads_features_and_the_spatial_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = written(dir.path()).await;
    let (feature, _) = ogrinfo(&["-ro", &file, "contract_points", "-fid", "13"]);
    assert!(
        feature.contains("id (String) = 北京"),
        "feature 13:\n{feature}"
    );
    assert!(
        feature.contains("POINT (514000 5034200)"),
        "feature 13 geometry:\n{feature}"
    );
    let (parcel, _) = ogrinfo(&["-ro", &file, "contract_parcels", "-fid", "8"]);
    assert!(parcel.contains("POLYGON ((514200 5034100,514280 5034100,514280 5034180,514200 5034180,514200 5034100),(514220 5034120,514260 5034120,514260 5034160,514220 5034160,514220 5034120))"), "parcel with a hole:\n{parcel}");
    for layer in ["contract_points", "contract_parcels"] {
        let (index, _) = ogrinfo(&[
            "-ro",
            "-sql",
            &format!("SELECT HasSpatialIndex('{layer}', 'geom')"),
            &file,
        ]);
        assert!(
            index.contains("= 1"),
            "{layer} has no valid spatial index:\n{index}"
        );
    }
    let (within, _) = ogrinfo(&[
        "-ro",
        "-spat",
        "514050",
        "5034050",
        "514250",
        "5034250",
        "-so",
        &file,
        "contract_parcels",
    ]);
    assert!(
        within.contains("Feature Count: 9"),
        "spatial filter through the index:\n{within}"
    );
}
