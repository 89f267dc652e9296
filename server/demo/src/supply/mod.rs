//! The demo municipality written as a **supply directory** in the formats of the Agenzia delle
//! Entrate and of the municipal registers (`shared/domain/other-supplies.md` §0.1), so that
//! `segit demo` can go through the real path: write the supplies, then ingest them.
//!
//! | folder | files | writer |
//! | --- | --- | --- |
//! | `cartografia/` | `<sheetkey>.cxf` + `.sup` per sheet, `crs.txt` | [`cartography`] |
//! | `cartografia/inspire/` | `<Belfiore>_ple.gml`, `<Belfiore>_map.gml` | [`inspire`] |
//! | `censuario/` | `<Belfiore><request>.FAB`, `.TER`, `.SOG`, `.TIT` | [`census`], [`holders`] |
//! | `superfici/`, `anagrafe/`, `stradario/`, `tari/` | surfaces, residents, streets + house numbers, TARI | [`registers`] |
//! | `imu/` | `IMU_<Belfiore>_<year>.txt`, `f24_imu.csv` | [`imu`] |
//! | `utenze/`, `locazioni/`, `atti/` | utilities, leases, transfer deeds | [`market`] |
//! | `omi/` | `QI_<id>_VALORI.csv`, `QI_<id>_ZONE.csv`, `<Belfiore>.kml`, `microzones.geojson` | [`omi`] |
//! | `dbt/` | `edifici.gpkg` | [`gpkg`] |
//! | `pgt/` | `buildable_zones.geojson` (planted zones, project convention) | `plant::r23_building_land_as_agricultural` |
//!
//! Everything derives from the [`Municipality`]; data the generator does not model (utility
//! contracts, leases, deeds, OMI zones, floor-plan polygons) derive from it through their own
//! seeded streams, so the same parameters always give a byte-identical directory.
//!
//! With [`SupplyOptions::malformed`] a handful of malformed records of every kind the ingest
//! must handle are planted; [`SupplyTruth`] (written as `truth.json` beside the supply) lists
//! each with file, line, field and the outcome the reference prescribes, plus the counts per
//! file and per entity an ingest must reach.

pub mod cartography;
pub mod census;
pub mod gpkg;
pub mod holders;
pub mod imu;
pub mod inspire;
pub mod market;
pub mod omi;
pub mod registers;
pub mod roads;
pub mod text;
pub mod truth;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::plant::{CorrelationTruth, Expected};
use crate::{DemoParams, HouseNumber, Municipality, Street};
use text::TextFile;
pub use truth::{DefectKind, FileTruth, Outcome, PlantedDefect, SupplyTruth};

/// Name of the ground-truth file written at the root of the supply directory.
pub const TRUTH_FILE: &str = "truth.json";

/// How the supply is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyOptions {
    /// plant a handful of malformed records of each kind (listed in the truth)
    pub malformed: bool,
    /// CR LF line ends in the normalised CSV / JSON Lines / GeoJSON files (census, CXF, SUP
    /// and IMU files always end records with CR LF, as their references require)
    pub crlf: bool,
    /// EPSG code the CXF sheets are exported in (`crs.txt`); the geometries of the generator
    /// are in EPSG:7791, so only 7791 is written without a transformation
    pub cxf_epsg: u32,
    /// request id of the census supply (base name `<Belfiore><request id>`)
    pub request_id: String,
    /// supply identifier written in the `source` columns
    pub supply_id: String,
}

impl Default for SupplyOptions {
    fn default() -> Self {
        Self {
            malformed: true,
            crlf: false,
            cxf_epsg: crate::STORAGE_EPSG,
            request_id: "0001".to_owned(),
            supply_id: format!("SUP-{}-{}", crate::BELFIORE, crate::TAX_YEAR),
        }
    }
}

/// The conventional directory of the supply of `params` under `base`
/// (`<base>/<Belfiore>-seed<seed>-scale<scale>`).
pub fn supply_dir_for(base: &Path, params: &DemoParams) -> PathBuf {
    base.join(format!(
        "{}-seed{}-scale{}",
        crate::BELFIORE,
        params.seed,
        params.scale
    ))
}

/// Writes the supply directory of `town` into `dir` (created when missing) with `truth.json`,
/// and returns the truth. Files of the layout are overwritten; other files already in `dir` are
/// left alone (so write into an empty directory, or one holding an earlier supply of the same
/// parameters).
pub fn write_supply(
    town: &Municipality,
    dir: &Path,
    opts: &SupplyOptions,
) -> io::Result<SupplyTruth> {
    if opts.cxf_epsg != crate::STORAGE_EPSG {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "CXF export CRS EPSG:{} is not supported: the demo writes its sheets in EPSG:{}",
                opts.cxf_epsg,
                crate::STORAGE_EPSG
            ),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let mut cx = Ctx::new(town, opts, dir);
    cartography::write(&mut cx)?;
    inspire::write(&mut cx)?;
    census::write(&mut cx)?;
    holders::write(&mut cx)?;
    registers::write(&mut cx)?;
    imu::write(&mut cx)?;
    market::write(&mut cx)?;
    omi::write(&mut cx)?;
    gpkg::write(&mut cx)?;
    crate::plant::r23_building_land_as_agricultural::write_zones(&mut cx)?;
    let truth = cx.rec.finish(
        town.params.seed,
        town.params.scale,
        town.belfiore,
        &text::iso(town.extraction_date),
        &format!("EPSG:{}", opts.cxf_epsg),
        cx.correlation,
    );
    std::fs::write(dir.join(TRUTH_FILE), truth.to_json())?;
    Ok(truth)
}

