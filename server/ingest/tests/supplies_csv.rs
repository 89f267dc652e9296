//! Readers of the normalised CSV supplies (other-supplies.md §0.2, §1, §2, §4, §5.1, §7, §9)
//! on the reference's composed examples and on every malformed-row case of §0.4.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_ingest::supplies::{
    CadastralSurfaceReader, F24Reader, Located, ResidentsReader, StreetsReader, TariReader,
    UtilitySupplyReader, households,
};
use segit_model::{Instalment, Relationship, TariUserType, UseType, UtilityKind};

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

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a calendar date")
}

/// (line, field, severity) of each diagnostic.
fn summary(diagnostics: &[Diagnostic]) -> Vec<(u64, Option<&str>, Severity)> {
    diagnostics
        .iter()
        .map(|d| (d.line, d.field.as_deref(), d.severity))
        .collect()
}

const REJ: Severity = Severity::Rejected;
const WARN: Severity = Severity::Warning;

#[test]
fn cadastral_surfaces_composed_example_and_bad_rows() {
    let reader = CadastralSurfaceReader::open(&fixture("cadastral_surface.csv")).unwrap();
    let (records, diagnostics) = split(reader);
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 10]);
    let s = &records[0].record;
    assert_eq!(s.belfiore.as_str(), "F205");
    assert_eq!(s.age_property_id, 1_000_001);
    assert_eq!(s.unit_key.to_string(), "F205//12/101/7");
    assert_eq!(s.category.to_string(), "A/2");
    assert_eq!((s.total_m2, s.excluding_uncovered_m2), (98, 93));
    assert_eq!(s.polygons.len(), 3);
    assert_eq!(s.polygons[1].polygon_type, "B");
    assert!((s.polygons[2].area_m2 - 15.0).abs() < 1e-9);
    assert_eq!(s.reference_date, Some(d(2019, 3, 15)));
    assert_eq!(&*s.source, "SUP-F205-2025");
    assert!((s.tari_min_m2() - 74.4).abs() < 1e-9);
    assert!(records[1].record.polygons.is_empty());
    assert_eq!(records[1].record.category.to_string(), "C/6");
    assert_eq!(records[2].record.polygons[0].kind(), Some('A'));
    assert_eq!(
        summary(&diagnostics),
        vec![
            (4, Some("data_riferimento"), REJ),
            (5, Some("unit_key"), REJ),
            (6, Some("polygons"), REJ),
            (7, Some("categoria"), REJ),
            (8, Some("sup_totale_m2"), REJ),
            (9, None, REJ),
        ]
    );
    assert!(diagnostics[0].reason.contains("2021-04-31"));
    assert!(diagnostics[5].reason.contains("8 fields, the header has 9"));
}

#[test]
fn bom_crlf_added_columns_and_display_categories() {
    let reader = CadastralSurfaceReader::open(&fixture("cadastral_surface_bom_crlf.csv")).unwrap();
    let (records, diagnostics) = split(reader);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].record.category.to_string(), "A/2");
    assert_eq!(&*records[0].record.source, "S");
}

#[test]
fn header_lacking_a_required_column_is_one_diagnostic_and_no_rows() {
    let input = "comune;age_property_id;categoria;sup_totale_m2;sup_escl_aree_scoperte_m2;polygons;data_riferimento;source\n\
                 F205;1;A02;1;1;;2019-03-15;S\n";
    let (records, diagnostics) = split(CadastralSurfaceReader::new(
        input.as_bytes(),
        Path::new("s.csv"),
    ));
    assert!(records.is_empty());
    assert_eq!(summary(&diagnostics), vec![(1, Some("unit_key"), REJ)]);

    // An optional column may be absent: one warning, rows read.
    let input = "comune;age_property_id;unit_key;categoria;sup_totale_m2;sup_escl_aree_scoperte_m2;data_riferimento\n\
                 F205;1;F205//12/101/7;A02;1;1;2019-03-15\n";
    let (records, diagnostics) = split(CadastralSurfaceReader::new(
        input.as_bytes(),
        Path::new("s.csv"),
    ));
    assert_eq!(records.len(), 1);
    assert_eq!(summary(&diagnostics), vec![(1, Some("polygons"), WARN)]);

    // Columns in another order are found by name.
    let input = "unit_key;comune;data_riferimento;categoria;sup_escl_aree_scoperte_m2;sup_totale_m2;age_property_id\n\
                 F205//12/101/7;F205;2019-03-15;A/2;93;98;7\n";
    let (records, _) = split(CadastralSurfaceReader::new(
        input.as_bytes(),
        Path::new("s.csv"),
    ));
    assert_eq!(records[0].record.total_m2, 98);
    assert_eq!(records[0].record.age_property_id, 7);
}

