//! Every supplies reader is total: arbitrary bytes (and near-valid inputs built from the
//! documented layouts) end without a panic, and every diagnostic names the file given.

use std::path::Path;

use proptest::prelude::*;
use segit_ingest::cartography::InvalidPolygonPolicy;
use segit_ingest::diag::Item;
use segit_ingest::supplies::{
    BuildingsReader, CadastralSurfaceReader, F24Reader, HouseNumbersReader, ImuReader,
    LeasesReader, Located, MicrozonesReader, OmiPerimetersReader, OmiValuesReader, OmiZonesReader,
    RECORD_CHARS, ResidentsReader, StreetsReader, TariReader, TransferDeedsReader,
    UtilitySupplyReader,
};

fn drain<T>(items: impl Iterator<Item = Item<Located<T>>>, file: &Path) -> usize {
    let mut n = 0;
    for item in items {
        if let Item::Diagnostic(d) = item {
            assert_eq!(d.file, file);
        }
        n += 1;
    }
    n
}

fn all_readers(data: &[u8]) {
    let f = Path::new("fuzz");
    drain(CadastralSurfaceReader::new(data, f), f);
    drain(UtilitySupplyReader::new(data, f), f);
    drain(ResidentsReader::new(data, f), f);
    drain(F24Reader::new(data, f), f);
    drain(StreetsReader::new(data, f), f);
    drain(TariReader::new(data, f), f);
    drain(OmiValuesReader::new(data, f), f);
    drain(OmiZonesReader::new(data, f), f);
    drain(LeasesReader::new(data, f), f);
    drain(TransferDeedsReader::new(data, f), f);
    drain(ImuReader::new(data, f), f);
    drain(OmiPerimetersReader::new(data, f), f);
    drain(MicrozonesReader::new(data, f), f);
    drain(HouseNumbersReader::new(data, f), f);
}

const HEADERS: [&str; 6] = [
    "comune;age_property_id;unit_key;categoria;sup_totale_m2;sup_escl_aree_scoperte_m2;polygons;data_riferimento;source",
    "utility;supply_point;holder_cf;holder_type;use_type;address;address_key;unit_key;contract_start;contract_end;year;billed_consumption;billed_amount",
    "person_cf;household_id;relationship;address_key;staircase;floor;internal;from_date;to_date;birth_date;sex;citizenship;unit_key",
    "payment_id;payer_cf;payment_date;tax_year;comune;tax_code;amount;instalment",
    "street_code;dug;duf;full_name;cadastral_toponimo;cadastral_street_code",
    "account_id;premises_seq;payer_cf;user_type;tariff_class;occupants;address;address_key;staircase;floor;internal;unit_keys;declared_m2;start_date;end_date;reduction",
];

