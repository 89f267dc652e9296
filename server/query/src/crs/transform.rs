//! Coordinate transformation between the supported CRSs, in pure Rust (`proj4rs`).
//!
//! A transformation runs in up to three steps, each a `proj4rs` call without datum information:
//!
//! 1. the source projection is inverted to geographic coordinates on its own ellipsoid;
//! 2. when the datums differ (Monte Mario ↔ RDN2008/ETRS89/WGS 84) a 7-parameter Helmert
//!    (Position Vector, the `+towgs84` of `domain/crs.md`) shifts the geographic coordinates;
//! 3. the target projection is applied.
//!
//! RDN2008, ETRS89 and WGS 84 are one datum here (EPSG's null transformations 6710/6711), so a
//! geographic coordinate in 6706 has the same numbers in 4326 and CRS84. Monte Mario (3003/3004)
//! uses the **mainland** Helmert parameters by default ([`HelmertSet::Mainland`], EPSG 1659/1660,
//! what most Italian viewers embed); [`Transformer::with_helmert`] selects the Sicilian or
//! Sardinian set (EPSG 1663/1664, 1661/1662), about 5 m different in Sicily.
//!
//! Parsed projections are built once per process and shared, so [`Transformer::new`] is cheap.

use std::fmt;
use std::sync::OnceLock;

use geo_types::{Coord, Geometry, Polygon};
use proj4rs::Proj;

use super::Crs;
use crate::error::QueryError;

/// Which Monte Mario → WGS 84 Helmert parameters transformations involving 3003/3004 use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HelmertSet {
    /// Italy mainland (EPSG 1659/1660): the right choice for Lombardy and the default
    #[default]
    Mainland,
    /// Sicily onshore (EPSG 1663/1664)
    Sicily,
    /// Sardinia onshore (EPSG 1661/1662)
    Sardinia,
}

impl HelmertSet {
    /// The seven parameters as a PROJ `+towgs84` value (metres, arc-seconds, ppm).
    pub fn towgs84(self) -> &'static str {
        match self {
            Self::Mainland => "-104.1,-49.1,-9.9,0.971,-2.917,0.714,-11.68",
            Self::Sicily => "-50.2,-50.4,84.8,-0.690,-2.012,0.459,-28.08",
            Self::Sardinia => "-168.6,-34.0,38.6,-0.374,-0.679,-1.379,-9.48",
        }
    }
}

/// The geodetic datum family of a CRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Datum {
    /// RDN2008 = ETRS89 = WGS 84 (null transformations between them)
    Etrf,
    /// Monte Mario (Roma 40)
    MonteMario,
}

/// How one CRS is built from `proj4rs` definitions.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Definition {
    /// projection (no datum), `None` for geographic CRSs
    projection: Option<&'static str>,
    /// geographic CRS on the projection's ellipsoid (no datum)
    geographic: &'static str,
    datum: Datum,
    /// where the projection is well-behaved, in longitude/latitude degrees
    domain: Domain,
}

/// A longitude/latitude rectangle in degrees: (min lon, min lat, max lon, max lat).
pub(super) type Domain = (f64, f64, f64, f64);

/// Latitude limit of Web Mercator.
const MERCATOR_MAX_LAT: f64 = 85.051_128_779_806_59;
/// Transverse Mercator stays well-behaved within this many degrees of its central meridian.
const TM_HALF_WIDTH: f64 = 45.0;

const fn tm_domain(central_meridian: f64) -> Domain {
    (
        central_meridian - TM_HALF_WIDTH,
        -90.0,
        central_meridian + TM_HALF_WIDTH,
        90.0,
    )
}

const GEOG_WGS84: &str = "+proj=longlat +ellps=WGS84 +no_defs";
const GEOG_GRS80: &str = "+proj=longlat +ellps=GRS80 +no_defs";
const GEOG_INTL: &str = "+proj=longlat +ellps=intl +no_defs";
const GEOG_SPHERE: &str = "+proj=longlat +a=6378137 +b=6378137 +no_defs";
const WEB_MERCATOR: &str =
    "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs";
const GAUSS_BOAGA_WEST: &str =
    "+proj=tmerc +lat_0=0 +lon_0=9 +k=0.9996 +x_0=1500000 +y_0=0 +ellps=intl +units=m +no_defs";
const GAUSS_BOAGA_EAST: &str =
    "+proj=tmerc +lat_0=0 +lon_0=15 +k=0.9996 +x_0=2520000 +y_0=0 +ellps=intl +units=m +no_defs";