#[test]
fn empty_missing_and_non_utf8_inputs() {
    let (records, diagnostics) = split(UtilitySupplyReader::new(&b""[..], Path::new("u.csv")));
    assert!(records.is_empty());
    assert_eq!(summary(&diagnostics), vec![(1, None, REJ)]);
    assert!(diagnostics[0].reason.contains("no header"));

    let missing = UtilitySupplyReader::open(&fixture("absent.csv"))
        .err()
        .unwrap();
    assert_eq!(missing.line, 0);
    assert!(missing.file.ends_with("absent.csv"));
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("tari.csv");
    std::fs::write(&empty, b"").unwrap();
    let err = TariReader::open(&empty).err().unwrap();
    assert!(err.reason.contains("empty"));

    let input = b"street_code;dug;duf;full_name;cadastral_toponimo;cadastral_street_code\n\
                  1;VIA;CITT\xC0;;;\n2;VIA;ROMA;;;\n";
    let (records, diagnostics) = split(StreetsReader::new(&input[..], Path::new("s.csv")));
    assert_eq!(records.len(), 1);
    assert_eq!(summary(&diagnostics), vec![(2, None, REJ)]);
    assert!(diagnostics[0].reason.contains("UTF-8"));
}

#[test]
fn utility_contracts() {
    let reader = UtilitySupplyReader::open(&fixture("utility_supply.csv")).unwrap();
    let (records, diagnostics) = split(reader);
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 9]);
    let e = &records[0].record;
    assert_eq!(e.utility, UtilityKind::Electricity);
    assert_eq!(e.use_type, UseType::HouseholdResident);
    assert_eq!(
        e.address_text.as_deref(),
        Some("VIA DEI MILLE 12 SC. B INT. 12")
    );
    assert!(e.address_key.is_none() && e.unit_key.is_none());
    assert!(e.is_active_on(d(2021, 3, 31)) && !e.is_active_on(d(2021, 4, 1)));
    assert_eq!(e.billed_consumption, Some(350.0));
    assert_eq!(e.billed_amount, Some(80.5));
    let g = &records[1].record;
    assert_eq!(g.holder.as_ref().unwrap().as_written(), "RSSMRA70E52F205X");
    assert!(!g.holder.as_ref().unwrap().is_valid());
    assert_eq!(g.address_key.as_ref().unwrap().to_string(), "F205/2040/7/A");
    assert_eq!(g.unit_key.as_ref().unwrap().to_string(), "F205//12/101/7");
    assert!(g.contract.last().is_none());
    let w = &records[2].record;
    assert!(w.holder.is_none() && w.billed_consumption.is_none());
    assert_eq!(
        summary(&diagnostics),
        vec![
            (3, Some("holder_cf"), WARN),
            (5, Some("utility"), REJ),
            (6, Some("contract_end"), REJ),
            (7, Some("unit_key"), REJ),
            (8, Some("billed_consumption"), REJ),
            (9, Some("address"), WARN),
        ]
    );
}

#[test]
fn residents_and_households() {
    let reader = ResidentsReader::open(&fixture("residents.csv")).unwrap();
    let mut sink: Vec<Diagnostic> = Vec::new();
    let households = households(reader, &mut sink);
    assert_eq!(
        summary(&sink),
        vec![
            (4, Some("citizenship"), WARN),
            (5, Some("person_cf"), WARN),
            (6, Some("relationship"), REJ),
            (7, Some("address_key"), REJ),
            (8, Some("to_date"), REJ),
            (9, Some("sex"), REJ),
        ]
    );
    assert_eq!(households.len(), 2);
    let h1 = &households[0];
    assert_eq!(&*h1.household_id, "H1");
    assert_eq!(h1.members.len(), 2);
    assert_eq!(h1.size_on(d(2020, 5, 31)), 2);
    assert_eq!(h1.size_on(d(2020, 6, 1)), 1, "to_date is exclusive");
    let head = &h1.members[0];
    assert_eq!(head.relationship(), Relationship::Head);
    assert_eq!(head.address.key.to_string(), "F205/2040/12/");
    assert_eq!(head.address.unit_link().map(|(_, i)| i), Some("12"));
    assert_eq!(
        head.unit_key.as_ref().unwrap().to_string(),
        "F205//12/101/7"
    );
    assert_eq!(head.birth_date(), Some(d(1970, 5, 12)));
    let h2 = &households[1];
    assert_eq!(h2.members[0].citizenship(), Some("ITA"));
    assert_eq!(h2.members[0].details().floor.as_deref(), Some("T"));
    assert!(!h2.members[1].person.is_valid());
}

