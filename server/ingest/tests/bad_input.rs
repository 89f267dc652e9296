//! Bad input, case by case (issue "Bad input"): a GeoPackage store already holds a clean supply;
//! a second supply, written by hand from the reference with one defect, is ingested over it.
//! Every case asserts the diagnostic (file, line, field where there is one, reason), that the
//! other records of the same file are loaded, that everything stored before is still there
//! unchanged, and the exit classification.
//!
//! The clean supply is `tests/fixtures/pipeline/supply1` (census CR LF, CSVs LF) without its
//! impossible resident date; each defect is appended to (or replaces) one file. Census and CXF
//! cases run twice, once with CR LF and once with LF line ends.

mod pipeline_support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use pipeline_support::{all, options, store, supply, text};
use segit_ingest::diag::{Diagnostic, Severity};
use segit_ingest::pipeline::{ExitStatus, IngestReport, NoProgress, SourceKind, ingest};
use segit_query::Feature;
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;

/// Line ends of the files a case writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eol {
    CrLf,
    Lf,
}

impl Eol {
    fn apply(self, bytes: &[u8]) -> Vec<u8> {
        let lf: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'\r').collect();
        match self {
            Eol::Lf => lf,
            Eol::CrLf => {
                let mut out = Vec::with_capacity(lf.len() + lf.len() / 16);
                for b in lf {
                    if b == b'\n' {
                        out.push(b'\r');
                    }
                    out.push(b);
                }
                out
            }
        }
    }
}

/// Copies `from` into `to` recursively.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("bad-input test setup");
    for entry in fs::read_dir(from).expect("bad-input test setup") {
        let entry = entry.expect("bad-input test setup");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("bad-input test setup").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("bad-input test setup");
        }
    }
}

/// The clean supply in `root`: supply1 without its rejected resident, census and CXF files with
/// `eol` line ends.
fn clean_supply(root: &Path, eol: Eol) {
    copy_dir(&supply("supply1"), root);
    let residents = root.join("anagrafe/residents.csv");
    let text = fs::read_to_string(&residents).expect("bad-input test setup");
    let mut kept = String::new();
    for l in text.lines().filter(|l| !l.contains("2021-04-31")) {
        kept.push_str(l);
        kept.push('\n');
    }
    fs::write(&residents, kept).expect("bad-input test setup");
    for file in [
        "censuario/F2050001.FAB",
        "censuario/F2050001.TER",
        "censuario/F2050001.SOG",
        "censuario/F2050001.TIT",
        "cartografia/F205_001200.cxf",
        "cartografia/F205_001200.sup",
    ] {
        let path = root.join(file);
        let bytes = fs::read(&path).expect("bad-input test setup");
        fs::write(&path, eol.apply(&bytes)).expect("bad-input test setup");
    }
}

/// Appends `lines` (each ended by `eol`) to `file`.
fn append(root: &Path, file: &str, lines: &[&[u8]], eol: Eol) {
    let path = root.join(file);
    let mut bytes = fs::read(&path).expect("bad-input test setup");
    for line in lines {
        bytes.extend_from_slice(line);
        bytes.extend_from_slice(if eol == Eol::CrLf { b"\r\n" } else { b"\n" });
    }
    fs::write(&path, bytes).expect("bad-input test setup");
}

/// Inserts CXF `sections` (records separated by `\n`) before the `EOF` record of the sheet (the
/// line numbers of the sections already stored do not move).
fn insert_cxf_sections(root: &Path, sections: &str, eol: Eol) {
    let path = root.join("cartografia/F205_001200.cxf");
    let text = String::from_utf8(fs::read(&path).expect("bad-input test setup"))
        .expect("bad-input test setup");
    let text = text.replace('\r', "");
    let at = text.find("EOF").expect("bad-input test setup");
    let joined = format!("{}{sections}\n{}", &text[..at], &text[at..]);
    fs::write(&path, eol.apply(joined.as_bytes())).expect("bad-input test setup");
}

/// Every feature of every collection, by collection and id.
async fn contents(store: &GpkgStore) -> BTreeMap<String, BTreeMap<String, Feature>> {
    let catalog = store.catalog().await.expect("bad-input test setup");
    let mut out = BTreeMap::new();
    for c in &catalog.collections {
        let features = all(store, &c.id).await;
        out.insert(
            c.id.clone(),
            features.into_iter().map(|f| (f.id.clone(), f)).collect(),
        );
    }
    out
}

