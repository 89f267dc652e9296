//! `.TER` reader: the composed example of censuario.md §11, deductions, reserves, portions
//! (groups of 6 and of 8), and the bad-input cases of §2.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_ingest::censuario::{CensusOptions, CensusParcel, PortionLayout, TerReader};
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_model::{LandQuality, PropertyKind, TerSpecialAccount};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/censuario")
        .join(name)
}

fn read_with(input: &str, options: &CensusOptions) -> (Vec<CensusParcel>, Vec<Diagnostic>) {
    let mut records = Vec::new();
    let mut diags = Vec::new();
    for item in TerReader::with_options(input.as_bytes(), Path::new("T.TER"), options.clone()) {
        match item {
            Item::Record(r) => records.push(r),
            Item::Diagnostic(d) => diags.push(d),
        }
    }
    (records, diags)
}

fn read(input: &str) -> (Vec<CensusParcel>, Vec<Diagnostic>) {
    read_with(input, &CensusOptions::default())
}

/// Parcel 102 of the composed example with property id `id`, progressive `prog`.
fn type1(id: u64, prog: u32) -> String {
    format!(
        "F205||{id}|T|{prog}|1|0012|00102||||1|2|0|4|0|0|0|0|800|400|0,41|0,21|01010001|16011979|I||000||||||||0004567||694034||||||"
    )
}

fn rejected_at(diags: &[Diagnostic], line: u64) -> &Diagnostic {
    diags
        .iter()
        .find(|d| d.line == line && d.severity == Severity::Rejected)
        .unwrap_or_else(|| panic!("no rejection at line {line}: {diags:#?}"))
}

#[test]
fn composed_example_decodes_as_the_reference_says() {
    let items: Vec<_> = TerReader::open(&fixture("F2050001.TER")).unwrap().collect();
    let parcels: Vec<CensusParcel> = items.into_iter().map(|i| i.record().unwrap()).collect();
    assert_eq!(parcels.len(), 2);
    let urban = &parcels[0].parcel;
    assert_eq!(urban.property.id, 2_000_002);
    assert_eq!(urban.property.kind, PropertyKind::Land);
    let s = urban.current_state().unwrap();
    assert_eq!(s.foglio.get(), 12);
    assert_eq!(s.particella.as_str(), "101");
    assert_eq!(s.quality, Some(LandQuality::ENTE_URBANO));
    assert_eq!(s.area_m2, 4600);
    assert_eq!(s.special_account(), Some(TerSpecialAccount::UrbanSite));
    assert!(!s.is_agricultural());
    assert_eq!(s.validity.from(), NaiveDate::from_ymd_opt(1, 1, 1).unwrap());
    assert_eq!(
        s.generating_deed.registration_date,
        NaiveDate::from_ymd_opt(1979, 1, 16)
    );
    assert_eq!(s.generating_deed.note().note_type.as_deref(), Some("I"));
    assert_eq!(
        s.generating_deed.note().note_progressive.as_deref(),
        Some("000")
    );
    assert_eq!(s.initial_mutation_id, Some(694_033));
    assert_eq!(
        urban.parcel_key(s, None, None).unwrap().to_string(),
        "F205_001200.101"
    );
    let arable = &parcels[1].parcel.states[0];
    assert_eq!(arable.quality, Some(LandQuality::SEMINATIVO));
    assert_eq!(arable.class.as_deref(), Some("2"));
    assert_eq!(arable.area_m2, 400);
    assert_eq!(arable.dominicale_eur, Some(0.41));
    assert_eq!(arable.agrario_eur, Some(0.21));
    assert!(arable.is_agricultural());
    assert_eq!(parcels[1].sources[0].record.line, 2);
}

