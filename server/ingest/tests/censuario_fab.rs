//! `.FAB` reader: the composed example of censuario.md §11, history, record order, and every
//! bad-input case of §2 with the diagnostic's line and field.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_ingest::censuario::{CensusOptions, CensusUnit, FabReader, UnknownCategory};
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_model::{Category, FabSpecialAccount, PropertyKind, UnitKey};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/censuario")
        .join(name)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn read(input: &str) -> (Vec<CensusUnit>, Vec<Diagnostic>) {
    read_with(input, &CensusOptions::default())
}

fn read_with(input: &str, options: &CensusOptions) -> (Vec<CensusUnit>, Vec<Diagnostic>) {
    split(FabReader::with_options(
        input.as_bytes(),
        Path::new("T.FAB"),
        options.clone(),
    ))
}

fn split<T>(items: impl Iterator<Item = Item<T>>) -> (Vec<T>, Vec<Diagnostic>) {
    let mut records = Vec::new();
    let mut diags = Vec::new();
    for item in items {
        match item {
            Item::Record(r) => records.push(r),
            Item::Diagnostic(d) => diags.push(d),
        }
    }
    (records, diags)
}

/// A type-1 record of 45 values: unit `id`, progressive `prog`, category A02, valid from
/// `from`; `set` overrides values by 1-based position.
fn type1(id: u64, prog: u32, from: &str, set: &[(usize, &str)]) -> String {
    let mut v: Vec<String> = vec![String::new(); 45];
    let base = [
        (1, "F205"),
        (4, "F"),
        (6, "1"),
        (7, "001"),
        (8, "A02"),
        (9, "03"),
        (10, "5,5"),
        (11, "98"),
        (13, "1032,91"),
        (23, from),
        (24, from),
        (25, "V"),
    ];
    for (p, s) in base {
        s.clone_into(&mut v[p - 1]);
    }
    v[2] = id.to_string();
    v[4] = prog.to_string();
    for &(p, s) in set {
        s.clone_into(&mut v[p - 1]);
    }
    format!("{}|", v.join("|"))
}

fn detail(id: u64, prog: u32, record_type: u8, values: &[&str]) -> String {
    format!("F205||{id}|F|{prog}|{record_type}|{}|", values.join("|"))
}

fn rejected_at(diags: &[Diagnostic], line: u64) -> &Diagnostic {
    diags
        .iter()
        .find(|d| d.line == line && d.severity == Severity::Rejected)
        .unwrap_or_else(|| panic!("no rejection at line {line}: {diags:#?}"))
}