/// One case: the store with the clean supply, the report of the defective one over it.
struct Case {
    _dir: tempfile::TempDir,
    root: PathBuf,
    store: GpkgStore,
    before: BTreeMap<String, BTreeMap<String, Feature>>,
    report: IngestReport,
}

impl Case {
    /// Ingests the clean supply, lets `defect` edit a copy of it, ingests the copy.
    async fn run(eol: Eol, defect: impl FnOnce(&Path, Eol)) -> Case {
        let dir = tempfile::tempdir().expect("bad-input test setup");
        let clean = dir.path().join("clean");
        clean_supply(&clean, eol);
        let store = store(dir.path());
        let first = ingest(&store, &clean, &options("2024-01-01"), &mut NoProgress)
            .await
            .expect("bad-input test setup");
        assert_eq!(
            first.exit_status(),
            ExitStatus::Success,
            "the clean supply: {:#?}",
            first.diagnostics
        );
        let before = contents(&store).await;
        let root = dir.path().join("defective");
        clean_supply(&root, eol);
        defect(&root, eol);
        let report = ingest(&store, &root, &options("2024-06-01"), &mut NoProgress)
            .await
            .expect("bad-input test setup");
        Case {
            _dir: dir,
            root,
            store,
            before,
            report,
        }
    }

    /// The diagnostics of severity `severity` about `file` (relative to the supply).
    fn findings(&self, file: &str, severity: Severity) -> Vec<&Diagnostic> {
        let path = self.root.join(file);
        self.report
            .diagnostics
            .iter()
            .filter(|d| d.file == path && d.severity == severity)
            .collect()
    }

    /// The one diagnostic of `severity` about `file`, asserted on line, field and reason.
    fn expect_one(
        &self,
        file: &str,
        severity: Severity,
        line: u64,
        field: Option<&str>,
        reason: &str,
    ) -> &Diagnostic {
        let found = self.findings(file, severity);
        assert_eq!(found.len(), 1, "{file}: {:#?}", self.report.diagnostics);
        let d = found[0];
        assert_eq!(d.line, line, "{d}");
        assert_eq!(d.field.as_deref(), field, "{d}");
        assert!(d.reason.contains(reason), "{d}");
        d
    }

    /// Records of `kind` loaded (all the other records of the defective file).
    fn loaded(&self, kind: SourceKind) -> u64 {
        self.report.kinds.get(&kind).map_or(0, |s| s.loaded)
    }

    fn rejected(&self, kind: SourceKind) -> u64 {
        self.report.kinds.get(&kind).map_or(0, |s| s.rejected)
    }

