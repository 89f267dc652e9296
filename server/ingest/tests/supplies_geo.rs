//! OMI files (other-supplies.md §6: VALORI/ZONE CSV dialect, KML perimeters, microzones),
//! house-number points (§7) and topographic buildings in a GeoPackage (§8).

use std::path::{Path, PathBuf};

use geo_types::{Geometry, LineString, Point, Polygon};
use rusqlite::Connection;
use segit_ingest::cartography::InvalidPolygonPolicy;
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_ingest::supplies::{
    BuildingsReader, GeoJsonOptions, HouseNumbersReader, KmlOptions, Located, MicrozonesReader,
    OmiPerimetersReader, OmiValuesReader, OmiZonesReader,
};
use segit_ingest::text::Encoding;
use segit_model::BuildingUse;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/supplies")
        .join(name)
}

fn split<T>(items: impl Iterator<Item = Item<Located<T>>>) -> (Vec<Located<T>>, Vec<Diagnostic>) {
    let mut records = Vec::new();
    let mut diagnostics = Vec::new();
    for item in items {
        match item {
            Item::Record(r) => records.push(r),
            Item::Diagnostic(d) => diagnostics.push(d),
        }
    }
    (records, diagnostics)
}

fn summary(diagnostics: &[Diagnostic]) -> Vec<(u64, Option<&str>, Severity)> {
    diagnostics
        .iter()
        .map(|d| (d.line, d.field.as_deref(), d.severity))
        .collect()
}

const REJ: Severity = Severity::Rejected;
const WARN: Severity = Severity::Warning;
const REP: Severity = Severity::Repaired;

#[test]
fn omi_quotations() {
    let reader = OmiValuesReader::open(&fixture("QI_1234567_VALORI.csv")).unwrap();
    let (records, diagnostics) = split(reader);
    assert_eq!(records.len(), 2);
    let q = &records[0].record;
    assert_eq!(records[0].line, 3);
    assert_eq!(q.municipality.belfiore.as_str(), "F205");
    assert_eq!(q.municipality.istat.as_deref(), Some("3015146"));
    assert_eq!(q.municipality.section, None);
    assert_eq!(
        (q.zone.as_str(), q.link_zone.as_str()),
        ("B12", "MI00000290")
    );
    assert_eq!(q.typology_code, 20);
    assert!(q.prevailing);
    assert_eq!((q.purchase_min, q.purchase_max), (Some(3500), Some(5000)));
    assert_eq!(q.rent_min, Some(12.5));
    assert_eq!(q.rent_max, Some(16.8));
    let boxes = &records[1].record;
    assert!(!boxes.prevailing && boxes.rent_min.is_none());
    assert_eq!(
        summary(&diagnostics),
        vec![
            (5, Some("compr_min"), REJ),
            (6, Some("loc_min"), REJ),
            (7, Some("zona"), REJ)
        ]
    );
}

#[test]
fn omi_zones_in_latin1_with_crlf() {
    let mut reader = OmiZonesReader::open(&fixture("QI_1234567_ZONE.csv")).unwrap();
    let first = reader.next();
    assert!(reader.title().unwrap().starts_with("Zone OMI"));
    let (records, diagnostics) = split(first.into_iter().chain(reader));
    assert_eq!(records.len(), 2);
    let z = &records[0].record;
    assert_eq!(
        z.description.as_deref(),
        Some("CENTRO STORICO - DUOMO, SAN BABILA")
    );
    assert_eq!(z.microzone, Some(1));
    assert_eq!(z.prevailing_typology_code, Some(20));
    assert_eq!(
        records[1].record.description.as_deref(),
        Some("CITTÀ STUDI")
    );
    assert_eq!(summary(&diagnostics), vec![(5, Some("microzona"), REJ)]);

    // Forcing UTF-8 turns the Latin-1 line into a rejected line.
    let reader = OmiZonesReader::open(&fixture("QI_1234567_ZONE.csv"))
        .unwrap()
        .with_encoding(Some(Encoding::Utf8));
    let (records, diagnostics) = split(reader);
    assert_eq!(records.len(), 1);
    assert_eq!(diagnostics[0].line, 4);
    assert!(diagnostics[0].reason.contains("UTF-8"));
}

