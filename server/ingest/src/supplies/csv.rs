//! The CSV dialect of the normalised files (other-supplies.md §0.2) and the reader shared by
//! every CSV supply.
//!
//! - UTF-8, a leading byte-order mark ignored; LF or CR LF; separator `;`; no quoting (`"` is
//!   an ordinary character); exactly one header line.
//! - Columns are located by header name (blanks trimmed, letter case ignored), so added columns
//!   do not break a reader. A header lacking a **required** column is one diagnostic on line 1
//!   and the file yields no rows. A lacking **optional** column (one whose values may be empty)
//!   is read as empty on every row and reported once as a warning on line 1.
//! - A row with a field count different from the header's, a value that does not parse, or a
//!   line that is not valid UTF-8 is rejected with file, line, field and reason (§0.4); reading
//!   goes on. Blank lines carry no row and are skipped.

use std::collections::VecDeque;
use std::io::BufRead;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_model::{AddressKey, TaxId, UnitKey};

use super::fields;
use super::{Located, open_file};
use crate::diag::{Diagnostic, Item};
use crate::text::{DEFAULT_MAX_LINE, Encoding, LineReader};

/// One column of a normalised CSV file.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// True when the header must contain it.
    pub required: bool,
}

/// A column the header must contain.
pub(crate) const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

/// A column whose values may all be empty: tolerated when absent from the header.
pub(crate) const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// The written form of a CSV family: the normalised files (§0.2) or the OMI files (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// A title line precedes the header (OMI).
    pub title_line: bool,
    /// Lines may end with a separator, i.e. an empty last field (OMI); it is dropped.
    pub trailing_separator: bool,
    /// `Some(encoding)`: the file's encoding; `None`: each line is UTF-8 when its bytes are
    /// valid UTF-8, Latin-1 otherwise (OMI: "UTF-8 unless the bytes are not valid UTF-8").
    pub encoding: Option<Encoding>,
}

impl Dialect {
    /// The normalised files of other-supplies.md §0.2.
    pub const NORMALISED: Self = Self {
        title_line: false,
        trailing_separator: false,
        encoding: Some(Encoding::Utf8),
    };
}

/// A CSV format: its dialect, its columns and how one row becomes a record.
pub trait CsvFormat {
    /// The record of one row.
    type Record;
    /// The written form (default: the normalised files of §0.2).
    const DIALECT: Dialect = Dialect::NORMALISED;
    /// The columns, in the documented order.
    const COLUMNS: &'static [Column];
    /// Parses one row. Warnings go to `row.warn`; a rejection is the `Err`.
    fn parse(row: &mut Row<'_>) -> Result<Self::Record, Diagnostic>;
}

/// Reader of one normalised CSV file of format `F`: yields `Item<Located<F::Record>>`.
pub struct CsvReader<R, F: CsvFormat> {
    lines: LineReader<R>,
    file: PathBuf,
    /// position of each of `F::COLUMNS` in the header, once read
    index: Option<Vec<Option<usize>>>,
    header_len: usize,
    title: Option<String>,
    encoding: Option<Encoding>,
    failed: bool,
    pending: VecDeque<Item<Located<F::Record>>>,
    format: PhantomData<F>,
}

impl<R: BufRead, F: CsvFormat> CsvReader<R, F> {
    /// Reads `input`; `file` names it in diagnostics.
    pub fn new(input: R, file: &Path) -> Self {
        let line_encoding = F::DIALECT.encoding.unwrap_or(Encoding::Latin1);
        Self {
            lines: LineReader::new(input, file, line_encoding).with_max_line(DEFAULT_MAX_LINE),
            file: file.to_path_buf(),
            index: None,
            header_len: 0,
            title: None,
            encoding: F::DIALECT.encoding,
            failed: false,
            pending: VecDeque::new(),
            format: PhantomData,
        }
    }

    /// Changes the cap on one line's length in bytes (default 64 KiB).
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.lines = self.lines.with_max_line(max_line);
        self
    }

    /// Forces the encoding of a format whose dialect detects it per line (the OMI files):
    /// UTF-8, Latin-1, or `None` to detect. No effect on the normalised files (UTF-8 by §0.2).
    #[must_use]
    pub fn with_encoding(mut self, encoding: Option<Encoding>) -> Self {
        if F::DIALECT.encoding.is_none() {
            self.encoding = encoding;
        }
        self
    }

    /// The title line of a dialect with one (OMI), once read.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// Splits a line into values, dropping the empty last field of a trailing separator.
    fn split(text: &str, expected: Option<usize>) -> Vec<&str> {
        let mut values: Vec<&str> = text.split(';').collect();
        if F::DIALECT.trailing_separator
            && values.len() > 1
            && values.last().is_some_and(|v| v.trim().is_empty())
            && expected.is_none_or(|n| values.len() == n + 1)
        {
            values.pop();
        }
        values
    }

