//! Counting records and findings per kind, and observing progress while reading.

use std::path::Path;

use serde::Serialize;

use super::kind::SourceKind;
use crate::diag::{Diagnostic, Item, Severity};

/// Counts of one kind of source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindStats {
    /// files read
    pub files: u64,
    /// records read: loaded + rejected
    pub read: u64,
    /// records kept (a FAB/TER record is one property with all its states)
    pub loaded: u64,
    /// records (or whole files) rejected
    pub rejected: u64,
    /// records loaded after a repair
    pub repaired: u64,
    /// warnings
    pub warnings: u64,
}

impl KindStats {
    /// Counts one diagnostic.
    pub fn count(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.severity {
            Severity::Rejected => {
                self.rejected += 1;
                self.read += 1;
            }
            Severity::Repaired => self.repaired += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// Counts one loaded record.
    pub fn loaded(&mut self) {
        self.loaded += 1;
        self.read += 1;
    }

    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &KindStats) {
        self.files += other.files;
        self.read += other.read;
        self.loaded += other.loaded;
        self.rejected += other.rejected;
        self.repaired += other.repaired;
        self.warnings += other.warnings;
    }
}

/// Observes the ingest while it runs (the command line draws progress bars from it).
pub trait Progress {
    /// A file of `kind` starts being read.
    fn file_started(&mut self, kind: SourceKind, path: &Path);
    /// `n` more records were read from the current file.
    fn records(&mut self, n: u64);
    /// The current file is read.
    fn file_finished(&mut self, kind: SourceKind, path: &Path, stats: &KindStats);
    /// A later stage starts (linking, merging with the store, writing a collection).
    fn stage(&mut self, name: &str);
}

/// A progress observer that shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn file_started(&mut self, _kind: SourceKind, _path: &Path) {}
    fn records(&mut self, _n: u64) {}
    fn file_finished(&mut self, _kind: SourceKind, _path: &Path, _stats: &KindStats) {}
    fn stage(&mut self, _name: &str) {}
}

/// Records between two progress updates.
const PROGRESS_STEP: u64 = 1024;

/// Drains a reader: records are returned, diagnostics counted into `stats` and kept in `diags`.
pub fn drain<T>(
    mut items: impl Iterator<Item = Item<T>>,
    stats: &mut KindStats,
    diags: &mut Vec<Diagnostic>,
    progress: &mut dyn Progress,
) -> Vec<T> {
    let mut records = Vec::new();
    drain_some(&mut items, usize::MAX, &mut records, stats, diags, progress);
    records
}

/// Drains at most `max` records of a reader into `out` (diagnostics counted and kept as by
/// [`drain`]); returns whether the reader is exhausted.
pub fn drain_some<T>(
    items: &mut dyn Iterator<Item = Item<T>>,
    max: usize,
    out: &mut Vec<T>,
    stats: &mut KindStats,
    diags: &mut Vec<Diagnostic>,
    progress: &mut dyn Progress,
) -> bool {
    let mut taken = 0;
    let mut pending = 0;
    let exhausted = loop {
        if taken == max {
            break false;
        }
        let Some(item) = items.next() else {
            break true;
        };
        match item {
            Item::Record(r) => {
                stats.loaded();
                out.push(r);
                taken += 1;
            }
            Item::Diagnostic(d) => {
                stats.count(&d);
                diags.push(d);
            }
        }
        pending += 1;
        if pending == PROGRESS_STEP {
            progress.records(pending);
            pending = 0;
        }
    };
    progress.records(pending);
    exhausted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drain_counts_records_and_diagnostics() {
        let file = Path::new("x.csv");
        let items = vec![
            Item::Record(1),
            Item::Diagnostic(Diagnostic::rejected(file, 2, Some("a"), "bad")),
            Item::Diagnostic(Diagnostic::repaired(file, 3, None, "fixed")),
            Item::Record(3),
            Item::Diagnostic(Diagnostic::warning(file, 4, None, "odd")),
            Item::Record(4),
        ];
        let mut stats = KindStats::default();
        let mut diags = Vec::new();
        let records = drain(items.into_iter(), &mut stats, &mut diags, &mut NoProgress);
        assert_eq!(records, vec![1, 3, 4]);
        assert_eq!(diags.len(), 3);
        assert_eq!(
            (
                stats.read,
                stats.loaded,
                stats.rejected,
                stats.repaired,
                stats.warnings
            ),
            (4, 3, 1, 1, 1)
        );
    }
}
