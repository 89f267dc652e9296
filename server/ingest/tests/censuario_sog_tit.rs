//! `.SOG` and `.TIT` readers: the composed example of censuario.md §11, codici fiscali kept as
//! written (warning with file, line and field), value counts, dates, shares, duplicates.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_ingest::censuario::{CensusHolding, CensusSubject, SogReader, TitReader};
use segit_ingest::diag::{Diagnostic, Item, Severity};
use segit_model::{PropertyKind, Sex, Share, SubjectKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/censuario")
        .join(name)
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

fn sog(input: &str) -> (Vec<CensusSubject>, Vec<Diagnostic>) {
    split(SogReader::new(input.as_bytes(), Path::new("T.SOG")))
}

fn tit(input: &str) -> (Vec<CensusHolding>, Vec<Diagnostic>) {
    split(TitReader::new(input.as_bytes(), Path::new("T.TIT")))
}

fn at(diags: &[Diagnostic], line: u64, severity: Severity) -> &Diagnostic {
    diags
        .iter()
        .find(|d| d.line == line && d.severity == severity)
        .unwrap_or_else(|| panic!("no {severity} at line {line}: {diags:#?}"))
}

const HOLDING: &str = "F205||3000001|P|1000001|F|10||1|2|||15032019|V|045123|001|2019|20032019||||||||||7654321|VAR|VARIAZIONE|||";

#[test]
fn composed_subjects() {
    let path = fixture("F2050001.SOG");
    let (subjects, diags) = split(SogReader::open(&path).unwrap());
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(subjects.len(), 2);
    let p = &subjects[0].subject;
    assert_eq!((p.id, p.kind()), (3_000_001, SubjectKind::NaturalPerson));
    let person = p.details();
    assert_eq!((&*person.surname, &*person.given_name), ("ROSSI", "MARIA"));
    assert_eq!(person.sex, Some(Sex::Female));
    assert_eq!(person.birth_date, NaiveDate::from_ymd_opt(1970, 5, 12));
    assert_eq!(person.birthplace.unwrap().as_str(), "F205");
    assert!(p.tax_code().unwrap().is_valid());
    assert_eq!(subjects[0].source.line, 1);
    let g = &subjects[1].subject;
    assert_eq!(g.kind(), SubjectKind::LegalEntity);
    assert_eq!(g.display_name(), "IMMOBILIARE ESEMPIO SRL");
    assert_eq!(g.tax_code().unwrap().as_written(), "01234567897");
    assert!(g.tax_code().unwrap().is_valid());
}

#[test]
fn invalid_codice_fiscale_is_kept_and_reported() {
    let input = "F205||1|P|ROSSI|MARIA|F|12051970|F205|rssmra70e52f205x||\n\
                 F205||2|G|ESEMPIO SPA|F205|01234567890|\n";
    let (subjects, diags) = sog(input);
    assert_eq!(subjects.len(), 2);
    let cf = subjects[0].subject.tax_code().unwrap();
    assert_eq!(cf.as_written(), "RSSMRA70E52F205X");
    assert!(!cf.is_valid());
    assert!(!subjects[1].subject.tax_code().unwrap().is_valid());
    for line in [1, 2] {
        let w = at(&diags, line, Severity::Warning);
        assert_eq!(w.field.as_deref(), Some("codice fiscale"));
        assert_eq!(w.file, Path::new("T.SOG"));
    }
    assert_eq!(diags.len(), 2);
}

#[test]
fn subject_counts_dates_and_odd_values() {
    let input = [
        "F205||1|P|ROSSI|MARIA|2|12051970|F205|RSSMRA70E52F205N|",
        "F205||2|G|ESEMPIO SPA|F205|",
        "F205||3|P|ROSSI|MARIA|2|31042018|F205|RSSMRA70E52F205N||",
        "F205||4|X|ROSSI|",
        "F205||5|P|BIANCHI|LUCA|9||F2O5|||",
        "F205||6|P|VERDI|ANNA|M|01011950|Z404|||EXTRA|",
    ]
    .join("\r\n");
    let (subjects, diags) = sog(&input);
    let ids: Vec<u64> = subjects.iter().map(|s| s.subject.id).collect();
    assert_eq!(ids, vec![5, 6]);
    assert!(
        at(&diags, 1, Severity::Rejected)
            .reason
            .contains("at least 11")
    );
    assert!(
        at(&diags, 2, Severity::Rejected)
            .reason
            .contains("at least 7")
    );
    assert_eq!(
        at(&diags, 3, Severity::Rejected).field.as_deref(),
        Some("data di nascita")
    );
    assert_eq!(
        at(&diags, 4, Severity::Rejected).field.as_deref(),
        Some("tipo soggetto")
    );
    let repaired: Vec<_> = diags
        .iter()
        .filter(|d| d.line == 5 && d.severity == Severity::Repaired)
        .filter_map(|d| d.field.as_deref())
        .collect();
    assert_eq!(repaired, vec!["sesso", "luogo di nascita"]);
    assert!(
        at(&diags, 6, Severity::Warning)
            .reason
            .contains("12 values")
    );
    assert_eq!(subjects[1].subject.kind(), SubjectKind::NaturalPerson);
    let anna = subjects[1].subject.details();
    assert_eq!(anna.sex, Some(Sex::Male));
    assert!(anna.birthplace.unwrap().is_foreign_country());
}

#[test]
fn repeated_subject_ids() {
    let input = [
        "F205||1|P|ROSSI|MARIA|2|12051970|F205|RSSMRA70E52F205N||",
        "F205||1|P|ROSSI|MARIA|2|12051970|F205|RSSMRA70E52F205N||",
        "F205||1|P|ROSSI|MARIA ANNA|2|12051970|F205|RSSMRA70E52F205N||",
        "F205||1|G|ROSSI SRL|F205|01234567897|",
    ]
    .join("\n");
    let (subjects, diags) = sog(&input);
    let lines: Vec<u64> = subjects.iter().map(|s| s.source.line).collect();
    assert_eq!(lines, vec![1, 3, 4]);
    assert!(at(&diags, 2, Severity::Warning).reason.contains("line 1"));
    assert!(
        at(&diags, 3, Severity::Warning)
            .reason
            .contains("different data")
    );
    assert_eq!(diags.len(), 2);
}

#[test]
fn composed_holdings() {
    let (holdings, diags) = split(TitReader::open(&fixture("F2050001.TIT")).unwrap());
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(holdings.len(), 2);
    let h = &holdings[0].holding;
    assert_eq!(h.holding_id, Some(7_654_321));
    assert_eq!(
        (h.subject.id, h.subject.kind),
        (3_000_001, SubjectKind::NaturalPerson)
    );
    assert_eq!(
        (h.property.id, h.property.kind),
        (1_000_001, PropertyKind::Building)
    );
    assert_eq!(h.right.as_str(), "10");
    assert!(h.right.pays_imu());
    assert_eq!(h.share, Some(Share::new(1, 2).unwrap()));
    assert_eq!(
        h.validity.from(),
        NaiveDate::from_ymd_opt(2019, 3, 15).unwrap()
    );
    assert!(h.validity.is_current());
    assert_eq!(
        h.generating_deed().note().note_number.as_deref(),
        Some("045123")
    );
    assert_eq!(
        h.generating_deed().registration_date,
        NaiveDate::from_ymd_opt(2019, 3, 20)
    );
    assert_eq!(
        h.generating_deed().note().cause_code.as_deref(),
        Some("VAR")
    );
    assert!(h.closing_deed.is_none());
    // no regime, ledger number or change ids in the record: nothing is boxed for them
    assert!(h.details.is_none());
    assert_eq!(holdings[1].holding.subject.kind, SubjectKind::LegalEntity);
    assert_eq!(holdings[1].source.line, 2);
}

#[test]
fn holding_history_shares_and_bad_records() {
    let closed = HOLDING.replacen(
        "|20032019||||||||||",
        "|20032019||01072020|V|1|1|2020|05072020|||",
        1,
    );
    let pre2007: String = HOLDING.split('|').take(28).collect::<Vec<_>>().join("|") + "|";
    let short: String = HOLDING.split('|').take(27).collect::<Vec<_>>().join("|") + "|";
    let input = [
        closed,
        pre2007,
        short,
        HOLDING.replacen("|15032019|", "|31042018|", 1),
        HOLDING.replacen("|10||1|2|", "|1 s||0|0|", 1),
        HOLDING.replacen("|10||1|2|", "|10||3|2|", 1),
        HOLDING.replacen("|10||1|2|", "|||1|2|", 1),
        HOLDING.replacen("|20032019||||||||||", "|20032019||01012019|||||||||", 1),
    ]
    .join("\n");
    let (holdings, diags) = tit(&input);
    let lines: Vec<u64> = holdings.iter().map(|h| h.source.line).collect();
    assert_eq!(lines, vec![1, 2, 5, 6]);
    let first = &holdings[0].holding;
    let end = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    assert_eq!(first.validity.to(), Some(end));
    assert!(!first.validity.contains(end));
    assert_eq!(
        first.closing_deed.as_ref().unwrap().note().note_year,
        Some(2020)
    );
    assert_eq!(holdings[1].holding.holding_id, Some(7_654_321));
    assert_eq!(
        holdings[1].holding.generating_deed().note().cause_code,
        None
    );
    assert_eq!(holdings[2].holding.right.as_str(), "1s");
    assert_eq!(holdings[2].holding.share, None);
    assert_eq!(holdings[3].holding.share, None);
    assert_eq!(
        at(&diags, 6, Severity::Warning).field.as_deref(),
        Some("quota")
    );
    assert!(
        at(&diags, 3, Severity::Rejected)
            .reason
            .contains("at least 28")
    );
    assert_eq!(
        at(&diags, 4, Severity::Rejected).field.as_deref(),
        Some("data di validità (atto generante)")
    );
    assert_eq!(
        at(&diags, 7, Severity::Rejected).field.as_deref(),
        Some("codice diritto")
    );
    assert_eq!(
        at(&diags, 8, Severity::Rejected).field.as_deref(),
        Some("data di validità (atto conclusivo)")
    );
    // lines 5 and 6 reopen holding 7654321, open since line 2
    assert_eq!(
        at(&diags, 5, Severity::Warning).field.as_deref(),
        Some("identificativo titolarità")
    );
    assert_eq!(diags.len(), 7, "{diags:#?}");
}

#[test]
fn missing_files_are_diagnostics() {
    let d = SogReader::open(Path::new("/nonexistent/A.SOG"))
        .err()
        .unwrap();
    assert_eq!(d.file, Path::new("/nonexistent/A.SOG"));
    let d = TitReader::open(Path::new("/nonexistent/A.TIT"))
        .err()
        .unwrap();
    assert_eq!(d.severity, Severity::Rejected);
}

#[test]
fn encodings() {
    use segit_ingest::censuario::CensusOptions;
    use segit_ingest::text::Encoding;
    // UTF-8 written where Latin-1 is expected: decoded, reported once
    let utf8 = "F205||1|P|NICOLÒ|LUCÀ|1|01011950|F205|||\nF205||2|P|DÈ|ANNA|2|01011950|F205|||\n";
    let (subjects, diags) = sog(utf8);
    assert_eq!(subjects[0].subject.kind(), SubjectKind::NaturalPerson);
    let p = subjects[0].subject.details();
    assert_eq!((&*p.surname, &*p.given_name), ("NICOLÒ", "LUCÀ"));
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].line, diags[0].severity), (1, Severity::Repaired));
    // detection off: Latin-1 as the layout says
    let off = CensusOptions {
        detect_utf8: false,
        ..CensusOptions::default()
    };
    let (subjects, diags) = split(SogReader::with_options(
        utf8.as_bytes(),
        Path::new("T.SOG"),
        &off,
    ));
    assert!(diags.is_empty());
    assert_eq!(
        subjects[0].subject.display_name(),
        "NICOLÃ\u{92} LUCÃ\u{80}"
    );
    // Latin-1 bytes read as UTF-8: the line is rejected, the next one read
    let strict = CensusOptions {
        encoding: Encoding::Utf8,
        ..CensusOptions::default()
    };
    let latin1 =
        b"F205||1|P|NICOL\xd2|LUCA|1|01011950|F205|||\nF205||2|P|DE|ANNA|2|01011950|F205|||\n";
    let (subjects, diags) = split(SogReader::with_options(
        &latin1[..],
        Path::new("T.SOG"),
        &strict,
    ));
    assert_eq!(subjects.len(), 1);
    assert_eq!(at(&diags, 1, Severity::Rejected).file, Path::new("T.SOG"));
    // TIT and FAB detect too
    let (holdings, diags) = tit(&HOLDING.replacen("|10||", "|10|PROPRIETÀ|", 1));
    assert_eq!(holdings[0].holding.right_text(), Some("PROPRIETÀ"));
    assert_eq!(diags.len(), 1);
}

#[test]
fn two_open_records_of_one_holding_are_reported() {
    let closed = HOLDING.replacen("|20032019||||||||||", "|20032019||01072020||||||||", 1);
    let input = [
        HOLDING.to_owned(),
        closed,
        HOLDING.replacen("|1|2|", "|1|1|", 1),
    ]
    .join("\n");
    let (holdings, diags) = tit(&input);
    assert_eq!(holdings.len(), 3);
    assert_eq!(diags.len(), 1);
    let w = at(&diags, 3, Severity::Warning);
    assert_eq!(w.field.as_deref(), Some("identificativo titolarità"));
    assert!(w.reason.contains("line 1"));
}
