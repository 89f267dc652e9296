//! The ground truth of a written supply (`truth.json`): what each file holds, the malformed
//! records planted in it with the outcome the reference prescribes, and the entity counts an
//! ingest of the directory must arrive at.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plant::CorrelationTruth;

/// The kinds of malformed record the ingest must recognise (Ingest issue, "Bad input").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectKind {
    /// a record cut short: fewer values than the minimum of its type
    TruncatedLine,
    /// a CSV row with another number of fields than the header
    WrongFieldCount,
    /// an impossible calendar date (31 April)
    InvalidDate,
    /// a codice fiscale with a wrong check character (kept, identifiers.md §3)
    InvalidCodiceFiscale,
    /// a cadastral category that does not exist
    UnknownCategory,
    /// a CXF ring whose last vertex differs from the first
    UnclosedRing,
    /// a polygon whose outer ring crosses itself
    SelfIntersecting,
    /// coordinates far outside the area of the declared CRS
    OutsideCrsArea,
    /// a key that appears twice with different data
    DuplicateKey,
    /// a value that does not parse as its column's type
    NonNumeric,
    /// a JSON line that does not parse
    InvalidJson,
    /// a fixed-length record of another length
    WrongRecordLength,
    /// a line in another encoding than the one the reference names for its file (UTF-8 in a
    /// Latin-1 census file, Latin-1 in a UTF-8 register)
    WrongEncoding,
    /// a file without a single byte
    EmptyFile,
    /// a file whose companion the reference requires is missing (a CXF without its SUP)
    MissingCompanion,
}

/// What the reference says an ingest does with a planted record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// not loaded; a diagnostic with file and line
    Rejected,
    /// loaded after a documented repair; a diagnostic
    Repaired,
    /// repaired or rejected at the reader's choice, always reported
    RepairedOrRejected,
    /// reported (warning or rejection: the reference does not say which)
    Reported,
    /// loaded as written; a warning
    Warning,
    /// loaded as written; reported later by a quality rule (Q01), not by the reader
    Kept,
}

/// One planted malformed record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlantedDefect {
    /// file relative to the supply directory
    pub file: String,
    /// 1-based line of the record (for CXF: the line of the section keyword)
    pub line: u64,
    /// field at fault, when one is
    pub field: Option<String>,
    /// what is wrong
    pub defect: DefectKind,
    /// what the ingest must do
    pub outcome: Outcome,
}

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileTruth {
    /// path relative to the supply directory, `/`-separated
    pub path: String,
    /// file kind, as the ingest names it (`fab`, `cxf`, `residents`…)
    pub kind: String,
    /// lines written (0 for binary files)
    pub lines: u64,
    /// size in bytes
    pub bytes: u64,
    /// records written per record kind (`states`, `properties`, `rows`, `parcels`…), planted
    /// records included
    pub records: BTreeMap<String, u64>,
    /// records the ingest must load, in the unit of its counts: one FAB/TER property with all
    /// its states, one SOG subject, one TIT holding, one CSV / JSON Lines row, one IMU
    /// declaration (`B` record with its `D` records), one CXF section (the header counts as
    /// one), one GML / GeoJSON / KML / GeoPackage feature; 0 for companions (`.sup`,
    /// `crs.txt`) read with another file
    pub expected_loaded: u64,
    /// records the ingest must reject
    pub expected_rejected: u64,
    /// planted records the ingest may load or reject ([`Outcome::RepairedOrRejected`],
    /// [`Outcome::Reported`]): counted in neither `expected_loaded` nor `expected_rejected`
    pub expected_either: u64,
}

/// Ground truth of one supply directory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplyTruth {
    /// generator seed
    pub seed: u64,
    /// generator scale
    pub scale: f64,
    /// Belfiore code
    pub belfiore: String,
    /// date of the supply (the extraction date)
    pub supply_date: String,
    /// CRS of the CXF export (`crs.txt`)
    pub cxf_crs: String,
    /// every file, in path order
    pub files: Vec<FileTruth>,
    /// planted malformed records, in file and line order
    pub defects: Vec<PlantedDefect>,
    /// entity counts after an ingest (`units`, `unit_states`, `parcels`, `subjects`, …)
    pub expected: BTreeMap<String, u64>,
    /// planted correlation cases and near misses per rule (see [`crate::plant`])
    pub correlation: CorrelationTruth,
}

impl SupplyTruth {
    /// The truth of the file at `path`.
    pub fn file(&self, path: &str) -> Option<&FileTruth> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The planted defects of the file at `path`.
    pub fn defects_in<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a PlantedDefect> {
        self.defects.iter().filter(move |d| d.file == path)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// Collects the truth while the files are written.
#[derive(Debug, Default)]
pub struct Recorder {
    files: Vec<FileTruth>,
    defects: Vec<PlantedDefect>,
    expected: BTreeMap<String, u64>,
}

impl Recorder {
    /// Records one planted defect.
    pub fn defect(
        &mut self,
        file: &str,
        line: u64,
        field: Option<&str>,
        defect: DefectKind,
        outcome: Outcome,
    ) {
        self.defects.push(PlantedDefect {
            file: file.to_owned(),
            line,
            field: field.map(str::to_owned),
            defect,
            outcome,
        });
    }

    /// Records one file.
    pub fn file(&mut self, truth: FileTruth) {
        self.files.push(truth);
    }

    /// Adds `n` to the expected count of `entity`.
    pub fn expect(&mut self, entity: &str, n: u64) {
        *self.expected.entry(entity.to_owned()).or_default() += n;
    }

    /// Number of planted defects of `file` with one of `outcomes`.
    pub fn planted(&self, file: &str, outcomes: &[Outcome]) -> u64 {
        self.defects
            .iter()
            .filter(|d| d.file == file && outcomes.contains(&d.outcome))
            .count() as u64
    }

    /// The finished truth.
    pub fn finish(
        mut self,
        seed: u64,
        scale: f64,
        belfiore: &str,
        supply_date: &str,
        cxf_crs: &str,
        correlation: CorrelationTruth,
    ) -> SupplyTruth {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.defects
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        SupplyTruth {
            seed,
            scale,
            belfiore: belfiore.to_owned(),
            supply_date: supply_date.to_owned(),
            cxf_crs: cxf_crs.to_owned(),
            files: self.files,
            defects: self.defects,
            expected: self.expected,
            correlation,
        }
    }
}