#[test]
fn deductions_reserves_and_portions_attach_to_their_state() {
    let input = [
        "F205||5|T|1|4|AA|1|2|0|3|0|AB|8|1|0|1|50|".to_owned(),
        "F205||5|T|1|2|A1|B2|".to_owned(),
        type1(5, 1),
        "F205||5|T|1|3|1|0000099|".to_owned(),
    ]
    .join("\n");
    let (parcels, diags) = read(&input);
    assert!(diags.is_empty(), "{diags:#?}");
    let s = &parcels[0].parcel.states[0];
    assert_eq!(s.deductions, vec!["A1".to_owned(), "B2".to_owned()]);
    assert_eq!(s.reserves[0].code, "1");
    assert_eq!(s.portions.len(), 2);
    assert_eq!(s.portions[0].id, "AA");
    assert_eq!(s.portions[0].area_m2, 300);
    assert_eq!(s.portions[1].quality, Some(LandQuality(8)));
    assert_eq!(s.portions[1].area_m2, 150);
    assert_eq!(s.portions[1].dominicale_eur, None);
    let lines: Vec<u64> = parcels[0].sources[0]
        .details
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(lines, vec![1, 2, 4]);
}

#[test]
fn interchange_portions_of_eight_values_are_detected() {
    let input = [
        type1(5, 1),
        // 16 values: only groups of 8 fit
        "F205||5|T|1|4|AA|1|2|0|3|0|1,50|0,75|AB|8|1|0|1|50|0,10|0,05|".to_owned(),
        // 24 values fit 6 and 8; ids sit where groups of 8 start
        "F205||5|T|1|4|AC|1|2|0|3|0|1,50|0,75|AD|8|1|0|1|50|0,10|0,05|AE|1|1|0|0|10|0|0|"
            .to_owned(),
    ]
    .join("\n");
    let (parcels, diags) = read(&input);
    assert!(diags.is_empty(), "{diags:#?}");
    let p = &parcels[0].parcel.states[0].portions;
    let ids: Vec<&str> = p.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, vec!["AA", "AB", "AC", "AD", "AE"]);
    assert_eq!(p[0].dominicale_eur, Some(1.5));
    assert_eq!(p[1].agrario_eur, Some(0.05));

    // forced standard layout: 16 values are not a multiple of 6
    let opts = CensusOptions {
        portion_layout: PortionLayout::Standard,
        ..CensusOptions::default()
    };
    let (_, diags) = read_with(&input, &opts);
    assert!(rejected_at(&diags, 2).reason.contains("group size 6"));
}

#[test]
fn bad_records_are_rejected_with_line_and_field() {
    let short: String = type1(6, 1)
        .split('|')
        .take(38)
        .collect::<Vec<_>>()
        .join("|")
        + "|";
    let bad_foglio = type1(7, 1).replacen("|0012|", "|00A2|", 1);
    let bad_date = type1(8, 1).replacen("01010001", "31042018", 1);
    let bad_area = type1(9, 1).replacen("|0|4|0|0|", "|0|4x|0|0|", 1);
    let input = [
        short,
        "F205||6|T|1|2|A1|".to_owned(),
        bad_foglio,
        bad_date,
        bad_area,
        "F205||10|F|1|1|".to_owned(),
        type1(11, 1),
        "F205||11|T|1|4|AA|1|2|0|3|".to_owned(),
    ]
    .join("\n");
    let (parcels, diags) = read(&input);
    assert_eq!(parcels.len(), 1);
    assert_eq!(parcels[0].parcel.property.id, 11);
    assert!(
        rejected_at(&diags, 1)
            .reason
            .contains("38 values, at least 39")
    );
    assert!(rejected_at(&diags, 2).reason.contains("rejected at line 1"));
    assert_eq!(rejected_at(&diags, 3).field.as_deref(), Some("foglio"));
    assert_eq!(
        rejected_at(&diags, 4).field.as_deref(),
        Some("data di efficacia (atto generante)")
    );
    assert_eq!(rejected_at(&diags, 5).field.as_deref(), Some("are"));
    assert_eq!(
        rejected_at(&diags, 6).field.as_deref(),
        Some("tipo immobile")
    );
    assert!(rejected_at(&diags, 8).reason.contains("not a multiple"));
}

#[test]
fn closing_before_opening_is_rejected() {
    let rec = type1(5, 1).replacen(
        "01010001|16011979|I||000||||||||",
        "01012000|16011979|I||000||01011999||||||",
        1,
    );
    let (parcels, diags) = read(&rec);
    assert!(parcels.is_empty());
    assert_eq!(
        rejected_at(&diags, 1).field.as_deref(),
        Some("data di efficacia (atto conclusivo)")
    );
}
