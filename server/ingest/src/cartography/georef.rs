//! Georeferencing of CXF maps: which CRS a map is in, whether its coordinates plausibly are in
//! it, and how to bring its records into the storage CRS.
//!
//! - **Which CRS** (cxf.md §1, other-supplies.md §0.1): a CRS given explicitly wins; otherwise
//!   `crs.txt` next to the CXF files (one line, `EPSG:<code>`); otherwise the maps are reported
//!   as lacking a CRS, never guessed from coordinate ranges. Supported for CXF: RDN2008 / UTM
//!   (7791, 7792 and their N-E twins 6707, 6708), ETRS89 / UTM (25832, 25833) and Monte Mario /
//!   Gauss-Boaga (3003, 3004). CXF coordinates are always X east / Y north, whatever the EPSG
//!   axis order of the code.
//! - **Plausibility**: [`AreaOfUse::italy`] is the box of Italy (6.6–18.6°E, 35.4–47.1°N)
//!   transformed into the CRS; readers report coordinates outside it.
//! - **Transformation**: [`Georeferencer`] wraps `segit_query::crs::Transformer` and moves every
//!   coordinate of a [`CxfRecord`] (geometries, label anchors, inner points).
//! - **Cassini-Soldner local systems** (crs.md §4): there are no official parameters, so no CRS
//!   code is accepted for them. A sheet in its native system can be placed with a
//!   [`SimilarityFit`]: a 4-parameter similarity (scale, rotation, translation) fitted by least
//!   squares on at least three fiducial points whose coordinates in the target CRS are known,
//!   with the residual of every point reported. Over one sheet (a few km) the Cassini-Soldner
//!   plane and a UTM plane differ by a similarity to well below the map's graphic accuracy; the
//!   residuals show when that does not hold.

use std::fs;
use std::path::Path;

use geo::MapCoordsInPlace;
use geo_types::{Coord, Point};
use segit_query::{BBox, Crs, QueryError, Transformer, transform_bbox};

use super::cxf_records::{CxfArea, CxfRecord};
use crate::diag::Diagnostic;

/// EPSG codes a CXF map may be declared in.
pub const CXF_EPSG: [u32; 8] = [7791, 7792, 6707, 6708, 25832, 25833, 3003, 3004];

/// Name of the file holding the CRS of the CXF files of a directory.
pub const CRS_FILE: &str = "crs.txt";

/// Parses the content of a `crs.txt` (`EPSG:<code>`, blanks and a trailing line end allowed).
pub fn parse_crs_text(text: &str) -> Result<Crs, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| "empty CRS file".to_owned())?;
    if lines.next().is_some() {
        return Err("the CRS file must hold one line".to_owned());
    }
    let first = first.trim_start_matches('\u{feff}');
    let code = first
        .strip_prefix("EPSG:")
        .or_else(|| first.strip_prefix("epsg:"))
        .ok_or_else(|| format!("'{first}' is not EPSG:<code>"))?;
    let code: u32 = code
        .trim()
        .parse()
        .map_err(|_| format!("'{first}' is not EPSG:<code>"))?;
    cxf_crs(code)
}

/// The CRS of EPSG `code` if CXF maps may be declared in it.
pub fn cxf_crs(code: u32) -> Result<Crs, String> {
    if CXF_EPSG.contains(&code) {
        Crs::epsg(code).map_err(|e| e.to_string())
    } else {
        Err(format!(
            "EPSG:{code} is not supported for CXF maps (supported: 7791, 7792, 6707, 6708, \
             25832, 25833, 3003, 3004; Cassini-Soldner local systems need a fit on fiducial \
             points)"
        ))
    }
}