#[test]
fn f24_payments() {
    let (records, diagnostics) = split(F24Reader::open(&fixture("f24_imu.csv")).unwrap());
    let ids: Vec<&str> = records
        .iter()
        .map(|r| r.record.payment_id.as_str())
        .collect();
    assert_eq!(ids, vec!["P-1", "P-2", "P-3", "P-4"]);
    let saldo = &records[1].record;
    assert_eq!(saldo.tax_year, 2024);
    assert_eq!(saldo.payment_date, d(2025, 1, 10));
    assert_eq!(saldo.instalment, Instalment::Saldo);
    assert!((saldo.amount_eur - 511.5).abs() < 1e-9);
    assert_eq!(records[2].record.payer.as_written(), "01234567890");
    assert_eq!(
        summary(&diagnostics),
        vec![
            (4, Some("payer_cf"), WARN),
            (5, Some("tax_code"), WARN),
            (6, Some("tax_year"), REJ),
            (7, Some("instalment"), REJ),
            (8, Some("tax_code"), REJ),
            (9, Some("amount"), REJ),
            (10, Some("payer_cf"), REJ),
        ]
    );
}

#[test]
fn street_register() {
    let (records, diagnostics) = split(StreetsReader::open(&fixture("streets.csv")).unwrap());
    assert_eq!(records.len(), 4);
    let s = &records[0].record;
    assert_eq!(
        (s.street_code, s.full_name.as_str()),
        (2040, "VIA DEI MILLE")
    );
    assert_eq!(s.cadastral_toponimo, Some(236));
    assert_eq!(s.cadastral_street_code.as_deref(), Some("01234"));
    assert_eq!(records[2].record.full_name, "PIAZZA SAN NICOLÒ");
    assert!(records[2].record.cadastral_toponimo.is_none());
    assert_eq!(records[3].record.full_name, "VIA ITALIA");
    assert_eq!(
        summary(&diagnostics),
        vec![
            (5, Some("full_name"), WARN),
            (5, Some("cadastral_street_code"), WARN),
            (6, Some("street_code"), REJ),
            (7, Some("duf"), REJ),
        ]
    );
}

#[test]
fn tari_premises() {
    let (records, diagnostics) = split(TariReader::open(&fixture("tari.csv")).unwrap());
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 10]);
    let p = &records[0].record;
    assert_eq!((&*p.account_id, p.premises_seq), ("T-1", 1));
    assert_eq!(p.unit_keys.len(), 2);
    assert_eq!(p.unit_keys[1].to_string(), "F205//12/101/9");
    assert_eq!(p.internal(), Some("12"));
    assert!(p.is_active_on(d(2023, 12, 31)) && !p.is_active_on(d(2024, 1, 1)));
    assert_eq!(p.occupants, Some(2));
    let cellar = &records[1].record;
    assert!(cellar.unit_keys.is_empty() && cellar.address_key.is_none());
    assert_eq!(cellar.address_text.as_deref(), Some("V. DEI MILLE 12"));
    assert_eq!(cellar.floor(), Some("S1"));
    let shop = &records[2].record;
    assert_eq!(shop.user_type, TariUserType::NonDomestic);
    assert_eq!(shop.tariff_class.as_deref(), Some("11"));
    assert_eq!(shop.reduction(), Some("R2"));
    assert_eq!(shop.unit_keys[0].to_string(), "F205//12/102/");
    assert_eq!(
        summary(&diagnostics),
        vec![
            (5, Some("unit_keys"), REJ),
            (6, Some("end_date"), REJ),
            (7, Some("user_type"), REJ),
            (8, Some("declared_m2"), REJ),
            (9, None, REJ),
            (10, Some("address"), WARN),
        ]
    );
    assert!(diagnostics[0].reason.contains("key 2"));
}
