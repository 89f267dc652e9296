//! Lexical rules shared by the four census files (censuario.md §2): `|`-separated values with
//! a final pipe, decimal comma, `DDMMYYYY` dates, padded numbers, empty or blank fields.
//!
//! A [`Values`] is one record split into its values, with the file and line it came from, so
//! every accessor can name the field at fault. Accessors come in two flavours:
//!
//! - required or date fields return `Err(Diagnostic)` (severity rejected): the caller drops the
//!   record (an impossible date rejects the record, §2);
//! - optional value fields that do not parse are left empty and a *repaired* diagnostic is
//!   queued in [`Values::findings`] (the record is kept, the bad value is not).

use std::path::Path;

use chrono::NaiveDate;
use segit_model::{Deed, DeedNote};

use crate::diag::Diagnostic;

/// One record split on `|`, values counted before the final pipe.
pub(crate) struct Values<'a> {
    items: Vec<&'a str>,
    file: &'a Path,
    line: u64,
    /// Whether the record ended with the final pipe the layout prescribes.
    pub final_pipe: bool,
    /// Diagnostics about kept records (repaired values, warnings), in field order.
    pub findings: Vec<Diagnostic>,
}

impl<'a> Values<'a> {
    /// Splits `text` (one line without its line end). A record without the final pipe is read
    /// as if it had one: its last value is kept (`final_pipe` is then false).
    pub fn split(text: &'a str, file: &'a Path, line: u64) -> Self {
        let trimmed = text.trim_end_matches([' ', '\t', '\u{1a}']);
        let (body, final_pipe) = match trimmed.strip_suffix('|') {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        Self {
            items: body.split('|').collect(),
            file,
            line,
            final_pipe,
            findings: Vec::new(),
        }
    }

    /// Number of values before the final pipe.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The 1-based line of the record.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file of the record.
    pub fn file(&self) -> &'a Path {
        self.file
    }

    /// Raw value at 1-based position `pos`, trimmed; `""` when absent.
    pub fn raw(&self, pos: usize) -> &'a str {
        pos.checked_sub(1)
            .and_then(|i| self.items.get(i))
            .map_or("", |v| v.trim())
    }

    /// Values from 1-based position `from` on (untrimmed), empty when past the end.
    pub fn tail(&self, from: usize) -> &[&'a str] {
        self.items.get(from.saturating_sub(1)..).unwrap_or(&[])
    }

    /// Trimmed text at `pos`; `None` when empty or blank.
    pub fn text(&self, pos: usize) -> Option<String> {
        non_empty(self.raw(pos))
    }

    /// A rejection of this record naming `field`.
    pub fn reject(&self, field: &str, reason: impl Into<String>) -> Diagnostic {
        Diagnostic::rejected(self.file, self.line, Some(field), reason)
    }

    /// Queues a warning about `field` (the record is kept as written).
    pub fn warn(&mut self, field: &str, reason: impl Into<String>) {
        self.findings.push(Diagnostic::warning(
            self.file,
            self.line,
            Some(field),
            reason,
        ));
    }

    /// Queues a repair of `field` (the record is kept, the value changed or dropped).
    pub fn repair(&mut self, field: &str, reason: impl Into<String>) {
        self.findings.push(Diagnostic::repaired(
            self.file,
            self.line,
            Some(field),
            reason,
        ));
    }

    /// A date field: empty gives `None`; anything but a real `DDMMYYYY` date rejects the
    /// record. `01010001` is the "since the original survey" placeholder (1 January of year 1).
    pub fn date(&self, pos: usize, field: &str) -> Result<Option<NaiveDate>, Diagnostic> {
        self.date_named(pos, || field.to_owned())
    }

    /// [`Values::date`] with the field name built only when needed.
    fn date_named(
        &self,
        pos: usize,
        field: impl FnOnce() -> String,
    ) -> Result<Option<NaiveDate>, Diagnostic> {
        let raw = self.raw(pos);
        if raw.is_empty() {
            return Ok(None);
        }
        parse_date(raw)
            .map(Some)
            .ok_or_else(|| self.reject(&field(), format!("{raw} is not a date (DDMMYYYY)")))
    }

    /// A required unsigned integer (zero padding allowed) that the record cannot do without.
    pub fn required_u64(&self, pos: usize, field: &str) -> Result<u64, Diagnostic> {
        let raw = self.raw(pos);
        parse_u64(raw).ok_or_else(|| {
            if raw.is_empty() {
                self.reject(field, "empty")
            } else {
                self.reject(field, format!("{raw} is not an unsigned integer"))
            }
        })
    }

    /// An optional unsigned integer; a value that does not parse is dropped and reported.
    pub fn opt_u64(&mut self, pos: usize, field: &str) -> Option<u64> {
        let raw = self.raw(pos);
        if raw.is_empty() {
            return None;
        }
        let parsed = parse_u64(raw);
        if parsed.is_none() {
            self.repair(
                field,
                format!("{raw} is not an unsigned integer; value left empty"),
            );
        }
        parsed
    }

    /// An optional unsigned integer that must fit `T` (e.g. a year in `u16`).
    pub fn opt_small<T: TryFrom<u64>>(&mut self, pos: usize, field: &str) -> Option<T> {
        let raw = self.raw(pos);
        let n = self.opt_u64(pos, field)?;
        let fitted = T::try_from(n).ok();
        if fitted.is_none() {
            self.repair(field, format!("{raw} is out of range; value left empty"));
        }
        fitted
    }

    /// An optional decimal with a decimal comma (`5,5`, `1032,91`); a decimal point is also
    /// read as the separator when there is no comma. A value that does not parse is dropped
    /// and reported.
    pub fn opt_decimal(&mut self, pos: usize, field: &str) -> Option<f64> {
        let raw = self.raw(pos);
        if raw.is_empty() {
            return None;
        }
        let parsed = parse_decimal(raw);
        if parsed.is_none() {
            self.repair(
                field,
                format!("{raw} is not a decimal number; value left empty"),
            );
        }
        parsed
    }

    /// A deed from its six census fields (efficacy, registration, note type, number,
    /// progressive, year) and the two cause fields (2007+). `None` when all are empty.
    /// `what` names the deed in diagnostics (`atto generante`, `atto conclusivo`).
    pub fn deed(&mut self, pos: &DeedPositions, what: &str) -> Result<Option<Deed>, Diagnostic> {
        let efficacy_date =
            self.date_named(pos.efficacy, || format!("{} ({what})", pos.efficacy_name))?;
        let registration_date = self.date_named(pos.registration, || {
            format!("{} ({what})", pos.registration_name)
        })?;
        let note = DeedNote {
            note_type: self.text(pos.note_type).map(Into::into),
            note_number: self.text(pos.note_number).map(Into::into),
            note_progressive: self.text(pos.note_progressive).map(Into::into),
            note_year: if self.raw(pos.note_year).is_empty() {
                None
            } else {
                self.opt_small(pos.note_year, &format!("anno nota ({what})"))
            },
            cause_code: pos.cause_code.and_then(|p| self.text(p)).map(Into::into),
        };
        let deed = Deed {
            efficacy_date,
            registration_date,
            cause_description: pos
                .cause_description
                .and_then(|p| self.text(p))
                .map(Into::into),
            note: note.boxed(),
        };
        Ok((deed != Deed::default()).then_some(deed))
    }
}