/// The CRS of the CXF files of directory `dir`: `explicit` if given, else `dir/crs.txt`.
pub fn resolve_crs(dir: &Path, explicit: Option<Crs>) -> Result<Crs, Diagnostic> {
    if let Some(crs) = explicit {
        return match crs {
            Crs::Epsg(code) => cxf_crs(code).map_err(|e| Diagnostic::rejected(dir, 0, None, e)),
            Crs::Crs84 => Err(Diagnostic::rejected(
                dir,
                0,
                None,
                "CRS84 is not a CRS of CXF maps",
            )),
        };
    }
    let path = dir.join(CRS_FILE);
    let bytes = fs::read(&path).map_err(|e| {
        Diagnostic::rejected(
            &path,
            0,
            None,
            format!("the CXF files lack a CRS: no explicit CRS and {CRS_FILE} unreadable ({e})"),
        )
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse_crs_text(&text).map_err(|e| Diagnostic::rejected(&path, 1, Some("crs"), e))
}

/// The box of Italy (degrees) used for plausibility checks.
pub const ITALY_LON_LAT: [f64; 4] = [6.6, 35.4, 18.6, 47.1];

/// A box in one CRS (east/north) inside which coordinates are plausible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaOfUse {
    /// the CRS of the box
    pub crs: Crs,
    /// the box
    pub bbox: BBox,
}

impl AreaOfUse {
    /// The box of Italy transformed into `crs`.
    pub fn italy(crs: Crs) -> Result<Self, QueryError> {
        let [x0, y0, x1, y1] = ITALY_LON_LAT;
        let geographic = BBox::new(x0, y0, x1, y1, Crs::Crs84).map_err(QueryError::Transform)?;
        Ok(Self {
            crs,
            bbox: transform_bbox(&geographic, crs)?,
        })
    }

    /// Whether `c` (east, north) lies in the box.
    pub fn contains(&self, c: Coord<f64>) -> bool {
        c.x >= self.bbox.min_x
            && c.x <= self.bbox.max_x
            && c.y >= self.bbox.min_y
            && c.y <= self.bbox.max_y
    }

    /// `the area of use of EPSG:7791 (Italy)`.
    pub fn describe(&self) -> String {
        format!("the area of use of {} (Italy)", self.crs)
    }
}

/// Applies `f` to every coordinate of an area (geometry, label anchor, inner point, point on
/// surface).
pub fn map_area<E>(
    a: &mut CxfArea,
    f: &impl Fn(Coord<f64>) -> Result<Coord<f64>, E>,
) -> Result<(), E> {
    a.geometry.try_map_coords_in_place(f)?;
    a.label.anchor = f(a.label.anchor)?;
    a.inner_point = f(a.inner_point)?;
    if let Some(p) = a.point_on_surface {
        a.point_on_surface = Some(Point(f(p.0)?));
    }
    Ok(())
}

/// Applies `f` to every coordinate of a CXF record.
pub fn map_record<E>(
    record: &mut CxfRecord,
    f: &impl Fn(Coord<f64>) -> Result<Coord<f64>, E>,
) -> Result<(), E> {
    match record {
        CxfRecord::Header(_) => Ok(()),
        CxfRecord::Area(a) => map_area(a, f),
        CxfRecord::Text(t) => f(t.position).map(|c| t.position = c),
        CxfRecord::Symbol(s) => f(s.position).map(|c| s.position = c),
        CxfRecord::Fiducial(p) => {
            p.position = f(p.position)?;
            p.label_position = f(p.label_position)?;
            Ok(())
        }
        CxfRecord::Line(l) => l.geometry.try_map_coords_in_place(f),
        CxfRecord::SurveyBook(l) => l.geometry.try_map_coords_in_place(f),
        CxfRecord::RasterReference(r) => {
            for c in &mut r.corners {
                *c = f(*c)?;
            }
            Ok(())
        }
    }
}

/// Moves CXF records from the CRS of the map to the storage CRS.
#[derive(Debug, Clone)]
pub struct Georeferencer {
    transformer: Transformer,
}

impl Georeferencer {
    /// A georeferencer from the map CRS `from` (one of [`CXF_EPSG`]) to `to`.
    pub fn new(from: Crs, to: Crs) -> Result<Self, QueryError> {
        if let Crs::Epsg(code) = from {
            cxf_crs(code).map_err(QueryError::UnsupportedCrs)?;
        }
        Ok(Self {
            transformer: Transformer::new(from, to)?,
        })
    }

    /// The underlying transformation.
    pub fn transformer(&self) -> &Transformer {
        &self.transformer
    }

    /// Transforms every coordinate of `record` in place. The `area` of an area record stays the
    /// planar area computed in the map CRS. On error the record may be partly transformed.
    pub fn transform(&self, record: &mut CxfRecord) -> Result<(), QueryError> {
        if self.transformer.is_identity() {
            return Ok(());
        }
        map_record(record, &|c| self.transform_coord(c))
    }

    /// Transforms one coordinate.
    pub fn transform_coord(&self, c: Coord<f64>) -> Result<Coord<f64>, QueryError> {
        self.transformer
            .transform_coord(c.x, c.y)
            .map(|(x, y)| Coord { x, y })
    }
}

/// A similarity x' = a·x − b·y + tx, y' = b·x + a·y + ty fitted on control points.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarityFit {
    /// scale·cos(rotation)
    pub a: f64,
    /// scale·sin(rotation)
    pub b: f64,
    /// translation east
    pub tx: f64,
    /// translation north
    pub ty: f64,
    /// distance between the fitted and the known position of every control point, in order
    pub residuals: Vec<f64>,
}

