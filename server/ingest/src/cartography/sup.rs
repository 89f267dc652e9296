//! Reader of the SUP companion file of a CXF map (cxf.md §7): the graphical areas (integer m²)
//! of the map's parcels and the sheet's counts and totals.
//!
//! Records are two fields, 11 characters of text and 10 of right-aligned integer. The reader
//! does not rely on the widths: the value is the last blank-separated token and the label the
//! text before it (a line without blanks is cut after character 11). Labels `N.FABBRIC` …
//! `SBILANCIO` are recognised wherever they appear (an out-of-order label is a warning, the
//! order being mandatory); any other label between `FABBRIC` and `PARTIC` is a parcel code.
//! Latin-1, CR LF or LF, blank lines ignored.
//!
//! [`SupFile`] gathers the records of one file and checks them against each other (the rule
//! Q04 facts: non-zero SBILANCIO, totals that do not add up) — stored as read and reported,
//! never corrected.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_model::SheetKey;

use super::cxf::parse_int;
use crate::diag::{Diagnostic, Item};
use crate::text::{Encoding, LineReader};

/// The `N.*` count records, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SupCount {
    /// `N.FABBRIC`: building BORDOs
    Buildings,
    /// `N.PARTIC`: parcel BORDOs (a parcel in two parts counts twice)
    Parcels,
    /// `N.STRADE`: road BORDOs
    Roads,
    /// `N.ACQUE`: water BORDOs
    Waters,
    /// `N.SVIL-ALL`: annex/development holes of the sheet boundary
    Annexes,
}

/// The total records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SupTotal {
    /// `FABBRIC`: total building area
    Buildings,
    /// `PARTIC`: total parcel area
    Parcels,
    /// `STRADE`: total road area
    Roads,
    /// `ACQUE`: total water area
    Waters,
    /// `SVIL-ALL`: total area of annex/development holes
    Annexes,
    /// `TOTALE` = PARTIC + STRADE + ACQUE + SVIL-ALL
    Total,
    /// `CONFINE`: area enclosed by the outer ring of the sheet boundary
    Boundary,
    /// `SBILANCIO` = TOTALE − CONFINE
    Imbalance,
}

/// One SUP record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupRecord {
    /// record 1: map name and generation date
    Header {
        /// map name as written
        map_name: String,
        /// the sheet key, when the map name is one
        sheet: Option<SheetKey>,
        /// generation date (`None` when not a valid `YYYYMMDD`, reported)
        generated: Option<NaiveDate>,
    },
    /// an `N.*` record
    Count(SupCount, i64),
    /// a total record
    Total(SupTotal, i64),
    /// one parcel area (one record per part of a multi-part parcel)
    ParcelArea {
        /// line of the record
        line: u64,
        /// the parcel code as written (a sheet key in an assembly index)
        code: String,
        /// area in m²
        area: i64,
    },
}

/// Position of a labelled record in the mandatory order (parcel areas sit at 7).
fn label(name: &str) -> Option<(usize, SupRecordLabel)> {
    use SupRecordLabel::{Count as C, Total as T};
    Some(match name {
        "N.FABBRIC" => (1, C(SupCount::Buildings)),
        "N.PARTIC" => (2, C(SupCount::Parcels)),
        "N.STRADE" => (3, C(SupCount::Roads)),
        "N.ACQUE" => (4, C(SupCount::Waters)),
        "N.SVIL-ALL" => (5, C(SupCount::Annexes)),
        "FABBRIC" => (6, T(SupTotal::Buildings)),
        "PARTIC" => (8, T(SupTotal::Parcels)),
        "STRADE" => (9, T(SupTotal::Roads)),
        "ACQUE" => (10, T(SupTotal::Waters)),
        "SVIL-ALL" => (11, T(SupTotal::Annexes)),
        "TOTALE" => (12, T(SupTotal::Total)),
        "CONFINE" => (13, T(SupTotal::Boundary)),
        "SBILANCIO" => (14, T(SupTotal::Imbalance)),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum SupRecordLabel {
    Count(SupCount),
    Total(SupTotal),
}

/// Streaming reader of one SUP file.
pub struct SupReader<R> {
    lines: LineReader<R>,
    file: PathBuf,
    /// position reached in the mandatory order (0 = nothing read)
    position: usize,
    pending: Option<Item<SupRecord>>,
}

impl SupReader<BufReader<File>> {
    /// Opens a SUP file; a missing or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        let file = File::open(path).map_err(|e| {
            Diagnostic::rejected(path, 0, None, format!("cannot open the SUP file: {e}"))
        })?;
        if file.metadata().is_ok_and(|m| m.len() == 0) {
            return Err(Diagnostic::rejected(path, 0, None, "the SUP file is empty"));
        }
        Ok(Self::new(BufReader::new(file), path))
    }
}

