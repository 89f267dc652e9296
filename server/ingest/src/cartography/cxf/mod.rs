//! Streaming reader of CXF vector maps (cxf.md): header, then BORDO / TESTO / SIMBOLO /
//! FIDUCIALE / LINEA / RIFERIMENTO_RASTER / LIBRETTO sections up to the `EOF` record.
//!
//! Lexical rules: Latin-1, CR LF or LF, one value per line, values trimmed and never parsed by
//! column width (negative Cassini-Soldner coordinates, sloppy writers). INTERO accepts an
//! optional sign; REALE accepts an optional sign, digits and one decimal point (any number of
//! decimals, none included), nothing else (no exponents, no `inf`/`NaN`).
//!
//! Errors (cxf.md §6 project convention):
//! - a record that does not parse as its type, or a count that contradicts another (islands'
//!   vertices exceeding the total), makes its **section** invalid: the section is skipped and
//!   reported with the line and field of the bad record, and reading resumes at the next
//!   keyword (the bad record itself, when it is a keyword, starts the next section);
//! - an unknown keyword is reported and the lines up to the next keyword are skipped;
//! - a header that cannot be read (kind, map name and file name both not sheet keys, scale)
//!   rejects the file: one diagnostic, no records;
//! - a missing `EOF` record is a warning (the sections read are kept); anything after `EOF` is
//!   ignored;
//! - polygons are assembled by [`super::repair::assemble`]: open rings are closed
//!   (`Repaired`), degenerate or (by default) invalid polygons are rejected;
//! - with an area of use set ([`CxfOptions::area_of_use`]), a section with a coordinate outside
//!   it is kept and reported as a warning when the sheet boundary is outside too (the CRS
//!   declared is wrong: the whole sheet is misplaced, and every section says so); a BORDO
//!   outside it while the sheet boundary read before it lies inside is rejected (broken
//!   coordinates: the area cannot be placed, and publishing it would put a parcel thousands of
//!   kilometres away);
//! - a text that looks like UTF-8 read as Latin-1 is kept and reported as a warning;
//! - a building whose code has no parcel number before `+` is kept without host, with a
//!   warning.
//!
//! Classification of a BORDO code follows cxf.md §5.1; in a `MAPPA FONDIARIO` a code of two or
//! more characters starting with `S` is a road and with `A` a water (the reference gives no
//! finer rule, an open point of the reference; in ordinary maps such codes are parcels).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use geo_types::Coord;
use segit_model::SheetKey;

use super::cxf_records::{CxfHeader, CxfRecord, MapKind};
use super::georef::AreaOfUse;
use super::name::MapFileName;
use super::repair::InvalidPolygonPolicy;
use crate::diag::{Diagnostic, Item};
use crate::text::{Encoding, Line, LineReader};

mod sections;

/// Default cap on NUMEROVERTICI of one section.
pub const DEFAULT_MAX_VERTICES: u32 = 1_000_000;
/// Cap on NUMEROISOLE of one BORDO.
pub const MAX_ISLANDS: u32 = 100_000;
/// Cap on one CXF line (one value per line: anything longer is not a value).
const MAX_LINE: usize = 4096;

/// Options of the CXF reader.
#[derive(Debug, Clone, Default)]
pub struct CxfOptions {
    /// what to do with self-intersecting or otherwise invalid polygons
    pub invalid_polygons: InvalidPolygonPolicy,
    /// when set, coordinates outside this box are reported (warning)
    pub area_of_use: Option<AreaOfUse>,
    /// cap on the vertex count of one section (default [`DEFAULT_MAX_VERTICES`] when 0)
    pub max_vertices: u32,
}

/// Section keywords (cxf.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Bordo,
    Testo,
    Simbolo,
    Fiduciale,
    Linea,
    RiferimentoRaster,
    Libretto,
    Eof,
}

impl Keyword {
    /// The keyword of a line and its `external` flag (trailing backslash), if it is one.
    fn parse(text: &str) -> Option<(Self, bool)> {
        let t = text.trim().to_ascii_uppercase();
        let (word, external) = match t.strip_suffix('\\') {
            Some(w) => (w.trim_end(), true),
            None => (t.as_str(), false),
        };
        let k = match word {
            "BORDO" => Self::Bordo,
            "TESTO" => Self::Testo,
            "SIMBOLO" => Self::Simbolo,
            "FIDUCIALE" => Self::Fiduciale,
            "LINEA" => Self::Linea,
            "RIFERIMENTO_RASTER" => Self::RiferimentoRaster,
            "LIBRETTO" => Self::Libretto,
            "EOF" => Self::Eof,
            _ => return None,
        };
        let may_be_external = matches!(
            k,
            Self::Testo | Self::Simbolo | Self::Fiduciale | Self::Linea
        );
        (!external || may_be_external).then_some((k, external))
    }

