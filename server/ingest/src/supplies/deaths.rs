//! `anagrafe/deaths.csv` — **project convention** (the reference names civil-registry deaths as
//! an input of R24, rules-catalogue.md, but gives no file layout): `;`-separated, UTF-8, one
//! header line, one row per death, columns `person_cf;death_date[;record_id]` (ISO dates, as
//! the other normalised CSVs of other-supplies.md §0).
//!
//! Reading choices: the code is kept as written ([`TaxId`]; an invalid one is a warning);
//! `record_id` (the registry's act number) is optional and kept as written; a death date in
//! the future of nothing is not judged here (the rules compare it with their as-of date).

use chrono::NaiveDate;
use segit_model::TaxId;

use super::csv::{Column, CsvFormat, CsvReader, Row, opt, req};
use crate::diag::Diagnostic;

/// A death recorded by the civil registry (`deaths.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeathRecord {
    /// `person_cf`: the deceased person's code, as written.
    pub person: TaxId,
    /// `death_date`.
    pub date: NaiveDate,
    /// `record_id`: the registry's act number, when given.
    pub record_id: Option<String>,
}

/// The `deaths.csv` format.
#[derive(Debug)]
pub struct DeathsFormat;

/// Reader of `deaths.csv`: yields `Located<DeathRecord>`.
pub type DeathsReader<R> = CsvReader<R, DeathsFormat>;

impl CsvFormat for DeathsFormat {
    type Record = DeathRecord;
    const COLUMNS: &'static [Column] = &[req("person_cf"), req("death_date"), opt("record_id")];

    fn parse(row: &mut Row<'_>) -> Result<DeathRecord, Diagnostic> {
        row.required("person_cf")?;
        let date = row.date("death_date")?;
        let record_id = row.text("record_id");
        let person = row.tax_id("person_cf")?;
        Ok(DeathRecord {
            person,
            date,
            record_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diag::{Item, Severity};

    #[test]
    fn reads_deaths_and_rejects_bad_dates_naming_the_line() {
        let text = "person_cf;death_date;record_id\n\
                    RSSMRA40A01F205X;2020-03-04;A/12\n\
                    VRDLGU50B02F205Y;2020-13-01;\n\
                    BNCGNN60C03F205Z;2024-05-06;\n";
        let items: Vec<_> = DeathsReader::new(text.as_bytes(), Path::new("deaths.csv")).collect();
        let records: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Record(r) => Some(r),
                Item::Diagnostic(_) => None,
            })
            .collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].line, 2);
        assert_eq!(records[0].record.record_id.as_deref(), Some("A/12"));
        assert_eq!(records[1].record.record_id, None);
        let rejected: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Diagnostic(d) if d.severity == Severity::Rejected => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].line, 3);
        assert_eq!(rejected[0].field.as_deref(), Some("death_date"));
    }
}