    /// Decodes a line read as Latin-1 when the encoding is detected per line or forced to
    /// Latin-1 (the line reader decodes UTF-8 itself).
    fn decode(&self, number: u64, text: String) -> Result<String, Diagnostic> {
        if F::DIALECT.encoding.is_some() {
            return Ok(text);
        }
        let mut bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
        if number == 1 && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            bytes.drain(..3);
        }
        match self.encoding {
            Some(Encoding::Latin1) => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
            Some(Encoding::Utf8) => String::from_utf8(bytes).map_err(|e| {
                Diagnostic::rejected(
                    &self.file,
                    number,
                    None,
                    format!(
                        "not valid UTF-8 (byte {} of the line)",
                        e.utf8_error().valid_up_to() + 1
                    ),
                )
            }),
            None => Ok(match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
            }),
        }
    }

    fn header(&mut self, number: u64, text: &str) {
        let names: Vec<String> = Self::split(text, None)
            .iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        self.header_len = names.len();
        let mut index = Vec::with_capacity(F::COLUMNS.len());
        let mut missing = Vec::new();
        let mut absent_optional = Vec::new();
        for column in F::COLUMNS {
            let found = names.iter().position(|n| n == column.name);
            if found.is_none() {
                if column.required {
                    missing.push(column.name);
                } else {
                    absent_optional.push(column.name);
                }
            }
            index.push(found);
        }
        if !missing.is_empty() {
            self.failed = true;
            self.pending
                .push_back(Item::Diagnostic(Diagnostic::rejected(
                    &self.file,
                    number,
                    Some(missing[0]),
                    format!(
                        "the header lacks the required column(s) {}; no row of the file is read",
                        missing.join(", ")
                    ),
                )));
            return;
        }
        if !absent_optional.is_empty() {
            self.pending.push_back(Item::Diagnostic(Diagnostic::warning(
                &self.file,
                number,
                Some(absent_optional[0]),
                format!(
                    "the header lacks the column(s) {}: read as empty on every row",
                    absent_optional.join(", ")
                ),
            )));
        }
        self.index = Some(index);
    }

    fn row(&mut self, number: u64, text: &str) {
        let Some(index) = &self.index else {
            return;
        };
        if text.trim().is_empty() {
            return;
        }
        let values = Self::split(text, Some(self.header_len));
        if values.len() != self.header_len {
            self.pending
                .push_back(Item::Diagnostic(Diagnostic::rejected(
                    &self.file,
                    number,
                    None,
                    format!(
                        "{} fields, the header has {}",
                        values.len(),
                        self.header_len
                    ),
                )));
            return;
        }
        let mut row = Row {
            file: &self.file,
            line: number,
            values,
            index,
            columns: F::COLUMNS,
            warnings: Vec::new(),
        };
        let parsed = F::parse(&mut row);
        let Row { warnings, .. } = row;
        match parsed {
            Ok(record) => {
                self.pending
                    .extend(warnings.into_iter().map(Item::Diagnostic));
                self.pending.push_back(Item::Record(Located {
                    line: number,
                    record,
                }));
            }
            Err(d) => self.pending.push_back(Item::Diagnostic(d)),
        }
    }
}

impl<F: CsvFormat> CsvReader<std::io::BufReader<std::fs::File>, F> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Ok(Self::new(open_file(path)?, path))
    }
}

impl<R: BufRead, F: CsvFormat> Iterator for CsvReader<R, F> {
    type Item = Item<Located<F::Record>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.failed {
                return None;
            }
            match self.lines.next() {
                None => {
                    if self.index.is_none() {
                        self.failed = true;
                        let line = if F::DIALECT.title_line { 2 } else { 1 };
                        return Some(Item::Diagnostic(Diagnostic::rejected(
                            &self.file,
                            line,
                            None,
                            "the file has no header line",
                        )));
                    }
                    return None;
                }
                Some(Err(d)) => {
                    if self.index.is_none() {
                        self.failed = true;
                    }
                    return Some(Item::Diagnostic(d));
                }
                Some(Ok(line)) => {
                    let text = match self.decode(line.number, line.text) {
                        Ok(t) => t,
                        Err(d) => {
                            if self.index.is_none() {
                                self.failed = true;
                            }
                            return Some(Item::Diagnostic(d));
                        }
                    };
                    if F::DIALECT.title_line && line.number == 1 {
                        self.title = Some(text);
                    } else if self.index.is_none() {
                        self.header(line.number, &text);
                    } else {
                        self.row(line.number, &text);
                    }
                }
            }
        }
    }
}

/// One data row being parsed: values by column, with typed accessors that turn a bad value
/// into a rejection naming the column.
pub struct Row<'a> {
    file: &'a Path,
    line: u64,
    values: Vec<&'a str>,
    index: &'a [Option<usize>],
    columns: &'static [Column],
    warnings: Vec<Diagnostic>,
}

