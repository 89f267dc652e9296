//! `stradario/streets.csv` (other-supplies.md §7): the municipal street register with the
//! alignment to the Agenzia's FAB street codes.
//!
//! Reading choices: `dug` and `duf` are upper-cased as the reference writes them; an empty
//! `full_name` is composed as `<dug> <duf>`, a written one differing from it is kept and
//! reported; a `cadastral_street_code` that is not five digits is kept as written and reported.

use segit_model::Street;

use super::csv::{Column, CsvFormat, CsvReader, Row, opt, req};
use super::fields;
use crate::diag::Diagnostic;

/// The `streets.csv` format.
#[derive(Debug)]
pub struct StreetsFormat;

/// Reader of `streets.csv`: yields `Located<Street>`.
pub type StreetsReader<R> = CsvReader<R, StreetsFormat>;

impl CsvFormat for StreetsFormat {
    type Record = Street;
    const COLUMNS: &'static [Column] = &[
        req("street_code"),
        req("dug"),
        req("duf"),
        opt("full_name"),
        opt("cadastral_toponimo"),
        opt("cadastral_street_code"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<Street, Diagnostic> {
        let street_code = row.uint("street_code")?;
        let dug = row.required("dug")?.to_uppercase();
        let duf = row.required("duf")?.to_uppercase();
        let composed = format!("{dug} {duf}");
        let full_name = match row.text("full_name") {
            None => composed,
            Some(written) => {
                if written.split_whitespace().ne(composed.split_whitespace()) {
                    let reason = format!("{written:?} differs from dug + duf {composed:?}: kept");
                    row.warn("full_name", reason);
                }
                written
            }
        };
        let cadastral_toponimo = row.opt_uint("cadastral_toponimo")?;
        let cadastral_street_code = row.parse_opt("cadastral_street_code", |v| {
            fields::unsigned::<u32>(v).map(|_| v.to_owned())
        })?;
        if let Some(code) = &cadastral_street_code
            && code.len() != 5
        {
            let reason = format!("{code:?} is not 5 digits: kept as written");
            row.warn("cadastral_street_code", reason);
        }
        Ok(Street {
            street_code,
            dug,
            duf,
            full_name,
            cadastral_toponimo,
            cadastral_street_code,
        })
    }
}
