//! The ingest pipeline: a supply directory → the published collections of the store, in one
//! transaction.
//!
//! 1. Reading ([`SupplyReader`]): every file is classified by name ([`SourceKind::detect`])
//!    or taken as the `--kind` given, and read by its reader; diagnostics and counts per kind
//!    are collected, progress is reported to a [`Progress`]. Files are read in one fixed order
//!    ([`SourceKind::ALL`], then by path), each group just before the collections it feeds are
//!    built, and records are dropped once the last collection they feed is built
//!    ([`read_supply`] reads everything at once).
//! 2. Linking and publishing ([`crate::link`], [`crate::publish`]): one layer per collection
//!    the supply feeds, every link with its method and confidence, link rates per source.
//! 3. [`ingest`]: each layer, as soon as it is built, is merged with the versions the store
//!    holds ([`crate::history::merge`], read back with `Identity::System`) and written through
//!    one `IngestSink`: the ingest lands whole or not at all. A collection whose merged content
//!    equals what is stored is not rewritten, so re-ingesting a supply changes nothing.

mod duplicates;
mod kind;
mod load;
mod read;
mod read_ahead;
mod registers;
mod report;
mod stats;

use chrono::NaiveDate;
use segit_query::Crs;

pub use kind::SourceKind;
pub use load::{IngestError, ingest};
pub use read::{ReadOutcome, SupplyData, SupplyReader, classify, list_files, read_supply};
pub use registers::Registers;
pub use report::{CollectionOutcome, ExitStatus, IngestReport, write_diagnostics};
pub use stats::{KindStats, NoProgress, Progress};

use crate::censuario::CensusOptions;

/// Options of one ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// read every file whose name is not recognised as this kind; skip files of other kinds
    pub kind: Option<SourceKind>,
    /// the CRS of the CXF export (else `crs.txt` beside the CXF files)
    pub cxf_crs: Option<Crs>,
    /// CRS the geometries are stored in
    pub storage_crs: Crs,
    /// date of the supply: versions of snapshot sources start (and replaced ones end) then
    pub supply_date: NaiveDate,
    /// options of the census readers
    pub census: CensusOptions,
}

impl IngestOptions {
    /// Default options for a supply of `supply_date` stored in `storage_crs`.
    pub fn new(storage_crs: Crs, supply_date: NaiveDate) -> Self {
        Self {
            kind: None,
            cxf_crs: None,
            storage_crs,
            supply_date,
            census: CensusOptions::default(),
        }
    }
}