    /// What was stored before the defective supply and is no longer there unchanged.
    async fn lost(&self) -> Vec<String> {
        let after = contents(&self.store).await;
        let mut lost = Vec::new();
        for (collection, features) in &self.before {
            let Some(now) = after.get(collection) else {
                lost.push(format!("{collection} vanished"));
                continue;
            };
            for (id, feature) in features {
                match now.get(id) {
                    None => lost.push(format!("{collection}/{id} vanished")),
                    Some(kept) if kept != feature => {
                        lost.push(format!(
                            "{collection}/{id} changed: {feature:?} -> {kept:?}"
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        lost
    }
}

/// A FAB type-1 record of a new unit `id` with category `category` (45 values, 2007+ layout).
fn fab_state(id: u64, category: &str) -> String {
    format!(
        "F205||{id}|F|1|1|001|{category}|03|5,5|98|2000000|1032,91|||B|14||3||||15032019|20032019|V|045124|001|2019|||||||||2345679||||VAR|VARIAZIONE|||4|"
    )
}

/// The same, type 2 (identifier: foglio 12, particella 101, subalterno `sub`).
fn fab_identifier(id: u64, sub: u32) -> String {
    format!("F205||{id}|F|1|2||0012|00101||{sub:04}||")
}

/// The same, type 3 (address) with toponym `duf`.
fn fab_address(id: u64, duf: &str) -> String {
    format!("F205||{id}|F|1|3|236|{duf}|000012|||05432|")
}

/// A BORDO section of parcel `code` with the closed or open `ring` (CXF one value per line).
fn bordo(code: &str, ring: &[(f64, f64)]) -> String {
    let (x, y) = ring[0];
    let mut s = format!(
        "BORDO\n{code}\n  18\n       0.000\n{:12.3}\n{:12.3}\n{:12.3}\n{:12.3}\n   0\n{:4}",
        x + 1.0,
        y + 1.0,
        x + 1.0,
        y + 1.0,
        ring.len()
    );
    for (x, y) in ring {
        let _ = write!(s, "\n{x:12.3}\n{y:12.3}");
    }
    s
}

/// The CXF line where inserted sections start (the `EOF` record of the clean sheet).
const CXF_INSERT_LINE: u64 = 140;

/// Whether `case` ended as a committed ingest with rejected records.
fn with_rejections(case: &Case) {
    assert_eq!(case.report.exit_status(), ExitStatus::Rejections);
    assert_eq!(case.report.exit_status().code(), 10);
}

/// Whether `case` ended as a committed ingest without rejected records (warnings only).
fn without_rejections(case: &Case) {
    assert_eq!(
        case.report.exit_status(),
        ExitStatus::Success,
        "{:#?}",
        case.report.diagnostics
    );
}

async fn nothing_lost(case: &Case) {
    let lost = case.lost().await;
    assert!(lost.is_empty(), "{lost:#?}");
}

#[tokio::test]
async fn a_truncated_census_line_is_rejected() {
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, _| {
            // the file ends in the middle of a type-1 record (no line end)
            let path = root.join("censuario/F2050001.FAB");
            let mut bytes = fs::read(&path).unwrap();
            let state = fab_state(1_000_009, "A02");
            bytes.extend_from_slice(&state.as_bytes()[..60]);
            fs::write(&path, bytes).unwrap();
        })
        .await;
        let d = case.expect_one(
            "censuario/F2050001.FAB",
            Severity::Rejected,
            5,
            None,
            "values",
        );
        assert!(d.reason.contains("40"), "{d}");
        assert_eq!(case.loaded(SourceKind::Fab), 1, "{eol:?}");
        with_rejections(&case);
        nothing_lost(&case).await;
    }
}

#[tokio::test]
async fn a_csv_row_with_the_wrong_field_count_is_rejected() {
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, eol| {
            append(
                root,
                "anagrafe/residents.csv",
                &[b"VRDGPP80A01F205X;H2;head;F205/2040/12/;;;;2021-04-01"],
                eol,
            );
        })
        .await;
        case.expect_one(
            "anagrafe/residents.csv",
            Severity::Rejected,
            4,
            None,
            "8 fields, the header has 13",
        );
        assert_eq!(case.loaded(SourceKind::Residents), 2);
        with_rejections(&case);
        nothing_lost(&case).await;
    }
}

#[tokio::test]
async fn a_census_record_with_too_many_group_values_is_rejected() {
    // FAB type 4 (parcel groups of 5 values after the common key): 7 values
    let case = Case::run(Eol::CrLf, |root, eol| {
        append(
            root,
            "censuario/F2050001.FAB",
            &[b"F205||1000001|F|1|4||0012|00102||0001|X|Y|"],
            eol,
        );
    })
    .await;
    case.expect_one(
        "censuario/F2050001.FAB",
        Severity::Rejected,
        5,
        None,
        "7 values after the common key, not a multiple of the group size 5",
    );
    with_rejections(&case);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn an_impossible_date_rejects_its_record() {
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, eol| {
            append(
                root,
                "censuario/F2050001.TER",
                &[b"F205||2000009|T|1|1|0012|00109||||282||0|46|0||||||||31042018|16011979|I||000||||||||0000001||694039||||||"],
                eol,
            );
        })
        .await;
        case.expect_one(
            "censuario/F2050001.TER",
            Severity::Rejected,
            3,
            Some("data di efficacia (atto generante)"),
            "31042018 is not a date",
        );
        assert_eq!(case.loaded(SourceKind::Ter), 2);
        with_rejections(&case);
        nothing_lost(&case).await;
    }
    // the same in a register (ISO dates)
    let case = Case::run(Eol::Lf, |root, eol| {
        append(
            root,
            "anagrafe/residents.csv",
            &[b"VRDGPP80A01F205X;H2;head;F205/2040/12/;;;;2021-04-31;;1980-01-01;M;IT;"],
            eol,
        );
    })
    .await;
    case.expect_one(
        "anagrafe/residents.csv",
        Severity::Rejected,
        4,
        Some("from_date"),
        "2021-04-31",
    );
    assert_eq!(case.loaded(SourceKind::Residents), 2);
    with_rejections(&case);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn an_invalid_codice_fiscale_is_kept_as_written_and_reported() {
    // identifiers.md §3: never rejected for that alone (quality rule Q01 reports it later)
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, eol| {
            append(
                root,
                "censuario/F2050001.SOG",
                &[b"F205||3000009|P|VERDI|GIUSEPPE|1|01011980|F205|VRDGPP80A01F205Y||"],
                eol,
            );
        })
        .await;
        case.expect_one(
            "censuario/F2050001.SOG",
            Severity::Warning,
            3,
            Some("codice fiscale"),
            "invalid codice fiscale kept as written",
        );
        assert_eq!(case.loaded(SourceKind::Sog), 3);
        without_rejections(&case);
        let after = case.lost().await;
        assert!(after.is_empty(), "{after:#?}");
        let subjects = all(&case.store, "subjects").await;
        let verdi = subjects
            .iter()
            .find(|f| text(f, "codice_fiscale") == Some("VRDGPP80A01F205Y"))
            .expect("the subject is loaded with its codice fiscale as written");
        assert_eq!(text(verdi, "surname"), Some("VERDI"));
    }
}