#[test]
fn omi_header_is_the_second_line() {
    let input = "title\nComune_amm;Zona;LinkZona;\n";
    let (records, diagnostics) = split(OmiZonesReader::new(input.as_bytes(), Path::new("z.csv")));
    assert!(records.is_empty());
    assert_eq!(summary(&diagnostics), vec![(2, Some("microzona"), REJ)]);
    let (_, diagnostics) = split(OmiZonesReader::new(
        &b"title only\n"[..],
        Path::new("z.csv"),
    ));
    assert_eq!(summary(&diagnostics), vec![(2, None, REJ)]);
}

#[test]
fn omi_perimeters_kml() {
    let (records, diagnostics) = split(OmiPerimetersReader::open(&fixture("F205.kml")).unwrap());
    assert_eq!(records.len(), 2);
    let b12 = &records[0];
    assert_eq!(b12.line, 23);
    assert_eq!(b12.record.belfiore.as_str(), "F205");
    assert_eq!(b12.record.zone, "B12");
    assert_eq!(b12.record.link_zone, None);
    assert_eq!(b12.record.period, Some((2023, 2)));
    assert_eq!(b12.record.geometry.0.len(), 2);
    assert_eq!(b12.record.geometry.0[0].interiors().len(), 1);
    assert!((b12.record.geometry.0[0].exterior().0[1].x - 9.2).abs() < 1e-12);
    assert_eq!(
        b12.record.geometry.0[1].exterior().0.len(),
        4,
        "open ring closed"
    );
    let c14 = &records[1].record;
    assert_eq!(c14.zone, "C14");
    assert_eq!(c14.name.as_deref(), Some("C14"));
    assert_eq!(
        summary(&diagnostics),
        vec![
            (23, Some("geometry"), REP),
            (33, Some("CODZONA"), REJ),
            (38, Some("coordinates"), REJ),
        ]
    );

    let truncated = "<kml><Document><Placemark><name>x</name>";
    let (records, diagnostics) = split(OmiPerimetersReader::new(
        truncated.as_bytes(),
        Path::new("F205.kml"),
    ));
    assert!(records.is_empty());
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].reason.contains("ends inside a placemark"));
}

#[test]
fn microzones_geojson() {
    let (records, diagnostics) =
        split(MicrozonesReader::open(&fixture("microzones.geojson")).unwrap());
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3]);
    let m = &records[0].record;
    assert_eq!((m.belfiore.as_str(), m.microzone), ("F205", 1));
    assert_eq!(m.omi_zone.as_deref(), Some("B12"));
    assert_eq!(m.link_zone.as_deref(), Some("MI00000290"));
    assert_eq!(m.geometry.0[0].exterior().0.len(), 5);
    assert_eq!(
        summary(&diagnostics),
        vec![
            (3, Some("geometry"), REP),
            (4, Some("microzona"), REJ),
            (5, Some("geometry"), REJ),
        ]
    );
}

#[test]
fn house_numbers_geojson() {
    let (records, diagnostics) =
        split(HouseNumbersReader::open(&fixture("house_numbers.geojson")).unwrap());
    assert_eq!(records.len(), 2);
    let first = &records[0];
    assert_eq!(first.line, 4);
    assert_eq!(
        first.record.house_number.address_key.to_string(),
        "F205/2040/12/"
    );
    assert_eq!(
        first
            .record
            .house_number
            .parcel_key
            .as_ref()
            .unwrap()
            .to_string(),
        "F205_001200.101"
    );
    assert_eq!(first.record.point, Point::new(9.19, 45.465));
    assert!(records[1].record.house_number.parcel_key.is_none());
    assert_eq!(
        summary(&diagnostics),
        vec![
            (9, Some("number"), WARN),
            (14, Some("address_key"), REJ),
            (19, Some("geometry"), REJ),
        ]
    );
}

