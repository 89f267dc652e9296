//! `imu/f24_imu.csv` (other-supplies.md §5.1): F24 IMU payment lines. A line counts for
//! `tax_year` whatever its payment date.
//!
//! Reading choices: `tax_code` must be four digits; a code outside the IMU range 3912…3939 is
//! kept and reported as a warning. Amounts are read as written (cents accepted); a negative
//! amount rejects the row.

use segit_model::{Belfiore, F24Payment, Instalment};

use super::csv::{Column, CsvFormat, CsvReader, Row, req};
use crate::diag::Diagnostic;

/// The `f24_imu.csv` format.
#[derive(Debug)]
pub struct F24Format;

/// Reader of `f24_imu.csv`: yields `Located<F24Payment>`.
pub type F24Reader<R> = CsvReader<R, F24Format>;

impl CsvFormat for F24Format {
    type Record = F24Payment;
    const COLUMNS: &'static [Column] = &[
        req("payment_id"),
        req("payer_cf"),
        req("payment_date"),
        req("tax_year"),
        req("comune"),
        req("tax_code"),
        req("amount"),
        req("instalment"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<F24Payment, Diagnostic> {
        let payment_id = row.required("payment_id")?.to_owned();
        row.required("payer_cf")?;
        let payment_date = row.date("payment_date")?;
        let tax_year = row.parse_req("tax_year", super::year)?;
        let belfiore =
            row.parse_req("comune", |v| Belfiore::parse(v).map_err(|e| e.to_string()))?;
        let tax_code = row.parse_req("tax_code", |v| {
            if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
                Ok(v.to_owned())
            } else {
                Err(format!("{v:?} is not a 4-digit tax code"))
            }
        })?;
        let amount_eur = row.decimal("amount")?;
        if amount_eur < 0.0 {
            return Err(row.reject("amount", format!("negative amount {amount_eur}")));
        }
        let instalment = row.parse_req("instalment", |v| {
            Instalment::parse(v).map_err(|e| e.to_string())
        })?;
        if !("3912".."3940").contains(&tax_code.as_str()) {
            let reason = format!("tax code {tax_code} is outside the IMU codes 3912-3939: kept");
            row.warn("tax_code", reason);
        }
        let payer = row.tax_id("payer_cf")?;
        Ok(F24Payment {
            payment_id,
            payer,
            payment_date,
            tax_year,
            belfiore,
            tax_code,
            amount_eur,
            instalment,
        })
    }
}