#[tokio::test]
async fn an_unknown_category_keeps_the_unit_without_category() {
    // censuario.md §7.1 (default UnknownCategory::Keep): the unit is loaded, the code reported
    let case = Case::run(Eol::CrLf, |root, eol| {
        let state = fab_state(1_000_009, "Z99");
        let id = fab_identifier(1_000_009, 8);
        append(
            root,
            "censuario/F2050001.FAB",
            &[state.as_bytes(), id.as_bytes()],
            eol,
        );
    })
    .await;
    case.expect_one(
        "censuario/F2050001.FAB",
        Severity::Warning,
        5,
        Some("categoria"),
        "unknown category code Z99",
    );
    assert_eq!(case.loaded(SourceKind::Fab), 2);
    without_rejections(&case);
    nothing_lost(&case).await;
    let units = all(&case.store, "units").await;
    let unit = units
        .iter()
        .find(|f| text(f, "unit_key") == Some("F205//12/101/8"))
        .expect("the unit is loaded");
    assert_eq!(text(unit, "category"), None);
}

#[tokio::test]
async fn an_unclosed_ring_is_closed_and_reported() {
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, eol| {
            let ring = [
                (514_955.0, 5_034_505.0),
                (514_955.0, 5_034_515.0),
                (514_965.0, 5_034_515.0),
                (514_965.0, 5_034_505.0),
            ];
            insert_cxf_sections(root, &bordo("103", &ring), eol);
        })
        .await;
        case.expect_one(
            "cartografia/F205_001200.cxf",
            Severity::Repaired,
            CXF_INSERT_LINE,
            Some("VERTICI"),
            "BORDO 103: outer ring not closed",
        );
        // a parcel the SUP does not list: reported on the SUP, not rejected
        assert!(
            case.findings("cartografia/F205_001200.sup", Severity::Warning)
                .iter()
                .any(|d| d.reason.contains("F205_001200.103 has no SUP area"))
        );
        assert_eq!(case.loaded(SourceKind::Cxf), 11);
        without_rejections(&case);
        nothing_lost(&case).await;
        let parcels = all(&case.store, "parcels").await;
        assert!(parcels.iter().any(|p| p.id == "F205_001200.103"));
    }
}