/// What every writer needs: the municipality, the options, lookups and the truth recorder.
pub(crate) struct Ctx<'a> {
    pub town: &'a Municipality,
    pub opts: &'a SupplyOptions,
    pub root: &'a Path,
    pub rec: truth::Recorder,
    /// the planted correlation truth, completed by the writers with the cases their planted
    /// records make (an invalid codice fiscale is a Q01 case) — see [`Ctx::report`]
    pub correlation: CorrelationTruth,
    /// house numbers by address key
    pub house_numbers: BTreeMap<&'a str, &'a HouseNumber>,
    /// streets by municipal code
    pub streets: BTreeMap<u32, &'a Street>,
}

impl<'a> Ctx<'a> {
    fn new(town: &'a Municipality, opts: &'a SupplyOptions, root: &'a Path) -> Self {
        Self {
            town,
            opts,
            root,
            rec: truth::Recorder::default(),
            correlation: town.planted.correlation.clone(),
            house_numbers: town
                .house_numbers
                .iter()
                .map(|h| (h.address_key.as_str(), h))
                .collect(),
            streets: town.streets.iter().map(|s| (s.code, s)).collect(),
        }
    }

    /// Records a correlation case that a record written into the supply makes (a malformed
    /// record the ingest keeps, for a data-quality rule).
    pub fn report(&mut self, rule: &str, expected: Expected) {
        self.correlation
            .rules
            .entry(rule.to_owned())
            .or_default()
            .report
            .push(expected);
    }

    /// Whether malformed records are planted.
    pub fn malformed(&self) -> bool {
        self.opts.malformed
    }

    /// A new text file of the normalised kind (UTF-8, line ends from the options).
    pub fn normalised(&self, rel: &str) -> io::Result<TextFile> {
        self.create(rel, text::Encoding::Utf8, self.opts.crlf)
    }

    /// A new text file under the supply directory.
    pub fn create(&self, rel: &str, encoding: text::Encoding, crlf: bool) -> io::Result<TextFile> {
        TextFile::create(self.root, rel, encoding, crlf)
    }

    /// Saves `file` and records its truth: `records` per record kind, and the records the
    /// ingest loads (`loaded`, planted records that may go either way excluded) — planted
    /// rejections and either-way records are counted from the recorder.
    pub fn save(
        &mut self,
        file: TextFile,
        kind: &str,
        records: &[(&str, u64)],
        loaded: u64,
    ) -> io::Result<()> {
        let (rel, lines, bytes) = (file.rel.clone(), file.lines(), file.bytes());
        file.finish()?;
        let rejected = self.rec.planted(&rel, &[Outcome::Rejected]);
        let either = self
            .rec
            .planted(&rel, &[Outcome::RepairedOrRejected, Outcome::Reported]);
        self.rec.file(FileTruth {
            path: rel,
            kind: kind.to_owned(),
            lines,
            bytes,
            records: records.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect(),
            expected_loaded: loaded,
            expected_rejected: rejected,
            expected_either: either,
        });
        Ok(())
    }

    /// Appends the records planted for `file` (see [`crate::plant`]) and returns how many.
    pub fn append_planted(&self, file: &mut TextFile) -> u64 {
        let Some(lines) = self.town.planted.extra_lines.get(&file.rel) else {
            return 0;
        };
        for l in lines {
            file.line(l);
        }
        lines.len() as u64
    }

    /// Street and house number of an address key.
    pub fn address(&self, key: &str) -> Option<(&'a Street, &'a HouseNumber)> {
        let h = self.house_numbers.get(key)?;
        let s = self.streets.get(&h.street_code)?;
        Some((s, h))
    }

    /// Text form of an address: `<DUG> <DUF> <number><suffix>`, the DUG abbreviated when
    /// `abbreviate` (other-supplies.md §2).
    pub fn address_text(&self, key: &str, abbreviate: bool) -> String {
        let Some((s, h)) = self.address(key) else {
            return String::new();
        };
        let dug = if abbreviate {
            abbreviation(s.dug)
        } else {
            s.dug
        };
        format!("{dug} {} {}{}", s.duf, h.number, h.suffix)
    }
}

/// The abbreviation of a DUG listed in other-supplies.md §2 (the DUG itself when none is).
pub fn abbreviation(dug: &str) -> &str {
    match dug {
        "VIA" => "V.",
        "VIALE" => "V.LE",
        "CORSO" => "C.SO",
        "PIAZZA" => "P.ZZA",
        "LARGO" => "L.GO",
        other => other,
    }
}

/// A deterministic 64-bit mix of two numbers (note numbers, ids of data the generator does not
/// model).
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x6A09_E667_F3BC_C909);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
