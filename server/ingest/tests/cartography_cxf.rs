//! CXF reader: the composed example of cxf.md §8 and every bad-input case of §4–§6.

use std::path::Path;

use geo_types::Coord;
use proptest::prelude::*;
use segit_ingest::cartography::CxfReader;
use segit_ingest::cartography::cxf::CxfOptions;
use segit_ingest::cartography::cxf_records::{AreaKind, CxfArea, CxfRecord, MapKind};
use segit_ingest::cartography::georef::AreaOfUse;
use segit_ingest::cartography::repair::{InvalidPolygonPolicy, signed_area};
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_query::Crs;

const FIXTURE: &str = "tests/fixtures/cartography/F205_001200.cxf";

fn read_with(bytes: &[u8], name: &str, options: CxfOptions) -> (Vec<CxfRecord>, Vec<Diagnostic>) {
    let mut records = Vec::new();
    let mut diags = Vec::new();
    for item in CxfReader::with_options(bytes, Path::new(name), options) {
        match item {
            Item::Record(r) => records.push(r),
            Item::Diagnostic(d) => diags.push(d),
        }
    }
    (records, diags)
}

fn read(bytes: &[u8]) -> (Vec<CxfRecord>, Vec<Diagnostic>) {
    read_with(bytes, "F205_001200.cxf", CxfOptions::default())
}