impl<R: BufRead> SupReader<R> {
    /// Reads `input` (named `file` in diagnostics).
    pub fn new(input: R, file: &Path) -> Self {
        Self {
            lines: LineReader::new(input, file, Encoding::Latin1).with_max_line(1024),
            file: file.to_path_buf(),
            position: 0,
            pending: None,
        }
    }

    fn record(&mut self, number: u64, text: &str) -> Item<SupRecord> {
        let t = text.trim();
        let (name, value) = match t.rsplit_once([' ', '\t']) {
            Some((n, v)) => (n.trim(), v.trim()),
            None if t.len() > 11 && t.is_char_boundary(11) => t.split_at(11),
            None => (t, ""),
        };
        let upper = name.to_ascii_uppercase();
        if self.position == 0 {
            self.position = 1;
            let sheet = SheetKey::parse(name).ok();
            let generated = NaiveDate::parse_from_str(value, "%Y%m%d").ok();
            if generated.is_none() || value.len() != 8 {
                let d = Diagnostic::warning(
                    &self.file,
                    number,
                    Some("data generazione"),
                    format!("'{value}' is not a YYYYMMDD date"),
                );
                self.pending = Some(Item::Record(SupRecord::Header {
                    map_name: name.to_owned(),
                    sheet,
                    generated: None,
                }));
                return Item::Diagnostic(d);
            }
            return Item::Record(SupRecord::Header {
                map_name: name.to_owned(),
                sheet,
                generated,
            });
        }
        let Some(v) = parse_int(value) else {
            return Item::Diagnostic(Diagnostic::rejected(
                &self.file,
                number,
                Some(if name.is_empty() { "record" } else { name }),
                format!("'{t}' is not a label followed by an integer"),
            ));
        };
        let (position, record) = match label(&upper) {
            Some((p, SupRecordLabel::Count(c))) => (p + 1, SupRecord::Count(c, v)),
            Some((p, SupRecordLabel::Total(c))) => (p + 1, SupRecord::Total(c, v)),
            None => (
                8,
                SupRecord::ParcelArea {
                    line: number,
                    code: name.to_owned(),
                    area: v,
                },
            ),
        };
        let in_order = if position == 8 {
            // parcel areas follow FABBRIC (position 7) and precede PARTIC
            self.position == 7 || self.position == 8
        } else {
            position > self.position
        };
        let out_of_order = (!in_order).then(|| {
            Diagnostic::warning(
                &self.file,
                number,
                Some(if name.is_empty() { "record" } else { name }),
                "record out of the mandatory order",
            )
        });
        self.position = self.position.max(position);
        match out_of_order {
            Some(d) => {
                self.pending = Some(Item::Record(record));
                Item::Diagnostic(d)
            }
            None => Item::Record(record),
        }
    }
}

impl<R: BufRead> Iterator for SupReader<R> {
    type Item = Item<SupRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        loop {
            return match self.lines.next()? {
                Err(d) => Some(Item::Diagnostic(d)),
                Ok(l) if l.text.trim().is_empty() => continue,
                Ok(l) => Some(self.record(l.number, &l.text)),
            };
        }
    }
}

/// All the records of one SUP file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupFile {
    /// map name of record 1
    pub map_name: Option<String>,
    /// sheet key of record 1
    pub sheet: Option<SheetKey>,
    /// generation date
    pub generated: Option<NaiveDate>,
    /// the `N.*` records
    pub counts: BTreeMap<SupCount, i64>,
    /// the total records
    pub totals: BTreeMap<SupTotal, i64>,
    /// parcel code (as written, upper case) → areas of its parts, in file order
    pub parcel_areas: BTreeMap<String, Vec<i64>>,
    /// number of parcel area records
    pub parcel_records: usize,
}

