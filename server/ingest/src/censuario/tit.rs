//! `.TIT` reader (censuario.md §6): holdings, one per record, streamed; every historical
//! holding is kept (an updated holding with the same holding id is a further record, §8).
//!
//! Readings:
//!
//! - validity from field 13 to field 20, closing date excluded (§8); an empty start falls back
//!   to the registration date (field 18), then to the original survey, with a repair;
//! - the right code (field 7) is required, trimmed with inner spaces removed; codes outside the
//!   reference's table are kept as text ([`RightCode`]);
//! - two open records (no closing date) with the same holding id are both kept; the second
//!   is reported as a warning naming the first line;
//! - share `0/0` (or both empty) is "not expressed" (`None`); a share that is not a proper
//!   fraction (numerator above denominator, zero denominator) is left empty with a warning.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use segit_model::{
    Belfiore, Deed, Holding, HoldingDetails, PropertyId, PropertyKind, RightCode, Share, SubjectId,
    SubjectKind,
};

use super::fields::{DeedPositions, Values};
use super::{
    CensusOptions, OnceWarnings, SourceRef, detects_utf8, municipality, open_file, validity,
};
use crate::diag::{Diagnostic, Item};
use crate::text::{Line, LineReader};

/// Fewest values of a TIT record (§2).
const TIT_MIN: usize = 28;
/// Values of a TIT record in the 2007+ layout.
const TIT_DOCUMENTED: usize = 32;

/// A holding and the record it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct CensusHolding {
    /// The holding.
    pub holding: Holding,
    /// The TIT record.
    pub source: SourceRef,
}

/// Reader of a `.TIT` file: one [`CensusHolding`] per record, diagnostics before the record
/// they concern.
pub struct TitReader<R> {
    lines: LineReader<R>,
    file: Arc<Path>,
    once: OnceWarnings,
    detect_utf8: bool,
    open_holdings: HashMap<(Belfiore, u64), u64>,
    pending: VecDeque<Item<CensusHolding>>,
}

impl<R: BufRead> TitReader<R> {
    /// Reads `input` (named `file` in diagnostics) with the default options.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, &CensusOptions::default())
    }

    /// Reads `input` with `options` (encoding and line cap).
    pub fn with_options(input: R, file: &Path, options: &CensusOptions) -> Self {
        Self {
            lines: LineReader::new(input, file, options.encoding).with_max_line(options.max_line),
            file: Arc::from(file),
            once: OnceWarnings::default(),
            detect_utf8: detects_utf8(options),
            open_holdings: HashMap::new(),
            pending: VecDeque::new(),
        }
    }

    fn process(&mut self, line: &Line) {
        if super::fields::is_blank(&line.text) {
            return;
        }
        let file = Arc::clone(&self.file);
        let mut v = Values::split(&line.text, &file, line.number);
        match parse_holding(&mut v, &mut self.once) {
            Err(d) => self.pending.push_back(Item::Diagnostic(d)),
            Ok(holding) => {
                if let Some(id) = holding.holding_id
                    && holding.validity.is_current()
                {
                    match self.open_holdings.entry((holding.belfiore, id)) {
                        Entry::Occupied(first) => v.warn(
                            "identificativo titolarità",
                            format!(
                                "holding {id} already has an open record at line {}; both kept \
                                 (§8: the later record replaces the open one)",
                                first.get()
                            ),
                        ),
                        Entry::Vacant(slot) => {
                            slot.insert(line.number);
                        }
                    }
                }
                self.pending
                    .extend(v.findings.drain(..).map(Item::Diagnostic));
                self.pending.push_back(Item::Record(CensusHolding {
                    holding,
                    source: SourceRef {
                        file,
                        line: line.number,
                    },
                }));
            }
        }
    }
}

impl TitReader<std::io::BufReader<std::fs::File>> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Self::open_with(path, &CensusOptions::default())
    }

    /// Opens a file with `options`.
    pub fn open_with(path: &Path, options: &CensusOptions) -> Result<Self, Diagnostic> {
        Ok(Self::with_options(open_file(path)?, path, options))
    }
}

