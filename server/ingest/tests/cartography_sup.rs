//! SUP reader and the reconciliation of a sheet with its SUP (cxf.md §7, §9 step 4).

use std::path::Path;

use chrono::NaiveDate;
use proptest::prelude::*;
use segit_ingest::cartography::sheet::{AreaTolerance, CxfSheet};
use segit_ingest::cartography::sup::{SupCount, SupFile, SupReader, SupRecord, SupTotal};
use segit_ingest::cartography::{CxfOptions, CxfReader};
use segit_ingest::diag::{Diagnostic, Item, Severity};

const CXF: &str = "tests/fixtures/cartography/F205_001200.cxf";
const SUP: &str = "tests/fixtures/cartography/F205_001200.sup";

fn sup(bytes: &[u8]) -> (SupFile, Vec<Diagnostic>) {
    SupFile::read(SupReader::new(bytes, Path::new("F205_001200.sup")))
}

fn sheet_with_sup(sup_bytes: &[u8]) -> (CxfSheet, Vec<Diagnostic>) {
    let cxf = std::fs::read(CXF).expect("fixture");
    let mut diags = Vec::new();
    let reader = CxfReader::new(cxf.as_slice(), Path::new(CXF));
    let mut sheet = CxfSheet::collect(Path::new(CXF), reader, &mut diags).expect("header");
    sheet.attach_sup(
        SupReader::new(sup_bytes, Path::new(SUP)),
        Path::new(SUP),
        AreaTolerance::default(),
        &mut diags,
    );
    (sheet, diags)
}

#[test]
fn composed_sup_reads_as_documented() {
    let bytes = std::fs::read(SUP).unwrap();
    let items: Vec<_> = SupReader::new(bytes.as_slice(), Path::new(SUP)).collect();
    assert_eq!(items.len(), 16);
    assert!(items.iter().all(|i| matches!(i, Item::Record(_))));
    assert_eq!(
        items[0],
        Item::Record(SupRecord::Header {
            map_name: "F205_001200".into(),
            sheet: Some("F205_001200".parse().unwrap()),
            generated: NaiveDate::from_ymd_opt(2025, 1, 15),
        })
    );
    assert_eq!(
        items[7],
        Item::Record(SupRecord::ParcelArea {
            line: 8,
            code: "101".into(),
            area: 4600
        })
    );
    let (file, diags) = sup(&bytes);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.counts[&SupCount::Parcels], 2);
    assert_eq!(file.totals[&SupTotal::Boundary], 10_000);
    assert_eq!(file.areas_of("102"), vec![400]);
}

#[test]
fn sheet_and_sup_reconcile_without_findings() {
    let (sheet, diags) = sheet_with_sup(&std::fs::read(SUP).unwrap());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(sheet.parcels.len(), 2);
    assert_eq!(sheet.parcels[0].key.to_string(), "F205_001200.101");
    assert_eq!(sheet.parcels[0].sup_areas, vec![4600]);
    assert_eq!(sheet.buildings.len(), 1);
    assert_eq!(sheet.roads.len(), 1);
    assert_eq!(sheet.boundary.len(), 1);
    assert_eq!(sheet.texts.len(), 1);
    assert_eq!(sheet.fiducials.len(), 1);
    assert_eq!(sheet.lines.len(), 1);
    assert_eq!(sheet.symbols.len(), 1);
}

#[test]
fn area_mismatches_counts_and_imbalance_are_warnings() {
    let text = std::fs::read_to_string(SUP)
        .unwrap()
        .replace("101              4600", "101              4800")
        .replace("N.FABBRIC           1", "N.FABBRIC           3")
        .replace("SBILANCIO           0", "SBILANCIO          12")
        .replace("STRADE           5000", "STRADE           5200");
    let (sheet, diags) = sheet_with_sup(text.as_bytes());
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    let fields: Vec<&str> = diags.iter().filter_map(|d| d.field.as_deref()).collect();
    // SUP self-checks: imbalance ≠ 0, PARTIC ≠ sum, SBILANCIO ≠ TOTALE − CONFINE;
    // reconciliation: N.FABBRIC vs buildings, parcel 101 area
    assert!(fields.contains(&"SBILANCIO"), "{diags:?}");
    assert!(fields.contains(&"PARTIC"));
    assert!(fields.contains(&"N.FABBRIC"));
    assert!(fields.contains(&"101"));
    assert!(fields.contains(&"STRADE"));
    assert!(fields.contains(&"TOTALE"));
    let d101 = diags
        .iter()
        .find(|d| d.field.as_deref() == Some("101"))
        .unwrap();
    assert!(d101.reason.contains("computed area 4600.0"));
    assert_eq!(sheet.parcels[0].sup_areas, vec![4800]);
}

