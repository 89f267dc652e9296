//! INSPIRE GML reader: the composed examples of inspire-gml.md §5–§6 and malformed input.

use std::path::Path;

use geo::Area;
use geo_types::Coord;
use proptest::prelude::*;
use segit_ingest::cartography::inspire::{
    GmlOptions, InspireFeature, InspireKind, InspireReader, ParcelClass,
};
use segit_ingest::cartography::repair::signed_area;
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_query::{Crs, Transformer};

const DIR: &str = "tests/fixtures/cartography";

fn read_with(bytes: &[u8], options: GmlOptions) -> (Vec<InspireFeature>, Vec<Diagnostic>) {
    let mut features = Vec::new();
    let mut diags = Vec::new();
    for item in InspireReader::with_options(bytes, Path::new("F205_ple.gml"), options) {
        match item {
            Item::Record(f) => features.push(f),
            Item::Diagnostic(d) => diags.push(d),
        }
    }
    (features, diags)
}

fn read(bytes: &[u8]) -> (Vec<InspireFeature>, Vec<Diagnostic>) {
    read_with(bytes, GmlOptions::default())
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DIR).join(name)).expect("fixture")
}

/// A collection of Agenzia-flavoured parcels with the given inner XML.
fn collection(members: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:CP="http://mapserver.gis.umn.edu/mapserver"
    xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:wfs="http://www.opengis.net/wfs/2.0">
{members}
</wfs:FeatureCollection>
"#
    )
    .into_bytes()
}

fn parcel(id: &str, geometry: &str) -> String {
    format!(
        r#"<wfs:member><CP:CadastralParcel gml:id="CadastralParcel.IT.AGE.PLA.{id}">
<CP:msGeometry>{geometry}</CP:msGeometry>
<CP:LABEL>x</CP:LABEL>
<CP:NATIONALCADASTRALREFERENCE>{id}</CP:NATIONALCADASTRALREFERENCE>
</CP:CadastralParcel></wfs:member>"#
    )
}

const SQUARE: &str = r#"<gml:Polygon srsName="urn:ogc:def:crs:EPSG::6706"><gml:exterior><gml:LinearRing><gml:posList>45.0 9.0 45.001 9.0 45.001 9.001 45.0 9.001 45.0 9.0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#;

/// Parcel 101 of the composed sheet, checked against its CXF coordinates in EPSG 7791.
fn assert_parcel_101(f: &InspireFeature) {
    let InspireKind::Parcel { key, class } = &f.kind else {
        panic!("{:?}", f.kind)
    };
    assert_eq!(key.to_string(), "F205_001200.101");
    assert_eq!(*class, ParcelClass::Parcel);
    assert_eq!(f.label.as_deref(), Some("101"));
    assert_eq!(f.administrative_unit.as_deref(), Some("F205"));
    assert_eq!(f.crs, Crs::Epsg(6706));
    let p = &f.geometry.0[0];
    // latitude first in the file, east/north here
    assert!(p.exterior().0.contains(&Coord {
        x: 9.190_593_74,
        y: 45.463_867_80
    }));
    assert!(signed_area(&p.exterior().0) > 0.0);
    assert_eq!(p.interiors().len(), 1);
    assert!(signed_area(&p.interiors()[0].0) < 0.0);
    let mut g = geo_types::Geometry::MultiPolygon(f.geometry.clone());
    Transformer::new(Crs::Epsg(6706), Crs::Epsg(7791))
        .expect("supported CRSs")
        .transform_geometry(&mut g)
        .expect("transformable");
    assert!(
        (g.unsigned_area() - 4600.0).abs() < 2.0,
        "{}",
        g.unsigned_area()
    );
    let geo_types::Geometry::MultiPolygon(mp) = g else {
        panic!()
    };
    let sw = mp.0[0]
        .exterior()
        .0
        .iter()
        .fold((f64::MAX, f64::MAX), |a, c| (a.0.min(c.x), a.1.min(c.y)));
    assert!(
        (sw.0 - 514_900.0).abs() < 0.05 && (sw.1 - 5_034_500.0).abs() < 0.05,
        "{sw:?}"
    );
}

#[test]
fn agenzia_flavour_parcel() {
    let (features, diags) = read(&fixture("agenzia_ple.gml"));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(features.len(), 1);
    let f = &features[0];
    assert_parcel_101(f);
    assert_eq!(f.line, 7);
    assert_eq!(
        f.gml_id.as_deref(),
        Some("CadastralParcel.IT.AGE.PLA.F205_001200.101")
    );
    assert_eq!(f.local_id.as_deref(), Some("IT.AGE.PLA.F205_001200.101"));
    assert_eq!(f.namespace.as_deref(), Some("IT.AGE.PLA."));
    assert_eq!(f.area_value, None);
}

