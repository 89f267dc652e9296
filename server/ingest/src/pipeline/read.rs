//! Reading a supply directory: every file classified, read by the reader of its kind, records
//! kept in memory for linking, diagnostics and counts collected.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use segit_query::{Crs, Transformer};

use super::IngestOptions;
use super::kind::SourceKind;
use super::read_ahead::ReadAhead;
use super::registers::Registers;
use super::stats::{KindStats, Progress, drain, drain_some};
use crate::cartography::georef::{AreaOfUse, Georeferencer, resolve_crs};
use crate::cartography::{
    AreaTolerance, CxfOptions, CxfReader, CxfRecord, CxfSheet, GmlOptions, InspireFeature,
    InspireReader, MapFileName, SupReader,
};
use crate::censuario::{
    CensusHolding, CensusParcel, CensusSubject, CensusUnit, FabReader, SogReader, TerReader,
    TitReader,
};
use crate::diag::{Diagnostic, Item};
use crate::supplies::{
    CadastralSurfaceReader, F24Reader, ImuReader, LeasesReader, ResidentsReader, TariReader,
    TransferDeedsReader, UtilitySupplyReader,
};

/// Most files taken from one supply directory.
pub const MAX_FILES: usize = 200_000;

/// Everything read from one supply, geometries in the storage CRS.
#[derive(Debug, Default)]
pub struct SupplyData {
    /// FAB properties with all their states
    pub units: Vec<CensusUnit>,
    /// TER properties with all their states
    pub parcels: Vec<CensusParcel>,
    /// SOG subjects
    pub subjects: Vec<CensusSubject>,
    /// TIT holdings
    pub holdings: Vec<CensusHolding>,
    /// CXF sheets (with their SUP)
    pub sheets: Vec<CxfSheet>,
    /// INSPIRE parcels and zonings
    pub inspire: Vec<InspireFeature>,
    /// municipal registers and other supplies
    pub registers: Registers,
}

/// What reading a directory produced.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// the records
    pub data: SupplyData,
    /// every finding, in reading order
    pub diagnostics: Vec<Diagnostic>,
    /// counts per kind
    pub stats: BTreeMap<SourceKind, KindStats>,
    /// files that were not read (unknown names, or another kind than `--kind`)
    pub skipped: Vec<PathBuf>,
}