#[test]
fn tolerance_is_absolute_or_relative() {
    let t = AreaTolerance::default();
    assert!(!t.exceeded(4600.4, 4600.0));
    assert!(!t.exceeded(4640.0, 4600.0));
    assert!(t.exceeded(4700.0, 4600.0));
    assert!(t.exceeded(2.5, 1.0));
}

#[test]
fn multi_part_parcels_merge_and_keep_per_part_areas() {
    let cxf = std::fs::read_to_string(CXF).unwrap();
    // parcel 102 becomes a second part of 101 (the enclave filling its island)
    let cxf = cxf.replacen("BORDO\r\n102\r\n", "BORDO\r\n101\r\n", 1);
    let sup_text = std::fs::read_to_string(SUP).unwrap().replace(
        "101              4600\r\n102               400",
        "101               400\r\n101              4600",
    );
    let mut diags = Vec::new();
    let reader = CxfReader::with_options(cxf.as_bytes(), Path::new(CXF), CxfOptions::default());
    let mut sheet = CxfSheet::collect(Path::new(CXF), reader, &mut diags).unwrap();
    sheet.attach_sup(
        SupReader::new(sup_text.as_bytes(), Path::new(SUP)),
        Path::new(SUP),
        AreaTolerance::default(),
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(sheet.parcels.len(), 1);
    let p = &sheet.parcels[0];
    assert_eq!(p.parts.len(), 2);
    assert_eq!(p.geometry.0.len(), 2);
    assert!((p.area - 5000.0).abs() < 1e-9);
    assert_eq!(p.sup_areas, vec![400, 4600]);
}

#[test]
fn missing_parcels_and_foreign_sheet_are_reported() {
    let text = std::fs::read_to_string(SUP)
        .unwrap()
        .replace("F205_001200  20250115", "F205_009900  20250115")
        .replace("102               400", "103               400");
    let (_, diags) = sheet_with_sup(text.as_bytes());
    let reasons: Vec<&str> = diags.iter().map(|d| d.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("SUP of F205_009900")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("F205_001200.102 has no SUP area"))
    );
    assert!(reasons.iter().any(|r| r.contains("SUP area of 103")));
}

#[test]
fn bad_records() {
    let text =
        "F205_001200  2025011\nN.FABBRIC  uno\nN.PARTIC  0\nFABBRIC 0\nPARTIC 0\nN.STRADE 0\n";
    let (file, diags) = sup(text.as_bytes());
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (1, Some("data generazione"))
    );
    assert_eq!(diags[0].severity, Severity::Warning);
    assert_eq!(
        (diags[1].line, diags[1].field.as_deref()),
        (2, Some("N.FABBRIC"))
    );
    assert_eq!(diags[1].severity, Severity::Rejected);
    // N.STRADE after PARTIC: out of order
    assert_eq!(
        (diags[2].line, diags[2].field.as_deref()),
        (6, Some("N.STRADE"))
    );
    assert!(diags[2].reason.contains("order"));
    assert_eq!(file.counts[&SupCount::Roads], 0);
    assert!(file.generated.is_none());
    // missing totals are reported by the self-check
    assert!(
        diags
            .iter()
            .any(|d| d.reason.contains("record CONFINE missing"))
    );

    let (_, diags) = sup(b"");
    assert_eq!(diags.len(), 1);
    assert!(diags[0].reason.contains("no records"));
}