#[tokio::test]
async fn a_self_intersecting_polygon_is_rejected_and_reported() {
    let case = Case::run(Eol::CrLf, |root, eol| {
        let bowtie = [
            (514_955.0, 5_034_505.0),
            (514_965.0, 5_034_515.0),
            (514_965.0, 5_034_505.0),
            (514_955.0, 5_034_515.0),
            (514_955.0, 5_034_505.0),
        ];
        insert_cxf_sections(root, &bordo("104", &bowtie), eol);
    })
    .await;
    case.expect_one(
        "cartografia/F205_001200.cxf",
        Severity::Rejected,
        CXF_INSERT_LINE,
        Some("VERTICI"),
        "BORDO 104: invalid polygon: exterior ring has a self-intersection",
    );
    assert_eq!(case.loaded(SourceKind::Cxf), 10);
    with_rejections(&case);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn an_area_outside_the_declared_crs_is_rejected() {
    let case = Case::run(Eol::CrLf, |root, eol| {
        let far = [
            (9_514_955.0, 5_034_505.0),
            (9_514_955.0, 5_034_515.0),
            (9_514_965.0, 5_034_515.0),
            (9_514_965.0, 5_034_505.0),
            (9_514_955.0, 5_034_505.0),
        ];
        insert_cxf_sections(root, &bordo("105", &far), eol);
    })
    .await;
    case.expect_one(
        "cartografia/F205_001200.cxf",
        Severity::Rejected,
        CXF_INSERT_LINE,
        Some("VERTICI"),
        "lies outside the area of use of EPSG:7791 (Italy), while the sheet boundary",
    );
    assert_eq!(case.loaded(SourceKind::Cxf), 10);
    with_rejections(&case);
    nothing_lost(&case).await;
    let parcels = all(&case.store, "parcels").await;
    assert!(parcels.iter().all(|p| p.id != "F205_001200.105"));

    // INSPIRE GML: a parcel near the North Pole after one in Milan
    let case = Case::run(Eol::Lf, |root, _| {
        let milan = "45.46386780 9.19059374 45.46476792 9.19059678 45.46476685 9.19123636 \
                     45.46386673 9.19123331 45.46386780 9.19059374";
        let pole = "89.10000000 150.00000000 89.10010000 150.00000000 89.10010000 \
                    150.00010000 89.10000000 150.00010000 89.10000000 150.00000000";
        let gml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <gml:FeatureCollection gml:id=\"c\" xmlns:cp=\"http://inspire.ec.europa.eu/schemas/cp/4.0\" \
             xmlns:base=\"http://inspire.ec.europa.eu/schemas/base/3.3\" \
             xmlns:gml=\"http://www.opengis.net/gml/3.2\">\n{}{}</gml:FeatureCollection>\n",
            inspire_parcel("F205_001300.1", milan),
            inspire_parcel("F205_001300.2", pole)
        );
        fs::create_dir_all(root.join("cartografia/inspire")).unwrap();
        fs::write(root.join("cartografia/inspire/F205_ple.gml"), gml).unwrap();
    })
    .await;
    case.expect_one(
        "cartografia/inspire/F205_ple.gml",
        Severity::Rejected,
        4,
        Some("geometry"),
        "lies outside the area of use of EPSG:6706 (Italy), while earlier features",
    );
    assert_eq!(case.loaded(SourceKind::InspireGml), 1);
    with_rejections(&case);
    nothing_lost(&case).await;
    let parcels = all(&case.store, "parcels").await;
    assert!(parcels.iter().any(|p| p.id == "F205_001300.1"));
    assert!(parcels.iter().all(|p| p.id != "F205_001300.2"));
}

/// One `cp:CadastralParcel` (inspire-gml.md §6) on one line, with its exterior `pos_list`
/// (latitude first).
fn inspire_parcel(reference: &str, pos_list: &str) -> String {
    let label = reference.rsplit('.').next().unwrap_or(reference);
    format!(
        "<gml:featureMember><cp:CadastralParcel gml:id=\"IT.AGE.PLA.{reference}\">\
         <cp:geometry><gml:MultiSurface srsName=\"http://www.opengis.net/def/crs/EPSG/0/6706\">\
         <gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing>\
         <gml:posList srsDimension=\"2\">{pos_list}</gml:posList></gml:LinearRing></gml:exterior>\
         </gml:Polygon></gml:surfaceMember></gml:MultiSurface></cp:geometry>\
         <cp:inspireId><base:Identifier><base:localId>{reference}</base:localId>\
         <base:namespace>IT.AGE.PLA</base:namespace></base:Identifier></cp:inspireId>\
         <cp:label>{label}</cp:label>\
         <cp:nationalCadastralReference>{reference}</cp:nationalCadastralReference>\
         </cp:CadastralParcel></gml:featureMember>\n"
    )
}

