//! Leases and transfer deeds (JSON Lines, other-supplies.md §3) and IMU declarations (MEF
//! fixed-length records, §5): composed examples and bad inputs with their line and field.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_ingest::supplies::{
    ImuOptions, ImuReader, LeasesReader, Located, RECORD_CHARS, TransferDeedsReader,
};
use segit_model::{
    DeedProperty, ImuCadastre, ImuCharacteristic, ImuReduction, LeaseType, PartyRole, ReliefMark,
    Sex,
};

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

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a calendar date")
}

const REJ: Severity = Severity::Rejected;
const WARN: Severity = Severity::Warning;

#[test]
fn leases() {
    let (records, diagnostics) = split(LeasesReader::open(&fixture("leases.jsonl")).unwrap());
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 2]);
    let lease = &records[0].record;
    assert_eq!(lease.contract_id, "TNL-3T-001234-2019");
    assert_eq!(lease.lease_type, LeaseType::Regulated);
    assert_eq!(lease.last_day(), d(2021, 6, 30));
    assert!(lease.is_in_force_on(d(2021, 6, 30)) && !lease.is_in_force_on(d(2021, 7, 1)));
    assert_eq!(lease.landlords[1].share.to_string(), "1/2");
    assert_eq!(lease.units[1].category, None);
    assert_eq!(lease.units[1].rent, None);
    // Census-form category accepted; added key ignored.
    assert_eq!(
        records[1].record.units[0].category.unwrap().to_string(),
        "A/2"
    );
    assert_eq!(
        summary(&diagnostics),
        vec![
            (2, Some("landlords[0].cf"), WARN),
            (4, Some("end_date"), REJ),
            (5, Some("lease_type"), REJ),
            (6, Some("units[1]"), REJ),
            (7, None, REJ),
            (8, Some("end_date"), REJ),
            (9, None, REJ),
        ]
    );
    assert!(
        diagnostics[3].reason.contains("unit key F205/12/101"),
        "{}",
        diagnostics[3].reason
    );
    assert!(diagnostics[6].reason.contains("not a JSON object"));
}

#[test]
fn transfer_deeds() {
    let reader = TransferDeedsReader::open(&fixture("transfer_deeds.jsonl")).unwrap();
    let (records, diagnostics) = split(reader);
    assert_eq!(records.len(), 1);
    let deed = &records[0].record;
    assert_eq!(deed.parties[1].role, PartyRole::Buyer);
    assert!(
        matches!(&deed.units[1], DeedProperty::Parcel { parcel_key, .. }
        if parcel_key.to_string() == "F205_001200.102")
    );
    assert_eq!(
        summary(&diagnostics),
        vec![
            (1, Some("parties[2].cf"), WARN),
            (2, Some("parties[0]"), REJ),
            (3, Some("parties[0]"), REJ),
        ]
    );
}

#[test]
fn imu_composed_file() {
    let (records, diagnostics) = split(ImuReader::open(&fixture("IMU_F205_2024.txt")).unwrap());
    assert_eq!(
        summary(&diagnostics),
        vec![(4, Some("field 2 (declarant code)"), WARN)]
    );
    assert_eq!(records.len(), 2);
    let person = &records[0];
    assert_eq!(person.line, 2);
    let decl = &person.record;
    assert_eq!(decl.declarant.as_written(), "RSSMRA70E52F205N");
    assert_eq!(
        (decl.ordinal, decl.declaration_year, decl.tax_period),
        (1, 2020, 2019)
    );
    assert_eq!(decl.belfiore.as_str(), "F205");
    assert_eq!(decl.surname_or_name, "ROSSI");
    assert_eq!(decl.given_name.as_deref(), Some("MARIA"));
    assert_eq!(decl.birth_date, Some(d(1970, 5, 12)));
    assert_eq!(decl.sex, Some(Sex::Female));
    assert_eq!(decl.positions.len(), 2);
    let home = &decl.positions[0];
    assert_eq!(home.characteristic, ImuCharacteristic::MainResidence);
    assert!(home.claims_main_residence());
    assert_eq!(home.address_text.as_deref(), Some("VIA DEI MILLE 12"));
    assert_eq!(home.cadastre, ImuCadastre::Urban);
    assert_eq!(
        home.property.as_ref().unwrap().to_string(),
        "F205//12/101/7"
    );
    assert_eq!(home.category.unwrap().to_string(), "A/2");
    assert_eq!(home.class.as_deref(), Some("03"));
    assert_eq!(home.taxable_base_eur, 173_529);
    assert!((home.possession_percent - 50.0).abs() < 1e-9);
    assert!(home.acquisition && !home.transfer);
    assert_eq!(home.change_date, Some(d(2019, 3, 15)));
    assert_eq!(home.relief, None);
    let garage = &decl.positions[1];
    assert_eq!(garage.property_progressive, 2);
    assert_eq!(garage.characteristic, ImuCharacteristic::Appurtenance);
    assert_eq!(
        garage.property.as_ref().unwrap().to_string(),
        "F205//12/101/9"
    );

    let entity = &records[1].record;
    assert_eq!(entity.ordinal, 2);
    assert!(!entity.declarant.is_valid());
    assert!(entity.given_name.is_none() && entity.birth_date.is_none() && entity.sex.is_none());
    assert_eq!(entity.positions.len(), 1, "a blank block 2 is no property");
    let land = &entity.positions[0];
    assert_eq!(land.cadastre, ImuCadastre::Land);
    assert_eq!(land.property.as_ref().unwrap().to_string(), "F205//12/102/");
    assert_eq!(land.land_quality.as_deref(), Some("SEMINATIVO"));
    assert!(land.category.is_none());
    assert_eq!(land.relief, Some(ReliefMark::End));
    assert!((land.possession_percent - 100.0).abs() < 1e-9);
}