/// The files of `root` (a directory, walked recursively in name order, or one file).
pub fn list_files(root: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let meta = fs::metadata(root)?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for path in entries.into_iter().rev() {
            if path.is_dir() {
                dirs.push(path);
            } else if files.len() < MAX_FILES {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Classifies `files`: with a forced kind, unrecognised names take that kind and files of other
/// kinds are skipped (companions — `.sup`, `crs.txt` — are still used by the CXF reading and
/// never listed as skipped).
pub fn classify(
    files: Vec<PathBuf>,
    forced: Option<SourceKind>,
) -> (Vec<(SourceKind, PathBuf)>, Vec<PathBuf>) {
    let mut chosen = Vec::new();
    let mut skipped = Vec::new();
    for path in files {
        let detected = SourceKind::detect(&path);
        let kind = match (forced, detected) {
            (None, Some(k)) => Some(k),
            (Some(f), None) => Some(f),
            (Some(f), Some(k)) if f == k => Some(k),
            _ => None,
        };
        match (kind, detected) {
            (Some(k), _) if k.read_alone() => chosen.push((k, path)),
            // companions (`.sup`, `crs.txt`) are read with their maps; parameters not at all
            (Some(_), _) | (None, Some(SourceKind::Sup | SourceKind::CrsFile)) => {}
            (None, _) => skipped.push(path),
        }
    }
    chosen.sort_by_key(|(k, p)| {
        let order = SourceKind::ALL
            .iter()
            .position(|x| x == k)
            .unwrap_or(usize::MAX);
        (order, p.clone())
    });
    (chosen, skipped)
}

/// Reads every file of `root`.
pub fn read_supply(
    root: &Path,
    options: &IngestOptions,
    progress: &mut dyn Progress,
) -> Result<ReadOutcome, std::io::Error> {
    let mut reader = SupplyReader::open(root, options)?;
    let mut data = SupplyData::default();
    reader.read_rest(&mut data, progress);
    let (diagnostics, stats, skipped) = reader.finish();
    Ok(ReadOutcome {
        data,
        diagnostics,
        stats,
        skipped,
    })
}

/// Reads a supply directory file by file, in the order of [`read_supply`], as far as the
/// caller needs: the pipeline reads the sources of a group of collections just before it builds
/// them, so that only the records not yet published are held.
pub struct SupplyReader<'a> {
    files: std::iter::Peekable<std::vec::IntoIter<(SourceKind, PathBuf)>>,
    kinds: BTreeSet<SourceKind>,
    options: &'a IngestOptions,
    cxf: CxfContext,
    diagnostics: Vec<Diagnostic>,
    stats: BTreeMap<SourceKind, KindStats>,
    skipped: Vec<PathBuf>,
    /// the file being read chunk by chunk ([`SupplyReader::read_chunk`])
    open: Option<OpenFile>,
}

/// Moves at most `max` records of an open file into their place in the supply data; true when
/// the file is exhausted.
type Pump = Box<
    dyn FnMut(
        &mut SupplyData,
        usize,
        &mut KindStats,
        &mut Vec<Diagnostic>,
        &mut dyn Progress,
    ) -> bool,
>;

/// A file read chunk by chunk.
struct OpenFile {
    kind: SourceKind,
    path: PathBuf,
    stats: KindStats,
    pump: Pump,
}

/// A pump draining `items` into the vector `place` selects; the items are read on a thread of
/// their own ([`ReadAhead`]) while the pipeline links and writes the ones before them.
fn pump<T: Send + 'static>(
    items: impl Iterator<Item = Item<T>> + Send + 'static,
    place: fn(&mut SupplyData) -> &mut Vec<T>,
) -> Pump {
    let mut items = ReadAhead::new(items, "segit-read");
    Box::new(move |data, max, stats, diags, progress| {
        drain_some(&mut items, max, place(data), stats, diags, progress)
    })
}

/// The kinds whose records can be read chunk by chunk (the large ones), with the number of
/// their records `data` holds.
fn held(kind: SourceKind, data: &SupplyData) -> Option<usize> {
    Some(match kind {
        SourceKind::Fab => data.units.len(),
        SourceKind::Sog => data.subjects.len(),
        SourceKind::Tit => data.holdings.len(),
        SourceKind::Residents
        | SourceKind::Tari
        | SourceKind::Utility
        | SourceKind::Leases
        | SourceKind::Deeds
        | SourceKind::ImuDeclarations
        | SourceKind::F24
        | SourceKind::CadastralSurface => data.registers.count(kind),
        _ => return None,
    })
}

impl<'a> SupplyReader<'a> {
    /// Lists and classifies the files of `root`; nothing is read yet.
    pub fn open(root: &Path, options: &'a IngestOptions) -> Result<Self, std::io::Error> {
        let files = list_files(root)?;
        let (chosen, skipped) = classify(files, options.kind);
        Ok(Self {
            kinds: chosen.iter().map(|(k, _)| *k).collect(),
            files: chosen.into_iter().peekable(),
            options,
            cxf: CxfContext::new(options.cxf_crs, options.storage_crs),
            diagnostics: Vec::new(),
            stats: BTreeMap::new(),
            skipped,
            open: None,
        })
    }

    /// The kinds of the files that will be read.
    pub fn kinds(&self) -> &BTreeSet<SourceKind> {
        &self.kinds
    }

    /// Reads into `data` every file not read yet up to the last one of `kind` (files are read
    /// in the order of [`SourceKind::ALL`], then by path).
    pub fn read_through(
        &mut self,
        kind: SourceKind,
        data: &mut SupplyData,
        progress: &mut dyn Progress,
    ) {
        self.close_open(data, progress);
        let last = position(kind);
        while let Some((k, _)) = self.files.peek() {
            if position(*k) > last {
                break;
            }
            if let Some((k, path)) = self.files.next() {
                self.read_file(k, &path, data, progress);
            }
        }
    }

    /// Whether a file of `kind` is open, being read chunk by chunk.
    pub fn is_reading(&self, kind: SourceKind) -> bool {
        self.open.as_ref().is_some_and(|o| o.kind == kind)
    }

    /// Whether a file up to those of `kind` is still to be read.
    pub fn has_files_through(&mut self, kind: SourceKind) -> bool {
        self.files
            .peek()
            .is_some_and(|(k, _)| position(*k) <= position(kind))
    }

    /// Reads at most `max` more records of the files of `kind` into `data`, keeping the file
    /// open between calls (files of earlier kinds not read yet are read whole first); the
    /// caller takes the records out between calls. Returns whether records were added: false
    /// once every file of `kind` is read. Kinds not read chunk by chunk (the small ones) are
    /// read whole on the first call.
    pub fn read_chunk(
        &mut self,
        kind: SourceKind,
        data: &mut SupplyData,
        max: usize,
        progress: &mut dyn Progress,
    ) -> bool {
        let Some(start) = held(kind, data) else {
            let before = self.files.peek().map(|(k, _)| *k);
            self.read_through(kind, data, progress);
            return before == Some(kind);
        };
        if self.open.as_ref().is_some_and(|o| o.kind != kind) {
            self.close_open(data, progress);
        }
        // earlier kinds whole
        while let Some((k, _)) = self.files.peek() {
            if position(*k) >= position(kind) {
                break;
            }
            if let Some((k, path)) = self.files.next() {
                self.read_file(k, &path, data, progress);
            }
        }
        let max = max.max(1);
        loop {
            let added = held(kind, data).unwrap_or(start) - start;
            if added >= max {
                return true;
            }
            if self.open.is_none() {
                if self.files.peek().is_none_or(|(k, _)| *k != kind) {
                    return added > 0;
                }
                let Some((k, path)) = self.files.next() else {
                    return added > 0;
                };
                self.open_file(k, path, progress);
                continue;
            }
            self.pump_open(data, max - added, progress);
        }
    }

    /// Opens a file of a kind read chunk by chunk (a file that cannot be opened is reported
    /// and closed at once).
    fn open_file(&mut self, kind: SourceKind, path: PathBuf, progress: &mut dyn Progress) {
        progress.file_started(kind, &path);
        let mut stats = KindStats {
            files: 1,
            ..KindStats::default()
        };
        let census = self.options.census.clone();
        if kind == SourceKind::Tit
            && let Some(d) = missing_subjects(&path)
        {
            stats.count(&d);
            self.diagnostics.push(d);
        }
        let opened: Result<Pump, Diagnostic> =
            match kind {
                SourceKind::Fab => {
                    FabReader::open_with(&path, census).map(|r| pump(r, |d| &mut d.units))
                }
                SourceKind::Sog => {
                    SogReader::open_with(&path, &census).map(|r| pump(r, |d| &mut d.subjects))
                }
                SourceKind::Tit => {
                    TitReader::open_with(&path, &census).map(|r| pump(r, |d| &mut d.holdings))
                }
                SourceKind::Residents => <ResidentsReader<_>>::open(&path)
                    .map(|r| pump(r, |d| &mut d.registers.residents)),
                SourceKind::Tari => {
                    <TariReader<_>>::open(&path).map(|r| pump(r, |d| &mut d.registers.tari))
                }
                SourceKind::Utility => <UtilitySupplyReader<_>>::open(&path)
                    .map(|r| pump(r, |d| &mut d.registers.utilities)),
                SourceKind::Leases => {
                    <LeasesReader<_>>::open(&path).map(|r| pump(r, |d| &mut d.registers.leases))
                }
                SourceKind::Deeds => <TransferDeedsReader<_>>::open(&path)
                    .map(|r| pump(r, |d| &mut d.registers.deeds)),
                SourceKind::ImuDeclarations => {
                    <ImuReader<_>>::open(&path).map(|r| pump(r, |d| &mut d.registers.imu))
                }
                SourceKind::F24 => {
                    <F24Reader<_>>::open(&path).map(|r| pump(r, |d| &mut d.registers.f24))
                }
                SourceKind::CadastralSurface => <CadastralSurfaceReader<_>>::open(&path)
                    .map(|r| pump(r, |d| &mut d.registers.surfaces)),
                other => Err(Diagnostic::warning(
                    &path,
                    0,
                    None,
                    format!("files of kind {other} are not read chunk by chunk"),
                )),
            };
        match opened {
            Ok(pump) => {
                self.open = Some(OpenFile {
                    kind,
                    path,
                    stats,
                    pump,
                });
            }
            Err(d) => {
                file_failed(d, &mut stats, &mut self.diagnostics);
                progress.file_finished(kind, &path, &stats);
                self.stats.entry(kind).or_default().add(&stats);
            }
        }
    }

    /// Moves at most `max` records of the open file into `data`; closes the file when it is
    /// exhausted.
    fn pump_open(&mut self, data: &mut SupplyData, max: usize, progress: &mut dyn Progress) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let before = data.registers.count(open.kind);
        let exhausted = (open.pump)(
            data,
            max,
            &mut open.stats,
            &mut self.diagnostics,
            &mut *progress,
        );
        for d in data
            .registers
            .report_duplicates(open.kind, &open.path, before)
        {
            open.stats.count(&d);
            self.diagnostics.push(d);
        }
        if exhausted && let Some(open) = self.open.take() {
            progress.file_finished(open.kind, &open.path, &open.stats);
            self.stats.entry(open.kind).or_default().add(&open.stats);
        }
    }

    /// Reads the rest of the file open chunk by chunk, if any, into `data`.
    fn close_open(&mut self, data: &mut SupplyData, progress: &mut dyn Progress) {
        while self.open.is_some() {
            self.pump_open(data, usize::MAX, progress);
        }
    }

    /// Reads every file not read yet into `data`.
    pub fn read_rest(&mut self, data: &mut SupplyData, progress: &mut dyn Progress) {
        self.close_open(data, progress);
        for (k, path) in self.files.by_ref() {
            read_one(
                k,
                &path,
                self.options,
                &mut self.cxf,
                data,
                &mut self.diagnostics,
                &mut self.stats,
                progress,
            );
        }
    }

    /// The findings (in reading order), counts per kind and skipped files of what was read
    /// (a file still open chunk by chunk counts as far as it was read).
    pub fn finish(
        mut self,
    ) -> (
        Vec<Diagnostic>,
        BTreeMap<SourceKind, KindStats>,
        Vec<PathBuf>,
    ) {
        if let Some(open) = self.open.take() {
            self.stats.entry(open.kind).or_default().add(&open.stats);
        }
        (self.diagnostics, self.stats, self.skipped)
    }

    fn read_file(
        &mut self,
        kind: SourceKind,
        path: &Path,
        data: &mut SupplyData,
        progress: &mut dyn Progress,
    ) {
        read_one(
            kind,
            path,
            self.options,
            &mut self.cxf,
            data,
            &mut self.diagnostics,
            &mut self.stats,
            progress,
        );
    }
}