#[test]
fn official_encoding_parcel() {
    let (features, diags) = read(&fixture("official_parcel.gml"));
    assert!(diags.is_empty(), "{diags:?}");
    let f = &features[0];
    assert_parcel_101(f);
    assert_eq!(f.area_value, Some(4600.0));
    assert_eq!(f.local_id.as_deref(), Some("F205_001200.101"));
    assert_eq!(f.namespace.as_deref(), Some("IT.AGE.PLA"));
    assert_eq!(f.begin_lifespan, None);
}

#[test]
fn zoning_and_road_features() {
    let (features, diags) = read(&fixture("F205_map.gml"));
    assert_eq!(features.len(), 2);
    let InspireKind::Zoning {
        sheet,
        level,
        level_name,
        scale,
    } = &features[0].kind
    else {
        panic!()
    };
    assert_eq!(sheet.to_string(), "F205_001200");
    assert_eq!(level.as_deref(), Some("3rdOrder"));
    assert_eq!(level_name.as_deref(), Some("Mappa Catastale"));
    assert_eq!(*scale, None);
    assert_eq!(features[0].label.as_deref(), Some("12"));
    let InspireKind::Parcel { class, .. } = &features[1].kind else {
        panic!()
    };
    assert_eq!(*class, ParcelClass::Road);
    // the road's ring is not closed in the file: closed and reported
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].severity, Severity::Repaired);
    assert_eq!(diags[0].line, features[1].line);
    assert_eq!(features[1].geometry.0[0].exterior().0.len(), 5);
}

#[test]
fn multi_surfaces_pos_and_official_properties() {
    let xml = format!(
        r##"<cp:CadastralParcel gml:id="x" xmlns:cp="http://inspire.ec.europa.eu/schemas/cp/4.0"
  xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:base="http://inspire.ec.europa.eu/schemas/base/3.3"
  xmlns:xlink="http://www.w3.org/1999/xlink">
  <cp:areaValue uom="m2">12.5</cp:areaValue>
  <cp:beginLifespanVersion>2024-03-01T10:00:00Z</cp:beginLifespanVersion>
  <cp:geometry><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/7791">
    <gml:surfaceMember>{sq}</gml:surfaceMember>
    <gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing>
      <gml:pos>514900 5034500</gml:pos><gml:pos>514910 5034500</gml:pos>
      <gml:pos>514910 5034510</gml:pos><gml:pos>514900 5034500</gml:pos>
    </gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>
  </gml:MultiSurface></cp:geometry>
  <cp:inspireId><base:Identifier><base:localId>F205_001200.7A</base:localId>
    <base:namespace>IT.AGE.PLA</base:namespace></base:Identifier></cp:inspireId>
  <cp:label>7A</cp:label>
  <cp:administrativeUnit xlink:href="#F205"/>
  <cp:referencePoint><gml:Point><gml:pos>1 2</gml:pos></gml:Point></cp:referencePoint>
</cp:CadastralParcel>"##,
        sq = "<gml:Polygon><gml:exterior><gml:LinearRing><gml:coordinates>514920,5034500 514930,5034500 514930,5034510 514920,5034500</gml:coordinates></gml:LinearRing></gml:exterior></gml:Polygon>"
    );
    let (features, diags) = read(xml.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    let f = &features[0];
    let InspireKind::Parcel { key, .. } = &f.kind else {
        panic!()
    };
    // no national reference: the local id gives the key
    assert_eq!(key.to_string(), "F205_001200.7A");
    assert_eq!(f.crs, Crs::Epsg(7791));
    assert_eq!(f.geometry.0.len(), 2);
    // 7791 is east/north: no swap
    assert!(f.geometry.0[1].exterior().0.contains(&Coord {
        x: 514_910.0,
        y: 5_034_500.0
    }));
    assert_eq!(f.area_value, Some(12.5));
    assert_eq!(f.administrative_unit.as_deref(), Some("F205"));
    assert_eq!(f.begin_lifespan.unwrap().to_string(), "2024-03-01 10:00:00");
}

#[test]
fn malformed_features_are_rejected_with_their_line_and_reading_goes_on() {
    let members = [
        parcel("F205_001200.1", ""),
        parcel(
            "F205_001200.2",
            &SQUARE.replace("9.001 45.0 9.0<", "9.001 45.0<"),
        ),
        parcel(
            "F205_001200.3",
            &SQUARE.replace("45.001 9.0 ", "45.001 nove "),
        ),
        parcel("NOT_A_KEY", SQUARE),
        parcel("F205_001200.5", &SQUARE.replace("EPSG::6706", "EPSG::2154")),
        parcel(
            "F205_001200.6",
            &SQUARE
                .replace("<gml:LinearRing>", "<gml:Ring>")
                .replace("</gml:LinearRing>", "</gml:Ring>"),
        ),
        parcel("F205_001200.7", SQUARE),
    ];
    let (features, diags) = read(&collection(&members.join("\n")));
    assert_eq!(features.len(), 1);
    let InspireKind::Parcel { key, .. } = &features[0].kind else {
        panic!()
    };
    assert_eq!(key.to_string(), "F205_001200.7");
    let got: Vec<(u64, Option<&str>)> =
        diags.iter().map(|d| (d.line, d.field.as_deref())).collect();
    assert_eq!(
        got,
        vec![
            (4, Some("geometry")),
            (9, Some("posList")),
            (14, Some("posList")),
            (19, Some("nationalCadastralReference")),
            (24, Some("srsName")),
            (29, Some("geometry")),
        ],
        "{diags:#?}"
    );
    assert!(diags.iter().all(|d| d.severity == Severity::Rejected));
    assert!(diags[0].reason.contains("without polygon"));
    assert!(diags[1].reason.contains("multiple of srsDimension"));
    assert!(diags[2].reason.contains("'nove'"));
    assert!(diags[4].reason.contains("2154"));
}

#[test]
fn coordinates_outside_italy_are_warnings() {
    let far = SQUARE.replace("45.0", "55.0").replace("45.001", "55.001");
    let (features, diags) = read(&collection(&parcel("F205_001200.1", &far)));
    assert_eq!(features.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[0]
            .reason
            .contains("outside the area of use of EPSG:6706")
    );
}

#[test]
fn malformed_xml_stops_with_its_line() {
    let mut xml = collection(&parcel("F205_001200.1", SQUARE));
    xml.extend_from_slice(b"<oops></wrong>\n");
    let (features, diags) = read(&xml);
    assert_eq!(features.len(), 1);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].reason.contains("malformed XML"));
    assert_eq!(diags[0].line, 10);

    let truncated = &collection(&parcel("F205_001200.1", SQUARE))[..300];
    let (features, diags) = read(truncated);
    assert!(features.is_empty());
    assert_eq!(diags[0].line, 4);
    assert!(diags[0].reason.contains("feature not complete"));
}