const UTM32_GRS80: &str = "+proj=utm +zone=32 +ellps=GRS80 +units=m +no_defs";
const UTM33_GRS80: &str = "+proj=utm +zone=33 +ellps=GRS80 +units=m +no_defs";
const UTM32_WGS84: &str = "+proj=utm +zone=32 +ellps=WGS84 +units=m +no_defs";
const UTM33_WGS84: &str = "+proj=utm +zone=33 +ellps=WGS84 +units=m +no_defs";
/// geographic Monte Mario with the datum shift, one per Helmert set
const MM_MAINLAND: &str =
    "+proj=longlat +ellps=intl +towgs84=-104.1,-49.1,-9.9,0.971,-2.917,0.714,-11.68 +no_defs";
const MM_SICILY: &str =
    "+proj=longlat +ellps=intl +towgs84=-50.2,-50.4,84.8,-0.690,-2.012,0.459,-28.08 +no_defs";
const MM_SARDINIA: &str =
    "+proj=longlat +ellps=intl +towgs84=-168.6,-34.0,38.6,-0.374,-0.679,-1.379,-9.48 +no_defs";
/// the hub of datum shifts
const WGS84_DATUM: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// Every definition string, parsed once.
const ALL: [&str; 15] = [
    GEOG_WGS84,
    GEOG_GRS80,
    GEOG_INTL,
    GEOG_SPHERE,
    WEB_MERCATOR,
    GAUSS_BOAGA_WEST,
    GAUSS_BOAGA_EAST,
    UTM32_GRS80,
    UTM33_GRS80,
    UTM32_WGS84,
    UTM33_WGS84,
    MM_MAINLAND,
    MM_SICILY,
    MM_SARDINIA,
    WGS84_DATUM,
];

fn definition(crs: Crs) -> Result<Definition, QueryError> {
    const WORLD: Domain = (-180.0, -90.0, 180.0, 90.0);
    const MERCATOR: Domain = (-180.0, -MERCATOR_MAX_LAT, 180.0, MERCATOR_MAX_LAT);
    const ZONE_9E: Domain = tm_domain(9.0);
    const ZONE_15E: Domain = tm_domain(15.0);
    let (projection, geographic, datum, domain) = match crs.srid() {
        4326 => (None, GEOG_WGS84, Datum::Etrf, WORLD),
        6706 => (None, GEOG_GRS80, Datum::Etrf, WORLD),
        3857 => (Some(WEB_MERCATOR), GEOG_SPHERE, Datum::Etrf, MERCATOR),
        3003 => (
            Some(GAUSS_BOAGA_WEST),
            GEOG_INTL,
            Datum::MonteMario,
            ZONE_9E,
        ),
        3004 => (
            Some(GAUSS_BOAGA_EAST),
            GEOG_INTL,
            Datum::MonteMario,
            ZONE_15E,
        ),
        6707 | 7791 | 25832 => (Some(UTM32_GRS80), GEOG_GRS80, Datum::Etrf, ZONE_9E),
        6708 | 7792 | 25833 => (Some(UTM33_GRS80), GEOG_GRS80, Datum::Etrf, ZONE_15E),
        32632 => (Some(UTM32_WGS84), GEOG_WGS84, Datum::Etrf, ZONE_9E),
        32633 => (Some(UTM33_WGS84), GEOG_WGS84, Datum::Etrf, ZONE_15E),
        _ => return Err(QueryError::UnsupportedCrs(crs.short_name())),
    };
    Ok(Definition {
        projection,
        geographic,
        datum,
        domain,
    })
}

/// The complete PROJ string of `crs` (datum included: Helmert `+towgs84` for Monte Mario, a null
/// `+towgs84` for RDN2008/ETRS89), for exchanging definitions with other software such as
/// PostGIS `ST_Transform(geom, from_proj, to_proj)`.
pub fn proj_string(crs: Crs, helmert: HelmertSet) -> Result<String, QueryError> {
    let def = definition(crs)?;
    let s = match (crs.srid(), def.datum) {
        (4326, _) => WGS84_DATUM.to_owned(),
        (3857, _) => WEB_MERCATOR.replace(" +no_defs", " +nadgrids=@null +wktext +no_defs"),
        (32632 | 32633, _) => def
            .projection
            .unwrap_or(GEOG_WGS84)
            .replace("+ellps=WGS84", "+datum=WGS84"),
        (_, Datum::MonteMario) => def.projection.unwrap_or(GEOG_INTL).replace(
            "+ellps=intl",
            &format!("+ellps=intl +towgs84={}", helmert.towgs84()),
        ),
        (_, Datum::Etrf) => def
            .projection
            .unwrap_or(GEOG_GRS80)
            .replace("+ellps=GRS80", "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0"),
    };
    Ok(s)
}

