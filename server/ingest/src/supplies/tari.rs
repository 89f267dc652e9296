//! `tari/tari.csv` (other-supplies.md §9): TARI premises, one row per premises of an account;
//! `end_date` is the last day of occupation (**included**).
//!
//! Reading choices: `unit_keys` is a comma list of unit keys (at most [`MAX_UNIT_KEYS`]); one
//! unparseable key rejects the row naming the column. Duplicates are kept as written (the
//! canonical key and its aliases may both appear; de-duplication is by unit, later). An
//! `end_date` before `start_date` rejects the row. `tariff_class` given for a domestic user, or
//! missing for a non-domestic one, is reported as a warning; so is an address text that does not
//! follow `<DUG> <DUF> <number><suffix>` (it cannot be resolved).

use segit_model::{ActivePeriod, TariDetails, TariPosition, TariUserType, TextAddress, UnitKey};

use super::csv::{Column, CsvFormat, CsvReader, Row, key_list, opt, req};
use crate::diag::Diagnostic;

/// Most unit keys accepted in one `unit_keys` cell.
pub const MAX_UNIT_KEYS: usize = 1_000;

/// The `tari.csv` format.
#[derive(Debug)]
pub struct TariFormat;

/// Reader of `tari.csv`: yields `Located<TariPosition>`.
pub type TariReader<R> = CsvReader<R, TariFormat>;

impl CsvFormat for TariFormat {
    type Record = TariPosition;
    const COLUMNS: &'static [Column] = &[
        req("account_id"),
        req("premises_seq"),
        req("payer_cf"),
        req("user_type"),
        opt("tariff_class"),
        opt("occupants"),
        opt("address"),
        opt("address_key"),
        opt("staircase"),
        opt("floor"),
        opt("internal"),
        opt("unit_keys"),
        req("declared_m2"),
        req("start_date"),
        opt("end_date"),
        opt("reduction"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<TariPosition, Diagnostic> {
        let account_id = row.required("account_id")?.to_owned();
        let premises_seq = row.uint("premises_seq")?;
        row.required("payer_cf")?;
        let user_type = row.parse_req("user_type", |v| {
            TariUserType::parse(v).map_err(|e| e.to_string())
        })?;
        let tariff_class = row.text("tariff_class");
        let occupants = row.opt_uint("occupants")?;
        let address_text = row.text("address");
        let address_key = row.opt_address_key("address_key")?;
        let unit_keys = row
            .parse_opt("unit_keys", |v| {
                key_list(v, MAX_UNIT_KEYS, |k| {
                    UnitKey::parse(k).map_err(|e| e.to_string())
                })
            })?
            .unwrap_or_default();
        let declared_m2 = row.uint("declared_m2")?;
        let start = row.date("start_date")?;
        let end = row.opt_date("end_date")?;
        let period =
            ActivePeriod::new(start, end).map_err(|e| row.reject("end_date", e.to_string()))?;
        let reduction = row.text("reduction");
        match (user_type, &tariff_class) {
            (TariUserType::Domestic, Some(c)) => {
                let reason = format!("tariff class {c:?} given for a domestic user: kept");
                row.warn("tariff_class", reason);
            }
            (TariUserType::NonDomestic, None) => {
                row.warn("tariff_class", "no tariff class for a non-domestic user");
            }
            _ => {}
        }
        if let Some(text) = &address_text
            && let Err(e) = TextAddress::parse(text)
        {
            row.warn("address", format!("kept, but cannot be resolved: {e}"));
        }
        let payer = row.tax_id("payer_cf")?;
        Ok(TariPosition {
            account_id: account_id.into(),
            premises_seq,
            payer,
            user_type,
            tariff_class: tariff_class.map(Into::into),
            occupants,
            address_text: address_text.map(Into::into),
            address_key,
            internal: row.text("internal").map(Into::into),
            unit_keys,
            declared_m2,
            period,
            details: TariDetails {
                staircase: row.text("staircase").map(Into::into),
                floor: row.text("floor").map(Into::into),
                reduction: reduction.map(Into::into),
            }
            .boxed(),
        })
    }
}