/// Builds one record: 1 897 characters (spaces where nothing is written) + `A`.
fn record(fields: &[(usize, &str)]) -> String {
    let mut r = vec![' '; 1897];
    for (pos, text) in fields {
        for (i, c) in text.chars().enumerate() {
            r[pos - 1 + i] = c;
        }
    }
    let mut s: String = r.into_iter().collect();
    s.push('A');
    s
}

fn b(cf: &str) -> String {
    record(&[
        (1, "B"),
        (2, cf),
        (90, "2024"),
        (94, "2023"),
        (98, "F205"),
        (230, "ROSSI"),
        (254, "MARIA"),
    ])
}

fn block(off: usize, sub: &str, cat: &str, red: &str) -> Vec<(usize, String)> {
    [
        (90, "0001"),
        (94, "0001"),
        (99, "003"),
        (202, "U"),
        (203, "F205"),
        (211, "0012"),
        (215, "101"),
        (225, sub),
        (229, cat),
        (288, "000000000001000"),
        (303, "100"),
        (306, "00"),
        (318, red),
    ]
    .into_iter()
    .map(|(p, t)| (p + off, t.to_owned()))
    .collect()
}

fn dr(cf: &str, progressive: &str, blocks: &[Vec<(usize, String)>]) -> String {
    let mut fields: Vec<(usize, String)> =
        vec![(1, "D".into()), (2, cf.into()), (18, progressive.into())];
    for b in blocks {
        fields.extend(b.iter().cloned());
    }
    let borrowed: Vec<(usize, &str)> = fields.iter().map(|(p, t)| (*p, t.as_str())).collect();
    record(&borrowed)
}

#[test]
fn imu_bad_records() {
    const CF: &str = "RSSMRA70E52F205N";
    let lines = [
        record(&[(1, "0"), (32, "F205")]),                   // 1 header
        dr(CF, "00000001", &[block(0, "0007", "A/2", "0")]), // 2 D before any B
        b(CF),                                               // 3 B #1
        dr(
            CF,
            "00000001",
            &[block(0, "0007", "A/2", "3"), block(499, "0008", "A/9", "9")],
        ), // 4
        dr(CF, "00000002", &[block(0, "0007", "A/2", "0")]), // 5 wrong progressive
        dr(
            "BNCLCU85C15C351H",
            "00000001",
            &[block(0, "0007", "A/2", "0")],
        ), // 6 other declarant
        "D too short".to_owned(),                            // 7
        format!("{}X", &record(&[(1, "D")])[..RECORD_CHARS - 1]), // 8 not ending in A
        record(&[(1, "C"), (2, CF)]),                        // 9 skipped
        record(&[(1, "Q")]),                                 // 10 unknown type
        dr(CF, "00000001", &[block(0, "00x7", "A/2", "0")]), // 11 bad subalterno
        dr(CF, "00000001", &[block(0, "0007", "Z/1", "0")]), // 12 unknown category kept
        record(&[(1, "9"), (2, "000000099")]),               // 13 trailer with a wrong count
    ];
    let mut input = lines.join("\n");
    input.push('\n');
    let (records, diagnostics) = split(ImuReader::new(input.as_bytes(), Path::new("imu.txt")));
    assert_eq!(
        summary(&diagnostics),
        vec![
            (2, Some("field 3 (module progressive)"), REJ),
            (4, Some("block 2 field 26 (reduction)"), REJ),
            (5, Some("field 3 (module progressive)"), REJ),
            (6, Some("field 2 (declarant code)"), REJ),
            (7, None, REJ),
            (8, None, REJ),
            (10, Some("field 1 (record type)"), REJ),
            (11, Some("block 1 field 16 (subalterno)"), REJ),
            (12, Some("block 1 field 17 (category)"), WARN),
            (13, Some("field 2 (record count)"), WARN),
        ]
    );
    assert_eq!(records.len(), 1);
    let positions = &records[0].record.positions;
    assert_eq!(
        positions.len(),
        2,
        "block 1 of line 4 and the block of line 12"
    );
    assert_eq!(positions[0].reduction, ImuReduction::FreeLoan);
    assert!(positions[1].category.is_none());

    // A cap on properties per declaration.
    let input = [
        b(CF),
        dr(
            CF,
            "00000001",
            &[block(0, "0007", "A/2", "0"), block(499, "0008", "A/2", "0")],
        ),
    ]
    .join("\r\n");
    let reader = ImuReader::with_options(
        input.as_bytes(),
        Path::new("imu.txt"),
        ImuOptions { max_positions: 1 },
    );
    let (records, diagnostics) = split(reader);
    assert_eq!(records[0].record.positions.len(), 1);
    assert_eq!(summary(&diagnostics), vec![(2, Some("block 2"), REJ)]);
}

#[test]
fn imu_rejected_declaration_rejects_its_properties() {
    const CF: &str = "RSSMRA70E52F205N";
    let mut bad_b = b(CF);
    bad_b.replace_range(93..97, "20x3");
    let input = [
        bad_b,
        dr(CF, "00000001", &[block(0, "0007", "A/2", "0")]),
        b(CF),
        dr(CF, "00000002", &[block(0, "0009", "A/2", "0")]),
    ]
    .join("\n");
    let (records, diagnostics) = split(ImuReader::new(input.as_bytes(), Path::new("imu.txt")));
    assert_eq!(
        summary(&diagnostics),
        vec![
            (1, Some("field 7 (tax period)"), REJ),
            (2, Some("field 3 (module progressive)"), REJ),
        ]
    );
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].record.ordinal, 2);
    assert_eq!(
        records[0].record.positions[0]
            .property
            .as_ref()
            .unwrap()
            .to_string(),
        "F205//12/101/9"
    );
}
