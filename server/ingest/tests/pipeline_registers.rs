//! Every register layer through the pipeline: the register fixtures of the supplies readers
//! (other-supplies.md examples) beside the composed census and map supply land as collections
//! whose features follow their schemas exactly, personal fields marked.

mod pipeline_support;

use std::path::Path;

use pipeline_support::{all, store, supply};
use segit_ingest::pipeline::SourceKind;
use segit_store::FeatureStore;

/// supply1 plus the register fixtures, in the folder layout of other-supplies.md §0.1.
fn full_supply(root: &Path) {
    let copy_dir = |from: &Path, to: &Path| {
        for entry in walk(from) {
            let rel = entry.strip_prefix(from).expect("fixture supply");
            let target = to.join(rel);
            std::fs::create_dir_all(target.parent().expect("fixture supply"))
                .expect("fixture supply");
            std::fs::copy(&entry, &target).expect("fixture supply");
        }
    };
    copy_dir(&supply("supply1"), root);
    let registers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/supplies");
    for (file, folder) in [
        ("cadastral_surface.csv", "superfici"),
        ("utility_supply.csv", "utenze"),
        ("leases.jsonl", "locazioni"),
        ("transfer_deeds.jsonl", "atti"),
        ("IMU_F205_2024.txt", "imu"),
        ("f24_imu.csv", "imu"),
        ("QI_1234567_VALORI.csv", "omi"),
        ("QI_1234567_ZONE.csv", "omi"),
        ("F205.kml", "omi"),
        ("microzones.geojson", "omi"),
    ] {
        std::fs::create_dir_all(root.join(folder)).expect("fixture supply");
        std::fs::copy(registers.join(file), root.join(folder).join(file)).expect("fixture supply");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixture supply") {
        let path = entry.expect("fixture supply").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn every_register_becomes_a_collection_that_follows_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("supply");
    full_supply(&root);
    let store = store(dir.path());
    let report = pipeline_support::ingest_dir(&store, &root, "2024-06-30").await;

    let catalog = store.catalog().await.unwrap();
    for (kind, collection) in [
        (SourceKind::CadastralSurface, "cadastral_surfaces"),
        (SourceKind::Utility, "utilities"),
        (SourceKind::Leases, "leases"),
        (SourceKind::Deeds, "deeds"),
        (SourceKind::F24, "f24_payments"),
        (SourceKind::OmiValues, "omi_values"),
        (SourceKind::Microzones, "microzones"),
        (SourceKind::Residents, "residents"),
        (SourceKind::Tari, "tari_positions"),
        (SourceKind::Streets, "streets"),
        (SourceKind::HouseNumbers, "house_numbers"),
    ] {
        let loaded = report.kinds[&kind].loaded;
        assert!(loaded > 0, "{kind}: nothing loaded");
        let features = all(&store, collection).await;
        assert_eq!(
            features.len() as u64,
            loaded,
            "{collection}: one feature per record"
        );
    }
    // IMU: one feature per declared property; OMI zones: CSV zones and KML perimeters merged
    assert!(!all(&store, "imu_declarations").await.is_empty());
    assert!(!all(&store, "omi_zones").await.is_empty());

    for c in &catalog.collections {
        let names: Vec<&str> = c.properties.iter().map(|p| p.name.as_str()).collect();
        for f in all(&store, &c.id).await {
            let got: Vec<&str> = f.properties.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(got, names, "{}: {}", c.id, f.id);
        }
    }
    for (collection, property) in [
        ("utilities", "holder_cf"),
        ("leases", "tenants_cf"),
        ("deeds", "parties_cf"),
        ("imu_declarations", "declarant_cf"),
        ("f24_payments", "payer_cf"),
        ("tari_positions", "payer_cf"),
    ] {
        let c = catalog.get(collection).unwrap();
        assert!(
            c.property(property).unwrap().personal,
            "{collection}.{property}"
        );
    }
    // every unit link names a unit of the store
    let units: Vec<String> = all(&store, "units")
        .await
        .iter()
        .filter_map(|f| pipeline_support::text(f, "unit_key").map(str::to_owned))
        .collect();
    for c in [
        "residents",
        "tari_positions",
        "utilities",
        "leases",
        "deeds",
        "imu_declarations",
    ] {
        for f in all(&store, c).await {
            if let Some(k) = pipeline_support::text(&f, "unit_key") {
                assert!(units.iter().any(|u| u == k), "{c} {}: {k}", f.id);
                assert!(pipeline_support::number(&f, "unit_key_confidence").is_some());
            }
        }
    }
    // and it is idempotent too
    let again = pipeline_support::ingest_dir(&store, &root, "2024-07-31").await;
    assert!(
        again.collections.iter().all(|c| !c.written),
        "{:?}",
        again.collections
    );
}