fn areas(records: &[CxfRecord]) -> Vec<&CxfArea> {
    records
        .iter()
        .filter_map(|r| match r {
            CxfRecord::Area(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// A file from lines (LF).
fn cxf(lines: &[&str]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

const HEADER: [&str; 3] = ["MAPPA", "F205_001200", "    2000.000"];

/// A BORDO section with `code` and one square ring (clockwise), optionally left open.
fn square_bordo(code: &str, x: f64, y: f64, side: f64, closed: bool) -> Vec<String> {
    let mut ring = vec![(x, y), (x, y + side), (x + side, y + side), (x + side, y)];
    if closed {
        ring.push((x, y));
    }
    let mut v = vec![
        "BORDO".to_owned(),
        code.to_owned(),
        "  10".to_owned(),
        "0.000".to_owned(),
        format!("{x:.3}"),
        format!("{y:.3}"),
        format!("{x:.3}"),
        format!("{y:.3}"),
        "0".to_owned(),
        ring.len().to_string(),
    ];
    for (a, b) in ring {
        v.push(format!("{a:.3}"));
        v.push(format!("{b:.3}"));
    }
    v
}

fn file_of(sections: &[Vec<String>]) -> Vec<u8> {
    let mut lines: Vec<String> = HEADER.iter().map(|s| (*s).to_owned()).collect();
    for s in sections {
        lines.extend(s.iter().cloned());
    }
    lines.push("EOF".to_owned());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    cxf(&refs)
}

#[test]
fn composed_example_decodes_as_documented() {
    let bytes = std::fs::read(FIXTURE).unwrap();
    let (records, diags) = read(&bytes);
    assert!(diags.is_empty(), "{diags:?}");
    let CxfRecord::Header(h) = &records[0] else {
        panic!("header first")
    };
    assert_eq!(h.kind, MapKind::Map);
    assert_eq!(h.sheet.to_string(), "F205_001200");
    assert!((h.scale - 2000.0).abs() < 1e-9);

    let a = areas(&records);
    let summary: Vec<(&str, f64)> = a.iter().map(|a| (a.code.as_str(), a.area)).collect();
    assert_eq!(
        summary,
        vec![
            ("F205_001200", 10_000.0),
            ("101", 4_600.0),
            ("102", 400.0),
            ("STRADA", 5_000.0),
            ("101+", 200.0)
        ]
    );
    assert_eq!(a[0].kind, AreaKind::SheetBoundary);
    assert_eq!(a[0].line, 4);
    assert_eq!(a[1].line, 24);
    match &a[1].kind {
        AreaKind::Parcel(k) => assert_eq!(k.to_string(), "F205_001200.101"),
        other => panic!("{other:?}"),
    }
    assert_eq!((a[1].islands, a[1].vertices), (1, 10));
    assert_eq!(a[3].kind, AreaKind::Road);
    match &a[4].kind {
        AreaKind::Building { host: Some(k) } => assert_eq!(k.to_string(), "F205_001200.101"),
        other => panic!("{other:?}"),
    }
    // rings normalised for output: exterior counter-clockwise, island clockwise
    let p101 = &a[1].geometry.0[0];
    assert!(signed_area(&p101.exterior().0) > 0.0);
    assert_eq!(p101.interiors().len(), 1);
    assert!(signed_area(&p101.interiors()[0].0) < 0.0);
    assert_eq!(p101.interiors()[0].0.len(), 5);
    // the computed inner point lies inside the parcel (outside the island)
    let pos = a[1].point_on_surface.unwrap();
    assert!(pos.x() > 514_900.0 && pos.x() < 514_950.0);
    assert!(
        !(pos.x() > 514_910.0
            && pos.x() < 514_930.0
            && pos.y() > 5_034_520.0
            && pos.y() < 5_034_540.0)
    );

    let mut texts = 0;
    for r in &records {
        match r {
            CxfRecord::Text(t) => {
                texts += 1;
                assert_eq!(t.text, "VIA DEI MILLE");
                assert_eq!(t.height, 25);
                assert!((t.angle - 1.571).abs() < 1e-9);
                assert!(!t.external);
                assert_eq!(t.surface_right, None);
            }
            CxfRecord::Fiducial(f) => {
                assert_eq!(f.number, "12");
                assert_eq!(f.symbol, 20);
                assert_eq!(
                    f.position,
                    Coord {
                        x: 514_948.0,
                        y: 5_034_595.0
                    }
                );
                assert_eq!(
                    f.label_position,
                    Coord {
                        x: 514_944.0,
                        y: 5_034_597.0
                    }
                );
            }
            CxfRecord::Line(l) => {
                assert_eq!(l.style, 1);
                assert_eq!(l.geometry.0.len(), 2);
            }
            CxfRecord::Symbol(s) => {
                assert!(s.external);
                assert_eq!(s.code, 4);
                assert_eq!(
                    s.position,
                    Coord {
                        x: 515_000.0,
                        y: 5_034_550.0
                    }
                );
            }
            _ => {}
        }
    }
    assert_eq!(texts, 1);
    assert_eq!(records.len(), 1 + 5 + 4);
}

#[test]
fn crlf_and_lf_read_identically_and_extension_case_is_free() {
    let crlf = std::fs::read(FIXTURE).unwrap();
    let lf: Vec<u8> = crlf.iter().copied().filter(|&b| b != b'\r').collect();
    let a = read_with(&crlf, "F205_001200.CXF", CxfOptions::default());
    let b = read_with(&lf, "dir/F205_001200.ctf", CxfOptions::default());
    assert_eq!(a, b);
    assert!(a.1.is_empty());
}

#[test]
fn values_are_trimmed_not_read_by_width() {
    let bytes = file_of(&[vec![
        "TESTO\\".into(),
        "  X = -9600  ".into(),
        "25".into(),
        "-0.5".into(),
        "-14941.747".into(),
        "+29983.6".into(),
    ]]);
    let (records, diags) = read(&bytes);
    assert!(diags.is_empty(), "{diags:?}");
    let CxfRecord::Text(t) = &records[1] else {
        panic!()
    };
    assert!(t.external);
    assert_eq!(t.text, "X = -9600");
    assert_eq!(
        t.position,
        Coord {
            x: -14_941.747,
            y: 29_983.6
        }
    );
}

#[test]
fn latin1_texts_and_surface_rights() {
    let mut bytes = file_of(&[
        vec![
            "TESTO".into(),
            "CITT\u{0}".into(),
            "10".into(),
            "0".into(),
            "1".into(),
            "2".into(),
        ],
        vec![
            "TESTO".into(),
            "(731)".into(),
            "10".into(),
            "0".into(),
            "1".into(),
            "2".into(),
        ],
    ]);
    let at = bytes.iter().position(|&b| b == 0).unwrap();
    bytes[at] = 0xC0; // À in Latin-1
    let (records, diags) = read(&bytes);
    assert!(diags.is_empty(), "{diags:?}");
    let CxfRecord::Text(t) = &records[1] else {
        panic!()
    };
    assert_eq!(t.text, "CITTÀ");
    let CxfRecord::Text(t) = &records[2] else {
        panic!()
    };
    assert_eq!(t.surface_right.as_ref().unwrap().as_str(), "731");
}

#[test]
fn open_ring_is_closed_and_reported_at_the_bordo_line() {
    let bytes = file_of(&[square_bordo("7", 0.0, 0.0, 10.0, false)]);
    let (records, diags) = read(&bytes);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].severity, Severity::Repaired);
    assert_eq!(diags[0].line, 4);
    assert_eq!(diags[0].field.as_deref(), Some("VERTICI"));
    assert!(diags[0].reason.contains("not closed"));
    let a = areas(&records);
    assert_eq!(a[0].vertices, 4);
    assert!((a[0].area - 100.0).abs() < 1e-9);
}

#[test]
fn degenerate_and_self_intersecting_areas_are_rejected_others_kept() {
    let mut few = square_bordo("8", 0.0, 0.0, 10.0, true);
    // keep two distinct vertices: (0,0) (0,10) (0,0)
    few.truncate(10);
    few[9] = "3".into();
    few.extend(["0", "0", "0", "10", "0", "0"].map(String::from));
    let bow: Vec<String> = [
        "BORDO", "9", "10", "0", "0", "0", "0", "0", "0", "5", "0", "0", "10", "10", "10", "0",
        "0", "10", "0", "0",
    ]
    .map(String::from)
    .to_vec();
    let ok = square_bordo("10", 0.0, 0.0, 10.0, true);
    let bytes = file_of(&[few, bow.clone(), ok]);
    let (records, diags) = read(&bytes);
    assert_eq!(areas(&records).len(), 1);
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(diags.iter().all(|d| d.severity == Severity::Rejected));
    assert_eq!(diags[0].line, 4);
    assert_eq!(diags[0].field.as_deref(), Some("NUMEROVERTICI"));
    assert!(diags[0].reason.contains("distinct vertices"));
    assert_eq!(diags[1].line, 4 + 16);
    assert!(
        diags[1].reason.contains("self-intersection"),
        "{}",
        diags[1].reason
    );

    let options = CxfOptions {
        invalid_polygons: InvalidPolygonPolicy::MakeValid,
        ..CxfOptions::default()
    };
    let (records, diags) = read_with(&file_of(&[bow]), "F205_001200.cxf", options);
    assert_eq!(diags[0].severity, Severity::Repaired);
    let a = areas(&records);
    assert_eq!(a[0].geometry.0.len(), 2);
    assert!((a[0].area - 50.0).abs() < 1e-6);
}

#[test]
fn a_bad_value_skips_its_section_only() {
    let bad = vec![
        "TESTO".into(),
        "A".into(),
        "25".into(),
        "1,5".into(),
        "1".into(),
        "2".into(),
    ];
    let good = square_bordo("11", 0.0, 0.0, 10.0, true);
    let (records, diags) = read(&file_of(&[bad, good]));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].line, 7);
    assert_eq!(diags[0].field.as_deref(), Some("ANGOLO"));
    assert!(diags[0].reason.contains("not a REALE"));
    assert!(diags[0].reason.contains("section TESTO of line 4 skipped"));
    assert_eq!(areas(&records).len(), 1);
}

#[test]
fn a_truncated_section_gives_way_to_the_next_keyword() {
    let truncated = vec!["SIMBOLO".into(), "4".into(), "0.0".into(), "1.0".into()];
    let good = square_bordo("12", 0.0, 0.0, 10.0, true);
    let (records, diags) = read(&file_of(&[truncated, good]));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].line, 8);
    assert_eq!(diags[0].field.as_deref(), Some("POSIZIONEY"));
    assert_eq!(areas(&records).len(), 1);
}