impl<R: BufRead> Iterator for TitReader<R> {
    type Item = Item<CensusHolding>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.lines.next()? {
                Err(d) => return Some(Item::Diagnostic(d)),
                Ok(mut line) => {
                    if self.detect_utf8
                        && let Some(d) = self.once.decode_utf8(&mut line, &self.file)
                    {
                        self.pending.push_back(Item::Diagnostic(d));
                    }
                    self.process(&line);
                }
            }
        }
    }
}

const GENERATING: DeedPositions = DeedPositions {
    efficacy_name: "data di validità",
    registration_name: "data registrazione atti",
    efficacy: 13,
    registration: 18,
    note_type: 14,
    note_number: 15,
    note_progressive: 16,
    note_year: 17,
    cause_code: Some(29),
    cause_description: Some(30),
};

const CLOSING: DeedPositions = DeedPositions {
    efficacy_name: "data di validità",
    registration_name: "data registrazione atti",
    efficacy: 20,
    registration: 25,
    note_type: 21,
    note_number: 22,
    note_progressive: 23,
    note_year: 24,
    cause_code: Some(31),
    cause_description: Some(32),
};

/// Parses one TIT record.
fn parse_holding(v: &mut Values<'_>, once: &mut OnceWarnings) -> Result<Holding, Diagnostic> {
    if v.len() < TIT_MIN {
        return Err(v.reject_count("TIT", TIT_MIN));
    }
    let (belfiore, section) = municipality(v)?;
    let subject_id = v.required_u64(3, "identificativo soggetto")?;
    let subject_kind =
        SubjectKind::parse(v.raw(4)).map_err(|e| v.reject("tipo soggetto", e.to_string()))?;
    let property_id = v.required_u64(5, "identificativo immobile")?;
    let property_kind =
        PropertyKind::parse(v.raw(6)).map_err(|e| v.reject("tipo immobile", e.to_string()))?;
    let right =
        RightCode::parse(v.raw(7)).map_err(|e| v.reject("codice diritto", e.to_string()))?;
    let share = share(v);
    let generating = v.deed(&GENERATING, "atto generante")?;
    let closing = v.deed(&CLOSING, "atto conclusivo")?;
    let validity = validity(
        v,
        generating.as_ref(),
        closing.as_ref(),
        "data di validità (atto generante)",
        "data di validità (atto conclusivo)",
    )?;
    let holding = Holding {
        belfiore,
        holding_id: v.opt_u64(28, "identificativo titolarità"),
        subject: SubjectId {
            belfiore,
            id: subject_id,
            kind: subject_kind,
        },
        property: PropertyId {
            belfiore,
            section,
            id: property_id,
            kind: property_kind,
        },
        right,
        share,
        validity,
        generating_deed: generating.and_then(Deed::boxed),
        closing_deed: closing.map(Box::new),
        details: HoldingDetails {
            right_text: v.text(8).map(Into::into),
            regime: v.text(11).map(Into::into),
            regime_subject_id: v.opt_u64(12, "soggetto di riferimento"),
            partita: v.text(19).map(Into::into),
            initial_mutation_id: v.opt_u64(26, "identificativo mutazione iniziale"),
            final_mutation_id: v.opt_u64(27, "identificativo mutazione finale"),
        }
        .boxed(),
    };
    once.check(v, "TIT", TIT_DOCUMENTED);
    Ok(holding)
}

/// Fields 9 and 10: `0/0` or both empty is "not expressed".
fn share(v: &mut Values<'_>) -> Option<Share> {
    if v.raw(9).is_empty() && v.raw(10).is_empty() {
        return None;
    }
    let num = v.opt_u64(9, "quota numeratore").unwrap_or(0);
    let den = v.opt_u64(10, "quota denominatore").unwrap_or(0);
    match Share::from_census(num, den) {
        Ok(s) => s,
        Err(e) => {
            v.warn("quota", format!("{e}; share left unexpressed"));
            None
        }
    }
}
