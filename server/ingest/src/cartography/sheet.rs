//! One map sheet assembled from its CXF records and its SUP areas (cxf.md §9 steps 3–4).
//!
//! The CXF reader yields one area per BORDO; here the parts of a multi-part parcel become one
//! [`ParcelFeature`] (one parcel key, the multipolygon of its parts, the sum of their areas,
//! cxf.md §5.1 project convention), every other record goes to its layer, and the SUP file is
//! reconciled with the geometry: `N.*` counts against the BORDOs of each class (`N.SVIL-ALL`
//! against the islands of the sheet boundary), every parcel's SUP areas against its computed
//! area and the `FABBRIC`, `STRADE`, `ACQUE`, `SVIL-ALL` totals against the computed sums
//! (within an [`AreaTolerance`]), `CONFINE` against the sheet boundary's outer ring. Every
//! mismatch is a warning; nothing is corrected (rule Q04).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use geo::{Intersects, MapCoordsInPlace};
use geo_types::{Coord, MultiPolygon, Polygon};
use segit_model::ParcelKey;
use segit_query::QueryError;

use super::cxf::{CxfOptions, CxfReader};
use super::cxf_records::{
    AreaKind, CxfArea, CxfFiducial, CxfHeader, CxfLine, CxfRasterReference, CxfRecord,
    CxfSurveyBook, CxfSymbol, CxfText,
};
use super::georef::{Georeferencer, map_area};
use super::name::MapFileName;
use super::repair::signed_area;
use super::sup::{SupCount, SupFile, SupReader, SupTotal};
use crate::diag::{Diagnostic, Item};

/// When a computed area and a SUP area are said to differ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaTolerance {
    /// difference always accepted, m² (SUP areas are rounded to the m²)
    pub absolute_m2: f64,
    /// difference accepted as a fraction of the SUP area
    pub relative: f64,
}

impl Default for AreaTolerance {
    /// 1 m² or 1 %, whichever is larger.
    fn default() -> Self {
        Self {
            absolute_m2: 1.0,
            relative: 0.01,
        }
    }
}

impl AreaTolerance {
    /// Whether `computed` and `declared` differ beyond the tolerance.
    pub fn exceeded(&self, computed: f64, declared: f64) -> bool {
        (computed - declared).abs() > self.absolute_m2.max(self.relative * declared.abs())
    }
}

/// A parcel of the sheet: all the BORDOs with its code.
#[derive(Debug, Clone, PartialEq)]
pub struct ParcelFeature {
    /// national cadastral reference, e.g. `F205_001200.101`
    pub key: ParcelKey,
    /// the BORDOs of the parcel, in file order (one unless multi-part)
    pub parts: Vec<CxfArea>,
    /// the multipolygon of all parts
    pub geometry: MultiPolygon<f64>,
    /// sum of the parts' computed areas (m² in the map CRS)
    pub area: f64,
    /// the SUP areas of the parcel (one per part, smallest first; empty without SUP)
    pub sup_areas: Vec<i64>,
}

/// Everything one CXF file (and its SUP) holds, by layer.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfSheet {
    /// the header
    pub header: CxfHeader,
    /// BORDOs whose code is the map name (normally exactly one)
    pub boundary: Vec<CxfArea>,
    /// boundaries of the sheets of an assembly index
    pub index_sheets: Vec<CxfArea>,
    /// parcels, by key
    pub parcels: Vec<ParcelFeature>,
    /// building outlines (host parcel in their kind)
    pub buildings: Vec<CxfArea>,
    /// road areas
    pub roads: Vec<CxfArea>,
    /// water areas
    pub waters: Vec<CxfArea>,
    /// texts
    pub texts: Vec<CxfText>,
    /// symbols
    pub symbols: Vec<CxfSymbol>,
    /// fiducial points
    pub fiducials: Vec<CxfFiducial>,
    /// lines
    pub lines: Vec<CxfLine>,
    /// raster references
    pub raster_references: Vec<CxfRasterReference>,
    /// survey books
    pub survey_books: Vec<CxfSurveyBook>,
    /// the SUP file, when attached
    pub sup: Option<SupFile>,
}