#[test]
fn unknown_keywords_are_reported_and_skipped() {
    let junk = vec!["CERCHIO".into(), "1".into(), "2".into()];
    let good = square_bordo("13", 0.0, 0.0, 10.0, true);
    let (records, diags) = read(&file_of(&[junk, good]));
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (4, Some("keyword"))
    );
    assert_eq!(areas(&records).len(), 1);
}

#[test]
fn eof_ends_the_file_and_its_absence_is_a_warning() {
    let mut bytes = file_of(&[square_bordo("14", 0.0, 0.0, 10.0, true)]);
    bytes.extend_from_slice(b"garbage after EOF\nBORDO\n");
    let (records, diags) = read(&bytes);
    assert!(diags.is_empty());
    assert_eq!(areas(&records).len(), 1);

    let mut lines: Vec<String> = HEADER.iter().map(|s| (*s).to_owned()).collect();
    lines.extend(square_bordo("15", 0.0, 0.0, 10.0, true));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (records, diags) = read(&cxf(&refs));
    assert_eq!(areas(&records).len(), 1);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(diags[0].reason.contains("without the EOF"));
    assert_eq!(diags[0].line, refs.len() as u64);
}

#[test]
fn file_ending_inside_a_section_rejects_it() {
    let mut lines: Vec<String> = HEADER.iter().map(|s| (*s).to_owned()).collect();
    let mut b = square_bordo("16", 0.0, 0.0, 10.0, true);
    b.truncate(14);
    lines.extend(b);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (records, diags) = read(&cxf(&refs));
    assert_eq!(areas(&records).len(), 0);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]
            .reason
            .contains("ends inside section BORDO of line 4")
    );
}