fn position(kind: SourceKind) -> usize {
    SourceKind::ALL
        .iter()
        .position(|x| *x == kind)
        .unwrap_or(usize::MAX)
}

/// Reads one file of `kind` into `data`.
#[allow(clippy::too_many_arguments)]
fn read_one(
    kind: SourceKind,
    path: &Path,
    options: &IngestOptions,
    cxf: &mut CxfContext,
    data: &mut SupplyData,
    diags: &mut Vec<Diagnostic>,
    all_stats: &mut BTreeMap<SourceKind, KindStats>,
    progress: &mut dyn Progress,
) {
    let path = path.to_path_buf();
    progress.file_started(kind, &path);
    let mut stats = KindStats {
        files: 1,
        ..KindStats::default()
    };
    let census = options.census.clone();
    match kind {
        SourceKind::Fab => match FabReader::open_with(&path, census) {
            Ok(r) => data.units.extend(drain(r, &mut stats, diags, progress)),
            Err(d) => file_failed(d, &mut stats, diags),
        },
        SourceKind::Ter => match TerReader::open_with(&path, census) {
            Ok(r) => data.parcels.extend(drain(r, &mut stats, diags, progress)),
            Err(d) => file_failed(d, &mut stats, diags),
        },
        SourceKind::Sog => match SogReader::open_with(&path, &census) {
            Ok(r) => data.subjects.extend(drain(r, &mut stats, diags, progress)),
            Err(d) => file_failed(d, &mut stats, diags),
        },
        SourceKind::Tit => {
            if let Some(d) = missing_subjects(&path) {
                stats.count(&d);
                diags.push(d);
            }
            match TitReader::open_with(&path, &census) {
                Ok(r) => data.holdings.extend(drain(r, &mut stats, diags, progress)),
                Err(d) => file_failed(d, &mut stats, diags),
            }
        }
        SourceKind::Cxf => {
            if let Some(sheet) = cxf.read(&path, &mut stats, diags, progress) {
                data.sheets.push(sheet);
            }
        }
        SourceKind::InspireGml => {
            let features = read_gml(&path, options.storage_crs, &mut stats, diags, progress);
            data.inspire.extend(features);
        }
        other => {
            data.registers
                .read(other, &path, options, &mut stats, diags, progress);
        }
    }
    progress.file_finished(kind, &path, &stats);
    all_stats.entry(kind).or_default().add(&stats);
}