#[test]
fn composed_example_decodes_as_the_reference_says() {
    let path = fixture("F2050001.FAB");
    let (units, diags) = split(FabReader::open(&path).unwrap());
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(units.len(), 1);
    let CensusUnit { unit, sources } = &units[0];
    assert_eq!(unit.property.belfiore.as_str(), "F205");
    assert_eq!(unit.property.section, None);
    assert_eq!(unit.property.id, 1_000_001);
    assert_eq!(unit.property.kind, PropertyKind::Building);
    assert_eq!(unit.states.len(), 1);
    let s = &unit.states[0];
    assert_eq!(s.progressive, 1);
    assert_eq!(s.identifiers.canonical().to_string(), "F205//12/101/7");
    assert!(!s.identifiers.is_stapled());
    assert_eq!(s.census_zone.as_deref(), Some("001"));
    assert_eq!(s.category, Some(Category::parse("A/2").unwrap()));
    assert_eq!(s.class(), Some("03"));
    assert_eq!(s.consistency(), Some(5.5));
    assert_eq!(s.surface_m2, Some(98));
    assert_eq!(s.rent_eur, Some(1032.91));
    assert_eq!(s.staircase(), Some("B"));
    assert_eq!(s.internal.as_deref(), Some("12"));
    assert_eq!(s.floors(), ["3".to_owned()]);
    assert_eq!(s.validity.from(), d(2019, 3, 15));
    assert!(s.validity.is_current());
    assert!(s.closing_deed.is_none());
    let g = s.generating_deed();
    assert_eq!(g.efficacy_date, Some(d(2019, 3, 15)));
    assert_eq!(g.registration_date, Some(d(2019, 3, 20)));
    assert_eq!(g.note().note_type.as_deref(), Some("V"));
    assert_eq!(g.note().note_number.as_deref(), Some("045123"));
    assert_eq!(g.note().note_progressive.as_deref(), Some("001"));
    assert_eq!(g.note().note_year, Some(2019));
    assert_eq!(g.note().cause_code.as_deref(), Some("VAR"));
    assert_eq!(g.cause_description.as_deref(), Some("VARIAZIONE"));
    assert_eq!(s.partita, None);
    assert_eq!(s.special_account(), None);
    assert_eq!(s.details().initial_mutation_id, Some(2_345_678));
    assert_eq!(s.details().classing_flag.as_deref(), Some("4"));
    let a = s.current_address().unwrap();
    assert_eq!(a.toponimo, Some(236));
    assert_eq!(&*a.street_name, "DEI MILLE");
    assert_eq!(a.street_code.as_deref(), Some("05432"));
    assert_eq!(a.house_number(), Some((12, None)));
    assert_eq!(
        s.details().common_parts,
        vec![UnitKey::parse("F205//12/101/1").unwrap()]
    );
    assert!(s.details().reserves.is_empty());
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].progressive, 1);
    assert_eq!(sources[0].record.line, 1);
    let lines: Vec<u64> = sources[0].details.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 4]);
    assert_eq!(sources[0].record.to_string(), "F2050001.FAB:1");
}

#[test]
fn lf_and_crlf_read_identically() {
    let bytes = std::fs::read(fixture("F2050001.FAB")).unwrap();
    let lf: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'\r').collect();
    let a: Vec<_> = FabReader::new(&bytes[..], Path::new("x")).collect();
    let b: Vec<_> = FabReader::new(&lf[..], Path::new("x")).collect();
    assert_eq!(a, b);
    assert_eq!(a.len(), 1);
}

#[test]
fn every_state_is_kept_in_any_record_order() {
    let input = [
        detail(7, 2, 2, &["", "0012", "00101", "", "0008", ""]),
        type1(
            7,
            1,
            "01010001",
            &[(29, "10052020"), (30, "12052020"), (8, "C02"), (38, "55")],
        ),
        type1(9, 1, "01012001", &[(8, "C06")]),
        detail(7, 1, 2, &["", "0012", "00101", "", "0007", ""]),
        type1(7, 2, "10052020", &[(37, "55")]),
        detail(9, 1, 2, &["", "12", "101", "", "9", ""]),
        detail(7, 2, 3, &["236", "DEI MILLE", "000012", "B", "", "05432"]),
    ]
    .join("\r\n");
    let (units, diags) = read(&input);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(units.len(), 2);
    assert_eq!(units[0].unit.property.id, 7, "order of first appearance");
    let unit = &units[0].unit;
    let progs: Vec<u32> = unit.states.iter().map(|s| s.progressive).collect();
    assert_eq!(progs, vec![1, 2]);
    let (old, new) = (&unit.states[0], &unit.states[1]);
    assert_eq!(old.identifiers.canonical().to_string(), "F205//12/101/7");
    assert_eq!(new.identifiers.canonical().to_string(), "F205//12/101/8");
    assert_eq!(old.validity.to(), Some(d(2020, 5, 10)));
    assert_eq!(
        old.closing_deed.as_ref().unwrap().registration_date,
        Some(d(2020, 5, 12))
    );
    assert!(new.validity.is_current());
    assert_eq!(unit.state_at(d(2020, 5, 9)).unwrap().progressive, 1);
    assert_eq!(unit.state_at(d(2020, 5, 10)).unwrap().progressive, 2);
    assert_eq!(
        new.current_address().unwrap().house_number(),
        Some((12, Some("B".into())))
    );
    let src = &units[0].sources;
    assert_eq!((src[0].record.line, src[1].record.line), (2, 5));
    let d1: Vec<u64> = src[0].details.iter().map(|r| r.line).collect();
    let d2: Vec<u64> = src[1].details.iter().map(|r| r.line).collect();
    assert_eq!((d1, d2), (vec![4], vec![1, 7]));
    assert_eq!(
        units[1].unit.states[0].identifiers.canonical().to_string(),
        "F205//12/101/9"
    );
}