#[test]
fn geojson_file_level_failures() {
    let path = Path::new("h.geojson");
    let (_, diagnostics) = split(HouseNumbersReader::new(
        &b"{\"type\":\"Feature\"}"[..],
        path,
    ));
    assert_eq!(summary(&diagnostics), vec![(1, None, REJ)]);
    let (_, diagnostics) = split(HouseNumbersReader::new(
        &b"{\n\"type\":\"FeatureCollection\",\n\"features\":[{]}"[..],
        path,
    ));
    assert_eq!(summary(&diagnostics), vec![(3, None, REJ)]);
    let big = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        " ".repeat(100)
    );
    let reader = HouseNumbersReader::with_options(
        big.as_bytes(),
        path,
        &GeoJsonOptions {
            max_bytes: 64,
            ..GeoJsonOptions::default()
        },
    );
    let (_, diagnostics) = split(reader);
    assert!(diagnostics[0].reason.contains("exceeds 64 bytes"));
    let (records, diagnostics) = split(HouseNumbersReader::new(
        &br#"{"type":"FeatureCollection","features":[]}"#[..],
        path,
    ));
    assert!(records.is_empty() && diagnostics.is_empty());
}

/// A GeoPackage geometry blob: header (little-endian, no envelope) + WKB.
fn blob(srs: i32, g: &Geometry<f64>) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0, 1];
    out.extend_from_slice(&srs.to_le_bytes());
    segit_query::wkb::to_wkb(g, &mut out);
    out
}

fn square(x: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (x, 0.0),
            (x + 10.0, 0.0),
            (x + 10.0, 10.0),
            (x, 10.0),
            (x, 0.0),
        ]),
        vec![],
    ))
}

fn gpkg(path: &Path, columns: &str) -> Connection {
    let c = Connection::open(path).expect("a new GeoPackage");
    c.execute_batch(&format!(
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, \
         geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
         INSERT INTO gpkg_geometry_columns VALUES ('edifici', 'geom', 'POLYGON', 7791, 0, 0);
         CREATE TABLE edifici (fid INTEGER PRIMARY KEY, geom BLOB{columns});"
    ))
    .expect("the GeoPackage tables");
    c
}

/// A self-intersecting footprint (a bow tie).
fn bowtie(x: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (x, 0.0),
            (x + 10.0, 0.0),
            (x, 10.0),
            (x + 10.0, 10.0),
            (x, 0.0),
        ]),
        vec![],
    ))
}