#[test]
fn widths_are_not_relied_upon() {
    // labels and values glued at the fixed width, or separated by tabs
    let text = "F205_001200  20250115\nN.FABBRIC\t1\nN.PARTIC 2\nN.STRADE1234567890\n";
    let (file, diags) = sup(text.as_bytes());
    assert_eq!(file.counts[&SupCount::Buildings], 1);
    assert_eq!(file.counts[&SupCount::Parcels], 2);
    assert!(
        diags.iter().all(|d| d.severity == Severity::Warning),
        "{diags:?}"
    );
}

#[test]
fn open_reports_missing_file() {
    let Err(d) = SupReader::open(Path::new("no/such/F205_001200.sup")) else {
        panic!()
    };
    assert!(d.reason.contains("cannot open"));
}

#[test]
fn sheet_read_finds_the_companion_sup() {
    let (sheet, diags) = CxfSheet::read(
        Path::new(CXF),
        CxfOptions::default(),
        AreaTolerance::default(),
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert!(sheet.unwrap().sup.is_some());
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = sup(&bytes);
    }
}

#[test]
fn buildings_outside_their_parcel_and_areas_outside_the_sheet_are_reported() {
    let cxf = std::fs::read_to_string(CXF).unwrap();
    let at = cxf.find("BORDO\r\n101+\r\n").unwrap();
    let end = cxf[at..].find("TESTO").unwrap() + at;
    // move the building onto the road (east half), and add parcel 103 outside the sheet
    let building = cxf[at..end]
        .replace("514935.000", "514965.000")
        .replace("514945.000", "514975.000");
    let outside = [
        "BORDO", "103", "0", "0", "0", "0", "0", "0", "0", "5", "600000", "5034500", "600000",
        "5034510", "600010", "5034510", "600010", "5034500", "600000", "5034500",
    ]
    .join("\r\n");
    let cxf = format!("{}{building}{outside}\r\n{}", &cxf[..at], &cxf[end..]);
    let mut diags = Vec::new();
    let reader = CxfReader::new(cxf.as_bytes(), Path::new(CXF));
    CxfSheet::collect(Path::new(CXF), reader, &mut diags).unwrap();
    let reasons: Vec<&str> = diags.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(diags.len(), 2, "{reasons:?}");
    assert!(reasons.contains(&"building 101+ lies outside its host parcel F205_001200.101"));
    assert!(reasons.contains(&"BORDO 103 lies outside the sheet boundary"));
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
}

#[test]
fn assembly_index_with_its_sup() {
    let mut lines = vec![
        "QUADRO D'UNIONE".to_owned(),
        "F205_0128QU".to_owned(),
        "200.000".to_owned(),
    ];
    for (i, code) in ["F205_000100", "F205_000200"].iter().enumerate() {
        let x = 100.0 * i as f64;
        lines.extend(["BORDO", code, "0", "0", "0", "0", "0", "0", "0", "5"].map(String::from));
        for (a, b) in [
            (x, 0.0),
            (x, 100.0),
            (x + 100.0, 100.0),
            (x + 100.0, 0.0),
            (x, 0.0),
        ] {
            lines.push(format!("{a:.3}"));
            lines.push(format!("{b:.3}"));
        }
    }
    lines.push("EOF".into());
    let cxf = lines.join("\r\n");
    let sup = "F205_0128QU  20250115\r\nN.FABBRIC           0\r\nN.PARTIC            2\r\n\
               N.STRADE            0\r\nN.ACQUE             0\r\nN.SVIL-ALL          0\r\n\
               FABBRIC             0\r\nF205_000100     10000\r\nF205_000200     10000\r\n\
               PARTIC          20000\r\nSTRADE              0\r\nACQUE               0\r\n\
               SVIL-ALL            0\r\nTOTALE          20000\r\nCONFINE         20000\r\n\
               SBILANCIO           0\r\n";
    let path = Path::new("F205_0128QU.cxf");
    let mut diags = Vec::new();
    let mut sheet =
        CxfSheet::collect(path, CxfReader::new(cxf.as_bytes(), path), &mut diags).unwrap();
    sheet.attach_sup(
        SupReader::new(sup.as_bytes(), Path::new("F205_0128QU.sup")),
        Path::new("F205_0128QU.sup"),
        AreaTolerance::default(),
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(sheet.index_sheets.len(), 2);
    assert!(sheet.parcels.is_empty());
}