/// 1-based positions of the fields of one deed in a record.
pub(crate) struct DeedPositions {
    /// Name of the efficacy field in diagnostics (`data di efficacia`, `data di validità`).
    pub efficacy_name: &'static str,
    /// Name of the registration field in diagnostics.
    pub registration_name: &'static str,
    pub efficacy: usize,
    pub registration: usize,
    pub note_type: usize,
    pub note_number: usize,
    pub note_progressive: usize,
    pub note_year: usize,
    pub cause_code: Option<usize>,
    pub cause_description: Option<usize>,
}

/// A line with nothing to read: blanks only, or the DOS end-of-file mark (`0x1A`) some
/// writers leave at the end.
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{1a}')
}

/// Trimmed text, `None` when empty.
pub(crate) fn non_empty(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `DDMMYYYY` with a real calendar date; `None` otherwise.
pub(crate) fn parse_date(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> { raw.get(r)?.parse().ok() };
    let day = num(0..2)?;
    let month = num(2..4)?;
    let year = i32::try_from(num(4..8)?).ok()?;
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Digits only (zero padding allowed), fitting `u64`.
pub(crate) fn parse_u64(raw: &str) -> Option<u64> {
    let t = raw.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = t.trim_start_matches('0');
    if significant.is_empty() {
        return Some(0);
    }
    significant.parse().ok()
}

/// Optional sign, digits, optional comma (or point) and digits.
pub(crate) fn parse_decimal(raw: &str) -> Option<f64> {
    let t = raw.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let separator = if body.contains(',') { ',' } else { '.' };
    let (int, frac) = body.split_once(separator).unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    if int.len() + frac.len() > 30 {
        return None;
    }
    let normalised = format!("{}{int}.{frac}0", if t.starts_with('-') { "-" } else { "" });
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_counts_values_before_final_pipe() {
        let v = Values::split("F205||3000002|G|X SRL|F205|01234567897|", Path::new("a"), 1);
        assert_eq!(v.len(), 7);
        assert!(v.final_pipe);
        assert_eq!(v.raw(2), "");
        assert_eq!(v.raw(7), "01234567897");
        assert_eq!(v.raw(8), "");
        assert_eq!(v.raw(0), "");
        let w = Values::split("a|b", Path::new("a"), 1);
        assert_eq!(w.len(), 2);
        assert!(!w.final_pipe);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("15032019"), NaiveDate::from_ymd_opt(2019, 3, 15));
        assert_eq!(parse_date("01010001"), NaiveDate::from_ymd_opt(1, 1, 1));
        assert_eq!(parse_date("31042018"), None);
        assert_eq!(parse_date("29022019"), None);
        assert_eq!(parse_date("29022020"), NaiveDate::from_ymd_opt(2020, 2, 29));
        assert_eq!(parse_date("00000000"), None);
        assert_eq!(parse_date("1503201"), None);
        assert_eq!(parse_date("15-03-19"), None);
        assert_eq!(parse_date("1503201\u{e9}"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_decimal("5,5"), Some(5.5));
        assert_eq!(parse_decimal("1032,91"), Some(1032.91));
        assert_eq!(parse_decimal("25"), Some(25.0));
        assert_eq!(parse_decimal("0,41"), Some(0.41));
        assert_eq!(parse_decimal("-1,5"), Some(-1.5));
        assert_eq!(parse_decimal("2.5"), Some(2.5));
        assert_eq!(parse_decimal(","), None);
        assert_eq!(parse_decimal("1,2,3"), None);
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_u64("0007"), Some(7));
        assert_eq!(parse_u64("000"), Some(0));
        assert_eq!(parse_u64("99999999999999999999999"), None);
        assert_eq!(parse_u64("-1"), None);
    }
}
