//! `.SOG` reader (censuario.md §6): subjects, natural persons (`P`, 11 values) and legal
//! entities (`G`, 7 values), streamed record by record.
//!
//! Readings:
//!
//! - the codice fiscale is kept as written in a [`TaxId`]; an invalid one gives a warning with
//!   file, line and field `codice fiscale` (identifiers.md §3: never rejected for that alone);
//! - sex `1`/`2` or `M`/`F`; another value, or a birthplace or seat that is not a Belfiore
//!   code, is left empty with a repair; an impossible birth date rejects the record (§2);
//! - the subject key is (codice, identificativo soggetto, tipo soggetto) (§6): a repeated key
//!   with the same data is reported and not yielded again; with different data it is reported
//!   and yielded (both versions are kept, the warning names the first line).

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use segit_model::{Belfiore, Sex, Subject, SubjectDetails, SubjectId, SubjectKind, TaxId};

use super::fields::Values;
use super::{CensusOptions, OnceWarnings, SourceRef, detects_utf8, municipality, open_file};
use crate::diag::{Diagnostic, Item};
use crate::text::{Line, LineReader};

/// A subject and the record it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct CensusSubject {
    /// The subject.
    pub subject: Subject,
    /// The SOG record.
    pub source: SourceRef,
}

/// Reader of a `.SOG` file: one [`CensusSubject`] per record, diagnostics before the record
/// they concern.
pub struct SogReader<R> {
    lines: LineReader<R>,
    file: Arc<Path>,
    once: OnceWarnings,
    detect_utf8: bool,
    seen: HashMap<SubjectId, (u64, u64)>,
    pending: VecDeque<Item<CensusSubject>>,
}

impl<R: BufRead> SogReader<R> {
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
            seen: HashMap::new(),
            pending: VecDeque::new(),
        }
    }

    fn process(&mut self, line: &Line) {
        if super::fields::is_blank(&line.text) {
            return;
        }
        let file = Arc::clone(&self.file);
        let mut v = Values::split(&line.text, &file, line.number);
        match parse_subject(&mut v, &mut self.once) {
            Err(d) => self.pending.push_back(Item::Diagnostic(d)),
            Ok(subject) => {
                let mut hasher = DefaultHasher::new();
                for i in 5..=v.len() {
                    v.raw(i).hash(&mut hasher);
                }
                let digest = hasher.finish();
                let key = subject.subject_id();
                let mut repeat = false;
                if let Some(&(first_digest, first_line)) = self.seen.get(&key) {
                    if first_digest == digest {
                        repeat = true;
                        v.warn(
                            "identificativo soggetto",
                            format!("same subject as line {first_line}; record not repeated"),
                        );
                    } else {
                        v.warn(
                            "identificativo soggetto",
                            format!(
                                "subject id {} {} already read at line {first_line} with \
                                 different data; both kept",
                                key.id,
                                key.kind.letter()
                            ),
                        );
                    }
                } else {
                    self.seen.insert(key, (digest, line.number));
                }
                self.pending
                    .extend(v.findings.drain(..).map(Item::Diagnostic));
                if !repeat {
                    self.pending.push_back(Item::Record(CensusSubject {
                        subject,
                        source: SourceRef {
                            file,
                            line: line.number,
                        },
                    }));
                }
            }
        }
    }
}

impl SogReader<std::io::BufReader<std::fs::File>> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Self::open_with(path, &CensusOptions::default())
    }

    /// Opens a file with `options`.
    pub fn open_with(path: &Path, options: &CensusOptions) -> Result<Self, Diagnostic> {
        Ok(Self::with_options(open_file(path)?, path, options))
    }
}

impl<R: BufRead> Iterator for SogReader<R> {
    type Item = Item<CensusSubject>;

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

/// Parses one SOG record.
fn parse_subject(v: &mut Values<'_>, once: &mut OnceWarnings) -> Result<Subject, Diagnostic> {
    if v.len() < 4 {
        return Err(v.reject_count("SOG", 4));
    }
    let kind =
        SubjectKind::parse(v.raw(4)).map_err(|e| v.reject("tipo soggetto", e.to_string()))?;
    let (min, label) = match kind {
        SubjectKind::NaturalPerson => (11, "type-P"),
        SubjectKind::LegalEntity => (7, "type-G"),
    };
    if v.len() < min {
        return Err(v.reject_count(label, min));
    }
    let (belfiore, _section) = municipality(v)?;
    let id = v.required_u64(3, "identificativo soggetto")?;
    let (tax_code, details) = match kind {
        SubjectKind::NaturalPerson => {
            let birth_date = v.date(8, "data di nascita")?;
            let sex = match v.raw(7) {
                "" => None,
                raw => match Sex::parse(raw) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        v.repair("sesso", format!("{e}; value left empty"));
                        None
                    }
                },
            };
            let surname = v.raw(5).into();
            let given_name = v.raw(6).into();
            let birthplace = belfiore_field(v, 9, "luogo di nascita");
            let tax_code = tax_code(v, 10);
            let details = SubjectDetails {
                surname,
                given_name,
                sex,
                birth_date,
                birthplace,
                notes: v.text(11).map(Into::into),
                ..SubjectDetails::default()
            };
            (tax_code, details)
        }
        SubjectKind::LegalEntity => {
            let name = v.raw(5).into();
            let seat = belfiore_field(v, 6, "sede");
            let details = SubjectDetails {
                name,
                seat,
                ..SubjectDetails::default()
            };
            (tax_code(v, 7), details)
        }
    };
    once.check(v, label, min);
    Ok(Subject {
        belfiore,
        id,
        kind,
        tax_code,
        details: details.boxed(),
    })
}

/// An optional Belfiore code; a malformed one is left empty with a repair.
fn belfiore_field(v: &mut Values<'_>, pos: usize, field: &str) -> Option<Belfiore> {
    match v.raw(pos) {
        "" => None,
        raw => match Belfiore::parse(raw) {
            Ok(b) => Some(b),
            Err(e) => {
                v.repair(field, format!("{e}; value left empty"));
                None
            }
        },
    }
}

/// The codice fiscale as written; an invalid one is kept and reported as a warning.
fn tax_code(v: &mut Values<'_>, pos: usize) -> Option<TaxId> {
    let id = TaxId::from_written(v.raw(pos)).ok()?;
    if let Some(e) = id.validation_error() {
        v.warn(
            "codice fiscale",
            format!("invalid codice fiscale kept as written: {e}"),
        );
    }
    Some(id)
}

impl Values<'_> {
    /// A rejection for a record with fewer values than `min`.
    pub(crate) fn reject_count(&self, what: &str, min: usize) -> Diagnostic {
        Diagnostic::rejected(
            self.file(),
            self.line(),
            None,
            format!(
                "{what} record with {} values, at least {min} required",
                self.len()
            ),
        )
    }
}