type ProjTable = Vec<(&'static str, Proj)>;

fn proj(def: &'static str) -> Result<&'static Proj, QueryError> {
    static TABLE: OnceLock<Result<ProjTable, String>> = OnceLock::new();
    let table = TABLE
        .get_or_init(|| {
            ALL.iter()
                .map(|s| {
                    Proj::from_proj_string(s)
                        .map(|p| (*s, p))
                        .map_err(|e| format!("cannot parse '{s}': {e}"))
                })
                .collect()
        })
        .as_ref()
        .map_err(|e| QueryError::Transform(e.clone()))?;
    table
        .iter()
        .find(|(s, _)| *s == def)
        .map(|(_, p)| p)
        .ok_or_else(|| QueryError::Transform(format!("no projection '{def}'")))
}

/// A `proj4rs` step: (source, target).
type Step = (&'static Proj, &'static Proj);

/// A reusable transformation from one CRS to another (cheap to clone, `Send + Sync`).
///
/// Coordinates are east/north (longitude/latitude in degrees for geographic CRSs) on both sides;
/// axis order is the protocols' business ([`Crs::north_east`]).
///
/// Datums: RDN2008 (6706, 6707/6708, 7791/7792), ETRS89 (25832/25833) and WGS 84 (4326, CRS84,
/// 32632/32633, 3857) are one datum (EPSG's null transformations), so 7791, 25832 and 32632 give
/// the same numbers to a tenth of a millimetre. Monte Mario (3003/3004) meets them through a
/// 7-parameter Position Vector Helmert: [`HelmertSet::Mainland`] by default (EPSG 1659/1660,
/// right for Lombardy); use [`Transformer::with_helmert`] with [`HelmertSet::Sicily`] for
/// Sicilian data (about 5 m different there) or [`HelmertSet::Sardinia`]. Helmert parameters are
/// accurate to a few metres; the IGM grids are not used.
#[derive(Clone)]
pub struct Transformer {
    from: Crs,
    to: Crs,
    helmert: HelmertSet,
    pub(super) from_geographic: bool,
    to_geographic: bool,
    /// where the target projection is well-behaved (longitude/latitude)
    pub(super) to_domain: Domain,
    identity: bool,
    /// projected → geographic on the source ellipsoid
    inverse: Option<Step>,
    /// datum shift between geographic systems
    datum: Option<Step>,
    /// geographic on the target ellipsoid → projected
    forward: Option<Step>,
}

impl fmt::Debug for Transformer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transformer")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("helmert", &self.helmert)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Transformer {
    /// A transformation from `from` to `to` using the mainland Helmert parameters for Monte Mario.
    pub fn new(from: Crs, to: Crs) -> Result<Self, QueryError> {
        Self::with_helmert(from, to, HelmertSet::Mainland)
    }

    /// A transformation using `helmert` whenever Monte Mario (3003/3004) meets RDN2008, ETRS89 or
    /// WGS 84. The set is ignored when no datum shift is needed.
    pub fn with_helmert(from: Crs, to: Crs, helmert: HelmertSet) -> Result<Self, QueryError> {
        let src = definition(from)?;
        let dst = definition(to)?;
        let identity = src.datum == dst.datum && src.projection == dst.projection && {
            // geographic CRSs of one datum share their numbers whatever the ellipsoid
            src.projection.is_some() || dst.projection.is_none()
        };
        let mut t = Self {
            from,
            to,
            helmert,
            from_geographic: src.projection.is_none(),
            to_geographic: dst.projection.is_none(),
            to_domain: dst.domain,
            identity,
            inverse: None,
            datum: None,
            forward: None,
        };
        if identity {
            return Ok(t);
        }
        if let Some(p) = src.projection {
            t.inverse = Some((proj(p)?, proj(src.geographic)?));
        }
        let mm = match helmert {
            HelmertSet::Mainland => MM_MAINLAND,
            HelmertSet::Sicily => MM_SICILY,
            HelmertSet::Sardinia => MM_SARDINIA,
        };
        t.datum = match (src.datum, dst.datum) {
            (Datum::MonteMario, Datum::Etrf) => Some((proj(mm)?, proj(WGS84_DATUM)?)),
            (Datum::Etrf, Datum::MonteMario) => Some((proj(WGS84_DATUM)?, proj(mm)?)),
            _ => None,
        };
        if let Some(p) = dst.projection {
            t.forward = Some((proj(dst.geographic)?, proj(p)?));
        }
        Ok(t)
    }

    /// Source CRS.
    pub fn from(&self) -> Crs {
        self.from
    }

    /// Target CRS.
    pub fn to(&self) -> Crs {
        self.to
    }

    /// Whether coordinates keep their numbers (e.g. CRS84 → 4326 → 6706, or 7791 → 6707).
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Transforms one coordinate (east/north in, east/north out; degrees for geographic CRSs).
    ///
    /// Fails with [`QueryError::Transform`] on non-finite input, latitudes beyond ±90°,
    /// longitudes beyond ±180°, or points the projections cannot handle.
    pub fn transform_coord(&self, x: f64, y: f64) -> Result<(f64, f64), QueryError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(self.error(x, y, "coordinates must be finite numbers"));
        }
        if self.from_geographic && (y.abs() > 90.0 || x.abs() > 180.0) {
            return Err(self.error(x, y, "longitude/latitude out of range"));
        }
        if self.identity {
            return Ok((x, y));
        }
        let mut pt = if self.from_geographic {
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        for (src, dst) in [self.inverse, self.datum, self.forward]
            .into_iter()
            .flatten()
        {
            proj4rs::transform::transform(src, dst, &mut pt)
                .map_err(|e| self.error(x, y, &e.to_string()))?;
        }
        let out = if self.to_geographic {
            (pt.0.to_degrees(), pt.1.to_degrees())
        } else {
            (pt.0, pt.1)
        };
        if out.0.is_finite() && out.1.is_finite() {
            Ok(out)
        } else {
            Err(self.error(x, y, "outside the domain of the target CRS"))
        }
    }

    /// Transforms every coordinate of `g` in place (a `Rect` becomes a `Polygon`, as its image is
    /// no longer axis-aligned). On error `g` may be partly transformed.
    pub fn transform_geometry(&self, g: &mut Geometry<f64>) -> Result<(), QueryError> {
        for_each_coord(g, &mut |c| {
            (c.x, c.y) = self.transform_coord(c.x, c.y)?;
            Ok(())
        })
    }

    fn error(&self, x: f64, y: f64, why: &str) -> QueryError {
        QueryError::Transform(format!("{} → {} of ({x}, {y}): {why}", self.from, self.to))
    }
}