/// Cell values likely to reach deep into the parsers.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("F205".to_owned()),
        Just("F205//12/101/7".to_owned()),
        Just("F205/2040/12/B".to_owned()),
        Just("2021-04-31".to_owned()),
        Just("2019-03-15".to_owned()),
        Just("RSSMRA70E52F205N".to_owned()),
        Just(r#"[["A",88,2.7],["D",1e400,0.0]]"#.to_owned()),
        Just("F205//12/101/7,F205//12/101/,".to_owned()),
        Just("household resident".to_owned()),
        Just("electricity".to_owned()),
        Just("domestic".to_owned()),
        Just("head".to_owned()),
        Just("saldo".to_owned()),
        Just("3918".to_owned()),
        "[0-9.,-]{0,25}",
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_readers(&data);
    }

    #[test]
    fn rows_under_a_valid_header(
        header in 0..HEADERS.len(),
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..18), 0..8),
    ) {
        let mut text = HEADERS[header].to_owned();
        for row in rows {
            text.push('\n');
            text.push_str(&row.join(";"));
        }
        all_readers(text.as_bytes());
        let omi = format!("title;\n{}", text.replace('\n', ";\n"));
        all_readers(omi.as_bytes());
    }

    #[test]
    fn fixed_length_records(
        records in proptest::collection::vec(
            (prop_oneof![Just('0'), Just('B'), Just('D'), Just('9'), Just('C')],
             proptest::collection::vec((0..RECORD_CHARS, "[ 0-9A-Z/]{1,16}"), 0..40)),
            0..6),
    ) {
        let mut text = String::new();
        for (kind, fields) in records {
            let mut r: Vec<char> = vec![' '; RECORD_CHARS];
            r[0] = kind;
            for (pos, value) in fields {
                for (i, c) in value.chars().enumerate() {
                    if let Some(slot) = r.get_mut(pos + i) {
                        *slot = c;
                    }
                }
            }
            r[RECORD_CHARS - 1] = 'A';
            text.extend(r);
            text.push_str("\r\n");
        }
        let f = Path::new("imu");
        drain(ImuReader::new(text.as_bytes(), f), f);
    }

    #[test]
    fn geojson_and_kml_shapes(
        coords in proptest::collection::vec((-200.0f64..200.0, -100.0f64..100.0), 0..6),
        kind in prop_oneof![Just("Polygon"), Just("MultiPolygon"), Just("Point"), Just("LineString")],
    ) {
        let ring: Vec<String> = coords.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
        let ring = format!("[{}]", ring.join(","));
        let c = match kind {
            "Point" => coords.first().map_or("[]".to_owned(), |(x, y)| format!("[{x},{y}]")),
            "MultiPolygon" => format!("[[{ring}]]"),
            _ => format!("[{ring}]"),
        };
        let fc = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"comune":"F205","microzona":1,"address_key":"F205/1/2/"}},"geometry":{{"type":"{kind}","coordinates":{c}}}}}]}}"#
        );
        let f = Path::new("g");
        drain(MicrozonesReader::new(fc.as_bytes(), f), f);
        drain(HouseNumbersReader::new(fc.as_bytes(), f), f);
        let tuples: Vec<String> = coords.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let kml = format!(
            "<kml><Document><Placemark><ExtendedData><Data name=\"CODCOM\"><value>F205</value></Data>\
             <Data name=\"CODZONA\"><value>B1</value></Data></ExtendedData><Polygon><outerBoundaryIs>\
             <LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon>\
             </Placemark></Document></kml>",
            tuples.join(" ")
        );
        drain(OmiPerimetersReader::new(kml.as_bytes(), f), f);
    }
}

/// Any coordinate a WKB may carry, extremes included.
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1000.0f64..1000.0,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(1e300),
        Just(-1e12),
        Just(0.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn geopackage_polygons(
        rings in proptest::collection::vec(
            proptest::collection::vec((coordinate(), coordinate()), 0..8), 1..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edifici.gpkg");
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER);
             INSERT INTO gpkg_geometry_columns VALUES ('edifici', 'geom', 7791);
             CREATE TABLE edifici (fid INTEGER PRIMARY KEY, geom BLOB, building_id TEXT);",
        ).unwrap();
        let mut rings = rings.into_iter().map(geo_types::LineString::from);
        let exterior = rings.next().unwrap();
        let polygon = geo_types::Polygon::new(exterior, rings.collect());
        let mut blob = vec![b'G', b'P', 0, 1, 0x77, 0x1e, 0, 0];
        segit_query::wkb::to_wkb(&geo_types::Geometry::Polygon(polygon), &mut blob);
        c.execute("INSERT INTO edifici VALUES (1, ?1, 'E1')", [blob]).unwrap();
        drop(c);
        for policy in [InvalidPolygonPolicy::Reject, InvalidPolygonPolicy::MakeValid] {
            let reader = BuildingsReader::open_with(&path, policy).unwrap();
            prop_assert!(drain(reader, &path) >= 1);
        }
    }

    #[test]
    fn geopackage_blobs(blob in proptest::collection::vec(any::<u8>(), 0..64), gp in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edifici.gpkg");
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER);
             INSERT INTO gpkg_geometry_columns VALUES ('edifici', 'geom', 7791);
             CREATE TABLE edifici (fid INTEGER PRIMARY KEY, geom BLOB, building_id TEXT, floors);",
        ).unwrap();
        let mut bytes = if gp { vec![b'G', b'P', 0, 0, 0, 0, 0, 0] } else { Vec::new() };
        bytes.extend_from_slice(&blob);
        c.execute(
            "INSERT INTO edifici VALUES (1, ?1, 'E1', ?2)",
            rusqlite::params![bytes, blob.first().map(|b| i64::from(*b) - 100)],
        ).unwrap();
        drop(c);
        let reader = BuildingsReader::open(&path).unwrap();
        prop_assert!(drain(reader, &path) >= 1);
    }
}
