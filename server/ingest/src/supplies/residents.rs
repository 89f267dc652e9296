//! `anagrafe/residents.csv` (other-supplies.md §4): civil-registry residence periods, one row
//! per person and period; `to_date` is **excluded** (the person is not resident that day).
//! Households are the rows grouped by `household_id` ([`households`]).
//!
//! Reading choices: `address_key` is required (a residence row without an address cannot be
//! linked); a `to_date` before `from_date` rejects the row; a citizenship that is not two
//! upper-case letters is kept and reported.

use std::collections::HashMap;

use segit_model::{
    Household, Relationship, Resident, ResidentAddress, ResidentDetails, Sex, UnitKey, Validity,
};

use super::Located;
use super::csv::{Column, CsvFormat, CsvReader, Row, opt, req};
use crate::diag::{Diagnostic, DiagnosticSink, Item};

/// The `residents.csv` format.
#[derive(Debug)]
pub struct ResidentsFormat;

/// Reader of `residents.csv`: yields `Located<Resident>`.
pub type ResidentsReader<R> = CsvReader<R, ResidentsFormat>;

impl CsvFormat for ResidentsFormat {
    type Record = Resident;
    const COLUMNS: &'static [Column] = &[
        req("person_cf"),
        req("household_id"),
        req("relationship"),
        req("address_key"),
        opt("staircase"),
        opt("floor"),
        opt("internal"),
        req("from_date"),
        opt("to_date"),
        opt("birth_date"),
        opt("sex"),
        opt("citizenship"),
        opt("unit_key"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<Resident, Diagnostic> {
        row.required("person_cf")?;
        let household_id = row.required("household_id")?.to_owned();
        let relationship = row.parse_req("relationship", |v| {
            Relationship::parse(v).map_err(|e| e.to_string())
        })?;
        let key = row.address_key("address_key")?;
        let staircase = row.text("staircase").map(Into::into);
        let floor = row.text("floor").map(Into::into);
        let address = ResidentAddress {
            key,
            internal: row.text("internal").map(Into::into),
        };
        let from = row.date("from_date")?;
        let to = row.opt_date("to_date")?;
        let residence =
            Validity::new(from, to).map_err(|e| row.reject("to_date", e.to_string()))?;
        let birth_date = row.opt_date("birth_date")?;
        let sex = row.parse_opt("sex", |v| match v {
            "M" | "F" => Sex::parse(v).map_err(|e| e.to_string()),
            _ => Err(format!("{v:?} is not M or F")),
        })?;
        let unit_key: Option<UnitKey> = row.opt_unit_key("unit_key")?;
        let citizenship = row.text("citizenship");
        if let Some(c) = &citizenship
            && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            let reason = format!("{c:?} is not an ISO 3166-1 alpha-2 code: kept");
            row.warn("citizenship", reason);
        }
        let person = row.tax_id("person_cf")?;
        Ok(Resident {
            person,
            household_id: household_id.into(),
            address,
            residence,
            unit_key,
            details: ResidentDetails {
                relationship,
                staircase,
                floor,
                birth_date,
                sex,
                citizenship: citizenship.map(Into::into),
            }
            .boxed(),
        })
    }
}

/// Reads every resident row and groups them into households (by `household_id`, households
/// in order of first appearance, rows in file order). Diagnostics go to `sink`. Grouping is
/// linear in the number of rows.
pub fn households<I>(items: I, sink: &mut impl DiagnosticSink) -> Vec<Household>
where
    I: IntoIterator<Item = Item<Located<Resident>>>,
{
    let mut out: Vec<Household> = Vec::new();
    let mut by_id: HashMap<Box<str>, usize> = HashMap::new();
    for item in items {
        match item {
            Item::Diagnostic(d) => sink.report(d),
            Item::Record(Located { record, .. }) => {
                if let Some(h) = by_id
                    .get(&record.household_id)
                    .and_then(|&i| out.get_mut(i))
                {
                    h.members.push(record);
                } else {
                    by_id.insert(record.household_id.clone(), out.len());
                    out.push(Household {
                        household_id: record.household_id.clone(),
                        members: vec![record],
                    });
                }
            }
        }
    }
    out
}
