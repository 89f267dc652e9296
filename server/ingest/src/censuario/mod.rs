//! Readers of the census-register supplies (*forniture censuarie*, censuario.md): `.FAB`
//! (buildings cadastre), `.TER` (land cadastre), `.SOG` (subjects), `.TIT` (holdings).
//!
//! - [`FabReader`] yields one [`CensusUnit`] per property: a `segit_model::Unit` with **every**
//!   state of the supply (type-1 record plus its type 2–5 records), and where each state was read.
//! - [`TerReader`] yields one [`CensusParcel`] per property, likewise with `ParcelState`s.
//! - [`SogReader`] yields one [`CensusSubject`] per SOG record, [`TitReader`] one
//!   [`CensusHolding`] per TIT record (every historical holding is kept).
//! - [`CensusSupply`] finds the four files of each supply in a directory.
//!
//! **Record order.** The reference says that type 2–5 records attach to the type-1 record with
//! the same key (§3) but does not say they follow it. FAB and TER states are therefore
//! assembled by key over the whole file: the text of the file is kept by property while it is
//! read (memory about the size of the file, states capped by [`CensusOptions::max_states`]);
//! at its end each property is parsed and assembled in turn, in order of first appearance, its
//! states sorted by progressive, and yielded after the diagnostics of its records (a line whose
//! common key does not parse is rejected while reading). SOG and TIT are streamed record by
//! record.
//!
//! **Reading choices** where the reference leaves room (documented at each reader): unknown
//! category codes keep the unit without a category and warn ([`UnknownCategory`]); optional
//! values that do not parse are left empty with a *repaired* diagnostic; an invalid codice
//! fiscale is kept as written ([`segit_model::TaxId`]) with a warning naming file, line and field;
//! extra trailing values are accepted and reported once per file and record type; a line
//! written in UTF-8 where Latin-1 is expected is decoded as UTF-8 and reported once per file
//! ([`CensusOptions::detect_utf8`]).
//!
//! ```
//! use std::path::Path;
//! use segit_ingest::censuario::FabReader;
//! use segit_ingest::diag::Item;
//!
//! let fab = "F205||1000001|F|1|1|001|A02|03|5,5|98|2000000|1032,91|||B|12||3||||15032019|\
//!            20032019|V|045123|001|2019|||||||||2345678||||VAR|VARIAZIONE|||4|\r\n\
//!            F205||1000001|F|1|2||0012|00101||0007||\r\n";
//! let mut units = FabReader::new(fab.as_bytes(), Path::new("F2050001.FAB")).filter_map(Item::record);
//! let unit = units.next().unwrap();
//! let state = unit.unit.current_state().unwrap();
//! assert_eq!(state.identifiers.canonical().to_string(), "F205//12/101/7");
//! assert_eq!(state.rent_eur, Some(1032.91));
//! assert_eq!(unit.sources[0].record.to_string(), "F2050001.FAB:1");
//! ```

mod assemble;
mod fab;
mod fields;
mod sog;
mod supply;
mod ter;
mod tit;

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use segit_model::{Belfiore, Deed, PropertyId, PropertyKind, Sezione, Validity};

use crate::diag::Diagnostic;
use crate::text::{DEFAULT_MAX_LINE, Encoding, Line};

pub use assemble::StateSource;
pub use fab::{CensusUnit, FabReader};
pub use sog::{CensusSubject, SogReader};
pub use supply::CensusSupply;
pub use ter::{CensusParcel, TerReader};
pub use tit::{CensusHolding, TitReader};

use fields::Values;

/// Where one record was read: the file and its 1-based line. `Display` gives the record id
/// `<file name>:<line>` that evidence cites.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    /// The file, as given to the reader.
    pub file: Arc<Path>,
    /// 1-based line.
    pub line: u64,
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.file.file_name().map_or_else(
            || self.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        write!(f, "{name}:{}", self.line)
    }
}

/// What to do with a FAB category code outside A/1 … F/7 (censuario.md §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownCategory {
    /// Keep the state without a category and report a warning (default: the unit and its
    /// holdings stay linked; the code stays in the diagnostic).
    #[default]
    Keep,
    /// Reject the type-1 record (and its type 2–5 records).
    Reject,
}