impl<'a> Row<'a> {
    /// 1-based line of the row.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file being read.
    pub fn file(&self) -> &Path {
        self.file
    }

    /// Adds a warning about `field`.
    pub fn warn(&mut self, field: &str, reason: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(
            self.file,
            self.line,
            Some(field),
            reason,
        ));
    }

    /// A rejection of the row because of `field`.
    pub fn reject(&self, field: &str, reason: impl Into<String>) -> Diagnostic {
        Diagnostic::rejected(self.file, self.line, Some(field), reason)
    }

    /// The value of column `name` (trimmed), `None` when empty or the column is absent.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        let at = self.columns.iter().position(|c| c.name == name)?;
        let col = (*self.index.get(at)?)?;
        let v = self.values.get(col)?.trim();
        (!v.is_empty()).then_some(v)
    }

    /// The value of a column that must not be empty.
    pub fn required(&self, name: &str) -> Result<&'a str, Diagnostic> {
        self.get(name)
            .ok_or_else(|| self.reject(name, "missing value"))
    }

    /// An optional text value, owned.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// Parses an optional value with `parse`, rejecting the row when it fails.
    pub fn parse_opt<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, Diagnostic> {
        self.get(name)
            .map(|v| parse(v).map_err(|e| self.reject(name, e)))
            .transpose()
    }

    /// Parses a required value with `parse`.
    pub fn parse_req<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, Diagnostic> {
        let v = self.required(name)?;
        parse(v).map_err(|e| self.reject(name, e))
    }

    /// A required ISO date.
    pub fn date(&self, name: &str) -> Result<NaiveDate, Diagnostic> {
        self.parse_req(name, fields::iso_date)
    }

    /// An optional ISO date.
    pub fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>, Diagnostic> {
        self.parse_opt(name, fields::iso_date)
    }

    /// A required non-negative integer.
    pub fn uint<T: TryFrom<i64>>(&self, name: &str) -> Result<T, Diagnostic> {
        self.parse_req(name, fields::unsigned::<T>)
    }

    /// An optional non-negative integer.
    pub fn opt_uint<T: TryFrom<i64>>(&self, name: &str) -> Result<Option<T>, Diagnostic> {
        self.parse_opt(name, fields::unsigned::<T>)
    }

    /// An optional decimal number.
    pub fn opt_decimal(&self, name: &str) -> Result<Option<f64>, Diagnostic> {
        self.parse_opt(name, fields::decimal)
    }

    /// A required decimal number.
    pub fn decimal(&self, name: &str) -> Result<f64, Diagnostic> {
        self.parse_req(name, fields::decimal)
    }

    /// An optional unit key; an unparseable key rejects the row.
    pub fn opt_unit_key(&self, name: &str) -> Result<Option<UnitKey>, Diagnostic> {
        self.parse_opt(name, |v| UnitKey::parse(v).map_err(|e| e.to_string()))
    }

    /// An optional address key; an unparseable key rejects the row.
    pub fn opt_address_key(&self, name: &str) -> Result<Option<AddressKey>, Diagnostic> {
        self.parse_opt(name, |v| AddressKey::parse(v).map_err(|e| e.to_string()))
    }

    /// A required address key.
    pub fn address_key(&self, name: &str) -> Result<AddressKey, Diagnostic> {
        self.parse_req(name, |v| AddressKey::parse(v).map_err(|e| e.to_string()))
    }

    /// An optional codice fiscale / VAT number kept as written; an invalid one is a warning.
    pub fn opt_tax_id(&mut self, name: &str) -> Option<TaxId> {
        let id = TaxId::from_written(self.get(name)?).ok()?;
        if let Some(e) = id.validation_error() {
            let reason = format!("invalid code kept as written: {e}");
            self.warn(name, reason);
        }
        Some(id)
    }

    /// A required codice fiscale / VAT number kept as written; an invalid one is a warning.
    pub fn tax_id(&mut self, name: &str) -> Result<TaxId, Diagnostic> {
        self.required(name)?;
        self.opt_tax_id(name)
            .ok_or_else(|| self.reject(name, "missing value"))
    }
}

/// Splits a comma-separated list of keys (§0.2), empty elements refused; at most `max`.
pub(crate) fn key_list<T>(
    value: &str,
    max: usize,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let parts: Vec<&str> = value.split(',').collect();
    if parts.len() > max {
        return Err(format!("{} keys, at most {max} accepted", parts.len()));
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let p = p.trim();
            if p.is_empty() {
                return Err(format!("key {} of the list is empty", i + 1));
            }
            parse(p).map_err(|e| format!("key {} of the list: {e}", i + 1))
        })
        .collect()
}