#[test]
fn inconsistent_counts_are_caught() {
    // 2 islands declared, island table exceeding the total
    let b: Vec<String> = [
        "BORDO", "17", "10", "0", "0", "0", "0", "0", "2", "8", "5", "5",
    ]
    .map(String::from)
    .to_vec();
    let (_, diags) = read(&file_of(&[b]));
    assert_eq!(diags[0].field.as_deref(), Some("TABISOLE"));
    assert_eq!(diags[0].line, 15);

    let neg: Vec<String> = ["LINEA", "1", "-2"].map(String::from).to_vec();
    let (_, diags) = read(&file_of(&[neg]));
    assert_eq!(diags[0].field.as_deref(), Some("NUMEROVERTICI"));
    assert!(diags[0].reason.contains("negative"));

    let huge: Vec<String> = ["LINEA", "1", "99999999999"].map(String::from).to_vec();
    let (_, diags) = read(&file_of(&[huge]));
    assert!(diags[0].reason.contains("exceeds the cap"));

    let more_islands: Vec<String> = ["BORDO", "18", "10", "0", "0", "0", "0", "0", "9", "3"]
        .map(String::from)
        .to_vec();
    let (_, diags) = read(&file_of(&[more_islands]));
    assert_eq!(diags[0].field.as_deref(), Some("NUMEROISOLE"));
}

#[test]
fn header_problems() {
    let (records, diags) = read(&cxf(&["CARTA", "F205_001200", "2000", "EOF"]));
    assert!(records.is_empty());
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (1, Some("header kind"))
    );

    let (records, diags) = read_with(
        &cxf(&["MAPPA", "NONSENSE", "2000", "EOF"]),
        "x.cxf",
        CxfOptions::default(),
    );
    assert!(records.is_empty());
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (2, Some("map name"))
    );

    // map name unreadable, file name good: the file name's key is used, with a warning
    let (records, diags) = read(&cxf(&["MAPPA", "NONSENSE", "2000", "EOF"]));
    assert_eq!(records.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);

    // names that differ: warning, header wins
    let (records, diags) = read_with(
        &cxf(&["MAPPA", "F205_001300", "2000", "EOF"]),
        "F205_001200.cxf",
        CxfOptions::default(),
    );
    let CxfRecord::Header(h) = &records[0] else {
        panic!()
    };
    assert_eq!(h.sheet.to_string(), "F205_001300");
    assert!(diags[0].reason.contains("differs from the file name"));

    let (records, diags) = read(&cxf(&["MAPPA", "F205_001200", "scala", "EOF"]));
    assert!(records.is_empty());
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (3, Some("scale"))
    );

    let (records, diags) = read(b"");
    assert!(records.is_empty());
    assert_eq!(diags.len(), 1);
    assert!(diags[0].reason.contains("ends inside the header"));
}

