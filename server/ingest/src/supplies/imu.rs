//! `imu/IMU_<Belfiore>_<tax year>.txt` (other-supplies.md §5): IMU declarations in the MEF
//! fixed-length layout as made available to municipalities.
//!
//! Latin-1; each record is 1 897 characters plus `A`, ended by CR LF (LF alone is accepted);
//! a record of another length or not ending in `A` is rejected. Positions are 1-based as in the
//! reference. Record `0` (header) and `9` (trailer) are checked lightly (the trailer's record
//! count is compared with the records read, a mismatch is a warning); `C` and `E` records (and
//! `A`/`Z`, their names before renaming) are skipped. Each `B` record opens a declaration; the
//! `D` records after it must repeat its code and carry its ordinal (1, 2, …) in positions
//! 18–25, otherwise they are rejected. A declaration is yielded, as
//! `Located<ImuDeclaration>` with the line of its `B`, when the next `B`, the trailer or the end
//! of the file is reached.
//!
//! Each `D` has up to two property blocks, block 2 at the positions of block 1 + 499; a block
//! whose field 6 is blank is absent. A bad value rejects its **block** (the diagnostic names
//! `block <n> field <k>`); the other block of the record is kept.
//!
//! Reading choices [U]: a blank numeric field 21 (taxable base) or 24 (deduction) is read as 0,
//! blank codes 25–27 and check boxes 28–30 as `0`; the deduction (field 24) is read in whole
//! euro like field 21; an unknown category keeps the block without a category (warning); a
//! possession percentage above 100 rejects the block.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use segit_model::{
    Belfiore, Category, Foglio, ImuAssimilation, ImuCadastre, ImuCharacteristic, ImuDeclaration,
    ImuExemption, ImuPosition, ImuReduction, Particella, ReliefMark, Sex, Sezione, Subalterno,
    TaxId, UnitKey,
};

use super::fields::dmy_date;
use super::{Located, open_file};
use crate::diag::{Diagnostic, Item};
use crate::text::{Encoding, LineReader};

/// Characters of a record without CR LF: 1 897 + the final `A`.
pub const RECORD_CHARS: usize = 1_898;

/// Offset of the second property block of a record D.
const BLOCK2: usize = 499;

/// Options of the IMU reader.
#[derive(Debug, Clone)]
pub struct ImuOptions {
    /// Most properties kept per declaration; further blocks are rejected.
    pub max_positions: usize,
}

impl Default for ImuOptions {
    fn default() -> Self {
        Self {
            max_positions: 10_000,
        }
    }
}

/// A declaration being assembled.
struct Open {
    line: u64,
    ordinal: u32,
    rejected: bool,
    declaration: Option<ImuDeclaration>,
}

/// Reader of an IMU declarations file: yields `Located<ImuDeclaration>`.
pub struct ImuReader<R> {
    lines: LineReader<R>,
    file: PathBuf,
    options: ImuOptions,
    open: Option<Open>,
    b_count: u32,
    records: u64,
    pending: VecDeque<Item<Located<ImuDeclaration>>>,
}

/// One fixed-length record (bytes, Latin-1) with its line.
struct Record<'a> {
    bytes: &'a [u8],
    file: &'a Path,
    line: u64,
}

impl Record<'_> {
    /// Characters `pos .. pos + len` (1-based), as text.
    fn raw(&self, pos: usize, len: usize) -> String {
        let start = pos.saturating_sub(1);
        self.bytes
            .get(start..start + len)
            .unwrap_or_default()
            .iter()
            .map(|&b| char::from(b))
            .collect()
    }

    /// An `AN` field, trimmed; `None` when blank.
    fn an(&self, pos: usize, len: usize) -> Option<String> {
        let v = self.raw(pos, len);
        let t = v.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    fn reject(&self, field: &str, reason: impl Into<String>) -> Diagnostic {
        Diagnostic::rejected(self.file, self.line, Some(field), reason)
    }

    /// A `NU` field: digits only (blank → `blank`, when given).
    fn nu(
        &self,
        pos: usize,
        len: usize,
        field: &str,
        blank: Option<u64>,
    ) -> Result<u64, Diagnostic> {
        let v = self.raw(pos, len);
        if v.trim().is_empty()
            && let Some(b) = blank
        {
            return Ok(b);
        }
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.reject(field, format!("{v:?} is not a number of {len} digits")));
        }
        v.parse()
            .map_err(|_| self.reject(field, format!("{v:?} is out of range")))
    }
}