impl SimilarityFit {
    /// Least-squares fit on `(local, target)` pairs; at least three points, not all coincident.
    pub fn fit(pairs: &[(Coord<f64>, Coord<f64>)]) -> Result<Self, String> {
        if pairs.len() < 3 {
            return Err(format!(
                "{} control points: at least 3 are needed to fit and check a similarity",
                pairs.len()
            ));
        }
        if pairs
            .iter()
            .any(|(l, t)| ![l.x, l.y, t.x, t.y].iter().all(|v| v.is_finite()))
        {
            return Err("a control point has a non-finite coordinate".to_owned());
        }
        let count = pairs.len() as f64;
        let (mut lx, mut ly, mut tx, mut ty) = (0.0, 0.0, 0.0, 0.0);
        for (local, target) in pairs {
            lx += local.x;
            ly += local.y;
            tx += target.x;
            ty += target.y;
        }
        let (lx, ly, tx, ty) = (lx / count, ly / count, tx / count, ty / count);
        let (mut sxx, mut num_a, mut num_b) = (0.0, 0.0, 0.0);
        for (local, target) in pairs {
            let (dx, dy) = (local.x - lx, local.y - ly);
            let (du, dv) = (target.x - tx, target.y - ty);
            sxx += dx * dx + dy * dy;
            num_a += dx * du + dy * dv;
            num_b += dx * dv - dy * du;
        }
        if sxx <= f64::EPSILON {
            return Err("the control points coincide".to_owned());
        }
        let (a, b) = (num_a / sxx, num_b / sxx);
        let mut fit = Self {
            a,
            b,
            tx: tx - (a * lx - b * ly),
            ty: ty - (b * lx + a * ly),
            residuals: Vec::new(),
        };
        fit.residuals = pairs
            .iter()
            .map(|(l, t)| {
                let p = fit.apply(*l);
                (p.x - t.x).hypot(p.y - t.y)
            })
            .collect();
        Ok(fit)
    }

    /// The fitted position of `c`.
    pub fn apply(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: self.a * c.x - self.b * c.y + self.tx,
            y: self.b * c.x + self.a * c.y + self.ty,
        }
    }

    /// Scale factor of the fit.
    pub fn scale(&self) -> f64 {
        self.a.hypot(self.b)
    }

    /// Rotation of the fit, radians counter-clockwise.
    pub fn rotation(&self) -> f64 {
        self.b.atan2(self.a)
    }

    /// Root mean square of the residuals.
    pub fn rms(&self) -> f64 {
        if self.residuals.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.residuals.iter().map(|r| r * r).sum();
        (sum / self.residuals.len() as f64).sqrt()
    }

    /// Moves every coordinate of `record` with the fit.
    pub fn transform(&self, record: &mut CxfRecord) {
        let ok: Result<(), std::convert::Infallible> = map_record(record, &|c| Ok(self.apply(c)));
        let Ok(()) = ok;
    }
}
