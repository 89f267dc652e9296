//! `utenze/utility_supply.csv` (other-supplies.md §2): utility contracts, one row per contract
//! and reference year. `contract_end` is the last day of supply (**included**).
//!
//! Reading choices: `holder_cf` may be empty (the model keeps it optional); an invalid code is
//! kept as written with a warning. A `contract_end` before `contract_start` rejects the row.
//! The address text is kept as written (the street register resolves it later); a text that
//! does not follow `<DUG> <DUF> <number><suffix>[ SC. <staircase>][ INT. <internal>]` is
//! reported as a warning, since it cannot be resolved.

use segit_model::{ActivePeriod, HolderType, TextAddress, UseType, UtilityKind, UtilitySupply};

use super::csv::{Column, CsvFormat, CsvReader, Row, opt, req};
use crate::diag::Diagnostic;

/// The `utility_supply.csv` format.
#[derive(Debug)]
pub struct UtilityFormat;

/// Reader of `utility_supply.csv`: yields `Located<UtilitySupply>`.
pub type UtilitySupplyReader<R> = CsvReader<R, UtilityFormat>;

impl CsvFormat for UtilityFormat {
    type Record = UtilitySupply;
    const COLUMNS: &'static [Column] = &[
        req("utility"),
        req("supply_point"),
        opt("holder_cf"),
        req("holder_type"),
        req("use_type"),
        opt("address"),
        opt("address_key"),
        opt("unit_key"),
        req("contract_start"),
        opt("contract_end"),
        req("year"),
        opt("billed_consumption"),
        opt("billed_amount"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<UtilitySupply, Diagnostic> {
        let utility = row.parse_req("utility", |v| {
            UtilityKind::parse(v).map_err(|e| e.to_string())
        })?;
        let supply_point = row.required("supply_point")?.to_owned();
        let holder_type = row.parse_req("holder_type", |v| {
            HolderType::parse(v).map_err(|e| e.to_string())
        })?;
        let use_type =
            row.parse_req("use_type", |v| UseType::parse(v).map_err(|e| e.to_string()))?;
        let address_text = row.text("address");
        let address_key = row.opt_address_key("address_key")?;
        let unit_key = row.opt_unit_key("unit_key")?;
        let start = row.date("contract_start")?;
        let end = row.opt_date("contract_end")?;
        let contract =
            ActivePeriod::new(start, end).map_err(|e| row.reject("contract_end", e.to_string()))?;
        let year = row.parse_req("year", super::year)?;
        let billed_consumption = row.opt_decimal("billed_consumption")?;
        let billed_amount = row.opt_decimal("billed_amount")?;
        if let Some(text) = &address_text
            && let Err(e) = TextAddress::parse(text)
        {
            row.warn("address", format!("kept, but cannot be resolved: {e}"));
        }
        let holder = row.opt_tax_id("holder_cf");
        Ok(UtilitySupply {
            utility,
            supply_point: supply_point.into(),
            holder,
            holder_type,
            use_type,
            address_text: address_text.map(Into::into),
            address_key,
            unit_key,
            contract,
            year,
            billed_consumption,
            billed_amount,
        })
    }
}