impl SupFile {
    /// Reads a whole SUP; the diagnostics are the reader's plus the consistency checks.
    pub fn read<R: BufRead>(reader: SupReader<R>) -> (Self, Vec<Diagnostic>) {
        let file = reader.file.clone();
        let mut sup = Self::default();
        let mut diags = Vec::new();
        for item in reader {
            match item {
                Item::Diagnostic(d) => diags.push(d),
                Item::Record(SupRecord::Header {
                    map_name,
                    sheet,
                    generated,
                }) => {
                    sup.map_name = Some(map_name);
                    sup.sheet = sheet;
                    sup.generated = generated;
                }
                Item::Record(SupRecord::Count(c, v)) => {
                    sup.counts.insert(c, v);
                }
                Item::Record(SupRecord::Total(t, v)) => {
                    sup.totals.insert(t, v);
                }
                Item::Record(SupRecord::ParcelArea { code, area, .. }) => {
                    sup.parcel_records += 1;
                    sup.parcel_areas
                        .entry(code.to_ascii_uppercase())
                        .or_default()
                        .push(area);
                }
            }
        }
        diags.extend(sup.check(&file));
        (sup, diags)
    }

    /// The SUP areas of parcel `code` (one per part, smallest first).
    pub fn areas_of(&self, code: &str) -> Vec<i64> {
        let mut v = self
            .parcel_areas
            .get(&code.to_ascii_uppercase())
            .cloned()
            .unwrap_or_default();
        v.sort_unstable();
        v
    }

    /// Checks the records against each other (warnings, line 0: the whole file).
    pub fn check(&self, file: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut warn = |field: &str, reason: String| {
            out.push(Diagnostic::warning(file, 0, Some(field), reason));
        };
        if self.map_name.is_none() {
            warn("record", "the file has no records".to_owned());
            return out;
        }
        let t = |k: SupTotal| self.totals.get(&k).copied();
        if let Some(s) = t(SupTotal::Imbalance).filter(|s| *s != 0) {
            warn("SBILANCIO", format!("imbalance {s} m² is not 0"));
        }
        let sum: i64 = self.parcel_areas.values().flatten().sum();
        if let Some(p) = t(SupTotal::Parcels).filter(|p| *p != sum) {
            warn(
                "PARTIC",
                format!("PARTIC {p} differs from the sum of parcel areas {sum}"),
            );
        }
        if let Some(n) = self.counts.get(&SupCount::Parcels)
            && usize::try_from(*n).ok() != Some(self.parcel_records)
        {
            warn(
                "N.PARTIC",
                format!(
                    "N.PARTIC {n} but {} parcel area records",
                    self.parcel_records
                ),
            );
        }
        let parts = [
            SupTotal::Parcels,
            SupTotal::Roads,
            SupTotal::Waters,
            SupTotal::Annexes,
        ];
        if let (Some(total), Some(parts)) = (
            t(SupTotal::Total),
            parts.iter().map(|k| t(*k)).sum::<Option<i64>>(),
        ) && total != parts
        {
            warn(
                "TOTALE",
                format!("TOTALE {total} differs from PARTIC+STRADE+ACQUE+SVIL-ALL {parts}"),
            );
        }
        if let (Some(total), Some(boundary), Some(imbalance)) = (
            t(SupTotal::Total),
            t(SupTotal::Boundary),
            t(SupTotal::Imbalance),
        ) && total - boundary != imbalance
        {
            warn(
                "SBILANCIO",
                format!(
                    "SBILANCIO {imbalance} differs from TOTALE − CONFINE {}",
                    total - boundary
                ),
            );
        }
        for label in ["FABBRIC", "PARTIC", "TOTALE", "CONFINE", "SBILANCIO"] {
            let present = label_total(label).is_some_and(|k| self.totals.contains_key(&k));
            if !present {
                warn(label, format!("record {label} missing"));
            }
        }
        out
    }
}

fn label_total(name: &str) -> Option<SupTotal> {
    match label(name)? {
        (_, SupRecordLabel::Total(t)) => Some(t),
        (_, SupRecordLabel::Count(_)) => None,
    }
}