/// Group size of TER type-4 (portions) records (censuario.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PortionLayout {
    /// Groups of 6, or of 8 (interchange variant) when the values only fit that (default;
    /// a count fitting both is read as groups of 6 unless only groups of 8 give portion ids
    /// where ids belong).
    #[default]
    Detect,
    /// Groups of 6: id, quality, class, hectares, ares, centiares.
    Standard,
    /// Groups of 8: the six above plus owner's and farming income in euro.
    Interchange,
}

/// Options of the census readers.
#[derive(Debug, Clone)]
pub struct CensusOptions {
    /// Character encoding (Latin-1 by the reference).
    pub encoding: Encoding,
    /// Longest line accepted, in bytes.
    pub max_line: usize,
    /// Most states (FAB/TER) held while assembling one file; further states are rejected.
    pub max_states: usize,
    /// Most repeating groups kept per state and record type; further groups are reported.
    pub max_groups: usize,
    /// Unknown FAB category codes.
    pub unknown_category: UnknownCategory,
    /// TER type-4 group size.
    pub portion_layout: PortionLayout,
    /// With [`Encoding::Latin1`]: a line whose bytes form valid UTF-8 with multi-byte
    /// sequences is decoded as UTF-8 (a file written by a tool that ignored the layout's
    /// single-byte encoding), reported once per file as a repair. Latin-1 census text (upper-case
    /// letters, `À`…`Ù`, `°`) practically never forms such sequences. On by default.
    pub detect_utf8: bool,
    /// Updates supplies (§8): when state *n*−1 of a property is still open and state *n* is in
    /// the supply, close *n*−1 with the generating deed of *n* (reported as a repair). Off by
    /// default: the supply is taken as written and the open state *n*−1 reported as a warning.
    pub close_superseded: bool,
}

impl Default for CensusOptions {
    fn default() -> Self {
        Self {
            encoding: Encoding::Latin1,
            max_line: DEFAULT_MAX_LINE,
            max_states: 5_000_000,
            max_groups: 10_000,
            unknown_category: UnknownCategory::Keep,
            portion_layout: PortionLayout::Detect,
            detect_utf8: true,
            close_superseded: false,
        }
    }
}

/// Opens a supply file: a missing, unreadable or empty file is a diagnostic naming it.
fn open_file(path: &Path) -> Result<BufReader<File>, Diagnostic> {
    let file = File::open(path).map_err(|e| {
        Diagnostic::rejected(path, 0, None, format!("the file cannot be opened: {e}"))
    })?;
    let mut reader = BufReader::new(file);
    match reader.fill_buf() {
        Ok([]) => Err(Diagnostic::rejected(path, 0, None, "the file is empty")),
        Ok(_) => Ok(reader),
        Err(e) => Err(Diagnostic::rejected(
            path,
            0,
            None,
            format!("the file cannot be read: {e}"),
        )),
    }
}

/// Reports some findings once per file: the first record without the final pipe, the first
/// record of each type with extra trailing values.
#[derive(Debug, Default)]
struct OnceWarnings(HashSet<&'static str>);

impl OnceWarnings {
    /// Final pipe and extra values of one record of kind `kind` documented with `documented`
    /// values.
    fn check(&mut self, v: &mut Values<'_>, kind: &'static str, documented: usize) {
        if !v.final_pipe && self.0.insert("final pipe") {
            let line = v.line();
            v.warn(
                "separatore finale",
                format!(
                    "the record does not end with a pipe; read as if it did \
                     (first such record of the file, line {line})"
                ),
            );
        }
        if v.len() > documented && self.0.insert(kind) {
            let n = v.len();
            v.warn(
                "valori aggiuntivi",
                format!(
                    "{kind} record with {n} values, {documented} documented; extra trailing \
                     values ignored (reported once per file)"
                ),
            );
        }
    }
}

impl OnceWarnings {
    /// Re-decodes as UTF-8 a line read as Latin-1 whose bytes are valid UTF-8 with multi-byte
    /// sequences (see [`CensusOptions::detect_utf8`]); the first time in a file, returns the
    /// repair to report.
    /// A UTF-8 byte-order mark read as Latin-1 (`ï»¿`) opening the file is dropped silently.
    fn decode_utf8(&mut self, line: &mut Line, file: &Path) -> Option<Diagnostic> {
        if line.number == 1
            && let Some(rest) = line.text.strip_prefix("\u{ef}\u{bb}\u{bf}")
        {
            line.text = rest.to_owned();
        }
        if line.text.is_ascii() {
            return None;
        }
        let bytes: Option<Vec<u8>> = line.text.chars().map(|c| u8::try_from(c).ok()).collect();
        line.text = String::from_utf8(bytes?).ok()?;
        self.0.insert("utf-8").then(|| {
            Diagnostic::repaired(
                file,
                line.number,
                None,
                "line encoded in UTF-8, not Latin-1; decoded as UTF-8 (first such line of the \
                 file; later ones are decoded silently)",
            )
        })
    }
}

/// Whether UTF-8 detection applies with `options`.
fn detects_utf8(options: &CensusOptions) -> bool {
    options.detect_utf8 && options.encoding == Encoding::Latin1
}

/// The common key of FAB and TER records (censuario.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CommonKey {
    property: PropertyId,
    progressive: u32,
    record_type: u8,
}