impl<R: BufRead> ImuReader<R> {
    /// Reads `input`; `file` names it in diagnostics.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, ImuOptions::default())
    }

    /// Reads `input` with `options`.
    pub fn with_options(input: R, file: &Path, options: ImuOptions) -> Self {
        Self {
            lines: LineReader::new(input, file, Encoding::Latin1).with_max_line(RECORD_CHARS + 2),
            file: file.to_path_buf(),
            options,
            open: None,
            b_count: 0,
            records: 0,
            pending: VecDeque::new(),
        }
    }

    fn close(&mut self) {
        if let Some(Open {
            line,
            declaration: Some(declaration),
            ..
        }) = self.open.take()
        {
            self.pending.push_back(Item::Record(Located {
                line,
                record: declaration,
            }));
        }
    }

    fn record(&mut self, line: u64, text: &str) {
        if text.is_empty() {
            return;
        }
        self.records += 1;
        let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
        let file = self.file.clone();
        let rec = Record {
            bytes: &bytes,
            file: &file,
            line,
        };
        if bytes.len() != RECORD_CHARS || bytes.last() != Some(&b'A') {
            let reason = format!(
                "record of {} characters (ending {:?}), expected {RECORD_CHARS} ending in A",
                bytes.len(),
                bytes.last().map_or(' ', |&b| char::from(b))
            );
            self.pending
                .push_back(Item::Diagnostic(Diagnostic::rejected(
                    &self.file, line, None, reason,
                )));
            return;
        }
        match bytes.first() {
            Some(b'B') => {
                let diagnostics = {
                    let mut out = Vec::new();
                    let parsed = parse_b(&rec, &mut out);
                    (parsed, out)
                };
                self.close();
                self.b_count = self.b_count.saturating_add(1);
                let (parsed, warnings) = diagnostics;
                self.pending
                    .extend(warnings.into_iter().map(Item::Diagnostic));
                let (rejected, declaration) = match parsed {
                    Ok(mut d) => {
                        d.ordinal = self.b_count;
                        (false, Some(d))
                    }
                    Err(d) => {
                        self.pending.push_back(Item::Diagnostic(d));
                        (true, None)
                    }
                };
                self.open = Some(Open {
                    line,
                    ordinal: self.b_count,
                    rejected,
                    declaration,
                });
            }
            Some(b'D') => {
                let mut out = Vec::new();
                let max = self.options.max_positions;
                if let Err(d) = attach_d(&rec, self.open.as_mut(), max, &mut out) {
                    out.push(d);
                }
                self.pending.extend(out.into_iter().map(Item::Diagnostic));
            }
            Some(b'9' | b'Z') => {
                self.close();
                match rec.nu(2, 9, "field 2 (record count)", None) {
                    Ok(n) if n != self.records => {
                        let reason =
                            format!("the trailer counts {n} records, {} were read", self.records);
                        self.pending.push_back(Item::Diagnostic(Diagnostic::warning(
                            &self.file,
                            line,
                            Some("field 2 (record count)"),
                            reason,
                        )));
                    }
                    Ok(_) => {}
                    Err(d) => self.pending.push_back(Item::Diagnostic(Diagnostic {
                        severity: crate::diag::Severity::Warning,
                        ..d
                    })),
                }
            }
            Some(b'0' | b'A' | b'C' | b'E') => {}
            _ => {
                let reason = format!("unknown record type {:?}", rec.raw(1, 1));
                self.pending.push_back(Item::Diagnostic(
                    rec.reject("field 1 (record type)", reason),
                ));
            }
        }
    }
}

impl ImuReader<std::io::BufReader<std::fs::File>> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Ok(Self::new(open_file(path)?, path))
    }
}

impl<R: BufRead> Iterator for ImuReader<R> {
    type Item = Item<Located<ImuDeclaration>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.lines.next() {
                None => {
                    self.close();
                    return self.pending.pop_front();
                }
                Some(Err(d)) => {
                    self.records += 1;
                    return Some(Item::Diagnostic(d));
                }
                Some(Ok(line)) => self.record(line.number, &line.text),
            }
        }
    }
}

