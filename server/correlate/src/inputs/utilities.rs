//! The utility rows of the snapshot, held compactly ([`Utilities`]): the rows of a supply point
//! come one per billing year and repeat everything but the year and what was billed, so a run
//! of consecutive rows with equal [`UtilityPoint`] data shares one copy of it, and each row
//! keeps only a [`UtilityRow`] (the index of its point data, the year and the billed figures).
//!
//! Row `i` is the `i`-th [`UtilitySupply`] pushed; [`Utilities::iter`] and [`Utilities::get`]
//! give borrowed views ([`Utility`]) of the rows in that order, and [`Utilities::to_supply`]
//! the record as it was pushed.

use chrono::NaiveDate;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use segit_model::{
    ActivePeriod, AddressKey, HolderType, TaxId, UnitKey, UseType, UtilityKind, UtilitySupply,
};

/// What the rows of a supply point share: every field of a [`UtilitySupply`] but the year and
/// the billed figures.
#[derive(Debug, Clone, PartialEq)]
pub struct UtilityPoint {
    /// Electricity, gas or water.
    pub utility: UtilityKind,
    /// POD, PDR or water-meter id.
    pub supply_point: Box<str>,
    /// Contract holder's code as written.
    pub holder: Option<TaxId>,
    /// Person or entity.
    pub holder_type: HolderType,
    /// Declared use.
    pub use_type: UseType,
    /// Supply address as free text.
    pub address_text: Option<Box<str>>,
    /// Address key, when the address could be coded.
    pub address_key: Option<AddressKey>,
    /// Unit key built from the declared cadastral identifiers.
    pub unit_key: Option<UnitKey>,
    /// Contract period: `last` = `contract_end`, included.
    pub contract: ActivePeriod,
}

impl UtilityPoint {
    /// Contract active on `date` (end included).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.contract.contains(date)
    }

    /// Contract active in year `year`.
    pub fn is_active_in_year(&self, year: i32) -> bool {
        self.contract.active_in_year(year)
    }
}

/// What is proper to one row: its point data (an index into the points) and the year's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UtilityRow {
    /// Index of the row's [`UtilityPoint`].
    pub point: u32,
    /// Reference year of the communication.
    pub year: i32,
    /// Consumption billed in `year` (kWh, Sm³ or m³).
    pub billed_consumption: Option<f64>,
    /// Amount billed in `year`, euro.
    pub billed_amount: Option<f64>,
}

/// A borrowed view of one utility row: its point data and its own figures.
#[derive(Debug, Clone, Copy)]
pub struct Utility<'a> {
    /// The point data the row shares with its neighbours.
    pub point: &'a UtilityPoint,
    /// The row's year and billed figures.
    pub row: &'a UtilityRow,
}

impl Utility<'_> {
    /// The owned record of the row.
    pub fn to_supply(&self) -> UtilitySupply {
        let p = self.point;
        UtilitySupply {
            utility: p.utility,
            supply_point: p.supply_point.clone(),
            holder: p.holder.clone(),
            holder_type: p.holder_type,
            use_type: p.use_type,
            address_text: p.address_text.clone(),
            address_key: p.address_key.clone(),
            unit_key: p.unit_key.clone(),
            contract: p.contract,
            year: self.row.year,
            billed_consumption: self.row.billed_consumption,
            billed_amount: self.row.billed_amount,
        }
    }
}

/// Serialised as the [`UtilitySupply`] of the row: same fields, same order, same values.
impl Serialize for Utility<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.point;
        let mut s = serializer.serialize_struct("UtilitySupply", 12)?;
        s.serialize_field("utility", &p.utility)?;
        s.serialize_field("supply_point", &p.supply_point)?;
        s.serialize_field("holder", &p.holder)?;
        s.serialize_field("holder_type", &p.holder_type)?;
        s.serialize_field("use_type", &p.use_type)?;
        s.serialize_field("address_text", &p.address_text)?;
        s.serialize_field("address_key", &p.address_key)?;
        s.serialize_field("unit_key", &p.unit_key)?;
        s.serialize_field("contract", &p.contract)?;
        s.serialize_field("year", &self.row.year)?;
        s.serialize_field("billed_consumption", &self.row.billed_consumption)?;
        s.serialize_field("billed_amount", &self.row.billed_amount)?;
        s.end()
    }
}

/// The utility rows: the distinct point data of each run of consecutive rows, and one slim
/// record per row. Rows refer to points in order: a row's point is its predecessor's or the
/// next one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Utilities {
    points: Vec<UtilityPoint>,
    rows: Vec<UtilityRow>,
}

/// A utility row [`Utilities::push`] could not keep: its point data would be the
/// 4,294,967,296th distinct one (point numbers are `u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyPoints;

impl std::error::Error for TooManyPoints {}

impl std::fmt::Display for TooManyPoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("more than 4294967295 distinct utility supply points: row not kept")
    }
}

