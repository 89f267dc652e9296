//! The supply directory written by the demo generator: determinism, the lexical rules of each
//! reference document, and the consistency of the ground truth.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use segit_demo::supply::{DefectKind, Outcome, TRUTH_FILE};
use segit_demo::{DemoParams, Municipality, SupplyOptions, generate, write_supply};

fn town() -> Municipality {
    generate(&DemoParams {
        seed: 11,
        scale: 0.04,
    })
}

fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("test supply") {
            let p = e.expect("test supply").path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).expect("test supply").to_path_buf(),
                    std::fs::read(&p).expect("test supply"),
                );
            }
        }
    }
    out
}

/// Lines of a file without their line ends; asserts every line ends with CR LF when `crlf`.
fn lines(bytes: &[u8], crlf: bool) -> Vec<String> {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut parts: Vec<&str> = text.split('\n').collect();
    assert_eq!(parts.pop(), Some(""), "the last line ends with a line end");
    parts
        .into_iter()
        .map(|l| {
            if crlf {
                l.strip_suffix('\r').expect("CR LF line end").to_owned()
            } else {
                assert!(!l.ends_with('\r'));
                l.to_owned()
            }
        })
        .collect()
}

#[test]
fn same_seed_same_bytes() {
    let m = town();
    let a = tempfile::tempdir().expect("test supply");
    let b = tempfile::tempdir().expect("test supply");
    let ta = write_supply(&m, a.path(), &SupplyOptions::default()).expect("test supply");
    let tb = write_supply(&generate(&m.params), b.path(), &SupplyOptions::default())
        .expect("test supply");
    assert_eq!(ta, tb);
    let fa = files_under(a.path());
    let fb = files_under(b.path());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between two runs",
            path.display()
        );
    }
    // rewriting into the same directory gives the same bytes too
    write_supply(&m, a.path(), &SupplyOptions::default()).expect("test supply");
    assert_eq!(files_under(a.path()), fa);
}