#[test]
fn open_reports_missing_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("F205_001200.cxf");
    let Err(d) = CxfReader::open(&missing, CxfOptions::default()) else {
        panic!()
    };
    assert_eq!(d.file, missing);
    std::fs::write(&missing, b"").unwrap();
    let Err(d) = CxfReader::open(&missing, CxfOptions::default()) else {
        panic!()
    };
    assert!(d.reason.contains("empty"));
}

#[test]
fn classification_of_codes() {
    let land_book = {
        let mut lines = vec![
            "MAPPA FONDIARIO".to_owned(),
            "F205_001200".into(),
            "1000".into(),
        ];
        for code in [
            "S12",
            "A3",
            "A",
            "X0001",
            "+",
            "F205_001300",
            "F205_0013",
            "1 2",
        ] {
            lines.extend(square_bordo(code, 0.0, 0.0, 10.0, true));
        }
        lines.push("EOF".into());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        cxf(&refs)
    };
    let (records, diags) = read(&land_book);
    let kinds: Vec<&AreaKind> = areas(&records).iter().map(|a| &a.kind).collect();
    assert_eq!(kinds[0], &AreaKind::Road);
    assert_eq!(kinds[1], &AreaKind::Water);
    assert!(matches!(kinds[2], AreaKind::Parcel(k) if k.to_string() == "F205_001200.A"));
    assert!(matches!(kinds[3], AreaKind::Parcel(k) if k.particella().as_str() == "X0001"));
    assert_eq!(kinds[4], &AreaKind::Building { host: None });
    assert!(matches!(kinds[5], AreaKind::IndexSheet(k) if k.to_string() == "F205_001300"));
    assert_eq!(kinds.len(), 6);
    // "+" warns; "F205_0013" (not a parcel number, 9 chars, with '_') and "1 2" are rejected
    assert_eq!(diags.len(), 3, "{diags:?}");
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[1..]
            .iter()
            .all(|d| d.field.as_deref() == Some("CODICE IDENTIFICATIVO"))
    );
}

#[test]
fn coordinates_outside_the_area_of_use_are_reported() {
    let bytes = std::fs::read(FIXTURE).unwrap();
    let utm = CxfOptions {
        area_of_use: Some(AreaOfUse::italy(Crs::Epsg(7791)).unwrap()),
        ..CxfOptions::default()
    };
    let (_, diags) = read_with(&bytes, "F205_001200.cxf", utm);
    assert!(diags.is_empty(), "{diags:?}");
    let gauss_boaga_east = CxfOptions {
        area_of_use: Some(AreaOfUse::italy(Crs::Epsg(3004)).unwrap()),
        ..CxfOptions::default()
    };
    let (records, diags) = read_with(&bytes, "F205_001200.cxf", gauss_boaga_east);
    assert_eq!(records.len(), 10);
    assert_eq!(diags.len(), 9);
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    assert!(diags[0].reason.contains("EPSG:3004"));
}

#[test]
fn raster_reference_and_survey_book() {
    let raster: Vec<String> = [
        "RIFERIMENTO_RASTER",
        "F205_001200.tif",
        "0",
        "10",
        "0",
        "0",
        "10",
        "0",
        "10",
        "10",
    ]
    .map(String::from)
    .to_vec();
    let book: Vec<String> = ["LIBRETTO", "12345", "1", "2", "0", "0", "5", "5"]
        .map(String::from)
        .to_vec();
    let (records, diags) = read(&file_of(&[raster, book]));
    assert!(diags.is_empty(), "{diags:?}");
    let CxfRecord::RasterReference(r) = &records[1] else {
        panic!()
    };
    assert_eq!(r.raster, "F205_001200.tif");
    assert_eq!(r.corners[3], Coord { x: 10.0, y: 10.0 });
    let CxfRecord::SurveyBook(b) = &records[2] else {
        panic!()
    };
    assert_eq!(b.protocol, "12345");
    assert_eq!(b.geometry.0.len(), 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes);
    }

    #[test]
    fn never_panics_after_a_valid_header(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("BORDO".to_owned()), Just("TESTO\\".to_owned()), Just("LINEA".to_owned()),
                Just("EOF".to_owned()), Just("3".to_owned()), Just("-1".to_owned()),
                Just("101+".to_owned()), "[0-9.+-]{0,8}", ".{0,12}",
            ],
            0..200,
        )
    ) {
        let mut all = vec!["MAPPA".to_owned(), "F205_001200".to_owned(), "2000".to_owned()];
        all.extend(lines);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let _ = read(&cxf(&refs));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn polygon_assembly_never_panics(
        rings in proptest::collection::vec(
            proptest::collection::vec(
                (prop_oneof![-1e300..1e300, -10.0..10.0_f64, Just(0.0)],
                 prop_oneof![-1e300..1e300, -10.0..10.0_f64, Just(0.0)]),
                0..12,
            ),
            1..4,
        ),
        make_valid in any::<bool>(),
    ) {
        let rings: Vec<Vec<Coord<f64>>> = rings
            .into_iter()
            .map(|r| r.into_iter().map(|(x, y)| Coord { x, y }).collect())
            .collect();
        let policy = if make_valid { InvalidPolygonPolicy::MakeValid } else { InvalidPolygonPolicy::Reject };
        let _ = segit_ingest::cartography::repair::assemble(rings, policy);
    }
}