#[tokio::test]
async fn a_duplicate_key_keeps_the_first_record_and_is_reported() {
    let case = Case::run(Eol::Lf, |root, eol| {
        append(
            root,
            "stradario/streets.csv",
            &[b"2040;VIA;GARIBALDI;VIA GARIBALDI;236;05433"],
            eol,
        );
    })
    .await;
    let d = case.expect_one(
        "stradario/streets.csv",
        Severity::Warning,
        4,
        Some("street_code"),
        "duplicate key 2040",
    );
    assert!(d.reason.contains("streets.csv:2"), "{d}");
    without_rejections(&case);
    nothing_lost(&case).await;
    let streets = all(&case.store, "streets").await;
    assert_eq!(streets.len(), 2);
    // a subject written twice in the SOG with different data
    let case = Case::run(Eol::CrLf, |root, eol| {
        append(
            root,
            "censuario/F2050001.SOG",
            &[b"F205||3000001|P|ROSSI|MARIO|1|12051970|F205|RSSMRA70E12F205J||"],
            eol,
        );
    })
    .await;
    let found: Vec<&Diagnostic> = case
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            d.reason
                .contains("already read at line 1 with different data")
        })
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", case.report.diagnostics);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].file.ends_with("censuario/F2050001.SOG"));
    assert_eq!(found[0].line, 3);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn a_census_file_in_utf8_is_decoded_and_reported() {
    // censuario.md §2: Latin-1 expected; a tool that wrote UTF-8 is recognised line by line
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, eol| {
            let state = fab_state(1_000_009, "A02");
            let id = fab_identifier(1_000_009, 8);
            let address = fab_address(1_000_009, "CITTÀ DI CASTELLO");
            append(
                root,
                "censuario/F2050001.FAB",
                &[state.as_bytes(), id.as_bytes(), address.as_bytes()],
                eol,
            );
        })
        .await;
        case.expect_one(
            "censuario/F2050001.FAB",
            Severity::Repaired,
            7,
            None,
            "line encoded in UTF-8, not Latin-1",
        );
        assert_eq!(case.loaded(SourceKind::Fab), 2);
        without_rejections(&case);
        nothing_lost(&case).await;
        let units = all(&case.store, "units").await;
        let unit = units
            .iter()
            .find(|f| text(f, "unit_key") == Some("F205//12/101/8"))
            .expect("the unit is loaded");
        assert!(
            text(unit, "street_text").is_some_and(|t| t.contains("CITTÀ DI CASTELLO")),
            "{unit:?}"
        );
    }
}

#[tokio::test]
async fn a_latin1_line_in_a_utf8_register_is_rejected() {
    // other-supplies.md §0.4: a line that is not valid UTF-8 is rejected and logged
    for eol in [Eol::CrLf, Eol::Lf] {
        let case = Case::run(eol, |root, eol| {
            append(
                root,
                "stradario/streets.csv",
                &[
                    b"2042;PIAZZA;DELLA LIBERT\xC0;PIAZZA DELLA LIBERT\xC0;241;00078",
                    b"2043;VIA;ROMA;VIA ROMA;242;00079",
                ],
                eol,
            );
        })
        .await;
        case.expect_one(
            "stradario/streets.csv",
            Severity::Rejected,
            4,
            None,
            "not valid UTF-8",
        );
        assert_eq!(case.loaded(SourceKind::Streets), 3);
        with_rejections(&case);
        nothing_lost(&case).await;
    }
}

#[tokio::test]
async fn a_latin1_omi_file_is_read_as_latin1() {
    // other-supplies.md §6: UTF-8 unless the bytes are not valid UTF-8, then Latin-1
    let case = Case::run(Eol::CrLf, |root, eol| {
        fs::create_dir_all(root.join("omi")).unwrap();
        let rows: [&[u8]; 3] = [
            b"Quotazioni OMI 2024/1",
            b"Area_territoriale;Regione;Prov;Comune_ISTAT;Comune_cat;Sez;Comune_amm;Comune_descrizione;Fascia;Zona;LinkZona;Cod_Tip;Descr_Tipologia;Stato;Stato_prev;Compr_min;Compr_max;Sup_NL_compr;Loc_min;Loc_max;Sup_NL_loc;",
            b"NORD-OVEST;LOMBARDIA;MI;3015146;;;F205;MILANO;B;B12;MI00000290;20;Abitazioni civili;NORMALE;P;3500;5000;L;12,5;16,8;L;",
        ];
        fs::write(root.join("omi/QI_1_1_20241_VALORI.csv"), b"").unwrap();
        append(root, "omi/QI_1_1_20241_VALORI.csv", &rows, eol);
        append(
            root,
            "omi/QI_1_1_20241_VALORI.csv",
            &[b"NORD-OVEST;LOMBARDIA;MI;3015146;;;F205;MILANO;B;B12;MI00000290;21;Abitazioni di tipo economico \xE0 schiera;NORMALE;;2500;3000;L;9;11,5;L;"],
            eol,
        );
    })
    .await;
    assert_eq!(
        case.loaded(SourceKind::OmiValues),
        2,
        "{:#?}",
        case.report.diagnostics
    );
    nothing_lost(&case).await;
}

