//! A supply written by hand from the reference documents, not by the demo generator
//! (`tests/fixtures/independent-supply`, its README lists the variations): every file is read,
//! the counts and the linked values computed by hand from the reference are published.

mod pipeline_support;

use std::path::{Path, PathBuf};

use pipeline_support::{all, by_id, number, options, store, text};
use segit_ingest::diag::Severity;
use segit_ingest::pipeline::{ExitStatus, NoProgress, SourceKind, ingest};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/independent-supply")
}

#[tokio::test]
async fn an_independent_supply_is_read_and_linked_as_the_reference_says() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let root = fixture();
    let report = ingest(&store, &root, &options("2025-03-01"), &mut NoProgress)
        .await
        .unwrap();

    // only the documented findings: the extra trailing value of a 2007+ FAB record
    let findings: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(report.exit_status(), ExitStatus::Success, "{findings:#?}");
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning && d.file.ends_with("H2820042.FAB")),
        "{findings:#?}"
    );
    assert_eq!(report.skipped, vec![root.join("README.md")]);

    let loaded = |k: SourceKind| report.kinds.get(&k).map_or(0, |s| s.loaded);
    assert_eq!(loaded(SourceKind::Fab), 2, "two properties");
    assert_eq!(loaded(SourceKind::Ter), 2);
    assert_eq!(loaded(SourceKind::Sog), 2);
    assert_eq!(loaded(SourceKind::Tit), 3);
    // header + 5 BORDO + 1 TESTO
    assert_eq!(loaded(SourceKind::Cxf), 7);
    assert_eq!(loaded(SourceKind::InspireGml), 1);
    assert_eq!(loaded(SourceKind::Streets), 2);
    assert_eq!(loaded(SourceKind::Residents), 2);

    // map parcels: two from the CXF (declared areas from the SUP), one from the GML
    let parcels = all(&store, "parcels").await;
    let mut ids: Vec<&str> = parcels.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["H282_000500.101", "H282_000500.102", "H282_000600.7"]);
    let p101 = by_id(&parcels, "H282_000500.101");
    assert_eq!(number(p101, "declared_area_m2"), Some(10_000.0));
    // 100 m × 100 m in UTM 33N, stored in UTM 32N: the scale factors differ by < 0.1 %
    let area = number(p101, "map_area_m2").unwrap();
    assert!((area - 10_000.0).abs() < 15.0, "{area}");
    assert_eq!(
        text(by_id(&parcels, "H282_000600.7"), "map_source"),
        Some("gml")
    );

    let buildings = all(&store, "buildings").await;
    assert_eq!(buildings.len(), 1);
    assert_eq!(text(&buildings[0], "parcel_key"), Some("H282_000500.101"));

    // land cadastre: both layouts, ha 1 a 0 ca 0 = 10 000 m²
    let parcel_states = all(&store, "parcel_states").await;
    assert_eq!(parcel_states.len(), 2);

    // units: unpadded identifiers normalised into the canonical keys
    let units = all(&store, "units").await;
    assert_eq!(units.len(), 2);
    let flat = units
        .iter()
        .find(|u| text(u, "unit_key") == Some("H282//5/101/3"))
        .expect("unit 5/101/3");
    assert_eq!(text(flat, "category"), Some("A/3"));
    assert_eq!(text(flat, "parcel_key"), Some("H282_000500.101"));
    assert_eq!(text(flat, "parcel_key_link"), Some("source_key"));
    // codice strada 321 aligned with the register's 00321, civico 7
    assert_eq!(text(flat, "address_key"), Some("H282/1021/7/"));
    assert_eq!(text(flat, "address_key_link"), Some("street_code"));
    assert!(
        text(flat, "street_text").is_some_and(|t| t.contains("DELLA LIBERTÀ")),
        "{flat:?}"
    );
    let garage = units
        .iter()
        .find(|u| text(u, "unit_key") == Some("H282//5/101/4"))
        .expect("unit 5/101/4");
    assert_eq!(text(garage, "category"), Some("C/6"));

    // subjects: Latin-1 given name, a legal entity
    let subjects = all(&store, "subjects").await;
    assert_eq!(subjects.len(), 2);
    let person = by_id(&subjects, "H282/6000001/P");
    assert_eq!(text(person, "given_name"), Some("NICOLÒ"));
    assert_eq!(text(person, "codice_fiscale"), Some("DSNNCL65L14H282D"));

    // holdings: right `10 ` trimmed, linked to unit, parcel and subject
    let holdings = all(&store, "holdings").await;
    assert_eq!(holdings.len(), 3);
    let own = holdings
        .iter()
        .find(|h| text(h, "holding_ref") == Some("H282/8000001"))
        .expect("holding 8000001");
    assert_eq!(text(own, "right"), Some("ownership"));
    assert_eq!(text(own, "share"), Some("1/1"));
    assert_eq!(text(own, "unit_key"), Some("H282//5/101/3"));
    assert_eq!(text(own, "subject"), Some("H282/6000001/P"));
    assert_eq!(text(own, "codice_fiscale"), Some("DSNNCL65L14H282D"));
    let land = holdings
        .iter()
        .find(|h| text(h, "holding_ref") == Some("H282/8000003"))
        .expect("holding 8000003");
    assert_eq!(text(land, "parcel_key"), Some("H282_000500.102"));
    let coop = holdings
        .iter()
        .find(|h| text(h, "holding_ref") == Some("H282/8000002"))
        .expect("holding 8000002");
    assert_eq!(text(coop, "subject"), Some("H282/6000002/G"));
    assert_eq!(text(coop, "unit_key"), Some("H282//5/101/4"));

    // residents: columns in another order; by unit key, and by address + staircase + internal
    let residents = all(&store, "residents").await;
    assert_eq!(residents.len(), 2);
    let head = residents
        .iter()
        .find(|r| text(r, "person_cf") == Some("DSNNCL65L14H282D"))
        .expect("head of household");
    assert_eq!(text(head, "unit_key_link"), Some("unit_key"));
    let spouse = residents
        .iter()
        .find(|r| text(r, "person_cf") == Some("FRRGLI72M45H282F"))
        .expect("spouse");
    assert_eq!(text(spouse, "unit_key"), Some("H282//5/101/3"));
    assert_eq!(text(spouse, "unit_key_link"), Some("address_internal"));

    let streets = all(&store, "streets").await;
    assert_eq!(text(by_id(&streets, "1021"), "duf"), Some("DELLA LIBERTÀ"));
}