impl CxfSheet {
    /// Collects the items of a CXF reader; `None` when the file had no readable header.
    /// Diagnostics go to `diags`.
    pub fn collect(
        file: &Path,
        items: impl IntoIterator<Item = Item<CxfRecord>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Self> {
        let mut sheet: Option<Self> = None;
        let mut parcels: BTreeMap<ParcelKey, Vec<CxfArea>> = BTreeMap::new();
        for item in items {
            let record = match item {
                Item::Diagnostic(d) => {
                    diags.push(d);
                    continue;
                }
                Item::Record(r) => r,
            };
            if let CxfRecord::Header(header) = record {
                sheet = Some(Self::empty(header));
                continue;
            }
            let Some(s) = sheet.as_mut() else { continue };
            match record {
                CxfRecord::Header(_) => {}
                CxfRecord::Area(a) => match &a.kind {
                    AreaKind::SheetBoundary => s.boundary.push(a),
                    AreaKind::IndexSheet(_) => s.index_sheets.push(a),
                    AreaKind::Road => s.roads.push(a),
                    AreaKind::Water => s.waters.push(a),
                    AreaKind::Building { .. } => s.buildings.push(a),
                    AreaKind::Parcel(key) => parcels.entry(key.clone()).or_default().push(a),
                },
                CxfRecord::Text(t) => s.texts.push(t),
                CxfRecord::Symbol(x) => s.symbols.push(x),
                CxfRecord::Fiducial(f) => s.fiducials.push(f),
                CxfRecord::Line(l) => s.lines.push(l),
                CxfRecord::RasterReference(r) => s.raster_references.push(r),
                CxfRecord::SurveyBook(b) => s.survey_books.push(b),
            }
        }
        let mut sheet = sheet?;
        sheet.parcels = parcels
            .into_iter()
            .map(|(key, parts)| {
                let geometry = MultiPolygon(
                    parts
                        .iter()
                        .flat_map(|p| p.geometry.0.iter().cloned())
                        .collect(),
                );
                let area = parts.iter().map(|p| p.area).sum();
                ParcelFeature {
                    key,
                    parts,
                    geometry,
                    area,
                    sup_areas: Vec::new(),
                }
            })
            .collect();
        if sheet.boundary.is_empty() && sheet.index_sheets.is_empty() {
            diags.push(Diagnostic::warning(
                file,
                0,
                Some("BORDO"),
                format!("sheet {}: no sheet-boundary BORDO", sheet.header.sheet),
            ));
        }
        diags.extend(sheet.placement_checks(file));
        Some(sheet)
    }

    /// The placement rules of cxf.md §6 that a point test decides (warnings, line of the
    /// BORDO): every building's inner point lies in its host parcel, and every parcel, road,
    /// water and building lies inside the sheet boundary. Overlaps between areas are not
    /// checked.
    pub fn placement_checks(&self, file: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let boundary = MultiPolygon(
            self.boundary
                .iter()
                .flat_map(|b| {
                    b.geometry
                        .0
                        .iter()
                        .map(|p| Polygon::new(p.exterior().clone(), vec![]))
                })
                .collect(),
        );
        for b in &self.buildings {
            let AreaKind::Building { host: Some(host) } = &b.kind else {
                continue;
            };
            let Some(point) = b.point_on_surface else {
                continue;
            };
            match self.parcels.iter().find(|p| &p.key == host) {
                None => out.push(Diagnostic::warning(
                    file,
                    b.line,
                    Some("CODICE IDENTIFICATIVO"),
                    format!(
                        "building {}: host parcel {host} has no BORDO in the sheet",
                        b.code
                    ),
                )),
                Some(p) if !p.geometry.intersects(&point) => out.push(Diagnostic::warning(
                    file,
                    b.line,
                    Some("VERTICI"),
                    format!("building {} lies outside its host parcel {host}", b.code),
                )),
                Some(_) => {}
            }
        }
        if boundary.0.is_empty() || !self.index_sheets.is_empty() {
            return out;
        }
        let areas = self
            .parcels
            .iter()
            .flat_map(|p| p.parts.iter())
            .chain(&self.roads)
            .chain(&self.waters)
            .chain(&self.buildings);
        for a in areas {
            if let Some(point) = a.point_on_surface
                && !boundary.intersects(&point)
            {
                out.push(Diagnostic::warning(
                    file,
                    a.line,
                    Some("VERTICI"),
                    format!("BORDO {} lies outside the sheet boundary", a.code),
                ));
            }
        }
        out
    }

    fn empty(header: CxfHeader) -> Self {
        Self {
            header,
            boundary: Vec::new(),
            index_sheets: Vec::new(),
            parcels: Vec::new(),
            buildings: Vec::new(),
            roads: Vec::new(),
            waters: Vec::new(),
            texts: Vec::new(),
            symbols: Vec::new(),
            fiducials: Vec::new(),
            lines: Vec::new(),
            raster_references: Vec::new(),
            survey_books: Vec::new(),
            sup: None,
        }
    }

    /// Reads a CXF file and, when it exists, its companion SUP (same base name), reconciled.
    pub fn read(
        cxf: &Path,
        options: CxfOptions,
        tolerance: AreaTolerance,
    ) -> (Option<Self>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let reader = match CxfReader::open(cxf, options) {
            Ok(r) => r,
            Err(d) => return (None, vec![d]),
        };
        let Some(mut sheet) = Self::collect(cxf, reader, &mut diags) else {
            return (None, diags);
        };
        if let Some(sup_path) = MapFileName::companion_sup(cxf).filter(|p| p.exists()) {
            match SupReader::open(&sup_path) {
                Ok(r) => sheet.attach_sup(r, &sup_path, tolerance, &mut diags),
                Err(d) => diags.push(d),
            }
        }
        (Some(sheet), diags)
    }

    /// Applies `f` to every coordinate of every layer (areas keep the planar area computed in
    /// the map CRS). On error the sheet may be partly transformed.
    pub fn map_coords<E>(
        &mut self,
        f: &impl Fn(Coord<f64>) -> Result<Coord<f64>, E>,
    ) -> Result<(), E> {
        let areas = self
            .boundary
            .iter_mut()
            .chain(&mut self.index_sheets)
            .chain(&mut self.buildings)
            .chain(&mut self.roads)
            .chain(&mut self.waters)
            .chain(self.parcels.iter_mut().flat_map(|p| p.parts.iter_mut()));
        for a in areas {
            map_area(a, f)?;
        }
        for p in &mut self.parcels {
            p.geometry.try_map_coords_in_place(f)?;
        }
        for t in &mut self.texts {
            t.position = f(t.position)?;
        }
        for s in &mut self.symbols {
            s.position = f(s.position)?;
        }
        for p in &mut self.fiducials {
            p.position = f(p.position)?;
            p.label_position = f(p.label_position)?;
        }
        for l in &mut self.lines {
            l.geometry.try_map_coords_in_place(f)?;
        }
        for b in &mut self.survey_books {
            b.geometry.try_map_coords_in_place(f)?;
        }
        for r in &mut self.raster_references {
            for c in &mut r.corners {
                *c = f(*c)?;
            }
        }
        Ok(())
    }

    /// Moves the whole sheet to the georeferencer's target CRS.
    pub fn transform(&mut self, geo: &Georeferencer) -> Result<(), QueryError> {
        if geo.transformer().is_identity() {
            return Ok(());
        }
        self.map_coords(&|c| geo.transform_coord(c))
    }

    /// Reads a SUP and reconciles it with the sheet; diagnostics name `sup_file`.
    pub fn attach_sup<R: BufRead>(
        &mut self,
        reader: SupReader<R>,
        sup_file: &Path,
        tolerance: AreaTolerance,
        diags: &mut Vec<Diagnostic>,
    ) {
        let (sup, mut found) = SupFile::read(reader);
        diags.append(&mut found);
        let mut warn = |field: &str, reason: String| {
            diags.push(Diagnostic::warning(sup_file, 0, Some(field), reason));
        };
        if let Some(name) = &sup.map_name
            && sup.sheet.as_ref() != Some(&self.header.sheet)
        {
            warn(
                "map name",
                format!("SUP of {name} for map {}", self.header.sheet),
            );
        }
        // in an assembly index the per-parcel records are the sheets' boundary areas
        let parcel_parts: usize =
            self.parcels.iter().map(|p| p.parts.len()).sum::<usize>() + self.index_sheets.len();
        for index_sheet in &self.index_sheets {
            let declared: i64 = sup.areas_of(&index_sheet.code).iter().sum();
            if declared == 0 {
                warn(
                    &index_sheet.code,
                    format!("sheet {} has no SUP area", index_sheet.code),
                );
            } else if tolerance.exceeded(index_sheet.area, declared as f64) {
                warn(
                    &index_sheet.code,
                    format!(
                        "sheet {}: computed area {:.1} m², SUP area {declared} m²",
                        index_sheet.code, index_sheet.area
                    ),
                );
            }
        }
        let counts = [
            (SupCount::Parcels, "N.PARTIC", parcel_parts),
            (SupCount::Buildings, "N.FABBRIC", self.buildings.len()),
            (SupCount::Roads, "N.STRADE", self.roads.len()),
            (SupCount::Waters, "N.ACQUE", self.waters.len()),
        ];
        for (kind, label, parsed) in counts {
            if let Some(n) = sup.counts.get(&kind)
                && usize::try_from(*n).ok() != Some(parsed)
            {
                warn(
                    label,
                    format!("{label} {n} but {parsed} BORDOs of that class in the CXF"),
                );
            }
        }
        for parcel in &mut self.parcels {
            let code = parcel.key.particella().as_str();
            parcel.sup_areas = sup.areas_of(code);
            if parcel.sup_areas.is_empty() {
                warn(code, format!("parcel {} has no SUP area", parcel.key));
                continue;
            }
            let declared: i64 = parcel.sup_areas.iter().sum();
            if tolerance.exceeded(parcel.area, declared as f64) {
                warn(
                    code,
                    format!(
                        "parcel {}: computed area {:.1} m², SUP area {declared} m²",
                        parcel.key, parcel.area
                    ),
                );
            }
        }
        for code in sup.parcel_areas.keys() {
            let known = self
                .parcels
                .iter()
                .any(|p| p.key.particella().as_str().eq_ignore_ascii_case(code))
                || self
                    .index_sheets
                    .iter()
                    .any(|s| s.code.eq_ignore_ascii_case(code));
            if !known {
                warn(
                    code,
                    format!("SUP area of {code}, which has no BORDO in the CXF"),
                );
            }
        }
        if let (Some(declared), Some(boundary)) =
            (sup.totals.get(&SupTotal::Boundary), self.boundary.first())
        {
            let outer: f64 = boundary
                .geometry
                .0
                .iter()
                .map(|p| signed_area(&p.exterior().0).abs())
                .sum();
            if tolerance.exceeded(outer, *declared as f64) {
                warn(
                    "CONFINE",
                    format!("CONFINE {declared} m², sheet boundary outer ring {outer:.1} m²"),
                );
            }
        }
        // annexes and developments are the islands of the sheet boundary
        let holes: Vec<f64> = self
            .boundary
            .iter()
            .flat_map(|b| b.geometry.0.iter())
            .flat_map(|p| p.interiors().iter())
            .map(|r| signed_area(&r.0).abs())
            .collect();
        if let Some(n) = sup.counts.get(&SupCount::Annexes)
            && !self.boundary.is_empty()
            && usize::try_from(*n).ok() != Some(holes.len())
        {
            warn(
                "N.SVIL-ALL",
                format!(
                    "N.SVIL-ALL {n} but {} islands in the sheet boundary",
                    holes.len()
                ),
            );
        }
        let sum = |areas: &[CxfArea]| areas.iter().map(|a| a.area).sum::<f64>();
        let totals = [
            (SupTotal::Buildings, "FABBRIC", sum(&self.buildings)),
            (SupTotal::Roads, "STRADE", sum(&self.roads)),
            (SupTotal::Waters, "ACQUE", sum(&self.waters)),
            (SupTotal::Annexes, "SVIL-ALL", holes.iter().sum()),
        ];
        for (kind, label, computed) in totals {
            if let Some(declared) = sup.totals.get(&kind)
                && (kind != SupTotal::Annexes || !self.boundary.is_empty())
                && tolerance.exceeded(computed, *declared as f64)
            {
                warn(
                    label,
                    format!("{label} {declared} m², computed {computed:.1} m²"),
                );
            }
        }
        self.sup = Some(sup);
    }
}
