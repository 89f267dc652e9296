//! The report of an ingest (records read / loaded / rejected per kind, link rates, collections
//! written), the diagnostics file and the exit status.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::kind::SourceKind;
use super::stats::KindStats;
use crate::diag::{Diagnostic, Severity};
use crate::link::LinkRates;

/// What happened to one collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionOutcome {
    /// collection id
    pub id: String,
    /// features stored before the ingest
    pub stored: u64,
    /// features the supply brought
    pub supplied: u64,
    /// features after the merge
    pub merged: u64,
    /// whether the collection was rewritten (false: nothing changed)
    pub written: bool,
}

/// The outcome of an ingest.
#[derive(Debug, Default, Serialize)]
pub struct IngestReport {
    /// counts per kind of source
    pub kinds: BTreeMap<SourceKind, KindStats>,
    /// link rates per join
    pub links: LinkRates,
    /// collections merged and written
    pub collections: Vec<CollectionOutcome>,
    /// files not read
    pub skipped: Vec<PathBuf>,
    /// every finding
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// How the ingest ended, as a process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// everything was loaded (`0`)
    Success,
    /// the ingest committed, but some records (or files) were rejected (`10`)
    Rejections,
}

impl ExitStatus {
    /// The exit code: 0 success, 10 success with rejected records (failures exit with 1).
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Rejections => 10,
        }
    }
}

impl IngestReport {
    /// Totals over every kind.
    pub fn totals(&self) -> KindStats {
        let mut t = KindStats::default();
        for s in self.kinds.values() {
            t.add(s);
        }
        t
    }

    /// The exit status of a committed ingest.
    pub fn exit_status(&self) -> ExitStatus {
        if self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Rejected)
        {
            ExitStatus::Rejections
        } else {
            ExitStatus::Success
        }
    }
}

impl fmt::Display for IngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<16} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "kind", "files", "read", "loaded", "rejected", "repaired", "warnings"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, s: &KindStats| {
            writeln!(
                f,
                "{:<16} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
                name, s.files, s.read, s.loaded, s.rejected, s.repaired, s.warnings
            )
        };
        for (kind, s) in &self.kinds {
            row(f, kind.name(), s)?;
        }
        row(f, "total", &self.totals())?;
        if !self.links.joins.is_empty() {
            writeln!(f, "\nlinks")?;
            for (join, rate) in &self.links.joins {
                let methods: Vec<String> = rate
                    .by_method
                    .iter()
                    .map(|(m, n)| format!("{m} {n}"))
                    .collect();
                writeln!(
                    f,
                    "  {join:<36} {:>8}/{:<8} {:>6.1}%  {}",
                    rate.linked,
                    rate.total,
                    rate.rate() * 100.0,
                    methods.join(", ")
                )?;
            }
        }
        if !self.collections.is_empty() {
            writeln!(f, "\ncollections")?;
            for c in &self.collections {
                writeln!(
                    f,
                    "  {:<20} stored {:>8}  supplied {:>8}  now {:>8}  {}",
                    c.id,
                    c.stored,
                    c.supplied,
                    c.merged,
                    if c.written { "written" } else { "unchanged" }
                )?;
            }
        }
        if !self.skipped.is_empty() {
            writeln!(
                f,
                "\n{} file(s) not recognised and not read",
                self.skipped.len()
            )?;
        }
        Ok(())
    }
}

/// Writes `diagnostics` as JSON Lines (`file`, `line`, `field`, `reason`, `severity`): every
/// rejected or repaired record, and the warnings.
pub fn write_diagnostics(path: &Path, diagnostics: &[Diagnostic]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    for d in diagnostics {
        serde_json::to_writer(&mut out, d).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_are_written_as_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/diagnostics.jsonl");
        let diags = vec![
            Diagnostic::rejected(Path::new("a.FAB"), 3, Some("categoria"), "Z99 unknown"),
            Diagnostic::repaired(Path::new("b.cxf"), 7, None, "ring closed"),
        ];
        write_diagnostics(&path, &diags).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["file"], "a.FAB");
        assert_eq!(lines[0]["line"], 3);
        assert_eq!(lines[0]["field"], "categoria");
        assert_eq!(lines[0]["severity"], "rejected");
        assert_eq!(lines[1]["field"], serde_json::Value::Null);
        assert_eq!(lines[1]["severity"], "repaired");
    }

    #[test]
    fn rejections_change_the_exit_status() {
        let mut report = IngestReport::default();
        assert_eq!(report.exit_status(), ExitStatus::Success);
        report
            .diagnostics
            .push(Diagnostic::warning(Path::new("x"), 1, None, "odd"));
        assert_eq!(report.exit_status().code(), 0);
        report
            .diagnostics
            .push(Diagnostic::rejected(Path::new("x"), 2, None, "bad"));
        assert_eq!(report.exit_status().code(), 10);
    }
}