    fn name(self) -> &'static str {
        match self {
            Self::Bordo => "BORDO",
            Self::Testo => "TESTO",
            Self::Simbolo => "SIMBOLO",
            Self::Fiduciale => "FIDUCIALE",
            Self::Linea => "LINEA",
            Self::RiferimentoRaster => "RIFERIMENTO_RASTER",
            Self::Libretto => "LIBRETTO",
            Self::Eof => "EOF",
        }
    }
}

/// Why a section could not be read.
enum Fail {
    /// a bad record: line, field, reason, and the text when the line was read
    Bad(u64, &'static str, String, Option<String>),
    /// the file ended inside the section
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Header,
    Body,
    Done,
}

/// Reader of one CXF file; yields the header first, then one record per valid section.
pub struct CxfReader<R> {
    lines: LineReader<R>,
    file: PathBuf,
    options: CxfOptions,
    state: State,
    header: Option<CxfHeader>,
    peeked: Option<Line>,
    skipping: bool,
    last_line: u64,
    pending: VecDeque<Item<CxfRecord>>,
    /// whether the sheet boundary, once read, lies inside the area of use
    boundary_inside: Option<bool>,
}

impl CxfReader<BufReader<File>> {
    /// Opens a CXF file; a missing or empty file is a diagnostic naming it.
    pub fn open(path: &Path, options: CxfOptions) -> Result<Self, Diagnostic> {
        let file = File::open(path).map_err(|e| {
            Diagnostic::rejected(path, 0, None, format!("cannot open the CXF file: {e}"))
        })?;
        let empty = file.metadata().is_ok_and(|m| m.len() == 0);
        if empty {
            return Err(Diagnostic::rejected(path, 0, None, "the CXF file is empty"));
        }
        Ok(Self::with_options(BufReader::new(file), path, options))
    }
}

impl<R: BufRead> CxfReader<R> {
    /// Reads `input` (named `file` in diagnostics) with default options.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, CxfOptions::default())
    }

    /// Reads `input` (named `file` in diagnostics) with `options`.
    pub fn with_options(input: R, file: &Path, mut options: CxfOptions) -> Self {
        if options.max_vertices == 0 {
            options.max_vertices = DEFAULT_MAX_VERTICES;
        }
        Self {
            lines: LineReader::new(input, file, Encoding::Latin1).with_max_line(MAX_LINE),
            file: file.to_path_buf(),
            options,
            state: State::Header,
            header: None,
            peeked: None,
            skipping: false,
            last_line: 0,
            pending: VecDeque::new(),
            boundary_inside: None,
        }
    }

    /// The header, once read.
    pub fn header(&self) -> Option<&CxfHeader> {
        self.header.as_ref()
    }

    fn raw_line(&mut self) -> Option<Result<Line, Diagnostic>> {
        if let Some(l) = self.peeked.take() {
            return Some(Ok(l));
        }
        let next = self.lines.next()?;
        match &next {
            Ok(l) => self.last_line = l.number,
            Err(d) => self.last_line = d.line,
        }
        Some(next)
    }

    fn value(&mut self, field: &'static str) -> Result<Line, Fail> {
        match self.raw_line() {
            Some(Ok(l)) => Ok(l),
            Some(Err(d)) => Err(Fail::Bad(d.line, field, d.reason, None)),
            None => Err(Fail::End),
        }
    }

    fn text(&mut self, field: &'static str) -> Result<(String, u64), Fail> {
        let l = self.value(field)?;
        Ok((l.text.trim().to_owned(), l.number))
    }

    fn int(&mut self, field: &'static str) -> Result<(i64, u64), Fail> {
        let l = self.value(field)?;
        match parse_int(&l.text) {
            Some(v) => Ok((v, l.number)),
            None => Err(Fail::Bad(
                l.number,
                field,
                format!("'{}' is not an INTERO", l.text.trim()),
                Some(l.text),
            )),
        }
    }