/// Parses a record B (positions of other-supplies.md §5).
fn parse_b(rec: &Record<'_>, warnings: &mut Vec<Diagnostic>) -> Result<ImuDeclaration, Diagnostic> {
    const CF: &str = "field 2 (declarant code)";
    let written = rec
        .an(2, 16)
        .ok_or_else(|| rec.reject(CF, "missing declarant code"))?;
    let declarant = TaxId::from_written(&written).map_err(|e| rec.reject(CF, e.to_string()))?;
    if let Some(e) = declarant.validation_error() {
        warnings.push(Diagnostic::warning(
            rec.file,
            rec.line,
            Some(CF),
            format!("invalid code kept as written: {e}"),
        ));
    }
    let year = |pos, field: &str| {
        let y = rec.nu(pos, 4, field, None)?;
        i32::try_from(y)
            .ok()
            .filter(|y| *y >= 1000)
            .ok_or_else(|| rec.reject(field, format!("{y} is not a year")))
    };
    let declaration_year = year(90, "field 6 (declaration year)")?;
    let tax_period = year(94, "field 7 (tax period)")?;
    let belfiore_field = "field 8 (municipality)";
    let belfiore =
        Belfiore::parse(&rec.raw(98, 4)).map_err(|e| rec.reject(belfiore_field, e.to_string()))?;
    let surname_or_name = rec.an(230, 24).unwrap_or_default();
    if surname_or_name.is_empty() {
        warnings.push(Diagnostic::warning(
            rec.file,
            rec.line,
            Some("field 14 (surname or name)"),
            "blank surname or company name",
        ));
    }
    let birth_date = rec
        .an(274, 8)
        .map(|v| dmy_date(&v))
        .transpose()
        .map_err(|e| rec.reject("field 16 (birth date)", e))?;
    let sex = rec
        .an(282, 1)
        .map(|v| Sex::parse(&v))
        .transpose()
        .map_err(|e| rec.reject("field 17 (sex)", e.to_string()))?;
    Ok(ImuDeclaration {
        declarant,
        ordinal: 0,
        declaration_year,
        tax_period,
        belfiore,
        surname_or_name,
        given_name: rec.an(254, 20),
        birth_date,
        sex,
        positions: Vec::new(),
    })
}

/// Attaches the blocks of a record D to the open declaration. Block diagnostics go to `out`;
/// an `Err` rejects the whole record.
fn attach_d(
    rec: &Record<'_>,
    open: Option<&mut Open>,
    max_positions: usize,
    out: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    const PROG: &str = "field 3 (module progressive)";
    let Some(open) = open else {
        return Err(rec.reject(PROG, "record D before any record B"));
    };
    let progressive = rec.nu(18, 8, PROG, None)?;
    if progressive != u64::from(open.ordinal) {
        return Err(rec.reject(
            PROG,
            format!(
                "module progressive {progressive}, but the preceding record B is number {}",
                open.ordinal
            ),
        ));
    }
    if open.rejected {
        return Err(rec.reject(
            PROG,
            format!("record B number {} was rejected", open.ordinal),
        ));
    }
    let Some(declaration) = open.declaration.as_mut() else {
        return Err(rec.reject(PROG, "no open declaration"));
    };
    let code = rec.an(2, 16).unwrap_or_default().to_ascii_uppercase();
    if code != declaration.declarant.as_written() {
        return Err(rec.reject(
            "field 2 (declarant code)",
            format!(
                "{code:?} differs from the declarant {} of record B",
                declaration.declarant
            ),
        ));
    }
    if rec.an(90, 4).is_none() {
        return Err(rec.reject("block 1 field 6 (order number)", "block 1 is blank"));
    }
    for (block, offset) in [(1, 0), (2, BLOCK2)] {
        if rec.an(90 + offset, 4).is_none() {
            continue;
        }
        if declaration.positions.len() >= max_positions {
            out.push(rec.reject(
                &format!("block {block}"),
                format!("more than {max_positions} properties in one declaration"),
            ));
            continue;
        }
        match parse_block(rec, block, offset, out) {
            Ok(p) => declaration.positions.push(p),
            Err(d) => out.push(d),
        }
    }
    Ok(())
}

