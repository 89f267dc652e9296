//! Sheets in a native Cassini-Soldner system (crs.md §4).
//!
//! There are no official parameters for the ~800 cadastral origins, so no EPSG code stands for
//! them. What the reference allows, and what this module does:
//!
//! 1. the user gives the origin of the sheet's system ([`CassiniOrigin`]: φ0, λ0 on the Bessel
//!    ellipsoid, false easting/northing, optionally a fitted `+towgs84`); the local X east /
//!    Y north coordinates are projected with `+proj=cass` to geographic coordinates and on to
//!    the target CRS (without `towgs84` the Bessel latitude/longitude are taken as ETRS89 ones,
//!    an error of some tens of metres that step 2 absorbs);
//! 2. a [`SimilarityFit`] between those projected positions and the known target coordinates
//!    of at least three fiducial points removes the remaining shift, rotation and scale;
//!    the residual of every control point is kept and those beyond a tolerance are reported.
//!
//! The result is as good as the control points: the residuals are the measure of it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasher;
use std::path::Path;

use geo_types::Coord;
use proj4rs::Proj;
use segit_query::{Crs, Transformer};

use super::cxf_records::{CxfFiducial, CxfRecord};
use super::georef::{SimilarityFit, map_record};
use crate::diag::Diagnostic;

/// The origin of a local Cassini-Soldner system.
#[derive(Debug, Clone, PartialEq)]
pub struct CassiniOrigin {
    /// latitude of the origin, degrees (Bessel, local orientation)
    pub lat0: f64,
    /// longitude of the origin, degrees east of Greenwich
    pub lon0: f64,
    /// false easting, m (often 0)
    pub false_easting: f64,
    /// false northing, m (often 0)
    pub false_northing: f64,
    /// seven `+towgs84` parameters fitted for the area, when known
    pub towgs84: Option<[f64; 7]>,
}

impl CassiniOrigin {
    /// The PROJ definition of the system.
    pub fn proj_string(&self) -> String {
        let mut s = format!(
            "+proj=cass +lat_0={} +lon_0={} +x_0={} +y_0={} +ellps=bessel +units=m",
            self.lat0, self.lon0, self.false_easting, self.false_northing
        );
        if let Some(p) = self.towgs84 {
            let p: Vec<String> = p.iter().map(ToString::to_string).collect();
            let _ = write!(s, " +towgs84={}", p.join(","));
        }
        s.push_str(" +no_defs");
        s
    }
}

/// Moves records of a Cassini-Soldner sheet to a target CRS.
#[derive(Debug)]
pub struct LocalGeoreferencer {
    cass: Proj,
    geographic: Proj,
    to_target: Transformer,
    fit: Option<SimilarityFit>,
}

impl LocalGeoreferencer {
    /// A georeferencer from the system of `origin` to `target` (no fit yet).
    pub fn new(origin: &CassiniOrigin, target: Crs) -> Result<Self, String> {
        let valid = origin.lat0.abs() <= 90.0 && origin.lon0.abs() <= 180.0;
        if !valid
            || ![origin.false_easting, origin.false_northing]
                .iter()
                .all(|v| v.is_finite())
        {
            return Err(format!("invalid Cassini-Soldner origin {origin:?}"));
        }
        let cass = Proj::from_proj_string(&origin.proj_string()).map_err(|e| e.to_string())?;
        let geographic = if origin.towgs84.is_some() {
            "+proj=longlat +datum=WGS84 +no_defs"
        } else {
            "+proj=longlat +ellps=bessel +no_defs"
        };
        let geographic = Proj::from_proj_string(geographic).map_err(|e| e.to_string())?;
        let to_target = Transformer::new(Crs::Epsg(4326), target).map_err(|e| e.to_string())?;
        Ok(Self {
            cass,
            geographic,
            to_target,
            fit: None,
        })
    }

    /// The projected position of a local coordinate in the target CRS, before any fit.
    pub fn project(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(format!("non-finite coordinate ({}, {})", c.x, c.y));
        }
        let mut p = (c.x, c.y, 0.0);
        proj4rs::transform::transform(&self.cass, &self.geographic, &mut p)
            .map_err(|e| format!("({}, {}): {e}", c.x, c.y))?;
        let (x, y) = self
            .to_target
            .transform_coord(p.0.to_degrees(), p.1.to_degrees())
            .map_err(|e| e.to_string())?;
        Ok(Coord { x, y })
    }

    /// Fits the similarity on `(local, known target)` control points (at least three).
    pub fn fit(&mut self, control: &[(Coord<f64>, Coord<f64>)]) -> Result<&SimilarityFit, String> {
        let projected = control
            .iter()
            .map(|(l, t)| self.project(*l).map(|p| (p, *t)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.fit.insert(SimilarityFit::fit(&projected)?))
    }

    /// The fit, once made.
    pub fn similarity(&self) -> Option<&SimilarityFit> {
        self.fit.as_ref()
    }

    /// Projects and (when fitted) adjusts one local coordinate.
    pub fn transform_coord(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        let p = self.project(c)?;
        Ok(self.fit.as_ref().map_or(p, |f| f.apply(p)))
    }

    /// Moves every coordinate of `record` (the `area` of an area record is left as computed in
    /// the local plane).
    pub fn transform(&self, record: &mut CxfRecord) -> Result<(), String> {
        map_record(record, &|c| self.transform_coord(c))
    }
}

/// A control point: fiducial number, local position, known target position.
pub type ControlPoint = (String, Coord<f64>, Coord<f64>);

/// Pairs the fiducial points of a sheet with their known coordinates (by point number, blanks
/// trimmed); the numbers of fiducials without known coordinates are returned apart.
pub fn control_points<S: BuildHasher>(
    fiducials: &[CxfFiducial],
    known: &HashMap<String, Coord<f64>, S>,
) -> (Vec<ControlPoint>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut unknown = Vec::new();
    for f in fiducials {
        let number = f.number.trim().to_owned();
        match known.get(&number) {
            Some(t) => pairs.push((number, f.position, *t)),
            None => unknown.push(number),
        }
    }
    (pairs, unknown)
}

/// Warnings for the control points whose residual exceeds `tolerance_m` (named by `names`, in
/// the order of the fit), for `file`.
pub fn residual_report(
    file: &Path,
    fit: &SimilarityFit,
    names: &[String],
    tolerance_m: f64,
) -> Vec<Diagnostic> {
    fit.residuals
        .iter()
        .zip(names)
        .filter(|(r, _)| **r > tolerance_m)
        .map(|(r, name)| {
            Diagnostic::warning(
                file,
                0,
                Some("FIDUCIALE"),
                format!(
                    "fiducial {name}: residual {r:.3} m after the similarity fit (rms {:.3} m, \
                     tolerance {tolerance_m} m)",
                    fit.rms()
                ),
            )
        })
        .collect()
}