#[test]
fn dtd_is_ignored_and_entities_are_not_expanded() {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e \"F205_001200.9\">]>\n{}",
        String::from_utf8(collection(&parcel("&e;", SQUARE))).unwrap()
    );
    let (features, diags) = read(xml.as_bytes());
    assert!(features.is_empty());
    assert_eq!(diags[0].severity, Severity::Warning);
    assert_eq!(diags[0].field.as_deref(), Some("DOCTYPE"));
    assert_eq!(diags[1].severity, Severity::Rejected);
    assert!(diags[1].reason.contains("&e;"));

    // predefined entities and character references are fine
    let ok = parcel("F205_001200.1", SQUARE).replace("<CP:LABEL>x<", "<CP:LABEL>&#49;&amp;<");
    let (features, _) = read(&collection(&ok));
    assert_eq!(features[0].label.as_deref(), Some("1&"));
}

#[test]
fn caps_hold() {
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    let (_, diags) = read(deep.as_bytes());
    assert!(diags[0].reason.contains("nested deeper than 64"));

    let long_text = collection(
        &parcel("F205_001200.1", SQUARE)
            .replace("<CP:LABEL>x<", &format!("<CP:LABEL>{}<", "y".repeat(5000))),
    );
    let small = GmlOptions {
        max_event_bytes: 4096,
        ..GmlOptions::default()
    };
    let (features, diags) = read_with(&long_text, small);
    assert!(features.is_empty());
    assert!(
        diags
            .iter()
            .any(|d| d.reason.contains("longer than 4096 bytes")),
        "{diags:?}"
    );

    let small = GmlOptions {
        max_property_text: 100,
        ..GmlOptions::default()
    };
    let (features, diags) = read_with(&long_text, small);
    assert!(features.is_empty());
    assert_eq!(diags[0].field.as_deref(), Some("text"));

    let few = GmlOptions {
        max_positions: 3,
        ..GmlOptions::default()
    };
    let (_, diags) = read_with(&collection(&parcel("F205_001200.1", SQUARE)), few);
    assert!(diags[0].reason.contains("more than 3 positions"));
}

