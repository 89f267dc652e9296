//! Readers of the other supplies (other-supplies.md §0–§9), in their normalised schemas:
//! cadastral surfaces, utility contracts, leases and transfer deeds, residents, IMU declarations
//! and F24 payments, OMI quotations, zones and perimeters, the street register and house
//! numbers, topographic buildings and TARI premises; civil-registry deaths
//! (`anagrafe/deaths.csv`, [`DeathsFormat`]) and the zoning plan's buildable zones
//! (`pgt/buildable_zones.geojson`, [`BuildableZone`]), both **project conventions** (the
//! reference names these inputs of R24 and R23 but gives no file layout); and [`discover`], which lists the known
//! files of a supply directory.
//!
//! Every reader yields `Item<Located<T>>`: a record with the line it was read from, or a
//! diagnostic (file, line, field, reason). Records use the `segit-model` types where the model
//! has them ([`segit_model::CadastralSurface`], [`segit_model::Lease`], …); OMI, GeoJSON and
//! GeoPackage records are defined here because they carry geometry or OMI-only attributes.
//!
//! Conventions shared by all readers (other-supplies.md §0, identifiers.md §3):
//! - a malformed row (wrong field count, impossible date, non-numeric value, invalid UTF-8, a
//!   JSON line that does not parse, an unparseable key) is rejected naming its field, and the
//!   rest of the file is read;
//! - codici fiscali and VAT numbers are kept as written ([`segit_model::TaxId`]); an invalid
//!   one is a **warning** with file, line and field, never a rejection on its own;
//! - a header lacking a required column is one diagnostic on the header's line (1; 2 in the
//!   OMI files, after their title line) and no rows;
//! - every reader has `open(path)`: a missing, unreadable or empty file is a diagnostic naming
//!   it (line 0). Text readers also have `new(input, file)` over any `BufRead` (GeoJSON: any
//!   `Read`); the GeoPackage reader opens files only (SQLite).

mod csv;
mod deaths;
mod discover;
mod f24;
mod fields;
mod geojson;
mod geometry;
mod gpkg;
mod imu;
mod jsonl;
mod kml;
mod omi;
mod residents;
mod streets;
mod surface;
mod tari;
mod utility;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::diag::Diagnostic;

pub use csv::{Column, CsvFormat, CsvReader, Dialect, Row};
pub use deaths::{DeathRecord, DeathsFormat, DeathsReader};
pub use discover::{SupplyKind, discover};
pub use f24::{F24Format, F24Reader};
pub use geojson::{
    BuildableZone, BuildableZoneFormat, BuildableZonesReader, GeoJsonFormat, GeoJsonOptions,
    GeoJsonReader, HouseNumberFormat, HouseNumberPoint, HouseNumbersReader, Microzone,
    MicrozoneFormat, MicrozonesReader, Note,
};
pub use gpkg::{BuildingFootprint, BuildingsReader};
pub use imu::{ImuOptions, ImuReader, RECORD_CHARS};
pub use jsonl::{JsonLinesReader, JsonRecord, LeasesReader, TransferDeedsReader};
pub use kml::{KmlOptions, OmiPerimeter, OmiPerimetersReader};
pub use omi::{
    OmiMunicipality, OmiQuotation, OmiValuesFormat, OmiValuesReader, OmiZone, OmiZonesFormat,
    OmiZonesReader,
};
pub use residents::{ResidentsFormat, ResidentsReader, households};
pub use streets::{StreetsFormat, StreetsReader};
pub use surface::{CadastralSurfaceReader, SurfaceFormat};
pub use tari::{TariFormat, TariReader};
pub use utility::{UtilityFormat, UtilitySupplyReader};

/// A record and where it was read: the 1-based line of a text file (the first line of the
/// record), or as documented by the reader (GeoPackage: the feature id).
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// 1-based line (see the reader for non-line formats).
    pub line: u64,
    /// The record.
    pub record: T,
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

/// Parses a calendar year (1000–9999).
fn year(s: &str) -> Result<i32, String> {
    let y: i32 = fields::unsigned(s)?;
    if (1000..=9999).contains(&y) {
        Ok(y)
    } else {
        Err(format!("{s} is not a four-digit year"))
    }
}