#[test]
fn short_type1_is_rejected_and_its_details_dropped() {
    let mut short = type1(7, 1, "15032019", &[]);
    // 39 values: drop the last six values and the final pipe, then close again.
    short = short.split('|').take(39).collect::<Vec<_>>().join("|") + "|";
    let input = [
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
        short,
        detail(7, 1, 3, &["236", "DEI MILLE", "000012", "", "", ""]),
        type1(8, 1, "15032019", &[]),
        detail(8, 1, 2, &["", "12", "101", "", "8", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].unit.property.id, 8);
    let r = rejected_at(&diags, 2);
    assert!(r.reason.contains("39 values, at least 40"), "{r}");
    for line in [1, 3] {
        assert!(
            rejected_at(&diags, line)
                .reason
                .contains("rejected at line 2")
        );
    }
    assert_eq!(diags.len(), 3, "{diags:#?}");
}

#[test]
fn impossible_date_rejects_the_record_naming_the_field() {
    let input = [
        type1(7, 1, "31042018", &[]),
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
        type1(8, 1, "15032019", &[(40, "30022019")]),
        detail(8, 1, 2, &["", "12", "101", "", "8", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert!(units.is_empty());
    let r = rejected_at(&diags, 1);
    assert_eq!(
        r.field.as_deref(),
        Some("data di efficacia (atto generante)")
    );
    assert!(r.reason.contains("31042018"));
    assert_eq!(
        rejected_at(&diags, 3).field.as_deref(),
        Some("data notifica")
    );
    assert!(rejected_at(&diags, 2).reason.contains("rejected at line 1"));
    assert!(rejected_at(&diags, 4).reason.contains("rejected at line 3"));
}

#[test]
fn group_counts_must_be_multiples_of_the_group_size() {
    let input = [
        type1(7, 1, "15032019", &[]),
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
        detail(7, 1, 3, &["236", "DEI MILLE", "000012", "", ""]),
        detail(7, 1, 4, &["", "12", "101", "", "1", "", "12"]),
        detail(7, 1, 5, &["1"]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert_eq!(units.len(), 1);
    for (line, size) in [(3, 6), (4, 5), (5, 2)] {
        let r = rejected_at(&diags, line);
        assert!(r.reason.contains(&format!("group size {size}")), "{r}");
    }
    let s = &units[0].unit.states[0];
    assert!(
        s.addresses.is_empty()
            && s.details().common_parts.is_empty()
            && s.details().reserves.is_empty()
    );
}

#[test]
fn extra_trailing_values_are_accepted_with_one_warning() {
    let mut a = type1(7, 1, "15032019", &[]);
    a.push_str("X|Y|");
    let mut b = type1(8, 1, "15032019", &[]);
    b.push_str("Z|");
    let input = [
        a,
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
        b,
        detail(8, 1, 2, &["", "12", "101", "", "8", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert_eq!(units.len(), 2);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].severity, Severity::Warning);
    assert_eq!(diags[0].line, 1);
    assert!(diags[0].reason.contains("47 values"));
}

#[test]
fn pre_2007_records_with_40_values_are_read() {
    let short = type1(7, 1, "15032019", &[])
        .split('|')
        .take(40)
        .collect::<Vec<_>>()
        .join("|")
        + "|";
    let input = [short, detail(7, 1, 2, &["", "12", "101", "", "7", ""])].join("\n");
    let (units, diags) = read(&input);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(
        units[0].unit.states[0].generating_deed().note().cause_code,
        None
    );
}

#[test]
fn unknown_category_is_kept_with_a_warning_or_rejected_by_option() {
    let input = [
        type1(7, 1, "15032019", &[(8, "X01")]),
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert_eq!(units[0].unit.states[0].category, None);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
    assert_eq!(
        (diags[0].line, diags[0].field.as_deref()),
        (1, Some("categoria"))
    );
    assert!(diags[0].reason.contains("X01"));

    let strict = CensusOptions {
        unknown_category: UnknownCategory::Reject,
        ..CensusOptions::default()
    };
    let (units, diags) = read_with(&input, &strict);
    assert!(units.is_empty());
    assert_eq!(rejected_at(&diags, 1).field.as_deref(), Some("categoria"));
    assert!(rejected_at(&diags, 2).reason.contains("rejected at line 1"));
}

#[test]
fn stapled_units_swapped_subalterni_and_bad_groups() {
    let input = [
        type1(7, 1, "15032019", &[(35, "A")]),
        // two groups: stapled; the second has subalterno and edificialità swapped
        detail(
            7,
            1,
            2,
            &[
                "", "12", "101", "", "7", "", "", "12", "102", "", "", "0003",
            ],
        ),
        // a group with foglio 0 is dropped, the rest of the record kept
        detail(7, 1, 2, &["", "0", "103", "", "1", ""]),
        detail(7, 1, 5, &["1", "0001234", "", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    let s = &units[0].unit.states[0];
    assert!(s.identifiers.is_stapled());
    assert_eq!(
        s.identifiers.aliases(),
        &[UnitKey::parse("F205//12/102/3").unwrap()]
    );
    assert_eq!(
        s.special_account(),
        Some(FabSpecialAccount::NonTaxableCommonParts)
    );
    assert_eq!(s.details().reserves.len(), 1);
    assert_eq!(s.details().reserves[0].partita.as_deref(), Some("0001234"));
    let repaired = diags
        .iter()
        .find(|d| d.severity == Severity::Repaired)
        .unwrap();
    assert_eq!(
        (repaired.line, repaired.field.as_deref()),
        (2, Some("subalterno (gruppo 2)"))
    );
    let dropped = rejected_at(&diags, 3);
    assert_eq!(dropped.field.as_deref(), Some("foglio (gruppo 1)"));
}

#[test]
fn states_without_identifiers_orphans_and_duplicates() {
    let input = [
        type1(7, 1, "15032019", &[]),
        detail(9, 1, 2, &["", "12", "101", "", "9", ""]),
        type1(8, 1, "15032019", &[]),
        detail(8, 1, 2, &["", "12", "101", "", "8", ""]),
        type1(8, 1, "15032019", &[]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].unit.property.id, 8);
    assert_eq!(
        rejected_at(&diags, 1).field.as_deref(),
        Some("tipo record 2")
    );
    assert!(rejected_at(&diags, 2).reason.contains("no type-1 record"));
    assert!(rejected_at(&diags, 5).reason.contains("duplicate"));
}

#[test]
fn malformed_keys_and_truncated_lines() {
    let input = [
        "F205||7|F|1",
        "F205||7|T|1|1|",
        "F2X5||7|F|1|1|",
        "F205||abc|F|1|1|",
        "F205||7|F|1|9|1|",
        "",
        "   ",
        "\u{1a}",
    ]
    .join("\r\n");
    let (units, diags) = read(&input);
    assert!(units.is_empty());
    assert_eq!(diags.len(), 5, "{diags:#?}");
    assert!(rejected_at(&diags, 1).reason.contains("common key"));
    assert_eq!(
        rejected_at(&diags, 2).field.as_deref(),
        Some("tipo immobile")
    );
    assert_eq!(
        rejected_at(&diags, 3).field.as_deref(),
        Some("codice amministrativo")
    );
    assert_eq!(
        rejected_at(&diags, 4).field.as_deref(),
        Some("identificativo immobile")
    );
    assert_eq!(rejected_at(&diags, 5).field.as_deref(), Some("tipo record"));
}

#[test]
fn latin1_text_and_missing_final_pipe() {
    let t1 = type1(7, 1, "15032019", &[(36, "CITT@ VECCHIA"), (45, "4")]);
    // Latin-1 `À` for `@`, and no final pipe
    let mut input: Vec<u8> = t1
        .strip_suffix('|')
        .unwrap()
        .bytes()
        .map(|b| if b == b'@' { 0xC0 } else { b })
        .collect();
    input.extend_from_slice(b"\r\nF205||7|F|1|3|236|PIAZZA S. NICOL\xd2|000001|||00001|\r\n");
    input.extend_from_slice(b"F205||7|F|1|2||12|101||7||\r\n");
    let (units, diags) = split(FabReader::new(&input[..], Path::new("L.FAB")));
    let s = &units[0].unit.states[0];
    assert_eq!(s.details().notes.as_deref(), Some("CITTÀ VECCHIA"));
    assert_eq!(&*s.addresses[0].street_name, "PIAZZA S. NICOLÒ");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
    assert_eq!(diags[0].line, 1);
}

#[test]
fn utf8_file_with_byte_order_mark() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(&std::fs::read(fixture("F2050001.FAB")).unwrap());
    let (units, diags) = split(FabReader::new(&input[..], Path::new("B.FAB")));
    assert_eq!(units.len(), 1);
    assert_eq!(
        units[0].unit.states[0].identifiers.canonical().to_string(),
        "F205//12/101/7"
    );
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn superseded_open_states_are_closed_only_by_option() {
    let input = [
        type1(7, 1, "01012000", &[]),
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
        type1(7, 2, "10052020", &[(37, "99")]),
        detail(7, 2, 2, &["", "12", "101", "", "7", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    assert!(units[0].unit.states[0].validity.is_current());
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].severity, diags[0].line), (Severity::Warning, 1));
    assert!(diags[0].reason.contains("kept as written"));
    let opts = CensusOptions {
        close_superseded: true,
        ..CensusOptions::default()
    };
    let (units, diags) = read_with(&input, &opts);
    let old = &units[0].unit.states[0];
    assert_eq!(old.validity.to(), Some(d(2020, 5, 10)));
    assert_eq!(old.details().final_mutation_id, Some(99));
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].severity, diags[0].line), (Severity::Repaired, 1));
}

#[test]
fn unparsable_optional_values_are_dropped_with_a_repair() {
    let input = [
        type1(7, 1, "", &[(10, "5,5,5"), (24, "")]),
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
    ]
    .join("\n");
    let (units, diags) = read(&input);
    let s = &units[0].unit.states[0];
    assert_eq!(s.consistency(), None);
    assert_eq!(s.validity.from(), NaiveDate::from_ymd_opt(1, 1, 1).unwrap());
    let fields: Vec<_> = diags
        .iter()
        .map(|d| (d.line, d.severity, d.field.clone()))
        .collect();
    assert!(fields.contains(&(1, Severity::Repaired, Some("consistenza".into()))));
    assert!(fields.contains(&(
        1,
        Severity::Repaired,
        Some("data di efficacia (atto generante)".into())
    )));
}

#[test]
fn states_beyond_the_cap_are_rejected() {
    let input = [
        type1(7, 1, "15032019", &[]),
        detail(7, 1, 2, &["", "12", "101", "", "7", ""]),
        type1(8, 1, "15032019", &[]),
    ]
    .join("\n");
    let opts = CensusOptions {
        max_states: 1,
        ..CensusOptions::default()
    };
    let (units, diags) = read_with(&input, &opts);
    assert_eq!(units.len(), 1);
    assert!(rejected_at(&diags, 3).reason.contains("more than 1 states"));
}

#[test]
fn missing_and_empty_files_are_diagnostics_naming_the_file() {
    let missing = Path::new("/nonexistent/X.FAB");
    let Err(d) = FabReader::open(missing) else {
        panic!("missing file opened")
    };
    assert_eq!((d.file.as_path(), d.line), (missing, 0));
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("E.FAB");
    std::fs::write(&empty, b"").unwrap();
    let Err(d) = FabReader::open(&empty) else {
        panic!("empty file opened")
    };
    assert_eq!(d.file, empty);
    assert!(d.reason.contains("empty"));
}