#[test]
fn open_reports_missing_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("F205_ple.gml");
    assert!(InspireReader::open(&path, GmlOptions::default()).is_err());
    std::fs::write(&path, b"").unwrap();
    let Err(d) = InspireReader::open(&path, GmlOptions::default()) else {
        panic!()
    };
    assert!(d.reason.contains("empty"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes);
    }

    #[test]
    fn never_panics_on_mangled_features(cut in 0usize..900, junk in ".{0,20}") {
        let mut xml = collection(&parcel("F205_001200.1", SQUARE));
        let at = cut.min(xml.len());
        let tail = xml.split_off(at);
        xml.extend_from_slice(junk.as_bytes());
        xml.extend_from_slice(&tail);
        let _ = read(&xml);
    }
}

#[test]
fn srs_spellings_and_axis_order() {
    let etrs89 = SQUARE.replace(
        "urn:ogc:def:crs:EPSG::6706",
        "http://www.opengis.net/def/crs/EPSG/0/4258",
    );
    let (features, diags) = read(&collection(&parcel("F205_001200.1", &etrs89)));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(features[0].crs, Crs::Epsg(6706));
    assert!(
        features[0].geometry.0[0]
            .exterior()
            .0
            .contains(&Coord { x: 9.0, y: 45.0 })
    );

    // no srsName: EPSG 6706, latitude first
    let bare = SQUARE.replace(r#" srsName="urn:ogc:def:crs:EPSG::6706""#, "");
    let (features, _) = read(&collection(&parcel("F205_001200.1", &bare)));
    assert!(
        features[0].geometry.0[0]
            .exterior()
            .0
            .contains(&Coord { x: 9.0, y: 45.0 })
    );

    // the legacy spelling follows the EPSG order unless the option says east/north
    let legacy = r#"<gml:Polygon srsName="EPSG:6706"><gml:exterior><gml:LinearRing><gml:posList>9.0 45.0 9.0 45.001 9.001 45.001 9.001 45.0 9.0 45.0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#;
    let options = GmlOptions {
        legacy_srs_east_north: true,
        ..GmlOptions::default()
    };
    let (features, diags) = read_with(&collection(&parcel("F205_001200.1", legacy)), options);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        features[0].geometry.0[0]
            .exterior()
            .0
            .contains(&Coord { x: 9.0, y: 45.0 })
    );
    let (_, diags) = read(&collection(&parcel("F205_001200.1", legacy)));
    assert!(
        diags[0].reason.contains("outside the area of use"),
        "{diags:?}"
    );
}

#[test]
fn official_zoning_feature() {
    let xml = r#"<cp:CadastralZoning gml:id="IT.AGE.MAP.F205_001200"
    xmlns:cp="http://inspire.ec.europa.eu/schemas/cp/4.0"
    xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:gmd="http://www.isotc211.org/2005/gmd"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <cp:beginLifespanVersion>2025-01-15</cp:beginLifespanVersion>
  <cp:geometry><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/6706">
    <gml:surfaceMember><gml:Surface><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing>
      <gml:posList srsDimension="2">45.46386780 9.19059374 45.46476792 9.19059678 45.46476578 9.19187594 45.46386566 9.19187293 45.46386780 9.19059374</gml:posList>
    </gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface></gml:surfaceMember>
  </gml:MultiSurface></cp:geometry>
  <cp:label>12</cp:label>
  <cp:level xlink:href="http://inspire.ec.europa.eu/codelist/CadastralZoningLevelValue/3rdOrder"/>
  <cp:levelName><gmd:LocalisedCharacterString locale="ita">Mappa Catastale</gmd:LocalisedCharacterString></cp:levelName>
  <cp:nationalCadastalZoningReference>F205_001200</cp:nationalCadastalZoningReference>
  <cp:originalMapScaleDenominator>2000</cp:originalMapScaleDenominator>
  <cp:validFrom xsi:nil="true"/>
</cp:CadastralZoning>"#;
    let (features, diags) = read(xml.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    let f = &features[0];
    let InspireKind::Zoning {
        sheet,
        level,
        level_name,
        scale,
    } = &f.kind
    else {
        panic!()
    };
    assert_eq!(sheet.to_string(), "F205_001200");
    assert_eq!(level.as_deref(), Some("3rdOrder"));
    assert_eq!(level_name.as_deref(), Some("Mappa Catastale"));
    assert_eq!(*scale, Some(2000.0));
    assert_eq!(f.begin_lifespan.unwrap().to_string(), "2025-01-15 00:00:00");
    assert_eq!(f.geometry.0[0].exterior().0.len(), 5);
}