/// Parses one property block of a record D.
fn parse_block(
    rec: &Record<'_>,
    block: u8,
    off: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ImuPosition, Diagnostic> {
    let name = |n: u8, what: &str| format!("block {block} field {n} ({what})");
    let nu = |pos: usize, len: usize, n: u8, what: &str, blank: Option<u64>| {
        rec.nu(pos + off, len, &name(n, what), blank)
    };
    let small = |v: u64, n: u8, what: &str| {
        u8::try_from(v).map_err(|_| rec.reject(&name(n, what), format!("{v} is out of range")))
    };
    let order = nu(90, 4, 6, "order number", None)? as u32;
    let property_progressive = nu(94, 4, 7, "property progressive", None)? as u32;
    let c = nu(99, 3, 9, "characteristic", None)?;
    let characteristic = ImuCharacteristic::from_code(small(c, 9, "characteristic")?)
        .map_err(|e| rec.reject(&name(9, "characteristic"), e.to_string()))?;
    let cadastre = match rec.raw(202 + off, 1).as_str() {
        "U" => ImuCadastre::Urban,
        "T" => ImuCadastre::Land,
        other => {
            return Err(rec.reject(
                &name(11, "cadastre"),
                format!("{other:?} is neither U nor T"),
            ));
        }
    };
    let property = parse_property(rec, block, off)?;
    let kind = rec.an(229 + off, 25);
    let (category, land_quality) = match cadastre {
        ImuCadastre::Land => (None, kind),
        ImuCadastre::Urban => match kind.as_deref().map(Category::parse) {
            None => (None, None),
            Some(Ok(c)) => (Some(c), None),
            Some(Err(e)) => {
                warnings.push(Diagnostic::warning(
                    rec.file,
                    rec.line,
                    Some(&name(17, "category")),
                    format!("unknown category, kept without one: {e}"),
                ));
                (None, None)
            }
        },
    };
    let registration_year = match rec.an(284 + off, 4) {
        None => None,
        Some(_) => Some(nu(284, 4, 20, "registration year", None)? as u16),
    };
    let taxable_base_eur = nu(288, 15, 21, "taxable base", Some(0))?;
    let int = nu(303, 3, 22, "possession percentage", None)?;
    let dec = nu(306, 2, 23, "possession decimals", Some(0))?;
    let possession_percent = int as f64 + dec as f64 / 100.0;
    if possession_percent > 100.0 {
        return Err(rec.reject(
            &name(22, "possession percentage"),
            format!("{possession_percent} % exceeds 100 %"),
        ));
    }
    let deduction_eur = nu(308, 9, 24, "deduction", Some(0))? as f64;
    let code = |pos: usize, n: u8, what: &str| -> Result<u8, Diagnostic> {
        small(nu(pos, 1, n, what, Some(0))?, n, what)
    };
    let assimilation = match code(317, 25, "assimilation")? {
        0 => ImuAssimilation::None,
        1 => ImuAssimilation::SocialHousing,
        2 => ImuAssimilation::ServiceHousing,
        v => return Err(rec.reject(&name(25, "assimilation"), format!("{v} is not 0, 1 or 2"))),
    };
    let reduction = ImuReduction::from_code(code(318, 26, "reduction")?)
        .map_err(|e| rec.reject(&name(26, "reduction"), e.to_string()))?;
    let exemption = ImuExemption::from_code(code(319, 27, "exemption")?)
        .map_err(|e| rec.reject(&name(27, "exemption"), e.to_string()))?;
    let check = |pos: usize, n: u8, what: &str| -> Result<bool, Diagnostic> {
        match code(pos, n, what)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(rec.reject(&name(n, what), format!("check box {v} is not 0 or 1"))),
        }
    };
    let acquisition = check(320, 28, "acquisition")?;
    let transfer = check(321, 29, "transfer")?;
    let other_change = check(322, 30, "other change")?;
    let change_date = rec
        .an(423 + off, 8)
        .map(|v| dmy_date(&v))
        .transpose()
        .map_err(|e| rec.reject(&name(32, "change date"), e))?;
    let relief = match rec.raw(431 + off, 1).as_str() {
        " " => None,
        "I" => Some(ReliefMark::Start),
        "T" => Some(ReliefMark::End),
        other => {
            return Err(rec.reject(
                &name(33, "relief"),
                format!("{other:?} is not I, T or blank"),
            ));
        }
    };
    Ok(ImuPosition {
        order,
        property_progressive,
        characteristic,
        address_text: rec.an(102 + off, 100),
        cadastre,
        property,
        category,
        land_quality,
        class: rec.an(254 + off, 10),
        registration_protocol: rec.an(264 + off, 20),
        registration_year,
        taxable_base_eur,
        possession_percent,
        deduction_eur,
        assimilation,
        reduction,
        exemption,
        acquisition,
        transfer,
        other_change,
        change_date,
        relief,
    })
}

/// Fields 12–16 as a unit key; `None` when all are blank (no cadastral identifiers yet).
fn parse_property(rec: &Record<'_>, block: u8, off: usize) -> Result<Option<UnitKey>, Diagnostic> {
    let parts = [
        rec.an(203 + off, 5),
        rec.an(208 + off, 3),
        rec.an(211 + off, 4),
        rec.an(215 + off, 10),
        rec.an(225 + off, 4),
    ];
    if parts.iter().all(Option::is_none) {
        return Ok(None);
    }
    let name = |n: u8, what: &str| format!("block {block} field {n} ({what})");
    let fail =
        |n: u8, what: &str, e: segit_model::ModelError| rec.reject(&name(n, what), e.to_string());
    let [belfiore, section, foglio, particella, sub] = parts.map(Option::unwrap_or_default);
    let belfiore = Belfiore::parse(&belfiore).map_err(|e| fail(12, "municipality", e))?;
    let section = Sezione::parse_optional(&section).map_err(|e| fail(13, "section", e))?;
    let foglio = Foglio::parse(&foglio).map_err(|e| fail(14, "foglio", e))?;
    let particella = Particella::parse(&particella).map_err(|e| fail(15, "particella", e))?;
    let subalterno = Subalterno::parse_optional(&sub).map_err(|e| fail(16, "subalterno", e))?;
    Ok(Some(UnitKey::new(
        belfiore, section, foglio, particella, subalterno,
    )))
}