    fn small_int(&mut self, field: &'static str) -> Result<i32, Fail> {
        let (v, line) = self.int(field)?;
        i32::try_from(v).map_err(|_| Fail::Bad(line, field, format!("{v} is out of range"), None))
    }

    fn count(&mut self, field: &'static str, max: u32) -> Result<(u32, u64), Fail> {
        let (v, line) = self.int(field)?;
        match u32::try_from(v) {
            Ok(n) if n <= max => Ok((n, line)),
            _ if v < 0 => Err(Fail::Bad(line, field, format!("negative count {v}"), None)),
            _ => Err(Fail::Bad(
                line,
                field,
                format!("{v} exceeds the cap of {max}"),
                None,
            )),
        }
    }

    fn real(&mut self, field: &'static str) -> Result<f64, Fail> {
        let l = self.value(field)?;
        parse_real(&l.text).ok_or_else(|| {
            Fail::Bad(
                l.number,
                field,
                format!("'{}' is not a REALE", l.text.trim()),
                Some(l.text),
            )
        })
    }

    fn point(&mut self, x: &'static str, y: &'static str) -> Result<Coord<f64>, Fail> {
        Ok(Coord {
            x: self.real(x)?,
            y: self.real(y)?,
        })
    }

    fn vertices(&mut self, n: u32) -> Result<Vec<Coord<f64>>, Fail> {
        let mut out = Vec::with_capacity(n.min(65_536) as usize);
        for _ in 0..n {
            out.push(self.point("VERTICI X", "VERTICI Y")?);
        }
        Ok(out)
    }

    fn reject(&mut self, line: u64, field: Option<&str>, reason: impl Into<String>) {
        let d = Diagnostic::rejected(&self.file, line, field, reason);
        self.pending.push_back(Item::Diagnostic(d));
    }

    /// The first of `coords` outside the area of use, when one is set.
    fn outside(&self, coords: &[Coord<f64>]) -> Option<Coord<f64>> {
        let aou = self.options.area_of_use.as_ref()?;
        coords.iter().copied().find(|c| !aou.contains(*c))
    }