/// A TIT without the SOG of the same supply (same folder and base name, censuario.md §1): a
/// warning naming the SOG expected; its holders are looked up among the subjects the store
/// already holds (an updates supply may carry holdings alone).
fn missing_subjects(tit: &Path) -> Option<Diagnostic> {
    let stem = tit.file_stem()?;
    let dir = tit.parent().unwrap_or(Path::new("."));
    let present = fs::read_dir(dir).ok()?.filter_map(Result::ok).any(|e| {
        let p = e.path();
        p.file_stem() == Some(stem)
            && p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("sog"))
    });
    if present {
        return None;
    }
    let upper = tit
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.chars().all(|c| c.is_ascii_uppercase()));
    let expected = tit.with_extension(if upper { "SOG" } else { "sog" });
    Some(Diagnostic::warning(
        &expected,
        0,
        None,
        format!(
            "{} has no SOG beside it: its holders are looked up among the subjects already stored",
            tit.display()
        ),
    ))
}

/// A file that could not be read at all: one rejected diagnostic naming it.
pub(crate) fn file_failed(d: Diagnostic, stats: &mut KindStats, diags: &mut Vec<Diagnostic>) {
    stats.count(&d);
    diags.push(d);
}

/// CXF reading state: the CRS of each folder (from `crs.txt` or the explicit CRS).
struct CxfContext {
    explicit: Option<Crs>,
    storage: Crs,
    folders: HashMap<PathBuf, Result<Crs, Diagnostic>>,
}

