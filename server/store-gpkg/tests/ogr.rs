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
    {
        use segit_store::FeatureStore;
        let store = GpkgStore::open(&file).expect("reopen");
        let mut empty = fixtures::parcels_collection();
        empty.id = "empty_layer".into();
        let mut ingest = store.begin_ingest().await.expect("begin");
        ingest.create_collection(&empty).await.expect("create");
        ingest.commit().await.expect("commit");
    }
    let (summary, _) = ogrinfo(&["-ro", "-so", "-al", &file]);
    assert!(
        summary.contains("Layer name: empty_layer"),
        "empty layer:\n{summary}"
    );
    for (layer, geometry, count) in [
        ("contract_points", "Point", fixtures::points().len()),
        ("contract_parcels", "Polygon", fixtures::parcels().len()),
        ("contract_validity", "None", fixtures::validity().len()),
        ("empty_layer", "Polygon", 0),
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

fn ids_in_box(answer: &[segit_query::Feature]) -> Vec<String> {
    answer.iter().map(|f| f.id.clone()).collect()
}

async fn query_box(store: &GpkgStore, collection: &str, x: f64, y: f64) -> Vec<String> {
    use segit_store::FeatureStore;
    let mut query = segit_query::FeatureQuery::new(collection, segit_query::Identity::System);
    query.bbox = Some(
        segit_query::BBox::new(
            x - 5.0,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            segit_query::Crs::Epsg(7791),
        )
        .expect("box"),
    );
    let mut sink = segit_query::sink::VecSink::default();
    store.query(&query, &mut sink).await.expect("query");
    ids_in_box(&sink.features)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_made_by_gdal_keep_the_index_right() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = written(dir.path()).await;
    // a1 is at the grid origin, p15 at (514500, 5034400): move a1 onto p15 and delete P06.
    ogrinfo(&[
        &file,
        "-dialect",
        "SQLite",
        "-sql",
        "UPDATE contract_points SET geom = (SELECT geom FROM contract_points WHERE id = 'p15') WHERE id = 'a1'",
    ]);
    ogrinfo(&[
        &file,
        "-sql",
        "DELETE FROM contract_parcels WHERE id = 'P06'",
    ]);
    let store = GpkgStore::open(&file).expect("reopen");
    assert_eq!(
        query_box(&store, "contract_points", 514_500.0, 5_034_400.0).await,
        ["a1", "p15"]
    );
    assert!(
        query_box(&store, "contract_points", 514_000.0, 5_034_000.0)
            .await
            .is_empty()
    );
    assert!(
        query_box(&store, "contract_parcels", 514_140.0, 5_034_140.0)
            .await
            .is_empty()
    );
    let (index, _) = ogrinfo(&[
        "-ro",
        "-sql",
        "SELECT HasSpatialIndex('contract_points', 'geom')",
        &file,
    ]);
    assert!(index.contains("= 1"), "index after GDAL edits:\n{index}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opens_and_extends_a_geopackage_written_by_gdal() {
    use segit_store::FeatureStore;
    let dir = tempfile::tempdir().expect("temp dir");
    let ours = written(dir.path()).await;
    let theirs = dir.path().join("gdal.gpkg").to_string_lossy().into_owned();
    let out = Command::new("ogr2ogr")
        .args([
            "-f",
            "GPKG",
            "-nln",
            "copied",
            &theirs,
            &ours,
            "contract_parcels",
        ])
        .output()
        .expect("ogr2ogr (gdal-bin) must be installed");
    assert!(
        out.status.success(),
        "ogr2ogr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = GpkgStore::open(&theirs).expect("a GDAL GeoPackage opens");
    assert!(
        store
            .catalog()
            .await
            .expect("catalog")
            .collections
            .is_empty(),
        "GDAL layers are not segit collections"
    );
    fixtures::load(&store)
        .await
        .expect("segit collections can be added");
    drop(store);
    let (summary, _) = ogrinfo(&["-ro", "-so", &theirs]);
    for layer in [
        "copied (Polygon)",
        "contract_points (Point)",
        "contract_parcels (Polygon)",
        "contract_validity (None)",
    ] {
        assert!(summary.contains(layer), "{layer} missing:\n{summary}");
    }
}