impl Utilities {
    /// No rows.
    pub const fn new() -> Self {
        Self {
            points: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; its point data is shared with the previous row's when equal.
    ///
    /// # Errors
    ///
    /// A row needing point entry `u32::MAX` or beyond is not kept: [`TooManyPoints`].
    pub fn push(&mut self, supply: UtilitySupply) -> Result<(), TooManyPoints> {
        let UtilitySupply {
            utility,
            supply_point,
            holder,
            holder_type,
            use_type,
            address_text,
            address_key,
            unit_key,
            contract,
            year,
            billed_consumption,
            billed_amount,
        } = supply;
        let point = UtilityPoint {
            utility,
            supply_point,
            holder,
            holder_type,
            use_type,
            address_text,
            address_key,
            unit_key,
            contract,
        };
        if self.points.last() != Some(&point) {
            if u32::try_from(self.points.len()).is_err() {
                return Err(TooManyPoints);
            }
            self.points.push(point);
        }
        let point =
            u32::try_from(self.points.len().saturating_sub(1)).map_err(|_| TooManyPoints)?;
        self.rows.push(UtilityRow {
            point,
            year,
            billed_consumption,
            billed_amount,
        });
        Ok(())
    }

    /// Frees the spare capacity (at the end of a load).
    pub fn shrink_to_fit(&mut self) {
        self.points.shrink_to_fit();
        self.rows.shrink_to_fit();
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of distinct point entries (runs of consecutive rows with equal point data).
    pub fn points_len(&self) -> usize {
        self.points.len()
    }

    /// Row `i`, `None` past the end.
    pub fn get(&self, i: usize) -> Option<Utility<'_>> {
        self.rows.get(i).map(|row| self.view(row))
    }

    /// Row `i`.
    ///
    /// # Panics
    ///
    /// When `i` is not a row.
    pub fn at(&self, i: usize) -> Utility<'_> {
        self.view(&self.rows[i])
    }

    /// The rows in order (row `i` is the `i`-th pushed).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Utility<'_>> + DoubleEndedIterator {
        self.rows.iter().map(|row| self.view(row))
    }

    /// The owned record of row `i`.
    ///
    /// # Panics
    ///
    /// When `i` is not a row.
    pub fn to_supply(&self, i: usize) -> UtilitySupply {
        self.at(i).to_supply()
    }

    /// Every row as an owned record, in order.
    pub fn to_vec(&self) -> Vec<UtilitySupply> {
        self.iter().map(|u| u.to_supply()).collect()
    }

    fn view<'a>(&'a self, row: &'a UtilityRow) -> Utility<'a> {
        Utility {
            point: &self.points[row.point as usize],
            row,
        }
    }
}

/// Pushes the rows in order, stopping at the first one [`Utilities::push`] cannot keep
/// (past four billion distinct points); the loader pushes row by row and reports such a row.
impl Extend<UtilitySupply> for Utilities {
    fn extend<I: IntoIterator<Item = UtilitySupply>>(&mut self, iter: I) {
        for supply in iter {
            if self.push(supply).is_err() {
                break;
            }
        }
    }
}

impl FromIterator<UtilitySupply> for Utilities {
    fn from_iter<I: IntoIterator<Item = UtilitySupply>>(iter: I) -> Self {
        let mut out = Self::new();
        out.extend(iter);
        out.shrink_to_fit();
        out
    }
}

impl From<Vec<UtilitySupply>> for Utilities {
    fn from(rows: Vec<UtilitySupply>) -> Self {
        rows.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{addr, cf, d, utility};

    /// Two years of `E1`, a change of holder only, a change of contract end only, a change
    /// back to the first point data, then a gas point; one row without figures.
    fn rows() -> Vec<UtilitySupply> {
        let e1 = |year| {
            utility(
                UtilityKind::Electricity,
                "E1",
                Some("RSSMRA85T10A562S"),
                Some("F205//12/101/1"),
                year,
                900.0,
            )
        };
        let mut other_holder = e1(2025);
        other_holder.holder = Some(cf("VRDGPP80A01F205X"));
        let mut ended = e1(2025);
        ended.contract = ActivePeriod::new(d(2015, 1, 1), Some(d(2025, 12, 31))).unwrap();
        let mut unbilled = e1(2022);
        unbilled.billed_consumption = None;
        unbilled.billed_amount = Some(12.5);
        let mut gas = utility(UtilityKind::Gas, "G1", None, None, 2025, 100.0);
        gas.address_text = Some("VIA ROMA 1 INT. 2".into());
        gas.address_key = Some(addr("F205/2040/12/"));
        vec![
            e1(2023),
            e1(2024),
            other_holder.clone(),
            other_holder,
            ended,
            e1(2025),
            unbilled,
            gas,
        ]
    }

    #[test]
    fn rows_round_trip_sharing_runs_of_equal_point_data() {
        let rows = rows();
        let u = Utilities::from(rows.clone());
        assert_eq!(u.len(), rows.len());
        assert!(!u.is_empty());
        // E1 ×2, other holder ×2, ended, E1 again ×2, G1
        assert_eq!(u.points_len(), 5);
        assert_eq!(
            u.iter().map(|r| r.row.point).collect::<Vec<_>>(),
            [0, 0, 1, 1, 2, 3, 3, 4]
        );
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(&u.to_supply(i), row);
            assert_eq!(&u.at(i).to_supply(), row);
        }
        assert_eq!(u.to_vec(), rows);
        assert!(u.get(rows.len()).is_none());
        assert!(Utilities::from(Vec::new()).is_empty());
    }

    #[test]
    fn a_row_serialises_as_its_record() {
        let rows = rows();
        let u = Utilities::from(rows.clone());
        for (view, row) in u.iter().zip(&rows) {
            assert_eq!(
                serde_json::to_string(&view).unwrap(),
                serde_json::to_string(row).unwrap()
            );
        }
    }
}