/// Applies `f` to every coordinate of `g` (recursing into collections), stopping at the first
/// error.
fn for_each_coord(
    g: &mut Geometry<f64>,
    f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), QueryError>,
) -> Result<(), QueryError> {
    fn polygon(
        p: &mut Polygon<f64>,
        f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), QueryError>,
    ) -> Result<(), QueryError> {
        let mut outer = Ok(());
        p.exterior_mut(|ring| outer = ring.0.iter_mut().try_for_each(&mut *f));
        outer?;
        let mut result = Ok(());
        p.interiors_mut(|rings| {
            result = rings
                .iter_mut()
                .try_for_each(|ring| ring.0.iter_mut().try_for_each(&mut *f));
        });
        result
    }
    match g {
        Geometry::Point(p) => f(&mut p.0),
        Geometry::Line(l) => f(&mut l.start).and_then(|()| f(&mut l.end)),
        Geometry::LineString(ls) => ls.0.iter_mut().try_for_each(f),
        Geometry::Polygon(p) => polygon(p, f),
        Geometry::MultiPoint(mp) => mp.0.iter_mut().try_for_each(|p| f(&mut p.0)),
        Geometry::MultiLineString(ml) => {
            ml.0.iter_mut()
                .try_for_each(|ls| ls.0.iter_mut().try_for_each(&mut *f))
        }
        Geometry::MultiPolygon(mp) => mp.0.iter_mut().try_for_each(|p| polygon(p, f)),
        Geometry::GeometryCollection(gc) => gc.0.iter_mut().try_for_each(|g| for_each_coord(g, f)),
        // the image of a rectangle is no rectangle: it becomes a polygon
        Geometry::Rect(r) => {
            let mut p = r.to_polygon();
            polygon(&mut p, f)?;
            *g = Geometry::Polygon(p);
            Ok(())
        }
        Geometry::Triangle(t) => {
            let mut v = t.to_array();
            v.iter_mut().try_for_each(f)?;
            *t = geo_types::Triangle::from(v);
            Ok(())
        }
    }
}