/// A single STRADA whose outer ring is the sheet boundary and whose islands are the blocks
/// (cxf.md §5.1 project convention), with the blocks as parcels; islands written clockwise too
/// (the other orientation is accepted and normalised).
#[test]
fn road_area_with_one_island_per_block() {
    let mut b: Vec<String> = [
        "BORDO", "STRADA", "0", "0", "5", "5", "5", "5", "3", "20", "5", "5", "5",
    ]
    .map(String::from)
    .to_vec();
    // outer 0..100 square (clockwise), islands: three 20 m blocks (clockwise as written)
    let mut ring = |x: f64, y: f64, s: f64| {
        for (a, c) in [(x, y), (x, y + s), (x + s, y + s), (x + s, y), (x, y)] {
            b.push(format!("{a:.3}"));
            b.push(format!("{c:.3}"));
        }
    };
    ring(0.0, 0.0, 100.0);
    ring(10.0, 10.0, 20.0);
    ring(40.0, 10.0, 20.0);
    ring(70.0, 10.0, 20.0);
    let blocks: Vec<Vec<String>> = [10.0, 40.0, 70.0]
        .iter()
        .enumerate()
        .map(|(i, x)| square_bordo(&(i + 1).to_string(), *x, 10.0, 20.0, true))
        .collect();
    let mut sections = vec![b];
    sections.extend(blocks);
    let (records, diags) = read(&file_of(&sections));
    assert!(diags.is_empty(), "{diags:?}");
    let a = areas(&records);
    assert_eq!(a.len(), 4);
    assert_eq!(a[0].kind, AreaKind::Road);
    assert_eq!(a[0].islands, 3);
    let road = &a[0].geometry.0[0];
    assert_eq!(road.interiors().len(), 3);
    assert!(road.interiors().iter().all(|r| signed_area(&r.0) < 0.0));
    assert!((a[0].area - (10_000.0 - 3.0 * 400.0)).abs() < 1e-9);
    assert!(a[1..].iter().all(|p| (p.area - 400.0).abs() < 1e-9));
}

#[test]
fn utf8_texts_and_overlong_lines_are_reported() {
    // "CITTÀ" written in UTF-8 in a Latin-1 file
    let mut bytes = file_of(&[vec![
        "TESTO".into(),
        "CITT\u{1}".into(),
        "10".into(),
        "0".into(),
        "1".into(),
        "2".into(),
    ]]);
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes.splice(at..=at, [0xC3, 0x80]);
    let (records, diags) = read(&bytes);
    assert_eq!(records.len(), 2);
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (5, Some("TESTO"))
    );
    assert_eq!(diags[0].severity, Severity::Warning);

    let long = "1".repeat(5000);
    let (records, diags) = read(&file_of(&[
        vec!["SIMBOLO".into(), "4".into(), long, "1".into(), "2".into()],
        square_bordo("19", 0.0, 0.0, 10.0, true),
    ]));
    assert_eq!(areas(&records).len(), 1);
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (6, Some("ANGOLO"))
    );
    assert!(diags[0].reason.contains("longer than"));
}
