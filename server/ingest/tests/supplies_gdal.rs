//! `dbt/edifici.gpkg` written by another tool: GDAL's `ogr2ogr` (GeoPackage geometry headers
//! with an envelope, its own table layout and DATE columns) must read like the project's own.

use std::path::Path;
use std::process::Command;

use segit_ingest::diag::Item;
use segit_ingest::supplies::BuildingsReader;
use segit_model::BuildingUse;

const BUILDINGS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"building_id":"E1","height_m":9.5,"floors":3,"use_class":"residenziale","survey_date":"2020-05-01"},
 "geometry":{"type":"Polygon","coordinates":[[[515000,5035000],[515010,5035000],[515010,5035010],[515000,5035010],[515000,5035000]]]}},
{"type":"Feature","properties":{"building_id":"E2","height_m":null,"floors":null,"use_class":"religioso","survey_date":null},
 "geometry":{"type":"Polygon","coordinates":[[[515020,5035000],[515030,5035000],[515030,5035010],[515020,5035000]]]}}
]}"#;

#[test]
fn reads_a_geopackage_written_by_ogr2ogr() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("edifici.geojson");
    std::fs::write(&source, BUILDINGS).unwrap();
    let gpkg = dir.path().join("edifici.gpkg");
    let out = Command::new("ogr2ogr")
        .args(["-f", "GPKG"])
        .arg(&gpkg)
        .arg(&source)
        .args(["-nln", "edifici", "-nlt", "POLYGON", "-a_srs", "EPSG:7791"])
        .args(["-lco", "FID=fid", "-lco", "GEOMETRY_NAME=geom"])
        .output()
        .expect("ogr2ogr (gdal-bin) must be installed");
    assert!(
        out.status.success(),
        "ogr2ogr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<_> = BuildingsReader::open(Path::new(&gpkg)).unwrap().collect();
    let records: Vec<_> = items
        .into_iter()
        .map(|i| match i {
            Item::Record(r) => r,
            Item::Diagnostic(d) => panic!("unexpected diagnostic {d}"),
        })
        .collect();
    assert_eq!(records.len(), 2);
    let e1 = &records[0].record;
    assert_eq!(e1.srs_id, 7791);
    assert_eq!(e1.building.building_id, "E1");
    assert_eq!(e1.building.floors, Some(3));
    assert_eq!(e1.building.height_m, Some(9.5));
    assert_eq!(
        e1.building.survey_date.map(|d| d.to_string()).as_deref(),
        Some("2020-05-01")
    );
    assert_eq!(e1.footprint.0[0].exterior().0.len(), 5);
    assert!((e1.footprint.0[0].exterior().0[1].x - 515_010.0).abs() < 1e-9);
    let e2 = &records[1].record.building;
    assert_eq!(e2.use_class, BuildingUse::Religious);
    assert!(e2.floors.is_none() && e2.height_m.is_none() && e2.survey_date.is_none());
}
