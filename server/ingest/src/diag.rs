//! Diagnostics: every rejected or repaired record, with file, line, field and reason.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// What happened to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// the record was not loaded
    Rejected,
    /// the record was loaded after a documented repair (e.g. a ring closed)
    Repaired,
    /// the record was loaded as written, but something in it deserves attention
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Rejected => "rejected",
            Severity::Repaired => "repaired",
            Severity::Warning => "warning",
        })
    }
}

/// One finding about one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// file the record came from
    pub file: PathBuf,
    /// 1-based line (0 when the finding concerns the whole file)
    pub line: u64,
    /// field name or position, when one field is at fault
    pub field: Option<String>,
    /// what is wrong, precisely
    pub reason: String,
    /// what was done with the record
    pub severity: Severity,
}

impl Diagnostic {
    /// A rejected record.
    pub fn rejected(
        file: &Path,
        line: u64,
        field: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(file, line, field, reason, Severity::Rejected)
    }

    /// A repaired record.
    pub fn repaired(
        file: &Path,
        line: u64,
        field: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(file, line, field, reason, Severity::Repaired)
    }

    /// A warning.
    pub fn warning(file: &Path, line: u64, field: Option<&str>, reason: impl Into<String>) -> Self {
        Self::new(file, line, field, reason, Severity::Warning)
    }

    fn new(
        file: &Path,
        line: u64,
        field: Option<&str>,
        reason: impl Into<String>,
        severity: Severity,
    ) -> Self {
        Self {
            file: file.to_path_buf(),
            line,
            field: field.map(str::to_owned),
            reason: reason.into(),
            severity,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.file.display(),
            self.line,
            self.severity
        )?;
        if let Some(field) = &self.field {
            write!(f, " [{field}]")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What a reader yields: a record, or a finding about the input. A repaired record is yielded
/// as its `Repaired` diagnostic followed by the record; a rejected one as its diagnostic only.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<T> {
    /// a record read (possibly after a repair reported just before it)
    Record(T),
    /// a finding about the input
    Diagnostic(Diagnostic),
}

impl<T> Item<T> {
    /// The record, if this is one.
    pub fn record(self) -> Option<T> {
        match self {
            Item::Record(r) => Some(r),
            Item::Diagnostic(_) => None,
        }
    }
}

/// Where readers put their diagnostics.
pub trait DiagnosticSink {
    /// Records one diagnostic.
    fn report(&mut self, diagnostic: Diagnostic);
}

impl DiagnosticSink for Vec<Diagnostic> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_line_field_and_reason() {
        let d = Diagnostic::rejected(
            Path::new("censuario/M999.FAB"),
            12,
            Some("data efficacia"),
            "31042018 is not a date",
        );
        assert_eq!(
            d.to_string(),
            "censuario/M999.FAB:12: rejected [data efficacia]: 31042018 is not a date"
        );
    }
}