#[test]
fn invalid_polygons_are_rejected_or_repaired_and_always_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edifici.gpkg");
    let c = gpkg(&path, ", building_id TEXT");
    let insert = "INSERT INTO edifici VALUES (?1, ?2, ?3)";
    c.execute(insert, rusqlite::params![1, blob(7791, &bowtie(0.0)), "E1"])
        .unwrap();
    c.execute(
        insert,
        rusqlite::params![2, blob(7791, &square(20.0)), "E2"],
    )
    .unwrap();
    drop(c);
    let (records, diagnostics) = split(BuildingsReader::open(&path).unwrap());
    assert_eq!(records.len(), 1);
    let rejected: Vec<_> = diagnostics.iter().filter(|d| d.severity == REJ).collect();
    assert_eq!(
        (rejected[0].line, rejected[0].field.as_deref()),
        (1, Some("geom"))
    );
    assert!(rejected[0].reason.contains("invalid polygon"));
    let reader = BuildingsReader::open_with(&path, InvalidPolygonPolicy::MakeValid).unwrap();
    let (records, diagnostics) = split(reader);
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].record.footprint.0.len(),
        2,
        "the bow tie in two parts"
    );
    assert!(summary(&diagnostics).contains(&(1, Some("geom"), REP)));

    let kml = "<kml><Document><Placemark><ExtendedData><Data name=\"CODCOM\"><value>F205</value></Data>\
               <Data name=\"CODZONA\"><value>B1</value></Data></ExtendedData><Polygon><outerBoundaryIs>\
               <LinearRing><coordinates>9.0,45.0 9.1,45.0 9.0,45.1 9.1,45.1 9.0,45.0</coordinates>\
               </LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>";
    let (records, diagnostics) = split(OmiPerimetersReader::new(
        kml.as_bytes(),
        Path::new("F205.kml"),
    ));
    assert!(records.is_empty());
    assert_eq!(summary(&diagnostics), vec![(1, Some("geometry"), REJ)]);
    let options = KmlOptions {
        invalid_polygons: InvalidPolygonPolicy::MakeValid,
        ..KmlOptions::default()
    };
    let reader = OmiPerimetersReader::with_options(kml.as_bytes(), Path::new("F205.kml"), options);
    let (records, diagnostics) = split(reader);
    assert_eq!(records[0].record.geometry.0.len(), 2);
    assert_eq!(summary(&diagnostics), vec![(1, Some("geometry"), REP)]);

    let geojson = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"comune":"F205","microzona":1},"geometry":{"type":"Polygon","coordinates":[[[9.0,45.0],[9.1,45.0],[9.0,45.1],[9.1,45.1],[9.0,45.0]]]}}]}"#;
    let (records, diagnostics) = split(MicrozonesReader::new(
        geojson.as_bytes(),
        Path::new("m.geojson"),
    ));
    assert!(records.is_empty());
    assert_eq!(summary(&diagnostics), vec![(1, Some("geometry"), REJ)]);
    let options = GeoJsonOptions {
        invalid_polygons: InvalidPolygonPolicy::MakeValid,
        ..GeoJsonOptions::default()
    };
    let reader =
        MicrozonesReader::with_options(geojson.as_bytes(), Path::new("m.geojson"), &options);
    let (records, diagnostics) = split(reader);
    assert_eq!(records.len(), 1);
    assert_eq!(summary(&diagnostics), vec![(1, Some("geometry"), REP)]);
}

#[test]
fn topographic_buildings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edifici.gpkg");
    let c = gpkg(
        &path,
        ", building_id TEXT, height_m REAL, floors INTEGER, use_class TEXT, survey_date DATE",
    );
    let insert = "INSERT INTO edifici VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    let null = rusqlite::types::Null;
    c.execute(
        insert,
        rusqlite::params![
            1,
            blob(7791, &square(0.0)),
            "E1",
            9.5,
            3,
            "Residenziale",
            "2020-05-01"
        ],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![
            2,
            blob(7791, &square(20.0)),
            "E2",
            0.0,
            null,
            "commerciale",
            null
        ],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![
            3,
            blob(7791, &Geometry::Point(Point::new(1.0, 1.0))),
            "E3",
            null,
            null,
            null,
            null
        ],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![4, b"XX".to_vec(), "E4", null, null, null, null],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![
            5,
            blob(7791, &square(40.0)),
            "E5",
            null,
            null,
            null,
            "2021-04-31"
        ],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![6, blob(7791, &square(60.0)), "E6", null, "tre", null, null],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![7, blob(7791, &square(80.0)), null, null, null, null, null],
    )
    .unwrap();
    c.execute(
        insert,
        rusqlite::params![
            8,
            blob(3003, &square(90.0)),
            "E8",
            6.0,
            0,
            "produttivo",
            null
        ],
    )
    .unwrap();
    drop(c);
    let (records, diagnostics) = split(BuildingsReader::open(&path).unwrap());
    let fids: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(fids, vec![1, 2, 8]);
    let e1 = &records[0].record;
    assert_eq!(e1.building.building_id, "E1");
    assert_eq!(e1.building.height_m, Some(9.5));
    assert_eq!(e1.building.floors, Some(3));
    assert_eq!(e1.building.use_class, BuildingUse::Residential);
    assert_eq!(e1.building.survey_date.unwrap().to_string(), "2020-05-01");
    assert_eq!(e1.srs_id, 7791);
    assert_eq!(e1.footprint.0[0].exterior().0.len(), 5);
    let e2 = &records[1].record.building;
    assert_eq!(
        (e2.height_m, e2.floors, e2.use_class),
        (None, None, BuildingUse::Other)
    );
    assert_eq!(records[2].record.building.effective_floors(), Some(2));
    assert_eq!(
        summary(&diagnostics),
        vec![
            (3, Some("geom"), REJ),
            (4, Some("geom"), REJ),
            (5, Some("survey_date"), REJ),
            (6, Some("floors"), REJ),
            (7, Some("building_id"), REJ),
            (8, Some("geom"), WARN),
        ]
    );
}