#[test]
fn every_file_of_the_layout_exists_with_its_truth() {
    let m = town();
    let dir = tempfile::tempdir().expect("test supply");
    let truth = write_supply(&m, dir.path(), &SupplyOptions::default()).expect("test supply");
    let written = files_under(dir.path());
    for name in [
        "cartografia/crs.txt",
        "cartografia/inspire/M999_ple.gml",
        "cartografia/inspire/M999_map.gml",
        "censuario/M9990001.FAB",
        "censuario/M9990001.TER",
        "censuario/M9990001.SOG",
        "censuario/M9990001.TIT",
        "superfici/cadastral_surface.csv",
        "utenze/utility_supply.csv",
        "locazioni/leases.jsonl",
        "atti/transfer_deeds.jsonl",
        "anagrafe/residents.csv",
        "imu/IMU_M999_2025.txt",
        "imu/f24_imu.csv",
        "omi/QI_M999_20251_VALORI.csv",
        "omi/QI_M999_20251_ZONE.csv",
        "omi/M999.kml",
        "omi/microzones.geojson",
        "stradario/streets.csv",
        "stradario/house_numbers.geojson",
        "dbt/edifici.gpkg",
        "tari/tari.csv",
        TRUTH_FILE,
    ] {
        assert!(written.contains_key(Path::new(name)), "{name} missing");
    }
    let sheets: std::collections::BTreeSet<&str> =
        m.parcels.iter().map(|p| p.sheet_key.as_str()).collect();
    // every sheet has its SUP, but the one planted without it
    let without_sup: Vec<&str> = truth
        .defects
        .iter()
        .filter(|d| d.defect == DefectKind::MissingCompanion)
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(without_sup.len(), 1, "{without_sup:?}");
    for s in &sheets {
        let cxf = format!("cartografia/{s}.cxf");
        assert!(written.contains_key(Path::new(&cxf)));
        let sup = written.contains_key(Path::new(&format!("cartografia/{s}.sup")));
        assert_eq!(sup, !without_sup.contains(&cxf.as_str()), "{cxf}");
    }
    // the truth lists exactly the written files (but itself), with their sizes and lines
    assert_eq!(truth.files.len() + 1, written.len());
    for f in &truth.files {
        let bytes = &written[Path::new(&f.path)];
        assert_eq!(f.bytes, bytes.len() as u64, "{}", f.path);
        if f.lines > 0 {
            assert_eq!(
                f.lines,
                bytes.split(|&b| b == b'\n').count() as u64 - 1,
                "{}",
                f.path
            );
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&written[Path::new(TRUTH_FILE)]).expect("test supply");
    assert_eq!(json["belfiore"], "M999");
    assert_eq!(
        json["files"].as_array().expect("test supply").len(),
        truth.files.len()
    );
}

#[test]
fn truth_counts_match_the_municipality() {
    let m = town();
    let dir = tempfile::tempdir().expect("test supply");
    let t = write_supply(&m, dir.path(), &SupplyOptions::default()).expect("test supply");
    let e = &t.expected;
    let land = &m.planted.land_holdings;
    // the holders of the unit holdings and of the land holdings planted for R23
    let holders: std::collections::BTreeSet<_> = m
        .holdings
        .iter()
        .map(|h| h.subject)
        .chain(
            land.iter()
                .map(|h| segit_demo::SubjectRef::Person(h.person)),
        )
        .collect();
    // the planted unknown-category unit is loaded with a warning
    assert_eq!(e["units"], m.units.len() as u64 + 1);
    assert_eq!(
        e["unit_states"],
        m.units.iter().map(|u| u.states.len() as u64).sum::<u64>() + 1
    );
    // the Q03 case is on the map but left out of TER
    assert_eq!(
        m.planted.ter_omitted.len(),
        1,
        "the Q03 planting omits one parcel"
    );
    assert_eq!(
        e["census_parcels"],
        (m.parcels.len() - m.planted.ter_omitted.len()) as u64
    );
    assert_eq!(e["map_parcels"], m.parcels.len() as u64);
    assert_eq!(e["map_buildings"], m.buildings.len() as u64);
    assert_eq!(e["subjects"], holders.len() as u64);
    assert!(!land.is_empty(), "the R23 planting holds land");
    assert_eq!(e["holdings"], (m.holdings.len() + land.len()) as u64);
    assert_eq!(e["buildable_zones"], m.planted.buildable_zones.len() as u64);
    assert_eq!(e["residents"], m.residents.len() as u64);
    assert_eq!(e["tari_premises"], m.tari_positions.len() as u64);
    assert_eq!(e["streets"], m.streets.len() as u64);
    assert_eq!(e["house_numbers"], m.house_numbers.len() as u64);
    assert_eq!(e["topo_buildings"], m.buildings.len() as u64);
    assert_eq!(e["omi_zones"], 3);
    for k in [
        "leases",
        "deeds",
        "utility_rows",
        "f24_payments",
        "imu_declarations",
        "surfaces",
    ] {
        assert!(e[k] > 0, "{k} is empty");
    }
    // every planted defect of every kind the ingest issue lists
    let kinds: std::collections::BTreeSet<DefectKind> =
        t.defects.iter().map(|d| d.defect).collect();
    for k in [
        DefectKind::TruncatedLine,
        DefectKind::WrongFieldCount,
        DefectKind::InvalidDate,
        DefectKind::InvalidCodiceFiscale,
        DefectKind::UnknownCategory,
        DefectKind::UnclosedRing,
        DefectKind::SelfIntersecting,
        DefectKind::OutsideCrsArea,
        DefectKind::DuplicateKey,
        DefectKind::WrongEncoding,
        DefectKind::EmptyFile,
        DefectKind::MissingCompanion,
    ] {
        assert!(kinds.contains(&k), "no planted {k:?}");
    }
    // invalid codici fiscali are kept, never rejected
    assert!(
        t.defects
            .iter()
            .filter(|d| d.defect == DefectKind::InvalidCodiceFiscale)
            .all(|d| d.outcome == Outcome::Kept)
    );
    // per file: rejected = planted rejections
    for f in &t.files {
        let rejected = t
            .defects_in(&f.path)
            .filter(|d| d.outcome == Outcome::Rejected)
            .count() as u64;
        assert_eq!(f.expected_rejected, rejected, "{}", f.path);
    }
}

#[test]
fn without_malformed_records_nothing_is_planted() {
    let m = town();
    let dir = tempfile::tempdir().expect("test supply");
    let opts = SupplyOptions {
        malformed: false,
        crlf: true,
        ..SupplyOptions::default()
    };
    let t = write_supply(&m, dir.path(), &opts).expect("test supply");
    assert!(t.defects.is_empty());
    assert!(t.files.iter().all(|f| f.expected_rejected == 0));
    assert_eq!(t.expected["units"], m.units.len() as u64);
    let csv = std::fs::read(dir.path().join("anagrafe/residents.csv")).expect("test supply");
    let rows = lines(&csv, true);
    assert_eq!(rows.len(), m.residents.len() + 1);
}

#[test]
fn unsupported_export_crs_is_an_error() {
    let m = town();
    let dir = tempfile::tempdir().expect("test supply");
    let opts = SupplyOptions {
        cxf_epsg: 3003,
        ..SupplyOptions::default()
    };
    let e = write_supply(&m, dir.path(), &opts).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}
