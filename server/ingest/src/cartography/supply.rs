//! The cartographic folder of a supply (other-supplies.md §0.1): `cartografia/` with one CXF
//! (+ SUP) per sheet and `crs.txt`, and `cartografia/inspire/` with the open GML files.
//!
//! [`CartographyDir`] resolves the CRS once (explicit option, else `crs.txt`; without either
//! the folder is reported as lacking a CRS and nothing is georeferenced by guess), then reads
//! the sheets one at a time (file-name order): each with its SUP reconciled, coordinates
//! checked against the area of use of the CRS, and moved to the storage CRS.

use std::fs;
use std::path::{Path, PathBuf};

use segit_query::Crs;

use super::cxf::CxfOptions;
use super::georef::{AreaOfUse, Georeferencer, resolve_crs};
use super::name::{MapFileKind, MapFileName};
use super::sheet::{AreaTolerance, CxfSheet};
use crate::diag::Diagnostic;

/// How to read a cartographic folder.
#[derive(Debug, Clone)]
pub struct CartographyOptions {
    /// CRS of the CXF files, overriding `crs.txt`
    pub crs: Option<Crs>,
    /// CRS the sheets are moved to
    pub storage_crs: Crs,
    /// reader options (the area of use is set from the CRS)
    pub cxf: CxfOptions,
    /// SUP reconciliation tolerance
    pub tolerance: AreaTolerance,
}

impl Default for CartographyOptions {
    /// No explicit CRS, storage in RDN2008 geographic (EPSG 6706), default reader options.
    fn default() -> Self {
        Self {
            crs: None,
            storage_crs: Crs::Epsg(6706),
            cxf: CxfOptions::default(),
            tolerance: AreaTolerance::default(),
        }
    }
}

/// One sheet read from the folder.
#[derive(Debug, Clone)]
pub struct SheetResult {
    /// the CXF file
    pub path: PathBuf,
    /// the sheet in the storage CRS (`None` when the file could not be read at all)
    pub sheet: Option<CxfSheet>,
    /// everything found while reading it
    pub diagnostics: Vec<Diagnostic>,
}

/// The sheets of a cartographic folder, read one by one.
#[derive(Debug)]
pub struct CartographyDir {
    crs: Crs,
    files: std::vec::IntoIter<PathBuf>,
    georef: Georeferencer,
    options: CartographyOptions,
    orphans: Vec<Diagnostic>,
}

/// The files of `dir` (not recursive) of the given kind, sorted by name.
fn files_of(dir: &Path, want: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = fs::read_dir(dir)
        .map_err(|e| Diagnostic::rejected(dir, 0, None, format!("cannot list the folder: {e}")))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && want(p))
        .collect();
    out.sort();
    Ok(out)
}

fn has_extension(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

impl CartographyDir {
    /// Lists the CXF files of `dir` and resolves their CRS.
    pub fn open(dir: &Path, mut options: CartographyOptions) -> Result<Self, Diagnostic> {
        let crs = resolve_crs(dir, options.crs)?;
        let georef = Georeferencer::new(crs, options.storage_crs)
            .map_err(|e| Diagnostic::rejected(dir, 0, Some("crs"), e.to_string()))?;
        if options.cxf.area_of_use.is_none() {
            options.cxf.area_of_use = AreaOfUse::italy(crs).ok();
        }
        let maps = files_of(dir, |p| has_extension(p, &["cxf", "ctf"]))?;
        let mut orphans = Vec::new();
        for sup in files_of(dir, |p| has_extension(p, &["sup"]))? {
            let stem = sup.file_stem().map(std::ffi::OsStr::to_ascii_uppercase);
            let paired = maps
                .iter()
                .any(|m| m.file_stem().map(std::ffi::OsStr::to_ascii_uppercase) == stem);
            if !paired {
                orphans.push(Diagnostic::warning(
                    &sup,
                    0,
                    None,
                    "SUP file without a CXF file of the same name",
                ));
            }
        }
        for map in &maps {
            if let Err(why) = MapFileName::parse(map).and_then(|n| match n.kind {
                MapFileKind::Map => Ok(()),
                MapFileKind::Areas => Err("not a map".to_owned()),
            }) {
                orphans.push(Diagnostic::warning(map, 0, Some("file name"), why));
            }
        }
        Ok(Self {
            crs,
            files: maps.into_iter(),
            georef,
            options,
            orphans,
        })
    }

    /// The CRS the CXF files are read in.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Findings about the folder itself: SUP files without a map, map files badly named.
    pub fn folder_diagnostics(&self) -> &[Diagnostic] {
        &self.orphans
    }

    /// The GML files of the `inspire/` subfolder of `dir` (`*.gml`, any case), sorted.
    pub fn gml_files(dir: &Path) -> Vec<PathBuf> {
        files_of(&dir.join("inspire"), |p| has_extension(p, &["gml"])).unwrap_or_default()
    }
}

impl Iterator for CartographyDir {
    type Item = SheetResult;

    fn next(&mut self) -> Option<SheetResult> {
        let path = self.files.next()?;
        let (sheet, mut diagnostics) =
            CxfSheet::read(&path, self.options.cxf.clone(), self.options.tolerance);
        let sheet = sheet.and_then(|mut s| match s.transform(&self.georef) {
            Ok(()) => Some(s),
            Err(e) => {
                diagnostics.push(Diagnostic::rejected(
                    &path,
                    0,
                    None,
                    format!(
                        "the sheet cannot be moved to {}: {e}",
                        self.options.storage_crs
                    ),
                ));
                None
            }
        });
        Some(SheetResult {
            path,
            sheet,
            diagnostics,
        })
    }
}