    fn warn_outside(&mut self, line: u64, field: &str, coords: &[Coord<f64>]) {
        let Some(aou) = &self.options.area_of_use else {
            return;
        };
        if let Some(c) = coords.iter().find(|c| !aou.contains(**c)) {
            let d = Diagnostic::warning(
                &self.file,
                line,
                Some(field),
                format!("({}, {}) lies outside {}", c.x, c.y, aou.describe()),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
    }

    fn read_header(&mut self) {
        self.state = State::Done;
        let header = match self.header_records() {
            Ok(h) => h,
            Err(Fail::Bad(line, field, reason, _)) => {
                return self.reject(line, Some(field), format!("{reason}: the file is not read"));
            }
            Err(Fail::End) => {
                let line = self.last_line;
                return self.reject(line, Some("header"), "the file ends inside the header");
            }
        };
        self.state = State::Body;
        self.pending
            .push_back(Item::Record(CxfRecord::Header(header.clone())));
        self.header = Some(header);
    }

    fn header_records(&mut self) -> Result<CxfHeader, Fail> {
        let (kind_text, kind_line) = self.text("header kind")?;
        let kind = match kind_text.to_ascii_uppercase().as_str() {
            "MAPPA" => MapKind::Map,
            "MAPPA FONDIARIO" => MapKind::LandBookMap,
            "QUADRO D'UNIONE" | "QUADRO D\u{2019}UNIONE" => MapKind::AssemblyIndex,
            _ => {
                let reason =
                    format!("'{kind_text}' is not MAPPA, MAPPA FONDIARIO or QUADRO D'UNIONE");
                return Err(Fail::Bad(kind_line, "header kind", reason, None));
            }
        };
        let (map_name, name_line) = self.text("map name")?;
        let from_file = MapFileName::parse(&self.file);
        let sheet = match (SheetKey::parse(&map_name), &from_file) {
            (Ok(k), Ok(f)) => {
                if f.sheet != k {
                    let d = Diagnostic::warning(
                        &self.file,
                        name_line,
                        Some("map name"),
                        format!(
                            "map name {map_name} differs from the file name ({})",
                            f.sheet
                        ),
                    );
                    self.pending.push_back(Item::Diagnostic(d));
                }
                k
            }
            (Ok(k), Err(why)) => {
                let d = Diagnostic::warning(&self.file, 0, Some("file name"), why.clone());
                self.pending.push_back(Item::Diagnostic(d));
                k
            }
            (Err(e), Ok(f)) => {
                let d = Diagnostic::warning(
                    &self.file,
                    name_line,
                    Some("map name"),
                    format!("{e}; the sheet key of the file name ({}) is used", f.sheet),
                );
                self.pending.push_back(Item::Diagnostic(d));
                f.sheet.clone()
            }
            (Err(e), Err(why)) => {
                let reason = format!("{e}, and {why}");
                return Err(Fail::Bad(name_line, "map name", reason, None));
            }
        };
        let scale = self.real("scale")?;
        Ok(CxfHeader {
            kind,
            map_name,
            sheet,
            scale,
        })
    }

    /// Reads lines up to the next keyword and parses that section into `pending`.
    fn read_section(&mut self) {
        loop {
            let line = match self.raw_line() {
                None => {
                    self.state = State::Done;
                    let line = self.last_line;
                    let d = Diagnostic::warning(
                        &self.file,
                        line,
                        None,
                        "the file ends without the EOF record",
                    );
                    self.pending.push_back(Item::Diagnostic(d));
                    return;
                }
                Some(Err(d)) => {
                    if !self.skipping {
                        self.pending.push_back(Item::Diagnostic(d));
                        self.skipping = true;
                        return;
                    }
                    continue;
                }
                Some(Ok(l)) => l,
            };
            match Keyword::parse(&line.text) {
                Some((Keyword::Eof, _)) => {
                    self.state = State::Done;
                    return;
                }
                Some((k, external)) => {
                    self.skipping = false;
                    return self.section(k, external, line.number);
                }
                None if line.text.trim().is_empty() || self.skipping => {}
                None => {
                    self.skipping = true;
                    let reason = format!(
                        "'{}' is not a section keyword: lines up to the next keyword are skipped",
                        line.text.trim()
                    );
                    return self.reject(line.number, Some("keyword"), reason);
                }
            }
        }
    }

    fn section(&mut self, k: Keyword, external: bool, line: u64) {
        let parsed = match k {
            Keyword::Bordo => self.bordo(line),
            Keyword::Testo => self.testo(line, external),
            Keyword::Simbolo => self.simbolo(line, external),
            Keyword::Fiduciale => self.fiduciale(line, external),
            Keyword::Linea => self.linea(line, external),
            Keyword::RiferimentoRaster => self.raster(line),
            Keyword::Libretto => self.libretto(line),
            Keyword::Eof => Ok(None),
        };
        match parsed {
            Ok(Some(record)) => self.pending.push_back(Item::Record(record)),
            Ok(None) => {}
            Err(Fail::Bad(bad, field, reason, text)) => {
                if let Some(t) = text.filter(|t| Keyword::parse(t).is_some()) {
                    self.peeked = Some(Line {
                        number: bad,
                        text: t,
                    });
                } else {
                    self.skipping = true;
                }
                let reason = format!("{reason}: section {} of line {line} skipped", k.name());
                self.reject(bad, Some(field), reason);
            }
            Err(Fail::End) => {
                self.state = State::Done;
                let last = self.last_line;
                let reason = format!(
                    "the file ends inside section {} of line {line}: section skipped",
                    k.name()
                );
                self.reject(last, Some(k.name()), reason);
            }
        }
    }
}

impl<R: BufRead> Iterator for CxfReader<R> {
    type Item = Item<CxfRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.state {
                State::Header => self.read_header(),
                State::Body => self.read_section(),
                State::Done => return None,
            }
        }
    }
}

/// Parses an INTERO: optional sign and digits, blanks around ignored.
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.strip_prefix('+').unwrap_or(t).parse().ok()
}

/// Parses a REALE: optional sign, digits with at most one decimal point, blanks around ignored.
pub(crate) fn parse_real(text: &str) -> Option<f64> {
    let t = text.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let mut points = 0;
    let mut digits = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            _ => return None,
        }
    }
    if digits == 0 || points > 1 {
        return None;
    }
    let v: f64 = t.strip_prefix('+').unwrap_or(t).parse().ok()?;
    v.is_finite().then_some(v)
}