impl CxfContext {
    fn new(explicit: Option<Crs>, storage: Crs) -> Self {
        Self {
            explicit,
            storage,
            folders: HashMap::new(),
        }
    }

    /// Reads one CXF file (and its SUP), georeferenced into the storage CRS.
    fn read(
        &mut self,
        path: &Path,
        stats: &mut KindStats,
        diags: &mut Vec<Diagnostic>,
        progress: &mut dyn Progress,
    ) -> Option<CxfSheet> {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let explicit = self.explicit;
        let crs = self
            .folders
            .entry(dir.clone())
            .or_insert_with(|| resolve_crs(&dir, explicit));
        let crs = match crs {
            Ok(c) => *c,
            Err(d) => {
                let mut d = d.clone();
                d.reason = format!("{}: {}", path.display(), d.reason);
                file_failed(d, stats, diags);
                return None;
            }
        };
        let georef = match Georeferencer::new(crs, self.storage) {
            Ok(g) => g,
            Err(e) => {
                let d = Diagnostic::rejected(path, 0, None, format!("cannot georeference: {e}"));
                file_failed(d, stats, diags);
                return None;
            }
        };
        let options = CxfOptions {
            area_of_use: AreaOfUse::italy(crs).ok(),
            ..CxfOptions::default()
        };
        let reader = match CxfReader::open(path, options) {
            Ok(r) => r,
            Err(d) => {
                file_failed(d, stats, diags);
                return None;
            }
        };
        let file = path.to_path_buf();
        let georeferenced = reader.map(move |item| match item {
            Item::Record(mut record) => match georef.transform(&mut record) {
                Ok(()) => Item::Record(record),
                Err(e) => Item::Diagnostic(Diagnostic::rejected(
                    &file,
                    record_line(&record),
                    None,
                    format!("the coordinates cannot be transformed to the storage CRS: {e}"),
                )),
            },
            d @ Item::Diagnostic(_) => d,
        });
        let records = drain(georeferenced, stats, diags, progress);
        let mut found = Vec::new();
        let mut sheet = CxfSheet::collect(path, records.into_iter().map(Item::Record), &mut found);
        if let Some(s) = sheet.as_mut() {
            match companion_sup(path) {
                Ok(sup) => match SupReader::open(&sup) {
                    Ok(r) => s.attach_sup(r, &sup, AreaTolerance::default(), &mut found),
                    Err(d) => found.push(d),
                },
                Err(expected) => found.push(Diagnostic::rejected(
                    path,
                    0,
                    Some("SUP"),
                    format!(
                        "the companion file {} is missing (cxf.md §7: one SUP per map): the \
                         sheet is loaded without declared areas",
                        expected.display()
                    ),
                )),
            }
        }
        for d in found {
            stats.count(&d);
            diags.push(d);
        }
        sheet
    }
}