#[tokio::test]
async fn an_empty_file_is_reported_and_stored_data_kept() {
    for (file, kind) in [
        ("tari/tari.csv", SourceKind::Tari),
        ("censuario/F2050001.TER", SourceKind::Ter),
        ("cartografia/F205_001200.cxf", SourceKind::Cxf),
    ] {
        let case = Case::run(Eol::CrLf, |root, _| {
            fs::write(root.join(file), b"").unwrap();
        })
        .await;
        case.expect_one(file, Severity::Rejected, 0, None, "empty");
        assert_eq!(case.loaded(kind), 0);
        assert_eq!(case.rejected(kind), 1);
        with_rejections(&case);
        nothing_lost(&case).await;
    }
}

#[tokio::test]
async fn a_register_without_a_required_column_keeps_the_stored_rows() {
    // other-supplies.md §0.2: a header lacking a required column is one diagnostic on line 1
    let case = Case::run(Eol::Lf, |root, _| {
        let path = root.join("anagrafe/residents.csv");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replacen("person_cf;", "codice;", 1)).unwrap();
    })
    .await;
    case.expect_one(
        "anagrafe/residents.csv",
        Severity::Rejected,
        1,
        Some("person_cf"),
        "the header lacks the required column(s) person_cf",
    );
    assert_eq!(case.loaded(SourceKind::Residents), 0);
    with_rejections(&case);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn a_missing_sup_is_reported_and_the_sheet_loaded() {
    let case = Case::run(Eol::CrLf, |root, _| {
        fs::remove_file(root.join("cartografia/F205_001200.sup")).unwrap();
    })
    .await;
    let d = case.expect_one(
        "cartografia/F205_001200.cxf",
        Severity::Rejected,
        0,
        Some("SUP"),
        "is missing (cxf.md §7: one SUP per map)",
    );
    assert!(d.reason.contains("F205_001200.sup"), "{d}");
    assert_eq!(case.loaded(SourceKind::Cxf), 10);
    with_rejections(&case);
    // the declared areas are unknown: the parcels' stored versions are closed, not lost
    let after = contents(&case.store).await;
    for (collection, features) in &case.before {
        for (id, before) in features {
            let now = &after[collection][id];
            if now == before {
                continue;
            }
            assert_eq!(collection, "parcels", "{collection}/{id} changed");
            assert_eq!(now.geometry, before.geometry);
            assert!(
                matches!(now.property("valid_to"), Some(segit_query::Value::Date(_))),
                "{now:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_missing_crs_file_rejects_the_maps_and_keeps_the_stored_sheets() {
    let case = Case::run(Eol::CrLf, |root, _| {
        fs::remove_file(root.join("cartografia/crs.txt")).unwrap();
    })
    .await;
    case.expect_one(
        "cartografia/crs.txt",
        Severity::Rejected,
        0,
        None,
        "the CXF files lack a CRS",
    );
    assert_eq!(case.loaded(SourceKind::Cxf), 0);
    with_rejections(&case);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn a_tit_without_its_sog_is_reported_and_linked_through_the_store() {
    let case = Case::run(Eol::CrLf, |root, _| {
        fs::remove_file(root.join("censuario/F2050001.SOG")).unwrap();
    })
    .await;
    case.expect_one(
        "censuario/F2050001.SOG",
        Severity::Warning,
        0,
        None,
        "has no SOG beside it",
    );
    assert_eq!(case.loaded(SourceKind::Tit), 2);
    without_rejections(&case);
    nothing_lost(&case).await;
}

#[tokio::test]
async fn a_missing_supply_directory_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    clean_supply(&clean, Eol::Lf);
    let store = store(dir.path());
    ingest(&store, &clean, &options("2024-01-01"), &mut NoProgress)
        .await
        .unwrap();
    let before = contents(&store).await;
    let err = ingest(
        &store,
        &dir.path().join("nowhere"),
        &options("2024-06-01"),
        &mut NoProgress,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("nowhere"), "{err}");
    assert!(contents(&store).await == before);
}