/// Parses fields 1–6; `kind` is the cadastre the file belongs to.
fn common_key(v: &Values<'_>, kind: PropertyKind) -> Result<CommonKey, Diagnostic> {
    if v.len() < 6 {
        return Err(Diagnostic::rejected(
            v.file(),
            v.line(),
            None,
            format!("{} values, fewer than the 6 of the common key", v.len()),
        ));
    }
    let (belfiore, section) = municipality(v)?;
    let id = v.required_u64(3, "identificativo immobile")?;
    let found =
        PropertyKind::parse(v.raw(4)).map_err(|e| v.reject("tipo immobile", e.to_string()))?;
    if found != kind {
        return Err(v.reject(
            "tipo immobile",
            format!(
                "{} in a file of the {} cadastre",
                found.letter(),
                kind.letter()
            ),
        ));
    }
    let progressive = u32::try_from(v.required_u64(5, "progressivo")?)
        .map_err(|_| v.reject("progressivo", "out of range"))?;
    let record_type = v
        .required_u64(6, "tipo record")
        .ok()
        .and_then(|t| u8::try_from(t).ok())
        .ok_or_else(|| {
            v.reject(
                "tipo record",
                format!("{:?} is not a record type", v.raw(6)),
            )
        })?;
    Ok(CommonKey {
        property: PropertyId {
            belfiore,
            section,
            id,
            kind,
        },
        progressive,
        record_type,
    })
}

/// Fields 1 and 2 of every census record: Belfiore code and section.
fn municipality(v: &Values<'_>) -> Result<(Belfiore, Option<Sezione>), Diagnostic> {
    let belfiore =
        Belfiore::parse(v.raw(1)).map_err(|e| v.reject("codice amministrativo", e.to_string()))?;
    let section =
        Sezione::parse_optional(v.raw(2)).map_err(|e| v.reject("sezione", e.to_string()))?;
    Ok((belfiore, section))
}

/// Validity of a state or holding from its deeds (closing date excluded, §8).
///
/// The start is the generating efficacy date; when it is empty, the registration date, and
/// when that is empty too, the original survey (`01010001`) — both reported as repairs. The end
/// is the closing efficacy date, else the closing registration date (repaired); a closing deed
/// without any date leaves the state open with a warning. An end before the start rejects the
/// record.
fn validity(
    v: &mut Values<'_>,
    generating: Option<&Deed>,
    closing: Option<&Deed>,
    start_field: &str,
    end_field: &str,
) -> Result<Validity, Diagnostic> {
    let from = match generating.and_then(|d| d.efficacy_date) {
        Some(d) => d,
        None => {
            if let Some(r) = generating.and_then(|d| d.registration_date) {
                v.repair(
                    start_field,
                    "empty; the registration date of the generating deed is used",
                );
                r
            } else {
                v.repair(
                    start_field,
                    "empty; valid since the original survey (01010001)",
                );
                Validity::original_survey()
            }
        }
    };
    let to: Option<NaiveDate> = match closing {
        None => None,
        Some(c) => match (c.efficacy_date, c.registration_date) {
            (Some(e), _) => Some(e),
            (None, Some(r)) => {
                v.repair(
                    end_field,
                    "empty; the registration date of the closing deed is used",
                );
                Some(r)
            }
            (None, None) => {
                v.warn(
                    end_field,
                    "closing deed without dates; treated as still current",
                );
                None
            }
        },
    };
    Validity::new(from, to).map_err(|e| v.reject(end_field, e.to_string()))
}