/// The SUP file of the map `cxf`: same folder and base name, extension `.sup` in any letter
/// case (cxf.md §3); `Err` with the path expected when there is none.
fn companion_sup(cxf: &Path) -> Result<PathBuf, PathBuf> {
    let expected = MapFileName::companion_sup(cxf).unwrap_or_else(|| cxf.with_extension("sup"));
    if expected.is_file() {
        return Ok(expected);
    }
    let stem = cxf.file_stem();
    let dir = cxf.parent().unwrap_or(Path::new("."));
    let found = fs::read_dir(dir).ok().and_then(|entries| {
        entries.filter_map(Result::ok).map(|e| e.path()).find(|p| {
            p.file_stem() == stem
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("sup"))
                && p.is_file()
        })
    });
    found.ok_or(expected)
}

/// The line a CXF record starts on (0 for the header).
fn record_line(record: &CxfRecord) -> u64 {
    match record {
        CxfRecord::Header(_) => 0,
        CxfRecord::Area(a) => a.line,
        CxfRecord::Text(t) => t.line,
        CxfRecord::Symbol(s) => s.line,
        CxfRecord::Fiducial(f) => f.line,
        CxfRecord::Line(l) => l.line,
        CxfRecord::RasterReference(r) => r.line,
        CxfRecord::SurveyBook(b) => b.line,
    }
}

/// Reads an INSPIRE GML file, geometries moved to the storage CRS.
fn read_gml(
    path: &Path,
    storage: Crs,
    stats: &mut KindStats,
    diags: &mut Vec<Diagnostic>,
    progress: &mut dyn Progress,
) -> Vec<InspireFeature> {
    let reader = match InspireReader::open(path, GmlOptions::default()) {
        Ok(r) => r,
        Err(d) => {
            file_failed(d, stats, diags);
            return Vec::new();
        }
    };
    let mut transformers: HashMap<Crs, Result<Transformer, String>> = HashMap::new();
    let file = path.to_path_buf();
    let moved = reader.map(move |item| match item {
        Item::Record(mut f) => {
            let t = transformers
                .entry(f.crs)
                .or_insert_with(|| Transformer::new(f.crs, storage).map_err(|e| e.to_string()));
            let result = match t {
                Ok(t) => {
                    let mut g = geo_types::Geometry::MultiPolygon(f.geometry.clone());
                    t.transform_geometry(&mut g)
                        .map_err(|e| e.to_string())
                        .and_then(|()| match g {
                            geo_types::Geometry::MultiPolygon(mp) => Ok(mp),
                            _ => Err("the transformation changed the geometry type".to_owned()),
                        })
                }
                Err(e) => Err(e.clone()),
            };
            match result {
                Ok(mp) => {
                    f.geometry = mp;
                    f.crs = storage;
                    Item::Record(f)
                }
                Err(e) => Item::Diagnostic(Diagnostic::rejected(
                    &file,
                    f.line,
                    Some("geometry"),
                    format!("cannot transform to {storage}: {e}"),
                )),
            }
        }
        d @ Item::Diagnostic(_) => d,
    });
    drain(moved, stats, diags, progress)
}
