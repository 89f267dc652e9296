//! The cartographic folder of a supply: CRS resolution, sheet by sheet, in the storage CRS.

use std::fs;

use geo_types::Coord;
use segit_ingest::cartography::supply::{CartographyDir, CartographyOptions};
use segit_ingest::diag::Severity;
use segit_query::Crs;

const CXF: &str = "tests/fixtures/cartography/F205_001200.cxf";
const SUP: &str = "tests/fixtures/cartography/F205_001200.sup";

fn folder(crs: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    fs::copy(CXF, dir.path().join("F205_001200.cxf")).expect("copy");
    fs::copy(SUP, dir.path().join("F205_001200.sup")).expect("copy");
    if let Some(c) = crs {
        fs::write(dir.path().join("crs.txt"), c).expect("write");
    }
    dir
}

#[test]
fn sheets_are_read_reconciled_and_moved_to_storage() {
    let dir = folder(Some("EPSG:7791\n"));
    fs::write(dir.path().join("F205_009900.SUP"), "x").unwrap();
    fs::create_dir(dir.path().join("inspire")).unwrap();
    fs::copy(
        "tests/fixtures/cartography/agenzia_ple.gml",
        dir.path().join("inspire/F205_ple.gml"),
    )
    .unwrap();
    let reader = CartographyDir::open(dir.path(), CartographyOptions::default()).unwrap();
    assert_eq!(reader.crs(), Crs::Epsg(7791));
    assert_eq!(reader.folder_diagnostics().len(), 1);
    assert!(
        reader.folder_diagnostics()[0]
            .reason
            .contains("without a CXF")
    );
    let results: Vec<_> = reader.collect();
    assert_eq!(results.len(), 1);
    assert!(
        results[0].diagnostics.is_empty(),
        "{:?}",
        results[0].diagnostics
    );
    let sheet = results[0].sheet.as_ref().unwrap();
    assert_eq!(sheet.parcels[0].sup_areas, vec![4600]);
    // now in EPSG 6706, longitude/latitude
    let c = sheet.parcels[0].geometry.0[0].exterior().0[0];
    assert!(
        (9.0..9.3).contains(&c.x) && (45.4..45.5).contains(&c.y),
        "{c:?}"
    );
    // areas stay the planar areas of the map CRS
    assert!((sheet.parcels[0].area - 4600.0).abs() < 1e-9);
    let f = &sheet.fiducials[0].position;
    assert!((f.x - 9.19).abs() < 0.01, "{f:?}");
    assert_eq!(CartographyDir::gml_files(dir.path()).len(), 1);
}

#[test]
fn explicit_crs_overrides_and_wrong_crs_is_noticed() {
    let dir = folder(Some("EPSG:7791"));
    let options = CartographyOptions {
        crs: Some(Crs::Epsg(3004)),
        storage_crs: Crs::Epsg(7791),
        ..CartographyOptions::default()
    };
    let results: Vec<_> = CartographyDir::open(dir.path(), options).unwrap().collect();
    // UTM numbers declared as Gauss-Boaga east: outside Italy, reported
    let warnings = results[0]
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning && d.reason.contains("EPSG:3004"))
        .count();
    assert!(warnings >= 5, "{:?}", results[0].diagnostics);
}

#[test]
fn identity_storage_keeps_numbers() {
    let dir = folder(Some("EPSG:7791"));
    let options = CartographyOptions {
        storage_crs: Crs::Epsg(7791),
        ..CartographyOptions::default()
    };
    let results: Vec<_> = CartographyDir::open(dir.path(), options).unwrap().collect();
    let sheet = results[0].sheet.as_ref().unwrap();
    assert_eq!(
        sheet.fiducials[0].position,
        Coord {
            x: 514_948.0,
            y: 5_034_595.0
        }
    );
}

#[test]
fn a_folder_without_crs_is_reported() {
    let dir = folder(None);
    let err = CartographyDir::open(dir.path(), CartographyOptions::default()).unwrap_err();
    assert!(err.reason.contains("lack a CRS"));
    assert_eq!(err.file, dir.path().join("crs.txt"));
}