#[test]
fn buildings_paging_missing_columns_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edifici.gpkg");
    let mut c = gpkg(&path, ", building_id TEXT");
    let tx = c.transaction().unwrap();
    for fid in 1..=2_345 {
        tx.execute(
            "INSERT INTO edifici VALUES (?1, ?2, ?3)",
            rusqlite::params![
                fid * 2,
                blob(7791, &square(f64::from(fid))),
                format!("E{fid}")
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    drop(c);
    let (records, diagnostics) = split(BuildingsReader::open(&path).unwrap());
    assert_eq!(records.len(), 2_345);
    assert_eq!(records.last().unwrap().line, 4_690);
    assert_eq!(summary(&diagnostics), vec![(0, Some("height_m"), WARN)]);
    assert!(diagnostics[0].reason.contains("survey_date"));

    let other = dir.path().join("other.gpkg");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE x (a INTEGER);")
        .unwrap();
    assert!(BuildingsReader::open(&other).is_err());
    let text = dir.path().join("text.gpkg");
    std::fs::write(&text, b"not a database at all, just text").unwrap();
    assert!(BuildingsReader::open(&text).is_err());
    assert!(BuildingsReader::open(&dir.path().join("absent.gpkg")).is_err());
    let no_id = dir.path().join("noid.gpkg");
    drop(gpkg(&no_id, ""));
    let err = BuildingsReader::open(&no_id).err().unwrap();
    assert_eq!(err.field.as_deref(), Some("building_id"));
}

#[test]
fn buildable_zones_geojson() {
    use segit_ingest::supplies::BuildableZonesReader;
    let text = r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"zone_id": "TR1", "name": "Trasformazione 1", "reference_value_eur_per_m2": 95.5}, "geometry": {"type": "Polygon", "coordinates": [[[9.1, 45.4], [9.2, 45.4], [9.2, 45.5], [9.1, 45.5], [9.1, 45.4]]]}},
{"type": "Feature", "properties": {"zone_id": "TR2", "reference_value_eur_per_m2": "80"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[9.3, 45.4], [9.4, 45.4], [9.4, 45.5], [9.3, 45.4]]]]}},
{"type": "Feature", "properties": {"name": "no id"}, "geometry": {"type": "Polygon", "coordinates": [[[9.1, 45.4], [9.2, 45.4], [9.2, 45.5], [9.1, 45.4]]]}},
{"type": "Feature", "properties": {"zone_id": "TR4", "reference_value_eur_per_m2": -3}, "geometry": {"type": "Polygon", "coordinates": [[[9.1, 45.4], [9.2, 45.4], [9.2, 45.5], [9.1, 45.4]]]}},
{"type": "Feature", "properties": {"zone_id": "TR5"}, "geometry": {"type": "Point", "coordinates": [9.1, 45.4]}}
]}"#;
    let (records, diagnostics) = split(BuildableZonesReader::new(
        text.as_bytes(),
        Path::new("buildable_zones.geojson"),
    ));
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3]);
    let z = &records[0].record;
    assert_eq!(z.zone_id, "TR1");
    assert_eq!(z.name.as_deref(), Some("Trasformazione 1"));
    assert_eq!(z.reference_value_eur_per_m2, Some(95.5));
    assert_eq!(records[1].record.reference_value_eur_per_m2, Some(80.0));
    assert_eq!(records[1].record.name, None);
    assert_eq!(
        summary(&diagnostics),
        vec![
            (4, Some("zone_id"), REJ),
            (5, Some("reference_value_eur_per_m2"), REJ),
            (6, Some("geometry"), REJ),
        ]
    );
}
